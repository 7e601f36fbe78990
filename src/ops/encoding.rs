//! TextDecoder's legacy encodings and UTF-16 on `encoding_rs` (UTF-8 is decoded in JS,
//! js/text_encoding.ts): the WHATWG name of a label, and decoding to UTF-16 code units
//! (which JS makes a string of without another decode), in one call or as a stream
//! whose state lives in a rid between calls.
use std::cell::RefCell;
use std::rc::Rc;

use encoding_rs::{CoderResult, DecoderResult, Encoding};

use crate::errors::{DenoError, OpResult};
use crate::msg::{self, ErrorKind};
use crate::ops::reply::{reply, request_table, Ctx, Op, ZeroCopyBuf};
use crate::resources::{wrong_kind, Resource};

/// The encoding `label` names for a TextDecoder: None for none, or the replacement
/// encoding (which the constructor refuses).
fn encoding(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.as_bytes()).filter(|e| *e != encoding_rs::REPLACEMENT)
}

pub fn op_encoding_name(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let label = request_table::<msg::EncodingName>(base)?
        .label()
        .unwrap_or_default();
    let name = encoding(label).map(|e| e.name().to_ascii_lowercase());
    Ok(Op::Sync(reply(state, |b| {
        let name = name.map(|n| b.create_string(&n));
        msg::EncodingNameRes::create(b, &msg::EncodingNameResArgs { name })
    })))
}

pub fn op_decode(state: &Ctx, base: &msg::Base, data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::Decode>(base)?;
    let input = data.as_deref().unwrap_or_default();
    let decoder = match t.rid() {
        0 => {
            let name = t.encoding().unwrap_or_default();
            let encoding = encoding(name).ok_or_else(|| {
                DenoError::new(
                    ErrorKind::InvalidInput,
                    format!("unknown encoding {name:?}"),
                )
            })?;
            let decoder = match t.ignore_bom() {
                true => encoding.new_decoder_without_bom_handling(),
                false => encoding.new_decoder_with_bom_removal(),
            };
            Rc::new(RefCell::new(decoder))
        }
        rid => match state.resources.borrow().get(rid)? {
            Resource::TextDecoder(decoder) => decoder.clone(),
            other => return Err(wrong_kind(rid, other, "a text decoder")),
        },
    };
    let last = !t.stream();
    let units = decode(&mut decoder.borrow_mut(), input, t.fatal(), last);
    // The stream ends with a call that is not `stream`, or with an error.
    let rid = match (t.rid(), last || units.is_err()) {
        (0, true) => 0,
        (0, false) => state
            .resources
            .borrow_mut()
            .add(Resource::TextDecoder(decoder)),
        (rid, true) => {
            state.resources.borrow_mut().close(rid)?;
            0
        }
        (rid, false) => rid,
    };
    let units = units?;
    Ok(Op::Sync(reply(state, |b| {
        let units = Some(b.create_vector(&units));
        msg::DecodeRes::create(b, &msg::DecodeResArgs { units, rid })
    })))
}

/// `input` decoded by `decoder` to UTF-16; with `fatal`, malformed input is an error.
fn decode(
    decoder: &mut encoding_rs::Decoder,
    input: &[u8],
    fatal: bool,
    last: bool,
) -> OpResult<Vec<u16>> {
    let room = decoder
        .max_utf16_buffer_length(input.len())
        .ok_or_else(|| {
            DenoError::new(ErrorKind::InvalidInput, "the input is too long to decode")
        })?;
    let mut out = vec![0u16; room];
    let written = if fatal {
        let (result, _, written) =
            decoder.decode_to_utf16_without_replacement(input, &mut out, last);
        match result {
            DecoderResult::InputEmpty => written,
            DecoderResult::Malformed(..) => {
                return Err(DenoError::new(
                    ErrorKind::InvalidData,
                    "The encoded data is not valid",
                ))
            }
            DecoderResult::OutputFull => unreachable!("room for the longest output"),
        }
    } else {
        let (result, _, written, _) = decoder.decode_to_utf16(input, &mut out, last);
        debug_assert_eq!(result, CoderResult::InputEmpty);
        written
    };
    out.truncate(written);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::msg::{self, ErrorKind};
    use crate::ops::testing::*;

    fn name(d: &Dispatcher, label: &str) -> Option<String> {
        let req = request(true, msg::Any::EncodingName, |b| {
            let label = Some(b.create_string(label));
            msg::EncodingName::create(b, &msg::EncodingNameArgs { label })
        });
        let reply = run_sync(d, &req).unwrap();
        reply_base(&reply)
            .res_as_encoding_name_res()
            .unwrap()
            .name()
            .map(str::to_string)
    }

    /// (the text, the rid after) or the error kind.
    fn decode(
        d: &Dispatcher,
        encoding: &str,
        bytes: &[u8],
        fatal: bool,
        stream: bool,
        rid: u32,
    ) -> Result<(String, u32), ErrorKind> {
        let req = request(true, msg::Any::Decode, |b| {
            let encoding = Some(b.create_string(encoding));
            let args = msg::DecodeArgs {
                encoding,
                fatal,
                ignore_bom: false,
                stream,
                rid,
            };
            msg::Decode::create(b, &args)
        });
        let reply = run_sync_with(d, &req, Some(zero_copy(bytes))).unwrap();
        let base = reply_base(&reply);
        if base.error_kind() != ErrorKind::NoError {
            return Err(base.error_kind());
        }
        let res = base.res_as_decode_res().unwrap();
        let units: Vec<u16> = res.units().unwrap().iter().collect();
        Ok((String::from_utf16(&units).unwrap(), res.rid()))
    }

    #[test]
    fn labels_name_their_encodings_and_replacement_is_none() {
        let d = dispatcher();
        assert_eq!(name(&d, " Latin1 ").as_deref(), Some("windows-1252"));
        assert_eq!(name(&d, "sjis").as_deref(), Some("shift_jis"));
        assert_eq!(name(&d, "utf-16").as_deref(), Some("utf-16le"));
        assert_eq!(name(&d, "iso-2022-kr"), None);
        assert_eq!(name(&d, "nope"), None);
    }

    #[test]
    fn legacy_encodings_decode_whole_or_as_a_stream_and_fatal_fails() {
        let d = dispatcher();
        assert_eq!(
            decode(&d, "windows-1252", b"caf\xe9 \x80", false, false, 0),
            Ok(("café €".into(), 0))
        );
        // Shift_JIS "あ" is 0x82 0xA0: split between two calls.
        let (first, rid) = decode(&d, "shift_jis", b"a\x82", false, true, 0).unwrap();
        assert_eq!(first, "a");
        assert_ne!(rid, 0);
        assert_eq!(
            decode(&d, "shift_jis", b"\xa0", false, false, rid),
            Ok(("あ".into(), 0))
        );
        // The rid is closed once the stream ends.
        assert_eq!(
            decode(&d, "shift_jis", b"", false, false, rid),
            Err(ErrorKind::BadResource)
        );
        assert_eq!(
            decode(&d, "shift_jis", b"\x82", false, false, 0),
            Ok(("\u{fffd}".into(), 0))
        );
        assert_eq!(
            decode(&d, "shift_jis", b"\x82", true, false, 0),
            Err(ErrorKind::InvalidData)
        );
        assert_eq!(
            decode(&d, "utf-16be", b"\xfe\xff\x00A", false, false, 0),
            Ok(("A".into(), 0))
        );
        assert_eq!(
            decode(&d, "nope", b"", false, false, 0),
            Err(ErrorKind::InvalidInput)
        );
    }
}
