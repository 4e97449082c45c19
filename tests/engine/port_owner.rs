//! "Address in use" names the program that holds the port, where the OS tells us (Linux).

use socket_tester::net::{ErrorKind, EventKind, Role, Session, SessionConfig};
use std::time::Duration;

fn first_error(role: Role, addr: String) -> (ErrorKind, String) {
    let s = Session::start(SessionConfig::new(role, addr), None);
    loop {
        match s.events().recv_timeout(Duration::from_secs(10)) {
            Ok(ev) => {
                if let EventKind::Error {
                    kind,
                    detail: message,
                } = ev.kind
                {
                    return (kind, message);
                }
            }
            Err(e) => panic!("no error event: {e}"),
        }
    }
}

#[test]
fn address_in_use_names_the_holder() {
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let (kind, msg) = first_error(Role::TcpServer, tcp.local_addr().unwrap().to_string());
    assert_eq!(kind, ErrorKind::AddrInUse);
    assert!(msg.contains("in use"), "{msg}");
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let (kind, umsg) = first_error(Role::UdpReceiver, udp.local_addr().unwrap().to_string());
    assert_eq!(kind, ErrorKind::AddrInUse);
    if cfg!(target_os = "linux") {
        let pid = format!("process {}", std::process::id());
        assert!(msg.contains(&pid), "{msg}");
        assert!(umsg.contains(&pid), "{umsg}");
    } else {
        println!("skipping the holder check: only Linux tells us");
    }
}

/// The advice told before the error: the holder (as the system names it), and a port that
/// is free on the same address.
fn advice_and_error(role: Role, addr: String) -> (EventKind, ErrorKind) {
    let s = Session::start(SessionConfig::new(role, addr), None);
    let mut advice = None;
    loop {
        match s.events().recv_timeout(Duration::from_secs(10)) {
            Ok(ev) => match ev.kind {
                k @ EventKind::PortAdvice { .. } => advice = Some(k),
                EventKind::Error { kind, .. } => {
                    return (advice.expect("the advice comes before the error"), kind);
                }
                _ => {}
            },
            Err(e) => panic!("no error event: {e}"),
        }
    }
}

/// A Python listener on 127.0.0.1 (OS-assigned port) that prints its port and waits.
const PY_LISTENER: &str = r#"
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
print(s.getsockname()[1], flush=True)
sys.stdin.readline()
"#;

#[test]
fn a_python_listener_is_named_and_a_free_port_is_offered() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};
    let Ok(mut py) = Command::new("python3")
        .args(["-c", PY_LISTENER])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    else {
        eprintln!("skipped: python3 is not installed");
        return;
    };
    let mut line = String::new();
    BufReader::new(py.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line.trim().parse().expect("the listener's port");
    let (advice, kind) = advice_and_error(Role::TcpServer, format!("127.0.0.1:{port}"));
    assert_eq!(kind, ErrorKind::AddrInUse);
    let EventKind::PortAdvice {
        port: p,
        owner,
        free,
    } = advice
    else {
        unreachable!()
    };
    assert_eq!(p, port);
    let free = free.expect("a free port on 127.0.0.1");
    assert_ne!(free, port);
    // The offered port really is free: a listener takes it.
    assert!(std::net::TcpListener::bind(("127.0.0.1", free)).is_ok());
    if socket_tester::net::port_owner::AVAILABLE {
        let o = owner.expect("Linux names the holder");
        assert_eq!(o.pid, py.id(), "{o:?}");
        assert!(o.name.starts_with("python"), "{o:?}");
    }
    let _ = py.kill();
    let _ = py.wait();
}

#[test]
fn a_well_known_port_without_rights_gets_a_free_port_too() {
    // Root (or CAP_NET_BIND_SERVICE, or a lowered ip_unprivileged_port_start) may bind it.
    let s = Session::start(SessionConfig::new(Role::UdpReceiver, "127.0.0.1:7"), None);
    loop {
        match s.events().recv_timeout(Duration::from_secs(10)) {
            Ok(ev) => match ev.kind {
                EventKind::Bound => {
                    eprintln!("skipped: this user may bind port 7");
                    return;
                }
                EventKind::PortAdvice { port, owner, free } => {
                    assert_eq!(port, 7);
                    assert_eq!(owner, None);
                    assert!(free.is_some_and(|f| f >= 1024), "{free:?}");
                    return;
                }
                EventKind::Error { kind, .. } => panic!("error without advice: {kind:?}"),
                _ => {}
            },
            Err(e) => panic!("no event: {e}"),
        }
    }
}
