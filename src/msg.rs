//! The FlatBuffers messages, generated at build time by flatc from schema/msg.fbs.
#![allow(
    clippy::all,
    unused_imports,
    dead_code,
    non_camel_case_types,
    unsafe_op_in_unsafe_fn
)]
#![allow(mismatched_lifetime_syntaxes)]

mod generated {
    include!(concat!(env!("OUT_DIR"), "/msg_generated.rs"));
}

pub use generated::msg::*;
