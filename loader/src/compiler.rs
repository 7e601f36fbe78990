//! User modules to JavaScript: oxc transpiles (see transpile.rs); results are cached on
//! disk under DENO_DIR, keyed by a hash of the source, so an unchanged file is read,
//! not recompiled, on the next run. A cached `.js` ends with a line listing the
//! module's imports as written (the module graph needs them; the JavaScript may have
//! lost some to type elision) and a digest of all before it: an entry that is cut
//! short, emptied or altered is recompiled and written again.
use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use oxc::span::SourceType;

use crate::deno_dir::{deno_dir, write_atomic};
use crate::media::MediaType;
use crate::transpile::{transpile, Import, Linking, TranspileError};

/// A compiled module: its JavaScript, its imports as written, and where its source
/// map is (read only when a stack trace needs it).
pub struct Compiled {
    pub code: String,
    pub imports: Vec<Import>,
    pub source_map: SourceMapLocation,
}

/// Starts the last line of a cached `.js`: the digest of the code and imports, then
/// the imports, percent-encoded, separated by spaces (a JSON import marked `!`).
const IMPORTS_LINE: &str = "\n//# minideno-imports:";

/// Bumped when the cache's format changes, so old entries are not read.
const CACHE_FORMAT: &str = "3";

pub enum SourceMapLocation {
    File(PathBuf),
    /// The cache could not be written: the map is kept in memory.
    Inline(String),
}

/// Where compiled module `key` is cached.
pub fn cache_file(key: &str) -> PathBuf {
    deno_dir().join("gen").join(format!("{key}.js"))
}

/// The cache key of `source` as `media`.
pub fn cache_key(media: MediaType, source: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [crate::TRANSPILER_VERSION, CACHE_FORMAT, media.name()] {
        hasher.update(part);
        hasher.update([0]);
    }
    hasher.update(source);
    format!("{:x}", hasher.finalize())
}

/// Compiles `source` (module `path`, which names it in the source map), of type
/// `media` (JavaScript or TypeScript, with or without JSX), through the cache.
pub fn compile(path: &Path, media: MediaType, source: &str) -> Result<Compiled, TranspileError> {
    let js_path = cache_file(&cache_key(media, source));
    let map_path = js_path.with_extension("js.map");

    if let Ok(mut code) = fs::read_to_string(&js_path) {
        if let Some(imports) = split_imports_line(&mut code).filter(|_| map_path.exists()) {
            return Ok(Compiled {
                code,
                imports,
                source_map: SourceMapLocation::File(map_path),
            });
        }
    }
    let source_type = match media {
        MediaType::TypeScript => SourceType::ts(),
        MediaType::Tsx => SourceType::tsx(),
        MediaType::Jsx => SourceType::jsx(),
        _ => SourceType::mjs(),
    };
    let out = transpile(path, source_type, source, Linking::EsModule)?;
    let mut imports = String::new();
    for import in &out.imports {
        imports.push(' ');
        if import.json {
            imports.push('!');
        }
        imports.extend(url::form_urlencoded::byte_serialize(
            import.specifier.as_bytes(),
        ));
    }
    let imports_line = format!("{IMPORTS_LINE}{}{imports}\n", digest(&out.code, &imports));
    // The map is written first: a .js in the cache implies its map is there.
    let stored = js_path
        .parent()
        .is_some_and(|dir| fs::create_dir_all(dir).is_ok())
        && write_atomic(&map_path, &[out.source_map.as_bytes()]).is_ok()
        && write_atomic(&js_path, &[out.code.as_bytes(), imports_line.as_bytes()]).is_ok();
    let source_map = if stored {
        SourceMapLocation::File(map_path)
    } else {
        SourceMapLocation::Inline(out.source_map)
    };
    Ok(Compiled {
        code: out.code,
        imports: out.imports,
        source_map,
    })
}

/// A short digest of a cache entry's code and imports.
fn digest(code: &str, imports: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(code);
    hasher.update([0]);
    hasher.update(imports);
    format!("{:x}", hasher.finalize())[..16].to_string()
}

/// Takes the imports line off a cached `.js`; None if it is missing or the digest does
/// not match (a damaged entry).
fn split_imports_line(code: &mut String) -> Option<Vec<Import>> {
    let at = code.rfind(IMPORTS_LINE)?;
    let line = code[at + IMPORTS_LINE.len()..].strip_suffix('\n')?;
    let (sum, imports_text) = line.split_at_checked(16)?;
    if digest(&code[..at], imports_text) != sum {
        return None;
    }
    let imports = imports_text
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let json = s.starts_with('!');
            // An encoded token has no `=` or `&`: it parses as one key, the specifier.
            let specifier = url::form_urlencoded::parse(s.trim_start_matches('!').as_bytes())
                .next()
                .map(|(spec, _)| spec.into_owned())
                .unwrap_or_default();
            Import { specifier, json }
        })
        .collect();
    code.truncate(at);
    Some(imports)
}
