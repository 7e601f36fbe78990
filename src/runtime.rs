//! Embedding: run scripts you did not write (webhooks, user extensions) from Rust,
//! under a time limit, a heap limit and permissions, and see what each run cost.
//!
//! ```no_run
//! use std::time::Duration;
//! use minideno::runtime::{Runtime, RuntimeOptions};
//!
//! let mut rt = Runtime::new(RuntimeOptions {
//!     timeout: Some(Duration::from_secs(30)),
//!     max_heap_bytes: Some(10 << 20),
//!     ..Default::default()
//! })?;
//! let sum: u32 = rt.execute_script("sum.js", "param.a + param.b", serde_json::json!({"a": 1, "b": 2}))?.value;
//! assert_eq!(sum, 3);
//! # Ok::<(), minideno::runtime::Error>(())
//! ```
//!
//! Values cross as JSON: params are serialized with serde_json and parsed by V8's
//! `JSON.parse`; the result goes through V8's `JSON.stringify` and serde_json. (serde_v8
//! 0.47-0.49 do pair with our v8 0.43, but they are an old line of Deno's internal
//! crate; JSON's rules for what crosses are the ones script authors know, and its cost
//! is one string per direction, measured in `benches/embed.rs`.)
//!
//! `Deno.exit(code)` ends the script with `Error::Exit { code }`, never the host.
//! Each call runs in a fresh context (unless `reuse_context`), so a call a limit stopped
//! (a timeout, the CPU limit, `Deno.exit`, a stopper) leaves the runtime usable: the
//! next call gets a fresh context in the same isolate. The heap limit leaves it spent
//! (V8 had to raise the heap past the limit to stop the script), and so does any limit
//! with `reuse_context`: later calls fail with `Error::Spent`; dropping it frees its
//! isolate, its event loop and its watchdog thread. A run that fails otherwise (an
//! exception, a denied op) leaves it usable.
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

use crate::host::{HostFunctions, ModuleSources};
use crate::msg::OpCode;
use crate::ops::{Ctx, Dispatcher, Machinery};
use crate::permissions::Grants;
use crate::snapshot::{Snapshot, SnapshotError};
use crate::state::{Output, State};
use crate::trace::TraceMode;
use crate::workers::WorkerSettings;
pub use minideno_core::limits::Termination;
use minideno_core::limits::{thread_cpu_time, MemoryLimit};
use minideno_core::{Isolate, ScriptError};

/// How a `Runtime` runs its scripts.
#[derive(Clone, Debug, Default)]
pub struct RuntimeOptions {
    /// What scripts may touch outside (default: nothing).
    pub permissions: Grants,
    /// Each call is stopped this long after it starts.
    pub timeout: Option<Duration>,
    /// Each call is stopped once it has spent this much CPU time on the runtime's
    /// thread (JS, and ops' work on that thread; waiting spends none).
    pub cpu_limit: Option<Duration>,
    /// V8's heap limit; a script that reaches it is stopped, not the process.
    pub max_heap_bytes: Option<usize>,
    /// Whether modules may load from disk and the network, and workers start (default:
    /// off).
    pub module_loading: bool,
    /// The embedder's own modules, by URL: what `execute_module_code` and `call_export`
    /// load (with the modules they import) without touching the disk.
    pub module_sources: Option<ModuleSources>,
    /// Keep stdout and stderr (console.*) for `take_output` instead of writing them to
    /// the process's own.
    pub capture_output: bool,
    /// Trace ops to stderr as `--trace-ops` does, under this isolate name.
    pub trace: Option<(TraceMode, String)>,
    /// What its isolates start from (default: the userland's own snapshot); see
    /// `snapshot::SnapshotBuilder`.
    pub snapshot: Option<Snapshot>,
    /// Run call after call in the same context: globals, modules and timers of one call
    /// stay for the next (default: each call gets a fresh context from the snapshot, in
    /// the same isolate; nothing leaks from one call to the next).
    pub reuse_context: bool,
    /// The functions scripts may call as `Deno.host.<name>(...)`.
    pub host: HostFunctions,
}

