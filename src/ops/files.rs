//! Resource ops: `Resources`, `Close`, and the file descriptor ops `Open`, `Read`,
//! `Write`, `Seek`, `Fstat`. Data moves between the OS and the caller's zero-copy
//! buffer in place: for files on the blocking pool (async requests) or inline (sync
//! ones), for sockets and pipes on the event loop (async only). Writes to stdout and
//! stderr happen at once on the isolate's thread, so they keep their order with each
//! other and with console output (which is made of them). `read` and `write` serve
//! both encodings (the `Read`/`Write` tables and minimal records).
use std::fs::File;
use std::future::Future;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

use rustix::fs::OFlags;

use crate::errors::{DenoError, OpResult};
use crate::msg::{self, ErrorKind};
use crate::ops::fs::{failed, stat_reply};
use crate::ops::reply::{blocking, on_pool, reply, request_table, scalars, Ctx, Op, ZeroCopyBuf};
use crate::permissions::Follow;
use crate::resources::{wrong_kind, Resource, Rid};
use crate::state::Output;

pub fn op_resources(state: &Ctx, _base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let table = state.resources.borrow();
    Ok(Op::Sync(reply(state, |b| {
        let (rids, kinds): (Vec<_>, Vec<_>) = table
            .list()
            .map(|(rid, kind)| (rid, b.create_string(kind)))
            .unzip();
        let args = msg::ResourcesResArgs {
            rids: Some(b.create_vector(&rids)),
            kinds: Some(b.create_vector(&kinds)),
        };
        msg::ResourcesRes::create(b, &args)
    })))
}

pub fn op_close(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let rid = request_table::<msg::Close>(base)?.rid();
    state.resources.borrow_mut().close(rid)?;
    Ok(Op::Sync(None))
}

pub fn op_open(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::Open>(base)?;
    let path = PathBuf::from(t.path().unwrap_or_default());
    let flags = open_flags(&t)?;
    let writes = t.write() || t.append();
    if t.read() && writes {
        state.permissions.check_read(&path, Follow::Yes)?;
    }
    let allowed = match writes {
        true => state.permissions.check_write(&path, Follow::Yes)?,
        false => state.permissions.check_read(&path, Follow::Yes)?,
    };
    let mode = t.mode();
    blocking(
        state,
        base,
        move || {
            allowed
                .open(flags, mode)
                .map(File::from)
                .map_err(failed("open", allowed.given()))
        },
        |state, file| {
            let rid = state
                .resources
                .borrow_mut()
                .add(Resource::FsFile(Arc::new(file)));
            scalars(state, &msg::OpenResArgs { rid })
        },
    )
}

/// open(2)'s flags for Open's options, refused where they contradict each other as
/// std's OpenOptions refuses them.
fn open_flags(t: &msg::Open) -> OpResult<OFlags> {
    let bad = |what: &str| {
        Err(DenoError::new(
            ErrorKind::InvalidInput,
            format!("Open: {what}"),
        ))
    };
    let mut flags = match (t.read(), t.write() || t.append()) {
        (true, false) => OFlags::RDONLY,
        (false, true) => OFlags::WRONLY,
        (true, true) => OFlags::RDWR,
        (false, false) => return bad("read, write or append is needed"),
    };
    if (t.truncate() || t.create_if_missing() || t.create_new()) && !(t.write() || t.append()) {
        return bad("create, createNew and truncate need write or append");
    }
    if t.append() {
        flags |= OFlags::APPEND;
    }
    if t.truncate() {
        flags |= OFlags::TRUNC;
    }
    if t.create_new() {
        flags |= OFlags::CREATE | OFlags::EXCL;
    } else if t.create_if_missing() {
        flags |= OFlags::CREATE;
    }
    Ok(flags)
}

/// The most Linux's read(2) and write(2) move in one call.
const MAX_IO: usize = 0x7fff_f000;

/// The zero-copy buffer `op` needs.
fn buffer(data: Option<ZeroCopyBuf>, op: &str) -> OpResult<ZeroCopyBuf> {
    data.ok_or_else(|| {
        DenoError::new(
            ErrorKind::InvalidInput,
            format!("{op} needs a buffer (the zero-copy argument)"),
        )
    })
}

pub fn op_read(state: &Ctx, base: &msg::Base, data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let rid = request_table::<msg::Read>(base)?.rid();
    Ok(
        read(state, rid, data, base.sync())?.reply(state, |state, n| {
            // read(2) returns at most MAX_IO bytes.
            let nread = n as u32;
            scalars(state, &msg::ReadResArgs { nread })
        }),
    )
}

