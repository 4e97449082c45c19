//! TLS on the relay against OpenSSL peers (skipped, and said, without the openssl
//! command): `openssl s_server` upstream with the relay starting TLS to it, `openssl
//! s_client` and Python's ssl as clients of the relay's TLS listener; the relay's log
//! shows the plaintext both ways, and a handshake that fails is the pair's typed end.

use crate::support::tls::{Py, SServer, have_openssl, openssl, s};
use socket_tester::net::relay::{Dir, Leg, PairEnd, Relay, RelayConfig, RelayEvent, RelayKind};
use socket_tester::net::tls::{TlsOptions, TlsProblem};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(15);

/// A certificate made the default way: `openssl req -x509 -newkey rsa:2048 -nodes -subj
/// /CN=localhost` (no subjectAltName; CA:TRUE with OpenSSL 3). (cert, key).
fn default_cert(dir: &Path, stem: &str) -> (PathBuf, PathBuf) {
    let (cert, key) = (
        dir.join(format!("{stem}.pem")),
        dir.join(format!("{stem}.key")),
    );
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        s(&key),
        "-out",
        s(&cert),
    ]);
    (cert, key)
}

fn start(cfg: RelayConfig) -> (Relay, SocketAddr, Vec<RelayEvent>) {
    let relay = Relay::start(cfg);
    let mut seen = Vec::new();
    let end = Instant::now() + WAIT;
    while Instant::now() < end {
        if let Ok(ev) = relay.events().recv_timeout(Duration::from_millis(50)) {
            let local = ev
                .local
                .filter(|_| matches!(ev.kind, RelayKind::Listening { .. }));
            seen.push(ev);
            if let Some(a) = local {
                return (relay, a, seen);
            }
        }
    }
    panic!("the relay did not listen: {seen:?}");
}

fn wait_for(
    relay: &Relay,
    seen: &mut Vec<RelayEvent>,
    mut pred: impl FnMut(&RelayKind) -> bool,
) -> RelayEvent {
    if let Some(ev) = seen.iter().find(|e| pred(&e.kind)) {
        return ev.clone();
    }
    let end = Instant::now() + WAIT;
    while Instant::now() < end {
        if let Ok(ev) = relay.events().recv_timeout(Duration::from_millis(50)) {
            seen.push(ev.clone());
            if pred(&ev.kind) {
                return ev;
            }
        }
    }
    panic!("not seen; events: {seen:?}");
}

/// The bytes the relay told going `dir`, joined.
fn told(seen: &[RelayEvent], dir: Dir) -> Vec<u8> {
    seen.iter()
        .filter_map(|e| match &e.kind {
            RelayKind::Data { dir: d, bytes } if *d == dir => Some(bytes.clone()),
            _ => None,
        })
        .flatten()
        .collect()
}

fn s_client(port: u16, ca: &Path) -> Child {
    Command::new("openssl")
        .args(["s_client", "-quiet", "-verify_return_error", "-servername"])
        .args(["localhost", "-connect", &format!("127.0.0.1:{port}")])
        .arg("-CAfile")
        .arg(ca)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl s_client")
}

#[test]
fn tls_on_both_sides_shows_the_plaintext_both_ways() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (up_cert, up_key) = default_cert(dir.path(), "upstream");
    let (our_cert, our_key) = default_cert(dir.path(), "relay");
    let mut server = SServer::start(&crate::support::tls::Pair {
        cert: up_cert.clone(),
        key: up_key,
    });
    // SNI (and the name checked) is the host of --to.
    let mut cfg = RelayConfig::new("127.0.0.1:0", format!("localhost:{}", server.port));
    cfg.tls_upstream = Some(TlsOptions {
        ca: Some(up_cert),
        ..Default::default()
    });
    cfg.tls_listen = Some(TlsOptions {
        cert: Some(our_cert.clone()),
        key: Some(our_key),
        ..Default::default()
    });
    let (mut relay, at, mut seen) = start(cfg);
    assert!(
        seen.iter()
            .any(|e| matches!(e.kind, RelayKind::TlsCert { .. })),
        "the listening certificate is told: {seen:?}"
    );
    let mut c = s_client(at.port(), &our_cert);
    let mut c_out = BufReader::new(c.stdout.take().expect("stdout"));
    let mut c_in = c.stdin.take().expect("stdin");
    for leg in [Leg::Client, Leg::Server] {
        wait_for(
            &relay,
            &mut seen,
            |k| matches!(k, RelayKind::TlsReady { leg: l, .. } if *l == leg),
        );
    }
    c_in.write_all(b"hello from the client\n").expect("write");
    c_in.flush().expect("flush");
    let mut line = String::new();
    server.out.read_line(&mut line).expect("s_server's line");
    assert_eq!(line, "hello from the client\n");
    server
        .input
        .write_all(b"hello from the server\n")
        .expect("write");
    server.input.flush().expect("flush");
    let mut line = String::new();
    c_out.read_line(&mut line).expect("s_client's line");
    assert_eq!(line, "hello from the server\n");
    wait_for(&relay, &mut seen, |k| {
        matches!(k, RelayKind::Data { dir: Dir::Down, .. })
    });
    assert_eq!(told(&seen, Dir::Up), b"hello from the client\n");
    assert_eq!(told(&seen, Dir::Down), b"hello from the server\n");
    let _ = c.kill();
    let _ = c.wait();
    relay.stop_and_join();
}

