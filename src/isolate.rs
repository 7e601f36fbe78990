//! The V8 glue: an isolate started from the startup snapshot, the native `Deno.core`
//! bindings (the one door, `dispatch`), module evaluation, the event loop and
//! uncaught-error reporting. It knows nothing of particular ops; ops know nothing of V8.
use std::fmt;
use std::rc::Rc;
use std::sync::Once;

use futures_util::stream::{FuturesUnordered, StreamExt};
use futures_util::FutureExt;
use url::Url;

use crate::modules::{self, ModuleMap};
use crate::ops::{self, Dispatched, PendingOp};
use crate::source_maps;
use crate::state::State;

static SNAPSHOT: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/SNAPSHOT.bin"));

/// Why a program failed; displayed after `error: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError(pub String);

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScriptError {}

/// Initializes V8 once per process; `v8_flags` (e.g. `--max-old-space-size=64`) apply
/// only to the first call.
pub fn init_v8(v8_flags: &str) {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        if !v8_flags.is_empty() {
            v8::V8::set_flags_from_string(v8_flags);
        }
        let platform = v8::new_default_platform(0, false).make_shared();
        v8::V8::initialize_platform(platform);
        v8::V8::initialize();
    });
}

/// Promises rejected with no handler yet, in the order V8 reported them.
#[derive(Default)]
struct PendingRejections(Vec<(v8::Global<v8::Promise>, v8::Global<v8::Value>)>);

/// The userland's formatter for uncaught errors (returned by `__bootstrap`).
struct FormatUncaught(v8::Global<v8::Function>);

/// Async ops in flight.
#[derive(Default)]
struct PendingOps(FuturesUnordered<PendingOp>);

/// Sync replies are copied here and handed to JS as a view (`Deno.core.shared`), so
/// a sync op allocates no ArrayBuffer; a reply is valid until the next dispatch.
struct SharedReply {
    store: v8::SharedRef<v8::BackingStore>,
    buffer: v8::Global<v8::ArrayBuffer>,
}

/// Replies longer than this get an ArrayBuffer of their own.
const SHARED_REPLY_SIZE: usize = 128 * 1024;

/// The callback `Deno.core.recv(cb)` registered for async replies.
#[derive(Default)]
struct RecvCallback(Option<v8::Global<v8::Function>>);

pub struct Isolate {
    // Field order matters: globals must drop before the isolate that owns them.
    context: v8::Global<v8::Context>,
    isolate: v8::OwnedIsolate,
    /// Drives async ops and timers; blocking work goes to its blocking pool.
    runtime: tokio::runtime::Runtime,
}

impl Isolate {
    /// A fresh isolate from the snapshot, bootstrapped with `state`.
    pub fn new(state: State) -> Result<Self, ScriptError> {
        init_v8("");
        let params = v8::CreateParams::default().snapshot_blob(SNAPSHOT);
        let mut isolate = v8::Isolate::new(params);
        isolate.set_microtasks_policy(v8::MicrotasksPolicy::Explicit);
        isolate.set_prepare_stack_trace_callback(source_maps::prepare_stack_trace);
        isolate.set_promise_reject_callback(promise_reject_callback);
        isolate.set_host_initialize_import_meta_object_callback(modules::import_meta_callback);
        isolate.set_slot(Rc::new(state));
        isolate.set_slot(ModuleMap::default());
        isolate.set_slot(PendingRejections::default());
        isolate.set_slot(PendingOps::default());
        isolate.set_slot(RecvCallback::default());
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .map_err(|e| ScriptError(format!("cannot start the event loop: {e}")))?;

        let context = {
            let scope = &mut v8::HandleScope::new(&mut isolate);
            let context = v8::Context::new(scope);
            let scope = &mut v8::ContextScope::new(scope, context);
            let core = v8::Object::new(scope);
            let dispatch = v8::Function::new(scope, dispatch).unwrap();
            let recv = v8::Function::new(scope, recv).unwrap();
            let store = v8::ArrayBuffer::new_backing_store_from_vec(vec![0; SHARED_REPLY_SIZE])
                .make_shared();
            let shared = v8::ArrayBuffer::with_backing_store(scope, &store);
            let buffer = v8::Global::new(scope, shared);
            scope.set_slot(Rc::new(SharedReply { store, buffer }));
            let members = [
                ("dispatch", dispatch.into()),
                ("send", dispatch.into()),
                ("recv", recv.into()),
                ("shared", shared.into()),
            ];
            for (name, value) in members {
                let key = v8::String::new(scope, name).unwrap();
                core.set(scope, key.into(), value);
            }
            let tc = &mut v8::TryCatch::new(scope);
            let key = v8::String::new(tc, "__bootstrap").unwrap();
            let global = context.global(tc);
            let bootstrap: v8::Local<v8::Function> = global
                .get(tc, key.into())
                .and_then(|f| f.try_into().ok())
                .expect("snapshot defines __bootstrap");
            let undefined = v8::undefined(tc).into();
            let hook = bootstrap.call(tc, undefined, &[core.into()]);
            let hook: v8::Local<v8::Function> = match hook.and_then(|h| h.try_into().ok()) {
                Some(hook) => hook,
                None => {
                    let e = tc
                        .exception()
                        .map(|e| e.to_rust_string_lossy(tc))
                        .unwrap_or_default();
                    return Err(ScriptError(format!("bootstrap failed: {e}")));
                }
            };
            let hook = FormatUncaught(v8::Global::new(tc, hook));
            tc.set_slot(hook);
            v8::Global::new(tc, context)
        };
        Ok(Isolate {
            context,
            isolate,
            runtime,
        })
    }

