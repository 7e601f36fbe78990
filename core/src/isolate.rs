//! An isolate and its event loop: V8 started from the embedder's snapshot (or bare),
//! `Deno.core` handed to the embedder's bootstrap, modules run and scripts executed,
//! and each turn of the loop delivering async replies, finishing dynamic imports and
//! running microtasks, under the limits of `limits.rs`. The op set, the modules'
//! loader and the builtin script's source map come from outside (options), so the same
//! glue runs minideno's ops, a worker's, an embedder's or a test's mock.
use std::mem::ManuallyDrop;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use futures_util::stream::StreamExt;
use futures_util::FutureExt;
use url::Url;

use crate::door::{self, door_of, uint8_array, Dispatch, ReplyBytes, SHARED_BATCH_SIZE};
use crate::lifecycle::{self, Lifecycle};
use crate::limits::{ExitHook, Guard, MemoryLimit, Stopper, Termination};
use crate::modules::{self, script_origin, LoadKind, LoadedGraph, ModuleLoader, ModuleMap};
use crate::source_maps::{self, Builtin, Position, SourceMaps};
use crate::{clone, text};
use v8::MapFnTo;

use crate::uncaught::{self, errors, promise_reject_callback, uncaught, Errors, ScriptError};

/// A V8 startup snapshot's bytes: one built into the binary, or one made at run time
/// (an embedder's), shared by the isolates made from it.
#[derive(Clone)]
pub enum StartupSnapshot {
    Static(&'static [u8]),
    Shared(Arc<[u8]>),
}

impl std::ops::Deref for StartupSnapshot {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            StartupSnapshot::Static(bytes) => bytes,
            StartupSnapshot::Shared(bytes) => bytes,
        }
    }
}

impl std::borrow::Borrow<[u8]> for StartupSnapshot {
    fn borrow(&self) -> &[u8] {
        self
    }
}

/// How an isolate starts; all optional (`Default`: a bare context, no modules, no
/// limit, `Deno.core` as the global `Deno.core`).
#[derive(Default)]
pub struct IsolateOptions {
    /// The startup snapshot to start from.
    pub snapshot: Option<StartupSnapshot>,
    /// A global function (the snapshot's) called once with `Deno.core`; what it
    /// returns, a function, formats uncaught errors. None: `Deno.core` is put on the
    /// global object as `Deno.core`, and errors show their `stack`.
    pub bootstrap: Option<&'static str>,
    /// The script the snapshot ran, for stack traces and code frames.
    pub builtin: Option<Builtin>,
    /// Where modules come from (None: none load).
    pub loader: Option<Rc<dyn ModuleLoader>>,
    /// The memory limit it shares (None: V8's default heap limit).
    pub memory: Option<Arc<MemoryLimit>>,
}

/// The event loop runs Tokio's io driver at least once in this many turns.
const DRIVER_TURNS: u32 = 8;

/// The reused batch buffer starts with room for this many bytes (50 minimal replies).
const BATCH_START_BYTES: usize = 1024;

/// The V8 platform, shared by every isolate of the process.
struct Platform(v8::SharedRef<v8::Platform>);
// SAFETY: V8's platform is made to be used from every thread.
unsafe impl Send for Platform {}
unsafe impl Sync for Platform {}

static PLATFORM: OnceLock<Platform> = OnceLock::new();

/// Initializes V8 once per process; `v8_flags` (comma- or space-separated, e.g.
/// `--max-old-space-size=64,--stack-size=500`) apply only to the first call.
pub fn init_v8(v8_flags: &str) {
    PLATFORM.get_or_init(|| {
        // The startup snapshot is part of this binary, as trusted as its code: checking
        // its checksum at every start cost ~0.7 ms. (No V8 code cache is used, which the
        // flag would leave unchecked too.) The caller's flags come after, and may undo it.
        // Import attributes: V8 10.2 knows them by their older name, assertions. Fast
        // API calls (off by default in 10.2): the door's fast path, fast_dispatch.
        v8::V8::set_flags_from_string(
            "--no-verify-snapshot-checksum --harmony-import-assertions --turbo-fast-api-calls",
        );
        if !v8_flags.is_empty() {
            v8::V8::set_flags_from_string(&v8_flags.replace(',', " "));
        }
        let platform = v8::new_default_platform(0, false).make_shared();
        v8::V8::initialize_platform(platform.clone());
        v8::V8::initialize();
        Platform(platform)
    });
}

