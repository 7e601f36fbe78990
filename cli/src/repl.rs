//! The REPL (`minideno`, `minideno repl`): reads TypeScript with line editing, history
//! and Tab completion of globals and properties (rustyline), keeps input open until it
//! is a complete statement, evaluates each entry in one context and prints its value
//! with the console's formatter. `await` works at top level; Ctrl-D or `close()` ends
//! it.
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::io::IsTerminal;
use std::path::Path;
use std::rc::Rc;

use oxc::allocator::Allocator;
use oxc::ast::ast::{BindingPattern, ImportDeclarationSpecifier, Statement};
use oxc::parser::Parser;
use oxc::span::{GetSpan, SourceType};
use rustyline::error::ReadlineError;
use url::Url;

use crate::Program;
use minideno::loader::deno_dir::deno_dir;
use minideno::loader::transpile::{transpile, Linking};
use minideno::{init_v8, Dispatcher, Isolate, ScriptError, State};

/// The name entries run under; a relative `import()` resolves against the directory.
const NAME: &str = "$deno$repl.ts";

pub fn run(program: Program) -> Result<(), ScriptError> {
    let cwd = std::env::current_dir()
        .map_err(|e| ScriptError(format!("cannot read the current directory: {e}")))?;
    let main = Url::from_directory_path(&cwd)
        .ok()
        .and_then(|dir| dir.join(NAME).ok())
        .map(String::from);
    init_v8("");
    let mut state = State::new(vec![], main).with_permissions(program.grants);
    state.fetcher = program.fetcher;
    // Entries may import modules and start workers, as a program run from a file may.
    state.workers = Some(minideno::workers::WorkerSettings::default());
    let mut isolate = minideno::new_isolate(Dispatcher::new(state), None)?;
    isolate.execute_script(NAME, "globalThis.close = () => Deno.exit(0);")?;
    // Shared with the completer, which uses it while a line is read (and only then).
    let isolate = Rc::new(RefCell::new(isolate));

    let error = |e: ReadlineError| ScriptError(format!("cannot read input: {e}"));
    // Tab completes what all candidates share, a second Tab lists them (as a shell does).
    let config = rustyline::Config::builder()
        .completion_type(rustyline::CompletionType::List)
        .build();
    let mut editor: rustyline::Editor<Completion, rustyline::history::FileHistory> =
        rustyline::Editor::with_config(config).map_err(error)?;
    let declared: Rc<RefCell<BTreeSet<String>>> = Rc::default();
    editor.set_helper(Some(Completion {
        isolate: isolate.clone(),
        declared: declared.clone(),
    }));
    let history = deno_dir().join("deno_history.txt");
    let _ = editor.load_history(&history);
    if std::io::stdin().is_terminal() {
        println!(
            "minideno {}\nexit using ctrl+d or close()",
            minideno::VERSION
        );
    }
    let mut input = String::new();
    loop {
        let prompt = if input.is_empty() { "> " } else { "... " };
        match editor.readline(prompt) {
            Ok(line) => {
                input.push_str(&line);
                input.push('\n');
            }
            Err(ReadlineError::Interrupted) => {
                input.clear();
                println!("(To exit, press Ctrl+D or type close())");
                continue;
            }
            Err(ReadlineError::Eof) => return Ok(()),
            Err(e) => return Err(error(e)),
        }
        if input.trim().is_empty() {
            input.clear();
            continue;
        }
        let Some(code) = prepare(&input) else {
            continue; // not a complete statement yet
        };
        let _ = editor.add_history_entry(input.trim_end());
        if let Some(dir) = history.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = editor.save_history(&history);
        input.clear();
        let result = code.and_then(|code| {
            let value = evaluate(&mut isolate.borrow_mut(), &code)?;
            declared.borrow_mut().extend(declared_names(&code));
            Ok(value)
        });
        match result {
            Ok(text) => println!("{text}"),
            Err(e) => eprintln!("{e}"),
        }
    }
}

/// Tab completion: the names of the properties (own and inherited) of what the dotted
/// names before the cursor name (`Deno.rea` -> `readFile`, ...), or of the global
/// object. Only a chain of plain names is looked up: nothing is called but getters.
struct Completion {
    isolate: Rc<RefCell<Isolate>>,
    /// Names the entries declared with `let`, `const` and `class`: script-scope
    /// bindings, which are no properties of the global object.
    declared: Rc<RefCell<BTreeSet<String>>>,
}

