//! A bind / listen failure is shown under the port field, in the UI's language: the
//! reason, the program holding the port (this test's own listener, found through /proc on
//! Linux), and a free port on the same address with a button that puts it in the field.
//! Well-known ports get a warning in the lesson's words before Start. Real sockets on
//! 127.0.0.1 with OS-assigned ports.

use crate::support::ui as support;

use egui_kittest::kittest::{NodeT, Queryable};
use socket_tester::i18n::Lang;
use socket_tester::net::Role;
use socket_tester::ui::ConnState;
use support::*;

#[test]
fn address_in_use_is_told_under_the_port_field_with_a_free_port_to_use() {
    let held = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port();
    let mut app = english();
    // The TCP Client tab points at the same port on this computer (as 40 students do).
    {
        let c = app.panel_mut(Role::TcpClient);
        c.settings.host = "127.0.0.1".into();
        c.settings.port = port.to_string();
    }
    let mut h = harness(app);
    open_tab(&mut h, Role::TcpServer);
    set_field(&mut h, "Listen host", "127.0.0.1");
    set_field(&mut h, "Port", &port.to_string());
    h.get_by_label("Listen").click();
    wait_for(&mut h, "the listen failed", |a| {
        matches!(a.panel(Role::TcpServer).st.state, ConnState::Error(_))
            && !a.panel(Role::TcpServer).is_running()
    });
    // The field's words: the reason as the window says it (the log and the status line
    // keep the worker's own sentence), the holder, the free port and its button.
    let under = h
        .query_by_label_contains("another program (or session) holds this port. Port")
        .expect("the reason under the field");
    let text = under.accesskit_node().value().unwrap_or_default();
    assert!(text.contains("is free on this address"), "{text}");
    let free = h.state().panel(Role::TcpServer).st.port_advice.clone();
    let free = free.and_then(|a| a.free).expect("a free port");
    assert!(text.contains(&format!("port {free} is free")), "{text}");
    assert!(h.query_by_label(&format!("Use port {free}")).is_some());
    if socket_tester::net::port_owner::AVAILABLE {
        let pid = format!("process {}", std::process::id());
        assert!(text.contains(&pid), "the holder is named: {text}");
    }
    // The same words in Chinese.
    h.state_mut().classroom.set_lang(Lang::Zh);
    settle(&mut h);
    assert!(h.query_by_label(&format!("改用端口 {free}")).is_some());
    let zh = format!("这个地址上端口 {free} 是空闲的");
    assert!(
        h.query_all_by_label_contains(&zh).count() >= 2,
        "the field and the log"
    );
    h.state_mut().classroom.set_lang(Lang::En);
    settle(&mut h);

    // The free port goes into the field, and Listen works on it.
    h.get_by_label(&format!("Use port {free}")).click();
    settle(&mut h);
    assert_eq!(
        h.state().panel(Role::TcpServer).settings.port,
        free.to_string()
    );
    // The client that pointed at the old port follows, and says so.
    assert_eq!(
        h.state().panel(Role::TcpClient).settings.port,
        free.to_string()
    );
    assert!(
        h.query_by_label_contains(&format!("it now connects to {free} as well"))
            .is_some()
    );
    assert!(
        h.query_by_label(&format!("Use port {free}")).is_none(),
        "gone with the port"
    );
    h.get_by_label("Listen").click();
    wait_for(&mut h, "listening on the free port", |a| {
        a.panel(Role::TcpServer).st.state == ConnState::Listening
    });
    assert_eq!(
        h.state().panel(Role::TcpServer).st.local.map(|a| a.port()),
        Some(free)
    );
    h.get_by_label("Stop").click();
    settle(&mut h);
}

#[test]
fn a_well_known_port_is_warned_in_the_lessons_words_before_start() {
    let mut h = harness(english());
    open_tab(&mut h, Role::UdpReceiver);
    set_field(&mut h, "Port", "80");
    assert!(
        h.query_by_label_contains("the lesson says programs should not use these")
            .is_some()
    );
    h.state_mut().classroom.set_lang(Lang::Zh);
    settle(&mut h);
    assert!(
        h.query_by_label_contains("这些端口号我们在编程时不能使用")
            .is_some()
    );
    h.state_mut().classroom.set_lang(Lang::En);
    settle(&mut h);
    set_field(&mut h, "Port", "8080");
    assert!(
        h.query_by_label_contains("the lesson says programs should not use these")
            .is_none()
    );
}

#[test]
fn the_udp_senders_local_port_in_use_offers_a_free_one_under_its_field() {
    let held = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = held.local_addr().unwrap().port();
    let mut h = harness(english());
    open_tab(&mut h, Role::UdpSender);
    set_field(&mut h, "Local port", &format!("127.0.0.1:{port}"));
    h.get_by_label("Bind").click();
    wait_for(&mut h, "the bind failed", |a| {
        matches!(a.panel(Role::UdpSender).st.state, ConnState::Error(_))
            && !a.panel(Role::UdpSender).is_running()
    });
    let free = h.state().panel(Role::UdpSender).st.port_advice.clone();
    let free = free.and_then(|a| a.free).expect("a free port");
    assert!(
        h.query_by_label_contains(&format!("holds this port. Port {port} is held by"))
            .is_some()
            || !socket_tester::net::port_owner::AVAILABLE
    );
    h.get_by_label(&format!("Use port {free}")).click();
    settle(&mut h);
    // The host stays; the port is the free one.
    assert_eq!(
        h.state().panel(Role::UdpSender).settings.local,
        format!("127.0.0.1:{free}")
    );
    h.get_by_label("Bind").click();
    wait_for(&mut h, "bound on the free port", |a| {
        a.panel(Role::UdpSender).st.state == ConnState::Bound
    });
    drop(held);
}
