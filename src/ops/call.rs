//! A request on its way through the door, and how its result becomes a reply: the
//! [`Reply`] each encoding (FlatBuffers here, `minimal.rs`, `json.rs`) implements, the
//! FlatBuffers reply `Base` ([`encode`]), and the counting and tracing at its end.
use std::time::Instant;

use minideno_core::ReplyData;

use super::machinery::{new_builder, Machinery};
use super::reply::{Res, ResTable};
use crate::errors::{DenoError, OpResult};
use crate::msg::{self, ErrorKind, OpCode};
use crate::trace::OpRecord;

/// A reply longer than this is given away with the builder's buffer (a sync one becomes
/// JS's own ArrayBuffer, with no copy), and the builder starts again small.
pub(crate) const GIVE_AWAY_BYTES: usize = 16 << 10;

pub(crate) fn not_available(text: String) -> DenoError {
    DenoError::new(ErrorKind::OpNotAvailable, text)
}

/// A result, as its encoding writes it into a reply.
pub(crate) trait Reply: Sized + 'static {
    /// Whether an async request whose result is there at dispatch (its future done on
    /// a first poll, as a write to a socket with room is) is answered then, like a sync
    /// one, instead of by the event loop: the minimal encoding's read and write.
    const EAGER: bool = false;

    /// A sync result that needs no reply at all.
    fn is_nothing(&self) -> bool {
        false
    }

    /// Writes the size-prefixed reply to `call` and hands its bytes to `out`.
    fn encode<R>(
        m: &Machinery,
        call: &Call,
        result: OpResult<Self>,
        out: impl FnOnce(ReplyData) -> R,
    ) -> R;
}

impl Reply for Res {
    fn is_nothing(&self) -> bool {
        self.is_none()
    }

    fn encode<R>(
        m: &Machinery,
        call: &Call,
        result: OpResult<Self>,
        out: impl FnOnce(ReplyData) -> R,
    ) -> R {
        encode(m, call.cmd_id, result, out)
    }
}

/// One request on its way: what the metrics and the tracer need at its end.
pub(crate) struct Call {
    pub op: OpCode,
    pub cmd_id: u32,
    pub sync: bool,
    pub control: usize,
    pub zero_copy: usize,
    /// When it was dispatched, if the tracer is on.
    pub start: Option<Instant>,
}

impl Call {
    /// Counts the completed op (a reply of `reply` bytes) and traces it.
    pub(crate) fn done(&self, m: &Machinery, reply: usize, error: Option<ErrorKind>) {
        m.metrics.count_completed(self.op, reply, error.is_some());
        if let (Some(tracer), Some(start)) = (&m.tracer, self.start) {
            tracer.record(&OpRecord {
                op: self.op,
                cmd_id: self.cmd_id,
                sync: self.sync,
                control: self.control,
                zero_copy: self.zero_copy,
                reply,
                latency: start.elapsed(),
                error,
            });
        }
    }
}

/// Wraps `result` in a size-prefixed reply `Base` for `cmd_id`, in the reused builder,
/// and hands the bytes to `out`.
pub(crate) fn encode<T>(
    m: &Machinery,
    cmd_id: u32,
    result: OpResult<Res>,
    out: impl FnOnce(ReplyData) -> T,
) -> T {
    let result = match result {
        Ok(Some((_, ResTable::Whole(len)))) => {
            let mut whole = m.whole.borrow_mut();
            let at = msg::REPLY_CMD_ID_AT;
            whole[at..at + 4].copy_from_slice(&cmd_id.to_le_bytes());
            return out(ReplyData::Slice(&whole[..len]));
        }
        Ok(Some((tag, ResTable::Built(table)))) => Ok(Some((tag, table))),
        Ok(None) => Ok(None),
        Err(e) => Err(e),
    };
    let mut b = m.builder.borrow_mut();
    let args = match result {
        Ok(res) => msg::BaseArgs {
            cmd_id,
            res_type: res.map_or(msg::AnyRes::NONE, |(tag, _)| tag),
            res: res.map(|(_, table)| table),
            ..Default::default()
        },
        Err(e) => {
            // A failing handler may have written part of its reply.
            b.reset();
            msg::BaseArgs {
                cmd_id,
                error_kind: e.kind,
                error: Some(b.create_string(&e.msg)),
                ..Default::default()
            }
        }
    };
    let base = msg::Base::create(&mut b, &args);
    b.finish_size_prefixed(base, None);
    if b.finished_data().len() > GIVE_AWAY_BYTES {
        let (vec, start) = std::mem::replace(&mut *b, new_builder()).collapse();
        return out(ReplyData::Owned(vec, start));
    }
    let value = out(ReplyData::Slice(b.finished_data()));
    b.reset();
    value
}
