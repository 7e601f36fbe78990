//! Embedder snapshots: the userland and the embedder's setup code (libraries, helpers,
//! tables) run once into a V8 startup snapshot, which runtimes then start from
//! (`RuntimeOptions::snapshot`): every isolate, and every fresh context a call gets,
//! has what the setup made, without running it again.
//!
//! ```no_run
//! use minideno::runtime::{Runtime, RuntimeOptions};
//! use minideno::snapshot::SnapshotBuilder;
//!
//! let snapshot = SnapshotBuilder::new()
//!     .script("lib.js", "globalThis.lib = { greet: (name) => `hello, ${name}` };")
//!     .build()?;
//! let mut rt = Runtime::new(RuntimeOptions { snapshot: Some(snapshot), ..Default::default() })?;
//! let hi: String = rt.execute_script("hi.js", "lib.greet(param)", "ada")?.value;
//! assert_eq!(hi, "hello, ada");
//! # Ok::<(), minideno::runtime::Error>(())
//! ```
use std::fmt;
use std::sync::Arc;

use minideno_core::StartupSnapshot;
use minideno_loader::transpile::USERLAND_URL;

#[path = "../build/snapshot.rs"]
mod create;

/// The userland, linked by build.rs: what every snapshot runs first.
const USERLAND: &str = include_str!(concat!(env!("OUT_DIR"), "/userland.js"));

/// A startup snapshot made at run time. Cheap to clone: runtimes share its bytes.
#[derive(Clone)]
pub struct Snapshot(Arc<[u8]>);

impl Snapshot {
    pub(crate) fn startup(&self) -> StartupSnapshot {
        StartupSnapshot::Shared(self.0.clone())
    }

    /// Its size in bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Snapshot({} bytes)", self.0.len())
    }
}

/// Why a snapshot could not be made: which setup script failed, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotError(pub String);

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SnapshotError {}

/// The setup code a snapshot runs after the userland.
#[derive(Default)]
pub struct SnapshotBuilder {
    scripts: Vec<(String, String)>,
}

impl SnapshotBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a classic script, run after the ones before it. It runs before any runtime
    /// exists: plain JavaScript and the web classes that need no op (no `Deno.*` I/O,
    /// no timers). What it leaves on `globalThis` is in every context made from the
    /// snapshot; a promise it returns must have settled by the end of its microtasks.
    pub fn script(mut self, name: &str, code: &str) -> Self {
        self.scripts.push((name.into(), code.into()));
        self
    }

    /// Runs the userland and the scripts into a snapshot (on a thread of its own: V8
    /// makes it in an isolate of its own). Err: the script that failed, and why.
    pub fn build(self) -> Result<Snapshot, SnapshotError> {
        crate::init_v8("");
        let made = std::thread::Builder::new()
            .name("minideno-snapshot".into())
            .spawn(move || {
                let mut scripts = vec![(USERLAND_URL, USERLAND)];
                scripts.extend(self.scripts.iter().map(|(n, c)| (n.as_str(), c.as_str())));
                create::create(&scripts)
            })
            .map_err(|e| SnapshotError(format!("cannot start the snapshot's thread: {e}")))?
            .join()
            .map_err(|_| SnapshotError("making the snapshot panicked".into()))?;
        made.map(|bytes| Snapshot(bytes.into()))
            .map_err(|e| SnapshotError(format!("the snapshot's setup failed: {e}")))
    }
}
