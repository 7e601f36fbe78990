//! What the userland may touch outside the isolate: the `--allow-*` grants, checked in
//! Rust by every op before it acts. A denied op fails with `PermissionDenied` and a
//! message naming the resource as the script gave it and the flag that would allow it.
//! Grants can be revoked for the rest of the run (in the workers started before, too),
//! never regained. There is no prompt.
//!
//! Paths: a grant covers a path and everything below it; grants are resolved (symlinks
//! followed) when made. A check turns the op's path into an `Allowed`: made absolute
//! against the current directory *now* (a later `chdir` does not move it), matched
//! against the grants as written or, if that fails, where its links lead. The op then
//! acts only through `Allowed` (`open`, `entry`), never through the string again, and
//! the kernel keeps every walk below the granted directory (`beneath.rs`): a symlink or
//! `..` that leads out, put there before the check or swapped in after, fails. A link
//! that leads out and back into a grant is followed in user space and the result walked
//! below that grant. Ops that act on a link itself (lstat, readLink, remove, rename,
//! symlink's new path) do not follow the last component, unless the path ends in `/`,
//! `/.` or `/..`: then it names the directory it leads to, as the kernel takes it.
mod beneath;

use std::cell::RefCell;
use std::ffi::OsString;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;

use rustix::fs::{Mode, OFlags, CWD};

use crate::errors::{DenoError, OpResult};
use crate::msg::ErrorKind;
use beneath::Walk;

/// One kind of access: nothing, everything, or a list of scopes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grant<T> {
    None,
    All,
    Some(Vec<T>),
}

/// A `--allow-net` scope: a host, and a port if the grant named one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetScope {
    pub host: String,
    pub port: Option<u16>,
}

/// The grants a run starts with (from the command line or an embedder).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grants {
    pub read: Grant<PathBuf>,
    pub write: Grant<PathBuf>,
    pub net: Grant<NetScope>,
    pub env: Grant<String>,
    pub run: bool,
    pub hrtime: bool,
}

impl Default for Grants {
    /// Nothing: the userland is unprivileged unless told otherwise.
    fn default() -> Self {
        Grants {
            read: Grant::None,
            write: Grant::None,
            net: Grant::None,
            env: Grant::None,
            run: false,
            hrtime: false,
        }
    }
}

impl Grants {
    /// Everything (`--allow-all`).
    pub fn all() -> Self {
        Grants {
            read: Grant::All,
            write: Grant::All,
            net: Grant::All,
            env: Grant::All,
            run: true,
            hrtime: true,
        }
    }

    /// Resolves path grants as checks resolve paths (relative ones against the
    /// current directory).
    fn resolved(mut self) -> Self {
        for grant in [&mut self.read, &mut self.write] {
            if let Grant::Some(paths) = grant {
                for p in paths.iter_mut() {
                    *p = beneath::resolve(&absolute(p), true);
                }
            }
        }
        self
    }
}

impl Grants {
    /// Sets the permission `name` to what `from` grants.
    fn copy(&mut self, name: &str, from: &Grants) -> OpResult<()> {
        match name {
            "read" => self.read = from.read.clone(),
            "write" => self.write = from.write.clone(),
            "net" => self.net = from.net.clone(),
            "env" => self.env = from.env.clone(),
            "run" => self.run = from.run,
            "hrtime" => self.hrtime = from.hrtime,
            _ => return Err(unknown_permission(name)),
        }
        Ok(())
    }

    /// Whether the permission `name` is granted in full.
    fn is_full(&self, name: &str) -> OpResult<bool> {
        Ok(match name {
            "read" => self.read == Grant::All,
            "write" => self.write == Grant::All,
            "net" => self.net == Grant::All,
            "env" => self.env == Grant::All,
            "run" => self.run,
            "hrtime" => self.hrtime,
            _ => return Err(unknown_permission(name)),
        })
    }
}

