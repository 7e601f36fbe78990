//! V8's modules: made from what a [`ModuleLoader`] loads (a module with everything it
//! imports), kept by URL, linked and evaluated dependencies first; `import()` (whose
//! graph loads on a thread of its own while the event loop runs on), JSON modules and
//! `import.meta`. Where modules come from and who may load them is the loader's
//! business: this file knows no file, URL scheme or permission.
use std::collections::HashMap;
use std::future::Future;
use std::num::NonZeroI32;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use url::Url;

use crate::source_maps::{self, map_location_with_text, SourceMapSource};

/// What a module is to V8.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ModuleType {
    JavaScript,
    /// Its default export is the parsed JSON text.
    Json,
}

/// Why a graph is loaded: a loader may check a dynamic import's modules (and a
/// worker's) where it lets the main module's static graph through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadKind {
    /// The main module's static graph (a program's, or a worker's).
    Main,
    /// A dynamic `import()`'s graph: its static imports and redirects too.
    Dynamic,
}

/// A module as a loader hands it over.
pub struct ModuleSource {
    /// Its name: where its redirects ended.
    pub url: String,
    pub kind: ModuleType,
    /// JavaScript, or the JSON text.
    pub code: String,
    /// Where the map from `code` back to what the user wrote is, if anywhere.
    pub source_map: Option<SourceMapSource>,
}

/// The modules new to the isolate, in the order they were loaded, and the redirects
/// followed (a requested URL -> the module's URL).
#[derive(Default)]
pub struct LoadedGraph {
    pub modules: Vec<ModuleSource>,
    pub redirects: Vec<(String, String)>,
}

/// A load to run, on this thread or another: given the type of each module the
/// isolate already has (by URL), loads the rest of the graph. Errors are messages.
pub type Load =
    Box<dyn FnOnce(&dyn Fn(&str) -> Option<ModuleType>) -> Result<LoadedGraph, String> + Send>;

/// Where an isolate's modules come from.
pub trait ModuleLoader {
    /// The URL `specifier` names when imported from `referrer` (a URL). Err: why not.
    fn resolve(&self, specifier: &str, referrer: &str) -> Result<String, String>;

    /// How to load module `url` and what it imports: `source` stands in for its file
    /// (for eval), `json` asks for a JSON module, `kind` says why it loads.
    fn load(&self, url: &str, source: Option<String>, json: bool, kind: LoadKind) -> Load;
}

/// The loader of an isolate made without one: no module loads.
struct NoModules;

impl ModuleLoader for NoModules {
    fn resolve(&self, _: &str, _: &str) -> Result<String, String> {
        Err("this isolate loads no modules".into())
    }

    fn load(&self, _: &str, _: Option<String>, _: bool, _: LoadKind) -> Load {
        Box::new(|_| Err("this isolate loads no modules".into()))
    }
}

/// A dynamic import whose graph loads on a thread of its own.
pub(crate) type Import = Pin<Box<dyn Future<Output = Loaded>>>;

/// Every module of the isolate, in its slot.
pub(crate) struct ModuleMap {
    loader: Rc<dyn ModuleLoader>,
    by_url: HashMap<String, v8::Global<v8::Module>>,
    /// V8 identifies a referrer only by its module: identity hash -> URLs.
    by_hash: HashMap<NonZeroI32, Vec<String>>,
    main: Option<String>,
    /// Each module's type (a JSON module answers only an import that asks for JSON).
    /// Shared with loads running on other threads (a copy is made only when a module
    /// is added while one runs).
    types: Arc<HashMap<String, ModuleType>>,
    /// A requested URL -> the URL its redirects ended at (the module's name).
    redirects: HashMap<String, String>,
    /// JSON modules' values, until their evaluation exports them.
    json: HashMap<String, v8::Global<v8::Value>>,
    /// Dynamic imports whose graphs are loading.
    pub(crate) imports: futures_util::stream::FuturesUnordered<Import>,
}

impl ModuleMap {
    pub(crate) fn new(loader: Option<Rc<dyn ModuleLoader>>) -> Self {
        ModuleMap {
            loader: loader.unwrap_or_else(|| Rc::new(NoModules)),
            by_url: HashMap::new(),
            by_hash: HashMap::new(),
            main: None,
            types: Arc::default(),
            redirects: HashMap::new(),
            json: HashMap::new(),
            imports: Default::default(),
        }
    }

