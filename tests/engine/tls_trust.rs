//! Trust as devices need it (issue 24): certificates made by the `openssl` command the way
//! devices and tutorials make them, served by `openssl s_server` and Python's `ssl` on
//! loopback. A self-signed certificate given as the CA file is trusted when presented as
//! it is, CA:TRUE (OpenSSL 3's default) or CA:FALSE; a chain under a real CA is still
//! verified in full (name included); another certificate is refused as having an unknown
//! issuer; a pin accepts exactly one certificate; a directly trusted certificate that has
//! expired is refused as expired; mutual TLS trusts a client's self-signed certificate the
//! same way. Skipped with a message where openssl is missing.

use crate::support as common;
use crate::support::tls as tls_support;

use common::*;
use socket_tester::i18n::Lang;
use socket_tester::net::tls::{CertInfo, Pin, TlsOptions, TlsProblem};
use socket_tester::net::{Command, EventKind, Payload, Role, SessionConfig, Target};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use tls_support::*;

/// Our client, with `tls`, exchanges a line each way with s_server.
fn exchange(srv: &mut SServer, tls: TlsOptions) {
    let mut w = client(srv.port, tls);
    w.wait("TLS ready", |e| matches!(e.kind, EventKind::TlsReady(_)));
    w.send(Command::Send {
        payload: Payload::Text("hello gateway\n".into()),
        to: Target::Default,
    });
    let mut line = String::new();
    srv.out.read_line(&mut line).unwrap();
    assert_eq!(line, "hello gateway\n");
    srv.input.write_all(b"hello client\n").unwrap();
    srv.input.flush().unwrap();
    let rx = w.wait("s_server's line", is_rx);
    assert_eq!(rx_bytes(&rx), b"hello client\n");
    w.send(Command::Stop);
    w.wait_end();
}

fn client(port: u16, tls: TlsOptions) -> Watch {
    Watch::start(SessionConfig::new(Role::TcpClient, format!("127.0.0.1:{port}")).tls(tls))
}

fn trusting(ca: &Path) -> TlsOptions {
    TlsOptions {
        ca: Some(ca.to_path_buf()),
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

/// Our client's refusal: why, and the certificate it refused (told first, for the window
/// to show and pin).
fn refused_with_cert(port: u16, tls: TlsOptions) -> (TlsProblem, CertInfo) {
    let mut w = client(port, tls);
    let cert = match w
        .wait("the refused certificate", |e| {
            matches!(e.kind, EventKind::TlsRefusedCert(_))
        })
        .kind
    {
        EventKind::TlsRefusedCert(c) => *c,
        _ => unreachable!(),
    };
    let p = problem(&mut w);
    // A client ends after a failed handshake.
    w.wait_end();
    (p, cert)
}

fn refused(port: u16, tls: TlsOptions) -> TlsProblem {
    refused_with_cert(port, tls).0
}

#[test]
fn the_default_openssl_certificate_is_trusted_as_its_own_ca_file() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pair = device_cert(dir.path(), "gateway", &[]);
    let text = openssl(&["x509", "-noout", "-text", "-in", s(&pair.cert)]);
    assert!(
        text.contains("CA:TRUE"),
        "OpenSSL 3 marks it CA:TRUE:\n{text}"
    );
    let mut srv = SServer::start(&pair);
    exchange(&mut srv, trusting(&pair.cert));
    // The name is not what trusts it: those exact bytes are.
    exchange(
        &mut srv,
        TlsOptions {
            sni: Some("printer.local".into()),
            ..trusting(&pair.cert)
        },
    );
}

#[test]
fn a_ca_false_self_signed_certificate_is_trusted_too() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let extra = ["-addext", "basicConstraints=critical,CA:FALSE"];
    let pair = device_cert(dir.path(), "gateway", &extra);
    let text = openssl(&["x509", "-noout", "-text", "-in", s(&pair.cert)]);
    assert!(text.contains("CA:FALSE"), "{text}");
    let mut srv = SServer::start(&pair);
    exchange(&mut srv, trusting(&pair.cert));
}

