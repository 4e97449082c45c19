//! The network's answer in the window: the UDP Sender sends to the port of a peer that
//! has closed its socket; the log shows "port unreachable" (a ⚠ row) and the status line
//! counts it, in English and in Chinese.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::i18n::Lang;
use socket_tester::net::{EventKind, IcmpKind, Role};
use socket_tester::session::timeline::Step;
use socket_tester::ui::ConnState;
use std::net::UdpSocket;
use support::*;

#[test]
fn the_udp_sender_shows_port_unreachable_and_counts_it() {
    let gone = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = gone.local_addr().unwrap().port();
    drop(gone);
    let mut h = harness(english());
    open_tab(&mut h, Role::UdpSender);
    set_field(&mut h, "Destination host", "127.0.0.1");
    set_field(&mut h, "Port", &port.to_string());
    set_field(&mut h, "Local port", "");
    h.get_by_label("Bind").click();
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpSender).st.state == ConnState::Bound
    });
    h.get_by_label("Message").focus();
    h.step();
    h.get_by_label("Message").type_text("anyone?");
    settle(&mut h);
    h.get_by_label("Send").click();
    wait_for(&mut h, "the answer", |a| {
        a.panel(Role::UdpSender).view().store.icmp >= 1
    });
    let p = h.state().panel(Role::UdpSender);
    assert!(
        p.view()
            .store
            .iter()
            .any(|e| matches!(e.event.kind, EventKind::Icmp(_))),
        "a row for it"
    );
    // The socket-calls strip shows it after the sendto() it answers.
    let steps = &p.st.timeline.steps;
    let icmp = steps
        .iter()
        .position(|s| matches!(s, Step::Icmp(r) if r.kind == IcmpKind::PortUnreachable));
    let send = steps.iter().position(|s| matches!(s, Step::Send { .. }));
    assert!(icmp.is_some() && send < icmp, "{steps:?}");
    let want = format!("port unreachable: nothing listens on 127.0.0.1:{port} (ICMP");
    // The log's row and the socket-calls strip.
    assert_eq!(h.get_all_by_label_contains(&want).count(), 2);
    h.get_by_label("network answered: 1");
    // The session goes on: still bound.
    assert_eq!(h.state().panel(Role::UdpSender).st.state, ConnState::Bound);
    h.state_mut().classroom.set_lang(Lang::Zh);
    settle(&mut h);
    let zh = format!("端口不可达：127.0.0.1:{port} 上没有程序在监听");
    assert_eq!(h.get_all_by_label_contains(&zh).count(), 2);
    h.get_by_label("网络回应：1");
}
