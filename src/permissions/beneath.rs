//! The kernel's half of a path check: opening a path below a granted directory so that
//! no symlink, `..` or rename made after the check can lead out of it. `openat2` with
//! `RESOLVE_BENEATH` (Linux >= 5.6) does it in one syscall; on older kernels the same
//! walk is made a component at a time with `O_NOFOLLOW` directory fds. Also `resolve`,
//! which follows links in user space as the kernel would (a dangling link's target
//! included), for the answers a check gives before anything is opened.
use std::collections::VecDeque;
use std::ffi::{OsStr, OsString};
use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use rustix::fs::{openat, openat2, readlinkat, FileType, Mode, OFlags, ResolveFlags, CWD};

/// How far below `dir` a walk may go: `Beneath` keeps it under `dir` (a link or `..`
/// that leaves it fails with EXDEV, as does an absolute link); `NoLinks` also refuses
/// every symlink (ELOOP), for a grant of one file; `Anywhere` is the kernel's usual
/// walk (an unrestricted grant).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Walk {
    Beneath,
    NoLinks,
    Anywhere,
}

/// The most symlinks one walk follows, as Linux's MAXSYMLINKS.
const MAX_LINKS: usize = 40;

/// Whether this kernel has openat2 (cleared at its first ENOSYS).
static HAS_OPENAT2: AtomicBool = AtomicBool::new(true);

/// Opens `path` below `dir` (CWD: `path` is absolute or taken from the current
/// directory) with `flags` (O_CLOEXEC added), as `walk` allows.
pub fn open(
    dir: BorrowedFd,
    path: &Path,
    flags: OFlags,
    mode: Mode,
    walk: Walk,
) -> io::Result<OwnedFd> {
    let flags = flags | OFlags::CLOEXEC;
    // openat2 refuses a mode that nothing will be created with, or with other bits.
    // (O_TMPFILE includes O_DIRECTORY's bit: contains, not intersects.)
    let mode = match flags.contains(OFlags::CREATE) || flags.contains(OFlags::TMPFILE) {
        true => Mode::from_bits_truncate(mode.bits() & 0o7777),
        false => Mode::empty(),
    };
    let path = if path.as_os_str().is_empty() {
        Path::new(".")
    } else {
        path
    };
    if walk == Walk::Anywhere {
        return Ok(openat(dir, path, flags, mode)?);
    }
    if HAS_OPENAT2.load(Ordering::Relaxed) {
        let resolve = ResolveFlags::NO_MAGICLINKS
            | match walk {
                Walk::NoLinks => ResolveFlags::BENEATH | ResolveFlags::NO_SYMLINKS,
                _ => ResolveFlags::BENEATH,
            };
        // EAGAIN: a rename somewhere in the mount raced the walk; the kernel asks for
        // another try rather than risk a wrong answer.
        for _ in 0..16 {
            match openat2(dir, path, flags, mode, resolve) {
                Err(rustix::io::Errno::AGAIN) => continue,
                Err(rustix::io::Errno::NOSYS) => {
                    HAS_OPENAT2.store(false, Ordering::Relaxed);
                    break;
                }
                r => return Ok(r?),
            }
        }
        if HAS_OPENAT2.load(Ordering::Relaxed) {
            return Err(io::Error::from_raw_os_error(libc::EAGAIN));
        }
    }
    open_by_steps(dir, path, flags, mode, walk)
}

/// Where a step-by-step walk is: the last directory it holds, or where it began.
fn top<'a>(dir: BorrowedFd<'a>, held: &'a [OwnedFd]) -> BorrowedFd<'a> {
    held.last().map_or(dir, |fd| fd.as_fd())
}

