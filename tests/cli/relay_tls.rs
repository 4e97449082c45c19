//! `socket-tester relay` with TLS, as a user runs it: `--tls-upstream --pin` to `openssl
//! s_server` (skipped without the openssl command) with a plain std::net client, its
//! headless lines showing the plaintext; and the TLS flags' mistakes, exit 2.

use crate::support::tls::{Pair, SServer, fingerprint, have_openssl, openssl, s};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_socket-tester"))
}

/// `openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost`, the default way.
fn default_cert(dir: &std::path::Path) -> Pair {
    let pair = Pair {
        cert: dir.join("c.pem"),
        key: dir.join("c.key"),
    };
    openssl(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=localhost",
        "-keyout",
        s(&pair.key),
        "-out",
        s(&pair.cert),
    ]);
    pair
}

#[test]
fn tls_upstream_with_a_pin_prints_the_plaintext() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let pair = default_cert(dir.path());
    let mut server = SServer::start(&pair);
    let pin = format!("sha256:{}", fingerprint(&pair.cert));
    let record = dir.path().join("relay.pcapng");
    let mut child = bin()
        .args(["relay", "--listen", "127.0.0.1:0"])
        .args(["--to", &format!("127.0.0.1:{}", server.port)])
        .args(["--tls-upstream", "--pin", &pin])
        .arg("--record")
        .arg(&record)
        .args(["--headless", "--duration", "4s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let at = loop {
        let mut line = String::new();
        assert!(out.read_line(&mut line).expect("read") > 0, "ended early");
        if let Some((_, rest)) = line.split_once("listening on ") {
            break rest.split_whitespace().next().expect("address").to_string();
        }
    };
    let mut c = TcpStream::connect(&at).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    c.write_all(b"hello gateway\n").expect("write");
    let mut line = String::new();
    server.out.read_line(&mut line).expect("s_server's line");
    assert_eq!(line, "hello gateway\n");
    server.input.write_all(b"hello device\n").expect("write");
    server.input.flush().expect("flush");
    let mut back = [0u8; 13];
    c.read_exact(&mut back).expect("the reply");
    assert_eq!(&back, b"hello device\n");
    drop(c);
    let mut rest = String::new();
    out.read_to_string(&mut rest).expect("read");
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0), "{rest}");
    assert!(rest.contains("server side: TLS ready"), "{rest}");
    assert!(
        rest.contains("client → server 14 B: hello gateway"),
        "{rest}"
    );
    assert!(
        rest.contains("server → client 13 B: hello device"),
        "{rest}"
    );
}

#[test]
fn tls_flag_mistakes_exit_2_naming_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cert = dir.path().join("only-a-cert.pem");
    // A PEM file with no key in it: readable, but not a private key.
    std::fs::write(
        &cert,
        "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    )
    .expect("write");
    let run = |args: &[&str]| {
        let o = bin()
            .args(["relay", "--listen", "127.0.0.1:0", "--to", "localhost:9"])
            .args(args)
            .args(["--headless", "--duration", "2s"])
            .output()
            .expect("run");
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let c = cert.to_str().expect("utf-8 path");
    let (code, err) = run(&["--cert", c]);
    assert_eq!(code, Some(2), "--cert needs --tls-listen: {err}");
    assert!(err.contains("--tls-listen"), "{err}");
    let (code, err) = run(&["--udp", "--tls-upstream"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("TCP relay"), "{err}");
    let (code, err) = run(&["--tls-upstream", "--pin", "sha256:abc"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("64"), "{err}");
    let (code, err) = run(&["--tls-upstream", "--insecure", "--ca", c]);
    assert_eq!(code, Some(2), "--insecure and --ca conflict: {err}");
    let (code, err) = run(&["--tls-listen", "--cert", c, "--key", c]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("--tls-listen") && err.contains("only-a-cert.pem"),
        "{err}"
    );
}

/// A pair whose TLS fails (here the "TLS" server is a plain TCP listener that closes) is a
/// failure: counted in the last lines, exit 1.
#[test]
fn a_pair_that_fails_tls_makes_the_relay_exit_1() {
    let plain = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = plain.local_addr().expect("addr").port();
    let server = std::thread::spawn(move || {
        if let Ok((mut s, _)) = plain.accept() {
            let _ = s.write_all(b"not tls at all\r\n");
        }
    });
    let mut child = bin()
        .args(["relay", "--listen", "127.0.0.1:0"])
        .args(["--to", &format!("127.0.0.1:{port}")])
        .args(["--tls-upstream", "--insecure"])
        .args(["--headless", "--duration", "2s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let at = loop {
        let mut line = String::new();
        assert!(out.read_line(&mut line).expect("read") > 0, "ended early");
        if let Some((_, rest)) = line.split_once("listening on ") {
            break rest.split_whitespace().next().expect("address").to_string();
        }
    };
    let mut c = TcpStream::connect(&at).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let _ = c.write_all(b"hello\n");
    let mut sink = Vec::new();
    let _ = c.read_to_end(&mut sink);
    let mut rest = String::new();
    out.read_to_string(&mut rest).expect("read");
    let status = child.wait().expect("wait");
    server.join().expect("server");
    assert_eq!(status.code(), Some(1), "{rest}");
    assert!(
        rest.contains("relay: 1 pairs (1 failed: upstream connection 0, TLS 1)"),
        "{rest}"
    );
}
