//! The embedding API: limits (time, CPU, heap), permissions, params and results through
//! serde, captured output, stats, several runtimes on several threads, host functions,
//! the embedder's modules and snapshots, a fresh context per call, the service example.
use std::time::{Duration, Instant};

mod common;
use common::{one_at_a_time, rss_kib};

use minideno::host::{HostError, HostFunctions, ModuleSources};
use minideno::permissions::{Grant, Grants};
use minideno::runtime::{Error, Runtime, RuntimeOptions, Termination};
use minideno::snapshot::SnapshotBuilder;
use serde_json::{json, Value};
use url::Url;

fn runtime(options: RuntimeOptions) -> Runtime {
    Runtime::new(options).expect("a runtime")
}

fn timeout(secs: f64) -> RuntimeOptions {
    RuntimeOptions {
        timeout: Some(Duration::from_secs_f64(secs)),
        ..Default::default()
    }
}

#[test]
fn endless_loops_timers_and_microtasks_stop_at_the_deadline() {
    let _turn = one_at_a_time();
    // (code, how soon after the deadline it must be stopped)
    for (code, slack) in [
        ("while (true) {}", 100),
        ("function again() { setTimeout(again, 5); } again();", 100),
        ("function f() { Promise.resolve().then(f); } f();", 100),
        ("(async () => { for (;;) await null; })()", 100),
        // Each promise resolves with the next: ~300 MB stays alive by the deadline, and
        // V8's garbage collections, which termination cannot interrupt, take longer.
        (
            "function f() { return Promise.resolve().then(f); } f();",
            400,
        ),
    ] {
        let mut rt = runtime(timeout(1.0));
        let start = Instant::now();
        let e = rt
            .execute_script::<_, Value>("loop.js", code, ())
            .unwrap_err();
        let took = start.elapsed();
        assert_eq!(
            e,
            Error::Timeout {
                after: Duration::from_secs(1)
            },
            "{code}"
        );
        assert!(
            took < Duration::from_millis(1000 + slack),
            "{code}: {took:?}"
        );
        // Not stuck: the next call runs at once, in a fresh context.
        let next = rt.execute_script::<_, String>("next.js", "typeof again", ());
        assert_eq!(next.unwrap().value, "undefined", "{code}");
    }
    // A context that is reused is spent: what the stopped call left is in it.
    let mut rt = runtime(RuntimeOptions {
        reuse_context: true,
        ..timeout(0.2)
    });
    let e = rt.execute_script::<_, Value>("loop.js", "for (;;) {}", ());
    assert!(matches!(e, Err(Error::Timeout { .. })), "{e:?}");
    let e = rt
        .execute_script::<_, Value>("next.js", "1", ())
        .unwrap_err();
    assert_eq!(e, Error::Spent);
}

#[test]
fn a_heap_bomb_is_stopped_at_its_limit_and_the_host_keeps_its_memory() {
    let _turn = one_at_a_time();
    let bomb = "const keep = []; while (true) keep.push(new Array(10000).fill(1.5));";
    let run = || {
        let mut rt = runtime(RuntimeOptions {
            max_heap_bytes: Some(10 << 20),
            ..Default::default()
        });
        let e = rt
            .execute_script::<_, Value>("bomb.js", bomb, ())
            .unwrap_err();
        assert_eq!(e, Error::HeapLimit { limit: 10 << 20 });
    };
    for _ in 0..10 {
        run();
    }
    let before = rss_kib();
    for _ in 0..100 {
        run();
    }
    let after = rss_kib();
    eprintln!("RSS after 10 heap bombs {before} KiB, after 100 more {after} KiB");
    assert!(
        after < before + 64 * 1024,
        "RSS grew from {before} to {after} KiB"
    );
}

#[test]
fn params_of_every_json_type_round_trip_frozen() {
    let mut rt = runtime(RuntimeOptions::default());
    let params = json!({
        "null": null, "bool": true, "int": -42, "float": 1.5, "big": 9007199254740991u64,
        "text": "héllo \"quoted\" \n", "empty": {}, "list": [1, "two", [3, {"four": 4}]],
        "nested": {"a": {"b": {"c": [null, false]}}},
    });
    let back: Value = rt
        .execute_script("echo.js", "param", &params)
        .unwrap()
        .value;
    assert_eq!(back, params);
    let frozen: Value = rt
        .execute_script(
            "frozen.js",
            r#""use strict";
            const writes = [() => { param.int = 1; }, () => { param.nested.a.b.c.push(1); },
                            () => { globalThis.param = 2; }];
            writes.map((w) => { try { w(); return "written"; } catch (e) { return e.name; } })"#,
            &params,
        )
        .unwrap()
        .value;
    assert_eq!(frozen, json!(["TypeError", "TypeError", "TypeError"]));
    // Scalars and typed results; a promise is awaited.
    let n: f64 = rt.execute_script("n.js", "param * 2", 21.5).unwrap().value;
    assert_eq!(n, 43.0);
    let s: String = rt
        .execute_script("p.js", "Promise.resolve(param.toUpperCase())", "abc")
        .unwrap()
        .value;
    assert_eq!(s, "ABC");
    let unit: () = rt.execute_script("u.js", "undefined", ()).unwrap().value;
    assert_eq!(unit, ());
}