    fn url_of(&self, module: v8::Local<v8::Module>) -> Option<&String> {
        let urls = self.by_hash.get(&module.get_identity_hash())?;
        urls.iter()
            .find(|url| self.by_url.get(*url).is_some_and(|g| *g == module))
    }

    /// The name of the module an import of `url` gets (after redirects).
    fn name<'a>(&'a self, url: &'a str) -> &'a str {
        self.redirects.get(url).map_or(url, String::as_str)
    }
}

/// The isolate's modules.
pub(crate) fn map(isolate: &mut v8::Isolate) -> &mut ModuleMap {
    isolate
        .get_slot_mut::<ModuleMap>()
        .expect("an isolate made by Isolate::new")
}

/// Loads module `url` and everything it imports that is not loaded yet, on this
/// thread, and compiles each into a V8 module. Errors are messages for `error: ...`.
fn load_graph<'s>(
    scope: &mut v8::HandleScope<'s>,
    url: &str,
    source: Option<String>,
    json: bool,
    kind: LoadKind,
) -> Result<v8::Local<'s, v8::Module>, String> {
    let map = map(scope);
    let load = map.loader.load(url, source, json, kind);
    let graph = load(&|name| map.types.get(name).copied())?;
    add_graph(scope, graph, url)
}

/// The graph of a load run on a thread of its own: loading may take long (a remote
/// module, a slow disk), and the isolate's thread waits for it only as long as its
/// event loop (or its deadline, or a stop) allows. Its result comes with the end of the
/// thread (which ends as it sends): no loader thread outlives the load it was made for.
pub(crate) struct Loading {
    graph: tokio::sync::oneshot::Receiver<Result<LoadedGraph, String>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::future::Future for Loading {
    /// Err: the loader thread ended without a graph.
    type Output = Result<Result<LoadedGraph, String>, ()>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let graph = std::task::ready!(std::pin::Pin::new(&mut self.graph).poll(cx));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        std::task::Poll::Ready(graph.map_err(|_| ()))
    }
}

/// Starts loading module `url` with its imports on a thread of its own.
pub(crate) fn start_load(
    isolate: &mut v8::Isolate,
    url: &str,
    source: Option<String>,
    json: bool,
    kind: LoadKind,
) -> Result<Loading, String> {
    let modules = map(isolate);
    let load = modules.loader.load(url, source, json, kind);
    let types = modules.types.clone();
    let (done, graph) = tokio::sync::oneshot::channel();
    let thread = std::thread::Builder::new()
        .name("module loader".into())
        .spawn(move || {
            let graph = load(&|name| types.get(name).copied());
            // Let go of the map before the isolate hears of the graph and adds to it.
            drop(types);
            let _ = done.send(graph);
        })
        .map_err(|e| format!("cannot start a module loader: {e}"))?;
    Ok(Loading {
        graph,
        thread: Some(thread),
    })
}

/// Makes V8 modules of the main module's loaded `graph`, links them and starts the
/// evaluation of module `url` (as `run` does, with the graph loaded elsewhere).
pub(crate) fn run_loaded<'s>(
    scope: &mut v8::HandleScope<'s>,
    url: &str,
    graph: LoadedGraph,
) -> Result<(v8::Local<'s, v8::Module>, v8::Local<'s, v8::Promise>), Failure<'s>> {
    let root = add_graph(scope, graph, url).map_err(Failure::Load)?;
    let map = map(scope);
    map.main = map.url_of(root).cloned();
    evaluate(scope, root)
}

/// Makes V8 modules of a loaded graph; returns the one an import of `url` gets.
fn add_graph<'s>(
    scope: &mut v8::HandleScope<'s>,
    graph: LoadedGraph,
    url: &str,
) -> Result<v8::Local<'s, v8::Module>, String> {
    map(scope).redirects.extend(graph.redirects);
    for module in graph.modules {
        // Another import may have made it while this graph loaded: one module a URL.
        if !map(scope).by_url.contains_key(&module.url) {
            compile(scope, module)?;
        }
    }
    module_of(scope, url).ok_or_else(|| format!("Module \"{url}\" was not loaded"))
}