/// Why a call failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The call ran past `RuntimeOptions::timeout` and was stopped.
    Timeout { after: Duration },
    /// The call spent `RuntimeOptions::cpu_limit` of CPU time and was stopped.
    CpuLimit { limit: Duration },
    /// The script's heap reached `RuntimeOptions::max_heap_bytes` and it was stopped.
    HeapLimit { limit: usize },
    /// The script threw (or its promise rejected) and nothing caught it.
    Uncaught { message: String, stack: String },
    /// The script tried something its permissions do not grant, and did not catch it.
    Permission { message: String },
    /// The params could not be serialized.
    Serialize(String),
    /// The result could not be made into the requested type.
    Deserialize(String),
    /// A module could not be loaded, or module loading is off.
    Module(String),
    /// The script called `Deno.exit(code)`: it ended the script, not the host.
    Exit { code: i32 },
    /// `Runtime::stopper()` stopped the call (from another thread).
    Stopped,
    /// The heap limit (or with `reuse_context`, any limit) stopped an earlier call: this
    /// runtime runs no more scripts.
    Spent,
    /// The runtime could not be made.
    Startup(String),
    /// A pool's queue is full: try again later.
    Busy,
    /// A pool lost the job: it panicked, or its thread could not make a runtime.
    Lost,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Timeout { after } => Termination::Timeout { after: *after }.fmt(f),
            Error::CpuLimit { limit } => Termination::CpuLimit { limit: *limit }.fmt(f),
            Error::HeapLimit { limit } => Termination::HeapLimit { limit: *limit }.fmt(f),
            Error::Uncaught { message, .. } => write!(f, "Uncaught {message}"),
            Error::Permission { message } => f.write_str(message),
            Error::Serialize(e) => write!(f, "cannot serialize the params: {e}"),
            Error::Deserialize(e) => write!(f, "cannot deserialize the result: {e}"),
            Error::Module(e) => f.write_str(e),
            Error::Exit { code } => Termination::Exit { code: *code }.fmt(f),
            Error::Stopped => Termination::Stopped.fmt(f),
            Error::Spent => f.write_str("a limit stopped this runtime earlier; make a new one"),
            Error::Startup(e) => write!(f, "cannot start the runtime: {e}"),
            Error::Busy => f.write_str("the pool is busy: its queue is full"),
            Error::Lost => {
                f.write_str("the pool lost the job (it panicked, or no runtime could be made)")
            }
        }
    }
}

impl std::error::Error for Error {}

impl From<SnapshotError> for Error {
    fn from(e: SnapshotError) -> Self {
        Error::Startup(e.0)
    }
}

/// A successful call: its value and what it cost.
#[derive(Debug)]
pub struct Execution<R> {
    pub value: R,
    pub stats: ExecutionStats,
}

/// What one call cost. `wall = js + ops + idle`, as measured on the isolate's thread.
#[derive(Clone, Debug, Default)]
pub struct ExecutionStats {
    pub wall: Duration,
    /// CPU time the runtime's thread spent on the call (its CPU clock): JS, GC work on
    /// that thread and ops' sync parts; not the blocking pool's.
    pub cpu: Duration,
    /// The limit that stopped the call, if one did.
    pub termination: Option<Termination>,
    /// Running JavaScript (wall time not spent in ops or waiting).
    pub js: Duration,
    /// Inside ops on the isolate's thread (dispatch, and each op's sync part).
    pub ops: Duration,
    /// Waiting for async ops (the blocking pool) and timers.
    pub idle: Duration,
    /// V8 heap in use at the end.
    pub heap_used: usize,
    /// The largest heap V8 had committed, sampled at the end (V8 commits memory as the
    /// heap grows and gives it back lazily, so this follows the call's peak).
    pub heap_peak: usize,
    /// Ops dispatched during the call, by schema name.
    pub ops_by_kind: BTreeMap<&'static str, OpStats>,
    /// Host function calls during the call, by name (failed ones too).
    pub host_calls: BTreeMap<String, u64>,
    /// Bytes through the door: control and zero-copy bytes in, reply bytes out.
    pub bytes_in: u64,
    pub bytes_out: u64,
    /// Calls through the door that optimized code made by its fast path (V8's fast API
    /// call, no API callback), refused messages included.
    pub fast_calls: u64,
}

/// One op's share of a call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpStats {
    pub count: u64,
    pub errors: u64,
    pub bytes_in: u64,
    pub bytes_out: u64,
}

/// An isolate with minideno's ops, for running untrusted scripts one call at a time.
/// Not `Send`: make one per thread (several on several threads run independently).
pub struct Runtime {
    isolate: Isolate,
    /// Its ops' state and machinery (output, exit hook, counters).
    cx: Ctx,
    options: RuntimeOptions,
    memory: Option<Arc<MemoryLimit>>,
    /// A call ran in the current context (a fresh one is made before the next, unless
    /// `reuse_context`).
    used: bool,
    spent: bool,
    last_stats: ExecutionStats,
}

