//! Workers, the processes of this runtime: a module run by an isolate of its own, on an
//! OS thread of its own, with its own event loop, rids and metrics, started from the
//! same snapshot. It talks to its parent only through messages (structured clones,
//! as bytes). The parent holds a [`WorkerHost`] as a rid; the worker's state holds its
//! [`WorkerPort`]. The worker runs until it closes itself, its parent terminates it (or
//! drops the rid), or an uncaught error ends it.
use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

use minideno_core::limits::{MemoryLimit, Stopper};
use minideno_core::ZeroCopyBuf;

/// What goes down a channel between a worker and its parent. Its end is the end of
/// the channel.
pub enum WorkerEvent {
    Message(ZeroCopyBuf),
    /// An uncaught error ended the worker (only from a worker).
    Error(WorkerError),
}

/// What one `HostGetMessage` or `WorkerGetMessage` takes.
pub enum Received {
    /// The messages waiting, in order: a bounded batch, one at least.
    Messages(Vec<ZeroCopyBuf>),
    Error(WorkerError),
    /// The other side has ended: nothing more will come.
    Closed,
}

/// A batch ends at this many messages, or once it holds this many bytes.
const BATCH_MESSAGES: usize = 1024;
const BATCH_BYTES: usize = 48 << 10;

/// The receiving end of a channel, taken from by one op at a time (a second one waits
/// its turn), a batch of messages per op: one event-loop turn and one reply carry all
/// the messages waiting, not one each.
pub struct Inbox(tokio::sync::Mutex<(UnboundedReceiver<WorkerEvent>, Option<WorkerError>)>);

impl Inbox {
    fn new(rx: UnboundedReceiver<WorkerEvent>) -> Self {
        Inbox(tokio::sync::Mutex::new((rx, None)))
    }

    /// Waits for the next event, and takes the messages waiting behind it.
    pub async fn next(&self) -> Received {
        let mut guard = self.0.lock().await;
        let (rx, error_next) = &mut *guard;
        if let Some(error) = error_next.take() {
            return Received::Error(error);
        }
        let first = match rx.recv().await {
            Some(WorkerEvent::Message(data)) => data,
            Some(WorkerEvent::Error(error)) => return Received::Error(error),
            None => return Received::Closed,
        };
        let mut bytes = first.len();
        let mut batch = vec![first];
        while batch.len() < BATCH_MESSAGES && bytes < BATCH_BYTES {
            match rx.try_recv() {
                Ok(WorkerEvent::Message(data)) => {
                    bytes += data.len();
                    batch.push(data);
                }
                // It comes with the next op, after these messages.
                Ok(WorkerEvent::Error(error)) => *error_next = Some(error),
                Err(_) => break,
            }
        }
        Received::Messages(batch)
    }
}

/// An uncaught error of a worker, as its parent's `error` event carries it.
#[derive(Debug, Default)]
pub struct WorkerError {
    /// `Uncaught Error: boom`.
    pub message: String,
    pub file_name: String,
    pub line_number: u32,
    pub column_number: u32,
    /// The whole report, as the worker would have printed it after `error: `.
    pub report: String,
}

/// The limits every worker of a process starts with, so that a worker cannot escape
/// them. None in a `State`: this isolate may not start workers (an embedder's, unless
/// it loads modules).
#[derive(Clone, Default)]
pub struct WorkerSettings {
    /// The memory the whole worker tree shares (None: V8's default heap limit, each).
    pub memory: Option<Arc<MemoryLimit>>,
    /// `--seed`: each worker's random values start from the same seed.
    pub seed: Option<u64>,
}

/// The parent's side of a worker (a rid in its resource table). Dropping it
/// terminates the worker.
pub struct WorkerHost {
    to_worker: UnboundedSender<WorkerEvent>,
    pub events: Inbox,
    control: Arc<Mutex<Control>>,
}

/// The worker's side, in its state.
pub struct WorkerPort {
    pub name: String,
    to_parent: UnboundedSender<WorkerEvent>,
    pub messages: Inbox,
    /// Ends the worker for `self.close()`; set once its isolate exists.
    stopper: RefCell<Option<Stopper>>,
}

/// The worker thread's side of its parent's `terminate`.
pub struct Started {
    control: Arc<Mutex<Control>>,
}

impl Started {
    /// Records that the worker's isolate runs, stopped by `stopper`; false if the
    /// parent terminated it before (then it must not run).
    pub fn running(&self, stopper: Stopper) -> bool {
        let mut control = self.control.lock().unwrap_or_else(|e| e.into_inner());
        if let Control::Terminated = *control {
            return false;
        }
        *control = Control::Running(stopper);
        true
    }
}

/// Where the worker's thread is, as its parent's `terminate` needs to know.
enum Control {
    /// The isolate is not made yet: the thread looks here before it runs any JS.
    Starting,
    Running(Stopper),
    Terminated,
}

impl WorkerHost {
    /// Starts a worker's thread, named after it, which runs `body` (it makes the
    /// worker's isolate and runs its module: `userland::run_worker`).
    pub fn spawn(
        name: &str,
        body: impl FnOnce(WorkerPort, Started) + Send + 'static,
    ) -> std::io::Result<Self> {
        let (to_worker, messages) = unbounded_channel();
        let (to_parent, events) = unbounded_channel();
        let control = Arc::new(Mutex::new(Control::Starting));
        let started = Started {
            control: control.clone(),
        };
        let port = WorkerPort {
            name: name.to_string(),
            to_parent,
            messages: Inbox::new(messages),
            stopper: RefCell::new(None),
        };
        std::thread::Builder::new()
            .name(format!("worker {name}"))
            .spawn(move || body(port, started))?;
        Ok(WorkerHost {
            to_worker,
            events: Inbox::new(events),
            control,
        })
    }

    /// Queues a message for the worker (dropped if it has ended).
    pub fn post(&self, data: ZeroCopyBuf) {
        let _ = self.to_worker.send(WorkerEvent::Message(data));
    }

    /// Stops the worker now, even inside `while (true) {}`; its thread frees its
    /// isolate and ends.
    pub fn terminate(&self) {
        let mut control = self.control.lock().unwrap_or_else(|e| e.into_inner());
        if let Control::Running(stopper) = &*control {
            stopper.terminate();
        }
        *control = Control::Terminated;
    }
}

impl Drop for WorkerHost {
    fn drop(&mut self) {
        self.terminate();
    }
}

impl WorkerPort {
    /// Sends a message to the parent (dropped if the parent is gone).
    pub fn post(&self, data: ZeroCopyBuf) {
        let _ = self.to_parent.send(WorkerEvent::Message(data));
    }

    /// Reports an uncaught error to the parent.
    pub fn report(&self, error: WorkerError) {
        let _ = self.to_parent.send(WorkerEvent::Error(error));
    }

    /// What `self.close()` stops, once the worker's isolate exists.
    pub fn set_stopper(&self, stopper: Stopper) {
        *self.stopper.borrow_mut() = Some(stopper);
    }

    /// `self.close()`: the worker ends once the task it runs now is done.
    pub fn close(&self) {
        if let Some(stopper) = &*self.stopper.borrow() {
            stopper.close();
        }
    }
}