/// The loaded module that an import of `url` gets (after redirects).
fn module_of<'s>(scope: &mut v8::HandleScope<'s>, url: &str) -> Option<v8::Local<'s, v8::Module>> {
    let map = map(scope);
    let module = map.by_url.get(map.name(url))?.clone();
    Some(v8::Local::new(scope, module))
}

/// Makes a V8 module of a module of the graph, and records it.
fn compile(scope: &mut v8::HandleScope, module: ModuleSource) -> Result<(), String> {
    let url = module.url.as_str();
    // The map first: V8's own syntax errors are reported at the source position.
    if let Some(source_map) = module.source_map {
        source_maps::maps(scope).add(url, source_map);
    }
    let v8_module = match module.kind {
        ModuleType::Json => json_module(scope, url, &module.code)?,
        ModuleType::JavaScript => compile_module(scope, url, &module.code)?,
    };
    let global = v8::Global::new(scope, v8_module);
    let map = map(scope);
    map.by_url.insert(url.to_string(), global);
    Arc::make_mut(&mut map.types).insert(url.to_string(), module.kind);
    map.by_hash
        .entry(v8_module.get_identity_hash())
        .or_default()
        .push(url.to_string());
    Ok(())
}

/// A module's imports as V8 sees them: each specifier.
fn requests(scope: &mut v8::HandleScope, module: v8::Local<v8::Module>) -> Vec<String> {
    let requests = module.get_module_requests();
    (0..requests.length())
        .filter_map(|i| {
            let request: v8::Local<v8::ModuleRequest> = requests.get(scope, i)?.try_into().ok()?;
            Some(request.get_specifier().to_rust_string_lossy(scope))
        })
        .collect()
}

/// Whether a dynamic import's assertions (key, value pairs) say `type: "json"`.
fn asks_for_json(scope: &mut v8::HandleScope, assertions: v8::Local<v8::FixedArray>) -> bool {
    (0..assertions.length()).step_by(2).any(|i| {
        let text = |scope: &mut v8::HandleScope, i| {
            assertions
                .get(scope, i)
                .and_then(|d| v8::Local::<v8::Value>::try_from(d).ok())
                .map(|v| v.to_rust_string_lossy(scope))
        };
        text(scope, i).as_deref() == Some("type") && text(scope, i + 1).as_deref() == Some("json")
    })
}

/// A JSON module: a synthetic module whose default export is the parsed value.
fn json_module<'s>(
    scope: &mut v8::HandleScope<'s>,
    url: &str,
    json: &str,
) -> Result<v8::Local<'s, v8::Module>, String> {
    let text =
        v8::String::new(scope, json).ok_or_else(|| format!("Module too large: \"{url}\""))?;
    let tc = &mut v8::TryCatch::new(scope);
    let Some(value) = v8::json::parse(tc, text) else {
        let e = tc
            .exception()
            .map(|e| e.to_rust_string_lossy(tc))
            .unwrap_or_default();
        return Err(format!("{e}\n    at {url}"));
    };
    let value = v8::Global::new(tc, value);
    map(tc).json.insert(url.to_string(), value);
    let name = v8::String::new(tc, url).unwrap();
    let export = v8::String::new(tc, "default").unwrap();
    Ok(v8::Module::create_synthetic_module(
        tc,
        name,
        &[export],
        json_module_evaluation,
    ))
}

fn json_module_evaluation<'a>(
    context: v8::Local<'a, v8::Context>,
    module: v8::Local<'a, v8::Module>,
) -> Option<v8::Local<'a, v8::Value>> {
    // SAFETY: V8 calls this with the context entered, on the isolate's thread.
    let scope = &mut unsafe { v8::CallbackScope::new(context) };
    let map = map(scope);
    let url = map.url_of(module)?.clone();
    let value = map.json.remove(&url)?;
    let value = v8::Local::new(scope, value);
    let export = v8::String::new(scope, "default").unwrap();
    module.set_synthetic_module_export(scope, export, value)?;
    Some(v8::undefined(scope).into())
}

