//! Reads schema/msg.fbs (the subset of the FlatBuffers grammar the schema uses) and
//! writes what is mechanical about each op: the Rust `OpCode` enum with its routing
//! mode, the reply-table tag pairing, the fuzz test's field walk, and the TypeScript
//! request stubs. flatc writes the message types themselves.
use std::collections::BTreeMap;
use std::fmt::Write as _;

pub struct Schema {
    /// Members of `union Any` (requests), in schema order.
    pub requests: Vec<String>,
    /// Members of `union AnyRes` (replies), in schema order.
    pub replies: Vec<String>,
    pub tables: BTreeMap<String, Table>,
    /// Enums and their underlying scalar type (`StdioMode` -> `ubyte`).
    pub enums: BTreeMap<String, String>,
}

pub struct Table {
    pub attrs: BTreeMap<String, String>,
    pub fields: Vec<Field>,
}

pub struct Field {
    pub name: String,
    /// The element type for a vector, else the type.
    pub ty: String,
    pub vector: bool,
}

fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.split("//").next().unwrap();
        let mut chars = line.chars().peekable();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                chars.next();
            } else if c.is_alphanumeric() || c == '_' || c == '-' || c == '.' {
                let mut word = String::new();
                while let Some(&c) = chars
                    .peek()
                    .filter(|c| c.is_alphanumeric() || "_-.".contains(**c))
                {
                    word.push(c);
                    chars.next();
                }
                out.push(word);
            } else if c == '"' {
                chars.next();
                let word: String = chars.by_ref().take_while(|&c| c != '"').collect();
                out.push(format!("\"{word}\""));
            } else {
                out.push(c.to_string());
                chars.next();
            }
        }
    }
    out
}

/// Parses the schema; panics (failing the build) on anything it does not understand.
pub fn parse(text: &str) -> Schema {
    let mut toks = tokens(text).into_iter();
    let mut unions: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut tables = BTreeMap::new();
    let mut enums = BTreeMap::new();
    while let Some(kw) = toks.next() {
        let mut next = || toks.next().expect("schema ends early");
        match kw.as_str() {
            "namespace" | "attribute" | "root_type" => while next() != ";" {},
            "enum" => {
                let name = next();
                assert_eq!(next(), ":", "enum {name} needs an underlying type");
                enums.insert(name, next());
                while next() != "}" {}
            }
            "union" => {
                let name = next();
                assert_eq!(next(), "{");
                let mut members = Vec::new();
                loop {
                    match next().as_str() {
                        "}" => break,
                        "," => {}
                        m => members.push(m.to_string()),
                    }
                }
                unions.insert(name, members);
            }
            "table" => {
                let name = next();
                let mut attrs = BTreeMap::new();
                let mut t = next();
                if t == "(" {
                    loop {
                        let key = next();
                        match key.as_str() {
                            ")" => break,
                            "," => continue,
                            _ => {}
                        }
                        let mut value = String::new();
                        t = next();
                        if t == ":" {
                            value = next().trim_matches('"').to_string();
                            t = next();
                        }
                        attrs.insert(key, value);
                        if t == ")" {
                            break;
                        }
                    }
                    t = next();
                }
                assert_eq!(t, "{", "table {name}");
                let mut fields = Vec::new();
                loop {
                    let fname = next();
                    if fname == "}" {
                        break;
                    }
                    assert_eq!(next(), ":", "field {name}.{fname}");
                    let mut ty = next();
                    let vector = ty == "[";
                    if vector {
                        ty = next();
                        assert_eq!(next(), "]");
                    }
                    // Defaults and field attributes do not matter here.
                    while next() != ";" {}
                    fields.push(Field {
                        name: fname,
                        ty,
                        vector,
                    });
                }
                tables.insert(name, Table { attrs, fields });
            }
            other => panic!("schema: unexpected `{other}`"),
        }
    }
    let requests = unions.remove("Any").expect("schema has union Any");
    let replies = unions.remove("AnyRes").expect("schema has union AnyRes");
    for r in &requests {
        let mode = tables[r].attrs.get("op").map(String::as_str);
        assert!(
            matches!(mode, Some("sync" | "async" | "both")),
            "request table {r} needs (op: \"sync\" | \"async\" | \"both\")"
        );
    }
    Schema {
        requests,
        replies,
        tables,
        enums,
    }
}

