//! How an isolate is stopped when it passes a limit. A deadline: a watchdog thread
//! calls V8's TerminateExecution when it passes (so `while (true) {}` and an endless
//! microtask chain stop) and the event loop stops waiting at it (so an endless timer
//! stops). The heap: V8's near-heap-limit callback raises the limit just enough for
//! the script to unwind and terminates it, where V8 would otherwise abort the whole
//! process. In an embedder's isolate, `Deno.exit` ends the script, not the process.
//! From any thread, a [`Stopper`] ends it (a worker's `terminate()` and `close()`).
//! Whatever stopped it, the isolate is spent: it runs no more JS.
use std::cell::Cell;
use std::ffi::c_void;
use std::fmt;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Why an isolate's execution was stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Termination {
    /// It ran past its deadline.
    Timeout { after: Duration },
    /// Its thread spent more than `limit` of CPU time on it (waiting spends none).
    CpuLimit { limit: Duration },
    /// Its heap reached `limit` bytes.
    HeapLimit { limit: usize },
    /// It called `Deno.exit(code)` in an isolate that must not end the process (an
    /// embedder's).
    Exit { code: i32 },
    /// A [`Stopper`] stopped it (a worker terminated by its parent, or closed).
    Stopped,
}

impl fmt::Display for Termination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Termination::Timeout { after } => {
                write!(f, "Script timed out after {:.1}s", after.as_secs_f64())
            }
            Termination::CpuLimit { limit } => {
                write!(f, "Script used its {:.3}s of CPU time", limit.as_secs_f64())
            }
            Termination::HeapLimit { limit } => {
                write!(
                    f,
                    "Script exceeded its {} MiB heap limit",
                    limit.div_ceil(1 << 20)
                )
            }
            Termination::Exit { code } => write!(f, "Script called Deno.exit({code})"),
            Termination::Stopped => f.write_str("Script was terminated"),
        }
    }
}

impl Termination {
    /// The CLI's exit code for it.
    pub fn exit_code(self) -> i32 {
        match self {
            Termination::Timeout { .. } | Termination::CpuLimit { .. } => EXIT_TIMEOUT,
            Termination::HeapLimit { .. } => EXIT_HEAP_LIMIT,
            Termination::Exit { code } => code,
            Termination::Stopped => 1,
        }
    }
}

/// The memory a program's isolates share (the main one and every worker of its tree,
/// or an embedder's runtime and its workers): one limit for their V8 heaps together,
/// and as much again for the ArrayBuffer memory they hold outside V8's heap.
///
/// V8 fixes an isolate's heap limit when the isolate is made and can only raise it
/// later, so each isolate holds a lease of the limit: taken when it starts, raised in
/// steps as its heap grows (V8's near-heap-limit callback), given back when it ends.
/// The leases never add up to more than the limit, so neither do the heaps; a lease
/// is not given back while its isolate lives, even once its heap shrinks (V8 cannot
/// lower a limit).
pub struct MemoryLimit {
    limit: usize,
    leased: AtomicUsize,
    buffers: Arc<Budget>,
}

/// The smallest heap an isolate starts with: V8 10.2 needs about 5 MiB to deserialize
/// the snapshot (below that it aborts the process, "Fatal javascript OOM in GC during
/// deserialization"); the rest is room for the script.
pub const MIN_HEAP_MIB: usize = 8;

/// The least a lease grows by when a heap reaches it.
const MIN_STEP: usize = 1 << 20;

impl MemoryLimit {
    /// A limit of `limit` bytes, at least MIN_HEAP_MIB.
    pub fn new(limit: usize) -> Result<Arc<Self>, String> {
        if limit < MIN_HEAP_MIB << 20 {
            return Err(format!(
                "a heap limit below {MIN_HEAP_MIB} MiB is too small for V8 to start in"
            ));
        }
        Ok(Arc::new(MemoryLimit {
            limit,
            leased: AtomicUsize::new(0),
            buffers: Arc::new(Budget {
                used: AtomicUsize::new(0),
                limit,
            }),
        }))
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Leases up to `want` bytes of heap, at least `at_least`: how much it got.
    fn lease(&self, want: usize, at_least: usize) -> Option<usize> {
        let mut got = 0;
        self.leased
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |leased| {
                got = want.min(self.limit.saturating_sub(leased));
                (got >= at_least).then_some(leased + got)
            })
            .ok()
            .map(|_| got)
    }