#[test]
fn results_json_cannot_carry_are_clear_errors() {
    let mut rt = runtime(RuntimeOptions::default());
    for (code, says) in [
        ("(function f() {})", "the result is a function"),
        ("Symbol('s')", "the result is a symbol"),
        ("const o = {}; o.self = o; o", "circular"),
        ("10n", "BigInt"),
    ] {
        match rt.execute_script::<_, Value>("bad.js", code, ()) {
            Err(Error::Deserialize(e)) => assert!(e.contains(says), "{code}: {e}"),
            other => panic!("{code}: {other:?}"),
        }
    }
    match rt.execute_script::<_, u8>("type.js", "'text'", ()) {
        Err(Error::Deserialize(e)) => assert!(e.contains("invalid type"), "{e}"),
        other => panic!("{other:?}"),
    }
    // The runtime is still usable after all that.
    assert_eq!(
        rt.execute_script::<_, u8>("ok.js", "7", ()).unwrap().value,
        7
    );
}

#[test]
fn exceptions_are_uncaught_errors_with_their_stack() {
    let mut rt = runtime(RuntimeOptions::default());
    let code = "function handler() { throw new RangeError('bad input'); }\nhandler();";
    match rt.execute_script::<_, Value>("webhook.js", code, ()) {
        Err(Error::Uncaught { message, stack }) => {
            assert_eq!(message, "RangeError: bad input");
            assert!(stack.contains("at handler (webhook.js:1:"), "{stack}");
        }
        other => panic!("{other:?}"),
    }
    match rt.execute_script::<_, Value>("rejects.js", "Promise.reject(new Error('later'))", ()) {
        Err(Error::Uncaught { message, .. }) => assert_eq!(message, "Error: later"),
        other => panic!("{other:?}"),
    }
    match rt.execute_script::<_, Value>("syntax.js", "let = ;", ()) {
        Err(Error::Uncaught { message, .. }) => {
            assert!(message.starts_with("SyntaxError"), "{message}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn without_permissions_nothing_outside_is_reachable_and_a_scope_opens_it() {
    let mut rt = runtime(RuntimeOptions::default());
    for code in [
        "Deno.readTextFileSync('Cargo.toml')",
        "Deno.env.get('HOME')",
        "Deno.resolve('localhost')",
        "Deno.writeTextFileSync('/tmp/minideno-embed-denied', 'x')",
    ] {
        match rt.execute_script::<_, Value>("denied.js", code, ()) {
            Err(Error::Permission { message }) => {
                assert!(message.starts_with("Requires "), "{code}: {message}")
            }
            other => panic!("{code}: {other:?}"),
        }
    }
    assert!(!std::path::Path::new("/tmp/minideno-embed-denied").exists());
    let here = std::env::current_dir().unwrap();
    let mut rt = runtime(RuntimeOptions {
        permissions: Grants {
            read: Grant::Some(vec![here.join("Cargo.toml")]),
            ..Grants::default()
        },
        ..Default::default()
    });
    let text: String = rt
        .execute_script(
            "ok.js",
            "Deno.readTextFileSync('Cargo.toml').slice(0, 9)",
            (),
        )
        .unwrap()
        .value;
    assert_eq!(text, "[package]");
    assert!(matches!(
        rt.execute_script::<_, Value>("no.js", "Deno.readTextFileSync('README.md')", ()),
        Err(Error::Permission { .. })
    ));
}

#[test]
fn eight_runtimes_on_eight_threads_and_one_loops_forever() {
    let _turn = one_at_a_time();
    let start = Instant::now();
    let threads: Vec<_> = (0..8)
        .map(|i| {
            std::thread::spawn(move || {
                let mut rt = runtime(timeout(if i == 0 { 3.0 } else { 2.0 }));
                let code = if i == 0 {
                    "while (true) {}"
                } else {
                    "let s = 0; for (let k = 0; k < 1e6; k++) s += k % param; s"
                };
                let result = rt.execute_script::<_, f64>("job.js", code, 7);
                (i, result, start.elapsed())
            })
        })
        .collect();
    for t in threads {
        let (i, result, took) = t.join().unwrap();
        if i == 0 {
            assert!(matches!(result, Err(Error::Timeout { .. })), "{result:?}");
        } else {
            assert_eq!(result.unwrap().value, 2999997.0);
            assert!(took < Duration::from_secs(2), "runtime {i} took {took:?}");
        }
    }
}

#[test]
fn output_is_captured_and_stats_count_the_call() {
    let mut rt = runtime(RuntimeOptions {
        capture_output: true,
        ..Default::default()
    });
    let code = r#"console.log("to stdout"); console.error("to stderr");
        Deno.myPid(); Deno.myPid(); Deno.myPid();
        new Promise((resolve) => setTimeout(() => resolve(param + 1), 20))"#;
    let run = rt.execute_script::<_, u32>("stats.js", code, 41).unwrap();
    assert_eq!(run.value, 42);
    assert_eq!(
        rt.take_output(),
        (b"to stdout\n".to_vec(), b"to stderr\n".to_vec())
    );
    let s = &run.stats;
    assert_eq!(s.ops_by_kind["MyPid"].count, 3);
    assert_eq!(s.ops_by_kind["Write"].count, 2);
    assert_eq!(s.ops_by_kind["GlobalTimer"].count, 1);
    let total: u64 = s.ops_by_kind.values().map(|o| o.bytes_in).sum();
    assert_eq!(s.bytes_in, total);
    assert!(s.bytes_out > 0);
    assert!(s.idle >= Duration::from_millis(15), "{s:?}");
    assert_eq!(s.wall, s.js + s.ops + s.idle, "{s:?}");
    assert!(s.heap_used > 0 && s.heap_peak >= s.heap_used, "{s:?}");
    // The next call's stats are its own.
    let run = rt
        .execute_script::<_, u32>("again.js", "Deno.myPid(), 1", ())
        .unwrap();
    assert_eq!(run.stats.ops_by_kind["MyPid"].count, 1);
    assert_eq!(rt.last_stats().ops_by_kind["MyPid"].count, 1);
}

#[test]
fn a_module_entry_point_gives_its_default_export() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("embed-module");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("dep.ts"),
        "export const twice = (n: number): number => 2 * n;\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("main.ts"),
        "import { twice } from './dep.ts';\nexport default Promise.resolve(twice(param.n));\n",
    )
    .unwrap();
    // Static imports need no grant; `import()` needs read access to the file.
    let mut rt = runtime(RuntimeOptions {
        module_loading: true,
        permissions: Grants {
            read: Grant::Some(vec![dir.clone()]),
            ..Grants::default()
        },
        ..Default::default()
    });
    let n: u32 = rt
        .execute_module(&dir.join("main.ts"), json!({"n": 21}))
        .unwrap()
        .value;
    assert_eq!(n, 42);
    match rt.execute_module::<_, Value>(&dir.join("missing.ts"), ()) {
        Err(Error::Module(e)) => assert!(e.contains("Module not found"), "{e}"),
        other => panic!("{other:?}"),
    }
    // A dynamic import loads the module, and fails as a rejected promise.
    let dynamic = format!(
        "import({:?}).then((m) => m.twice(4), (e) => e.message)",
        Url::from_file_path(dir.join("dep.ts")).unwrap().as_str()
    );
    let value: Value = rt.execute_script("dyn.js", &dynamic, ()).unwrap().value;
    assert_eq!(value, json!(8));
    let mut off = runtime(RuntimeOptions::default());
    assert!(matches!(
        off.execute_module::<_, Value>(&dir.join("main.ts"), ()),
        Err(Error::Module(_))
    ));
    // Without module loading, `import()` is refused too, whatever the grants.
    let mut off = runtime(RuntimeOptions {
        permissions: Grants::all(),
        ..Default::default()
    });
    let value: String = off.execute_script("dyn.js", &dynamic, ()).unwrap().value;
    assert!(
        value.starts_with(
            "module loading is off (RuntimeOptions::module_loading): cannot load file:///"
        ),
        "{value}"
    );
}

#[test]
fn dropping_a_runtime_does_not_wait_for_a_stuck_blocking_op() {
    let _turn = one_at_a_time();
    // Opening a FIFO blocks (on the blocking pool) until a writer comes: none will.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("embed-fifo");
    std::fs::create_dir_all(&dir).unwrap();
    let fifo = dir.join("fifo");
    let _ = std::fs::remove_file(&fifo);
    let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
    let mut rt = runtime(RuntimeOptions {
        permissions: Grants::all(),
        timeout: Some(Duration::from_millis(300)),
        ..Default::default()
    });
    let code = format!("Deno.open({:?})", fifo.to_str().unwrap());
    let e = rt
        .execute_script::<_, Value>("fifo.js", &code, ())
        .unwrap_err();
    assert!(matches!(e, Error::Timeout { .. }), "{e:?}");
    let start = Instant::now();
    drop(rt);
    assert!(
        start.elapsed() < Duration::from_millis(500),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn deno_exit_ends_the_script_not_the_host() {
    let _turn = one_at_a_time();
    let mut rt = runtime(RuntimeOptions::default());
    let e = rt
        .execute_script::<_, Value>("exit.js", "Deno.exit(3)", ())
        .unwrap_err();
    assert_eq!(e, Error::Exit { code: 3 });
    let after = rt.execute_script::<_, u32>("after.js", "1", ());
    assert_eq!(after.unwrap().value, 1);
    // Catching what follows the exit does not keep the script going.
    let mut rt = runtime(timeout(5.0));
    let code = "try { Deno.exit(0); } catch {} while (true) {}";
    let start = Instant::now();
    let e = rt
        .execute_script::<_, Value>("sly.js", code, ())
        .unwrap_err();
    assert_eq!(e, Error::Exit { code: 0 });
    assert!(start.elapsed() < Duration::from_secs(1));
}

#[test]
fn array_buffers_outside_the_heap_are_held_to_the_limit_too() {
    let mut rt = runtime(RuntimeOptions {
        max_heap_bytes: Some(10 << 20),
        ..Default::default()
    });
    let code = "const keep = []; while (true) keep.push(new Uint8Array(1 << 20).fill(1));";
    match rt.execute_script::<_, Value>("buffers.js", code, ()) {
        Err(Error::Uncaught { message, .. }) => {
            assert_eq!(message, "RangeError: Array buffer allocation failed")
        }
        other => panic!("{other:?}"),
    }
    // Buffers that became garbage are collected to make room (the `keep` above lives
    // on in that runtime's global scope, so a fresh one).
    let mut rt = runtime(RuntimeOptions {
        max_heap_bytes: Some(10 << 20),
        ..Default::default()
    });
    let code = "let n = 0; for (let i = 0; i < 100; i++) n += new Uint8Array(4 << 20).length; n";
    let n: u64 = rt.execute_script("churn.js", code, ()).unwrap().value;
    assert_eq!(n, 100 * (4 << 20));
    let too_big = rt.execute_script::<_, Value>("big.js", "new ArrayBuffer(64 << 20)", ());
    assert!(
        matches!(too_big, Err(Error::Uncaught { .. })),
        "{too_big:?}"
    );
}

#[test]
fn a_stopper_ends_a_call_from_another_thread_even_one_that_waits() {
    let _turn = one_at_a_time();
    for code in [
        "while (true) {}",
        "new Promise(() => setInterval(() => {}, 60_000))",
    ] {
        let mut rt = runtime(RuntimeOptions::default());
        let stopper = rt.stopper();
        let stopping = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            stopper.terminate();
        });
        let start = Instant::now();
        let result = rt.execute_script::<_, Value>("forever.js", code, ());
        assert_eq!(result.unwrap_err(), Error::Stopped, "{code}");
        assert!(
            start.elapsed() < Duration::from_secs(2),
            "{code}: {:?}",
            start.elapsed()
        );
        stopping.join().unwrap();
        // The next call runs, in a fresh context.
        let again = rt.execute_script::<_, u32>("again.js", "1", ());
        assert_eq!(again.unwrap().value, 1, "{code}");
    }
}

#[test]
fn workers_need_module_loading_and_run_under_the_heap_limit() {
    let _turn = one_at_a_time();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("embed-workers");
    std::fs::create_dir_all(&dir).unwrap();
    let bomb = "const keep = []; for (;;) keep.push(new Array(1e5).fill(Math.random()));\n";
    std::fs::write(dir.join("bomb.ts"), bomb).unwrap();
    let main = r#"export default new Promise((resolve) => {
        const worker = new Worker(import.meta.resolve("./bomb.ts"), { type: "module" });
        worker.onerror = (e) => { e.preventDefault(); resolve(e.message); };
    });
    "#;
    std::fs::write(dir.join("main.ts"), main).unwrap();
    let mut rt = runtime(RuntimeOptions::default());
    let code = r#"new Worker("file:///tmp/w.ts", { type: "module" })"#;
    let refused = rt
        .execute_script::<_, Value>("worker.js", code, ())
        .unwrap_err();
    let Error::Uncaught { message, .. } = refused else {
        panic!("{refused:?}")
    };
    assert!(
        message.starts_with("OpNotAvailable: this runtime does not start workers"),
        "{message}"
    );

    let mut rt = runtime(RuntimeOptions {
        module_loading: true,
        max_heap_bytes: Some(32 << 20),
        permissions: Grants {
            read: Grant::Some(vec![dir.clone()]),
            ..Grants::default()
        },
        ..Default::default()
    });
    let message: String = rt.execute_module(&dir.join("main.ts"), ()).unwrap().value;
    assert_eq!(message, "Script exceeded its 32 MiB heap limit");
}

