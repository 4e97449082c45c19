//! The relay changes messages on the way, between Python 3 peers and std::net clients on
//! loopback: a regex rewrite with captures changes what the server receives (the server
//! prints it), a hex patch at an offset changes a UDP reply and not the request, and
//! Intercept, driven through the session runtime's commands, holds a message that is
//! edited and forwarded, one that is dropped, and one whose timeout forwards it unchanged.

use socket_tester::auto::rules::Matcher;
use socket_tester::net::relay::{
    Dir, InterceptCommand, InterceptSettings, Relay, RelayConfig, RelayKind, Released, RewriteRule,
    Rewrites, Verdict,
};
use socket_tester::net::{Command, EventKind, Role, SessionConfig};
use socket_tester::session::{ConnState, Control, Runtime};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::process::{Child, ChildStdout, Command as Proc, Stdio};
use std::time::{Duration, Instant};

use crate::support::{runtime, wait_runtime as wait};

/// A Python 3 peer running `script`, which prints its port first, then its lines.
struct Py(Child, BufReader<ChildStdout>);

impl Py {
    fn start(script: &str) -> Option<(Py, u16)> {
        let mut child = Proc::new("python3")
            .args(["-c", script])
            .stdout(Stdio::piped())
            .spawn()
            .ok()?;
        let mut out = BufReader::new(child.stdout.take()?);
        let mut line = String::new();
        out.read_line(&mut line).ok()?;
        let port = line.trim().parse().ok()?;
        Some((Py(child, out), port))
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.1.read_line(&mut line).expect("a line from the peer");
        line.trim().to_string()
    }
}