/// `MyPidRes` -> `my_pid_res`, as flatc names Rust accessors.
pub fn snake(name: &str) -> String {
    words(name, '_', true)
}

/// `MyPidRes` -> `my-pid-res`, as flatc names a table's TypeScript module (`Base64` ->
/// `base64`: no break before digits, unlike Rust's `base_64`).
pub fn kebab(name: &str) -> String {
    words(name, '-', false)
}

fn words(name: &str, sep: char, digits_break: bool) -> String {
    let mut s = String::new();
    let mut prev: Option<char> = None;
    for c in name.chars() {
        let digits_start =
            digits_break && c.is_ascii_digit() && prev.is_some_and(|p| !p.is_ascii_digit());
        if prev.is_some() && (c.is_uppercase() || digits_start) {
            s.push(sep);
        }
        s.push(c.to_ascii_lowercase());
        prev = Some(c);
    }
    s
}

/// `timeout_ms` -> `timeoutMs`, `MyPid` -> `myPid`, as flatc names TypeScript members.
fn camel(name: &str) -> String {
    let mut s = String::new();
    let mut upper = false;
    for (i, c) in name.chars().enumerate() {
        if c == '_' {
            upper = true;
        } else if upper {
            s.push(c.to_ascii_uppercase());
            upper = false;
        } else if i == 0 {
            s.push(c.to_ascii_lowercase());
        } else {
            s.push(c);
        }
    }
    s
}

impl Schema {
    /// The reply table of `request`: its `(reply: "...")`, else `<request>Res` if any.
    fn reply_of(&self, request: &str) -> Option<String> {
        if let Some(named) = self.tables[request].attrs.get("reply") {
            assert!(
                self.replies.contains(named),
                "{request}: its reply {named} is not in union AnyRes"
            );
            return Some(named.clone());
        }
        let res = format!("{request}Res");
        self.replies.contains(&res).then_some(res)
    }

