//! The device-testing tools in the window (egui_kittest), against real std::net peers on
//! 127.0.0.1 with OS-assigned ports: variables and checksums in the send box, saved
//! payloads, auto-send, send file, auto-reply rules, the senders table, the rate chart,
//! the Expect panel and the broadcast toggle.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::auto::rules::{Matcher, Rule};
use socket_tester::codec::Checksum;
use socket_tester::net::Role;
use socket_tester::net::file_send::FileState;
use socket_tester::ui::{App, ConnState, PayloadForm, SavedPayload, Tool};
use std::io::{Read, Write};
use std::net::{TcpListener, UdpSocket};
use std::time::Duration;
use support::*;

fn udp_peer() -> UdpSocket {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s
}

/// A UDP sender tab bound and aimed at `peer`.
fn bound_sender(peer: &UdpSocket) -> egui_kittest::Harness<'static, App> {
    let port = peer.local_addr().unwrap().port();
    let mut h = harness(App::new(None, None));
    open_tab(&mut h, Role::UdpSender);
    set_field(&mut h, "Destination host", "127.0.0.1");
    set_field(&mut h, "Port", &port.to_string());
    set_field(&mut h, "Local port", "");
    h.get_by_label("Bind").click();
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpSender).st.state == ConnState::Bound
    });
    h
}

fn recv(peer: &UdpSocket) -> Vec<u8> {
    let mut buf = [0u8; 65536];
    let (n, _) = peer.recv_from(&mut buf).unwrap();
    buf[..n].to_vec()
}

