//! Integration tests: runs the minideno binary on tests/testdata/*.ts and compares its
//! output (stdout and stderr, interleaved) with NAME.out, where `[WILDCARD]` matches
//! any text.
use std::io::Read;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_minideno");

/// Runs minideno with `args` from the crate root; returns (exit code, combined output).
fn minideno(args: &[&str], deno_dir: &Path) -> (i32, String) {
    minideno_env(args, deno_dir, &[])
}

/// As `minideno`, with environment variables `env` added.
fn minideno_env(args: &[&str], deno_dir: &Path, env: &[(&str, &str)]) -> (i32, String) {
    let (mut reader, writer) = std::io::pipe().unwrap();
    let mut child = Command::new(BIN)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("DENO_DIR", deno_dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(writer.try_clone().unwrap())
        .stderr(writer)
        .spawn()
        .unwrap();
    let mut out = String::new();
    // The command holds the pipe's write ends; they close when the child exits.
    reader.read_to_string(&mut out).unwrap();
    let status = child.wait().unwrap();
    (status.code().unwrap_or(-1), out)
}

fn test_deno_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("deno_dir")
}

/// Does `actual` match `pattern`, where `[WILDCARD]` stands for any text?
fn wildcard_match(pattern: &str, actual: &str) -> bool {
    let mut parts = pattern.split("[WILDCARD]");
    let first = parts.next().unwrap();
    let Some(mut rest) = actual.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.ends_with(last) && rest.len() >= last.len()
}

fn check(args: &[&str], out_file: &str, exit: i32) {
    check_env(args, out_file, exit, &[]);
}

fn check_env(args: &[&str], out_file: &str, exit: i32, env: &[(&str, &str)]) {
    let (code, output) = minideno_env(args, &test_deno_dir(), env);
    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR")).join(out_file);
    let expected = std::fs::read_to_string(&expected_path).unwrap();
    assert!(
        wildcard_match(&expected, &output),
        "output of minideno {args:?} does not match {out_file}\n--- expected\n{expected}\n--- actual\n{output}"
    );
    assert_eq!(
        code, exit,
        "exit code of minideno {args:?}; output:\n{output}"
    );
}

/// `itest!(name: ["--flag"] "file.ts", args..., exit = N)` runs
/// `minideno run --flag tests/testdata/file.ts args...`
/// and compares with `tests/testdata/file.ts.out`.
macro_rules! itest {
    ($name:ident: [$($flag:literal),*] $file:literal $(, $arg:literal)* ; exit = $exit:literal) => {
        #[test]
        fn $name() {
            let file = concat!("tests/testdata/", $file);
            check(&["run", $($flag,)* file $(, $arg)*], &format!("{file}.out"), $exit);
        }
    };
    ($name:ident: $file:literal $(, $arg:literal)* ; exit = $exit:literal) => {
        #[test]
        fn $name() {
            let file = concat!("tests/testdata/", $file);
            check(&["run", file $(, $arg)*], &format!("{file}.out"), $exit);
        }
    };
}

itest!(hello: "hello.ts"; exit = 0);
itest!(args: "args.ts", "one", "--two", "-3", "four five"; exit = 0);
itest!(import_relative: "import_relative.ts"; exit = 0);
itest!(top_level_await: "top_level_await.ts"; exit = 0);
itest!(web_listener_error: "web/listener_error.ts"; exit = 1);
itest!(web_unhandled_rejection: "web/unhandled_rejection.ts"; exit = 1);
itest!(web_seed_random: ["--seed", "42"] "web/seed_random.ts"; exit = 0);
itest!(web_console_methods: "web/console_methods.ts"; exit = 0);
itest!(async_op_error: ["--allow-read"] "async_op_error.ts"; exit = 1);
itest!(web_location: ["--location", "https://example.com:8443/a/b?x=1#h"] "web/location.ts"; exit = 0);
itest!(web_no_location: "web/no_location.ts"; exit = 1);
itest!(web_lifecycle: "web/lifecycle.ts"; exit = 0);
itest!(console_format: "console_format.ts"; exit = 0);
itest!(ts_features: "ts_features.ts"; exit = 0);
itest!(error_uncaught: "error_uncaught.ts"; exit = 1);
itest!(error_in_promise: "error_in_promise.ts"; exit = 1);
itest!(error_with_pending_timer: "error_with_pending_timer.ts"; exit = 1);
itest!(error_syntax: "error_syntax.ts"; exit = 1);
itest!(error_v8_syntax: "error_v8_syntax.ts"; exit = 1);
itest!(userland_frames: "userland_frames.ts"; exit = 0);
itest!(error_missing_import: "error_missing_import.ts"; exit = 1);
itest!(error_bare_import: "error_bare_import.ts"; exit = 1);
itest!(error_unused_missing_import: "error_unused_missing_import.ts"; exit = 1);
itest!(import_type_only: "import_type_only.ts"; exit = 0);
itest!(my_pid: "my_pid.ts"; exit = 0);
itest!(resolve: ["--allow-net"] "resolve.ts"; exit = 0);
itest!(exit: "exit.ts"; exit = 3);
itest!(exit_bad_code: "exit_bad_code.ts"; exit = 0);
itest!(metrics: "metrics.ts"; exit = 0);
itest!(metrics_per_op: "metrics_per_op.ts"; exit = 0);
itest!(encodings: "encodings.ts"; exit = 0);
itest!(workers_round_trip: ["--allow-read=tests/testdata/workers"] "workers/round_trip.ts"; exit = 0);
itest!(workers_clone_bytes: "workers/clone_bytes.ts"; exit = 0);
itest!(workers_nested: ["--allow-read=tests/testdata/workers"] "workers/nested.ts"; exit = 0);
itest!(workers_error_unhandled: ["--allow-read=tests/testdata/workers"] "workers/error_unhandled.ts"; exit = 1);
itest!(workers_error_handled: ["--allow-read=tests/testdata/workers"] "workers/error_handled.ts"; exit = 0);
itest!(workers_close_batch: ["--allow-read=tests/testdata/workers"] "workers/close_batch.ts"; exit = 0);
itest!(workers_close: ["--allow-read=tests/testdata/workers"] "workers/close.ts"; exit = 0);
itest!(workers_terminate: ["--allow-read=/proc/self,tests/testdata/workers"] "workers/terminate.ts"; exit = 0);
itest!(workers_many: ["--allow-read=/proc/self,tests/testdata/workers", "--max-heap-size=351"] "workers/many.ts"; exit = 0);
itest!(workers_permissions: ["--allow-read=tests/testdata/workers", "--allow-env"] "workers/permissions.ts"; exit = 0);
itest!(workers_need_read_access: "workers/needs_read.ts"; exit = 0);

