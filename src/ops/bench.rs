//! Benchmark ops: `Noop` (the cost of the door itself) and `Echo` (bytes in through the
//! zero-copy buffer, out in the reply). Either runs sync or async, as `Base.sync` says.
use std::rc::Rc;

use crate::errors::OpResult;
use crate::msg;
use crate::ops::{reply, sync_or_async, Op};
use crate::state::State;

pub fn op_noop(state: &Rc<State>, base: &msg::Base, _data: Option<&mut [u8]>) -> OpResult<Op> {
    let buf = reply(state, base.cmd_id(), |b| {
        (
            msg::Any::NoopRes,
            msg::NoopRes::create(b, &msg::NoopResArgs {}).as_union_value(),
        )
    });
    Ok(sync_or_async(base, buf))
}

pub fn op_echo(state: &Rc<State>, base: &msg::Base, data: Option<&mut [u8]>) -> OpResult<Op> {
    let buf = reply(state, base.cmd_id(), |b| {
        let data = b.create_vector(data.as_deref().unwrap_or_default());
        let res = msg::EchoRes::create(b, &msg::EchoResArgs { data: Some(data) });
        (msg::Any::EchoRes, res.as_union_value())
    });
    Ok(sync_or_async(base, buf))
}
