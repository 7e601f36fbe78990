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
    while let Some(kw) = toks.next() {
        let mut next = || toks.next().expect("schema ends early");
        match kw.as_str() {
            "namespace" | "attribute" | "root_type" => while next() != ";" {},
            "enum" => while next() != "}" {},
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
    }
}

/// `MyPidRes` -> `my_pid_res`, as flatc names Rust accessors.
pub fn snake(name: &str) -> String {
    let mut s = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            s.push('_');
        }
        s.push(c.to_ascii_lowercase());
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
                .map(|v| format!("OpCode::{v} => {v:?},"))
                .collect::<String>(),
            variants
                .iter()
                .map(|v| format!("OpCode::{v} => Mode::{},", mode(v)))
                .collect::<String>(),
        )
        .unwrap();
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

    pub fn typescript(&self) -> String {
        let mut s = String::from(
            "// Generated by build.rs (build/opgen.rs) from schema/msg.fbs: one stub per request and
// mode. Each builds its request in the shared builder and sends it; a sync stub returns
// its reply table read in place (valid until the next op), an async one a promise of it.
import * as msg from \"./msg.ts\";
import { sendAsync, sendSync, startOp } from \"../js/dispatch.ts\";
",
        );
        for r in &self.requests {
            let table = &self.tables[r];
            let mut params = Vec::new();
            let mut prelude = String::new();
            let mut args = vec!["b".to_string()];
            for f in &table.fields {
                let name = camel(&f.name);
                let (ty, offset) = match (f.ty.as_str(), f.vector) {
                    ("string", false) => (
                        "string".to_string(),
                        Some(format!("b.createString({name})")),
                    ),
                    ("string", true) => (
                        "string[]".to_string(),
                        Some(format!(
                            "msg.{r}.create{}Vector(b, {name}.map((x) => b.createString(x)))",
                            camel_upper(&f.name)
                        )),
                    ),
                    (_, true) => (
                        "Uint8Array".to_string(),
                        Some(format!(
                            "msg.{r}.create{}Vector(b, {name})",
                            camel_upper(&f.name)
                        )),
                    ),
                    ("bool", _) => ("boolean".into(), None),
                    ("long" | "ulong" | "int64" | "uint64", _) => ("bigint".into(), None),
                    (t, _) if t.chars().next().unwrap().is_uppercase() => {
                        (format!("msg.{t}"), None)
                    }
                    _ => ("number".into(), None),
                };
                params.push(format!("{name}: {ty}"));
                match offset {
                    Some(expr) => {
                        writeln!(prelude, "  const {name}_ = {expr};").unwrap();
                        args.push(format!("{name}_"));
                    }
                    None => args.push(name),
                }
            }
            let zero_copy = table.attrs.contains_key("zero_copy");
            if zero_copy {
                params.push("data: ArrayBufferView".into());
            }
            let data = if zero_copy { ", data" } else { "" };
            let create = format!("msg.{r}.create{r}({})", args.join(", "));
            let reply = self.reply_of(r);
            let (sync_ty, async_ty) = match &reply {
                Some(res) => (format!("msg.{res}"), format!("msg.{res}")),
                None => ("void".into(), "void".into()),
            };
            let lower = camel(r);
            let modes = match table.attrs["op"].as_str() {
                "sync" => &["Sync"][..],
                "async" => &["Async"],
                _ => &["Sync", "Async"],
            };
            for mode in modes {
                let params = params.join(", ");
                if *mode == "Sync" {
                    let holder = match &reply {
                        Some(res) => {
                            writeln!(s, "\nconst {lower}Res = new msg.{res}();").unwrap();
                            format!("{lower}Res")
                        }
                        None => "null".into(),
                    };
                    writeln!(
                        s,
                        "\nexport function {lower}Sync({params}): {sync_ty} {{\n  const b = startOp();\n{prelude}  {}sendSync(msg.Any.{r}, {create}, {holder}{data});\n}}",
                        if reply.is_some() { "return " } else { "" }
                    )
                    .unwrap();
                } else {
                    let holder = reply
                        .as_ref()
                        .map_or("null".into(), |res| format!("new msg.{res}()"));
                    writeln!(
                        s,
                        "\nexport function {lower}Async({params}): Promise<{async_ty}> {{\n  const b = startOp();\n{prelude}  return sendAsync(msg.Any.{r}, {create}, {holder}{data});\n}}"
                    )
                    .unwrap();
                }
            }
        }
        s
    }
}

/// `exec_path` -> `ExecPath`.
fn camel_upper(name: &str) -> String {
    let c = camel(name);
    let mut chars = c.chars();
    chars
        .next()
        .map(|f| f.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}
