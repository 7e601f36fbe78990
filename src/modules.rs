//! The ES module graph: resolves specifiers to URLs, loads and compiles files through
//! the compiler's cache, and keeps V8's modules by URL for instantiation.
use std::collections::HashMap;
use std::num::NonZeroI32;

use url::Url;

use crate::compiler::{self, SourceMapLocation};
use crate::isolate::state;
use crate::source_maps::{code_frame, map_location_with_text, LineMap};

/// Every module of the isolate, kept in the isolate's state.
#[derive(Default)]
pub struct ModuleMap {
    by_url: HashMap<String, v8::Global<v8::Module>>,
    /// V8 identifies a referrer only by its module: identity hash -> URLs.
    by_hash: HashMap<NonZeroI32, Vec<String>>,
    source_maps: HashMap<String, SourceMapLocation>,
    /// Maps parsed on first use (a stack trace through that module); None if unreadable.
    parsed_maps: HashMap<String, Option<LineMap>>,
    main: Option<String>,
}

impl ModuleMap {
    fn url_of(&self, module: v8::Local<v8::Module>) -> Option<&String> {
        let urls = self.by_hash.get(&module.get_identity_hash())?;
        urls.iter()
            .find(|url| self.by_url.get(*url).is_some_and(|g| *g == module))
    }

    /// The source map of module `url`, parsed on first use.
    pub fn source_map(&mut self, url: &str) -> Option<&LineMap> {
        if !self.parsed_maps.contains_key(url) {
            let map = match self.source_maps.get(url)? {
                SourceMapLocation::File(path) => std::fs::read_to_string(path)
                    .ok()
                    .and_then(|json| LineMap::parse(&json)),
                SourceMapLocation::Inline(json) => LineMap::parse(json),
            };
            self.parsed_maps.insert(url.to_string(), map);
        }
        self.parsed_maps.get(url)?.as_ref()
    }
}

/// Resolves an import specifier against the importing module's URL.
pub fn resolve(specifier: &str, referrer: &Url) -> Result<Url, String> {
    let relative = ["./", "../", "/"].iter().any(|p| specifier.starts_with(p));
    let url = if relative {
        referrer
            .join(specifier)
            .map_err(|e| format!("Invalid import \"{specifier}\": {e}"))?
    } else {
        Url::parse(specifier).map_err(|_| {
            format!("Relative import path \"{specifier}\" not prefixed with / or ./ or ../")
        })?
    };
    if url.scheme() != "file" {
        return Err(format!(
            "Unsupported scheme \"{}\" for module \"{url}\"",
            url.scheme()
        ));
    }
    Ok(url)
}

/// Loads module `url` and, recursively, everything it imports. `source` replaces the
/// file's contents (for `eval`). Errors are messages for `error: ...`.
pub fn load<'s>(
    scope: &mut v8::HandleScope<'s>,
    url: &Url,
    source: Option<String>,
    is_main: bool,
) -> Result<v8::Local<'s, v8::Module>, String> {
    if let Some(module) = state(scope).modules.by_url.get(url.as_str()).cloned() {
        return Ok(v8::Local::new(scope, module));
    }
    let path = url
        .to_file_path()
        .map_err(|_| format!("Invalid module path \"{url}\""))?;
    let source = match source {
        Some(s) => s,
        None => std::fs::read_to_string(&path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("Module not found \"{url}\"."),
            _ => format!("Cannot load module \"{url}\": {e}"),
        })?,
    };
    let compiled = compiler::compile(&path, &source).map_err(|e| {
        let at = e.offset.map(|o| location(&source, o as usize));
        match at {
            Some((line, col, text)) => format!(
                "SyntaxError: {}\n{}\n    at {url}:{line}:{col}",
                e.message,
                code_frame(text, col as u32)
            ),
            None => format!("SyntaxError: {}\n    at {url}", e.message),
        }
    })?;

    // The map first: V8's own syntax errors are reported at the source position.
    let map = &mut state(scope).modules;
    map.source_maps.insert(url.to_string(), compiled.source_map);
    let module = compile_module(scope, url.as_str(), &compiled.code)?;
    let global = v8::Global::new(scope, module);
    let map = &mut state(scope).modules;
    map.by_url.insert(url.to_string(), global);
    map.by_hash
        .entry(module.get_identity_hash())
        .or_default()
        .push(url.to_string());
    if is_main {
        map.main = Some(url.to_string());
    }

    // The imports as written, then any the JavaScript has beyond them: every module
    // they name must exist before anything runs.
    let mut specifiers = compiled.imports;
    let requests = module.get_module_requests();
    for i in 0..requests.length() {
        let request: v8::Local<v8::ModuleRequest> = requests
            .get(scope, i)
            .and_then(|d| d.try_into().ok())
            .expect("V8 module request");
        let specifier = request.get_specifier().to_rust_string_lossy(scope);
        if !specifiers.contains(&specifier) {
            specifiers.push(specifier);
        }
    }
    for specifier in specifiers {
        let dep = resolve(&specifier, url).map_err(|e| format!("{e}\n    at {url}"))?;
        load(scope, &dep, None, false).map_err(|e| {
            if e.starts_with("Module not found") {
                format!("{e}\n    at {url}")
            } else {
                e
            }
        })?;
    }
    Ok(module)
}

