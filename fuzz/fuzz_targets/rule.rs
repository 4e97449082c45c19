//! One-line rules (`--rule 'MATCH => REPLY'`) parse, check and answer without panicking,
//! and a check's error is placed inside the line.
#![no_main]
use libfuzzer_sys::fuzz_target;
use socket_tester::auto::rules::{Responder, RuleSet, RuleSpec};
use socket_tester::codec::Encoding;
use socket_tester::net::{Event, EventKind, Role};
use std::time::Instant;

fuzz_target!(|input: (&str, &[u8])| {
    let (line, data) = input;
    let Ok(spec) = RuleSpec::parse(line) else {
        return;
    };
    let set = RuleSet {
        rules: vec![spec.rule.clone()],
        ..RuleSet::default()
    };
    match Responder::new(set, Encoding::GBK) {
        Ok(mut r) => {
            let ev = Event {
                ts_us: 0,
                role: Role::UdpReceiver,
                local: None,
                peer: Some("127.0.0.1:9".parse().unwrap()),
                client: None,
                kind: EventKind::Rx(data.to_vec()),
            };
            let _ = r.on_rx(&ev, Instant::now());
        }
        Err(e) => assert!(spec.position_of(&e) <= line.chars().count()),
    }
});
