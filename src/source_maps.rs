//! Error.stack through source maps: V8 hands each new stack to `prepare_stack_trace`,
//! which writes it as V8 would, but with every frame of a transpiled module pointing
//! at the `.ts` line and column.
use crate::isolate::state;

pub fn prepare_stack_trace<'s>(
    scope: &mut v8::HandleScope<'s>,
    error: v8::Local<v8::Value>,
    sites: v8::Local<v8::Array>,
) -> v8::Local<'s, v8::Value> {
    let stack = {
        let tc = &mut v8::TryCatch::new(scope);
        let mut stack = error
            .to_string(tc)
            .map(|s| s.to_rust_string_lossy(tc))
            .unwrap_or_else(|| "Error".into());
        for i in 0..sites.length() {
            let site = sites.get_index(tc, i).and_then(|s| s.to_object(tc));
            if let Some(frame) = site.and_then(|s| frame(tc, s)) {
                stack.push_str("\n    at ");
                stack.push_str(&frame);
            }
        }
        stack
    };
    v8::String::new(scope, &stack)
        .unwrap_or_else(|| v8::String::empty(scope))
        .into()
}

/// One frame as V8 writes it (`f (file:///x.ts:3:9)`), location mapped to the source.
fn frame(scope: &mut v8::HandleScope, site: v8::Local<v8::Object>) -> Option<String> {
    let text = call(scope, site, "toString")?.to_rust_string_lossy(scope);
    let file = call(scope, site, "getFileName")?;
    if !file.is_string() {
        return Some(text);
    }
    let file = file.to_rust_string_lossy(scope);
    let line = call(scope, site, "getLineNumber")?.uint32_value(scope)?;
    let col = call(scope, site, "getColumnNumber")?.uint32_value(scope)?;
    let Some((src_line, src_col)) = map_location(scope, &file, line, col) else {
        return Some(text);
    };
    let generated = format!("{file}:{line}:{col}");
    Some(text.replacen(&generated, &format!("{file}:{src_line}:{src_col}"), 1))
}

fn call<'s>(
    scope: &mut v8::HandleScope<'s>,
    obj: v8::Local<v8::Object>,
    method: &str,
) -> Option<v8::Local<'s, v8::Value>> {
    let key = v8::String::new(scope, method)?;
    let f: v8::Local<v8::Function> = obj.get(scope, key.into())?.try_into().ok()?;
    f.call(scope, obj.into(), &[])
}

/// Maps a 1-based generated position in module `url` to its 1-based source position.
pub fn map_location(
    isolate: &mut v8::Isolate,
    url: &str,
    line: u32,
    col: u32,
) -> Option<(u32, u32)> {
    let map = state(isolate).modules.source_map(url)?;
    let table = map.generate_lookup_table();
    let token = map.lookup_token(&table, line.checked_sub(1)?, col.checked_sub(1)?)?;
    Some((token.get_src_line() + 1, token.get_src_col() + 1))
}
