//! The commands beside `run`: `test` (its entry module), `cache` and `info`, which load
//! the module graph (graph.rs) without running it.
use std::collections::HashSet;
use std::path::{Path, PathBuf};

use minideno::loader::fetch::{self, Fetcher};
use minideno::loader::graph::{self, Graph};
use minideno::ScriptError;
use url::Url;

use crate::config::Config;

fn cwd() -> Result<PathBuf, ScriptError> {
    std::env::current_dir()
        .map_err(|e| ScriptError(format!("cannot read the current directory: {e}")))
}

/// Whether `name` is a test file's: `*_test.ts`, `*.test.ts` or `test.ts`, in any of
/// the extensions Deno looks for.
fn is_test_file(name: &str) -> bool {
    let Some((stem, ext)) = name.rsplit_once('.') else {
        return false;
    };
    ["ts", "tsx", "mts", "js", "mjs", "jsx"].contains(&ext)
        && (stem == "test" || stem.ends_with("_test") || stem.ends_with(".test"))
}

/// The test files among `paths` (files as given; directories searched, sorted).
fn test_files(paths: &[String]) -> Result<Vec<PathBuf>, ScriptError> {
    let roots: Vec<PathBuf> = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.iter().map(PathBuf::from).collect()
    };
    let mut found = Vec::new();
    for root in roots {
        if !root.is_dir() {
            if !root.exists() {
                return Err(ScriptError(format!(
                    "No such file or directory: \"{}\"",
                    root.display()
                )));
            }
            found.push(root);
            continue;
        }
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            let entries = std::fs::read_dir(&dir)
                .map_err(|e| ScriptError(format!("cannot read \"{}\": {e}", dir.display())))?;
            let mut entries: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
            entries.sort();
            for path in entries.into_iter().rev() {
                let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
                if name.starts_with('.') || name == "node_modules" {
                    continue;
                }
                if path.is_dir() {
                    dirs.push(path);
                } else if is_test_file(name) {
                    found.push(path);
                }
            }
        }
    }
    found.sort();
    Ok(found)
}

/// The entry module of `minideno test`: it imports every test file (each registers
/// its tests with `Deno.test`), runs them, and exits 1 if one failed.
pub fn test_module(paths: &[String], filter: Option<&str>) -> Result<String, ScriptError> {
    let cwd = cwd()?;
    let files = test_files(paths)?;
    if files.is_empty() {
        return Err(ScriptError("No test modules found".into()));
    }
    let mut main = String::new();
    for file in &files {
        let url = graph::main_url(&file.to_string_lossy(), &cwd).map_err(ScriptError)?;
        main.push_str(&format!(
            "import {};\n",
            serde_json::Value::from(url.as_str())
        ));
    }
    let filter = serde_json::Value::from(filter.unwrap_or(""));
    main.push_str(&format!(
        "const {{ failed }} = await Deno.core.runTests({{ filter: {filter} }});\nif (failed > 0) Deno.exit(1);\n"
    ));
    Ok(main)
}

/// The graph below each of `files`, downloaded and compiled into the cache.
fn load(fetcher: &Fetcher, files: &[String]) -> Result<Vec<(Url, Graph)>, ScriptError> {
    let cwd = cwd()?;
    let mut seen = std::collections::HashMap::new();
    files
        .iter()
        .map(|file| {
            let url = graph::main_url(file, &cwd).map_err(ScriptError)?;
            // Modules already walked from an earlier file are not walked again.
            let known = |name: &str| seen.get(name).copied();
            let fetch = |url: &Url| fetch::fetch(fetcher, url, &fetch::unchecked);
            let graph = graph::walk(&fetch, fetcher.import_map(), &url, None, false, &known)
                .map_err(ScriptError)?;
            seen.extend(
                graph
                    .modules
                    .iter()
                    .map(|m| (m.source.url.to_string(), m.source.media)),
            );
            Ok((url, graph))
        })
        .collect()
}

/// `minideno cache FILE...`: downloads and compiles, runs nothing.
pub fn cache(fetcher: &Fetcher, files: &[String]) -> Result<(), ScriptError> {
    load(fetcher, files).map(drop)
}

