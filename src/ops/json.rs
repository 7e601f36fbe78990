//! The JSON encoding, as Deno moved to after v0.17 (serde_json in Rust, `JSON.stringify`
//! in JS), through the same `Deno.core.dispatch` door: kept so that its cost can be
//! measured beside FlatBuffers and the minimal records (benches/dispatch.rs). The bench
//! ops (Noop, MyPid) have it, sync only.
//!
//! Request: `{"op":"MyPid"}`. Reply: `{"ok":<result>}`, or `{"err":{"kind":"...",
//! "message":"..."}}`; not size-prefixed (a sync reply's length is dispatch's result).
//!
//! The rule that tells it apart: a control buffer that starts with the bytes `{"op"`
//! and is shorter than 0x706F227B bytes is JSON. As a FlatBuffer, those four bytes
//! would be its root offset, 0x706F227B (~1.9 GB), which must lie inside the buffer.
use serde::{Deserialize, Serialize};

use super::call::{Call, Reply};
use super::machinery::Machinery;
use super::reply::Op;
use crate::errors::{DenoError, OpResult};
use crate::msg::{ErrorKind, OpCode};
use minideno_core::{ReplyBytes, ReplyData};

const START: &[u8; 4] = b"{\"op";
/// `START` read as a FlatBuffer's root offset.
const START_AS_OFFSET: usize = 0x706F_227B;

/// Whether `control` is a JSON request (see the module's rule).
pub fn is_json(control: &[u8]) -> bool {
    control.starts_with(START) && control.len() < START_AS_OFFSET
}

#[derive(Deserialize)]
struct Request<'a> {
    op: &'a str,
}

/// The op a JSON request names.
pub fn op(control: &[u8]) -> Result<OpCode, DenoError> {
    let request: Request = serde_json::from_slice(control).map_err(|e| {
        DenoError::new(
            ErrorKind::InvalidInput,
            format!("malformed JSON request: {e}"),
        )
    })?;
    match request.op {
        "Noop" => Ok(OpCode::Noop),
        "MyPid" => Ok(OpCode::MyPid),
        other => Err(DenoError::new(
            ErrorKind::OpNotAvailable,
            format!("JSON request names op {other:?}: only Noop and MyPid have the JSON encoding"),
        )),
    }
}

/// Runs a JSON request: its result as JSON.
pub fn run(op: OpCode) -> OpResult<Op<serde_json::Value>> {
    Ok(Op::Sync(match op {
        OpCode::MyPid => std::process::id().into(),
        _ => serde_json::Value::Null,
    }))
}

/// A reply as it is written: `{"ok":...}` or `{"err":{"kind":...,"message":...}}`.
#[derive(Serialize)]
#[serde(rename_all = "lowercase")]
enum JsonReply<'a> {
    Ok(&'a serde_json::Value),
    Err { kind: &'a str, message: &'a str },
}

impl Reply for serde_json::Value {
    fn encode<R>(
        _m: &Machinery,
        _call: &Call,
        result: OpResult<Self>,
        out: impl FnOnce(ReplyData) -> R,
    ) -> R {
        let reply = match &result {
            Ok(value) => JsonReply::Ok(value),
            Err(e) => JsonReply::Err {
                kind: e.kind.variant_name().unwrap_or("Other"),
                message: &e.msg,
            },
        };
        let mut bytes = ReplyBytes::new();
        serde_json::to_writer(&mut bytes, &reply).expect("a reply serializes");
        out(ReplyData::Slice(&bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msg;
    use crate::ops::testing::*;

    #[test]
    fn json_requests_reply_json_and_flatbuffers_ones_are_never_json() {
        let d = dispatcher();
        let reply = run_sync(&d, br#"{"op":"MyPid"}"#).unwrap();
        let pid = std::process::id();
        assert_eq!(
            std::str::from_utf8(&reply).unwrap(),
            format!(r#"{{"ok":{pid}}}"#)
        );
        let reply = run_sync(&d, br#"{"op":"Noop"}"#).unwrap();
        assert_eq!(reply, br#"{"ok":null}"#);
        let noop = request(true, msg::Any::Noop, |b| {
            msg::Noop::create(b, &msg::NoopArgs {})
        });
        assert!(!is_json(&noop) && !is_json(&my_pid_request()));
    }

    #[test]
    fn bad_json_requests_are_refused_at_the_door() {
        let d = dispatcher();
        let e = rejected(&d, br#"{"op":"Noop""#);
        assert_eq!(e.kind, ErrorKind::InvalidInput);
        assert!(e.msg.contains("malformed JSON request"), "{}", e.msg);
        let e = rejected(&d, br#"{"op":"Open","path":"/etc/passwd"}"#);
        assert_eq!(e.kind, ErrorKind::OpNotAvailable);
        assert!(e.msg.contains("only Noop and MyPid"), "{}", e.msg);
        let e = rejected(&d, br#"{"op":7}"#);
        assert_eq!(e.kind, ErrorKind::InvalidInput);
    }
}
