//! Output ops: `Print` (console.* to stdout or stderr).
use std::io::Write;
use std::rc::Rc;

use crate::errors::OpResult;
use crate::msg;
use crate::ops::reply::{inner, Op, ZeroCopyBuf};
use crate::state::State;

pub fn op_print(_state: &Rc<State>, base: &msg::Base, _data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let print = inner(base.inner_as_print(), "Print")?;
    let text = print.text().unwrap_or_default().as_bytes();
    if print.is_err() {
        std::io::stderr().lock().write_all(text)?;
    } else {
        let mut out = std::io::stdout().lock();
        out.write_all(text)?;
        out.flush()?;
    }
    Ok(Op::Sync(None))
}

#[cfg(test)]
mod tests {
    use crate::msg::{self, ErrorKind};
    use crate::ops::testing::*;

    #[test]
    fn print_replies_nothing_and_a_tag_without_its_table_is_refused() {
        let d = dispatcher();
        let req = request(true, msg::Any::Print, |b| {
            msg::Print::create(
                b,
                &msg::PrintArgs {
                    text: None,
                    is_err: true,
                },
            )
        });
        assert!(run_sync(&d, &req).is_none());
        // The Print tag with no table: the verifier refuses it at the door.
        let e = rejected(&d, &request_without_table(msg::Any::Print));
        assert_eq!(e.kind, ErrorKind::InvalidData);
        assert!(e.msg.contains("union"), "{}", e.msg);
    }
}