#[test]
fn trace_ops_lines() {
    let file = "tests/testdata/trace_ops.ts";
    check(&["run", "--trace-ops", file], &format!("{file}.out"), 0);
}

#[test]
fn trace_lines_never_split_program_output() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("trace_interleave");
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("noisy.ts");
    let program = "for (let i = 0; i < 300; i++) { console.error(`line ${i} ` + \"x\".repeat(200)); await Deno.noopAsync(); }\n";
    std::fs::write(&script, program).unwrap();
    let (code, out) = minideno(
        &["run", "--trace-ops", script.to_str().unwrap()],
        &test_deno_dir(),
    );
    assert_eq!(code, 0);
    let (mut program_lines, mut trace_lines) = (0, 0);
    for line in out.lines() {
        if line.starts_with("line ") {
            assert!(line.ends_with(&"x".repeat(200)), "{line}");
            program_lines += 1;
        } else {
            let f: Vec<&str> = line.split_whitespace().collect();
            assert!(f[0] == "[main]" && f.len() == 11, "{line}");
            trace_lines += 1;
        }
    }
    // Start, then a Write (console.log) and a Noop per round.
    assert_eq!((program_lines, trace_lines), (300, 601));
}

#[test]
fn trace_ops_summary_counts_calls_errors_and_bytes() {
    let (code, out) = minideno(
        &["run", "--trace-ops=summary", "tests/testdata/trace_ops.ts"],
        &test_deno_dir(),
    );
    assert_eq!(code, 0, "{out}");
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("resolve failed: InvalidInput"));
    assert_eq!(lines.next(), Some("[main] ops, by total time"));
    let header: Vec<&str> = lines.next().unwrap().split_whitespace().collect();
    let expected_header = [
        "op", "calls", "errors", "total", "mean", "p99", "bytes", "in", "bytes", "out",
    ];
    assert_eq!(header, expected_header);
    // op -> (calls, errors, bytes in, bytes out); Start's reply holds the main module's
    // path, so its size varies by machine.
    let mut rows = std::collections::BTreeMap::new();
    for line in lines {
        // op, calls, errors, total, mean, p99, bytes in, bytes out (the total row has
        // no mean or p99)
        let f: Vec<&str> = line.split_whitespace().collect();
        let n = |i: usize| f[i].parse::<u64>().unwrap();
        let row = (n(1), n(2), n(f.len() - 2), n(f.len() - 1));
        rows.insert(f[0].to_string(), row);
    }
    let start_out = rows["Start"].3;
    let expected = [
        ("Echo", (1, 0, 54, 72)),
        ("MyPid", (1, 0, 44, 60)),
        ("Noop", (1, 0, 44, 24)),
        ("Write", (1, 0, 45, 20)),
        ("Resolve", (1, 1, 60, 60)),
        ("Start", (1, 0, 44, start_out)),
        ("total", (6, 1, 291, 236 + start_out)),
    ];
    for (op, counts) in expected {
        assert_eq!(rows.get(op), Some(&counts), "{op} in\n{out}");
    }
    assert_eq!(rows.len(), expected.len(), "{out}");
}
itest!(timers: "timers.ts"; exit = 1);
itest!(timers_unref: "timers_unref.ts"; exit = 0);
itest!(import_map: ["--import-map=tests/testdata/import_map/map.json", "--allow-read=tests/testdata/import_map"] "import_map/main.ts"; exit = 0);
itest!(import_map_early_spelling: ["--importmap=tests/testdata/import_map/map.json", "--allow-read=tests/testdata/import_map"] "import_map/main.ts"; exit = 0);
itest!(async_many: "async_many.ts"; exit = 0);
itest!(dispatch_robustness: "dispatch_robustness.ts"; exit = 0);
#[test]
fn ppid() {
    let parent = std::process::id().to_string();
    check(
        &["run", "tests/testdata/ppid.ts", &parent],
        "tests/testdata/ppid.ts.out",
        0,
    );
}