/// The V8 release this binary runs.
pub fn v8_version() -> &'static str {
    v8::V8::get_version()
}

/// A turn's async replies are delivered in batches of about this size at most (V8
/// cannot make a Uint8Array past 4 GiB, and one huge batch would double the memory).
const MAX_BATCH_BYTES: usize = 64 << 20;

pub struct Isolate {
    // Field order matters: globals must drop before the isolate that owns them, and
    // the guard (which V8's heap callback reads) after it.
    context: v8::Global<v8::Context>,
    isolate: v8::OwnedIsolate,
    /// Drives async ops and timers; blocking work goes to its blocking pool. Shut
    /// down in the background on drop: a blocking op stuck in a syscall (a read of
    /// stdin, an open of a FIFO) must not hold the thread that drops the isolate.
    runtime: ManuallyDrop<tokio::runtime::Runtime>,
    guard: Guard,
    /// How its contexts are made (the first, and fresh ones).
    setup: ContextSetup,
    /// Time the event loop spent waiting for async ops and timers.
    idle: Duration,
    /// Turns in a row that found a reply ready without running Tokio's io driver.
    fast_turns: u32,
    /// Where the next batch of async replies is built (kept across turns).
    batch: Vec<u8>,
}

impl Isolate {
    /// A fresh isolate running `dispatcher`'s ops, made as `options` say. A script that
    /// reaches the memory limit is terminated, not the process; an ArrayBuffer over its
    /// budget is a RangeError.
    pub fn new(
        dispatcher: impl Dispatch + 'static,
        options: IsolateOptions,
    ) -> Result<Self, ScriptError> {
        init_v8("");
        let mut params = v8::CreateParams::default();
        if let Some(snapshot) = options.snapshot {
            params = params.snapshot_blob(snapshot);
        }
        let memory = options.memory;
        let mut leased = 0;
        if let Some(memory) = &memory {
            leased = memory.first_lease().map_err(ScriptError)?;
            params = params
                .heap_limits(0, leased)
                .array_buffer_allocator(crate::limits::array_buffer_allocator(memory.budget()));
        }
        let budget = memory.as_ref().map(|m| m.budget().clone());
        let mut isolate = v8::Isolate::new(params);
        let guard = Guard::install(&mut isolate, memory, leased);
        isolate.set_microtasks_policy(v8::MicrotasksPolicy::Explicit);
        // Errors remember where they were made, for the code frame of an uncaught one.
        isolate.set_capture_stack_trace_for_uncaught_exceptions(true, 10);
        isolate.set_prepare_stack_trace_callback(source_maps::prepare_stack_trace);
        isolate.set_promise_reject_callback(promise_reject_callback);
        isolate.set_host_initialize_import_meta_object_callback(modules::import_meta_callback);
        isolate.set_host_import_module_dynamically_callback(modules::dynamic_import_callback);
        isolate.set_slot(ModuleMap::new(options.loader));
        isolate.set_slot(SourceMaps::new(options.builtin));
        isolate.set_slot(Errors::default());
        isolate.set_slot(Lifecycle::default());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ScriptError(format!("cannot start the event loop: {e}")))?;

