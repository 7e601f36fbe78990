//! The `minideno` binary: parses the command line and runs the command.
// Our own C `main`: std's wrapper reads all of /proc/self/maps before it (~0.2 ms with
// libnode's 130 mappings) to find the main thread's stack guard for its overflow message.
#![no_main]
mod commands;
mod config;
mod flags;
mod repl;
mod watch;

use minideno::exit;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use crate::flags::{Cli, Command, LimitFlags, ModuleFlags, PermissionFlags};
use clap::Parser;
use minideno::limits::{MemoryLimit, Stopper, Termination};
use minideno::loader::fetch::Fetcher;
use minideno::permissions::Grants;
use minideno::trace::TraceMode;
use minideno::workers::WorkerSettings;
use minideno::{init_v8, Dispatcher, Machinery, ScriptError, State};

/// The process's entry, called by libc. What std's wrapper does that we keep: a write
/// to a closed pipe is an EPIPE error, not death by SIGPIPE; a panic exits with 101.
#[unsafe(no_mangle)]
extern "C" fn main(_argc: libc::c_int, _argv: *const *const libc::c_char) -> libc::c_int {
    // SAFETY: setting a signal's disposition before any thread exists.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
    match std::panic::catch_unwind(cli) {
        Ok(()) => 0,
        Err(_) => 101,
    }
}

fn cli() {
    let cli = Cli::parse_from(flags::with_implied_run(std::env::args_os().collect()));
    raise_fd_limit();
    if cli.version || matches!(cli.command, Some(Command::Version)) {
        println!("minideno {}", minideno::VERSION);
        println!("v8 {}", v8::V8::get_version());
        println!("typescript {}", minideno::TRANSPILER_VERSION);
        return;
    }
    if cli.v8_options {
        // V8 prints its flags and ends the process.
        init_v8("--help");
    }
    let result = match cli.command {
        Some(Command::Run {
            permissions,
            modules,
            limits,
            v8_flags,
            seed,
            location,
            trace_ops,
            watch,
            script,
            args,
        }) => Program::new(permissions, modules, Some(&script)).and_then(|program| {
            let options = RunOptions {
                limits: &limits,
                v8_flags: &v8_flags,
                seed,
                location,
                trace_ops,
                watching: None,
            };
            match watch.watch {
                true => run_watching(program, &options, &script, None, args, &watch.watch_exclude),
                false => run(program, &options, &script, None, args),
            }
        }),
        Some(Command::Eval {
            permissions,
            modules,
            print,
            code,
        }) => {
            // As Deno's: the code as console.log's argument.
            let code = if print {
                format!("console.log({code}\n)")
            } else {
                code
            };
            Program::new(permissions, modules, None)
                .and_then(|program| run_source(program, "./$deno$eval.ts", code))
        }
        Some(Command::Test {
            permissions,
            modules,
            filter,
            watch,
            files,
        }) => Program::new(permissions, modules, files.first().map(String::as_str)).and_then(
            |program| {
                let main = commands::test_module(&files, filter.as_deref())?;
                let name = "./$deno$test.ts";
                match watch.watch {
                    true => run_watching(
                        program,
                        &RunOptions::default(),
                        name,
                        Some(main),
                        vec![],
                        &watch.watch_exclude,
                    ),
                    false => run_source(program, name, main),
                }
            },
        ),
        Some(Command::Cache { modules, files }) => {
            fetcher(modules, files.first().map(String::as_str))
                .and_then(|fetcher| commands::cache(&fetcher, &files))
        }
        Some(Command::Info { modules, file }) => {
            fetcher(modules, Some(&file)).and_then(|fetcher| commands::info(&fetcher, &file))
        }
        Some(Command::Task { config, name, args }) => {
            commands::task(config.as_deref(), name.as_deref(), &args).map(|code| exit(code))
        }
        Some(Command::Types) => {
            // What a type checker needs to take it as a standalone .d.ts, as early
            // Deno's began.
            // (A reader that stops early, such as `head`, is no error.)
            let mut out = std::io::stdout().lock();
            let refs =
                "/// <reference no-default-lib=\"true\" />\n/// <reference lib=\"esnext\" />\n\n";
            let _ = out.write_all(refs.as_bytes());
            let _ = out.write_all(minideno::LIB_DENO_D_TS.as_bytes());
            Ok(())
        }
        Some(Command::Version) => unreachable!("printed above"),
        // As Deno's REPL: every permission, unless flags name some.
        Some(Command::Repl {
            permissions,
            modules,
        }) => {
            let all = !permissions.given();
            Program::new(permissions, modules, None).and_then(|mut program| {
                if all {
                    program.grants = Grants::all();
                }
                crate::repl::run(program)
            })
        }
        None => Program::new(PermissionFlags::default(), ModuleFlags::default(), None).and_then(
            |mut program| {
                program.grants = Grants::all();
                crate::repl::run(program)
            },
        ),
    };
    if let Err(e) = result {
        let _ = std::io::stdout().flush();
        eprintln!("error: {e}");
        exit(1);
    }
    // Skip tearing down V8: the process is done.
    exit(0);
}

