//! THE op table: every request from `Deno.core.dispatch` is verified, then routed by
//! the one `match` on `msg::Any` below to its handler in `ops/<area>.rs`.
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

use flatbuffers::{FlatBufferBuilder, UnionWIPOffset, WIPOffset};

use crate::errors::{DenoError, OpResult};
use crate::msg::{self, ErrorKind};
use crate::state::State;

mod bench;
mod io;
mod os;
mod timers;

/// A reply: a size-prefixed `Base`, so that many can travel back to back in one batch.
/// Empty when a sync op has nothing to say.
pub type Buf = Box<[u8]>;

pub type OpFuture = Pin<Box<dyn Future<Output = OpResult<Buf>>>>;

/// What a handler returns.
pub enum Op {
    /// The reply, available at once.
    Sync(Buf),
    /// The reply comes later, from the event loop.
    Async(OpFuture),
}

/// Every handler has this signature: the state, the verified request, and the
/// optional zero-copy buffer passed beside it (valid only during the call).
type Handler = fn(&Rc<State>, &msg::Base, Option<&mut [u8]>) -> OpResult<Op>;

/// Verifies `control` and picks its handler: THE op table.
pub fn decode(control: &[u8]) -> OpResult<(msg::Base<'_>, Handler)> {
    let base = flatbuffers::root::<msg::Base>(control)?;
    let handler: Handler = match base.inner_type() {
        msg::Any::Start => os::op_start,
        msg::Any::MyPid => os::op_my_pid,
        msg::Any::Exit => os::op_exit,
        msg::Any::Metrics => os::op_metrics,
        msg::Any::Resolve => os::op_resolve,
        msg::Any::Print => io::op_print,
        msg::Any::GlobalTimer => timers::op_global_timer,
        msg::Any::GlobalTimerStop => timers::op_global_timer_stop,
        msg::Any::Noop => bench::op_noop,
        msg::Any::Echo => bench::op_echo,
        msg::Any::NONE => return Err(not_available("message has no op (Base.inner is empty)")),
        // Every request type has its arm above; the other names are replies.
        other => match other.variant_name() {
            Some(name) => return Err(not_available(&format!("{name} is a reply, not an op"))),
            None => return Err(not_available(&format!("unknown op type {}", other.0))),
        },
    };
    Ok((base, handler))
}

fn not_available(text: &str) -> DenoError {
    DenoError::new(ErrorKind::OpNotAvailable, text)
}

/// What became of a request.
pub enum Dispatched {
    /// The reply (empty if the op has none).
    Reply(Buf),
    /// An async op, for the event loop to drive.
    Pending(PendingOp),
}

/// Runs one request. Never panics. A message that is not a valid request (it fails
/// verification, or names no op) is an `Err`: it has no trustworthy cmd_id to reply
/// to, and the door throws it at the caller. Everything else gets a reply; failing
/// and panicking ops get an error reply (a `DenoError` in JS).
pub fn dispatch(
    state: &Rc<State>,
    control: &[u8],
    data: Option<&mut [u8]>,
) -> OpResult<Dispatched> {
    let (base, handler) = decode(control)?;
    state
        .metrics
        .count_dispatched(control.len(), data.as_ref().map_or(0, |d| d.len()));
    let cmd_id = base.cmd_id();
    let buf = match catch_unwind(AssertUnwindSafe(|| handler(state, &base, data))) {
        Ok(Ok(Op::Sync(buf))) => buf,
        Ok(Ok(Op::Async(future))) => {
            return Ok(Dispatched::Pending(PendingOp::new(state, cmd_id, future)))
        }
        Ok(Err(e)) => error_reply(state, cmd_id, e),
        Err(panic) => error_reply(state, cmd_id, panicked(panic)),
    };
    state.metrics.count_completed(buf.len());
    Ok(Dispatched::Reply(buf))
}

fn panicked(panic: Box<dyn std::any::Any + Send>) -> DenoError {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    DenoError::new(ErrorKind::Other, format!("op panicked: {what}"))
}

