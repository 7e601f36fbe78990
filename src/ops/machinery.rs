//! The dispatcher's machinery, apart from the ops' `State`: the reused reply buffers,
//! the async cmd_ids in flight, the metrics and the tracer.
use std::cell::RefCell;

use flatbuffers::FlatBufferBuilder;
use rustc_hash::FxHashSet;

use crate::msg;
use crate::trace::{Metrics, TraceMode, Tracer};

/// The reply builder starts with room for this many bytes (and starts again so after
/// giving a big reply away).
pub const BUILDER_START_BYTES: usize = 1024;

pub fn new_builder() -> FlatBufferBuilder<'static> {
    FlatBufferBuilder::with_capacity(BUILDER_START_BYTES)
}

/// Room for the longest reply message of scalars only (`Machinery::whole`).
pub type WholeReply = [u8; msg::MAX_WHOLE_REPLY];

/// What the dispatcher owns beside the ops' `State`: where replies are written, the
/// async requests not yet answered, and what is counted and traced of every op.
pub struct Machinery {
    /// Replies are built here; it keeps its capacity across ops (up to a bound).
    pub(crate) builder: RefCell<FlatBufferBuilder<'static>>,
    /// Replies of scalars only are written here whole (ops/reply.rs `scalars`).
    pub(crate) whole: RefCell<WholeReply>,
    /// cmd_ids of async requests not yet replied to (Fx: SipHash would cost more
    /// than the rest of an async op's bookkeeping).
    pub(crate) in_flight: RefCell<FxHashSet<u32>>,
    pub metrics: Metrics,
    /// `--trace-ops`: None when off.
    pub tracer: Option<Tracer>,
    /// Whether the time spent in ops is measured (`Metrics::op_time`).
    pub(crate) time_ops: bool,
}

impl Default for Machinery {
    fn default() -> Self {
        Machinery {
            builder: RefCell::new(new_builder()),
            whole: RefCell::new([0; msg::MAX_WHOLE_REPLY]),
            in_flight: RefCell::default(),
            metrics: Metrics::default(),
            tracer: None,
            time_ops: false,
        }
    }
}

impl Machinery {
    /// Traces the ops, the lines and summary named `isolate`.
    pub fn with_tracing(mut self, mode: TraceMode, isolate: &str) -> Self {
        self.tracer = Some(Tracer::new(mode, isolate));
        self.time_ops = true;
        self
    }

    /// Measures the time spent in ops (an embedder's execution stats).
    pub fn with_op_timing(mut self) -> Self {
        self.time_ops = true;
        self
    }

    /// Prints the tracer's summary, if it keeps one.
    pub fn finish_trace(&self) {
        if let Some(tracer) = &self.tracer {
            tracer.finish(&self.metrics);
        }
    }
}
