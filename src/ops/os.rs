//! Process ops: `Start` (the facts the userland boots with), `MyPid`, `Exit`,
//! `Metrics`, and `Resolve` (DNS, a blocking syscall).
use std::io::Write;
use std::net::{SocketAddr, ToSocketAddrs};
use std::rc::Rc;

use crate::errors::{DenoError, OpResult};
use crate::msg::{self, ErrorKind, OpCode};
use crate::ops::reply::{blocking, inner, reply, Op, ZeroCopyBuf};
use crate::state::State;

pub fn op_start(state: &Rc<State>, _base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let cwd = state.cwd.to_string_lossy();
    let exec_path = std::env::current_exe().unwrap_or_default();
    let exec_path = exec_path.to_string_lossy();
    Ok(Op::Sync(reply(state, |b| {
        let argv: Vec<_> = state.argv.iter().map(|a| b.create_string(a)).collect();
        let args = msg::StartResArgs {
            argv: Some(b.create_vector(&argv)),
            cwd: Some(b.create_string(&cwd)),
            pid: std::process::id(),
            exec_path: Some(b.create_string(&exec_path)),
            main_module: state.main_module.as_deref().map(|m| b.create_string(m)),
            deno_version: Some(b.create_string(crate::VERSION)),
            v8_version: Some(b.create_string(&state.v8_version)),
            typescript_version: Some(b.create_string(crate::TRANSPILER_VERSION)),
            no_color: std::env::var_os("NO_COLOR").is_some(),
        };
        msg::StartRes::create(b, &args)
    })))
}

pub fn op_my_pid(state: &Rc<State>, _base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let pid = std::process::id();
    Ok(Op::Sync(reply(state, |b| {
        msg::MyPidRes::create(b, &msg::MyPidResArgs { pid })
    })))
}

pub fn op_exit(state: &Rc<State>, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let code = inner(base.inner_as_exit(), "Exit")?.code();
    let _ = std::io::stdout().flush();
    if let Some(tracer) = &state.tracer {
        tracer.finish(&state.metrics);
    }
    std::process::exit(code)
}

pub fn op_metrics(
    state: &Rc<State>,
    _base: &msg::Base,
    _data: Option<ZeroCopyBuf>,
) -> OpResult<Op> {
    let m = &state.metrics;
    Ok(Op::Sync(reply(state, |b| {
        let ops: Vec<_> = OpCode::ALL
            .iter()
            .map(|op| (op, &m.per_op[*op as usize]))
            .filter(|(_, c)| c.count.get() > 0)
            .map(|(op, c)| {
                let name = Some(b.create_string(op.name()));
                let args = msg::OpMetricsArgs {
                    name,
                    count: c.count.get(),
                    errors: c.errors.get(),
                    bytes_in: c.bytes_in.get(),
                    bytes_out: c.bytes_out.get(),
                };
                msg::OpMetrics::create(b, &args)
            })
            .collect();
        let args = msg::MetricsResArgs {
            ops_dispatched: m.ops_dispatched.get(),
            // This op completes as its reply is made: count it now.
            ops_completed: m.ops_completed.get() + 1,
            bytes_sent_control: m.bytes_sent_control.get(),
            bytes_sent_data: m.bytes_sent_data.get(),
            bytes_received: m.bytes_received.get(),
            ops: Some(b.create_vector(&ops)),
        };
        msg::MetricsRes::create(b, &args)
    })))
}

pub fn op_resolve(state: &Rc<State>, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let hostname = inner(base.inner_as_resolve(), "Resolve")?
        .hostname()
        .unwrap_or_default()
        .to_string();
    if hostname.is_empty() {
        return Err(DenoError::new(ErrorKind::InvalidInput, "hostname is empty"));
    }
    blocking(
        state,
        base,
        move || first_ipv4(&hostname),
        |state, address| {
            reply(state, |b| {
                let address = Some(b.create_string(&address));
                msg::ResolveRes::create(b, &msg::ResolveResArgs { address })
            })
        },
    )
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

#[cfg(test)]
mod tests {
    use crate::msg::{self, ErrorKind};
    use crate::ops::testing::*;

    fn resolve_request(sync: bool, hostname: &str) -> Vec<u8> {
        request(sync, msg::Any::Resolve, |b| {
            let hostname = Some(b.create_string(hostname));
            msg::Resolve::create(b, &msg::ResolveArgs { hostname })
        })
    }

    #[test]
    fn my_pid_replies_the_real_pid() {
        let d = dispatcher();
        let req = my_pid_request();
        let reply = run_sync(&d, &req).unwrap();
        let base = reply_base(&reply);
        assert_eq!((base.cmd_id(), base.error_kind()), (7, ErrorKind::NoError));
        assert_eq!(base.res_as_my_pid_res().unwrap().pid(), std::process::id());
    }

    #[test]
    fn resolve_answers_in_both_modes() {
        let d = dispatcher();
        let sync = run_sync(&d, &resolve_request(true, "localhost")).unwrap();
        let async_ = run_async(&d, &resolve_request(false, "localhost"));
        for reply in [&sync, &async_] {
            let res = reply_base(reply).res_as_resolve_res().unwrap();
            assert_eq!(res.address(), Some("127.0.0.1"));
        }
    }

    #[test]
    fn resolve_errors_carry_their_kind() {
        let d = dispatcher();
        let reply = run_sync(&d, &resolve_request(true, "")).unwrap();
        assert_eq!(reply_base(&reply).error_kind(), ErrorKind::InvalidInput);
        let reply = run_async(&d, &resolve_request(false, "no-such-host.invalid"));
        let base = reply_base(&reply);
        assert_eq!(base.error_kind(), ErrorKind::NotFound);
        assert!(base.error().unwrap().contains("no-such-host.invalid"));
    }

    #[test]
    fn metrics_count_this_call() {
        let d = dispatcher();
        let req = request(true, msg::Any::Metrics, |b| {
            msg::Metrics::create(b, &msg::MetricsArgs {})
        });
        let reply = run_sync(&d, &req).unwrap();
        let res = reply_base(&reply).res_as_metrics_res().unwrap();
        assert_eq!((res.ops_dispatched(), res.ops_completed()), (1, 1));
        assert_eq!(res.bytes_sent_control(), req.len() as u64);
    }
}
