//! The op tracer, strace for ops: with `--trace-ops`, one line per op on stderr as it
//! completes (its isolate, name, cmd_id, mode, control / zero-copy / reply bytes,
//! latency from dispatch to reply, error kind); with `--trace-ops=summary`, a table
//! at exit like `strace -c`, from the per-op counters every isolate keeps anyway.
use std::cell::{Cell, RefCell};
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use crate::msg::{ErrorKind, OpCode};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TraceMode {
    /// A line per op as it completes.
    Lines,
    /// A table per op at exit.
    Summary,
}

/// One completed op, as the tracer sees it.
pub struct OpRecord {
    pub op: OpCode,
    pub cmd_id: u32,
    pub sync: bool,
    pub control: usize,
    pub zero_copy: usize,
    pub reply: usize,
    pub latency: Duration,
    pub error: Option<ErrorKind>,
}

pub struct Tracer {
    mode: TraceMode,
    /// Which isolate the lines come from (`main`, a Worker's name, an embedder's).
    isolate: String,
    color: bool,
    /// Latencies in nanoseconds, per op (summary mode only).
    latencies: RefCell<Vec<Vec<u64>>>,
}

impl Tracer {
    pub fn new(mode: TraceMode, isolate: &str) -> Self {
        let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
        Tracer {
            mode,
            isolate: isolate.to_string(),
            color,
            latencies: RefCell::new(vec![Vec::new(); OpCode::ALL.len()]),
        }
    }

    pub fn record(&self, r: &OpRecord) {
        match self.mode {
            TraceMode::Summary => {
                let nanos = u64::try_from(r.latency.as_nanos()).unwrap_or(u64::MAX);
                self.latencies.borrow_mut()[r.op as usize].push(nanos);
            }
            TraceMode::Lines => {
                let line = self.line(r);
                // One write of a whole line: never half a line between program output.
                let _ = std::io::stderr().lock().write_all(line.as_bytes());
            }
        }
    }

    fn line(&self, r: &OpRecord) -> String {
        let (name, dim, red, reset) = if self.color {
            ("\x1b[36m", "\x1b[2m", "\x1b[31m", "\x1b[0m")
        } else {
            ("", "", "", "")
        };
        let mode = if r.sync { "sync" } else { "async" };
        let mut line = format!(
            "[{}] {name}{:<16}{reset} {mode:<5} #{:<7} ctl {:>5}  zc {:>7}  reply {:>7}  {dim}{:>9}{reset}",
            self.isolate,
            r.op.name(),
            r.cmd_id,
            r.control,
            r.zero_copy,
            r.reply,
            duration(r.latency.as_nanos() as f64),
        );
        if let Some(kind) = r.error {
            let _ = write!(
                line,
                "  {red}{}{reset}",
                kind.variant_name().unwrap_or("Error")
            );
        }
        line.push('\n');
        line
    }

    /// At exit: the summary table (in summary mode), on stderr.
    pub fn finish(&self, metrics: &Metrics) {
        if self.mode == TraceMode::Summary {
            let table = self.summary(metrics);
            let _ = std::io::stderr().lock().write_all(table.as_bytes());
        }
    }

    /// The summary table: per op, calls, errors, total / mean / p99 latency, bytes
    /// in and out; sorted by total time, longest first.
    pub fn summary(&self, metrics: &Metrics) -> String {
        let latencies = self.latencies.borrow();
        let mut rows: Vec<(OpCode, u64, Vec<u64>)> = OpCode::ALL
            .iter()
            .filter(|op| metrics.per_op[**op as usize].count.get() > 0)
            .map(|op| {
                let mut l = latencies[*op as usize].clone();
                l.sort_unstable();
                (*op, l.iter().sum(), l)
            })
            .collect();
        rows.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.name().cmp(b.0.name())));
        let mut s = format!("[{}] ops, by total time\n", self.isolate);
        row(
            &mut s,
            [
                "op",
                "calls",
                "errors",
                "total",
                "mean",
                "p99",
                "bytes in",
                "bytes out",
            ]
            .map(String::from),
        );
        let (mut calls, mut errors, mut total, mut bytes_in, mut bytes_out) = (0, 0, 0, 0, 0);
        for (op, sum, l) in &rows {
            let c = &metrics.per_op[*op as usize];
            // Calls still in flight at exit (an Exit, a pending timer) have no latency.
            let (time, mean, p99) = match l.len() {
                0 => ("-".into(), "-".into(), "-".into()),
                n => (
                    duration(*sum as f64),
                    duration(*sum as f64 / n as f64),
                    duration(l[(n * 99).div_ceil(100) - 1] as f64),
                ),
            };
            row(
                &mut s,
                [
                    op.name().to_string(),
                    c.count.get().to_string(),
                    c.errors.get().to_string(),
                    time,
                    mean,
                    p99,
                    c.bytes_in.get().to_string(),
                    c.bytes_out.get().to_string(),
                ],
            );
            calls += c.count.get();
            errors += c.errors.get();
            total += sum;
            bytes_in += c.bytes_in.get();
            bytes_out += c.bytes_out.get();
        }
        row(
            &mut s,
            [
                "total".to_string(),
                calls.to_string(),
                errors.to_string(),
                duration(total as f64),
                String::new(),
                String::new(),
                bytes_in.to_string(),
                bytes_out.to_string(),
            ],
        );
        s
    }
}