#[test]
fn dispatch_contract() {
    // Ops are named by the generated codes, never by a tag number written by hand.
    use minideno::msg::Any;
    let (noop, timer) = (Any::Noop.0.to_string(), Any::GlobalTimer.0.to_string());
    let script = "tests/testdata/dispatch_contract.ts";
    check(
        &["run", script, &noop, &timer],
        "tests/testdata/dispatch_contract.ts.out",
        0,
    );
}

#[test]
fn dispatch_buffers() {
    let flags = "--v8-flags=--harmony-rab-gsab,--allow-natives-syntax";
    let file = "tests/testdata/dispatch_buffers.ts";
    check(&["run", flags, file], &format!("{file}.out"), 42);
}

#[test]
fn non_error_values_print_as_deno_prints_them() {
    let file = "tests/testdata/error_non_error_values.ts";
    for (arg, printed) in [
        ("number", "42"),
        ("object", "{ a: 1, b: [ 2 ] }"),
        ("string", "\"text\""),
        ("revoked", "null"),
    ] {
        let (code, out) = minideno(&["run", file, arg], &test_deno_dir());
        assert_eq!(
            (code, out.as_str()),
            (1, format!("error: Uncaught {printed}\n").as_str())
        );
    }
}

#[test]
fn trace_summary_is_printed_on_deno_exit_too() {
    let (code, out) = minideno(
        &["run", "--trace-ops=summary", "tests/testdata/exit.ts"],
        &test_deno_dir(),
    );
    assert_eq!(code, 3);
    assert!(out.contains("[main] ops, by total time"), "{out}");
    assert!(out.lines().any(|l| l.starts_with("Exit ")), "{out}");
}

#[test]
fn number_example() {
    let (code, out) = minideno(&["run", "../examples/number.ts"], &test_deno_dir());
    assert_eq!((code, out.as_str()), (0, "The magic number is 42\n"));
}

#[test]
fn examples_my_pid_and_resolve() {
    let (code, out) = minideno(&["run", "../examples/my_pid.ts"], &test_deno_dir());
    let pid: u32 = out
        .trim()
        .strip_prefix("My pid is ")
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    assert!(code == 0 && pid > 1, "{out}");
    let args = ["run", "--allow-net=localhost", "../examples/resolve.ts"];
    let (code, out) = minideno(&args, &test_deno_dir());
    assert_eq!(
        (code, out.as_str()),
        (0, "localhost resolves to 127.0.0.1\n")
    );
}

#[test]
fn workers_example_counts_primes_on_one_and_on_n_workers() {
    let (code, out) = minideno(
        &[
            "run",
            "--allow-read=../examples",
            "../examples/workers.ts",
            "2",
            "100000",
            "1000",
        ],
        &test_deno_dir(),
    );
    let expected = "primes below 100000: 9592\n1 worker: [WILDCARD] ms, 2 workers: [WILDCARD] ms, speed-up [WILDCARD]x\nmessages: 1000 round trips in [WILDCARD] messages/s\n";
    assert!(wildcard_match(expected, &out), "{out}");
    assert_eq!(code, 0);
}

#[test]
fn missing_file() {
    check(
        &["run", "tests/testdata/missing.ts"],
        "tests/testdata/missing_file.out",
        1,
    );
}

#[test]
fn eval_typescript() {
    let (code, out) = minideno(
        &[
            "eval",
            "const n: number = 6; console.log(n * 7, import.meta.main)",
        ],
        &test_deno_dir(),
    );
    assert_eq!((code, out.as_str()), (0, "42 true\n"));
}

