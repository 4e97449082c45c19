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
