//! The walk-through of issue 13 in the real window (kittest, real loopback sockets with
//! OS-assigned ports): the socket-calls strip, the Send to all button, the TCP server's
//! selection after a kick, rule counts over encoding switches, the per-connection
//! counters, and the status text of a peer's close.

use crate::support::ui as support;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use socket_tester::i18n::Lang;
use socket_tester::net::Role;
use socket_tester::ui::{App, ConnState};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;
use support::*;

fn english_app() -> App {
    let mut app = App::new(None, None);
    app.classroom.set_lang(Lang::En);
    app
}

fn harness_sized(app: App, w: f32) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(w, 820.0))
        .build_ui_state(|ui, app: &mut App| app.frame(ui), app)
}

/// A TCP server tab listening on 127.0.0.1 with an OS-assigned port.
fn listening_server(h: &mut Harness<'static, App>) -> std::net::SocketAddr {
    h.state_mut().tab = Role::TcpServer;
    settle(h);
    set_field(h, "Listen host", "127.0.0.1");
    set_field(h, "Port", "0");
    h.get_by_label("Listen").click();
    wait_for(h, "listening", |a| {
        a.panel(Role::TcpServer).st.state == ConnState::Listening
    });
    h.state()
        .panel(Role::TcpServer)
        .st
        .local
        .expect("a listening server knows its address")
}

fn open_clients(a: &App) -> usize {
    a.panel(Role::TcpServer)
        .view()
        .store
        .clients
        .values()
        .filter(|c| c.open)
        .count()
}

fn client(addr: std::net::SocketAddr) -> TcpStream {
    let c = TcpStream::connect(addr).unwrap();
    c.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    c
}

#[test]
fn socket_calls_strip_shows_the_newest_calls_whole_and_clear_resets_it() {
    let mut app = english_app();
    app.tab = Role::TcpServer;
    let mut h = harness_sized(app, 520.0);
    settle(&mut h);
    // Before anything: the hint names this tab's button.
    assert!(
        h.query_by_label("Nothing yet: press Listen and the socket calls appear here.")
            .is_some()
    );
    let addr = listening_server(&mut h);
    let _c = client(addr);
    wait_for(&mut h, "accepted", |a| open_clients(a) == 1);
    let width = 520.0;
    // The newest call is there in full, inside the window.
    let newest = h.get_by_label_contains("accept() → client #1 127.0.0.1:");
    let r = newest.rect();
    assert!(r.min.x >= 0.0 && r.max.x <= width, "{r:?}");
    // The earlier ones that do not fit are counted at the left, not cut mid-word.
    let earlier = h.get_by_label_contains("earlier");
    assert!(earlier.rect().min.x >= 0.0);
    for text in ["socket(AF_INET, SOCK_STREAM)", "listen(128)"] {
        if let Some(n) = h.query_by_label(text) {
            let r = n.rect();
            assert!(r.min.x >= 0.0 && r.max.x <= width, "{text} cut: {r:?}");
        }
    }
    assert!(
        h.query_by_label_contains("_STREAM)")
            .is_none_or(|n| n.rect().min.x >= 0.0)
    );

    // Clear starts the strip over. At 520 px the log's actions are in its "⋯" menu.
    h.get_by_label("⋯").click();
    settle(&mut h);
    h.get_by_label("Clear").click();
    settle(&mut h);
    wait_for(&mut h, "the strip cleared", |a| {
        a.panel(Role::TcpServer).st.timeline.steps.is_empty()
    });
    assert!(h.query_by_label_contains("accept() →").is_none());
    assert!(
        h.query_by_label("cleared: the next calls appear here")
            .is_some()
    );
}

#[test]
fn tcp_diagram_highlights_only_what_happened() {
    let mut app = english_app();
    app.tab = Role::TcpClient;
    let mut h = harness_sized(app, 1280.0);
    settle(&mut h);
    let flow = |a: &App, role: Role| {
        let p = a.panel(role);
        socket_tester::ui::tcp_flow(&p.st, role, p.selected_client).unwrap_or_default()
    };
    // Idle: no SYN highlighted.
    assert_eq!(flow(h.state(), Role::TcpClient).last, None);
    let addr = listening_server(&mut h);
    assert_eq!(flow(h.state(), Role::TcpServer).last, None);
    let mut c = client(addr);
    wait_for(&mut h, "accepted", |a| open_clients(a) == 1);
    // Connected, nothing sent: the handshake's last ACK, not server → client data.
    let f = flow(h.state(), Role::TcpServer);
    assert_eq!((f.last, f.s2c_bytes), (Some((0, 2)), 0));
    c.write_all(b"abc").unwrap();
    wait_for(&mut h, "data", |a| has_row(a, Role::TcpServer, "abc"));
    assert_eq!(flow(h.state(), Role::TcpServer).last, Some((1, 0)));
}

