//! The runtime's checksum check of received rows, against Python peers on loopback: each
//! row (each frame, with a framing) is checked, the wrong one is marked on its row and
//! both are counted; frames written in one TCP write are checked one by one.

use socket_tester::codec::{CheckOutcome, ChecksumSpec, Framing};
use socket_tester::net::{Role, SessionConfig};
use socket_tester::session::{ConnState, Control};
use std::process::{Command, Stdio};

use crate::support::{bound_udp_receiver, runtime, wait_runtime as wait};

const GOOD: &str = "01030000000ac5cd";
const BAD: &str = "01030000000ac5ce";

fn python(script: &str, port: u16) -> Option<std::process::ExitStatus> {
    Command::new("python3")
        .args(["-c", script, &port.to_string()])
        .stdout(Stdio::null())
        .status()
        .ok()
}

/// The marks of the rows received, in order.
fn marks(rt: &socket_tester::session::Runtime) -> Vec<Option<CheckOutcome>> {
    rt.view()
        .store
        .iter()
        .filter(|e| e.direction() == socket_tester::log::Direction::Rx)
        .map(|e| e.check)
        .collect()
}

#[test]
fn udp_rows_one_good_one_bad_marked_and_counted() {
    let mut rt = runtime(Role::UdpReceiver, None);
    let spec = ChecksumSpec::parse("crc16-modbus:le").unwrap();
    rt.send(Control::SetRxCheck(Some(spec)));
    let to = bound_udp_receiver(&rt, None);
    let script = format!(
        r#"
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for h in ("{GOOD}", "{BAD}"):
    s.sendto(bytes.fromhex(h), ("127.0.0.1", int(sys.argv[1])))
"#
    );
    let Some(st) = python(&script, to.port()) else {
        eprintln!("skipped: python3 is not installed");
        return;
    };
    assert!(st.success());
    wait(&rt, "two datagrams", |_, rx| rx >= 2);
    let checks = rt.view().store.checks;
    assert_eq!((checks.good, checks.bad), (1, 1));
    let bad = CheckOutcome::Bad {
        got: 0xCEC5,
        expected: 0xCDC5,
        width: 2,
    };
    assert_eq!(marks(&rt), vec![Some(CheckOutcome::Good), Some(bad)]);
    // Off again: new rows are neither marked nor counted.
    rt.send(Control::SetRxCheck(None));
    let script = format!(
        r#"
import socket, sys
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(bytes.fromhex("{BAD}"), ("127.0.0.1", int(sys.argv[1])))
"#
    );
    assert!(python(&script, to.port()).is_some_and(|s| s.success()));
    wait(&rt, "a third datagram", |_, rx| rx >= 3);
    assert_eq!(rt.view().store.checks.bad, 1);
    assert_eq!(marks(&rt)[2], None);
    rt.shutdown();
}

#[test]
fn tcp_frames_in_one_write_are_checked_one_by_one() {
    let mut rt = runtime(Role::TcpServer, None);
    rt.send(Control::SetFraming(Framing::FixedLength { len: 8 }));
    let spec = ChecksumSpec::parse("crc16-modbus").unwrap();
    rt.send(Control::SetRxCheck(Some(spec)));
    rt.start(
        SessionConfig::new(Role::TcpServer, "127.0.0.1:0"),
        Default::default(),
        None,
    );
    let st = wait(&rt, "listening", |st, _| st.state == ConnState::Listening);
    let port = st
        .local
        .expect("a listening server knows its address")
        .port();
    // Good, bad, good in one write (粘包): three frames of 8 bytes.
    let script = format!(
        r#"
import socket, sys
c = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
c.sendall(bytes.fromhex("{GOOD}{BAD}{GOOD}"))
c.close()
"#
    );
    let Some(st) = python(&script, port) else {
        eprintln!("skipped: python3 is not installed");
        return;
    };
    assert!(st.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let checked = |rt: &socket_tester::session::Runtime| {
        let c = rt.view().store.checks;
        c.good + c.bad
    };
    while checked(&rt) < 3 {
        assert!(std::time::Instant::now() < deadline, "{:?}", marks(&rt));
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let m = marks(&rt);
    assert_eq!(m.len(), 3, "{m:?}");
    assert_eq!(
        m.iter().filter(|c| c.is_some_and(|c| c.is_bad())).count(),
        1
    );
    assert!(m[1].is_some_and(|c| c.is_bad()), "{m:?}");
    let checks = rt.view().store.checks;
    assert_eq!((checks.good, checks.bad), (2, 1));
    rt.shutdown();
}
