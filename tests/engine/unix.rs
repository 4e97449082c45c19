//! Unix domain sockets on every tab, against independent peers: Python's AF_UNIX sockets
//! and socat's UNIX-LISTEN / UNIX-CONNECT / UNIX-SENDTO / UNIX-RECVFROM, paths in a
//! temporary folder. Stale socket files are removed; a regular file or a live socket is
//! left alone with a typed error.
#![cfg(unix)]

use crate::support as common;

use common::*;
use socket_tester::net::addr::{self, UnixName};
use socket_tester::net::{Command, ErrorKind, EventKind, Payload, Role, SessionConfig, Target};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::{UnixDatagram, UnixListener, UnixStream};
use std::path::Path;
use std::process::{Child, Command as Proc, Stdio};
use std::time::{Duration, Instant};

fn unix(p: &Path) -> String {
    format!("unix:{}", p.display())
}

fn shown(a: Option<std::net::SocketAddr>) -> String {
    a.map(|a| addr::show(&a)).unwrap_or_default()
}

/// A helper program on the path, or None (the test then says it skipped).
fn spawn(prog: &str, args: &[&str]) -> Option<Child> {
    Proc::new(prog)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .ok()
}

/// Waits until `path` exists (a peer's socket file).
fn wait_path(path: &Path) {
    let deadline = Instant::now() + WAIT;
    while !path.exists() {
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn send_text(w: &Watch, text: &str) {
    w.send(Command::Send {
        payload: Payload::Text(text.into()),
        to: Target::Default,
    });
}

/// Python's AF_UNIX stream server: accepts one client, answers "echo:" + what it got.
const PY_STREAM_ECHO: &str = r#"
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1)
print("ready", flush=True)
c, _ = s.accept()
data = c.recv(1000)
c.sendall(b"echo:" + data)
c.recv(1000)
"#;

#[test]
fn stream_client_talks_to_a_python_af_unix_server_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("py.sock");
    let Some(mut py) = spawn("python3", &["-c", PY_STREAM_ECHO, path.to_str().unwrap()]) else {
        eprintln!("skipped: python3 is not installed");
        return;
    };
    let mut line = String::new();
    BufReader::new(py.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let mut w = Watch::start(SessionConfig::new(Role::TcpClient, unix(&path)));
    let ev = w.wait("connected", |e| e.kind == EventKind::Connected);
    assert_eq!(shown(ev.peer), unix(&path), "the peer is shown as its path");
    let cred = w.wait("credentials", |e| {
        matches!(e.kind, EventKind::PeerCredentials(_))
    });
    if cfg!(target_os = "linux") {
        let EventKind::PeerCredentials(c) = cred.kind else {
            unreachable!()
        };
        assert_eq!(c.pid, Some(py.id()), "SO_PEERCRED names the Python process");
        assert!(
            c.program
                .as_deref()
                .is_some_and(|p| p.starts_with("python")),
            "{c:?}"
        );
    }
    send_text(&w, "hi");
    let rx = w.wait("echo", is_rx);
    assert_eq!(rx_bytes(&rx), b"echo:hi");
    w.session.stop_and_join();
    let _ = py.wait();
}

#[test]
fn stream_server_serves_socat_clients_shows_credentials_and_removes_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("srv.sock");
    let mut w = Watch::start(SessionConfig::new(Role::TcpServer, unix(&path)));
    let l = w.wait("listening", |e| {
        matches!(e.kind, EventKind::Listening { .. })
    });
    assert_eq!(shown(l.local), unix(&path));
    let Some(mut socat) = spawn("socat", &["-", &format!("UNIX-CONNECT:{}", path.display())])
    else {
        eprintln!("skipped: socat is not installed");
        return;
    };
    let acc = w.wait("accepted", |e| e.kind == EventKind::Accepted);
    let id = acc.client.unwrap();
    assert!(
        shown(acc.peer).starts_with("unix:(unnamed"),
        "{:?}",
        shown(acc.peer)
    );
    let cred = w.wait("credentials", |e| {
        matches!(e.kind, EventKind::PeerCredentials(_))
    });
    if cfg!(target_os = "linux") {
        let EventKind::PeerCredentials(c) = cred.kind else {
            unreachable!()
        };
        assert_eq!(c.pid, Some(socat.id()));
        assert_eq!(c.program.as_deref(), Some("socat"));
        assert_eq!(
            c.uid,
            Some(
                std::fs::metadata(dir.path())
                    .map(|m| {
                        use std::os::unix::fs::MetadataExt;
                        m.uid()
                    })
                    .unwrap()
            )
        );
    }
    socat.stdin.as_mut().unwrap().write_all(b"ping\n").unwrap();
    let rx = w.wait("rx", is_rx);
    assert_eq!(rx_bytes(&rx), b"ping\n");
    w.send(Command::Send {
        payload: Payload::Text("pong\n".into()),
        to: Target::Client(id),
    });
    let mut got = [0u8; 5];
    socat.stdout.as_mut().unwrap().read_exact(&mut got).unwrap();
    assert_eq!(&got, b"pong\n");
    drop(socat.stdin.take());
    let _ = socat.wait();
    w.session.stop_and_join();
    assert!(!path.exists(), "the server removes the socket file it made");
}