impl Runtime {
    pub fn new(options: RuntimeOptions) -> Result<Self, Error> {
        let memory = options.max_heap_bytes.map(MemoryLimit::new).transpose();
        let memory = memory.map_err(Error::Startup)?;
        let ops = ops(&options, &memory);
        let cx = ops.cx().clone();
        let isolate = match &options.snapshot {
            Some(snapshot) => crate::new_isolate_from(snapshot.startup(), ops, memory.clone()),
            None => crate::new_isolate(ops, memory.clone()),
        }
        .map_err(|e| Error::Startup(e.0))?;
        *cx.exit_hook.borrow_mut() = Some(isolate.exit_hook());
        Ok(Runtime {
            isolate,
            cx,
            options,
            memory,
            used: false,
            spent: false,
            last_stats: ExecutionStats::default(),
        })
    }

    /// Makes the context the next call runs in now, if the last call used the current
    /// one (and contexts are not reused): a pool does it between jobs, so that the
    /// next caller does not wait for it. `call` does it too, if it was not done.
    pub fn prepare(&mut self) -> Result<(), Error> {
        if !self.used || self.options.reuse_context || self.spent {
            return Ok(());
        }
        let ops = ops(&self.options, &self.memory);
        let cx = ops.cx().clone();
        // Output not taken yet carries over.
        if let (Output::Capture(new), Output::Capture(_)) = (&cx.output, &self.cx.output) {
            *new.borrow_mut() = self.cx.output.take();
        }
        let loader = crate::userland::loader(&ops);
        self.isolate
            .renew_context(ops, Some(loader))
            .map_err(|e| Error::Startup(e.0))?;
        *cx.exit_hook.borrow_mut() = Some(self.isolate.exit_hook());
        self.cx = cx;
        self.used = false;
        Ok(())
    }

    /// Runs `code`, a classic script named `name`, with `params` at `globalThis.param`
    /// (frozen), its async ops and timers to the end; returns its completion value
    /// (awaited if a promise) as `R`.
    pub fn execute_script<P: Serialize, R: DeserializeOwned>(
        &mut self,
        name: &str,
        code: &str,
        params: P,
    ) -> Result<Execution<R>, Error> {
        self.call(params, |isolate| isolate.execute_script(name, code))
    }

    /// Runs the ES module at `path` (with its imports), `params` at `globalThis.param`;
    /// returns its default export (awaited if a promise) as `R`. Needs
    /// `RuntimeOptions::module_loading`.
    pub fn execute_module<P: Serialize, R: DeserializeOwned>(
        &mut self,
        path: &std::path::Path,
        params: P,
    ) -> Result<Execution<R>, Error> {
        if !self.options.module_loading {
            return Err(Error::Module(
                "module loading is off (RuntimeOptions::module_loading)".into(),
            ));
        }
        let path = std::path::absolute(path).map_err(|e| Error::Module(e.to_string()))?;
        let url = Url::from_file_path(&path)
            .map_err(|()| Error::Module(format!("invalid module path {}", path.display())))?;
        self.call(params, |isolate| isolate.execute_module(&url, None, None))
    }

    /// Runs `code` as the ES module `specifier` (a URL, such as `embed:///main.ts`: its
    /// extension says TypeScript or JavaScript), `params` at `globalThis.param`; returns
    /// its default export (awaited) as `R`. Its imports come from
    /// `RuntimeOptions::module_sources` (and from disk only with `module_loading`).
    pub fn execute_module_code<P: Serialize, R: DeserializeOwned>(
        &mut self,
        specifier: &str,
        code: &str,
        params: P,
    ) -> Result<Execution<R>, Error> {
        let url = module_url(specifier)?;
        let code = code.to_string();
        self.call(params, |isolate| {
            isolate.execute_module(&url, Some(code), None)
        })
    }

    /// Calls the function `export` of module `specifier` (loaded from the
    /// `module_sources`, or from disk with `module_loading`, and evaluated the first
    /// time) with `args` (a tuple or a Vec for several arguments; any other value is
    /// the one argument); returns its result (awaited) as `R`.
    pub fn call_export<A: Serialize, R: DeserializeOwned>(
        &mut self,
        specifier: &str,
        export: &str,
        args: A,
    ) -> Result<Execution<R>, Error> {
        let url = module_url(specifier)?;
        let args = match serde_json::to_value(args).map_err(|e| Error::Serialize(e.to_string()))? {
            args @ serde_json::Value::Array(_) => args,
            one => serde_json::Value::Array(vec![one]),
        };
        let args = args.to_string();
        self.call((), |isolate| {
            isolate.execute_module(&url, None, Some((export, &args)))
        })
    }