/// Receives one datagram while the window keeps running (auto-replies need frames).
fn recv_stepping(h: &mut egui_kittest::Harness<'static, App>, peer: &UdpSocket) -> Vec<u8> {
    peer.set_nonblocking(true).unwrap();
    let t = std::time::Instant::now();
    let mut buf = [0u8; 65536];
    loop {
        match peer.recv_from(&mut buf) {
            Ok((n, _)) => {
                peer.set_nonblocking(false).unwrap();
                return buf[..n].to_vec();
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                assert!(t.elapsed() < Duration::from_secs(10), "no datagram came");
                h.step();
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => panic!("recv: {e}"),
        }
    }
}

fn type_message(h: &mut egui_kittest::Harness<'static, App>, text: &str) {
    set_field(h, "Message", text);
}

#[test]
fn checksum_is_shown_before_sending_and_appended() {
    let peer = udp_peer();
    let mut h = bound_sender(&peer);
    h.get_by_label("Hex").click();
    settle(&mut h);
    type_message(&mut h, "01 03 00 00 00 0A");
    h.state_mut()
        .panel_mut(Role::UdpSender)
        .settings
        .send
        .checksum = Some(Checksum::Crc16Modbus);
    settle(&mut h);
    // The known vector: CRC-16/MODBUS of 01 03 00 00 00 0A is C5 CD.
    h.get_by_label_contains("CRC-16/MODBUS = C5 CD");
    h.get_by_label_contains("8 bytes");
    h.get_by_label("Send").click();
    settle(&mut h);
    assert_eq!(
        recv(&peer),
        [0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xC5, 0xCD]
    );
}

#[test]
fn variables_expand_per_send_and_errors_name_the_position() {
    let peer = udp_peer();
    let mut h = bound_sender(&peer);
    h.get_by_label("Variables").click();
    settle(&mut h);
    type_message(&mut h, "n={seq:03}");
    h.get_by_label("Send").click();
    settle(&mut h);
    assert_eq!(recv(&peer), b"n=001");
    h.get_by_label("Send").click();
    settle(&mut h);
    assert_eq!(recv(&peer), b"n=002");

    type_message(&mut h, "ab{nope}");
    h.get_by_label_contains("position 4: unknown variable {nope}");
    assert!(is_disabled(&h, "Send"), "a bad template cannot be sent");
}

#[test]
fn history_keeps_the_last_fifty_sends() {
    let peer = udp_peer();
    let mut h = bound_sender(&peer);
    for i in 0..55 {
        let st = &mut h.state_mut().panel_mut(Role::UdpSender).settings.send;
        st.text = format!("m{i}");
        st.remember();
    }
    let st = &h.state().panel(Role::UdpSender).settings.send;
    assert_eq!(st.history.len(), 50);
    assert_eq!(st.history[0].text, "m54");
    drop(peer);
}

#[test]
fn saved_payloads_quick_send_and_survive_export_and_import() {
    let peer = udp_peer();
    let mut h = bound_sender(&peer);
    type_message(&mut h, "PING");
    h.get_by_label("Saved payloads").click();
    settle(&mut h);
    h.get_by_label("Save current message").click();
    settle(&mut h);
    assert_eq!(h.state().panel(Role::UdpSender).settings.kit.saved.len(), 1);
    type_message(&mut h, "something else");
    // The quick-send button carries the payload's name.
    h.get_by_label("PING").click();
    settle(&mut h);
    assert_eq!(recv(&peer), b"PING");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.json");
    let saved = h.state().panel(Role::UdpSender).settings.kit.saved.clone();
    assert_eq!(
        socket_tester::ui::export_payloads(&path, &saved).unwrap(),
        1
    );
    let back = socket_tester::ui::import_payloads(&path).unwrap();
    assert_eq!(back, saved);

    std::fs::write(
        &path,
        "{\"format\": \"something\", \"version\": 1, \"payloads\": []}",
    )
    .unwrap();
    let e = socket_tester::ui::import_payloads(&path).unwrap_err();
    assert!(e.contains("not a payload file"), "{e}");
    std::fs::write(&path, "not json at all").unwrap();
    let e = socket_tester::ui::import_payloads(&path).unwrap_err();
    assert!(e.contains("line 1"), "{e}");

    // Saved payloads persist with the tab.
    let persisted = h.state().persisted();
    let app = App::new(Some(persisted), None);
    assert_eq!(app.panel(Role::UdpSender).settings.kit.saved, saved);
}

#[test]
fn auto_send_every_millisecond_shows_progress() {
    let peer = udp_peer();
    let mut h = bound_sender(&peer);
    h.get_by_label("Variables").click();
    type_message(&mut h, "{seq}");
    h.get_by_label("Auto-send").click();
    settle(&mut h);
    set_field(&mut h, "Every (ms)", "1");
    set_field(&mut h, "Times", "100");
    h.get_by_label("Start auto-send").click();
    settle(&mut h);
    for i in 1..=100 {
        assert_eq!(recv(&peer), i.to_string().as_bytes());
    }
    wait_for(&mut h, "auto-send done", |a| {
        let st = &a.panel(Role::UdpSender).st;
        st.auto.is_none() && st.auto_note.is_some()
    });
    h.get_by_label_contains("auto-send done: 100 / 100");
}

#[test]
fn auto_send_stops_on_disconnect_with_a_message() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut h = harness(App::new(None, None));
    open_tab(&mut h, Role::TcpClient);
    set_field(&mut h, "Server host", "127.0.0.1");
    set_field(&mut h, "Port", &port.to_string());
    h.get_by_label("Connect").click();
    settle(&mut h);
    let (mut conn, _) = listener.accept().unwrap();
    wait_for(&mut h, "connected", |a| {
        a.panel(Role::TcpClient).st.state == ConnState::Connected
    });
    type_message(&mut h, "x");
    h.get_by_label("Auto-send").click();
    settle(&mut h);
    set_field(&mut h, "Every (ms)", "5");
    set_field(&mut h, "Times", "");
    h.get_by_label("Start auto-send").click();
    settle(&mut h);
    let mut b = [0u8; 3];
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    conn.read_exact(&mut b).unwrap();
    drop(conn);
    wait_for(&mut h, "auto-send stopped", |a| {
        let st = &a.panel(Role::TcpClient).st;
        st.auto.is_none() && st.auto_note.is_some()
    });
    h.get_by_label_contains("auto-send stopped");
}

