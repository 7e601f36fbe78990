//! The V8 glue: an isolate started from the startup snapshot, the native `Deno.core`
//! bindings (the one door, `dispatch`, with its fast path for optimized code; and
//! `serialize`/`deserialize`, V8's structured clone, which touch no outside), module
//! evaluation, the event loop and uncaught-error reporting. It knows nothing of
//! particular ops: the op set comes from outside as a [`Dispatch`] (early Deno's
//! `set_dispatch`), so the same glue can run other op sets. Ops see bytes, never V8
//! handles.
use std::ffi::c_void;
use std::fmt;
use std::future::Future;
use std::mem::ManuallyDrop;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use futures_util::stream::{FuturesUnordered, StreamExt};
use futures_util::FutureExt;
use url::Url;
use v8::fast_api::{
    CFunction, CFunctionInfo, CTypeInfo, FastApiCallbackOptions, FastApiTypedArray,
};

use crate::errors::DenoError;
use crate::limits::{Budget, Guard, MemoryLimit, Stopper, Termination};
use crate::modules::{self, ModuleMap};
use crate::source_maps::{self, Position};
use minideno_loader::fetch::ImportCheck;

static SNAPSHOT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/SNAPSHOT.bin"));

/// The op set an isolate runs: what `Deno.core.dispatch` hands every message to.
pub trait Dispatch {
    /// Runs one request. A sync reply goes to `sync_reply` at once (the glue copies a
    /// slice into `Deno.core.shared`, or gives JS a buffer it is given as its own); an
    /// async request returns the future of its reply, which the event
    /// loop drives and delivers to the `Deno.core.recv` callback. Err: the message is
    /// not a request at all, and the door throws it as a TypeError.
    fn dispatch(
        &self,
        control: &[u8],
        zero_copy: Option<ZeroCopyBuf>,
        sync_reply: &mut dyn FnMut(ReplyData),
    ) -> Result<Option<AsyncReply>, DenoError>;

    /// The event loop starts a turn (an op set may budget per turn what it answers at
    /// dispatch).
    fn turn(&self) {}

    /// What decides whether a module may load (a URL before it is read, each redirect
    /// before it is followed), on the thread that loads it. `dynamic`: the modules of a
    /// dynamic `import()`'s graph (its static imports and redirects included); else
    /// those of the main module's static graph (unchecked in Deno's CLI, but a worker's
    /// is checked as its parent's dynamic import).
    fn import_check(&self, _dynamic: bool) -> ImportCheck {
        Box::new(minideno_loader::fetch::unchecked)
    }
}

/// A reply's bytes as an op set hands them over: a slice (a sync reply is copied into
/// `Deno.core.shared`), or a buffer given away, whose bytes from the index on are the
/// reply: a sync one becomes its own ArrayBuffer as it is, with no copy (a big reply).
pub enum ReplyData<'a> {
    Slice(&'a [u8]),
    Owned(Vec<u8>, usize),
}

impl ReplyData<'_> {
    pub fn bytes(&self) -> &[u8] {
        match self {
            ReplyData::Slice(bytes) => bytes,
            ReplyData::Owned(vec, start) => &vec[*start..],
        }
    }
}

/// An async op's reply: a size-prefixed message, delivered back to back with the
/// other replies of its event-loop turn.
pub type AsyncReply = Pin<Box<dyn Future<Output = ReplyBytes>>>;

/// A reply's bytes: small ones (a minimal reply, most FlatBuffers ones) inline, with no
/// allocation of their own.
pub type ReplyBytes = smallvec::SmallVec<[u8; 32]>;

/// The event loop runs Tokio's io driver at least once in this many turns.
const DRIVER_TURNS: u32 = 8;

/// The reused batch buffer starts with room for this many bytes (50 minimal replies).
const BATCH_START_BYTES: usize = 1024;

/// Why a program failed; displayed after `error: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError(pub String);

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScriptError {}

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

/// The bytes of a JS ArrayBufferView, held by their backing store: an async op may
/// keep it (and send it to the blocking pool) after the call, with no copy. JS can
/// still see the bytes meanwhile, as in Deno.
pub struct ZeroCopyBuf {
    store: v8::SharedRef<v8::BackingStore>,
    offset: usize,
    len: usize,
}

// SAFETY: the store's reference count is atomic (a std::shared_ptr) and its memory is
// plain bytes; V8 never frees it while this reference lives.
unsafe impl Send for ZeroCopyBuf {}