/// An async op in flight: completes with its cmd_id and reply (errors and panics
/// turned into error replies).
pub struct PendingOp {
    state: Rc<State>,
    cmd_id: u32,
    future: OpFuture,
}

impl PendingOp {
    fn new(state: &Rc<State>, cmd_id: u32, future: OpFuture) -> Self {
        PendingOp {
            state: state.clone(),
            cmd_id,
            future,
        }
    }
}

impl Future for PendingOp {
    type Output = Buf;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Buf> {
        let this = &mut *self;
        let result = match catch_unwind(AssertUnwindSafe(|| this.future.as_mut().poll(cx))) {
            Ok(Poll::Pending) => return Poll::Pending,
            Ok(Poll::Ready(result)) => result,
            Err(panic) => Err(panicked(panic)),
        };
        let buf = result.unwrap_or_else(|e| error_reply(&this.state, this.cmd_id, e));
        this.state.metrics.count_completed(buf.len());
        Poll::Ready(buf)
    }
}

/// The reply `buf` as the request asked: at once if `Base.sync`, else through the
/// event loop (for ops such as Noop that can be either).
pub fn sync_or_async(base: &msg::Base, buf: Buf) -> Op {
    if base.sync() {
        Op::Sync(buf)
    } else {
        Op::Async(Box::pin(std::future::ready(Ok(buf))))
    }
}