/// Why a module graph did not run.
pub enum Failure<'s> {
    /// It could not be loaded or compiled: a message for `error: ...`.
    Load(String),
    /// Linking or evaluation threw this.
    Thrown(v8::Local<'s, v8::Value>),
}

/// Loads module `url` with everything it imports, links it and starts its evaluation;
/// returns it and the promise of its evaluation. `source` stands in for its file
/// (for `eval`); `json` asks for a JSON module (a dynamic import's attribute).
///
/// V8 links and evaluates a graph depth first, by recursion: a chain of a few
/// thousand imports would overflow its stack. So the graph is linked and evaluated
/// one strongly connected component at a time, dependencies first (each component's
/// first module in the order V8's own walk would finish it): every call then finds
/// its dependencies done, and the order of evaluation is the one the standard gives.
pub(crate) fn run<'s>(
    scope: &mut v8::HandleScope<'s>,
    url: &str,
    source: Option<String>,
    json: bool,
    kind: LoadKind,
) -> Result<(v8::Local<'s, v8::Module>, v8::Local<'s, v8::Promise>), Failure<'s>> {
    let root = load_graph(scope, url, source, json, kind).map_err(Failure::Load)?;
    if kind == LoadKind::Main {
        let map = map(scope);
        map.main = map.url_of(root).cloned();
    }
    evaluate(scope, root)
}

/// Links module `root` (loaded, with everything it imports) and starts its evaluation.
fn evaluate<'s>(
    scope: &mut v8::HandleScope<'s>,
    root: v8::Local<'s, v8::Module>,
) -> Result<(v8::Local<'s, v8::Module>, v8::Local<'s, v8::Promise>), Failure<'s>> {
    let mut order = components(scope, root);
    if order.last() != Some(&root) {
        order.push(root);
    }
    let tc = &mut v8::TryCatch::new(scope);
    for &module in &order {
        if module.get_status() == v8::ModuleStatus::Uninstantiated
            && module.instantiate_module(tc, resolve_callback).is_none()
        {
            return Err(Failure::Thrown(exception(tc)));
        }
    }
    let mut last = None;
    for module in order {
        let Some(result) = module.evaluate(tc) else {
            return Err(Failure::Thrown(exception(tc)));
        };
        // A synthetic (JSON) module's evaluation gives what its steps returned.
        let promise = match v8::Local::<v8::Promise>::try_from(result) {
            Ok(promise) => promise,
            Err(_) => {
                let resolver = v8::PromiseResolver::new(tc)
                    .ok_or_else(|| Failure::Load("cannot make a promise".into()))?;
                resolver.resolve(tc, result);
                resolver.get_promise(tc)
            }
        };
        let rejected = promise.state() == v8::PromiseState::Rejected;
        if module != root || rejected {
            // Its rejection reaches the root's promise, or the caller: it is not
            // one of its own.
            let ignore = v8::Function::new(
                tc,
                |_: &mut v8::HandleScope, _: v8::FunctionCallbackArguments, _: v8::ReturnValue| {},
            );
            if let Some(ignore) = ignore {
                promise.catch(tc, ignore);
            }
        }
        if rejected {
            return Err(Failure::Thrown(promise.result(tc)));
        }
        last = Some(promise);
    }
    Ok((root, last.expect("the root is evaluated")))
}

fn exception<'s>(tc: &mut v8::TryCatch<v8::HandleScope<'s>>) -> v8::Local<'s, v8::Value> {
    tc.exception().unwrap_or_else(|| v8::undefined(tc).into())
}

