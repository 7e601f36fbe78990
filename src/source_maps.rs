//! Error positions in the source the user wrote: V8 hands each new stack to
//! `prepare_stack_trace`, which writes it as V8 would but with every frame of a
//! transpiled module (and of the userland, `ext:minideno/js/*.ts`) pointing at its
//! TypeScript line and column; a [`Position`] found so carries its source line, for
//! the code frame of an uncaught or syntax error. Each source map is parsed once.
use std::sync::OnceLock;

use oxc_sourcemap::{SourceMap, Token};

use crate::isolate::state;
use minideno_loader::code_frame::code_frame;
use minideno_loader::transpile::USERLAND_URL;

/// A parsed source map, ready for lookups.
pub struct LineMap {
    /// Sorted by generated line, then column.
    tokens: Vec<Token>,
    sources: Vec<String>,
    contents: Vec<Option<String>>,
}

/// A 1-based position in a source file.
#[derive(Debug, PartialEq, Eq)]
pub struct Position {
    /// The module's URL, or `ext:minideno/js/x.ts` in the userland.
    pub file: String,
    pub line: u32,
    pub col: u32,
    /// The text of that line, when the source map carries the source.
    pub text: Option<String>,
}

impl Position {
    /// The source line with a caret under the column, when the line is known.
    pub fn code_frame(&self) -> Option<String> {
        self.text.as_deref().map(|text| code_frame(text, self.col))
    }
}

impl LineMap {
    pub fn parse(json: &str) -> Option<LineMap> {
        let map = SourceMap::from_json_string(json).ok()?;
        let mut tokens: Vec<Token> = map.get_tokens().collect();
        tokens.sort_by_key(|t| (t.get_dst_line(), t.get_dst_col()));
        Some(LineMap {
            tokens,
            sources: map.get_sources().map(str::to_string).collect(),
            contents: map
                .get_source_contents()
                .map(|c| c.map(str::to_string))
                .collect(),
        })
    }

    /// The token covering 0-based generated `line`:`col`: the last one at or before it
    /// on that line.
    fn lookup(&self, line: u32, col: u32) -> Option<&Token> {
        let after = self
            .tokens
            .partition_point(|t| (t.get_dst_line(), t.get_dst_col()) <= (line, col));
        let token = self.tokens.get(after.checked_sub(1)?)?;
        (token.get_dst_line() == line).then_some(token)
    }
}

static USERLAND_MAP: OnceLock<Option<LineMap>> = OnceLock::new();

/// The userland's source map (made by build.rs), parsed on first use.
fn userland_map() -> Option<&'static LineMap> {
    USERLAND_MAP
        .get_or_init(|| LineMap::parse(include_str!(concat!(env!("OUT_DIR"), "/userland.js.map"))))
        .as_ref()
}

/// Maps a 1-based generated position in `url` (a module, or the userland bundle) to
/// its 1-based source position.
pub fn map_location(isolate: &mut v8::Isolate, url: &str, line: u32, col: u32) -> Option<Position> {
    locate(isolate, url, line, col, false)
}

/// As `map_location`, with the text of the source line (for a code frame; finding it
/// scans the source, so stack traces do without).
pub fn map_location_with_text(
    isolate: &mut v8::Isolate,
    url: &str,
    line: u32,
    col: u32,
) -> Option<Position> {
    locate(isolate, url, line, col, true)
}

fn locate(
    isolate: &mut v8::Isolate,
    url: &str,
    line: u32,
    col: u32,
    with_text: bool,
) -> Option<Position> {
    let map = if url == USERLAND_URL {
        userland_map()?
    } else {
        state(isolate).modules.source_map(url)?
    };
    let token = map.lookup(line.checked_sub(1)?, col.checked_sub(1)?)?;
    let source = token.get_source_id();
    let file = match source.and_then(|id| map.sources.get(id as usize)) {
        Some(name) if url == USERLAND_URL => format!("ext:minideno/{name}"),
        _ => url.to_string(),
    };
    let text = source
        .filter(|_| with_text)
        .and_then(|id| map.contents.get(id as usize)?.as_deref())
        .and_then(|content| content.lines().nth(token.get_src_line() as usize))
        .map(|l| l.trim_end_matches('\r').to_string());
    Some(Position {
        file,
        line: token.get_src_line() + 1,
        col: token.get_src_col() + 1,
        text,
    })
}

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
    let Some(pos) = map_location(scope, &file, line, col) else {
        return Some(text);
    };
    let generated = format!("{file}:{line}:{col}");
    Some(text.replacen(
        &generated,
        &format!("{}:{}:{}", pos.file, pos.line, pos.col),
        1,
    ))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_userland_map_points_at_js_sources() {
        let map = userland_map().expect("build.rs embeds the userland's source map");
        assert!(
            map.sources.iter().any(|s| s == "js/timers.ts"),
            "{:?}",
            map.sources
        );
        assert!(
            map.contents.iter().all(Option::is_some),
            "sources are carried"
        );
    }
}