impl NetScope {
    /// `host`, `host:port` or `[v6]:port`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("invalid --allow-net scope \"{text}\": expected HOST or HOST:PORT");
        let (host, port) = match text.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') || h.ends_with(']') => {
                (h, Some(p.parse::<u16>().map_err(|_| bad())?))
            }
            _ => (text, None),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(bad());
        }
        Ok(NetScope {
            host: host.to_ascii_lowercase(),
            port,
        })
    }
}

/// The permission names, as flags and `Deno.permissions()` spell them.
pub const NAMES: [&str; 6] = ["read", "write", "net", "env", "run", "hrtime"];

/// Positions in `NAMES` (and bits of `Permissions::revoked`).
const NET: usize = 2;
const ENV: usize = 3;
const RUN: usize = 4;
const HRTIME: usize = 5;

/// The isolate's permissions: its grants, narrowed only by revocation (its own, or
/// that of an isolate it was started from).
#[derive(Debug)]
pub struct Permissions {
    grants: RefCell<Grants>,
    /// The read and write grants as checks hand them to the ops (`Allowed`).
    paths: RefCell<[Arc<Grant<PathBuf>>; 2]>,
    /// One bit per name in `NAMES`, set when revoked: this isolate's first, then its
    /// parent's and so up, so that a revocation reaches the workers started before it.
    revoked: Vec<Arc<AtomicU8>>,
}

/// Whether a path check follows a symlink in the last component.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Follow {
    Yes,
    /// The op acts on the link itself.
    No,
}

/// Which path grant a check consults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    Read = 0,
    Write = 1,
}

impl Access {
    fn name(self) -> &'static str {
        NAMES[self as usize]
    }
}

/// A path an op may touch, as its check found it: the only way the op reaches it.
/// Walks start at `base` (a granted directory, or a grant's parent when the path is
/// the grant itself) and stay below it.
#[derive(Clone, Debug)]
pub struct Allowed {
    base: PathBuf,
    /// Below `base`; absolute for an unrestricted grant.
    rel: PathBuf,
    walk: Walk,
    follow: Follow,
    /// The path ends in `/`, `/.` or `/..`: it names the directory it leads to.
    names_dir: bool,
    access: Access,
    /// The path as the op was given it, for messages.
    given: PathBuf,
    /// The grant it was checked against, for a link found to lead out when acting.
    grant: Arc<Grant<PathBuf>>,
}

impl Permissions {
    pub fn new(grants: Grants) -> Self {
        Self::resolved(grants.resolved(), Vec::new())
    }

    /// From grants already resolved; `revoked`: the parent's revocations.
    fn resolved(grants: Grants, mut revoked: Vec<Arc<AtomicU8>>) -> Self {
        revoked.insert(0, Arc::default());
        Permissions {
            paths: RefCell::new([
                Arc::new(grants.read.clone()),
                Arc::new(grants.write.clone()),
            ]),
            grants: RefCell::new(grants),
            revoked,
        }
    }

    /// The grants, as revocations (this isolate's and its parents') leave them.
    pub fn grants(&self) -> Grants {
        let mut grants = self.grants.borrow().clone();
        for (i, name) in NAMES.iter().enumerate() {
            if self.is_revoked(i) {
                let _ = grants.copy(name, &Grants::default());
            }
        }
        grants
    }

    fn is_revoked(&self, index: usize) -> bool {
        self.revoked
            .iter()
            .any(|r| r.load(Ordering::Acquire) & (1 << index) != 0)
    }

    /// Read access to `path`: where the op may then read.
    pub fn check_read(&self, path: &Path, follow: Follow) -> OpResult<Allowed> {
        self.check_path(Access::Read, path, follow)
    }

    pub fn check_write(&self, path: &Path, follow: Follow) -> OpResult<Allowed> {
        self.check_path(Access::Write, path, follow)
    }

    /// Read access to `path`, a denial naming it `shown` (`<CWD>`, `<exec_path>`): a
    /// denied script learns nothing of what the op would have told it.
    pub fn check_read_hidden(&self, path: &Path, shown: &str) -> OpResult<Allowed> {
        self.check_read(path, Follow::Yes)
            .map_err(|_| denied("read", shown))
    }

