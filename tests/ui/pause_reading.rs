//! Pause reading on the TCP Client tab (the toggle, the status line, one read on resume),
//! and the socket-calls strip: grouped calls say each call's size and the total (four
//! 4-byte datagrams from a std UdpSocket), and "… N earlier" opens the earlier calls in a
//! list. Real sockets on 127.0.0.1 with OS-assigned ports.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::i18n::Lang;
use socket_tester::net::{EventKind, Role, tcp_info};
use socket_tester::ui::{App, ConnState};
use std::io::Write;
use support::*;

fn rx_texts(a: &App, role: Role) -> Vec<String> {
    a.panel(role)
        .view()
        .store
        .iter()
        .filter(|e| matches!(e.event.kind, EventKind::Rx(_)))
        .map(|e| e.text.clone())
        .collect()
}

#[test]
fn the_pause_toggle_holds_what_arrives_in_the_kernel_until_resumed() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let mut h = harness(english());
    open_tab(&mut h, Role::TcpClient);
    set_field(&mut h, "Port", &port.to_string());
    h.get_by_label("Connect").click();
    settle(&mut h);
    let mut peer = accept_within(&l);
    wait_for(&mut h, "connected", |a| {
        a.panel(Role::TcpClient).st.state == ConnState::Connected
    });
    h.get_by_label("Pause reading").click();
    wait_for(&mut h, "paused", |a| {
        a.panel(Role::TcpClient).st.reading_paused
    });
    assert!(
        h.query_by_label("reading paused").is_some(),
        "the status says so"
    );
    assert!(
        h.query_by_label_contains("reading paused: recv() is not called")
            .is_some()
    );
    peer.set_nodelay(true).unwrap();
    for m in [&b"a1\n"[..], b"b22\n", b"c333\n"] {
        peer.write_all(m).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(30));
    }
    if tcp_info::AVAILABLE {
        wait_for(&mut h, "12 bytes in the receive queue", |a| {
            let board = a.panel(Role::TcpClient).view().tcp_stats.clone();
            tcp_info::read(&board).get(&0).map(|s| s.recv_queue) == Some(12)
        });
    }
    assert!(rx_texts(h.state(), Role::TcpClient).is_empty());
    h.get_by_label("▶ Resume reading").click();
    wait_for(&mut h, "the read", |a| {
        !rx_texts(a, Role::TcpClient).is_empty()
    });
    std::thread::sleep(std::time::Duration::from_millis(150));
    settle(&mut h);
    assert_eq!(
        rx_texts(h.state(), Role::TcpClient),
        vec!["a1\nb22\nc333\n"]
    );
    assert!(!h.state().panel(Role::TcpClient).st.reading_paused);
    assert!(h.query_by_label("Pause reading").is_some());
    assert!(h.query_by_label("reading paused").is_none());
}

/// A UDP Receiver tab with the strip shown, bound on loopback; its address.
fn receiver_with_strip(h: &mut egui_kittest::Harness<'static, App>) -> std::net::SocketAddr {
    h.state_mut().classroom.settings.timeline = true;
    bind_udp_receiver(h)
}

#[test]
fn the_strip_says_each_datagrams_size_and_the_total() {
    let mut h = harness(english());
    let to = receiver_with_strip(&mut h);
    let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let from = s.local_addr().unwrap();
    for _ in 0..4 {
        s.send_to(b"abcd", to).unwrap();
    }
    wait_for(&mut h, "four datagrams", |a| {
        rx_texts(a, Role::UdpReceiver).len() == 4
    });
    let want = format!("recvfrom() ← {from} ×4, 4 B each, 16 B in all");
    assert!(h.query_by_label(&want).is_some(), "no {want}");
    h.state_mut().classroom.set_lang(Lang::Zh);
    settle(&mut h);
    let want = format!("recvfrom() ← {from} ×4, 每次 4 字节, 共 16 字节");
    assert!(h.query_by_label(&want).is_some(), "no {want}");
    // Sizes that differ: the count and the total only.
    s.send_to(b"12345", to).unwrap();
    wait_for(&mut h, "a fifth", |a| {
        rx_texts(a, Role::UdpReceiver).len() == 5
    });
    let want = format!("recvfrom() ← {from} ×5, 共 21 字节");
    assert!(h.query_by_label(&want).is_some(), "no {want}");
}

#[test]
fn the_earlier_calls_open_in_a_list() {
    let mut h = harness(english());
    let to = receiver_with_strip(&mut h);
    // Each from its own port: a step each, far more than the strip holds.
    for i in 0..40u8 {
        let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        s.send_to(&[b'a' + i % 26], to).unwrap();
    }
    wait_for(&mut h, "forty datagrams", |a| {
        rx_texts(a, Role::UdpReceiver).len() == 40
    });
    let steps = h
        .state()
        .panel(Role::UdpReceiver)
        .st
        .timeline
        .texts(Lang::En);
    assert_eq!(steps.len(), 42, "socket, bind and 40 recvfrom()");
    assert!(h.query_by_label("Earlier socket calls").is_none());
    h.get_by_label_contains(" earlier").click();
    settle(&mut h);
    assert!(
        h.query_by_label("Earlier socket calls").is_some(),
        "the list opened"
    );
    assert!(
        h.query_by_label_contains("1. socket(AF_INET, SOCK_DGRAM)")
            .is_some(),
        "the first call is listed"
    );
    assert!(
        h.query_by_label_contains(&format!("2. bind({to})"))
            .is_some()
    );
    // The button closes it again.
    h.get_by_label_contains(" earlier").click();
    settle(&mut h);
    assert!(h.query_by_label("Earlier socket calls").is_none());
}
