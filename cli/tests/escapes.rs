//! An attacker's tests of the permission checks: escapes through links, `link/.`,
//! the chdir race, directories swapped for symlinks while an op is in flight (async,
//! and sync against a Worker swapping beside it), a worker's grant swapped after it
//! was checked, a revocation reaching a worker; the races in the main isolate and in a
//! Worker. Each script runs in a fresh directory
//! holding `granted/` and `outside/` and prints what it got; `[WILDCARD]` matches any
//! text.
use std::path::{Path, PathBuf};
use std::process::Command;

/// The binary under test; `MINIDENO_TEST_BIN` names another (to see an older build
/// fail these tests).
fn bin() -> String {
    std::env::var("MINIDENO_TEST_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_minideno").into())
}
const SCRIPTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/testdata/escapes");

/// A fresh `DIR` with `granted/` (x/deep/f, a/b/deep/f, sub/deep/f: "in") and
/// `outside/` (deep/f: "secret"); x/deep/m.js and outside/deep/m.js export the same.
fn arena(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("escapes-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    for d in [
        "granted/x/deep",
        "granted/a/b/deep",
        "granted/sub/deep",
        "outside/deep",
    ] {
        std::fs::create_dir_all(dir.join(d)).unwrap();
    }
    for f in ["x/deep/f", "a/b/deep/f", "sub/deep/f"] {
        std::fs::write(dir.join("granted").join(f), "in").unwrap();
    }
    std::fs::write(dir.join("outside/deep/f"), "secret").unwrap();
    for (m, text) in [
        ("granted/x/deep/m.js", "in"),
        ("outside/deep/m.js", "secret"),
    ] {
        std::fs::write(dir.join(m), format!("export default {text:?};")).unwrap();
    }
    dir.canonicalize().unwrap()
}

/// Runs `minideno run FLAGS SCRIPT ARGS` from `cwd`; asserts exit 0 and output
/// matching SCRIPT's `.out`.
fn run(cwd: &Path, flags: &[String], script: &str, args: &[&str]) {
    run_in(cwd, flags, script, args, false)
}

/// As `run`; `in_worker`: SCRIPT runs in a Worker (in_worker.ts) with the same
/// permissions and arguments.
fn run_in(cwd: &Path, flags: &[String], script: &str, args: &[&str], in_worker: bool) {
    let main = if in_worker { "in_worker.ts" } else { script };
    let script_path = Path::new(SCRIPTS).join(main);
    let mut all = vec!["run"];
    all.extend(flags.iter().map(String::as_str));
    all.push(script_path.to_str().unwrap());
    all.extend(args);
    if in_worker {
        all.push(script);
    }
    let (code, text) = output(cwd, &all);
    let expected =
        std::fs::read_to_string(Path::new(SCRIPTS).join(script.replace(".ts", ".out"))).unwrap();
    assert!(
        matches(&expected, &text),
        "{script}: expected\n{expected}\ngot\n{text}"
    );
    assert_eq!(code, 0, "{script}: {text}");
}

