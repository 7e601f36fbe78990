//! The dispatch machinery behind the op table: tells the two encodings apart (a
//! FlatBuffers `Base`, or the minimal record of `minimal.rs`), verifies a request,
//! refuses what the schema's routing mode forbids and an async cmd_id already in
//! flight, runs the handler (failures and panics become error replies), and encodes
//! every result as a size-prefixed reply carrying the request's cmd_id. Every async
//! request gets exactly one reply, even from an op with no result.
use std::cell::Cell;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use super::call::{not_available, Call, Reply};
use super::machinery::Machinery;
use super::reply::{Ctx, Op, OpFuture, Res, ZeroCopyBuf};
use super::{json, minimal, verify};
use crate::errors::{DenoError, OpResult};
use crate::msg::{self, ErrorKind, Mode, OpCode};
use crate::state::State;
use minideno_core::{AsyncReply, Dispatch, ReplyBytes, ReplyData};

/// The op set of minideno's isolates, for the V8 glue: the ops' state and the
/// machinery that runs them.
pub struct Dispatcher {
    cx: Ctx,
    /// Eager ops that may still be answered at dispatch this turn (see `poll_once`).
    eager_left: Cell<u32>,
}

/// At most this many eager ops are answered at dispatch per turn of the event loop;
/// the rest wait for it. Ops that are always done at once (a hot connection, a loop of
/// writes) must still let the event loop serve other sockets and timers.
const EAGER_PER_TURN: u32 = 64;

impl Dispatcher {
    pub fn new(state: State) -> Self {
        Self::with(state, Machinery::default())
    }

    /// The dispatcher of `state`'s ops, counted and traced as `machinery` says.
    pub fn with(state: State, machinery: Machinery) -> Self {
        Dispatcher {
            cx: Ctx::new(state, machinery),
            eager_left: Cell::new(EAGER_PER_TURN),
        }
    }

    /// What its handlers are called with: the ops' state and the machinery.
    pub fn cx(&self) -> &Ctx {
        &self.cx
    }
}

/// Verifies `control` and names its op. An Err means the message is not a request at
/// all: it has no trustworthy cmd_id to reply to.
fn decode(control: &[u8]) -> OpResult<(msg::Base<'_>, OpCode, verify::Head)> {
    let (base, head) = match verify::request(control) {
        // SAFETY: the fast verifier accepted it, and it is never more lenient than the
        // flatbuffers verifier (the fuzz test below holds it to that).
        Some(head) => (
            unsafe { flatbuffers::root_unchecked::<msg::Base>(control) },
            head,
        ),
        None => {
            let base = flatbuffers::root::<msg::Base>(control)?;
            let head = verify::Head {
                cmd_id: base.cmd_id(),
                sync: base.sync(),
                tag: base.inner_type().0,
            };
            (base, head)
        }
    };
    match OpCode::from_any(msg::Any(head.tag)) {
        Some(op) => Ok((base, op, head)),
        None if head.tag == msg::Any::NONE.0 => Err(not_available(
            "message has no op (Base.inner is empty)".into(),
        )),
        None => Err(not_available(format!("unknown op type {}", head.tag))),
    }
}

/// A handler's outcome: the result now, or a future of it.
enum Outcome<T> {
    Now(OpResult<T>),
    Later(OpFuture<T>),
}

/// Runs a handler; its failure or panic becomes the error result.
fn run<T>(handler: impl FnOnce() -> OpResult<Op<T>>) -> Outcome<T> {
    match catch_unwind(AssertUnwindSafe(handler)) {
        Ok(Ok(Op::Sync(value))) => Outcome::Now(Ok(value)),
        Ok(Ok(Op::Async(future))) => Outcome::Later(future),
        Ok(Err(e)) => Outcome::Now(Err(e)),
        Err(panic) => Outcome::Now(Err(panicked(panic))),
    }
}

impl Dispatch for Dispatcher {
    fn dispatch(
        &self,
        control: &[u8],
        zero_copy: Option<ZeroCopyBuf>,
        sync_reply: &mut dyn FnMut(ReplyData),
    ) -> Result<Option<AsyncReply>, String> {
        let m = self.cx.machinery();
        if !m.time_ops {
            return self
                .route(control, zero_copy, sync_reply)
                .map_err(|e| e.msg);
        }
        let start = Instant::now();
        let result = self.route(control, zero_copy, sync_reply);
        let m = &m.metrics;
        m.op_time.set(m.op_time.get() + start.elapsed());
        result.map_err(|e| e.msg)
    }

