//! Benchmark ops: `Noop` (the cost of the door itself: no result) and `Echo` (bytes in through the
//! zero-copy buffer, out in the reply). Both run sync or async, as `Base.sync` asks.

use crate::errors::OpResult;
use crate::msg;
use crate::ops::reply::{reply, Ctx, Op, ZeroCopyBuf};

pub fn op_noop(_state: &Ctx, _base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    Ok(Op::Sync(None))
}

pub fn op_echo(state: &Ctx, _base: &msg::Base, data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    Ok(Op::Sync(reply(state, |b| {
        let data = Some(b.create_vector(data.as_deref().unwrap_or_default()));
        msg::EchoRes::create(b, &msg::EchoResArgs { data })
    })))
}

#[cfg(test)]
mod tests {
    use crate::msg;
    use crate::ops::testing::*;

    #[test]
    fn echo_returns_the_zero_copy_bytes_in_both_modes() {
        let d = dispatcher();
        for sync in [true, false] {
            let req = request(sync, msg::Any::Echo, |b| {
                msg::Echo::create(b, &msg::EchoArgs {})
            });
            let data = Some(zero_copy(b"hello"));
            let reply = if sync {
                run_sync_with(&d, &req, data).unwrap()
            } else {
                run_async_with(&d, &req, data)
            };
            let res = reply_base(&reply).res_as_echo_res().unwrap();
            assert_eq!(res.data().unwrap().bytes(), b"hello");
        }
    }
}
