//! The static module graph, without V8: a module and everything it imports, loaded
//! (fetch.rs) and compiled to JavaScript (compiler.rs) depth first and without
//! recursion (a chain of 10,000 imports is 10,000 turns of a loop, not a deep stack).
//! `modules.rs` makes V8 modules of it; `minideno info` and `cache` stop here.
use std::collections::HashMap;
use std::path::Path;

use url::Url;

use crate::code_frame::code_frame;
use crate::compiler::{self, Compiled};
use crate::fetch::Source;
use crate::import_map::ImportMap;
use crate::media::MediaType;

/// Resolves an import specifier against the importing module's URL, through `map`
/// (the program's import map) if there is one. A remote module may import only remote
/// ones; an embedder's module (of a scheme of its own) may import its scheme's modules
/// too.
pub fn resolve(specifier: &str, referrer: &Url, map: Option<&ImportMap>) -> Result<Url, String> {
    let url = match map {
        Some(map) => map.resolve(specifier, referrer)?,
        None if ["./", "../", "/"].iter().any(|p| specifier.starts_with(p)) => referrer
            .join(specifier)
            .map_err(|e| format!("Invalid import \"{specifier}\": {e}"))?,
        None => Url::parse(specifier).map_err(|_| {
            format!("Relative import path \"{specifier}\" not prefixed with / or ./ or ../")
        })?,
    };
    const STANDARD: [&str; 3] = ["file", "http", "https"];
    match (referrer.scheme(), url.scheme()) {
        ("http" | "https", "file") => Err(format!(
            "Remote module \"{referrer}\" may not import local module \"{url}\""
        )),
        (_, to) if STANDARD.contains(&to) => Ok(url),
        // An embedder's modules (of its own scheme) import each other.
        (from, to) if from == to => Ok(url),
        (_, scheme) => Err(format!(
            "Unsupported scheme \"{scheme}\" for module \"{url}\""
        )),
    }
}

/// The URL of a module named on the command line: a URL as it is, a path made
/// absolute against `cwd` and percent-encoded (a `#`, `?` or `%` in a file name is
/// part of the name).
pub fn main_url(name: &str, cwd: &Path) -> Result<Url, String> {
    if let Some(url) = Url::parse(name).ok().filter(|u| u.scheme().len() > 1) {
        return Ok(url);
    }
    Url::from_file_path(cwd.join(name)).map_err(|_| format!("invalid module path \"{name}\""))
}

/// One import to load: what it resolved to, who asked, and whether as JSON.
struct Request {
    url: Url,
    referrer: Option<Url>,
    json: bool,
}

impl Request {
    /// `e`, naming the importing module.
    fn fail(&self, e: String) -> String {
        match &self.referrer {
            None => e,
            Some(by) => imported_from(e, by),
        }
    }

    /// Whether the module loaded for this request (`url`) is of the kind it asked for.
    fn check(&self, url: &str, media: MediaType) -> Result<(), String> {
        let json = media == MediaType::Json;
        let what = match media {
            MediaType::Unknown => "an Unknown",
            MediaType::Json => "a JSON",
            _ => "a JavaScript or TypeScript",
        };
        let expected = match (self.json, media) {
            (_, MediaType::Unknown) => "Importing it is not supported.",
            (false, MediaType::Json) => "Import it with { type: \"json\" }.",
            (true, _) if !json => "Only a JSON module answers { type: \"json\" }.",
            _ => return Ok(()),
        };
        let by = match &self.referrer {
            Some(by) => format!(" imported from \"{by}\""),
            None => String::new(),
        };
        Err(format!("\"{url}\"{by} is {what} module. {expected}"))
    }
}

/// `e` (a one-line message), naming the importing module `by`.
fn imported_from(e: String, by: &Url) -> String {
    format!("{} imported from \"{by}\".", e.trim_end_matches('.'))
}

/// A module of the graph: its source, its JavaScript (None for JSON), and the URLs of
/// its static imports in the order written.
pub struct Module {
    pub source: Source,
    pub compiled: Option<Compiled>,
    pub deps: Vec<Url>,
}

/// The modules new to the caller, in the order they were loaded (the root first unless
/// known), and the redirects followed (requested URL -> the module's URL).
#[derive(Default)]
pub struct Graph {
    pub modules: Vec<Module>,
    pub redirects: Vec<(String, String)>,
}

/// Loads module `url` and everything it imports that `known` (URL -> type of a module
/// the caller already has, after its redirects) does not know, each through `fetch`
/// (usually `fetch::fetch`, with the check that may refuse a module before it is read or
/// a redirect before it is followed), imports resolved through `map` (the program's
/// import map, if any). `source` replaces the root's contents (for
/// `eval`); `json`: the root is asked for as JSON. Errors are messages for `error: ...`.
pub fn walk(
    fetch: &dyn Fn(&Url) -> Result<Source, String>,
    map: Option<&ImportMap>,
    url: &Url,
    mut source: Option<String>,
    json: bool,
    known: &dyn Fn(&str) -> Option<MediaType>,
) -> Result<Graph, String> {
    let mut graph = Graph::default();
    let mut loaded: HashMap<String, MediaType> = HashMap::new();
    let mut redirects: HashMap<String, String> = HashMap::new();
    let mut todo = vec![Request {
        url: url.clone(),
        referrer: None,
        json,
    }];
    while let Some(request) = todo.pop() {
        let requested = request.url.as_str();
        let name = redirects.get(requested).map_or(requested, String::as_str);
        if let Some(media) = loaded.get(name).copied().or_else(|| known(name)) {
            request.check(name, media)?;
            continue;
        }
        let source = match source.take() {
            Some(code) => Ok(Source {
                url: request.url.clone(),
                media: MediaType::from_path(request.url.path()),
                local: request.url.to_file_path().unwrap_or_default(),
                code,
            }),
            None => fetch(&request.url),
        }
        .map_err(|e| request.fail(e))?;
        let name = source.url.to_string();
        if source.url != request.url {
            redirects.insert(requested.to_string(), name.clone());
            graph.redirects.push((requested.to_string(), name.clone()));
            if let Some(media) = loaded.get(&name).copied().or_else(|| known(&name)) {
                request.check(&name, media)?;
                continue;
            }
        }
        request.check(&name, source.media)?;
        let compiled = (source.media != MediaType::Json)
            .then(|| compile(&source))
            .transpose()?;
        let imports = compiled.as_ref().map_or(&[][..], |c| &c.imports[..]);
        let deps = imports
            .iter()
            .map(|i| {
                resolve(&i.specifier, &source.url, map).map_err(|e| imported_from(e, &source.url))
            })
            .collect::<Result<Vec<Url>, String>>()?;
        // Pushed last first, so they load in the order they are written.
        for (dep, import) in deps.iter().zip(imports).rev() {
            todo.push(Request {
                url: dep.clone(),
                referrer: Some(source.url.clone()),
                json: import.json,
            });
        }
        loaded.insert(name, source.media);
        graph.modules.push(Module {
            source,
            compiled,
            deps,
        });
    }
    Ok(graph)
}

/// Compiles a module's source, through the cache; a syntax error shows its line.
fn compile(source: &Source) -> Result<Compiled, String> {
    let (url, code) = (&source.url, &source.code);
    compiler::compile(&source.local, source.media, code).map_err(|e| {
        match e.offset.map(|o| location(code, o as usize)) {
            Some((line, col, text)) => format!(
                "SyntaxError: {}\n{}\n    at {url}:{line}:{col}",
                e.message,
                code_frame(text, col as u32)
            ),
            None => format!("SyntaxError: {}\n    at {url}", e.message),
        }
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