/// One aligned row of the summary: op, calls, errors, total, mean, p99, bytes in, out.
fn row(s: &mut String, [op, calls, errors, total, mean, p99, bytes_in, bytes_out]: [String; 8]) {
    let _ = writeln!(
        s,
        "{op:<16} {calls:>8} {errors:>7} {total:>10} {mean:>10} {p99:>10} {bytes_in:>11} {bytes_out:>11}"
    );
}

/// `812ns`, `3.1µs`, `12.35ms`, `1.204s`.
fn duration(nanos: f64) -> String {
    match nanos {
        n if n < 1e3 => format!("{n:.0}ns"),
        n if n < 1e6 => format!("{:.1}µs", n / 1e3),
        n if n < 1e9 => format!("{:.2}ms", n / 1e6),
        n => format!("{:.3}s", n / 1e9),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_short_and_readable() {
        assert_eq!(duration(812.0), "812ns");
        assert_eq!(duration(3_140.0), "3.1µs");
        assert_eq!(duration(12_345_678.0), "12.35ms");
        assert_eq!(duration(1_204_000_000.0), "1.204s");
    }

    #[test]
    fn a_line_names_everything_and_an_error_last() {
        let tracer = Tracer {
            mode: TraceMode::Lines,
            isolate: "main".into(),
            color: false,
            latencies: RefCell::default(),
        };
        let line = tracer.line(&OpRecord {
            op: OpCode::Resolve,
            cmd_id: 4,
            sync: false,
            control: 48,
            zero_copy: 0,
            reply: 52,
            latency: Duration::from_micros(1204),
            error: Some(ErrorKind::NotFound),
        });
        assert_eq!(
            line,
            "[main] Resolve          async #4       ctl    48  zc       0  reply      52     1.20ms  NotFound\n"
        );
    }
}

/// What `Deno.metrics()` reports: the traffic through the one door, in total and per op.
#[derive(Debug)]
pub struct Metrics {
    pub ops_dispatched: Cell<u64>,
    pub ops_completed: Cell<u64>,
    pub bytes_sent_control: Cell<u64>,
    pub bytes_sent_data: Cell<u64>,
    pub bytes_received: Cell<u64>,
    /// Time the isolate's thread spent inside ops (dispatching them and running their
    /// sync part), when the dispatcher times ops (`Machinery::with_op_timing`).
    pub op_time: Cell<Duration>,
    /// Indexed by `OpCode as usize`.
    pub per_op: [OpCounters; OpCode::ALL.len()],
}

/// One op's counters.
#[derive(Default, Debug)]
pub struct OpCounters {
    pub count: Cell<u64>,
    pub errors: Cell<u64>,
    /// Control and zero-copy bytes of its requests.
    pub bytes_in: Cell<u64>,
    /// Bytes of its replies.
    pub bytes_out: Cell<u64>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            ops_dispatched: Cell::default(),
            ops_completed: Cell::default(),
            bytes_sent_control: Cell::default(),
            bytes_sent_data: Cell::default(),
            bytes_received: Cell::default(),
            op_time: Cell::default(),
            per_op: std::array::from_fn(|_| OpCounters::default()),
        }
    }
}

impl Metrics {
    pub fn count_dispatched(&self, op: OpCode, control: usize, data: usize) {
        add(&self.ops_dispatched, 1);
        add(&self.bytes_sent_control, control);
        add(&self.bytes_sent_data, data);
        let c = &self.per_op[op as usize];
        add(&c.count, 1);
        add(&c.bytes_in, control + data);
    }

    pub fn count_completed(&self, op: OpCode, reply: usize, failed: bool) {
        add(&self.ops_completed, 1);
        add(&self.bytes_received, reply);
        let c = &self.per_op[op as usize];
        add(&c.bytes_out, reply);
        add(&c.errors, failed as usize);
    }
}

fn add(counter: &Cell<u64>, n: usize) {
    counter.set(counter.get() + n as u64);
}
