//! Process ops: `Run` (fork + exec), `RunStatus` (waitpid), `Kill`. A child is a rid,
//! and so is each of its piped streams, read and written on the event loop like a
//! socket. All three check `--allow-run`. A child is reaped as soon as it exits (a task
//! on the isolate's Tokio waits for it, holding no op: it does not keep the event loop
//! alive), its status kept for `RunStatus`. Children still running are killed when the
//! isolate is dropped, and when the process ends (`kill_children`, from `crate::exit`:
//! `Deno.exit`, `--timeout`, the heap limit), as Deno 2 does.
use std::collections::HashSet;
use std::os::unix::process::ExitStatusExt;
use std::process::{ExitStatus, Stdio};
use std::rc::Rc;
use std::sync::Mutex;

use tokio::net::unix::pipe;
use tokio::process::Command;
use tokio::sync::watch;

use crate::errors::{DenoError, OpResult};
use crate::msg::{self, ErrorKind, StdioMode};
use crate::ops::reply::{request_table, scalars, Ctx, Op, ZeroCopyBuf};
use crate::resources::{wrong_kind, Closable, Resource, ResourceTable, Rid};

/// The pids of the children that have not been reaped yet, in every isolate.
static RUNNING: Mutex<Option<HashSet<u32>>> = Mutex::new(None);

fn running() -> std::sync::MutexGuard<'static, Option<HashSet<u32>>> {
    RUNNING.lock().unwrap_or_else(|e| e.into_inner())
}

/// Kills every child not yet reaped (SIGKILL): the process is about to end.
pub fn kill_children() {
    for &pid in running().iter().flatten() {
        // SAFETY: kill(2) takes plain integers; the pid is ours until reaped, and a
        // reaped one leaves this set first.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
    }
}

pub fn op_run(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::Run>(base)?;
    let args: Vec<&str> = t.args().map(|a| a.iter().collect()).unwrap_or_default();
    let Some(program) = args.first() else {
        return Err(DenoError::invalid("Run: no program (args is empty)"));
    };
    state.permissions.check_run(program)?;
    let mut command = Command::new(program);
    command.args(&args[1..]);
    if let Some(cwd) = t.cwd().filter(|c| !c.is_empty()) {
        command.current_dir(cwd);
    }
    let keys = t.env_keys().into_iter().flatten();
    let values = t.env_values().into_iter().flatten();
    if t.env_keys().map_or(0, |k| k.len()) != t.env_values().map_or(0, |v| v.len()) {
        return Err(DenoError::invalid(
            "Run: env_keys and env_values differ in length",
        ));
    }
    command.envs(keys.zip(values));
    {
        let table = state.resources.borrow();
        command.stdin(stdio(&table, t.stdin(), t.stdin_rid())?);
        command.stdout(stdio(&table, t.stdout(), t.stdout_rid())?);
        command.stderr(stdio(&table, t.stderr(), t.stderr_rid())?);
    }
    let mut child = command
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| DenoError::from(e).context(format_args!("spawn '{program}'")))?;
    let pid = child.id().unwrap_or_default();
    // Each pipe becomes a nonblocking stream of its own, so stdout can be read while
    // stdin is written.
    let pipes = (child.stdin.take(), child.stdout.take(), child.stderr.take());
    let mut table = state.resources.borrow_mut();
    let mut add = |resource| table.add(resource);
    let stdin_rid = match pipes.0 {
        Some(p) => add(Resource::ChildStdin(Closable::new(
            pipe::Sender::from_owned_fd(p.into_owned_fd()?)?,
        ))),
        None => 0,
    };
    let stdout_rid = match pipes.1 {
        Some(p) => add(Resource::ChildStdout(Closable::new(
            pipe::Receiver::from_owned_fd(p.into_owned_fd()?)?,
        ))),
        None => 0,
    };
    let stderr_rid = match pipes.2 {
        Some(p) => add(Resource::ChildStderr(Closable::new(
            pipe::Receiver::from_owned_fd(p.into_owned_fd()?)?,
        ))),
        None => 0,
    };
    let (set, status) = watch::channel(None);
    running().get_or_insert_default().insert(pid);
    // Dropped unpolled with the isolate's Tokio: the child is then killed (kill_on_drop).
    tokio::spawn(async move {
        let status = child.wait().await;
        if let Some(set) = running().as_mut() {
            set.remove(&pid);
        }
        let _ = set.send(Some(status.unwrap_or_else(|_| ExitStatus::from_raw(0))));
    });
    let rid = add(Resource::Child(Rc::new(status)));
    Ok(Op::Sync(scalars(
        state,
        &msg::RunResArgs {
            rid,
            pid,
            stdin_rid,
            stdout_rid,
            stderr_rid,
        },
    )))
}

/// A child's stream: inherited, piped, /dev/null, or a duplicate of a rid's descriptor.
fn stdio(table: &ResourceTable, mode: StdioMode, rid: Rid) -> OpResult<Stdio> {
    use std::os::fd::AsFd;
    Ok(match mode {
        StdioMode::Inherit => Stdio::inherit(),
        StdioMode::Piped => Stdio::piped(),
        StdioMode::Null => Stdio::null(),
        StdioMode::Rid => {
            let fd = match table.get(rid)? {
                Resource::Stdin => std::io::stdin().as_fd().try_clone_to_owned()?,
                Resource::Stdout => std::io::stdout().as_fd().try_clone_to_owned()?,
                Resource::Stderr => std::io::stderr().as_fd().try_clone_to_owned()?,
                Resource::FsFile(file) => file.as_fd().try_clone_to_owned()?,
                other => return Err(wrong_kind(rid, other, "a file or a standard stream")),
            };
            Stdio::from(fd)
        }
        other => {
            return Err(DenoError::invalid(format!(
                "Run: unknown stdio mode {}",
                other.0
            )))
        }
    })
}

pub fn op_run_status(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let rid = request_table::<msg::RunStatus>(base)?.rid();
    let child = match state.resources.borrow().get(rid)? {
        Resource::Child(child) => child.clone(),
        other => return Err(wrong_kind(rid, other, "a child process")),
    };
    let state = state.clone();
    let mut status = (*child).clone();
    Ok(Op::Async(Box::pin(async move {
        let status = status
            .wait_for(Option::is_some)
            .await
            .map_err(|_| DenoError::new(ErrorKind::Other, "the child's waiter is gone"))?
            .expect("waited for Some");
        Ok(scalars(
            &state,
            &msg::RunStatusResArgs {
                got_signal: status.signal().is_some(),
                exit_code: status.code().unwrap_or_default(),
                exit_signal: status.signal().unwrap_or_default(),
            },
        ))
    })))
}

pub fn op_kill(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::Kill>(base)?;
    let (pid, signo) = (t.pid(), t.signo());
    state.permissions.check_run("kill")?;
    if !(0..=libc::SIGRTMAX()).contains(&signo) {
        return Err(DenoError::invalid(format!(
            "Kill: {signo} is not a signal number"
        )));
    }
    // SAFETY: kill(2) takes plain integers.
    if unsafe { libc::kill(pid, signo) } != 0 {
        let e = std::io::Error::last_os_error();
        let no_such_process = e.raw_os_error() == Some(libc::ESRCH);
        let mut e = DenoError::from(e).context(format_args!("kill {pid} {signo}"));
        if no_such_process {
            e.kind = ErrorKind::NotFound;
        }
        return Err(e);
    }
    Ok(Op::Sync(None))
}