    /// The first lease of a new isolate: what V8 needs to start, and for the first
    /// isolate of a tree (the main one) a quarter of the limit (V8 sizes a heap's young
    /// generation by its limit at start). Err: the other isolates hold too much of it.
    pub(crate) fn first_lease(&self) -> Result<usize, String> {
        let min = MIN_HEAP_MIB << 20;
        let first = self.leased.load(Ordering::SeqCst) == 0;
        let want = if first {
            (self.limit / 4).max(min)
        } else {
            min
        };
        self.lease(want, min).ok_or_else(|| {
            format!(
                "the {} MiB heap limit has no room left for another isolate (each starts with {MIN_HEAP_MIB} MiB)",
                self.limit >> 20
            )
        })
    }

    fn release(&self, bytes: usize) {
        self.leased.fetch_sub(bytes, Ordering::SeqCst);
    }

    /// The budget of ArrayBuffer memory.
    pub(crate) fn budget(&self) -> &Arc<Budget> {
        &self.buffers
    }
}

/// Read by V8's near-heap-limit callback, on the isolate's thread.
struct Heap {
    handle: v8::IsolateHandle,
    /// What the script is told it exceeded.
    limit: usize,
    /// None: no limit of ours (V8's default heap limit, no lease).
    memory: Option<Arc<MemoryLimit>>,
    /// Bytes of `memory` this isolate holds.
    leased: AtomicUsize,
    hit: AtomicBool,
}

impl Drop for Heap {
    fn drop(&mut self) {
        if let Some(memory) = &self.memory {
            memory.release(*self.leased.get_mut());
        }
    }
}

/// Extra heap V8 gets once the limit is reached, so that the allocation in progress
/// succeeds and the script can unwind. A single allocation bigger than this (one JS
/// array of tens of millions of elements) still exhausts it: then V8 cannot fail it
/// softly, and `out_of_memory` ends the process with a clear line.
const UNWIND_ROOM: usize = 256 << 20;

extern "C" fn near_heap_limit(data: *mut c_void, current: usize, _initial: usize) -> usize {
    // SAFETY: `data` is the Guard's boxed Heap, which outlives the isolate.
    let heap = unsafe { &*(data as *const Heap) };
    if !heap.hit.load(Ordering::SeqCst) {
        // Twice the heap, as far as the other isolates leave room, and at least half
        // as much again: a smaller step may not hold the allocation that reached the
        // limit (an array's doubled backing store), and V8 fails one that does not fit
        // by ending the process.
        let step = heap
            .memory
            .as_ref()
            .and_then(|m| m.lease(current.max(MIN_STEP), (current / 2).max(MIN_STEP)));
        if let Some(step) = step {
            heap.leased.fetch_add(step, Ordering::SeqCst);
            return current + step;
        }
    }
    heap.hit.store(true, Ordering::SeqCst);
    heap.handle.terminate_execution();
    current + UNWIND_ROOM.max(current / 2)
}

/// V8's last resort, when even the raised heap cannot be had: a clear line and a
/// distinct exit code instead of "Fatal javascript OOM" and SIGTRAP.
extern "C" fn out_of_memory(location: *const std::os::raw::c_char, _is_heap: bool) {
    let location = if location.is_null() {
        String::new()
    } else {
        // SAFETY: V8 passes a NUL-terminated string.
        unsafe { std::ffi::CStr::from_ptr(location) }
            .to_string_lossy()
            .into_owned()
    };
    eprintln!("error: Script ran out of memory ({location})");
    exit(EXIT_HEAP_LIMIT);
}

/// What runs before the process ends by [`exit`] (the embedder's clean-up: minideno
/// kills its children); set once.
static BEFORE_EXIT: OnceLock<fn()> = OnceLock::new();

