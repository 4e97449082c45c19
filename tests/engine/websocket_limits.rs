//! WebSocket's bound on a message (a 1 MiB message past a 64 KiB bound: refused with a
//! typed error, closed with 1009, and what came before it kept), and wss with an
//! `openssl req -x509` certificate against Python's `websockets` over `ssl`.

use super::websocket::{ws_client, ws_event, ws_server};
use crate::support::tls::{device_cert, have_openssl, s};
use crate::support::ws::WsPy;
use crate::support::*;
use socket_tester::net::tls::TlsOptions;
use socket_tester::net::ws::{Opcode, WsEvent};
use socket_tester::net::{ClosedBy, Command, EventKind, Payload, Target};

fn too_big(e: &socket_tester::net::Event) -> bool {
    matches!(ws_event(e), Some(WsEvent::TooBig { size, limit: 65536 }) if *size >= 1024 * 1024)
}

fn close_1009_sent(e: &socket_tester::net::Event) -> bool {
    matches!(
        ws_event(e),
        Some(WsEvent::Close {
            by: ClosedBy::Local,
            code: Some(1009),
            ..
        })
    )
}

#[test]
fn a_server_refuses_a_message_past_its_bound() {
    let mut w = Watch::start(ws_server(&[]));
    let port = w.wait_local().port();
    let url = format!("ws://127.0.0.1:{port}/");
    let Some(mut py) = WsPy::client(&url, None, "big") else {
        return;
    };
    // The message before the big one arrives whole; the big one is refused, typed.
    let before = w.wait("before", |e| is_rx(e) && rx_bytes(e) == b"before");
    assert_eq!(before.opcode, Some(Opcode::Binary));
    w.wait("too big", too_big);
    w.wait("close 1009", close_1009_sent);
    w.wait("closed", |e| matches!(e.kind, EventKind::Closed { .. }));
    assert!(
        !w.seen.iter().any(|e| is_rx(e) && rx_bytes(e).len() > 65536),
        "no part of the big message is taken"
    );
    let closed = py.until("CLOSED");
    assert!(closed.starts_with("CLOSED 1009"), "{closed}");
}

#[test]
fn a_client_refuses_a_message_past_its_bound() {
    let Some((mut py, port)) = WsPy::server(None) else {
        return;
    };
    let mut w = Watch::start(ws_client(port, "/"));
    w.wait("open", |e| matches!(ws_event(e), Some(WsEvent::Open(_))));
    w.send(Command::Send {
        payload: Payload::Text("big".into()),
        to: Target::Default,
    });
    w.wait("before", |e| is_rx(e) && rx_bytes(e) == b"before");
    w.wait("too big", too_big);
    w.wait("close 1009", close_1009_sent);
    let closed = py.until("CLOSED");
    assert!(closed.starts_with("CLOSED 1009"), "{closed}");
    assert!(!w.seen.iter().any(|e| is_rx(e) && rx_bytes(e) == b"after"));
}

#[test]
fn wss_both_ways_with_an_openssl_certificate() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pair = device_cert(dir.path(), "device", &[]);

    // Our client, trusting the certificate, to Python's wss server.
    let Some((mut py, port)) = WsPy::server(Some((s(&pair.cert), s(&pair.key)))) else {
        return;
    };
    let mut cfg = ws_client(port, "/secure");
    cfg.tls = Some(TlsOptions {
        ca: Some(pair.cert.clone()),
        ..TlsOptions::default()
    });
    let mut w = Watch::start(cfg);
    w.wait("tls", |e| matches!(e.kind, EventKind::TlsReady(_)));
    w.wait("open", |e| matches!(ws_event(e), Some(WsEvent::Open(_))));
    assert_eq!(py.until("OPEN"), "OPEN /secure chat socket-tester");
    w.send(Command::Send {
        payload: Payload::Text("over tls".into()),
        to: Target::Default,
    });
    let ev = w.wait("echo", |e| is_rx(e) && rx_bytes(e) == b"over tls");
    assert_eq!(ev.opcode, Some(Opcode::Text));
    drop(w);

    // Python's wss client to our server with the same certificate.
    let mut cfg = ws_server(&[]);
    cfg.tls = Some(TlsOptions {
        cert: Some(pair.cert.clone()),
        key: Some(pair.key.clone()),
        ..TlsOptions::default()
    });
    let mut w = Watch::start(cfg);
    let port = w.wait_local().port();
    let url = format!("wss://127.0.0.1:{port}/s");
    let Some(mut py) = WsPy::client(&url, Some(s(&pair.cert)), "text,close") else {
        return;
    };
    assert_eq!(py.until("OPEN"), "OPEN chat");
    let ev = w.wait("text over wss", |e| {
        is_rx(e) && rx_bytes(e) == "hello 你好".as_bytes()
    });
    assert_eq!(ev.opcode, Some(Opcode::Text));
    assert_eq!(py.until("CLOSED"), "CLOSED 4001 bye");
}
