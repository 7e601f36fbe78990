//! THE op table: every request the door lets through is routed by the one `match`
//! below, on its `OpCode` (the `msg::Any` tag of its `Base.inner`), to its handler in
//! `ops/<area>.rs`. `OpCode` is generated from the schema's union, so the match is
//! exhaustive: a request added to the schema without an arm here does not compile.
//! Whether an op may be called sync, async or both is the schema's `(op: "...")`,
//! enforced by the machinery in `dispatch.rs` before any handler runs.
mod bench;
pub mod dispatch;
mod io;
mod os;
pub mod reply;
#[cfg(test)]
mod testing;
mod timers;

pub use dispatch::Dispatcher;
pub use reply::{Handler, Op};

use crate::msg::OpCode;

pub fn handler(op: OpCode) -> Handler {
    match op {
        OpCode::Start => os::op_start,
        OpCode::MyPid => os::op_my_pid,
        OpCode::Exit => os::op_exit,
        OpCode::Metrics => os::op_metrics,
        OpCode::Resolve => os::op_resolve,
        OpCode::Print => io::op_print,
        OpCode::GlobalTimer => timers::op_global_timer,
        OpCode::GlobalTimerStop => timers::op_global_timer_stop,
        OpCode::Noop => bench::op_noop,
        OpCode::Echo => bench::op_echo,
    }
}