impl rustyline::completion::Completer for Completion {
    type Candidate = String;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &rustyline::Context<'_>,
    ) -> rustyline::Result<(usize, Vec<String>)> {
        let before = &line[..pos];
        let word = |c: char| c.is_alphanumeric() || c == '_' || c == '$' || c == '.';
        let chain_start = before.rfind(|c| !word(c)).map_or(0, |i| i + 1);
        let chain = &before[chain_start..];
        let (object, partial) = chain.rsplit_once('.').unwrap_or(("globalThis", chain));
        if !object.split('.').all(identifier) {
            return Ok((pos, vec![]));
        }
        let code = format!(
            "(() => {{ const names = new Set(); \
             for (let o = {object}; o !== null && o !== undefined; o = Object.getPrototypeOf(Object(o))) \
               for (const k of Object.getOwnPropertyNames(o)) names.add(k); \
             return JSON.stringify([...names]); }})()"
        );
        let Ok(mut isolate) = self.isolate.try_borrow_mut() else {
            return Ok((pos, vec![]));
        };
        let json = isolate.with_scope(|scope| {
            let tc = &mut v8::TryCatch::new(scope);
            let source = v8::String::new(tc, &code)?;
            let value = v8::Script::compile(tc, source, None)?.run(tc)?;
            Some(value.to_rust_string_lossy(tc))
        });
        let mut names: Vec<String> = json
            .and_then(|j| serde_json::from_str(&j).ok())
            .unwrap_or_default();
        if chain.rsplit_once('.').is_none() {
            names.extend(self.declared.borrow().iter().cloned());
        }
        let mut found: Vec<String> = names
            .into_iter()
            .filter(|n| n.starts_with(partial) && identifier(n) && !n.starts_with("__"))
            .collect();
        found.sort();
        found.dedup();
        Ok((pos - partial.len(), found))
    }
}

/// The names an entry's script declares at its top level.
fn declared_names(js: &str) -> Vec<String> {
    let allocator = Allocator::default();
    let script = SourceType::mjs().with_script(true);
    let program = Parser::new(&allocator, js, script).parse().program;
    let mut names = vec![];
    for statement in &program.body {
        match statement {
            Statement::VariableDeclaration(d) => {
                for v in &d.declarations {
                    if let BindingPattern::BindingIdentifier(id) = &v.id {
                        names.push(id.name.to_string());
                    }
                }
            }
            Statement::ClassDeclaration(c) => {
                names.extend(c.id.as_ref().map(|id| id.name.to_string()))
            }
            Statement::FunctionDeclaration(f) => {
                names.extend(f.id.as_ref().map(|id| id.name.to_string()))
            }
            _ => {}
        }
    }
    names
}

