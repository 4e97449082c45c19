//! Named pipes (a live feed into `wireshark -k -i FIFO`): telling one from a file, and
//! opening one for writing only once a reader has, keeping (bounded) what arrives meanwhile.

use super::Msg;
#[cfg(target_os = "linux")]
use super::batch_bytes;
use crossbeam_channel::Receiver;
use std::fs::File;
use std::io;
use std::path::Path;

/// A FIFO keeps at most this many payload bytes of messages while it waits for a reader.
#[cfg(target_os = "linux")]
const MAX_EARLY_BYTES: usize = 16 << 20;

#[cfg(target_os = "linux")]
fn msg_bytes(m: &Msg) -> usize {
    match m {
        Msg::Event(ev) => ev.kind.data().map_or(64, |d| d.len() + 64),
        Msg::Events(evs) => batch_bytes(evs) + 64 * evs.len(),
        _ => 64,
    }
}

/// True for a named pipe (mkfifo).
pub(super) fn is_fifo(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo())
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// Opens a FIFO for writing once a reader has opened it, keeping the messages that
/// arrive meanwhile (None: the session ended first). Linux: polls a non-blocking open
/// (ENXIO while nobody reads); elsewhere a plain, blocking open.
pub(super) fn wait_for_reader(
    path: &Path,
    rx: &Receiver<Msg>,
) -> io::Result<Option<(File, Vec<Msg>)>> {
    let mut early = std::collections::VecDeque::new();
    #[cfg(target_os = "linux")]
    let mut early_bytes = 0usize;
    #[cfg(target_os = "linux")]
    loop {
        use std::os::unix::fs::OpenOptionsExt;
        let opened = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path);
        match opened {
            Ok(f) => {
                use std::os::fd::AsRawFd;
                // Blocking from now on: a slow reader slows the writer, never drops.
                // SAFETY: fcntl on a descriptor this function owns.
                unsafe {
                    let fd = f.as_raw_fd();
                    let flags = libc::fcntl(fd, libc::F_GETFL);
                    libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK);
                }
                return Ok(Some((f, early.into())));
            }
            Err(e) if e.raw_os_error() == Some(libc::ENXIO) => {
                match rx.recv_timeout(std::time::Duration::from_millis(100)) {
                    // A live feed keeps the newest batches until a reader comes (the
                    // session's own log keeps everything).
                    Ok(m) => {
                        early_bytes += msg_bytes(&m);
                        early.push_back(m);
                        while early_bytes > MAX_EARLY_BYTES {
                            match early.pop_front() {
                                Some(old) => early_bytes -= msg_bytes(&old),
                                None => break,
                            }
                        }
                    }
                    Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
                    Err(crossbeam_channel::RecvTimeoutError::Disconnected) => return Ok(None),
                }
            }
            Err(e) => return Err(e),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = rx;
        let f = std::fs::OpenOptions::new().write(true).open(path)?;
        Ok(Some((f, std::mem::take(&mut early).into())))
    }
}
