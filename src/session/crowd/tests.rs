use super::*;
use crate::net::{CloseReason, ClosedBy, Role};
use std::time::Duration;

fn ev(client: u64, ts_us: i64, kind: EventKind) -> Event {
    Event {
        ts_us,
        role: Role::TcpClient,
        local: None,
        peer: None,
        client: Some(client),
        kind,
        opcode: None,
    }
}

fn err(kind: ErrorKind) -> EventKind {
    EventKind::Error {
        kind,
        detail: String::new(),
    }
}

#[test]
fn counts_follow_each_connection() {
    let x = CrowdExpect {
        needle: b"OK".to_vec(),
        timeout: Duration::from_secs(1),
    };
    let mut t = CrowdTally::new(3, false, Some(x));
    for id in 1..=3 {
        t.on_event(&ev(id, 0, EventKind::Connecting));
    }
    assert_eq!(t.view().connecting, 3);
    t.on_event(&ev(1, 1_000, EventKind::Connected));
    t.on_event(&ev(2, 2_000, EventKind::Connected));
    t.on_event(&ev(3, 3_000, err(ErrorKind::Refused)));
    t.on_event(&ev(1, 5_000, EventKind::Tx(b"hi".to_vec())));
    t.on_event(&ev(1, 9_000, EventKind::Rx(b"OK hi".to_vec())));
    t.on_event(&ev(2, 5_000, EventKind::Tx(b"hi".to_vec())));
    let closed = EventKind::Closed {
        by: ClosedBy::Peer,
        reason: CloseReason::PeerFin,
    };
    t.on_event(&ev(2, 6_000, closed));
    assert!(t.settled());
    let v = t.view();
    assert_eq!((v.connecting, v.open, v.closed, v.max_open), (0, 1, 1, 2));
    assert_eq!(v.failed.get(ErrorKind::Refused), 1);
    assert_eq!(v.connect.count, 2);
    assert_eq!((v.sends, v.replies), (2, 1));
    assert_eq!(v.reply.p50_us, Some(4_000));
    assert_eq!(v.expect, Some((1, 2, 0)));
    assert!(v.any_failed());
}

#[test]
fn a_late_reply_fails_its_expectation() {
    let x = CrowdExpect {
        needle: b"OK".to_vec(),
        timeout: Duration::from_millis(10),
    };
    let mut t = CrowdTally::new(1, false, Some(x));
    t.on_event(&ev(1, 0, EventKind::Connecting));
    t.on_event(&ev(1, 10, EventKind::Connected));
    t.on_event(&ev(1, 20, EventKind::Tx(b"q".to_vec())));
    t.tick(5_000);
    assert_eq!(t.view().expect, Some((0, 0, 1)));
    t.tick(20_000);
    assert_eq!(t.view().expect, Some((0, 1, 0)));
    t.on_event(&ev(1, 30_000, EventKind::Rx(b"OK".to_vec())));
    assert_eq!(t.view().expect, Some((0, 1, 0)));
}

#[test]
fn ids_past_the_plan_are_ignored() {
    let mut t = CrowdTally::new(2, true, None);
    t.on_event(&ev(0, 0, EventKind::Bound));
    t.on_event(&ev(7, 0, EventKind::Bound));
    t.on_event(&ev(1, 0, EventKind::Bound));
    let v = t.view();
    assert_eq!((v.open, v.expect), (1, None));
    assert!(!v.any_failed());
}

#[test]
fn a_peer_reset_is_an_error_of_its_own() {
    let mut t = CrowdTally::new(2, false, None);
    for id in 1..=2 {
        t.on_event(&ev(id, 0, EventKind::Connecting));
        t.on_event(&ev(id, 5, EventKind::Connected));
    }
    let peer = EventKind::Reset {
        reason: crate::net::ResetReason::PeerReset,
    };
    let here = EventKind::Reset {
        reason: crate::net::ResetReason::ResetHere,
    };
    t.on_event(&ev(1, 9, peer));
    t.on_event(&ev(2, 9, here));
    let v = t.view();
    assert_eq!((v.closed, v.open), (2, 0));
    assert_eq!(v.errors.get(ErrorKind::Reset), 1);
    assert_eq!(v.failed.total(), 0);
}

#[test]
fn a_member_opened_again_counts_once_more() {
    let local = EventKind::Closed {
        by: ClosedBy::Local,
        reason: CloseReason::LocalClose,
    };
    // TCP: closed, connecting again, open; an unanswered send of the old connection is
    // not answered by the new one's first bytes.
    let mut t = CrowdTally::new(2, false, None);
    for id in 1..=2 {
        t.on_event(&ev(id, 0, EventKind::Connecting));
        t.on_event(&ev(id, 5, EventKind::Connected));
    }
    t.on_event(&ev(1, 10, EventKind::Tx(b"q".to_vec())));
    t.on_event(&ev(1, 20, local.clone()));
    t.on_event(&ev(1, 30, EventKind::Connecting));
    t.on_event(&ev(1, 40, EventKind::Connected));
    t.on_event(&ev(1, 50, EventKind::Rx(b"hello".to_vec())));
    let v = t.view();
    assert_eq!((v.opened, v.closed, v.open, v.max_open), (3, 1, 2, 2));
    assert_eq!((v.reopens, v.replies, v.connect.count), (1, 0, 3));
    // UDP: a source bound again, then one whose new socket could not be bound.
    let mut t = CrowdTally::new(2, true, None);
    for id in 1..=2 {
        t.on_event(&ev(id, 0, EventKind::Bound));
        t.on_event(&ev(id, 10, local.clone()));
    }
    t.on_event(&ev(1, 20, EventKind::Bound));
    t.on_event(&ev(2, 20, err(ErrorKind::TooManyOpenFiles)));
    let v = t.view();
    assert_eq!((v.opened, v.closed, v.open, v.reopens), (3, 2, 1, 2));
    assert_eq!(v.failed.get(ErrorKind::TooManyOpenFiles), 1);
    assert!(v.any_failed());
}
