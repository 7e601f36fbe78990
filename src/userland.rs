//! The userland as an isolate starts it: the startup snapshot build.rs made of `js/`
//! (whose `__bootstrap` takes `Deno.core`), that bundle's source map, and minideno's
//! module loader (`loader/`, with the permissions' checks) behind the core's
//! `ModuleLoader`.
use std::rc::Rc;
use std::sync::{Arc, OnceLock};

use minideno_core::limits::MemoryLimit;
use minideno_core::source_maps::SourceMapSource;
use minideno_core::source_maps::{Builtin, LineMap};
use minideno_core::StartupSnapshot;
use minideno_core::{
    Isolate, IsolateOptions, Load, LoadKind, LoadedGraph, ModuleLoader, ModuleSource, ModuleType,
    ScriptError,
};
use minideno_loader::compiler::SourceMapLocation;
use minideno_loader::fetch::{self, Fetcher, ImportCheck};
use minideno_loader::graph;
use minideno_loader::media::MediaType;
use minideno_loader::transpile::USERLAND_URL;
use url::Url;

use crate::ops::Dispatcher;
use crate::permissions::Permissions;
use crate::state::State;
use crate::workers::{Started, WorkerError, WorkerPort, WorkerSettings};
use minideno_core::limits::Termination;

static SNAPSHOT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/SNAPSHOT.bin"));

/// The userland bundle's source map, parsed once per process, on first use.
fn userland_map() -> Option<&'static LineMap> {
    static MAP: OnceLock<Option<LineMap>> = OnceLock::new();
    MAP.get_or_init(|| LineMap::parse(include_str!(concat!(env!("OUT_DIR"), "/userland.js.map"))))
        .as_ref()
}

/// A fresh isolate from the snapshot, running `ops`, bootstrapped, loading modules as
/// `ops`' state allows, within `memory` (None: V8's default heap limit).
pub fn new_isolate(
    ops: Dispatcher,
    memory: Option<Arc<MemoryLimit>>,
) -> Result<Isolate, ScriptError> {
    new_isolate_from(StartupSnapshot::Static(SNAPSHOT), ops, memory)
}

/// [`new_isolate`] from `snapshot`: the userland's, or one made from it
/// ([`crate::snapshot::SnapshotBuilder`]).
pub fn new_isolate_from(
    snapshot: StartupSnapshot,
    ops: Dispatcher,
    memory: Option<Arc<MemoryLimit>>,
) -> Result<Isolate, ScriptError> {
    let loader = loader(&ops);
    Isolate::new(
        ops,
        IsolateOptions {
            snapshot: Some(snapshot),
            bootstrap: Some("__bootstrap"),
            builtin: Some(Builtin {
                url: USERLAND_URL,
                prefix: "ext:minideno/",
                source_map: userland_map,
            }),
            loader: Some(loader),
            memory,
        },
    )
}

/// Where the modules of an isolate running `ops` come from, as its state allows.
pub fn loader(ops: &Dispatcher) -> Rc<dyn ModuleLoader> {
    Rc::new(Modules {
        state: ops.cx().state().clone(),
    })
}

/// A worker to start; `argv` and `minimal_io` are its parent's.
pub struct WorkerOptions {
    pub url: Url,
    /// Resolved by the parent (`Permissions::for_worker`), never again here.
    pub permissions: Permissions,
    /// The parent's, for the worker's module graph.
    pub loader_permissions: Permissions,
    pub argv: Vec<String>,
    pub minimal_io: bool,
    pub fetcher: Arc<Fetcher>,
    pub settings: WorkerSettings,
}

/// A worker's thread (what `WorkerHost::spawn` runs): makes its isolate, runs its
/// module to the end of its event loop, and reports an uncaught error to the parent.
pub fn run_worker(options: WorkerOptions, port: WorkerPort, started: Started) {
    let WorkerOptions {
        url,
        permissions,
        loader_permissions,
        argv,
        minimal_io,
        fetcher,
        settings,
    } = options;
    let mut state = State::new(argv, Some(url.to_string()));
    state.permissions = permissions;
    state.main_graph_permissions = Some(loader_permissions);
    state.minimal_io = minimal_io;
    state.fetcher = fetcher;
    let memory = settings.memory.clone();
    state.random = settings.seed.map(crate::ops::seeded).into();
    state.workers = Some(settings);
    state.port = Some(port);
    let ops = Dispatcher::new(state);
    let state = ops.cx().state().clone();
    let port = || state.port.as_ref().expect("set above");
    let mut isolate = match new_isolate(ops, memory) {
        Ok(isolate) => isolate,
        Err(e) => {
            return port().report(WorkerError {
                message: e.0.clone(),
                report: e.0,
                ..Default::default()
            })
        }
    };
    if !started.running(isolate.stopper()) {
        return;
    }
    port().set_stopper(isolate.stopper());
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
        port().report(WorkerError {
            message,
            file_name: at.as_ref().map(|p| p.file.clone()).unwrap_or_default(),
            line_number: at.as_ref().map_or(0, |p| p.line),
            column_number: at.as_ref().map_or(0, |p| p.col),
            report: e.0,
        });
    }
}

