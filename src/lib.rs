//! minideno: the early Deno design in Rust. This crate is the runtime: the layer
//! between the V8 glue (`minideno-core`, re-exported as [`core`], which knows no op)
//! and the module loader (`minideno-loader`, re-exported as [`loader`], which knows no
//! V8), and below the `minideno` binary (`cli/`).
//!
//! A V8 isolate runs the unprivileged TypeScript userland (`js/`, compiled at build
//! time into a startup snapshot, started by [`userland`]). The privileged Rust side
//! does all I/O. The only door between them is one native function,
//! `Deno.core.dispatch(control, zeroCopy?)`: `control` is a FlatBuffers `Base` message
//! (schema/msg.fbs) whose `inner` union says which op to run. The core hands it to the
//! isolate's [`Dispatch`]: minideno's is [`ops::Dispatcher`], which verifies the bytes,
//! checks the op's routing mode (sync, async or both, declared in the schema) and
//! routes it through the one `match` in [`ops`] to a handler `op_<name>` in
//! `ops/<area>.rs`. The reply is a `Base` with the request's cmd_id carrying the op's
//! `*Res` table, or an error kind + message that JS throws as a `DenoError`. Read and
//! write may instead travel as early Deno v0.10's minimal records (16 bytes:
//! `[0xCAFE, promise_id, op, rid]`), told apart from FlatBuffers by their size and first
//! int32 (`ops/minimal.rs`); the bench ops also as JSON (`{"op":"Noop"}`), told apart
//! by their first bytes (`ops/json.rs`), to measure what each encoding costs.
//!
//! Modules: [`userland`] (the snapshot, and modules loaded as permissions allow),
//! [`ops`] (the op table and its machinery), [`permissions`] (the `--allow-*` grants
//! every op checks before it acts), [`resources`] (rids: the userland's file
//! descriptors: files, sockets, child processes and their pipes), [`workers`] (an
//! isolate per thread, talking to its parent by messages), [`runtime`] (the embedding
//! API), [`host`] (what an embedder offers scripts: host functions, module sources),
//! [`snapshot`] (embedder snapshots), [`pool`] (runtimes on threads for many callers),
//! [`msg`] (the generated messages), [`trace`] (the op tracer), [`state`], [`errors`].
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
//! let mut isolate = minideno::new_isolate(ops, None).unwrap();
//! isolate.run_module(&url, None).unwrap();
//! ```

pub mod errors;
pub mod host;
pub mod msg;
pub mod ops;
pub mod permissions;
pub mod pool;
pub mod resources;
pub mod runtime;
pub mod snapshot;
pub mod state;
pub mod trace;
pub mod userland;
pub mod workers;

pub use errors::DenoError;
pub use minideno_core::{self as core, limits};
pub use minideno_core::{init_v8, Dispatch, Isolate, ScriptError, ZeroCopyBuf};
pub use ops::{Dispatcher, Machinery};
pub use state::State;
pub use userland::{new_isolate, new_isolate_from};

/// minideno's own version.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The declarations of the `Deno` namespace and the web globals, the userland's man
/// pages (`minideno types`).
pub const LIB_DENO_D_TS: &str = concat!(
    include_str!("../js/lib.deno.d.ts"),
    "\n",
    include_str!("../js/lib.web.d.ts")
);
pub use minideno_loader as loader;
pub use minideno_loader::TRANSPILER_VERSION;

/// Ends the process now with `code`, its children killed and stdout flushed (see
/// `minideno_core::limits::exit`).
pub fn exit(code: i32) -> ! {
    limits::set_before_exit(ops::process::kill_children);
    limits::exit(code)
}
