//! One side of a TCP pair: its socket, plain or with TLS (the relay ends TLS from the
//! client on its listening side, and/or starts TLS to the server), so the pipes in between
//! carry plaintext and the log shows it.
//!
//! The reader reads the socket without a lock and hands what it read to rustls under the
//! side's lock; the writer takes the lock only for each attempt to write, so neither waits
//! for the other longer than one socket step.

use crate::net::tls::{Built, TlsInfo, TlsProblem, TlsStream, stream::TlsRead};
use serde::{Deserialize, Serialize};
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How long a TLS handshake with either side may take.
pub(crate) const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Bytes read from a side at a time.
pub(crate) const RAW: usize = 16 * 1024;

/// Which of a pair's connections a TLS event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Leg {
    /// The client's connection to the relay's listening address.
    Client,
    /// The relay's connection to the server.
    Server,
}

/// One connection of a pair.
pub(crate) struct Side {
    sock: TcpStream,
    tls: Option<Mutex<TlsStream>>,
}

/// What one read of a side gave.
pub(crate) enum Got {
    /// Plaintext (possibly none yet: a TLS record not complete).
    Data(Vec<u8>),
    /// Nothing within the socket's step.
    Wait,
    /// The peer closed (FIN, or TLS close_notify then FIN).
    Fin,
    /// The socket failed (a reset).
    Failed(io::Error),
    /// TLS failed (a bad record, an alert).
    Tls(TlsProblem),
}

fn waiting(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

/// The raw bytes one socket read gave, as rustls reads them; writes go to the socket.
struct Feed<'a> {
    raw: &'a [u8],
    eof: bool,
    sock: &'a TcpStream,
}

impl Read for Feed<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.raw.is_empty() {
            return if self.eof {
                Ok(0)
            } else {
                Err(io::ErrorKind::WouldBlock.into())
            };
        }
        let n = self.raw.len().min(buf.len());
        buf[..n].copy_from_slice(&self.raw[..n]);
        self.raw = &self.raw[n..];
        Ok(n)
    }
}

impl Write for Feed<'_> {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        (&*self.sock).write(b)
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl Side {
    pub fn plain(sock: TcpStream) -> Side {
        Side { sock, tls: None }
    }

    /// Starts TLS on `sock` and finishes the handshake (within [`HANDSHAKE_TIMEOUT`]):
    /// the side, what was negotiated, and any plaintext that came with the handshake's end.
    pub fn tls(
        sock: TcpStream,
        built: &Built,
        stop: &AtomicBool,
    ) -> Result<(Side, TlsInfo, Vec<u8>), TlsProblem> {
        let t = TlsStream::new(built, HANDSHAKE_TIMEOUT)?;
        let side = Side {
            sock,
            tls: Some(Mutex::new(t)),
        };
        let mut early = Vec::new();
        let info = side.handshake(&mut early, stop)?;
        Ok((side, info, early))
    }

    fn handshake(&self, early: &mut Vec<u8>, stop: &AtomicBool) -> Result<TlsInfo, TlsProblem> {
        let Some(tls) = &self.tls else {
            return Err(TlsProblem::Handshake {
                why: "no TLS on this side".into(),
            });
        };
        let mut buf = vec![0u8; RAW];
        // A client speaks first.
        {
            let mut t = tls.lock().unwrap_or_else(|e| e.into_inner());
            let _ = t.write_out(&mut &self.sock);
        }
        loop {
            {
                let mut t = tls.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(info) = t.just_ready() {
                    return Ok(info);
                }
                if let Some(p) = t.timed_out(std::time::Instant::now()) {
                    return Err(p);
                }
            }
            if stop.load(Ordering::Relaxed) {
                return Err(TlsProblem::ClosedInHandshake);
            }
            match self.read(&mut buf) {
                Got::Data(d) => early.extend_from_slice(&d),
                Got::Wait => {}
                Got::Fin => return Err(TlsProblem::ClosedInHandshake),
                Got::Failed(e) => return Err(TlsProblem::Handshake { why: e.to_string() }),
                Got::Tls(p) => return Err(p),
            }
        }
    }

    /// One read into `buf` (the plaintext is copied out): waits up to the socket's read
    /// timeout.
    pub fn read(&self, buf: &mut [u8]) -> Got {
        let Some(tls) = &self.tls else {
            return match (&self.sock).read(buf) {
                Ok(0) => Got::Fin,
                Ok(n) => Got::Data(buf[..n].to_vec()),
                Err(e) if waiting(&e) => Got::Wait,
                Err(e) => Got::Failed(e),
            };
        };
        let (n, eof) = match (&self.sock).read(buf) {
            Ok(0) => (0, true),
            Ok(n) => (n, false),
            Err(e) if waiting(&e) => return Got::Wait,
            Err(e) => return Got::Failed(e),
        };
        let mut feed = Feed {
            raw: &buf[..n],
            eof,
            sock: &self.sock,
        };
        let mut t = tls.lock().unwrap_or_else(|e| e.into_inner());
        let mut out = Vec::new();
        let mut plain = [0u8; 4096];
        loop {
            match t.read(&mut feed, &mut plain) {
                TlsRead::Data(k) => out.extend_from_slice(&plain[..k]),
                TlsRead::WouldBlock => return Got::Data(out),
                TlsRead::Eof if out.is_empty() => return Got::Fin,
                // The plaintext first; the FIN shows at the next read.
                TlsRead::Eof => return Got::Data(out),
                TlsRead::Failed(p) => return Got::Tls(p),
                TlsRead::Io(e) => return Got::Failed(e),
            }
        }
    }

    /// Writes some of `b` (0 or WouldBlock: try again).
    fn write_some(&self, b: &[u8]) -> io::Result<usize> {
        match &self.tls {
            None => (&self.sock).write(b),
            Some(tls) => {
                let mut t = tls.lock().unwrap_or_else(|e| e.into_inner());
                t.write(&mut &self.sock, b)
            }
        }
    }

    /// Pushes TLS output still held (after the plaintext was taken): true when none is left.
    fn flushed(&self) -> io::Result<bool> {
        let Some(tls) = &self.tls else {
            return Ok(true);
        };
        let mut t = tls.lock().unwrap_or_else(|e| e.into_inner());
        t.write_out(&mut &self.sock)?;
        Ok(!t.wants_write())
    }

    /// Writes all of `b`, a step at a time, giving up (quietly) once `gone` says so.
    pub fn write_all(&self, mut b: &[u8], gone: &dyn Fn() -> bool) -> io::Result<()> {
        while !b.is_empty() {
            if gone() {
                return Ok(());
            }
            match self.write_some(b) {
                Ok(0) if self.tls.is_none() => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => b = &b[n..],
                Err(e) if waiting(&e) => {}
                Err(e) => return Err(e),
            }
        }
        while !self.flushed()? {
            if gone() {
                return Ok(());
            }
        }
        Ok(())
    }

    /// This side sends no more: TLS close_notify, then FIN.
    pub fn shutdown_write(&self) {
        if let Some(tls) = &self.tls {
            let mut t = tls.lock().unwrap_or_else(|e| e.into_inner());
            t.close_notify(&mut &self.sock);
        }
        let _ = self.sock.shutdown(Shutdown::Write);
    }

    /// Wakes this side's reader (blocked in a read): the pair is closing.
    pub fn wake_reader(&self) {
        let _ = self.sock.shutdown(Shutdown::Read);
    }

    /// Closing resets this side (SO_LINGER 0: RST).
    pub fn reset_on_close(&self) {
        let _ = socket2::SockRef::from(&self.sock).set_linger(Some(Duration::ZERO));
    }
}
