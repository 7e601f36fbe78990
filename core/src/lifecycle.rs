//! The program's lifecycle, as the embedder's JavaScript sees it: one hook
//! (`Deno.core.setLifecycle(fn)`), called with "load" once the main module (or script)
//! has evaluated, and with "beforeunload" then "unload" when the event loop has nothing
//! left. A "beforeunload" the hook answers true (canceled) while work is pending again
//! keeps the loop going. Each fires once per isolate.

use crate::uncaught::{uncaught, ScriptError};

#[derive(Default)]
pub(crate) struct Lifecycle {
    hook: Option<v8::Global<v8::Function>>,
    loaded: bool,
    unloaded: bool,
}

fn lifecycle(isolate: &mut v8::Isolate) -> &mut Lifecycle {
    isolate
        .get_slot_mut::<Lifecycle>()
        .expect("an isolate made by Isolate::new")
}

/// `Deno.core.setLifecycle(fn)`.
pub(crate) fn set_lifecycle(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    _rv: v8::ReturnValue,
) {
    match v8::Local::<v8::Function>::try_from(args.get(0)) {
        Ok(f) => lifecycle(scope).hook = Some(v8::Global::new(scope, f)),
        Err(_) => crate::door::throw_type_error(scope, "Deno.core.setLifecycle: not a function"),
    }
}

/// Fires "load" the first time the main promise is seen fulfilled.
pub(crate) fn after_turn(
    scope: &mut v8::HandleScope,
    main: v8::Local<v8::Promise>,
) -> Result<(), ScriptError> {
    let state = lifecycle(scope);
    if state.loaded || state.hook.is_none() || main.state() != v8::PromiseState::Fulfilled {
        return Ok(());
    }
    state.loaded = true;
    fire(scope, "load").map(drop)
}

/// The event loop has nothing left: fires "beforeunload" (then, unless it was canceled
/// and work is pending again, "unload"). Ok(true): go on with the loop.
pub(crate) fn before_end(
    scope: &mut v8::HandleScope,
    pending: impl Fn(&mut v8::HandleScope) -> bool,
) -> Result<bool, ScriptError> {
    let state = lifecycle(scope);
    if !state.loaded || state.unloaded || state.hook.is_none() {
        return Ok(false);
    }
    let canceled = fire(scope, "beforeunload")?;
    scope.perform_microtask_checkpoint();
    if canceled && pending(scope) {
        return Ok(true);
    }
    lifecycle(scope).unloaded = true;
    fire(scope, "unload")?;
    scope.perform_microtask_checkpoint();
    Ok(pending(scope))
}

/// Calls the hook with `event`: whether it returned true. What it throws is uncaught.
fn fire(scope: &mut v8::HandleScope, event: &str) -> Result<bool, ScriptError> {
    let Some(hook) = lifecycle(scope).hook.clone() else {
        return Ok(false);
    };
    let hook = v8::Local::new(scope, hook);
    let tc = &mut v8::TryCatch::new(scope);
    let event = v8::String::new(tc, event).unwrap().into();
    let undefined = v8::undefined(tc).into();
    match hook.call(tc, undefined, &[event]) {
        Some(result) => Ok(result.is_true()),
        None => match tc.exception() {
            Some(e) if !tc.has_terminated() => Err(uncaught(tc, e, false)),
            _ => Err(ScriptError("terminated".into())),
        },
    }
}
