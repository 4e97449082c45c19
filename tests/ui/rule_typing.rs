//! Typing into an auto-reply rule (issue 24): while a regex or a reply flips between
//! valid and invalid, the error line shows under the rule and the field keeps its focus
//! and every keystroke; the finished rule answers with the regex's group.

use crate::support::ui as support;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use socket_tester::auto::rules::{Matcher, Rule};
use socket_tester::net::Role;
use socket_tester::ui::{App, Tool};
use std::net::UdpSocket;
use std::time::Duration;
use support::*;

/// Types `text` one character a frame into whatever has the focus, checking after each
/// that the field labelled `label` still has it.
fn type_slowly(h: &mut Harness<'static, App>, label: &str, text: &str) {
    for c in text.chars() {
        h.get_by_label(label).type_text(&c.to_string());
        h.step();
        h.step();
        assert!(
            h.get_by_label(label).is_focused(),
            "the {label} field lost the focus after {c:?}"
        );
    }
}

fn value(h: &Harness<'static, App>, label: &str) -> String {
    h.get_by_label(label).value().unwrap_or_default()
}

fn rule_error(a: &App) -> bool {
    a.panel(Role::UdpReceiver).st.rules.error.is_some()
}

#[test]
fn typing_a_regex_and_a_reply_through_errors_keeps_focus_and_every_character() {
    let mut h = harness(english());
    open_tab(&mut h, Role::UdpReceiver);
    set_field(&mut h, "Bind host", "127.0.0.1");
    set_field(&mut h, "Port", "0");
    {
        let k = &mut h.state_mut().panel_mut(Role::UdpReceiver).settings.kit;
        k.rules
            .rules
            .push(Rule::new(Matcher::Regex(String::new()), String::new()));
        k.tool = Tool::Rules;
    }
    h.get_by_label("Bind").click();
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpReceiver).st.local.is_some()
    });
    let local = h.state().panel(Role::UdpReceiver).st.local.unwrap();

    h.get_by_label("match").focus();
    settle(&mut h);
    type_slowly(&mut h, "match", "REQ (");
    // The regex is invalid now: its error shows (under the rule) while the field keeps
    // the focus, and the typing goes on into it.
    wait_for(&mut h, "the regex's error", rule_error);
    h.get_by_label_contains("rule 1, match: position 5: bad regex");
    assert!(h.get_by_label("match").is_focused());
    type_slowly(&mut h, "match", r"?P<n>\d+");
    settle(&mut h);
    assert!(rule_error(h.state()));
    type_slowly(&mut h, "match", ")");
    wait_for(&mut h, "the error to go", |a| !rule_error(a));
    assert!(h.query_by_label_contains("bad regex").is_none());
    assert!(h.get_by_label("match").is_focused());
    assert_eq!(value(&h, "match"), r"REQ (?P<n>\d+)");

    // The reply, through an unclosed `{` and then a group the regex has.
    h.get_by_label("reply").focus();
    settle(&mut h);
    type_slowly(&mut h, "reply", "ACK {");
    wait_for(&mut h, "the reply's error", rule_error);
    h.get_by_label_contains("rule 1, reply");
    type_slowly(&mut h, "reply", "n}");
    wait_for(&mut h, "the reply's error to go", |a| !rule_error(a));
    assert!(h.query_by_label_contains("rule 1, reply").is_none());
    assert!(h.get_by_label("reply").is_focused());
    assert_eq!(value(&h, "reply"), "ACK {n}");
    let rule = &h.state().panel(Role::UdpReceiver).settings.kit.rules.rules[0];
    assert_eq!(rule.matcher, Matcher::Regex(r"REQ (?P<n>\d+)".into()));

    // And it answers with what arrived.
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = [0u8; 64];
    for (req, ack) in [("REQ 7", "ACK 7"), ("REQ 1001", "ACK 1001")] {
        peer.send_to(req.as_bytes(), local).unwrap();
        let t = std::time::Instant::now();
        let n = loop {
            assert!(t.elapsed() < Duration::from_secs(10), "no answer to {req}");
            h.step();
            peer.set_nonblocking(true).unwrap();
            match peer.recv_from(&mut buf) {
                Ok((n, _)) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(e) => panic!("recv: {e}"),
            }
        };
        assert_eq!(&buf[..n], ack.as_bytes());
    }
}
