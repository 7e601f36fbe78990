//! THE op table: every request the door lets through is routed by the one `match`
//! below, on its `OpCode` (the `msg::Any` tag of its `Base.inner`), to its handler in
//! `ops/<area>.rs`. `OpCode` is generated from the schema's union, so the match is
//! exhaustive: a request added to the schema without an arm here does not compile.
//! Whether an op may be called sync, async or both is the schema's `(op: "...")`,
//! enforced by the machinery in `dispatch.rs` before any handler runs.
mod bench;
mod call;
mod crypto;
pub mod dispatch;
mod encoding;
mod files;
mod fs;
mod host;
mod json;
mod machinery;
mod minimal;
mod net;
mod os;
pub mod process;
pub mod reply;
#[cfg(test)]
mod testing;
mod timers;
mod url;
pub mod verify;
mod workers;

pub use crypto::seeded;
pub use dispatch::Dispatcher;
pub use machinery::Machinery;
pub use reply::{Ctx, Handler, Op};

use crate::msg::OpCode;

pub fn handler(op: OpCode) -> Handler {
    match op {
        OpCode::Start => os::op_start,
        OpCode::MyPid => os::op_my_pid,
        OpCode::Ppid => os::op_ppid,
        OpCode::Now => os::op_now,
        OpCode::UrlParse => url::op_url_parse,
        OpCode::UrlReparse => url::op_url_reparse,
        OpCode::GetRandomValues => crypto::op_get_random_values,
        OpCode::Digest => crypto::op_digest,
        OpCode::EncodingName => encoding::op_encoding_name,
        OpCode::Decode => encoding::op_decode,
        OpCode::IsTerminal => files::op_is_terminal,
        OpCode::Base64 => encoding::op_base64,
        OpCode::HostCall => host::op_host_call,
        OpCode::Exit => os::op_exit,
        OpCode::Metrics => os::op_metrics,
        OpCode::Resolve => os::op_resolve,
        OpCode::GlobalTimer => timers::op_global_timer,
        OpCode::GlobalTimerStop => timers::op_global_timer_stop,
        OpCode::Noop => bench::op_noop,
        OpCode::Echo => bench::op_echo,
        OpCode::Resources => files::op_resources,
        OpCode::Close => files::op_close,
        OpCode::Open => files::op_open,
        OpCode::Read => files::op_read,
        OpCode::Write => files::op_write,
        OpCode::Seek => files::op_seek,
        OpCode::Fstat => files::op_fstat,
        OpCode::Stat => fs::op_stat,
        OpCode::ReadDir => fs::op_read_dir,
        OpCode::Mkdir => fs::op_mkdir,
        OpCode::Remove => fs::op_remove,
        OpCode::Rename => fs::op_rename,
        OpCode::CopyFile => fs::op_copy_file,
        OpCode::Chmod => fs::op_chmod,
        OpCode::Chown => fs::op_chown,
        OpCode::Symlink => fs::op_symlink,
        OpCode::ReadLink => fs::op_read_link,
        OpCode::Link => fs::op_link,
        OpCode::Truncate => fs::op_truncate,
        OpCode::MakeTemp => fs::op_make_temp,
        OpCode::RealPath => fs::op_real_path,
        OpCode::Utime => fs::op_utime,
        OpCode::Cwd => os::op_cwd,
        OpCode::Chdir => os::op_chdir,
        OpCode::EnvGet => os::op_env_get,
        OpCode::EnvSet => os::op_env_set,
        OpCode::EnvDelete => os::op_env_delete,
        OpCode::EnvToObject => os::op_env_to_object,
        OpCode::HomeDir => os::op_home_dir,
        OpCode::ExecPath => os::op_exec_path,
        OpCode::Hostname => os::op_hostname,
        OpCode::Permissions => os::op_permissions,
        OpCode::RevokePermission => os::op_revoke_permission,
        OpCode::Listen => net::op_listen,
        OpCode::Accept => net::op_accept,
        OpCode::Connect => net::op_connect,
        OpCode::Shutdown => net::op_shutdown,
        OpCode::Run => process::op_run,
        OpCode::RunStatus => process::op_run_status,
        OpCode::Kill => process::op_kill,
        OpCode::CreateWorker => workers::op_create_worker,
        OpCode::HostPostMessage => workers::op_host_post_message,
        OpCode::HostGetMessage => workers::op_host_get_message,
        OpCode::TerminateWorker => workers::op_terminate_worker,
        OpCode::WorkerPostMessage => workers::op_worker_post_message,
        OpCode::WorkerGetMessage => workers::op_worker_get_message,
        OpCode::WorkerClose => workers::op_worker_close,
    }
}