#[test]
fn send_file_streams_it_with_a_progress_bar() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("f.bin");
    let data: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&path, &data).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut h = harness(App::new(None, None));
    open_tab(&mut h, Role::TcpClient);
    set_field(&mut h, "Server host", "127.0.0.1");
    set_field(&mut h, "Port", &port.to_string());
    h.get_by_label("Connect").click();
    settle(&mut h);
    let (mut conn, _) = listener.accept().unwrap();
    wait_for(&mut h, "connected", |a| {
        a.panel(Role::TcpClient).st.state == ConnState::Connected
    });
    h.get_by_label("Send file").click();
    settle(&mut h);
    set_field(&mut h, "Chunk (bytes)", "8192");
    // The dialog's answer, as the Send file… button would deliver it.
    h.state_mut()
        .panel_mut(Role::TcpClient)
        .send_file(path.clone())
        .unwrap();
    let mut got = vec![0u8; data.len()];
    conn.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    conn.read_exact(&mut got).unwrap();
    assert!(got == data);
    wait_for(&mut h, "file done", |a| {
        a.panel(Role::TcpClient)
            .kit
            .file
            .as_ref()
            .is_some_and(|f| f.progress.state() == FileState::Done)
    });
    h.get_by_label_contains("300000 / 300000 bytes");
    conn.write_all(b"ok").unwrap();
}

#[test]
fn auto_reply_rule_answers_and_counts() {
    let mut h = harness(App::new(None, None));
    open_tab(&mut h, Role::UdpReceiver);
    set_field(&mut h, "Bind host", "127.0.0.1");
    set_field(&mut h, "Port", "0");
    {
        let k = &mut h.state_mut().panel_mut(Role::UdpReceiver).settings.kit;
        k.rules.rules.push(Rule::new(
            Matcher::Regex("^PING \\d+$".into()),
            "PONG {seq}",
        ));
        k.tool = Tool::Rules;
    }
    h.get_by_label("Bind").click();
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpReceiver).st.local.is_some()
    });
    let local = h.state().panel(Role::UdpReceiver).st.local.unwrap();
    let peer = udp_peer();
    peer.send_to(b"PING 7", local).unwrap();
    assert_eq!(recv_stepping(&mut h, &peer), b"PONG 1");
    peer.send_to(b"PING x", local).unwrap();
    peer.send_to(b"PING 8", local).unwrap();
    assert_eq!(recv_stepping(&mut h, &peer), b"PONG 2");
    settle(&mut h);
    h.get_by_label_contains("fired 2");
    // Echo answers what no rule did.
    h.get_by_label("Echo").click();
    settle(&mut h);
    peer.send_to(b"hello", local).unwrap();
    assert_eq!(recv_stepping(&mut h, &peer), b"hello");
}

#[test]
fn senders_table_lists_sources_and_a_click_sets_the_reply_target() {
    let mut h = harness(App::new(None, None));
    open_tab(&mut h, Role::UdpReceiver);
    set_field(&mut h, "Bind host", "127.0.0.1");
    set_field(&mut h, "Port", "0");
    h.get_by_label("Bind").click();
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpReceiver).st.local.is_some()
    });
    let local = h.state().panel(Role::UdpReceiver).st.local.unwrap();
    let a = udp_peer();
    let b = udp_peer();
    a.send_to(b"one", local).unwrap();
    a.send_to(b"two", local).unwrap();
    b.send_to(b"three", local).unwrap();
    wait_for(&mut h, "three datagrams", |app| {
        app.panel(Role::UdpReceiver).view().store.counters.rx_msgs == 3
    });
    h.get_by_label("Senders").click();
    settle(&mut h);
    let s = &h.state().panel(Role::UdpReceiver).st.udp_senders.by_addr;
    let sa = &s[&a.local_addr().unwrap()];
    assert_eq!((sa.count, sa.bytes), (2, 6));
    h.get_by_label(&format!("Reply to {}", a.local_addr().unwrap()))
        .click();
    settle(&mut h);
    assert_eq!(
        h.state().panel(Role::UdpReceiver).reply_to,
        Some(a.local_addr().unwrap())
    );
    type_message(&mut h, "back");
    h.get_by_label("Send").click();
    settle(&mut h);
    assert_eq!(recv(&a), b"back");
}

