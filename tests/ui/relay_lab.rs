//! The relay lab (TCP 可靠 / UDP 不可靠), opened from the Labs menu in both languages: a UDP
//! sender → relay (10 % loss, 100 ms each way, a fixed seed) → receiver and a TCP client →
//! relay (100 ms each way) → server, every socket real on 127.0.0.1 with ports the system
//! picked. The counts the lab shows are checked against the logs and against the relay's
//! own log of what it dropped: UDP loses datagrams, TCP loses none and arrives in order.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::net::Role;
use socket_tester::ui::{App, LAB_COUNT, LAB_LATENCY_MS, LabOutcome};
use support::*;

fn settled(a: &App, udp: bool) -> bool {
    a.relay_lab_outcome(udp).is_some_and(|o| o.settled)
}

fn outcome(h: &egui_kittest::Harness<'static, App>, udp: bool) -> LabOutcome {
    h.state()
        .relay_lab_outcome(udp)
        .expect("the relay lab is open")
}

/// Opens the lab from the menu, waits for both chains to finish, and checks the counts.
fn run(h: &mut egui_kittest::Harness<'static, App>, labs: &str, item: &str) {
    settle(h);
    h.get_by_label(labs).click();
    settle(h);
    h.get_by_label(item).click();
    settle(h);
    // Every port is the system's: the relays forward to the receiving ends' ports.
    wait_for(h, "both chains to finish", |a| {
        settled(a, true) && settled(a, false)
    });
    let a = h.state();
    let udp_end = a.panel(Role::UdpReceiver).st.local.expect("bound").port();
    let relay = &a.panel(Role::Relay).settings.relay;
    assert_ne!(udp_end, 0);
    assert_eq!(relay.to_port, udp_end.to_string());
    assert!(relay.udp && relay.up.drop_pct == 10 && relay.up.latency_ms == LAB_LATENCY_MS);

    let udp = outcome(h, true);
    assert_eq!(udp.sent as u64, LAB_COUNT, "{udp:?}");
    assert!(!udp.lost.is_empty(), "the seed loses datagrams: {udp:?}");
    assert_eq!(udp.received + udp.lost.len(), udp.sent, "{udp:?}");
    // What the receiver misses is what the relay's own log says it dropped (nothing
    // comes back down: the receiver does not answer).
    assert_eq!(udp.relay_dropped, udp.lost.len() as u64, "{udp:?}");
    let late = udp.late_ms.expect("some arrived");
    assert!(late.0 >= LAB_LATENCY_MS - 5, "{udp:?}");

    let tcp = outcome(h, false);
    assert_eq!(tcp.sent as u64, LAB_COUNT, "{tcp:?}");
    assert_eq!(tcp.received as u64, LAB_COUNT, "{tcp:?}");
    assert!(
        tcp.lost.is_empty() && tcp.in_order && tcp.duplicates == 0,
        "{tcp:?}"
    );
    let (min, _, _) = tcp.late_ms.expect("all arrived");
    assert!(min >= LAB_LATENCY_MS - 5, "each held ~100 ms: {tcp:?}");
    settle(h);
}

#[test]
fn the_relay_lab_loses_udp_datagrams_and_no_tcp_messages_in_english() {
    let mut app = english();
    // The user was on the TCP Server tab: they come back to it after the lab.
    app.tab = Role::TcpServer;
    let mut h = harness(app);
    run(
        &mut h,
        "Labs",
        "TCP reliable vs UDP unreliable through a lossy network",
    );
    let udp = outcome(&h, true);
    let list: Vec<String> = udp.lost.iter().map(u32::to_string).collect();
    let said = format!(
        "sent 20, received {}, lost {} (numbers {})",
        udp.received,
        udp.lost.len(),
        list.join(", ")
    );
    assert!(h.query_by_label_contains(&said).is_some(), "{said}");
    assert!(
        h.query_by_label_contains("sent 20, received 20, lost 0, in order, each ~")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("The relay cannot lose a TCP segment")
            .is_some()
    );
    if socket_tester::net::tcp_info::AVAILABLE {
        assert!(
            h.query_by_label_contains("The TCP client's kernel (TCP_INFO): retransmits 0")
                .is_some()
        );
    }
    // Again: new ports, the same seed, the same datagrams lost.
    let port = h
        .state()
        .panel(Role::UdpReceiver)
        .st
        .local
        .map(|a| a.port());
    h.get_by_label("Run again").click();
    settle(&mut h);
    wait_for(&mut h, "the second run", |a| {
        a.panel(Role::UdpReceiver).st.local.map(|a| a.port()) != port
            && settled(a, true)
            && settled(a, false)
    });
    assert_eq!(outcome(&h, true).lost, udp.lost, "the seed repeats the run");
    // Closing gives the user's tabs back: nothing of the lab is left running.
    h.get_by_label("Close the split view").click();
    settle(&mut h);
    for role in Role::EVERY {
        assert!(!h.state().panel(role).is_running(), "{role:?}");
    }
    assert!(h.state().relay_lab_outcome(true).is_none());
    assert_eq!(h.state().tab, Role::TcpServer, "back to the user's tab");
}