/// Sets what [`exit`] runs first (only the first call counts).
pub fn set_before_exit(f: fn()) {
    let _ = BEFORE_EXIT.set(f);
}

/// Ends the process now with `code`, after the `set_before_exit` hook, stdout flushed
/// (stderr is unbuffered). It skips the exit handlers and static destructors of the C++
/// libraries, V8's and ICU's among them: ~2 ms of cleanup at every exit that the
/// kernel does anyway.
pub fn exit(code: i32) -> ! {
    use std::io::Write;
    if let Some(f) = BEFORE_EXIT.get() {
        f();
    }
    let _ = std::io::stdout().flush();
    // SAFETY: _exit only ends the process; nothing here waits for an exit handler.
    unsafe { libc::_exit(code) }
}

/// What `Deno.exit(code)` does in an isolate that must not end the process.
pub type ExitHook = Box<dyn Fn(i32)>;

/// ArrayBuffer memory lives outside V8's heap: this budget holds it to the heap limit
/// too, so a script cannot grow it without end. Over budget an allocation fails, and
/// V8 throws a RangeError ("Array buffer allocation failed"), which the script sees.
/// The buffers the runtime makes for the script (big replies, `Deno.core.serialize`)
/// count too ([`owned_buffer`]).
pub(crate) struct Budget {
    used: AtomicUsize,
    limit: usize,
}

impl Budget {
    fn take(&self, len: usize) -> bool {
        let fits = |used: usize| used.checked_add(len).filter(|n| *n <= self.limit);
        self.used
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, fits)
            .is_ok()
    }

    fn give(&self, len: usize) {
        self.used.fetch_sub(len, Ordering::SeqCst);
    }

    /// `alloc(len)` if `len` more bytes fit the budget; null if not or if it fails.
    fn allocate(&self, len: usize, alloc: impl FnOnce(usize) -> *mut c_void) -> *mut c_void {
        if !self.take(len) {
            return std::ptr::null_mut();
        }
        let data = alloc(len.max(1));
        if data.is_null() {
            self.give(len);
        }
        data
    }
}

// SAFETY (all five): V8 calls these with the Budget it was given, and passes back only
// pointers they returned, with the lengths they were allocated for.
unsafe extern "C" fn budget_allocate(b: &Budget, len: usize) -> *mut c_void {
    b.allocate(len, |n| libc::calloc(n, 1))
}

unsafe extern "C" fn budget_allocate_uninitialized(b: &Budget, len: usize) -> *mut c_void {
    b.allocate(len, |n| libc::malloc(n))
}

unsafe extern "C" fn budget_free(b: &Budget, data: *mut c_void, len: usize) {
    libc::free(data);
    b.give(len);
}

unsafe extern "C" fn budget_reallocate(
    b: &Budget,
    data: *mut c_void,
    old: usize,
    new: usize,
) -> *mut c_void {
    if new > old && !b.take(new - old) {
        return std::ptr::null_mut();
    }
    let moved = libc::realloc(data, new.max(1));
    match (moved.is_null(), new > old) {
        (true, true) => b.give(new - old),
        (false, false) => b.give(old - new),
        _ => {}
    }
    moved
}

unsafe extern "C" fn budget_drop(b: *const Budget) {
    drop(Arc::from_raw(b));
}

static BUDGET_VTABLE: v8::RustAllocatorVtable<Budget> = v8::RustAllocatorVtable {
    allocate: budget_allocate,
    allocate_uninitialized: budget_allocate_uninitialized,
    free: budget_free,
    reallocate: budget_reallocate,
    drop: budget_drop,
};

/// An ArrayBuffer allocator that gives out at most the budget's limit at a time.
pub(crate) fn array_buffer_allocator(budget: &Arc<Budget>) -> v8::SharedRef<v8::Allocator> {
    let budget = Arc::into_raw(budget.clone());
    // SAFETY: the vtable's functions keep the contract above; V8 drops the Arc once.
    unsafe { v8::new_rust_allocator(budget, &BUDGET_VTABLE) }.make_shared()
}

