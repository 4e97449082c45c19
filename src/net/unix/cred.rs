//! Who is at the other end of a unix stream socket: SO_PEERCRED on Linux (pid, uid) and
//! the program's name from /proc/PID/comm where it can be read.

use crate::net::PeerCred;
use std::os::fd::AsRawFd;

/// The peer's credentials; None where the system does not tell.
#[cfg(target_os = "linux")]
pub(crate) fn of(sock: &impl AsRawFd) -> Option<PeerCred> {
    let mut cred = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut len = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: `cred` is a plain C struct the kernel fills up to `len` bytes; the fd is an
    // open socket owned by `sock` for the duration of the call.
    let rc = unsafe {
        libc::getsockopt(
            sock.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut cred as *mut libc::ucred).cast(),
            &mut len,
        )
    };
    if rc != 0 || cred.pid <= 0 {
        return None;
    }
    let pid = cred.pid as u32;
    Some(PeerCred {
        pid: Some(pid),
        uid: Some(cred.uid),
        program: program(pid),
    })
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn of(_sock: &impl AsRawFd) -> Option<PeerCred> {
    None
}

/// The program's name (`/proc/PID/comm`, at most 64 bytes read), where readable.
#[cfg(target_os = "linux")]
fn program(pid: u32) -> Option<String> {
    use std::io::Read;
    let f = std::fs::File::open(format!("/proc/{pid}/comm")).ok()?;
    let mut buf = Vec::with_capacity(64);
    f.take(64).read_to_end(&mut buf).ok()?;
    let name = String::from_utf8_lossy(&buf).trim_end().to_string();
    (!name.is_empty()).then_some(name)
}
