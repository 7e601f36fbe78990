//! TypeScript/JavaScript -> JavaScript with oxc; shared by build.rs (the userland
//! snapshot) and the runtime (user modules), so both strip types the same way.

use std::path::Path;

use oxc::allocator::Allocator;
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
    pub imports: Vec<String>,
}

/// A parse or transform error, with the 0-based byte offset it points at, if any.
#[derive(Debug)]
pub struct TranspileError {
    pub message: String,
    pub offset: Option<u32>,
}

/// The ECMAScript version V8 10.2 runs natively; newer syntax is lowered.
const TARGET: &str = "es2022";

pub fn transpile(
    path: &Path,
    source: &str,
    linking: Linking,
) -> Result<Transpiled, TranspileError> {
    let allocator = Allocator::default();
    let source_type = SourceType::from_path(path)
        .unwrap_or_default()
        .with_module(true);
    let parsed = Parser::new(&allocator, source, source_type).parse();
    if let Some(e) = parsed
        .diagnostics
        .into_iter()
        .find(|d| d.severity == oxc::diagnostics::Severity::Error)
    {
        return Err(diagnostic(e));
    }
    let mut imports: Vec<(u32, String)> = parsed
        .module_record
        .requested_modules
        .iter()
        .filter(|(_, uses)| uses.iter().any(|m| !m.is_type))
        .map(|(spec, uses)| (uses[0].span.start, spec.to_string()))
        .collect();
    imports.sort();
    let mut imports: Vec<String> = imports.into_iter().map(|(_, spec)| spec).collect();
    let mut program = parsed.program;
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
        imports = deps.into_iter().chain(dynamic_deps).collect();
        imports.sort();
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
