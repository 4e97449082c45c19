//! The window is not on the data path: once a tab's session runs, its runtime takes
//! every event, answers auto-replies, fills the record and sees the close with no frame
//! drawn at all (nobody moves the mouse). The next frame only shows what is there.

use crate::support::ui as support;

use socket_tester::auto::auto_send::AutoPlan;
use socket_tester::net::{Payload, Role, SessionConfig};
use socket_tester::ui::{App, ConnState};
use std::io::Write;
use std::net::{TcpStream, UdpSocket};
use std::time::{Duration, Instant};
use support::{harness, wait_for};

/// Waits (without drawing a frame) until `f` holds.
fn wait_undrawn(app: &App, what: &str, f: impl Fn(&App) -> bool) {
    let t = Instant::now();
    while !f(app) {
        assert!(t.elapsed() < Duration::from_secs(20), "timed out: {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn a_window_left_alone_still_receives_answers_and_records() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("rec.jsonl");
    let launch = socket_tester::launch::Launch {
        config: SessionConfig::new(Role::UdpReceiver, "127.0.0.1:0"),
        auto: AutoPlan {
            reply: Some(Payload::Text("ack".into())),
            ..AutoPlan::default()
        },
        record: Some(rec.clone()),
        hex: false,
        framing: None,
        duration: None,
        print: Default::default(),
        check: None,
    };
    let app = App::new(None, Some(launch)).with_data_dir(dir.path());
    let mut h = harness(app);
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpReceiver).st.state == ConnState::Bound
    });
    let local = h.state().panel(Role::UdpReceiver).st.local.unwrap();
    // From here on, no frame is drawn.
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 16];
    for i in 0..200u32 {
        peer.send_to(format!("m{i}").as_bytes(), local).unwrap();
        let (n, _) = peer
            .recv_from(&mut buf)
            .expect("an auto-reply with no frame drawn");
        assert_eq!(&buf[..n], b"ack");
    }
    let app = h.state();
    wait_undrawn(app, "200 rows in the view", |a| {
        a.panel(Role::UdpReceiver).view().store.counters.rx_msgs == 200
    });
    wait_undrawn(app, "the spool on disk", |a| {
        let st = a.panel(Role::UdpReceiver).runtime().status();
        st.spooled > 400 && st.unsaved() == 0
    });
    // The record has a writer thread of its own: wait for it too.
    wait_undrawn(app, "the record on disk", |_| {
        let text = std::fs::read_to_string(&rec).unwrap_or_default();
        text.matches("\"event\":\"tx\"").count() == 200
    });
    let text = std::fs::read_to_string(&rec).unwrap();
    assert_eq!(text.matches("\"event\":\"rx\"").count(), 200, "the record");
    assert_eq!(text.matches("\"event\":\"tx\"").count(), 200, "the replies");
}

#[test]
fn a_close_is_seen_with_no_frame_drawn() {
    let launch = socket_tester::launch::Launch {
        config: SessionConfig::new(Role::TcpServer, "127.0.0.1:0"),
        auto: AutoPlan::default(),
        record: None,
        hex: false,
        framing: None,
        duration: None,
        print: Default::default(),
        check: None,
    };
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(App::new(None, Some(launch)).with_data_dir(dir.path()));
    wait_for(&mut h, "listening", |a| {
        a.panel(Role::TcpServer).st.state == ConnState::Listening
    });
    let local = h.state().panel(Role::TcpServer).st.local.unwrap();
    let mut c = TcpStream::connect(local).unwrap();
    c.write_all(&vec![7u8; 1 << 20]).unwrap();
    drop(c);
    let app = h.state();
    wait_undrawn(app, "every byte and the close", |a| {
        let v = a.panel(Role::TcpServer).view();
        v.store.counters.rx_bytes == 1 << 20 && v.store.clients.values().all(|c| !c.open)
    });
}