impl ZeroCopyBuf {
    /// The view's bytes, with every length read from V8 now: a view past the end of a
    /// shrunk resizable buffer, or over a detached one, is refused.
    fn from_view(
        scope: &mut v8::HandleScope,
        view: v8::Local<v8::ArrayBufferView>,
    ) -> Result<Self, &'static str> {
        let (offset, len) = (view.byte_offset(), view.byte_length());
        let buffer = view.buffer(scope).ok_or("its buffer is gone")?;
        let store = buffer.get_backing_store();
        let available = buffer.byte_length().min(store.byte_length());
        match offset.checked_add(len) {
            Some(end) if end <= available && (len == 0 || store.data().is_some()) => {
                Ok(ZeroCopyBuf { store, offset, len })
            }
            _ => Err("the view reaches past its buffer (detached or shrunk)"),
        }
    }

    /// A buffer of its own holding `bytes` (for tests and embedders).
    pub fn from_vec(bytes: Vec<u8>) -> Self {
        let len = bytes.len();
        let store = v8::ArrayBuffer::new_backing_store_from_vec(bytes).make_shared();
        ZeroCopyBuf {
            store,
            offset: 0,
            len,
        }
    }

    fn ptr(&self) -> *mut u8 {
        match self.store.data() {
            // SAFETY: from_view checked offset + len against the store's length.
            Some(data) => unsafe { (data.as_ptr() as *mut u8).add(self.offset) },
            None => std::ptr::NonNull::dangling().as_ptr(),
        }
    }
}

/// Tests keep a second reference to see what an op wrote into the buffer, as JS would.
#[cfg(test)]
impl Clone for ZeroCopyBuf {
    fn clone(&self) -> Self {
        ZeroCopyBuf {
            store: self.store.clone(),
            ..*self
        }
    }
}

impl std::ops::Deref for ZeroCopyBuf {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        // SAFETY: the store lives as long as self; see ptr().
        unsafe { std::slice::from_raw_parts(self.ptr(), self.len) }
    }
}

impl std::ops::DerefMut for ZeroCopyBuf {
    fn deref_mut(&mut self) -> &mut [u8] {
        // SAFETY: as above.
        unsafe { std::slice::from_raw_parts_mut(self.ptr(), self.len) }
    }
}

/// A buffer shared with JS that replies are copied into and handed over as a view, so
/// that no ArrayBuffer is made per reply: `Deno.core.shared` for sync replies (valid
/// until the next dispatch), `Deno.core.sharedAsync` for batches of async replies
/// (valid during the `Deno.core.recv` callback).
struct SharedReply {
    /// Kept alive here even if JS detaches the buffer, so `data` stays valid.
    _store: v8::SharedRef<v8::BackingStore>,
    data: *mut u8,
    size: usize,
    buffer: v8::Global<v8::ArrayBuffer>,
}

impl SharedReply {
    fn new(scope: &mut v8::HandleScope, size: usize) -> Self {
        let store = v8::ArrayBuffer::new_backing_store_from_vec(vec![0; size]).make_shared();
        let data = store
            .data()
            .expect("a buffer of SHARED_*_SIZE bytes")
            .as_ptr() as *mut u8;
        let buffer = v8::ArrayBuffer::with_backing_store(scope, &store);
        let buffer = v8::Global::new(scope, buffer);
        SharedReply {
            _store: store,
            data,
            size,
            buffer,
        }
    }

    /// Copies `bytes` to the start of the buffer; false if they do not fit.
    fn write(&self, bytes: &[u8]) -> bool {
        if bytes.len() > self.size {
            return false;
        }
        // SAFETY: the store (which owns the vec's memory) holds `size` bytes and lives
        // as long as self; JS reads them only once this (its only thread) hands it the
        // length or a view.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.data, bytes.len()) };
        true
    }

    /// A view of the first `len` bytes; None if JS detached the buffer.
    fn view<'s>(
        &self,
        scope: &mut v8::HandleScope<'s>,
        len: usize,
    ) -> Option<v8::Local<'s, v8::Uint8Array>> {
        let buffer = v8::Local::new(scope, &self.buffer);
        if buffer.byte_length() < len {
            return None;
        }
        v8::Uint8Array::new(scope, buffer, 0, len)
    }

    fn local<'s>(&self, scope: &mut v8::HandleScope<'s>) -> v8::Local<'s, v8::ArrayBuffer> {
        v8::Local::new(scope, &self.buffer)
    }
}

/// Control buffers up to this size are copied out of V8 rather than borrowed.
const SMALL_CONTROL: usize = 64;

/// Sync replies longer than this get an ArrayBuffer of their own.
const SHARED_REPLY_SIZE: usize = 128 * 1024;

/// Batches of async replies longer than this get an ArrayBuffer of their own.
const SHARED_BATCH_SIZE: usize = 64 * 1024;

