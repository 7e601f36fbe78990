//! The fast request verifier: checks, in one pass with no allocation, a request `Base`
//! of the shape every encoder writes (cmd_id, sync and a request table of scalars,
//! strings and string vectors, the schema's fields per table generated into
//! `msg::REQUEST_FIELDS`). It is never more lenient than the `flatbuffers` verifier: a
//! message it does not accept, of any other shape or broken, goes to that verifier,
//! which then decides (and names what is wrong).
use crate::msg::{
    BASE_SLOTS, REQUEST_BASE_END, REQUEST_CMD_ID_AT, REQUEST_FIELDS, REQUEST_INNER_AT,
    REQUEST_INNER_TYPE_AT, REQUEST_PREFIX, REQUEST_SYNC_AT,
};

/// How a request table's field is laid out.
#[derive(Clone, Copy, Debug)]
pub enum Field {
    /// A scalar (bool, integer, float, enum) of this many bytes.
    Scalar(usize),
    String,
    /// A vector of strings.
    Strings,
}

/// What a verified request's `Base` says, read on the way.
pub struct Head {
    pub cmd_id: u32,
    pub sync: bool,
    /// The inner table's `msg::Any` tag.
    pub tag: u8,
}

/// The head of `buf` if it is a request `Base` that is safe to read unchecked: every
/// offset in bounds and aligned, every string valid UTF-8 and NUL-terminated.
pub fn request(buf: &[u8]) -> Option<Head> {
    let fields = base_fields(buf)?;
    let tag = buf[fields.tag];
    let inner = REQUEST_FIELDS.get((tag as usize).checked_sub(1)?)?;
    let table = offset(buf, fields.inner).and_then(|at| Table::at(buf, at))?;
    let valid = (0..table.slots()).all(|slot| match inner.get(slot) {
        None => table.field(slot, 1) == Some(None), // a field this schema does not know
        Some(Field::Scalar(size)) => table.field(slot, *size).is_some(),
        Some(Field::String) => match table.field(slot, 4) {
            Some(Some(at)) => string(buf, at),
            absent => absent.is_some(),
        },
        Some(Field::Strings) => match table.field(slot, 4) {
            Some(Some(at)) => strings(buf, at),
            absent => absent.is_some(),
        },
    });
    valid.then(|| Head {
        cmd_id: fields
            .cmd_id
            .map_or(0, |at| read_u32(buf, at).unwrap() as u32),
        sync: fields.sync.is_some_and(|at| buf[at] != 0),
        tag,
    })
}

/// Where a request `Base`'s fields lie (cmd_id and sync may be absent: 0 and false).
struct BaseFields {
    cmd_id: Option<usize>,
    sync: Option<usize>,
    tag: usize,
    inner: usize,
}

/// Where the request `Base` in `buf` keeps its fields, if it fills only the request's
/// slots, each inside the table and aligned, and has an inner table.
fn base_fields(buf: &[u8]) -> Option<BaseFields> {
    // The encoders' own Base, recognised by its root offset, vtable and soffset.
    if buf.len() >= REQUEST_BASE_END && buf.starts_with(&REQUEST_PREFIX) {
        return Some(BaseFields {
            cmd_id: Some(REQUEST_CMD_ID_AT),
            sync: Some(REQUEST_SYNC_AT),
            tag: REQUEST_INNER_TYPE_AT,
            inner: REQUEST_INNER_AT,
        });
    }
    let [cmd_id, sync, inner_type, inner] = BASE_SLOTS;
    let base = read_u32(buf, 0).and_then(|at| Table::at(buf, at))?;
    // Only the request's slots may be filled (an error or res in a request is rare:
    // the full verifier takes it).
    for slot in 0..base.slots() {
        let size = match slot {
            s if s == cmd_id || s == inner => 4,
            s if s == sync || s == inner_type => 1,
            _ => 0,
        };
        match base.field(slot, size.max(1))? {
            Some(_) if size == 0 => return None,
            _ => {}
        }
    }
    Some(BaseFields {
        cmd_id: base.field(cmd_id, 4)?,
        sync: base.field(sync, 1)?,
        tag: base.field(inner_type, 1)??,
        inner: base.field(inner, 4)??,
    })
}

/// A table whose vtable and inline bytes lie within the buffer.
struct Table<'a> {
    buf: &'a [u8],
    at: usize,
    vtable: usize,
    vtable_len: usize,
    len: usize,
}

impl<'a> Table<'a> {
    fn at(buf: &'a [u8], at: usize) -> Option<Self> {
        if !at.is_multiple_of(4) {
            return None;
        }
        let vtable = (at as i64).checked_sub(read_u32(buf, at)? as i32 as i64)?;
        let vtable = usize::try_from(vtable)
            .ok()
            .filter(|v| v.is_multiple_of(2))?;
        let vtable_len = read_u16(buf, vtable)? as usize;
        let len = read_u16(buf, vtable + 2)? as usize;
        let fits = |start: usize, n: usize| start.checked_add(n).is_some_and(|e| e <= buf.len());
        (vtable_len >= 4
            && vtable_len.is_multiple_of(2)
            && fits(vtable, vtable_len)
            && len >= 4
            && fits(at, len))
        .then_some(Table {
            buf,
            at,
            vtable,
            vtable_len,
            len,
        })
    }

    fn slots(&self) -> usize {
        (self.vtable_len - 4) / 2
    }

    /// Where field `slot` of `size` bytes lies: Some(None) if absent, None if it is not
    /// wholly inside the table or not aligned to its size.
    fn field(&self, slot: usize, size: usize) -> Option<Option<usize>> {
        let entry = 4 + 2 * slot;
        if entry + 2 > self.vtable_len {
            return Some(None);
        }
        let offset = read_u16(self.buf, self.vtable + entry)? as usize;
        if offset == 0 {
            return Some(None);
        }
        let at = self.at + offset;
        (offset >= 4 && offset + size <= self.len && at.is_multiple_of(size)).then_some(Some(at))
    }
}

fn read_u16(buf: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(
        buf.get(at..at.checked_add(2)?)?.try_into().ok()?,
    ))
}

fn read_u32(buf: &[u8], at: usize) -> Option<usize> {
    Some(u32::from_le_bytes(buf.get(at..at.checked_add(4)?)?.try_into().ok()?) as usize)
}

/// Where the uoffset at `at` points: forward, 4-aligned, inside the buffer.
fn offset(buf: &[u8], at: usize) -> Option<usize> {
    let to = at.checked_add(read_u32(buf, at)?)?;
    (to.is_multiple_of(4) && to < buf.len()).then_some(to)
}

/// A string at the uoffset at `at`: length, UTF-8 bytes, NUL.
fn string(buf: &[u8], at: usize) -> bool {
    let Some(s) = offset(buf, at) else {
        return false;
    };
    let Some(len) = read_u32(buf, s) else {
        return false;
    };
    let start = s + 4;
    match start.checked_add(len) {
        Some(end) if end < buf.len() && buf[end] == 0 => {
            std::str::from_utf8(&buf[start..end]).is_ok()
        }
        _ => false,
    }
}

/// A vector of strings at the uoffset at `at`.
fn strings(buf: &[u8], at: usize) -> bool {
    let Some(v) = offset(buf, at) else {
        return false;
    };
    let Some(n) = read_u32(buf, v) else {
        return false;
    };
    match n.checked_mul(4).and_then(|b| (v + 4).checked_add(b)) {
        Some(end) if end <= buf.len() => (0..n).all(|i| string(buf, v + 4 + 4 * i)),
        _ => false,
    }
}
