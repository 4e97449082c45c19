//! WebSocket against Python's `websockets` (an independent implementation): our client
//! with its server, our server with its client; text and binary, fragmented messages put
//! back together, ping/pong both ways with the round trip, close codes and reasons, and
//! refusals of a plain-TCP client and of a path not listed.

use crate::support::ws::WsPy;
use crate::support::*;
use socket_tester::net::ws::{Opcode, Refusal, WsEvent, WsOptions};
use socket_tester::net::{
    CloseReason, ClosedBy, Command, Event, EventKind, Payload, Role, SessionConfig, Target,
};
use std::io::{Read, Write};

pub fn ws_event(e: &Event) -> Option<&WsEvent> {
    match &e.kind {
        EventKind::Ws(w) => Some(w),
        _ => None,
    }
}

/// A TCP client speaking WebSocket to `127.0.0.1:port` on `path`.
pub fn ws_client(port: u16, path: &str) -> SessionConfig {
    let mut cfg = SessionConfig::new(Role::TcpClient, format!("127.0.0.1:{port}"));
    cfg.ws = Some(WsOptions {
        path: path.into(),
        host: format!("127.0.0.1:{port}"),
        subprotocols: vec!["chat".into()],
        headers: vec![("X-Who".into(), "socket-tester".into())],
        ..WsOptions::default()
    });
    cfg
}

/// A TCP server on an OS-assigned port accepting upgrades on `paths` (empty: any).
pub fn ws_server(paths: &[&str]) -> SessionConfig {
    let mut cfg = SessionConfig::new(Role::TcpServer, "127.0.0.1:0");
    cfg.ws = Some(WsOptions {
        paths: paths.iter().map(|p| p.to_string()).collect(),
        subprotocols: vec!["chat".into()],
        ..WsOptions::default()
    });
    cfg
}

fn rx_msg(w: &mut Watch, op: Opcode, want: &[u8]) {
    let ev = w.wait("an rx message", |e| is_rx(e) && rx_bytes(e) == want);
    assert_eq!(ev.opcode, Some(op), "{ev:?}");
}

#[test]
fn client_against_python_server() {
    let Some((mut py, port)) = WsPy::server(None) else {
        return;
    };
    let mut w = Watch::start(ws_client(port, "/chat"));
    let open = w.wait("open", |e| matches!(ws_event(e), Some(WsEvent::Open(_))));
    let Some(WsEvent::Open(hs)) = ws_event(&open) else {
        unreachable!()
    };
    assert_eq!(hs.subprotocol.as_deref(), Some("chat"));
    assert!(
        hs.request.starts_with("GET /chat HTTP/1.1\r\n"),
        "{}",
        hs.request
    );
    assert!(hs.response.starts_with("HTTP/1.1 101"), "{}", hs.response);
    assert_eq!(py.until("OPEN"), "OPEN /chat chat socket-tester");

    let send = |w: &Watch, p: Payload| {
        w.send(Command::Send {
            payload: p,
            to: Target::Default,
        })
    };
    send(&w, Payload::Text("hello 你好".into()));
    rx_msg(&mut w, Opcode::Text, "hello 你好".as_bytes());
    assert_eq!(py.until("TEXT"), "TEXT hello 你好");
    // Not UTF-8: a binary message.
    send(&w, Payload::Bytes(vec![0, 1, 0xfe, 0xff]));
    rx_msg(&mut w, Opcode::Binary, &[0, 1, 0xfe, 0xff]);
    assert_eq!(py.until("BINARY"), "BINARY 0001feff");
    // Told sent before the echo came back, with its opcode.
    let tx = w
        .seen
        .iter()
        .find(|e| is_tx(e) && e.opcode == Some(Opcode::Binary));
    assert_eq!(
        tx.map(|e| &e.kind),
        Some(&EventKind::Tx(vec![0, 1, 0xfe, 0xff]))
    );

    // Three fragments from the peer: one message, one row.
    send(&w, Payload::Text("frag".into()));
    rx_msg(&mut w, Opcode::Text, b"fragmented");

    // The peer pings; the pong goes back by itself.
    send(&w, Payload::Text("ping".into()));
    w.wait("the peer's ping", |e| {
        matches!(ws_event(e), Some(WsEvent::Ping { len: 2 }))
    });
    assert_eq!(py.until("PONGED"), "PONGED");

    // Our ping: the pong's round trip.
    w.send(Command::WsPing(None));
    let pong = w.wait("pong", |e| {
        matches!(ws_event(e), Some(WsEvent::Pong { .. }))
    });
    assert!(
        matches!(ws_event(&pong), Some(WsEvent::Pong { rtt_us: Some(us) }) if *us < 5_000_000),
        "{pong:?}"
    );

    // The server closes with its own code and reason: typed, answered, then TCP ends.
    send(&w, Payload::Text("close".into()));
    w.wait("close 4000", |e| {
        ws_event(e)
            == Some(&WsEvent::Close {
                by: ClosedBy::Peer,
                code: Some(4000),
                reason: "done".into(),
            })
    });
    w.wait("closed", |e| matches!(e.kind, EventKind::Closed { .. }));
    assert_eq!(py.until("CLOSED"), "CLOSED 4000 done");
}