/// A turn's async replies are delivered in batches of about this size at most (V8
/// cannot make a Uint8Array past 4 GiB, and one huge batch would double the memory).
const MAX_BATCH_BYTES: usize = 64 << 20;

/// Everything the glue keeps per isolate, in the isolate's one slot.
pub(crate) struct IsolateState {
    dispatcher: Rc<dyn Dispatch>,
    pub(crate) modules: ModuleMap,
    /// Promises rejected with no handler yet, in the order V8 reported them.
    rejections: Vec<(v8::Global<v8::Promise>, v8::Global<v8::Value>)>,
    /// The userland's formatter for uncaught errors (returned by `__bootstrap`).
    format_uncaught: Option<v8::Global<v8::Function>>,
    /// Async ops in flight.
    pending: FuturesUnordered<AsyncReply>,
    /// Dynamic imports whose graphs are loading.
    pub(crate) loading: FuturesUnordered<modules::Loading>,
    /// The callback `Deno.core.recv(cb)` registered for async replies.
    recv: Option<v8::Global<v8::Function>>,
    shared: SharedReply,
    shared_async: Rc<SharedReply>,
    /// What the door's fast path left for the slow one to hand over (see fast_dispatch).
    held: Option<Answer>,
    /// Calls that took the door's fast path.
    fast_calls: u64,
    /// The door's copy of the control buffer being dispatched (reused).
    control: Vec<u8>,
    /// Where the last uncaught error was thrown (the user's frame, source-mapped).
    uncaught_at: Option<Position>,
    /// What the buffers made for the script count against (None: no limit).
    budget: Option<Arc<Budget>>,
}

impl IsolateState {
    pub(crate) fn import_check(&self, dynamic: bool) -> ImportCheck {
        self.dispatcher.import_check(dynamic)
    }
}

/// The glue's state of the isolate.
pub(crate) fn state(isolate: &mut v8::Isolate) -> &mut IsolateState {
    isolate
        .get_slot_mut::<IsolateState>()
        .expect("an isolate made by Isolate::new")
}

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
    /// Time the event loop spent waiting for async ops and timers.
    idle: Duration,
    /// Turns in a row that found a reply ready without running Tokio's io driver.
    fast_turns: u32,
    /// Where the next batch of async replies is built (kept across turns).
    batch: Vec<u8>,
}

impl Isolate {
    /// A fresh isolate from the snapshot, running `dispatcher`'s ops, bootstrapped.
    pub fn new(dispatcher: impl Dispatch + 'static) -> Result<Self, ScriptError> {
        Self::with_heap_limit(dispatcher, None)
    }

    /// As `new`, with V8's heap limited to `max_heap_bytes` (None: V8's default), and
    /// ArrayBuffer memory (outside the heap) to as much again.
    pub fn with_heap_limit(
        dispatcher: impl Dispatch + 'static,
        max_heap_bytes: Option<usize>,
    ) -> Result<Self, ScriptError> {
        let memory = max_heap_bytes.map(MemoryLimit::new).transpose();
        Self::with_memory(dispatcher, memory.map_err(ScriptError)?)
    }

    /// As `new`, within `memory` (None: V8's default heap limit), which it shares with
    /// every other isolate made with it (a worker tree). A script that reaches the limit
    /// is terminated, not the process; an ArrayBuffer over its budget is a RangeError.
    pub fn with_memory(
        dispatcher: impl Dispatch + 'static,
        memory: Option<Arc<MemoryLimit>>,
    ) -> Result<Self, ScriptError> {
        init_v8("");
        let mut params = v8::CreateParams::default().snapshot_blob(SNAPSHOT);
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
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| ScriptError(format!("cannot start the event loop: {e}")))?;