/// Whether `text` matches `pattern`, where `[WILDCARD]` stands for any text.
fn matches(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split("[WILDCARD]").collect();
    let Some(mut rest) = text.strip_prefix(parts[0]) else {
        return false;
    };
    for (i, part) in parts.iter().enumerate().skip(1) {
        if i == parts.len() - 1 {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

fn grant(flag: &str, paths: &[&Path]) -> String {
    let paths: Vec<_> = paths.iter().map(|p| p.display().to_string()).collect();
    format!("--allow-{flag}={}", paths.join(","))
}

#[test]
fn links_lead_nowhere_outside_the_grant() {
    let dir = arena("links").join("granted");
    std::os::unix::fs::symlink("../outside/new", dir.join("dangling")).unwrap();
    std::os::unix::fs::symlink("../outside", dir.join("link")).unwrap();
    std::fs::write(dir.join("inside.txt"), "inside").unwrap();
    let flags = [grant("read", &[&dir]), grant("write", &[&dir])];
    run(&dir, &flags, "links.ts", &[]);
    let outside = dir.join("../outside");
    assert_eq!(
        std::fs::read_to_string(outside.join("deep/f")).unwrap(),
        "secret"
    );
    assert!(!outside.join("new").exists() && !outside.join("made-by-script").exists());
}

#[test]
fn the_chdir_race_writes_where_it_was_checked() {
    let dir = arena("chdir");
    for (d, f, g) in [("w", "w's f", "w's g"), ("r", "r's f", "r's g")] {
        std::fs::create_dir_all(dir.join(d)).unwrap();
        std::fs::write(dir.join(d).join("f"), f).unwrap();
        std::fs::write(dir.join(d).join("g"), g).unwrap();
    }
    // (The scripts' directory is readable too: a worker loads its module from there.)
    let flags = [
        grant("read", &[&dir, Path::new(SCRIPTS)]),
        grant("write", &[&dir.join("w")]),
    ];
    for in_worker in [false, true] {
        run_in(
            &dir.join("w"),
            &flags,
            "chdir_race.ts",
            &["2000"],
            in_worker,
        );
    }
}

#[test]
fn a_directory_swapped_for_a_symlink_mid_op_leads_nowhere() {
    let dir = arena("swap");
    let g = dir.join("granted");
    let flags = [
        grant("read", &[&g, Path::new(SCRIPTS)]),
        grant("write", &[&g]),
    ];
    for in_worker in [false, true] {
        run_in(
            &dir,
            &flags,
            "swap.ts",
            &[dir.to_str().unwrap(), "1000"],
            in_worker,
        );
        assert_eq!(
            std::fs::read_to_string(dir.join("outside/deep/f")).unwrap(),
            "secret"
        );
    }
}

#[test]
fn a_worker_gets_its_grant_as_checked_and_revocations_reach_it() {
    let dir = arena("grant");
    let g = dir.join("granted");
    let flags = [
        grant("read", &[&g, Path::new(SCRIPTS)]),
        grant("write", &[&g]),
    ];
    run(&dir, &flags, "grant.ts", &[dir.to_str().unwrap(), "20"]);
}

#[test]
fn every_module_a_dynamic_import_or_a_worker_loads_is_checked() {
    let dir = arena("modules");
    let g = dir.join("granted");
    std::fs::write(
        dir.join("outside/secret.ts"),
        "SECRET LINE that is not JavaScript\n",
    )
    .unwrap();
    std::fs::write(
        g.join("imports_secret.ts"),
        "import \"../outside/secret.ts\";\n",
    )
    .unwrap();
    std::fs::write(g.join("main.ts"), concat!(
        "try { await import(\"./imports_secret.ts\"); } catch (e) { console.log(\"import():\", e.message); }\n",
        "const w = new Worker(import.meta.resolve(\"./imports_secret.ts\"), { type: \"module\" });\n",
        "w.onerror = (e) => { e.preventDefault(); console.log(\"worker:\", e.message); w.terminate(); };\n",
    )).unwrap();
    let (_, text) = output(&g, &["run", &grant("read", &[&g]), "main.ts"]);
    assert!(!text.contains("SECRET"), "{text}");
    let denied = format!(
        "Requires read access to \"{}\"",
        dir.join("outside/secret.ts").display()
    );
    assert_eq!(text.matches(&denied).count(), 2, "{text}");
}

/// A sync Stat request for `path` (cmd_id 1), as the userland's builder writes one.
fn stat_request(path: &str) -> Vec<u8> {
    use minideno::msg;
    let mut b = flatbuffers::FlatBufferBuilder::new();
    let path = Some(b.create_string(path));
    let inner = msg::Stat::create(&mut b, &msg::StatArgs { path, lstat: false }).as_union_value();
    let args = msg::BaseArgs {
        cmd_id: 1,
        sync: true,
        inner_type: msg::Any::Stat,
        inner: Some(inner),
        ..Default::default()
    };
    let base = msg::Base::create(&mut b, &args);
    b.finish(base, None);
    b.finished_data().to_vec()
}

#[test]
fn the_door_uses_the_bytes_it_verified() {
    // A control longer than 64 bytes in an ArrayBuffer that a pool thread is filling
    // with random bytes (an async read into a view of the whole buffer): each dispatch
    // is refused or answered, and never reads bytes other than those it verified.
    let dir = arena("door");
    let request = stat_request(&format!("/nonexistent/{}", "x".repeat(60)));
    assert!(request.len() > 64);
    let script = format!(
        r#"const msg = new Uint8Array({request:?});
const buf = new ArrayBuffer(1 << 16);
const control = new Uint8Array(buf, 0, msg.length), sink = new Uint8Array(buf);
const random = Deno.openSync("/dev/urandom");
const seen = {{ answered: 0, refused: 0, torn: 0 }};
for (let round = 0; round < 4000; round++) {{
  const filling = random.read(sink);
  for (let i = 0; i < 200; i++) {{
    control.set(msg);
    try {{
      const n = Deno.core.dispatch(control) as number;
      const text = new TextDecoder().decode(new Uint8Array(Deno.core.shared, 0, n));
      if (text.includes("op panicked") || text.includes("without its table")) seen.torn++;
      else seen.answered++;
    }} catch {{
      seen.refused++;
    }}
  }}
  await filling;
}}
console.log("torn:", seen.torn, "answered:", seen.answered > 0);
"#
    );
    std::fs::write(dir.join("door.ts"), script).unwrap();
    let (_, text) = output(&dir, &["run", "--allow-read=/dev/urandom", "door.ts"]);
    assert_eq!(text, "torn: 0 answered: true\n");
}

#[test]
fn a_forged_request_in_flight_does_not_take_the_userlands_ids() {
    // Raw async reads of a silent stdin under cmd_ids 1..=64 stay in flight; the
    // userland's own async ops and timers skip those ids.
    use minideno::msg;
    let forged: Vec<Vec<u8>> = (1..=64)
        .map(|cmd_id| {
            let mut b = flatbuffers::FlatBufferBuilder::new();
            let inner = msg::Read::create(&mut b, &msg::ReadArgs { rid: 0 }).as_union_value();
            let args = msg::BaseArgs {
                cmd_id,
                sync: false,
                inner_type: msg::Any::Read,
                inner: Some(inner),
                ..Default::default()
            };
            let base = msg::Base::create(&mut b, &args);
            b.finish(base, None);
            b.finished_data().to_vec()
        })
        .collect();
    let dir = arena("cmd_ids");
    let script = format!(
        r#"for (const m of {forged:?}) Deno.core.dispatch(new Uint8Array(m), new Uint8Array(1));
console.log("noop:", await Deno.noopAsync());
await new Promise((r) => setTimeout(r, 5));
console.log("timer fired");
console.log("echo:", (await Promise.all([1, 2, 3].map((i) => Deno.echoAsync(new Uint8Array([i]))))).map((r) => r[0]).join());
Deno.exit(0);
"#
    );
    std::fs::write(dir.join("ids.ts"), script).unwrap();
    let child = Command::new(bin())
        .args(["run", "ids.ts"])
        .current_dir(&dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_eq!(text, "noop: undefined\ntimer fired\necho: 1,2,3\n");
}

/// Runs `minideno ARGS` from `dir`: (exit code, stdout + stderr).
fn output(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn a_heap_too_small_to_start_and_a_worker_name_with_nul_are_clear_errors() {
    let dir = arena("limits");
    for mib in ["1", "4"] {
        let (code, text) = output(&dir, &["run", &format!("--max-heap-size={mib}"), "x.ts"]);
        assert_eq!(code, 2, "{text}");
        assert!(text.contains("is not in 8..="), "{text}");
    }
    std::fs::write(dir.join("w.ts"), "try { new Worker(import.meta.resolve(\"./w.ts\"), { type: \"module\", name: \"a\\0b\" }); } catch (e) { console.log(String(e)); }\n").unwrap();
    let (code, text) = output(&dir, &["run", "--allow-read", "w.ts"]);
    assert_eq!(
        (code, text.as_str()),
        (
            0,
            "InvalidInput: a worker's name may not contain a NUL character\n"
        )
    );
}

/// Whether process `pid` runs (a zombie, killed and not yet reaped by init, does not).
fn alive(pid: &str) -> bool {
    let status = std::fs::read_to_string(Path::new("/proc").join(pid).join("status"));
    status.is_ok_and(|s| !s.contains("(zombie)"))
}

#[test]
fn children_are_reaped_when_they_exit_and_killed_when_the_program_ends() {
    let dir = arena("children");
    std::fs::write(dir.join("reap.ts"), concat!(
        "const p = Deno.run({ cmd: [\"true\"] });\n",
        "await new Promise((r) => setTimeout(r, 300));\n",
        "console.log(Deno.readTextFileSync(`/proc/${p.pid}/status`).includes(\"zombie\") ? \"zombie\" : \"running\");\n",
    )).unwrap();
    let (code, text) = output(
        &dir,
        &["run", "--allow-run", "--allow-read=/proc", "reap.ts"],
    );
    assert!(code != 0 && text.contains("NotFound"), "not reaped: {text}");
    std::fs::write(
        dir.join("status.ts"),
        concat!(
            "const p = Deno.run({ cmd: [\"sh\", \"-c\", \"exit 3\"] });\n",
            "await new Promise((r) => setTimeout(r, 100));\n",
            "console.log(JSON.stringify(await p.status()));\n",
        ),
    )
    .unwrap();
    let (code, text) = output(&dir, &["run", "--allow-run", "status.ts"]);
    assert_eq!(
        (code, text.as_str()),
        (0, "{\"success\":false,\"code\":3,\"signal\":null}\n")
    );
    for (ending, flags) in [
        ("Deno.exit(0);", vec![]),
        (
            "await new Promise(() => setInterval(() => {}, 1000));",
            vec!["--timeout=0.5"],
        ),
    ] {
        let script = format!(
            "const p = Deno.run({{ cmd: [\"sleep\", \"30\"] }});\nconsole.log(p.pid);\n{ending}\n"
        );
        std::fs::write(dir.join("orphan.ts"), script).unwrap();
        let mut args = vec!["run", "--allow-run"];
        args.extend(flags);
        args.push("orphan.ts");
        let (_, text) = output(&dir, &args);
        let pid = text.lines().next().unwrap_or_default().trim().to_string();
        assert!(!pid.is_empty(), "{text}");
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(!alive(&pid), "{ending}: sleep {pid} outlived the program");
    }
}

#[test]
fn deep_nesting_is_a_syntax_error_never_a_crash() {
    let dir = arena("nesting");
    let n = 10_000;
    let deep = |open: &str, close: &str, inner: &str| {
        format!("{}{inner}{}", open.repeat(n), close.repeat(n))
    };
    let cases = [
        ("parens", format!("const x = {};", deep("(", ")", "1"))),
        ("arrays", format!("const x = {};", deep("[", "]", "1"))),
        ("objects", format!("const x = {};", deep("{a:", "}", "1"))),
        (
            "templates",
            format!("const x = {};", deep("`${", "}`", "1")),
        ),
        ("classes", deep("class A { m() { ", "} }", "")),
        (
            "types",
            format!("type T = {};", deep("Array<", ">", "string")),
        ),
        (
            "chain",
            format!("const x = {};", vec!["'a'"; 200_000].join("+")),
        ),
    ];
    for (name, code) in &cases {
        std::fs::write(dir.join(format!("{name}.ts")), code).unwrap();
        // (eval takes its code as one argument: Linux allows 128 KiB.)
        let commands = match code.len() < 100_000 {
            true => vec![vec!["run", "--allow-read"], vec!["eval"]],
            false => vec![vec!["run", "--allow-read"]],
        };
        for args in commands {
            let mut args: Vec<String> = args.into_iter().map(String::from).collect();
            args.push(match args[0].as_str() {
                "eval" => code.clone(),
                _ => format!("{name}.ts"),
            });
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let (code, text) = output(&dir, &args);
            assert!(code == 0 || code == 1, "{name} {}: exit {code}", args[0]);
            if code == 1 {
                assert!(
                    text.contains("nesting too deep")
                        || text.contains("Maximum call stack size exceeded"),
                    "{name}: {}",
                    &text[..text.len().min(300)]
                );
            }
        }
    }
    // The clean error names the file and line; a worker's module says so too.
    let (code, text) = output(&dir, &["run", "parens.ts"]);
    assert_eq!(code, 1);
    assert!(
        text.contains("SyntaxError: nesting too deep") && text.contains("parens.ts:1:"),
        "{}",
        &text[..300]
    );
    std::fs::write(dir.join("worker.ts"), "const w = new Worker(import.meta.resolve(\"./parens.ts\"), { type: \"module\" });\nw.onerror = (e) => { e.preventDefault(); console.log(e.message.includes(\"nesting too deep\")); w.terminate(); };\n").unwrap();
    let (code, text) = output(&dir, &["run", "--allow-read", "worker.ts"]);
    assert_eq!((code, text.as_str()), (0, "true\n"));
}

#[test]
fn timeout_ends_a_run_blocked_in_a_sync_op() {
    let dir = arena("blocked");
    let fifo = std::ffi::CString::new(dir.join("fifo").to_str().unwrap()).unwrap();
    // SAFETY: a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    std::fs::write(dir.join("fifo.ts"), "Deno.openSync(\"fifo\");\n").unwrap();
    std::fs::write(
        dir.join("stdin.ts"),
        "Deno.stdin.readSync(new Uint8Array(8));\n",
    )
    .unwrap();
    for script in ["fifo.ts", "stdin.ts"] {
        let started = std::time::Instant::now();
        let mut child = Command::new(bin())
            .args(["run", "--allow-read", "--timeout=1", script])
            .current_dir(&dir)
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        while child.try_wait().unwrap().is_none() && started.elapsed().as_secs() < 10 {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let _ = child.kill();
        let out = child.wait_with_output().unwrap();
        let took = started.elapsed().as_secs_f64();
        assert_eq!(
            out.status.code(),
            Some(124),
            "{script}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(took < 3.0, "{script}: ended after {took:.1}s");
        assert!(String::from_utf8_lossy(&out.stderr).contains("timed out after 1.0s"));
    }
}

#[test]
fn special_and_huge_files_are_refused_where_a_file_is_expected() {
    let dir = arena("special");
    // A sparse 30 GiB module, --cert of a device, cache entries that are a FIFO and a
    // symlink to /dev/zero.
    std::fs::File::create(dir.join("huge.js"))
        .unwrap()
        .set_len(30 << 30)
        .unwrap();
    std::fs::write(
        dir.join("main.ts"),
        "try { await import(\"./huge.js\"); } catch (e) { console.log(e.message); }\n",
    )
    .unwrap();
    let (code, text) = output(&dir, &["run", "--allow-read", "main.ts"]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("30720 MiB, more than the 256 MiB allowed"),
        "{text}"
    );
    let (code, text) = output(&dir, &["run", "--cert=/dev/zero", "main.ts"]);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("cannot read --cert \"/dev/zero\": not a regular file"),
        "{text}"
    );
}

#[test]
fn buffers_the_runtime_makes_count_against_the_memory_limit() {
    // Echo replies and serialized values are ArrayBuffers the runtime makes: kept, they
    // reach the limit as the script's own buffers do (a RangeError), not gigabytes.
    let dir = arena("buffers");
    for (name, make) in [
        ("echo", "Deno.echo(payload)"),
        ("serialize", "Deno.core.serialize(payload)"),
    ] {
        let script = format!(
            "const payload = new Uint8Array(1 << 20);\nconst keep = [];\n\
             try {{ while (keep.length < 4096) keep.push({make}); console.log(\"kept\", keep.length); }}\n\
             catch (e) {{ console.log(String(e), keep.length <= 64); }}\n"
        );
        std::fs::write(dir.join(format!("{name}.ts")), script).unwrap();
        let (code, text) = output(&dir, &["run", "--max-heap-size=32", &format!("{name}.ts")]);
        assert_eq!(
            (code, text.as_str()),
            (0, "RangeError: Array buffer allocation failed true\n"),
            "{name}"
        );
    }
}

#[test]
fn a_worker_tree_shares_one_memory_limit() {
    // Eight workers that each grow their heap without end, under a 64 MiB limit: the
    // tree's heaps together stay within it. A worker starts with a lease of 8 MiB and
    // grows it while the others leave room; once none is left it is stopped at the
    // limit, and a worker that cannot get its first lease does not start.
    let dir = arena("tree");
    std::fs::write(
        dir.join("grow.ts"),
        "const keep = []; while (true) keep.push(new Array(100000).fill(1.5));\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("main.ts"),
        r#"const seen = { limit: 0, refused: 0, other: [] as string[] };
await Promise.all(Array.from({ length: 8 }, () => new Promise<void>((done) => {
  const w = new Worker(import.meta.resolve("./grow.ts"), { type: "module" });
  w.onerror = (e) => {
    e.preventDefault();
    if (e.message.includes("exceeded its 64 MiB heap limit")) seen.limit++;
    else if (e.message.includes("no room left for another isolate")) seen.refused++;
    else seen.other.push(e.message);
    done();
  };
})));
const status = Deno.readTextFileSync("/proc/self/status");
const peak = Number(/VmHWM:\s*(\d+) kB/.exec(status)![1]) >> 10;
console.log(seen.limit >= 1, seen.limit + seen.refused, seen.other, peak < 200 ? "bounded" : `${peak} MiB`);
"#,
    )
    .unwrap();
    let (code, text) = output(
        &dir,
        &["run", "--max-heap-size=64", "--allow-read", "main.ts"],
    );
    assert_eq!((code, text.as_str()), (0, "true 8 [] bounded\n"));
}
