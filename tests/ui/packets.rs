//! Saved packets (the Packets window, egui_kittest, real sockets on 127.0.0.1 with
//! OS-assigned ports): the send box saved as a packet with its destination, sent with one
//! click to a std::net UdpSocket (the UDP Sender is bound for it); a TCP packet offered a
//! connection, then sent on the TCP Client connected to its destination, and one sent to
//! the TCP Server's client at its address; the packets kept in the data folder across
//! windows; Export… and Import… through the in-window file dialog (which opens in the
//! last folder used), a bad file refused naming its line, nothing lost.

use crate::support::ui as support;

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use socket_tester::net::Role;
use socket_tester::ui::{App, ConnState, Packet, PacketProtocol, PayloadForm};
use std::io::Read;
use std::net::{TcpListener, TcpStream, UdpSocket};
use std::path::Path;
use std::time::{Duration, Instant};
use support::*;

fn app_in(dir: &Path) -> App {
    let mut app = english().with_data_dir(dir);
    app.packets.panel.open = true;
    app
}

fn packet(name: &str, protocol: PacketProtocol, to: String, text: &str) -> Packet {
    Packet {
        name: name.into(),
        protocol,
        to,
        form: PayloadForm {
            text: text.into(),
            ..PayloadForm::default()
        },
        encoding: "utf-8".into(),
    }
}

fn notice(h: &Harness<'_, App>) -> String {
    h.state()
        .packets
        .panel
        .notice
        .clone()
        .map(|(t, _)| t)
        .unwrap_or_default()
}

/// Steps the window until the UDP peer has a datagram.
fn udp_arrival(h: &mut Harness<'static, App>, peer: &UdpSocket) -> Vec<u8> {
    peer.set_nonblocking(true).unwrap();
    let t = Instant::now();
    let mut buf = [0u8; 2048];
    loop {
        match peer.recv_from(&mut buf) {
            Ok((n, _)) => return buf[..n].to_vec(),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("recv: {e}"),
        }
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "no datagram: {}",
            notice(h)
        );
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Steps the window until `n` bytes came on `s`.
fn tcp_arrival(h: &mut Harness<'static, App>, s: &mut TcpStream, n: usize) -> Vec<u8> {
    s.set_nonblocking(true).unwrap();
    let t = Instant::now();
    let mut got = Vec::new();
    let mut buf = [0u8; 256];
    while got.len() < n {
        match s.read(&mut buf) {
            Ok(0) => panic!("closed"),
            Ok(k) => got.extend_from_slice(&buf[..k]),
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("read: {e}"),
        }
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "no data: {}",
            notice(h)
        );
        h.step();
        std::thread::sleep(Duration::from_millis(10));
    }
    got
}

#[test]
fn the_send_box_saved_as_a_packet_is_sent_with_one_click_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    let to = peer.local_addr().unwrap().to_string();
    let mut app = app_in(dir.path());
    app.tab = Role::UdpSender;
    let s = &mut app.panel_mut(Role::UdpSender).settings;
    s.local = "127.0.0.1:0".into();
    s.send.text = "你好 packet".into();
    let mut h = harness(app);
    settle(&mut h);
    h.get_by_label("＋ Save the send box as a packet").click();
    settle(&mut h);
    set_field(&mut h, "Name", "ping");
    set_field(&mut h, "Destination (host:port)", "127.0.0.1:0");
    assert!(
        h.query_by_label_contains("port 0").is_some(),
        "checked as you type"
    );
    assert!(is_disabled(&h, "Save packet"));
    set_field(&mut h, "Destination (host:port)", &to);
    h.get_by_label("Save packet").click();
    settle(&mut h);
    let stored = std::fs::read_to_string(dir.path().join("packets.toml")).unwrap();
    assert!(
        stored.contains("name = \"ping\"") && stored.contains(&to),
        "{stored}"
    );

    // One click: the UDP Sender is not bound, so it binds, then the packet goes.
    assert!(!h.state().panel(Role::UdpSender).is_running());
    h.get_by_label("▶ ping").click();
    assert_eq!(udp_arrival(&mut h, &peer), "你好 packet".as_bytes());
    wait_for(&mut h, "the notice", |a| {
        a.packets
            .panel
            .notice
            .as_ref()
            .is_some_and(|(t, _)| t.starts_with("Sent"))
    });
    assert!(notice(&h).contains(&to), "{}", notice(&h));
    // Again, from another tab: through the bound UDP Sender at once.
    open_tab(&mut h, Role::TcpServer);
    h.get_by_label("▶ ping").click();
    assert_eq!(udp_arrival(&mut h, &peer), "你好 packet".as_bytes());

    // A new window on the same data folder has the packet.
    let h2 = harness(app_in(dir.path()));
    assert!(h2.query_by_label("▶ ping").is_some());
    assert_eq!(h2.state().packets.panel.list[0].to, to);
}