        let context = {
            let scope = &mut v8::HandleScope::new(&mut isolate);
            let context = v8::Context::new(scope);
            let scope = &mut v8::ContextScope::new(scope, context);
            let shared = SharedReply::new(scope, SHARED_REPLY_SIZE);
            let shared_async = SharedReply::new(scope, SHARED_BATCH_SIZE);
            let (shared_ab, shared_async_ab) = (shared.local(scope), shared_async.local(scope));
            scope.set_slot(IsolateState {
                dispatcher: Rc::new(dispatcher),
                modules: ModuleMap::default(),
                rejections: Vec::new(),
                format_uncaught: None,
                pending: FuturesUnordered::new(),
                loading: FuturesUnordered::new(),
                recv: None,
                shared,
                shared_async: Rc::new(shared_async),
                held: None,
                fast_calls: 0,
                control: Vec::with_capacity(SMALL_CONTROL),
                uncaught_at: None,
                budget,
            });
            // The door's fast path finds the state through its data (the slot's box
            // does not move).
            let st: *mut IsolateState = state(scope);
            let st = v8::External::new(scope, st as *mut c_void);
            let dispatch = v8::FunctionTemplate::builder(dispatch)
                .data(st.into())
                .constructor_behavior(v8::ConstructorBehavior::Throw)
                .build_fast(scope, &fast_dispatch_overloads())
                .get_function(scope)
                .unwrap();
            let core = v8::Object::new(scope);
            let recv = v8::Function::new(scope, recv).unwrap();
            let serialize = v8::Function::new(scope, serialize).unwrap();
            let deserialize = v8::Function::new(scope, deserialize).unwrap();
            let members = [
                ("dispatch", dispatch.into()),
                ("send", dispatch.into()),
                ("recv", recv.into()),
                ("serialize", serialize.into()),
                ("deserialize", deserialize.into()),
                ("shared", shared_ab.into()),
                ("sharedAsync", shared_async_ab.into()),
            ];
            for (name, value) in members {
                let key = v8::String::new(scope, name).unwrap();
                core.set(scope, key.into(), value);
            }
            let tc = &mut v8::TryCatch::new(scope);
            let key = v8::String::new(tc, "__bootstrap").unwrap();
            let global = context.global(tc);
            let bootstrap: v8::Local<v8::Function> = global
                .get(tc, key.into())
                .and_then(|f| f.try_into().ok())
                .expect("snapshot defines __bootstrap");
            let undefined = v8::undefined(tc).into();
            let hook = bootstrap.call(tc, undefined, &[core.into()]);
            let hook: v8::Local<v8::Function> = match hook.and_then(|h| h.try_into().ok()) {
                Some(hook) => hook,
                None => {
                    let e = tc
                        .exception()
                        .map(|e| e.to_rust_string_lossy(tc))
                        .unwrap_or_default();
                    return Err(ScriptError(format!("bootstrap failed: {e}")));
                }
            };
            state(tc).format_uncaught = Some(v8::Global::new(tc, hook));
            v8::Global::new(tc, context)
        };
        Ok(Isolate {
            context,
            isolate,
            runtime: ManuallyDrop::new(runtime),
            guard,
            idle: Duration::ZERO,
            fast_turns: 0,
            batch: Vec::with_capacity(BATCH_START_BYTES),
        })
    }

    /// Stops the next runs `timeout` from now (None: never): JS is terminated and the
    /// event loop stops waiting. Arm it again before each run.
    pub fn set_timeout(&mut self, timeout: Option<Duration>) -> Result<(), ScriptError> {
        self.guard
            .arm(timeout)
            .map_err(|e| ScriptError(format!("cannot start the watchdog thread: {e}")))
    }

    /// A `Deno.exit` for `State::exit_hook`: it ends this isolate's script (as
    /// `Termination::Exit`), not the process.
    pub fn exit_hook(&self) -> crate::state::ExitHook {
        self.guard.exit_hook()
    }

    /// A handle that stops this isolate from any thread (see `Stopper`).
    pub fn stopper(&self) -> Stopper {
        self.guard.stopper()
    }

    /// Where the last uncaught error was thrown, if it was an Error thrown by a known
    /// line: its module's URL and the line and column in its source.
    pub fn uncaught_position(&mut self) -> Option<Position> {
        state(&mut self.isolate).uncaught_at.take()
    }

    /// The limit that stopped this isolate, if one did; then it runs no more JS.
    pub fn termination(&mut self) -> Option<Termination> {
        self.guard.check()
    }

    /// How many calls through the door optimized code made with V8's fast API call
    /// (no API callback), in total: what a benchmark checks its hot loop takes.
    pub fn fast_calls(&mut self) -> u64 {
        state(&mut self.isolate).fast_calls
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
        let (module, promise) = {
            let scope = &mut v8::HandleScope::with_context(&mut self.isolate, &self.context);
            match modules::run(scope, url, source, false, true) {
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

    /// Runs module `url` (with its imports) and the event loop until nothing is
    /// pending; returns its default export (what a promise settled with).
    pub fn execute_module(&mut self, url: &Url) -> Result<v8::Global<v8::Value>, ScriptError> {
        let result = self.module_default(url);
        self.limited(result)
    }

    fn module_default(&mut self, url: &Url) -> Result<v8::Global<v8::Value>, ScriptError> {
        let module = self.evaluate_module(url, None)?;
        let runtime = self.runtime.handle().clone();
        let _entered = runtime.enter();
        let promise = {
            let scope = &mut v8::HandleScope::with_context(&mut self.isolate, &self.context);
            let module = v8::Local::new(scope, module);
            let namespace: v8::Local<v8::Object> = module
                .get_module_namespace()
                .try_into()
                .expect("a module namespace is an object");
            let key = v8::String::new(scope, "default").unwrap();
            let value = namespace
                .get(scope, key.into())
                .unwrap_or_else(|| v8::undefined(scope).into());
            promise_of(scope, value)
        };
        self.run_event_loop(&promise)?;
        self.settled(&promise, "the module's default export never settled")
    }

    /// Runs the event loop until no op, no timer, no dynamic import and no V8
    /// background task (such as a WebAssembly compilation) is pending: each turn runs
    /// the tasks V8 posted to this thread, waits for async ops to finish (and imports
    /// to load), hands their replies to JS in bounded batches, then runs microtasks. Fails on an unhandled rejection (except
    /// `main`, the main module's evaluation, which its caller reports).
    fn run_event_loop(&mut self, main: &v8::Global<v8::Promise>) -> Result<(), ScriptError> {
        let platform = &PLATFORM.get().expect("V8 initialized").0;
        loop {
            state(&mut self.isolate).dispatcher.turn();
            while v8::Platform::pump_message_loop(platform, &mut self.isolate, false) {}
            {
                let scope = &mut v8::HandleScope::with_context(&mut self.isolate, &self.context);
                scope.perform_microtask_checkpoint();
                let rejections = std::mem::take(&mut state(scope).rejections);
                if let Some((_, e)) = rejections.into_iter().find(|(p, _)| p != main) {
                    let e = v8::Local::new(scope, e);
                    return Err(uncaught(scope, e, true));
                }
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
            if let Some(Some(loaded)) = state(&mut self.isolate).loading.next().now_or_never() {
                self.finish_import(loaded);
                continue;
            }
            let pending = &mut state(&mut self.isolate).pending;
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
            let deadline = self.guard.deadline();
            let stopped = std::pin::pin!(self.guard.stopped());
            let st = state(&mut self.isolate);
            let (pending, loading) = (&mut st.pending, &mut st.loading);
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
                            (true, true) => Wait::Done,
                            (false, true) => pending.next().await.map_or(Wait::Done, Wait::Reply),
                            (true, false) => loading.next().await.map_or(Wait::Done, Wait::Import),
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
                Wait::Done => return Ok(()),
                Wait::Deadline => return Err(ScriptError(self.guard.timed_out().to_string())),
                // The caller reports it (see `limited`).
                Wait::Stopped => return Err(ScriptError("terminated".into())),
            };
            self.deliver(first)?;
        }
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
        let pending = &mut state(&mut self.isolate).pending;
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
        let st = state(scope);
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

/// `Uncaught <error, formatted by the userland>`, with a code frame (the source line
/// and a caret) between an Error's message and its stack, as Deno prints it.
fn uncaught(scope: &mut v8::HandleScope, e: v8::Local<v8::Value>, in_promise: bool) -> ScriptError {
    let tc = &mut v8::TryCatch::new(scope);
    let hook = state(tc).format_uncaught.clone().expect("bootstrapped");
    let hook = v8::Local::new(tc, hook);
    let undefined = v8::undefined(tc).into();
    let mut text = hook
        .call(tc, undefined, &[e])
        .map(|s| s.to_rust_string_lossy(tc))
        .unwrap_or_else(|| e.to_rust_string_lossy(tc));
    let position = e.is_native_error().then(|| user_position(tc, e)).flatten();
    if let Some(frame) = position.as_ref().and_then(Position::code_frame) {
        let at = text.find("\n    at ").unwrap_or(text.len());
        text.insert_str(at, &format!("\n{frame}"));
    }
    state(tc).uncaught_at = position;
    let prefix = if in_promise {
        "Uncaught (in promise)"
    } else {
        "Uncaught"
    };
    ScriptError(format!("{prefix} {text}"))
}

/// A promise resolved with `value`: the same for a value and a promise of one.
fn promise_of(scope: &mut v8::HandleScope, value: v8::Local<v8::Value>) -> v8::Global<v8::Promise> {
    let resolver = v8::PromiseResolver::new(scope).expect("a promise resolver");
    resolver.resolve(scope, value);
    let promise = resolver.get_promise(scope);
    v8::Global::new(scope, promise)
}

/// The origin of a script or module named `name` (its URL).
pub(crate) fn script_origin<'s>(
    scope: &mut v8::HandleScope<'s>,
    name: &str,
    is_module: bool,
) -> v8::ScriptOrigin<'s> {
    let name = v8::String::new(scope, name).unwrap();
    let undefined = v8::undefined(scope);
    v8::ScriptOrigin::new(
        scope,
        name.into(),
        0,
        0,
        false,
        0,
        undefined.into(),
        false,
        false,
        is_module,
    )
}

/// Where `e` was made: the user's frame, source-mapped (with its line's text) if a
/// source map covers it.
fn user_position(scope: &mut v8::HandleScope, e: v8::Local<v8::Value>) -> Option<Position> {
    let trace = v8::Exception::get_stack_trace(scope, e)?;
    // The line to show is the user's: an op's DenoError is made inside the userland,
    // and one delivered by the event loop has no user frame at all (then none is shown).
    let mut shown = None;
    for i in 0..trace.get_frame_count() {
        let Some(frame) = trace.get_frame(scope, i) else {
            continue;
        };
        let Some(url) = frame.get_script_name_or_source_url(scope) else {
            continue;
        };
        let url = url.to_rust_string_lossy(scope);
        if url != minideno_loader::transpile::USERLAND_URL {
            shown = Some((
                url,
                frame.get_line_number() as u32,
                frame.get_column() as u32,
            ));
            break;
        }
    }
    let (url, line, col) = shown?;
    source_maps::map_location_with_text(scope, &url, line, col).or(Some(Position {
        file: url,
        line,
        col,
        text: None,
    }))
}

extern "C" fn promise_reject_callback(message: v8::PromiseRejectMessage) {
    // SAFETY: V8 calls this on the isolate's thread, inside its context.
    let scope = &mut unsafe { v8::CallbackScope::new(&message) };
    let promise = message.get_promise();
    match message.get_event() {
        v8::PromiseRejectEvent::PromiseRejectWithNoHandler => {
            let value = message
                .get_value()
                .unwrap_or_else(|| v8::undefined(scope).into());
            let entry = (
                v8::Global::new(scope, promise),
                v8::Global::new(scope, value),
            );
            state(scope).rejections.push(entry);
        }
        v8::PromiseRejectEvent::PromiseHandlerAddedAfterReject => {
            state(scope).rejections.retain(|(p, _)| *p != promise);
        }
        _ => {}
    }
}

fn throw_type_error(scope: &mut v8::HandleScope, text: &str) {
    let e = type_error(scope, text);
    scope.throw_exception(e);
}

fn type_error<'s>(scope: &mut v8::HandleScope<'s>, text: &str) -> v8::Local<'s, v8::Value> {
    let text = v8::String::new(scope, text).unwrap();
    v8::Exception::type_error(scope, text)
}

