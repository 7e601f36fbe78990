//! The resource table: rids are the userland's file descriptors. Each isolate owns one;
//! rids 0, 1 and 2 are stdin, stdout and stderr. An op asks for the kind it needs and
//! gets `BadResource` for a rid that is missing, closed or of another kind. Closing
//! removes the entry; the OS handle goes with it (once no op in flight still uses it).
use std::collections::BTreeMap;
use std::fs::File;
use std::sync::Arc;

use crate::errors::{DenoError, OpResult};
use crate::msg::ErrorKind;

pub type Rid = u32;

pub enum Resource {
    Stdin,
    Stdout,
    Stderr,
    /// Shared with the blocking pool while an async op uses it (`&File` reads,
    /// writes and seeks).
    FsFile(Arc<File>),
}

impl Resource {
    /// The kind's name, as `Deno.resources()` reports it.
    pub fn kind(&self) -> &'static str {
        match self {
            Resource::Stdin => "stdin",
            Resource::Stdout => "stdout",
            Resource::Stderr => "stderr",
            Resource::FsFile(_) => "fsFile",
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

    pub fn close(&mut self, rid: Rid) -> OpResult<()> {
        self.entries
            .remove(&rid)
            .map(drop)
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
