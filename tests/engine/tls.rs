//! TLS on both TCP roles, on loopback with OS-assigned ports, against Python's `ssl`
//! (OpenSSL) as an independent peer: the lesson's GBK exchange both ways, the server's
//! self-signed certificate and its fingerprint, mutual TLS, and every typed failure
//! (unknown issuer, expired, name mismatch, an alert, client certificate missing,
//! plaintext on a TLS port and TLS on a plaintext port, a silent peer, a bad file).
//! The 64 MiB transfer is in tests/engine/tls_bulk.rs; openssl s_server / s_client in
//! tests/engine/tls_openssl.rs.

use crate::support as common;
use crate::support::tls as tls_support;

use common::*;
use socket_tester::codec::Encoding;
use socket_tester::net::tls::{TlsFile, TlsOptions, TlsProblem};
use socket_tester::net::{CloseReason, Command, EventKind, Payload, Role, SessionConfig, Target};
use std::io::{Read, Write};
use std::time::Duration;
use tls_support::*;

fn send(w: &Watch, text: &str) {
    w.send(Command::Send {
        payload: Payload::Text(text.into()),
        to: Target::Default,
    });
}

fn client(port: u16, tls: TlsOptions) -> Watch {
    Watch::start(
        SessionConfig::new(Role::TcpClient, format!("127.0.0.1:{port}"))
            .encoding(Encoding::GBK)
            .tls(tls),
    )
}

fn server(tls: TlsOptions) -> (Watch, u16) {
    let mut w = Watch::start(
        SessionConfig::new(Role::TcpServer, "127.0.0.1:0")
            .encoding(Encoding::GBK)
            .tls(tls),
    );
    let port = w.wait_local().port();
    (w, port)
}

fn ca(pki: &Pki) -> TlsOptions {
    TlsOptions {
        ca: Some(pki.ca()),
        ..TlsOptions::default()
    }
}

/// The TLS problem the session reports next.
fn problem(w: &mut Watch) -> TlsProblem {
    match w
        .wait("a TLS failure", |e| {
            matches!(e.kind, EventKind::TlsFailed(_))
        })
        .kind
    {
        EventKind::TlsFailed(p) => p,
        _ => unreachable!(),
    }
}

fn py_server(pki: &Pki, pair: &Pair, ca: Option<&Pki>, what: &str) -> Option<(Py, u16)> {
    let ca = ca.map(|p| p.ca().display().to_string());
    let mut py = Py::start(&[
        "server",
        pair.cert.to_str().unwrap(),
        pair.key.to_str().unwrap(),
        ca.as_deref().unwrap_or("-"),
        what,
    ])?;
    let _ = pki;
    let port = py.port();
    Some((py, port))
}

#[test]
fn client_speaks_gbk_to_a_python_tls_server_and_shows_the_handshake() {
    let pki = Pki::new();
    let Some((mut py, port)) = py_server(&pki, &pki.server(), None, "gbk") else {
        return;
    };
    let mut w = client(port, ca(&pki));
    let ready = w.wait("TLS ready", |e| matches!(e.kind, EventKind::TlsReady(_)));
    let EventKind::TlsReady(info) = ready.kind else {
        unreachable!()
    };
    assert_eq!(info.version, "TLSv1.3");
    assert!(info.cipher.starts_with("TLS13_"), "{}", info.cipher);
    assert!(!info.unverified);
    let cert = info.peer_cert.expect("the server's certificate");
    assert_eq!(cert.subject, "CN=localhost");
    assert_eq!(cert.issuer, "CN=Socket Tester Test CA");
    assert!(cert.names.contains(&"127.0.0.1".to_string()));
    assert_eq!(cert.sha256.len(), 32 * 3 - 1);
    assert_eq!(py.until("VERSION"), "VERSION TLSv1.3");
    send(&w, "你好");
    assert_eq!(py.until("GOT"), "GOT 你好");
    let rx = w.wait("the reply", is_rx);
    let (gbk, _, _) = encoding_rs::GBK.encode("收到啦我反馈");
    assert_eq!(rx_bytes(&rx), &gbk[..]);
    w.send(Command::Stop);
    w.wait_end();
    // close_notify, then FIN: Python's recv returns b"" (an orderly TLS close).
    assert_eq!(py.until("END"), "END 0");
}

