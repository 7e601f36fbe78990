//! Embedding overhead (`cargo bench --bench embed`), p50 and p99 per call of:
//! a fresh runtime (a new isolate) each call; a warm runtime that gives each call a
//! fresh context (the default), or reuses one; and a pool (fresh contexts), for an
//! empty script and for a webhook-like one (1 KB of JSON in, JSON out, one host call),
//! from one caller and from 8 at once. First, the floor V8 10.2 sets on this machine:
//! an isolate and a context from a snapshot of nothing, and from the userland's.
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use minideno::host::HostFunctions;
use minideno::pool::{Pool, PoolOptions};
use minideno::runtime::{Runtime, RuntimeOptions};
use serde_json::{json, Value};

#[path = "../build/snapshot.rs"]
mod snapshot;

/// p50 and p99 of what `f` measured in `calls` calls (after a tenth as many more).
fn percentiles(calls: usize, mut f: impl FnMut() -> Duration) -> (Duration, Duration) {
    for _ in 0..calls / 10 {
        f();
    }
    let mut times: Vec<Duration> = (0..calls).map(|_| f()).collect();
    times.sort();
    (times[calls / 2], times[calls * 99 / 100])
}

/// How long `f` took.
fn timed(f: impl FnOnce()) -> Duration {
    let start = Instant::now();
    f();
    start.elapsed()
}

fn print(what: &str, (p50, p99): (Duration, Duration)) {
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!("  {what:<50} {:>9.1} {:>9.1}", us(p50), us(p99));
}

const EMPTY: &str = "param + 1";
/// A webhook: parse the event, ask the host, answer.
const WEBHOOK: &str = "(() => {
    const event = param;
    const score = Deno.host.score(event.user.id, event.items.length);
    return { id: event.id, accepted: score > 10, total: event.items.reduce((s, i) => s + i.price, 0) };
})()";

fn options(reuse_context: bool) -> RuntimeOptions {
    RuntimeOptions {
        host: HostFunctions::new().sync_typed("score", |(id, n): (u64, u64)| Ok(id % 7 + n)),
        reuse_context,
        ..Default::default()
    }
}

fn event() -> Value {
    let items: Vec<Value> = (0..24)
        .map(|i| json!({ "sku": format!("item-{i:04}"), "price": i * 3 + 1, "qty": 1 }))
        .collect();
    json!({ "id": "evt_0001", "user": { "id": 12345, "name": "Ada Lovelace" }, "items": items })
}

fn check(rt: &mut Runtime, code: &str, params: &Value) {
    let v: Value = rt.execute_script("call.js", code, params).unwrap().value;
    assert!(!v.is_null());
}

/// An isolate from `blob`, then a context from it: p50 of each.
fn floor(what: &str, blob: &'static [u8]) {
    let mut isolates = vec![];
    let isolate = percentiles(50, || {
        let start = Instant::now();
        isolates.push(v8::Isolate::new(
            v8::CreateParams::default().snapshot_blob(blob),
        ));
        start.elapsed()
    });
    // Dropped in the reverse order they were made, as V8 wants.
    while isolates.len() > 1 {
        isolates.pop();
    }
    let isolate_ = &mut isolates[0];
    let context = percentiles(200, || {
        let scope = &mut v8::HandleScope::new(&mut *isolate_);
        let start = Instant::now();
        v8::Context::new(scope);
        start.elapsed()
    });
    print(&format!("V8 isolate from {what}"), isolate);
    print(&format!("V8 context from {what}"), context);
}

fn main() {
    minideno::init_v8("");
    let nothing = std::thread::spawn(|| snapshot::create(&[("nothing.js", "0")]).unwrap());
    let nothing: &'static [u8] = Box::leak(nothing.join().unwrap().into_boxed_slice());
    println!("the floor, microseconds                                      p50       p99");
    floor("a snapshot of nothing", nothing);
    let userland = include_bytes!(concat!(env!("OUT_DIR"), "/SNAPSHOT.bin"));
    floor("the userland's snapshot", userland);
    let webhook = event();
    println!(
        "per call, microseconds (webhook params: {} bytes of JSON)       p50       p99",
        webhook.to_string().len()
    );
    let fresh = || check(&mut Runtime::new(options(false)).unwrap(), EMPTY, &json!(1));
    print(
        "fresh runtime (new isolate), empty script",
        percentiles(100, || timed(fresh)),
    );
    for (reuse, what) in [
        (false, "fresh context (warm isolate)"),
        (true, "reused context"),
    ] {
        let mut rt = Runtime::new(options(reuse)).unwrap();
        let empty = percentiles(1000, || timed(|| check(&mut rt, EMPTY, &json!(1))));
        print(&format!("{what}, empty script"), empty);
        let hook = percentiles(1000, || timed(|| check(&mut rt, WEBHOOK, &webhook)));
        print(&format!("{what}, webhook"), hook);
    }

    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let call = |pool: &Pool, code: &str, params: &Value| {
        let call = pool.execute_script::<_, Value>("call.js", code, params.clone());
        assert!(!tokio.block_on(call).unwrap().value.is_null());
    };
    for reuse in [false, true] {
        let pool = Pool::new(PoolOptions {
            runtime: options(reuse),
            ..Default::default()
        })
        .unwrap();
        let context = if reuse {
            "reused context"
        } else {
            "fresh context"
        };
        for (what, code, params) in [
            ("empty", EMPTY, json!(1)),
            ("webhook", WEBHOOK, webhook.clone()),
        ] {
            let times = percentiles(1000, || timed(|| call(&pool, code, &params)));
            print(&format!("pool ({context}), {what}, back to back"), times);
        }
        // Calls 5 ms apart, as a service that is not saturated gets them: the pool has
        // made the next fresh context by then.
        let paced = percentiles(300, || {
            std::thread::sleep(Duration::from_millis(5));
            timed(|| call(&pool, WEBHOOK, &webhook))
        });
        print(&format!("pool ({context}), webhook, 5 ms apart"), paced);
        // 8 callers at once: the time for all 8 to be answered, per call.
        let (p50, p99) = percentiles(200, || {
            timed(|| {
                let calls = (0..8)
                    .map(|_| pool.execute_script::<_, Value>("call.js", WEBHOOK, webhook.clone()));
                for r in tokio.block_on(join_all(calls)) {
                    r.unwrap();
                }
            })
        });
        print(
            &format!("pool ({context}), webhook, 8 callers"),
            (p50 / 8, p99 / 8),
        );
    }
}
