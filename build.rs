//! Build: FlatBuffers code (Rust + TypeScript) from schema/msg.fbs and the ops'
//! generated parts (build/opgen.rs), the js/ userland linked into one script, and that
//! script run into a V8 startup snapshot. All output goes to OUT_DIR: msg_generated.rs,
//! ops_generated.rs, ts/ (msg.ts, ops.ts, layout.ts), userland.js(.map), SNAPSHOT.bin.

#[path = "build/opgen.rs"]
mod opgen;
#[path = "build/snapshot.rs"]
mod snapshot;

use std::collections::BTreeMap;
use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::process::Command;

use minideno_loader::transpile::{transpile, Linking, Transpiled, USERLAND_URL};
use oxc::span::SourceType;
use oxc_sourcemap::{ConcatSourceMapBuilder, SourceMap};

/// The userland's entry module (its id in the bundle).
const ENTRY: &str = "js/main.ts";

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    println!("cargo:rerun-if-changed=schema/msg.fbs");
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-changed=js");
    println!("cargo:rerun-if-changed=build");
    println!("cargo:rerun-if-env-changed=FLATBUFFERS_TS_DIR");

    // libnode.so.108 lives in third_party/, not on the loader's default path.
    let lib = env::var("LIBNODE_LIB_DIR").expect("LIBNODE_LIB_DIR: run tools/setup.sh (make does)");
    println!("cargo:rustc-link-arg=-Wl,-rpath,{lib}");

    println!(
        "cargo:rustc-env=TARGET={}",
        std::env::var("TARGET").unwrap()
    );

    let gen_ts = out.join("ts");
    let schema_path = root.join("schema/msg.fbs");
    let schema = opgen::parse(&fs::read_to_string(&schema_path).unwrap());
    flatc(&schema_path, &schema, &out, &gen_ts);
    fs::write(out.join("ops_generated.rs"), schema.rust()).unwrap();
    fs::write(gen_ts.join("ops.ts"), schema.typescript()).unwrap();
    fs::write(gen_ts.join("layout.ts"), schema.typescript_layout()).unwrap();

    let fb_runtime = PathBuf::from(
        env::var("FLATBUFFERS_TS_DIR").expect("FLATBUFFERS_TS_DIR: run tools/setup.sh (make does)"),
    );
    let sources = ModuleSources {
        root: root.clone(),
        gen_ts,
        fb_runtime,
    };
    let (bundle, map) = link_userland(&sources);
    fs::write(out.join("userland.js"), &bundle).unwrap();
    fs::write(out.join("userland.js.map"), map).unwrap();
    let platform = v8::new_default_platform(0, false).make_shared();
    v8::V8::initialize_platform(platform);
    v8::V8::initialize();
    match snapshot::create(&[(USERLAND_URL, &bundle)]) {
        Ok(blob) => fs::write(out.join("SNAPSHOT.bin"), blob).unwrap(),
        Err(e) => fail(&e),
    }
}

/// flatc from the `flatc` crate (built from source, 23.5.26, matching the
/// `flatbuffers` crate and the TypeScript runtime of the same release). Its TypeScript
/// is cut to what the userland reads (see `readers_only`).
fn flatc(schema: &Path, parsed: &opgen::Schema, out: &Path, gen_ts: &Path) {
    let _ = fs::remove_dir_all(gen_ts);
    for args in [vec!["--rust", "-o"], vec!["--ts", "-o"]] {
        let dest = if args[0] == "--rust" { out } else { gen_ts };
        let status = Command::new(flatc::flatc())
            .args(&args)
            .arg(dest)
            .arg(schema)
            .status()
            .expect("running flatc");
        assert!(
            status.success(),
            "flatc {args:?} failed on {}",
            schema.display()
        );
    }
    // The userland never reads a request (the generated encoders write them): their
    // classes go, and so do the unions' `unionToX` helpers, which import every member.
    let nested: Vec<&str> = (parsed.tables.values())
        .flat_map(|t| t.fields.iter().map(|f| f.ty.as_str()))
        .collect();
    let requests: Vec<String> = (parsed.requests.iter())
        .filter(|r| !nested.contains(&r.as_str()))
        .map(|r| opgen::kebab(r))
        .collect();
    for r in &requests {
        fs::remove_file(gen_ts.join(format!("msg/{r}.ts"))).unwrap();
    }
    let barrel = gen_ts.join("msg.ts");
    let exports = fs::read_to_string(&barrel).unwrap();
    let kept = exports
        .lines()
        .filter(|l| !requests.iter().any(|r| l.ends_with(&format!("/{r}.js';"))));
    fs::write(&barrel, kept.map(|l| format!("{l}\n")).collect::<String>()).unwrap();
    let unions = [opgen::kebab("Any") + ".ts", opgen::kebab("AnyRes") + ".ts"];
    for entry in fs::read_dir(gen_ts.join("msg")).unwrap() {
        let path = entry.unwrap().path();
        let ts = fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        let ts = if unions.iter().any(|u| u == name) {
            enum_only(&ts)
        } else {
            readers_only(&ts)
        };
        fs::write(&path, ts).unwrap();
    }
}

