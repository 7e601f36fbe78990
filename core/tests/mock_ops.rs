//! The core on its own, with a mock op set of a few lines and no schema: the first byte
//! of a message names the op. Sync replies, async replies through `Deno.core.recv`,
//! a zero-copy buffer written in place, a refused message, modules from an in-memory
//! loader (static and dynamic imports), uncaught errors and the memory limit.
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Duration;

use minideno_core::limits::MemoryLimit;
use minideno_core::{
    AsyncReply, Dispatch, Isolate, IsolateOptions, Load, LoadKind, LoadedGraph, ModuleLoader,
    ModuleSource, ModuleType, ReplyBytes, ReplyData, ScriptError, ZeroCopyBuf,
};

/// Op 1: sync, replies its arguments reversed. Op 2: async, replies `[len, args...]`
/// after a millisecond. Op 3: sync, fills the zero-copy buffer with its argument.
/// Anything else is refused.
struct MockOps;

impl Dispatch for MockOps {
    fn dispatch(
        &self,
        control: &[u8],
        zero_copy: Option<ZeroCopyBuf>,
        sync_reply: &mut dyn FnMut(ReplyData),
    ) -> Result<Option<AsyncReply>, String> {
        match control.split_first() {
            Some((1, args)) => {
                let reversed: Vec<u8> = args.iter().rev().copied().collect();
                sync_reply(ReplyData::Slice(&reversed));
                Ok(None)
            }
            Some((2, args)) => {
                let mut reply = ReplyBytes::new();
                reply.push(args.len() as u8);
                reply.extend_from_slice(args);
                Ok(Some(Box::pin(async move {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    reply
                })))
            }
            Some((3, [fill])) => {
                let mut buf = zero_copy.ok_or("op 3 needs a buffer")?;
                buf.fill(*fill);
                Ok(None)
            }
            _ => Err(format!("no op {:?}", control.first())),
        }
    }
}

fn isolate(options: IsolateOptions) -> Isolate {
    Isolate::new(MockOps, options).expect("an isolate")
}

/// Runs `code` and returns its completion value as a string.
fn eval(isolate: &mut Isolate, code: &str) -> Result<String, ScriptError> {
    let value = isolate.execute_script("test.js", code)?;
    Ok(isolate.with_scope(|scope| {
        let value = v8::Local::new(scope, value);
        value.to_rust_string_lossy(scope)
    }))
}

#[test]
fn a_sync_op_replies_through_the_shared_buffer() {
    let mut isolate = isolate(IsolateOptions::default());
    let code = "const n = Deno.core.dispatch(new Uint8Array([1, 7, 8, 9]));
                Array.from(new Uint8Array(Deno.core.shared, 0, n)).join()";
    assert_eq!(eval(&mut isolate, code).unwrap(), "9,8,7");
}

#[test]
fn async_ops_reply_through_recv_in_batches() {
    let mut isolate = isolate(IsolateOptions::default());
    // The loop runs until no op is pending: every reply has arrived when it returns.
    let code = "globalThis.got = [];
                Deno.core.recv((batch) => {
                  for (let i = 0; i < batch.length; i += batch[i] + 1)
                    got.push(Array.from(batch.subarray(i + 1, i + 1 + batch[i])).join('+'));
                });
                for (const n of [3, 4, 5]) Deno.core.dispatch(new Uint8Array([2, n, n]));";
    eval(&mut isolate, code).unwrap();
    assert_eq!(
        eval(&mut isolate, "got.sort().join()").unwrap(),
        "3+3,4+4,5+5"
    );
}

#[test]
fn a_zero_copy_buffer_is_written_in_place() {
    let mut isolate = isolate(IsolateOptions::default());
    let code = "const buf = new Uint8Array(4);
                Deno.core.dispatch(new Uint8Array([3, 42]), buf.subarray(1, 3));
                buf.join()";
    assert_eq!(eval(&mut isolate, code).unwrap(), "0,42,42,0");
}

#[test]
fn a_refused_message_is_a_type_error_and_the_isolate_goes_on() {
    let mut isolate = isolate(IsolateOptions::default());
    // The door returns the error (JS throws it), whatever was wrong.
    for (code, expected) in [
        ("Deno.core.dispatch(new Uint8Array([77]))", "no op Some(77)"),
        (
            "Deno.core.dispatch(new Uint8Array([3, 1]))",
            "op 3 needs a buffer",
        ),
        (
            "Deno.core.dispatch('x')",
            "control must be an ArrayBufferView",
        ),
    ] {
        let code = format!("{{ const e = {code}; [e instanceof TypeError, e.message].join(' ') }}");
        let expected = format!("true Deno.core.dispatch: {expected}");
        assert_eq!(eval(&mut isolate, &code).unwrap(), expected);
    }
}