#[test]
fn server_answers_a_python_tls_client_with_its_self_signed_certificate() {
    let data = tempfile::tempdir().unwrap();
    let (mut w, port) = server(TlsOptions {
        self_signed_dir: Some(data.path().to_path_buf()),
        ..TlsOptions::default()
    });
    let told = w.wait("the server's certificate", |e| {
        matches!(e.kind, EventKind::TlsServerCert { .. })
    });
    let EventKind::TlsServerCert { cert, source } = told.kind else {
        unreachable!()
    };
    assert!(matches!(
        source,
        socket_tester::net::tls::CertSource::Generated { .. }
    ));
    let pem = data.path().join("tls-cert.pem");
    assert!(pem.exists() && data.path().join("tls-key.pem").exists());
    let Some(mut py) = Py::start(&[
        "client",
        &port.to_string(),
        pem.to_str().unwrap(),
        "-",
        "-",
        "你好",
    ]) else {
        return;
    };
    assert_eq!(py.until("VERSION"), "VERSION TLSv1.3");
    // The fingerprint the window shows is the one Python computes from the wire.
    let fp = py.until("FINGERPRINT");
    let shown = cert.sha256.replace(':', "").to_lowercase();
    assert_eq!(fp, format!("FINGERPRINT {shown}"));
    let rx = w.wait("the client's message", is_rx);
    let (gbk, _, _) = encoding_rs::GBK.encode("你好");
    assert_eq!(rx_bytes(&rx), &gbk[..]);
    w.send(Command::Send {
        payload: Payload::Text("收到啦我反馈".into()),
        to: Target::Client(rx.client.unwrap()),
    });
    assert_eq!(py.until("GOT"), "GOT 收到啦我反馈");
    w.wait("closed by the client", |e| {
        matches!(e.kind, EventKind::Closed { .. })
    });
    // A second server keeps the same certificate.
    w.send(Command::Stop);
    w.wait_end();
    let (mut again, _) = server(TlsOptions {
        self_signed_dir: Some(data.path().to_path_buf()),
        ..TlsOptions::default()
    });
    let told = again.wait("the kept certificate", |e| {
        matches!(e.kind, EventKind::TlsServerCert { .. })
    });
    let EventKind::TlsServerCert { cert: kept, source } = told.kind else {
        unreachable!()
    };
    assert!(matches!(
        source,
        socket_tester::net::tls::CertSource::Kept { .. }
    ));
    assert_eq!(kept.sha256, cert.sha256);
}

#[test]
fn mutual_tls_both_ways() {
    let pki = Pki::new();
    let srv = pki.server();
    let student = pki.issue("student 42", &["student42"], true, false);
    // Our server asks for client certificates from the CA.
    let (mut w, port) = server(TlsOptions {
        cert: Some(srv.cert.clone()),
        key: Some(srv.key.clone()),
        ca: Some(pki.ca()),
        ..TlsOptions::default()
    });
    let ca = pki.ca().display().to_string();
    // Without a certificate: refused, and told.
    let Some(mut py) = Py::start(&["client", &port.to_string(), &ca, "-", "-", "x"]) else {
        return;
    };
    assert_eq!(problem(&mut w), TlsProblem::NoClientCert);
    w.wait("closed after the failure", |e| {
        matches!(
            e.kind,
            EventKind::Closed {
                reason: CloseReason::TlsFailed,
                ..
            }
        )
    });
    let l = py.line();
    assert!(
        l.starts_with("HANDSHAKE-FAILED") || l.starts_with("VERSION"),
        "{l}"
    );
    drop(py);
    // With one: accepted, and the window shows who it is.
    let mut py = Py::start(&[
        "client",
        &port.to_string(),
        &ca,
        student.cert.to_str().unwrap(),
        student.key.to_str().unwrap(),
        "你好",
    ])
    .unwrap();
    let ready = w.wait("TLS ready", |e| matches!(e.kind, EventKind::TlsReady(_)));
    let EventKind::TlsReady(info) = ready.kind else {
        unreachable!()
    };
    assert_eq!(info.peer_cert.unwrap().subject, "CN=student 42");
    assert_eq!(py.until("VERSION"), "VERSION TLSv1.3");
    w.wait("the message", is_rx);
    drop(py);
    w.send(Command::Stop);
    w.wait_end();

    // Our client presents its certificate to a Python server that requires one.
    let (mut py, port) = py_server(&pki, &srv, Some(&pki), "gbk").unwrap();
    let mut c = client(
        port,
        TlsOptions {
            ca: Some(pki.ca()),
            cert: Some(student.cert.clone()),
            key: Some(student.key.clone()),
            ..TlsOptions::default()
        },
    );
    c.wait("TLS ready", |e| matches!(e.kind, EventKind::TlsReady(_)));
    assert_eq!(py.until("SUBJECT"), "SUBJECT student 42");
    send(&c, "你好");
    assert_eq!(py.until("GOT"), "GOT 你好");
    c.wait("the reply", is_rx);
}

