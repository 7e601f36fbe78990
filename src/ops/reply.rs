//! What a handler works with: its signature, its context (`Ctx`: the ops' state and
//! the dispatcher's machinery), the `Op` it returns, the reply builder (`reply`), the
//! zero-copy buffer, and `blocking`, which runs a syscall inline or on Tokio's blocking
//! pool as the request asks. The dispatch machinery wraps the result in a `Base` with
//! the request's cmd_id.
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::rc::Rc;

use flatbuffers::{FlatBufferBuilder, UnionWIPOffset, WIPOffset};

use super::machinery::{Machinery, WholeReply};
use crate::errors::{DenoError, OpResult};
use crate::msg::{self, ErrorKind, ReplyTable};
use crate::state::State;

pub use minideno_core::ZeroCopyBuf;

/// A handler's result: its reply table, or None for an op with no result (an async
/// request still gets a reply `Base`).
pub type Res = Option<(msg::AnyRes, ResTable)>;

/// What a handler is called with: the ops' state (which it derefs to) and the
/// dispatcher's machinery its reply is written into. An async op's future keeps a
/// clone.
#[derive(Clone)]
pub struct Ctx {
    state: Rc<State>,
    machinery: Rc<Machinery>,
}

impl Ctx {
    pub fn new(state: State, machinery: Machinery) -> Self {
        Ctx {
            state: Rc::new(state),
            machinery: Rc::new(machinery),
        }
    }

    pub fn state(&self) -> &Rc<State> {
        &self.state
    }

    pub fn machinery(&self) -> &Rc<Machinery> {
        &self.machinery
    }
}

impl Deref for Ctx {
    type Target = State;

    fn deref(&self) -> &State {
        &self.state
    }
}

/// A reply table: written into the dispatcher's builder (`reply`), or, for a table of
/// scalars only, its whole reply message into the dispatcher's `whole` (`scalars`): this
/// many bytes.
pub enum ResTable {
    Built(WIPOffset<UnionWIPOffset>),
    Whole(usize),
}

/// A reply table of scalars only (`msg::XResArgs`, generated for each such table):
/// its whole reply message, precomputed from the schema, with the fields filled in.
pub trait Scalars {
    const TAG: msg::AnyRes;
    /// The size-prefixed reply `Base` carrying the table, cmd_id and fields 0.
    const TEMPLATE: &'static [u8];
    /// Writes the fields into a copy of the template.
    fn fill(&self, reply: &mut [u8]);
}

/// The reply of a table of scalars: its whole message written from its template into
/// the dispatcher's `whole`, not through the builder (~1,000 instructions less per
/// reply).
pub fn scalars<T: Scalars>(cx: &Ctx, args: &T) -> Res {
    let len = write_whole(args, &mut cx.machinery.whole.borrow_mut());
    Some((T::TAG, ResTable::Whole(len)))
}

/// Writes `args`' whole reply message, cmd_id 0, into `out`; its length.
pub fn write_whole<T: Scalars>(args: &T, out: &mut WholeReply) -> usize {
    let reply = &mut out[..T::TEMPLATE.len()];
    reply.copy_from_slice(T::TEMPLATE);
    args.fill(reply);
    reply.len()
}

pub type OpFuture<T = Res> = Pin<Box<dyn Future<Output = OpResult<T>>>>;

/// What a handler returns: its reply table (`Res`), or, from the io functions that
/// both encodings share (`files::read`, `files::write`), a byte count.
pub enum Op<T = Res> {
    /// The result, available at once.
    Sync(T),
    /// The result comes later, from the event loop.
    Async(OpFuture<T>),
}

impl<T: 'static> Op<T> {
    /// The op whose reply is `res(result)`, written on the isolate's thread.
    pub fn reply(self, cx: &Ctx, res: impl FnOnce(&Ctx, T) -> Res + 'static) -> Op {
        match self {
            Op::Sync(value) => Op::Sync(res(cx, value)),
            Op::Async(future) => {
                let cx = cx.clone();
                Op::Async(Box::pin(async move { Ok(res(&cx, future.await?)) }))
            }
        }
    }
}

/// Every handler has this signature: its context, the verified request, and the
/// zero-copy buffer passed beside it, if any (it may be kept by an async op).
pub type Handler = fn(&Ctx, &msg::Base, Option<ZeroCopyBuf>) -> OpResult<Op>;