pub fn op_write(state: &Ctx, base: &msg::Base, data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let rid = request_table::<msg::Write>(base)?.rid();
    Ok(
        write(state, rid, data, base.sync())?.reply(state, |state, n| {
            let nwritten = n as u32;
            scalars(state, &msg::WriteResArgs { nwritten })
        }),
    )
}

/// Reads from `rid` into the zero-copy buffer: the count, 0 at end of file. Shared by
/// `Read` and the minimal encoding's read.
pub fn read(state: &Ctx, rid: Rid, data: Option<ZeroCopyBuf>, sync: bool) -> OpResult<Op<usize>> {
    let mut buf = buffer(data, "Read")?;
    match state.resources.borrow().get(rid)? {
        Resource::Stdin => on_pool(sync, move || Ok(std::io::stdin().read(&mut buf)?)),
        Resource::FsFile(file) => {
            let file = file.clone();
            on_pool(sync, move || Ok((&*file).read(&mut buf)?))
        }
        Resource::TcpStream(s) => {
            on_loop(sync, rid, s, |s| async move { s.read(rid, &mut buf).await })
        }
        Resource::ChildStdout(s) | Resource::ChildStderr(s) => {
            on_loop(sync, rid, s, |s| async move { s.read(rid, &mut buf).await })
        }
        other => Err(wrong_kind(rid, other, "readable")),
    }
}

/// Writes (some of) the zero-copy buffer to `rid`: the count. Shared by `Write` and
/// the minimal encoding's write.
pub fn write(state: &Ctx, rid: Rid, data: Option<ZeroCopyBuf>, sync: bool) -> OpResult<Op<usize>> {
    let buf = buffer(data, "Write")?;
    // Like write(2), at most MAX_IO bytes at a time: the count fits a u32.
    let max = buf.len().min(MAX_IO);
    match state.resources.borrow().get(rid)? {
        stream @ (Resource::Stdout | Resource::Stderr) => {
            let err = matches!(stream, Resource::Stderr);
            state.output.write(err, &buf[..max])?;
            Ok(Op::Sync(max))
        }
        Resource::FsFile(file) => {
            let file = file.clone();
            on_pool(sync, move || Ok((&*file).write(&buf[..max])?))
        }
        Resource::TcpStream(s) => {
            on_loop(
                sync,
                rid,
                s,
                |s| async move { s.write(rid, &buf[..max]).await },
            )
        }
        Resource::ChildStdin(s) => {
            on_loop(
                sync,
                rid,
                s,
                |s| async move { s.write(rid, &buf[..max]).await },
            )
        }
        other => Err(wrong_kind(rid, other, "writable")),
    }
}

/// An op on a socket or pipe: it waits on the event loop, so it cannot be sync.
fn on_loop<S, F>(
    sync: bool,
    rid: Rid,
    stream: &Rc<S>,
    op: impl FnOnce(Rc<S>) -> F,
) -> OpResult<Op<usize>>
where
    F: Future<Output = OpResult<usize>> + 'static,
{
    if sync {
        return Err(DenoError::new(
            ErrorKind::OpNotAvailable,
            format!("rid {rid} is a socket or pipe: read and write it asynchronously"),
        ));
    }
    Ok(Op::Async(Box::pin(op(stream.clone()))))
}

pub fn op_seek(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::Seek>(base)?;
    let offset = t.offset();
    let from = match t.whence() {
        0 => SeekFrom::Start(u64::try_from(offset).map_err(|_| {
            DenoError::new(
                ErrorKind::InvalidInput,
                "Seek: negative offset from the start",
            )
        })?),
        1 => SeekFrom::Current(offset),
        2 => SeekFrom::End(offset),
        w => {
            return Err(DenoError::new(
                ErrorKind::InvalidInput,
                format!("Seek: whence {w} is not 0 (start), 1 (current) or 2 (end)"),
            ))
        }
    };
    let file = state.resources.borrow().file(t.rid())?;
    blocking(
        state,
        base,
        move || Ok((&*file).seek(from)?),
        |state, position| scalars(state, &msg::SeekResArgs { position }),
    )
}

pub fn op_fstat(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let file = state
        .resources
        .borrow()
        .file(request_table::<msg::Fstat>(base)?.rid())?;
    blocking(state, base, move || Ok(file.metadata()?), stat_reply)
}

pub fn op_is_terminal(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    use std::io::IsTerminal;
    let rid = request_table::<msg::IsTerminal>(base)?.rid();
    let captured = matches!(state.output, Output::Capture(_));
    let terminal = match state.resources.borrow().get(rid)? {
        Resource::Stdin => std::io::stdin().is_terminal(),
        Resource::Stdout => !captured && std::io::stdout().is_terminal(),
        Resource::Stderr => !captured && std::io::stderr().is_terminal(),
        Resource::FsFile(file) => file.is_terminal(),
        _ => false,
    };
    Ok(Op::Sync(scalars(
        state,
        &msg::IsTerminalResArgs { terminal },
    )))
}

