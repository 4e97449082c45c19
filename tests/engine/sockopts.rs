//! Socket options on loopback with OS-assigned ports: the TTL a UDP sender sets is the
//! TTL on the wire, as an independent Python receiver reads it (IP_RECVTTL); what the
//! kernel made of SO_RCVBUF (doubled on Linux), SO_SNDBUF and TCP keep-alive is told as
//! read back; and the command line's flags reach the socket.

use crate::support as common;

use common::*;
use socket_tester::net::sockopts::{Keepalive, SockOpts, SockReport};
use socket_tester::net::{Command, EventKind, Payload, Role, SessionConfig, Target};
use std::io::{BufRead, BufReader};
use std::process::{Command as Proc, Stdio};

/// A Python UDP receiver that prints its port, then the TTL of the first datagram
/// (IP_RECVTTL is 12 on Linux; older Pythons do not name it).
const PY_TTL: &str = r#"
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, getattr(socket, "IP_RECVTTL", 12), 1)
s.bind(("127.0.0.1", 0))
s.settimeout(20)
print(s.getsockname()[1], flush=True)
data, anc, flags, addr = s.recvmsg(2048, socket.CMSG_SPACE(4))
for level, kind, value in anc:
    if level == socket.IPPROTO_IP and kind == socket.IP_TTL:
        print("TTL", int.from_bytes(value[:4], "little"), data.decode(), flush=True)
"#;

fn report(w: &mut Watch) -> SockReport {
    match w
        .wait("the options", |e| {
            matches!(e.kind, EventKind::SocketOptions(_))
        })
        .kind
    {
        EventKind::SocketOptions(r) => *r,
        _ => unreachable!(),
    }
}

#[test]
fn the_ttl_a_sender_sets_is_the_ttl_on_the_wire() {
    if !cfg!(target_os = "linux") {
        eprintln!("skipped: the peer reads the TTL with Linux's IP_RECVTTL");
        return;
    }
    let Ok(mut py) = Proc::new("python3")
        .args(["-c", PY_TTL])
        .stdout(Stdio::piped())
        .spawn()
    else {
        eprintln!("skipped: python3 is not installed");
        return;
    };
    let mut out = BufReader::new(py.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let port: u16 = line.trim().parse().unwrap();
    let mut cfg = SessionConfig::new(Role::UdpSender, format!("127.0.0.1:{port}"));
    cfg.sockopts = SockOpts {
        ttl: Some(7),
        ..SockOpts::default()
    };
    let mut w = Watch::start(cfg);
    let r = report(&mut w);
    assert_eq!(r.ttl.unwrap().actual, 7);
    w.send(Command::Send {
        payload: Payload::Text("ttl?".into()),
        to: Target::Default,
    });
    line.clear();
    out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "TTL 7 ttl?");
    let _ = py.wait();
}

#[test]
fn the_kernel_reports_the_buffers_it_really_set() {
    let mut cfg = SessionConfig::new(Role::UdpReceiver, "127.0.0.1:0");
    cfg.sockopts = SockOpts {
        rcvbuf: Some(100_000),
        ..SockOpts::default()
    };
    let mut w = Watch::start(cfg);
    let r = report(&mut w);
    let rcv = r.rcvbuf.unwrap();
    assert_eq!(rcv.asked, Some(100_000));
    if cfg!(target_os = "linux") {
        assert_eq!(rcv.actual, 200_000, "Linux doubles SO_RCVBUF");
    } else {
        assert!(rcv.actual >= 100_000);
    }
    // Not asked: the engine's own default, as the kernel holds it.
    assert_eq!(r.sndbuf.unwrap().asked, None);
    assert_eq!(r.keepalive, None, "UDP has no keep-alive");
}

#[test]
fn tcp_keepalive_and_buffers_on_both_roles() {
    let opts = SockOpts {
        rcvbuf: Some(65_536),
        sndbuf: Some(32_768),
        ttl: Some(33),
        keepalive: Some(Keepalive {
            idle_s: 7,
            interval_s: 3,
            count: 4,
        }),
    };
    let mut s = SessionConfig::new(Role::TcpServer, "127.0.0.1:0");
    s.sockopts = opts;
    let mut srv = Watch::start(s);
    let port = srv.wait_local().port();
    let r = report(&mut srv);
    assert_eq!(r.keepalive, Some(true));
    assert_eq!(r.ttl.unwrap().actual, 33);
    let mut c = SessionConfig::new(Role::TcpClient, format!("127.0.0.1:{port}"));
    c.sockopts = opts;
    let mut cli = Watch::start(c);
    let r = report(&mut cli);
    assert_eq!(r.keepalive, Some(true));
    if cfg!(target_os = "linux") {
        assert_eq!(r.rcvbuf.unwrap().actual, 131_072);
        assert_eq!(r.sndbuf.unwrap().actual, 65_536);
        assert_eq!(r.keepalive_idle_s.unwrap().actual, 7);
        assert_eq!(r.keepalive_interval_s.unwrap().actual, 3);
        assert_eq!(r.keepalive_count.unwrap().actual, 4);
    }
    // The options did not get in the way: the connection works.
    cli.send(Command::Send {
        payload: Payload::Text("hi".into()),
        to: Target::Default,
    });
    let rx = srv.wait("the message", is_rx);
    assert_eq!(rx_bytes(&rx), b"hi");
}

#[test]
fn the_command_line_sets_them_and_refuses_keepalive_on_udp() {
    let bin = env!("CARGO_BIN_EXE_socket-tester");
    let out = Proc::new(bin)
        .args([
            "udp-recv",
            "--bind",
            "127.0.0.1:0",
            "--rcvbuf",
            "100000",
            "--ttl",
            "9",
            "--headless",
            "--duration",
            "300ms",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let line = text
        .lines()
        .find(|l| l.contains("socket options"))
        .unwrap_or_else(|| panic!("no options line in {text}"));
    if cfg!(target_os = "linux") {
        assert!(line.contains("SO_RCVBUF 200000 (asked 100000"), "{line}");
    }
    assert!(line.contains("TTL 9"), "{line}");
    let bad = Proc::new(bin)
        .args([
            "udp-recv",
            "--bind",
            "127.0.0.1:0",
            "--keepalive",
            "5",
            "--headless",
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--keepalive is for tcp"));
}