#[test]
fn a_tcp_packet_is_offered_a_connection_then_sent_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let to = listener.local_addr().unwrap().to_string();
    let mut app = app_in(dir.path());
    let pk = packet("hello tcp", PacketProtocol::Tcp, to.clone(), "HELLO\\r\\n");
    let mut pk = pk;
    pk.form.escapes = true;
    app.packets.panel.list.push(pk);
    let mut h = harness(app);
    settle(&mut h);
    h.get_by_label("▶ hello tcp").click();
    settle(&mut h);
    assert!(
        notice(&h).starts_with("No TCP connection to"),
        "{}",
        notice(&h)
    );
    let offer = format!("Connect the TCP Client to {to} and send");
    h.get_by_label(&offer).click();
    settle(&mut h);
    let mut conn = accept_within(&listener);
    assert_eq!(tcp_arrival(&mut h, &mut conn, 7), b"HELLO\r\n");
    assert_eq!(
        h.state().panel(Role::TcpClient).st.state,
        ConnState::Connected
    );
    // Connected now: the next click sends on that connection.
    h.get_by_label("▶ hello tcp").click();
    assert_eq!(tcp_arrival(&mut h, &mut conn, 7), b"HELLO\r\n");
    assert!(
        notice(&h).contains("via the TCP Client tab"),
        "{}",
        notice(&h)
    );
}

#[test]
fn a_tcp_packet_to_a_servers_client_goes_through_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_in(dir.path());
    app.tab = Role::TcpServer;
    let mut h = harness(app);
    settle(&mut h);
    set_field(&mut h, "Listen host", "127.0.0.1");
    set_field(&mut h, "Port", "0");
    h.get_by_label("Listen").click();
    wait_for(&mut h, "listening", |a| {
        a.panel(Role::TcpServer).st.state == ConnState::Listening
    });
    let addr = h.state().panel(Role::TcpServer).st.local.unwrap();
    let mut c = TcpStream::connect(addr).unwrap();
    let me = c.local_addr().unwrap().to_string();
    wait_for(&mut h, "accepted", |a| {
        a.panel(Role::TcpServer).view().store.clients.len() == 1
    });
    let pk = packet("to the client", PacketProtocol::Tcp, me.clone(), "hi");
    h.state_mut().packets.panel.list.push(pk);
    settle(&mut h);
    h.get_by_label("▶ to the client").click();
    assert_eq!(tcp_arrival(&mut h, &mut c, 2), b"hi");
    assert!(
        notice(&h).contains("via the TCP Server tab"),
        "{}",
        notice(&h)
    );
}

#[test]
fn export_and_import_round_trip_and_a_bad_file_names_its_line() {
    // Its own process: the dialogs' last folder is the process's.
    if !crate::support::alone(&crate::test_path!(
        "export_and_import_round_trip_and_a_bad_file_names_its_line"
    )) {
        return;
    }
    socket_tester::ui::use_in_window_file_dialogs();
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    std::fs::create_dir(&files).unwrap();
    let mut app = app_in(&dir.path().join("data"));
    let list = vec![
        packet("a", PacketProtocol::Udp, "127.0.0.1:9".into(), "x"),
        packet("b", PacketProtocol::Tcp, "[::1]:502".into(), "00 01"),
    ];
    app.packets.panel.list = list.clone();
    app.packets.panel.list[1].form.hex = true;
    let mut h = harness(app);
    settle(&mut h);
    h.get_by_label("Export packets…").click();
    settle(&mut h);
    let out = files.join("mine.toml");
    set_field(&mut h, "File:", out.to_str().unwrap());
    h.get_by_label("Save").click();
    wait_for(&mut h, "exported", |a| {
        a.packets
            .panel
            .notice
            .as_ref()
            .is_some_and(|(t, _)| t.starts_with("Exported 2"))
    });
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(
        text.contains("protocol = \"tcp\"") && text.contains("hex = true"),
        "{text}"
    );

    // Import the same file: both kept, the imported ones renamed; the dialog opens where
    // the export went.
    h.get_by_label("Import packets…").click();
    settle(&mut h);
    let folder = h
        .get_by_label("Folder")
        .accesskit_node()
        .value()
        .unwrap_or_default();
    assert_eq!(Path::new(folder.trim()), files, "the last folder used");
    set_field(&mut h, "File:", out.to_str().unwrap());
    h.get_by_label("Open").click();
    wait_for(&mut h, "imported", |a| a.packets.panel.list.len() == 4);
    let names: Vec<String> = h
        .state()
        .packets
        .panel
        .list
        .iter()
        .map(|p| p.name.clone())
        .collect();
    assert_eq!(names, ["a", "b", "a (2)", "b (2)"]);
    assert!(h.state().packets.panel.list[3].form.hex);

    // A bad file: refused, its line named, nothing lost.
    let bad = files.join("bad.toml");
    std::fs::write(
        &bad,
        "[[packet]]\nname = \"c\"\nprotocol = \"udp\"\nto = 127.0.0.1:9\n",
    )
    .unwrap();
    h.state_mut().import_packets(&bad);
    settle(&mut h);
    assert!(notice(&h).contains("line 4"), "{}", notice(&h));
    assert!(
        h.query_by_label_contains("line 4").is_some(),
        "shown in the window"
    );
    assert_eq!(h.state().packets.panel.list.len(), 4);
    let stored = std::fs::read_to_string(dir.path().join("data/packets.toml")).unwrap();
    assert_eq!(stored.matches("[[packet]]").count(), 4);
}

#[test]
fn the_packets_window_speaks_chinese() {
    let Some(mut app) = crate::support::zh::chinese_app() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    app = app.with_data_dir(dir.path());
    app.packets.panel.open = true;
    let mut pk = packet("问候", PacketProtocol::Udp, "127.0.0.1:8080".into(), "你好");
    pk.encoding = "gbk".into();
    app.packets.panel.list.push(pk);
    let mut h = harness(app);
    settle(&mut h);
    h.get_by_label("＋ 把发送框存为数据包").click();
    settle(&mut h);
    assert!(h.query_by_label("目的地址(主机:端口)").is_some());
    crate::support::zh::assert_no_english(&h, "the Packets window");
}
