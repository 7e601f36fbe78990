//! File system ops on paths: stat, readDir, mkdir, remove, rename, copyFile, chmod,
//! chown, symlink, readLink, link, truncate, makeTemp, realPath, utime. Each checks
//! its permission first, then makes its syscalls inline (sync) or on the blocking pool
//! (async), reaching the path only through what the check returned (`Allowed`: an fd
//! opened below the grant, or the directory holding the entry and its name for the
//! `*at` syscalls). Errors name the op and the path, as Deno's do: `..., stat '/nope'`.
use std::ffi::OsStr;
use std::fs::{self, File, Metadata};
use std::hash::{BuildHasher, RandomState};
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use rustix::fs::{self as sys, AtFlags, FileType, Mode, OFlags, Timespec, Timestamps, CWD};

use crate::errors::{DenoError, OpResult};
use crate::msg::{self, ErrorKind};
use crate::ops::reply::{blocking, reply, request_table, scalars, Ctx, Op, Res, ZeroCopyBuf};
use crate::permissions::{is_denial, Allowed, Follow};

/// Turns an io::Error of `op` on `path` into a DenoError naming both (a denial found
/// while acting is complete as it is).
pub fn failed<'a>(op: &'a str, path: &'a Path) -> impl FnOnce(io::Error) -> DenoError + 'a {
    move |e| with_context(e, format_args!("{op} '{}'", path.display()))
}

/// As `failed`, for an op on two paths.
fn failed2<'a>(
    op: &'a str,
    from: &'a Path,
    to: &'a Path,
) -> impl FnOnce(io::Error) -> DenoError + 'a {
    move |e| {
        let (from, to) = (from.display(), to.display());
        with_context(e, format_args!("{op} '{from}' -> '{to}'"))
    }
}

/// `e` with what the op was doing, except a denial, whose message names the path itself.
fn with_context(e: io::Error, what: std::fmt::Arguments) -> DenoError {
    match is_denial(&e) {
        true => DenoError::new(ErrorKind::PermissionDenied, e.to_string()),
        false => DenoError::from(e).context(what),
    }
}

fn path(p: Option<&str>) -> PathBuf {
    PathBuf::from(p.unwrap_or_default())
}

/// Runs `work` as `blocking` does, for an op with no result.
fn no_result(
    state: &Ctx,
    base: &msg::Base,
    work: impl FnOnce() -> OpResult<()> + Send + 'static,
) -> OpResult<Op> {
    blocking(state, base, work, |_, ()| None)
}

/// Milliseconds since the epoch, or NaN when the system does not keep that time.
fn millis(t: io::Result<SystemTime>) -> f64 {
    t.ok()
        .map(|t| match t.duration_since(UNIX_EPOCH) {
            Ok(d) => d.as_secs_f64() * 1000.0,
            Err(before) => -before.duration().as_secs_f64() * 1000.0,
        })
        .unwrap_or(f64::NAN)
}

/// A `StatRes` reply (Stat and Fstat).
pub fn stat_reply(state: &Ctx, m: Metadata) -> Res {
    let kind = m.file_type();
    scalars(
        state,
        &msg::StatResArgs {
            is_file: kind.is_file(),
            is_directory: kind.is_dir(),
            is_symlink: kind.is_symlink(),
            len: m.len(),
            mtime: millis(m.modified()),
            atime: millis(m.accessed()),
            birthtime: millis(m.created()),
            mode: m.mode(),
            dev: m.dev(),
            ino: m.ino(),
            nlink: m.nlink(),
            uid: m.uid(),
            gid: m.gid(),
            blocks: m.blocks(),
        },
    )
}

/// A `PathRes` reply.
pub fn path_reply(state: &Ctx, path: impl AsRef<Path>) -> Res {
    reply(state, |b| {
        let path = Some(b.create_string(&path.as_ref().to_string_lossy()));
        msg::PathRes::create(b, &msg::PathResArgs { path })
    })
}

