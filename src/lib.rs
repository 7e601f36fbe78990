//! minideno: the early Deno design in Rust.
//!
//! A V8 isolate runs the unprivileged TypeScript userland (`js/`, compiled at build
//! time into a startup snapshot). The privileged Rust side does all I/O. The only door
//! between them is one native function, `Deno.core.dispatch(control, zeroCopy?)`:
//! `control` is a FlatBuffers `Base` message (schema/msg.fbs) whose `inner` union says
//! which op to run. The V8 glue ([`isolate`]) hands it to the isolate's [`Dispatch`]:
//! minideno's is [`ops::Dispatcher`], which verifies the bytes, checks the op's
//! routing mode (sync, async or both, declared in the schema) and routes it through
//! the one `match` in [`ops`] to a handler `op_<name>` in `ops/<area>.rs`. The reply
//! is a `Base` with the request's cmd_id carrying the op's `*Res` table, or an error
//! kind + message that JS throws as a `DenoError`. Read and write may instead travel
//! as early Deno v0.10's minimal records (16 bytes: `[0xCAFE, promise_id, op, rid]`),
//! told apart from FlatBuffers by their size and first int32 (`ops/minimal.rs`); the
//! bench ops also as JSON (`{"op":"Noop"}`), told apart by their first bytes
//! (`ops/json.rs`), to measure what each encoding costs. Beside the door, the glue
//! offers V8's structured clone (`Deno.core.serialize`/`deserialize`: V8 work, no
//! I/O), whose bytes workers send each other through the door.
//!
//! Modules: [`isolate`] (V8, the binding, the event loop), [`graph`] (the static
//! module graph), [`fetch`] (module sources: files, and remote modules through the
//! deps cache), [`modules`] (V8's modules: linking, evaluation, `import()`),
//! [`compiler`] (TypeScript via oxc, cached in DENO_DIR), [`repl`], [`source_maps`]
//! (stack traces point at `.ts` lines), [`ops`] (the op table and its machinery),
//! [`permissions`] (the `--allow-*` grants every op checks before it acts),
//! [`resources`] (rids: the userland's file descriptors: files, sockets, child
//! processes and their pipes), [`workers`] (an isolate per thread, talking to its
//! parent by messages), [`msg`] (the generated
//! messages), [`trace`] (the op tracer), [`state`], [`errors`].
//!
//! Embedding (the script may read below /tmp and nothing else):
//! ```no_run
//! use minideno::permissions::{Grant, Grants};
//! let url = url::Url::parse("file:///tmp/hello.ts").unwrap();
//! let grants = Grants {
//!     read: Grant::Some(vec!["/tmp".into()]),
//!     ..Grants::default()
//! };
//! let state = minideno::State::new(vec![], Some(url.to_string())).with_permissions(grants);
//! let ops = minideno::Dispatcher::new(state);
//! let mut isolate = minideno::Isolate::new(ops).unwrap();
//! isolate.run_module(&url, None).unwrap();
//! ```

pub mod errors;
pub mod flags;
pub mod isolate;
pub mod limits;
pub mod modules;
pub mod msg;
pub mod ops;
pub mod permissions;
pub mod repl;
pub mod resources;
pub mod runtime;
pub mod source_maps;
pub mod state;
pub mod trace;
pub mod workers;

pub use errors::DenoError;
pub use isolate::{init_v8, Dispatch, Isolate, ScriptError, ZeroCopyBuf};
pub use ops::Dispatcher;
pub use state::State;

/// minideno's own version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The declarations of the `Deno` namespace, the userland's man pages (`minideno types`).
pub const LIB_DENO_D_TS: &str = include_str!("../js/lib.deno.d.ts");
pub use minideno_loader as loader;
pub use minideno_loader::TRANSPILER_VERSION;

/// Ends the process now with `code`, its children killed and stdout flushed (stderr is
/// unbuffered). It
/// skips the exit handlers and static destructors of the C++ libraries, V8's, ICU's and
/// OpenSSL's among them: ~2 ms of cleanup at every exit that the kernel does anyway.
pub fn exit(code: i32) -> ! {
    use std::io::Write;
    ops::process::kill_children();
    let _ = std::io::stdout().flush();
    // SAFETY: _exit only ends the process; nothing of ours waits for an exit handler.
    unsafe { libc::_exit(code) }
}