/// The first module of each strongly connected component of the unlinked part of the
/// graph below `root`, dependencies first (Tarjan's algorithm, without recursion,
/// following each module's imports in V8's order).
fn components<'s>(
    scope: &mut v8::HandleScope<'s>,
    root: v8::Local<'s, v8::Module>,
) -> Vec<v8::Local<'s, v8::Module>> {
    struct Node<'s> {
        module: v8::Local<'s, v8::Module>,
        index: usize,
        low: usize,
        on_stack: bool,
    }
    let fresh = |m: v8::Local<v8::Module>| m.get_status() == v8::ModuleStatus::Uninstantiated;
    if !fresh(root) {
        return Vec::new();
    }
    let mut nodes: Vec<Node<'s>> = Vec::new();
    // Identity hash -> nodes with it (hashes may collide; handles are compared).
    let mut seen: HashMap<NonZeroI32, Vec<usize>> = HashMap::new();
    let mut stack: Vec<usize> = Vec::new();
    let mut roots = Vec::new();
    // Per node being visited: its unlinked imports, and the next one to look at.
    let mut walk: Vec<(usize, Vec<v8::Local<'s, v8::Module>>, usize)> = Vec::new();
    let mut pending = Some(root);
    loop {
        if let Some(module) = pending.take() {
            let i = nodes.len();
            nodes.push(Node {
                module,
                index: i,
                low: i,
                on_stack: true,
            });
            seen.entry(module.get_identity_hash()).or_default().push(i);
            stack.push(i);
            walk.push((i, imported_modules(scope, module), 0));
        }
        let Some((v, imports, next)) = walk.last_mut() else {
            break;
        };
        let v = *v;
        if let Some(&w) = imports.get(*next) {
            *next += 1;
            let known = seen
                .get(&w.get_identity_hash())
                .and_then(|ids| ids.iter().copied().find(|&i| nodes[i].module == w));
            match known {
                None if fresh(w) => pending = Some(w),
                Some(w) if nodes[w].on_stack => nodes[v].low = nodes[v].low.min(nodes[w].index),
                _ => {}
            }
            continue;
        }
        walk.pop();
        if let Some(&(u, _, _)) = walk.last() {
            nodes[u].low = nodes[u].low.min(nodes[v].low);
        }
        if nodes[v].low == nodes[v].index {
            while let Some(w) = stack.pop() {
                nodes[w].on_stack = false;
                if w == v {
                    break;
                }
            }
            roots.push(nodes[v].module);
        }
    }
    roots
}

/// The modules `module` imports, in V8's order.
fn imported_modules<'s>(
    scope: &mut v8::HandleScope<'s>,
    module: v8::Local<'s, v8::Module>,
) -> Vec<v8::Local<'s, v8::Module>> {
    let Some(referrer) = map(scope).url_of(module).cloned() else {
        return Vec::new();
    };
    requests(scope, module)
        .into_iter()
        .filter_map(|specifier| {
            let url = resolve(scope, &specifier, &referrer).ok()?;
            module_of(scope, &url)
        })
        .collect()
}

fn compile_module<'s>(
    scope: &mut v8::HandleScope<'s>,
    url: &str,
    code: &str,
) -> Result<v8::Local<'s, v8::Module>, String> {
    let code =
        v8::String::new(scope, code).ok_or_else(|| format!("Module too large: \"{url}\""))?;
    let origin = script_origin(scope, url, true);
    let source = v8::script_compiler::Source::new(code, Some(&origin));
    let tc = &mut v8::TryCatch::new(scope);
    if let Some(module) = v8::script_compiler::compile_module(tc, source) {
        return Ok(module);
    }
    let Some(message) = tc.message() else {
        return Err(format!("Uncaught SyntaxError\n    at {url}"));
    };
    let text = message.get(tc).to_rust_string_lossy(tc);
    let line = message.get_line_number(tc).unwrap_or(0) as u32;
    let col = message.get_start_column() as u32 + 1;
    Err(match map_location_with_text(tc, url, line, col) {
        Some(pos) => {
            let frame = pos
                .code_frame()
                .map(|f| format!("\n{f}"))
                .unwrap_or_default();
            format!("{text}{frame}\n    at {url}:{}:{}", pos.line, pos.col)
        }
        None => format!("{text}\n    at {url}:{line}:{col}"),
    })
}

/// The URL `specifier` names imported from `referrer`, as the loader resolves it.
fn resolve(isolate: &mut v8::Isolate, specifier: &str, referrer: &str) -> Result<String, String> {
    let loader = map(isolate).loader.clone();
    loader.resolve(specifier, referrer)
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

/// V8 asks for each import of a module being instantiated; all were loaded before.
pub fn resolve_callback<'a>(
    context: v8::Local<'a, v8::Context>,
    specifier: v8::Local<'a, v8::String>,
    _assertions: v8::Local<'a, v8::FixedArray>,
    referrer: v8::Local<'a, v8::Module>,
) -> Option<v8::Local<'a, v8::Module>> {
    // SAFETY: V8 calls this with the context entered, on the isolate's thread.
    let scope = &mut unsafe { v8::CallbackScope::new(context) };
    let specifier = specifier.to_rust_string_lossy(scope);
    let referrer = map(scope).url_of(referrer)?.clone();
    let url = resolve(scope, &specifier, &referrer).ok()?;
    module_of(scope, &url)
}