        let setup = ContextSetup {
            bootstrap: options.bootstrap,
            budget,
        };
        let context = setup.make(&mut isolate, Rc::new(dispatcher))?;
        Ok(Isolate {
            context,
            isolate,
            runtime: ManuallyDrop::new(runtime),
            guard,
            setup,
            idle: Duration::ZERO,
            fast_turns: 0,
            batch: Vec::with_capacity(BATCH_START_BYTES),
        })
    }

    /// Makes the next runs use a fresh context from the snapshot, with `dispatcher`'s ops
    /// and `loader`'s modules: nothing an earlier run made (globals, modules, pending
    /// ops and timers, hooks) is reachable from it. Cheaper than a new isolate: V8's
    /// heap, the event loop and the limits are kept. An isolate a limit stopped runs
    /// again, but after the heap limit (see `Guard::recover`).
    pub fn renew_context(
        &mut self,
        dispatcher: impl Dispatch + 'static,
        loader: Option<Rc<dyn ModuleLoader>>,
    ) -> Result<(), ScriptError> {
        if !self.guard.recover() {
            return self.check_alive();
        }
        self.isolate.set_slot(ModuleMap::new(loader));
        self.isolate.set_slot(Errors::default());
        self.isolate.set_slot(Lifecycle::default());
        self.context = self.setup.make(&mut self.isolate, Rc::new(dispatcher))?;
        Ok(())
    }

    /// Stops the next runs `timeout` from now (None: never): JS is terminated and the
    /// event loop stops waiting. Arm it again before each run.
    pub fn set_timeout(&mut self, timeout: Option<Duration>) -> Result<(), ScriptError> {
        self.set_limits(timeout, None)
    }

    /// [`set_timeout`](Self::set_timeout), and a CPU-time limit: the run is stopped once
    /// this thread (the isolate's) has spent `cpu_limit` more of CPU time. Waiting
    /// spends none; ops on this thread do; the blocking pool's threads do not count.
    pub fn set_limits(
        &mut self,
        timeout: Option<Duration>,
        cpu_limit: Option<Duration>,
    ) -> Result<(), ScriptError> {
        self.guard
            .arm(timeout, cpu_limit)
            .map_err(|e| ScriptError(format!("cannot start the watchdog thread: {e}")))
    }

    /// What `Deno.exit` should do in an isolate that must not end the process (the
    /// op set calls it for its exit op): it ends this isolate's script (as
    /// `Termination::Exit`), not the process.
    pub fn exit_hook(&self) -> ExitHook {
        self.guard.exit_hook()
    }

    /// A handle that stops this isolate from any thread (see `Stopper`).
    pub fn stopper(&self) -> Stopper {
        self.guard.stopper()
    }

    /// Where the last uncaught error was thrown, if it was an Error thrown by a known
    /// line: its module's URL and the line and column in its source.
    pub fn uncaught_position(&mut self) -> Option<Position> {
        errors(&mut self.isolate).uncaught_at.take()
    }

    /// The limit that stopped this isolate, if one did; then it runs no more JS.
    pub fn termination(&mut self) -> Option<Termination> {
        self.guard.check()
    }

    /// How many calls through the door optimized code made with V8's fast API call
    /// (no API callback), in total: what a benchmark checks its hot loop takes.
    pub fn fast_calls(&mut self) -> u64 {
        door_of(&mut self.isolate).fast_calls
    }

    /// Time the event loop has spent waiting for async ops and timers, in total.
    pub fn idle_time(&self) -> Duration {
        self.idle
    }

    /// V8's heap statistics now.
    pub fn heap_statistics(&mut self) -> v8::HeapStatistics {
        let mut stats = v8::HeapStatistics::default();
        self.isolate.get_heap_statistics(&mut stats);
        stats
    }

    /// Runs `f` in a scope of the isolate's context (for embedders converting values).
    pub fn with_scope<R>(&mut self, f: impl FnOnce(&mut v8::HandleScope) -> R) -> R {
        let scope = &mut v8::HandleScope::with_context(&mut self.isolate, &self.context);
        f(scope)
    }

    /// Replaces a failure caused by a limit with the limit's own error.
    fn limited<T>(&mut self, result: Result<T, ScriptError>) -> Result<T, ScriptError> {
        match self.guard.check() {
            Some(t) => Err(ScriptError(t.to_string())),
            None => result,
        }
    }

    /// Adds a native function `name` to the global object: for embedders (the
    /// benchmarks use it for a do-nothing callback, the floor of a JS->Rust call).
    pub fn set_global_function(
        &mut self,
        name: &str,
        callback: impl v8::MapFnTo<v8::FunctionCallback>,
    ) {
        let scope = &mut v8::HandleScope::with_context(&mut self.isolate, &self.context);
        let f = v8::Function::new(scope, callback).unwrap();
        let key = v8::String::new(scope, name).unwrap();
        let global = scope.get_current_context().global(scope);
        global.set(scope, key.into(), f.into());
    }

    /// Loads module `url` with its imports (`source` stands in for the file, for eval),
    /// evaluates it and runs the event loop until nothing is pending.
    pub fn run_module(&mut self, url: &Url, source: Option<String>) -> Result<(), ScriptError> {
        let result = self.evaluate_module(url, source).map(drop);
        self.limited(result)
    }

    /// Loads, evaluates and runs module `url` to the end of the event loop; returns it.
    fn evaluate_module(
        &mut self,
        url: &Url,
        source: Option<String>,
    ) -> Result<v8::Global<v8::Module>, ScriptError> {
        self.check_alive()?;
        // Handlers may use Tokio (spawn a blocking task, make a timer) from inside JS.
        let runtime = self.runtime.handle().clone();
        let _entered = runtime.enter();
        let graph = self.load_main(url, source)?;
        let (module, promise) = {
            let scope = &mut v8::HandleScope::with_context(&mut self.isolate, &self.context);
            match modules::run_loaded(scope, url.as_str(), graph) {
                Ok((module, promise)) => (
                    v8::Global::new(scope, module),
                    v8::Global::new(scope, promise),
                ),
                Err(modules::Failure::Load(e)) => return Err(ScriptError(e)),
                Err(modules::Failure::Thrown(e)) => return Err(uncaught(scope, e, false)),
            }
        };
        self.run_event_loop(&promise)?;
        self.settled(&promise, "Top-level await promise never resolved")?;
        Ok(module)
    }

    /// Loads the main module's graph on a loader thread, waiting no longer than the
    /// deadline, or until a `Stopper` stops the isolate: a download that hangs never
    /// holds this thread past them.
    fn load_main(&mut self, url: &Url, source: Option<String>) -> Result<LoadedGraph, ScriptError> {
        let loading = modules::start_load(
            &mut self.isolate,
            url.as_str(),
            source,
            false,
            LoadKind::Main,
        )
        .map_err(ScriptError)?;
        let deadline = self.guard.deadline();
        let stopped = self.guard.stopped();
        let waited = self.runtime.block_on(async {
            let loaded = async {
                match deadline {
                    Some(at) => tokio::time::timeout_at(at.into(), loading).await.ok(),
                    None => Some(loading.await),
                }
            };
            match futures_util::future::select(std::pin::pin!(loaded), std::pin::pin!(stopped))
                .await
            {
                futures_util::future::Either::Left((loaded, _)) => loaded,
                futures_util::future::Either::Right(_) => None,
            }
        });
        match waited {
            Some(Ok(graph)) => graph.map_err(ScriptError),
            Some(Err(_)) => Err(ScriptError(format!("Module \"{url}\" was not loaded"))),
            // The caller reports the limit (see `limited`).
            None if self.guard.deadline().is_some_and(|at| Instant::now() >= at) => {
                Err(ScriptError(self.guard.timed_out().to_string()))
            }
            None => Err(ScriptError("terminated".into())),
        }
    }

    /// The value `promise` settled with, once the event loop has run dry.
    fn settled(
        &mut self,
        promise: &v8::Global<v8::Promise>,
        pending: &str,
    ) -> Result<v8::Global<v8::Value>, ScriptError> {
        let scope = &mut v8::HandleScope::with_context(&mut self.isolate, &self.context);
        let promise = v8::Local::new(scope, promise);
        match promise.state() {
            v8::PromiseState::Fulfilled => {
                let value = promise.result(scope);
                Ok(v8::Global::new(scope, value))
            }
            v8::PromiseState::Rejected => {
                let e = promise.result(scope);
                Err(uncaught(scope, e, false))
            }
            v8::PromiseState::Pending => Err(ScriptError(pending.into())),
        }
    }

    /// Fails at once if a limit has stopped this isolate.
    fn check_alive(&mut self) -> Result<(), ScriptError> {
        self.limited(Ok(()))
    }

    /// Runs `code`, a classic script named `name`, and the event loop until nothing is
    /// pending; returns its completion value (what a promise settled with).
    pub fn execute_script(
        &mut self,
        name: &str,
        code: &str,
    ) -> Result<v8::Global<v8::Value>, ScriptError> {
        let result = self.execute(name, code);
        self.limited(result)
    }

    fn execute(&mut self, name: &str, code: &str) -> Result<v8::Global<v8::Value>, ScriptError> {
        self.check_alive()?;
        let runtime = self.runtime.handle().clone();
        let _entered = runtime.enter();
        let promise = {
            let scope = &mut v8::HandleScope::with_context(&mut self.isolate, &self.context);
            let code = v8::String::new(scope, code)
                .ok_or_else(|| ScriptError(format!("script too large: \"{name}\"")))?;
            let origin = script_origin(scope, name, false);
            let tc = &mut v8::TryCatch::new(scope);
            let value = v8::Script::compile(tc, code, Some(&origin)).and_then(|s| s.run(tc));
            let Some(value) = value else {
                let e = tc.exception().unwrap_or_else(|| v8::undefined(tc).into());
                return Err(uncaught(tc, e, false));
            };
            promise_of(tc, value)
        };
        self.run_event_loop(&promise)?;
        self.settled(&promise, "the script's promise never settled")
    }

    /// Runs module `url` (with its imports; `source` stands in for its file) and the event
    /// loop until nothing is pending; returns its default export, or with `call` what its
    /// exported function of that name returns for those arguments (a JSON array), in
    /// either case what a promise settled with. A module evaluated before in this
    /// context is not evaluated again.
    pub fn execute_module(
        &mut self,
        url: &Url,
        source: Option<String>,
        call: Option<(&str, &str)>,
    ) -> Result<v8::Global<v8::Value>, ScriptError> {
        let result = self.module_value(url, source, call);
        self.limited(result)
    }

    fn module_value(
        &mut self,
        url: &Url,
        source: Option<String>,
        call: Option<(&str, &str)>,
    ) -> Result<v8::Global<v8::Value>, ScriptError> {
        let module = self.evaluate_module(url, source)?;
        let runtime = self.runtime.handle().clone();
        let _entered = runtime.enter();
        let promise = {
            let scope = &mut v8::HandleScope::with_context(&mut self.isolate, &self.context);
            let module = v8::Local::new(scope, module);
            let namespace: v8::Local<v8::Object> = module
                .get_module_namespace()
                .try_into()
                .expect("a module namespace is an object");
            let name = call.map_or("default", |(name, _)| name);
            let key = v8::String::new(scope, name).unwrap();
            let value = namespace
                .get(scope, key.into())
                .unwrap_or_else(|| v8::undefined(scope).into());
            let value = match call {
                None => value,
                Some((_, args)) => {
                    let Ok(f) = v8::Local::<v8::Function>::try_from(value) else {
                        return Err(ScriptError(format!(
                            "{url} has no exported function named \"{name}\""
                        )));
                    };
                    let args = v8::String::new(scope, args)
                        .and_then(|text| v8::json::parse(scope, text))
                        .and_then(|v| v8::Local::<v8::Array>::try_from(v).ok())
                        .ok_or_else(|| ScriptError("the arguments are not a JSON array".into()))?;
                    let args: Vec<_> = (0..args.length())
                        .filter_map(|i| args.get_index(scope, i))
                        .collect();
                    let tc = &mut v8::TryCatch::new(scope);
                    let undefined = v8::undefined(tc).into();
                    match f.call(tc, undefined, &args) {
                        Some(value) => value,
                        None => {
                            let e = tc.exception().unwrap_or(undefined);
                            return Err(uncaught(tc, e, false));
                        }
                    }
                }
            };
            promise_of(scope, value)
        };
        self.run_event_loop(&promise)?;
        self.settled(&promise, "the module's export never settled")
    }

    /// Runs the event loop until no op (but unref'd ones), no timer, no dynamic import
    /// and no V8 background task (such as a WebAssembly compilation) is pending: each
    /// turn runs the tasks V8 posted to this thread, waits for async ops to finish (and
    /// imports to load), hands their replies to JS in bounded batches, then runs
    /// microtasks. Fails on an unhandled rejection (except `main`, the main module's
    /// evaluation, which its caller reports).
    fn run_event_loop(&mut self, main: &v8::Global<v8::Promise>) -> Result<(), ScriptError> {
        let platform = &PLATFORM.get().expect("V8 initialized").0;
        loop {
            door_of(&mut self.isolate).turn();
            while v8::Platform::pump_message_loop(platform, &mut self.isolate, false) {}
            {
                let scope = &mut v8::HandleScope::with_context(&mut self.isolate, &self.context);
                scope.perform_microtask_checkpoint();
                uncaught::after_turn(scope, main)?;
                let main_promise = v8::Local::new(scope, main);
                lifecycle::after_turn(scope, main_promise)?;
                // A module that threw (or a script whose promise rejected) ends the run
                // now, as any uncaught error does, not once its timers and ops are done:
                // the caller reports it.
                if v8::Local::new(scope, main).state() == v8::PromiseState::Rejected {
                    return Ok(());
                }
            }
            if self.guard.check().is_some() {
                // The caller reports the limit (see `limited`).
                return Err(ScriptError("terminated".into()));
            }
            let loading = &mut modules::map(&mut self.isolate).imports;
            if let Some(Some(loaded)) = loading.next().now_or_never() {
                self.finish_import(loaded);
                continue;
            }
            let pending = &mut door_of(&mut self.isolate).pending;
            // Replies ready now are taken without entering Tokio; but at least every
            // DRIVER_TURNS turns Tokio's io driver must run, or an op whose socket became
            // ready would wait for as long as other ops are always ready at once.
            let ready = if self.fast_turns < DRIVER_TURNS {
                pending.next().now_or_never().flatten()
            } else {
                None
            };
            if let Some(reply) = ready {
                self.fast_turns += 1;
                self.deliver(reply)?;
                continue;
            }
            self.fast_turns = 0;
            let background = self.isolate.has_pending_background_tasks();
            let busy = door_of(&mut self.isolate).busy();
            let deadline = self.guard.deadline();
            let stopped = std::pin::pin!(self.guard.stopped());
            let pending: *mut _ = &mut door_of(&mut self.isolate).pending;
            let loading: *mut _ = &mut modules::map(&mut self.isolate).imports;
            // SAFETY: two fields of two different slots of the isolate, which live as long
            // as it does; nothing else touches them while the loop waits (no JS runs).
            let (pending, loading) = unsafe { (&mut *pending, &mut *loading) };
            let waited = Instant::now();
            let next = self.runtime.block_on(async {
                let wait = async {
                    // The io driver runs before anything else is polled (see above).
                    // One op alone has nothing to starve: skip the extra poll.
                    if pending.len() > 1 {
                        tokio::task::yield_now().await;
                    }
                    let next = async {
                        use futures_util::future::{select, Either};
                        match (pending.is_empty(), loading.is_empty()) {
                            // Only unref'd ops are left (or none): the loop is over.
                            (_, true) if !busy => Wait::Done,
                            (false, true) => pending.next().await.map_or(Wait::Done, Wait::Reply),
                            (true, _) => loading.next().await.map_or(Wait::Done, Wait::Import),
                            (false, false) => match select(pending.next(), loading.next()).await {
                                Either::Left((reply, _)) => reply.map_or(Wait::Done, Wait::Reply),
                                Either::Right((loaded, _)) => {
                                    loaded.map_or(Wait::Done, Wait::Import)
                                }
                            },
                        }
                    };
                    if !background {
                        return next.await;
                    }
                    // V8 posts a task to this thread when its work is done: wait for
                    // an op at most a millisecond, then look again.
                    let tick = Duration::from_millis(1);
                    match tokio::time::timeout(tick, next).await {
                        Ok(Wait::Done) => {
                            tokio::time::sleep(tick).await;
                            Wait::Again
                        }
                        Ok(next) => next,
                        Err(_) => Wait::Again,
                    }
                };
                let wait = std::pin::pin!(async {
                    match deadline {
                        Some(at) => tokio::time::timeout_at(at.into(), wait)
                            .await
                            .unwrap_or(Wait::Deadline),
                        None => wait.await,
                    }
                });
                match futures_util::future::select(wait, stopped).await {
                    futures_util::future::Either::Left((wait, _)) => wait,
                    futures_util::future::Either::Right(_) => Wait::Stopped,
                }
            });
            self.idle += waited.elapsed();
            let first = match next {
                Wait::Reply(reply) => reply,
                Wait::Import(loaded) => {
                    self.finish_import(loaded);
                    continue;
                }
                Wait::Again => continue,
                Wait::Done => {
                    if self.before_end()? {
                        continue;
                    }
                    return Ok(());
                }
                Wait::Deadline => return Err(ScriptError(self.guard.timed_out().to_string())),
                // The caller reports it (see `limited`).
                Wait::Stopped => return Err(ScriptError("terminated".into())),
            };
            self.deliver(first)?;
        }
    }

    /// The loop has nothing left: the lifecycle's last events. True: work is pending again.
    fn before_end(&mut self) -> Result<bool, ScriptError> {
        let scope = &mut v8::HandleScope::with_context(&mut self.isolate, &self.context);
        lifecycle::before_end(scope, |scope| {
            door_of(scope).busy() || !modules::map(scope).imports.is_empty()
        })
    }

    /// Makes, links and evaluates a dynamic import's loaded graph (its promise settles).
    fn finish_import(&mut self, loaded: modules::Loaded) {
        let scope = &mut v8::HandleScope::with_context(&mut self.isolate, &self.context);
        modules::finish_import(scope, loaded);
    }

    /// Delivers `first` and the other replies ready now, in one batch of at most about
    /// MAX_BATCH_BYTES (the rest go with the next turn).
    fn deliver(&mut self, first: ReplyBytes) -> Result<(), ScriptError> {
        // A large first reply is the batch's start as it is; else the batch is built in
        // the isolate's reused buffer.
        let mut batch = if first.spilled() {
            first.into_vec()
        } else {
            let mut batch = std::mem::take(&mut self.batch);
            batch.clear();
            batch.extend_from_slice(&first);
            batch
        };
        let pending = &mut door_of(&mut self.isolate).pending;
        while batch.len() < MAX_BATCH_BYTES {
            match pending.next().now_or_never() {
                Some(Some(reply)) => batch.extend_from_slice(&reply),
                _ => break,
            }
        }
        self.deliver_batch(batch)
    }

    /// Calls the `Deno.core.recv` callback with a batch of replies.
    /// A batch that fits `Deno.core.sharedAsync` is copied there (no ArrayBuffer is
    /// made, and the buffer is kept for the next turn); a larger one becomes the
    /// ArrayBuffer JS receives, with no copy.
    fn deliver_batch(&mut self, batch: Vec<u8>) -> Result<(), ScriptError> {
        let scope = &mut v8::HandleScope::with_context(&mut self.isolate, &self.context);
        let st = door_of(scope);
        let Some(cb) = st.recv.clone() else {
            return Err(ScriptError(
                "async replies arrived but Deno.core.recv was never called".into(),
            ));
        };
        let shared = st.shared_async.clone();
        let cb = v8::Local::new(scope, cb);
        let view = match shared.write(&batch) {
            true => shared.view(scope, batch.len()),
            false => None,
        };
        let batch = match view {
            Some(view) => {
                if batch.capacity() <= SHARED_BATCH_SIZE {
                    self.batch = batch;
                }
                view
            }
            None => match uint8_array(scope, batch, 0) {
                Some(batch) => batch,
                None => {
                    // Replies the script cannot be given: past its memory limit.
                    self.guard.exceeded();
                    return Err(ScriptError("terminated".into()));
                }
            },
        };
        let tc = &mut v8::TryCatch::new(scope);
        let undefined = v8::undefined(tc).into();
        if cb.call(tc, undefined, &[batch.into()]).is_none() {
            let e = tc.exception().unwrap_or(undefined);
            return Err(uncaught(tc, e, false));
        }
        Ok(())
    }
}