    /// Adds a native function `name` to the global object: for embedders (the
    /// benchmarks use it for a do-nothing callback, the floor of a JS->Rust call).
    pub fn set_global_function(
        &mut self,
        name: &str,
        callback: impl v8::MapFnTo<v8::FunctionCallback>,
    ) {
        let scope = &mut v8::HandleScope::with_context(&mut self.isolate, &self.context);
        let f = v8::Function::new(scope, callback).unwrap();
        let key = v8::String::new(scope, name).unwrap();
        let global = scope.get_current_context().global(scope);
        global.set(scope, key.into(), f.into());
    }

    /// Loads module `url` with its imports (`source` stands in for the file, for eval),
    /// evaluates it and runs the event loop until nothing is pending.
    pub fn run_module(&mut self, url: &Url, source: Option<String>) -> Result<(), ScriptError> {
        // Handlers may use Tokio (spawn a blocking task, make a timer) from inside JS.
        let runtime = self.runtime.handle().clone();
        let _entered = runtime.enter();
        let promise = {
            let scope = &mut v8::HandleScope::with_context(&mut self.isolate, &self.context);
            let module = modules::load(scope, url, source, true).map_err(ScriptError)?;
            let tc = &mut v8::TryCatch::new(scope);
            if module
                .instantiate_module(tc, modules::resolve_callback)
                .is_none()
            {
                let e = tc.exception().unwrap_or_else(|| v8::undefined(tc).into());
                return Err(uncaught(tc, e, false));
            }
            let Some(result) = module.evaluate(tc) else {
                let e = tc.exception().unwrap_or_else(|| v8::undefined(tc).into());
                return Err(uncaught(tc, e, false));
            };
            let promise: v8::Local<v8::Promise> = result
                .try_into()
                .expect("module evaluation gives a promise");
            v8::Global::new(tc, promise)
        };
        self.run_event_loop(&promise)?;
        let scope = &mut v8::HandleScope::with_context(&mut self.isolate, &self.context);
        let promise = v8::Local::new(scope, promise);
        match promise.state() {
            v8::PromiseState::Fulfilled => Ok(()),
            v8::PromiseState::Rejected => {
                let e = promise.result(scope);
                Err(uncaught(scope, e, false))
            }
            v8::PromiseState::Pending => {
                Err(ScriptError("Top-level await promise never resolved".into()))
            }
        }
    }