/// Lets a server hold as many sockets as the hard limit allows (the soft limit is
/// often 1024), as Go and Node do at start.
fn raise_fd_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain syscalls on a local struct.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max
        {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

/// What a program may touch and how it fetches remote modules.
#[derive(Clone)]
pub struct Program {
    pub grants: Grants,
    pub fetcher: Arc<Fetcher>,
}

impl Program {
    /// As the command line's flags say, for the program whose main module (or first
    /// file) is `main` (None: the current directory's).
    fn new(
        permissions: PermissionFlags,
        modules: ModuleFlags,
        main: Option<&str>,
    ) -> Result<Self, ScriptError> {
        Ok(Program {
            grants: permissions.grants(),
            fetcher: fetcher(modules, main)?,
        })
    }
}

/// The fetcher `flags` ask for (a bad `--cert`, timeout, import map or configuration
/// file is an error now), with the configuration file found from `main`'s directory.
fn fetcher(flags: ModuleFlags, main: Option<&str>) -> Result<Arc<Fetcher>, ScriptError> {
    let cwd =
        std::env::current_dir().map_err(|e| ScriptError(format!("the current directory: {e}")))?;
    flags
        .fetcher(&commands::start_dir(main, &cwd))
        .map_err(ScriptError)
}

/// Runs `source` as module `name` (relative to the current directory).
fn run_source(program: Program, name: &str, source: String) -> Result<(), ScriptError> {
    run(program, &RunOptions::default(), name, Some(source), vec![])
}

/// How `run` runs a program, beside its permissions and module settings.
struct RunOptions<'a> {
    limits: &'a LimitFlags,
    v8_flags: &'a str,
    /// `--seed`: deterministic random values and Math.random.
    seed: Option<u64>,
    /// `--location`.
    location: Option<String>,
    trace_ops: Option<TraceMode>,
    /// Under `--watch`: told how to stop the run; the isolate is dropped at the end.
    watching: Option<&'a dyn Fn(Stopper)>,
}

/// No limit, no flag: how `eval` and `test` run.
static NO_LIMITS: LimitFlags = LimitFlags::NONE;

impl Default for RunOptions<'_> {
    fn default() -> Self {
        RunOptions {
            limits: &NO_LIMITS,
            v8_flags: "",
            seed: None,
            location: None,
            trace_ops: None,
            watching: None,
        }
    }
}