    pub fn rust(&self) -> String {
        let mut s =
            String::from("// Generated by build.rs (build/opgen.rs) from schema/msg.fbs.\n");
        let variants: Vec<&str> = self.requests.iter().map(String::as_str).collect();
        let mode = |r: &str| match self.tables[r].attrs["op"].as_str() {
            "sync" => "Sync",
            "async" => "Async",
            _ => "Both",
        };
        writeln!(
            s,
            "/// Every request of union `Any`, as an enum the op table matches exhaustively.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OpCode {{ {} }}

/// How a request may be called: the schema's `(op: \"...\")`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {{ Sync, Async, Both }}

impl OpCode {{
    pub const ALL: [OpCode; {}] = [{}];

    /// The op a request's union tag names; None for NONE and unknown tags.
    #[inline]
    pub fn from_any(any: Any) -> Option<OpCode> {{
        match any {{ {} _ => None }}
    }}

    /// Its tag in union `Any`.
    pub const fn any(self) -> Any {{
        match self {{ {} }}
    }}

    pub const fn name(self) -> &'static str {{
        match self {{ {} }}
    }}

    pub const fn mode(self) -> Mode {{
        match self {{ {} }}
    }}
}}",
            variants.join(", "),
            variants.len(),
            variants
                .iter()
                .map(|v| format!("OpCode::{v}"))
                .collect::<Vec<_>>()
                .join(", "),
            variants
                .iter()
                .map(|v| format!("Any::{v} => Some(OpCode::{v}),"))
                .collect::<String>(),
            variants
                .iter()
                .map(|v| format!("OpCode::{v} => Any::{v},"))
                .collect::<String>(),
            variants
                .iter()
                .map(|v| format!("OpCode::{v} => {v:?},"))
                .collect::<String>(),
            variants
                .iter()
                .map(|v| format!("OpCode::{v} => Mode::{},", mode(v)))
                .collect::<String>(),
        )
        .unwrap();
        writeln!(
            s,
            "\n/// A request table as a handler gets it from its `Base` (ops/reply.rs `request_table`).
pub trait Request<'a>: Sized {{
    const NAME: &'static str;
    fn from_base(base: &Base<'a>) -> Option<Self>;
}}"
        )
        .unwrap();
        for r in &self.requests {
            writeln!(
                s,
                "impl<'a> Request<'a> for {r}<'a> {{ const NAME: &'static str = {r:?}; \
                 fn from_base(base: &Base<'a>) -> Option<Self> {{ base.inner_as_{}() }} }}",
                snake(r)
            )
            .unwrap();
        }
        let slots = self.base_slots();
        let (cmd, sync, inner_type) = (slots["cmd_id"], slots["sync"], slots["inner"]);
        let inner = inner_type + 1;
        writeln!(
            s,
            "\n/// What the fast request verifier (ops/verify.rs) checks: the `Base` slots a
/// request may fill (cmd_id, sync, inner type, inner), and each request table's fields
/// by union tag - 1.
pub const BASE_SLOTS: [usize; 4] = [{cmd}, {sync}, {inner_type}, {inner}];
pub static REQUEST_FIELDS: [&[crate::ops::verify::Field]; {}] = [{}];",
            self.requests.len(),
            self.requests
                .iter()
                .map(|r| {
                    let kinds: Vec<String> = self.tables[r]
                        .fields
                        .iter()
                        .map(|f| match self.kind(r, f) {
                            Kind::Scalar { size, .. } => format!("Field::Scalar({size})"),
                            Kind::String => "Field::String".into(),
                            Kind::Strings => "Field::Strings".into(),
                        })
                        .collect();
                    format!("&[{}]", kinds.join(", "))
                })
                .collect::<Vec<_>>()
                .join(", ")
        )
        .unwrap();
        let l = self.layout(&self.requests[0]);
        let base = l.cmd_id_at - 4;
        writeln!(
            s,
            "/// How every request the encoders write begins: root offset, Base vtable, the
/// Base's soffset; then its cmd_id, inner table, sync and inner type, to this end.
pub const REQUEST_PREFIX: [u8; {}] = {:?};
pub const REQUEST_CMD_ID_AT: usize = {};
pub const REQUEST_INNER_AT: usize = {};
pub const REQUEST_SYNC_AT: usize = {};
pub const REQUEST_INNER_TYPE_AT: usize = {};
pub const REQUEST_BASE_END: usize = {};",
            base + 4,
            &l.bytes[..base + 4],
            l.cmd_id_at,
            base + 8,
            l.sync_at,
            base + 13,
            base + 16
        )
        .unwrap();
        writeln!(
            s,
            "/// Each request's fixed bytes as its encoder writes them (fields 0), by tag - 1.
#[cfg(test)]
pub static REQUEST_TEMPLATES: [&[u8]; {}] = [{}];",
            self.requests.len(),
            self.requests
                .iter()
                .map(|r| format!("&{:?}", self.layout(r).bytes))
                .collect::<Vec<_>>()
                .join(", ")
        )
        .unwrap();
        s.push_str("use crate::ops::verify::Field;\n");
        s.push_str(&self.rust_scalar_replies());
        s.push_str(
            "\n/// A reply table knows its tag in union `AnyRes`, so a handler names only the table.
pub trait ReplyTable { const TAG: AnyRes; }\n",
        );
        for r in &self.replies {
            writeln!(
                s,
                "impl ReplyTable for {r}<'_> {{ const TAG: AnyRes = AnyRes::{r}; }}"
            )
            .unwrap();
        }
        s.push_str(
            "\n/// Reads every field of every request and reply table the message holds, as a
/// handler could: the fuzz test's walk over what the verifier let through.
#[cfg(test)]
pub fn read_every_field(base: &Base) {
    use std::hint::black_box;
    black_box((base.cmd_id(), base.sync(), base.error_kind(), base.error()));\n",
        );
        let walk = |s: &mut String, union: &str, name: &str| {
            let table = &self.tables[name];
            writeln!(
                s,
                "    if let Some(t) = base.{union}_as_{}() {{",
                snake(name)
            )
            .unwrap();
            for f in &table.fields {
                if f.vector {
                    writeln!(s, "        if let Some(v) = t.{}() {{ for x in v.iter() {{ black_box(x); }} }}", f.name).unwrap();
                } else {
                    writeln!(s, "        black_box(t.{}());", f.name).unwrap();
                }
            }
            s.push_str("        black_box(t);\n    }\n");
        };
        for r in &self.requests {
            walk(&mut s, "inner", r);
        }
        for r in &self.replies {
            walk(&mut s, "res", r);
        }
        s.push_str("}\n");
        s
    }

    /// A scalar type's size, DataView setter and TypeScript type (enums by their own type).
    fn scalar(&self, ty: &str) -> Option<(usize, &'static str, &'static str)> {
        Some(match self.enums.get(ty).map_or(ty, String::as_str) {
            "bool" => (1, "setUint8", "boolean"),
            "byte" | "int8" => (1, "setInt8", "number"),
            "ubyte" | "uint8" => (1, "setUint8", "number"),
            "short" | "int16" => (2, "setInt16", "number"),
            "ushort" | "uint16" => (2, "setUint16", "number"),
            "int" | "int32" => (4, "setInt32", "number"),
            "uint" | "uint32" => (4, "setUint32", "number"),
            "float" | "float32" => (4, "setFloat32", "number"),
            "long" | "int64" => (8, "setBigInt64", "bigint"),
            "ulong" | "uint64" => (8, "setBigUint64", "bigint"),
            "double" | "float64" => (8, "setFloat64", "number"),
            _ => return None,
        })
    }

    /// How each field of a request table is written: scalars at a fixed place in the
    /// table, strings (and vectors of them) after it.
    fn kind(&self, table: &str, f: &Field) -> Kind {
        if f.vector {
            assert_eq!(
                f.ty, "string",
                "{table}.{}: only [string] vectors in requests",
                f.name
            );
            return Kind::Strings;
        }
        if f.ty == "string" {
            return Kind::String;
        }
        let Some((size, setter, ts)) = self.scalar(&f.ty) else {
            panic!(
                "{table}.{}: type {} is not supported in requests",
                f.name, f.ty
            )
        };
        let ts = match self.enums.contains_key(&f.ty) {
            true => format!("msg.{}", f.ty),
            false => ts.to_string(),
        };
        Kind::Scalar { size, setter, ts }
    }

    /// The reply tables of scalars only: Rust writes them straight from a template.
    fn scalar_replies(&self) -> impl Iterator<Item = &String> {
        self.replies.iter().filter(|r| {
            self.tables[*r]
                .fields
                .iter()
                .all(|f| !f.vector && self.scalar(&f.ty).is_some())
        })
    }

    /// Where `Base` keeps each field: its slot (a union takes two: type, then value).
    fn base_slots(&self) -> BTreeMap<&str, usize> {
        let (mut slot, mut found) = (0, BTreeMap::new());
        for f in &self.tables["Base"].fields {
            found.insert(f.name.as_str(), slot);
            slot += if f.ty == "Any" || f.ty == "AnyRes" {
                2
            } else {
                1
            };
        }
        found
    }

    /// The fixed part of a message carrying `table` (a request in `Base.inner`, or a
    /// reply in `Base.res`), front to back: its bytes (zeros where fields go), where
    /// each field of the table lies, and where cmd_id and sync lie.
    pub fn layout(&self, table_name: &str) -> Layout {
        let slots = self.base_slots();
        let (union, tag) = match self.requests.iter().position(|r| r == table_name) {
            Some(i) => ("inner", i + 1),
            None => (
                "res",
                1 + self.replies.iter().position(|r| r == table_name).unwrap(),
            ),
        };
        // A reply is size-prefixed (alignment counts the prefix); then the root offset.
        let prefix = if union == "res" { 4 } else { 0 };
        let mut bytes = vec![0u8; prefix + 4];
        // The Base vtable, then the Base table: soffset, cmd_id, the union's table,
        // sync (a request's only), the union's type.
        let (type_slot, table_slot) = (slots[union], slots[union] + 1);
        let mut base_vt = vec![0u16; 2 + table_slot + 1];
        base_vt[0] = (2 * base_vt.len()) as u16;
        base_vt[1] = 16;
        base_vt[2 + slots["cmd_id"]] = 4;
        base_vt[2 + table_slot] = 8;
        if union == "inner" {
            base_vt[2 + slots["sync"]] = 12;
        }
        base_vt[2 + type_slot] = 13;
        bytes.extend(base_vt.iter().flat_map(|x| x.to_le_bytes()));
        pad(&mut bytes, 4);
        let base = bytes.len();
        bytes.resize(base + 16, 0);
        // The table's vtable, then the table: soffset, then fields largest first.
        let table = &self.tables[table_name];
        let sizes: Vec<usize> = table
            .fields
            .iter()
            .map(|f| match self.scalar(&f.ty) {
                Some((size, ..)) if !f.vector => size,
                _ => 4, // an offset
            })
            .collect();
        let vtable = bytes.len();
        let mut vt = vec![0u16; 2 + sizes.len()];
        let mut order: Vec<usize> = (0..sizes.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(sizes[i]));
        let mut at = 4;
        for &i in &order {
            vt[2 + i] = at as u16;
            at += sizes[i];
        }
        vt[0] = (4 + 2 * sizes.len()) as u16;
        vt[1] = at as u16;
        bytes.extend(vt.iter().flat_map(|x| x.to_le_bytes()));
        pad(&mut bytes, 4);
        if sizes.contains(&8) && bytes.len().is_multiple_of(8) {
            bytes.extend([0; 4]); // 8-byte fields follow the soffset 8-aligned
        }
        let start = bytes.len();
        bytes.resize(start + at, 0);
        pad(&mut bytes, 4);
        let put =
            |bytes: &mut Vec<u8>, at: usize, v: &[u8]| bytes[at..at + v.len()].copy_from_slice(v);
        put(&mut bytes, prefix, &((base - prefix) as u32).to_le_bytes());
        put(
            &mut bytes,
            base,
            &((base - prefix - 4) as i32).to_le_bytes(),
        );
        put(
            &mut bytes,
            base + 8,
            &((start - base - 8) as u32).to_le_bytes(),
        );
        bytes[base + 13] = tag as u8;
        put(&mut bytes, start, &((start - vtable) as i32).to_le_bytes());
        if prefix > 0 {
            let size = (bytes.len() - prefix) as u32;
            put(&mut bytes, 0, &size.to_le_bytes());
        }
        Layout {
            fields: vt[2..].iter().map(|&off| start + off as usize).collect(),
            cmd_id_at: base + 4,
            sync_at: base + 12,
            bytes,
        }
    }

    /// For each reply table of scalars only, its whole reply message as a template
    /// (size-prefixed, cmd_id 0) and where its fields go (ops/reply.rs `scalars`), and
    /// a test that each verifies and reads back as written.
    fn rust_scalar_replies(&self) -> String {
        let mut s = String::new();
        let mut test = String::from(
            "\n/// Every scalar reply, filled from `random`, verifies and reads back as filled.
#[cfg(test)]
pub fn check_scalar_replies(random: &mut dyn FnMut() -> u64) {\n",
        );
        for r in self.scalar_replies() {
            let layout = self.layout(r);
            let template = &layout.bytes;
            let mut fill = String::new();
            let mut args = String::new();
            let mut checks = String::new();
            for (f, at) in self.tables[r].fields.iter().zip(&layout.fields) {
                let (size, ..) = self.scalar(&f.ty).unwrap();
                let (value, random) = match (f.ty.as_str(), self.enums.get(&f.ty)) {
                    ("bool", _) => (format!("self.{} as u8", f.name), "random() & 1 == 1".into()),
                    (_, Some(base)) => {
                        let int = if base == "byte" { "i8" } else { "u8" };
                        (
                            format!("self.{}.0", f.name),
                            format!("{}(random() as {int})", f.ty),
                        )
                    }
                    ("double" | "float64", _) => {
                        (format!("self.{}", f.name), "(random() >> 11) as f64".into())
                    }
                    ("float" | "float32", _) => {
                        (format!("self.{}", f.name), "(random() >> 40) as f32".into())
                    }
                    (ty, _) => (
                        format!("self.{}", f.name),
                        format!("random() as {}", rust_int(ty)),
                    ),
                };
                writeln!(
                    fill,
                    "        reply[{at}..{}].copy_from_slice(&({value}).to_le_bytes());",
                    at + size
                )
                .unwrap();
                write!(args, "{}: {random}, ", f.name).unwrap();
                writeln!(
                    checks,
                    "        assert_eq!(t.{0}(), args.{0}, \"{r}.{0}\");",
                    f.name
                )
                .unwrap();
            }
            writeln!(
                s,
                "impl crate::ops::reply::Scalars for {r}Args {{
    const TAG: AnyRes = AnyRes::{r};
    const TEMPLATE: &'static [u8] = &{template:?};
    fn fill(&self, #[allow(unused)] reply: &mut [u8]) {{\n{fill}    }}\n}}"
            )
            .unwrap();
            writeln!(
                test,
                "    {{
        let args = {r}Args {{ {args}}};
        let mut bytes = [0; MAX_WHOLE_REPLY];
        let len = crate::ops::reply::write_whole(&args, &mut bytes);
        let bytes = &bytes[..len];
        let base = flatbuffers::size_prefixed_root::<Base>(&bytes).expect(\"{r} verifies\");
        #[allow(unused)]
        let t = base.res_as_{}().expect(\"{r}\");
{checks}    }}",
                snake(r)
            )
            .unwrap();
        }
        let cmd_id_at = self.layout(&self.replies[0]).cmd_id_at;
        let max = self
            .scalar_replies()
            .map(|r| self.layout(r).bytes.len())
            .max()
            .unwrap_or(0);
        writeln!(s, "/// The longest whole reply of a table of scalars.\npub const MAX_WHOLE_REPLY: usize = {max};").unwrap();
        writeln!(s, "/// Where every reply keeps its cmd_id (after the size prefix).\npub const REPLY_CMD_ID_AT: usize = {cmd_id_at};").unwrap();
        s + &test + "}\n"
    }

    /// gen/layout.ts: where every request keeps cmd_id and sync.
    pub fn typescript_layout(&self) -> String {
        let l = self.layout(&self.requests[0]);
        let slots = self.base_slots();
        format!(
            "// Generated by build.rs (build/opgen.rs) from schema/msg.fbs: where every request
// message (gen/ops.ts writes them) keeps its Base's cmd_id and sync, and the vtable
// offsets of a reply Base's error kind and result table.
export const CMD_ID_AT = {};
export const SYNC_AT = {};
export const BASE_ERROR_KIND_VT = {};
export const BASE_RES_VT = {};
",
            l.cmd_id_at,
            l.sync_at,
            4 + 2 * slots["error_kind"],
            4 + 2 * (slots["res"] + 1)
        )
    }

    /// gen/ops.ts: per request, an encoder that writes it straight into the reused
    /// request buffer (its fixed bytes precomputed here), and a stub per mode that sends it.
    pub fn typescript(&self) -> String {
        let mut s = String::from(
            "// Generated by build.rs (build/opgen.rs) from schema/msg.fbs. Per request: `encodeX`
// writes the message into the reused request buffer front to back (its vtables and
// fixed bytes precomputed, as the schema is fixed) and returns its length; `xSync` and
// `xAsync` send it. A sync stub returns its reply table read in place (valid until the
// next op), an async one a promise of it.
import * as msg from \"./msg.ts\";
import { sendAsync, sendSync, sendSyncRes, syncRes } from \"../js/dispatch.ts\";
import { begin, putString, putStrings, room, roomAll, syncRequest } from \"../js/request.ts\";
",
        );
        let mut names = Vec::new();
        for r in &self.requests {
            let table = &self.tables[r];
            let layout = self.layout(r);
            let mut params = Vec::new();
            let mut args = Vec::new();
            let mut room = vec![layout.bytes.len().to_string()];
            let mut body = String::new();
            let mut tail = String::new();
            for (f, at) in table.fields.iter().zip(&layout.fields) {
                let name = camel(&f.name);
                args.push(name.clone());
                match self.kind(r, f) {
                    Kind::Scalar { setter, ts, size } => {
                        params.push(format!("{name}: {ts}"));
                        let value = if ts == "boolean" {
                            format!("{name} ? 1 : 0")
                        } else {
                            name
                        };
                        let le = if size > 1 { ", true" } else { "" };
                        writeln!(body, "  v.{setter}({at}, {value}{le});").unwrap();
                    }
                    Kind::String => {
                        params.push(format!("{name}: string"));
                        room.push(format!("room({name})"));
                        writeln!(tail, "  end = putString(v, {at}, end, {name});").unwrap();
                    }
                    Kind::Strings => {
                        params.push(format!("{name}: string[]"));
                        room.push(format!("roomAll({name})"));
                        writeln!(tail, "  end = putStrings(v, {at}, end, {name});").unwrap();
                    }
                }
            }
            let words: Vec<String> = layout
                .bytes
                .chunks(4)
                .enumerate()
                .map(|(i, w)| {
                    let word = u32::from_le_bytes(w.try_into().unwrap());
                    format!("  v.setUint32({}, {word:#x}, true);\n", 4 * i)
                })
                .collect();
            let fixed = layout.bytes.len();
            let end = if tail.is_empty() { "const" } else { "let" };
            writeln!(
                s,
                "\n/** A `{r}` request ({} bytes before its strings). */
export function encode{r}({}): number {{
  const v = begin({});
{}{body}  {end} end = {fixed};
{tail}  return end;
}}",
                layout.bytes.len(),
                params.join(", "),
                room.join(" + "),
                words.concat(),
            )
            .unwrap();
            names.push(r.clone());
            let zero_copy = table.attrs.contains_key("zero_copy");
            if zero_copy {
                params.push("data: ArrayBufferView".into());
            }
            let data = if zero_copy { ", data" } else { "" };
            let encode = format!("encode{r}({})", args.join(", "));
            let reply = self.reply_of(r);
            let ty = reply
                .as_ref()
                .map_or("void".into(), |res| format!("msg.{res}"));
            let lower = camel(r);
            let params = params.join(", ");
            let op = &table.attrs["op"];
            if op != "async" {
                // A request without fields is the same message at every sync call: made
                // once, when the userland loads (into the snapshot).
                let request = if table.fields.is_empty() {
                    writeln!(s, "\nconst {lower}SyncRequest = syncRequest({encode});").unwrap();
                    format!("{lower}SyncRequest")
                } else {
                    encode.clone()
                };
                let send = match &reply {
                    Some(res) => {
                        writeln!(s, "\nconst {lower}Res = new msg.{res}();").unwrap();
                        format!("sendSyncRes({request}{data});\n  return {lower}Res.__init(syncRes.bb_pos, syncRes.bb!)")
                    }
                    None => format!("sendSync({request}{data})"),
                };
                writeln!(
                    s,
                    "\nexport function {lower}Sync({params}): {ty} {{\n  {send};\n}}"
                )
                .unwrap();
            }
            if op != "sync" {
                let holder = reply
                    .as_ref()
                    .map_or("null".into(), |res| format!("new msg.{res}()"));
                writeln!(
                    s,
                    "\nexport function {lower}Async({params}): Promise<{ty}> {{\n  return sendAsync({encode}, {holder}{data});\n}}"
                )
                .unwrap();
            }
        }
        writeln!(
            s,
            "\n/** Every encoder by request name (what `Deno.core.encode` calls). */
// deno-lint-ignore no-explicit-any
export const encoders: Record<string, (...fields: any[]) => number> = {{ {} }};",
            names
                .iter()
                .map(|r| format!("{r}: encode{r}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
        .unwrap();
        s
    }
}

/// How a request field is written (see `Schema::kind`).
enum Kind {
    Scalar {
        size: usize,
        setter: &'static str,
        ts: String,
    },
    String,
    Strings,
}

/// A request message's fixed part (see `Schema::layout`).
pub struct Layout {
    /// (A reply's size prefix,) root offset, Base vtable and table, the table's vtable
    /// and the table: zeros where cmd_id, sync and the table's fields go.
    pub bytes: Vec<u8>,
    /// Where each field of the request table lies, in schema order.
    pub fields: Vec<usize>,
    pub cmd_id_at: usize,
    pub sync_at: usize,
}

fn pad(bytes: &mut Vec<u8>, align: usize) {
    bytes.resize(bytes.len().next_multiple_of(align), 0);
}

/// The Rust integer type of a schema integer type.
fn rust_int(ty: &str) -> &'static str {
    match ty {
        "byte" | "int8" => "i8",
        "ubyte" | "uint8" => "u8",
        "short" | "int16" => "i16",
        "ushort" | "uint16" => "u16",
        "int" | "int32" => "i32",
        "uint" | "uint32" => "u32",
        "long" | "int64" => "i64",
        _ => "u64",
    }
}