impl Drop for Isolate {
    fn drop(&mut self) {
        // SAFETY: the field is not used again: the isolate is being dropped.
        unsafe { ManuallyDrop::take(&mut self.runtime) }.shutdown_background();
    }
}

/// What the event loop's wait ended with.
enum Wait {
    Reply(ReplyBytes),
    /// A dynamic import's graph has loaded.
    Import(modules::Loaded),
    /// Only V8 background work is pending: look again.
    Again,
    /// Nothing is pending: the loop is over.
    Done,
    Deadline,
    /// A `Stopper` stopped the isolate.
    Stopped,
}

/// A promise resolved with `value`: the same for a value and a promise of one.
fn promise_of(scope: &mut v8::HandleScope, value: v8::Local<v8::Value>) -> v8::Global<v8::Promise> {
    let resolver = v8::PromiseResolver::new(scope).expect("a promise resolver");
    resolver.resolve(scope, value);
    let promise = resolver.get_promise(scope);
    v8::Global::new(scope, promise)
}

/// Hands `core` to the embedder's bootstrap function, which returns the formatter of
/// uncaught errors; without one, `core` becomes the global `Deno.core`.
/// How an isolate's contexts are made.
struct ContextSetup {
    bootstrap: Option<&'static str>,
    /// What the buffers made for the script count against.
    budget: Option<Arc<crate::limits::Budget>>,
}

