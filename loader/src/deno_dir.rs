//! The cache folder (DENO_DIR) and how files are written into it.
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

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

/// Writes `parts` via a temporary file and a rename, so concurrent runs never read
/// half a file.
pub fn write_atomic(path: &Path, parts: &[&[u8]]) -> std::io::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let mut f = fs::File::create(&tmp)?;
    for part in parts {
        f.write_all(part)?;
    }
    drop(f);
    fs::rename(&tmp, path)
}
