//! TLS against `openssl s_server` and `openssl s_client`, where the openssl command is
//! installed (skipped with a message otherwise): on loopback, the TCP client exchanges
//! lines with s_server, and s_client exchanges lines with the TCP server.

use crate::support as common;
use crate::support::tls as tls_support;

use common::*;
use socket_tester::net::tls::TlsOptions;
use socket_tester::net::{Command, EventKind, Payload, Role, SessionConfig, Target};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command as Proc, Stdio};
use std::time::{Duration, Instant};
use tls_support::*;

fn have_openssl() -> bool {
    let ok = Proc::new("openssl")
        .arg("version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("skipped: the openssl command is not installed");
    }
    ok
}

fn text(ev: &socket_tester::net::Event) -> String {
    String::from_utf8_lossy(rx_bytes(ev)).into_owned()
}

#[test]
fn client_talks_to_openssl_s_server() {
    if !have_openssl() {
        return;
    }
    let pki = Pki::new();
    let srv = pki.server();
    // s_server takes a port number: one the OS just handed out.
    let port = free_tcp_port();
    let mut s = Proc::new("openssl")
        .args(["s_server", "-quiet", "-accept"])
        .arg(port.to_string())
        .arg("-cert")
        .arg(&srv.cert)
        .arg("-key")
        .arg(&srv.key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(s.stdout.take().unwrap());
    let mut input = s.stdin.take().unwrap();
    // Wait until it listens.
    let t = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "s_server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // (That probe connection was s_server's first client; it has gone.)
    let mut w = Watch::start(
        SessionConfig::new(Role::TcpClient, format!("127.0.0.1:{port}")).tls(TlsOptions {
            ca: Some(pki.ca()),
            sni: Some("localhost".into()),
            ..TlsOptions::default()
        }),
    );
    w.wait("TLS ready", |e| matches!(e.kind, EventKind::TlsReady(_)));
    w.send(Command::Send {
        payload: Payload::Text("hello s_server\n".into()),
        to: Target::Default,
    });
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line, "hello s_server\n");
    input.write_all(b"hello socket tester\n").unwrap();
    input.flush().unwrap();
    let rx = w.wait("s_server's line", is_rx);
    assert_eq!(text(&rx), "hello socket tester\n");
    let _ = s.kill();
    let _ = s.wait();
}

#[test]
fn openssl_s_client_talks_to_the_server() {
    if !have_openssl() {
        return;
    }
    let pki = Pki::new();
    let srv = pki.server();
    let mut w = Watch::start(
        SessionConfig::new(Role::TcpServer, "127.0.0.1:0").tls(TlsOptions {
            cert: Some(srv.cert.clone()),
            key: Some(srv.key.clone()),
            ..TlsOptions::default()
        }),
    );
    let port = w.wait_local().port();
    let mut c = Proc::new("openssl")
        .args([
            "s_client",
            "-quiet",
            "-verify_return_error",
            "-servername",
            "localhost",
            "-connect",
        ])
        .arg(format!("127.0.0.1:{port}"))
        .arg("-CAfile")
        .arg(pki.ca())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(c.stdout.take().unwrap());
    let mut input = c.stdin.take().unwrap();
    let ready = w.wait("TLS ready", |e| matches!(e.kind, EventKind::TlsReady(_)));
    input.write_all(b"hello from s_client\n").unwrap();
    input.flush().unwrap();
    let rx = w.wait("s_client's line", is_rx);
    assert_eq!(text(&rx), "hello from s_client\n");
    w.send(Command::Send {
        payload: Payload::Text("hello back\n".into()),
        to: Target::Client(ready.client.unwrap()),
    });
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line, "hello back\n");
    let _ = c.kill();
    let _ = c.wait();
}