    fn check_path(&self, access: Access, path: &Path, follow: Follow) -> OpResult<Allowed> {
        let grant = match self.is_revoked(access as usize) {
            true => Arc::new(Grant::None),
            false => self.paths.borrow()[access as usize].clone(),
        };
        let names_dir = names_dir(path);
        let allowed = Allowed {
            base: PathBuf::from("/"),
            rel: absolute(path),
            walk: Walk::Anywhere,
            follow: if names_dir { Follow::Yes } else { follow },
            names_dir,
            access,
            given: path.to_path_buf(),
            grant,
        };
        match &*allowed.grant {
            Grant::All => Ok(allowed),
            // A denial without scopes to compare against costs no syscall.
            Grant::None => Err(allowed.denied_error()),
            Grant::Some(_) => {
                let abs = allowed.rel.clone();
                let lexical = !abs.components().any(|c| c == Component::ParentDir);
                match lexical.then(|| allowed.below(&abs)).flatten() {
                    Some(a) => Ok(a),
                    None => allowed
                        .below(&beneath::resolve(&abs, allowed.follow == Follow::Yes))
                        .ok_or_else(|| allowed.denied_error()),
                }
            }
        }
    }

    /// Access to `host` (any port when `port` is None, as for a DNS lookup).
    pub fn check_net(&self, host: &str, port: Option<u16>) -> OpResult<()> {
        let allowed = self.net_grants(host, |p| p.is_none() || port.is_none() || p == port);
        allowed
            .then_some(())
            .ok_or_else(|| denied("net", &format!("\"{}\"", net_name(host, port))))
    }

    /// Whether `scope` (a worker's) is within this isolate's net grant: a scope
    /// without a port needs a grant of every port.
    fn covers_net(&self, scope: &NetScope) -> bool {
        self.net_grants(&scope.host, |p| p.is_none() || p == scope.port)
    }

    /// Whether a net scope for `host` whose port passes `port_ok` is granted.
    fn net_grants(&self, host: &str, port_ok: impl Fn(Option<u16>) -> bool) -> bool {
        !self.is_revoked(NET)
            && match &self.grants.borrow().net {
                Grant::All => true,
                Grant::None => false,
                Grant::Some(scopes) => scopes
                    .iter()
                    .any(|s| s.host.eq_ignore_ascii_case(host) && port_ok(s.port)),
            }
    }

    /// Loading module `url` at run time (a dynamic import, a worker, their static
    /// imports): the scheme decides. `file:` is read access to the file, `http:` and
    /// `https:` net access to the host and port (whatever the host); no other scheme
    /// loads.
    pub fn check_import(&self, url: &url::Url) -> OpResult<minideno_loader::fetch::Opened> {
        match url.scheme() {
            "file" => {
                let path = url.to_file_path().map_err(|_| {
                    DenoError::new(
                        ErrorKind::InvalidUri,
                        format!("\"{url}\" does not name a local file"),
                    )
                })?;
                // Opened here, beneath the grant: the loader reads what was checked.
                let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC;
                match self.check_read(&path, Follow::Yes)?.open(flags, 0) {
                    Err(e) if is_denial(&e) => {
                        Err(DenoError::new(ErrorKind::PermissionDenied, e.to_string()))
                    }
                    opened => Ok(Some(opened.map(std::fs::File::from))),
                }
            }
            "http" | "https" => {
                let host = url.host_str().unwrap_or_default();
                let host = host.trim_start_matches('[').trim_end_matches(']');
                self.check_net(host, url.port_or_known_default())
                    .map(|()| None)
            }
            scheme => Err(DenoError::new(
                ErrorKind::PermissionDenied,
                format!("Modules are not loaded from \"{scheme}:\" URLs (\"{url}\")"),
            )),
        }
    }

