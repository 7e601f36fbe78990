//! TextDecoder's legacy encodings and UTF-16 on `encoding_rs` (UTF-8 is decoded in JS,
//! js/text_encoding.ts): the WHATWG name of a label, and decoding to UTF-16 code units
//! (which JS makes a string of without another decode), in one call or as a stream
//! whose state lives in a rid between calls. Also btoa and atob's base64 (base64-simd).
use std::cell::RefCell;
use std::rc::Rc;

use encoding_rs::{CoderResult, DecoderResult, Encoding};

use crate::errors::{DenoError, OpResult};
use crate::msg::{self, ErrorKind};
use crate::ops::reply::{reply, request_table, scalars, Ctx, Op, ZeroCopyBuf};
use crate::resources::{wrong_kind, Resource};

/// The encoding `label` names for a TextDecoder: None for none, or the replacement
/// encoding (which the constructor refuses).
fn encoding(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label(label.as_bytes()).filter(|e| *e != encoding_rs::REPLACEMENT)
}

pub fn op_base64(state: &Ctx, base: &msg::Base, data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::Base64>(base)?;
    let mut buffer = data.ok_or_else(|| DenoError::invalid("Base64: no buffer"))?;
    let written = match t.decode() {
        true => base64_decode(t.text().unwrap_or_default().as_bytes(), &mut buffer)?,
        false => Some(base64_encode(&mut buffer, t.at() as usize)?),
    };
    Ok(Op::Sync(scalars(
        state,
        &msg::Base64ResArgs {
            valid: written.is_some(),
            len: written.unwrap_or(0) as u32,
        },
    )))
}

/// `text` (forgiving-base64) decoded into `out`: the bytes written, None if it is not base64.
fn base64_decode(text: &[u8], out: &mut [u8]) -> OpResult<Option<usize>> {
    if !text.is_ascii() {
        return Ok(None);
    }
    let out = out.get_mut(..text.len()).ok_or_else(too_small)?;
    let decoded = base64_simd::forgiving_decode(text, base64_simd::Out::from_slice(out));
    Ok(decoded.ok().map(|d| d.len()))
}

/// The bytes of `buffer` from `at` on, encoded into the bytes before them: how many.
fn base64_encode(buffer: &mut [u8], at: usize) -> OpResult<usize> {
    if at > buffer.len() {
        return Err(too_small());
    }
    let (out, bytes) = buffer.split_at_mut(at);
    let b64 = base64_simd::STANDARD;
    let out = out
        .get_mut(..b64.encoded_length(bytes.len()))
        .ok_or_else(too_small)?;
    Ok(b64.encode(bytes, base64_simd::Out::from_slice(out)).len())
}

fn too_small() -> DenoError {
    DenoError::invalid("Base64: the buffer has no room for the result")
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
        .ok_or_else(|| DenoError::invalid("the input is too long to decode"))?;
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
    use crate::ops::reply::ZeroCopyBuf;
    use crate::ops::testing::*;

    /// Base64 of `buffer` as the op leaves it: (valid, len) or the error's kind.
    fn base64(
        decode: bool,
        text: &str,
        at: u32,
        buffer: Option<&ZeroCopyBuf>,
    ) -> Result<(bool, u32), ErrorKind> {
        let req = request(true, msg::Any::Base64, |b| {
            let text = Some(b.create_string(text));
            msg::Base64::create(b, &msg::Base64Args { decode, text, at })
        });
        let reply = run_sync_with(&dispatcher(), &req, buffer.cloned()).unwrap();
        let base = reply_base(&reply);
        match base.res_as_base_64_res() {
            Some(res) => Ok((res.valid(), res.len())),
            None => Err(base.error_kind()),
        }
    }

    #[test]
    fn base64_encodes_before_its_input_and_decodes_in_place() {
        let buffer = zero_copy(b"\0\0\0\0\0\0\0\0foob");
        assert_eq!(base64(false, "", 8, Some(&buffer)), Ok((true, 8)));
        assert_eq!(&buffer[..8], b"Zm9vYg==");
        let out = zero_copy(&[0; 12]);
        assert_eq!(base64(true, " Zm9v\nYg ", 0, Some(&out)), Ok((true, 4)));
        assert_eq!(&out[..4], b"foob");
        // Not base64: a reply that says so, not an error.
        for bad in ["Zg=", "Zm9v!", "é", "Zg==Zg=="] {
            assert_eq!(
                base64(true, bad, 0, Some(&zero_copy(&[0; 8]))),
                Ok((false, 0)),
                "{bad}"
            );
        }
        // No buffer, or no room in it: an error, never a write out of bounds.
        let small = zero_copy(&[0; 4]);
        for (decode, text, at, buffer) in [
            (true, "Zm9v", 0, None),
            (true, "Zm9vYg==", 0, Some(&small)),
            (false, "", 2, Some(&small)),
            (false, "", 5, Some(&small)),
        ] {
            assert_eq!(
                base64(decode, text, at, buffer),
                Err(ErrorKind::InvalidInput)
            );
        }
    }

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