#[test]
fn the_relay_lab_in_chinese_counts_the_same_and_speaks_chinese() {
    let Some(mut app) = crate::support::zh::chinese_app() else {
        return;
    };
    app.classroom.settings.learn = false;
    let mut h = harness(app);
    run(&mut h, "实验", "TCP 可靠 / UDP 不可靠（经过丢包的网络）");
    let udp = outcome(&h, true);
    let said = format!(
        "发送 20 条，收到 {} 条，丢失 {} 条",
        udp.received,
        udp.lost.len()
    );
    assert!(h.query_by_label_contains(&said).is_some(), "{said}");
    assert!(
        h.query_by_label_contains("发送 20 条，收到 20 条，丢失 0 条，顺序不变")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("中继无法丢掉 TCP 的报文段")
            .is_some()
    );
    crate::support::zh::assert_no_english(&h, "the relay lab");
}

/// The ready preset in `assets/presets` hands a class the lab; a preset saved while the
/// lab is open opens it again; and a preset keeps the Relay tab's settings.
#[test]
fn a_preset_opens_the_relay_lab_and_keeps_the_relay_settings() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/presets/relay-lab.toml");
    let preset = socket_tester::ui::load_preset(std::path::Path::new(file)).expect("a good preset");
    assert_eq!(preset.lab, Some(socket_tester::ui::PresetLab::Relay));
    let mut h = harness(english());
    settle(&mut h);
    h.state_mut().apply_preset(preset).expect("applied");
    wait_for(&mut h, "the UDP relay listening", |a| {
        a.panel(Role::Relay).st.local.is_some_and(|l| l.port() != 0)
    });
    assert!(
        h.query_by_label_contains("TCP reliable vs UDP unreliable")
            .is_some()
    );
    let saved = h.state().preset();
    assert_eq!(saved.lab, Some(socket_tester::ui::PresetLab::Relay));
    let text = saved.to_toml().expect("toml");
    assert!(text.contains("lab = \"relay\""), "{text}");
    // Another preset while the lab runs: the lab closes (its sessions are its own) and
    // the preset opens it again.
    let again = socket_tester::ui::Preset::parse(&text).expect("parsed");
    h.state_mut()
        .apply_preset(again)
        .expect("applied over the open lab");
    wait_for(&mut h, "the new lab's UDP relay", |a| {
        a.panel(Role::Relay).st.local.is_some_and(|l| l.port() != 0)
    });

    // The Relay tab's settings go into a preset and come back.
    let mut p = socket_tester::ui::Preset::default();
    p.relay.relay = socket_tester::ui::lab_relay_settings(true, 9000);
    let back = socket_tester::ui::Preset::parse(&p.to_toml().expect("toml")).expect("parsed");
    assert_eq!(back.relay.relay, p.relay.relay);
    assert_eq!(back.relay.relay.up.drop_pct, 10);
    assert_eq!(back.lab, None, "no lab unless asked");
}

/// A chain that stops part way says so in red instead of counting forever: the UDP
/// receiver is stopped before its relay could start.
#[test]
fn a_chain_that_cannot_start_says_so() {
    let mut app = english();
    socket_tester::ui::start_relay_lab(&mut app);
    app.panel_mut(Role::UdpReceiver).stop();
    let mut h = harness(app);
    wait_for(&mut h, "the TCP chain to finish", |a| settled(a, false));
    assert!(
        h.query_by_label_contains("This side could not start:")
            .is_some()
    );
    assert!(
        !h.state().panel(Role::UdpSender).is_running(),
        "nothing sent"
    );
    assert!(
        h.query_by_label_contains("sent 20, received 20, lost 0")
            .is_some(),
        "the other side goes on"
    );
}
