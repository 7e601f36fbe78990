//! minideno's module loader, without V8: where a module's source comes from
//! ([`fetch`]: files, and remote modules through the deps cache), what it is
//! ([`media`]), the cache folder ([`deno_dir`]), TypeScript to JavaScript ([`transpile`]
//! with oxc, cached by [`compiler`]), the static module graph ([`graph`]) and the code
//! frames of its errors ([`code_frame`]). The V8 side makes modules of what it loads;
//! `build.rs` transpiles the userland with the same [`transpile`].

pub mod code_frame;
pub mod compiler;
pub mod deno_dir;
pub mod fetch;
pub mod graph;
pub mod import_map;
pub mod media;
pub mod transpile;

/// The TypeScript transpiler, as `Deno.version.typescript` reports it.
pub const TRANSPILER_VERSION: &str = concat!("oxc ", env!("OXC_VERSION"));