#[test]
fn a_client_without_a_certificate_is_told_the_server_requires_one() {
    let pki = Pki::new();
    let Some((mut py, port)) = py_server(&pki, &pki.server(), Some(&pki), "gbk") else {
        return;
    };
    let mut c = client(port, ca(&pki));
    // TLS 1.3: the client finishes first; the server's alert arrives with the first read.
    send(&c, "你好");
    assert_eq!(problem(&mut c), TlsProblem::ClientCertRequired);
    assert!(py.line().contains("FAILED"));
    c.wait_end();
}

#[test]
fn certificate_failures_are_typed() {
    let pki = Pki::new();
    // Unknown issuer: the system's roots do not know the test CA.
    let Some((mut py, port)) = py_server(&pki, &pki.server(), None, "gbk") else {
        return;
    };
    let mut c = client(port, TlsOptions::default());
    assert_eq!(problem(&mut c), TlsProblem::UnknownIssuer);
    c.wait_end();
    assert!(py.line().starts_with("HANDSHAKE-FAILED"));

    // Expired.
    let old = pki.issue("localhost", &["localhost", "127.0.0.1"], false, true);
    let (mut py, port) = py_server(&pki, &old, None, "gbk").unwrap();
    let mut c = client(port, ca(&pki));
    assert_eq!(problem(&mut c), TlsProblem::Expired);
    c.wait_end();
    assert!(py.line().starts_with("HANDSHAKE-FAILED"));

    // A name the certificate does not list.
    let (mut py, port) = py_server(&pki, &pki.server(), None, "gbk").unwrap();
    let mut c = client(
        port,
        TlsOptions {
            ca: Some(pki.ca()),
            sni: Some("printer.example".into()),
            ..TlsOptions::default()
        },
    );
    assert_eq!(
        problem(&mut c),
        TlsProblem::NameMismatch {
            name: "printer.example".into()
        }
    );
    c.wait_end();
    assert!(py.line().starts_with("HANDSHAKE-FAILED"));

    // Accept any certificate: the same untrusted server is accepted, marked unverified.
    let (mut py, port) = py_server(&pki, &old, None, "gbk").unwrap();
    let mut c = client(
        port,
        TlsOptions {
            insecure: true,
            ..TlsOptions::default()
        },
    );
    let ready = c.wait("TLS ready", |e| matches!(e.kind, EventKind::TlsReady(_)));
    let EventKind::TlsReady(info) = ready.kind else {
        unreachable!()
    };
    assert!(info.unverified);
    assert_eq!(py.until("VERSION"), "VERSION TLSv1.3");
}

#[test]
fn a_handshake_alert_is_named() {
    let pki = Pki::new();
    // A TLS 1.2 server offering only AES128-SHA (CBC, no forward secrecy), which rustls
    // does not speak: OpenSSL answers with handshake_failure.
    let Some((mut py, port)) = py_server(&pki, &pki.server(), None, "tls12-cbc") else {
        return;
    };
    let mut c = client(port, ca(&pki));
    assert_eq!(
        problem(&mut c),
        TlsProblem::Alert {
            alert: "handshake_failure".into()
        }
    );
    c.wait_end();
    assert!(py.line().starts_with("HANDSHAKE-FAILED"));
}

