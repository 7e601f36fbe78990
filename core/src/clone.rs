//! V8's structured clone for JavaScript: `Deno.core.serialize(value)` and
//! `Deno.core.deserialize(bytes)` (V8 work, no I/O: what workers post each other).
use crate::door::{bytes_arg, return_bytes, throw_type_error};

/// Throws V8's clone errors as `DataCloneError`s, as structuredClone does.
struct CloneErrors;

impl v8::ValueSerializerImpl for CloneErrors {
    fn throw_data_clone_error<'s>(
        &mut self,
        scope: &mut v8::HandleScope<'s>,
        message: v8::Local<'s, v8::String>,
    ) {
        let e = v8::Exception::error(scope, message);
        if let Ok(e) = v8::Local::<v8::Object>::try_from(e) {
            let (key, name) = (
                v8::String::new(scope, "name").unwrap(),
                v8::String::new(scope, "DataCloneError").unwrap(),
            );
            e.set(scope, key.into(), name.into());
        }
        scope.throw_exception(e);
    }
}

impl v8::ValueDeserializerImpl for CloneErrors {}

/// `Deno.core.serialize(value): Uint8Array`: V8's structured clone of `value` (Maps,
/// Sets, Dates, RegExps, typed arrays and cycles survive; functions and symbols throw
/// a DataCloneError).
pub(crate) fn serialize(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    rv: v8::ReturnValue,
) {
    let context = scope.get_current_context();
    use v8::ValueSerializerHelper;
    let mut serializer = v8::ValueSerializer::new(scope, Box::new(CloneErrors));
    serializer.write_header();
    if serializer.write_value(context, args.get(0)) == Some(true) {
        let bytes = serializer.release();
        return_bytes(scope, rv, bytes);
    }
}

/// `Deno.core.deserialize(bytes: ArrayBufferView)`: the value `serialize` made the bytes
/// of (a new copy of it).
pub(crate) fn deserialize(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    let Some(data) = bytes_arg(scope, args.get(0), "Deno.core.deserialize") else {
        return;
    };
    let context = scope.get_current_context();
    let tc = &mut v8::TryCatch::new(scope);
    let value = {
        use v8::ValueDeserializerHelper;
        let mut deserializer = v8::ValueDeserializer::new(tc, Box::new(CloneErrors), &data);
        match deserializer.read_header(context) {
            Some(true) => deserializer.read_value(context),
            _ => None,
        }
    };
    match value {
        Some(value) => rv.set(value),
        None if tc.has_caught() => {
            tc.rethrow();
        }
        None => throw_type_error(
            tc,
            "Deno.core.deserialize: the bytes are not a serialized value",
        ),
    }
}

/// `Deno.core.detach(buffer: ArrayBuffer)`: detaches it (its length becomes 0, its
/// memory is no longer reachable from it), as a transfer does to the sender's side.
/// A buffer that cannot be detached (a WebAssembly memory's) is a TypeError.
pub(crate) fn detach(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    _rv: v8::ReturnValue,
) {
    match v8::Local::<v8::ArrayBuffer>::try_from(args.get(0)) {
        Ok(buffer) if buffer.is_detachable() => buffer.detach(),
        Ok(_) => throw_type_error(
            scope,
            "Deno.core.detach: the ArrayBuffer cannot be detached",
        ),
        Err(_) => throw_type_error(scope, "Deno.core.detach: not an ArrayBuffer"),
    }
}
