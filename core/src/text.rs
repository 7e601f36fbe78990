//! UTF-8 to and from JavaScript strings, for the userland's TextEncoder and
//! TextDecoder (and every long string an op replies with): early Deno's
//! `Deno.core.encode` / `decode`, here `encodeUtf8` / `decodeUtf8`; `decodeLatin1` for
//! the binary strings of atob and btoa (and `encodeLatin1Into`), `decodeUtf16` for
//! TextDecoder's other encodings. String work, no I/O, so not an op.
use crate::door::{bytes_arg, return_bytes, throw_type_error, ZeroCopyBuf};

/// `Deno.core.encodeUtf8(text: string): Uint8Array`: `text` in UTF-8, a lone surrogate as
/// U+FFFD (the Encoding standard's UTF-8 encode).
pub(crate) fn encode(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    rv: v8::ReturnValue,
) {
    let Ok(text) = v8::Local::<v8::String>::try_from(args.get(0)) else {
        return throw_type_error(scope, "Deno.core.encodeUtf8: not a string");
    };
    let mut bytes = vec![0; text.utf8_length(scope)];
    let options = v8::WriteOptions::NO_NULL_TERMINATION | v8::WriteOptions::REPLACE_INVALID_UTF8;
    let written = text.write_utf8(scope, &mut bytes, None, options);
    bytes.truncate(written);
    return_bytes(scope, rv, bytes);
}

/// `Deno.core.encodeUtf8Into(text: string, dest: Uint8Array, at: number): number`: writes
/// `text` in UTF-8 into `dest` from `at` on, as much as fits in whole characters (a lone
/// surrogate as U+FFFD), and returns where it ended: a long string's bytes in a
/// request, with no array made.
pub(crate) fn encode_into(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    let Some((text, mut dest, at)) = into_args(scope, &args, "Deno.core.encodeUtf8Into") else {
        return;
    };
    let options = v8::WriteOptions::NO_NULL_TERMINATION | v8::WriteOptions::REPLACE_INVALID_UTF8;
    let written = text.write_utf8(scope, &mut dest[at..], None, options);
    let end = v8::Number::new(scope, (at + written) as f64);
    rv.set(end.into());
}

/// `Deno.core.encodeLatin1Into(text: string, dest: Uint8Array, at: number): boolean`:
/// writes each char's code as a byte into `dest` from `at` on (as many as fit), or
/// returns false, writing nothing, if a char is past U+00FF: btoa's binary string.
pub(crate) fn encode_latin1_into(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    let Some((text, mut dest, at)) = into_args(scope, &args, "Deno.core.encodeLatin1Into") else {
        return;
    };
    let latin1 = text.contains_only_onebyte();
    if latin1 {
        text.write_one_byte(
            scope,
            &mut dest[at..],
            0,
            v8::WriteOptions::NO_NULL_TERMINATION,
        );
    }
    rv.set(v8::Boolean::new(scope, latin1).into());
}

/// The arguments `(text: string, dest: ArrayBufferView, at: number)` of an `encode*Into`
/// binding, `at` an index of `dest` (its length included); None: a TypeError is thrown.
fn into_args<'a>(
    scope: &mut v8::HandleScope,
    args: &v8::FunctionCallbackArguments<'a>,
    what: &str,
) -> Option<(v8::Local<'a, v8::String>, ZeroCopyBuf, usize)> {
    let Ok(text) = v8::Local::<v8::String>::try_from(args.get(0)) else {
        throw_type_error(scope, &format!("{what}: not a string"));
        return None;
    };
    let dest = bytes_arg(scope, args.get(1), what)?;
    let at = args.get(2).number_value(scope).unwrap_or(f64::NAN);
    if !(at >= 0.0 && at <= dest.len() as f64) {
        throw_type_error(scope, &format!("{what}: {at} is not an index of dest"));
        return None;
    }
    Some((text, dest, at as usize))
}

/// `Deno.core.decodeUtf8(bytes: ArrayBufferView, fatal?: boolean): string`: UTF-8 `bytes`
/// as a string, malformed sequences as U+FFFD (each maximal subpart, as the Encoding
/// standard says), or with `fatal` a TypeError. A BOM is kept: the caller decides.
pub(crate) fn decode(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    rv: v8::ReturnValue,
) {
    let Some(bytes) = bytes_arg(scope, args.get(0), "Deno.core.decodeUtf8") else {
        return;
    };
    if args.get(1).is_true() && std::str::from_utf8(&bytes).is_err() {
        return throw_type_error(scope, "The encoded data is not valid");
    }
    // ASCII is copied as it is; anything else goes through UTF-16, which encoding_rs
    // writes with the Encoding standard's replacements (V8's own decoder is scalar).
    let text = if bytes.is_ascii() {
        v8::String::new_from_one_byte(scope, &bytes, v8::NewStringType::Normal)
    } else {
        let mut units = vec![0u16; bytes.len() + 1];
        let len = encoding_rs::mem::convert_utf8_to_utf16(&bytes, &mut units);
        v8::String::new_from_two_byte(scope, &units[..len], v8::NewStringType::Normal)
    };
    give(scope, rv, text);
}

/// `Deno.core.decodeLatin1(bytes: ArrayBufferView): string`: each byte as the char of
/// that code (U+0000-U+00FF), copied into a one-byte string: what atob and btoa make.
pub(crate) fn decode_latin1(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    rv: v8::ReturnValue,
) {
    if let Some(bytes) = bytes_arg(scope, args.get(0), "Deno.core.decodeLatin1") {
        let text = v8::String::new_from_one_byte(scope, &bytes, v8::NewStringType::Normal);
        give(scope, rv, text);
    }
}

/// `Deno.core.decodeUtf16(units: Uint16Array): string`: the string of those UTF-16
/// code units, copied into a two-byte string: what TextDecoder's tables and legacy
/// decoders produce.
pub(crate) fn decode_utf16(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    rv: v8::ReturnValue,
) {
    if !args.get(0).is_uint16_array() {
        return throw_type_error(scope, "Deno.core.decodeUtf16: units must be a Uint16Array");
    }
    if let Some(bytes) = bytes_arg(scope, args.get(0), "Deno.core.decodeUtf16") {
        // A Uint16Array's bytes are its units in the machine's order, 2-aligned or not.
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|b| u16::from_ne_bytes([b[0], b[1]]))
            .collect();
        let text = v8::String::new_from_two_byte(scope, &units, v8::NewStringType::Normal);
        give(scope, rv, text);
    }
}

/// Returns `text`; None (longer than V8's longest string) is a RangeError.
fn give(scope: &mut v8::HandleScope, mut rv: v8::ReturnValue, text: Option<v8::Local<v8::String>>) {
    match text {
        Some(text) => rv.set(text.into()),
        None => {
            let message = v8::String::new(scope, "Invalid string length").unwrap();
            let e = v8::Exception::range_error(scope, message);
            scope.throw_exception(e);
        }
    }
}