impl ContextSetup {
    /// A context from the snapshot with `Deno.core` (the door to `dispatcher`, which
    /// replaces any earlier one, and the other bindings), handed to the bootstrap.
    fn make(
        &self,
        isolate: &mut v8::OwnedIsolate,
        dispatcher: Rc<dyn Dispatch>,
    ) -> Result<v8::Global<v8::Context>, ScriptError> {
        let scope = &mut v8::HandleScope::new(isolate);
        let context = v8::Context::new(scope);
        let scope = &mut v8::ContextScope::new(scope, context);
        let core = v8::Object::new(scope);
        door::install(scope, core, dispatcher, self.budget.clone());
        let bindings: [(&str, v8::FunctionCallback); 12] = [
            ("decodeUtf16", text::decode_utf16.map_fn_to()),
            ("decodeLatin1", text::decode_latin1.map_fn_to()),
            ("setLifecycle", lifecycle::set_lifecycle.map_fn_to()),
            ("encodeUtf8", text::encode.map_fn_to()),
            ("encodeUtf8Into", text::encode_into.map_fn_to()),
            ("encodeLatin1Into", text::encode_latin1_into.map_fn_to()),
            ("decodeUtf8", text::decode.map_fn_to()),
            ("serialize", clone::serialize.map_fn_to()),
            ("deserialize", clone::deserialize.map_fn_to()),
            ("detach", clone::detach.map_fn_to()),
            (
                "setUnhandledRejection",
                uncaught::set_unhandled_rejection.map_fn_to(),
            ),
            ("reportUncaught", uncaught::report_uncaught.map_fn_to()),
        ];
        for (name, callback) in bindings {
            let function = v8::Function::new_raw(scope, callback).unwrap();
            let key = v8::String::new(scope, name).unwrap();
            core.set(scope, key.into(), function.into());
        }
        bootstrap(scope, self.bootstrap, core)?;
        Ok(v8::Global::new(scope, context))
    }
}