/// `import.meta.url` and `import.meta.main`.
pub extern "C" fn import_meta_callback(
    context: v8::Local<v8::Context>,
    module: v8::Local<v8::Module>,
    meta: v8::Local<v8::Object>,
) {
    // SAFETY: as above.
    let scope = &mut unsafe { v8::CallbackScope::new(context) };
    let scope = &mut v8::HandleScope::new(scope);
    let map = map(scope);
    let Some(url) = map.url_of(module).cloned() else {
        return;
    };
    let is_main = map.main.as_deref() == Some(url.as_str());
    let key = v8::String::new(scope, "url").unwrap();
    let value = v8::String::new(scope, &url).unwrap();
    meta.create_data_property(scope, key.into(), value.into());
    let key = v8::String::new(scope, "main").unwrap();
    let value = v8::Boolean::new(scope, is_main);
    meta.create_data_property(scope, key.into(), value.into());
    let key = v8::String::new(scope, "resolve").unwrap();
    let resolve = v8::Function::builder(import_meta_resolve)
        .data(v8::String::new(scope, &url).unwrap().into())
        .build(scope);
    if let Some(resolve) = resolve {
        meta.create_data_property(scope, key.into(), resolve.into());
    }
}

/// `import.meta.resolve(specifier)`: the URL an import of `specifier` from this module
/// would load (a `new Worker` specifier next to the calling module).
fn import_meta_resolve(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    let referrer = args
        .data()
        .map(|d| d.to_rust_string_lossy(scope))
        .unwrap_or_default();
    let specifier = args.get(0).to_rust_string_lossy(scope);
    match resolve(scope, &specifier, &referrer) {
        Ok(url) => rv.set(v8::String::new(scope, &url).unwrap().into()),
        Err(e) => {
            let text = v8::String::new(scope, &e).unwrap();
            let e = v8::Exception::type_error(scope, text);
            scope.throw_exception(e);
        }
    }
}

/// `import(specifier)`: V8 wants a promise at once. The import goes on in a microtask,
/// so the code after the `import()` runs first, as it would while a module is fetched.
pub extern "C" fn dynamic_import_callback(
    context: v8::Local<v8::Context>,
    _options: v8::Local<v8::Data>,
    resource_name: v8::Local<v8::Value>,
    specifier: v8::Local<v8::String>,
    assertions: v8::Local<v8::FixedArray>,
) -> *mut v8::Promise {
    // SAFETY: as above. No handle scope of our own: the promise returned must outlive
    // this call, in the caller's.
    let scope = &mut unsafe { v8::CallbackScope::new(context) };
    let Some(resolver) = v8::PromiseResolver::new(scope) else {
        return std::ptr::null_mut();
    };
    let json = asks_for_json(scope, assertions);
    let json = v8::Boolean::new(scope, json);
    let task = [
        resolver.into(),
        resource_name,
        specifier.into(),
        json.into(),
    ];
    let task = v8::Array::new_with_elements(scope, &task);
    let Some(task) = v8::Function::builder(dynamic_import_task)
        .data(task.into())
        .build(scope)
    else {
        return std::ptr::null_mut();
    };
    scope.enqueue_microtask(task);
    let promise = resolver.get_promise(scope);
    &*promise as *const v8::Promise as *mut v8::Promise
}

/// A dynamic import's graph, loaded (or why not): the event loop finishes the import
/// with it ([`finish_import`]).
pub(crate) struct Loaded {
    resolver: v8::Global<v8::PromiseResolver>,
    url: String,
    graph: Result<LoadedGraph, String>,
}

