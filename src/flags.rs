//! The command line: `minideno run [flags] FILE [args...]`, `minideno eval CODE`.
use clap::{Parser, Subcommand};

use crate::trace::TraceMode;

#[derive(Parser, Debug)]
#[command(
    name = "minideno",
    about = "A small runtime for TypeScript on V8, early-Deno style"
)]
#[command(disable_version_flag = true)]
pub struct Cli {
    /// Print minideno's, V8's and the transpiler's versions
    #[arg(short = 'V', long)]
    pub version: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run a TypeScript or JavaScript module
    Run {
        /// Flags for V8 itself, comma-separated, e.g. --v8-flags=--max-old-space-size=64,--stack-size=500
        #[arg(long, default_value = "", value_name = "FLAGS")]
        v8_flags: String,
        /// Trace ops to stderr: a line per op (--trace-ops), or a table at exit
        /// (--trace-ops=summary)
        #[arg(long, value_name = "MODE", num_args = 0..=1, require_equals = true, default_missing_value = "lines")]
        trace_ops: Option<TraceMode>,
        /// The module to run (path or file: URL)
        script: String,
        /// Arguments for the script (Deno.args)
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Evaluate TypeScript code given on the command line
    Eval {
        /// The code
        code: String,
    },
}