#[test]
fn hot_loops_take_the_doors_fast_path_and_it_answers_as_the_slow_one_does() {
    // A directory whose listing is a reply too big for Deno.core.shared (given away).
    let dir = std::env::temp_dir().join(format!("minideno-fast-path-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..300 {
        std::fs::write(dir.join(format!("{i:0>60}")), "").unwrap();
    }
    // One context for every phase: V8's feedback (and the optimized code that takes the
    // fast path) is the context's.
    let mut rt = runtime(RuntimeOptions {
        permissions: Grants {
            read: Grant::Some(vec![dir.clone()]),
            ..Grants::default()
        },
        reuse_context: true,
        ..Default::default()
    });
    // (what each loop checks, its calls through the door, its code: true if every
    // answer was right)
    let phases = [
        ("a sync reply in shared", 50000, "let ok = true;\n for (let i = 0; i < 50000; i++) ok &&= Deno.myPid() === Deno.pid;\n ok"),
        (
            "a message the door refuses (a TypeError)",
            50000,
            "let n = 0;\n const junk = new Uint32Array([1, 2, 3]);
             for (let i = 0; i < 50000; i++) {
               try { Deno.core.dispatch(junk); } catch (e) { if (e instanceof TypeError && e.message.includes('Deno.core.dispatch')) n++; }
             }\n n === 50000",
        ),
        (
            "a zeroCopy of null (the two-argument overload), a minimal record",
            50000,
            "const m = Deno.core.encode('MyPid'), v = new DataView(m.buffer);
             const base = v.getUint32(0, true), vtable = base - v.getInt32(base, true);
             const tag = m[base + v.getUint16(vtable + 4 + 2 * 4, true)]; // Base.inner_type
             const record = new Uint32Array([0xcafe, 0, tag, 0]);
             const reply = new Int32Array(Deno.core.shared, 0, 5);
             let ok = true;\n for (let i = 0; i < 50000; i++) {
               ok &&= Deno.core.dispatch(record, null) === 20 && reply[4] === Deno.pid;
             }\n ok",
        ),
        (
            "an error reply (a DenoError)",
            20000,
            "let n = 0;\n for (let i = 0; i < 20000; i++) {
               try { Deno.statSync('/etc/passwd'); } catch (e) { if (e instanceof Deno.DenoError && e.kind === Deno.ErrorKind.PermissionDenied) n++; }
             }\n n === 20000",
        ),
        (
            "a reply too big for the shared buffer",
            300,
            &format!(
                "let ok = true;\n for (let i = 0; i < 300; i++) {{
                   const names = Deno.readDirSync({:?}).map((e) => e.name);
                   ok &&= names.length === 300 && names.includes('{:0>60}');
                 }}\n ok",
                dir.to_str().unwrap(),
                299
            ),
        ),
    ];
    for (what, calls, code) in phases {
        let block = format!("{{ {code} }}"); // its names its own
        let run = rt.execute_script::<_, bool>("fast.js", &block, ()).unwrap();
        assert!(run.value, "{what}: a wrong answer");
        // Optimized code takes the fast path once V8 has compiled the loop.
        let fast = run.stats.fast_calls;
        assert!(
            fast > 0 && fast <= calls,
            "{what}: {fast} fast calls of {calls}"
        );
    }
    // A zero-copy buffer always goes the slow way, and arrives.
    let run = rt
        .execute_script::<_, bool>(
            "echo.js",
            "let ok = true;\n const b = new Uint8Array([1, 2, 3]);
             for (let i = 0; i < 50000; i++) ok &&= Deno.echo(b)[2] === 3;\n ok",
            (),
        )
        .unwrap();
    assert!(run.value);
    assert_eq!(run.stats.fast_calls, 0);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A runtime offering `add` (sync), `later` (async: sleeps, then echoes), `fails` and
