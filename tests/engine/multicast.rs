//! UDP multicast on the loopback interface only: a receiver session joins a 239.255.x.y
//! group on 127.0.0.1 and a sender session (multicast interface 127.0.0.1, TTL 1, loopback
//! on) sends to it. Nothing goes to any other interface. Where the kernel has no multicast
//! route on `lo` (ENODEV / ENETUNREACH), the test prints "skipping: …" and returns.

use crate::support as common;

use common::*;
use socket_tester::net::{
    Command, ErrorKind, Event, EventKind, MulticastConfig, Payload, Role, SessionConfig, Target,
};
use std::net::{IpAddr, Ipv4Addr};

fn group(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(239, 255, 77, last))
}

fn on_loopback(g: IpAddr) -> MulticastConfig {
    MulticastConfig {
        interface: Some(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        ttl: 1,
        loopback: true,
        ..MulticastConfig::new(g)
    }
}

/// The kernel refused multicast on lo: no such device / no route.
fn refused_by_kernel(message: &str) -> bool {
    [
        "os error 19",
        "os error 101",
        "os error 113",
        "No such device",
    ]
    .iter()
    .any(|m| message.contains(m))
}

fn bound_or_error(e: &Event) -> bool {
    matches!(e.kind, EventKind::Bound | EventKind::Error { .. })
}

#[test]
fn a_sender_session_reaches_a_receiver_session_through_a_group_on_loopback() {
    let g = group(42);
    let mut rx = Watch::start(
        SessionConfig::new(Role::UdpReceiver, "127.0.0.1:0").multicast(on_loopback(g)),
    );
    let ev = rx.wait("bound or error", bound_or_error);
    if let EventKind::Error {
        detail: message, ..
    } = &ev.kind
    {
        if refused_by_kernel(message) {
            println!("skipping: the kernel will not join {g} on the loopback interface: {message}");
            return;
        }
        panic!("join failed: {message}");
    }
    let port = ev.local.expect("bound reports its address").port();
    assert!(
        rx.seen
            .iter()
            .chain(std::iter::once(&ev))
            .any(|e| matches!(&e.kind, EventKind::MulticastJoined { group, .. } if *group == g))
            || {
                let info = rx.wait("join note", |e| {
                    matches!(e.kind, EventKind::MulticastJoined { .. })
                });
                matches!(&info.kind, EventKind::MulticastJoined { group, .. } if *group == g)
            },
        "the receiver says which group it joined"
    );

    let mut tx = Watch::start(
        SessionConfig::new(Role::UdpSender, format!("{g}:{port}"))
            .bind("127.0.0.1:0")
            .multicast(on_loopback(g)),
    );
    let ev = tx.wait("sender bound or error", bound_or_error);
    if let EventKind::Error {
        detail: message, ..
    } = &ev.kind
    {
        panic!("the sender could not set its multicast options: {message}");
    }
    tx.send(Command::Send {
        payload: Payload::Bytes(b"hello group".to_vec()),
        to: Target::Default,
    });
    let sent = tx.wait("tx or error", |e| {
        matches!(e.kind, EventKind::Tx(_) | EventKind::Error { .. })
    });
    if let EventKind::Error {
        detail: message, ..
    } = &sent.kind
    {
        if refused_by_kernel(message) {
            println!(
                "skipping: the kernel will not send to {g} on the loopback interface: {message}"
            );
            return;
        }
        panic!("send failed: {message}");
    }
    let got = rx.wait("the datagram sent to the group", is_rx);
    assert_eq!(rx_bytes(&got), b"hello group");
    assert_eq!(
        got.peer.map(|p| p.ip()),
        Some(IpAddr::V4(Ipv4Addr::LOCALHOST))
    );
    tx.session.stop_and_join();
    rx.session.stop_and_join();
}

#[test]
fn a_group_that_is_not_multicast_is_refused_before_binding() {
    for role in [Role::UdpReceiver, Role::UdpSender] {
        let addr = if role == Role::UdpSender {
            "127.0.0.1:9"
        } else {
            "127.0.0.1:0"
        };
        let mut w = Watch::start(
            SessionConfig::new(role, addr)
                .multicast(on_loopback(IpAddr::V4(Ipv4Addr::new(192, 168, 1, 5)))),
        );
        let (kind, message) = w.wait_error();
        assert_eq!(kind, ErrorKind::BadAddress, "{message}");
        assert!(
            message.contains("192.168.1.5 is not a multicast address"),
            "{message}"
        );
        let rest = w.wait_end();
        assert!(
            !w.seen
                .iter()
                .chain(&rest)
                .any(|e| e.kind == EventKind::Bound),
            "nothing was bound"
        );
    }
}

#[test]
fn an_ipv4_group_on_an_ipv6_interface_address_is_a_clear_error() {
    let m = MulticastConfig {
        interface: Some("::1".parse().unwrap()),
        ..MulticastConfig::new(group(43))
    };
    let mut w = Watch::start(SessionConfig::new(Role::UdpReceiver, "127.0.0.1:0").multicast(m));
    let (kind, message) = w.wait_error();
    assert_eq!(kind, ErrorKind::BadAddress);
    assert!(message.contains("has no IPv4 address"), "{message}");
}

#[test]
fn joining_on_an_address_no_interface_has_gives_the_os_error() {
    // 127.0.0.1 is on lo; 192.0.2.1 (TEST-NET-1) is on no interface here.
    let m = MulticastConfig {
        interface: Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1))),
        ..MulticastConfig::new(group(44))
    };
    let mut w = Watch::start(SessionConfig::new(Role::UdpReceiver, "127.0.0.1:0").multicast(m));
    let ev = w.wait("bound or error", bound_or_error);
    match &ev.kind {
        EventKind::Error {
            detail: message, ..
        } => {
            assert!(
                message
                    .contains("cannot join multicast group 239.255.77.44 on interface 192.0.2.1"),
                "{message}"
            );
            assert!(
                message.contains("os error"),
                "the OS error is shown: {message}"
            );
        }
        _ => println!("skipping: this machine has an interface with 192.0.2.1"),
    }
}

