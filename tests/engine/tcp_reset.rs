//! Reset connection (RST) on both TCP roles, on loopback with OS-assigned ports: the TCP
//! client aborts against an independent Python peer, which sees "connection reset by peer"
//! (ConnectionResetError), and the TCP server aborts one client and then all of them,
//! each std::net client seeing ECONNRESET, not the EOF of a FIN.

use crate::support as common;

use common::*;
use socket_tester::net::{Command, EventKind, Payload, ResetReason, Role, SessionConfig, Target};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command as Proc, Stdio};

/// A Python TCP server on 127.0.0.1 (OS-assigned port) that accepts one client, reads
/// until the connection ends and prints how it ended: "EOF" for a FIN, "RESET" for an RST.
const PY_PEER: &str = r#"
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
c.settimeout(10)
got = b""
try:
    while True:
        b = c.recv(4096)
        if not b:
            print("EOF", got.decode(), flush=True)
            break
        if not got:
            print("READ", flush=True)
        got += b
except ConnectionResetError:
    print("RESET", got.decode(), flush=True)
"#;

fn python() -> Option<std::process::Child> {
    Proc::new("python3")
        .args(["-c", PY_PEER])
        .stdout(Stdio::piped())
        .spawn()
        .ok()
}

#[test]
fn client_reset_reaches_a_python_peer_as_connection_reset() {
    let Some(mut py) = python() else {
        // CI installs python3 (.ci/run); a machine without it skips, saying so.
        eprintln!("skipped: python3 is not installed");
        return;
    };
    let mut out = py.stdout.take().expect("piped stdout");
    let mut line = Vec::new();
    let mut b = [0u8; 1];
    while out.read(&mut b).unwrap_or(0) == 1 && b[0] != b'\n' {
        line.push(b[0]);
    }
    let port: u16 = String::from_utf8_lossy(&line)
        .trim()
        .parse()
        .expect("the peer's port");

    let mut w = Watch::start(SessionConfig::new(
        Role::TcpClient,
        format!("127.0.0.1:{port}"),
    ));
    w.wait("connected", |e| e.kind == EventKind::Connected);
    w.send(Command::Send {
        payload: Payload::Text("before the reset".into()),
        to: Target::Default,
    });
    w.wait("tx", is_tx);
    // Abort only once the peer has read the bytes (an RST discards unread data).
    let mut read_line = Vec::new();
    while out.read(&mut b).unwrap_or(0) == 1 && b[0] != b'\n' {
        read_line.push(b[0]);
    }
    assert_eq!(read_line, b"READ", "the peer read the data");
    w.send(Command::Reset(None));
    let ev = w.wait("reset", |e| matches!(e.kind, EventKind::Reset { .. }));
    assert_eq!(
        ev.kind,
        EventKind::Reset {
            reason: ResetReason::ResetHere
        }
    );
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    let _ = py.wait();
    assert_eq!(
        rest.trim(),
        "RESET before the reset",
        "the peer saw: {rest:?}"
    );
    // The session ends with the connection.
    let end = w.wait_end();
    assert!(
        !end.iter()
            .any(|e| matches!(e.kind, EventKind::Closed { .. })),
        "an RST is not also told as a close: {end:?}"
    );
}

/// Reads until the connection ends: Ok(bytes) on EOF (FIN), Err(kind) on an error.
fn read_to_end_or_error(c: &mut TcpStream) -> Result<Vec<u8>, std::io::ErrorKind> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match c.read(&mut buf) {
            Ok(0) => return Ok(got),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) => return Err(e.kind()),
        }
    }
}

#[test]
fn server_resets_one_client_then_all_of_them() {
    let mut w = Watch::start(SessionConfig::new(
        Role::TcpServer,
        "127.0.0.1:0".to_string(),
    ));
    let addr = w.wait_local();
    let mut clients: Vec<TcpStream> = (0..3)
        .map(|_| {
            let c = TcpStream::connect(addr).unwrap();
            c.set_read_timeout(Some(WAIT)).unwrap();
            c
        })
        .collect();
    let accepted = w.wait_n("accepted", 3, |e| e.kind == EventKind::Accepted);
    let first = accepted[0].client.expect("a client id");
    let first_peer = accepted[0].peer.expect("a client address");

    w.send(Command::Reset(Some(first)));
    let ev = w.wait("reset one", |e| matches!(e.kind, EventKind::Reset { .. }));
    assert_eq!(ev.client, Some(first));
    // Which std::net stream was the first accepted: the one whose local address it names.
    let i = clients
        .iter()
        .position(|c| c.local_addr().ok() == Some(first_peer))
        .expect("the reset client");
    let mut reset = clients.remove(i);
    assert_eq!(
        read_to_end_or_error(&mut reset),
        Err(std::io::ErrorKind::ConnectionReset)
    );
    // The others are still connected: they can talk.
    clients[0].write_all(b"still here").unwrap();
    w.wait("the others still talk", |e| rx_bytes(e) == b"still here");

    // Reset every client.
    w.send(Command::Reset(None));
    let resets = w.wait_n("reset all", 2, |e| {
        matches!(e.kind, EventKind::Reset { .. })
    });
    assert!(resets.iter().all(|e| e.kind
        == EventKind::Reset {
            reason: ResetReason::ResetHere
        }));
    for c in &mut clients {
        assert_eq!(
            read_to_end_or_error(c),
            Err(std::io::ErrorKind::ConnectionReset)
        );
    }
    w.send(Command::Stop);
    w.wait_end();
}
