//! Helpers for the ops' unit tests: build requests, run them through a real
//! `Dispatcher`, read the replies, and make random buffers for the fuzz walk.
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use flatbuffers::{FlatBufferBuilder, UnionWIPOffset, WIPOffset};

pub use super::dispatch::Dispatcher;
use super::reply::ZeroCopyBuf;
use crate::errors::DenoError;
use crate::msg;
use crate::state::State;
pub use minideno_core::{AsyncReply, Dispatch};

/// A dispatcher with no permissions, as a run without flags has.
pub fn dispatcher() -> Dispatcher {
    Dispatcher::new(State::new(vec![], None))
}

/// A dispatcher with every permission (`--allow-all`).
pub fn privileged_dispatcher() -> Dispatcher {
    Dispatcher::new(State::new(vec![], None).with_permissions(crate::permissions::Grants::all()))
}

/// A request `Base { cmd_id: 7, sync, inner: tag/build }`.
pub fn request<T>(
    sync: bool,
    tag: msg::Any,
    build: impl FnOnce(&mut FlatBufferBuilder<'static>) -> WIPOffset<T>,
) -> Vec<u8> {
    let mut b = FlatBufferBuilder::new();
    let inner = build(&mut b).as_union_value();
    let args = msg::BaseArgs {
        cmd_id: 7,
        sync,
        inner_type: tag,
        inner: Some(inner),
        ..Default::default()
    };
    let base = msg::Base::create(&mut b, &args);
    b.finish(base, None);
    b.finished_data().to_vec()
}

/// A sync `MyPid` request, cmd_id 7: the simplest op with a result.
pub fn my_pid_request() -> Vec<u8> {
    request(true, msg::Any::MyPid, |b| {
        msg::MyPid::create(b, &msg::MyPidArgs {})
    })
}

/// A request `Base { cmd_id: 7, sync: true }` with the union tag `tag` and no table.
pub fn request_without_table(tag: msg::Any) -> Vec<u8> {
    let mut b = FlatBufferBuilder::new();
    let args = msg::BaseArgs {
        cmd_id: 7,
        sync: true,
        inner_type: tag,
        ..Default::default()
    };
    let base = msg::Base::create(&mut b, &args);
    b.finish(base, None);
    b.finished_data().to_vec()
}

/// The event loop's kind of Tokio runtime: current thread, with timers.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
}

/// A reply `Base { cmd_id: 7, res }` (not size-prefixed).
pub fn reply_bytes(
    build: impl FnOnce(&mut FlatBufferBuilder<'static>) -> (msg::AnyRes, WIPOffset<UnionWIPOffset>),
) -> Vec<u8> {
    let mut b = FlatBufferBuilder::new();
    let (res_type, res) = build(&mut b);
    let args = msg::BaseArgs {
        cmd_id: 7,
        res_type,
        res: Some(res),
        ..Default::default()
    };
    let base = msg::Base::create(&mut b, &args);
    b.finish(base, None);
    b.finished_data().to_vec()
}

pub fn reply_base(buf: &[u8]) -> msg::Base<'_> {
    flatbuffers::size_prefixed_root::<msg::Base>(buf).expect("a valid reply")
}

/// Runs a sync request; returns its reply, or None when the op replied nothing.
pub fn run_sync(d: &Dispatcher, req: &[u8]) -> Option<Vec<u8>> {
    run_sync_with(d, req, None)
}

pub fn run_sync_with(d: &Dispatcher, req: &[u8], data: Option<ZeroCopyBuf>) -> Option<Vec<u8>> {
    let mut reply = None;
    let pending = d
        .dispatch(req, data, &mut |data| reply = Some(data.bytes().to_vec()))
        .unwrap_or_else(|e| panic!("expected a reply, got {e:?}"));
    assert!(pending.is_none(), "a sync request went async");
    reply
}

/// Runs an async request to its reply on a Tokio runtime, as the event loop would.
pub fn run_async(d: &Dispatcher, req: &[u8]) -> Vec<u8> {
    run_async_with(d, req, None)
}

pub fn run_async_with(d: &Dispatcher, req: &[u8], data: Option<ZeroCopyBuf>) -> Vec<u8> {
    let runtime = runtime();
    let _entered = runtime.enter();
    let pending = d
        .dispatch(req, data, &mut |_| {
            panic!("an async request replied at once")
        })
        .unwrap_or_else(|e| panic!("expected a reply, got {e:?}"))
        .expect("an async reply");
    runtime.block_on(pending).into_vec()
}

/// The door's refusal of a message that is not a request.
pub fn rejected(d: &Dispatcher, req: &[u8]) -> DenoError {
    match d.route(req, None, &mut |_| {}) {
        Err(e) => e,
        Ok(_) => panic!("expected the message to be refused"),
    }
}

/// Polls an async reply once, with a waker that does nothing.
pub fn poll_once(mut reply: AsyncReply) -> Option<Vec<u8>> {
    let waker = futures_util::task::noop_waker();
    match Pin::new(&mut reply)
        .as_mut()
        .poll(&mut Context::from_waker(&waker))
    {
        Poll::Ready(bytes) => Some(bytes.into_vec()),
        Poll::Pending => None,
    }
}

/// A zero-copy buffer holding a copy of `bytes`, as the door would pass one.
pub fn zero_copy(bytes: &[u8]) -> ZeroCopyBuf {
    crate::init_v8("");
    ZeroCopyBuf::from_vec(bytes.to_vec())
}

/// A small deterministic generator (xorshift64*): the fuzz test needs volume, not crypto.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// `seed` with one to four random byte changes, truncations or insertions.
    pub fn mutate(&mut self, seed: &[u8]) -> Vec<u8> {
        let mut buf = seed.to_vec();
        for _ in 0..1 + self.below(4) {
            match self.below(3) {
                0 if !buf.is_empty() => {
                    let at = self.below(buf.len());
                    buf[at] = self.next() as u8;
                }
                1 => buf.truncate(self.below(buf.len() + 1)),
                _ => {
                    let at = self.below(buf.len() + 1);
                    buf.insert(at, self.next() as u8);
                }
            }
        }
        buf
    }
}