/// The name by which the kernel reaches an opened fd (for the syscalls that take no
/// fd of `O_PATH`: chmod, utimensat, realpath's answer).
fn fd_path(fd: &OwnedFd) -> PathBuf {
    PathBuf::from(format!("/proc/self/fd/{}", fd.as_raw_fd()))
}

pub fn op_stat(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::Stat>(base)?;
    let (p, lstat) = (path(t.path()), t.lstat());
    let follow = if lstat { Follow::No } else { Follow::Yes };
    let a = state.permissions.check_read(&p, follow)?;
    blocking(
        state,
        base,
        move || {
            let op = if lstat { "lstat" } else { "stat" };
            a.open(OFlags::PATH, 0)
                .and_then(|fd| File::from(fd).metadata())
                .map_err(failed(op, a.given()))
        },
        stat_reply,
    )
}

/// Whether entry `name` of `dir` is a directory, a symlink, or else a file; from the
/// directory's own record, or a stat where the file system keeps none.
fn entry_type(dir: BorrowedFd, name: &OsStr, recorded: FileType) -> io::Result<FileType> {
    Ok(match recorded {
        FileType::Unknown => {
            FileType::from_raw_mode(sys::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW)?.st_mode)
        }
        kind => kind,
    })
}

/// Every entry of the directory `fd` but `.` and `..`, with its type.
fn entries(fd: &OwnedFd) -> io::Result<Vec<(std::ffi::OsString, FileType)>> {
    let mut out = Vec::new();
    for entry in sys::Dir::read_from(fd)? {
        let entry = entry?;
        let name = OsStr::from_bytes(entry.file_name().to_bytes());
        if name == "." || name == ".." {
            continue;
        }
        let kind = entry_type(fd.as_fd(), name, entry.file_type())?;
        out.push((name.to_os_string(), kind));
    }
    Ok(out)
}

pub fn op_read_dir(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let p = path(request_table::<msg::ReadDir>(base)?.path());
    let a = state.permissions.check_read(&p, Follow::Yes)?;
    blocking(
        state,
        base,
        move || {
            a.open(OFlags::RDONLY | OFlags::DIRECTORY, 0)
                .and_then(|fd| entries(&fd))
                .map_err(failed("readdir", a.given()))
        },
        |state, entries| {
            reply(state, |b| {
                let entries: Vec<_> = entries
                    .iter()
                    .map(|(name, kind)| {
                        let args = msg::DirEntryArgs {
                            name: Some(b.create_string(&name.to_string_lossy())),
                            is_file: !matches!(kind, FileType::Directory | FileType::Symlink),
                            is_directory: *kind == FileType::Directory,
                            is_symlink: *kind == FileType::Symlink,
                        };
                        msg::DirEntry::create(b, &args)
                    })
                    .collect();
                let entries = Some(b.create_vector(&entries));
                msg::ReadDirRes::create(b, &msg::ReadDirResArgs { entries })
            })
        },
    )
}

/// mkdir, with the missing directories above it first if `recursive` (an existing
/// directory is then no error).
fn mkdir(a: &Allowed, mode: Mode, recursive: bool) -> io::Result<()> {
    let made = a
        .entry()
        .and_then(|(dir, name)| Ok(sys::mkdirat(&dir, &name, mode)?));
    match made {
        Err(e) if recursive && e.kind() == io::ErrorKind::NotFound => {
            let parent = a.parent().ok_or(e)?;
            mkdir(&parent, mode, true)?;
            mkdir(a, mode, true)
        }
        Err(e) if recursive && e.kind() == io::ErrorKind::AlreadyExists => {
            a.open(OFlags::PATH | OFlags::DIRECTORY, 0).map(drop)
        }
        made => made,
    }
}

pub fn op_mkdir(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::Mkdir>(base)?;
    let (p, recursive, mode) = (path(t.path()), t.recursive(), t.mode());
    let a = state.permissions.check_write(&p, Follow::Yes)?;
    no_result(state, base, move || {
        let mode = Mode::from_raw_mode(mode & 0o7777);
        mkdir(&a, mode, recursive).map_err(failed("mkdir", a.given()))
    })
}