/// Whether `name` is a plain JavaScript name (`Deno`, `$x`, not `0` or `a-b`).
fn identifier(name: &str) -> bool {
    name.chars().next().is_some_and(|c| !c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

impl rustyline::hint::Hinter for Completion {
    type Hint = String;
}
impl rustyline::highlight::Highlighter for Completion {}
impl rustyline::validate::Validator for Completion {}
impl rustyline::Helper for Completion {}

/// Runs an entry's JavaScript; its value, formatted (a string quoted, as REPLs show it).
fn evaluate(isolate: &mut Isolate, code: &str) -> Result<String, ScriptError> {
    let value = isolate.execute_script(NAME, code)?;
    Ok(isolate.with_scope(|scope| {
        let value = v8::Local::new(scope, value);
        if value.is_string() {
            return v8::json::stringify(scope, value)
                .map(|s| s.to_rust_string_lossy(scope))
                .unwrap_or_default();
        }
        let global = scope.get_current_context().global(scope);
        let inspect = v8::String::new(scope, "Deno")
            .and_then(|key| global.get(scope, key.into()))
            .and_then(|deno| deno.to_object(scope))
            .and_then(|deno| {
                let key = v8::String::new(scope, "inspect")?;
                deno.get(scope, key.into())
            })
            .and_then(|f| v8::Local::<v8::Function>::try_from(f).ok());
        let undefined = v8::undefined(scope).into();
        inspect
            .and_then(|f| f.call(scope, undefined, &[value]))
            .map(|s| s.to_rust_string_lossy(scope))
            .unwrap_or_else(|| value.to_rust_string_lossy(scope))
    }))
}

/// An entry as JavaScript to run as a script: None while it is incomplete (it ends
/// where the parser wanted more), Err for a syntax error.
fn prepare(input: &str) -> Option<Result<String, ScriptError>> {
    if let Some(js) = imports_as_dynamic(input) {
        return Some(Ok(js));
    }
    let end = input.trim_end().len();
    let ts = |code: &str| transpile(Path::new(NAME), SourceType::ts(), code, Linking::EsModule);
    // `{ a: 1 }` is an object, not a block, as REPLs read it.
    let object = input.trim_start().starts_with('{') && !input.trim_end().ends_with(';');
    let js = match object.then(|| ts(&format!("({})", input.trim_end()))) {
        Some(Ok(js)) => js,
        _ => match ts(input) {
            Ok(js) => js,
            Err(e) if e.offset.is_some_and(|o| o as usize >= end) => return None,
            Err(e) => {
                return Some(Err(ScriptError(format!(
                    "Uncaught SyntaxError: {}",
                    e.message
                ))))
            }
        },
    };
    Some(Ok(with_top_level_await(&js.code)))
}

/// JavaScript with `await` outside functions runs inside an async function: an
/// expression as its result; declarations of plain names made globals, so later
/// entries see them; anything else as a body.
fn with_top_level_await(js: &str) -> String {
    let allocator = Allocator::default();
    let as_script = SourceType::mjs().with_script(true);
    let script = Parser::new(&allocator, js, as_script).parse();
    if !script.panicked && script.diagnostics.is_empty() {
        return js.to_string();
    }
    let program = Parser::new(&allocator, js, SourceType::mjs())
        .parse()
        .program;
    let text = |s: oxc::span::Span| &js[s.start as usize..s.end as usize];
    match program.body.as_slice() {
        [Statement::ExpressionStatement(e)] => {
            format!("(async () => ({}))()", text(e.expression.span()))
        }
        [Statement::VariableDeclaration(d)] => {
            let names: Option<Vec<&str>> = d
                .declarations
                .iter()
                .map(|v| match &v.id {
                    BindingPattern::BindingIdentifier(id) => Some(id.name.as_str()),
                    _ => None,
                })
                .collect();
            match names {
                Some(names) => {
                    let globals: String = names
                        .iter()
                        .map(|n| format!(" globalThis.{n} = {n};"))
                        .collect();
                    format!("(async () => {{ {}{globals} }})()", text(d.span))
                }
                None => format!("(async () => {{ {js} }})()"),
            }
        }
        _ => format!("(async () => {{ {js} }})()"),
    }
}

/// An entry of only `import` declarations, as dynamic imports whose bindings become
/// globals, so later entries see them (a script cannot hold a static import). None:
/// the entry is something else.
fn imports_as_dynamic(input: &str) -> Option<String> {
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, input, SourceType::ts()).parse();
    if parsed.panicked || !parsed.diagnostics.is_empty() || parsed.program.body.is_empty() {
        return None;
    }
    let mut js = String::from("(async () => {");
    for (i, statement) in parsed.program.body.iter().enumerate() {
        let Statement::ImportDeclaration(decl) = statement else {
            return None;
        };
        if decl.import_kind.is_type() {
            continue;
        }
        let specifier = serde_json::Value::from(decl.source.value.as_str());
        let options = match &decl.with_clause {
            Some(_) => ", { assert: { type: \"json\" } }",
            None => "",
        };
        js.push_str(&format!(
            " const m{i} = await import({specifier}{options});"
        ));
        for s in decl.specifiers.iter().flatten() {
            let (local, value) = match s {
                ImportDeclarationSpecifier::ImportSpecifier(s) => {
                    let name = serde_json::Value::from(s.imported.name().as_str());
                    (s.local.name.as_str(), format!("m{i}[{name}]"))
                }
                ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => {
                    (s.local.name.as_str(), format!("m{i}.default"))
                }
                ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                    (s.local.name.as_str(), format!("m{i}"))
                }
            };
            js.push_str(&format!(" globalThis.{local} = {value};"));
        }
    }
    js.push_str(" })()");
    Some(js)
}