/// Modules from a map of URL -> code; `file:///b.js` is refused to dynamic imports.
struct MockModules(HashMap<&'static str, &'static str>);

impl ModuleLoader for MockModules {
    fn resolve(&self, specifier: &str, referrer: &str) -> Result<String, String> {
        let base = url::Url::parse(referrer).map_err(|e| e.to_string())?;
        base.join(specifier)
            .map(String::from)
            .map_err(|e| e.to_string())
    }

    fn load(&self, url: &str, _: Option<String>, _: bool, kind: LoadKind) -> Load {
        let modules: HashMap<String, String> = self
            .0
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let root = url.to_string();
        Box::new(move |known| {
            let mut graph = LoadedGraph::default();
            let mut todo = vec![root];
            while let Some(url) = todo.pop() {
                if known(&url).is_some() || graph.modules.iter().any(|m| m.url == url) {
                    continue;
                }
                if kind == LoadKind::Dynamic && url == "file:///b.js" {
                    return Err(format!("{url} may not load"));
                }
                let code = modules.get(&url).ok_or(format!("no module {url}"))?;
                for line in code.lines().filter(|l| l.starts_with("import")) {
                    let name = line.split('"').nth(1).unwrap_or_default();
                    todo.push(format!("file:///{}", name.trim_start_matches("./")));
                }
                graph.modules.push(ModuleSource {
                    url,
                    kind: ModuleType::JavaScript,
                    code: code.clone(),
                    source_map: None,
                });
            }
            Ok(graph)
        })
    }
}

#[test]
fn modules_come_from_the_loader_static_and_dynamic() {
    let modules = MockModules(HashMap::from([
        (
            "file:///main.js",
            "import { a } from \"./a.js\";\nglobalThis.result = a + (await import(\"./c.js\")).c;\n\
             globalThis.refused = await import(\"./b.js\").then(() => 'loaded', (e) => e.message);",
        ),
        ("file:///a.js", "export const a = 'a';"),
        ("file:///b.js", "export const b = 'b';"),
        ("file:///c.js", "import \"./a.js\";\nexport const c = 'c';"),
    ]));
    let mut isolate = isolate(IsolateOptions {
        loader: Some(Rc::new(modules)),
        ..Default::default()
    });
    let url = url::Url::parse("file:///main.js").unwrap();
    isolate.run_module(&url, None).unwrap();
    assert_eq!(eval(&mut isolate, "result").unwrap(), "ac");
    assert_eq!(
        eval(&mut isolate, "refused").unwrap(),
        "file:///b.js may not load"
    );
}

#[test]
fn without_a_loader_no_module_loads() {
    let mut isolate = isolate(IsolateOptions::default());
    let url = url::Url::parse("file:///main.js").unwrap();
    let e = isolate.run_module(&url, None).unwrap_err();
    assert_eq!(e.0, "this isolate loads no modules");
}

#[test]
fn an_uncaught_error_shows_its_stack_and_a_limit_stops_the_script() {
    let mut isolate = isolate(IsolateOptions::default());
    let e = eval(
        &mut isolate,
        "function f() { throw new Error('boom'); }\nf();",
    )
    .unwrap_err();
    assert!(
        e.0.starts_with("Uncaught Error: boom\n") && e.0.contains("at f (test.js:1:"),
        "{e}"
    );
    let mut isolate = isolate_with_memory(16 << 20);
    let e = eval(
        &mut isolate,
        "const a = []; while (true) a.push({ n: a.length });",
    )
    .unwrap_err();
    assert_eq!(e.0, "Script exceeded its 16 MiB heap limit");
}

fn isolate_with_memory(limit: usize) -> Isolate {
    isolate(IsolateOptions {
        memory: Some(MemoryLimit::new(limit).unwrap()),
        ..Default::default()
    })
}

