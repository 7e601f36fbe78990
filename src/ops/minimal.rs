//! The minimal encoding, early Deno v0.10's `dispatch_minimal`: the hot io ops (Read,
//! Write) as four little-endian int32s instead of a FlatBuffers `Base`, through the
//! same `Deno.core.dispatch` door. The bench ops Noop and MyPid have it too, to measure
//! it beside FlatBuffers and JSON (benches/dispatch.rs).
//!
//! Request: `[0xCAFE, promise_id, op, rid]` (16 bytes), the data in the zero-copy
//! buffer; `op` is the op's `msg::Any` tag, promise_id 0 asks for a sync call.
//! Reply (size-prefixed, as every reply is): `[16, 0xCAFE, promise_id, op, result]`,
//! the byte count; a failure replies with a FlatBuffers error `Base` instead, so its
//! kind and message survive. An async request whose op is done at dispatch (a write
//! the socket has room for, a read of data already there) is answered then, as a sync
//! one is, and its promise settles without a turn of the event loop (at most
//! `EAGER_PER_TURN` per turn, see dispatch.rs).
//!
//! The rule that tells the encodings apart from the control buffer alone: a control
//! buffer of exactly 16 bytes whose first int32 is 0xCAFE is a minimal record. It can
//! never be a FlatBuffers message: a FlatBuffer's first four bytes are the offset of
//! its root table, which must lie inside the buffer, and 0xCAFE is past the end of 16.

use super::call::{encode, not_available, Call, Reply};
use super::machinery::Machinery;
use super::reply::{Ctx, Op, ZeroCopyBuf};
use crate::errors::{DenoError, OpResult};
use crate::msg::{self, OpCode};
use crate::resources::Rid;
use minideno_core::ReplyData;

/// The first int32 of every minimal record.
pub const TOKEN: i32 = 0xCAFE;
const RECORD_BYTES: usize = 16;

/// A verified minimal request.
pub struct Record([i32; 4]);

impl Record {
    /// The record `control` holds, or None if it is not one (then it is FlatBuffers).
    pub fn parse(control: &[u8]) -> Option<Record> {
        let words: &[u8; RECORD_BYTES] = control.try_into().ok()?;
        let word = |i: usize| i32::from_le_bytes(words[i * 4..i * 4 + 4].try_into().unwrap());
        (word(0) == TOKEN).then(|| Record([TOKEN, word(1), word(2), word(3)]))
    }

    pub fn promise_id(&self) -> u32 {
        self.0[1] as u32
    }

    pub fn sync(&self) -> bool {
        self.0[1] == 0
    }

    /// The op it names; only Read and Write have this encoding (and the bench ops Noop
    /// and MyPid, to measure it).
    pub fn op(&self) -> Result<OpCode, DenoError> {
        match u8::try_from(self.0[2]).ok().map(msg::Any).and_then(OpCode::from_any) {
            Some(op @ (OpCode::Read | OpCode::Write | OpCode::Noop | OpCode::MyPid)) => Ok(op),
            _ => Err(not_available(format!(
                "minimal record names op {}: only Read ({}) and Write ({}) have the minimal encoding \
                 (and the bench ops Noop and MyPid)",
                self.0[2],
                msg::Any::Read.0,
                msg::Any::Write.0
            ))),
        }
    }

    pub fn rid(&self) -> Rid {
        self.0[3] as Rid
    }
}

/// Runs a minimal request: the byte count, as `Read` and `Write` compute it (Noop: 0,
/// MyPid: the process id).
pub fn run(
    state: &Ctx,
    op: OpCode,
    rid: Rid,
    data: Option<ZeroCopyBuf>,
    sync: bool,
) -> OpResult<Op<usize>> {
    match op {
        OpCode::Write => super::files::write(state, rid, data, sync),
        OpCode::Read => super::files::read(state, rid, data, sync),
        OpCode::MyPid => Ok(Op::Sync(std::process::id() as usize)),
        _ => Ok(Op::Sync(0)),
    }
}

impl Reply for usize {
    const EAGER: bool = true;