/// Stop on a client: our close frame, then the server's answer and the server's end of the
/// TCP connection are waited for (RFC 6455 7.1.1), so the close handshake completes.
#[test]
fn a_client_that_stops_waits_for_the_servers_close() {
    let Some((mut py, port)) = WsPy::server(None) else {
        return;
    };
    let mut w = Watch::start(ws_client(port, "/"));
    w.wait("open", |e| matches!(ws_event(e), Some(WsEvent::Open(_))));
    assert_eq!(py.until("OPEN"), "OPEN / chat socket-tester");
    w.send(Command::Stop);
    let ours = WsEvent::Close {
        by: ClosedBy::Local,
        code: Some(1000),
        reason: String::new(),
    };
    w.wait("our close frame", |e| ws_event(e) == Some(&ours));
    let answer = w.wait("the server's close frame", |e| {
        matches!(
            ws_event(e),
            Some(WsEvent::Close {
                by: ClosedBy::Peer,
                ..
            })
        )
    });
    assert!(
        matches!(
            ws_event(&answer),
            Some(WsEvent::Close {
                code: Some(1000),
                ..
            })
        ),
        "{answer:?}"
    );
    // The server ended TCP first (its FIN before ours), as RFC 6455 7.1.1 has it.
    let closed = w.wait("closed", |e| matches!(e.kind, EventKind::Closed { .. }));
    assert_eq!(
        closed.kind,
        EventKind::Closed {
            by: ClosedBy::Peer,
            reason: CloseReason::PeerFin
        }
    );
    // The server saw a clean close handshake, ours and its own.
    assert_eq!(py.until("CLOSED"), "CLOSED 1000 -");
}

#[test]
fn server_against_python_client() {
    let mut w = Watch::start(ws_server(&["/chat"]));
    let port = w.wait_local().port();
    let url = format!("ws://127.0.0.1:{port}/chat?room=1");
    let Some(mut py) = WsPy::client(&url, None, "text,binary,frag,ping,recv,close") else {
        return;
    };
    let open = w.wait("open", |e| matches!(ws_event(e), Some(WsEvent::Open(_))));
    let Some(WsEvent::Open(hs)) = ws_event(&open) else {
        unreachable!()
    };
    let client = open.client.expect("a client id");
    assert_eq!(hs.path, "/chat?room=1");
    assert_eq!(hs.subprotocol.as_deref(), Some("chat"));
    assert!(
        hs.headers.iter().any(|(k, v)| k == "X-Who" && v == "py"),
        "{:?}",
        hs.headers
    );
    assert_eq!(py.until("OPEN"), "OPEN chat");
    rx_msg(&mut w, Opcode::Text, "hello 你好".as_bytes());
    rx_msg(&mut w, Opcode::Binary, &[0, 1, 0xfe, 0xff]);
    rx_msg(&mut w, Opcode::Text, b"fragmented");
    w.wait("the client's ping", |e| {
        matches!(ws_event(e), Some(WsEvent::Ping { .. }))
    });
    assert_eq!(py.until("PONGED"), "PONGED");
    w.send(Command::Send {
        payload: Payload::Text("from the server".into()),
        to: Target::Client(client),
    });
    assert_eq!(py.until("GOT"), "GOT from the server");
    w.wait("close 4001", |e| {
        ws_event(e)
            == Some(&WsEvent::Close {
                by: ClosedBy::Peer,
                code: Some(4001),
                reason: "bye".into(),
            })
    });
    w.wait("closed", |e| matches!(e.kind, EventKind::Closed { .. }));
    assert_eq!(py.until("CLOSED"), "CLOSED 4001 bye");
}

#[test]
fn server_refuses_plain_tcp_and_unlisted_paths() {
    let mut w = Watch::start(ws_server(&["/chat"]));
    let port = w.wait_local().port();
    // A plain-TCP client: refused with the reason, and closed.
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.write_all(b"hello\n").unwrap();
    w.wait("refused", |e| {
        ws_event(e) == Some(&WsEvent::Refused(Refusal::NotHttp))
    });
    w.wait("closed", |e| {
        matches!(
            e.kind,
            EventKind::Closed {
                reason: CloseReason::WsRefused,
                ..
            }
        )
    });
    s.set_read_timeout(Some(WAIT)).unwrap();
    let mut rest = Vec::new();
    assert!(
        s.read_to_end(&mut rest).is_ok_and(|_| rest.is_empty()),
        "{rest:?}"
    );

    // A path that is not listed: HTTP 404 to the client, the path in the reason.
    let url = format!("ws://127.0.0.1:{port}/other");
    let Some(mut py) = WsPy::client(&url, None, "close") else {
        return;
    };
    w.wait("refused path", |e| {
        ws_event(e)
            == Some(&WsEvent::Refused(Refusal::PathNotAllowed {
                path: "/other".into(),
            }))
    });
    let failed = py.until("FAILED");
    assert!(failed.contains("404"), "{failed}");
}
