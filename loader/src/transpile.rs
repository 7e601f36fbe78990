//! TypeScript/JavaScript -> JavaScript with oxc; shared by build.rs (the userland
//! snapshot) and the runtime (user modules), so both strip types the same way.

use std::path::Path;

use std::collections::HashSet;

use oxc::allocator::Allocator;
use oxc::ast::ast::{
    Expression, ImportExpression, ObjectPropertyKind, PropertyKey, StringLiteral, WithClause,
    WithClauseKeyword,
};
use oxc::ast_visit::{walk_mut, VisitMut};
use oxc::codegen::{Codegen, CodegenOptions};
use oxc::parser::Parser;
use oxc::semantic::SemanticBuilder;
use oxc::span::SourceType;
use oxc::transformer::{EnvOptions, TransformOptions, Transformer};
use oxc::transformer_plugins::ModuleRunnerTransform;

/// The name V8 knows the linked userland by (build.rs makes it, stack traces map it).
pub const USERLAND_URL: &str = "ext:minideno/userland.js";

/// How the output is linked.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Linking {
    /// A real ES module, for V8's module loader.
    EsModule,
    /// imports/exports rewritten to `__vite_ssr_import__(spec)` / `__vite_ssr_exports__`,
    /// so that the body can be wrapped in a function: the snapshot bundle's modules.
    Function,
}

pub struct Transpiled {
    pub code: String,
    /// Source map (JSON) from `code` back to the input.
    pub source_map: String,
    /// Import specifiers. `Linking::EsModule`: every static import and re-export as
    /// written, except `import type`, in source order (the TypeScript transform drops
    /// imports only used as types, but the module graph must still contain them).
    /// `Linking::Function`: the static and dynamic imports the output calls.
    pub imports: Vec<Import>,
}

/// An import as written, and whether it asks for a JSON module (`with { type: "json" }`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub specifier: String,
    pub json: bool,
}

/// A parse or transform error, with the 0-based byte offset it points at, if any.
#[derive(Debug)]
pub struct TranspileError {
    pub message: String,
    pub offset: Option<u32>,
}

/// The ECMAScript version V8 10.2 runs natively; newer syntax is lowered.
const TARGET: &str = "es2022";

/// The deepest nesting a source may have: brackets, braces, parentheses, `${` and
/// type arguments open at once (V8 itself refuses deeper code than this).
pub const MAX_NESTING: usize = 1_000;

/// The longest run of operators a source may have in one expression (`a + a + ...`):
/// each is one level of the tree the transpiler walks by recursion.
pub const MAX_CHAIN: usize = 100_000;

/// Stack per byte of source for the transpiler's thread: more than the deepest
/// recursion one byte can cause (a `(` costs oxc about 1.6 KiB), so that no source
/// overflows it, whatever the nesting scan makes of it. At least 16 MiB.
const STACK_PER_BYTE: usize = 4 << 10;

/// Transpiles `source`, of `source_type`; `path` names it in the source map. Sources
/// nested deeper than `MAX_NESTING` or `MAX_CHAIN` are a SyntaxError ("nesting too
/// deep"); the rest is transpiled on a thread with stack enough for any source of its
/// size (oxc's parser and visitors recurse, with no depth check of their own).
pub fn transpile(
    path: &Path,
    source_type: SourceType,
    source: &str,
    linking: Linking,
) -> Result<Transpiled, TranspileError> {
    if let Some(at) = too_deep(source) {
        return Err(TranspileError {
            message: format!(
                "nesting too deep (more than {MAX_NESTING} levels, or {MAX_CHAIN} operators in one expression)"
            ),
            offset: Some(at as u32),
        });
    }
    let stack = source
        .len()
        .saturating_mul(STACK_PER_BYTE)
        .clamp(16 << 20, 8 << 30);
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("transpile".into())
            .stack_size(stack)
            .spawn_scoped(scope, || transpile_here(path, source_type, source, linking))
            .map_err(|e| TranspileError {
                message: format!("cannot start the transpiler's thread: {e}"),
                offset: None,
            })?
            .join()
            .map_err(|_| TranspileError {
                message: "the transpiler failed".into(),
                offset: None,
            })?
    })
}