    /// Access to the environment variable `name`; None: the whole environment.
    pub fn check_env(&self, name: Option<&str>) -> OpResult<()> {
        let allowed = !self.is_revoked(ENV)
            && match (&self.grants.borrow().env, name) {
                (Grant::All, _) => true,
                (Grant::Some(names), Some(name)) => names.iter().any(|n| n == name),
                _ => false,
            };
        allowed.then_some(()).ok_or_else(|| match name {
            Some(name) => denied("env", &format!("\"{name}\"")),
            None => denied("env", "the whole environment"),
        })
    }

    /// Whether the clock may be read at full precision (`--allow-hrtime`).
    pub fn allows_hrtime(&self) -> bool {
        !self.is_revoked(HRTIME) && self.grants.borrow().hrtime
    }

    pub fn check_run(&self, program: &str) -> OpResult<()> {
        let allowed = !self.is_revoked(RUN) && self.grants.borrow().run;
        allowed
            .then_some(())
            .ok_or_else(|| denied("run", &format!("\"{program}\"")))
    }

    /// A worker's permissions. `flags` None: this isolate's grants; else as `flags`
    /// name them ("read", "read=/tmp,/srv", "net=localhost:8000", "run";
    /// "NAME=inherit" for this isolate's grant), a permission not named denied, each
    /// within this isolate's grants. Paths are resolved once, here: the worker gets
    /// where they led when checked. Revocations here reach the worker.
    pub fn for_worker(&self, flags: Option<&[&str]>) -> OpResult<Permissions> {
        match flags {
            None => Ok(self.snapshot()),
            Some(flags) => Ok(Self::resolved(self.narrowed(flags)?, self.revoked.clone())),
        }
    }

    /// These grants as they are now, for another thread (a worker, a dynamic import's
    /// loader); a revocation here reaches the copy.
    pub fn snapshot(&self) -> Permissions {
        Self::resolved(self.grants(), self.revoked.clone())
    }

    fn narrowed(&self, flags: &[&str]) -> OpResult<Grants> {
        let mine = self.grants();
        let mut theirs = Grants::default();
        for flag in flags {
            let (name, list) = match flag.split_once('=') {
                Some((name, list)) => (name, Some(list)),
                None => (*flag, None),
            };
            let items = list.into_iter().flat_map(|l| l.split(','));
            let wider = |what: &str| {
                DenoError::new(
                    ErrorKind::PermissionDenied,
                    format!(
                        "Can't escalate parent thread permissions: {name} {what} is not granted"
                    ),
                )
            };
            match (name, list) {
                (_, Some("inherit")) => theirs.copy(name, &mine)?,
                (_, None) if mine.is_full(name)? => theirs.copy(name, &mine)?,
                (_, None) => return Err(wider("(all of it)")),
                ("read" | "write", Some(_)) => {
                    let access = if name == "read" {
                        Access::Read
                    } else {
                        Access::Write
                    };
                    let paths = items
                        .map(|path| {
                            self.check_path(access, Path::new(path), Follow::Yes)
                                .ok()
                                .and_then(|a| a.leads_to())
                                .ok_or_else(|| wider(&format!("access to {path:?}")))
                        })
                        .collect::<OpResult<Vec<PathBuf>>>()?;
                    *if name == "read" {
                        &mut theirs.read
                    } else {
                        &mut theirs.write
                    } = Grant::Some(paths);
                }
                ("net", Some(_)) => {
                    let scopes = items
                        .map(NetScope::parse)
                        .collect::<Result<Vec<_>, _>>()
                        .map_err(DenoError::invalid)?;
                    for s in &scopes {
                        if !self.covers_net(s) {
                            let what = net_name(&s.host, s.port);
                            return Err(wider(&format!("access to \"{what}\"")));
                        }
                    }
                    theirs.net = Grant::Some(scopes);
                }
                ("env", Some(_)) => {
                    let names: Vec<String> = items.map(String::from).collect();
                    for n in &names {
                        self.check_env(Some(n))
                            .map_err(|_| wider(&format!("access to \"{n}\"")))?;
                    }
                    theirs.env = Grant::Some(names);
                }
                ("run" | "hrtime", Some(_)) => {
                    return Err(DenoError::new(
                        ErrorKind::InvalidInput,
                        format!("the {name} permission takes no list"),
                    ))
                }
                _ => return Err(unknown_permission(name)),
            }
        }
        Ok(theirs)
    }

