//! Process ops: `Start` (the facts the userland boots with), `MyPid`, `Exit`,
//! `Metrics`, and `Resolve` (DNS, on the blocking pool).
use std::io::Write;
use std::net::{SocketAddr, ToSocketAddrs};
use std::rc::Rc;

use crate::errors::{DenoError, OpResult};
use crate::msg::{self, ErrorKind};
use crate::ops::{inner, reply, Op};
use crate::state::State;

pub fn op_start(state: &Rc<State>, base: &msg::Base, _data: Option<&mut [u8]>) -> OpResult<Op> {
    let cwd = state.cwd.to_string_lossy();
    let exec_path = std::env::current_exe().unwrap_or_default();
    let exec_path = exec_path.to_string_lossy();
    Ok(Op::Sync(reply(state, base.cmd_id(), |b| {
        let argv: Vec<_> = state.argv.iter().map(|a| b.create_string(a)).collect();
        let args = msg::StartResArgs {
            argv: Some(b.create_vector(&argv)),
            cwd: Some(b.create_string(&cwd)),
            pid: std::process::id(),
            exec_path: Some(b.create_string(&exec_path)),
            main_module: state.main_module.as_deref().map(|m| b.create_string(m)),
            deno_version: Some(b.create_string(crate::VERSION)),
            v8_version: Some(b.create_string(v8::V8::get_version())),
            typescript_version: Some(b.create_string(crate::TRANSPILER_VERSION)),
            no_color: std::env::var_os("NO_COLOR").is_some(),
        };
        (
            msg::Any::StartRes,
            msg::StartRes::create(b, &args).as_union_value(),
        )
    })))
}

pub fn op_my_pid(state: &Rc<State>, base: &msg::Base, _data: Option<&mut [u8]>) -> OpResult<Op> {
    Ok(Op::Sync(reply(state, base.cmd_id(), |b| {
        let res = msg::MyPidRes::create(
            b,
            &msg::MyPidResArgs {
                pid: std::process::id(),
            },
        );
        (msg::Any::MyPidRes, res.as_union_value())
    })))
}

pub fn op_exit(_state: &Rc<State>, base: &msg::Base, _data: Option<&mut [u8]>) -> OpResult<Op> {
    let code = inner(base.inner_as_exit(), "Exit")?.code();
    let _ = std::io::stdout().flush();
    std::process::exit(code)
}

pub fn op_metrics(state: &Rc<State>, base: &msg::Base, _data: Option<&mut [u8]>) -> OpResult<Op> {
    let m = &state.metrics;
    let args = msg::MetricsResArgs {
        ops_dispatched: m.ops_dispatched.get(),
        // This op completes as its reply is made: count it now.
        ops_completed: m.ops_completed.get() + 1,
        bytes_sent_control: m.bytes_sent_control.get(),
        bytes_sent_data: m.bytes_sent_data.get(),
        bytes_received: m.bytes_received.get(),
    };
    Ok(Op::Sync(reply(state, base.cmd_id(), |b| {
        (
            msg::Any::MetricsRes,
            msg::MetricsRes::create(b, &args).as_union_value(),
        )
    })))
}

pub fn op_resolve(state: &Rc<State>, base: &msg::Base, _data: Option<&mut [u8]>) -> OpResult<Op> {
    let hostname = inner(base.inner_as_resolve(), "Resolve")?
        .hostname()
        .unwrap_or_default()
        .to_string();
    if hostname.is_empty() {
        return Err(DenoError::new(ErrorKind::InvalidInput, "hostname is empty"));
    }
    let (state, cmd_id) = (state.clone(), base.cmd_id());
    Ok(Op::Async(Box::pin(async move {
        let address = tokio::task::spawn_blocking(move || first_ipv4(&hostname))
            .await
            .map_err(|e| DenoError::new(ErrorKind::Other, format!("resolve failed: {e}")))??;
        Ok(reply(&state, cmd_id, |b| {
            let address = b.create_string(&address);
            let res = msg::ResolveRes::create(
                b,
                &msg::ResolveResArgs {
                    address: Some(address),
                },
            );
            (msg::Any::ResolveRes, res.as_union_value())
        }))
    })))
}

/// The first IPv4 address of `hostname`, without a port. Blocking (getaddrinfo).
fn first_ipv4(hostname: &str) -> OpResult<String> {
    let not_found = |why: String| {
        DenoError::new(
            ErrorKind::NotFound,
            format!("cannot resolve \"{hostname}\": {why}"),
        )
    };
    let addrs = (hostname, 0)
        .to_socket_addrs()
        .map_err(|e| not_found(e.to_string()))?;
    addrs
        .filter_map(|a| match a {
            SocketAddr::V4(v4) => Some(v4.ip().to_string()),
            SocketAddr::V6(_) => None,
        })
        .next()
        .ok_or_else(|| not_found("no IPv4 address".into()))
}
