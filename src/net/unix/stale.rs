//! Before a unix socket server binds its path: a socket file left by an earlier run (a
//! socket nobody listens on: connect() is refused) is removed, and said so. Anything
//! else at the path, a regular file or a socket someone listens on, is left alone and
//! the server refuses to start with a typed reason.

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

/// Clears the way for binding `path`, or says why not: the error's kind and its English.
pub(crate) fn prepare(path: &Path) -> Result<Prepared, (ErrorKind, String)> {
    let shown = format!("unix:{}", path.display());
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Prepared::Free),
        Err(e) => {
            let (kind, msg) = super::describe(&e, Op::Listen, &shown);
            return Err((kind, msg));
        }
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
            format!(
                "cannot listen on {shown}: {what} is at that path, and it was left alone; choose another path"
            ),
        ));
    }
    match std::os::unix::net::UnixStream::connect(path) {
        Ok(_) => Err((
            ErrorKind::UnixSocketLive,
            format!(
                "cannot listen on {shown}: another program is listening on that socket, and it was left alone"
            ),
        )),
        Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
            match std::fs::remove_file(path) {
                Ok(()) => Ok(Prepared::RemovedStale),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Prepared::Free),
                Err(e) => Err(super::describe(&e, Op::Listen, &shown)),
            }
        }
        Err(e) => Err(super::describe(&e, Op::Listen, &shown)),
    }
}
