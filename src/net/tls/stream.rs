//! The TLS record layer around one connection's non-blocking socket: plaintext in and out,
//! TLS records pulled from and pushed to the socket as it allows, the handshake's end
//! told once, close_notify on an orderly close, and rustls' errors turned into
//! [`TlsProblem`]s.

use super::reason::problem;
use super::{Built, TlsInfo, TlsProblem, config::cert_info};
use rustls::{Connection, Error};
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

/// How much plaintext and TLS output rustls may hold before a write waits for the socket.
const BUFFER_LIMIT: usize = 256 * 1024;

pub(crate) struct TlsStream {
    conn: Connection,
    started: Instant,
    timeout: Duration,
    /// The end of the handshake has been told.
    told_ready: bool,
    insecure: bool,
    /// The SNI name (for a name-mismatch problem).
    name: String,
    /// Client: the certificate its verifier refused, if it did.
    seen: Option<super::trust::Seen>,
}

/// What a read gave.
pub(crate) enum TlsRead {
    /// Plaintext, in the buffer's first bytes.
    Data(usize),
    /// Nothing more for now.
    WouldBlock,
    /// The peer closed: with close_notify, or just the TCP FIN.
    Eof,
    /// The handshake (or a record) failed.
    Failed(TlsProblem),
    /// The socket failed (a reset, say).
    Io(io::Error),
}

impl TlsStream {
    /// A new connection's TLS: a client's or a server's, from the session's [`Built`].
    pub fn new(built: &Built, timeout: Duration) -> Result<TlsStream, TlsProblem> {
        let (conn, insecure, name, seen): (Connection, bool, String, _) = match built {
            Built::Client {
                config,
                name,
                insecure,
                seen,
            } => {
                let c = rustls::ClientConnection::new(config.clone(), name.clone())
                    .map_err(|e| TlsProblem::Handshake { why: e.to_string() })?;
                let name = name.to_str().into_owned();
                (c.into(), *insecure, name, Some(seen.clone()))
            }
            Built::Server { config, .. } => {
                let c = rustls::ServerConnection::new(config.clone())
                    .map_err(|e| TlsProblem::Handshake { why: e.to_string() })?;
                (c.into(), false, String::new(), None)
            }
        };
        let mut conn = conn;
        conn.set_buffer_limit(Some(BUFFER_LIMIT));
        Ok(TlsStream {
            conn,
            started: Instant::now(),
            timeout,
            told_ready: false,
            insecure,
            name,
            seen,
        })
    }

    /// Client: the certificate the server presented and the verifier refused (once).
    pub fn take_refused(&mut self) -> Option<super::CertInfo> {
        let seen = self.seen.as_ref()?;
        let der = seen.lock().ok()?.take()?;
        cert_info(&der)
    }

    /// Plaintext from the peer, pulling TLS records from `sock` as needed.
    pub fn read<S: Read + Write>(&mut self, sock: &mut S, buf: &mut [u8]) -> TlsRead {
        loop {
            match self.conn.reader().read(buf) {
                Ok(0) => return TlsRead::Eof,
                Ok(n) => return TlsRead::Data(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {
                    return TlsRead::Eof;
                }
                Err(e) => return TlsRead::Io(e),
            }
            match self.conn.read_tls(sock) {
                Ok(0) => {
                    if let Err(e) = self.conn.process_new_packets() {
                        return TlsRead::Failed(self.problem(e));
                    }
                    if self.conn.is_handshaking() {
                        return TlsRead::Failed(TlsProblem::ClosedInHandshake);
                    }
                    // The reader now says whether close_notify came first.
                }
                Ok(_) => {
                    if let Err(e) = self.conn.process_new_packets() {
                        // Tell the peer why (the alert rustls queued), then give up.
                        let _ = self.write_out(sock);
                        return TlsRead::Failed(self.problem(e));
                    }
                    // Handshake replies, key updates.
                    if let Err(e) = self.write_out(sock) {
                        return TlsRead::Io(e);
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return TlsRead::WouldBlock,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return TlsRead::Io(e),
            }
        }
    }

    /// Hands plaintext to TLS and pushes records to `sock`. WouldBlock when TLS holds as
    /// much as it may until the socket takes more.
    pub fn write<S: Write>(&mut self, sock: &mut S, piece: &[u8]) -> io::Result<usize> {
        self.write_out(sock)?;
        let n = self.conn.writer().write(piece)?;
        self.write_out(sock)?;
        if n == 0 && !piece.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        Ok(n)
    }

    /// Pushes whatever TLS output is waiting, until the socket would block.
    pub fn write_out<S: Write>(&mut self, sock: &mut S) -> io::Result<()> {
        while self.conn.wants_write() {
            match self.conn.write_tls(sock) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// The handshake is still under way.
    pub fn handshaking(&self) -> bool {
        self.conn.is_handshaking()
    }

    /// TLS output is still waiting for the socket.
    pub fn wants_write(&self) -> bool {
        self.conn.wants_write()
    }

    /// close_notify: this side sends no more (before shutdown or close).
    pub fn close_notify<S: Write>(&mut self, sock: &mut S) {
        self.conn.send_close_notify();
        let _ = self.write_out(sock);
    }

    /// The handshake took too long.
    pub fn timed_out(&self, now: Instant) -> Option<TlsProblem> {
        (self.conn.is_handshaking() && now.duration_since(self.started) > self.timeout).then(|| {
            TlsProblem::HandshakeTimeout {
                secs: self.timeout.as_secs().max(1),
            }
        })
    }

    /// The handshake's result, once, when it has just finished.
    pub fn just_ready(&mut self) -> Option<TlsInfo> {
        if self.told_ready || self.conn.is_handshaking() {
            return None;
        }
        self.told_ready = true;
        let version = match self.conn.protocol_version() {
            Some(rustls::ProtocolVersion::TLSv1_3) => "TLSv1.3".to_string(),
            Some(rustls::ProtocolVersion::TLSv1_2) => "TLSv1.2".to_string(),
            Some(v) => format!("{v:?}"),
            None => "?".into(),
        };
        let cipher = self
            .conn
            .negotiated_cipher_suite()
            .map(|s| {
                let s = s.suite();
                s.as_str().map_or_else(|| format!("{s:?}"), str::to_string)
            })
            .unwrap_or_default();
        let alpn = self
            .conn
            .alpn_protocol()
            .map(|p| String::from_utf8_lossy(p).into_owned());
        let peer_cert = self
            .conn
            .peer_certificates()
            .and_then(|c| c.first())
            .and_then(cert_info);
        Some(TlsInfo {
            version,
            cipher,
            alpn,
            peer_cert,
            unverified: self.insecure,
        })
    }

    fn problem(&self, e: Error) -> TlsProblem {
        problem(e, self.conn.is_handshaking(), &self.name)
    }
}

/// The alert's name as the RFCs write it: handshake_failure, bad_certificate…
pub(super) fn alert_name(a: rustls::AlertDescription) -> String {
    let Some(camel) = a.as_str() else {
        return format!("{a:?}");
    };
    let mut out = String::new();
    let mut prev_lower = false;
    for ch in camel.chars() {
        if ch.is_ascii_uppercase() && prev_lower {
            out.push('_');
        }
        prev_lower = ch.is_ascii_lowercase();
        out.push(ch.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alerts_are_named_as_the_rfcs_write_them() {
        assert_eq!(
            alert_name(rustls::AlertDescription::HandshakeFailure),
            "handshake_failure"
        );
        assert_eq!(
            alert_name(rustls::AlertDescription::UnknownCA),
            "unknown_ca"
        );
    }
}