    /// Drops the grant `name` for the rest of the run, here and in this isolate's
    /// workers.
    pub fn revoke(&self, name: &str) -> OpResult<()> {
        self.grants.borrow_mut().copy(name, &Grants::default())?;
        let index = NAMES.iter().position(|n| *n == name).unwrap_or_default();
        self.revoked[0].fetch_or(1 << index, Ordering::AcqRel);
        let mut paths = self.paths.borrow_mut();
        if let Some(grant) = paths.get_mut(index) {
            *grant = Arc::new(Grant::None);
        }
        Ok(())
    }
}

impl Allowed {
    /// The path as the op was given it.
    pub fn given(&self) -> &Path {
        &self.given
    }

    /// Opens it (`O_PATH` to stat or chmod it; `O_NOFOLLOW` is added for an op on a
    /// link itself). EXDEV from a walk that led out of the grant is a denial.
    pub fn open(&self, flags: OFlags, mode: u32) -> io::Result<OwnedFd> {
        let flags = match self.follow {
            Follow::No => flags | OFlags::NOFOLLOW,
            Follow::Yes => flags,
        };
        let mode = Mode::from_raw_mode(mode);
        let open = |a: &Allowed| match a.walk {
            Walk::Anywhere => beneath::open(CWD, &a.rel, flags, mode, a.walk),
            _ => {
                // A link where the grant's directory was: swapped in after the grant.
                let root = beneath::open_root(&a.base).map_err(|e| match e.raw_os_error() {
                    Some(libc::ELOOP) => a.denied(),
                    _ => e,
                })?;
                beneath::open(root.as_fd(), &a.rel, flags, mode, a.walk)
            }
        };
        match open(self) {
            Err(e) if e.raw_os_error() == Some(libc::EXDEV) => {
                open(&self.relinked()?).map_err(|e| match e.raw_os_error() == Some(libc::EXDEV) {
                    true => self.denied(),
                    false => e,
                })
            }
            r => r,
        }
    }

    /// The directory that holds it, opened (`O_PATH`), and its name there: for the
    /// `*at` syscalls of ops on a directory entry (remove, rename, link, mkdir, ...).
    pub fn entry(&self) -> io::Result<(OwnedFd, OsString)> {
        let target = match self.names_dir {
            true => self.relinked()?,
            false => self.clone(),
        };
        let (parent, name) = match (target.rel.parent(), target.rel.file_name()) {
            (Some(parent), Some(name)) => (parent.to_path_buf(), name.to_os_string()),
            // The grant's directory itself (`base` is then its parent): "/" has none.
            _ => return Err(io::Error::from_raw_os_error(libc::EBUSY)),
        };
        let dir = Allowed {
            rel: parent,
            follow: Follow::Yes,
            names_dir: false,
            ..target
        };
        Ok((dir.open(OFlags::PATH | OFlags::DIRECTORY, 0)?, name))
    }

    /// The directory it is in, as a check of its own (None at "/").
    pub fn parent(&self) -> Option<Allowed> {
        self.at(self.full().parent()?.to_path_buf(), Follow::Yes)
    }

    /// Entry `name` of it (a directory), as a check of its own.
    pub fn join(&self, name: &str) -> io::Result<Allowed> {
        self.at(self.full().join(name), Follow::Yes)
            .ok_or_else(|| self.denied())
    }

    /// This grant's check for `full` (absolute, without `..`), if the grant holds it.
    fn at(&self, full: PathBuf, follow: Follow) -> Option<Allowed> {
        let a = Allowed {
            follow,
            names_dir: false,
            ..self.clone()
        };
        match self.walk {
            Walk::Anywhere => Some(Allowed { rel: full, ..a }),
            _ => a.below(&full),
        }
    }

