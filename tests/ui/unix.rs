//! A unix socket address in the window: `unix:/path` in the host field (the port field
//! goes, a note says what it is), Listen and a std client exchanging bytes, the client
//! list naming it; the UDP Receiver on a unix datagram socket answering its sender; a malformed `unix:` disables Listen with the reason under the field,
//! in English and in Chinese.
#![cfg(unix)]

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::i18n::Lang;
use socket_tester::net::Role;
use socket_tester::ui::ConnState;
use std::io::{Read, Write};
use support::*;

#[test]
fn tcp_server_listens_on_a_unix_path_and_serves_a_client() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("window.sock");
    let addr = format!("unix:{}", path.display());
    let mut h = harness(english());
    open_tab(&mut h, Role::TcpServer);
    set_field(&mut h, "Listen host", &addr);
    assert!(
        h.query_by_label_contains("Unix domain socket (AF_UNIX)")
            .is_some(),
        "the note under the field"
    );
    assert!(
        h.query_by_label("Port").is_none(),
        "a unix socket has no port"
    );
    assert!(
        h.query_by_label_contains("0.0.0.0 = all interfaces")
            .is_none(),
        "no word of network interfaces under a path"
    );
    assert!(!is_disabled(&h, "Listen"));
    h.get_by_label("Listen").click();
    wait_for(&mut h, "listening", |a| {
        a.panel(Role::TcpServer).st.state == ConnState::Listening
    });
    let mut c = std::os::unix::net::UnixStream::connect(&path).unwrap();
    c.write_all(b"hello window").unwrap();
    wait_for(&mut h, "the client's bytes in the log", |a| {
        has_row(a, Role::TcpServer, "hello window")
    });
    assert!(
        h.query_all_by_label_contains("unix:(unnamed").count() >= 1,
        "the client is listed by its unix name"
    );
    assert!(
        h.query_all_by_label_contains("Peer credentials: pid")
            .count()
            >= 1,
        "the peer's credentials in the log"
    );
    // A reply to every client reaches it.
    h.get_by_label("Message").focus();
    h.step();
    h.get_by_label("Message").type_text("hi");
    settle(&mut h);
    h.get_by_label("Send").click();
    settle(&mut h);
    c.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut got = [0u8; 2];
    c.read_exact(&mut got).unwrap();
    assert_eq!(&got, b"hi");
    h.get_by_label("Stop").click();
    wait_for(&mut h, "stopped", |a| {
        !a.panel(Role::TcpServer).is_running()
    });
    assert!(!path.exists(), "the socket file goes with the server");
}

#[test]
fn a_malformed_unix_address_is_refused_under_the_field_in_both_languages() {
    let mut h = harness(english());
    open_tab(&mut h, Role::TcpClient);
    set_field(&mut h, "Server host", "unix:");
    assert!(
        h.query_by_label_contains("write a socket path after unix:")
            .is_some()
    );
    assert!(is_disabled(&h, "Connect"));
    h.state_mut().classroom.set_lang(Lang::Zh);
    settle(&mut h);
    assert!(
        h.query_by_label_contains("请在 unix: 后写套接字路径")
            .is_some()
    );
    h.state_mut().classroom.set_lang(Lang::En);
    settle(&mut h);
    set_field(&mut h, "Server host", "unix:/tmp/demo.sock");
    assert!(!is_disabled(&h, "Connect"));
    assert!(
        h.query_by_label("Port").is_none(),
        "no port for a unix socket"
    );
}

#[test]
fn udp_receiver_binds_a_unix_path_and_answers_a_named_sender() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("recv.sock");
    let me = dir.path().join("sender.sock");
    let mut h = harness(english());
    open_tab(&mut h, Role::UdpReceiver);
    set_field(&mut h, "Bind host", &format!("unix:{}", path.display()));
    assert!(
        h.query_by_label("Port").is_none(),
        "a unix socket has no port"
    );
    h.get_by_label("Bind").click();
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpReceiver).st.state == ConnState::Bound
    });
    let peer = std::os::unix::net::UnixDatagram::bind(&me).unwrap();
    peer.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    peer.send_to(b"datagram one", &path).unwrap();
    wait_for(&mut h, "the datagram in the log", |a| {
        has_row(a, Role::UdpReceiver, "datagram one")
    });
    assert!(
        h.query_all_by_label_contains(&format!("unix:{}", me.display()))
            .count()
            >= 1,
        "the sender is shown by its path"
    );
    // The reply goes to the last sender.
    h.get_by_label("Message").focus();
    h.step();
    h.get_by_label("Message").type_text("back");
    settle(&mut h);
    h.get_by_label("Send").click();
    settle(&mut h);
    let mut buf = [0u8; 16];
    let n = peer.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"back");
    h.get_by_label("Unbind").click();
    wait_for(&mut h, "unbound", |a| {
        !a.panel(Role::UdpReceiver).is_running()
    });
    assert!(!path.exists(), "the socket file goes with the receiver");
}