#[test]
fn the_string_codecs_follow_the_encoding_standard() {
    let mut isolate = isolate(IsolateOptions::default());
    let code = r#"const c = Deno.core;
        const bytes = c.encodeUtf8("aé\ud800😀");
        const bad = new Uint8Array([0x61, 0xc0, 0x80, 0xed, 0xa0, 0x80, 0xe2, 0x82]);
        let fatal = "";
        try { c.decodeUtf8(bad, true); } catch (e) { fatal = e.name; }
        [Array.from(bytes).join(" "), c.decodeUtf8(bytes) === "aé\ufffd😀",
         c.decodeUtf8(bad).length, fatal, c.decodeLatin1(new Uint8Array([0x41, 0xe9, 0xff])) === "A\xe9\xff"].join("|")"#;
    assert_eq!(
        eval(&mut isolate, code).unwrap(),
        "97 195 169 239 191 189 240 159 152 128|true|7|TypeError|true"
    );
}

#[test]
fn rejections_and_reported_errors_reach_the_embedders_hooks() {
    let mut isolate = isolate(IsolateOptions::default());
    // Handled by the hook: the run goes on.
    let code = "globalThis.seen = [];
        Deno.core.setUnhandledRejection((p, reason) => { seen.push(reason); return reason === 'ok'; });
        Deno.core.setLifecycle((event) => { seen.push(event); return false; });
        Promise.reject('ok');
        0";
    eval(&mut isolate, code).unwrap();
    assert_eq!(
        eval(&mut isolate, "seen.join()").unwrap(),
        "ok,load,beforeunload,unload"
    );
    // Not handled: an uncaught rejection; a reported error ends the run after the turn.
    let e = eval(&mut isolate, "Promise.reject(new Error('no')); 0").unwrap_err();
    assert!(e.0.starts_with("Uncaught (in promise) Error: no"), "{e}");
    let e = eval(
        &mut isolate,
        "Deno.core.reportUncaught(new RangeError('late')); 1",
    )
    .unwrap_err();
    assert!(e.0.starts_with("Uncaught RangeError: late"), "{e}");
}

#[test]
fn utf16_units_become_a_string_and_other_views_are_refused() {
    let mut isolate = isolate(IsolateOptions::default());
    let code = r#"let refused = "";
        try { Deno.core.decodeUtf16(new Uint8Array(2)); } catch (e) { refused = e.name; }
        [Deno.core.decodeUtf16(new Uint16Array([0x41, 0xd83d, 0xde00, 0xfffd])) === "A😀\ufffd",
         Deno.core.decodeUtf16(new Uint16Array(new ArrayBuffer(8), 2, 1)) === "\0", refused].join()"#;
    assert_eq!(eval(&mut isolate, code).unwrap(), "true,true,TypeError");
}

#[test]
fn strings_are_written_into_a_given_buffer_from_an_index_on() {
    let mut isolate = isolate(IsolateOptions::default());
    let code = r#"const c = Deno.core;
        const errors = [];
        const refuse = (f) => { try { f(); errors.push("none"); } catch (e) { errors.push(e.name); } };
        const dest = new Uint8Array(8).fill(0x2e);
        const end = c.encodeUtf8Into("aé😀", dest, 1);
        // Only whole chars: 4 bytes of room take "ab" and not the half of "é".
        const short = new Uint8Array(4);
        const shortEnd = c.encodeUtf8Into("abcé", short, 1);
        const latin = new Uint8Array(4);
        const ok = c.encodeLatin1Into("\xe9\xff", latin, 2);
        // Two-byte strings whose chars fit a byte are one-byte text too; others write nothing.
        const twoByte = ("\u0100\xe9").slice(1);
        const fits = c.encodeLatin1Into(twoByte, latin, 0);
        const none = c.encodeLatin1Into("a\u0100", latin, 0);
        refuse(() => c.encodeUtf8Into("a", dest, 9));
        refuse(() => c.encodeUtf8Into("a", dest, -1));
        refuse(() => c.encodeUtf8Into("a", [], 0));
        refuse(() => c.encodeLatin1Into(1, dest, 0));
        [end, Array.from(dest).join(" "), shortEnd, Array.from(short).join(" "),
         ok, fits, none, Array.from(latin).join(" "), errors.join()].join("|")"#;
    assert_eq!(
        eval(&mut isolate, code).unwrap(),
        "8|46 97 195 169 240 159 152 128|4|0 97 98 99|true|true|false|233 0 233 255|TypeError,TypeError,TypeError,TypeError"
    );
}
