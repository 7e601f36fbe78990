//! minideno's core: the V8 glue, knowing no op and no schema. An [`Isolate`] runs
//! JavaScript whose only door to the outside is one native function,
//! `Deno.core.dispatch(control, zeroCopy?)`: the bytes go to the op set the embedder
//! gives ([`Dispatch`], early Deno's `set_dispatch`), and its replies come back, sync at
//! once, async through the event loop to the callback `Deno.core.recv` registered.
//!
//! - [`isolate`]: the isolate, its options and its event loop;
//! - [`door`]: `dispatch` and its fast path, the shared reply buffers, zero-copy buffers;
//! - [`modules`]: V8's modules, from what a [`ModuleLoader`] loads, and `import()`;
//! - [`source_maps`]: stack traces that point at the source the user wrote;
//! - [`uncaught`]: how uncaught errors and unhandled rejections are reported;
//! - [`clone`]: V8's structured clone (`Deno.core.serialize`/`deserialize`, `detach`);
//! - [`text`]: UTF-8 to and from strings by V8's codecs (`Deno.core.encodeUtf8`/`decodeUtf8`);
//! - [`lifecycle`]: the load, beforeunload and unload events' hook;
//! - [`limits`]: a deadline, a memory limit shared by an isolate tree, a stopper.

pub mod clone;
pub mod door;
pub mod isolate;
pub mod lifecycle;
pub mod limits;
pub mod modules;
pub mod source_maps;
pub mod text;
pub mod uncaught;

pub use door::{AsyncReply, Dispatch, ReplyBytes, ReplyData, ZeroCopyBuf};
pub use isolate::{init_v8, v8_version, Isolate, IsolateOptions, StartupSnapshot};
pub use modules::{Load, LoadKind, LoadedGraph, ModuleLoader, ModuleSource, ModuleType};
pub use uncaught::ScriptError;