impl Drop for Py {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A TCP server that prints, in hex, everything one client sent (until its FIN), then
/// answers "done".
const TCP_SINK: &str = r#"
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(4)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
got = b""
while True:
    d = c.recv(65536)
    if not d: break
    got += d
print(got.hex(), flush=True)
c.sendall(b"done"); c.close()
"#;

/// A UDP echo server that prints each datagram it got, in hex.
const UDP_ECHO: &str = r#"
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
while True:
    d, a = s.recvfrom(65536)
    print(d.hex(), flush=True)
    s.sendto(d, a)
"#;

/// A TCP echo server for every client.
const TCP_ECHO: &str = r#"
import socket, threading
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
def serve(c):
    while True:
        d = c.recv(65536)
        if not d: break
        c.sendall(d)
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
"#;

fn local(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

/// The relay's listening address, from its events (the others are kept).
fn listening(r: &Relay, seen: &mut Vec<RelayKind>) -> SocketAddr {
    loop {
        let ev = r
            .events()
            .recv_timeout(Duration::from_secs(10))
            .expect("the relay listens");
        if matches!(ev.kind, RelayKind::Listening { .. }) {
            return ev.local.expect("its address");
        }
        assert!(!matches!(ev.kind, RelayKind::Stopped), "stopped: {seen:?}");
        seen.push(ev.kind);
    }
}

#[test]
fn a_regex_rewrite_with_captures_changes_what_the_server_receives() {
    let Some((mut py, port)) = Py::start(TCP_SINK) else {
        eprintln!("no python3: skipped");
        return;
    };
    let mut cfg = RelayConfig::new("127.0.0.1:0", local(port).to_string());
    let rules = Rewrites {
        up: vec![RewriteRule::replace(
            Matcher::Regex(r"SET (?P<key>\w+)=(\d+)".into()),
            "SET {key}={2}0\\r",
        )],
        down: Vec::new(),
    };
    cfg.rewrites = rules.check().expect("good rules");
    let mut relay = Relay::start(cfg);
    let mut seen = Vec::new();
    let at = listening(&relay, &mut seen);
    let mut c = TcpStream::connect(at).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    c.write_all(b"SET speed=12;").expect("write");
    c.shutdown(std::net::Shutdown::Write).expect("FIN");
    let mut back = Vec::new();
    c.read_to_end(&mut back).expect("the answer");
    assert_eq!(back, b"done");
    let got = py.line();
    assert_eq!(
        got,
        hex(b"SET speed=120\r;"),
        "the server got the rewritten bytes"
    );
    seen.extend(relay.stop_and_join().into_iter().map(|e| e.kind));
    assert!(
        seen.contains(&RelayKind::Rewritten {
            dir: Dir::Up,
            rule: 0,
            from: 13,
            to: 15
        }),
        "{seen:?}"
    );
    assert_eq!(relay.counters().rewritten(Dir::Up), 1);
    assert_eq!(relay.counters().rewritten(Dir::Down), 0);
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn a_hex_patch_at_an_offset_changes_the_reply_and_not_the_request() {
    let Some((mut py, port)) = Py::start(UDP_ECHO) else {
        eprintln!("no python3: skipped");
        return;
    };
    let mut cfg = RelayConfig::new("127.0.0.1:0", local(port).to_string());
    cfg.udp = true;
    let rules = Rewrites {
        up: Vec::new(),
        down: vec![RewriteRule::patch(
            Matcher::StartsWithHex("01 03".into()),
            3,
            "ff ee",
        )],
    };
    cfg.rewrites = rules.check().expect("good rules");
    let mut relay = Relay::start(cfg);
    let at = listening(&relay, &mut Vec::new());
    let c = UdpSocket::bind("127.0.0.1:0").expect("bind");
    c.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let mut buf = [0u8; 64];
    // Matches: bytes 3 and 4 are patched on the way back.
    c.send_to(&[1, 3, 0, 0, 0, 10], at).expect("send");
    let n = c.recv(&mut buf).expect("the reply");
    assert_eq!(&buf[..n], [1, 3, 0, 0xff, 0xee, 10]);
    assert_eq!(py.line(), "01030000000a", "the request went up unchanged");
    // Does not match: unchanged both ways.
    c.send_to(&[1, 4, 0, 0], at).expect("send");
    let n = c.recv(&mut buf).expect("the reply");
    assert_eq!(&buf[..n], [1, 4, 0, 0]);
    // A patch past the end of a short message writes only what fits.
    c.send_to(&[1, 3, 0, 7], at).expect("send");
    let n = c.recv(&mut buf).expect("the reply");
    assert_eq!(&buf[..n], [1, 3, 0, 0xff]);
    let kinds: Vec<RelayKind> = relay.stop_and_join().into_iter().map(|e| e.kind).collect();
    let patched = kinds
        .iter()
        .filter(|k| matches!(k, RelayKind::Rewritten { dir: Dir::Down, .. }))
        .count();
    assert_eq!(patched, 2, "{kinds:?}");
}

/// Starts a relay in `rt` to `to`; its listening address.
fn start_relay(rt: &Runtime, to: SocketAddr) -> SocketAddr {
    let cfg = SessionConfig::relay(RelayConfig::new("127.0.0.1:0", to.to_string()));
    rt.start(cfg, Default::default(), None);
    wait(rt, "the relay listening", |st, _| {
        st.state == ConnState::Listening
    })
    .local
    .expect("the relay's address")
}

fn intercept(rt: &Runtime, c: InterceptCommand) {
    rt.send(Control::Worker(Command::Intercept(Box::new(c))));
}

/// Waits until the runtime's view holds a message; its id and bytes.
fn held(rt: &Runtime) -> (u64, Dir, Vec<u8>) {
    let st = wait(rt, "a held message", |st, _| {
        !st.relay_held.items.is_empty()
    });
    let h = &st.relay_held.items[0];
    (h.id, h.dir, h.bytes.clone())
}

fn released(rt: &Runtime, id: u64) -> Released {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let how = rt.view().store.iter().find_map(|e| match &e.event.kind {
            EventKind::Relay(k) => match &**k {
                RelayKind::Released { id: i, how, .. } if *i == id => Some(how.clone()),
                _ => None,
            },
            _ => None,
        });
        if let Some(h) = how {
            return h;
        }
        assert!(Instant::now() < deadline, "#{id} was not released");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn intercept_holds_then_edits_drops_and_times_out_through_the_runtime() {
    let Some((_py, port)) = Py::start(TCP_ECHO) else {
        eprintln!("no python3: skipped");
        return;
    };
    let rt = runtime(Role::Relay, None);
    let at = start_relay(&rt, local(port));
    intercept(
        &rt,
        InterceptCommand::Set(InterceptSettings {
            up: true,
            down: false,
            timeout: Duration::from_secs(30),
        }),
    );
    wait(&rt, "Intercept on", |_, _| {
        rt.view().store.iter().any(|e| {
            matches!(&e.event.kind, EventKind::Relay(k)
                if matches!(**k, RelayKind::InterceptChanged { up: true, .. }))
        })
    });
    let mut c = TcpStream::connect(at).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    // Held, edited, forwarded: the server echoes the edit.
    c.write_all(b"hello").expect("write");
    let (id, dir, bytes) = held(&rt);
    assert_eq!((dir, bytes.as_slice()), (Dir::Up, &b"hello"[..]));
    let verdict = Verdict::Edit(b"HELLO!".to_vec());
    intercept(&rt, InterceptCommand::Decide { id, verdict });
    let mut back = [0u8; 6];
    c.read_exact(&mut back).expect("the echo of the edit");
    assert_eq!(&back, b"HELLO!");
    assert_eq!(released(&rt, id), Released::Edited { from: 5, to: 6 });
    // Dropped: nothing reaches the server; the next message is the next to come back.
    c.write_all(b"drop me").expect("write");
    let (id, _, bytes) = held(&rt);
    assert_eq!(bytes, b"drop me");
    let verdict = Verdict::Drop;
    intercept(&rt, InterceptCommand::Decide { id, verdict });
    assert_eq!(released(&rt, id), Released::Dropped { len: 7 });
    // A short timeout forwards the next one unchanged, after the timeout.
    intercept(
        &rt,
        InterceptCommand::Set(InterceptSettings {
            up: true,
            down: false,
            timeout: Duration::from_millis(400),
        }),
    );
    wait(&rt, "the queue empty", |st, _| {
        st.relay_held.items.is_empty()
    });
    std::thread::sleep(Duration::from_millis(100));
    let t = Instant::now();
    c.write_all(b"late").expect("write");
    let mut back = [0u8; 4];
    c.read_exact(&mut back).expect("the echo after the timeout");
    assert_eq!(&back, b"late", "unchanged, and nothing of the dropped one");
    assert!(
        t.elapsed() >= Duration::from_millis(350),
        "{:?}",
        t.elapsed()
    );
    let (id, ..) = rt
        .view()
        .store
        .iter()
        .rev()
        .find_map(|e| match &e.event.kind {
            EventKind::Relay(k) => match &**k {
                RelayKind::Held { id, .. } => Some((*id, ())),
                _ => None,
            },
            _ => None,
        })
        .expect("the last held");
    assert_eq!(released(&rt, id), Released::TimedOut);
    // The down direction was never held: the echoes came straight back.
    assert!(!rt.view().store.iter().any(|e| matches!(&e.event.kind,
        EventKind::Relay(k) if matches!(**k, RelayKind::Held { dir: Dir::Down, .. }))));
}

/// A TCP server that greets each client ("hi\n") and then echoes.
const TCP_GREET_ECHO: &str = r#"
import socket, threading
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
def serve(c):
    c.sendall(b"hi\n")
    while True:
        d = c.recv(65536)
        if not d: break
        c.sendall(d)
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
"#;

#[test]
fn a_held_message_holds_the_ones_after_it_and_not_the_other_direction() {
    let Some((_py, port)) = Py::start(TCP_GREET_ECHO) else {
        eprintln!("no python3: skipped");
        return;
    };
    let mut cfg = RelayConfig::new("127.0.0.1:0", local(port).to_string());
    cfg.intercept = InterceptSettings {
        up: true,
        down: false,
        timeout: Duration::from_secs(30),
    };
    let mut relay = Relay::start(cfg);
    let mut seen = Vec::new();
    let at = listening(&relay, &mut seen);
    let mut c = TcpStream::connect(at).expect("connect");
    c.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    c.set_nodelay(true).expect("nodelay");
    c.write_all(b"one").expect("write");
    // The held message's id, from the events.
    let next_held = |seen: &mut Vec<RelayKind>| loop {
        let ev = relay
            .events()
            .recv_timeout(Duration::from_secs(10))
            .expect("an event");
        if let RelayKind::Held { id, bytes, .. } = &ev.kind {
            let held = (*id, bytes.clone());
            seen.push(ev.kind);
            return held;
        }
        seen.push(ev.kind);
    };
    let (first, bytes) = next_held(&mut seen);
    assert_eq!(bytes, b"one");
    // The server's greeting comes down while "one" is held going up.
    let mut hi = [0u8; 3];
    c.read_exact(&mut hi).expect("the greeting");
    assert_eq!(&hi, b"hi\n");
    // "two" waits behind "one": not held (not even read from the queue) until "one" goes.
    std::thread::sleep(Duration::from_millis(100));
    c.write_all(b"two").expect("write");
    std::thread::sleep(Duration::from_millis(300));
    while let Ok(ev) = relay.events().try_recv() {
        assert!(
            !matches!(ev.kind, RelayKind::Held { .. }),
            "a second message held while the first waits"
        );
        seen.push(ev.kind);
    }
    assert!(relay.intercept(InterceptCommand::Decide {
        id: first,
        verdict: Verdict::Forward
    }));
    let (second, bytes) = next_held(&mut seen);
    assert_eq!(bytes, b"two");
    assert!(relay.intercept(InterceptCommand::Decide {
        id: second,
        verdict: Verdict::Forward
    }));
    let mut back = [0u8; 6];
    c.read_exact(&mut back).expect("both echoes");
    assert_eq!(&back, b"onetwo", "in order");
    assert!(
        !relay.intercept(InterceptCommand::Decide {
            id: second,
            verdict: Verdict::Drop
        }),
        "a verdict for a message no longer held is refused"
    );
    drop(c);
    seen.extend(relay.stop_and_join().into_iter().map(|e| e.kind));
    assert_eq!(relay.counters().held(Dir::Up), 2);
    assert_eq!(relay.counters().held(Dir::Down), 0);
}

#[test]
fn intercept_holds_udp_replies_one_datagram_at_a_time() {
    let Some((mut py, port)) = Py::start(UDP_ECHO) else {
        eprintln!("no python3: skipped");
        return;
    };
    let mut cfg = RelayConfig::new("127.0.0.1:0", local(port).to_string());
    cfg.udp = true;
    cfg.intercept = InterceptSettings {
        up: false,
        down: true,
        timeout: Duration::from_secs(30),
    };
    let mut relay = Relay::start(cfg);
    let at = listening(&relay, &mut Vec::new());
    let held = |relay: &Relay| loop {
        let ev = relay
            .events()
            .recv_timeout(Duration::from_secs(10))
            .expect("an event");
        if let RelayKind::Held { id, dir, bytes } = ev.kind {
            return (id, dir, bytes);
        }
    };
    let c = UdpSocket::bind("127.0.0.1:0").expect("bind");
    c.set_read_timeout(Some(Duration::from_millis(300)))
        .expect("timeout");
    c.send_to(b"first", at).expect("send");
    // The request went up at once; its reply is held on the way down.
    assert_eq!(py.line(), hex(b"first"));
    let (id, dir, bytes) = held(&relay);
    assert_eq!((dir, bytes.as_slice()), (Dir::Down, &b"first"[..]));
    let mut buf = [0u8; 64];
    assert!(c.recv(&mut buf).is_err(), "nothing comes back while held");
    assert!(relay.intercept(InterceptCommand::Decide {
        id,
        verdict: Verdict::Drop
    }));
    c.send_to(b"second", at).expect("send");
    let (id, _, bytes) = held(&relay);
    assert_eq!(bytes, b"second");
    let verdict = Verdict::Edit(b"2nd".to_vec());
    assert!(relay.intercept(InterceptCommand::Decide { id, verdict }));
    c.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    let n = c.recv(&mut buf).expect("the edited reply");
    assert_eq!(&buf[..n], b"2nd", "the dropped one never came");
    let kinds: Vec<RelayKind> = relay.stop_and_join().into_iter().map(|e| e.kind).collect();
    assert!(
        kinds.iter().any(|k| matches!(
            k,
            RelayKind::Released {
                how: Released::Edited { from: 6, to: 3 },
                ..
            }
        )),
        "{kinds:?}"
    );
}