#[cfg(test)]
mod tests {
    use crate::msg::{self, ErrorKind};
    use crate::ops::testing::*;

    fn open_request(sync: bool, path: &str, write: bool) -> Vec<u8> {
        request(sync, msg::Any::Open, |b| {
            let path = Some(b.create_string(path));
            let args = msg::OpenArgs {
                path,
                read: true,
                write,
                create_if_missing: write,
                truncate: write,
                ..Default::default()
            };
            msg::Open::create(b, &args)
        })
    }

    fn rid_request(sync: bool, tag: msg::Any, rid: u32) -> Vec<u8> {
        request(sync, tag, |b| match tag {
            msg::Any::Read => msg::Read::create(b, &msg::ReadArgs { rid }).as_union_value(),
            msg::Any::Write => msg::Write::create(b, &msg::WriteArgs { rid }).as_union_value(),
            msg::Any::Close => msg::Close::create(b, &msg::CloseArgs { rid }).as_union_value(),
            _ => unreachable!(),
        })
    }

    fn reply_rid(reply: &[u8]) -> u32 {
        reply_base(reply).res_as_open_res().unwrap().rid()
    }

    #[test]
    fn write_then_read_back_in_place_sync_and_async() {
        let d = privileged_dispatcher();
        let path = std::env::temp_dir().join(format!("minideno-files-{}", std::process::id()));
        let path = path.to_str().unwrap();
        for sync in [true, false] {
            let run = |req: &[u8], data| {
                if sync {
                    run_sync_with(&d, req, data).unwrap()
                } else {
                    run_async_with(&d, req, data)
                }
            };
            let rid = reply_rid(&run(&open_request(sync, path, true), None));
            let reply = run(
                &rid_request(sync, msg::Any::Write, rid),
                Some(zero_copy(b"hello")),
            );
            assert_eq!(reply_base(&reply).res_as_write_res().unwrap().nwritten(), 5);
            run_sync(&d, &rid_request(true, msg::Any::Close, rid));

            let rid = reply_rid(&run(&open_request(sync, path, false), None));
            let buf = zero_copy(&[0; 8]);
            let reply = run(&rid_request(sync, msg::Any::Read, rid), Some(buf.clone()));
            assert_eq!(reply_base(&reply).res_as_read_res().unwrap().nread(), 5);
            assert_eq!(&buf[..5], b"hello", "read into the caller's buffer");
            let reply = run(&rid_request(sync, msg::Any::Read, rid), Some(buf.clone()));
            assert_eq!(
                reply_base(&reply).res_as_read_res().unwrap().nread(),
                0,
                "EOF"
            );
            run_sync(&d, &rid_request(true, msg::Any::Close, rid));
        }
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn bad_rids_and_missing_buffers_are_errors() {
        let d = privileged_dispatcher();
        let error = |reply: Option<Vec<u8>>| {
            let reply = reply.expect("an error reply");
            let base = reply_base(&reply);
            (base.error_kind(), base.error().unwrap().to_string())
        };
        let e = error(run_sync_with(
            &d,
            &rid_request(true, msg::Any::Read, 99),
            Some(zero_copy(b"x")),
        ));
        assert_eq!(
            e,
            (
                ErrorKind::BadResource,
                "Bad resource ID 99: not open".into()
            )
        );
        let e = error(run_sync_with(
            &d,
            &rid_request(true, msg::Any::Read, 1),
            Some(zero_copy(b"x")),
        ));
        assert_eq!(e.0, ErrorKind::BadResource);
        assert!(e.1.contains("stdout is not readable"), "{}", e.1);
        let e = error(run_sync(&d, &rid_request(true, msg::Any::Write, 2)));
        assert_eq!(e.0, ErrorKind::InvalidInput);
        let e = error(run_sync(&d, &rid_request(true, msg::Any::Close, 42)));
        assert_eq!(e.0, ErrorKind::BadResource);
    }

    #[test]
    fn open_is_denied_without_a_grant_and_creates_nothing() {
        let d = dispatcher();
        let path = std::env::temp_dir().join(format!("minideno-denied-{}", std::process::id()));
        let reply = run_sync(&d, &open_request(true, path.to_str().unwrap(), true)).unwrap();
        let base = reply_base(&reply);
        assert_eq!(base.error_kind(), ErrorKind::PermissionDenied);
        assert!(
            base.error().unwrap().contains("--allow-read"),
            "{:?}",
            base.error()
        );
        assert!(!path.exists());
    }
}
