//! Embedding overhead (`cargo bench --bench embed`): `Runtime::execute_script` of a
//! trivial script (a param in, a number out), per call, with a fresh runtime each time
//! and with one reused runtime. Prints medians of 9 samples.
use std::time::Instant;

use minideno::runtime::{Runtime, RuntimeOptions};

fn median_us(samples: usize, calls: usize, mut f: impl FnMut()) -> f64 {
    let mut per_call: Vec<f64> = (0..samples)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..calls {
                f();
            }
            start.elapsed().as_secs_f64() * 1e6 / calls as f64
        })
        .collect();
    per_call.sort_by(f64::total_cmp);
    per_call[samples / 2]
}

fn call(rt: &mut Runtime) {
    let n: u32 = rt
        .execute_script("trivial.js", "param + 1", 41)
        .unwrap()
        .value;
    assert_eq!(n, 42);
}

fn main() {
    let fresh = median_us(9, 20, || {
        call(&mut Runtime::new(RuntimeOptions::default()).unwrap())
    });
    let mut rt = Runtime::new(RuntimeOptions::default()).unwrap();
    let reused = median_us(9, 2000, || call(&mut rt));
    let limited = RuntimeOptions {
        timeout: Some(std::time::Duration::from_secs(30)),
        max_heap_bytes: Some(10 << 20),
        ..Default::default()
    };
    let mut rt = Runtime::new(limited).unwrap();
    let reused_limited = median_us(9, 2000, || call(&mut rt));
    println!("execute_script of a trivial script, per call (median of 9 samples):");
    println!("  fresh runtime each call       {fresh:>9.1} us");
    println!("  reused runtime                {reused:>9.1} us");
    println!("  reused, 30 s timeout + 10 MiB {reused_limited:>9.1} us");
}