/// `panics` (both kinds), and `forever` (async, never done).
fn host_runtime(timeout: Option<Duration>) -> Runtime {
    let host = HostFunctions::new()
        .sync_typed("add", |(a, b): (i64, i64)| Ok(a + b))
        .async_typed("later", |(ms, value): (u64, Value)| async move {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            Ok(json!({ "echo": value }))
        })
        .sync("fails", |args| {
            Err(HostError::new(format!("no luck with {args}")))
        })
        .r#async("failsLater", |_| async { Err(HostError::new("not today")) })
        .sync("panics", |_| panic!("sync boom"))
        .r#async("panicsLater", |_| async { panic!("async boom") })
        .r#async("forever", |_| std::future::pending());
    runtime(RuntimeOptions {
        host,
        timeout,
        ..Default::default()
    })
}

#[test]
fn host_functions_sync_and_async_answer_the_script_and_are_counted() {
    let mut rt = host_runtime(None);
    let code = r#"(async () => {
        const sum = Deno.host.add(2, 40);
        const later = await Deno.host.later(5, { deep: [1, "two", null] });
        return { sum, later, names: Object.keys(Deno.host), frozen: Object.isFrozen(Deno.host),
                 promise: Deno.host.later(0, 1) instanceof Promise };
    })()"#;
    let run = rt.execute_script::<_, Value>("host.js", code, ()).unwrap();
    assert_eq!(
        run.value,
        json!({
            "sum": 42,
            "later": { "echo": { "deep": [1, "two", null] } },
            "names": ["add", "fails", "failsLater", "forever", "later", "panics", "panicsLater"],
            "frozen": true,
            "promise": true,
        })
    );
    let calls: Vec<(&str, u64)> = run
        .stats
        .host_calls
        .iter()
        .map(|(n, c)| (n.as_str(), *c))
        .collect();
    assert_eq!(calls, [("add", 1), ("later", 2)]);
    assert_eq!(run.stats.ops_by_kind["HostCall"].count, 3);
}

