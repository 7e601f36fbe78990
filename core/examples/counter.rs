//! An op set that is not minideno's, on minideno's core: two ops of one byte each,
//! `[1]` (sync: count one and reply the count) and `[2, n]` (async: reply `n` doubled
//! a millisecond later), driven from a bare isolate with no snapshot and no schema.
//! `cargo run --release -p minideno-core --example counter`
use std::cell::Cell;
use std::time::Duration;

use minideno_core::{
    AsyncReply, Dispatch, Isolate, IsolateOptions, ReplyBytes, ReplyData, ZeroCopyBuf,
};

#[derive(Default)]
struct Counter {
    count: Cell<u8>,
}

impl Dispatch for Counter {
    fn dispatch(
        &self,
        control: &[u8],
        _zero_copy: Option<ZeroCopyBuf>,
        sync_reply: &mut dyn FnMut(ReplyData),
    ) -> Result<Option<AsyncReply>, String> {
        match control {
            [1] => {
                self.count.set(self.count.get().wrapping_add(1));
                sync_reply(ReplyData::Slice(&[self.count.get()]));
                Ok(None)
            }
            [2, n] => {
                let doubled = ReplyBytes::from_slice(&[n.wrapping_mul(2)]);
                Ok(Some(Box::pin(async move {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    doubled
                })))
            }
            _ => Err(format!("no such op: {control:?}")),
        }
    }
}

fn main() {
    let mut isolate = Isolate::new(Counter::default(), IsolateOptions::default()).unwrap();
    let code = r#"
        const { core } = Deno;
        const count = () => new Uint8Array(core.shared, 0, core.dispatch(new Uint8Array([1])))[0];
        count(); count();
        globalThis.result = `counted to ${count()}`;
        core.recv((batch) => { globalThis.result += `, doubled 21: ${batch[0]}`; });
        core.dispatch(new Uint8Array([2, 21]));
        const refused = core.dispatch(new Uint8Array([9]));
        globalThis.result += `, refused: ${refused.message}`;
    "#;
    isolate.execute_script("counter.js", code).unwrap();
    let result = isolate.execute_script("result.js", "result").unwrap();
    isolate.with_scope(|scope| {
        let result = v8::Local::new(scope, result);
        println!("{}", result.to_rust_string_lossy(scope));
    });
}
