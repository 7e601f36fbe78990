//! deno.json and deno.jsonc: found from the main module's directory upward (or named by
//! `--config`), read as JSON with comments. What minideno takes from it: `imports` and
//! `scopes` (an import map, resolved against the file's URL) or `importMap` (a map's
//! path), and `tasks` (`minideno task`). `compilerOptions` is kept for type checking; the
//! other keys Deno knows are accepted, and an unknown one is warned about once.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use minideno::loader::import_map::ImportMap;
use serde_json::{Map, Value};
use url::Url;

/// The file names looked for, in order, in each directory.
const NAMES: [&str; 2] = ["deno.json", "deno.jsonc"];

/// The keys of Deno 2's configuration file.
const KNOWN: [&str; 22] = [
    "bench",
    "compilerOptions",
    "deploy",
    "exclude",
    "exports",
    "fmt",
    "importMap",
    "imports",
    "license",
    "links",
    "lint",
    "lock",
    "name",
    "nodeModulesDir",
    "patch",
    "publish",
    "scopes",
    "tasks",
    "test",
    "unstable",
    "vendor",
    "version",
];

pub struct Config {
    pub path: PathBuf,
    json: Map<String, Value>,
}

impl Config {
    /// The configuration file in `dir` or the nearest directory above it, if any.
    pub fn find(dir: &Path) -> Result<Option<Config>, String> {
        for dir in dir.ancestors() {
            for name in NAMES {
                let path = dir.join(name);
                if path.is_file() {
                    return Config::read(&path).map(Some);
                }
            }
        }
        Ok(None)
    }

    /// The configuration file at `path`. Err: unreadable, or not a JSON(C) object.
    pub fn read(path: &Path) -> Result<Config, String> {
        let fail = |why: String| format!("the config file {}: {why}", path.display());
        let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
        let options = jsonc_parser::ParseOptions::default();
        let json: Value =
            jsonc_parser::parse_to_serde_value(&text, &options).map_err(|e| fail(e.to_string()))?;
        let Value::Object(json) = json else {
            return Err(fail("not a JSON object".into()));
        };
        for key in json.keys().filter(|k| !KNOWN.contains(&k.as_str())) {
            eprintln!(
                "warning: {}: unknown key \"{key}\": ignored",
                path.display()
            );
        }
        let path = std::path::absolute(path).map_err(|e| fail(e.to_string()))?;
        Ok(Config { path, json })
    }

    fn url(&self) -> Result<Url, String> {
        Url::from_file_path(&self.path)
            .map_err(|()| format!("invalid path {}", self.path.display()))
    }

    /// The import map it gives: its `imports` and `scopes`, or the file `importMap`
    /// names (relative to it).
    pub fn import_map(&self) -> Result<Option<ImportMap>, String> {
        let warn = &mut |warning: String| eprintln!("warning: {warning}");
        if let Some(Value::String(file)) = self.json.get("importMap") {
            let path = self.path.parent().unwrap_or(Path::new("/")).join(file);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read the import map {}: {e}", path.display()))?;
            let url = Url::from_file_path(&path).map_err(|()| format!("invalid path {file}"))?;
            return ImportMap::parse(&text, &url, warn).map(Some);
        }
        let mut map = Map::new();
        for key in ["imports", "scopes"] {
            if let Some(value) = self.json.get(key) {
                map.insert(key.into(), value.clone());
            }
        }
        if map.is_empty() {
            return Ok(None);
        }
        ImportMap::parse(&Value::Object(map).to_string(), &self.url()?, warn).map(Some)
    }

    /// Its `tasks`, by name: each a shell command.
    pub fn tasks(&self) -> Result<BTreeMap<String, String>, String> {
        let Some(tasks) = self.json.get("tasks") else {
            return Ok(BTreeMap::new());
        };
        let bad = || {
            format!(
                "{}: \"tasks\" must map names to commands",
                self.path.display()
            )
        };
        let Value::Object(tasks) = tasks else {
            return Err(bad());
        };
        tasks
            .iter()
            .map(|(name, command)| match command {
                Value::String(command) => Ok((name.clone(), command.clone())),
                // Deno 2's long form: { "command": "...", "description": "..." }.
                Value::Object(o) => match o.get("command") {
                    Some(Value::String(command)) => Ok((name.clone(), command.clone())),
                    _ => Err(bad()),
                },
                _ => Err(bad()),
            })
            .collect()
    }
}