/// Removes directory `name` of `dir` and everything in it, through fds: no link in the
/// tree is followed, and a swap made meanwhile removes nothing outside it. Depth first,
/// without recursion.
fn remove_tree(dir: BorrowedFd, name: &OsStr) -> io::Result<()> {
    let open = |dir: BorrowedFd, name: &OsStr| -> io::Result<OwnedFd> {
        let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        Ok(sys::openat(dir, name, flags, Mode::empty())?)
    };
    // Each directory being emptied, with its name in the one before it.
    let mut stack = vec![(open(dir, name)?, name.to_os_string())];
    while let Some((fd, _)) = stack.last() {
        let mut pushed = false;
        for (entry, kind) in entries(fd)? {
            if kind == FileType::Directory {
                let child = open(fd.as_fd(), &entry)?;
                stack.push((child, entry));
                pushed = true;
                break;
            }
            sys::unlinkat(fd, &entry, AtFlags::empty())?;
        }
        if !pushed {
            let (_, name) = stack.pop().expect("the loop's own entry");
            let parent = stack.last().map_or(dir, |(fd, _)| fd.as_fd());
            sys::unlinkat(parent, &name, AtFlags::REMOVEDIR)?;
        }
    }
    Ok(())
}

pub fn op_remove(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::Remove>(base)?;
    let (p, recursive) = (path(t.path()), t.recursive());
    let a = state.permissions.check_write(&p, Follow::No)?;
    no_result(state, base, move || {
        let remove = || -> io::Result<()> {
            let (dir, name) = a.entry()?;
            let kind = sys::statat(&dir, &name, AtFlags::SYMLINK_NOFOLLOW)?.st_mode;
            match (FileType::from_raw_mode(kind), recursive) {
                (FileType::Directory, true) => remove_tree(dir.as_fd(), &name),
                (FileType::Directory, false) => Ok(sys::unlinkat(&dir, &name, AtFlags::REMOVEDIR)?),
                _ => Ok(sys::unlinkat(&dir, &name, AtFlags::empty())?),
            }
        };
        remove().map_err(failed("remove", a.given()))
    })
}

/// The (old, new) paths of Rename, Symlink and Link.
fn two_paths(old: Option<&str>, new: Option<&str>) -> (PathBuf, PathBuf) {
    (path(old), path(new))
}

pub fn op_rename(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::Rename>(base)?;
    let (from, to) = two_paths(t.oldpath(), t.newpath());
    let from = state.permissions.check_write(&from, Follow::No)?;
    let to = state.permissions.check_write(&to, Follow::No)?;
    no_result(state, base, move || {
        let rename = || -> io::Result<()> {
            let ((d1, n1), (d2, n2)) = (from.entry()?, to.entry()?);
            Ok(sys::renameat(&d1, &n1, &d2, &n2)?)
        };
        rename().map_err(failed2("rename", from.given(), to.given()))
    })
}

pub fn op_copy_file(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::CopyFile>(base)?;
    let (from, to) = two_paths(t.from(), t.to());
    let from = state.permissions.check_read(&from, Follow::Yes)?;
    let to = state.permissions.check_write(&to, Follow::Yes)?;
    no_result(state, base, move || {
        let copy = || -> io::Result<()> {
            let mut src = File::from(from.open(OFlags::RDONLY, 0)?);
            let meta = src.metadata()?;
            if !meta.is_file() {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "the source is not a regular file",
                ));
            }
            let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::TRUNC;
            let mut dst = File::from(to.open(flags, meta.mode() & 0o7777)?);
            io::copy(&mut src, &mut dst)?;
            dst.set_permissions(meta.permissions())
        };
        copy().map_err(failed2("copy", from.given(), to.given()))
    })
}