#[test]
fn a_stale_socket_file_is_removed_and_said_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stale.sock");
    // A listener that ended without removing its file: a socket nobody listens on.
    drop(UnixListener::bind(&path).unwrap());
    assert!(path.exists());
    let mut w = Watch::start(SessionConfig::new(Role::TcpServer, unix(&path)));
    let ev = w.wait("stale removed", |e| {
        matches!(e.kind, EventKind::StaleSocketRemoved { .. })
    });
    assert_eq!(
        ev.kind,
        EventKind::StaleSocketRemoved {
            path: path.display().to_string()
        }
    );
    w.wait("listening", |e| {
        matches!(e.kind, EventKind::Listening { .. })
    });
    let mut c = UnixStream::connect(&path).expect("the server listens on the path now");
    c.write_all(b"x").unwrap();
    assert_eq!(rx_bytes(&w.wait("rx", is_rx)), b"x");
    // Both languages word the event.
    for lang in socket_tester::i18n::Lang::ALL {
        let s = socket_tester::i18n::describe_in(lang, &ev);
        assert!(s.contains(&path.display().to_string()), "{s}");
    }
}

#[test]
fn a_regular_file_at_the_path_is_left_alone_with_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "keep me").unwrap();
    let mut w = Watch::start(SessionConfig::new(Role::TcpServer, unix(&path)));
    let (kind, msg) = w.wait_error();
    assert_eq!(kind, ErrorKind::UnixPathTaken, "{msg}");
    assert!(
        msg.contains("regular file") && msg.contains("left alone"),
        "{msg}"
    );
    w.wait_end();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me");
}

#[test]
fn a_live_socket_at_the_path_is_left_alone_with_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("live.sock");
    let live = UnixListener::bind(&path).unwrap();
    let mut w = Watch::start(SessionConfig::new(Role::TcpServer, unix(&path)));
    let (kind, msg) = w.wait_error();
    assert_eq!(kind, ErrorKind::UnixSocketLive, "{msg}");
    w.wait_end();
    // The other program's socket still works.
    let _c = UnixStream::connect(&path).unwrap();
    assert!(live.accept().is_ok());
}

#[test]
fn connecting_to_a_missing_path_says_no_socket_there() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nobody.sock");
    let mut w = Watch::start(SessionConfig::new(Role::TcpClient, unix(&path)));
    let (kind, msg) = w.wait_error();
    assert_eq!(kind, ErrorKind::UnixNoSocket, "{msg}");
    assert!(msg.contains(&unix(&path)), "{msg}");
}

#[test]
fn datagram_receiver_takes_socat_sendto_and_answers_a_named_python_sender() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("recv.sock");
    let mut w = Watch::start(SessionConfig::new(Role::UdpReceiver, unix(&path)));
    let b = w.wait("bound", |e| e.kind == EventKind::Bound);
    assert_eq!(shown(b.local), unix(&path));
    let Some(mut socat) = spawn(
        "socat",
        &["-u", "-", &format!("UNIX-SENDTO:{}", path.display())],
    ) else {
        eprintln!("skipped: socat is not installed");
        return;
    };
    socat
        .stdin
        .as_mut()
        .unwrap()
        .write_all(b"from socat")
        .unwrap();
    drop(socat.stdin.take());
    let rx = w.wait("rx", is_rx);
    assert_eq!(rx_bytes(&rx), b"from socat");
    let _ = socat.wait();

    // A Python sender with its own path: the receiver's reply reaches it.
    let me = dir.path().join("py-client.sock");
    let py = Proc::new("python3")
        .args([
            "-c",
            "import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\ns.settimeout(5)\ns.sendto(b'hello',sys.argv[2])\nprint(s.recv(100).decode(),flush=True)",
            me.to_str().unwrap(),
            path.to_str().unwrap(),
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let rx = w.wait("python's datagram", is_rx);
    assert_eq!(rx_bytes(&rx), b"hello");
    assert_eq!(shown(rx.peer), unix(&me));
    send_text(&w, "reply");
    let tx = w.wait("tx", is_tx);
    assert_eq!(
        shown(tx.peer),
        unix(&me),
        "the reply goes to the last sender"
    );
    let out = py.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "reply");
    w.session.stop_and_join();
    assert!(
        !path.exists(),
        "the receiver removes the socket file it made"
    );
}

