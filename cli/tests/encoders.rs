//! Property test of the generated request encoders (gen/ops.ts): for every request table
//! of schema/msg.fbs and random field values, the bytes `Deno.core.encode` writes pass
//! both Rust verifiers (the fast one and flatbuffers') and decode, field by field, to the
//! values given.
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;

use flatbuffers::{ForwardsUOffset, Table, Vector};
use minideno::msg;

#[allow(dead_code)]
#[path = "../../build/opgen.rs"]
mod opgen;

const ROUNDS: usize = 12;

/// xorshift64*: a fixed seed, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A field value, as Rust must decode it.
enum Value {
    Int(i128),
    Float(f64),
    Str(String),
    Strs(Vec<String>),
}

/// A random string: ASCII, 2-, 3- and 4-byte characters, now and then a lone surrogate
/// (which must arrive as U+FFFD) and now and then long enough to grow the buffer.
/// Returns (JS literal, expected decoded text).
fn random_string(rng: &mut Rng) -> (String, String) {
    let len = match rng.below(10) {
        0 => 0,
        1 => 1500 + rng.below(1000) as usize,
        _ => rng.below(24) as usize,
    };
    let (mut js, mut text) = (String::from("\""), String::new());
    for _ in 0..len {
        let c = match rng.below(8) {
            0 => 'é',
            1 => '中',
            2 => '😀',
            3 => '"',
            4 => {
                js.push_str("\\u{d800}");
                text.push('\u{fffd}');
                continue;
            }
            _ => (b'a' + rng.below(26) as u8) as char,
        };
        write!(js, "\\u{{{:x}}}", c as u32).unwrap();
        text.push(c);
    }
    js.push('"');
    (js, text)
}

/// The schema's enums of request fields, all `ubyte` (a new one goes here).
const UBYTE_ENUMS: [&str; 3] = ["StdioMode", "UrlSetter", "DigestAlgorithm"];

/// A random value of a field's type: (JS literal, expected decoded value).
fn random_value(rng: &mut Rng, ty: &str, vector: bool) -> (String, Value) {
    if vector {
        let items: Vec<_> = (0..rng.below(4)).map(|_| random_string(rng)).collect();
        let js: Vec<&str> = items.iter().map(|(j, _)| j.as_str()).collect();
        let js = format!("[{}]", js.join(", "));
        return (js, Value::Strs(items.into_iter().map(|(_, t)| t).collect()));
    }
    let bits = rng.next();
    let int = |v: i128| (v.to_string(), Value::Int(v));
    let big = |v: i128| (format!("{v}n"), Value::Int(v));
    match ty {
        "string" => {
            let (js, text) = random_string(rng);
            (js, Value::Str(text))
        }
        "bool" => ((bits & 1 == 1).to_string(), Value::Int((bits & 1) as i128)),
        "ubyte" => int(bits as u8 as i128),
        ty if UBYTE_ENUMS.contains(&ty) => int(bits as u8 as i128),
        "uint16" => int(bits as u16 as i128),
        "int32" => int(bits as i32 as i128),
        "uint32" => int(bits as u32 as i128),
        "int64" => big(bits as i64 as i128),
        "uint64" => big(bits as i128),
        "double" => {
            let f = f64::from_bits(bits);
            let f = if f.is_finite() { f } else { bits as f64 / 3.0 };
            (format!("{f:e}"), Value::Float(f))
        }
        other => panic!("no random values for {other}: extend this test"),
    }
}

/// Field `i` of `table` read as the schema types it, printed; and `want` printed alike.
fn read_field(table: &Table, i: usize, ty: &str, want: &Value) -> (String, String) {
    let slot = 4 + 2 * i as u16;
    // SAFETY (every get): the whole message passed the verifier for the schema's types.
    let got = unsafe {
        match (want, ty) {
            (Value::Str(_), _) => format!("{:?}", table.get::<ForwardsUOffset<&str>>(slot, None)),
            (Value::Strs(_), _) => format!(
                "{:?}",
                table
                    .get::<ForwardsUOffset<Vector<ForwardsUOffset<&str>>>>(slot, None)
                    .map(|v| v.iter().collect::<Vec<_>>())
            ),
            (Value::Float(_), _) => format!("{:?}", table.get::<f64>(slot, None).map(f64::to_bits)),
            (_, "bool") => format!("{:?}", table.get::<bool>(slot, None).map(i128::from)),
            (_, ty) if ty == "ubyte" || UBYTE_ENUMS.contains(&ty) => {
                format!("{:?}", table.get::<u8>(slot, None).map(i128::from))
            }
            (_, "uint16") => format!("{:?}", table.get::<u16>(slot, None).map(i128::from)),
            (_, "int32") => format!("{:?}", table.get::<i32>(slot, None).map(i128::from)),
            (_, "uint32") => format!("{:?}", table.get::<u32>(slot, None).map(i128::from)),
            (_, "int64") => format!("{:?}", table.get::<i64>(slot, None).map(i128::from)),
            (_, "uint64") => format!("{:?}", table.get::<u64>(slot, None).map(i128::from)),
            _ => unreachable!("random_value made it"),
        }
    };
    let want = match want {
        Value::Int(v) => format!("{:?}", Some(v)),
        Value::Float(f) => format!("{:?}", Some(f.to_bits())),
        Value::Str(s) => format!("{:?}", Some(s)),
        Value::Strs(v) => format!("{:?}", Some(v)),
    };
    (got, want)
}

#[test]
fn every_request_encodes_to_what_rust_verifies_and_decodes() {
    let schema = opgen::parse(include_str!("../../schema/msg.fbs"));
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut script = String::from(
        "const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, \"0\")).join(\"\");\n",
    );
    let mut cases = Vec::new();
    for _ in 0..ROUNDS {
        for (tag, request) in schema.requests.iter().enumerate() {
            let values: Vec<_> = schema.tables[request]
                .fields
                .iter()
                .map(|f| random_value(&mut rng, &f.ty, f.vector))
                .collect();
            let mut args = format!("\"{request}\"");
            for (js, _) in &values {
                write!(args, ", {js}").unwrap();
            }
            writeln!(script, "console.log(hex(Deno.core.encode({args})));").unwrap();
            cases.push((request, tag as u8 + 1, values));
        }
    }
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("encoders");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("encode_all.ts");
    std::fs::write(&path, script).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_minideno"))
        .arg("run")
        .arg(&path)
        .env("DENO_DIR", dir.join("deno_dir"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), cases.len());
    for ((request, tag, values), line) in cases.iter().zip(lines) {
        let bytes: Vec<u8> = (0..line.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&line[i..i + 2], 16).unwrap())
            .collect();
        let head = minideno::ops::verify::request(&bytes)
            .unwrap_or_else(|| panic!("{request}: not on the fast path\n{line}"));
        assert_eq!(
            (head.cmd_id, head.sync, head.tag),
            (0, false, *tag),
            "{request}"
        );
        let base = flatbuffers::root::<msg::Base>(&bytes)
            .unwrap_or_else(|e| panic!("{request}: the verifier refused it: {e}\n{line}"));
        assert_eq!(base.inner_type(), msg::Any(*tag), "{request}");
        assert_eq!((base.cmd_id(), base.sync()), (0, false), "{request}");
        let table = base.inner().unwrap();
        let fields = &schema.tables[*request].fields;
        for (i, (f, (js, want))) in fields.iter().zip(values).enumerate() {
            let (got, want) = read_field(&table, i, &f.ty, want);
            assert_eq!(got, want, "{request}.{}, written as {js:.80}", f.name);
        }
    }
}