/// What an owned buffer's deleter needs: the Vec's capacity, and the budget it counts
/// against.
struct Owned {
    capacity: usize,
    budget: Option<Arc<Budget>>,
}

/// A backing store that owns `bytes`, counted against `budget` (if any) until V8 frees
/// it. None: it does not fit the budget.
pub(crate) fn owned_buffer(
    mut bytes: Vec<u8>,
    budget: Option<&Arc<Budget>>,
) -> Option<v8::UniqueRef<v8::BackingStore>> {
    let capacity = bytes.capacity();
    if budget.is_some_and(|b| !b.take(capacity)) {
        return None;
    }
    let owned = Box::new(Owned {
        capacity,
        budget: budget.cloned(),
    });
    let (data, len) = (bytes.as_mut_ptr(), bytes.len());
    std::mem::forget(bytes);
    // SAFETY: `data` is the Vec's, of `len` bytes; `free_owned` rebuilds and drops the
    // Vec with the capacity kept in `owned`, once.
    Some(unsafe {
        v8::ArrayBuffer::new_backing_store_from_ptr(
            data as *mut c_void,
            len,
            free_owned,
            Box::into_raw(owned) as *mut c_void,
        )
    })
}

unsafe extern "C" fn free_owned(data: *mut c_void, len: usize, owned: *mut c_void) {
    // SAFETY: as in owned_buffer.
    let owned = Box::from_raw(owned as *mut Owned);
    drop(Vec::from_raw_parts(data as *mut u8, len, owned.capacity));
    if let Some(budget) = &owned.budget {
        budget.give(owned.capacity);
    }
}

/// Exit codes of the CLI for a script stopped by a limit.
pub const EXIT_TIMEOUT: i32 = 124;
pub const EXIT_HEAP_LIMIT: i32 = 125;

/// The deadlines, shared with the watchdog thread.
#[derive(Default)]
struct Deadline {
    at: Option<Instant>,
    cpu: Option<CpuBudget>,
    fired: Option<Fired>,
    quit: bool,
}

/// Which deadline the watchdog saw pass.
#[derive(Clone, Copy)]
enum Fired {
    Wall,
    Cpu,
}

/// A CPU-time deadline: the isolate thread's CPU clock, and the time on it to stop at.
#[derive(Clone, Copy)]
struct CpuBudget {
    clock: libc::clockid_t,
    until: Duration,
}

/// The calling thread's CPU time so far.
pub fn thread_cpu_time() -> Duration {
    clock_time(libc::CLOCK_THREAD_CPUTIME_ID)
}

fn clock_time(clock: libc::clockid_t) -> Duration {
    let mut t = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `t` is a valid timespec to write; a clock that fails leaves it zero.
    unsafe { libc::clock_gettime(clock, &mut t) };
    Duration::new(
        t.tv_sec.max(0) as u64,
        t.tv_nsec.clamp(0, 999_999_999) as u32,
    )
}

/// The calling thread's CPU clock, which another thread can read.
fn this_threads_cpu_clock() -> std::io::Result<libc::clockid_t> {
    let mut clock: libc::clockid_t = 0;
    // SAFETY: pthread_self is this thread; `clock` is a valid place to write.
    let err = unsafe { libc::pthread_getcpuclockid(libc::pthread_self(), &mut clock) };
    match err {
        0 => Ok(clock),
        e => Err(std::io::Error::from_raw_os_error(e)),
    }
}

/// How often the watchdog looks at a CPU clock at least (it cannot be told when a
/// thread's CPU time reaches a value; it never advances faster than wall time).
const CPU_POLL: Duration = Duration::from_millis(50);

struct Watchdog {
    shared: Arc<(Mutex<Deadline>, Condvar)>,
    thread: Option<JoinHandle<()>>,
}