    fn turn(&self) {
        self.eager_left.set(EAGER_PER_TURN);
    }

    fn unrefed(&self) -> usize {
        self.cx.unrefed.get()
    }
}

impl Dispatcher {
    /// Decodes `control` in its encoding, runs its handler and replies: all of
    /// `dispatch` but timing.
    pub(crate) fn route(
        &self,
        control: &[u8],
        zero_copy: Option<ZeroCopyBuf>,
        sync_reply: &mut dyn FnMut(ReplyData),
    ) -> Result<Option<AsyncReply>, DenoError> {
        let cx = &self.cx;
        if let Some(record) = minimal::Record::parse(control) {
            let op = record.op()?;
            let call = self.begin(op, record.promise_id(), record.sync(), control, &zero_copy)?;
            let outcome = run(|| minimal::run(cx, op, record.rid(), zero_copy, call.sync));
            return Ok(self.finish(call, outcome, sync_reply));
        }
        if json::is_json(control) {
            let op = json::op(control)?;
            let call = self.begin(op, 0, true, control, &zero_copy)?;
            return Ok(self.finish(call, run(|| json::run(op)), sync_reply));
        }
        let (base, op, head) = decode(control)?;
        let call = self.begin(op, head.cmd_id, head.sync, control, &zero_copy)?;
        let outcome = match (op.mode(), call.sync) {
            (Mode::Sync, false) => Outcome::Now(Err(not_available(format!(
                "{} is a sync op: send it with Base.sync = true",
                op.name()
            )))),
            (Mode::Async, true) => Outcome::Now(Err(not_available(format!(
                "{} is an async op: send it with Base.sync = false",
                op.name()
            )))),
            _ => run(|| super::handler(op)(cx, &base, zero_copy)),
        };
        Ok(self.finish::<Res>(call, outcome, sync_reply))
    }

    /// Refuses an async cmd_id already in flight, counts the request, and starts the
    /// record of its call.
    fn begin(
        &self,
        op: OpCode,
        cmd_id: u32,
        sync: bool,
        control: &[u8],
        zero_copy: &Option<ZeroCopyBuf>,
    ) -> Result<Call, DenoError> {
        let m = self.cx.machinery();
        if !sync && m.in_flight.borrow().contains(&cmd_id) {
            return Err(DenoError::new(
                ErrorKind::InvalidInput,
                format!("cmd_id {cmd_id} is already in flight"),
            ));
        }
        let call = Call {
            op,
            cmd_id,
            sync,
            control: control.len(),
            zero_copy: zero_copy.as_ref().map_or(0, |d| d.len()),
            start: m.tracer.as_ref().map(|_| Instant::now()),
        };
        m.metrics.count_dispatched(op, call.control, call.zero_copy);
        Ok(call)
    }

    /// Replies to a sync call at once (through `sync_reply`), or returns the future
    /// of an async call's reply.
    fn finish<T: Reply>(
        &self,
        call: Call,
        outcome: Outcome<T>,
        sync_reply: &mut dyn FnMut(ReplyData),
    ) -> Option<AsyncReply> {
        let m = self.cx.machinery();
        let outcome = match outcome {
            Outcome::Later(future) if T::EAGER && !call.sync => self.poll_once(future),
            outcome => outcome,
        };
        let result = match outcome {
            Outcome::Now(Ok(value)) if call.sync && value.is_nothing() => {
                call.done(m, 0, None);
                return None;
            }
            Outcome::Now(result) if call.sync || T::EAGER => result,
            Outcome::Later(_) if call.sync => Err(DenoError::new(
                ErrorKind::Other,
                format!("{} answered a sync request asynchronously", call.op.name()),
            )),
            outcome => {
                m.in_flight.borrow_mut().insert(call.cmd_id);
                let pending = match outcome {
                    Outcome::Now(result) => {
                        let error = error_kind(&result);
                        Pending::Ready(
                            T::encode(m, &call, result, |d| ReplyBytes::from_slice(d.bytes())),
                            error,
                        )
                    }
                    Outcome::Later(future) => Pending::Running(future),
                };
                return Some(Box::pin(PendingOp {
                    machinery: m.clone(),
                    call,
                    pending,
                }));
            }
        };
        let error = error_kind(&result);
        let len = T::encode(m, &call, result, |data| {
            let len = data.bytes().len();
            sync_reply(data);
            len
        });
        call.done(m, len, error);
        None
    }
}