/// Clicks client `id`'s row in the client list.
fn click_client_row(h: &mut Harness<'static, App>, id: u64) {
    let head = format!("#{id} 127.0.0.1:");
    h.query_all_by_label_contains("[open]")
        .find(|n| {
            n.accesskit_node()
                .label()
                .is_some_and(|l| l.starts_with(&head))
        })
        .expect("the client's row")
        .click();
}

fn read_n(c: &mut TcpStream, n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    c.read_exact(&mut buf).unwrap();
    buf
}

#[test]
fn send_to_all_sends_the_message_to_every_client() {
    let mut h = harness(english_app());
    let addr = listening_server(&mut h);
    let mut a = client(addr);
    let mut b = client(addr);
    wait_for(&mut h, "two clients", |a| open_clients(a) == 2);
    h.get_by_label("Message").focus();
    h.step();
    h.get_by_label("Message").type_text("to everyone");
    settle(&mut h);
    // Even with one client selected, Send to all goes to both.
    click_client_row(&mut h, 1);
    settle(&mut h);
    assert_eq!(h.state().panel(Role::TcpServer).selected_client, Some(1));
    h.get_by_label("Send to all").click();
    settle(&mut h);
    assert_eq!(read_n(&mut a, 11), b"to everyone");
    assert_eq!(read_n(&mut b, 11), b"to everyone");
}

#[test]
fn kicking_the_selected_client_sends_to_all_again() {
    let mut h = harness(english_app());
    let addr = listening_server(&mut h);
    let _a = client(addr);
    let mut b = client(addr);
    wait_for(&mut h, "two clients", |a| open_clients(a) == 2);
    click_client_row(&mut h, 1);
    settle(&mut h);
    assert_eq!(h.state().panel(Role::TcpServer).selected_client, Some(1));
    h.get_by_label("Disconnect selected").click();
    wait_for(&mut h, "client 1 closed", |a| open_clients(a) == 1);
    settle(&mut h);
    // Back to all clients, and Send works.
    assert_eq!(h.state().panel(Role::TcpServer).selected_client, None);
    assert!(h.query_by_label("client #1").is_none());
    h.get_by_label("Message").focus();
    h.step();
    h.get_by_label("Message").type_text("still here");
    settle(&mut h);
    assert!(!is_disabled(&h, "Send"));
    h.get_by_label("Send").click();
    settle(&mut h);
    assert_eq!(read_n(&mut b, 10), b"still here");
}

#[test]
fn a_rules_count_survives_encoding_switches() {
    use socket_tester::auto::rules::{Matcher, Rule};
    use socket_tester::codec::Encoding;
    let mut app = english_app();
    app.tab = Role::UdpReceiver;
    {
        let p = app.panel_mut(Role::UdpReceiver);
        p.settings.host = "127.0.0.1".into();
        p.settings.port = "0".into();
        p.settings
            .kit
            .rules
            .rules
            .push(Rule::new(Matcher::Contains("PING".into()), "PONG"));
        p.settings.kit.tool = socket_tester::ui::Tool::Rules;
    }
    let mut h = harness(app);
    settle(&mut h);
    h.get_by_label("Bind").click();
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpReceiver).st.local.is_some()
    });
    let local = h.state().panel(Role::UdpReceiver).st.local.unwrap();
    let peer = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    peer.send_to(b"PING", local).unwrap();
    wait_for(&mut h, "fired 1", |a| {
        a.panel(Role::UdpReceiver).st.rules.fired == [1]
    });
    let mut buf = [0u8; 64];
    let (n, _) = peer.recv_from(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"PONG");
    for enc in [
        Encoding::GBK,
        Encoding::UTF_16LE,
        Encoding::LATIN_1,
        Encoding::UTF_8,
    ] {
        h.state_mut().panel_mut(Role::UdpReceiver).set_encoding(enc);
        for _ in 0..10 {
            h.step();
            std::thread::sleep(Duration::from_millis(10));
        }
        assert_eq!(
            h.state().panel(Role::UdpReceiver).st.rules.fired,
            [1],
            "after switching to {enc:?}"
        );
    }
    assert!(h.query_by_label_contains("fired 1").is_some());
    // Adding a rule, and a spell of an invalid one, leave the first rule's count alone.
    let fired =
        |h: &Harness<'static, App>| h.state().panel(Role::UdpReceiver).st.rules.fired.clone();
    h.state_mut()
        .panel_mut(Role::UdpReceiver)
        .settings
        .kit
        .rules
        .rules
        .push(Rule::new(Matcher::Regex("(".into()), "bad"));
    wait_for(&mut h, "the rule error", |a| {
        a.panel(Role::UdpReceiver).st.rules.error.is_some()
    });
    h.state_mut()
        .panel_mut(Role::UdpReceiver)
        .settings
        .kit
        .rules
        .rules[1]
        .matcher = Matcher::Regex("^HELLO$".into());
    wait_for(&mut h, "two rules", |a| {
        a.panel(Role::UdpReceiver).st.rules.fired.len() == 2
    });
    assert_eq!(fired(&h), [1, 0]);
    assert!(h.query_by_label_contains("fired 1").is_some());
}

