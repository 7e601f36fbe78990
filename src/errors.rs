//! DenoError: the one error type ops return; it travels to JS as `Base.error_kind` +
//! `Base.error` and becomes a thrown `DenoError` there.
use std::fmt;
use std::io;

use crate::msg::ErrorKind;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DenoError {
    pub kind: ErrorKind,
    pub msg: String,
}

pub type OpResult<T> = Result<T, DenoError>;

impl DenoError {
    pub fn new(kind: ErrorKind, msg: impl Into<String>) -> Self {
        DenoError {
            kind,
            msg: msg.into(),
        }
    }

    /// An InvalidInput error: the request asked for what cannot be.
    pub fn invalid(msg: impl Into<String>) -> Self {
        DenoError::new(ErrorKind::InvalidInput, msg)
    }

    /// Adds what failed, as Deno's messages name it: `..., stat '/nope'`.
    pub fn context(mut self, what: impl fmt::Display) -> Self {
        self.msg = format!("{}, {what}", self.msg);
        self
    }
}

impl fmt::Display for DenoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.msg)
    }
}

impl std::error::Error for DenoError {}

impl From<io::Error> for DenoError {
    fn from(e: io::Error) -> Self {
        use io::ErrorKind as Io;
        let kind = match e.kind() {
            Io::NotFound => ErrorKind::NotFound,
            Io::PermissionDenied => ErrorKind::PermissionDenied,
            Io::ConnectionRefused => ErrorKind::ConnectionRefused,
            Io::ConnectionReset => ErrorKind::ConnectionReset,
            Io::ConnectionAborted => ErrorKind::ConnectionAborted,
            Io::NotConnected => ErrorKind::NotConnected,
            Io::AddrInUse => ErrorKind::AddrInUse,
            Io::AddrNotAvailable => ErrorKind::AddrNotAvailable,
            Io::BrokenPipe => ErrorKind::BrokenPipe,
            Io::AlreadyExists => ErrorKind::AlreadyExists,
            Io::WouldBlock => ErrorKind::WouldBlock,
            Io::InvalidInput => ErrorKind::InvalidInput,
            Io::InvalidData => ErrorKind::InvalidData,
            Io::TimedOut => ErrorKind::TimedOut,
            Io::Interrupted => ErrorKind::Interrupted,
            Io::WriteZero => ErrorKind::WriteZero,
            Io::UnexpectedEof => ErrorKind::UnexpectedEof,
            Io::IsADirectory => ErrorKind::IsADirectory,
            Io::NotADirectory => ErrorKind::NotADirectory,
            Io::DirectoryNotEmpty => ErrorKind::DirectoryNotEmpty,
            Io::HostUnreachable => ErrorKind::HostUnreachable,
            Io::NetworkUnreachable => ErrorKind::NetworkUnreachable,
            Io::NetworkDown => ErrorKind::NetworkDown,
            Io::ReadOnlyFilesystem => ErrorKind::ReadOnlyFilesystem,
            Io::StaleNetworkFileHandle => ErrorKind::StaleNetworkFileHandle,
            Io::StorageFull => ErrorKind::StorageFull,
            Io::NotSeekable => ErrorKind::NotSeekable,
            Io::QuotaExceeded => ErrorKind::QuotaExceeded,
            Io::FileTooLarge => ErrorKind::FileTooLarge,
            Io::ResourceBusy => ErrorKind::ResourceBusy,
            Io::ExecutableFileBusy => ErrorKind::ExecutableFileBusy,
            Io::Deadlock => ErrorKind::Deadlock,
            Io::CrossesDevices => ErrorKind::CrossesDevices,
            Io::TooManyLinks => ErrorKind::TooManyLinks,
            Io::InvalidFilename => ErrorKind::InvalidFilename,
            Io::ArgumentListTooLong => ErrorKind::ArgumentListTooLong,
            Io::Unsupported => ErrorKind::Unsupported,
            Io::OutOfMemory => ErrorKind::OutOfMemory,
            _ => ErrorKind::Other,
        };
        DenoError::new(kind, e.to_string())
    }
}

impl From<flatbuffers::InvalidFlatbuffer> for DenoError {
    fn from(e: flatbuffers::InvalidFlatbuffer) -> Self {
        // The verifier's Display adds an error trace after the first line.
        let e = e.to_string();
        let first = e.lines().next().unwrap_or_default();
        DenoError::new(
            ErrorKind::InvalidData,
            format!("malformed message: {first}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_keep_their_kind_and_context_names_what_failed() {
        for (errno, kind) in [
            (libc::ENOENT, ErrorKind::NotFound),
            (libc::EISDIR, ErrorKind::IsADirectory),
            (libc::ENOTEMPTY, ErrorKind::DirectoryNotEmpty),
            (libc::ESPIPE, ErrorKind::NotSeekable),
            (libc::EXDEV, ErrorKind::CrossesDevices),
            (libc::ENOSPC, ErrorKind::StorageFull),
        ] {
            let e = DenoError::from(io::Error::from_raw_os_error(errno));
            assert_eq!(e.kind, kind, "errno {errno}");
        }
        let e = DenoError::from(io::Error::from_raw_os_error(libc::ENOENT)).context("stat '/x'");
        assert_eq!(e.msg, "No such file or directory (os error 2), stat '/x'");
    }
}