#[test]
fn eval_takes_permission_flags_and_a_denial_points_at_the_user_line() {
    let code = r#"Deno.readFileSync("/etc/passwd")"#;
    let (status, out) = minideno(&["eval", code], &test_deno_dir());
    let expected = "error: Uncaught PermissionDenied: Requires read access to \"/etc/passwd\", \
                    run again with the --allow-read flag\n\
                    Deno.readFileSync(\"/etc/passwd\")\n     ^\n    at [WILDCARD]";
    assert!(wildcard_match(expected, &out), "{out}");
    assert_eq!(status, 1);
    let code = r#"console.log(Deno.readTextFileSync("/etc/passwd").startsWith("root:"))"#;
    let (status, out) = minideno(&["eval", "--allow-read=/etc", code], &test_deno_dir());
    assert_eq!((status, out.as_str()), (0, "true\n"));
}

#[test]
fn limits_end_a_run_with_a_clear_line_and_their_exit_code() {
    let run = |args: &[&str]| {
        let start = std::time::Instant::now();
        let (code, out) = minideno(args, &test_deno_dir());
        (code, out, start.elapsed())
    };
    let (code, out, took) = run(&["run", "--timeout=1", "tests/testdata/limits/loop.ts"]);
    assert_eq!(
        (code, out.as_str()),
        (124, "started\nerror: Script timed out after 1.0s\n")
    );
    assert!(took < std::time::Duration::from_millis(1500), "{took:?}");
    let bomb = "tests/testdata/limits/heap_bomb.ts";
    let (code, out, _) = run(&["run", "--max-heap-size=10", bomb]);
    assert_eq!(
        (code, out.as_str()),
        (125, "error: Script exceeded its 10 MiB heap limit\n")
    );
    // V8's own limit (about 1.4 GiB here) ends it the same way, not with an abort.
    let (code, out, _) = run(&["run", bomb]);
    assert_eq!(code, 125, "{out}");
    assert!(
        out.starts_with("error: Script exceeded its ") && out.ends_with(" MiB heap limit\n"),
        "{out}"
    );
    for bad in [
        "--timeout=0",
        "--timeout=-1",
        "--timeout=soon",
        "--max-heap-size=0",
    ] {
        let (code, out, _) = run(&["run", bad, bomb]);
        assert!(code == 2 && out.starts_with("error: "), "{bad}: {out}");
    }
}

#[test]
fn version_names_all_three() {
    let (code, out) = minideno(&["--version"], &test_deno_dir());
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("minideno "), "{out}");
    assert!(lines[1].starts_with("v8 10.2."), "{out}");
    assert!(lines[2].starts_with("typescript oxc "), "{out}");
    // Early Deno's spelling.
    assert_eq!(minideno(&["version"], &test_deno_dir()), (0, out));
}

#[test]
fn early_denos_spellings_run_a_script_print_v8s_flags_and_eval_print() {
    let dir = test_deno_dir();
    // A script named without `run`, its arguments after it.
    let (code, out) = minideno(&["tests/testdata/args.ts", "a", "--b"], &dir);
    assert_eq!(
        (code, out),
        minideno(&["run", "tests/testdata/args.ts", "a", "--b"], &dir)
    );
    // What is neither a command nor a file is still a usage error.
    let (code, out) = minideno(&["no-such-script.ts"], &dir);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("unrecognized subcommand 'no-such-script.ts'"),
        "{out}"
    );
    let (code, out) = minideno(&["--v8-options"], &dir);
    assert_eq!(code, 0);
    assert!(out.contains("--max-old-space-size"), "{out}");
    assert_eq!(minideno(&["eval", "-p", "1 + 2"], &dir), (0, "3\n".into()));
    let (code, out) = minideno(&["eval", "--print", "({ a: [1, 2] }) // a comment"], &dir);
    assert_eq!((code, out.as_str()), (0, "{ a: [ 1, 2 ] }\n"));
}

/// minideno has its own C `main` (no std wrapper), so it ignores SIGPIPE itself: a
/// reader that goes away makes a write fail with BrokenPipe, as in Deno, and does not
/// kill the process (Command starts the child with SIGPIPE at its default).
#[test]
fn a_closed_stdout_is_a_broken_pipe_error_not_a_kill() {
    let mut child = Command::new(BIN)
        .args(["eval", "for (;;) console.log('x'.repeat(100))"])
        .env("DENO_DIR", test_deno_dir())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 101];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1), "{status:?}: {err}");
    assert!(err.contains("BrokenPipe"), "{err}");
}