impl Dispatcher {
    /// Polls an eager op's future once, at dispatch: its result, if it is done.
    fn poll_once<T>(&self, mut future: OpFuture<T>) -> Outcome<T> {
        let left = self.eager_left.get();
        if left == 0 {
            return Outcome::Later(future);
        }
        // The event loop polls it again, with its own waker, if it is not done.
        let mut cx = Context::from_waker(Waker::noop());
        match poll_caught(&mut future, &mut cx) {
            Poll::Ready(result) => {
                self.eager_left.set(left - 1);
                Outcome::Now(result)
            }
            Poll::Pending => Outcome::Later(future),
        }
    }
}

/// Polls an op's future; a panic in it becomes its error result.
fn poll_caught<T>(future: &mut OpFuture<T>, cx: &mut Context<'_>) -> Poll<OpResult<T>> {
    catch_unwind(AssertUnwindSafe(|| future.as_mut().poll(cx)))
        .unwrap_or_else(|panic| Poll::Ready(Err(panicked(panic))))
}

fn error_kind<T>(result: &OpResult<T>) -> Option<ErrorKind> {
    result.as_ref().err().map(|e| e.kind)
}

fn panicked(panic: Box<dyn std::any::Any + Send>) -> DenoError {
    let what = panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    DenoError::new(ErrorKind::Other, format!("op panicked: {what}"))
}

enum Pending<T> {
    /// Answered at dispatch: the reply and its error kind, if any.
    Ready(ReplyBytes, Option<ErrorKind>),
    Running(OpFuture<T>),
}

/// An async op in flight: completes with its reply's bytes (errors and panics turned
/// into error replies) and frees its cmd_id.
struct PendingOp<T> {
    machinery: Rc<Machinery>,
    call: Call,
    pending: Pending<T>,
}