#[test]
fn a_python_tls_client_through_the_relay_to_a_plain_server() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (cert, key) = default_cert(dir.path(), "relay");
    // A plain echo server upstream: the gateway's traffic read in plain text.
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let to = l.local_addr().expect("addr");
    std::thread::spawn(move || {
        if let Ok((mut c, _)) = l.accept() {
            let mut buf = [0u8; 4096];
            while let Ok(n) = c.read(&mut buf) {
                if n == 0 || c.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            let _ = c.shutdown(Shutdown::Write);
        }
    });
    let mut cfg = RelayConfig::new("127.0.0.1:0", to.to_string());
    cfg.tls_listen = Some(TlsOptions {
        cert: Some(cert.clone()),
        key: Some(key),
        ..Default::default()
    });
    let (mut relay, at, mut seen) = start(cfg);
    let port = at.port().to_string();
    let Some(mut py) = Py::start(&["client", &port, s(&cert), "-", "-", "你好 relay"]) else {
        return;
    };
    assert!(py.until("VERSION").starts_with("VERSION TLSv1."));
    assert_eq!(py.until("GOT"), "GOT 你好 relay");
    // The Python peer sends its message in GBK.
    let gbk: Vec<u8> = encoding_rs::GBK.encode("你好 relay").0.into_owned();
    wait_for(&relay, &mut seen, |k| {
        matches!(k, RelayKind::PairClosed { .. })
    });
    assert_eq!(
        told(&seen, Dir::Up),
        gbk,
        "the plaintext, as the client sent it"
    );
    assert_eq!(told(&seen, Dir::Down), gbk);
    relay.stop_and_join();
}

#[test]
fn an_untrusted_server_certificate_is_the_pairs_typed_end() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (up_cert, up_key) = default_cert(dir.path(), "upstream");
    let other = dir.path().join("other.pem");
    let other_key = dir.path().join("other.key");
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=someone else",
        "-keyout",
        s(&other_key),
        "-out",
        s(&other),
    ]);
    let server = SServer::start(&crate::support::tls::Pair {
        cert: up_cert,
        key: up_key,
    });
    let mut cfg = RelayConfig::new("127.0.0.1:0", format!("localhost:{}", server.port));
    cfg.tls_upstream = Some(TlsOptions {
        ca: Some(other),
        ..Default::default()
    });
    let (mut relay, at, mut seen) = start(cfg);
    let mut c = std::net::TcpStream::connect(at).expect("connect");
    c.set_read_timeout(Some(WAIT)).expect("timeout");
    let failed = wait_for(&relay, &mut seen, |k| {
        matches!(k, RelayKind::TlsFailed { .. })
    });
    assert!(
        matches!(
            failed.kind,
            RelayKind::TlsFailed {
                leg: Leg::Server,
                problem: TlsProblem::UnknownIssuer
            }
        ),
        "{failed:?}"
    );
    assert_eq!(failed.pair, Some(1));
    wait_for(&relay, &mut seen, |k| {
        matches!(
            k,
            RelayKind::PairClosed {
                why: PairEnd::TlsFailed
            }
        )
    });
    // The client's connection is closed: EOF (or a reset), never data.
    let mut buf = [0u8; 16];
    assert!(matches!(c.read(&mut buf), Ok(0) | Err(_)));
    relay.stop_and_join();
}

/// Stopping the relay ends each TLS client's session in order: close_notify before the FIN,
/// so a strict client (Python with `suppress_ragged_eofs=False`) reads a clean end, not a
/// truncation.
#[test]
fn stopping_the_relay_sends_close_notify_to_a_tls_client() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (cert, key) = default_cert(dir.path(), "relay");
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let to = l.local_addr().expect("addr");
    std::thread::spawn(move || {
        if let Ok((mut c, _)) = l.accept() {
            let mut buf = [0u8; 4096];
            while let Ok(n) = c.read(&mut buf) {
                if n == 0 || c.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    });
    let mut cfg = RelayConfig::new("127.0.0.1:0", to.to_string());
    cfg.tls_listen = Some(TlsOptions {
        cert: Some(cert.clone()),
        key: Some(key),
        ..Default::default()
    });
    let (mut relay, at, mut seen) = start(cfg);
    const STRICT: &str = r#"
import socket, ssl, sys
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.load_verify_locations(sys.argv[2])
ctx.check_hostname = False
raw = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=20)
s = ctx.wrap_socket(raw, suppress_ragged_eofs=False)
s.sendall(b"hi")
print("GOT", s.recv(10).decode(), flush=True)
try:
    print("END", "clean" if s.recv(10) == b"" else "data", flush=True)
except ssl.SSLError as e:
    print("END", "truncated", type(e).__name__, flush=True)
"#;
    let child = Command::new("python3")
        .args(["-c", STRICT, &at.port().to_string(), s(&cert)])
        .stdout(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        eprintln!("skipped: python3 is not installed");
        return;
    };
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("read");
    assert_eq!(line.trim(), "GOT hi");
    wait_for(&relay, &mut seen, |k| {
        matches!(k, RelayKind::Data { dir: Dir::Down, .. })
    });
    relay.stop_and_join();
    line.clear();
    out.read_line(&mut line).expect("read");
    assert_eq!(line.trim(), "END clean", "close_notify came before the FIN");
    let _ = child.wait();
}