/// What one message through the door comes to.
enum Answer {
    /// A sync reply's length at the start of `Deno.core.shared`; 0: no sync reply (an
    /// async request, whose reply comes to `recv`, or a sync op with nothing to say).
    Len(u32),
    /// A sync reply too big for the shared buffer: these bytes from the index on.
    Own(Vec<u8>, usize),
    /// Not a request at all, or not a message: why, for a TypeError.
    Refused(String),
}

/// Hands `control` to the op set; a sync reply is copied into `Deno.core.shared`, an
/// async one's future joins the event loop's.
fn door(st: &mut IsolateState, control: &[u8], zero_copy: Option<ZeroCopyBuf>) -> Answer {
    // The op set reads a copy: the bytes it verifies are the bytes it uses, whatever
    // happens to the script's memory meanwhile (a pool thread may be writing an
    // earlier async op's zero-copy buffer that shares the control's ArrayBuffer).
    st.control.clear();
    st.control.extend_from_slice(control);
    let (shared, control) = (&st.shared, &st.control[..]);
    let mut answer = Answer::Len(0);
    let result = st.dispatcher.dispatch(control, zero_copy, &mut |data| {
        answer = match data {
            ReplyData::Slice(bytes) if shared.write(bytes) => Answer::Len(bytes.len() as u32),
            ReplyData::Slice(bytes) => Answer::Own(bytes.to_vec(), 0),
            ReplyData::Owned(vec, start) => Answer::Own(vec, start),
        }
    });
    match result {
        Ok(None) => answer,
        Ok(Some(pending)) => {
            st.pending.push(pending);
            Answer::Len(0)
        }
        Err(e) => Answer::Refused(e.to_string()),
    }
}

