//! Remote modules against a loopback server (tests/http_server.py): download once into
//! DENO_DIR, run from the cache with the server gone, `--reload`, redirects, errors
//! (404, a hang, a wrong Content-Type), a 5 MB module, https with `--cert`, and the
//! `info` and `cache` commands.
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_minideno");

struct Server {
    child: Child,
    port: u16,
}

impl Server {
    fn start(root: &Path, tls: Option<(&Path, &Path)>) -> Server {
        let mut cmd = Command::new("python3");
        cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/http_server.py"))
            .arg(root);
        if let Some((cert, key)) = tls {
            cmd.arg(cert).arg(key);
        }
        let mut child = cmd.stdout(Stdio::piped()).spawn().expect("python3");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("the server prints its port");
        Server { child, port }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh directory for one test: `modules/` (served), `deno_dir/`.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("remote")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("modules")).unwrap();
    dir
}

/// Runs minideno in `dir`; (exit code, stdout, stderr).
fn minideno(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(dir)
        .env("DENO_DIR", dir.join("deno_dir"))
        .env("NO_COLOR", "1")
        .env("MINIDENO_FETCH_TIMEOUT", "2")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (
        out.status.code().unwrap_or(-1),
        text(out.stdout),
        text(out.stderr),
    )
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[test]
fn downloads_once_runs_from_the_cache_offline_and_reloads() {
    let dir = scratch("cache");
    let modules = dir.join("modules");
    write(&modules, "mod.ts", "import { dep } from \"./sub/dep.ts\";\nexport const value: string = `mod+${dep}`;\nconsole.log(import.meta.url);\n");
    std::fs::create_dir_all(modules.join("sub")).unwrap();
    write(
        &modules,
        "sub/dep.ts",
        "export const dep: string = \"v1\";\n",
    );
    let server = Server::start(&modules, None);
    let base = format!("http://127.0.0.1:{}", server.port);
    write(
        &dir,
        "main.ts",
        &format!("import {{ value }} from \"{base}/mod.ts\";\nconsole.log(value);\n"),
    );

    let (code, out, err) = minideno(&dir, &["run", "main.ts"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, format!("{base}/mod.ts\nmod+v1\n"));
    assert_eq!(
        err,
        format!("Download {base}/mod.ts\nDownload {base}/sub/dep.ts\n")
    );
    // Cached below deps/<scheme>/<host>_<port>/, with the headers beside the body.
    let cached = dir.join(format!(
        "deno_dir/deps/http/127.0.0.1_{}/sub/dep.ts",
        server.port
    ));
    assert_eq!(
        std::fs::read_to_string(&cached).unwrap(),
        "export const dep: string = \"v1\";\n"
    );
    let meta = std::fs::read_to_string(cached.with_extension("ts.metadata.json")).unwrap();
    assert!(meta.contains("application/typescript"), "{meta}");

    // Changed on the server: the cache still answers, until --reload.
    write(
        &modules,
        "sub/dep.ts",
        "export const dep: string = \"v2\";\n",
    );
    let (code, out, err) = minideno(&dir, &["run", "main.ts"]);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (0, format!("{base}/mod.ts\nmod+v1\n").as_str(), "")
    );
    let (code, out, err) = minideno(&dir, &["run", "--reload", "main.ts"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.ends_with("mod+v2\n"), "{out}");
    assert_eq!(err.lines().count(), 2, "{err}");

    // A damaged body is downloaded again.
    std::fs::write(&cached, "export const dep = \"garbage\";\n").unwrap();
    let (code, out, err) = minideno(&dir, &["run", "main.ts"]);
    assert_eq!(
        (code, err.as_str()),
        (0, format!("Download {base}/sub/dep.ts\n").as_str())
    );
    assert!(out.ends_with("mod+v2\n"), "{out}");

    // The server is gone: everything comes from the cache.
    drop(server);
    let (code, out, err) = minideno(&dir, &["run", "main.ts"]);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(out.ends_with("mod+v2\n"), "{out}");
}

#[test]
fn redirects_errors_types_and_sizes() {
    let dir = scratch("faults");
    let modules = dir.join("modules");
    write(
        &modules,
        "target.ts",
        "export const url = import.meta.url;\n",
    );
    write(&modules, "local.ts", "import \"file:///etc/hostname\";\n");
    write(&modules, "data.json", "{ \"remote\": true }\n");
    let server = Server::start(&modules, None);
    let base = format!("http://127.0.0.1:{}", server.port);
    let run = |name: &str, code: &str, args: &[&str]| {
        write(&dir, name, code);
        let mut all = vec!["run"];
        all.extend_from_slice(args);
        all.push(name);
        minideno(&dir, &all)
    };

    // A redirect: the module is named by where it ended.
    let (code, out, err) = run(
        "redirect.ts",
        &format!("import {{ url }} from \"{base}/redirect/target.ts\";\nconsole.log(url);\n"),
        &[],
    );
    assert_eq!((code, out), (0, format!("{base}/target.ts\n")), "{err}");
    assert_eq!(
        err,
        format!("Download {base}/redirect/target.ts\nDownload {base}/target.ts\n")
    );

    // A 404 names the module and its importer.
    let (code, _, err) = run("missing.ts", &format!("import \"{base}/nope.ts\";\n"), &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains(&format!(
            "error: Module not found \"{base}/nope.ts\" imported from \"file://"
        )),
        "{err}"
    );

    // A server that never answers: a timeout, not a hang.
    let started = Instant::now();
    let (code, _, err) = run("hang.ts", &format!("import \"{base}/hang/x.ts\";\n"), &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains(&format!("error: Import \"{base}/hang/x.ts\" failed: "))
            && err.contains("imeout"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(20));

    // text/html is not a module type.
    let (code, _, err) = run(
        "wrong.ts",
        &format!("import \"{base}/wrong_type/target.ts\";\n"),
        &[],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("is an Unknown module. Importing it is not supported."),
        "{err}"
    );

    // 5 MB.
    let (code, out, err) = run(
        "big.ts",
        &format!("import {{ big }} from \"{base}/big.ts\";\nconsole.log(big.length);\n"),
        &[],
    );
    assert_eq!((code, out), (0, format!("{}\n", 5 << 20)), "{err}");

    // Remote code may not import local files.
    let (code, _, err) = run("escape.ts", &format!("import \"{base}/local.ts\";\n"), &[]);
    assert_eq!(code, 1);
    assert!(err.contains(&format!("Remote module \"{base}/local.ts\" may not import local module \"file:///etc/hostname\"")), "{err}");

    // JSON by Content-Type; a dynamic import of remote code needs net access.
    let json = format!("const m = await import(\"{base}/data.json\", {{ with: {{ type: \"json\" }} }});\nconsole.log(m.default);\n");
    let (code, out, err) = run("json.ts", &json, &["--allow-net=127.0.0.1"]);
    assert_eq!((code, out.as_str()), (0, "{ remote: true }\n"), "{err}");
    let (code, _, err) = run("json.ts", &json, &[]);
    assert_eq!(code, 1);
    assert!(err.contains("Requires net access to \"127.0.0.1:"), "{err}");
}

#[test]
fn https_with_a_ca_given_by_cert() {
    let dir = scratch("tls");
    let modules = dir.join("modules");
    write(
        &modules,
        "secure.ts",
        "export const secure = \"over tls\";\n",
    );
    let openssl = |args: &[&str]| {
        let status = Command::new("openssl")
            .args(args)
            .current_dir(&dir)
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(status.success(), "openssl {args:?}");
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=minideno test CA",
    ]);
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    write(
        &dir,
        "san.ext",
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    );
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "san.ext",
    ]);
    let server = Server::start(
        &modules,
        Some((&dir.join("server.pem"), &dir.join("server.key"))),
    );
    write(
        &dir,
        "main.ts",
        &format!(
            "import {{ secure }} from \"https://127.0.0.1:{}/secure.ts\";\nconsole.log(secure);\n",
            server.port
        ),
    );

    let (code, out, err) = minideno(&dir, &["run", "--cert", "ca.pem", "main.ts"]);
    assert_eq!((code, out.as_str()), (0, "over tls\n"), "{err}");
    // Without the CA the certificate is not trusted (a fresh cache, so it is fetched).
    std::fs::remove_dir_all(dir.join("deno_dir")).unwrap();
    let (code, _, err) = minideno(&dir, &["run", "main.ts"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("failed: ") && err.to_lowercase().contains("certificate"),
        "{err}"
    );
    let (code, _, err) = minideno(&dir, &["run", "--cert", "main.ts", "main.ts"]);
    assert_eq!(code, 1);
    assert!(err.contains("holds no PEM certificate"), "{err}");
}

#[test]
fn cache_then_info_show_the_remote_graph() {
    let dir = scratch("info");
    let modules = dir.join("modules");
    write(
        &modules,
        "a.ts",
        "import \"./b.ts\";\nexport const a = 1;\n",
    );
    write(&modules, "b.ts", "export const b = 2;\n");
    let server = Server::start(&modules, None);
    let base = format!("http://127.0.0.1:{}", server.port);
    write(
        &dir,
        "main.ts",
        &format!("import {{ a }} from \"{base}/a.ts\";\nconsole.log(a);\n"),
    );

    let (code, out, err) = minideno(&dir, &["cache", "main.ts"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert_eq!(err.lines().count(), 2, "{err}");
    drop(server);
    let (code, out, err) = minideno(&dir, &["info", "main.ts"]);
    assert_eq!((code, err.as_str()), (0, ""));
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("local: ") && lines[0].ends_with("main.ts"),
        "{out}"
    );
    assert_eq!(lines[1], "type: TypeScript");
    assert_eq!(lines[3], "dependencies: 2 unique");
    assert!(
        lines[6].starts_with("file://") && lines[6].ends_with("main.ts (65B)"),
        "{out}"
    );
    assert_eq!(lines[7], format!("└─┬ {base}/a.ts (37B)"));
    assert_eq!(lines[8], format!("  └── {base}/b.ts (20B)"));
}

#[test]
fn every_module_of_a_dynamic_import_and_every_redirect_is_checked_against_allow_net() {
    let dir = scratch("ssrf");
    let modules = dir.join("modules");
    let (a, b) = (Server::start(&modules, None), Server::start(&modules, None));
    let (a_base, b_base) = (
        format!("http://127.0.0.1:{}", a.port),
        format!("http://127.0.0.1:{}", b.port),
    );
    write(&modules, "leaf.ts", "export const leaf = \"leaf\";\n");
    write(
        &modules,
        "imports_b.ts",
        &format!("export {{ leaf }} from \"{b_base}/leaf.ts\";\n"),
    );
    let allow_a = format!("--allow-net=127.0.0.1:{}", a.port);
    let run = |specifier: String| {
        let name = "main.ts";
        write(&dir, name, &format!("try {{ console.log((await import(\"{specifier}\")).leaf); }} catch (e) {{ console.log(e.message); }}\n"));
        let (code, out, err) = minideno(&dir, &["run", &allow_a, name]);
        assert_eq!(code, 0, "{err}");
        out
    };
    let denied_b = format!("Requires net access to \"127.0.0.1:{}\"", b.port);
    // A hop to another port, and a static import of another port, are each checked.
    assert_eq!(run(format!("{a_base}/leaf.ts")), "leaf\n");
    let out = run(format!("{a_base}/to/{}/leaf.ts", b.port));
    assert!(out.contains(&denied_b), "{out}");
    let out = run(format!("{a_base}/imports_b.ts"));
    assert!(out.contains(&denied_b), "{out}");
    // http://localhost is a net access whatever the read grant (not a file read).
    write(&dir, "local.ts", &format!("try {{ await import(\"http://localhost:{}/leaf.ts\"); }} catch (e) {{ console.log(e.message); }}\n", a.port));
    let (code, out, err) = minideno(&dir, &["run", "--allow-read", "local.ts"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&format!("Requires net access to \"localhost:{}\"", a.port)),
        "{out}"
    );
}

#[test]
fn timeout_ends_a_run_waiting_for_a_module_download() {
    let dir = scratch("timeout");
    let server = Server::start(&dir.join("modules"), None);
    write(
        &dir,
        "main.ts",
        &format!("import \"http://127.0.0.1:{}/hang/x.ts\";\n", server.port),
    );
    let started = Instant::now();
    let out = Command::new(BIN)
        .args(["run", "--timeout=1", "main.ts"])
        .current_dir(&dir)
        .env("DENO_DIR", dir.join("deno_dir"))
        .env("MINIDENO_FETCH_TIMEOUT", "30")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(124), "{err}");
    // The main module's graph loads on a thread of its own: the deadline ends the wait,
    // not the backstop for a thread blocked in a sync op.
    assert!(!err.contains("blocked"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    // A worker whose module never arrives is terminated at once, and the program ends.
    write(
        &dir,
        "worker.ts",
        &format!(
            "const w = new Worker(\"http://127.0.0.1:{}/hang/w.ts\", {{ type: \"module\" }});\n\
             setTimeout(() => {{ w.terminate(); console.log(\"terminated\"); }}, 200);\n",
            server.port
        ),
    );
    let started = Instant::now();
    let out = Command::new(BIN)
        .args(["run", "--allow-net=127.0.0.1", "worker.ts"])
        .current_dir(&dir)
        .env("DENO_DIR", dir.join("deno_dir"))
        .env("MINIDENO_FETCH_TIMEOUT", "30")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "terminated\n");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_dynamic_import_downloads_while_the_event_loop_runs_on() {
    let dir = scratch("dynamic_async");
    write(
        &dir.join("modules"),
        "m.ts",
        "export const value = \"loaded\";\n",
    );
    let server = Server::start(&dir.join("modules"), None);
    let base = format!("http://127.0.0.1:{}", server.port);
    write(
        &dir,
        "main.ts",
        &format!(
            "let ticks = 0;\nconst timer = setInterval(() => ticks++, 20);\n\
             const m = await import(\"{base}/slow/m.ts\");\nclearInterval(timer);\n\
             console.log(m.value, ticks >= 10 ? \"while timers ran\" : `with timers stopped (${{ticks}})`);\n"
        ),
    );
    let (code, out, err) = minideno(&dir, &["run", "--allow-net=127.0.0.1", "main.ts"]);
    assert_eq!(
        (code, out.as_str()),
        (0, "loaded while timers ran\n"),
        "{err}"
    );

    // A download that never ends: the deadline ends the run from the event loop, not
    // from the backstop that ends a thread blocked in a sync op.
    write(
        &dir,
        "hang.ts",
        &format!("await import(\"{base}/hang/x.ts\");\n"),
    );
    let started = Instant::now();
    let (code, _, err) = minideno(
        &dir,
        &["run", "--allow-net=127.0.0.1", "--timeout=1", "hang.ts"],
    );
    assert_eq!(code, 124, "{err}");
    assert!(
        err.contains("timed out after 1.0s") && !err.contains("blocked"),
        "{err}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn a_cache_entry_that_is_not_a_regular_file_is_downloaded_again() {
    let dir = scratch("special");
    let modules = dir.join("modules");
    write(&modules, "m.ts", "console.log(\"ran\");\n");
    let server = Server::start(&modules, None);
    write(
        &dir,
        "main.ts",
        &format!("import \"http://127.0.0.1:{}/m.ts\";\n", server.port),
    );
    assert_eq!(minideno(&dir, &["run", "main.ts"]).1, "ran\n");
    let body = dir.join(format!("deno_dir/deps/http/127.0.0.1_{}/m.ts", server.port));
    let meta = body.with_extension("ts.metadata.json");
    for damage in ["symlink", "fifo"] {
        let target = if damage == "symlink" { &body } else { &meta };
        std::fs::remove_file(target).unwrap();
        match damage {
            "symlink" => std::os::unix::fs::symlink("/dev/zero", target).unwrap(),
            _ => {
                let path = std::ffi::CString::new(target.to_str().unwrap()).unwrap();
                // SAFETY: a NUL-terminated path.
                assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
            }
        }
        let (code, out, err) = minideno(&dir, &["run", "--timeout=5", "main.ts"]);
        assert_eq!((code, out.as_str()), (0, "ran\n"), "{damage}: {err}");
        assert!(err.contains("Download"), "{damage}: {err}");
    }
}

#[test]
fn a_remote_import_map_resolves_against_its_own_url() {
    let dir = scratch("import_map");
    let modules = dir.join("modules");
    std::fs::create_dir_all(modules.join("lib")).unwrap();
    std::fs::write(
        modules.join("lib/dep.ts"),
        "export const dep = 'remote dep';\n",
    )
    .unwrap();
    std::fs::write(
        modules.join("map.json"),
        r#"{"imports": {"dep": "./lib/dep.ts"}}"#,
    )
    .unwrap();
    std::fs::write(
        dir.join("main.ts"),
        "import { dep } from \"dep\";\nconsole.log(dep);\n",
    )
    .unwrap();
    let server = Server::start(&modules, None);
    let map = format!("--import-map=http://127.0.0.1:{}/map.json", server.port);
    let (code, out, err) = minideno(&dir, &["run", &map, "main.ts"]);
    assert_eq!((code, out.as_str()), (0, "remote dep\n"), "{err}");
}