/// Accepts one connection while the window keeps running (at most 20 s).
fn accept_stepping(h: &mut Harness<'static, App>, server: &std::net::TcpListener) -> TcpStream {
    let t = std::time::Instant::now();
    loop {
        match server.accept() {
            Ok((c, _)) => {
                c.set_nonblocking(false).unwrap();
                return c;
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                assert!(t.elapsed() < Duration::from_secs(20), "nobody connected");
                h.step();
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => panic!("accept: {e}"),
        }
    }
}

/// The words of a text, each at most once ("closed by peer: closed by peer" fails).
fn assert_no_repeat(text: &str) {
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.len() > 2)
        .collect();
    for (i, w) in words.iter().enumerate() {
        assert!(!words[i + 1..].contains(w), "\"{w}\" twice in \"{text}\"");
    }
}

#[test]
fn counters_say_they_are_totals_over_reconnects_and_a_peer_close_is_said_once() {
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    server.set_nonblocking(true).unwrap();
    let port = server.local_addr().unwrap().port();
    let mut app = english_app();
    app.tab = Role::TcpClient;
    {
        let p = app.panel_mut(Role::TcpClient);
        p.settings.host = "127.0.0.1".into();
        p.settings.port = port.to_string();
    }
    let mut h = harness(app);
    settle(&mut h);
    for round in 1..=2u64 {
        h.get_by_label("Connect").click();
        let mut conn = accept_stepping(&mut h, &server);
        wait_for(&mut h, "connected", |a| {
            a.panel(Role::TcpClient).st.state == ConnState::Connected
        });
        conn.write_all(b"hello").unwrap();
        drop(conn);
        wait_for(&mut h, "closed by peer", |a| {
            matches!(
                a.panel(Role::TcpClient).st.state,
                ConnState::ClosedByPeer(_)
            ) && a.panel(Role::TcpClient).view().store.counters.rx_bytes == 5 * round
        });
        wait_for(&mut h, "ended", |a| !a.panel(Role::TcpClient).is_running());
        // The reconnect adds to the counters, and the label says so.
        let want = format!("Since Clear: Rx {} B / {round} msgs", 5 * round);
        assert!(h.query_by_label_contains(&want).is_some(), "no {want}");
        // The peer's close, said once in the status and once in its log row.
        let state = h.state().panel(Role::TcpClient).st.state.text_in(Lang::En);
        assert_no_repeat(&state);
        assert!(
            h.query_all_by_label(&state).next().is_some(),
            "status {state}"
        );
        let rows: Vec<String> = h
            .state()
            .panel(Role::TcpClient)
            .view()
            .store
            .iter()
            .filter(|r| r.text.contains("closed by peer"))
            .map(|r| r.text.clone())
            .collect();
        assert_eq!(rows.len(), round as usize, "{rows:?}");
        rows.iter().for_each(|r| assert_no_repeat(r));
    }
    h.get_by_label("Clear").click();
    settle(&mut h);
    wait_for(&mut h, "cleared", |a| {
        a.panel(Role::TcpClient).view().store.counters.rx_bytes == 0
    });
    assert!(h.query_by_label_contains("Since Clear: Rx 0 B").is_some());
}

fn rx_data(a: &App, role: Role) -> Vec<Vec<u8>> {
    a.panel(role)
        .view()
        .store
        .iter()
        .filter(|e| matches!(e.event.kind, socket_tester::net::EventKind::Rx(_)))
        .filter_map(|e| e.data().map(<[u8]>::to_vec))
        .collect()
}