/// The one door, `dispatch(control: ArrayBufferView, zeroCopy?: ArrayBufferView)`.
/// Returns a sync reply's length in `Deno.core.shared` (a Uint8Array of its own if too
/// big for it), or 0: no sync reply; or the TypeError of a refusal, which
/// `Deno.core.dispatch` (js/dispatch.ts) throws. It never throws itself: V8 10.2 loses
/// an exception thrown by the slow call after a fast API call (no handler in the same
/// optimized code sees it). Optimized code calls `fast_dispatch` instead when the
/// control is a Uint32Array (as the userland's requests are).
fn dispatch(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    // The fast path ran this very call and left what only this path can hand over.
    let answer = match state(scope).held.take() {
        Some(held) => held,
        None => read_and_send(scope, &args).unwrap_or_else(Answer::Refused),
    };
    let value = match answer {
        // Its length: JS reads it in place, with no view made per reply.
        Answer::Len(len) => v8::Integer::new_from_unsigned(scope, len).into(),
        Answer::Own(bytes, start) => match uint8_array(scope, bytes, start) {
            Some(reply) => reply.into(),
            None => {
                let text = v8::String::new(scope, NO_ROOM).unwrap();
                v8::Exception::range_error(scope, text)
            }
        },
        Answer::Refused(why) => type_error(scope, &format!("Deno.core.dispatch: {why}")),
    };
    rv.set(value);
}

