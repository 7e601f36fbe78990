//! A pool of runtimes for serving many callers: threads that each own a `Runtime`,
//! growing from `min_threads` to `max_threads` under load and retiring idle ones after
//! `idle_timeout`, fed by a bounded queue (a full one is `Error::Busy` at once, not a
//! wait). The handle is `Send + Sync + Clone`; `run` is async and returns what the job
//! made of the runtime it was given.
//!
//! Each thread keeps its runtime (its isolate) from job to job. By default a call runs
//! in a fresh context (`RuntimeOptions::reuse_context` off: nothing leaks from one call
//! to the next), which the thread makes after it answers, so the next caller does not
//! wait for it. A runtime a limit stopped is replaced by a new one, in the same way.
//!
//! ```no_run
//! # async fn demo() -> Result<(), minideno::runtime::Error> {
//! use minideno::pool::{Pool, PoolOptions};
//!
//! let pool = Pool::new(PoolOptions::default())?;
//! let sum: u32 = pool.execute_script("sum.js", "param.a + param.b", serde_json::json!({"a": 1, "b": 2})).await?.value;
//! assert_eq!(sum, 3);
//! # Ok(()) }
//! ```
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, TrySendError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::sync::oneshot;

use crate::runtime::{Error, Execution, Runtime, RuntimeOptions};

/// How a pool runs.
#[derive(Clone, Debug)]
pub struct PoolOptions {
    /// What each runtime is made with.
    pub runtime: RuntimeOptions,
    /// Threads kept even when idle, at least 1 (default: one per core).
    pub min_threads: usize,
    /// Threads at most (default: two per core).
    pub max_threads: usize,
    /// A thread above `min_threads` idle this long ends.
    pub idle_timeout: Duration,
    /// Jobs waiting for a thread at most; one more is `Error::Busy`.
    pub queue: usize,
}

impl Default for PoolOptions {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        PoolOptions {
            runtime: RuntimeOptions::default(),
            min_threads: cores,
            max_threads: 2 * cores,
            idle_timeout: Duration::from_secs(30),
            queue: 1024,
        }
    }
}

type Job = Box<dyn FnOnce(&mut Runtime) + Send>;

struct Shared {
    options: PoolOptions,
    jobs: Receiver<Job>,
    /// Threads running, and how many of them wait for a job.
    threads: AtomicUsize,
    idle: AtomicUsize,
}

/// A handle to the pool; the threads end once every handle is dropped and the queue
/// is empty.
#[derive(Clone)]
pub struct Pool {
    queue: Sender<Job>,
    shared: Arc<Shared>,
}

impl Pool {
    /// Starts `min_threads` threads, each with a runtime ready. Err: the options cannot
    /// make a runtime (one is made, to check them, before this returns).
    pub fn new(options: PoolOptions) -> Result<Pool, Error> {
        if options.min_threads == 0 || options.min_threads > options.max_threads {
            return Err(Error::Startup(format!(
                "a pool needs 1 <= min_threads <= max_threads (got {} and {})",
                options.min_threads, options.max_threads
            )));
        }
        // A bad option fails here, not in a thread later (a Runtime is not Send: the
        // threads make their own).
        drop(Runtime::new(options.runtime.clone())?);
        let (queue, jobs) = crossbeam_channel::bounded(options.queue);
        let pool = Pool {
            queue,
            shared: Arc::new(Shared {
                options,
                jobs,
                threads: AtomicUsize::new(0),
                idle: AtomicUsize::new(0),
            }),
        };
        for _ in 0..pool.shared.options.min_threads {
            pool.spawn()?;
        }
        Ok(pool)
    }

    /// Runs `job` with a runtime on one of the pool's threads; what it returns.
    /// `Error::Busy` at once if the queue is full.
    pub async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&mut Runtime) -> T + Send + 'static,
    ) -> Result<T, Error> {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move |rt| {
            let _ = answer.send(job(rt));
        });
        match self.queue.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(Error::Busy),
            Err(TrySendError::Disconnected(_)) => unreachable!("the pool holds its receiver"),
        }
        // Every thread busy: one more, if the pool may grow.
        if self.shared.idle.load(Ordering::SeqCst) == 0 {
            let _ = self.spawn();
        }
        answered.await.map_err(|_| Error::Lost)
    }

    /// [`Runtime::execute_script`] on the pool.
    pub async fn execute_script<P, R>(
        &self,
        name: &str,
        code: &str,
        params: P,
    ) -> Result<Execution<R>, Error>
    where
        P: Serialize + Send + 'static,
        R: DeserializeOwned + Send + 'static,
    {
        let (name, code) = (name.to_string(), code.to_string());
        self.run(move |rt| rt.execute_script(&name, &code, params))
            .await?
    }

    /// Threads running now.
    pub fn threads(&self) -> usize {
        self.shared.threads.load(Ordering::SeqCst)
    }

    /// Starts a thread, unless `max_threads` run.
    fn spawn(&self) -> Result<(), Error> {
        let shared = &self.shared;
        let max = shared.options.max_threads;
        let grew = shared
            .threads
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < max).then_some(n + 1)
            });
        if grew.is_err() {
            return Ok(());
        }
        let theirs = shared.clone();
        std::thread::Builder::new()
            .name("minideno-pool".into())
            .spawn(move || serve(&theirs))
            .map(drop)
            .map_err(|e| {
                shared.threads.fetch_sub(1, Ordering::SeqCst);
                Error::Startup(format!("cannot start a pool thread: {e}"))
            })
    }
}

/// A pool thread: a runtime ready, then job after job until idle too long (above the
/// minimum) or the pool is gone.
fn serve(shared: &Shared) {
    let options = &shared.options;
    let mut runtime = Runtime::new(options.runtime.clone()).ok();
    loop {
        shared.idle.fetch_add(1, Ordering::SeqCst);
        let job = shared.jobs.recv_timeout(options.idle_timeout);
        shared.idle.fetch_sub(1, Ordering::SeqCst);
        let job = match job {
            Ok(job) => job,
            Err(RecvTimeoutError::Timeout) => {
                let n = shared.threads.load(Ordering::SeqCst);
                let retire = n > options.min_threads
                    && shared
                        .threads
                        .compare_exchange(n, n - 1, Ordering::SeqCst, Ordering::SeqCst)
                        .is_ok();
                if retire {
                    return;
                }
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => break,
        };
        let rt = match runtime.as_mut() {
            Some(rt) => rt,
            None => match Runtime::new(options.runtime.clone()) {
                Ok(rt) => runtime.insert(rt),
                // The job is dropped unanswered: its caller gets `Error::Lost`.
                Err(_) => continue,
            },
        };
        let done = catch_unwind(AssertUnwindSafe(|| job(rt))).is_ok();
        // The next job's context (or runtime), made now that this one has its answer.
        if !done || rt.is_spent() || rt.prepare().is_err() {
            // The old one goes first: V8 needs a thread's isolates dropped in the
            // reverse order they were made.
            drop(runtime.take());
            runtime = Runtime::new(options.runtime.clone()).ok();
        }
    }
    shared.threads.fetch_sub(1, Ordering::SeqCst);
}