/// `minideno info FILE`: the module, then its dependency tree (each module's URL and
/// size; one seen before is marked `*` and not expanded again).
pub fn info(fetcher: &Fetcher, file: &str) -> Result<(), ScriptError> {
    let (url, graph) = load(fetcher, &[file.to_string()])?.remove(0);
    let root = &graph.modules[0];
    let by_url: std::collections::HashMap<&str, &graph::Module> = graph
        .modules
        .iter()
        .map(|m| (m.source.url.as_str(), m))
        .collect();
    let redirected = |u: &Url| -> String {
        graph
            .redirects
            .iter()
            .find(|(from, _)| from == u.as_str())
            .map_or(u.to_string(), |(_, to)| to.clone())
    };
    let total: usize = graph.modules.iter().map(|m| m.source.code.len()).sum();
    println!("local: {}", root.source.local.display());
    println!("type: {}", root.source.media.name());
    if root.compiled.is_some() {
        let key = minideno::loader::compiler::cache_key(root.source.media, &root.source.code);
        println!(
            "compiled: {}",
            minideno::loader::compiler::cache_file(&key).display()
        );
    }
    println!("dependencies: {} unique", graph.modules.len() - 1);
    println!("size: {}", human_size(total));
    println!();
    println!(
        "{} ({})",
        redirected(&url),
        human_size(root.source.code.len())
    );
    // Depth first, without recursion: (module, prefix for its children).
    let mut expanded = HashSet::from([root.source.url.to_string()]);
    let mut todo: Vec<(String, String, bool)> = Vec::new();
    let children = |m: &graph::Module, prefix: &str, todo: &mut Vec<(String, String, bool)>| {
        let n = m.deps.len();
        for (i, dep) in m.deps.iter().enumerate().rev() {
            todo.push((redirected(dep), prefix.to_string(), i + 1 == n));
        }
    };
    children(root, "", &mut todo);
    while let Some((dep, prefix, last)) = todo.pop() {
        // Every import was loaded (or the walk failed): none is missing.
        let Some(&module) = by_url.get(dep.as_str()) else {
            continue;
        };
        let branch = if last { "└─" } else { "├─" };
        let repeat = !expanded.insert(dep.clone());
        let has_children = !module.deps.is_empty() && !repeat;
        let tee = if has_children { "┬" } else { "─" };
        let size = human_size(module.source.code.len());
        let mark = if repeat { " *" } else { "" };
        println!("{prefix}{branch}{tee} {dep} ({size}){mark}");
        if has_children {
            let prefix = format!("{prefix}{}", if last { "  " } else { "│ " });
            children(module, &prefix, &mut todo);
        }
    }
    Ok(())
}

/// Bytes as Deno's `info` shows them: `123B`, `1.23KB`, `4.5MB`.
fn human_size(bytes: usize) -> String {
    let b = bytes as f64;
    let (value, unit) = match bytes {
        0..1024 => return format!("{bytes}B"),
        1024..1048576 => (b / 1024.0, "KB"),
        _ => (b / 1048576.0, "MB"),
    };
    let text = format!("{value:.2}");
    format!("{}{unit}", text.trim_end_matches('0').trim_end_matches('.'))
}

/// Where the configuration file is looked for: `main`'s directory (a local module, or
/// a directory of tests), else `cwd`.
pub fn start_dir(main: Option<&str>, cwd: &Path) -> PathBuf {
    let Some(main) = main else {
        return cwd.to_path_buf();
    };
    let path = match Url::parse(main) {
        Ok(url) if url.scheme() == "file" => url.to_file_path().unwrap_or_default(),
        Ok(url) if url.scheme().len() > 1 => return cwd.to_path_buf(),
        _ => cwd.join(main),
    };
    if path.is_dir() {
        return path;
    }
    path.parent().map_or(cwd.to_path_buf(), Path::to_path_buf)
}

/// `minideno task [NAME [ARGS...]]`: runs the task's command with `sh -c`, the
/// arguments appended, in the configuration file's directory; its exit code. Without a
/// name, lists the tasks.
pub fn task(
    config: Option<&Path>,
    name: Option<&str>,
    args: &[String],
) -> Result<i32, ScriptError> {
    let cwd = cwd()?;
    let config = match config {
        Some(path) => Config::read(path),
        None => Config::find(&cwd)
            .and_then(|c| c.ok_or_else(|| "no deno.json or deno.jsonc here or above".into())),
    }
    .map_err(ScriptError)?;
    let tasks = config.tasks().map_err(ScriptError)?;
    let Some(name) = name else {
        println!("Available tasks ({}):", config.path.display());
        for (name, command) in &tasks {
            println!("- {name}\n    {command}");
        }
        return Ok(0);
    };
    let Some(command) = tasks.get(name) else {
        let known: Vec<&str> = tasks.keys().map(String::as_str).collect();
        return Err(ScriptError(format!(
            "no task named \"{name}\" (tasks: {})",
            known.join(", ")
        )));
    };
    let mut line = command.clone();
    for arg in args {
        // Each argument as one shell word.
        line.push_str(" '");
        line.push_str(&arg.replace('\'', "'\\''"));
        line.push('\'');
    }
    eprintln!("Task {name} {line}");
    let dir = config.path.parent().unwrap_or(Path::new("/"));
    let status = std::process::Command::new("sh")
        .args(["-c", &line])
        .current_dir(dir)
        .status()
        .map_err(|e| ScriptError(format!("cannot run sh: {e}")))?;
    Ok(status.code().unwrap_or(1))
}
