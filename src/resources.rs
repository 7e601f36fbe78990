//! The resource table: rids are the userland's file descriptors. Each isolate owns one;
//! rids 0, 1 and 2 are stdin, stdout and stderr. An op asks for the kind it needs and
//! gets `BadResource` for a rid that is missing, closed or of another kind. Closing
//! removes the entry; the OS handle goes with it (once no op in flight still uses it),
//! and an op still waiting on a socket or pipe fails with `BadResource` at once.
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::fs::File;
use std::future::Future;
use std::io;
use std::rc::Rc;
use std::sync::Arc;

use futures_util::future::{select, Either};
use tokio::net::unix::pipe;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

use crate::errors::{DenoError, OpResult};
use crate::msg::ErrorKind;
use crate::workers::WorkerHost;

pub type Rid = u32;

pub enum Resource {
    Stdin,
    Stdout,
    Stderr,
    /// Shared with the blocking pool while an async op uses it (`&File` reads,
    /// writes and seeks).
    FsFile(Arc<File>),
    TcpListener(Rc<Closable<TcpListener>>),
    TcpStream(Rc<Closable<TcpStream>>),
    ChildStdin(Rc<Closable<pipe::Sender>>),
    ChildStdout(Rc<Closable<pipe::Receiver>>),
    ChildStderr(Rc<Closable<pipe::Receiver>>),
    /// A child process, as its status once it has exited and been reaped; `RunStatus`
    /// waits for it. Dropped unwaited, Tokio reaps it.
    Child(Rc<tokio::sync::watch::Receiver<Option<std::process::ExitStatus>>>),
    /// A worker; closing its rid terminates it.
    Worker(Rc<Closable<WorkerHost>>),
    /// A TextDecoder's state between `{ stream: true }` calls (a partial character).
    TextDecoder(Rc<RefCell<encoding_rs::Decoder>>),
}

impl Resource {
    /// The kind's name, as `Deno.resources()` reports it.
    pub fn kind(&self) -> &'static str {
        match self {
            Resource::Stdin => "stdin",
            Resource::Stdout => "stdout",
            Resource::Stderr => "stderr",
            Resource::FsFile(_) => "fsFile",
            Resource::TcpListener(_) => "tcpListener",
            Resource::TcpStream(_) => "tcpStream",
            Resource::ChildStdin(_) => "childStdin",
            Resource::ChildStdout(_) => "childStdout",
            Resource::ChildStderr(_) => "childStderr",
            Resource::Child(_) => "child",
            Resource::Worker(_) => "worker",
            Resource::TextDecoder(_) => "textDecoder",
        }
    }

    /// Tells ops waiting on it that it is closed.
    fn closed(&self) {
        match self {
            Resource::TcpListener(r) => r.close(),
            Resource::TcpStream(r) => r.close(),
            Resource::ChildStdin(r) => r.close(),
            Resource::ChildStdout(r) | Resource::ChildStderr(r) => r.close(),
            Resource::Worker(r) => {
                r.io.terminate();
                r.close();
            }
            _ => {}
        }
    }
}

/// A socket or pipe that ops wait on (through `&self`, so a read and a write can wait
/// at once), and that can be closed under them.
pub struct Closable<T> {
    pub io: T,
    closed: Cell<bool>,
    on_close: Notify,
}

impl<T> Closable<T> {
    pub fn new(io: T) -> Rc<Self> {
        Rc::new(Closable {
            io,
            closed: Cell::new(false),
            on_close: Notify::new(),
        })
    }

    fn close(&self) {
        self.closed.set(true);
        self.on_close.notify_waiters();
    }

    /// `op`'s result, or BadResource if `rid` is closed before it completes.
    pub async fn unless_closed<R>(
        &self,
        rid: Rid,
        op: impl Future<Output = io::Result<R>>,
    ) -> OpResult<R> {
        let closed = std::pin::pin!(self.on_close.notified());
        if self.closed.get() {
            return Err(bad_resource(rid, "closed"));
        }
        match select(std::pin::pin!(op), closed).await {
            Either::Left((result, _)) => Ok(result?),
            Either::Right(_) => Err(bad_resource(rid, "closed while in use")),
        }
    }
}

/// Tokio's sockets and pipes that can be read through `&self`.
pub trait NonblockingRead {
    fn readable(&self) -> impl Future<Output = io::Result<()>>;
    fn try_read(&self, buf: &mut [u8]) -> io::Result<usize>;
}

/// Tokio's sockets and pipes that can be written through `&self`.
pub trait NonblockingWrite {
    fn writable(&self) -> impl Future<Output = io::Result<()>>;
    fn try_write(&self, buf: &[u8]) -> io::Result<usize>;
}

/// Implements the traits by delegating to the type's own methods of the same names.
macro_rules! delegate {
    ($($t:ty: $trait:ident($ready:ident, $try:ident, $buf:ty);)*) => {$(
        impl $trait for $t {
            fn $ready(&self) -> impl Future<Output = io::Result<()>> {
                <$t>::$ready(self)
            }
            fn $try(&self, buf: $buf) -> io::Result<usize> {
                <$t>::$try(self, buf)
            }
        }
    )*};
}

delegate! {
    TcpStream: NonblockingRead(readable, try_read, &mut [u8]);
    TcpStream: NonblockingWrite(writable, try_write, &[u8]);
    pipe::Receiver: NonblockingRead(readable, try_read, &mut [u8]);
    pipe::Sender: NonblockingWrite(writable, try_write, &[u8]);
}