#[test]
fn udp_sender_to_a_unix_path_wants_a_unix_local_address_or_none() {
    let mut h = harness(english());
    open_tab(&mut h, Role::UdpSender);
    set_field(&mut h, "Destination host", "unix:/tmp/demo.sock");
    set_field(&mut h, "Local port", "7890");
    assert!(
        h.query_by_label_contains("A unix socket talks only to unix sockets")
            .is_some()
    );
    assert!(is_disabled(&h, "Bind"));
    set_field(&mut h, "Local port", "");
    assert!(
        !is_disabled(&h, "Bind"),
        "none: the kernel names it (Linux)"
    );
    set_field(&mut h, "Local port", "unix:/tmp/me.sock");
    assert!(!is_disabled(&h, "Bind"));
    h.state_mut().classroom.set_lang(Lang::Zh);
    settle(&mut h);
    set_field(&mut h, "本地端口", "7890");
    assert!(
        h.query_by_label_contains("Unix 套接字只能和 Unix 套接字通信")
            .is_some()
    );
}

/// The lesson's diagram on a unix stream connection: no SYN / SYN + ACK / FIN arrows (there
/// are no packets), a note that connect() and accept() join the sockets in the kernel, and
/// the data arrows counting the bytes.
#[test]
fn the_diagram_of_a_unix_connection_draws_no_handshake() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("diagram.sock");
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    let mut app = english();
    app.classroom.settings.tcp_diagram = true;
    let mut h = harness(app);
    open_tab(&mut h, Role::TcpClient);
    set_field(&mut h, "Server host", &format!("unix:{}", path.display()));
    h.get_by_label("Connect").click();
    settle(&mut h);
    listener.set_nonblocking(true).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    let mut peer = loop {
        match listener.accept() {
            Ok((s, _)) => break s,
            Err(_) => {
                assert!(std::time::Instant::now() < deadline, "no connect()");
                h.step();
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
        }
    };
    peer.set_nonblocking(false).unwrap();
    wait_for(&mut h, "connected", |a| {
        a.panel(Role::TcpClient).st.state == ConnState::Connected
    });
    peer.write_all(b"abcd").unwrap();
    wait_for(&mut h, "the bytes", |a| {
        a.panel(Role::TcpClient).view().store.counters.rx_bytes == 4
    });
    settle(&mut h);
    assert!(
        h.query_by_label_contains("Unix stream connection (AF_UNIX)")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("join the two sockets inside the kernel")
            .is_some()
    );
    assert!(h.query_by_label_contains("← 4 B: Data").is_some());
    let syn: Vec<String> = crate::support::zh::texts(&h)
        .into_iter()
        .filter(|t| t.contains("SYN + ACK") || t.contains("SYN  "))
        .collect();
    assert!(syn.is_empty(), "no handshake arrows: {syn:?}");
    assert!(h.query_by_label_contains("Four-way teardown").is_none());
    // The about line and the half-close button speak of AF_UNIX, not of FIN.
    assert!(
        h.query_by_label_contains("socket(AF_UNIX, SOCK_STREAM) + connect(path)")
            .is_some()
    );
    assert!(h.query_by_label("Half-close (shutdown)").is_some());
    assert!(h.query_by_label("Half-close (FIN)").is_none());
    // The peer closes: an end of file, no FIN, in the log.
    drop(peer);
    wait_for(&mut h, "closed", |a| {
        a.panel(Role::TcpClient).st.state != ConnState::Connected
    });
    settle(&mut h);
    assert!(
        h.query_all_by_label_contains("recv() returned 0: end of file")
            .next()
            .is_some()
    );
    assert!(
        h.query_all_by_label_contains("FIN received")
            .next()
            .is_none()
    );
}