/// A CA and a leaf it signed, made with openssl: (CA certificate, leaf pair).
fn openssl_ca(dir: &Path) -> (PathBuf, Pair) {
    let (ca, ca_key) = (dir.join("root.pem"), dir.join("root.key"));
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        s(&ca_key),
        "-out",
        s(&ca),
        "-days",
        "30",
        "-subj",
        "/CN=Test Root",
    ]);
    let leaf = Pair {
        cert: dir.join("leaf.pem"),
        key: dir.join("leaf.key"),
    };
    let csr = dir.join("leaf.csr");
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        s(&leaf.key),
        "-out",
        s(&csr),
        "-subj",
        "/CN=gateway.local",
    ]);
    let ext = dir.join("leaf.ext");
    std::fs::write(
        &ext,
        "basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:gateway.local,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        s(&csr),
        "-CA",
        s(&ca),
        "-CAkey",
        s(&ca_key),
        "-CAcreateserial",
        "-days",
        "30",
        "-extfile",
        s(&ext),
        "-out",
        s(&leaf.cert),
    ]);
    (ca, leaf)
}

#[test]
fn a_chain_under_a_real_ca_is_verified_in_full() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (ca, leaf) = openssl_ca(dir.path());
    let mut srv = SServer::start(&leaf);
    exchange(&mut srv, trusting(&ca));
    exchange(
        &mut srv,
        TlsOptions {
            sni: Some("gateway.local".into()),
            ..trusting(&ca)
        },
    );
    // Through the chain the name is still checked.
    let p = refused(
        srv.port,
        TlsOptions {
            sni: Some("printer.local".into()),
            ..trusting(&ca)
        },
    );
    assert_eq!(
        p,
        TlsProblem::NameMismatch {
            name: "printer.local".into()
        }
    );
    // Another CA's file trusts nothing here.
    let other = device_cert(dir.path(), "other", &[]);
    assert_eq!(
        refused(srv.port, trusting(&other.cert)),
        TlsProblem::UnknownIssuer
    );
}

#[test]
fn another_self_signed_certificate_is_refused_as_an_unknown_issuer() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let served = device_cert(dir.path(), "gateway", &[]);
    let other = device_cert(dir.path(), "other", &[]);
    let srv = SServer::start(&served);
    let (p, cert) = refused_with_cert(srv.port, trusting(&other.cert));
    assert_eq!(p, TlsProblem::UnknownIssuer);
    // What was refused, to compare and pin: the certificate s_server presented.
    assert_eq!(cert.sha256, fingerprint(&served.cert));
    assert_eq!(cert.subject, "CN=gateway.local");
    // No Debug text in either language.
    for lang in [Lang::En, Lang::Zh] {
        let words = socket_tester::i18n_tls::problem(lang, &p);
        assert!(
            !words.contains("Other(") && !words.contains("CaUsedAs"),
            "{words}"
        );
    }
    // The system's roots do not know it either.
    assert_eq!(
        refused(srv.port, TlsOptions::default()),
        TlsProblem::UnknownIssuer
    );
}

#[test]
fn a_pin_accepts_exactly_one_certificate() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let served = device_cert(dir.path(), "gateway", &[]);
    let other = device_cert(dir.path(), "other", &[]);
    let (right, wrong) = (fingerprint(&served.cert), fingerprint(&other.cert));
    let pinned = |fp: &str| TlsOptions {
        pin: Some(Pin::parse(&format!("sha256:{fp}")).unwrap()),
        // Not a name the certificate lists: a pin does not look at names.
        sni: Some("printer.local".into()),
        ..TlsOptions::default()
    };
    let mut srv = SServer::start(&served);
    exchange(&mut srv, pinned(&right));
    // Lower case, no colons: the same pin.
    exchange(&mut srv, pinned(&right.replace(':', "").to_lowercase()));
    let p = refused(srv.port, pinned(&wrong));
    assert_eq!(
        p,
        TlsProblem::PinMismatch {
            expected: wrong.clone(),
            actual: right.clone()
        }
    );
    let words = socket_tester::i18n_tls::problem(Lang::Zh, &p);
    assert!(words.contains(&wrong) && words.contains(&right), "{words}");
}