    /// A handle that stops the running call from any thread (`terminate`: at once, even
    /// inside `while (true) {}`); as any limit, it leaves the runtime spent only with
    /// `reuse_context`.
    pub fn stopper(&self) -> minideno_core::limits::Stopper {
        self.isolate.stopper()
    }

    /// Whether the heap limit (or with `reuse_context`, any limit) stopped a call: it
    /// runs no more scripts.
    pub fn is_spent(&self) -> bool {
        self.spent
    }

    /// The stats of the last call, whether it succeeded or not.
    pub fn last_stats(&self) -> &ExecutionStats {
        &self.last_stats
    }

    /// What scripts wrote to stdout and stderr since the last take (with
    /// `capture_output`; else empty).
    pub fn take_output(&mut self) -> (Vec<u8>, Vec<u8>) {
        self.cx.output.take()
    }

    fn call<P: Serialize, R: DeserializeOwned>(
        &mut self,
        params: P,
        run: impl FnOnce(&mut Isolate) -> Result<v8::Global<v8::Value>, ScriptError>,
    ) -> Result<Execution<R>, Error> {
        if self.spent {
            return Err(Error::Spent);
        }
        self.prepare()?;
        self.used = true;
        let params = serde_json::to_string(&params).map_err(|e| Error::Serialize(e.to_string()))?;
        self.isolate.with_scope(|scope| set_param(scope, &params))?;
        let before = Counters::read(self.cx.machinery());
        let (start, cpu, idle, fast) = (
            Instant::now(),
            thread_cpu_time(),
            self.isolate.idle_time(),
            self.isolate.fast_calls(),
        );
        self.isolate
            .set_limits(self.options.timeout, self.options.cpu_limit)
            .map_err(|e| Error::Startup(e.0))?;
        let result = run(&mut self.isolate);
        let _ = self.isolate.set_limits(None, None);
        let (wall, cpu) = (start.elapsed(), thread_cpu_time() - cpu);
        let heap = self.isolate.heap_statistics();
        let after = Counters::read(self.cx.machinery());
        self.last_stats = after.since(&before, wall, self.isolate.idle_time() - idle, &heap);
        self.last_stats.fast_calls = self.isolate.fast_calls() - fast;
        self.last_stats.cpu = cpu;
        // Taken at the end of every call, so the counts are this call's own.
        self.last_stats.host_calls = std::mem::take(&mut self.cx.host_calls.borrow_mut());
        self.last_stats.termination = self.isolate.termination();
        if let Some(limit) = self.last_stats.termination {
            let heap = matches!(limit, Termination::HeapLimit { .. });
            self.spent = heap || self.options.reuse_context;
            return Err(match limit {
                Termination::Timeout { after } => Error::Timeout { after },
                Termination::CpuLimit { limit } => Error::CpuLimit { limit },
                Termination::HeapLimit { limit } => Error::HeapLimit { limit },
                Termination::Exit { code } => Error::Exit { code },
                Termination::Stopped => Error::Stopped,
            });
        }
        let value = result.map_err(uncaught)?;
        let json = self.isolate.with_scope(|scope| to_json(scope, &value))?;
        let value = serde_json::from_str(&json).map_err(|e| Error::Deserialize(e.to_string()))?;
        Ok(Execution {
            value,
            stats: self.last_stats.clone(),
        })
    }
}

/// A runtime's ops, with a state of their own as `options` say.
fn ops(options: &RuntimeOptions, memory: &Option<Arc<MemoryLimit>>) -> Dispatcher {
    let mut state = State::new(vec![], None).with_permissions(options.permissions.clone());
    state.host = options.host.clone();
    state.module_sources = options.module_sources.clone();
    if options.capture_output {
        state = state.with_captured_output();
    }
    let mut machinery = Machinery::default().with_op_timing();
    if let Some((mode, name)) = &options.trace {
        machinery = machinery.with_tracing(*mode, name);
    }
    // Workers load modules, and share the runtime's memory limit.
    if options.module_loading {
        state.workers = Some(WorkerSettings {
            memory: memory.clone(),
            seed: None,
        });
    }
    Dispatcher::with(state, machinery)
}

fn module_url(specifier: &str) -> Result<Url, Error> {
    Url::parse(specifier)
        .map_err(|e| Error::Module(format!("invalid module URL \"{specifier}\": {e}")))
}