#[test]
fn failing_or_panicking_host_functions_are_exceptions_and_the_runtime_goes_on() {
    let mut rt = host_runtime(None);
    let code = r#"(async () => {
        const seen = [];
        const attempt = async (f) => { try { await f(); seen.push("none"); } catch (e) { seen.push(e.message); } };
        await attempt(() => Deno.host.fails(1, "x"));
        await attempt(() => Deno.host.failsLater());
        await attempt(() => Deno.host.panics());
        await attempt(() => Deno.host.panicsLater());
        await attempt(() => Deno.host.add("two", 2));
        await attempt(() => Deno.host.add(1));
        await attempt(() => Deno.host.nope());
        return seen;
    })()"#;
    let run = rt
        .execute_script::<_, Vec<String>>("fail.js", code, ())
        .unwrap();
    let expected = [
        "fails: no luck with [1,\"x\"]",
        "failsLater: not today",
        "op panicked: sync boom",
        "op panicked: async boom",
    ];
    assert_eq!(run.value[..4], expected);
    assert!(
        run.value[4].starts_with("add: bad arguments to add: invalid type"),
        "{:?}",
        run.value
    );
    assert!(
        run.value[5].starts_with("add: bad arguments to add: invalid length 1"),
        "{:?}",
        run.value
    );
    assert!(run.value[6].contains("not a function"), "{:?}", run.value);
    // Uncaught, it is the call's error; the runtime still runs the next call.
    match rt.execute_script::<_, Value>("uncaught.js", "Deno.host.fails()", ()) {
        Err(Error::Uncaught { message, .. }) => {
            assert!(message.contains("fails: no luck with []"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    let run = rt
        .execute_script::<_, i64>("after.js", "Deno.host.add(1, 2)", ())
        .unwrap();
    assert_eq!(run.value, 3);
}

#[test]
fn a_host_function_that_never_answers_is_stopped_by_the_deadline() {
    let _turn = one_at_a_time();
    let mut rt = host_runtime(Some(Duration::from_millis(300)));
    let start = Instant::now();
    let result = rt.execute_script::<_, Value>("slow.js", "Deno.host.forever()", ());
    assert!(matches!(result, Err(Error::Timeout { .. })), "{result:?}");
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn the_cpu_limit_stops_a_busy_script_but_not_a_sleeping_one() {
    let _turn = one_at_a_time();
    let limited = |ms| RuntimeOptions {
        cpu_limit: Some(Duration::from_millis(ms)),
        ..Default::default()
    };
    let mut rt = runtime(limited(200));
    let start = Instant::now();
    let result = rt.execute_script::<_, Value>("spin.js", "while (true) {}", ());
    let wall = start.elapsed();
    let limit = Duration::from_millis(200);
    assert_eq!(result.unwrap_err(), Error::CpuLimit { limit });
    assert!(wall >= limit && wall < Duration::from_secs(2), "{wall:?}");
    let stats = rt.last_stats();
    assert_eq!(stats.termination, Some(Termination::CpuLimit { limit }));
    assert!(stats.cpu >= limit && stats.cpu <= wall, "{stats:?}");
    assert_eq!(
        Error::CpuLimit { limit }.to_string(),
        "Script used its 0.200s of CPU time"
    );

    // Waiting spends no CPU time: 500 ms asleep under a 100 ms CPU limit is fine.
    let mut rt = runtime(limited(100));
    let code = "new Promise((resolve) => setTimeout(() => resolve('rested'), 500))";
    let run = rt
        .execute_script::<_, String>("sleep.js", code, ())
        .unwrap();
    assert_eq!(run.value, "rested");
    let s = &run.stats;
    assert!(
        s.wall >= Duration::from_millis(500) && s.cpu < Duration::from_millis(100),
        "{s:?}"
    );
    assert_eq!(s.termination, None);

    // A wall-time limit says so in the stats too.
    let mut rt = runtime(timeout(0.1));
    let result = rt.execute_script::<_, Value>("spin.js", "for (;;) {}", ());
    assert!(matches!(result, Err(Error::Timeout { .. })), "{result:?}");
    assert!(matches!(
        rt.last_stats().termination,
        Some(Termination::Timeout { .. })
    ));
}

#[test]
fn modules_from_the_embedder_load_without_the_disk_and_exports_are_called_by_name() {
    let sources = ModuleSources::from_map([
        (
            "embed:///lib.ts".to_string(),
            "export const factor: number = 2;\nexport function shout(s: string): string { return s.toUpperCase(); }".to_string(),
        ),
        (
            "embed:///main.ts".to_string(),
            r#"import { factor, shout } from "./lib.ts";
            let calls = 0;
            export async function handle(req: { name: string; n: number }, extra?: number) {
                calls++;
                await new Promise((r) => setTimeout(r, 1));
                return { greeting: shout(`hi ${req.name}`), n: req.n * factor + (extra ?? 0), calls };
            }
            export function fail(): never { throw new RangeError("bad request"); }
            export const notAFunction = 1;"#
                .to_string(),
        ),
        ("embed:///disk.ts".to_string(), r#"import "file:///etc/hostname";"#.to_string()),
    ]);
    let rt_sources = Some(sources);
    let mut rt = runtime(RuntimeOptions {
        module_sources: rt_sources.clone(),
        ..Default::default()
    });
    let run = rt
        .call_export::<_, Value>(
            "embed:///main.ts",
            "handle",
            json!({"name": "ada", "n": 20}),
        )
        .unwrap();
    assert_eq!(
        run.value,
        json!({"greeting": "HI ADA", "n": 40, "calls": 1})
    );
    // The next call runs in a fresh context: the module is evaluated again there.
    let bo = (json!({"name": "bo", "n": 1}), 5);
    let run = rt
        .call_export::<_, Value>("embed:///main.ts", "handle", bo.clone())
        .unwrap();
    assert_eq!(run.value, json!({"greeting": "HI BO", "n": 7, "calls": 1}));
    // Reusing the context, it is evaluated once and its state carries over.
    let mut reused = runtime(RuntimeOptions {
        module_sources: rt_sources.clone(),
        reuse_context: true,
        ..Default::default()
    });
    for calls in [1, 2] {
        let run = reused
            .call_export::<_, Value>("embed:///main.ts", "handle", bo.clone())
            .unwrap();
        assert_eq!(run.value["calls"], calls);
    }
    // A module from a string, importing one of the embedder's.
    let code = r#"import { factor } from "./lib.ts"; export default factor * param;"#;
    let run = rt
        .execute_module_code::<_, u32>("embed:///entry.ts", code, 21)
        .unwrap();
    assert_eq!(run.value, 42);

    let module_error = |r: Result<_, Error>| match r {
        Err(Error::Module(m)) => m,
        other => panic!("{other:?}"),
    };
    let e = module_error(rt.call_export::<_, Value>("embed:///main.ts", "nope", ()));
    assert!(e.contains("has no exported function named \"nope\""), "{e}");
    let e = module_error(rt.call_export::<_, Value>("embed:///main.ts", "notAFunction", ()));
    assert!(e.contains("notAFunction"), "{e}");
    let e = module_error(rt.call_export::<_, Value>("embed:///missing.ts", "f", ()));
    assert!(e.contains("module loading is off"), "{e}");
    let e = module_error(rt.execute_module_code::<_, Value>(
        "embed:///disk2.ts",
        "import 'file:///etc/hostname'",
        (),
    ));
    assert!(
        e.contains("module loading is off") && e.contains("file:///etc/hostname"),
        "{e}"
    );
    let e = module_error(rt.call_export::<_, Value>("not a url", "f", ()));
    assert!(e.contains("invalid module URL"), "{e}");
    match rt.call_export::<_, Value>("embed:///main.ts", "fail", ()) {
        Err(Error::Uncaught { message, .. }) => assert_eq!(message, "RangeError: bad request"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn each_call_runs_in_a_fresh_context_unless_the_context_is_reused() {
    let dir = std::env::temp_dir().join("minideno-embed-fresh");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("f.txt"), "x").unwrap();
    let options = |reuse_context| RuntimeOptions {
        permissions: Grants {
            read: Grant::Some(vec![dir.clone()]),
            ..Grants::default()
        },
        capture_output: true,
        host: HostFunctions::new().sync_typed("twice", |(n,): (u32,)| Ok(2 * n)),
        reuse_context,
        ..Default::default()
    };
    let first = format!(
        "globalThis.secret = 'tenant A'; Array.prototype.evil = 1; Deno.openSync({:?}); console.log('one'); 0",
        dir.join("f.txt").to_str().unwrap()
    );
    let next = "console.log('two'); [typeof secret, typeof [].evil, Object.keys(Deno.resources()).length, Deno.host.twice(21)]";
    let mut fresh = runtime(options(false));
    fresh.execute_script::<_, u32>("a.js", &first, ()).unwrap();
    let seen: Value = fresh.execute_script("b.js", next, ()).unwrap().value;
    assert_eq!(seen, json!(["undefined", "undefined", 3, 42]));
    // Output not taken yet is kept across the new context.
    assert_eq!(fresh.take_output().0, b"one\ntwo\n");

    let mut reused = runtime(options(true));
    reused.execute_script::<_, u32>("a.js", &first, ()).unwrap();
    let seen: Value = reused.execute_script("b.js", next, ()).unwrap().value;
    assert_eq!(seen, json!(["string", "number", 4, 42]));
}

#[test]
fn an_embedders_snapshot_carries_its_setup_into_every_runtime_and_context() {
    let snapshot = SnapshotBuilder::new()
        .script(
            "lib.js",
            "globalThis.lib = { greet: (name) => `hello, ${name}`, table: Array.from({ length: 1000 }, (_, i) => i * i) };",
        )
        .script("more.js", "globalThis.lib.url = new TextEncoder().encode('example.com').length;")
        .build()
        .unwrap();
    let options = || RuntimeOptions {
        snapshot: Some(snapshot.clone()),
        ..Default::default()
    };
    let code = "globalThis.touched = true; [lib.greet(param), lib.table[999], lib.url, typeof Deno.readFile]";
    for _ in 0..2 {
        let mut rt = runtime(options());
        // Each call's fresh context has the setup, and none of the last call's globals.
        for _ in 0..2 {
            let v: Value = rt.execute_script("hi.js", code, "ada").unwrap().value;
            assert_eq!(v, json!(["hello, ada", 998001, 11, "function"]));
            let touched: bool = rt
                .execute_script("t.js", "globalThis.touched === true", ())
                .unwrap()
                .value;
            assert!(!touched);
        }
    }
    // Setup code that needs an op (a URL is parsed by one) is told why it cannot.
    let needs_op = SnapshotBuilder::new()
        .script("url.js", "new URL('https://example.com/')")
        .build()
        .unwrap_err();
    assert!(
        needs_op
            .to_string()
            .contains("no op can run here: the runtime has not started"),
        "{needs_op}"
    );
    // A setup script that throws, or whose promise rejects, is a clear error.
    let bad = SnapshotBuilder::new()
        .script("bad.js", "null.x")
        .build()
        .unwrap_err();
    assert!(
        bad.to_string().contains("bad.js failed: TypeError"),
        "{bad}"
    );
    let bad = SnapshotBuilder::new()
        .script("later.js", "Promise.reject(new Error('nope'))")
        .build()
        .unwrap_err();
    assert!(
        bad.to_string()
            .contains("later.js did not load (Rejected): Error: nope"),
        "{bad}"
    );
}

/// The HTTP service example, its `--check` run here.
#[allow(dead_code)]
#[path = "../examples/embed_service.rs"]
mod embed_service;

#[test]
fn the_service_example_answers_over_http_and_outlives_a_stuck_script() {
    let _turn = one_at_a_time();
    let script = include_str!("../examples/embed_service_handler.ts").to_string();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(embed_service::check(embed_service::pool(script)));
}