    /// The path it names, from the root.
    fn full(&self) -> PathBuf {
        match self.walk {
            Walk::Anywhere => self.rel.clone(),
            _ if self.rel.as_os_str().is_empty() => self.base.clone(),
            _ => self.base.join(&self.rel),
        }
    }

    /// Where it leads, resolved in user space, as an `Allowed` below the grant it is
    /// in (walked again by the kernel, so a link swapped in meanwhile still fails).
    fn relinked(&self) -> io::Result<Allowed> {
        let real = beneath::resolve(&self.full(), self.follow == Follow::Yes);
        self.at(real, self.follow).ok_or_else(|| self.denied())
    }

    /// The real path it leads to, if that is within the grant (a worker's grant).
    fn leads_to(&self) -> Option<PathBuf> {
        Some(self.relinked().ok()?.full())
    }

    /// This check for `path` (absolute, without `..`) if a scope of the grant holds it.
    fn below(&self, path: &Path) -> Option<Allowed> {
        let Grant::Some(scopes) = &*self.grant else {
            return None;
        };
        let scope = scopes.iter().find(|s| path.starts_with(s))?;
        let rel = path.strip_prefix(scope).ok()?.to_path_buf();
        let (base, rel, walk) = match (
            rel.as_os_str().is_empty(),
            scope.parent(),
            scope.file_name(),
        ) {
            // The grant itself (a file, or a directory an op acts on): found from its
            // parent, with no link allowed, as the grant was resolved.
            (true, Some(parent), Some(name)) => {
                (parent.to_path_buf(), PathBuf::from(name), Walk::NoLinks)
            }
            _ => (scope.clone(), rel, Walk::Beneath),
        };
        Some(Allowed {
            base,
            rel,
            walk,
            names_dir: self.names_dir,
            ..self.clone()
        })
    }

    fn denied_error(&self) -> DenoError {
        denied(self.access.name(), &format!("{:?}", self.given))
    }

    /// The denial as an io::Error, for an op to return as it returns its own (ops
    /// pass it on without their context: `is_denial`).
    fn denied(&self) -> io::Error {
        io::Error::new(
            io::ErrorKind::PermissionDenied,
            Denial(self.denied_error().msg),
        )
    }
}

/// A denial found while acting (a link that leads out of the grant).
#[derive(Debug)]
struct Denial(String);

impl std::fmt::Display for Denial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Denial {}

/// Whether `e` is a denial from `Allowed` (its message is complete as it is).
pub fn is_denial(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|e| e.is::<Denial>())
}

fn unknown_permission(name: &str) -> DenoError {
    DenoError::new(
        ErrorKind::InvalidInput,
        format!(
            "unknown permission \"{name}\" (expected one of {})",
            NAMES.join(", ")
        ),
    )
}

fn denied(name: &str, what: &str) -> DenoError {
    DenoError::new(
        ErrorKind::PermissionDenied,
        format!("Requires {name} access to {what}, run again with the --allow-{name} flag"),
    )
}

