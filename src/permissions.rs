//! What the userland may touch outside the isolate: the `--allow-*` grants, checked in
//! Rust by every op before it acts. A denied op fails with `PermissionDenied` and a
//! message naming the resource and the flag that would allow it. Grants can be
//! revoked for the rest of the run, never regained. There is no prompt.
//!
//! Paths: a grant covers a path and everything below it. The checked path is made
//! absolute (against the current directory) and resolved as the kernel will resolve
//! it: the deepest part of it that exists goes through `realpath` (so symlinks and the
//! `..` after them are followed), the rest is normalized lexically. Grants are
//! resolved the same way when made. So `granted/../x` and a symlink in a granted
//! directory that points out of it are both checked where they really lead. Ops that
//! act on a link itself (lstat, readLink, remove, rename, symlink's new path) resolve
//! only its parent directory.
use std::cell::RefCell;
use std::path::{Component, Path, PathBuf};

use crate::errors::{DenoError, OpResult};
use crate::msg::ErrorKind;

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
                    *p = resolve(&absolute(p), true);
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

/// The isolate's permissions: its grants, narrowed only by revocation.
#[derive(Debug)]
pub struct Permissions {
    grants: RefCell<Grants>,
}

/// Whether a path check follows a symlink in the last component.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Follow {
    Yes,
    /// The op acts on the link itself.
    No,
}

impl Permissions {
    pub fn new(grants: Grants) -> Self {
        Permissions {
            grants: RefCell::new(grants.resolved()),
        }
    }

    pub fn grants(&self) -> Grants {
        self.grants.borrow().clone()
    }

    pub fn check_read(&self, path: &Path, follow: Follow) -> OpResult<()> {
        check_path(&self.grants.borrow().read, "read", path, follow)
    }

    pub fn check_write(&self, path: &Path, follow: Follow) -> OpResult<()> {
        check_path(&self.grants.borrow().write, "write", path, follow)
    }

    /// Access to `host` (any port when `port` is None, as for a DNS lookup).
    pub fn check_net(&self, host: &str, port: Option<u16>) -> OpResult<()> {
        let allowed = match &self.grants.borrow().net {
            Grant::All => true,
            Grant::None => false,
            Grant::Some(scopes) => scopes.iter().any(|s| {
                s.host.eq_ignore_ascii_case(host)
                    && (s.port.is_none() || port.is_none() || s.port == port)
            }),
        };
        let what = match port {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        };
        allowed
            .then_some(())
            .ok_or_else(|| denied("net", &format!("\"{what}\"")))
    }

    /// Loading module `url` at run time (a dynamic import, a worker): read access to a
    /// file, net access to a remote module's host and port.
    pub fn check_import(&self, url: &url::Url) -> OpResult<()> {
        match url.to_file_path() {
            Ok(path) => self.check_read(&path, Follow::Yes),
            Err(_) => self.check_net(url.host_str().unwrap_or(""), url.port_or_known_default()),
        }
    }

    /// Access to the environment variable `name`; None: the whole environment.
    pub fn check_env(&self, name: Option<&str>) -> OpResult<()> {
        let allowed = match (&self.grants.borrow().env, name) {
            (Grant::All, _) => true,
            (Grant::Some(names), Some(name)) => names.iter().any(|n| n == name),
            _ => false,
        };
        allowed.then_some(()).ok_or_else(|| match name {
            Some(name) => denied("env", &format!("\"{name}\"")),
            None => denied("env", "the whole environment"),
        })
    }

    pub fn check_run(&self, program: &str) -> OpResult<()> {
        let allowed = self.grants.borrow().run;
        allowed
            .then_some(())
            .ok_or_else(|| denied("run", &format!("\"{program}\"")))
    }

