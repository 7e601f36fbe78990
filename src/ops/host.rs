//! `Deno.host.<name>(...args)`: the embedder's host function `name` (src/host.rs),
//! called with the script's arguments as JSON; a sync one replies at once, an async
//! one's future runs on the event loop (under the run's deadline).
use serde_json::Value;

use crate::errors::{DenoError, OpResult};
use crate::host::{HostError, HostFn};
use crate::msg::{self, ErrorKind};
use crate::ops::reply::{reply, request_table, Ctx, Op, Res, ZeroCopyBuf};

pub fn op_host_call(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::HostCall>(base)?;
    let name = t.name().unwrap_or_default();
    let Some(f) = state.host.get(name) else {
        let e = format!("no host function named '{name}'");
        return Err(DenoError::new(ErrorKind::NotFound, e));
    };
    let args: Value = serde_json::from_str(t.args().unwrap_or("[]"))
        .map_err(|e| DenoError::invalid(format!("HostCall: the arguments are not JSON: {e}")))?;
    *state
        .host_calls
        .borrow_mut()
        .entry(name.into())
        .or_default() += 1;
    match (f, base.sync()) {
        (HostFn::Sync(f), true) => Ok(Op::Sync(result(state, name, f(args))?)),
        (HostFn::Async(f), false) => {
            let (future, name, state) = (f(args), name.to_string(), state.clone());
            Ok(Op::Async(Box::pin(async move {
                result(&state, &name, future.await)
            })))
        }
        (_, sync) => Err(DenoError::invalid(format!(
            "host function '{name}' is {}, and was called as if it were not",
            if sync { "async" } else { "sync" }
        ))),
    }
}

/// The reply to a host function's result (its error as the script's exception).
fn result(state: &Ctx, name: &str, result: Result<Value, HostError>) -> OpResult<Res> {
    let value = result.map_err(|e| DenoError::new(ErrorKind::Other, format!("{name}: {e}")))?;
    let json = value.to_string();
    Ok(reply(state, |b| {
        let result = Some(b.create_string(&json));
        msg::HostCallRes::create(b, &msg::HostCallResArgs { result })
    }))
}