#[test]
fn a_directly_trusted_certificate_that_has_expired_is_refused_as_expired() {
    if !have_openssl() {
        return;
    }
    // openssl 3.0's x509 cannot set dates in the past: rcgen makes it.
    let dir = tempfile::tempdir().unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "gateway.local");
    params.not_before = rcgen::date_time_ymd(2019, 1, 1);
    params.not_after = rcgen::date_time_ymd(2020, 1, 1);
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    let pair = Pair {
        cert: dir.path().join("old.pem"),
        key: dir.path().join("old.key"),
    };
    std::fs::write(&pair.cert, cert.pem()).unwrap();
    std::fs::write(&pair.key, key.serialize_pem()).unwrap();
    let mut srv = SServer::start(&pair);
    let p = refused(srv.port, trusting(&pair.cert));
    assert_eq!(p, TlsProblem::Expired);
    assert!(p.english().contains("expired"), "{}", p.english());
    // Pinned, its dates are not looked at.
    let pin = Pin::of(cert.der().as_ref());
    exchange(
        &mut srv,
        TlsOptions {
            pin: Some(pin),
            ..TlsOptions::default()
        },
    );
}

#[test]
fn a_python_server_with_the_default_openssl_certificate_is_trusted() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pair = device_cert(dir.path(), "gateway", &[]);
    let (cert, key) = (s(&pair.cert), s(&pair.key));
    let Some(mut py) = Py::start(&["server", cert, key, "-", "gbk"]) else {
        return;
    };
    let port = py.port();
    let mut w = client(port, trusting(&pair.cert));
    let ready = w.wait("TLS ready", |e| matches!(e.kind, EventKind::TlsReady(_)));
    let EventKind::TlsReady(info) = ready.kind else {
        unreachable!()
    };
    assert!(!info.unverified);
    assert_eq!(info.peer_cert.unwrap().sha256, fingerprint(&pair.cert));
    assert_eq!(py.until("VERSION"), "VERSION TLSv1.3");
    w.send(Command::Send {
        payload: Payload::Bytes(vec![0xc4, 0xe3, 0xba, 0xc3]),
        to: Target::Default,
    });
    assert_eq!(py.until("GOT"), "GOT 你好");
    let rx = w.wait("the reply", is_rx);
    let (gbk, _, _) = encoding_rs::GBK.encode("收到啦我反馈");
    assert_eq!(rx_bytes(&rx), &gbk[..]);
    w.send(Command::Stop);
    w.wait_end();
}

#[test]
fn mutual_tls_trusts_a_clients_self_signed_certificate_directly() {
    if !have_openssl() {
        return;
    }
    let pki = Pki::new();
    let srv = pki.server();
    let dir = tempfile::tempdir().unwrap();
    let device = device_cert(dir.path(), "device", &[]);
    let stranger = device_cert(dir.path(), "stranger", &[]);
    let mut w = Watch::start(
        SessionConfig::new(Role::TcpServer, "127.0.0.1:0").tls(TlsOptions {
            cert: Some(srv.cert.clone()),
            key: Some(srv.key.clone()),
            ca: Some(device.cert.clone()),
            ..TlsOptions::default()
        }),
    );
    let port = w.wait_local().port().to_string();
    let ca = pki.ca().display().to_string();
    let (cert, key) = (s(&device.cert), s(&device.key));
    let Some(mut py) = Py::start(&["client", &port, &ca, cert, key, "hi"]) else {
        return;
    };
    let ready = w.wait("TLS ready", |e| matches!(e.kind, EventKind::TlsReady(_)));
    let EventKind::TlsReady(info) = ready.kind else {
        unreachable!()
    };
    assert_eq!(info.peer_cert.unwrap().subject, "CN=gateway.local");
    assert_eq!(py.until("VERSION"), "VERSION TLSv1.3");
    let rx = w.wait("the message", is_rx);
    assert_eq!(rx_bytes(&rx), b"hi");
    drop(py);
    // Another self-signed certificate is not trusted.
    let (cert, key) = (s(&stranger.cert), s(&stranger.key));
    let _py = Py::start(&["client", &port, &ca, cert, key, "hi"]).unwrap();
    assert_eq!(problem(&mut w), TlsProblem::UnknownIssuer);
    w.send(Command::Stop);
    w.wait_end();
}
