//! Process ops: `Start` (the facts the userland boots with), `MyPid`, `Exit`,
//! `Metrics`, `Resolve` (DNS, a blocking syscall), the working directory, the
//! environment, host facts, and the permission ops.
use std::ffi::CStr;
use std::io::Write;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

use crate::errors::{DenoError, OpResult};
use crate::msg::{self, ErrorKind, OpCode};
use crate::ops::fs::{failed, path_reply};
use crate::ops::reply::{blocking, reply, request_table, scalars, Ctx, Op, ZeroCopyBuf};
use crate::permissions::{Follow, Grant, NAMES};

pub fn op_start(state: &Ctx, _base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    Ok(Op::Sync(reply(state, |b| {
        let argv: Vec<_> = state.argv.iter().map(|a| b.create_string(a)).collect();
        let args = msg::StartResArgs {
            argv: Some(b.create_vector(&argv)),
            pid: std::process::id(),
            main_module: state.main_module.as_deref().map(|m| b.create_string(m)),
            deno_version: Some(b.create_string(crate::VERSION)),
            v8_version: Some(b.create_string(&state.v8_version)),
            typescript_version: Some(b.create_string(crate::TRANSPILER_VERSION)),
            no_color: std::env::var_os("NO_COLOR").is_some(),
            minimal_io: state.minimal_io,
            os: Some(b.create_string(std::env::consts::OS)),
            arch: Some(b.create_string(std::env::consts::ARCH)),
            target: Some(b.create_string(env!("TARGET"))),
            worker_name: state.port.as_ref().map(|p| b.create_string(&p.name)),
            cpus: std::thread::available_parallelism().map_or(1, |n| n.get() as u32),
            language: Some(b.create_string(&language())),
            time_origin: time_origin(state.started),
            location: state.location.as_deref().map(|l| b.create_string(l)),
            host_functions: Some(host_functions(b, &state.host)),
        };
        msg::StartRes::create(b, &args)
    })))
}

/// The names of the embedder's host functions, and which are async.
fn host_functions<'b>(
    b: &mut flatbuffers::FlatBufferBuilder<'b>,
    host: &crate::host::HostFunctions,
) -> flatbuffers::WIPOffset<
    flatbuffers::Vector<'b, flatbuffers::ForwardsUOffset<msg::HostFunction<'b>>>,
> {
    let list: Vec<_> = host
        .iter()
        .map(|(name, f)| {
            let name = Some(b.create_string(name));
            let is_async = matches!(f, crate::host::HostFn::Async(_));
            msg::HostFunction::create(b, &msg::HostFunctionArgs { name, is_async })
        })
        .collect();
    b.create_vector(&list)
}

/// When `started` was, in milliseconds since the Unix epoch.
fn time_origin(started: std::time::Instant) -> f64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    since_epoch.saturating_sub(started.elapsed()).as_secs_f64() * 1e3
}

/// The locale's language as a BCP 47 tag (`en-US` of `en_US.UTF-8`), as Deno reports it
/// without env permission; "en-US" when the locale is unset, C or POSIX.
fn language() -> String {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    let tag = locale.split(['.', '@']).next().unwrap_or_default();
    match tag {
        "" | "C" | "POSIX" => "en-US".into(),
        tag => tag.replace('_', "-"),
    }
}

pub fn op_my_pid(state: &Ctx, _base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let pid = std::process::id();
    Ok(Op::Sync(scalars(state, &msg::MyPidResArgs { pid })))
}

pub fn op_ppid(state: &Ctx, _base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let ppid = rustix::process::getppid().map_or(0, |pid| pid.as_raw_nonzero().get() as u32);
    Ok(Op::Sync(scalars(state, &msg::PpidResArgs { ppid })))
}

/// Without `--allow-hrtime`, `performance.now()` moves in steps of this many nanoseconds.
const COARSE_NANOS: u128 = 2_000_000;

pub fn op_now(state: &Ctx, _base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let mut nanos = state.started.elapsed().as_nanos();
    if !state.permissions.allows_hrtime() {
        nanos -= nanos % COARSE_NANOS;
    }
    let ms = nanos as f64 / 1e6;
    Ok(Op::Sync(scalars(state, &msg::NowResArgs { ms })))
}

pub fn op_exit(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let code = request_table::<msg::Exit>(base)?.code();
    if let Some(end_script) = &*state.exit_hook.borrow() {
        end_script(code);
        return Ok(Op::Sync(None));
    }
    let _ = std::io::stdout().flush();
    state.machinery().finish_trace();
    crate::exit(code)
}