/// The slow path's arguments, checked, through the door.
fn read_and_send(
    scope: &mut v8::HandleScope,
    args: &v8::FunctionCallbackArguments,
) -> Result<Answer, String> {
    let control = v8::Local::<v8::ArrayBufferView>::try_from(args.get(0))
        .map_err(|_| "control must be an ArrayBufferView".to_string())?;
    // A small control buffer is copied out (cheaper than holding its backing store, as
    // a borrow must), once its buffer's current length is known to cover it (a view of
    // a shrunk resizable buffer still reports its old length); else from_view decides.
    let mut small = [0u8; SMALL_CONTROL];
    let (offset, len) = (control.byte_offset(), control.byte_length());
    let in_bounds = |ab: v8::Local<v8::ArrayBuffer>| offset + len <= ab.byte_length();
    let copied = len <= SMALL_CONTROL
        && control.buffer(scope).is_some_and(in_bounds)
        && control.copy_contents(&mut small) == len;
    let borrowed;
    let control: &[u8] = if copied {
        &small[..len]
    } else {
        borrowed =
            ZeroCopyBuf::from_view(scope, control).map_err(|why| format!("control: {why}"))?;
        &borrowed
    };
    let zero_copy = args.get(1);
    let zero_copy = if zero_copy.is_null_or_undefined() {
        None
    } else {
        let view = v8::Local::<v8::ArrayBufferView>::try_from(zero_copy)
            .map_err(|_| "zeroCopy must be an ArrayBufferView".to_string())?;
        Some(ZeroCopyBuf::from_view(scope, view).map_err(|why| format!("zeroCopy: {why}"))?)
    };
    Ok(door(state(scope), control, zero_copy))
}

/// `Deno.core.dispatch(control)` from optimized code, with V8's fast API: no callback
/// scope, no arguments object, the control's bytes given. An answer only V8 can make
/// into a value (a refusal's TypeError, an ArrayBuffer for a reply too big for
/// `Deno.core.shared`) is held for the slow path, which V8 calls next with the same
/// arguments (`fallback`): the op is not run twice.
extern "C" fn fast_dispatch(
    _receiver: &v8::Value,
    control: &FastApiTypedArray<u32>,
    options: &mut FastApiCallbackOptions,
) -> u32 {
    // SAFETY: the template's data is an External of the isolate's state (Isolate::new),
    // which lives in the isolate's slot as long as the isolate; JS runs only here.
    let st = unsafe { &mut *(options.data_external() as *mut IsolateState) };
    st.fast_calls += 1;
    match door(st, control.bytes(), None) {
        Answer::Len(len) => len,
        held => {
            st.held = Some(held);
            options.fallback = true;
            0
        }
    }
}

/// `Deno.core.dispatch(control, zeroCopy)` from optimized code: the fast path when
/// `zeroCopy` is null or undefined; a buffer is left to the slow path (which borrows it
/// with its backing store), before anything is done.
extern "C" fn fast_dispatch_zero_copy(
    receiver: &v8::Value,
    control: &FastApiTypedArray<u32>,
    zero_copy: &v8::Value,
    options: &mut FastApiCallbackOptions,
) -> u32 {
    if !zero_copy.is_null_or_undefined() {
        options.fallback = true;
        return 0;
    }
    fast_dispatch(receiver, control, options)
}

/// The fast overloads of `Deno.core.dispatch`, for one and for two arguments (V8 picks
/// by the call's arity, so the one-argument overload never drops a zeroCopy).
fn fast_dispatch_overloads() -> [CFunction; 2] {
    use v8::fast_api::{CType, SequenceType};
    const VALUE: CTypeInfo = CTypeInfo::scalar(CType::V8Value);
    const WORDS: CTypeInfo = CTypeInfo::new(CType::Uint32, SequenceType::IsTypedArray);
    const OPTIONS: CTypeInfo = CTypeInfo::scalar(CType::CallbackOptions);
    static ONE: [CTypeInfo; 3] = [VALUE, WORDS, OPTIONS];
    static TWO: [CTypeInfo; 4] = [VALUE, WORDS, VALUE, OPTIONS];
    static INFO: OnceLock<[&CFunctionInfo; 2]> = OnceLock::new();
    let [one, two] = *INFO.get_or_init(|| {
        let ret = CTypeInfo::scalar(CType::Uint32);
        [CFunctionInfo::new(ret, &ONE), CFunctionInfo::new(ret, &TWO)]
    });
    [
        CFunction::new(fast_dispatch as *const c_void, one),
        CFunction::new(fast_dispatch_zero_copy as *const c_void, two),
    ]
}

