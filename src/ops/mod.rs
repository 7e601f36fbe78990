//! THE op table: every request from `Deno.core.dispatch` is verified, then routed by
//! the one `match` on `msg::Any` below to its handler in `ops/<area>.rs`.
use std::panic::{catch_unwind, AssertUnwindSafe};

use flatbuffers::{FlatBufferBuilder, UnionWIPOffset, WIPOffset};

use crate::errors::{DenoError, OpResult};
use crate::msg::{self, ErrorKind};
use crate::state::State;

mod io;
mod os;

/// Reply bytes (a serialized `Base`); empty when the op has nothing to say.
pub type Buf = Box<[u8]>;

/// What a handler returns.
pub enum Op {
    /// The reply, available at once.
    Sync(Buf),
}

/// Every handler has this signature: the state, the verified request, and the
/// optional zero-copy buffer passed beside it.
type Handler = fn(&State, &msg::Base, Option<&mut [u8]>) -> OpResult<Op>;

/// Runs one request. Never panics: bad input and failing ops become error replies.
pub fn dispatch(state: &State, control: &[u8], data: Option<&mut [u8]>) -> Op {
    let base = match flatbuffers::root::<msg::Base>(control) {
        Ok(base) => base,
        Err(e) => return Op::Sync(error_reply(state, 0, e.into())),
    };
    let handler: Handler = match base.inner_type() {
        msg::Any::Start => os::op_start,
        msg::Any::Print => io::op_print,
        msg::Any::NONE => return error_op(state, &base, "message has no op (Base.inner is empty)"),
        other => {
            let name = other.variant_name().unwrap_or("unknown");
            return error_op(state, &base, &format!("unknown op {name} ({})", other.0));
        }
    };
    match catch_unwind(AssertUnwindSafe(|| handler(state, &base, data))) {
        Ok(Ok(op)) => op,
        Ok(Err(e)) => Op::Sync(error_reply(state, base.cmd_id(), e)),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let e = DenoError::new(ErrorKind::Other, format!("op panicked: {what}"));
            Op::Sync(error_reply(state, base.cmd_id(), e))
        }
    }
}

fn error_op(state: &State, base: &msg::Base, text: &str) -> Op {
    Op::Sync(error_reply(
        state,
        base.cmd_id(),
        DenoError::new(ErrorKind::OpNotAvailable, text),
    ))
}

/// Builds a `Base` reply for `cmd_id` around the inner table `build` writes, in the
/// state's reused builder.
pub fn reply<F>(state: &State, cmd_id: u32, build: F) -> Buf
where
    F: FnOnce(&mut FlatBufferBuilder<'static>) -> (msg::Any, WIPOffset<UnionWIPOffset>),
{
    let b = &mut *state.builder.borrow_mut();
    let (inner_type, inner) = build(b);
    let base = msg::Base::create(
        b,
        &msg::BaseArgs {
            cmd_id,
            inner_type,
            inner: Some(inner),
            ..Default::default()
        },
    );
    finish(b, base)
}

fn error_reply(state: &State, cmd_id: u32, e: DenoError) -> Buf {
    let b = &mut *state.builder.borrow_mut();
    let error = b.create_string(&e.msg);
    let base = msg::Base::create(
        b,
        &msg::BaseArgs {
            cmd_id,
            error_kind: e.kind,
            error: Some(error),
            ..Default::default()
        },
    );
    finish(b, base)
}

fn finish(b: &mut FlatBufferBuilder<'static>, base: WIPOffset<msg::Base>) -> Buf {
    b.finish(base, None);
    let buf = b.finished_data().into();
    b.reset();
    buf
}
