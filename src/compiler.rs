//! User modules to JavaScript: oxc transpiles (see transpile.rs); results are cached on
//! disk under DENO_DIR, keyed by a hash of the source, so an unchanged file is read,
//! not recompiled, on the next run. A cached `.js` ends with a line listing the
//! module's imports as written (the module graph needs them; the JavaScript may have
//! lost some to type elision); a file without that line is damaged and recompiled.
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::transpile::{transpile, Linking, TranspileError};

/// A compiled module: its JavaScript, its imports as written, and where its source
/// map is (read only when a stack trace needs it).
pub struct Compiled {
    pub code: String,
    pub imports: Vec<String>,
    pub source_map: SourceMapLocation,
}

/// Starts the last line of a cached `.js`; the imports follow, percent-encoded,
/// separated by spaces.
const IMPORTS_LINE: &str = "\n//# minideno-imports:";

/// Bumped when the cache's format changes, so old entries are not read.
const CACHE_FORMAT: &str = "2";

pub enum SourceMapLocation {
    File(PathBuf),
    /// The cache could not be written: the map is kept in memory.
    Inline(String),
}

/// The cache folder: `$DENO_DIR`, else `$XDG_CACHE_HOME/minideno`, else `~/.cache/minideno`.
pub fn deno_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("DENO_DIR").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    cache.join("minideno")
}

/// Compiles `source` (from `path`; its extension picks TS or JS), through the cache.
pub fn compile(path: &Path, source: &str) -> Result<Compiled, TranspileError> {
    let dir = deno_dir().join("gen");
    let mut hasher = Sha256::new();
    hasher.update(crate::TRANSPILER_VERSION);
    hasher.update([0]);
    hasher.update(CACHE_FORMAT);
    hasher.update([0]);
    hasher.update(path.extension().unwrap_or_default().as_encoded_bytes());
    hasher.update([0]);
    hasher.update(source);
    let key = format!("{:x}", hasher.finalize());
    let js_path = dir.join(format!("{key}.js"));
    let map_path = dir.join(format!("{key}.js.map"));

    if let Ok(mut code) = fs::read_to_string(&js_path) {
        if let Some(imports) = split_imports_line(&mut code).filter(|_| map_path.exists()) {
            return Ok(Compiled {
                code,
                imports,
                source_map: SourceMapLocation::File(map_path),
            });
        }
    }
    let out = transpile(path, source, Linking::EsModule)?;
    let mut imports_line = String::from(IMPORTS_LINE);
    for spec in &out.imports {
        imports_line.push(' ');
        imports_line.extend(url::form_urlencoded::byte_serialize(spec.as_bytes()));
    }
    imports_line.push('\n');
    // The map is written first: a .js in the cache implies its map is there.
    let stored = fs::create_dir_all(&dir).is_ok()
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

/// Takes the imports line off a cached `.js`; None if it is missing (a damaged entry).
fn split_imports_line(code: &mut String) -> Option<Vec<String>> {
    let at = code.rfind(IMPORTS_LINE)?;
    let line = code[at + IMPORTS_LINE.len()..].strip_suffix('\n')?;
    let imports = line
        .split(' ')
        .filter(|s| !s.is_empty())
        // An encoded token has no `=` or `&`: it parses as one key, the specifier.
        .filter_map(|s| url::form_urlencoded::parse(s.as_bytes()).next())
        .map(|(spec, _)| spec.into_owned())
        .collect();
    code.truncate(at);
    Some(imports)
}

/// Writes `parts` via a temporary file and a rename, so concurrent runs never read
/// half a file.
fn write_atomic(path: &Path, parts: &[&[u8]]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut f = fs::File::create(&tmp)?;
    for part in parts {
        f.write_all(part)?;
    }
    drop(f);
    fs::rename(&tmp, path)
}