#[test]
fn a_lab_starts_clean_and_leaves_the_users_tabs_as_they_were() {
    use socket_tester::auto::rules::{Matcher, Rule};
    use socket_tester::codec::Checksum;
    use socket_tester::ui::LineEnding;
    let mut app = english_app();
    {
        let s = &mut app.panel_mut(Role::UdpSender).settings;
        s.send.checksum = Some(Checksum::Crc16Modbus);
        s.send.line_ending = LineEnding::CrLf;
        s.send.text = "mine".into();
    }
    let r = app.panel_mut(Role::UdpReceiver);
    r.settings
        .kit
        .rules
        .rules
        .push(Rule::new(Matcher::Contains("Hello".into()), "rule reply"));
    r.add_note("my own row");
    app.panel_mut(Role::TcpServer).settings.framing.mode = socket_tester::ui::FramingMode::Lf;
    let before = app.persisted();
    let mut h = harness(app);
    wait_for(&mut h, "the user's row", |a| {
        a.panel(Role::UdpReceiver).view().store.iter().count() == 1
    });

    h.get_by_label("Labs").click();
    settle(&mut h);
    h.get_by_label("Loopback lab: UDP sender → receiver")
        .click();
    wait_for(&mut h, "both ends bound", |a| {
        a.panel(Role::UdpReceiver).st.state == ConnState::Bound
            && a.panel(Role::UdpSender).st.state == ConnState::Bound
    });
    // Clean: no checksum, line ending, rules or old rows.
    {
        let a = h.state();
        let s = &a.panel(Role::UdpSender).settings;
        assert_eq!(
            (s.send.checksum, s.send.line_ending),
            (None, LineEnding::None)
        );
        assert!(
            a.panel(Role::UdpReceiver)
                .settings
                .kit
                .rules
                .rules
                .is_empty()
        );
        assert!(
            !a.panel(Role::UdpReceiver)
                .view()
                .store
                .iter()
                .any(|e| e.text == "my own row")
        );
    }
    // The lab's Send (the sender's; the receiver's has nobody to answer yet).
    let send = h
        .query_all_by_label("Send")
        .find(|n| !n.accesskit_node().is_disabled())
        .expect("the lab sender's Send");
    send.click();
    wait_for(&mut h, "the lab's datagram", |a| {
        !rx_data(a, Role::UdpReceiver).is_empty()
    });
    assert_eq!(
        rx_data(h.state(), Role::UdpReceiver),
        [b"Hello from the loopback lab!".to_vec()],
        "sent without the user's CRC and CR LF, answered by no old rule"
    );

    h.get_by_label("Close the split view").click();
    settle(&mut h);
    assert_eq!(h.state().classroom.split, None);
    // The user's tabs as they were: settings, remembered ports, rows.
    let after = h.state().persisted();
    assert_eq!(after.udp_sender, before.udp_sender);
    assert_eq!(after.udp_receiver, before.udp_receiver);
    assert_eq!(after.tcp_client, before.tcp_client);
    assert_eq!(after.tcp_server, before.tcp_server);
    assert_eq!(after.udp_sender.port, "8080");
    assert_eq!(after.udp_sender.local, "7890");
    assert_eq!(after.udp_receiver.port, "8080");
    let a = h.state();
    assert!(!a.panel(Role::UdpReceiver).is_running());
    assert!(
        a.panel(Role::UdpReceiver)
            .view()
            .store
            .iter()
            .any(|e| e.text == "my own row")
    );
    assert!(rx_data(a, Role::UdpReceiver).is_empty());

    // The TCP lab too: the user's 7891 stays.
    socket_tester::ui::start_lab(h.state_mut(), true);
    wait_for(&mut h, "client connected", |a| {
        a.panel(Role::TcpClient).st.state == ConnState::Connected
    });
    let lab_port = h.state().panel(Role::TcpServer).st.local.map(|l| l.port());
    assert_ne!(lab_port, Some(7891));
    assert_eq!(h.state().persisted().tcp_server.port, "7891");
    h.get_by_label("Close the split view").click();
    settle(&mut h);
    let after = h.state().persisted();
    assert_eq!(after.tcp_client, before.tcp_client);
    assert_eq!(after.tcp_server, before.tcp_server);
    assert!(!h.state().panel(Role::TcpClient).is_running());
}

/// A click in the client list changes "Send to" visibly: the new target is said under the
/// list with an Undo that puts Send to back; what goes out follows it.
#[test]
fn a_click_in_the_client_list_says_send_to_changed_and_undo_puts_it_back() {
    let mut h = harness(english_app());
    let addr = listening_server(&mut h);
    let mut a = client(addr);
    let mut b = client(addr);
    wait_for(&mut h, "two clients", |a| open_clients(a) == 2);
    assert!(h.query_by_label_contains("(chosen in the list)").is_none());
    click_client_row(&mut h, 1);
    settle(&mut h);
    assert_eq!(h.state().panel(Role::TcpServer).selected_client, Some(1));
    h.get_by_label("Send to: client #1 (chosen in the list)");
    // Sends go to client 1 only.
    h.get_by_label("Message").focus();
    h.step();
    h.get_by_label("Message").type_text("one");
    settle(&mut h);
    h.get_by_label("Send").click();
    settle(&mut h);
    assert_eq!(read_n(&mut a, 3), b"one");
    // Undo: all clients again, and the note goes.
    h.get_by_label("Undo").click();
    settle(&mut h);
    assert_eq!(h.state().panel(Role::TcpServer).selected_client, None);
    assert!(h.query_by_label_contains("(chosen in the list)").is_none());
    h.get_by_label("Send").click();
    settle(&mut h);
    assert_eq!(read_n(&mut a, 3), b"one");
    assert_eq!(read_n(&mut b, 3), b"one");
}