fn compile_module<'s>(
    scope: &mut v8::HandleScope<'s>,
    url: &str,
    code: &str,
) -> Result<v8::Local<'s, v8::Module>, String> {
    let code =
        v8::String::new(scope, code).ok_or_else(|| format!("Module too large: \"{url}\""))?;
    let origin = crate::isolate::script_origin(scope, url, true);
    let source = v8::script_compiler::Source::new(code, Some(&origin));
    let tc = &mut v8::TryCatch::new(scope);
    if let Some(module) = v8::script_compiler::compile_module(tc, source) {
        return Ok(module);
    }
    let Some(message) = tc.message() else {
        return Err(format!("Uncaught SyntaxError\n    at {url}"));
    };
    let text = message.get(tc).to_rust_string_lossy(tc);
    let line = message.get_line_number(tc).unwrap_or(0) as u32;
    let col = message.get_start_column() as u32 + 1;
    Err(match map_location_with_text(tc, url, line, col) {
        Some(pos) => {
            let frame = pos
                .code_frame()
                .map(|f| format!("\n{f}"))
                .unwrap_or_default();
            format!("{text}{frame}\n    at {url}:{}:{}", pos.line, pos.col)
        }
        None => format!("{text}\n    at {url}:{line}:{col}"),
    })
}

/// 1-based line and column (in characters) of byte `offset`, and that line's text.
fn location(source: &str, offset: usize) -> (usize, usize, &str) {
    let offset = offset.min(source.len());
    let before = &source[..source.floor_char_boundary(offset)];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[line_start..]
        .find('\n')
        .map_or(source.len(), |i| line_start + i);
    let line = before.matches('\n').count() + 1;
    let col = before[line_start..].chars().count() + 1;
    (
        line,
        col,
        source[line_start..line_end].trim_end_matches('\r'),
    )
}

/// V8 asks for each import of a module being instantiated; all were loaded before.
pub fn resolve_callback<'a>(
    context: v8::Local<'a, v8::Context>,
    specifier: v8::Local<'a, v8::String>,
    _assertions: v8::Local<'a, v8::FixedArray>,
    referrer: v8::Local<'a, v8::Module>,
) -> Option<v8::Local<'a, v8::Module>> {
    // SAFETY: V8 calls this with the context entered, on the isolate's thread.
    let scope = &mut unsafe { v8::CallbackScope::new(context) };
    let specifier = specifier.to_rust_string_lossy(scope);
    let map = &state(scope).modules;
    let referrer = Url::parse(map.url_of(referrer)?).ok()?;
    let url = resolve(&specifier, &referrer).ok()?;
    let module = map.by_url.get(url.as_str())?.clone();
    Some(v8::Local::new(scope, module))
}

/// `import.meta.url` and `import.meta.main`.
pub extern "C" fn import_meta_callback(
    context: v8::Local<v8::Context>,
    module: v8::Local<v8::Module>,
    meta: v8::Local<v8::Object>,
) {
    // SAFETY: as above.
    let scope = &mut unsafe { v8::CallbackScope::new(context) };
    let scope = &mut v8::HandleScope::new(scope);
    let map = &state(scope).modules;
    let Some(url) = map.url_of(module).cloned() else {
        return;
    };
    let is_main = map.main.as_deref() == Some(url.as_str());
    let key = v8::String::new(scope, "url").unwrap();
    let value = v8::String::new(scope, &url).unwrap();
    meta.create_data_property(scope, key.into(), value.into());
    let key = v8::String::new(scope, "main").unwrap();
    let value = v8::Boolean::new(scope, is_main);
    meta.create_data_property(scope, key.into(), value.into());
    let key = v8::String::new(scope, "resolve").unwrap();
    let resolve = v8::Function::builder(import_meta_resolve)
        .data(v8::String::new(scope, &url).unwrap().into())
        .build(scope);
    if let Some(resolve) = resolve {
        meta.create_data_property(scope, key.into(), resolve.into());
    }
}

/// `import.meta.resolve(specifier)`: the URL an import of `specifier` from this module
/// would load (a `new Worker` specifier next to the calling module).
fn import_meta_resolve(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    let referrer = args
        .data()
        .map(|d| d.to_rust_string_lossy(scope))
        .unwrap_or_default();
    let specifier = args.get(0).to_rust_string_lossy(scope);
    let resolved = Url::parse(&referrer)
        .map_err(|e| e.to_string())
        .and_then(|referrer| resolve(&specifier, &referrer));
    match resolved {
        Ok(url) => rv.set(v8::String::new(scope, url.as_str()).unwrap().into()),
        Err(e) => {
            let text = v8::String::new(scope, &e).unwrap();
            let e = v8::Exception::type_error(scope, text);
            scope.throw_exception(e);
        }
    }
}
