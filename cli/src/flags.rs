//! The command line: `run` (also `minideno SCRIPT`), `eval`, `test`, `cache`, `info`,
//! `types`, `version`, `repl` (also `minideno` alone), and the flags they share:
//! `--allow-*` permissions, and `--reload`/`--cert` for remote modules.
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::config::Config;

use minideno::loader::fetch::{self, Fetcher, Settings, TIMEOUT_VAR};
use minideno::loader::graph;
use minideno::loader::import_map::ImportMap;
use minideno::permissions::{Grant, Grants, NetScope};
use minideno::trace::TraceMode;

#[derive(Parser, Debug)]
#[command(
    name = "minideno",
    about = "A small runtime for TypeScript on V8, early-Deno style"
)]
#[command(disable_version_flag = true)]
pub struct Cli {
    /// Print minideno's, V8's and the transpiler's versions
    #[arg(short = 'V', long)]
    pub version: bool,

    /// Print V8's own flags (for --v8-flags), and exit
    #[arg(long)]
    pub v8_options: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a TypeScript or JavaScript module
    Run {
        #[command(flatten)]
        permissions: PermissionFlags,
        #[command(flatten)]
        modules: ModuleFlags,
        #[command(flatten)]
        limits: LimitFlags,
        /// Flags for V8 itself, comma-separated, e.g. --v8-flags=--max-old-space-size=64,--stack-size=500
        #[arg(long, default_value = "", value_name = "FLAGS")]
        v8_flags: String,
        /// Make crypto.getRandomValues and Math.random deterministic, from this seed
        #[arg(long, value_name = "NUMBER")]
        seed: Option<u64>,
        /// The document location `location` shows (an http or https URL)
        #[arg(long, value_name = "HREF", value_parser = location)]
        location: Option<String>,
        /// Trace ops to stderr: a line per op (--trace-ops), or a table at exit
        /// (--trace-ops=summary)
        #[arg(long, value_name = "MODE", num_args = 0..=1, require_equals = true, default_missing_value = "lines", value_parser = trace_mode())]
        trace_ops: Option<TraceMode>,
        #[command(flatten)]
        watch: WatchFlags,
        /// The module to run (path or URL)
        script: String,
        /// Arguments for the script (Deno.args)
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Evaluate TypeScript code given on the command line
    Eval {
        #[command(flatten)]
        permissions: PermissionFlags,
        #[command(flatten)]
        modules: ModuleFlags,
        /// Print the value of the code (an expression), as console.log prints it
        #[arg(short, long)]
        print: bool,
        /// The code
        code: String,
    },
    /// Run the tests that Deno.test registers in test files (*_test.ts, *.test.ts,
    /// test.ts; and .tsx, .mts, .js, .mjs, .jsx), found in the given files and
    /// directories (default: the current directory)
    Test {
        #[command(flatten)]
        permissions: PermissionFlags,
        #[command(flatten)]
        modules: ModuleFlags,
        /// Run only the tests whose name contains TEXT (or matches /REGEX/)
        #[arg(long, value_name = "TEXT")]
        filter: Option<String>,
        #[command(flatten)]
        watch: WatchFlags,
        /// Test files, or directories to search for them
        files: Vec<String>,
    },
    /// Download and compile modules and all they import, without running them
    #[command(alias = "fetch")]
    Cache {
        #[command(flatten)]
        modules: ModuleFlags,
        /// The modules (paths or URLs)
        #[arg(required = true)]
        files: Vec<String>,
    },
    /// Show a module's dependency tree: URLs, local files, sizes
    Info {
        #[command(flatten)]
        modules: ModuleFlags,
        /// The module (path or URL)
        file: String,
    },
    /// Print the declarations of the Deno namespace and the web APIs, as a .d.ts file
    Types,
    /// Run a task of the configuration file (deno.json "tasks") with the arguments
    /// after it, in the file's directory; without a name, list them
    Task {
        /// The configuration file (default: the nearest deno.json(c) from here up)
        #[arg(short, long, value_name = "FILE")]
        config: Option<PathBuf>,
        /// The task
        name: Option<String>,
        /// Arguments appended to its command
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Print minideno's, V8's and the transpiler's versions (as --version)
    Version,
    /// Read, evaluate and print TypeScript lines (also `minideno` with no command), with
    /// every permission unless flags name some
    Repl {
        #[command(flatten)]
        permissions: PermissionFlags,
        #[command(flatten)]
        modules: ModuleFlags,
    },
}

/// `--location`: an http or https URL, as Deno takes it.
fn location(text: &str) -> Result<String, String> {
    let url = url::Url::parse(text).map_err(|e| format!("not a URL: {e}"))?;
    match url.scheme() {
        "http" | "https" => Ok(url.to_string()),
        other => Err(format!(
            "expected an http or https URL, got scheme {other:?}"
        )),
    }
}

/// `--watch`: run again when a local module of the program changes.
#[derive(Args, Debug, Default)]
pub struct WatchFlags {
    /// Run again whenever a local module of the program's graph changes
    #[arg(long)]
    pub watch: bool,
    /// Files or directories whose changes are ignored (comma-separated)
    #[arg(long, value_name = "PATH", value_delimiter = ',', requires = "watch")]
    pub watch_exclude: Vec<PathBuf>,
}

/// How modules are found and fetched.
#[derive(Args, Debug, Default)]
pub struct ModuleFlags {
    /// Download remote modules again instead of using the cache in $DENO_DIR/deps
    #[arg(short = 'r', long)]
    pub reload: bool,
    /// Trust the CA certificates in this PEM file for https imports, besides the
    /// bundled Mozilla roots
    #[arg(long, value_name = "FILE")]
    pub cert: Option<PathBuf>,
    /// Resolve imports through this import map (a file or URL; WICG import maps:
    /// "imports" and "scopes")
    #[arg(long, alias = "importmap", value_name = "FILE")]
    pub import_map: Option<String>,
    /// The configuration file (deno.json or deno.jsonc; default: the nearest one from
    /// the main module's directory up)
    #[arg(short, long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Use no configuration file
    #[arg(long)]
    pub no_config: bool,
}

impl ModuleFlags {
    /// The configuration file these flags name, or the nearest one from `start` up.
    pub fn config(&self, start: &Path) -> Result<Option<Config>, String> {
        match (&self.config, self.no_config) {
            (_, true) => Ok(None),
            (Some(path), _) => Config::read(path).map(Some),
            (None, _) => Config::find(start),
        }
    }

    /// How modules are found (the import map: `--import-map`, or the configuration
    /// file's, looked for from `start` up) and fetched, as these flags and
    /// `MINIDENO_FETCH_TIMEOUT` say.
    pub fn fetcher(self, start: &Path) -> Result<Arc<Fetcher>, String> {
        let config = self.config(start)?;
        let timeout = match std::env::var(TIMEOUT_VAR) {
            Ok(s) => Some(
                s.parse::<f64>()
                    .ok()
                    .filter(|s| *s > 0.0 && *s < 1e6)
                    .map(Duration::from_secs_f64)
                    .ok_or_else(|| format!("{TIMEOUT_VAR} must be a positive number of seconds"))?,
            ),
            Err(_) => None,
        };
        let settings = Settings {
            reload: self.reload,
            cert: self.cert,
            timeout,
        };
        let fetcher = Fetcher::new(settings)?;
        let Some(name) = self.import_map else {
            return Ok(Arc::new(
                match config.map(|c| c.import_map()).transpose()?.flatten() {
                    Some(map) => fetcher.with_import_map(map),
                    None => fetcher,
                },
            ));
        };
        // Read as a module is (a file, or a remote URL through the cache), before any runs.
        let cwd = std::env::current_dir().map_err(|e| format!("the current directory: {e}"))?;
        let url = graph::main_url(&name, &cwd)?;
        let source = fetch::fetch(&fetcher, &url, &fetch::unchecked)
            .map_err(|e| format!("cannot read the import map: {e}"))?;
        let warn = &mut |warning: String| eprintln!("warning: {warning}");
        let map = ImportMap::parse(&source.code, &source.url, warn)?;
        Ok(Arc::new(fetcher.with_import_map(map)))
    }
}

/// The grants, as Deno spells them: a flag alone grants everything of its kind, a
/// comma-separated list only those scopes (`--allow-read=/tmp,./data`).
#[derive(Args, Debug, Default)]
pub struct PermissionFlags {
    /// Allow everything (every permission below)
    #[arg(short = 'A', long)]
    allow_all: bool,
    /// Allow reading the file system (everywhere, or below the listed paths)
    #[arg(long, value_name = "PATH", num_args = 0.., value_delimiter = ',', require_equals = true)]
    allow_read: Option<Vec<PathBuf>>,
    /// Allow writing the file system (everywhere, or below the listed paths)
    #[arg(long, value_name = "PATH", num_args = 0.., value_delimiter = ',', require_equals = true)]
    allow_write: Option<Vec<PathBuf>>,
    /// Allow network access (any host, or the listed HOST[:PORT]s)
    #[arg(long, value_name = "HOST", num_args = 0.., value_delimiter = ',', require_equals = true, value_parser = NetScope::parse)]
    allow_net: Option<Vec<NetScope>>,
    /// Allow reading and setting environment variables (all, or the listed names)
    #[arg(long, value_name = "NAME", num_args = 0.., value_delimiter = ',', require_equals = true)]
    allow_env: Option<Vec<String>>,
    /// Allow running subprocesses
    #[arg(long)]
    allow_run: bool,
    /// Allow high-resolution time
    #[arg(long)]
    allow_hrtime: bool,
}

impl PermissionFlags {
    /// Whether any permission flag was given.
    pub fn given(&self) -> bool {
        let PermissionFlags {
            allow_all,
            allow_read,
            allow_write,
            allow_net,
            allow_env,
            allow_run,
            allow_hrtime,
        } = self;
        *allow_all
            || *allow_run
            || *allow_hrtime
            || allow_read.is_some()
            || allow_write.is_some()
            || allow_net.is_some()
            || allow_env.is_some()
    }

    pub fn grants(self) -> Grants {
        if self.allow_all {
            return Grants::all();
        }
        fn grant<T>(flag: Option<Vec<T>>) -> Grant<T> {
            match flag {
                None => Grant::None,
                Some(list) if list.is_empty() => Grant::All,
                Some(list) => Grant::Some(list),
            }
        }
        Grants {
            read: grant(self.allow_read),
            write: grant(self.allow_write),
            net: grant(self.allow_net),
            env: grant(self.allow_env),
            run: self.allow_run,
            hrtime: self.allow_hrtime,
        }
    }
}

/// Limits a run stops at, with the exit codes of `limits.rs`.
#[derive(Args, Debug, Default)]
pub struct LimitFlags {
    /// Stop the script after SECONDS (exit code 124)
    #[arg(long, value_name = "SECONDS", value_parser = seconds)]
    pub timeout: Option<Duration>,
    /// Limit V8's heap to MIB mebibytes, at least 8 (exit code 125 when the script reaches it)
    #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u32).range(minideno::limits::MIN_HEAP_MIB as i64..=1 << 20))]
    pub max_heap_size: Option<u32>,
}

impl LimitFlags {
    /// No limit.
    pub const NONE: LimitFlags = LimitFlags {
        timeout: None,
        max_heap_size: None,
    };

    pub fn max_heap_bytes(&self) -> Option<usize> {
        self.max_heap_size.map(|mib| (mib as usize) << 20)
    }
}

fn seconds(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(s) if s > 0.0 && s.is_finite() && s < 1e9 => Ok(Duration::from_secs_f64(s)),
        _ => Err(format!("\"{text}\" is not a positive number of seconds")),
    }
}

/// The environment switch for the encoding of read and write.
pub const IO_ENCODING_VAR: &str = "MINIDENO_IO_ENCODING";

/// `--trace-ops`' modes, by name.
fn trace_mode() -> impl clap::builder::TypedValueParser<Value = TraceMode> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(["lines", "summary"]).map(|mode| match mode.as_str() {
        "summary" => TraceMode::Summary,
        _ => TraceMode::Lines,
    })
}

