//! Message-overhead benchmark (`cargo bench`, `make bench`): nanoseconds per call
//! through the one door, beside the floor of a bare V8 callback. Prints medians.
use std::sync::OnceLock;
use std::time::Instant;

use minideno::{Dispatcher, State};

/// Does nothing: the cheapest JS -> Rust call this V8 can make.
fn empty(_: &mut v8::HandleScope, _: v8::FunctionCallbackArguments, _: v8::ReturnValue) {}

/// A monotonic clock in milliseconds with sub-microsecond resolution (V8's Date.now
/// has only milliseconds).
fn now(scope: &mut v8::HandleScope, _: v8::FunctionCallbackArguments, mut rv: v8::ReturnValue) {
    static START: OnceLock<Instant> = OnceLock::new();
    let ms = START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1e3;
    rv.set(v8::Number::new(scope, ms).into());
}

fn main() {
    let url = url::Url::parse("file:///minideno-bench/dispatch_bench.ts").unwrap();
    let ops = Dispatcher::new(State::new(vec![], Some(url.to_string())));
    let mut isolate = minideno::new_isolate(ops, None).expect("isolate");
    isolate.set_global_function("benchEmpty", empty);
    isolate.set_global_function("benchNow", now);
    let source = include_str!("dispatch_bench.ts").to_string();
    if let Err(e) = isolate.run_module(&url, Some(source)) {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
    println!(
        "\ncalls through the door's fast path (V8's fast API call): {}",
        isolate.fast_calls()
    );
}