#[test]
fn plaintext_and_tls_on_the_wrong_ports() {
    let pki = Pki::new();
    // A plaintext server that greets first (a device banner): not TLS.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let banner = std::thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        s.write_all(b"220 device ready\r\n").unwrap();
        let mut b = [0u8; 512];
        let _ = s.read(&mut b);
    });
    let mut c = client(port, ca(&pki));
    assert_eq!(problem(&mut c), TlsProblem::NotTls);
    c.wait_end();
    banner.join().unwrap();

    // A plaintext server that waits for the client to speak: the handshake times out.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let mut cfg = SessionConfig::new(Role::TcpClient, format!("127.0.0.1:{port}")).tls(ca(&pki));
    cfg.connect_timeout = Duration::from_secs(1);
    let mut c = Watch::start(cfg);
    let (_silent, _) = l.accept().unwrap();
    assert_eq!(problem(&mut c), TlsProblem::HandshakeTimeout { secs: 1 });
    c.wait_end();

    // A plaintext client on our TLS server: not TLS, and the client is closed.
    let srv = pki.server();
    let (mut w, port) = server(TlsOptions {
        cert: Some(srv.cert.clone()),
        key: Some(srv.key.clone()),
        ..TlsOptions::default()
    });
    let mut plain = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    plain.write_all(b"hello\n").unwrap();
    assert_eq!(problem(&mut w), TlsProblem::NotTls);
    let mut b = [0u8; 64];
    plain
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // The server's alert, then the close.
    let mut got = Vec::new();
    while let Ok(n) = plain.read(&mut b) {
        if n == 0 {
            break;
        }
        got.extend_from_slice(&b[..n]);
    }
    assert_eq!(got.first(), Some(&0x15), "a TLS alert record: {got:?}");
    w.send(Command::Stop);
    w.wait_end();

    // A TLS client on a plaintext server: the server says the peer speaks TLS.
    let mut plain_srv = Watch::start(SessionConfig::new(Role::TcpServer, "127.0.0.1:0"));
    let port = plain_srv.wait_local().port();
    let Some(_py) = Py::start(&[
        "client",
        &port.to_string(),
        pki.ca().to_str().unwrap(),
        "-",
        "-",
        "x",
    ]) else {
        return;
    };
    plain_srv.wait("the TLS hint", |e| {
        matches!(e.kind, EventKind::TlsOnPlainPort)
    });
}

#[test]
fn a_bad_file_names_itself_and_ends_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.pem");
    let mut w = Watch::start(
        SessionConfig::new(Role::TcpServer, "127.0.0.1:0").tls(TlsOptions {
            cert: Some(missing.clone()),
            ..TlsOptions::default()
        }),
    );
    match problem(&mut w) {
        TlsProblem::File { file, path, .. } => {
            assert_eq!(file, TlsFile::Cert);
            assert_eq!(path, missing.display().to_string());
        }
        p => panic!("{p:?}"),
    }
    w.wait_end();
    // A key file that holds no key.
    let junk = dir.path().join("junk.pem");
    std::fs::write(&junk, "not a key\n").unwrap();
    let pki = Pki::new();
    let srv = pki.server();
    let mut w = Watch::start(
        SessionConfig::new(Role::TcpServer, "127.0.0.1:0").tls(TlsOptions {
            cert: Some(srv.cert),
            key: Some(junk),
            ..TlsOptions::default()
        }),
    );
    assert!(matches!(
        problem(&mut w),
        TlsProblem::File {
            file: TlsFile::Key,
            ..
        }
    ));
    w.wait_end();
}

#[test]
fn a_new_self_signed_certificate_with_the_old_name_is_told_apart() {
    // Two servers' self-signed certificates: the same name, different keys.
    let (old_dir, new_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (mut old, _) = server(TlsOptions {
        self_signed_dir: Some(old_dir.path().to_path_buf()),
        ..TlsOptions::default()
    });
    old.wait("the first certificate", |e| {
        matches!(e.kind, EventKind::TlsServerCert { .. })
    });
    let (mut new, port) = server(TlsOptions {
        self_signed_dir: Some(new_dir.path().to_path_buf()),
        ..TlsOptions::default()
    });
    new.wait("the second certificate", |e| {
        matches!(e.kind, EventKind::TlsServerCert { .. })
    });
    // The client still trusts the first one.
    let mut c = client(
        port,
        TlsOptions {
            ca: Some(old_dir.path().join("tls-cert.pem")),
            sni: Some("localhost".into()),
            ..TlsOptions::default()
        },
    );
    assert_eq!(problem(&mut c), TlsProblem::WrongSigner);
    c.wait_end();
}
