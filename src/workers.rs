//! Workers, the processes of this runtime: a module run by an isolate of its own, on an
//! OS thread of its own, with its own event loop, rids and metrics, started from the
//! same snapshot. It talks to its parent only through messages (structured clones,
//! as bytes). The parent holds a [`WorkerHost`] as a rid; the worker's state holds its
//! [`WorkerPort`]. The worker runs until it closes itself, its parent terminates it (or
//! drops the rid), or an uncaught error ends it.
use std::cell::RefCell;
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};
use url::Url;

use crate::permissions::Permissions;
use crate::state::State;
use crate::Dispatcher;
use minideno_core::limits::{MemoryLimit, Stopper, Termination};
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
}

/// A worker to start; `argv` and `minimal_io` are its parent's.
pub struct WorkerOptions {
    pub url: Url,
    pub name: String,
    /// Resolved by the parent (`Permissions::for_worker`), never again here.
    pub permissions: Permissions,
    /// The parent's, for the worker's module graph.
    pub loader_permissions: Permissions,
    pub argv: Vec<String>,
    pub minimal_io: bool,
    pub settings: WorkerSettings,
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

/// Where the worker's thread is, as its parent's `terminate` needs to know.
enum Control {
    /// The isolate is not made yet: the thread looks here before it runs any JS.
    Starting,
    Running(Stopper),
    Terminated,
}

impl WorkerHost {
    /// Starts the worker's thread; its isolate is made there.
    pub fn spawn(options: WorkerOptions) -> std::io::Result<Self> {
        let (to_worker, messages) = unbounded_channel();
        let (to_parent, events) = unbounded_channel();
        let control = Arc::new(Mutex::new(Control::Starting));
        let theirs = control.clone();
        let port = WorkerPort {
            name: options.name.clone(),
            to_parent,
            messages: Inbox::new(messages),
            stopper: RefCell::new(None),
        };
        std::thread::Builder::new()
            .name(format!("worker {}", options.name))
            .spawn(move || run(options, port, &theirs))?;
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

    /// `self.close()`: the worker ends once the task it runs now is done.
    pub fn close(&self) {
        if let Some(stopper) = &*self.stopper.borrow() {
            stopper.close();
        }
    }
}

/// The worker's thread: makes its isolate, runs its module to the end of its event
/// loop, and reports an uncaught error to the parent.
fn run(options: WorkerOptions, port: WorkerPort, control: &Mutex<Control>) {
    let WorkerOptions {
        url,
        permissions,
        loader_permissions,
        argv,
        minimal_io,
        settings,
        ..
    } = options;
    let to_parent = port.to_parent.clone();
    let report = |error: WorkerError| {
        let _ = to_parent.send(WorkerEvent::Error(error));
    };
    let mut state = State::new(argv, Some(url.to_string()));
    state.permissions = permissions;
    state.main_graph_permissions = Some(loader_permissions);
    state.minimal_io = minimal_io;
    let memory = settings.memory.clone();
    state.workers = Some(settings);
    state.port = Some(port);
    let ops = Dispatcher::new(state);
    let state = ops.state().clone();
    let mut isolate = match crate::new_isolate(ops, memory) {
        Ok(isolate) => isolate,
        Err(e) => {
            return report(WorkerError {
                message: e.0.clone(),
                report: e.0,
                ..Default::default()
            })
        }
    };
    {
        let mut control = control.lock().unwrap_or_else(|e| e.into_inner());
        if let Control::Terminated = *control {
            return;
        }
        *control = Control::Running(isolate.stopper());
    }
    let port = state.port.as_ref().expect("set above");
    *port.stopper.borrow_mut() = Some(isolate.stopper());
    // Deno.exit in a worker ends the worker, as a process's exit ends only itself.
    *state.exit_hook.borrow_mut() = Some(isolate.exit_hook());
    let result = isolate.run_module(&url, None);
    let ended_by_itself = matches!(
        isolate.termination(),
        Some(Termination::Stopped | Termination::Exit { .. })
    );
    if let (Err(e), false) = (result, ended_by_itself) {
        let at = isolate.uncaught_position();
        let message = e.0.lines().next().unwrap_or_default().to_string();
        report(WorkerError {
            message,
            file_name: at.as_ref().map(|p| p.file.clone()).unwrap_or_default(),
            line_number: at.as_ref().map_or(0, |p| p.line),
            column_number: at.as_ref().map_or(0, |p| p.col),
            report: e.0,
        });
    }
}