fn dynamic_import_task(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    _rv: v8::ReturnValue,
) {
    let Some(task) = args
        .data()
        .and_then(|d| v8::Local::<v8::Array>::try_from(d).ok())
    else {
        return;
    };
    let mut item = |i| {
        task.get_index(scope, i)
            .unwrap_or_else(|| v8::undefined(scope).into())
    };
    let (resolver, referrer, specifier, json) = (item(0), item(1), item(2), item(3));
    if !resolver.is_object() {
        return;
    }
    // SAFETY: item 0 is the resolver `dynamic_import_callback` put there (the task's
    // data is out of JavaScript's reach).
    let resolver = unsafe { v8::Local::<v8::PromiseResolver>::cast(resolver) };
    let referrer = referrer.to_rust_string_lossy(scope);
    let specifier = specifier.to_rust_string_lossy(scope);
    let json = json.boolean_value(scope);
    // A script (eval, an embedder's) imports relative to the main module, else the
    // current directory.
    let referrer = Url::parse(&referrer)
        .ok()
        .map(String::from)
        .or_else(|| map(scope).main.clone())
        .or_else(|| {
            Some(
                Url::from_directory_path(std::env::current_dir().ok()?)
                    .ok()?
                    .into(),
            )
        });
    let url = referrer
        .ok_or_else(|| "no module to import from".to_string())
        .and_then(|referrer| resolve(scope, &specifier, &referrer));
    let url = match url {
        Ok(url) => url,
        Err(e) => return settle(scope, resolver, Err(Failure::Load(e))),
    };
    let modules = map(scope);
    if modules.types.contains_key(modules.name(&url)) {
        // Loaded already: nothing to fetch.
        let result = run(scope, &url, None, json, LoadKind::Dynamic);
        return settle(scope, resolver, result);
    }
    // The load goes on on a thread of its own while this isolate's event loop runs on
    // (timers, ops, the deadline).
    let loaded = match start_load(scope, &url, None, json, LoadKind::Dynamic) {
        Ok(loaded) => loaded,
        Err(e) => return settle(scope, resolver, Err(Failure::Load(e))),
    };
    let resolver = v8::Global::new(scope, resolver);
    map(scope).imports.push(Box::pin(async move {
        let graph = loaded
            .await
            .unwrap_or_else(|_| Err(format!("Module \"{url}\" was not loaded")));
        Loaded {
            resolver,
            url,
            graph,
        }
    }));
}

/// Ends a dynamic import whose graph has loaded: makes its modules, links and
/// evaluates them, and settles the import's promise.
pub(crate) fn finish_import(scope: &mut v8::HandleScope, loaded: Loaded) {
    let resolver = v8::Local::new(scope, &loaded.resolver);
    let result = match loaded.graph.and_then(|g| add_graph(scope, g, &loaded.url)) {
        Ok(root) => evaluate(scope, root),
        Err(e) => Err(Failure::Load(e)),
    };
    settle(scope, resolver, result);
}

/// Settles a dynamic import's promise: the module's namespace once it has evaluated,
/// or why it did not load (a TypeError) or what its evaluation threw.
fn settle<'s>(
    scope: &mut v8::HandleScope<'s>,
    resolver: v8::Local<'s, v8::PromiseResolver>,
    result: Result<(v8::Local<'s, v8::Module>, v8::Local<'s, v8::Promise>), Failure<'s>>,
) {
    match result {
        Ok((module, evaluated)) => {
            let namespace = v8::Local::new(scope, module.get_module_namespace());
            let then = v8::Function::builder(
                |_: &mut v8::HandleScope,
                 args: v8::FunctionCallbackArguments,
                 mut rv: v8::ReturnValue| {
                    if let Some(namespace) = args.data() {
                        rv.set(namespace);
                    }
                },
            )
            .data(namespace)
            .build(scope);
            match then.and_then(|then| evaluated.then(scope, then)) {
                Some(loaded) => resolver.resolve(scope, loaded.into()),
                None => {
                    let undefined = v8::undefined(scope).into();
                    resolver.reject(scope, undefined)
                }
            };
        }
        Err(Failure::Load(e)) => {
            let text = v8::String::new(scope, &e).unwrap();
            let e = v8::Exception::type_error(scope, text);
            resolver.reject(scope, e);
        }
        Err(Failure::Thrown(e)) => {
            resolver.reject(scope, e);
        }
    }
}