/// A union's module as flatc writes it, with only its enum (the tags): its imports and
/// `unionToX` helpers go.
fn enum_only(ts: &str) -> String {
    let start = ts
        .find("export enum ")
        .expect("a union's module has its enum");
    let end = start + ts[start..].find("\n}\n").expect("the enum ends") + 3;
    let header = ts.lines().next().unwrap_or_default();
    format!("{header}\n\n{}", &ts[start..end])
}

/// flatc's TypeScript class for a table, without its static methods (the Builder-based
/// `startX`/`addX`/`createX`..., and `getRootAsX`) but the one the userland calls:
/// requests are written by the generated encoders and replies by Rust, so the rest
/// would only be bytecode in every start-up snapshot. A static method starts with
/// `static ` and ends with `}` at the start of a line, as flatc writes them. An import
/// of a union's `unionToX` helpers (which `enum_only` drops) keeps only the enum.
fn readers_only(ts: &str) -> String {
    let mut out = String::with_capacity(ts.len());
    let mut skipping = false;
    for line in ts.split_inclusive('\n') {
        if line.starts_with("static ") && !line.starts_with("static getSizePrefixedRootAsBase(") {
            skipping = true;
        }
        if line.starts_with("import {") && line.contains(", unionTo") {
            // `import { Any, unionToAny, unionListToAny } from ...`: the enum alone.
            let (names, from) = line.split_once(" } from ").unwrap();
            let name = names["import { ".len()..].split(", ").next().unwrap();
            out.push_str(&format!("import {{ {name} }} from {from}"));
            continue;
        }
        if !skipping {
            out.push_str(line);
        }
        if skipping && line.trim_end() == "}" {
            skipping = false;
        }
    }
    out
}

/// Where each module id of the bundle comes from.
struct ModuleSources {
    root: PathBuf,
    gen_ts: PathBuf,
    fb_runtime: PathBuf,
}

impl ModuleSources {
    /// Module ids: `js/x.ts` (the userland), `gen/msg/base.ts` (flatc output),
    /// `flatbuffers/builder.ts` (the FlatBuffers TypeScript runtime).
    fn path(&self, id: &str) -> PathBuf {
        if let Some(rest) = id.strip_prefix("gen/") {
            self.gen_ts.join(rest)
        } else if let Some(rest) = id.strip_prefix("flatbuffers/") {
            self.fb_runtime.join(rest)
        } else {
            self.root.join(id)
        }
    }

    /// Resolves an import of `from` to a module id. TypeScript sources import each
    /// other as `./x.ts` or `./x.js`; both mean the `.ts` file.
    fn resolve(&self, from: &str, specifier: &str) -> String {
        if specifier == "flatbuffers" {
            return "flatbuffers/flatbuffers.ts".into();
        }
        let mut parts: Vec<&str> = from.split('/').collect();
        parts.pop();
        for c in Path::new(specifier).components() {
            match c {
                Component::ParentDir => {
                    parts.pop();
                }
                Component::Normal(p) => parts.push(p.to_str().unwrap()),
                _ => {}
            }
        }
        let id = parts.join("/");
        id.strip_suffix(".js")
            .map_or(id.clone(), |s| format!("{s}.ts"))
    }
}