/// Whether read and write use the minimal encoding: `MINIDENO_IO_ENCODING` unset or
/// "minimal" (the default), or "flatbuffers" to send them as every other op is sent.
pub fn minimal_io() -> Result<bool, String> {
    match std::env::var(IO_ENCODING_VAR).as_deref() {
        Err(std::env::VarError::NotPresent) | Ok("minimal") => Ok(true),
        Ok("flatbuffers") => Ok(false),
        _ => Err(format!(
            "{IO_ENCODING_VAR} must be \"minimal\" or \"flatbuffers\""
        )),
    }
}

/// The command line with `run` put in where early Deno ran a script named without it:
/// `minideno SCRIPT [ARGS...]`, when SCRIPT is no command of ours and names a file (or
/// is a URL).
pub fn with_implied_run(mut argv: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    use clap::CommandFactory;
    let Some(first) = argv.get(1).and_then(|a| a.to_str()) else {
        return argv;
    };
    let command = Cli::command();
    let known = first.starts_with('-')
        || first == "help"
        || command
            .get_subcommands()
            .any(|c| c.get_name() == first || c.get_all_aliases().any(|a| a == first));
    let script = url::Url::parse(first).is_ok_and(|u| u.scheme().len() > 1)
        || std::path::Path::new(first).is_file();
    if !known && script {
        argv.insert(1, "run".into());
    }
    argv
}
