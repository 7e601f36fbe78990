//! `--watch`: which files a program's module graph reads, and a watcher that reports
//! when one changes (debounced), stopping the run in progress if there is one. The
//! directories of the files are watched (an editor that saves by renaming replaces the
//! file), and events are kept only for the files themselves.
use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use minideno::limits::Stopper;
use minideno::loader::fetch::{self, Fetcher};
use minideno::loader::graph;
use notify::{EventKind, RecursiveMode, Watcher};
use url::Url;

/// Changes this close together are one change.
const DEBOUNCE: Duration = Duration::from_millis(100);

#[derive(Default)]
struct Shared {
    files: HashSet<PathBuf>,
    changed: bool,
    /// Stops the run in progress (None: none runs).
    running: Option<Stopper>,
}

pub struct Changes {
    shared: Arc<(Mutex<Shared>, Condvar)>,
    watcher: notify::RecommendedWatcher,
    dirs: HashSet<PathBuf>,
    exclude: Vec<PathBuf>,
}

impl Changes {
    /// A watcher of no file yet; files below `exclude` are never watched.
    pub fn new(exclude: &[PathBuf]) -> Result<Self, String> {
        let shared: Arc<(Mutex<Shared>, Condvar)> = Arc::default();
        let (events_tx, events) = std::sync::mpsc::channel::<notify::Event>();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if let Ok(event) = event {
                let _ = events_tx.send(event);
            }
        })
        .map_err(|e| format!("cannot watch files: {e}"))?;
        let theirs = shared.clone();
        std::thread::Builder::new()
            .name("watcher".into())
            .spawn(move || {
                while let Ok(event) = events.recv() {
                    let relevant = |e: &notify::Event| {
                        !matches!(e.kind, EventKind::Access(_))
                            && e.paths
                                .iter()
                                .any(|p| theirs.0.lock().unwrap().files.contains(p))
                    };
                    if !relevant(&event) {
                        continue;
                    }
                    // What follows within DEBOUNCE is the same change.
                    while events.recv_timeout(DEBOUNCE).is_ok() {}
                    let (lock, wake) = &*theirs;
                    let mut shared = lock.lock().unwrap();
                    shared.changed = true;
                    if let Some(stopper) = shared.running.take() {
                        stopper.terminate();
                    }
                    wake.notify_all();
                }
            })
            .map_err(|e| format!("cannot start the watcher: {e}"))?;
        let exclude = exclude
            .iter()
            .map(|p| std::path::absolute(p).unwrap_or_else(|_| p.clone()));
        Ok(Changes {
            shared,
            watcher,
            dirs: HashSet::new(),
            exclude: exclude.collect(),
        })
    }

    /// Watches `files` (and no longer the others), but the excluded ones.
    pub fn watch(&mut self, files: HashSet<PathBuf>) {
        let files: HashSet<PathBuf> = files
            .into_iter()
            .filter(|f| !self.exclude.iter().any(|x| f.starts_with(x)))
            .collect();
        for dir in files.iter().filter_map(|f| f.parent()) {
            if !self.dirs.contains(dir)
                && self.watcher.watch(dir, RecursiveMode::NonRecursive).is_ok()
            {
                self.dirs.insert(dir.to_path_buf());
            }
        }
        self.shared.0.lock().unwrap().files = files;
    }

    /// The run in progress: a change stops it.
    pub fn running(&self, stopper: Stopper) {
        self.shared.0.lock().unwrap().running = Some(stopper);
    }

    /// Whether a file changed since the last call (and forgets it); the run is over.
    pub fn take_changed(&self) -> bool {
        let mut shared = self.shared.0.lock().unwrap();
        shared.running = None;
        std::mem::take(&mut shared.changed)
    }

    /// Waits for a change.
    pub fn wait(&self) {
        let (lock, wake) = &*self.shared;
        let mut shared = lock.lock().unwrap();
        while !shared.changed {
            shared = wake.wait(shared).unwrap();
        }
        shared.changed = false;
    }
}

/// The local files of the graph of module `url` (`source` standing in for it): None if
/// it does not load (a syntax error, a missing module).
pub fn local_files(
    fetcher: &Fetcher,
    url: &Url,
    source: Option<String>,
) -> Option<HashSet<PathBuf>> {
    let fetch = |url: &Url| fetch::fetch(fetcher, url, &fetch::unchecked);
    let graph = graph::walk(&fetch, fetcher.import_map(), url, source, false, &|_| None).ok()?;
    let files = graph
        .modules
        .iter()
        .filter_map(|m| m.source.url.to_file_path().ok());
    Some(files.collect())
}

/// Clears a terminal's screen (not a pipe's).
pub fn clear_screen() {
    use std::io::{IsTerminal, Write};
    let mut out = std::io::stdout();
    if out.is_terminal() {
        let _ = out.write_all(b"\x1b[2J\x1b[3J\x1b[H");
        let _ = out.flush();
    }
}