impl Watchdog {
    fn spawn(handle: v8::IsolateHandle) -> std::io::Result<Self> {
        let shared = Arc::new((Mutex::new(Deadline::default()), Condvar::new()));
        let theirs = shared.clone();
        let thread = std::thread::Builder::new()
            .name("minideno-watchdog".into())
            .spawn(move || {
                let (lock, wake) = &*theirs;
                let mut d = lock.lock().unwrap_or_else(|e| e.into_inner());
                while !d.quit {
                    let now = Instant::now();
                    let wall_left = d.at.map(|at| at.saturating_duration_since(now));
                    let cpu_left = d.cpu.map(|c| c.until.saturating_sub(clock_time(c.clock)));
                    let fired = match (wall_left, cpu_left) {
                        (Some(Duration::ZERO), _) => Some(Fired::Wall),
                        (_, Some(Duration::ZERO)) => Some(Fired::Cpu),
                        _ => None,
                    };
                    if let Some(fired) = fired {
                        (d.at, d.cpu, d.fired) = (None, None, Some(fired));
                        handle.terminate_execution();
                        continue;
                    }
                    let cpu_left = cpu_left.map(|left| left.min(CPU_POLL));
                    d = match wall_left.into_iter().chain(cpu_left).min() {
                        None => wake.wait(d).unwrap_or_else(|e| e.into_inner()),
                        Some(left) => {
                            wake.wait_timeout(d, left)
                                .unwrap_or_else(|e| e.into_inner())
                                .0
                        }
                    };
                }
            })?;
        Ok(Watchdog {
            shared,
            thread: Some(thread),
        })
    }

    fn update(&self, f: impl FnOnce(&mut Deadline)) {
        let (lock, wake) = &*self.shared;
        f(&mut lock.lock().unwrap_or_else(|e| e.into_inner()));
        wake.notify_one();
    }

    fn fired(&self) -> Option<Fired> {
        self.shared
            .0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .fired
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.update(|d| d.quit = true);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Set by a [`Stopper`]; its event loop waits on `wake` as well as on its ops.
#[derive(Default)]
struct Stop {
    requested: AtomicBool,
    wake: tokio::sync::Notify,
}

/// Stops an isolate from any thread: `terminate` at once, even inside `while (true) {}`;
/// `close` once the task it runs now is done. Either way its event loop stops waiting.
#[derive(Clone)]
pub struct Stopper {
    stop: Arc<Stop>,
    handle: v8::IsolateHandle,
}

impl Stopper {
    pub fn terminate(&self) {
        self.close();
        self.handle.terminate_execution();
    }

    pub fn close(&self) {
        self.stop.requested.store(true, Ordering::SeqCst);
        self.stop.wake.notify_one();
    }
}

/// An isolate's limits and whether one stopped it.
pub struct Guard {
    heap: Box<Heap>,
    /// Made on the first deadline: an isolate without one has no extra thread.
    watchdog: Option<Watchdog>,
    /// The deadline of the current run and the timeout it came from.
    deadline: Option<(Instant, Duration)>,
    /// The CPU time the current run may spend.
    cpu_limit: Option<Duration>,
    /// The code of a `Deno.exit` that ended only the script.
    exit: Rc<Cell<Option<i32>>>,
    stop: Arc<Stop>,
    termination: Option<Termination>,
}

impl Guard {
    /// Watches `isolate`'s heap, made with the `leased` bytes of `memory` as its limit
    /// (given back when the guard drops, after the isolate); no memory: V8's default.
    pub fn install(
        isolate: &mut v8::OwnedIsolate,
        memory: Option<Arc<MemoryLimit>>,
        leased: usize,
    ) -> Self {
        let mut stats = v8::HeapStatistics::default();
        isolate.get_heap_statistics(&mut stats);
        let heap = Box::new(Heap {
            handle: isolate.thread_safe_handle(),
            limit: memory.as_ref().map_or(stats.heap_size_limit(), |m| m.limit),
            memory,
            leased: AtomicUsize::new(leased),
            hit: AtomicBool::new(false),
        });
        let data = &*heap as *const Heap as *mut c_void;
        isolate.add_near_heap_limit_callback(near_heap_limit, data);
        isolate.set_oom_error_handler(out_of_memory);
        Guard {
            heap,
            watchdog: None,
            deadline: None,
            cpu_limit: None,
            exit: Rc::default(),
            stop: Arc::default(),
            termination: None,
        }
    }

    /// What `Deno.exit(code)` does when it must not end the process: records the code
    /// and terminates the script.
    pub fn exit_hook(&self) -> ExitHook {
        let (exit, handle) = (self.exit.clone(), self.heap.handle.clone());
        Box::new(move |code| {
            exit.set(Some(code));
            handle.terminate_execution();
        })
    }

    /// A handle that stops the isolate from any thread.
    pub fn stopper(&self) -> Stopper {
        Stopper {
            stop: self.stop.clone(),
            handle: self.heap.handle.clone(),
        }
    }

    /// Completes once a `Stopper` has stopped the isolate (or at once if one had).
    pub fn stopped(&self) -> impl std::future::Future<Output = ()> + 'static {
        let stop = self.stop.clone();
        async move {
            if !stop.requested.load(Ordering::SeqCst) {
                stop.wake.notified().await
            }
        }
    }

    /// Stops the isolate `timeout` from now (None: no deadline), or once this thread
    /// (the isolate's) has spent `cpu_limit` more of CPU time (None: no CPU limit).
    pub fn arm(
        &mut self,
        timeout: Option<Duration>,
        cpu_limit: Option<Duration>,
    ) -> std::io::Result<()> {
        self.deadline = timeout.map(|t| (Instant::now() + t, t));
        self.cpu_limit = cpu_limit;
        let at = self.deadline.map(|(at, _)| at);
        let cpu = match cpu_limit {
            Some(limit) => Some(CpuBudget {
                clock: this_threads_cpu_clock()?,
                until: thread_cpu_time() + limit,
            }),
            None => None,
        };
        if (at.is_some() || cpu.is_some()) && self.watchdog.is_none() {
            self.watchdog = Some(Watchdog::spawn(self.heap.handle.clone())?);
        }
        if let Some(w) = &self.watchdog {
            w.update(|d| (d.at, d.cpu) = (at, cpu));
        }
        Ok(())
    }

    /// When the event loop must stop waiting.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline.map(|(at, _)| at)
    }