impl<T: Reply> Future for PendingOp<T> {
    type Output = ReplyBytes;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<ReplyBytes> {
        let this = &mut *self;
        let (bytes, error) = match &mut this.pending {
            Pending::Ready(bytes, error) => (std::mem::take(bytes), *error),
            Pending::Running(future) => {
                let Poll::Ready(result) = poll_caught(future, cx) else {
                    return Poll::Pending;
                };
                let error = error_kind(&result);
                (
                    T::encode(&this.machinery, &this.call, result, |d| {
                        ReplyBytes::from_slice(d.bytes())
                    }),
                    error,
                )
            }
        };
        this.machinery
            .in_flight
            .borrow_mut()
            .remove(&this.call.cmd_id);
        this.call.done(&this.machinery, bytes.len(), error);
        Poll::Ready(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::call::{encode, GIVE_AWAY_BYTES};
    use crate::ops::machinery::{new_builder, BUILDER_START_BYTES};
    use crate::ops::testing::*;

    #[test]
    fn garbage_is_rejected_as_invalid_data() {
        let d = dispatcher();
        for garbage in [
            &[][..],
            &[1, 2, 3],
            &[0xff; 64],
            &[8, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f],
        ] {
            let e = rejected(&d, garbage);
            assert_eq!(e.kind, ErrorKind::InvalidData, "{garbage:?}");
            assert!(
                e.msg.starts_with("malformed message"),
                "{garbage:?}: {}",
                e.msg
            );
        }
        assert_eq!(
            d.cx().machinery().metrics.ops_dispatched.get(),
            0,
            "a rejected message is not an op"
        );
    }

    #[test]
    fn truncated_message_is_rejected() {
        let d = dispatcher();
        let req = my_pid_request();
        for len in 0..req.len() {
            let e = rejected(&d, &req[..len]);
            assert_eq!(e.kind, ErrorKind::InvalidData, "truncated to {len}");
        }
    }

    #[test]
    fn no_inner_and_unknown_tags_are_not_ops() {
        let d = dispatcher();
        let e = rejected(&d, &request_without_table(msg::Any::NONE));
        assert_eq!(e.kind, ErrorKind::OpNotAvailable);
        assert!(e.msg.contains("no op"), "{}", e.msg);

        // A request tag past the union's last member.
        let req = request(true, msg::Any(200), |b| {
            msg::MyPid::create(b, &msg::MyPidArgs {})
        });
        let e = rejected(&d, &req);
        assert_eq!(e.kind, ErrorKind::OpNotAvailable);
        assert!(e.msg.contains("unknown op type 200"), "{}", e.msg);
    }

    #[test]
    fn every_request_in_the_schema_is_routed() {
        // from_any is generated from union Any; handler() is the hand-written table,
        // which the compiler holds exhaustive. Together: no request without an arm.
        let mut tags = std::collections::HashSet::new();
        for tag in msg::Any::ENUM_VALUES
            .iter()
            .filter(|t| **t != msg::Any::NONE)
        {
            let op = OpCode::from_any(*tag).unwrap_or_else(|| panic!("{tag:?} has no OpCode"));
            assert_eq!(Some(op.name()), tag.variant_name());
            let _ = crate::ops::handler(op);
            tags.insert(op);
        }
        assert_eq!(tags.len(), OpCode::ALL.len());
    }

    #[test]
    fn the_wrong_mode_is_refused_with_an_error_reply() {
        let d = dispatcher();
        // GlobalTimer is async-only: a sync request gets a sync error reply.
        let req = request(true, msg::Any::GlobalTimer, |b| {
            msg::GlobalTimer::create(
                b,
                &msg::GlobalTimerArgs {
                    timeout_ms: 1.0,
                    unref: false,
                },
            )
        });
        let reply = run_sync(&d, &req).expect("an error reply");
        let base = reply_base(&reply);
        assert_eq!(
            (base.cmd_id(), base.error_kind()),
            (7, ErrorKind::OpNotAvailable)
        );
        assert!(base.error().unwrap().contains("GlobalTimer is an async op"));
        // Metrics is sync-only: an async request gets its error through the event loop.
        let req = request(false, msg::Any::Metrics, |b| {
            msg::Metrics::create(b, &msg::MetricsArgs {})
        });
        let reply = run_async(&d, &req);
        let base = reply_base(&reply);
        assert_eq!(
            (base.cmd_id(), base.error_kind()),
            (7, ErrorKind::OpNotAvailable)
        );
        assert!(base.error().unwrap().contains("Metrics is a sync op"));
    }

    #[test]
    fn an_async_op_with_no_result_still_replies() {
        let d = dispatcher();
        let req = request(false, msg::Any::Noop, |b| {
            msg::Noop::create(b, &msg::NoopArgs {})
        });
        let reply = run_async(&d, &req);
        let base = reply_base(&reply);
        assert_eq!((base.cmd_id(), base.error_kind()), (7, ErrorKind::NoError));
    }

    #[test]
    fn a_cmd_id_in_flight_is_refused_until_its_reply() {
        let d = dispatcher();
        let req = request(false, msg::Any::Noop, |b| {
            msg::Noop::create(b, &msg::NoopArgs {})
        });
        let first = d.dispatch(&req, None, &mut |_| {}).unwrap().expect("async");
        let e = rejected(&d, &req);
        assert!(e.msg.contains("cmd_id 7 is already in flight"), "{}", e.msg);
        assert_eq!(poll_once(first).map(|b| reply_base(&b).cmd_id()), Some(7));
        assert!(d.dispatch(&req, None, &mut |_| {}).unwrap().is_some());
    }

    #[test]
    fn every_op_with_every_field_left_default_answers_without_panicking() {
        // An empty table is valid for every table type: each field is its default
        // (empty strings, zero rids, no buffer). With no permissions nothing outside
        // is touched; the answer may be an error, never a panic.
        let d = dispatcher();
        let runtime = runtime();
        let _entered = runtime.enter();
        for op in OpCode::ALL.into_iter().filter(|op| *op != OpCode::Exit) {
            let tag = msg::Any::ENUM_VALUES[op as usize + 1];
            assert_eq!(tag.variant_name(), Some(op.name()));
            for sync in [true, false] {
                let req = request(sync, tag, |b| {
                    let start = b.start_table();
                    b.end_table(start)
                });
                let reply = match d.dispatch(&req, None, &mut |bytes| {
                    let base = reply_base(bytes.bytes());
                    assert_ne!(
                        base.error().map(|e| e.starts_with("op panicked")),
                        Some(true)
                    );
                }) {
                    Ok(Some(pending)) => Some(runtime.block_on(pending)),
                    Ok(None) => None,
                    Err(e) => panic!("{} ({sync}): refused at the door: {e:?}", op.name()),
                };
                if let Some(reply) = reply {
                    let error = reply_base(&reply).error().unwrap_or_default().to_string();
                    assert!(!error.starts_with("op panicked"), "{}: {error}", op.name());
                }
            }
        }
    }

    #[test]
    fn a_panicking_async_op_becomes_an_error_reply() {
        let d = dispatcher();
        let future: OpFuture = Box::pin(async { panic!("boom") });
        let call = Call {
            op: OpCode::Noop,
            cmd_id: 9,
            sync: false,
            control: 0,
            zero_copy: 0,
            start: None,
        };
        let op = Box::pin(PendingOp {
            machinery: d.cx().machinery().clone(),
            call,
            pending: Pending::Running(future),
        });
        let buf = poll_once(op).expect("a panicking future is done");
        let base = reply_base(&buf);
        assert_eq!((base.cmd_id(), base.error_kind()), (9, ErrorKind::Other));
        assert_eq!(base.error(), Some("op panicked: boom"));
    }

    #[test]
    fn a_big_reply_is_given_away_with_its_buffer_and_a_small_one_is_lent() {
        let d = dispatcher();
        let cx = d.cx();
        let echo = |n: usize| {
            let res = crate::ops::reply::reply(cx, |b| {
                let data = Some(b.create_vector(&vec![1u8; n]));
                msg::EchoRes::create(b, &msg::EchoResArgs { data })
            });
            encode(cx.machinery(), 1, Ok(res), |data| match data {
                ReplyData::Slice(bytes) => (false, bytes.len()),
                ReplyData::Owned(vec, start) => (true, vec.len() - start),
            })
        };
        let (given, len) = echo(4 * GIVE_AWAY_BYTES);
        assert!(given && len > 4 * GIVE_AWAY_BYTES);
        // The builder starts again small, not holding the big reply's memory.
        let kept = std::mem::replace(&mut *cx.machinery().builder.borrow_mut(), new_builder());
        assert!(kept.collapse().0.len() <= BUILDER_START_BYTES);
        let (given, len) = echo(100);
        assert!(!given && len > 100 && len < GIVE_AWAY_BYTES);
    }

    #[test]
    fn metrics_count_both_directions() {
        let d = dispatcher();
        let req = request(true, msg::Any::Echo, |b| {
            msg::Echo::create(b, &msg::EchoArgs {})
        });
        let data = zero_copy(&[0u8; 10]);
        let mut reply_len = 0;
        d.dispatch(&req, Some(data), &mut |bytes| {
            reply_len = bytes.bytes().len()
        })
        .unwrap();
        let m = &d.cx().machinery().metrics;
        assert_eq!((m.ops_dispatched.get(), m.ops_completed.get()), (1, 1));
        assert_eq!(m.bytes_sent_control.get(), req.len() as u64);
        assert_eq!(m.bytes_sent_data.get(), 10);
        assert_eq!(m.bytes_received.get(), reply_len as u64);
    }

    #[test]
    fn an_embedder_traces_its_isolate_under_its_own_name() {
        use crate::trace::TraceMode;
        let machinery = Machinery::default().with_tracing(TraceMode::Summary, "webhook-7");
        let d = Dispatcher::with(State::new(vec![], None), machinery);
        let pid = my_pid_request();
        let len = run_sync(&d, &pid).unwrap().len();
        run_sync(&d, &pid);
        run_sync(&d, &pid);
        let m = d.cx().machinery();
        let table = m.tracer.as_ref().unwrap().summary(&m.metrics);
        assert!(
            table.starts_with("[webhook-7] ops, by total time\n"),
            "{table}"
        );
        let row: Vec<&str> = table.lines().nth(2).unwrap().split_whitespace().collect();
        assert_eq!((row[0], row[1], row[2]), ("MyPid", "3", "0"), "{table}");
        assert_eq!(row[7], (3 * len).to_string(), "{table}");
    }

    #[test]
    fn decode_survives_random_and_mutated_buffers_and_the_fast_verifier_is_never_laxer() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let seeds: Vec<Vec<u8>> = vec![
            request(true, msg::Any::Resolve, |b| {
                let hostname = Some(b.create_string("localhost"));
                msg::Resolve::create(b, &msg::ResolveArgs { hostname })
            }),
            request(true, msg::Any::Open, |b| {
                let path = Some(b.create_string("/tmp/x"));
                let args = msg::OpenArgs {
                    path,
                    read: true,
                    ..Default::default()
                };
                msg::Open::create(b, &args)
            }),
            request(false, msg::Any::GlobalTimer, |b| {
                msg::GlobalTimer::create(
                    b,
                    &msg::GlobalTimerArgs {
                        timeout_ms: 5.0,
                        unref: false,
                    },
                )
            }),
            request(true, msg::Any::Run, |b| {
                let args = [b.create_string("ls"), b.create_string("-l")];
                let args = Some(b.create_vector(&args));
                let cwd = Some(b.create_string("/"));
                let run = msg::RunArgs {
                    args,
                    cwd,
                    stdout_rid: 7,
                    ..Default::default()
                };
                msg::Run::create(b, &run)
            }),
            reply_bytes(|b| {
                let argv = [b.create_string("a"), b.create_string("b")];
                let argv = Some(b.create_vector(&argv));
                let args = msg::StartResArgs {
                    argv,
                    ..Default::default()
                };
                let res = msg::StartRes::create(b, &args);
                (msg::AnyRes::StartRes, res.as_union_value())
            }),
        ];
        // And every request as the generated encoders write it (fields 0: a string's
        // offset 0 is broken, which the verifiers must see).
        let seeds: Vec<Vec<u8>> = seeds
            .into_iter()
            .chain(msg::REQUEST_TEMPLATES.iter().map(|t| t.to_vec()))
            .collect();
        let scalar_only = msg::REQUEST_FIELDS
            .iter()
            .zip(msg::REQUEST_TEMPLATES)
            .filter(|(fields, _)| fields.iter().all(|f| matches!(f, verify::Field::Scalar(_))));
        for (_, template) in scalar_only {
            assert!(verify::request(template).is_some());
            assert!(flatbuffers::root::<msg::Base>(template).is_ok());
        }
        let (mut decoded, mut fast_accepted) = (0, 0);
        for i in 0..120_000 {
            let buf = if i % 2 == 0 {
                let len = rng.below(96);
                (0..len).map(|_| rng.next() as u8).collect()
            } else {
                let seed = rng.below(seeds.len());
                rng.mutate(&seeds[seed])
            };
            let head = verify::request(&buf);
            let fast = head.is_some();
            let full = flatbuffers::root::<msg::Base>(&buf);
            assert!(
                !fast || full.is_ok(),
                "the fast verifier let through what flatbuffers refuses ({full:?}): {buf:?}"
            );
            if let (Some(head), Ok(base)) = (&head, &full) {
                let read = (base.cmd_id(), base.sync(), base.inner_type().0);
                assert_eq!((head.cmd_id, head.sync, head.tag), read, "{buf:?}");
            }
            fast_accepted += fast as usize;
            if let Ok(base) = full {
                msg::read_every_field(&base);
                decoded += 1;
            }
        }
        // Some mutations must still decode, or the test only exercised the verifier's
        // first check; and the fast verifier must take many of them (it leaves to the
        // full one what it is stricter about: unknown tags, offsets outside a table...).
        assert!(decoded > 1000, "only {decoded} buffers decoded");
        assert!(
            fast_accepted > 1000,
            "the fast verifier took {fast_accepted} of {decoded}"
        );
        assert!(seeds[..4]
            .iter()
            .all(|seed| verify::request(seed).is_some()));
    }
}