/// Throws V8's clone errors as `DataCloneError`s, as structuredClone does.
struct CloneErrors;

impl v8::ValueSerializerImpl for CloneErrors {
    fn throw_data_clone_error<'s>(
        &mut self,
        scope: &mut v8::HandleScope<'s>,
        message: v8::Local<'s, v8::String>,
    ) {
        let e = v8::Exception::error(scope, message);
        if let Ok(e) = v8::Local::<v8::Object>::try_from(e) {
            let (key, name) = (
                v8::String::new(scope, "name").unwrap(),
                v8::String::new(scope, "DataCloneError").unwrap(),
            );
            e.set(scope, key.into(), name.into());
        }
        scope.throw_exception(e);
    }
}

impl v8::ValueDeserializerImpl for CloneErrors {}

/// `Deno.core.serialize(value): Uint8Array`: V8's structured clone of `value` (Maps,
/// Sets, Dates, RegExps, typed arrays and cycles survive; functions and symbols throw
/// a DataCloneError).
fn serialize(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    let context = scope.get_current_context();
    use v8::ValueSerializerHelper;
    let mut serializer = v8::ValueSerializer::new(scope, Box::new(CloneErrors));
    serializer.write_header();
    if serializer.write_value(context, args.get(0)) == Some(true) {
        let bytes = serializer.release();
        match uint8_array(scope, bytes, 0) {
            Some(bytes) => rv.set(bytes.into()),
            None => {
                let text = v8::String::new(scope, NO_ROOM).unwrap();
                let e = v8::Exception::range_error(scope, text);
                scope.throw_exception(e);
            }
        }
    }
}

/// `Deno.core.deserialize(bytes: ArrayBufferView)`: the value `serialize` made the bytes
/// of (a new copy of it).
fn deserialize(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    let data = v8::Local::<v8::ArrayBufferView>::try_from(args.get(0))
        .map_err(|_| "bytes must be an ArrayBufferView")
        .and_then(|view| ZeroCopyBuf::from_view(scope, view));
    let data = match data {
        Ok(data) => data,
        Err(why) => return throw_type_error(scope, &format!("Deno.core.deserialize: {why}")),
    };
    let context = scope.get_current_context();
    let tc = &mut v8::TryCatch::new(scope);
    let value = {
        use v8::ValueDeserializerHelper;
        let mut deserializer = v8::ValueDeserializer::new(tc, Box::new(CloneErrors), &data);
        match deserializer.read_header(context) {
            Some(true) => deserializer.read_value(context),
            _ => None,
        }
    };
    match value {
        Some(value) => rv.set(value),
        None if tc.has_caught() => {
            tc.rethrow();
        }
        None => throw_type_error(
            tc,
            "Deno.core.deserialize: the bytes are not a serialized value",
        ),
    }
}

/// `Deno.core.recv(cb)`: registers the one callback that receives async replies.
fn recv(scope: &mut v8::HandleScope, args: v8::FunctionCallbackArguments, _rv: v8::ReturnValue) {
    let Ok(cb) = v8::Local::<v8::Function>::try_from(args.get(0)) else {
        return throw_type_error(scope, "Deno.core.recv: callback must be a function");
    };
    let cb = v8::Global::new(scope, cb);
    state(scope).recv = Some(cb);
}

/// A new Uint8Array of `bytes` from `start` on, over an ArrayBuffer that owns them,
/// counted against the isolate's ArrayBuffer budget. None: it does not fit.
fn uint8_array<'s>(
    scope: &mut v8::HandleScope<'s>,
    bytes: Vec<u8>,
    start: usize,
) -> Option<v8::Local<'s, v8::Uint8Array>> {
    let len = bytes.len() - start;
    let store = crate::limits::owned_buffer(bytes, state(scope).budget.as_ref())?.make_shared();
    let ab = v8::ArrayBuffer::with_backing_store(scope, &store);
    v8::Uint8Array::new(scope, ab, start, len)
}

/// What V8 says when an ArrayBuffer does not fit.
const NO_ROOM: &str = "Array buffer allocation failed";