    fn encode<R>(
        m: &Machinery,
        call: &Call,
        result: OpResult<usize>,
        out: impl FnOnce(ReplyData) -> R,
    ) -> R {
        let count = match result {
            // A count is at most MAX_IO (files.rs), below 2^31; a pid is below 2^22.
            Ok(n) => n as i32,
            Err(e) => return encode(m, call.cmd_id, Err(e), out),
        };
        let words = [
            RECORD_BYTES as i32,
            TOKEN,
            call.cmd_id as i32,
            call.op.any().0 as i32,
            count,
        ];
        let mut bytes = [0u8; 4 + RECORD_BYTES];
        for (chunk, word) in bytes.chunks_exact_mut(4).zip(words) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        out(ReplyData::Slice(&bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msg::ErrorKind;
    use crate::ops::testing::*;

    fn record(words: [i32; 4]) -> Vec<u8> {
        words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    fn words(reply: &[u8]) -> Vec<i32> {
        reply
            .chunks_exact(4)
            .map(|w| i32::from_le_bytes(w.try_into().unwrap()))
            .collect()
    }

    #[test]
    fn only_16_bytes_starting_with_the_token_are_a_record() {
        let write = msg::Any::Write.0 as i32;
        assert!(Record::parse(&record([TOKEN, 0, write, 1])).is_some());
        let mut long = record([TOKEN, 0, write, 1]);
        long.push(0);
        assert!(Record::parse(&long).is_none());
        assert!(Record::parse(&long[..15]).is_none());
        assert!(Record::parse(&record([TOKEN + 1, 0, write, 1])).is_none());
        // FlatBuffers requests of every shape, 16 bytes or not, are never records.
        for sync in [true, false] {
            let req = request(sync, msg::Any::Noop, |b| {
                msg::Noop::create(b, &msg::NoopArgs {})
            });
            assert!(Record::parse(&req).is_none());
        }
        assert!(Record::parse(&my_pid_request()).is_none());
    }

    #[test]
    fn the_bench_ops_reply_their_result_as_the_count() {
        let d = dispatcher();
        let (noop, my_pid) = (msg::Any::Noop.0 as i32, msg::Any::MyPid.0 as i32);
        let reply = run_sync(&d, &record([TOKEN, 0, my_pid, 0])).unwrap();
        assert_eq!(
            words(&reply),
            [16, TOKEN, 0, my_pid, std::process::id() as i32]
        );
        let reply = run_sync(&d, &record([TOKEN, 0, noop, 0])).unwrap();
        assert_eq!(words(&reply), [16, TOKEN, 0, noop, 0]);
    }

    #[test]
    fn a_record_names_read_or_write_or_is_refused_at_the_door() {
        let d = dispatcher();
        let exit = msg::Any::Exit.0 as i32;
        for op in [exit, 0, -1, 300] {
            let e = rejected(&d, &record([TOKEN, 0, op, 1]));
            assert_eq!(e.kind, ErrorKind::OpNotAvailable);
            assert!(e.msg.contains("only Read"), "{}", e.msg);
        }
    }

    #[test]
    fn an_async_write_done_at_dispatch_is_answered_then() {
        let d = dispatcher();
        let write = msg::Any::Write.0 as i32;
        // stderr is written at once: the async request gets its reply at dispatch.
        let reply = run_sync_with(&d, &record([TOKEN, 5, write, 2]), Some(zero_copy(b"")));
        assert_eq!(words(&reply.unwrap()), [16, TOKEN, 5, write, 0]);
        assert!(d.cx().machinery().in_flight.borrow().is_empty());
    }

    #[test]
    fn a_sync_write_replies_its_count_and_a_bad_rid_a_flatbuffers_error() {
        let d = dispatcher();
        let write = msg::Any::Write.0 as i32;
        // rid 2 is stderr: the count comes back in a minimal reply.
        let reply = run_sync_with(&d, &record([TOKEN, 0, write, 2]), Some(zero_copy(b"")));
        assert_eq!(words(&reply.unwrap()), [16, TOKEN, 0, write, 0]);
        let reply = run_sync_with(&d, &record([TOKEN, 0, write, 99]), Some(zero_copy(b"x")));
        let reply = reply.unwrap();
        let base = reply_base(&reply);
        assert_eq!(base.error_kind(), ErrorKind::BadResource);
        assert_eq!(base.error(), Some("Bad resource ID 99: not open"));
    }

    #[test]
    fn an_async_read_of_a_file_replies_under_its_promise_id() {
        let d = privileged_dispatcher();
        let open = request(true, msg::Any::Open, |b| {
            let path = Some(b.create_string("Cargo.toml"));
            let args = msg::OpenArgs {
                path,
                read: true,
                ..Default::default()
            };
            msg::Open::create(b, &args)
        });
        let reply = run_sync(&d, &open).unwrap();
        let rid = reply_base(&reply).res_as_open_res().unwrap().rid();
        let read = msg::Any::Read.0 as i32;
        let buf = zero_copy(&[0; 9]);
        // The read runs on the blocking pool: its reply comes from the event loop, or
        // at dispatch if the pool was done by the first poll.
        let runtime = runtime();
        let _entered = runtime.enter();
        let mut reply = None;
        let req = record([TOKEN, 42, read, rid as i32]);
        let pending = d.dispatch(&req, Some(buf.clone()), &mut |bytes| {
            reply = Some(bytes.bytes().to_vec())
        });
        let reply = match pending.unwrap() {
            Some(pending) => runtime.block_on(pending).into_vec(),
            None => reply.unwrap(),
        };
        assert_eq!(words(&reply), [16, TOKEN, 42, read, 9]);
        assert_eq!(&buf[..], b"[package]");
        assert_eq!(
            d.cx().machinery().metrics.per_op[OpCode::Read as usize]
                .count
                .get(),
            1
        );
    }
}
