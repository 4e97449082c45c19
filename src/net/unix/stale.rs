//! Before a unix socket binds its path (a stream server's listen, a datagram socket's
//! bind): a socket file left by an earlier run (a socket nobody listens on or has bound:
//! connect() is refused) is removed, and said so. Anything else at the path, a regular
//! file, a folder, or a socket in use, is left alone and the session refuses to start
//! with a typed reason.

use crate::net::ErrorKind;
use crate::net::error::Op;
use std::io;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;

/// What was at the path.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Prepared {
    /// Nothing: bind may go ahead.
    Free,
    /// A stale socket file was removed.
    RemovedStale,
}

/// The socket that will bind the path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// SOCK_STREAM: a server's listen.
    Stream,
    /// SOCK_DGRAM: a bind.
    Dgram,
}

/// Clears the way for binding `path`, or says why not: the error's kind and its English.
pub(crate) fn prepare(path: &Path, sock: Kind) -> Result<Prepared, (ErrorKind, String)> {
    let shown = format!("unix:{}", path.display());
    let op = match sock {
        Kind::Stream => Op::Listen,
        Kind::Dgram => Op::Bind,
    };
    let cannot = format!("cannot {} {shown}", op.verb());
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Prepared::Free),
        Err(e) => return Err(super::describe(&e, op, &shown)),
    };
    if !meta.file_type().is_socket() {
        let what = if meta.is_file() {
            "a regular file"
        } else if meta.is_dir() {
            "a folder"
        } else if meta.file_type().is_symlink() {
            "a symbolic link"
        } else {
            "a file that is not a socket"
        };
        return Err((
            ErrorKind::UnixPathTaken,
            format!("{cannot}: {what} is at that path, and it was left alone; choose another path"),
        ));
    }
    let probe = match sock {
        Kind::Stream => std::os::unix::net::UnixStream::connect(path).map(drop),
        Kind::Dgram => std::os::unix::net::UnixDatagram::unbound().and_then(|d| d.connect(path)),
    };
    // EPROTOTYPE: a live socket of the other type (a stream server where a datagram
    // socket would bind, or the other way round) — in use all the same.
    let other_type = |e: &io::Error| e.raw_os_error() == Some(libc::EPROTOTYPE);
    match probe {
        Err(e) if other_type(&e) => Err((
            ErrorKind::UnixSocketLive,
            format!(
                "{cannot}: another program has a socket of the other type there ({}), and it was left alone",
                match sock {
                    Kind::Stream => "a datagram socket",
                    Kind::Dgram => "a stream socket, listening",
                }
            ),
        )),
        Ok(()) => Err((
            ErrorKind::UnixSocketLive,
            format!(
                "{cannot}: another program is {} that socket, and it was left alone",
                match sock {
                    Kind::Stream => "listening on",
                    Kind::Dgram => "bound to",
                }
            ),
        )),
        Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
            match std::fs::remove_file(path) {
                Ok(()) => Ok(Prepared::RemovedStale),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Prepared::Free),
                Err(e) => Err(super::describe(&e, op, &shown)),
            }
        }
        Err(e) => Err(super::describe(&e, op, &shown)),
    }
}
