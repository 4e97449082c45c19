//! TCP display framing in a tab: a real peer on 127.0.0.1 sends "a\nbb\nc" in odd chunks;
//! with "Lines (LF)" the view shows one row per line ("c" only once the stream ends),
//! while the spool keeps the raw chunks exactly as they arrived.

use socket_tester::log::spool::read_events;
use socket_tester::net::{EventKind, Role};
use socket_tester::ui::{FramingMode, SessionPanel, TabSettings};
use std::io::Write;
use std::net::{Shutdown, TcpListener};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(10);

fn pump_until(p: &mut SessionPanel, what: &str, mut done: impl FnMut(&SessionPanel) -> bool) {
    let deadline = Instant::now() + WAIT;
    loop {
        p.refresh();
        if done(p) {
            return;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn rx_rows(p: &SessionPanel) -> Vec<String> {
    p.view()
        .store
        .iter()
        .filter(|e| matches!(e.event.kind, EventKind::Rx(_)))
        .map(|e| e.text.clone())
        .collect()
}

fn client_tab(dir: &std::path::Path, port: u16, mode: FramingMode) -> SessionPanel {
    let mut s = TabSettings::seed(Role::TcpClient);
    s.host = "127.0.0.1".into();
    s.port = port.to_string();
    s.framing.mode = mode;
    let mut p = SessionPanel::new(Role::TcpClient, s);
    p.set_spool_dir(dir.to_path_buf());
    let cfg = p.config_from_fields().expect("the fields are valid");
    p.start(cfg, None);
    p
}

#[test]
fn lines_show_one_row_each_while_the_spool_keeps_raw_chunks() {
    let dir = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut p = client_tab(dir.path(), port, FramingMode::Lf);
    let (mut peer, _) = listener.accept().unwrap();
    pump_until(&mut p, "connected", |p| {
        p.view().store.counters.rx_msgs == 0 && p.st.local.is_some()
    });

    let chunks: [&[u8]; 4] = [b"a", b"\nb", b"b\n", b"c"];
    let mut sent = 0;
    for c in chunks {
        peer.write_all(c).unwrap();
        peer.flush().unwrap();
        sent += c.len() as u64;
        // Wait for each chunk so the socket delivers them as separate reads.
        pump_until(&mut p, "a chunk", |p| {
            p.view().store.counters.rx_bytes == sent
        });
    }
    assert_eq!(rx_rows(&p), vec!["a", "bb"], "\"c\" waits for its newline");
    assert_eq!(
        p.view().store.counters.rx_bytes,
        6,
        "the raw bytes are counted"
    );
    assert_eq!(
        p.view().store.counters.rx_msgs,
        4,
        "the raw chunks are counted"
    );

    peer.shutdown(Shutdown::Both).unwrap();
    drop(peer);
    pump_until(&mut p, "the close", |p| rx_rows(p).len() == 3);
    assert_eq!(rx_rows(&p), vec!["a", "bb", "c"], "the tail shows on close");
    // The tail comes before the close row.
    let kinds: Vec<&str> = p.view().store.iter().map(|e| e.event.kind.name()).collect();
    let c_at = kinds.iter().rposition(|k| *k == "rx").unwrap();
    assert!(kinds[c_at + 1..].contains(&"closed"), "{kinds:?}");

    pump_until(&mut p, "all saved", |p| {
        !p.is_running() && p.held_text().0.contains("all saved")
    });
    let path = p.spool_path().expect("a spool").to_path_buf();
    let mut spool = read_events(&path).unwrap();
    let raw: Vec<Vec<u8>> = spool
        .by_ref()
        .filter_map(|e| match e.kind {
            EventKind::Rx(d) => Some(d),
            _ => None,
        })
        .collect();
    assert!(spool.cut().is_none(), "{:?}", spool.cut());
    assert_eq!(
        raw,
        chunks.iter().map(|c| c.to_vec()).collect::<Vec<_>>(),
        "the spool holds the raw chunks"
    );
}

#[test]
fn raw_chunks_then_a_length_prefix_chosen_mid_session() {
    let dir = tempfile::tempdir().unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut p = client_tab(dir.path(), port, FramingMode::Raw);
    let (mut peer, _) = listener.accept().unwrap();
    pump_until(&mut p, "connected", |p| p.st.local.is_some());
    peer.write_all(b"x\ny").unwrap();
    pump_until(&mut p, "raw chunk", |p| {
        p.view().store.counters.rx_bytes == 3
    });
    assert_eq!(rx_rows(&p), vec!["x\ny"]);

    // Switching to a 2-byte big-endian length prefix mid-session: frames from now on.
    p.settings.framing.mode = FramingMode::Prefix2Be;
    // The next frame gives the runtime the new framing.
    p.refresh();
    peer.write_all(b"\x00\x02hi\x00\x01").unwrap();
    pump_until(&mut p, "prefixed frame", |p| {
        p.view().store.counters.rx_bytes == 9
    });
    peer.write_all(b"!").unwrap();
    pump_until(&mut p, "second frame", |p| rx_rows(p).len() == 3);
    assert_eq!(rx_rows(&p), vec!["x\ny", "hi", "!"]);
    p.stop();
    pump_until(&mut p, "stopped", |p| !p.is_running());
}