#[test]
fn bad_command_lines_fail_cleanly() {
    for args in [
        &["run", "--bogus", "x.ts"][..],
        &["frobnicate"],
        &["run"],
        &["cache"],
        &["run", "--import-map", "--allow-read", "x.ts"],
        &["run", "--config"],
        &["run", "--config=a.json", "--no-config", "x.ts"],
        &["run", "--watch-exclude=a", "x.ts"],
        &["test", "--watch-exclude=a"],
        &["eval", "-p"],
        &["task", "--config"],
        &["version", "extra"],
    ] {
        let (code, out) = minideno(args, &test_deno_dir());
        assert_eq!(code, 2, "minideno {args:?}: {out}");
        assert!(!out.contains("panicked"), "minideno {args:?}: {out}");
        assert!(
            out.starts_with("error: ") && (out.contains("Usage:") || out.contains("try '--help'")),
            "minideno {args:?}: {out}"
        );
    }
    for (flag, says) in [
        (
            "--allow-net=host:port",
            "invalid --allow-net scope \"host:port\"",
        ),
        ("--allow-net=:80", "invalid --allow-net scope"),
        ("--allow-read=", "a value is required for '--allow-read"),
        ("--allow-run=ls", "unexpected value 'ls' for '--allow-run'"),
        ("--location=file:///x", "expected an http or https URL"),
        ("--location=nope", "not a URL"),
        ("--seed=-1", "invalid value '-1' for '--seed"),
    ] {
        let (code, out) = minideno(&["run", flag, "x.ts"], &test_deno_dir());
        assert_eq!(code, 2, "{flag}: {out}");
        assert!(
            out.starts_with("error: ") && out.contains(says),
            "{flag}: {out}"
        );
    }
}

#[test]
fn compile_cache_follows_content_and_deno_dir() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cache_test");
    let _ = std::fs::remove_dir_all(&dir);
    let deno_dir = dir.join("deno_dir");
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("changing.ts");
    let script_arg = script.to_str().unwrap();
    let cached = || {
        std::fs::read_dir(deno_dir.join("gen"))
            .map(|d| d.count())
            .unwrap_or(0)
    };

    std::fs::write(&script, "const a: number = 1;\nconsole.log(a);\n").unwrap();
    assert_eq!(minideno(&["run", script_arg], &deno_dir), (0, "1\n".into()));
    assert_eq!(cached(), 2, "one .js and one .js.map in DENO_DIR/gen");
    // Same content: served from the cache, nothing new written.
    assert_eq!(minideno(&["run", script_arg], &deno_dir), (0, "1\n".into()));
    assert_eq!(cached(), 2);
    // A damaged entry (cut short) is noticed and compiled again.
    let js = std::fs::read_dir(deno_dir.join("gen"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "js"))
        .unwrap();
    let whole = std::fs::read(&js).unwrap();
    // Cut short, emptied, or cut by one byte (inside its imports line): each is
    // noticed, compiled again and written whole.
    for damaged in [&whole[..whole.len() / 2], &[], &whole[..whole.len() - 2]] {
        std::fs::write(&js, damaged).unwrap();
        assert_eq!(minideno(&["run", script_arg], &deno_dir), (0, "1\n".into()));
        assert_eq!(std::fs::read(&js).unwrap(), whole);
    }
    // Changed content: recompiled.
    std::fs::write(&script, "const a: number = 2;\nconsole.log(a);\n").unwrap();
    assert_eq!(minideno(&["run", script_arg], &deno_dir), (0, "2\n".into()));
    assert_eq!(cached(), 4);
}

itest!(modules_dynamic: ["--allow-read=tests/testdata/modules"] "modules/dynamic.ts"; exit = 0);
itest!(modules_dynamic_denied: "modules/dynamic_denied.ts"; exit = 0);
itest!(modules_json_static: "modules/json_static.ts"; exit = 0);
itest!(modules_json_without_type: "modules/json_without_type.ts"; exit = 1);
itest!(modules_json_bad_attribute: "modules/json_bad_attribute.ts"; exit = 1);
itest!(modules_json_invalid: "modules/json_invalid.ts"; exit = 1);
itest!(modules_cycle_order: "modules/cycle_main.ts"; exit = 0);

#[test]
fn info_shows_a_local_graph() {
    let file = "tests/testdata/modules/json_static.ts";
    check(
        &["info", file],
        "tests/testdata/modules/json_static.info.out",
        0,
    );
}
itest!(modules_odd_names: "modules/odd_names.ts"; exit = 0);

#[test]
fn unit_tests_pass_under_minideno_test() {
    let (code, out) = minideno(&["test", "-A", "tests/unit"], &test_deno_dir());
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(" passed, 0 failed, 0 ignored, 0 filtered out"),
        "{out}"
    );
}

#[test]
fn test_command_reports_passes_failures_ignores_and_filters() {
    let dir = "tests/testdata/test_runner";
    let sample = "tests/testdata/test_runner/sample_test.ts";
    check(
        &["test", "--allow-read", sample],
        &format!("{dir}/sample_test.out"),
        1,
    );
    check(
        &["test", "--filter", "/^(adds|reads)/", sample],
        &format!("{dir}/sample_test.filtered.out"),
        1,
    );
    check(
        &["test", &format!("{dir}/only_test.ts")],
        &format!("{dir}/only_test.out"),
        0,
    );
    // A directory is searched for *_test.ts files: both load, and `only` in one
    // leaves out every other test.
    let (code, out) = minideno(&["test", "--allow-read", dir], &test_deno_dir());
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("ok | 1 passed, 0 failed, 0 ignored, 6 filtered out"),
        "{out}"
    );
    let (code, out) = minideno(&["test", "tests/testdata/no_such_dir"], &test_deno_dir());
    assert_eq!(code, 1);
    assert!(out.starts_with("error: No such file or directory"), "{out}");
}

