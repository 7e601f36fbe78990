//! Output ops: `Print` (console.* to stdout or stderr).
use std::io::Write;

use crate::errors::{DenoError, OpResult};
use crate::msg::{self, ErrorKind};
use crate::ops::Op;
use crate::state::State;

pub fn op_print(_state: &State, base: &msg::Base, _data: Option<&mut [u8]>) -> OpResult<Op> {
    let inner = base
        .inner_as_print()
        .ok_or_else(|| DenoError::new(ErrorKind::InvalidData, "Print without its table"))?;
    let text = inner.text().unwrap_or_default().as_bytes();
    if inner.is_err() {
        std::io::stderr().lock().write_all(text)?;
    } else {
        let mut out = std::io::stdout().lock();
        out.write_all(text)?;
        out.flush()?;
    }
    Ok(Op::Sync(Box::default()))
}
