//! The Multicast section of the UDP tabs and the framing picker of the TCP tabs, in the
//! window: fields checked as you type (Bind stays disabled on a bad value), a receiver tab
//! joining a 239.255.x.y group on 127.0.0.1 and getting a datagram sent to the group from
//! the loopback interface only (skipped with a message where the kernel refuses), and the
//! framing choice saved in the tab's settings.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::net::Role;
use socket_tester::ui::{App, ConnState, FramingMode};
use std::net::{Ipv4Addr, SocketAddr};
use support::*;

fn app(dir: &std::path::Path) -> App {
    App::new(None, None).with_data_dir(dir)
}

#[test]
fn receiver_tab_checks_the_group_then_joins_it_on_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(app(dir.path()));
    open_tab(&mut h, Role::UdpReceiver);
    set_field(&mut h, "Bind host", "127.0.0.1");
    set_field(&mut h, "Port", "0");
    // Closed until it is used.
    assert!(h.query_by_label("Use multicast").is_none());
    h.get_by_label("Multicast").click();
    settle(&mut h);
    h.get_by_label("Use multicast").click();
    settle(&mut h);
    set_field(&mut h, "Group", "10.0.0.1");
    assert!(
        h.query_by_label_contains("10.0.0.1 is not a multicast address")
            .is_some()
    );
    assert!(is_disabled(&h, "Bind"), "a bad group blocks Bind");
    set_field(&mut h, "Group", "239.255.77.60");
    set_field(&mut h, "Interface address", "::1");
    assert!(h.query_by_label_contains("has no IPv4 address").is_some());
    assert!(is_disabled(&h, "Bind"));
    set_field(&mut h, "Interface address", "127.0.0.1");
    assert!(!is_disabled(&h, "Bind"));

    h.get_by_label("Bind").click();
    wait_for(&mut h, "bound or an error", |a| {
        matches!(
            a.panel(Role::UdpReceiver).st.state,
            ConnState::Bound | ConnState::Error(_)
        )
    });
    if let ConnState::Error(ev) = &h.state().panel(Role::UdpReceiver).st.state {
        let m = socket_tester::i18n::english(ev);
        if m.contains("os error 19") || m.contains("os error 101") {
            println!("skipping: the kernel will not join a group on the loopback interface: {m}");
            return;
        }
        panic!("join failed: {m}");
    }
    let p = h.state().panel(Role::UdpReceiver);
    assert!(
        p.view()
            .store
            .iter()
            .any(|e| e.text == "joined multicast group 239.255.77.60 on interface 127.0.0.1"),
        "the log says which group was joined"
    );
    let port = p.st.local.unwrap().port();
    // The peer sends on the loopback interface only: IP_MULTICAST_IF 127.0.0.1, TTL 1.
    let peer = socket2::Socket::new(
        socket2::Domain::IPV4,
        socket2::Type::DGRAM,
        Some(socket2::Protocol::UDP),
    )
    .unwrap();
    peer.bind(&SocketAddr::from((Ipv4Addr::LOCALHOST, 0)).into())
        .unwrap();
    peer.set_multicast_if_v4(&Ipv4Addr::LOCALHOST).unwrap();
    peer.set_multicast_ttl_v4(1).unwrap();
    peer.set_multicast_loop_v4(true).unwrap();
    let group = SocketAddr::from((Ipv4Addr::new(239, 255, 77, 60), port));
    peer.send_to(b"to the group", &group.into()).unwrap();
    wait_for(&mut h, "the group's datagram", |a| {
        has_row(a, Role::UdpReceiver, "to the group")
    });
}

#[test]
fn tcp_framing_picker_is_saved_with_the_tab() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(app(dir.path()));
    open_tab(&mut h, Role::TcpClient);
    h.get_by_label("Framing").click();
    settle(&mut h);
    h.get_by_label("Lines (LF)").click();
    settle(&mut h);
    assert_eq!(
        h.state().panel(Role::TcpClient).settings.framing.mode,
        FramingMode::Lf
    );
    h.get_by_label("Framing").click();
    settle(&mut h);
    h.get_by_label("Delimiter (hex)").click();
    settle(&mut h);
    set_field(&mut h, "Delimiter", "zz");
    assert!(h.query_by_label_contains("delimiter: hex bytes").is_some());
    set_field(&mut h, "Delimiter", "7E");
    assert!(h.query_by_label_contains("delimiter: hex bytes").is_none());
    let saved = serde_json::to_string(&h.state().panel(Role::TcpClient).settings).unwrap();
    assert!(
        saved.contains("delimiter_hex") && saved.contains("7E"),
        "{saved}"
    );
}