    /// Runs the event loop until no op and no timer is pending: each turn waits for
    /// an async op to finish, hands every finished reply to JS in one call, then runs
    /// microtasks. Fails on an unhandled rejection (except `main`, the main module's
    /// evaluation, which its caller reports).
    fn run_event_loop(&mut self, main: &v8::Global<v8::Promise>) -> Result<(), ScriptError> {
        loop {
            {
                let scope = &mut v8::HandleScope::with_context(&mut self.isolate, &self.context);
                scope.perform_microtask_checkpoint();
                let rejections =
                    std::mem::take(&mut scope.get_slot_mut::<PendingRejections>().unwrap().0);
                if let Some((_, e)) = rejections.into_iter().find(|(p, _)| p != main) {
                    let e = v8::Local::new(scope, e);
                    return Err(uncaught(scope, e, true));
                }
            }
            let pending = &mut self.isolate.get_slot_mut::<PendingOps>().unwrap().0;
            let Some(first) = self.runtime.block_on(pending.next()) else {
                return Ok(());
            };
            // The batch's buffer becomes the ArrayBuffer JS receives: no further copy.
            let mut batch = first.into_vec();
            while let Some(Some(reply)) = pending.next().now_or_never() {
                batch.extend_from_slice(&reply);
            }
            self.deliver_batch(batch)?;
        }
    }

    /// Calls the `Deno.core.recv` callback once with every reply of this turn.
    fn deliver_batch(&mut self, batch: Vec<u8>) -> Result<(), ScriptError> {
        let scope = &mut v8::HandleScope::with_context(&mut self.isolate, &self.context);
        let Some(cb) = scope.get_slot::<RecvCallback>().unwrap().0.clone() else {
            return Err(ScriptError(
                "async replies arrived but Deno.core.recv was never called".into(),
            ));
        };
        let cb = v8::Local::new(scope, cb);
        let batch = uint8_array(scope, batch);
        let tc = &mut v8::TryCatch::new(scope);
        let undefined = v8::undefined(tc).into();
        if cb.call(tc, undefined, &[batch.into()]).is_none() {
            let e = tc.exception().unwrap_or(undefined);
            return Err(uncaught(tc, e, false));
        }
        Ok(())
    }
}

/// `Uncaught <error, formatted by the userland>`.
fn uncaught(scope: &mut v8::HandleScope, e: v8::Local<v8::Value>, in_promise: bool) -> ScriptError {
    let tc = &mut v8::TryCatch::new(scope);
    let hook = tc
        .get_slot::<FormatUncaught>()
        .expect("bootstrapped")
        .0
        .clone();
    let hook = v8::Local::new(tc, hook);
    let undefined = v8::undefined(tc).into();
    let text = hook
        .call(tc, undefined, &[e])
        .map(|s| s.to_rust_string_lossy(tc))
        .unwrap_or_else(|| e.to_rust_string_lossy(tc));
    let prefix = if in_promise {
        "Uncaught (in promise)"
    } else {
        "Uncaught"
    };
    ScriptError(format!("{prefix} {text}"))
}

extern "C" fn promise_reject_callback(message: v8::PromiseRejectMessage) {
    // SAFETY: V8 calls this on the isolate's thread, inside its context.
    let scope = &mut unsafe { v8::CallbackScope::new(&message) };
    let promise = message.get_promise();
    match message.get_event() {
        v8::PromiseRejectEvent::PromiseRejectWithNoHandler => {
            let value = message
                .get_value()
                .unwrap_or_else(|| v8::undefined(scope).into());
            let entry = (
                v8::Global::new(scope, promise),
                v8::Global::new(scope, value),
            );
            scope
                .get_slot_mut::<PendingRejections>()
                .unwrap()
                .0
                .push(entry);
        }
        v8::PromiseRejectEvent::PromiseHandlerAddedAfterReject => {
            let pending = &mut scope.get_slot_mut::<PendingRejections>().unwrap().0;
            pending.retain(|(p, _)| *p != promise);
        }
        _ => {}
    }
}

fn throw_type_error(scope: &mut v8::HandleScope, text: &str) {
    let text = v8::String::new(scope, text).unwrap();
    let e = v8::Exception::type_error(scope, text);
    scope.throw_exception(e);
}

