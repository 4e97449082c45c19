//! "Wireshark (live)" in the window (egui_kittest, the real UI): the UDP Receiver on
//! 127.0.0.1 (an OS-assigned port) feeds a pipe in the data folder with pcapng while it
//! runs; a reader that opens the pipe (as Wireshark would) gets the datagrams as they
//! come; without Wireshark installed the status line gives the command; Stop ends it.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::i18n::Lang;
use socket_tester::net::Role;
use socket_tester::ui::App;
use std::net::UdpSocket;
use support::*;

#[test]
fn the_live_feed_reaches_a_reader_of_the_pipe() {
    // Its own process: it sets the data folder in the environment.
    if !crate::support::alone(&crate::test_path!(
        "the_live_feed_reaches_a_reader_of_the_pipe"
    )) {
        return;
    }
    let data = tempfile::tempdir().unwrap();
    // SAFETY: this process runs this one test (`alone`), and no other thread reads the environment yet.
    unsafe { std::env::set_var("SOCKET_TESTER_DATA_DIR", data.path()) };
    let mut app = App::new(None, None);
    app.classroom.set_lang(Lang::En);
    let mut h = harness(app);
    let to = bind_udp_receiver(&mut h);
    h.get_by_label("Wireshark (live)").click();
    wait_for(&mut h, "the feed", |a| {
        a.panel(Role::UdpReceiver).st.live.is_some()
    });
    let pipe = h.state().panel(Role::UdpReceiver).st.live.clone().unwrap();
    assert!(
        pipe.starts_with(data.path()),
        "in the data folder: {pipe:?}"
    );
    let wireshark = std::process::Command::new("wireshark")
        .arg("--version")
        .output()
        .is_ok();
    if !wireshark {
        assert!(
            h.query_by_label_contains("run wireshark -k -i").is_some(),
            "the command"
        );
    }
    // A reader, as Wireshark is one.
    let reader = std::thread::spawn(move || {
        let f = std::fs::File::open(&pipe).unwrap();
        let mut r = pcap_file::pcapng::PcapNgReader::new(f).unwrap();
        let mut payloads = Vec::new();
        while let Some(b) = r.next_block() {
            if let Some(epb) = b.unwrap().into_enhanced_packet() {
                let p = etherparse::SlicedPacket::from_ip(&epb.data).unwrap();
                if let Some(etherparse::TransportSlice::Udp(u)) = p.transport {
                    payloads.push(u.payload().to_vec());
                    if payloads.len() == 3 {
                        return payloads;
                    }
                }
            }
        }
        payloads
    });
    std::thread::sleep(std::time::Duration::from_millis(300));
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    for m in [&b"one"[..], b"two", b"three"] {
        peer.send_to(m, to).unwrap();
    }
    // Frames keep the window (and so the feed's writer) going while the reader reads.
    let t = std::time::Instant::now();
    while !reader.is_finished() {
        assert!(
            t.elapsed() < std::time::Duration::from_secs(20),
            "the reader got nothing"
        );
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let got = reader.join().unwrap();
    assert_eq!(
        got,
        vec![b"one".to_vec(), b"two".to_vec(), b"three".to_vec()]
    );
    h.get_by_label("Stop the live feed").click();
    wait_for(&mut h, "stopped", |a| {
        a.panel(Role::UdpReceiver).st.live.is_none()
    });
}