/// The byte offset where `source` nests deeper than `MAX_NESTING` or chains more than
/// `MAX_CHAIN` operators, if it does. A scan, not a parse: strings, comments and
/// template text are skipped; a `/` after an operand is taken for division, else for
/// a regular expression, whose body is skipped.
fn too_deep(source: &str) -> Option<usize> {
    let bytes = source.as_bytes();
    // What each open `{` or `${` was: true for a template's `${`.
    let mut braces: Vec<bool> = Vec::new();
    let (mut depth, mut chain, mut operand) = (0usize, 0usize, false);
    let mut i = 0;
    // Skips a quoted run from `i` (at its opening `quote`) to just past its end;
    // a template's `${` stops it, leaving `i` past the `${`.
    let skip_quoted = |i: &mut usize, quote: u8| -> bool {
        *i += 1;
        while *i < bytes.len() {
            match bytes[*i] {
                b'\\' => *i += 2,
                b'$' if quote == b'`' && bytes.get(*i + 1) == Some(&b'{') => {
                    *i += 2;
                    return true;
                }
                c if c == quote => {
                    *i += 1;
                    return false;
                }
                b'\n' if quote != b'`' => return false,
                _ => *i += 1,
            }
        }
        false
    };
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = source[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |end| i + end + 4);
                continue;
            }
            b'/' if !operand => {
                // A regular expression: to its closing `/` (not inside a class).
                let mut class = false;
                i += 1;
                while i < bytes.len() && bytes[i] != b'\n' {
                    match bytes[i] {
                        b'\\' => i += 1,
                        b'[' => class = true,
                        b']' => class = false,
                        b'/' if !class => break,
                        _ => {}
                    }
                    i += 1;
                }
                i += 1;
                operand = true;
                continue;
            }
            b'\'' | b'"' | b'`' => {
                if skip_quoted(&mut i, c) {
                    braces.push(true);
                    depth += 1;
                    operand = false;
                } else {
                    operand = true;
                }
                if depth > MAX_NESTING {
                    return Some(i);
                }
                continue;
            }
            b'}' if braces.last() == Some(&true) => {
                // Back in a template's text.
                braces.pop();
                depth = depth.saturating_sub(1);
                if skip_quoted(&mut i, b'`') {
                    braces.push(true);
                    depth += 1;
                }
                operand = true;
                continue;
            }
            b'(' | b'[' | b'{' => {
                if c == b'{' {
                    braces.push(false);
                }
                depth += 1;
                chain = 0;
                operand = false;
            }
            b')' | b']' | b'}' => {
                if c == b'}' {
                    braces.pop();
                }
                depth = depth.saturating_sub(1);
                operand = c != b'}';
            }
            b';' | b',' => {
                chain = 0;
                operand = false;
            }
            // `<` and `>` too: type arguments nest (`A<A<...>>`), but a comparison
            // opens nothing.
            b'+' | b'-' | b'*' | b'%' | b'&' | b'|' | b'^' | b'!' | b'~' | b'?' | b':' | b'='
            | b'/' | b'<' | b'>' => {
                chain += 1;
                operand = false;
            }
            c if c.is_ascii_whitespace() => {}
            _ => {
                // An identifier, number or keyword: an operand, unless a keyword after
                // which a `/` starts a regular expression.
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || bytes[i] == b'_'
                        || bytes[i] == b'$'
                        || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                if i == start {
                    i += 1; // `.`, `#`, `@`, `\\`: nothing that nests
                    continue;
                }
                let word = &source[start..i];
                operand = !matches!(
                    word,
                    "return"
                        | "typeof"
                        | "case"
                        | "do"
                        | "else"
                        | "in"
                        | "of"
                        | "new"
                        | "delete"
                        | "void"
                        | "throw"
                        | "yield"
                        | "await"
                        | "instanceof"
                );
                continue;
            }
        }
        if depth > MAX_NESTING || chain > MAX_CHAIN {
            return Some(i);
        }
        i += 1;
    }
    None
}

