//! A V8 startup snapshot of scripts run in order in one context: the userland bundle
//! (by build.rs, into the binary) and, for an embedder, the same bundle and its own
//! setup code after it (src/snapshot.rs). Shared by the build script and the crate.

/// Runs `scripts` (name, code), each eagerly compiled, in a fresh isolate and
/// serializes its heap. A script whose completion value is a promise must have
/// fulfilled it once the microtasks ran. Err: the first script that threw, or whose
/// promise did not fulfil, and why. V8 must be initialized; the caller's thread must
/// have no isolate entered (the creator enters its own).
pub fn create(scripts: &[(&str, &str)]) -> Result<Vec<u8>, String> {
    let mut creator = v8::SnapshotCreator::new(None);
    // SAFETY: the isolate is forgotten before the creator is used again.
    let mut isolate = unsafe { creator.get_owned_isolate() };
    let mut result = Ok(());
    {
        let scope = &mut v8::HandleScope::new(&mut isolate);
        let context = v8::Context::new(scope);
        let scope = &mut v8::ContextScope::new(scope, context);
        for (name, code) in scripts {
            result = run(scope, name, code);
            if result.is_err() {
                break;
            }
        }
        creator.set_default_context(context);
    }
    std::mem::forget(isolate);
    let blob = creator.create_blob(v8::FunctionCodeHandling::Keep);
    result?;
    blob.map(|b| b.to_vec())
        .ok_or_else(|| "V8 could not create the snapshot".into())
}

fn run(scope: &mut v8::HandleScope, name: &str, code: &str) -> Result<(), String> {
    let scope = &mut v8::TryCatch::new(scope);
    let source = v8::String::new(scope, code).ok_or("the script is too long")?;
    let url = v8::String::new(scope, name).ok_or("the name is too long")?;
    let undefined = v8::undefined(scope);
    let origin = v8::ScriptOrigin::new(
        scope,
        url.into(),
        0,
        0,
        false,
        0,
        undefined.into(),
        false,
        false,
        false,
    );
    // Eager: every function gets its bytecode now, into the snapshot, instead of being
    // parsed again from source in every process that calls it.
    let source = v8::script_compiler::Source::new(source, Some(&origin));
    let options = v8::script_compiler::CompileOptions::EagerCompile;
    let no_cache = v8::script_compiler::NoCacheReason::NoReason;
    let result =
        v8::script_compiler::compile(scope, source, options, no_cache).and_then(|s| s.run(scope));
    scope.perform_microtask_checkpoint();
    let Some(value) = result else {
        let e = scope.exception().map(|e| describe(scope, e));
        return Err(format!("{name} failed: {}", e.unwrap_or_default()));
    };
    match v8::Local::<v8::Promise>::try_from(value) {
        Ok(p) if p.state() != v8::PromiseState::Fulfilled => {
            let state = p.state();
            let why = p.result(scope);
            Err(format!(
                "{name} did not load ({state:?}): {}",
                describe(scope, why)
            ))
        }
        _ => Ok(()),
    }
}

/// An error's stack (or the value as a string).
fn describe(scope: &mut v8::HandleScope, value: v8::Local<v8::Value>) -> String {
    let stack = value.to_object(scope).and_then(|o| {
        let key = v8::String::new(scope, "stack").unwrap();
        o.get(scope, key.into())
    });
    stack
        .filter(|s| s.is_string())
        .unwrap_or(value)
        .to_rust_string_lossy(scope)
}
