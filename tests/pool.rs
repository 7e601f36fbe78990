//! The pool: a fresh context per job (nothing leaks) or a reused one, growth under load
//! and idle threads retired, `Busy` when the queue is full, limits per call with many
//! concurrent callers, and memory that stays flat over thousands of calls.
use std::time::{Duration, Instant};

mod common;
use common::{one_at_a_time, rss_kib};

use futures_util::future::{join4, join_all};
use minideno::pool::{Pool, PoolOptions};
use minideno::runtime::{Error, RuntimeOptions};
use serde_json::Value;

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(f)
}

fn pool(min: usize, max: usize, reuse_context: bool) -> Pool {
    Pool::new(PoolOptions {
        runtime: RuntimeOptions {
            reuse_context,
            ..Default::default()
        },
        min_threads: min,
        max_threads: max,
        ..Default::default()
    })
    .unwrap()
}

#[test]
fn each_job_gets_a_fresh_context_unless_the_runtime_reuses_it() {
    let _turn = one_at_a_time();
    let leak = "globalThis.seen = (globalThis.seen ?? 0) + 1";
    for (reuse, expected) in [(false, [1, 1, 1]), (true, [1, 2, 3])] {
        let pool = pool(1, 1, reuse);
        let seen: Vec<u32> = block_on(async {
            let mut seen = vec![];
            for _ in 0..3 {
                seen.push(
                    pool.execute_script("leak.js", leak, ())
                        .await
                        .unwrap()
                        .value,
                );
            }
            seen
        });
        assert_eq!(seen, expected, "reuse: {reuse}");
    }
}

#[test]
fn sixty_four_callers_some_timing_out_all_get_their_answer() {
    let _turn = one_at_a_time();
    let pool = Pool::new(PoolOptions {
        runtime: RuntimeOptions {
            timeout: Some(Duration::from_millis(200)),
            ..Default::default()
        },
        min_threads: 2,
        max_threads: 4,
        ..Default::default()
    })
    .unwrap();
    let start = Instant::now();
    let results = block_on(join_all((0..64u32).map(|i| {
        let pool = pool.clone();
        async move {
            let code = if i % 8 == 7 {
                "for (;;) {}"
            } else {
                "param * 2"
            };
            pool.execute_script::<_, u32>("job.js", code, i)
                .await
                .map(|r| r.value)
        }
    })));
    for (i, result) in results.iter().enumerate() {
        match result {
            Ok(v) => assert_eq!(*v, 2 * i as u32),
            Err(e) => assert!(
                i % 8 == 7 && matches!(e, Error::Timeout { .. }),
                "{i}: {e:?}"
            ),
        }
    }
    assert_eq!(results.iter().filter(|r| r.is_err()).count(), 8);
    assert!(pool.threads() <= 4);
    // 8 timeouts of 0.2 s on at most 4 threads, and 64 runtimes made.
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_full_queue_is_busy_at_once_and_the_pool_grows_then_retires_idle_threads() {
    let _turn = one_at_a_time();
    let pool = Pool::new(PoolOptions {
        min_threads: 1,
        max_threads: 2,
        queue: 1,
        idle_timeout: Duration::from_secs(1),
        ..Default::default()
    })
    .unwrap();
    let slow = |after_ms: u64| {
        let pool = pool.clone();
        async move {
            tokio::time::sleep(Duration::from_millis(after_ms)).await;
            pool.run(|_| std::thread::sleep(Duration::from_millis(400)))
                .await
        }
    };
    // The first job takes the idle thread, the second starts a thread for itself, the
    // third waits in the queue, and the fourth finds it full.
    let (a, b, c, d) = block_on(join4(slow(0), slow(100), slow(200), slow(250)));
    assert_eq!((a, b, c), (Ok(()), Ok(()), Ok(())));
    assert_eq!(d, Err(Error::Busy));
    assert_eq!(pool.threads(), 2);
    let idle_since = Instant::now();
    while pool.threads() > 1 && idle_since.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        pool.threads(),
        1,
        "the thread above the minimum retires when idle"
    );
    // The pool still serves.
    let v: u32 = block_on(pool.execute_script("again.js", "1 + 1", ()))
        .unwrap()
        .value;
    assert_eq!(v, 2);
}

#[test]
fn memory_stays_flat_over_thousands_of_pooled_calls() {
    let _turn = one_at_a_time();
    // (In one reused runtime, a top-level `const` of one call would clash with the next.)
    let webhook = "(() => { const body = JSON.parse(JSON.stringify(param)); return { ok: true, items: body.items.length }; })()";
    let param = serde_json::json!({ "items": (0..100).collect::<Vec<u32>>() });
    for (reuse, warm, calls) in [(true, 1000, 10_000), (false, 200, 2_000)] {
        let pool = pool(1, 1, reuse);
        let run = |n: usize| {
            block_on(async {
                for _ in 0..n {
                    let r: Value = pool
                        .execute_script("hook.js", webhook, param.clone())
                        .await
                        .unwrap()
                        .value;
                    assert_eq!(r["items"], 100);
                }
            })
        };
        run(warm);
        let before = rss_kib();
        run(calls);
        let grown = rss_kib().saturating_sub(before);
        assert!(
            grown < 24 << 10,
            "reuse {reuse}: RSS grew {grown} KiB over {calls} calls"
        );
    }
}