/// `transpile`, on the calling thread.
fn transpile_here(
    path: &Path,
    source_type: SourceType,
    source: &str,
    linking: Linking,
) -> Result<Transpiled, TranspileError> {
    let allocator = Allocator::default();
    let source_type = source_type.with_module(true);
    let parsed = Parser::new(&allocator, source, source_type).parse();
    if let Some(e) = parsed
        .diagnostics
        .into_iter()
        .find(|d| d.severity == oxc::diagnostics::Severity::Error)
    {
        return Err(diagnostic(e));
    }
    let mut program = parsed.program;
    let mut attributes = Attributes::default();
    if linking == Linking::EsModule {
        attributes.visit_program(&mut program);
        if let Some(e) = attributes.error {
            return Err(e);
        }
    }
    let mut imports: Vec<(u32, String)> = parsed
        .module_record
        .requested_modules
        .iter()
        .filter(|(_, uses)| uses.iter().any(|m| !m.is_type))
        .map(|(spec, uses)| (uses[0].span.start, spec.to_string()))
        .collect();
    imports.sort();
    let mut imports: Vec<Import> = imports
        .into_iter()
        .map(|(_, specifier)| Import {
            json: attributes.json.contains(&specifier),
            specifier,
        })
        .collect();
    // The TypeScript transform needs enum members evaluated to emit enums.
    let scoping = SemanticBuilder::new()
        .with_enum_eval(true)
        .build(&program)
        .semantic
        .into_scoping();
    let options = TransformOptions {
        env: EnvOptions::from_target(TARGET).map_err(|message| TranspileError {
            message,
            offset: None,
        })?,
        ..TransformOptions::default()
    };
    let transformed =
        Transformer::new(&allocator, path, &options).build_with_scoping(scoping, &mut program);
    if let Some(e) = transformed.diagnostics.into_iter().next() {
        return Err(diagnostic(e));
    }
    if linking == Linking::Function {
        let (deps, dynamic_deps) =
            ModuleRunnerTransform::new().transform(&allocator, &mut program, transformed.scoping);
        let mut deps: Vec<String> = deps.into_iter().chain(dynamic_deps).collect();
        deps.sort();
        imports = deps
            .into_iter()
            .map(|specifier| Import {
                specifier,
                json: false,
            })
            .collect();
    }
    let out = Codegen::new()
        .with_options(CodegenOptions {
            source_map_path: Some(path.to_path_buf()),
            ..CodegenOptions::default()
        })
        .build(&program);
    let source_map = out.map.map(|m| m.to_json_string()).unwrap_or_default();
    Ok(Transpiled {
        code: out.code,
        source_map,
        imports,
    })
}

fn diagnostic(e: oxc::diagnostics::OxcDiagnostic) -> TranspileError {
    let offset = e.labels.first().map(|label| label.offset());
    TranspileError {
        message: e.message.to_string(),
        offset,
    }
}

/// Import attributes: V8 10.2 reads them only in the older `assert` spelling, so
/// `with { type: "json" }` is printed as `assert { type: "json" }`, and the options of
/// `import(x, { with: ... })` likewise. Records which static imports ask for JSON; any
/// other attribute is an error, as in Deno.
#[derive(Default)]
struct Attributes {
    json: HashSet<String>,
    error: Option<TranspileError>,
}

impl Attributes {
    fn clause(&mut self, source: &StringLiteral, clause: Option<&mut WithClause>) {
        let Some(clause) = clause else { return };
        clause.keyword = WithClauseKeyword::Assert;
        for entry in &clause.with_entries {
            let key = entry.key.as_arena_str();
            if key.as_str() == "type" && entry.value.value.as_str() == "json" {
                self.json.insert(source.value.to_string());
            } else if self.error.is_none() {
                self.error = Some(TranspileError {
                    message: format!(
                        "Unsupported import attribute {key}: \"{}\" (only type: \"json\")",
                        entry.value.value
                    ),
                    offset: Some(entry.span.start),
                });
            }
        }
    }
}

impl<'a> VisitMut<'a> for Attributes {
    fn visit_import_declaration(&mut self, it: &mut oxc::ast::ast::ImportDeclaration<'a>) {
        self.clause(&it.source, it.with_clause.as_deref_mut());
    }

    fn visit_export_all_declaration(&mut self, it: &mut oxc::ast::ast::ExportAllDeclaration<'a>) {
        self.clause(&it.source, it.with_clause.as_deref_mut());
    }

    fn visit_export_from_declaration(&mut self, it: &mut oxc::ast::ast::ExportFromDeclaration<'a>) {
        self.clause(&it.source, it.with_clause.as_deref_mut());
    }

    fn visit_import_expression(&mut self, it: &mut ImportExpression<'a>) {
        if let Some(Expression::ObjectExpression(options)) = &mut it.options {
            for property in options.properties.iter_mut() {
                if let ObjectPropertyKind::ObjectProperty(p) = property {
                    if let PropertyKey::StaticIdentifier(key) = &mut p.key {
                        if key.name == "with" {
                            key.name = "assert".into();
                        }
                    }
                }
            }
        }
        walk_mut::walk_import_expression(self, it);
    }
}
