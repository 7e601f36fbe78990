//! The isolate's one timer: `GlobalTimer` wakes JS at its earliest deadline (JS keeps
//! every setTimeout/setInterval); `GlobalTimerStop` cancels it.
use std::rc::Rc;
use std::time::Duration;

use futures_util::future::{select, Either};
use tokio::sync::oneshot;

use crate::errors::OpResult;
use crate::msg;
use crate::ops::{inner, reply, Op};
use crate::state::State;

/// Longer waits are clamped to this (about 31 years).
const MAX_TIMEOUT_MS: f64 = 1e12;

pub fn op_global_timer(
    state: &Rc<State>,
    base: &msg::Base,
    _data: Option<&mut [u8]>,
) -> OpResult<Op> {
    let ms = inner(base.inner_as_global_timer(), "GlobalTimer")?.timeout_ms();
    // NaN and negative waits mean "now", as in setTimeout.
    let ms = if ms > 0.0 {
        ms.min(MAX_TIMEOUT_MS)
    } else {
        0.0
    };
    let (stop, stopped) = oneshot::channel();
    if let Some(previous) = state.timer.borrow_mut().replace(stop) {
        let _ = previous.send(());
    }
    let (state, cmd_id) = (state.clone(), base.cmd_id());
    Ok(Op::Async(Box::pin(async move {
        let sleep = Box::pin(tokio::time::sleep(Duration::from_secs_f64(ms / 1000.0)));
        let was_stopped = matches!(select(sleep, stopped).await, Either::Right((Ok(()), _)));
        Ok(reply(&state, cmd_id, |b| {
            let res = msg::GlobalTimerRes::create(
                b,
                &msg::GlobalTimerResArgs {
                    stopped: was_stopped,
                },
            );
            (msg::Any::GlobalTimerRes, res.as_union_value())
        }))
    })))
}

pub fn op_global_timer_stop(
    state: &Rc<State>,
    _base: &msg::Base,
    _data: Option<&mut [u8]>,
) -> OpResult<Op> {
    if let Some(stop) = state.timer.borrow_mut().take() {
        let _ = stop.send(());
    }
    Ok(Op::Sync(Box::default()))
}
