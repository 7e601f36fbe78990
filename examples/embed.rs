//! Embedding minideno: a "webhook" script someone else wrote, run with params under a
//! 2-second timeout, a 16 MiB heap and no permissions; prints its result and stats.
//! `cargo run --release --example embed`
use std::time::Duration;

use minideno::runtime::{Runtime, RuntimeOptions};
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct Event<'a> {
    kind: &'a str,
    amount_cents: u64,
    items: Vec<&'a str>,
}

#[derive(Deserialize, Debug)]
#[allow(dead_code)] // printed with {:?}
struct Reply {
    accepted: bool,
    message: String,
    total: f64,
}

const WEBHOOK: &str = r#"
  // param is the event, frozen; the completion value (a promise here) is the reply.
  async function handle(event) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    console.log(`handling ${event.kind} with ${event.items.length} items`);
    const total = event.amount_cents / 100;
    return { accepted: total < 1000, message: `${event.items.join(", ")}: ${total} EUR`, total };
  }
  handle(param);
"#;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut rt = Runtime::new(RuntimeOptions {
        timeout: Some(Duration::from_secs(2)),
        max_heap_bytes: Some(16 << 20),
        capture_output: true,
        ..Default::default()
    })?;
    let event = Event {
        kind: "order.created",
        amount_cents: 12_345,
        items: vec!["tea", "cups"],
    };
    let run = rt.execute_script::<_, Reply>("webhook.js", WEBHOOK, &event)?;
    let (stdout, _) = rt.take_output();
    println!("result: {:?}", run.value);
    print!("script said: {}", String::from_utf8_lossy(&stdout));
    let s = &run.stats;
    println!(
        "stats: wall {:?} (js {:?}, ops {:?}, idle {:?}), heap {} KiB used, {} KiB committed",
        s.wall,
        s.js,
        s.ops,
        s.idle,
        s.heap_used >> 10,
        s.heap_peak >> 10
    );
    for (op, o) in &s.ops_by_kind {
        println!(
            "  {op:<12} {} calls, {} bytes in, {} out",
            o.count, o.bytes_in, o.bytes_out
        );
    }
    // The same runtime refuses what it was not granted.
    let denied =
        rt.execute_script::<_, String>("peek.js", "Deno.readTextFileSync('/etc/passwd')", ());
    println!("reading /etc/passwd: {}", denied.unwrap_err());
    Ok(())
}