#[test]
fn a_bad_import_map_is_a_clear_error_and_a_bad_entry_a_warning() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("import_maps");
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };
    let not_object = write("array.json", "[]");
    let not_json = write("broken.json", "{");
    let bad_entry = write("entry.json", r#"{"imports": {"a": 1, "b": "./b.ts"}}"#);
    for (map, says) in [
        (
            "tests/testdata/import_map/missing.json",
            "cannot read the import map: Module not found",
        ),
        (not_object.as_str(), "must be a JSON object"),
        (not_json.as_str(), "is not JSON"),
    ] {
        let (code, out) = minideno(
            &["eval", &format!("--import-map={map}"), "1"],
            &test_deno_dir(),
        );
        assert_eq!(code, 1, "{map}: {out}");
        assert!(
            out.starts_with("error: ") && out.contains(says),
            "{map}: {out}"
        );
    }
    let (code, out) = minideno(
        &[
            "eval",
            &format!("--import-map={bad_entry}"),
            "console.log('ran')",
        ],
        &test_deno_dir(),
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("warning: import map: the address of \"a\" in \"imports\" (1) is not a URL"),
        "{out}"
    );
    assert!(out.contains("ran"), "{out}");
    // `info` and `cache` resolve through the map too.
    let map = "--import-map=tests/testdata/import_map/map.json";
    let (code, out) = minideno(
        &["info", map, "tests/testdata/import_map/main.ts"],
        &test_deno_dir(),
    );
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("import_map/lib/greet.ts") && out.contains("import_map/lib/greet_scoped.ts"),
        "{out}"
    );
    let (code, out) = minideno(
        &["cache", map, "tests/testdata/import_map/main.ts"],
        &test_deno_dir(),
    );
    assert_eq!(code, 0, "{out}");
}

#[test]
fn deno_json_is_found_upward_maps_imports_and_runs_tasks() {
    let dir = test_deno_dir();
    let main = "tests/testdata/config/src/nested/main.ts";
    let (code, out) = minideno(&["run", main], &dir);
    assert_eq!(code, 0, "{out}");
    assert!(out.ends_with("hello config\n"), "{out}");
    // An unknown key is a warning, once; known ones (compilerOptions) are quiet.
    assert_eq!(
        out.matches("unknown key \"frobnicate\": ignored").count(),
        1,
        "{out}"
    );
    assert!(!out.contains("compilerOptions"), "{out}");
    // Named, or none.
    let named = ["run", "--config=tests/testdata/config/other.json", main];
    assert_eq!(minideno(&named, &dir), (0, "hello config\n".into()));
    let (code, out) = minideno(&["run", "--no-config", main], &dir);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Relative import path \"greet\""), "{out}");
    let (code, out) = minideno(
        &["run", "--config=tests/testdata/config/lib/greet.ts", main],
        &dir,
    );
    assert_eq!(code, 1, "{out}");
    assert!(
        out.starts_with("error: the config file tests/testdata/config/lib/greet.ts:"),
        "{out}"
    );

    let task = |args: &[&str]| {
        let mut all = vec!["task", "--config=tests/testdata/config/deno.jsonc"];
        all.extend(args);
        minideno(&all, &dir)
    };
    let (code, out) = task(&[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("- hello\n    echo hello from a task"), "{out}");
    let (code, out) = task(&["hello"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("Task hello echo hello from a task") && out.contains("hello from a task\n"),
        "{out}"
    );
    let (code, out) = task(&["echo", "a b", "c'd"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("a b c'd\n"), "{out}");
    assert_eq!(task(&["fail"]).0, 3);
    let (code, out) = task(&["nope"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("no task named \"nope\" (tasks: echo, fail, hello)"),
        "{out}"
    );
}

#[test]
fn types_prints_lib_deno_d_ts() {
    let (code, out) = minideno(&["types"], &test_deno_dir());
    assert_eq!(code, 0);
    let read = |name: &str| {
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../js")
                .join(name),
        )
        .unwrap()
    };
    let refs = "/// <reference no-default-lib=\"true\" />\n/// <reference lib=\"esnext\" />\n\n";
    assert_eq!(
        out,
        format!("{refs}{}\n{}", read("lib.deno.d.ts"), read("lib.web.d.ts"))
    );
}

#[test]
fn main_modules_with_odd_names_are_found() {
    for name in ["odd#name", "odd?name", "odd%41name"] {
        let file = format!("tests/testdata/modules/{name}.ts");
        let (code, out) = minideno(&["run", &file], &test_deno_dir());
        assert_eq!((code, out), (0, format!("main: {name}.ts\n")));
    }
}

#[test]
fn a_chain_of_10000_imports_loads_links_and_runs() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("chain");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let n = 10_000;
    for i in 0..n {
        let body = if i + 1 < n {
            format!(
                "import {{ depth as d }} from \"./m{}.ts\";\nexport const depth: number = d + 1;\n",
                i + 1
            )
        } else {
            "export const depth: number = 0;\n".to_string()
        };
        std::fs::write(dir.join(format!("m{i}.ts")), body).unwrap();
    }
    std::fs::write(
        dir.join("main.ts"),
        "import { depth } from \"./m0.ts\";\nconsole.log(depth);\n",
    )
    .unwrap();
    let main = dir.join("main.ts");
    let (code, out) = minideno(&["run", main.to_str().unwrap()], &dir.join("deno_dir"));
    assert_eq!((code, out.as_str()), (0, "9999\n"));
}

#[test]
fn a_fifo_device_or_directory_as_main_module_is_refused_at_once() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fifo");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("fifo.ts");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    for (path, why) in [
        (fifo.to_str().unwrap(), "not a regular file"),
        ("/dev/zero", "not a regular file"),
        (dir.to_str().unwrap(), "it is a directory"),
    ] {
        let (code, out) = minideno(&["run", path], &test_deno_dir());
        assert_eq!(code, 1, "{out}");
        assert!(
            out.starts_with("error: Cannot load module \"file://") && out.contains(why),
            "{out}"
        );
    }
}