/// The bytes of an ArrayBufferView, borrowed from its backing store.
///
/// SAFETY: the caller must not let JS run (which could detach or resize the buffer)
/// while the slice is alive.
unsafe fn view_bytes<'a>(
    scope: &mut v8::HandleScope,
    view: v8::Local<v8::ArrayBufferView>,
) -> &'a mut [u8] {
    let len = view.byte_length();
    let store = view.buffer(scope).map(|b| b.get_backing_store());
    match store.as_ref().and_then(|s| s.data()) {
        Some(data) if len > 0 => {
            std::slice::from_raw_parts_mut((data.as_ptr() as *mut u8).add(view.byte_offset()), len)
        }
        _ => &mut [],
    }
}

/// `Deno.core.dispatch(control: Uint8Array, zeroCopy?: ArrayBufferView)`: the one door.
fn dispatch(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    mut rv: v8::ReturnValue,
) {
    let Ok(control) = v8::Local::<v8::Uint8Array>::try_from(args.get(0)) else {
        return throw_type_error(scope, "Deno.core.dispatch: control must be a Uint8Array");
    };
    let zero_copy = args.get(1);
    let zero_copy = if zero_copy.is_null_or_undefined() {
        None
    } else if let Ok(view) = v8::Local::<v8::ArrayBufferView>::try_from(zero_copy) {
        Some(view)
    } else {
        return throw_type_error(
            scope,
            "Deno.core.dispatch: zeroCopy must be an ArrayBufferView",
        );
    };
    let state = scope.get_slot::<Rc<State>>().expect("State slot").clone();
    // SAFETY: ops run no JS while they hold these slices.
    let control = unsafe { view_bytes(scope, control.into()) };
    let data = zero_copy.map(|v| unsafe { view_bytes(scope, v) });
    if let Some(data) = &data {
        let (c, d) = (control.as_ptr_range(), data.as_ptr_range());
        if !data.is_empty() && c.start < d.end && d.start < c.end {
            return throw_type_error(scope, "Deno.core.dispatch: zeroCopy overlaps control");
        }
    }
    match ops::dispatch(&state, control, data) {
        Err(e) => throw_type_error(scope, &format!("Deno.core.dispatch: {e}")),
        Ok(Dispatched::Reply(buf)) if buf.is_empty() => rv.set(v8::null(scope).into()),
        Ok(Dispatched::Reply(buf)) if buf.len() <= SHARED_REPLY_SIZE => {
            let shared = scope
                .get_slot::<Rc<SharedReply>>()
                .expect("SharedReply slot")
                .clone();
            let data = shared.store.data().expect("shared reply buffer").as_ptr() as *mut u8;
            // SAFETY: the store holds SHARED_REPLY_SIZE bytes and outlives this call;
            // no JS runs between this copy and the caller reading the view.
            unsafe { std::ptr::copy_nonoverlapping(buf.as_ptr(), data, buf.len()) };
            let buffer = v8::Local::new(scope, &shared.buffer);
            let view = v8::Uint8Array::new(scope, buffer, 0, buf.len()).unwrap();
            rv.set(view.into());
        }
        Ok(Dispatched::Reply(buf)) => rv.set(uint8_array(scope, buf.into_vec()).into()),
        Ok(Dispatched::Pending(op)) => {
            scope.get_slot_mut::<PendingOps>().unwrap().0.push(op);
            rv.set(v8::null(scope).into());
        }
    }
}

/// `Deno.core.recv(cb)`: registers the one callback that receives async replies.
fn recv(scope: &mut v8::HandleScope, args: v8::FunctionCallbackArguments, _rv: v8::ReturnValue) {
    let Ok(cb) = v8::Local::<v8::Function>::try_from(args.get(0)) else {
        return throw_type_error(scope, "Deno.core.recv: callback must be a function");
    };
    let cb = v8::Global::new(scope, cb);
    scope.get_slot_mut::<RecvCallback>().unwrap().0 = Some(cb);
}

/// A new Uint8Array that owns `bytes`.
fn uint8_array<'s>(
    scope: &mut v8::HandleScope<'s>,
    bytes: Vec<u8>,
) -> v8::Local<'s, v8::Uint8Array> {
    let len = bytes.len();
    let store = v8::ArrayBuffer::new_backing_store_from_vec(bytes).make_shared();
    let ab = v8::ArrayBuffer::with_backing_store(scope, &store);
    v8::Uint8Array::new(scope, ab, 0, len).unwrap()
}
