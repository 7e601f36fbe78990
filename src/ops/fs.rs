//! File system ops on paths: stat, readDir, mkdir, remove, rename, copyFile, chmod,
//! chown, symlink, readLink, link, truncate, makeTemp, realPath, utime. Each checks
//! its permission first, then makes its syscalls inline (sync) or on the blocking pool
//! (async). Errors name the op and the path, as Deno's do: `..., stat '/nope'`.
use std::ffi::CString;
use std::fs::{self, Metadata};
use std::hash::{BuildHasher, RandomState};
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::errors::{DenoError, OpResult};
use crate::msg::{self, ErrorKind};
use crate::ops::reply::{blocking, inner, reply, scalars, Op, Res, ZeroCopyBuf};
use crate::permissions::Follow;
use crate::state::State;

/// Turns an io::Error of `op` on `path` into a DenoError naming both.
pub fn failed<'a>(op: &'a str, path: &'a Path) -> impl FnOnce(io::Error) -> DenoError + 'a {
    move |e| DenoError::from(e).context(format_args!("{op} '{}'", path.display()))
}

/// As `failed`, for an op on two paths.
fn failed2<'a>(
    op: &'a str,
    from: &'a Path,
    to: &'a Path,
) -> impl FnOnce(io::Error) -> DenoError + 'a {
    move |e| {
        DenoError::from(e).context(format_args!(
            "{op} '{}' -> '{}'",
            from.display(),
            to.display()
        ))
    }
}

fn path(p: Option<&str>) -> PathBuf {
    PathBuf::from(p.unwrap_or_default())
}