/// `open` for kernels without openat2: one component at a time, each directory held
/// open (`O_PATH | O_NOFOLLOW`), a symlink read and its target walked in its place,
/// `..` popping back to the directory held before, never above `dir`.
pub fn open_by_steps(
    dir: BorrowedFd,
    path: &Path,
    flags: OFlags,
    mode: Mode,
    walk: Walk,
) -> io::Result<OwnedFd> {
    let exdev = || io::Error::from_raw_os_error(libc::EXDEV);
    let mut held: Vec<OwnedFd> = Vec::new();
    let mut todo: VecDeque<OsString> = parts(path)?;
    let mut links = 0;
    loop {
        let Some(name) = todo.pop_front() else {
            // The path ended in `.` or `..`: it names the directory reached.
            return Ok(openat(top(dir, &held), ".", flags, mode)?);
        };
        if name == ".." {
            held.pop().ok_or_else(exdev)?;
            continue;
        }
        let last = todo.is_empty();
        let step = match last {
            true => flags | OFlags::NOFOLLOW,
            false => OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        };
        match openat(top(dir, &held), &*name, step, mode) {
            // A symlink where O_NOFOLLOW refuses one: followed below, unless the
            // caller asked for the link itself.
            Err(rustix::io::Errno::LOOP) if !flags.contains(OFlags::NOFOLLOW) => {}
            Err(e) => return Err(e.into()),
            Ok(fd) if last && !flags.contains(OFlags::PATH) => return Ok(fd),
            Ok(fd) => match FileType::from_raw_mode(rustix::fs::fstat(&fd)?.st_mode) {
                FileType::Symlink if !(last && flags.contains(OFlags::NOFOLLOW)) => {}
                _ if last => return Ok(fd),
                FileType::Directory => {
                    held.push(fd);
                    continue;
                }
                _ => return Err(io::Error::from_raw_os_error(libc::ENOTDIR)),
            },
        }
        // A symlink: its target is walked in its place.
        if walk == Walk::NoLinks {
            return Err(io::Error::from_raw_os_error(libc::ELOOP));
        }
        links += 1;
        if links > MAX_LINKS {
            return Err(io::Error::from_raw_os_error(libc::ELOOP));
        }
        let target = readlinkat(top(dir, &held), &*name, Vec::new())?;
        let target = Path::new(OsStr::from_bytes(target.as_bytes()));
        if target.is_absolute() {
            return Err(exdev());
        }
        let mut spliced = parts(target)?;
        spliced.append(&mut todo);
        todo = spliced;
    }
}

/// `path`'s components as names, `.` dropped; an absolute path is refused (EXDEV).
fn parts(path: &Path) -> io::Result<VecDeque<OsString>> {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(Ok(n.to_os_string())),
            Component::ParentDir => Some(Ok("..".into())),
            Component::CurDir => None,
            Component::RootDir | Component::Prefix(_) => {
                Some(Err(io::Error::from_raw_os_error(libc::EXDEV)))
            }
        })
        .collect()
}

/// Opens a granted directory named by its resolved path, refusing any symlink on the
/// way: a grant's path was resolved when it was made, so a link there now was put in
/// after (to swap the directory for somewhere else).
pub fn open_root(root: &Path) -> io::Result<OwnedFd> {
    let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
    if HAS_OPENAT2.load(Ordering::Relaxed) {
        let resolve = ResolveFlags::NO_SYMLINKS | ResolveFlags::NO_MAGICLINKS;
        for _ in 0..16 {
            match openat2(CWD, root, flags, Mode::empty(), resolve) {
                Err(rustix::io::Errno::AGAIN) => continue,
                Err(rustix::io::Errno::NOSYS) => HAS_OPENAT2.store(false, Ordering::Relaxed),
                r => return Ok(r?),
            }
            break;
        }
    }
    let rel = root.strip_prefix("/").unwrap_or(root);
    let slash = openat(CWD, "/", flags, Mode::empty())?;
    open_by_steps(slash.as_fd(), rel, flags, Mode::empty(), Walk::NoLinks)
}