pub fn op_chmod(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::Chmod>(base)?;
    let (p, mode) = (path(t.path()), t.mode());
    let a = state.permissions.check_write(&p, Follow::Yes)?;
    no_result(state, base, move || {
        a.open(OFlags::PATH, 0)
            .and_then(|fd| fs::set_permissions(fd_path(&fd), fs::Permissions::from_mode(mode)))
            .map_err(failed("chmod", a.given()))
    })
}

pub fn op_chown(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::Chown>(base)?;
    let p = path(t.path());
    // -1 (or anything that is not an id) leaves the id as it is.
    let id = |id: i64| u32::try_from(id).ok();
    let uid = id(t.uid()).map(|id| unsafe { sys::Uid::from_raw(id) });
    let gid = id(t.gid()).map(|id| unsafe { sys::Gid::from_raw(id) });
    let a = state.permissions.check_write(&p, Follow::Yes)?;
    no_result(state, base, move || {
        a.open(OFlags::PATH, 0)
            .and_then(|fd| Ok(sys::chownat(&fd, "", uid, gid, AtFlags::EMPTY_PATH)?))
            .map_err(failed("chown", a.given()))
    })
}

pub fn op_symlink(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::Symlink>(base)?;
    let (target, link) = two_paths(t.oldpath(), t.newpath());
    // Making a link reads nothing; where it leads is checked whenever it is followed.
    let a = state.permissions.check_write(&link, Follow::No)?;
    no_result(state, base, move || {
        a.entry()
            .and_then(|(dir, name)| Ok(sys::symlinkat(&target, &dir, &name)?))
            .map_err(failed2("symlink", &target, a.given()))
    })
}

pub fn op_read_link(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let p = path(request_table::<msg::ReadLink>(base)?.path());
    let a = state.permissions.check_read(&p, Follow::No)?;
    blocking(
        state,
        base,
        move || {
            a.entry()
                .and_then(|(dir, name)| Ok(sys::readlinkat(&dir, &name, Vec::new())?))
                .map(|target| PathBuf::from(OsStr::from_bytes(target.as_bytes())))
                .map_err(failed("readlink", a.given()))
        },
        path_reply,
    )
}

pub fn op_link(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::Link>(base)?;
    let (target, link) = two_paths(t.oldpath(), t.newpath());
    // A hard link is another name for the same data: both sides are written through.
    state.permissions.check_read(&target, Follow::No)?;
    let target = state.permissions.check_write(&target, Follow::No)?;
    let link = state.permissions.check_write(&link, Follow::No)?;
    no_result(state, base, move || {
        let hard_link = || -> io::Result<()> {
            let ((d1, n1), (d2, n2)) = (target.entry()?, link.entry()?);
            Ok(sys::linkat(&d1, &n1, &d2, &n2, AtFlags::empty())?)
        };
        hard_link().map_err(failed2("link", target.given(), link.given()))
    })
}

pub fn op_truncate(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::Truncate>(base)?;
    let (p, len) = (path(t.path()), t.len());
    let a = state.permissions.check_write(&p, Follow::Yes)?;
    no_result(state, base, move || {
        a.open(OFlags::WRONLY | OFlags::NONBLOCK, 0)
            .and_then(|fd| File::from(fd).set_len(len))
            .map_err(failed("truncate", a.given()))
    })
}

pub fn op_make_temp(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::MakeTemp>(base)?;
    let dir = match t.dir_path().unwrap_or_default() {
        "" => std::env::temp_dir(),
        d => PathBuf::from(d),
    };
    let (prefix, suffix, make_dir) = (
        t.prefix().unwrap_or_default().to_string(),
        t.suffix().unwrap_or_default().to_string(),
        t.dir(),
    );
    if [&prefix, &suffix].iter().any(|s| s.contains('/')) {
        return Err(DenoError::new(
            ErrorKind::InvalidInput,
            "MakeTemp: prefix and suffix must not contain '/'",
        ));
    }
    let a = state.permissions.check_write(&dir, Follow::Yes)?;
    blocking(
        state,
        base,
        move || {
            let op = if make_dir { "mkdtemp" } else { "mkstemp" };
            let random = RandomState::new();
            loop {
                let tag = random.hash_one(SystemTime::now()) as u32;
                let name = format!("{prefix}{tag:08x}{suffix}");
                let made = a.join(&name).and_then(|p| match make_dir {
                    true => p
                        .entry()
                        .and_then(|(d, n)| Ok(sys::mkdirat(&d, &n, Mode::from_raw_mode(0o700))?)),
                    false => p
                        .open(OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL, 0o600)
                        .map(drop),
                });
                match made {
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                    made => {
                        return made
                            .map(|()| a.given().join(name))
                            .map_err(failed(op, a.given()))
                    }
                }
            }
        },
        path_reply,
    )
}