fn bootstrap(
    scope: &mut v8::HandleScope,
    name: Option<&str>,
    core: v8::Local<v8::Object>,
) -> Result<(), ScriptError> {
    let global = scope.get_current_context().global(scope);
    let Some(name) = name else {
        let deno = v8::Object::new(scope);
        let key = v8::String::new(scope, "core").unwrap();
        deno.set(scope, key.into(), core.into());
        let key = v8::String::new(scope, "Deno").unwrap();
        global.set(scope, key.into(), deno.into());
        return Ok(());
    };
    let tc = &mut v8::TryCatch::new(scope);
    let key = v8::String::new(tc, name).unwrap();
    let Some(bootstrap) = global
        .get(tc, key.into())
        .and_then(|f| v8::Local::<v8::Function>::try_from(f).ok())
    else {
        return Err(ScriptError(format!("the snapshot defines no {name}()")));
    };
    let undefined = v8::undefined(tc).into();
    let format = bootstrap.call(tc, undefined, &[core.into()]);
    match format.and_then(|f| v8::Local::<v8::Function>::try_from(f).ok()) {
        Some(format) => {
            errors(tc).format = Some(v8::Global::new(tc, format));
            Ok(())
        }
        None => {
            let e = tc
                .exception()
                .map(|e| e.to_rust_string_lossy(tc))
                .unwrap_or_default();
            Err(ScriptError(format!("bootstrap failed: {e}")))
        }
    }
}