/// Runs `work` as `blocking` does, for an op with no result.
fn no_result(
    state: &Rc<State>,
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
pub fn stat_reply(state: &State, m: Metadata) -> Res {
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
pub fn path_reply(state: &State, path: impl AsRef<Path>) -> Res {
    reply(state, |b| {
        let path = Some(b.create_string(&path.as_ref().to_string_lossy()));
        msg::PathRes::create(b, &msg::PathResArgs { path })
    })
}

pub fn op_stat(state: &Rc<State>, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = inner(base.inner_as_stat(), "Stat")?;
    let (p, lstat) = (path(t.path()), t.lstat());
    let follow = if lstat { Follow::No } else { Follow::Yes };
    state.permissions.check_read(&p, follow)?;
    blocking(
        state,
        base,
        move || match lstat {
            true => fs::symlink_metadata(&p).map_err(failed("lstat", &p)),
            false => fs::metadata(&p).map_err(failed("stat", &p)),
        },
        stat_reply,
    )
}

pub fn op_read_dir(
    state: &Rc<State>,
    base: &msg::Base,
    _data: Option<ZeroCopyBuf>,
) -> OpResult<Op> {
    let p = path(inner(base.inner_as_read_dir(), "ReadDir")?.path());
    state.permissions.check_read(&p, Follow::Yes)?;
    blocking(
        state,
        base,
        move || {
            let mut entries = Vec::new();
            for entry in fs::read_dir(&p).map_err(failed("readdir", &p))? {
                let entry = entry.map_err(failed("readdir", &p))?;
                let kind = entry.file_type().map_err(failed("readdir", &p))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                entries.push((name, kind));
            }
            Ok(entries)
        },
        |state, entries| {
            reply(state, |b| {
                let entries: Vec<_> = entries
                    .iter()
                    .map(|(name, kind)| {
                        let args = msg::DirEntryArgs {
                            name: Some(b.create_string(name)),
                            is_file: kind.is_file(),
                            is_directory: kind.is_dir(),
                            is_symlink: kind.is_symlink(),
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

pub fn op_mkdir(state: &Rc<State>, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = inner(base.inner_as_mkdir(), "Mkdir")?;
    let (p, recursive, mode) = (path(t.path()), t.recursive(), t.mode());
    state.permissions.check_write(&p, Follow::Yes)?;
    no_result(state, base, move || {
        fs::DirBuilder::new()
            .recursive(recursive)
            .mode(mode)
            .create(&p)
            .map_err(failed("mkdir", &p))
    })
}

pub fn op_remove(state: &Rc<State>, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = inner(base.inner_as_remove(), "Remove")?;
    let (p, recursive) = (path(t.path()), t.recursive());
    state.permissions.check_write(&p, Follow::No)?;
    no_result(state, base, move || {
        let is_dir = fs::symlink_metadata(&p)
            .map_err(failed("remove", &p))?
            .is_dir();
        match (is_dir, recursive) {
            (true, true) => fs::remove_dir_all(&p),
            (true, false) => fs::remove_dir(&p),
            (false, _) => fs::remove_file(&p),
        }
        .map_err(failed("remove", &p))
    })
}

/// The (old, new) paths of Rename, Symlink and Link.
fn two_paths(old: Option<&str>, new: Option<&str>) -> (PathBuf, PathBuf) {
    (path(old), path(new))
}

pub fn op_rename(state: &Rc<State>, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = inner(base.inner_as_rename(), "Rename")?;
    let (from, to) = two_paths(t.oldpath(), t.newpath());
    state.permissions.check_write(&from, Follow::No)?;
    state.permissions.check_write(&to, Follow::No)?;
    no_result(state, base, move || {
        fs::rename(&from, &to).map_err(failed2("rename", &from, &to))
    })
}

pub fn op_copy_file(
    state: &Rc<State>,
    base: &msg::Base,
    _data: Option<ZeroCopyBuf>,
) -> OpResult<Op> {
    let t = inner(base.inner_as_copy_file(), "CopyFile")?;
    let (from, to) = two_paths(t.from(), t.to());
    state.permissions.check_read(&from, Follow::Yes)?;
    state.permissions.check_write(&to, Follow::Yes)?;
    no_result(state, base, move || {
        fs::copy(&from, &to)
            .map(drop)
            .map_err(failed2("copy", &from, &to))
    })
}

pub fn op_chmod(state: &Rc<State>, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = inner(base.inner_as_chmod(), "Chmod")?;
    let (p, mode) = (path(t.path()), t.mode());
    state.permissions.check_write(&p, Follow::Yes)?;
    no_result(state, base, move || {
        fs::set_permissions(&p, fs::Permissions::from_mode(mode)).map_err(failed("chmod", &p))
    })
}

pub fn op_chown(state: &Rc<State>, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = inner(base.inner_as_chown(), "Chown")?;
    let p = path(t.path());
    // -1 (or anything that is not an id) leaves the id as it is.
    let (uid, gid) = (u32::try_from(t.uid()).ok(), u32::try_from(t.gid()).ok());
    state.permissions.check_write(&p, Follow::Yes)?;
    no_result(state, base, move || {
        std::os::unix::fs::chown(&p, uid, gid).map_err(failed("chown", &p))
    })
}

pub fn op_symlink(state: &Rc<State>, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = inner(base.inner_as_symlink(), "Symlink")?;
    let (target, link) = two_paths(t.oldpath(), t.newpath());
    // Making a link reads nothing; where it leads is checked whenever it is followed.
    state.permissions.check_write(&link, Follow::No)?;
    no_result(state, base, move || {
        std::os::unix::fs::symlink(&target, &link).map_err(failed2("symlink", &target, &link))
    })
}

pub fn op_read_link(
    state: &Rc<State>,
    base: &msg::Base,
    _data: Option<ZeroCopyBuf>,
) -> OpResult<Op> {
    let p = path(inner(base.inner_as_read_link(), "ReadLink")?.path());
    state.permissions.check_read(&p, Follow::No)?;
    blocking(
        state,
        base,
        move || fs::read_link(&p).map_err(failed("readlink", &p)),
        path_reply,
    )
}

pub fn op_link(state: &Rc<State>, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = inner(base.inner_as_link(), "Link")?;
    let (target, link) = two_paths(t.oldpath(), t.newpath());
    // A hard link is another name for the same data: both sides are written through.
    state.permissions.check_read(&target, Follow::No)?;
    state.permissions.check_write(&target, Follow::No)?;
    state.permissions.check_write(&link, Follow::No)?;
    no_result(state, base, move || {
        fs::hard_link(&target, &link).map_err(failed2("link", &target, &link))
    })
}

pub fn op_truncate(
    state: &Rc<State>,
    base: &msg::Base,
    _data: Option<ZeroCopyBuf>,
) -> OpResult<Op> {
    let t = inner(base.inner_as_truncate(), "Truncate")?;
    let (p, len) = (path(t.path()), t.len());
    state.permissions.check_write(&p, Follow::Yes)?;
    no_result(state, base, move || {
        fs::OpenOptions::new()
            .write(true)
            .open(&p)
            .and_then(|f| f.set_len(len))
            .map_err(failed("truncate", &p))
    })
}

pub fn op_make_temp(
    state: &Rc<State>,
    base: &msg::Base,
    _data: Option<ZeroCopyBuf>,
) -> OpResult<Op> {
    let t = inner(base.inner_as_make_temp(), "MakeTemp")?;
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
    state.permissions.check_write(&dir, Follow::Yes)?;
    blocking(
        state,
        base,
        move || {
            let op = if make_dir { "mkdtemp" } else { "mkstemp" };
            let random = RandomState::new();
            loop {
                let tag = random.hash_one(SystemTime::now()) as u32;
                let p = dir.join(format!("{prefix}{tag:08x}{suffix}"));
                let made = match make_dir {
                    true => fs::DirBuilder::new().mode(0o700).create(&p),
                    false => fs::OpenOptions::new()
                        .write(true)
                        .create_new(true)
                        .mode(0o600)
                        .open(&p)
                        .map(drop),
                };
                match made {
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                    made => return made.map(|()| p).map_err(failed(op, &dir)),
                }
            }
        },
        path_reply,
    )
}

pub fn op_real_path(
    state: &Rc<State>,
    base: &msg::Base,
    _data: Option<ZeroCopyBuf>,
) -> OpResult<Op> {
    let p = path(inner(base.inner_as_real_path(), "RealPath")?.path());
    state.permissions.check_read(&p, Follow::Yes)?;
    blocking(
        state,
        base,
        move || fs::canonicalize(&p).map_err(failed("realpath", &p)),
        path_reply,
    )
}

pub fn op_utime(state: &Rc<State>, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let t = inner(base.inner_as_utime(), "Utime")?;
    let (p, atime, mtime) = (path(t.path()), t.atime(), t.mtime());
    if !atime.is_finite() || !mtime.is_finite() {
        return Err(DenoError::new(
            ErrorKind::InvalidInput,
            "Utime: times must be finite",
        ));
    }
    state.permissions.check_write(&p, Follow::Yes)?;
    no_result(state, base, move || {
        let c_path = CString::new(p.as_os_str().as_bytes())
            .map_err(|_| DenoError::new(ErrorKind::InvalidInput, "Utime: path contains NUL"))?;
        let spec = |secs: f64| libc::timespec {
            tv_sec: secs.floor() as libc::time_t,
            tv_nsec: ((secs - secs.floor()) * 1e9) as libc::c_long,
        };
        let times = [spec(atime), spec(mtime)];
        // SAFETY: a NUL-terminated path and two timespecs, as utimensat(2) takes them.
        let r = unsafe { libc::utimensat(libc::AT_FDCWD, c_path.as_ptr(), times.as_ptr(), 0) };
        match r {
            0 => Ok(()),
            _ => Err(failed("utime", &p)(io::Error::last_os_error())),
        }
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
