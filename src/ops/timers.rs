//! The isolate's one timer: `GlobalTimer` wakes JS at its earliest deadline (JS keeps
//! every setTimeout/setInterval); `GlobalTimerStop` cancels it. An unref'd one does not
//! keep the event loop alive.
use std::time::Duration;

use futures_util::future::{select, Either};
use tokio::sync::oneshot;

use crate::errors::OpResult;
use crate::msg;
use crate::ops::reply::{request_table, scalars, Ctx, Op, ZeroCopyBuf};

/// Longer waits are clamped to this (about 31 years).
const MAX_TIMEOUT_MS: f64 = 1e12;

pub fn op_global_timer(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let request = request_table::<msg::GlobalTimer>(base)?;
    let ms = request.timeout_ms();
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
    let unrefed = request.unref().then(|| Unrefed::new(state));
    let state = state.clone();
    Ok(Op::Async(Box::pin(async move {
        let _unrefed = unrefed;
        let sleep = Box::pin(tokio::time::sleep(Duration::from_secs_f64(ms / 1000.0)));
        let stopped = matches!(select(sleep, stopped).await, Either::Right((Ok(()), _)));
        Ok(scalars(&state, &msg::GlobalTimerResArgs { stopped }))
    })))
}

/// Counts an op in flight among those that do not keep the event loop alive, while it
/// lives (its future is dropped when it completes or when the isolate ends).
struct Unrefed(Ctx);

impl Unrefed {
    fn new(state: &Ctx) -> Self {
        state.unrefed.set(state.unrefed.get() + 1);
        Unrefed(state.clone())
    }
}

impl Drop for Unrefed {
    fn drop(&mut self) {
        self.0.unrefed.set(self.0.unrefed.get() - 1);
    }
}

pub fn op_global_timer_stop(
    state: &Ctx,
    _base: &msg::Base,
    _data: Option<ZeroCopyBuf>,
) -> OpResult<Op> {
    if let Some(stop) = state.timer.borrow_mut().take() {
        let _ = stop.send(());
    }
    Ok(Op::Sync(None))
}

#[cfg(test)]
mod tests {
    use crate::msg;
    use crate::ops::testing::*;

    #[test]
    fn a_timer_fires_and_a_stopped_one_says_so() {
        let d = dispatcher();
        let timer = |ms| {
            request(false, msg::Any::GlobalTimer, move |b| {
                msg::GlobalTimer::create(
                    b,
                    &msg::GlobalTimerArgs {
                        timeout_ms: ms,
                        unref: false,
                    },
                )
            })
        };
        let reply = run_async(&d, &timer(1.0));
        assert!(!reply_base(&reply)
            .res_as_global_timer_res()
            .unwrap()
            .stopped());

        let runtime = runtime();
        let _entered = runtime.enter();
        let pending = d
            .dispatch(&timer(60_000.0), None, &mut |_| {})
            .unwrap()
            .unwrap();
        let stop = request(true, msg::Any::GlobalTimerStop, |b| {
            msg::GlobalTimerStop::create(b, &msg::GlobalTimerStopArgs {})
        });
        assert!(run_sync(&d, &stop).is_none());
        let reply = runtime.block_on(pending);
        assert!(reply_base(&reply)
            .res_as_global_timer_res()
            .unwrap()
            .stopped());
    }
}
