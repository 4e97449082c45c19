//! The kernel's view of a connection in the window (egui_kittest, Linux): the TCP diagram
//! panel shows the TCP client's round trip and congestion window once it is connected to
//! a std::net peer on 127.0.0.1 (OS-assigned port), and the TCP server's client list shows
//! the selected client's; in 简体中文 the table's words are Chinese.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::i18n::Lang;
use socket_tester::net::{Role, tcp_info};
use socket_tester::ui::{App, ConnState};
use std::net::{TcpListener, TcpStream};
use support::*;

#[test]
fn the_diagram_panel_and_the_client_list_show_the_kernels_view() {
    if !tcp_info::AVAILABLE {
        eprintln!("skipped: TCP_INFO is Linux only");
        return;
    }
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut app = App::new(None, None);
    app.classroom.set_lang(Lang::En);
    app.classroom.settings.tcp_diagram = true;
    let mut h = harness(app);
    open_tab(&mut h, Role::TcpClient);
    assert!(h.query_by_label("no open connection selected").is_some());
    set_field(&mut h, "Server host", "127.0.0.1");
    set_field(&mut h, "Port", &port.to_string());
    h.get_by_label("Connect").click();
    settle(&mut h);
    let _peer = accept_within(&listener);
    wait_for(&mut h, "connected", |a| {
        a.panel(Role::TcpClient).st.state == ConnState::Connected
    });
    wait_for(&mut h, "a sample", |a| {
        let v = a.panel(Role::TcpClient).view();
        !tcp_info::read(&v.tcp_stats).is_empty()
    });
    settle(&mut h);
    assert!(h.query_by_label("Kernel's view (TCP_INFO)").is_some());
    assert!(h.query_by_label("Round trip").is_some());
    assert!(h.query_by_label_contains(" segments × ").is_some());

    // The server: the selected client's view under the list.
    h.state_mut().classroom.set_lang(Lang::Zh);
    open_tab(&mut h, Role::TcpServer);
    set_field(&mut h, "监听主机", "127.0.0.1");
    set_field(&mut h, "端口", "0");
    h.get_by_label("监听").click();
    wait_for(&mut h, "listening", |a| {
        a.panel(Role::TcpServer).st.state == ConnState::Listening
    });
    let addr = h
        .state()
        .panel(Role::TcpServer)
        .st
        .local
        .expect("an address");
    let _c = TcpStream::connect(addr).unwrap();
    wait_for(&mut h, "a client's sample", |a| {
        let v = a.panel(Role::TcpServer).view();
        tcp_info::read(&v.tcp_stats).contains_key(&1)
    });
    h.state_mut().panel_mut(Role::TcpServer).selected_client = Some(1);
    settle(&mut h);
    // The diagram panel shows it whole, and the client list on one line (the list keeps
    // its room), in Chinese.
    assert!(h.query_by_label("内核视角（TCP_INFO）").is_some());
    assert!(h.query_by_label("拥塞窗口").is_some());
    assert!(
        h.query_all_by_label_contains("往返").any(|n| {
            let t = format!("{n:?}");
            t.contains("拥塞窗口") && t.contains("接收队列")
        }),
        "the client list's line"
    );
}
