//! Per-isolate state shared by the ops: the process facts `Start` reports and the
//! reused reply builder.
use std::cell::RefCell;
use std::path::PathBuf;

use flatbuffers::FlatBufferBuilder;

pub struct State {
    /// Arguments after the script name (`Deno.args`).
    pub argv: Vec<String>,
    /// URL of the main module, if running one.
    pub main_module: Option<String>,
    pub cwd: PathBuf,
    /// Replies are built here; it keeps its capacity across ops.
    pub builder: RefCell<FlatBufferBuilder<'static>>,
}

impl State {
    pub fn new(argv: Vec<String>, main_module: Option<String>) -> Self {
        State {
            argv,
            main_module,
            cwd: std::env::current_dir().unwrap_or_default(),
            builder: RefCell::new(FlatBufferBuilder::with_capacity(1024)),
        }
    }
}
