//! Errors nobody caught: how they are reported (`Uncaught <error, formatted by the
//! embedder's JavaScript>` with the code frame of the user's line), the promises
//! rejected with no handler, which the event loop looks at after each turn (offering
//! each to the JavaScript handler `Deno.core.setUnhandledRejection` set, which may
//! handle it), and the errors JavaScript reports as uncaught
//! (`Deno.core.reportUncaught`: an exception in an event listener).
use std::fmt;

use crate::source_maps::{self, Position};

/// Why a program failed; displayed after `error: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError(pub String);

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScriptError {}

/// What the isolate keeps of errors, in its slot.
#[derive(Default)]
pub(crate) struct Errors {
    /// Promises rejected with no handler yet, in the order V8 reported them.
    pub(crate) rejections: Vec<(v8::Global<v8::Promise>, v8::Global<v8::Value>)>,
    /// The embedder's formatter for uncaught errors (what its bootstrap returned).
    pub(crate) format: Option<v8::Global<v8::Function>>,
    /// Where the last uncaught error was thrown (the user's frame, source-mapped).
    pub(crate) uncaught_at: Option<Position>,
    /// Called with (promise, reason) for each unhandled rejection: true if it handled it.
    pub(crate) rejection_handler: Option<v8::Global<v8::Function>>,
    /// The first error JavaScript reported as uncaught: it ends the run after this turn.
    pub(crate) reported: Option<v8::Global<v8::Value>>,
}

/// `Deno.core.setUnhandledRejection(fn)`: `fn(promise, reason)` is offered each promise
/// rejected with no handler; returning true handles it (else it ends the run).
pub(crate) fn set_unhandled_rejection(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    _rv: v8::ReturnValue,
) {
    match v8::Local::<v8::Function>::try_from(args.get(0)) {
        Ok(f) => errors(scope).rejection_handler = Some(v8::Global::new(scope, f)),
        Err(_) => {
            crate::door::throw_type_error(scope, "Deno.core.setUnhandledRejection: not a function")
        }
    }
}

/// `Deno.core.reportUncaught(error)`: `error` ends the run as an uncaught one, once the
/// current turn of the event loop is done (the first one reported is the one shown).
pub(crate) fn report_uncaught(
    scope: &mut v8::HandleScope,
    args: v8::FunctionCallbackArguments,
    _rv: v8::ReturnValue,
) {
    let error = v8::Global::new(scope, args.get(0));
    errors(scope).reported.get_or_insert(error);
}

/// What ends the run after a turn: an error reported as uncaught, or a rejection with no
/// handler (other than `main`'s, which its caller reports) that the JavaScript handler
/// did not handle.
pub(crate) fn after_turn(
    scope: &mut v8::HandleScope,
    main: &v8::Global<v8::Promise>,
) -> Result<(), ScriptError> {
    let rejections = std::mem::take(&mut errors(scope).rejections);
    for (promise, reason) in rejections.into_iter().filter(|(p, _)| p != main) {
        let handler = errors(scope).rejection_handler.clone();
        let reason = v8::Local::new(scope, reason);
        let handled = handler.is_some_and(|handler| {
            let handler = v8::Local::new(scope, handler);
            let promise = v8::Local::new(scope, promise).into();
            let undefined = v8::undefined(scope).into();
            let tc = &mut v8::TryCatch::new(scope);
            let result = handler.call(tc, undefined, &[promise, reason]);
            if tc.has_caught() && !tc.has_terminated() {
                // A handler that throws reports that error instead.
                let thrown = tc.exception().unwrap();
                let thrown = v8::Global::new(tc, thrown);
                errors(tc).reported.get_or_insert(thrown);
                return true;
            }
            result.is_some_and(|r| r.is_true())
        });
        if !handled {
            return Err(uncaught(scope, reason, true));
        }
    }
    if let Some(error) = errors(scope).reported.take() {
        let error = v8::Local::new(scope, error);
        return Err(uncaught(scope, error, false));
    }
    Ok(())
}

/// The isolate's errors.
pub(crate) fn errors(isolate: &mut v8::Isolate) -> &mut Errors {
    isolate
        .get_slot_mut::<Errors>()
        .expect("an isolate made by Isolate::new")
}

