//! Output ops: `Print` (console.* to stdout or stderr).
use std::io::Write;
use std::rc::Rc;

use crate::errors::OpResult;
use crate::msg;
use crate::ops::{inner, Op};
use crate::state::State;

pub fn op_print(_state: &Rc<State>, base: &msg::Base, _data: Option<&mut [u8]>) -> OpResult<Op> {
    let print = inner(base.inner_as_print(), "Print")?;
    let text = print.text().unwrap_or_default().as_bytes();
    if print.is_err() {
        std::io::stderr().lock().write_all(text)?;
    } else {
        let mut out = std::io::stdout().lock();
        out.write_all(text)?;
        out.flush()?;
    }
    Ok(Op::Sync(Box::default()))
}