    /// A worker's grants, as `flags` name them ("read", "read=/tmp,/srv",
    /// "net=localhost:8000", "run"; "NAME=inherit" for this isolate's grant); a
    /// permission not named is denied. Each must be within this isolate's grants.
    pub fn narrowed(&self, flags: &[&str]) -> OpResult<Grants> {
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
                    let paths: Vec<PathBuf> = items.map(PathBuf::from).collect();
                    for path in &paths {
                        let granted = match name {
                            "read" => self.check_read(path, Follow::Yes),
                            _ => self.check_write(path, Follow::Yes),
                        };
                        granted.map_err(|_| wider(&format!("access to {path:?}")))?;
                    }
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
                        .map_err(|e| DenoError::new(ErrorKind::InvalidInput, e))?;
                    for s in &scopes {
                        let port = s.port.map(|p| format!(":{p}")).unwrap_or_default();
                        self.check_net(&s.host, s.port)
                            .map_err(|_| wider(&format!("access to \"{}{port}\"", s.host)))?;
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

    /// Drops the grant `name` for the rest of the run.
    pub fn revoke(&self, name: &str) -> OpResult<()> {
        self.grants.borrow_mut().copy(name, &Grants::default())
    }
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

fn check_path(grant: &Grant<PathBuf>, name: &str, path: &Path, follow: Follow) -> OpResult<()> {
    let scopes = match grant {
        Grant::All => return Ok(()),
        Grant::Some(scopes) => scopes,
        Grant::None => &Vec::new(),
    };
    let path = absolute(path);
    // A denial without scopes to compare against costs no syscall (but getcwd for a
    // relative path).
    if !scopes.is_empty() {
        let real = resolve(&path, follow == Follow::Yes);
        if scopes.iter().any(|scope| real.starts_with(scope)) {
            return Ok(());
        }
    }
    Err(denied(name, &format!("{:?}", normalize(&path))))
}

fn denied(name: &str, what: &str) -> DenoError {
    DenoError::new(
        ErrorKind::PermissionDenied,
        format!("Requires {name} access to {what}, run again with the --allow-{name} flag"),
    )
}

/// `path` against the current directory, `..` kept (it is resolved later).
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// `path` (absolute) without `.` and `..` components, lexically.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// Where `path` (absolute) leads: its deepest existing ancestor through realpath (the
/// last component only if `follow_last`), the rest lexically.
fn resolve(path: &Path, follow_last: bool) -> PathBuf {
    let (dir, last) = match (follow_last, path.file_name()) {
        (false, Some(name)) => (path.parent().unwrap_or(path), Some(name)),
        _ => (path, None),
    };
    let mut rest = Vec::new();
    let mut real = None;
    for ancestor in dir.ancestors() {
        if let Ok(r) = std::fs::canonicalize(ancestor) {
            real = Some(r);
            break;
        }
        rest.push(
            ancestor
                .file_name()
                .map(PathBuf::from)
                .unwrap_or_else(|| "..".into()),
        );
    }
    let mut out = real.unwrap_or_else(|| PathBuf::from("/"));
    for part in rest
        .iter()
        .rev()
        .map(PathBuf::as_path)
        .chain(last.map(Path::new))
    {
        out.push(part);
    }
    normalize(&out)
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

    #[test]
    fn dot_dot_and_symlinks_do_not_escape_a_grant() {
        let dir = tempdir("escape");
        let p = scoped(&[&dir.join("granted")]);
        let e = p
            .check_read(&dir.join("granted/../outside/x"), Follow::Yes)
            .unwrap_err();
        let shown = dir.join("outside/x");
        assert!(e.msg.contains(&*shown.to_string_lossy()), "{}", e.msg);
        assert!(p
            .check_read(&dir.join("granted/sub/../x"), Follow::Yes)
            .is_ok());

        std::os::unix::fs::symlink(dir.join("outside"), dir.join("granted/link")).unwrap();
        assert!(p
            .check_read(&dir.join("granted/link"), Follow::Yes)
            .is_err());
        assert!(p
            .check_read(&dir.join("granted/link/x"), Follow::Yes)
            .is_err());
        // `..` after a symlink goes where the kernel goes: up from its target.
        assert!(p
            .check_read(&dir.join("granted/link/../granted"), Follow::Yes)
            .is_ok());
        assert!(p
            .check_read(&dir.join("granted/link/../outside"), Follow::Yes)
            .is_err());
        // The link itself (lstat, readLink, remove) lies inside the grant.
        assert!(p.check_read(&dir.join("granted/link"), Follow::No).is_ok());
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