/// Where the absolute `path` leads, as the kernel would walk it: each symlink read and
/// followed (the last one only if `follow_last`), a dangling one's target included;
/// `..` goes up from where the walk is. The part that does not exist is taken as
/// written. Too many links: the path as walked so far.
pub fn resolve(path: &Path, follow_last: bool) -> PathBuf {
    let mut out = PathBuf::from("/");
    let Ok(mut todo) = path
        .strip_prefix("/")
        .map_err(|_| ())
        .and_then(|rest| parts(rest).map_err(|_| ()))
    else {
        return path.to_path_buf();
    };
    let mut links = 0;
    while let Some(name) = todo.pop_front() {
        if name == ".." {
            out.pop();
            continue;
        }
        out.push(&name);
        if todo.is_empty() && !follow_last {
            break;
        }
        let Ok(target) = std::fs::read_link(&out) else {
            continue;
        };
        links += 1;
        if links > MAX_LINKS {
            break;
        }
        out.pop();
        if target.is_absolute() {
            out = PathBuf::from("/");
        }
        let rest = target.strip_prefix("/").unwrap_or(&target);
        let Ok(mut spliced) = parts(rest) else { break };
        spliced.append(&mut todo);
        todo = spliced;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn tree(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("minideno-beneath-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("root/sub")).unwrap();
        std::fs::create_dir_all(dir.join("outside")).unwrap();
        std::fs::write(dir.join("root/sub/f"), "in").unwrap();
        std::fs::write(dir.join("outside/f"), "out").unwrap();
        symlink("sub", dir.join("root/rel")).unwrap();
        symlink("../outside", dir.join("root/up")).unwrap();
        symlink(dir.join("root/sub"), dir.join("root/abs")).unwrap();
        symlink("sub/../../outside/new", dir.join("root/dangling")).unwrap();
        dir
    }

    fn read(fd: OwnedFd) -> String {
        std::io::read_to_string(std::fs::File::from(fd)).unwrap()
    }

    #[test]
    fn both_walks_stay_below_the_directory() {
        let dir = tree("walks");
        let root = open_root(&dir.join("root")).unwrap();
        let ro = OFlags::RDONLY;
        for by_steps in [false, true] {
            let open = |p: &str, flags| {
                let (p, m) = (Path::new(p), Mode::from_raw_mode(0o644));
                match by_steps {
                    true => {
                        open_by_steps(root.as_fd(), p, flags | OFlags::CLOEXEC, m, Walk::Beneath)
                    }
                    false => open(root.as_fd(), p, flags, m, Walk::Beneath),
                }
            };
            let errno = |r: io::Result<OwnedFd>| r.err().and_then(|e| e.raw_os_error());
            assert_eq!(read(open("sub/f", ro).unwrap()), "in");
            assert_eq!(
                read(open("rel/f", ro).unwrap()),
                "in",
                "a relative link inside"
            );
            assert_eq!(read(open("sub/../rel/./f", ro).unwrap()), "in");
            assert_eq!(errno(open("up/f", ro)), Some(libc::EXDEV), "a link out");
            assert_eq!(
                errno(open("../outside/f", ro)),
                Some(libc::EXDEV),
                "`..` out"
            );
            assert_eq!(errno(open("sub/../../outside/f", ro)), Some(libc::EXDEV));
            assert_eq!(
                errno(open("abs/f", ro)),
                Some(libc::EXDEV),
                "an absolute link"
            );
            let create = OFlags::WRONLY | OFlags::CREATE;
            assert_eq!(
                errno(open("dangling", create)),
                Some(libc::EXDEV),
                "by_steps: {by_steps}"
            );
            assert!(!dir.join("outside/new").exists());
            // O_NOFOLLOW | O_PATH opens a link itself; O_PATH follows it.
            let link = open("up", OFlags::PATH | OFlags::NOFOLLOW).unwrap();
            assert_eq!(
                FileType::from_raw_mode(rustix::fs::fstat(&link).unwrap().st_mode),
                FileType::Symlink
            );
            assert_eq!(errno(open("up", OFlags::PATH)), Some(libc::EXDEV));
            let here = open("rel/..", OFlags::PATH | OFlags::DIRECTORY).unwrap();
            assert_eq!(
                read(
                    open_by_steps(
                        here.as_fd(),
                        Path::new("sub/f"),
                        ro,
                        Mode::empty(),
                        Walk::Beneath
                    )
                    .unwrap()
                ),
                "in"
            );
        }
    }

    #[test]
    fn a_grant_root_that_became_a_link_is_refused() {
        let dir = tree("root");
        std::fs::rename(dir.join("root"), dir.join("moved")).unwrap();
        symlink(dir.join("outside"), dir.join("root")).unwrap();
        let e = open_root(&dir.join("root")).unwrap_err();
        assert_eq!(e.raw_os_error(), Some(libc::ELOOP));
    }

    #[test]
    fn resolve_follows_links_as_the_kernel_does_dangling_ones_included() {
        let dir = tree("resolve");
        let r = |p: &str, follow| resolve(&dir.join(p), follow);
        assert_eq!(r("root/rel/f", true), dir.join("root/sub/f"));
        assert_eq!(r("root/up/../root/sub", true), dir.join("root/sub"));
        assert_eq!(r("root/dangling", true), dir.join("outside/new"));
        assert_eq!(r("root/dangling", false), dir.join("root/dangling"));
        assert_eq!(r("root/abs/f", true), dir.join("root/sub/f"));
        assert_eq!(r("root/none/../sub", true), dir.join("root/sub"));
    }
}
