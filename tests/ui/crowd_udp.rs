//! The UDP Sender tab's crowd (egui_kittest), in both languages: 20 sources, each on a
//! port of its own, greet a std::net UdpSocket with their own number (`{conn}`), and
//! Send goes to every source; the tab shows the crowd's counts. A fixed local port is
//! refused under the field (each source binds its own).

use crate::support::ui as support;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use socket_tester::net::Role;
use socket_tester::ui::App;
use std::collections::{BTreeMap, BTreeSet};
use std::net::UdpSocket;
use std::time::{Duration, Instant};
use support::*;

/// The words of one language the test uses.
struct Words {
    dest: &'static str,
    local: &'static str,
    connections: &'static str,
    hello: &'static str,
    bind: &'static str,
    message: &'static str,
    send: &'static str,
    planned: &'static str,
    own_port: &'static str,
    connect_time: &'static str,
}

const EN: Words = Words {
    dest: "Destination host",
    local: "Local port",
    connections: "Sources",
    hello: "Each sends",
    bind: "Bind",
    message: "Message",
    send: "Send",
    planned: "20 planned · 20 bound",
    own_port: "A crowd: each source binds a port of its own",
    connect_time: "Connect time",
};

const ZH: Words = Words {
    dest: "目的主机",
    local: "本地端口",
    connections: "发送源数",
    hello: "每个发送",
    bind: "绑定",
    message: "消息",
    send: "发送",
    planned: "计划 20 · 已绑定 20",
    own_port: "多个源：每个源各自绑定自己的端口",
    connect_time: "连接耗时",
};

/// Datagrams that reach `peer` until `n` have come (or 20 s pass): (source port, text).
fn receive(peer: &UdpSocket, n: usize) -> Vec<(u16, String)> {
    let mut got = Vec::new();
    let mut buf = [0u8; 1500];
    let t = Instant::now();
    while got.len() < n && t.elapsed() < Duration::from_secs(20) {
        if let Ok((len, from)) = peer.recv_from(&mut buf) {
            got.push((
                from.port(),
                String::from_utf8_lossy(&buf[..len]).into_owned(),
            ));
        }
    }
    got
}

fn twenty_sources(mut h: Harness<'static, App>, w: &Words) {
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    let port = peer.local_addr().unwrap().port();
    set_field(&mut h, w.dest, "127.0.0.1");
    // ("端口" names more than one field in Chinese: the port is set directly.)
    h.state_mut().panel_mut(Role::UdpSender).settings.port = port.to_string();
    set_field(&mut h, w.connections, "20");
    // The tab's local port (the lesson's 7890) is kept but not used by a crowd: said,
    // and Bind goes ahead.
    assert!(!h.state().panel(Role::UdpSender).settings.local.is_empty());
    assert!(h.query_by_label_contains(w.own_port).is_some());
    assert!(is_disabled(&h, w.local), "the local port waits");
    assert!(!is_disabled(&h, w.bind));
    set_field(&mut h, w.hello, "hi {conn} {seq}");
    h.get_by_label(w.bind).click();
    wait_for(&mut h, "twenty bound", |a| {
        let c = a.panel(Role::UdpSender).st.crowd.clone();
        c.is_some_and(|c| c.open == 20 && c.settled)
    });
    let hello = receive(&peer, 20);
    // Each source greets once, from a port of its own, with its own number and {seq} 1.
    let by_port: BTreeMap<u16, String> = hello.iter().cloned().collect();
    assert_eq!((hello.len(), by_port.len()), (20, 20), "{hello:?}");
    let texts: BTreeSet<String> = by_port.values().cloned().collect();
    let want: BTreeSet<String> = (1..=20).map(|k| format!("hi {k} 1")).collect();
    assert_eq!(texts, want);
    // Send goes to every source.
    h.get_by_label(w.message).focus();
    h.step();
    h.get_by_label(w.message).type_text("all");
    settle(&mut h);
    h.get_by_label(w.send).click();
    settle(&mut h);
    let all = receive(&peer, 20);
    let ports: BTreeSet<u16> = all.iter().map(|(p, _)| *p).collect();
    assert!(all.iter().all(|(_, t)| t == "all"), "{all:?}");
    assert_eq!(
        ports,
        by_port.keys().copied().collect(),
        "every source sent it"
    );
    wait_for(&mut h, "forty sends counted", |a| {
        let c = a.panel(Role::UdpSender).st.crowd.clone();
        c.is_some_and(|c| c.sends == 40)
    });
    assert!(
        h.query_by_label_contains(w.planned).is_some(),
        "the counts line in the tab, in UDP's words"
    );
    assert!(
        h.query_by_label_contains(w.connect_time).is_none(),
        "no connect time: UDP has no connection"
    );
}

#[test]
fn twenty_udp_sources_each_from_its_own_port_in_english() {
    let mut h = harness(english());
    open_tab(&mut h, Role::UdpSender);
    twenty_sources(h, &EN);
}

#[test]
fn twenty_udp_sources_each_from_its_own_port_in_chinese() {
    if !socket_tester::ui::install_cjk_font(&egui::Context::default()) {
        eprintln!("skipped: no CJK font on this machine (install fonts-noto-cjk)");
        return;
    }
    let mut app = App::new(None, None);
    app.classroom.set_lang(socket_tester::i18n::Lang::Zh);
    app.tab = Role::UdpSender;
    let mut h = harness(app);
    settle(&mut h);
    twenty_sources(h, &ZH);
}