/// The loopback interface's index (Linux), if it can be read.
fn lo_index() -> Option<u32> {
    std::fs::read_to_string("/sys/class/net/lo/ifindex")
        .ok()?
        .trim()
        .parse()
        .ok()
}

#[test]
fn an_ipv6_group_on_the_loopback_interface_where_the_kernel_allows_it() {
    if !have_ipv6() {
        println!("skipping: no IPv6 on this machine");
        return;
    }
    let Some(lo) = lo_index() else {
        println!("skipping: cannot find the loopback interface's index");
        return;
    };
    let g: IpAddr = "ff02::7777:42".parse().unwrap();
    let m = MulticastConfig {
        interface_index: lo,
        ttl: 1,
        loopback: true,
        ..MulticastConfig::new(g)
    };
    let mut rx =
        Watch::start(SessionConfig::new(Role::UdpReceiver, "[::1]:0").multicast(m.clone()));
    let ev = rx.wait("bound or error", bound_or_error);
    if let EventKind::Error {
        detail: message, ..
    } = &ev.kind
    {
        println!("skipping: the kernel will not join {g} on the loopback interface: {message}");
        return;
    }
    let port = ev.local.expect("bound reports its address").port();
    let mut tx = Watch::start(
        SessionConfig::new(Role::UdpSender, format!("[{g}]:{port}"))
            .bind("[::1]:0")
            .multicast(m),
    );
    let ev = tx.wait("sender bound or error", bound_or_error);
    if let EventKind::Error {
        detail: message, ..
    } = &ev.kind
    {
        println!("skipping: the sender cannot use {g} on the loopback interface: {message}");
        return;
    }
    tx.send(Command::Send {
        payload: Payload::Bytes(b"hello v6 group".to_vec()),
        to: Target::Default,
    });
    let sent = tx.wait("tx or error", |e| {
        matches!(e.kind, EventKind::Tx(_) | EventKind::Error { .. })
    });
    if let EventKind::Error {
        detail: message, ..
    } = &sent.kind
    {
        println!("skipping: the kernel will not send to {g} on the loopback interface: {message}");
        return;
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
        match rx.session.events().recv_timeout(left) {
            Ok(ev) if is_rx(&ev) => {
                assert_eq!(rx_bytes(&ev), b"hello v6 group");
                return;
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    println!("skipping: the kernel did not deliver {g} on the loopback interface");
}
