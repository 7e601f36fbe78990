//! The ops' own per-isolate state: the process facts `Start` reports, the permissions
//! and the resource table, where output goes, what its workers start with (and in a
//! worker, its port), and the isolate's one timer. The dispatcher's machinery (reply
//! builder, cmd_ids in flight, metrics, tracer) is not here: see `ops/machinery.rs`.
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;

use crate::host::{HostFunctions, ModuleSources};
use crate::permissions::{Grants, Permissions};
use crate::resources::ResourceTable;
use crate::workers::{WorkerPort, WorkerSettings};
use minideno_core::limits::ExitHook;
use minideno_loader::fetch::Fetcher;
use tokio::sync::oneshot;

pub struct State {
    /// Arguments after the script name (`Deno.args`).
    pub argv: Vec<String>,
    /// The generator behind `crypto.getRandomValues`: seeded by `--seed`, else from the
    /// OS at its first use.
    pub random: RefCell<Option<rand_hc::Hc128Rng>>,
    /// When the isolate started: the origin of `performance.now()`.
    pub started: std::time::Instant,
    /// URL of the main module, if running one.
    pub main_module: Option<String>,
    /// `--location`: the document location `location` shows (None: none).
    pub location: Option<String>,
    /// What the userland may touch outside (nothing unless granted).
    pub permissions: Permissions,
    /// The isolate's rids.
    pub resources: RefCell<ResourceTable>,
    /// The V8 release, for `Deno.version` (ops do not call into V8).
    pub v8_version: String,
    /// Where rids 1 and 2 (stdout, stderr; console.*) write.
    pub output: Output,
    /// How `Deno.exit` ends the run: None, the process exits (the CLI); an embedder
    /// sets `Isolate::exit_hook`, which ends only the script.
    pub exit_hook: RefCell<Option<ExitHook>>,
    /// Stops the pending GlobalTimer, if one is set.
    pub timer: RefCell<Option<oneshot::Sender<()>>>,
    /// Async ops in flight that do not keep the event loop alive (an unref'd timer).
    pub unrefed: Cell<usize>,
    /// Whether the userland sends read and write in the minimal encoding (else as
    /// FlatBuffers, like every other op).
    pub minimal_io: bool,
    /// What this isolate's workers start with; None: it may start none, nor load a
    /// module with `import()` (an embedder's Runtime without `module_loading`).
    pub workers: Option<WorkerSettings>,
    /// In a worker: its side of the channel to its parent.
    pub port: Option<WorkerPort>,
    /// What the main module's static graph is checked against: None (the CLI's main
    /// module, as in Deno), or in a worker its parent's permissions (a worker's module
    /// loads as its parent's dynamic import would).
    pub main_graph_permissions: Option<Permissions>,
    /// How remote modules are fetched (the program's settings, shared by its workers).
    pub fetcher: Arc<Fetcher>,
    /// The embedder's functions, `Deno.host.*` (none in the CLI).
    pub host: HostFunctions,
    /// Calls of each host function so far.
    pub host_calls: RefCell<BTreeMap<String, u64>>,
    /// The embedder's modules, asked before the disk and the network.
    pub module_sources: Option<ModuleSources>,
}

impl State {
    pub fn new(argv: Vec<String>, main_module: Option<String>) -> Self {
        State {
            argv,
            random: RefCell::new(None),
            started: std::time::Instant::now(),
            main_module,
            location: None,
            permissions: Permissions::new(Grants::default()),
            resources: RefCell::default(),
            v8_version: minideno_core::v8_version().to_string(),
            output: Output::Inherit,
            exit_hook: RefCell::new(None),
            timer: RefCell::new(None),
            unrefed: Cell::new(0),
            minimal_io: true,
            workers: None,
            port: None,
            main_graph_permissions: None,
            fetcher: Arc::default(),
            host: HostFunctions::default(),
            host_calls: RefCell::default(),
            module_sources: None,
        }
    }

    /// Grants the userland `grants` (resolved against the current directory now).
    pub fn with_permissions(mut self, grants: Grants) -> Self {
        self.permissions = Permissions::new(grants);
        self
    }

    /// Keeps what the userland writes to stdout and stderr, for `Output::take`.
    pub fn with_captured_output(mut self) -> Self {
        self.output = Output::Capture(RefCell::default());
        self
    }
}

/// Where the userland's stdout and stderr go.
pub enum Output {
    /// The process's own.
    Inherit,
    /// Kept in memory: (stdout, stderr).
    Capture(RefCell<(Vec<u8>, Vec<u8>)>),
}

impl Output {
    /// Writes all of `bytes` to stdout, or stderr if `err`.
    pub fn write(&self, err: bool, bytes: &[u8]) -> std::io::Result<()> {
        match (self, err) {
            (Output::Capture(kept), false) => kept.borrow_mut().0.extend_from_slice(bytes),
            (Output::Capture(kept), true) => kept.borrow_mut().1.extend_from_slice(bytes),
            (Output::Inherit, false) => {
                let mut out = std::io::stdout().lock();
                out.write_all(bytes)?;
                out.flush()?;
            }
            (Output::Inherit, true) => std::io::stderr().lock().write_all(bytes)?,
        }
        Ok(())
    }

    /// What was captured since the last call: (stdout, stderr); empty when inherited.
    pub fn take(&self) -> (Vec<u8>, Vec<u8>) {
        match self {
            Output::Capture(kept) => std::mem::take(&mut *kept.borrow_mut()),
            Output::Inherit => Default::default(),
        }
    }
}
