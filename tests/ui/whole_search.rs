//! "Search whole session" in the window: the log keeps 100 rows in memory, the search
//! finds a row that left memory long ago in the spool on disk, says "k of n" for the whole
//! session, and a click on the match reads it back with its neighbours. The filter's regex
//! switch and time range say what is wrong under the field.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::net::Role;
use socket_tester::ui::{App, LogSettings, Persisted};
use std::net::{SocketAddr, UdpSocket};
use std::path::Path;
use support::*;

fn app_in(dir: &Path, max_rows: usize) -> App {
    let p = Persisted {
        log: LogSettings {
            max_rows,
            max_mib: 256,
            ..LogSettings::default()
        },
        ..Persisted::default()
    };
    App::new(Some(p), None).with_data_dir(dir)
}

/// Sends datagrams in small batches, waiting for each batch to arrive.
fn send_all(h: &mut egui_kittest::Harness<'_, App>, to: SocketAddr, msgs: &[Vec<u8>]) {
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    for chunk in msgs.chunks(50) {
        let before = h
            .state()
            .panel(Role::UdpReceiver)
            .view()
            .store
            .counters
            .rx_msgs;
        for m in chunk {
            peer.send_to(m, to).unwrap();
        }
        let want = before + chunk.len() as u64;
        wait_for(h, "datagrams", |a| {
            a.panel(Role::UdpReceiver).view().store.counters.rx_msgs >= want
        });
    }
}

#[test]
fn a_match_that_left_memory_opens_with_its_neighbours() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(app_in(dir.path(), 100));
    let local = bind_udp_receiver(&mut h);
    let msgs: Vec<Vec<u8>> = (0..500)
        .map(|i| {
            if i == 42 {
                b"needle in the spool".to_vec()
            } else {
                format!("msg {i}").into_bytes()
            }
        })
        .collect();
    send_all(&mut h, local, &msgs);
    {
        let p = h.state().panel(Role::UdpReceiver);
        let v = p.view();
        assert_eq!(v.store.len(), 100);
        assert!(v.store.iter().all(|e| !e.text.contains("needle")));
    }
    set_field(&mut h, "Filter", "needle");
    h.get_by_label("0 of 100 match");
    h.get_by_label("Search whole session").click();
    wait_for(&mut h, "the search", |a| {
        a.panel(Role::UdpReceiver).log.whole.outcome.is_some()
    });
    // 1 "bound" event + 500 datagrams in the spool.
    h.get_by_label("1 of 501 events match in the whole session");
    h.get_by_label_contains("needle in the spool").click();
    settle(&mut h);
    // Event 44: "bound" is the first, the needle the 43rd datagram.
    h.get_by_label("Event 44 and its neighbours, read back from the session:");
    for neighbour in ["msg 40", "msg 41", "msg 43", "msg 45"] {
        assert!(
            h.query_by_label_contains(neighbour).is_some(),
            "{neighbour} shown"
        );
    }
    let p = h.state().panel(Role::UdpReceiver);
    let first_in_memory = p.view().store.get(0).map(|e| e.seq).unwrap();
    let (index, rows) = p.log.whole.opened.as_ref().unwrap();
    assert_eq!(*index, 43);
    assert!(*index < first_in_memory, "the match had left memory");
    let rows = rows.as_ref().unwrap();
    let texts: Vec<&str> = rows.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "msg 39",
            "msg 40",
            "msg 41",
            "needle in the spool",
            "msg 43",
            "msg 44",
            "msg 45"
        ]
    );
}

#[test]
fn regex_and_time_range_say_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(app_in(dir.path(), 1000));
    let local = bind_udp_receiver(&mut h);
    let msgs: Vec<Vec<u8>> = vec![b"temp=21".to_vec(), b"temp=35".to_vec(), b"hum=50".to_vec()];
    send_all(&mut h, local, &msgs);
    h.get_by_label("Regex").click();
    settle(&mut h);
    set_field(&mut h, "Filter", r"temp=[3-9]\d");
    h.get_by_label("1 of 4 match");
    set_field(&mut h, "Filter", "temp=(");
    h.get_by_label_contains("Not a regular expression:");
    // A filter that cannot be used filters nothing, and no "0 of 4" says otherwise.
    assert!(h.query_by_label_contains(" of 4 match").is_none());
    set_field(&mut h, "Filter", "temp");
    h.get_by_label("2 of 4 match");
    // The time range: a bad time is said under the field; a range after every row
    // leaves none.
    h.get_by_label("Time…").click();
    settle(&mut h);
    set_field(&mut h, "From", "25:61");
    h.get_by_label_contains("\"From\" is not a time of day");
    let now = chrono::Local::now() + chrono::Duration::minutes(10);
    set_field(&mut h, "From", &now.format("%H:%M:%S").to_string());
    set_field(
        &mut h,
        "To",
        &(now + chrono::Duration::minutes(1))
            .format("%H:%M:%S")
            .to_string(),
    );
    // (Near midnight the range wraps to the next day: still after every row.)
    h.get_by_label("0 of 4 match");
}
