//! A TCP relay's TLS: what it builds at its start for the listening side (a server's
//! configuration) and the upstream side (a client's, SNI from the host of `to`), the
//! check of the files and names before a start, and each pair's sockets wrapped in it,
//! with the handshake's end or failure told.

use super::side::{Leg, Side};
use super::{Hub, PairEnd, RelayConfig, RelayKind};
use crate::net::tls::{Built, TlsProblem};
use std::net::{SocketAddr, TcpStream};

/// The pair's TLS: what the relay built at its start for each side (None: plain).
pub(super) struct TlsSides {
    pub listen: Option<Built>,
    pub upstream: Option<Built>,
}

impl TlsSides {
    /// Builds the TLS the configuration asks for; the problem (with the leg) if it cannot.
    pub fn build(config: &RelayConfig) -> Result<TlsSides, (Leg, TlsProblem)> {
        let listen = match &config.tls_listen {
            Some(o) => Some(crate::net::tls::build(o, true, "").map_err(|p| (Leg::Client, p))?),
            None => None,
        };
        let host = crate::net::addr::split_host_port(&config.to)
            .map(|(h, _)| h)
            .unwrap_or_default();
        let upstream = match &config.tls_upstream {
            Some(o) => Some(crate::net::tls::build(o, false, &host).map_err(|p| (Leg::Server, p))?),
            None => None,
        };
        Ok(TlsSides { listen, upstream })
    }
}

/// Reads the TLS files and checks the names the relay's start will use, to say a wrong
/// one first (a listening side without a certificate is left to the start, which makes
/// the self-signed one).
pub(super) fn check_tls(config: &RelayConfig) -> Result<(), (Leg, TlsProblem)> {
    let mut c = config.clone();
    c.tls_listen = c.tls_listen.filter(|o| o.cert.is_some());
    TlsSides::build(&c).map(|_| ())
}

/// Wraps a socket of the pair in its TLS (if any), telling the handshake's end; None
/// (told, with the pair closed) if the handshake failed.
pub(super) fn wrap(
    sock: TcpStream,
    built: Option<&Built>,
    leg: Leg,
    ids: (u64, SocketAddr),
    hub: &Hub,
) -> Option<(Side, Vec<u8>)> {
    let Some(built) = built else {
        return Some((Side::plain(sock), Vec::new()));
    };
    let (id, peer) = ids;
    match Side::tls(sock, built, &hub.stop) {
        Ok((side, info, early)) => {
            let info = Box::new(info);
            hub.emit(Some(id), Some(peer), RelayKind::TlsReady { leg, info });
            Some((side, early))
        }
        Err(problem) => {
            hub.emit(Some(id), Some(peer), RelayKind::TlsFailed { leg, problem });
            let why = PairEnd::TlsFailed;
            hub.emit(Some(id), Some(peer), RelayKind::PairClosed { why });
            None
        }
    }
}

/// The relay's TLS, built at its start; None (told) if a file or a name is wrong.
pub(super) fn tls_sides(config: &RelayConfig, hub: &Hub) -> Option<TlsSides> {
    match TlsSides::build(config) {
        Ok(t) => {
            if let Some(Built::Server { cert, source, .. }) = &t.listen {
                let (cert, source) = (cert.clone(), source.clone());
                hub.emit(None, None, RelayKind::TlsCert { cert, source });
            }
            Some(t)
        }
        Err((leg, problem)) => {
            hub.emit(None, None, RelayKind::TlsFailed { leg, problem });
            None
        }
    }
}
