//! Worker ops. In the parent: `CreateWorker` (a thread and an isolate; a rid),
//! `HostPostMessage`, `HostGetMessage` (the messages waiting, an error, or the end) and
//! `TerminateWorker`. In the worker: `WorkerPostMessage`, `WorkerGetMessage` and
//! `WorkerClose`. Messages are bytes (the userland's structured clones) in the
//! zero-copy buffer, handed to the other thread as they are, with no copy.

use crate::errors::{DenoError, OpResult};
use crate::msg::{self, ErrorKind, WorkerEventKind};
use crate::ops::reply::{reply, request_table, scalars, Ctx, Op, Res, ZeroCopyBuf};
use crate::resources::Resource;
use crate::state::State;
use crate::userland::{run_worker, WorkerOptions};
use crate::workers::{Received, WorkerHost, WorkerPort};

pub fn op_create_worker(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::CreateWorker>(base)?;
    let Some(settings) = state.workers.clone() else {
        return Err(DenoError::new(
            ErrorKind::OpNotAvailable,
            "this runtime does not start workers (RuntimeOptions::module_loading is off)",
        ));
    };
    let specifier = t.specifier().unwrap_or_default();
    let referrer = state
        .main_module
        .as_deref()
        .and_then(|m| url::Url::parse(m).ok());
    let url = match &referrer {
        Some(referrer) => {
            minideno_loader::graph::resolve(specifier, referrer, state.fetcher.import_map())
        }
        None => url::Url::parse(specifier).map_err(|e| format!("Invalid URL \"{specifier}\": {e}")),
    }
    .map_err(|e| DenoError::new(ErrorKind::InvalidUri, e))?;
    // Starting a worker loads its module, as a dynamic import does: it needs read
    // access to it (as in Deno).
    state.permissions.check_import(&url)?;
    let flags: Vec<&str> = t
        .permissions()
        .map(|p| p.iter().collect())
        .unwrap_or_default();
    let name = t.name().unwrap_or_default();
    if name.contains('\0') {
        return Err(DenoError::new(
            ErrorKind::InvalidInput,
            "a worker's name may not contain a NUL character",
        ));
    }
    let permissions = state
        .permissions
        .for_worker(t.narrow().then_some(&flags[..]))?;
    let options = WorkerOptions {
        url,
        permissions,
        loader_permissions: state.permissions.for_worker(None)?,
        argv: state.argv.clone(),
        minimal_io: state.minimal_io,
        fetcher: state.fetcher.clone(),
        settings,
    };
    let host = WorkerHost::spawn(name, move |port, started| {
        run_worker(options, port, started)
    })?;
    let rid = state
        .resources
        .borrow_mut()
        .add(Resource::Worker(crate::resources::Closable::new(host)));
    Ok(Op::Sync(scalars(state, &msg::CreateWorkerResArgs { rid })))
}

fn message(data: Option<ZeroCopyBuf>) -> OpResult<ZeroCopyBuf> {
    data.ok_or_else(|| {
        DenoError::new(
            ErrorKind::InvalidInput,
            "a message travels in the zero-copy buffer",
        )
    })
}

pub fn op_host_post_message(
    state: &Ctx,
    base: &msg::Base,
    data: Option<ZeroCopyBuf>,
) -> OpResult<Op> {
    let rid = request_table::<msg::HostPostMessage>(base)?.rid();
    let worker = state.resources.borrow().worker(rid)?;
    worker.io.post(message(data)?);
    Ok(Op::Sync(None))
}

pub fn op_host_get_message(
    state: &Ctx,
    base: &msg::Base,
    _data: Option<ZeroCopyBuf>,
) -> OpResult<Op> {
    let rid = request_table::<msg::HostGetMessage>(base)?.rid();
    let worker = state.resources.borrow().worker(rid)?;
    let state = state.clone();
    Ok(Op::Async(Box::pin(async move {
        let next = async { Ok::<_, std::io::Error>(worker.io.events.next().await) };
        // Terminated (its rid closed) while waiting: no event follows.
        let received = worker.unless_closed(rid, next).await;
        Ok(event_reply(&state, received.unwrap_or(Received::Closed)))
    })))
}

pub fn op_terminate_worker(
    state: &Ctx,
    base: &msg::Base,
    _data: Option<ZeroCopyBuf>,
) -> OpResult<Op> {
    let rid = request_table::<msg::TerminateWorker>(base)?.rid();
    let mut table = state.resources.borrow_mut();
    table.worker(rid)?;
    table.close(rid)?;
    Ok(Op::Sync(None))
}

/// The worker's side of the channel; an error outside a worker.
fn port(state: &State) -> OpResult<&WorkerPort> {
    state
        .port
        .as_ref()
        .ok_or_else(|| DenoError::new(ErrorKind::OpNotAvailable, "not inside a worker"))
}

pub fn op_worker_post_message(
    state: &Ctx,
    _base: &msg::Base,
    data: Option<ZeroCopyBuf>,
) -> OpResult<Op> {
    port(state)?.post(message(data)?);
    Ok(Op::Sync(None))
}

pub fn op_worker_get_message(
    state: &Ctx,
    _base: &msg::Base,
    _data: Option<ZeroCopyBuf>,
) -> OpResult<Op> {
    port(state)?;
    let state = state.clone();
    Ok(Op::Async(Box::pin(async move {
        let port = state.port.as_ref().expect("checked above");
        let received = port.messages.next().await;
        Ok(event_reply(&state, received))
    })))
}

pub fn op_worker_close(state: &Ctx, _base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    port(state)?.close();
    Ok(Op::Sync(None))
}

/// The reply carrying what was received.
fn event_reply(state: &Ctx, received: Received) -> Res {
    reply(state, |b| {
        let args = match received {
            Received::Messages(batch) => {
                let messages: Vec<_> = batch
                    .iter()
                    .map(|data| {
                        let data = Some(b.create_vector(data));
                        msg::WorkerMessage::create(b, &msg::WorkerMessageArgs { data })
                    })
                    .collect();
                msg::WorkerEventResArgs {
                    kind: WorkerEventKind::Message,
                    messages: Some(b.create_vector(&messages)),
                    ..Default::default()
                }
            }
            Received::Error(e) => msg::WorkerEventResArgs {
                kind: WorkerEventKind::Error,
                message: Some(b.create_string(&e.message)),
                file_name: Some(b.create_string(&e.file_name)),
                line_number: e.line_number,
                column_number: e.column_number,
                report: Some(b.create_string(&e.report)),
                messages: None,
            },
            Received::Closed => msg::WorkerEventResArgs {
                kind: WorkerEventKind::Closed,
                ..Default::default()
            },
        };
        msg::WorkerEventRes::create(b, &args)
    })
}