#[test]
fn rate_chart_counts_traffic() {
    let peer = udp_peer();
    let mut h = bound_sender(&peer);
    type_message(&mut h, "12345");
    for _ in 0..3 {
        h.get_by_label("Send").click();
        settle(&mut h);
        recv(&peer);
    }
    h.get_by_label("Rate chart").click();
    wait_for(&mut h, "tx counted", |a| {
        let r = &a.panel(Role::UdpSender).st.rates;
        r.buckets.iter().map(|b| b.tx_msgs).sum::<u64>() == 3
    });
    let r = &h.state().panel(Role::UdpSender).st.rates;
    assert_eq!(r.buckets.iter().map(|b| b.tx_bytes).sum::<u64>(), 15);
    h.get_by_label("bytes/s");
    h.get_by_label("messages/s");
    // With traffic in the last minute the chart slides: it asks for the next second.
    h.step();
    let d = repaint_delay(&h);
    assert!(d <= Duration::from_millis(1005), "{d:?}");
}

/// How long until the window asked to be drawn again after the last frame (MAX: never,
/// until something happens).
fn repaint_delay(h: &egui_kittest::Harness<'static, App>) -> Duration {
    h.output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map_or(Duration::ZERO, |v| v.repaint_delay)
}

#[test]
fn an_idle_rate_chart_asks_for_no_frames() {
    let mut h = harness(App::new(None, None));
    open_tab(&mut h, Role::UdpReceiver);
    for _ in 0..5 {
        h.step();
    }
    assert_eq!(repaint_delay(&h), Duration::MAX, "idle without the chart");
    h.get_by_label("Rate chart").click();
    settle(&mut h);
    h.get_by_label("bytes/s");
    for _ in 0..5 {
        h.step();
        // The chart was asking for a frame every second, forever (3.8 % CPU at idle).
        assert_eq!(repaint_delay(&h), Duration::MAX, "idle with the chart");
    }
}

#[test]
fn a_rate_chart_whose_traffic_has_slid_out_asks_for_no_frames() {
    let mut h = harness(App::new(None, None));
    open_tab(&mut h, Role::UdpReceiver);
    h.get_by_label("Rate chart").click();
    settle(&mut h);
    // Traffic 61 s ago and 30 s ago, as the runtime counts it.
    let now = socket_tester::net::now_us();
    let count_rx = |h: &egui_kittest::Harness<'static, App>, ago_s: i64| {
        let ev = socket_tester::net::Event {
            ts_us: now - ago_s * 1_000_000,
            role: Role::UdpReceiver,
            local: None,
            peer: None,
            client: None,
            kind: socket_tester::net::EventKind::Rx(b"x".to_vec()),
            opcode: None,
        };
        let mut view = h.state().panel(Role::UdpReceiver).view();
        view.status.rates.push(&ev);
    };
    count_rx(&h, 61);
    for _ in 0..3 {
        h.step();
    }
    assert_eq!(repaint_delay(&h), Duration::MAX, "61 s ago: not drawn");
    count_rx(&h, 30);
    h.step();
    let d = repaint_delay(&h);
    assert!(
        d <= Duration::from_millis(1005),
        "30 s ago: it slides, {d:?}"
    );
}