/// An error's `stack` (V8's own format), if it has one: what is shown without a
/// formatter.
fn stack<'s>(
    scope: &mut v8::HandleScope<'s>,
    e: v8::Local<v8::Value>,
) -> Option<v8::Local<'s, v8::Value>> {
    let e = v8::Local::<v8::Object>::try_from(e).ok()?;
    let key = v8::String::new(scope, "stack")?;
    e.get(scope, key.into()).filter(|s| s.is_string())
}

/// `Uncaught <error, formatted by the embedder>`, with a code frame (the source line
/// and a caret) between an Error's message and its stack, as Deno prints it.
pub(crate) fn uncaught(
    scope: &mut v8::HandleScope,
    e: v8::Local<v8::Value>,
    in_promise: bool,
) -> ScriptError {
    let tc = &mut v8::TryCatch::new(scope);
    let undefined = v8::undefined(tc).into();
    let format = errors(tc).format.clone().map(|f| v8::Local::new(tc, f));
    let mut text = format
        .and_then(|format| format.call(tc, undefined, &[e]))
        .or_else(|| stack(tc, e))
        .map(|s| s.to_rust_string_lossy(tc))
        .unwrap_or_else(|| e.to_rust_string_lossy(tc));
    let position = e
        .is_native_error()
        .then(|| user_position(tc, e).or_else(|| awaited_position(tc, e)))
        .flatten();
    if let Some(frame) = position.as_ref().and_then(Position::code_frame) {
        let at = text.find("\n    at ").unwrap_or(text.len());
        text.insert_str(at, &format!("\n{frame}"));
    }
    errors(tc).uncaught_at = position;
    let prefix = if in_promise {
        "Uncaught (in promise)"
    } else {
        "Uncaught"
    };
    ScriptError(format!("{prefix} {text}"))
}

/// Where `e` was made: the user's frame, source-mapped (with its line's text) if a
/// source map covers it.
fn user_position(scope: &mut v8::HandleScope, e: v8::Local<v8::Value>) -> Option<Position> {
    let trace = v8::Exception::get_stack_trace(scope, e)?;
    // The line to show is the user's: an op's DenoError is made inside the userland,
    // and one delivered by the event loop has no user frame at all (then none is shown).
    let mut shown = None;
    for i in 0..trace.get_frame_count() {
        let Some(frame) = trace.get_frame(scope, i) else {
            continue;
        };
        let Some(url) = frame.get_script_name_or_source_url(scope) else {
            continue;
        };
        let url = url.to_rust_string_lossy(scope);
        if Some(url.as_str()) != source_maps::maps(scope).builtin_url() {
            shown = Some((
                url,
                frame.get_line_number() as u32,
                frame.get_column() as u32,
            ));
            break;
        }
    }
    let (url, line, col) = shown?;
    source_maps::map_location_with_text(scope, &url, line, col).or(Some(Position {
        file: url,
        line,
        col,
        text: None,
    }))
}

/// Where the user awaited what failed, for an error made in the userland with no user
/// frame of its own (an async op's): the first user frame of its `stack`, whose async
/// frames V8 writes there only (its captured trace has the sync ones).
fn awaited_position(scope: &mut v8::HandleScope, e: v8::Local<v8::Value>) -> Option<Position> {
    let stack = stack(scope, e)?.to_rust_string_lossy(scope);
    let builtin = source_maps::maps(scope).builtin_prefix();
    let frame = stack
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("at "))
        .map(|at| {
            at.rsplit_once('(')
                .map_or(at, |(_, loc)| loc.trim_end_matches(')'))
        })
        .find(|loc| builtin.is_none_or(|prefix| !loc.starts_with(prefix)))?;
    let (rest, col) = frame.rsplit_once(':')?;
    let (url, line) = rest.rsplit_once(':')?;
    let (line, col) = (line.parse().ok()?, col.parse().ok()?);
    let text = source_maps::source_line(scope, url, line);
    Some(Position {
        file: url.to_string(),
        line,
        col,
        text,
    })
}

pub(crate) extern "C" fn promise_reject_callback(message: v8::PromiseRejectMessage) {
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
            errors(scope).rejections.push(entry);
        }
        v8::PromiseRejectEvent::PromiseHandlerAddedAfterReject => {
            errors(scope).rejections.retain(|(p, _)| *p != promise);
        }
        _ => {}
    }
}