itest!(fs_files: ["-A"] "fs/files.ts"; exit = 0);

/// Every file and directory below `dir` with its content (a symlink as its target).
fn tree(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(p) = stack.pop() {
        let meta = std::fs::symlink_metadata(&p).unwrap();
        let what = if meta.is_symlink() {
            format!("-> {}", std::fs::read_link(&p).unwrap().display())
        } else if meta.is_dir() {
            stack.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
            format!("dir {:o}", meta.permissions().mode() & 0o777)
        } else {
            format!(
                "{:o} {:?}",
                meta.permissions().mode() & 0o777,
                std::fs::read(&p).unwrap()
            )
        };
        out.push((p, what));
    }
    out.sort();
    out
}

itest!(net_tcp: ["-A"] "net/tcp.ts"; exit = 0);

#[test]
fn net_tcp_with_flatbuffers_read_and_write() {
    let file = "tests/testdata/net/tcp.ts";
    let env = [("MINIDENO_IO_ENCODING", "flatbuffers")];
    check_env(&["run", "-A", file], &format!("{file}.out"), 0, &env);
    let (code, out) = minideno_env(
        &["run", file],
        &test_deno_dir(),
        &[("MINIDENO_IO_ENCODING", "json")],
    );
    assert_eq!(
        (code, out.as_str()),
        (
            1,
            "error: MINIDENO_IO_ENCODING must be \"minimal\" or \"flatbuffers\"\n"
        )
    );
}

#[test]
fn a_child_never_waited_for_does_not_keep_the_program_alive() {
    // The child's streams are not the test's pipe, which would stay open while it sleeps.
    let code = "const p = Deno.run({ cmd: ['sleep', '3'], stdout: 'null', stderr: 'null' });
                console.log(p.pid > 0);";
    let start = std::time::Instant::now();
    let (status, out) = minideno(&["eval", "--allow-run", code], &test_deno_dir());
    assert_eq!((status, out.as_str()), (0, "true\n"));
    assert!(
        start.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn permission_matrix() {
    let bin = Path::new(BIN).canonicalize().unwrap();
    for (case, flags) in [
        ("none", vec![]),
        (
            "wrong_scope",
            vec![
                "--allow-read=$DIR/other",
                "--allow-write=$DIR/other",
                "--allow-env=OTHER",
                "--allow-net=example.com:80",
            ],
        ),
        (
            "right_scope",
            vec![
                "--allow-read=$DIR/granted,$BIN",
                "--allow-write=$DIR/granted",
                "--allow-env",
                "--allow-net=localhost",
                "--allow-run",
            ],
        ),
    ] {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("perm-{case}"));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("granted/sub")).unwrap();
        std::fs::create_dir_all(dir.join("outside")).unwrap();
        std::fs::create_dir_all(dir.join("other")).unwrap();
        std::fs::write(dir.join("granted/in.txt"), "hi\n").unwrap();
        std::fs::write(dir.join("outside/secret.txt"), "secret\n").unwrap();
        std::os::unix::fs::symlink("../outside", dir.join("granted/link")).unwrap();
        let before = tree(&dir);
        let dir_str = dir.to_str().unwrap();
        let flags: Vec<String> = flags
            .iter()
            .map(|f| {
                f.replace("$DIR", dir_str)
                    .replace("$BIN", bin.to_str().unwrap())
            })
            .collect();
        let mut args = vec!["run"];
        args.extend(flags.iter().map(String::as_str));
        args.extend(["tests/testdata/fs/permissions.ts", dir_str]);
        let out_file = format!("tests/testdata/fs/permissions.{case}.out");
        check(&args, &out_file, 0);
        if case != "right_scope" {
            assert_eq!(tree(&dir), before, "a denied run changed {}", dir.display());
        }
        assert_eq!(
            std::fs::read(dir.join("outside/secret.txt")).unwrap(),
            b"secret\n"
        );
        assert!(!dir.join("outside/planted.txt").exists());
    }
}