/// Builds a `Base` reply for `cmd_id` around the inner table `build` writes, in the
/// state's reused builder.
pub fn reply<F>(state: &State, cmd_id: u32, build: F) -> Buf
where
    F: FnOnce(&mut FlatBufferBuilder<'static>) -> (msg::Any, WIPOffset<UnionWIPOffset>),
{
    build_base(state, |b| {
        let (inner_type, inner) = build(b);
        msg::BaseArgs {
            cmd_id,
            inner_type,
            inner: Some(inner),
            ..Default::default()
        }
    })
}

pub fn error_reply(state: &State, cmd_id: u32, e: DenoError) -> Buf {
    build_base(state, |b| {
        let error = Some(b.create_string(&e.msg));
        msg::BaseArgs {
            cmd_id,
            error_kind: e.kind,
            error,
            ..Default::default()
        }
    })
}

/// Serializes the `Base` that `fields` describes (size-prefixed) and resets the builder.
fn build_base<'b, F>(state: &'b State, fields: F) -> Buf
where
    F: FnOnce(&mut FlatBufferBuilder<'static>) -> msg::BaseArgs<'b>,
{
    let b = &mut *state.builder.borrow_mut();
    let args = fields(b);
    let base = msg::Base::create(b, &args);
    b.finish_size_prefixed(base, None);
    let buf = b.finished_data().into();
    b.reset();
    buf
}

/// The request's inner table, or an InvalidData error naming what is missing.
pub fn inner<T>(table: Option<T>, what: &str) -> OpResult<T> {
    table.ok_or_else(|| DenoError::new(ErrorKind::InvalidData, format!("{what} without its table")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> Rc<State> {
        Rc::new(State::new(vec![], None))
    }

    fn request(
        sync: bool,
        build: impl FnOnce(&mut FlatBufferBuilder) -> (msg::Any, WIPOffset<UnionWIPOffset>),
    ) -> Vec<u8> {
        let mut b = FlatBufferBuilder::new();
        let (inner_type, inner) = build(&mut b);
        let base = msg::Base::create(
            &mut b,
            &msg::BaseArgs {
                cmd_id: 7,
                sync,
                inner_type,
                inner: Some(inner),
                ..Default::default()
            },
        );
        b.finish(base, None);
        b.finished_data().to_vec()
    }

    fn my_pid_request() -> Vec<u8> {
        request(true, |b| {
            let inner = msg::MyPid::create(b, &msg::MyPidArgs {});
            (msg::Any::MyPid, inner.as_union_value())
        })
    }

    fn reply_base(buf: &[u8]) -> msg::Base<'_> {
        flatbuffers::size_prefixed_root::<msg::Base>(buf).expect("a valid reply")
    }

    fn sync_reply(op: OpResult<Dispatched>) -> Buf {
        match op {
            Ok(Dispatched::Reply(buf)) => buf,
            Ok(Dispatched::Pending(_)) => panic!("expected a sync reply"),
            Err(e) => panic!("expected a reply, got {e:?}"),
        }
    }

    fn rejected(op: OpResult<Dispatched>) -> DenoError {
        match op {
            Err(e) => e,
            Ok(_) => panic!("expected the message to be rejected"),
        }
    }

    #[test]
    fn my_pid_replies_the_real_pid() {
        let state = state();
        let req = my_pid_request();
        let buf = sync_reply(dispatch(&state, &req, None));
        let base = reply_base(&buf);
        assert_eq!(base.cmd_id(), 7);
        assert_eq!(base.error_kind(), ErrorKind::NoError);
        assert_eq!(
            base.inner_as_my_pid_res().unwrap().pid(),
            std::process::id()
        );
    }

    #[test]
    fn garbage_is_rejected_as_invalid_data() {
        let state = state();
        for garbage in [
            &[][..],
            &[1, 2, 3],
            &[0xff; 64],
            &[8, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f],
        ] {
            let e = rejected(dispatch(&state, garbage, None));
            assert_eq!(e.kind, ErrorKind::InvalidData, "{garbage:?}");
            assert!(
                e.msg.starts_with("malformed message"),
                "{garbage:?}: {}",
                e.msg
            );
        }
        assert_eq!(
            state.metrics.ops_dispatched.get(),
            0,
            "a rejected message is not an op"
        );
    }

    #[test]
    fn truncated_message_is_rejected() {
        let state = state();
        let req = my_pid_request();
        for len in 0..req.len() {
            let e = rejected(dispatch(&state, &req[..len], None));
            assert_eq!(e.kind, ErrorKind::InvalidData, "truncated to {len}");
        }
    }

    #[test]
    fn no_inner_and_reply_types_are_not_ops() {
        let state = state();
        let mut b = FlatBufferBuilder::new();
        let base = msg::Base::create(
            &mut b,
            &msg::BaseArgs {
                cmd_id: 3,
                sync: true,
                ..Default::default()
            },
        );
        b.finish(base, None);
        let e = rejected(dispatch(&state, b.finished_data(), None));
        assert_eq!(e.kind, ErrorKind::OpNotAvailable);
        assert!(e.msg.contains("no op"), "{}", e.msg);

        let req = request(true, |b| {
            (
                msg::Any::MyPidRes,
                msg::MyPidRes::create(b, &msg::MyPidResArgs { pid: 1 }).as_union_value(),
            )
        });
        let e = rejected(dispatch(&state, &req, None));
        assert_eq!(e.kind, ErrorKind::OpNotAvailable);
        assert!(e.msg.contains("MyPidRes"), "{}", e.msg);
    }

    #[test]
    fn failing_op_gets_an_error_reply_with_its_kind() {
        let state = state();
        let req = request(true, |b| {
            let h = b.create_string("");
            (
                msg::Any::Resolve,
                msg::Resolve::create(b, &msg::ResolveArgs { hostname: Some(h) }).as_union_value(),
            )
        });
        let buf = sync_reply(dispatch(&state, &req, None));
        let base = reply_base(&buf);
        assert_eq!(
            (base.cmd_id(), base.error_kind()),
            (7, ErrorKind::InvalidInput)
        );
    }

    #[test]
    fn a_panicking_async_op_becomes_an_error_reply() {
        let state = state();
        let future: OpFuture = Box::pin(async { panic!("boom") });
        let mut op = PendingOp::new(&state, 9, future);
        let waker = futures_util::task::noop_waker();
        let Poll::Ready(buf) = Pin::new(&mut op).poll(&mut Context::from_waker(&waker)) else {
            panic!("a panicking future is done")
        };
        let base = reply_base(&buf);
        assert_eq!((base.cmd_id(), base.error_kind()), (9, ErrorKind::Other));
        assert_eq!(base.error(), Some("op panicked: boom"));
    }

    #[test]
    fn metrics_count_both_directions() {
        let state = state();
        let req = request(true, |b| {
            (
                msg::Any::Noop,
                msg::Noop::create(b, &msg::NoopArgs {}).as_union_value(),
            )
        });
        let mut data = [0u8; 10];
        let buf = sync_reply(dispatch(&state, &req, Some(&mut data)));
        let m = &state.metrics;
        assert_eq!((m.ops_dispatched.get(), m.ops_completed.get()), (1, 1));
        assert_eq!(m.bytes_sent_control.get(), req.len() as u64);
        assert_eq!(m.bytes_sent_data.get(), 10);
        assert_eq!(m.bytes_received.get(), buf.len() as u64);
    }

    /// A small deterministic generator (xorshift64*): the test needs volume, not crypto.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
    }

    /// Reads every field a handler could read, as a handler would.
    fn read_everything(base: &msg::Base) {
        let _ = (base.cmd_id(), base.sync(), base.error_kind(), base.error());
        if let Some(t) = base.inner_as_print() {
            let _ = (t.text(), t.is_err());
        }
        if let Some(t) = base.inner_as_resolve() {
            let _ = t.hostname();
        }
        if let Some(t) = base.inner_as_exit() {
            let _ = t.code();
        }
        if let Some(t) = base.inner_as_global_timer() {
            let _ = t.timeout_ms();
        }
        if let Some(t) = base.inner_as_start_res() {
            let _ = (
                t.cwd(),
                t.argv().map(|v| v.iter().count()),
                t.exec_path(),
                t.main_module(),
            );
        }
        if let Some(t) = base.inner_as_echo_res() {
            let _ = t.data().map(|d| d.bytes().len());
        }
    }

    #[test]
    fn decode_survives_random_and_mutated_buffers() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let seeds: Vec<Vec<u8>> = vec![
            request(true, |b| {
                let h = b.create_string("localhost");
                (
                    msg::Any::Resolve,
                    msg::Resolve::create(b, &msg::ResolveArgs { hostname: Some(h) })
                        .as_union_value(),
                )
            }),
            request(true, |b| {
                let t = b.create_string("hello");
                (
                    msg::Any::Print,
                    msg::Print::create(
                        b,
                        &msg::PrintArgs {
                            text: Some(t),
                            is_err: true,
                        },
                    )
                    .as_union_value(),
                )
            }),
            request(false, |b| {
                (
                    msg::Any::GlobalTimer,
                    msg::GlobalTimer::create(b, &msg::GlobalTimerArgs { timeout_ms: 5.0 })
                        .as_union_value(),
                )
            }),
            request(true, |b| {
                let argv = [b.create_string("a"), b.create_string("b")];
                let argv = b.create_vector(&argv);
                let args = msg::StartResArgs {
                    argv: Some(argv),
                    ..Default::default()
                };
                (
                    msg::Any::StartRes,
                    msg::StartRes::create(b, &args).as_union_value(),
                )
            }),
        ];
        let mut decoded = 0;
        for i in 0..120_000 {
            let buf: Vec<u8> = if i % 2 == 0 {
                let len = rng.below(96);
                (0..len).map(|_| rng.next() as u8).collect()
            } else {
                let mut buf = seeds[rng.below(seeds.len())].clone();
                for _ in 0..1 + rng.below(4) {
                    match rng.below(3) {
                        0 if !buf.is_empty() => {
                            let at = rng.below(buf.len());
                            buf[at] = rng.next() as u8;
                        }
                        1 => buf.truncate(rng.below(buf.len() + 1)),
                        _ => {
                            let at = rng.below(buf.len() + 1);
                            buf.insert(at, rng.next() as u8);
                        }
                    }
                }
                buf
            };
            if let Ok((base, _handler)) = decode(&buf) {
                read_everything(&base);
                decoded += 1;
            }
        }
        // Some mutations must still decode, or the test only exercised the verifier's
        // first check.
        assert!(decoded > 1000, "only {decoded} buffers decoded");
    }
}