pub fn op_real_path(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let p = path(request_table::<msg::RealPath>(base)?.path());
    let a = state.permissions.check_read(&p, Follow::Yes)?;
    blocking(
        state,
        base,
        // What the kernel reached, as it names it: not a second walk of the string.
        move || {
            a.open(OFlags::PATH, 0)
                .and_then(|fd| fs::read_link(fd_path(&fd)))
                .map_err(failed("realpath", a.given()))
        },
        path_reply,
    )
}

pub fn op_utime(state: &Ctx, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = request_table::<msg::Utime>(base)?;
    let (p, atime, mtime) = (path(t.path()), t.atime(), t.mtime());
    if !atime.is_finite() || !mtime.is_finite() {
        return Err(DenoError::new(
            ErrorKind::InvalidInput,
            "Utime: times must be finite",
        ));
    }
    let a = state.permissions.check_write(&p, Follow::Yes)?;
    no_result(state, base, move || {
        let spec = |secs: f64| Timespec {
            tv_sec: secs.floor() as i64,
            tv_nsec: ((secs - secs.floor()) * 1e9) as _,
        };
        let times = Timestamps {
            last_access: spec(atime),
            last_modification: spec(mtime),
        };
        a.open(OFlags::PATH, 0)
            .and_then(|fd| Ok(sys::utimensat(CWD, fd_path(&fd), &times, AtFlags::empty())?))
            .map_err(failed("utime", a.given()))
    })
}

#[cfg(test)]
mod tests {
    use crate::msg::{self, ErrorKind};
    use crate::ops::testing::*;

    fn stat_request(sync: bool, path: &str) -> Vec<u8> {
        request(sync, msg::Any::Stat, |b| {
            let path = Some(b.create_string(path));
            msg::Stat::create(b, &msg::StatArgs { path, lstat: false })
        })
    }

    #[test]
    fn stat_reports_the_file_and_names_op_and_path_in_errors() {
        let d = privileged_dispatcher();
        for sync in [true, false] {
            let req = stat_request(sync, "Cargo.toml");
            let reply = if sync {
                run_sync(&d, &req).unwrap()
            } else {
                run_async(&d, &req)
            };
            let res = reply_base(&reply).res_as_stat_res().unwrap();
            let len = std::fs::metadata("Cargo.toml").unwrap().len();
            assert!(res.is_file() && !res.is_directory());
            assert_eq!(res.len(), len);
            assert!(res.mtime() > 1.6e12, "milliseconds since the epoch");
        }
        let reply = run_sync(&d, &stat_request(true, "/nope")).unwrap();
        let base = reply_base(&reply);
        assert_eq!(base.error_kind(), ErrorKind::NotFound);
        assert_eq!(
            base.error(),
            Some("No such file or directory (os error 2), stat '/nope'")
        );
    }

    #[test]
    fn stat_without_read_permission_is_denied() {
        let reply = run_sync(&dispatcher(), &stat_request(true, "/etc/passwd")).unwrap();
        let base = reply_base(&reply);
        assert_eq!(base.error_kind(), ErrorKind::PermissionDenied);
        assert_eq!(
            base.error(),
            Some("Requires read access to \"/etc/passwd\", run again with the --allow-read flag")
        );
    }
}