#[test]
fn datagram_sender_binds_its_path_and_gets_socat_recvfrom_replies() {
    let dir = tempfile::tempdir().unwrap();
    let peer = dir.path().join("peer.sock");
    let me = dir.path().join("me.sock");
    // socat receives one datagram and answers the sender's path with "ack".
    let Some(mut socat) = spawn(
        "socat",
        &[
            &format!("UNIX-RECVFROM:{}", peer.display()),
            "SYSTEM:read x; echo ack",
        ],
    ) else {
        eprintln!("skipped: socat is not installed");
        return;
    };
    wait_path(&peer);
    let cfg = SessionConfig::new(Role::UdpSender, unix(&peer)).bind(unix(&me));
    let mut w = Watch::start(cfg);
    let b = w.wait("bound", |e| e.kind == EventKind::Bound);
    assert_eq!(shown(b.local), unix(&me));
    send_text(&w, "hello\n");
    let tx = w.wait("tx", is_tx);
    assert_eq!(shown(tx.peer), unix(&peer));
    let rx = w.wait("socat's answer", is_rx);
    assert_eq!(rx_bytes(&rx), b"ack\n");
    assert_eq!(shown(rx.peer), unix(&peer));
    let _ = socat.kill();
    let _ = socat.wait();
}

#[test]
#[cfg(target_os = "linux")]
fn datagram_sender_without_a_bind_gets_an_abstract_name_and_replies() {
    let dir = tempfile::tempdir().unwrap();
    let peer_path = dir.path().join("echo.sock");
    let echo = UnixDatagram::bind(&peer_path).unwrap();
    echo.set_read_timeout(Some(WAIT)).unwrap();
    let mut w = Watch::start(SessionConfig::new(Role::UdpSender, unix(&peer_path)));
    let b = w.wait("bound", |e| e.kind == EventKind::Bound);
    assert!(
        shown(b.local).starts_with("unix:@"),
        "autobind: {}",
        shown(b.local)
    );
    send_text(&w, "q");
    let mut buf = [0u8; 16];
    let (n, from) = echo.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"q");
    echo.send_to_addr(b"a", &from).unwrap();
    assert_eq!(rx_bytes(&w.wait("reply", is_rx)), b"a");
}

#[test]
#[cfg(target_os = "linux")]
fn abstract_stream_server_takes_a_python_client() {
    let name = format!("socket-tester-test-{}", std::process::id());
    let mut w = Watch::start(SessionConfig::new(Role::TcpServer, format!("unix:@{name}")));
    let l = w.wait("listening", |e| {
        matches!(e.kind, EventKind::Listening { .. })
    });
    assert_eq!(shown(l.local), format!("unix:@{name}"));
    let py = Proc::new("python3")
        .args([
            "-c",
            "import socket,sys\ns=socket.socket(socket.AF_UNIX)\ns.connect('\\0'+sys.argv[1])\ns.sendall(b'abs')\ns.recv(1)",
            &name,
        ])
        .spawn();
    let Ok(mut py) = py else {
        eprintln!("skipped: python3 is not installed");
        return;
    };
    assert_eq!(rx_bytes(&w.wait("rx", is_rx)), b"abs");
    w.session.stop_and_join();
    let _ = py.wait();
}

#[test]
fn typed_addresses_and_their_problems() {
    assert_eq!(
        addr::unix("unix:/tmp/a.sock"),
        Some(Ok(UnixName::Path("/tmp/a.sock".into())))
    );
    assert!(addr::unix("127.0.0.1:1").is_none());
    let e = addr::unix("unix:").unwrap().unwrap_err();
    assert_eq!(e.1, addr::AddrProblem::UnixEmpty);
    // A bad unix address ends the session with a typed error naming it.
    let mut w = Watch::start(SessionConfig::new(Role::TcpClient, "unix:"));
    let (kind, msg) = w.wait_error();
    assert_eq!(kind, ErrorKind::BadAddress);
    assert!(msg.contains("unix:"), "{msg}");
}

#[test]
fn an_unnamed_datagram_sender_cannot_be_answered_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.sock");
    let mut w = Watch::start(SessionConfig::new(Role::UdpReceiver, unix(&path)));
    w.wait("bound", |e| e.kind == EventKind::Bound);
    let anon = UnixDatagram::unbound().unwrap();
    anon.send_to(b"anon", &path).unwrap();
    let rx = w.wait("rx", is_rx);
    assert_eq!(shown(rx.peer), "unix:(unnamed)");
    w.send(Command::Send {
        payload: Payload::Text("back".into()),
        to: Target::Peer(rx.peer.unwrap()),
    });
    let (kind, msg) = w.wait_error();
    assert_eq!(kind, ErrorKind::NotConnected);
    assert!(msg.contains("has no name"), "{msg}");
}
