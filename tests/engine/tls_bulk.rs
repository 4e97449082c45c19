//! 64 MiB over TLS, byte for byte: the TCP client sends 64 one-MiB messages of random
//! bytes to a Python `ssl` server (an independent TLS stack) on loopback, which hashes
//! what it decrypted and answers with the length and SHA-256.

use crate::support as common;
use crate::support::tls as tls_support;

use common::*;
use sha2::{Digest, Sha256};
use socket_tester::net::tls::TlsOptions;
use socket_tester::net::{Command, EventKind, Payload, Role, SessionConfig, Target};
use tls_support::*;

const MIB: usize = 1 << 20;
const TOTAL: usize = 64 * MIB;

#[test]
fn sixty_four_mib_arrive_byte_for_byte() {
    let pki = Pki::new();
    let srv = pki.server();
    let Some(mut py) = Py::start(&[
        "server",
        srv.cert.to_str().unwrap(),
        srv.key.to_str().unwrap(),
        "-",
        "hash",
        &TOTAL.to_string(),
    ]) else {
        return;
    };
    let port = py.port();
    let mut w = Watch::start(
        SessionConfig::new(Role::TcpClient, format!("127.0.0.1:{port}")).tls(TlsOptions {
            ca: Some(pki.ca()),
            ..TlsOptions::default()
        }),
    );
    w.wait("TLS ready", |e| matches!(e.kind, EventKind::TlsReady(_)));
    let mut rng = fastrand::Rng::with_seed(64);
    let mut hash = Sha256::new();
    for _ in 0..TOTAL / MIB {
        let mut chunk = vec![0u8; MIB];
        rng.fill(&mut chunk);
        hash.update(&chunk);
        w.send(Command::Send {
            payload: Payload::Bytes(chunk),
            to: Target::Default,
        });
    }
    let want = format!("{TOTAL} {:x}", hash.finalize());
    // The answer arrives as one line (it may come in more than one read).
    let mut got = Vec::new();
    while !got.ends_with(b"\n") {
        let rx = w.wait("the hash", is_rx);
        got.extend_from_slice(rx_bytes(&rx));
    }
    assert_eq!(String::from_utf8_lossy(&got).trim_end(), want);
    assert_eq!(py.until("HASH"), format!("HASH {want}"));
    let sent: usize = w
        .seen
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Tx(d) => Some(d.len()),
            _ => None,
        })
        .sum();
    assert_eq!(sent, TOTAL, "every message told as sent once");
    // Keep memory small: the Tx events hold the data.
    w.seen.clear();
    w.send(Command::Stop);
    w.wait_end();
}