/// Writes the reply table `build` makes into the dispatcher's builder. The tag in
/// `AnyRes` comes from the table's type.
pub fn reply<T: ReplyTable>(
    cx: &Ctx,
    build: impl FnOnce(&mut FlatBufferBuilder<'static>) -> WIPOffset<T>,
) -> Res {
    let offset = build(&mut cx.machinery.builder.borrow_mut());
    Some((T::TAG, ResTable::Built(offset.as_union_value())))
}

/// Runs `work` (a blocking syscall) inline for a sync request, or on Tokio's blocking
/// pool for an async one; `res` then writes its value as the reply, on the isolate's
/// thread. Use `|_, ()| None` for an op with no result.
pub fn blocking<T, W, R>(cx: &Ctx, base: &msg::Base, work: W, res: R) -> OpResult<Op>
where
    T: Send + 'static,
    W: FnOnce() -> OpResult<T> + Send + 'static,
    R: FnOnce(&Ctx, T) -> Res + 'static,
{
    Ok(on_pool(base.sync(), work)?.reply(cx, res))
}

/// `work`'s result: computed inline if `sync`, else on Tokio's blocking pool.
pub fn on_pool<T, W>(sync: bool, work: W) -> OpResult<Op<T>>
where
    T: Send + 'static,
    W: FnOnce() -> OpResult<T> + Send + 'static,
{
    if sync {
        return Ok(Op::Sync(work()?));
    }
    Ok(Op::Async(Box::pin(async move {
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| DenoError::new(ErrorKind::Other, format!("blocking task failed: {e}")))?
    })))
}

/// The request table of type `T` that `base` carries (the op table routed it by that
/// type, but a message may still lack it).
pub fn request_table<'a, T: msg::Request<'a>>(base: &msg::Base<'a>) -> OpResult<T> {
    T::from_base(base).ok_or_else(|| {
        DenoError::new(
            ErrorKind::InvalidData,
            format!("{} without its table", T::NAME),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::call::encode;
    use crate::ops::testing::*;

    #[test]
    fn every_reply_of_scalars_verifies_and_reads_back_from_its_template() {
        let mut rng = Rng(0x5eed_f5ca_1a45);
        for _ in 0..200 {
            msg::check_scalar_replies(&mut || rng.next());
        }
        // The cmd_id goes in as the reply is sent.
        let d = dispatcher();
        let res = scalars(d.cx(), &msg::MyPidResArgs { pid: 4242 });
        let bytes = encode(d.cx().machinery(), 77, Ok(res), |data| {
            data.bytes().to_vec()
        });
        let base = reply_base(&bytes);
        assert_eq!(base.cmd_id(), 77);
        assert_eq!(base.res_as_my_pid_res().unwrap().pid(), 4242);
    }

    #[test]
    fn blocking_runs_inline_or_on_the_pool_and_may_keep_the_zero_copy_buffer() {
        let d = dispatcher();
        let cx = d.cx();
        let runtime = runtime();
        let caller = std::thread::current().id();
        for sync in [true, false] {
            let req = request(sync, msg::Any::Echo, |b| {
                msg::Echo::create(b, &msg::EchoArgs {})
            });
            let base = flatbuffers::root::<msg::Base>(&req).unwrap();
            let mut data = zero_copy(b"abc");
            let _entered = runtime.enter();
            let op = blocking(
                cx,
                &base,
                move || {
                    // The buffer outlives the call and crosses to the pool's thread.
                    data[0] = b'x';
                    Ok((data.to_vec(), std::thread::current().id()))
                },
                move |cx, (bytes, worker)| {
                    reply(cx, |b| {
                        let data = Some(b.create_vector(&bytes));
                        assert_eq!(worker == std::thread::current().id(), sync);
                        msg::EchoRes::create(b, &msg::EchoResArgs { data })
                    })
                },
            );
            let res = match op.unwrap() {
                Op::Sync(res) => res,
                Op::Async(future) => runtime.block_on(future).unwrap(),
            };
            assert_eq!(std::thread::current().id(), caller);
            let bytes = encode(cx.machinery(), 7, Ok(res), |d| d.bytes().to_vec());
            let echoed = reply_base(&bytes)
                .res_as_echo_res()
                .unwrap()
                .data()
                .unwrap();
            assert_eq!(echoed.bytes(), b"xbc");
        }
    }
}
