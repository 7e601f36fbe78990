//! Error positions in the source the user wrote: V8 hands each new stack to
//! `prepare_stack_trace`, which writes it as V8 would but with every frame of a
//! transpiled module (and of the builtin script a snapshot ran, such as minideno's
//! `ext:minideno/js/*.ts`) pointing at its TypeScript line and column; a [`Position`] found so carries its source line, for
//! the code frame of an uncaught or syntax error. Each source map is parsed once.
use std::collections::HashMap;
use std::path::PathBuf;

use oxc_sourcemap::{SourceMap, Token};

pub struct LineMap {
    /// Sorted by generated line, then column.
    tokens: Vec<Token>,
    sources: Vec<String>,
    contents: Vec<Option<String>>,
}

/// A 1-based position in a source file.
#[derive(Debug, PartialEq, Eq)]
pub struct Position {
    /// The module's URL, or a builtin source's name (`ext:minideno/js/x.ts`).
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

    /// The names of the sources it maps to, and whether it carries each one's text.
    pub fn sources(&self) -> impl Iterator<Item = (&str, bool)> {
        let carried = |i| self.contents.get(i).is_some_and(Option::is_some);
        self.sources
            .iter()
            .enumerate()
            .map(move |(i, s)| (s.as_str(), carried(i)))
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

/// Where a module's source map is.
pub enum SourceMapSource {
    File(PathBuf),
    /// Kept in memory (it could not be cached in a file).
    Inline(String),
}

/// The script a startup snapshot ran (the embedder's own JavaScript), as stack traces
/// and code frames see it.
#[derive(Clone, Copy)]
pub struct Builtin {
    /// Its script name in V8.
    pub url: &'static str,
    /// What the names of its sources are prefixed with in a stack trace.
    pub prefix: &'static str,
    /// Its source map, parsed (the embedder parses it once per process).
    pub source_map: fn() -> Option<&'static LineMap>,
}

/// The source maps an isolate knows (in its slot): the builtin script's, and each
/// module's, parsed on first use (a stack trace through that module).
#[derive(Default)]
pub(crate) struct SourceMaps {
    builtin: Option<Builtin>,
    modules: HashMap<String, SourceMapSource>,
    /// None: the map could not be read or parsed.
    parsed: HashMap<String, Option<LineMap>>,
}

impl SourceMaps {
    pub(crate) fn new(builtin: Option<Builtin>) -> Self {
        SourceMaps {
            builtin,
            ..Default::default()
        }
    }

    /// Records where module `url`'s map is.
    pub(crate) fn add(&mut self, url: &str, map: SourceMapSource) {
        self.modules.insert(url.to_string(), map);
    }

    /// The builtin script's URL: frames there are not the user's.
    pub(crate) fn builtin_url(&self) -> Option<&'static str> {
        self.builtin.map(|b| b.url)
    }

    /// What the builtin's sources are named with in a mapped stack (`ext:minideno/`).
    pub(crate) fn builtin_prefix(&self) -> Option<&'static str> {
        self.builtin.map(|b| b.prefix)
    }

    fn module_map(&mut self, url: &str) -> Option<&LineMap> {
        if !self.parsed.contains_key(url) {
            let map = match self.modules.get(url)? {
                SourceMapSource::File(path) => std::fs::read_to_string(path)
                    .ok()
                    .and_then(|json| LineMap::parse(&json)),
                SourceMapSource::Inline(json) => LineMap::parse(json),
            };
            self.parsed.insert(url.to_string(), map);
        }
        self.parsed.get(url)?.as_ref()
    }
}

/// The isolate's source maps.
pub(crate) fn maps(isolate: &mut v8::Isolate) -> &mut SourceMaps {
    isolate
        .get_slot_mut::<SourceMaps>()
        .expect("an isolate made by Isolate::new")
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

/// The text of 1-based `line` of module `url`'s own source, if its source map carries
/// it (for a position already mapped, as those of a `stack` string are).
pub(crate) fn source_line(isolate: &mut v8::Isolate, url: &str, line: u32) -> Option<String> {
    let map = maps(isolate).module_map(url)?;
    let content = map.contents.first()?.as_deref()?;
    let text = content.lines().nth(line.checked_sub(1)? as usize)?;
    Some(text.trim_end_matches('\r').to_string())
}

fn locate(
    isolate: &mut v8::Isolate,
    url: &str,
    line: u32,
    col: u32,
    with_text: bool,
) -> Option<Position> {
    let maps = maps(isolate);
    let builtin = maps.builtin.filter(|b| b.url == url);
    let map = match builtin {
        Some(builtin) => (builtin.source_map)()?,
        None => maps.module_map(url)?,
    };
    let token = map.lookup(line.checked_sub(1)?, col.checked_sub(1)?)?;
    let source = token.get_source_id();
    let file = match (source.and_then(|id| map.sources.get(id as usize)), builtin) {
        (Some(name), Some(builtin)) => format!("{}{name}", builtin.prefix),
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

/// `text` (one source line) with a caret under 1-based column `col`, as Deno shows it.
pub fn code_frame(text: &str, col: u32) -> String {
    // Tabs stay tabs, so the caret lines up in a terminal.
    let pad: String = text
        .chars()
        .take(col.saturating_sub(1) as usize)
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    format!("{text}\n{pad}^")
}

#[cfg(test)]
mod tests {
    use super::code_frame;

    #[test]
    fn code_frame_puts_the_caret_under_the_column() {
        assert_eq!(code_frame("  throw e;", 3), "  throw e;\n  ^");
        assert_eq!(code_frame("\tx = 1;", 2), "\tx = 1;\n\t^");
    }
}