#[test]
fn expect_panel_passes_against_an_echo_peer_and_fails_without_one() {
    let peer = udp_peer();
    let addr = peer.local_addr().unwrap();
    let echo = std::thread::spawn(move || {
        let mut buf = [0u8; 1500];
        for _ in 0..5 {
            let (n, from) = peer.recv_from(&mut buf).unwrap();
            let reply = String::from_utf8_lossy(&buf[..n]).replace("PING", "PONG");
            peer.send_to(reply.as_bytes(), from).unwrap();
        }
        peer
    });
    let mut h = harness(App::new(None, None));
    open_tab(&mut h, Role::UdpSender);
    set_field(&mut h, "Destination host", "127.0.0.1");
    set_field(&mut h, "Port", &addr.port().to_string());
    set_field(&mut h, "Local port", "");
    h.get_by_label("Bind").click();
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpSender).st.state == ConnState::Bound
    });
    h.get_by_label("Expect").click();
    settle(&mut h);
    set_field(&mut h, "Tries", "5");
    h.get_by_label("Run").click();
    settle(&mut h);
    wait_for(&mut h, "expect done", |a| {
        a.panel(Role::UdpSender)
            .st
            .expect
            .as_ref()
            .is_some_and(|x| x.is_done())
    });
    let peer = echo.join().unwrap();
    // The result line, and the latencies once (issue 13: they were printed twice).
    h.get_by_label("PASS 5/5 passed, 0 failed");
    assert_eq!(h.query_all_by_label_contains("latency").count(), 1);
    assert_eq!(h.query_all_by_label_contains("p95").count(), 1);

    // Nobody answers now: every try fails.
    drop(peer);
    set_field(&mut h, "Tries", "2");
    set_field(&mut h, "Within (ms)", "50");
    h.get_by_label("Run").click();
    settle(&mut h);
    wait_for(&mut h, "expect failed", |a| {
        a.panel(Role::UdpSender)
            .st
            .expect
            .as_ref()
            .is_some_and(|x| x.is_done() && x.plan().count == 2)
    });
    let x = h.state().panel(Role::UdpSender).st.expect.as_ref().unwrap();
    eprintln!(
        "summary: {} stopped {:?} results {:?}",
        x.summary(),
        x.stopped(),
        x.results()
    );
    assert!(!x.all_passed());
    h.get_by_label_contains("FAIL 0/2 passed");
}

#[test]
fn broadcast_without_the_toggle_is_refused_clearly() {
    let mut h = harness(App::new(None, None));
    open_tab(&mut h, Role::UdpSender);
    set_field(&mut h, "Destination host", "255.255.255.255");
    set_field(&mut h, "Port", "9");
    set_field(&mut h, "Local port", "");
    assert!(!h.state().panel(Role::UdpSender).settings.kit.broadcast);
    h.get_by_label("Bind").click();
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpSender).st.state == ConnState::Bound
    });
    type_message(&mut h, "hi");
    h.get_by_label("Send").click();
    wait_for(&mut h, "refused", |a| {
        a.panel(Role::UdpSender)
            .view()
            .store
            .iter()
            .any(|e| e.text.contains("turn on Broadcast"))
    });
}

#[test]
fn saved_payload_form_builds_bytes_like_the_send_box() {
    let form = PayloadForm {
        text: "01 03 {hex:00 00} 00 0A".into(),
        hex: true,
        variables: true,
        checksum: Some(Checksum::Crc16Modbus),
        ..PayloadForm::default()
    };
    let p = SavedPayload {
        name: "read".into(),
        form,
        encoding: String::new(),
    };
    let b = p
        .form
        .bytes(socket_tester::codec::Encoding::UTF_8, &mut 1)
        .unwrap();
    assert_eq!(b, [0x01, 0x03, 0x00, 0x00, 0x00, 0x0A, 0xC5, 0xCD]);
}

/// UDP send-file: a datagram size over 65,507 bytes is said under the field as it is
/// typed, and Send file… waits for a good one (before any file is picked).
#[test]
fn a_udp_file_chunk_too_large_for_a_datagram_is_flagged_as_typed() {
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = peer.local_addr().unwrap().port();
    let mut h = harness(english());
    open_tab(&mut h, Role::UdpSender);
    set_field(&mut h, "Destination host", "127.0.0.1");
    set_field(&mut h, "Port", &port.to_string());
    set_field(&mut h, "Local port", "");
    h.get_by_label("Bind").click();
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpSender).st.state == ConnState::Bound
    });
    h.get_by_label("Send file").click();
    settle(&mut h);
    let msg = "chunk size: a number of bytes from 1 to 65507";
    assert!(h.query_by_label(msg).is_none());
    assert!(!is_disabled(&h, "Send file…"));
    set_field(&mut h, "Datagram (bytes)", "65508");
    h.get_by_label(msg);
    assert!(
        is_disabled(&h, "Send file…"),
        "no file dialog for a bad size"
    );
    set_field(&mut h, "Datagram (bytes)", "65507");
    assert!(h.query_by_label(msg).is_none());
    assert!(!is_disabled(&h, "Send file…"));
}
