//! The TCP Client tab's crowd (egui_kittest): the Connections and Ramp fields, checked
//! under the field in both languages, and a crowd of connections to a std::net listener
//! whose live counts show in the tab.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::net::Role;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use support::*;

#[test]
fn a_crowd_of_twenty_connects_and_its_counts_show_in_the_tab() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    listener.set_nonblocking(true).unwrap();
    let held = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let (h2, s2) = (held.clone(), stop.clone());
    let peer = std::thread::spawn(move || {
        let mut kept = Vec::new();
        while !s2.load(Ordering::Relaxed) {
            match listener.accept() {
                Ok((s, _)) => {
                    kept.push(s);
                    h2.store(kept.len(), Ordering::Relaxed);
                }
                Err(_) => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    });
    let mut h = harness(english());
    open_tab(&mut h, Role::TcpClient);
    set_field(&mut h, "Server host", "127.0.0.1");
    set_field(&mut h, "Port", &port.to_string());
    set_field(&mut h, "Connections", "20");
    set_field(&mut h, "Ramp /s", "200");
    h.get_by_label("Connect").click();
    wait_for(&mut h, "twenty open", |a| {
        a.panel(Role::TcpClient)
            .st
            .crowd
            .as_ref()
            .is_some_and(|c| c.open == 20 && c.settled)
    });
    assert!(
        h.query_by_label_contains("20 planned").is_some(),
        "the counts line in the tab"
    );
    assert!(h.query_by_label_contains("Connect time: p50").is_some());
    assert_eq!(
        h.state().panel(Role::TcpClient).st.state,
        socket_tester::ui::ConnState::Connected,
        "the first connection up makes the tab connected"
    );
    stop.store(true, Ordering::Relaxed);
    let _ = peer.join();
    assert_eq!(held.load(Ordering::Relaxed), 20);
}

#[test]
fn a_bad_count_is_named_under_the_field_and_keeps_connect_off() {
    let mut h = harness(english());
    open_tab(&mut h, Role::TcpClient);
    set_field(&mut h, "Connections", "0");
    assert!(
        h.query_by_label_contains("Give a whole number from 1 to")
            .is_some()
    );
    assert!(is_disabled(&h, "Connect"));
    set_field(&mut h, "Connections", "5");
    set_field(&mut h, "Ramp /s", "-4");
    assert!(
        h.query_by_label_contains("Give new connections a second")
            .is_some()
    );
    assert!(is_disabled(&h, "Connect"));
    // Three bad fields: three reasons at once.
    set_field(&mut h, "Connections", "-1");
    set_field(&mut h, "Each sends", "dev{bogus}");
    assert!(
        h.query_by_label_contains("Give a whole number from 1 to")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("Give new connections a second")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("unknown variable {bogus}")
            .is_some(),
        "the greeting's reason, with the other two"
    );
    set_field(&mut h, "Connections", "5");
    set_field(&mut h, "Each sends", "");
    set_field(&mut h, "Ramp /s", "");
    assert!(!is_disabled(&h, "Connect"));
}

#[test]
fn chinese_fields_and_their_problems() {
    let Some(mut app) = crate::support::zh::chinese_app() else {
        return;
    };
    app.tab = Role::TcpClient;
    let mut h = harness(app);
    settle(&mut h);
    set_field(&mut h, "连接数", "100001");
    assert!(h.query_by_label_contains("之间的整数").is_some());
    set_field(&mut h, "连接数", "3");
    set_field(&mut h, "每秒新建", "快");
    assert!(h.query_by_label_contains("请填每秒新建的连接数").is_some());
}

/// The classroom menu's "40 students": the TCP Server with its Roster open and the TCP
/// Client with a crowd of 40 greeting by number; Listen, Start checking, Connect, and
/// the roster fills with 40 passes, numbers 1 to 40.
#[test]
fn forty_students_from_the_classroom_menu_fill_the_roster() {
    use socket_tester::session::roster::Verdict;
    let mut h = harness(english());
    settle(&mut h);
    h.get_by_label("Labs").click();
    settle(&mut h);
    h.get_by_label("40 students (a crowd against the roster)")
        .click();
    settle(&mut h);
    assert_eq!(h.state().tab, Role::TcpServer);
    assert!(
        h.query_by_label_contains("40 students: on the TCP Server")
            .is_some()
    );
    set_field(&mut h, "Port", "0");
    h.get_by_label("Listen").click();
    wait_for(&mut h, "listening", |a| {
        a.panel(Role::TcpServer).st.local.is_some()
    });
    h.get_by_label("▶ Start checking").click();
    settle(&mut h);
    let port = h
        .state()
        .panel(Role::TcpServer)
        .st
        .local
        .expect("listening")
        .port();
    open_tab(&mut h, Role::TcpClient);
    set_field(&mut h, "Port", &port.to_string());
    set_field(&mut h, "Ramp /s", "200");
    h.get_by_label("Connect").click();
    wait_for(&mut h, "forty passes", |a| {
        a.panel(Role::TcpServer)
            .st
            .roster
            .as_ref()
            .is_some_and(|r| {
                r.rows
                    .iter()
                    .filter(|x| x.verdict == Verdict::Passed)
                    .count()
                    == 40
            })
    });
    let st = &h.state().panel(Role::TcpServer).st;
    let roster = st.roster.as_ref().expect("the roster");
    let mut ids: Vec<u64> = roster
        .rows
        .iter()
        .filter_map(|r| r.student.as_deref()?.parse().ok())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, (1..=40).collect::<Vec<_>>());
}