/// `--watch`: runs the program, and again whenever a local module of its graph changes
/// (stopping the run in progress); an error, a syntax error included, leaves it
/// watching. Ends only with the process (Ctrl-C, or `Deno.exit`).
fn run_watching(
    program: Program,
    options: &RunOptions,
    script: &str,
    source: Option<String>,
    args: Vec<String>,
    exclude: &[std::path::PathBuf],
) -> Result<(), ScriptError> {
    let cwd =
        std::env::current_dir().map_err(|e| ScriptError(format!("the current directory: {e}")))?;
    let url = minideno::loader::graph::main_url(script, &cwd).map_err(ScriptError)?;
    let mut changes = watch::Changes::new(exclude).map_err(ScriptError)?;
    let mut files = std::collections::HashSet::new();
    loop {
        watch::clear_screen();
        eprintln!("Watcher Process started.");
        // What does not load now keeps the files it loaded before (and its own) watched.
        match watch::local_files(&program.fetcher, &url, source.clone()) {
            Some(now) => files = now,
            None => files.extend(url.to_file_path()),
        }
        changes.watch(files.clone());
        let register = |stopper: Stopper| changes.running(stopper);
        let options = RunOptions {
            limits: options.limits,
            v8_flags: options.v8_flags,
            seed: options.seed,
            location: options.location.clone(),
            trace_ops: options.trace_ops,
            watching: Some(&register),
        };
        let result = run(
            program.clone(),
            &options,
            script,
            source.clone(),
            args.clone(),
        );
        if !changes.take_changed() {
            if let Err(e) = result {
                let _ = std::io::stdout().flush();
                eprintln!("error: {e}");
            }
            eprintln!("Watcher Process finished. Restarting on file change...");
            changes.wait();
        }
        eprintln!("Watcher File change detected! Restarting!");
    }
}

fn run(
    program: Program,
    options: &RunOptions,
    script: &str,
    source: Option<String>,
    args: Vec<String>,
) -> Result<(), ScriptError> {
    let RunOptions {
        limits,
        v8_flags,
        seed,
        ref location,
        trace_ops,
        watching: _,
    } = *options;
    let cwd = std::env::current_dir()
        .map_err(|e| ScriptError(format!("cannot read the current directory: {e}")))?;
    let url = minideno::loader::graph::main_url(script, &cwd).map_err(ScriptError)?;
    match seed {
        // V8's own generator (Math.random) takes the seed as a flag.
        Some(seed) => init_v8(&format!("--random-seed={seed},{v8_flags}")),
        None => init_v8(v8_flags),
    }
    let mut state = State::new(args, Some(url.to_string())).with_permissions(program.grants);
    state.random = seed.map(minideno::ops::seeded).into();
    state.location = location.clone();
    state.fetcher = program.fetcher;
    state.minimal_io = crate::flags::minimal_io().map_err(ScriptError)?;
    let memory = limits
        .max_heap_bytes()
        .map(MemoryLimit::new)
        .transpose()
        .map_err(ScriptError)?;
    state.workers = Some(WorkerSettings {
        memory: memory.clone(),
        seed,
    });
    let mut machinery = Machinery::default();
    if let Some(mode) = trace_ops {
        machinery = machinery.with_tracing(mode, "main");
    }
    let ops = Dispatcher::with(state, machinery);
    let machinery = ops.cx().machinery().clone();
    let mut isolate = minideno::new_isolate(ops, memory)?;
    isolate.set_timeout(limits.timeout)?;
    if let Some(watching) = options.watching {
        watching(isolate.stopper());
    }
    if let Some(after) = limits.timeout {
        backstop(after);
    }
    let result = isolate.run_module(&url, source);
    machinery.finish_trace();
    match (&result, isolate.termination()) {
        // The watcher stopped it, to run it again.
        (_, Some(Termination::Stopped)) if options.watching.is_some() => return Ok(()),
        (Err(e), Some(limit)) => {
            let _ = std::io::stdout().flush();
            eprintln!("error: {e}");
            exit(limit.exit_code());
        }
        _ => {}
    }
    // The process exits next (but under --watch): tearing the isolate down would only
    // cost time.
    if options.watching.is_none() {
        std::mem::forget(isolate);
    }
    result
}

/// How long past `--timeout` the run may take to stop by itself.
const TIMEOUT_GRACE: Duration = Duration::from_millis(500);

/// Ends the process if the run is still going `TIMEOUT_GRACE` after its timeout: V8's
/// termination stops JavaScript, but not a thread blocked in a syscall (a sync read
/// of a silent stdin, the open of a FIFO no one writes).
fn backstop(after: Duration) {
    let _ = std::thread::Builder::new()
        .name("timeout backstop".into())
        .spawn(move || {
            std::thread::sleep(after + TIMEOUT_GRACE);
            let limit = Termination::Timeout { after };
            let _ = std::io::stdout().flush();
            eprintln!("error: {limit} (blocked in a sync op)");
            exit(limit.exit_code());
        });
}