/// Modules as minideno loads them: from files and remote URLs (`loader/`), a dynamic
/// import's graph (and a worker's) checked against the isolate's permissions.
struct Modules {
    state: Rc<State>,
}

impl Modules {
    /// What decides whether a module may load (a URL before it is read, each redirect
    /// before it is followed), on the thread that loads it.
    fn check(&self, kind: LoadKind) -> ImportCheck {
        let state = &self.state;
        let permissions = match kind {
            // An isolate that may start no workers loads no modules either (but the
            // embedder's own): an embedder's Runtime without `module_loading`.
            _ if state.workers.is_none() => {
                return Box::new(|url| {
                    Err(format!(
                        "module loading is off (RuntimeOptions::module_loading): cannot load {url}"
                    ))
                })
            }
            LoadKind::Dynamic => &state.permissions,
            // The main module's static graph: unchecked, as in Deno's CLI, but a
            // worker's is checked as its parent's dynamic import.
            LoadKind::Main => match &state.main_graph_permissions {
                Some(permissions) => permissions,
                None => return Box::new(fetch::unchecked),
            },
        };
        let permissions = permissions.snapshot();
        Box::new(move |url| permissions.check_import(url).map_err(|e| e.msg))
    }
}

impl ModuleLoader for Modules {
    fn resolve(&self, specifier: &str, referrer: &str) -> Result<String, String> {
        let referrer = Url::parse(referrer).map_err(|e| format!("{referrer}: {e}"))?;
        graph::resolve(specifier, &referrer, self.state.fetcher.import_map()).map(String::from)
    }

    fn load(&self, url: &str, source: Option<String>, json: bool, kind: LoadKind) -> Load {
        let check = self.check(kind);
        let fetcher = self.state.fetcher.clone();
        let sources = self.state.module_sources.clone();
        let requested = url.to_string();
        let url = Url::parse(url).map_err(|e| format!("{url}: {e}"));
        Box::new(move |known| {
            let url = url?;
            // What the core knows a module as is all the graph asks of a loaded one.
            let known = |name: &str| {
                known(name).map(|kind| match kind {
                    ModuleType::Json => MediaType::Json,
                    ModuleType::JavaScript => MediaType::JavaScript,
                })
            };
            let fetch = |url: &Url| match sources.as_ref().and_then(|sources| sources.get(url)) {
                Some(code) => Ok(fetch::Source {
                    url: url.clone(),
                    media: MediaType::from_path(url.path()),
                    code,
                    local: Default::default(),
                }),
                None => fetch::fetch(&fetcher, url, &*check),
            };
            let graph = graph::walk(&fetch, fetcher.import_map(), &url, source, json, &known)?;
            let modules = graph
                .modules
                .into_iter()
                .map(|module| match module.compiled {
                    None => ModuleSource {
                        url: module.source.url.into(),
                        kind: ModuleType::Json,
                        code: module.source.code,
                        source_map: None,
                    },
                    Some(compiled) => ModuleSource {
                        url: module.source.url.into(),
                        kind: ModuleType::JavaScript,
                        code: compiled.code,
                        source_map: Some(match compiled.source_map {
                            SourceMapLocation::File(path) => SourceMapSource::File(path),
                            SourceMapLocation::Inline(json) => SourceMapSource::Inline(json),
                        }),
                    },
                });
            let mut redirects = graph.redirects;
            // Parsing normalized the URL (`a/../b.ts` is `b.ts`): an import of it as
            // asked for gets the module by its name.
            if url.as_str() != requested {
                redirects.push((requested, url.into()));
            }
            Ok(LoadedGraph {
                modules: modules.collect(),
                redirects,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::userland_map;

    #[test]
    fn the_userland_map_points_at_js_sources() {
        let map = userland_map().expect("build.rs embeds the userland's source map");
        let sources: Vec<(&str, bool)> = map.sources().collect();
        assert!(
            sources.iter().any(|(s, _)| *s == "js/timers.ts"),
            "{sources:?}"
        );
        assert!(
            sources.iter().all(|(_, carried)| *carried),
            "sources are carried"
        );
    }
}