impl<T: NonblockingRead> Closable<T> {
    /// Reads into `buf` once data is there: the count, 0 at end of stream.
    pub async fn read(&self, rid: Rid, buf: &mut [u8]) -> OpResult<usize> {
        let io = &self.io;
        let read = retry(|| io.readable(), || io.try_read(buf));
        self.unless_closed(rid, read).await
    }
}

impl<T: NonblockingWrite> Closable<T> {
    /// Writes (some of) `buf` once there is room: the count.
    pub async fn write(&self, rid: Rid, buf: &[u8]) -> OpResult<usize> {
        let io = &self.io;
        let write = retry(|| io.writable(), || io.try_write(buf));
        self.unless_closed(rid, write).await
    }
}

/// `attempt` once `ready` says it may not block (Tokio keeps the last readiness seen,
/// so this is a syscall only when the OS has something), again if it still would.
async fn retry<F: Future<Output = io::Result<()>>>(
    ready: impl Fn() -> F,
    mut attempt: impl FnMut() -> io::Result<usize>,
) -> io::Result<usize> {
    loop {
        ready().await?;
        match attempt() {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            result => return result,
        }
    }
}

pub struct ResourceTable {
    entries: BTreeMap<Rid, Resource>,
    next: Rid,
}

impl Default for ResourceTable {
    /// A table holding the standard streams.
    fn default() -> Self {
        let entries = BTreeMap::from([
            (0, Resource::Stdin),
            (1, Resource::Stdout),
            (2, Resource::Stderr),
        ]);
        ResourceTable { entries, next: 3 }
    }
}

impl ResourceTable {
    pub fn add(&mut self, resource: Resource) -> Rid {
        let rid = self.next;
        self.next += 1;
        self.entries.insert(rid, resource);
        rid
    }

    pub fn get(&self, rid: Rid) -> OpResult<&Resource> {
        self.entries
            .get(&rid)
            .ok_or_else(|| bad_resource(rid, "not open"))
    }

    /// The file behind `rid`, for an op that needs a file.
    pub fn file(&self, rid: Rid) -> OpResult<Arc<File>> {
        match self.get(rid)? {
            Resource::FsFile(file) => Ok(file.clone()),
            other => Err(wrong_kind(rid, other, "a file")),
        }
    }

    /// The worker behind `rid`, for an op that needs one.
    pub fn worker(&self, rid: Rid) -> OpResult<Rc<Closable<WorkerHost>>> {
        match self.get(rid)? {
            Resource::Worker(worker) => Ok(worker.clone()),
            other => Err(wrong_kind(rid, other, "a worker")),
        }
    }

    pub fn close(&mut self, rid: Rid) -> OpResult<()> {
        self.entries
            .remove(&rid)
            .map(|r| r.closed())
            .ok_or_else(|| bad_resource(rid, "not open"))
    }

    /// (rid, kind) of every open resource, in rid order.
    pub fn list(&self) -> impl Iterator<Item = (Rid, &'static str)> + '_ {
        self.entries.iter().map(|(rid, r)| (*rid, r.kind()))
    }
}

pub fn bad_resource(rid: Rid, why: &str) -> DenoError {
    DenoError::new(
        ErrorKind::BadResource,
        format!("Bad resource ID {rid}: {why}"),
    )
}

/// The error for a rid of the wrong kind: `needs` says what the op wanted.
pub fn wrong_kind(rid: Rid, got: &Resource, needs: &str) -> DenoError {
    bad_resource(rid, &format!("{} is not {needs}", got.kind()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stdio_first_then_new_rids_and_typed_lookups() {
        let mut t = ResourceTable::default();
        let kinds: Vec<_> = t.list().collect();
        assert_eq!(kinds, [(0, "stdin"), (1, "stdout"), (2, "stderr")]);
        let file = File::open("Cargo.toml").unwrap();
        let rid = t.add(Resource::FsFile(Arc::new(file)));
        assert_eq!(rid, 3);
        assert!(t.file(rid).is_ok());
        let e = t.file(1).unwrap_err();
        assert_eq!(
            (e.kind, e.msg.as_str()),
            (
                ErrorKind::BadResource,
                "Bad resource ID 1: stdout is not a file"
            )
        );
        t.close(rid).unwrap();
        assert_eq!(t.file(rid).unwrap_err().kind, ErrorKind::BadResource);
        assert_eq!(t.close(rid).unwrap_err().kind, ErrorKind::BadResource);
        // A closed rid is not reused.
        let file = File::open("Cargo.toml").unwrap();
        assert_eq!(t.add(Resource::FsFile(Arc::new(file))), 4);
    }

    #[test]
    fn closing_drops_the_os_handle() {
        let mut t = ResourceTable::default();
        let file = File::open("Cargo.toml").unwrap();
        let fd = std::os::fd::AsRawFd::as_raw_fd(&file);
        let rid = t.add(Resource::FsFile(Arc::new(file)));
        let fd_path = format!("/proc/self/fd/{fd}");
        assert!(std::fs::read_link(&fd_path).is_ok());
        t.close(rid).unwrap();
        let now = std::fs::read_link(&fd_path).ok();
        assert!(
            now.as_ref().is_none_or(|p| !p.ends_with("Cargo.toml")),
            "{now:?}"
        );
    }
}