    /// Records that the deadline passed (the event loop saw it first).
    pub fn timed_out(&mut self) -> Termination {
        let after = self.deadline.map_or(Duration::ZERO, |(_, t)| t);
        *self
            .termination
            .get_or_insert(Termination::Timeout { after })
    }

    /// Stops the isolate as past its memory limit: memory the runtime made for it (a
    /// batch of replies) does not fit.
    pub fn exceeded(&self) {
        self.heap.hit.store(true, Ordering::SeqCst);
        self.heap.handle.terminate_execution();
    }

    /// Forgets the limit that stopped the isolate, so that it runs again (in a fresh
    /// context): any but the heap limit, whose heap V8 has had to raise past the limit.
    /// False: it cannot be.
    pub fn recover(&mut self) -> bool {
        if matches!(self.check(), Some(Termination::HeapLimit { .. })) {
            return false;
        }
        self.termination = None;
        self.exit.set(None);
        self.stop.requested.store(false, Ordering::SeqCst);
        if let Some(w) = &self.watchdog {
            w.update(|d| d.fired = None);
        }
        self.heap.handle.cancel_terminate_execution();
        true
    }

    /// Whether a limit stopped the isolate (for good).
    pub fn check(&mut self) -> Option<Termination> {
        if self.termination.is_none() {
            if let Some(code) = self.exit.get() {
                self.termination = Some(Termination::Exit { code });
            } else if self.stop.requested.load(Ordering::SeqCst) {
                self.termination = Some(Termination::Stopped);
            } else if self.heap.hit.load(Ordering::SeqCst) {
                self.termination = Some(Termination::HeapLimit {
                    limit: self.heap.limit,
                });
            } else {
                match self.watchdog.as_ref().and_then(Watchdog::fired) {
                    Some(Fired::Wall) => drop(self.timed_out()),
                    Some(Fired::Cpu) => {
                        let limit = self.cpu_limit.unwrap_or_default();
                        self.termination = Some(Termination::CpuLimit { limit });
                    }
                    None => {}
                }
            }
        }
        self.termination
    }
}
