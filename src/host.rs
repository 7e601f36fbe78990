//! What an embedder offers its scripts: host functions, and module sources.
//!
//! Host functions: Rust functions an embedder offers its scripts by name, called as
//! `Deno.host.<name>(...args)` through the one door (the `HostCall` op). A sync one
//! answers at once; an async one returns a future run on the runtime's event loop (under
//! its deadline), and the script awaits it. Values cross as JSON: the function gets the
//! script's arguments as a JSON array, and its result is what the call returns. An error
//! it returns, or a panic, reaches the script as an exception, never the host.
//!
//! ```
//! use minideno::host::{HostError, HostFunctions};
//!
//! let host = HostFunctions::new()
//!     .sync_typed("add", |(a, b): (i64, i64)| Ok(a + b))
//!     .async_typed("lookup", |(key,): (String,)| async move {
//!         if key.is_empty() {
//!             return Err(HostError::new("empty key"));
//!         }
//!         Ok(format!("value of {key}"))
//!     });
//! assert_eq!(host.names().collect::<Vec<_>>(), ["add", "lookup"]);
//! ```
use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Modules the embedder holds (no disk): the code of the module at a URL (TypeScript or
/// JavaScript by its extension), or None if it has none there. Asked before the disk
/// and the network, which a runtime reaches only with `module_loading`. Cheap to clone.
#[derive(Clone)]
pub struct ModuleSources(Arc<SourceFn>);

type SourceFn = dyn Fn(&url::Url) -> Option<String> + Send + Sync;

impl ModuleSources {
    /// The modules `source` answers for.
    pub fn new(source: impl Fn(&url::Url) -> Option<String> + Send + Sync + 'static) -> Self {
        ModuleSources(Arc::new(source))
    }

    /// These modules, by URL (`embed:///lib.ts` -> its code).
    pub fn from_map(modules: impl IntoIterator<Item = (String, String)>) -> Self {
        let modules: BTreeMap<String, String> = modules.into_iter().collect();
        Self::new(move |url| modules.get(url.as_str()).cloned())
    }

    /// The code of the module at `url`, if the embedder has it.
    pub fn get(&self, url: &url::Url) -> Option<String> {
        (self.0)(url)
    }
}

impl fmt::Debug for ModuleSources {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ModuleSources")
    }
}

/// Why a host function failed: the script's exception says this.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostError(pub String);

impl HostError {
    pub fn new(message: impl Into<String>) -> Self {
        HostError(message.into())
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for HostError {}

/// An async host function's result, polled on the runtime's thread (it need not be Send).
pub type HostFuture = Pin<Box<dyn Future<Output = Result<Value, HostError>>>>;

type SyncFn = dyn Fn(Value) -> Result<Value, HostError> + Send + Sync;
type AsyncFn = dyn Fn(Value) -> HostFuture + Send + Sync;

/// One host function.
#[derive(Clone)]
pub(crate) enum HostFn {
    Sync(Arc<SyncFn>),
    Async(Arc<AsyncFn>),
}

/// The host functions of a runtime, by name. Cheap to clone (the functions are shared),
/// and `Send + Sync`, so that runtimes on several threads can offer the same ones.
#[derive(Clone, Default)]
pub struct HostFunctions {
    fns: BTreeMap<String, HostFn>,
}

impl HostFunctions {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds `name`, a sync function of the call's arguments (a JSON array). A later
    /// function of the same name replaces it.
    pub fn sync(
        mut self,
        name: &str,
        f: impl Fn(Value) -> Result<Value, HostError> + Send + Sync + 'static,
    ) -> Self {
        self.fns.insert(name.into(), HostFn::Sync(Arc::new(f)));
        self
    }

    /// Adds `name`, an async function of the call's arguments (a JSON array): the
    /// script gets a promise of its result.
    pub fn r#async<F>(mut self, name: &str, f: impl Fn(Value) -> F + Send + Sync + 'static) -> Self
    where
        F: Future<Output = Result<Value, HostError>> + 'static,
    {
        let f = move |args| Box::pin(f(args)) as HostFuture;
        self.fns.insert(name.into(), HostFn::Async(Arc::new(f)));
        self
    }

    /// [`sync`](Self::sync) with the arguments deserialized into `A` (from the array:
    /// a tuple, `(A,)` for one argument) and the result serialized.
    pub fn sync_typed<A: DeserializeOwned, R: Serialize>(
        self,
        name: &str,
        f: impl Fn(A) -> Result<R, HostError> + Send + Sync + 'static,
    ) -> Self {
        let what = name.to_string();
        self.sync(name, move |args| to_json(f(from_json(&what, args)?)?))
    }

    /// [`async`](Self::async) with the arguments deserialized into `A` and the result
    /// serialized.
    pub fn async_typed<A: DeserializeOwned, R: Serialize + 'static, F>(
        self,
        name: &str,
        f: impl Fn(A) -> F + Send + Sync + 'static,
    ) -> Self
    where
        F: Future<Output = Result<R, HostError>> + 'static,
    {
        let f = Arc::new(f);
        let what = name.to_string();
        self.r#async(name, move |args| {
            let call = from_json(&what, args).map(&*f);
            async move { to_json(call?.await?) }
        })
    }

    /// The names, in order.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.fns.keys().map(String::as_str)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &HostFn)> {
        self.fns.iter().map(|(name, f)| (name.as_str(), f))
    }

    pub(crate) fn get(&self, name: &str) -> Option<&HostFn> {
        self.fns.get(name)
    }
}

impl fmt::Debug for HostFunctions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.names()).finish()
    }
}

fn from_json<A: DeserializeOwned>(name: &str, args: Value) -> Result<A, HostError> {
    serde_json::from_value(args).map_err(|e| HostError(format!("bad arguments to {name}: {e}")))
}

fn to_json<R: Serialize>(result: R) -> Result<Value, HostError> {
    serde_json::to_value(result).map_err(|e| HostError(format!("the result is not JSON: {e}")))
}