fn net_name(host: &str, port: Option<u16>) -> String {
    match port {
        Some(port) if host.contains(':') => format!("[{host}]:{port}"),
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// Whether `path` ends in `/`, `/.` or `/..` (or is `.` or `..`): it names the
/// directory it leads to, even where an op would act on a link itself.
fn names_dir(path: &Path) -> bool {
    let bytes = path.as_os_str().as_bytes();
    bytes.ends_with(b"/")
        || [&b"."[..], b".."]
            .iter()
            .any(|end| bytes == *end || bytes.ends_with(&[b"/", *end].concat()))
}

/// `path` against the current directory, `..` kept (the walk resolves it).
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scoped(read: &[&Path]) -> Permissions {
        Permissions::new(Grants {
            read: Grant::Some(read.iter().map(|p| p.to_path_buf()).collect()),
            ..Grants::default()
        })
    }

    fn tempdir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("minideno-perm-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("granted/sub")).unwrap();
        std::fs::create_dir_all(dir.join("outside")).unwrap();
        dir
    }

    #[test]
    fn nothing_is_granted_by_default_and_the_message_names_the_flag() {
        let p = Permissions::new(Grants::default());
        let e = p
            .check_read(Path::new("/etc/passwd"), Follow::Yes)
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::PermissionDenied);
        assert_eq!(
            e.msg,
            "Requires read access to \"/etc/passwd\", run again with the --allow-read flag"
        );
        assert!(p.check_net("example.com", Some(80)).is_err());
        assert!(p.check_env(Some("HOME")).is_err());
        assert!(p.check_run("ls").is_err());
    }

    #[test]
    fn a_path_grant_covers_what_is_below_it_and_nothing_else() {
        let dir = tempdir("below");
        let p = scoped(&[&dir.join("granted")]);
        assert!(p.check_read(&dir.join("granted"), Follow::Yes).is_ok());
        assert!(p
            .check_read(&dir.join("granted/sub/new.txt"), Follow::Yes)
            .is_ok());
        assert!(p
            .check_read(&dir.join("granted/a/b/c"), Follow::Yes)
            .is_ok());
        assert!(p.check_read(&dir.join("outside"), Follow::Yes).is_err());
        // A sibling sharing the prefix as a string is not below the grant.
        std::fs::create_dir_all(dir.join("granted2")).unwrap();
        assert!(p.check_read(&dir.join("granted2"), Follow::Yes).is_err());
    }

    /// Whether an op may reach `path`: checked, then opened (a missing file is not a
    /// denial).
    fn reaches(p: &Permissions, path: &Path, follow: Follow) -> bool {
        match p.check_read(path, follow) {
            Err(_) => false,
            Ok(a) => match a.open(OFlags::PATH, 0) {
                Err(e) => !is_denial(&e),
                Ok(_) => true,
            },
        }
    }

    #[test]
    fn dot_dot_and_symlinks_do_not_escape_a_grant() {
        let dir = tempdir("escape");
        let p = scoped(&[&dir.join("granted")]);
        let e = p
            .check_read(&dir.join("granted/../outside/x"), Follow::Yes)
            .unwrap_err();
        // The denial names the path as it was given.
        let shown = dir.join("granted/../outside/x");
        assert!(e.msg.contains(&*shown.to_string_lossy()), "{}", e.msg);
        assert!(reaches(&p, &dir.join("granted/sub/../x"), Follow::Yes));

        std::os::unix::fs::symlink(dir.join("outside"), dir.join("granted/link")).unwrap();
        assert!(!reaches(&p, &dir.join("granted/link"), Follow::Yes));
        assert!(!reaches(&p, &dir.join("granted/link/x"), Follow::Yes));
        // `..` after a symlink goes where the kernel goes: up from its target.
        assert!(reaches(
            &p,
            &dir.join("granted/link/../granted"),
            Follow::Yes
        ));
        assert!(!reaches(
            &p,
            &dir.join("granted/link/../outside"),
            Follow::Yes
        ));
        // The link itself (lstat, readLink, remove) lies inside the grant, unless the
        // path ends in `/` or `/.`: then it names the directory the link leads to.
        assert!(reaches(&p, &dir.join("granted/link"), Follow::No));
        for named in ["granted/link/", "granted/link/.", "granted/link/x/.."] {
            assert!(!reaches(&p, &dir.join(named), Follow::No), "{named}");
        }
        // A link from outside into the grant leads inside.
        std::os::unix::fs::symlink(dir.join("granted/sub"), dir.join("outside/in")).unwrap();
        assert!(reaches(&p, &dir.join("outside/in"), Follow::Yes));
        assert!(!reaches(&p, &dir.join("outside/in"), Follow::No));
    }

    #[test]
    fn relative_paths_and_grants_are_taken_from_the_current_directory() {
        let cwd = std::env::current_dir().unwrap();
        let p = scoped(&[Path::new("src")]);
        assert!(p.check_read(Path::new("src/lib.rs"), Follow::Yes).is_ok());
        assert!(p.check_read(&cwd.join("src/main.rs"), Follow::Yes).is_ok());
        assert!(p.check_read(Path::new("Cargo.toml"), Follow::Yes).is_err());
    }

    #[test]
    fn net_scopes_match_host_and_port() {
        let p = Permissions::new(Grants {
            net: Grant::Some(vec![
                NetScope::parse("example.com:443").unwrap(),
                NetScope::parse("127.0.0.1").unwrap(),
            ]),
            ..Grants::default()
        });
        assert!(p.check_net("example.com", Some(443)).is_ok());
        assert!(p.check_net("EXAMPLE.com", None).is_ok());
        let e = p.check_net("example.com", Some(80)).unwrap_err();
        assert_eq!(
            e.msg,
            "Requires net access to \"example.com:80\", run again with the --allow-net flag"
        );
        assert!(p.check_net("127.0.0.1", Some(1)).is_ok());
        assert!(p.check_net("example.org", None).is_err());
        assert_eq!(NetScope::parse("[::1]:8000").unwrap().host, "::1");
        assert!(NetScope::parse("host:port").is_err());
        assert!(NetScope::parse(":80").is_err());
    }

    #[test]
    fn a_worker_scope_is_never_wider_than_its_parents() {
        let p = Permissions::new(Grants {
            net: Grant::Some(vec![NetScope::parse("127.0.0.1:9000").unwrap()]),
            ..Grants::default()
        });
        let e = p.for_worker(Some(&["net=127.0.0.1"])).unwrap_err();
        assert_eq!(e.kind, ErrorKind::PermissionDenied);
        assert!(e.msg.contains("\"127.0.0.1\""), "{}", e.msg);
        let w = p.for_worker(Some(&["net=127.0.0.1:9000"])).unwrap();
        assert!(w.check_net("127.0.0.1", Some(9000)).is_ok());
        assert!(w.check_net("127.0.0.1", Some(9001)).is_err());
        // A revocation in the parent reaches the worker; the worker's own does not
        // reach the parent.
        let w2 = p.for_worker(None).unwrap();
        w2.revoke("env").unwrap();
        p.revoke("net").unwrap();
        assert!(w.check_net("127.0.0.1", Some(9000)).is_err());
        assert_eq!(w.grants().net, Grant::None);
        assert!(p.for_worker(Some(&["net=127.0.0.1:9000"])).is_err());
    }

    #[test]
    fn imports_are_checked_by_scheme() {
        let p = Permissions::new(Grants {
            read: Grant::All,
            ..Grants::default()
        });
        let url = |u: &str| url::Url::parse(u).unwrap();
        assert!(p.check_import(&url("file:///etc/hostname")).is_ok());
        let e = p
            .check_import(&url("http://localhost:4545/x.ts"))
            .unwrap_err();
        assert!(
            e.msg.contains("net access to \"localhost:4545\""),
            "{}",
            e.msg
        );
        assert!(p.check_import(&url("file://example.com/x.ts")).is_err());
        assert!(p.check_import(&url("data:text/javascript,1")).is_err());
    }

    #[test]
    fn env_scopes_name_variables_and_a_revoked_grant_is_gone() {
        let p = Permissions::new(Grants {
            env: Grant::Some(vec!["HOME".into()]),
            ..Grants::all()
        });
        assert!(p.check_env(Some("HOME")).is_ok());
        assert!(p.check_env(Some("PATH")).is_err());
        assert!(p.check_env(None).is_err());
        assert!(p.check_run("ls").is_ok());
        p.revoke("run").unwrap();
        p.revoke("env").unwrap();
        assert!(p.check_run("ls").is_err());
        assert!(p.check_env(Some("HOME")).is_err());
        assert_eq!(p.revoke("disk").unwrap_err().kind, ErrorKind::InvalidInput);
    }
}