pub fn op_metrics(state: &Ctx, _base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let m = &state.machinery().metrics;
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

pub fn op_resolve(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let hostname = request_table::<msg::Resolve>(base)?
        .hostname()
        .unwrap_or_default()
        .to_string();
    if hostname.is_empty() {
        return Err(DenoError::invalid("hostname is empty"));
    }
    state.permissions.check_net(&hostname, None)?;
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

pub fn op_cwd(state: &Ctx, _base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let cwd = std::env::current_dir()?;
    state.permissions.check_read_hidden(&cwd, "<CWD>")?;
    Ok(Op::Sync(path_reply(state, cwd)))
}

pub fn op_chdir(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let dir = PathBuf::from(
        request_table::<msg::Chdir>(base)?
            .directory()
            .unwrap_or_default(),
    );
    let a = state.permissions.check_read(&dir, Follow::Yes)?;
    a.open(rustix::fs::OFlags::PATH | rustix::fs::OFlags::DIRECTORY, 0)
        .and_then(|fd| Ok(rustix::process::fchdir(fd)?))
        .map_err(failed("chdir", &dir))?;
    Ok(Op::Sync(None))
}

/// A variable name std::env accepts (it panics on the others).
fn env_key(key: Option<&str>) -> OpResult<&str> {
    match key.unwrap_or_default() {
        k if k.is_empty() || k.contains(['=', '\0']) => Err(DenoError::new(
            ErrorKind::InvalidInput,
            format!("invalid environment variable name {k:?}"),
        )),
        k => Ok(k),
    }
}

pub fn op_env_get(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let key = env_key(request_table::<msg::EnvGet>(base)?.key())?;
    state.permissions.check_env(Some(key))?;
    let value = std::env::var_os(key);
    Ok(Op::Sync(reply(state, |b| {
        let value = value.map(|v| b.create_string(&v.to_string_lossy()));
        msg::EnvGetRes::create(b, &msg::EnvGetResArgs { value })
    })))
}

pub fn op_env_set(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::EnvSet>(base)?;
    let key = env_key(t.key())?;
    let value = t.value().unwrap_or_default();
    if value.contains('\0') {
        return Err(DenoError::new(
            ErrorKind::InvalidInput,
            format!("the value of {key} contains NUL"),
        ));
    }
    state.permissions.check_env(Some(key))?;
    std::env::set_var(key, value);
    Ok(Op::Sync(None))
}

pub fn op_env_delete(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let key = env_key(request_table::<msg::EnvDelete>(base)?.key())?;
    state.permissions.check_env(Some(key))?;
    std::env::remove_var(key);
    Ok(Op::Sync(None))
}

pub fn op_env_to_object(
    state: &Ctx,
    _base: &msg::Base,
    _data: Option<ZeroCopyBuf>,
) -> OpResult<Op> {
    state.permissions.check_env(None)?;
    Ok(Op::Sync(reply(state, |b| {
        let (keys, values): (Vec<_>, Vec<_>) = std::env::vars_os()
            .map(|(k, v)| {
                let k = b.create_string(&k.to_string_lossy());
                (k, b.create_string(&v.to_string_lossy()))
            })
            .unzip();
        let args = msg::EnvToObjectResArgs {
            keys: Some(b.create_vector(&keys)),
            values: Some(b.create_vector(&values)),
        };
        msg::EnvToObjectRes::create(b, &args)
    })))
}

pub fn op_home_dir(state: &Ctx, _base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    state.permissions.check_env(Some("HOME"))?;
    let home = std::env::var("HOME").unwrap_or_default();
    Ok(Op::Sync(path_reply(state, home)))
}

pub fn op_exec_path(state: &Ctx, _base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let exe = std::env::current_exe()?;
    state.permissions.check_read_hidden(&exe, "<exec_path>")?;
    Ok(Op::Sync(path_reply(state, exe)))
}

pub fn op_hostname(state: &Ctx, _base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    state.permissions.check_env(None)?;
    let mut buf = [0u8; 256];
    // SAFETY: gethostname(2) writes at most buf.len() bytes into buf.
    if unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } != 0 {
        return Err(std::io::Error::last_os_error().into());
    }
    // The name may fill the buffer without a NUL: then it is the whole buffer.
    let name = CStr::from_bytes_until_nul(&buf).map_or(&buf[..], CStr::to_bytes);
    let name = String::from_utf8_lossy(name);
    Ok(Op::Sync(reply(state, |b| {
        let hostname = Some(b.create_string(&name));
        msg::HostnameRes::create(b, &msg::HostnameResArgs { hostname })
    })))
}

pub fn op_permissions(state: &Ctx, _base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let g = state.permissions.grants();
    fn scopes<T>(grant: &Grant<T>, show: impl Fn(&T) -> String) -> (bool, Vec<String>) {
        match grant {
            Grant::None => (false, vec![]),
            Grant::All => (true, vec![]),
            Grant::Some(list) => (false, list.iter().map(show).collect()),
        }
    }
    let all = |on: bool| (on, vec![]);
    let grants = [
        scopes(&g.read, |p| p.to_string_lossy().into_owned()),
        scopes(&g.write, |p| p.to_string_lossy().into_owned()),
        scopes(&g.net, |s| match s.port {
            Some(port) => format!("{}:{port}", s.host),
            None => s.host.clone(),
        }),
        scopes(&g.env, String::clone),
        all(g.run),
        all(g.hrtime),
    ];
    Ok(Op::Sync(reply(state, |b| {
        let grants: Vec<_> = NAMES
            .iter()
            .zip(&grants)
            .map(|(name, (all, scopes))| {
                let scopes: Vec<_> = scopes.iter().map(|s| b.create_string(s)).collect();
                let args = msg::PermissionGrantArgs {
                    name: Some(b.create_string(name)),
                    all: *all,
                    scopes: Some(b.create_vector(&scopes)),
                };
                msg::PermissionGrant::create(b, &args)
            })
            .collect();
        let grants = Some(b.create_vector(&grants));
        msg::PermissionsRes::create(b, &msg::PermissionsResArgs { grants })
    })))
}

pub fn op_revoke_permission(
    state: &Ctx,
    base: &msg::Base,
    _data: Option<ZeroCopyBuf>,
) -> OpResult<Op> {
    let name = request_table::<msg::RevokePermission>(base)?.name();
    state.permissions.revoke(name.unwrap_or_default())?;
    Ok(Op::Sync(None))
}

#[cfg(test)]
mod tests {
    use super::COARSE_NANOS;
    use crate::msg::{self, ErrorKind};
    use crate::ops::testing::*;

    fn resolve_request(sync: bool, hostname: &str) -> Vec<u8> {
        request(sync, msg::Any::Resolve, |b| {
            let hostname = Some(b.create_string(hostname));
            msg::Resolve::create(b, &msg::ResolveArgs { hostname })
        })
    }

    #[test]
    fn ppid_replies_the_parent_and_is_sync_only() {
        let d = dispatcher();
        let ppid = |sync| {
            request(sync, msg::Any::Ppid, |b| {
                msg::Ppid::create(b, &msg::PpidArgs {})
            })
        };
        let reply = run_sync(&d, &ppid(true)).unwrap();
        let base = reply_base(&reply);
        assert_eq!(base.error_kind(), ErrorKind::NoError);
        // SAFETY: getppid has no preconditions.
        let parent = unsafe { libc::getppid() } as u32;
        assert_eq!(base.res_as_ppid_res().unwrap().ppid(), parent);
        // Sent async, it is an error reply, not a reply of another op's shape.
        let reply = run_async(&d, &ppid(false));
        let base = reply_base(&reply);
        assert_eq!(base.error_kind(), ErrorKind::OpNotAvailable);
        assert!(base.error().unwrap().contains("Ppid is a sync op"));
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
    fn now_is_coarse_without_hrtime_and_fine_with_it() {
        let req = request(true, msg::Any::Now, |b| {
            msg::Now::create(b, &msg::NowArgs {})
        });
        let now = |d: &Dispatcher| {
            let reply = run_sync(d, &req).unwrap();
            reply_base(&reply).res_as_now_res().unwrap().ms()
        };
        let coarse = dispatcher();
        let fine = privileged_dispatcher();
        let step = COARSE_NANOS as f64 / 1e6;
        let mut fine_steps = 0;
        let mut last = 0.0;
        for _ in 0..200 {
            let ms = now(&coarse);
            assert_eq!(ms % step, 0.0, "{ms}");
            let t = now(&fine);
            assert!(t >= last, "monotonic: {t} after {last}");
            fine_steps += (t % step != 0.0) as u32;
            last = t;
        }
        assert!(
            fine_steps > 0,
            "--allow-hrtime reads the clock at full precision"
        );
    }

    #[test]
    fn resolve_answers_in_both_modes() {
        let d = privileged_dispatcher();
        let sync = run_sync(&d, &resolve_request(true, "localhost")).unwrap();
        let async_ = run_async(&d, &resolve_request(false, "localhost"));
        for reply in [&sync, &async_] {
            let res = reply_base(reply).res_as_resolve_res().unwrap();
            assert_eq!(res.address(), Some("127.0.0.1"));
        }
    }

    #[test]
    fn resolve_errors_carry_their_kind() {
        let d = privileged_dispatcher();
        let reply = run_sync(&d, &resolve_request(true, "")).unwrap();
        assert_eq!(reply_base(&reply).error_kind(), ErrorKind::InvalidInput);
        let reply = run_async(&d, &resolve_request(false, "no-such-host.invalid"));
        let base = reply_base(&reply);
        assert_eq!(base.error_kind(), ErrorKind::NotFound);
        assert!(base.error().unwrap().contains("no-such-host.invalid"));
    }

    #[test]
    fn resolve_needs_net_permission_for_the_host() {
        let reply = run_sync(&dispatcher(), &resolve_request(true, "localhost")).unwrap();
        let base = reply_base(&reply);
        assert_eq!(base.error_kind(), ErrorKind::PermissionDenied);
        assert!(
            base.error().unwrap().contains("\"localhost\""),
            "{:?}",
            base.error()
        );
    }

    #[test]
    fn env_names_are_checked_before_std_sees_them() {
        let d = privileged_dispatcher();
        for key in ["", "A=B", "A\0B"] {
            let req = request(true, msg::Any::EnvSet, |b| {
                let args = msg::EnvSetArgs {
                    key: Some(b.create_string(key)),
                    value: Some(b.create_string("x")),
                };
                msg::EnvSet::create(b, &args)
            });
            let reply = run_sync(&d, &req).unwrap();
            assert_eq!(
                reply_base(&reply).error_kind(),
                ErrorKind::InvalidInput,
                "{key:?}"
            );
        }
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
