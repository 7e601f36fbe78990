//! The FlatBuffers messages, generated at build time from schema/msg.fbs: the types by
//! flatc, the `OpCode` enum, routing modes and reply tags by build/opgen.rs.
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

mod ops_generated {
    use super::generated::msg::*;
    include!(concat!(env!("OUT_DIR"), "/ops_generated.rs"));
}

pub use ops_generated::*;