/// `globalThis.param = JSON.parse(params)`, frozen all the way down and read-only.
fn set_param(scope: &mut v8::HandleScope, params: &str) -> Result<(), Error> {
    let text = v8::String::new(scope, params)
        .ok_or_else(|| Error::Serialize("params too large".into()))?;
    let value = v8::json::parse(scope, text)
        .ok_or_else(|| Error::Serialize("V8 could not parse the params".into()))?;
    // An explicit stack: the nesting depth is the embedder's, not ours to recurse on.
    let mut todo = vec![value];
    while let Some(v) = todo.pop() {
        let Ok(object) = v8::Local::<v8::Object>::try_from(v) else {
            continue;
        };
        object.set_integrity_level(scope, v8::IntegrityLevel::Frozen);
        let names = object
            .get_own_property_names(scope)
            .unwrap_or_else(|| v8::Array::new(scope, 0));
        for i in 0..names.length() {
            let key = names.get_index(scope, i).unwrap();
            if let Some(child) = object.get(scope, key).filter(|c| c.is_object()) {
                todo.push(child);
            }
        }
    }
    let global = scope.get_current_context().global(scope);
    let key = v8::String::new(scope, "param").unwrap();
    global.define_own_property(scope, key.into(), value, v8::READ_ONLY);
    Ok(())
}

/// The value as JSON text; undefined becomes `null`.
fn to_json(scope: &mut v8::HandleScope, value: &v8::Global<v8::Value>) -> Result<String, Error> {
    let value = v8::Local::new(scope, value);
    if value.is_undefined() {
        return Ok("null".into());
    }
    if value.is_function() || value.is_symbol() {
        let what = if value.is_function() {
            "a function"
        } else {
            "a symbol"
        };
        return Err(Error::Deserialize(format!(
            "the result is {what}, which JSON cannot carry"
        )));
    }
    let tc = &mut v8::TryCatch::new(scope);
    match v8::json::stringify(tc, value) {
        Some(json) => Ok(json.to_rust_string_lossy(tc)),
        None => {
            let why = tc
                .exception()
                .map(|e| e.to_rust_string_lossy(tc))
                .unwrap_or_default();
            Err(Error::Deserialize(format!("the result is not JSON: {why}")))
        }
    }
}

/// A failed call as `Error::Uncaught` (or `Permission` for a denied op); a failure
/// that is no exception is a module's that could not be loaded.
fn uncaught(e: ScriptError) -> Error {
    let text = e.0;
    let Some(text) = text
        .strip_prefix("Uncaught (in promise) ")
        .or_else(|| text.strip_prefix("Uncaught "))
    else {
        return Error::Module(text);
    };
    let (message, stack) = text.split_once('\n').unwrap_or((text, ""));
    match message.strip_prefix("PermissionDenied: ") {
        Some(m) => Error::Permission {
            message: m.to_string(),
        },
        None => Error::Uncaught {
            message: message.to_string(),
            stack: stack.to_string(),
        },
    }
}

/// The dispatcher's cumulative counters at one moment.
struct Counters {
    per_op: Vec<OpStats>,
    op_time: Duration,
}

impl Counters {
    fn read(machinery: &Machinery) -> Self {
        let m = &machinery.metrics;
        let per_op = m
            .per_op
            .iter()
            .map(|c| OpStats {
                count: c.count.get(),
                errors: c.errors.get(),
                bytes_in: c.bytes_in.get(),
                bytes_out: c.bytes_out.get(),
            })
            .collect();
        Counters {
            per_op,
            op_time: m.op_time.get(),
        }
    }

    /// The stats of the call between `before` and these counters.
    fn since(
        &self,
        before: &Counters,
        wall: Duration,
        idle: Duration,
        heap: &v8::HeapStatistics,
    ) -> ExecutionStats {
        let mut stats = ExecutionStats {
            wall,
            ops: self.op_time - before.op_time,
            idle,
            heap_used: heap.used_heap_size(),
            heap_peak: heap.total_heap_size(),
            ..Default::default()
        };
        stats.js = wall.saturating_sub(stats.ops + stats.idle);
        for ((op, now), then) in OpCode::ALL.iter().zip(&self.per_op).zip(&before.per_op) {
            let used = OpStats {
                count: now.count - then.count,
                errors: now.errors - then.errors,
                bytes_in: now.bytes_in - then.bytes_in,
                bytes_out: now.bytes_out - then.bytes_out,
            };
            if used.count > 0 {
                stats.bytes_in += used.bytes_in;
                stats.bytes_out += used.bytes_out;
                stats.ops_by_kind.insert(op.name(), used);
            }
        }
        stats
    }
}