#[test]
fn copy_256_mib_keeps_every_byte() {
    use sha2::{Digest, Sha256};
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("copy-256");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let (src, dst) = (dir.join("src"), dir.join("dst"));
    // Pseudo-random content, so a misplaced chunk cannot go unnoticed.
    let mut x = 0x9e37_79b9_7f4a_7c15u64;
    let data: Vec<u8> = (0..256 << 20)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    std::fs::write(&src, &data).unwrap();
    let allow = format!("--allow-read={}", dir.display());
    let allow_w = format!("--allow-write={}", dir.display());
    let args = [
        "run",
        &allow,
        &allow_w,
        "tests/testdata/fs/copy.ts",
        src.to_str().unwrap(),
        dst.to_str().unwrap(),
    ];
    let (code, out) = minideno(&args, &test_deno_dir());
    assert_eq!((code, out.as_str()), (0, "copied 268435456 bytes\n"));
    let copied = std::fs::read(&dst).unwrap();
    assert_eq!(Sha256::digest(&copied), Sha256::digest(&data));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn wildcard_matching() {
    assert!(wildcard_match("a[WILDCARD]c", "abbbc"));
    assert!(wildcard_match("a[WILDCARD]", "a"));
    assert!(!wildcard_match("a[WILDCARD]c", "abbb"));
    assert!(!wildcard_match("abc", "abcd"));
    assert!(wildcard_match("x[WILDCARD]y[WILDCARD]z", "x1y2z"));
}

/// A `--watch` run in `dir`: its stdout lines as they come, until it is killed.
struct Watching {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
}

impl Watching {
    fn start(dir: &Path, args: &[&str]) -> Watching {
        let mut child = Command::new(BIN)
            .args(args)
            .current_dir(dir)
            .env("DENO_DIR", test_deno_dir())
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        for pipe in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                use std::io::BufRead;
                for line in std::io::BufReader::new(pipe).lines().map_while(Result::ok) {
                    let _ = tx.send(line);
                }
            });
        }
        Watching { child, lines }
    }

    /// Waits (10 s at most) for a line that contains `text`.
    fn expect(&self, text: &str) {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let mut seen = vec![];
        while let Some(left) = until.checked_duration_since(std::time::Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(text) => return,
                Ok(line) => seen.push(line),
                Err(_) => break,
            }
        }
        panic!("no line with {text:?} in time; saw {seen:?}");
    }

    /// Asserts that no line comes for `ms` milliseconds.
    fn quiet(&self, ms: u64) {
        let line = self
            .lines
            .recv_timeout(std::time::Duration::from_millis(ms));
        assert!(line.is_err(), "unexpected: {line:?}");
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn watch_runs_again_on_a_change_and_keeps_watching_through_a_syntax_error() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("watch_run");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    // A program that does not end by itself: a change must stop it to run it again.
    let main = "import { v } from \"./dep.ts\";\nimport \"./ignored.ts\";\n\
        console.log(`run ${v}`);\nsetInterval(() => {}, 1000);\n";
    std::fs::write(dir.join("main.ts"), main).unwrap();
    std::fs::write(dir.join("dep.ts"), "export const v = 1;\n").unwrap();
    std::fs::write(dir.join("ignored.ts"), "export {};\n").unwrap();
    let watching = Watching::start(
        &dir,
        &["run", "--watch", "--watch-exclude=ignored.ts", "main.ts"],
    );
    watching.expect("run 1");
    std::fs::write(dir.join("dep.ts"), "export const v = 2;\n").unwrap();
    watching.expect("run 2");
    std::fs::write(dir.join("dep.ts"), "export const v = ;\n").unwrap();
    watching.expect("SyntaxError");
    std::fs::write(dir.join("dep.ts"), "export const v = 3;\n").unwrap();
    watching.expect("run 3");
    // A module of the graph that --watch-exclude names changes nothing.
    std::fs::write(dir.join("ignored.ts"), "export const changed = 1;\n").unwrap();
    watching.quiet(1500);
}

#[test]
fn test_watch_runs_the_tests_again_when_a_test_file_changes() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("watch_test");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let test = |name: &str| format!("Deno.test(\"{name}\", () => {{}});\n");
    std::fs::write(dir.join("a_test.ts"), test("first")).unwrap();
    let watching = Watching::start(&dir, &["test", "--watch", "a_test.ts"]);
    watching.expect("test first ... ok");
    std::fs::write(dir.join("a_test.ts"), test("second")).unwrap();
    watching.expect("test second ... ok");
}