/// Transpiles every module reachable from ENTRY and links them into one script:
/// each module becomes an async function of the module-runner ABI, called once on
/// first import. The script evaluates to the entry's exports (a promise). Returns the
/// script and its source map (to the `js/*.ts` sources, which it carries).
fn link_userland(src: &ModuleSources) -> (String, String) {
    let mut done: BTreeMap<String, (Transpiled, BTreeMap<String, String>)> = BTreeMap::new();
    let mut todo = vec![ENTRY.to_string()];
    while let Some(id) = todo.pop() {
        if done.contains_key(&id) {
            continue;
        }
        let path = src.path(&id);
        let text = fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("userland module {id} ({}): {e}", path.display()));
        // Named by its id, so that the source map says `js/timers.ts`.
        let mut js = transpile(
            Path::new(&id),
            SourceType::from_path(&id).unwrap_or_default(),
            &text,
            Linking::Function,
        )
        .unwrap_or_else(|e| panic!("{}: {} at byte {:?}", path.display(), e.message, e.offset));
        let mut deps = BTreeMap::new();
        for spec in std::mem::take(&mut js.imports)
            .into_iter()
            .map(|i| i.specifier)
        {
            let dep = src.resolve(&id, &spec);
            todo.push(dep.clone());
            deps.insert(spec, dep);
        }
        done.insert(id, (js, deps));
    }

    let mut s =
        String::from("// minideno userland, linked by build.rs\n(() => {\nconst defs = {\n");
    let mut maps = Vec::new();
    for (id, (js, deps)) in &done {
        let deps: Vec<String> = deps.iter().map(|(k, v)| format!("{k:?}: {v:?}")).collect();
        writeln!(
            s,
            "{id:?}: [{{ {} }}, async (__vite_ssr_import__, __vite_ssr_dynamic_import__, \
             __vite_ssr_exports__, __vite_ssr_exportAll__, __vite_ssr_import_meta__) => {{",
            deps.join(", ")
        )
        .unwrap();
        let map = SourceMap::from_json_string(&js.source_map).expect("oxc's source map");
        maps.push((map, s.matches('\n').count() as u32));
        writeln!(s, "{}\n}}],", ascii_only(&js.code)).unwrap();
    }
    s.push_str(LOADER);
    writeln!(s, "return load({ENTRY:?});\n}})();").unwrap();
    let refs: Vec<_> = maps.iter().map(|(map, line)| (map, *line)).collect();
    let map = ConcatSourceMapBuilder::from_sourcemaps(&refs).into_sourcemap();
    (s, map.to_json_string())
}

/// `code` with every character past ASCII written as a `\uXXXX` escape (valid in
/// strings, templates, regular expressions, identifiers and comments alike). V8 keeps a
/// script's source in the snapshot, two bytes a character if one of them is not
/// Latin-1: one box-drawing character in the console's tables doubled the source
/// there, and with it the snapshot's size and the start-up's work.
fn ascii_only(code: &str) -> std::borrow::Cow<'_, str> {
    if code.is_ascii() {
        return code.into();
    }
    let mut out = String::with_capacity(code.len() + 64);
    for c in code.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            for unit in c.encode_utf16(&mut [0; 2]) {
                write!(out, "\\u{unit:04x}").unwrap();
            }
        }
    }
    out.into()
}

/// Module instances by id; a module is evaluated once, on first import. Once it has
/// run, importers get a plain object of its exports' values rather than the live
/// accessors: property loads on it are fast (the userland exports no binding that
/// changes after its module has run).
const LOADER: &str = r#"};
const instances = new Map();
function load(id) {
  let instance = instances.get(id);
  if (instance) return instance.ready;
  const [deps, body] = defs[id];
  const exports = Object.create(null);
  instance = { ready: undefined };
  instances.set(id, instance);
  const importer = (spec) => load(deps[spec]);
  const exportAll = (mod) => {
    for (const key in mod) {
      if (key !== "default" && !(key in exports)) {
        Object.defineProperty(exports, key, { enumerable: true, configurable: true, get: () => mod[key] });
      }
    }
  };
  instance.ready = body(importer, importer, exports, exportAll, {}).then(() => {
    const values = {};
    for (const key of Object.keys(exports)) values[key] = exports[key];
    return Object.freeze(values);
  });
  return instance.ready;
}
"#;

/// Reports a failure without unwinding through V8 (which would crash the build script).
fn fail(msg: &str) -> ! {
    eprintln!("{msg}");
    std::process::exit(1);
}
