//! Replay… in the window (egui_kittest, the real UI): the TCP Client's own log (its spool)
//! is sent again to a second std::net device on 127.0.0.1 (OS-assigned ports) with
//! "Check replies": the reply matches the recorded one; against a device that answers
//! differently, the window shows the difference as a hex diff. The replay runs on the
//! tab's runtime: its traffic joins the tab's log, and the tab stays connected.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::i18n::Lang;
use socket_tester::net::Role;
use socket_tester::ui::{App, ConnState};
use std::io::{Read, Write};
use std::net::TcpListener;
use support::*;

/// A device answering each read with `f(read)`, any number of connections.
fn device(f: fn(&[u8]) -> Vec<u8>) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { return };
            std::thread::spawn(move || {
                let mut b = [0u8; 1024];
                while let Ok(n) = s.read(&mut b) {
                    if n == 0 || s.write_all(&f(&b[..n])).is_err() {
                        return;
                    }
                }
            });
        }
    });
    port
}

#[test]
fn the_log_replays_to_another_device_and_checks_the_replies() {
    let data = tempfile::tempdir().unwrap();
    let first = device(|b| b.to_ascii_uppercase());
    let same = device(|b| b.to_ascii_uppercase());
    let other = device(|b| b.to_ascii_lowercase());
    let mut app = App::new(None, None).with_data_dir(data.path());
    app.classroom.set_lang(Lang::En);
    let mut h = harness(app);
    open_tab(&mut h, Role::TcpClient);
    set_field(&mut h, "Server host", "127.0.0.1");
    set_field(&mut h, "Port", &first.to_string());
    h.get_by_label("Connect").click();
    wait_for(&mut h, "connected", |a| {
        a.panel(Role::TcpClient).st.state == ConnState::Connected
    });
    set_field(&mut h, "Message", "Ping");
    h.get_by_label("Send").click();
    wait_for(&mut h, "the reply", |a| has_row(a, Role::TcpClient, "PING"));

    h.get_by_label("Replay…").click();
    settle(&mut h);
    // A bad destination is said under the field as it is typed, in the tab's words.
    set_field(&mut h, "To (host:port)", "127.0.0.1:70000");
    settle(&mut h);
    assert!(
        h.query_by_label("port 70000 is out of range: ports go from 1 to 65535")
            .is_some()
    );
    set_field(&mut h, "To (host:port)", &format!("127.0.0.1:{same}"));
    settle(&mut h);
    assert!(h.query_by_label_contains("out of range").is_none());
    h.get_by_label("Check replies against the recorded ones")
        .click();
    h.get_by_label("▶ Replay").click();
    let t = std::time::Instant::now();
    while h.query_by_label_contains("replies as recorded").is_none() {
        assert!(
            t.elapsed() < std::time::Duration::from_secs(20),
            "no summary"
        );
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(h.query_by_label("1 replies as recorded, 0 not").is_some());
    assert!(
        h.query_by_label_contains("#1 sent 4 bytes, reply as recorded (4 bytes")
            .is_some()
    );

    // The replay ran on this tab's runtime: its traffic is in this tab's log (a second
    // "Ping" sent and a second "PING" received), while the tab's own state is untouched.
    wait_for(&mut h, "the replay's rows", |a| {
        let c = &a.panel(Role::TcpClient).view().store.counters;
        c.tx_msgs == 2 && c.rx_msgs == 2
    });
    assert_eq!(
        h.state().panel(Role::TcpClient).st.state,
        ConnState::Connected
    );

    // Replayed again, the log now holds both sends: each reply differs.
    set_field(&mut h, "To (host:port)", &format!("127.0.0.1:{other}"));
    h.get_by_label("▶ Replay").click();
    let t = std::time::Instant::now();
    while h.query_by_label("0 replies as recorded, 2 not").is_none() {
        assert!(
            t.elapsed() < std::time::Duration::from_secs(20),
            "no second summary"
        );
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(
        h.query_by_label("#1 the reply is not as recorded:")
            .is_some()
    );
    assert!(
        h.query_by_label("#2 the reply is not as recorded:")
            .is_some()
    );
    // The grid: offset, label, hex; the marks in the hex column under the bytes.
    assert_eq!(h.query_all_by_label("000000").count(), 2);
    assert_eq!(h.query_all_by_label("expected").count(), 2);
    assert_eq!(h.query_all_by_label("received").count(), 2);
    let starts = |h: &egui_kittest::Harness<'_, App>, p: &str| {
        h.query_all_by_label_contains(p)
            .map(|n| n.rect().min.x)
            .collect::<Vec<_>>()
    };
    let (e, g, m) = (
        starts(&h, "50 49 4e 47"),
        starts(&h, "70 69 6e 67"),
        starts(&h, "^^ ^^ ^^ ^^"),
    );
    assert_eq!((e.len(), g.len(), m.len()), (2, 2, 2));
    assert_eq!(e, g);
    assert_eq!(e, m);
}

/// The diff's marks stay under the bytes they mark: in Chinese (wide labels), with a long
/// payload (15 rows), in a narrow window (no wrapping: the rows scroll sideways).
#[test]
fn the_diff_marks_stay_under_their_bytes() {
    let expected = "收到啦我反馈".repeat(20).into_bytes();
    let mut got = expected.clone();
    got[5] ^= 0x40;
    got[200] = b'?';
    got.truncate(230);
    // Drawn once the CJK font is in (a glyph missing from every font panics).
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(320.0, 900.0))
        .build_ui_state(
            |ui, draw: &mut bool| {
                if *draw {
                    socket_tester::ui::hex_diff_view(
                        ui,
                        "t",
                        &expected,
                        &got,
                        ("期望", "收到"),
                        "长度：期望 360 字节，收到 230 字节",
                    );
                }
            },
            false,
        );
    if !socket_tester::ui::install_cjk_font(&h.ctx) {
        eprintln!("skipped: no CJK font installed");
        return;
    }
    h.run();
    *h.state_mut() = true;
    h.run();
    let rows = socket_tester::codec::diff::diff_rows(&expected, &got);
    assert!(rows.len() >= 3, "{rows:?}");
    for r in &rows {
        let node = |text: &str| {
            h.query_all_by_label(text)
                .next()
                .unwrap_or_else(|| panic!("no cell {text:?}"))
                .rect()
        };
        let (e, g, m) = (node(&r.expected), node(&r.got), node(&r.marks));
        // One column, one line each: a mark's column is its byte's column.
        assert_eq!(e.min.x, m.min.x, "{r:?}");
        assert_eq!(g.min.x, m.min.x, "{r:?}");
        assert!(
            (e.height() - m.height()).abs() < 0.5 && (e.height() - g.height()).abs() < 0.5,
            "a wrapped row: {e:?} {g:?} {m:?}"
        );
        assert!(e.height() < 25.0, "one line: {e:?}");
    }
}
