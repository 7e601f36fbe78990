//! Process ops: `Start` (the facts the userland boots with).
use crate::errors::OpResult;
use crate::msg;
use crate::ops::{reply, Op};
use crate::state::State;

pub fn op_start(state: &State, base: &msg::Base, _data: Option<&mut [u8]>) -> OpResult<Op> {
    let cwd = state.cwd.to_string_lossy();
    let exec_path = std::env::current_exe().unwrap_or_default();
    let exec_path = exec_path.to_string_lossy();
    Ok(Op::Sync(reply(state, base.cmd_id(), |b| {
        let argv: Vec<_> = state.argv.iter().map(|a| b.create_string(a)).collect();
        let args = msg::StartResArgs {
            argv: Some(b.create_vector(&argv)),
            cwd: Some(b.create_string(&cwd)),
            pid: std::process::id(),
            exec_path: Some(b.create_string(&exec_path)),
            main_module: state.main_module.as_deref().map(|m| b.create_string(m)),
            deno_version: Some(b.create_string(crate::VERSION)),
            v8_version: Some(b.create_string(v8::V8::get_version())),
            typescript_version: Some(b.create_string(crate::TRANSPILER_VERSION)),
            no_color: std::env::var_os("NO_COLOR").is_some(),
        };
        (
            msg::Any::StartRes,
            msg::StartRes::create(b, &args).as_union_value(),
        )
    })))
}
