//! Sequence files (TOML) are checked, never trusted: any text loads or gives an error
//! with a line inside the file. A file that loads also outlines, and the outline written
//! back (`outline::to_toml`, what the window saves) loads as the same sequence. The run
//! is then stepped on a made-up clock with what the input says arrives: it never
//! panics, always ends, and reports every step once, in order.
#![no_main]
use libfuzzer_sys::fuzz_target;
use socket_tester::sequence::outline::{outline, to_toml};
use socket_tester::sequence::run::{Need, SequenceRun};
use socket_tester::sequence::{MAX_STEPS, Sequence};
use std::time::{Duration, Instant};

fn round_trip(text: &str, seq: &Sequence) {
    let (_, proto, steps) = outline(text).expect("a file that loads also outlines");
    assert_eq!(proto, seq.proto);
    let written = to_toml(
        &seq.name,
        proto,
        seq.to.as_deref(),
        &seq.encoding.label(),
        &steps,
    );
    let again = Sequence::parse(&written)
        .unwrap_or_else(|e| panic!("the written file loads: {e}\n{written}"));
    assert_eq!(again.name, seq.name);
    assert_eq!(again.proto, seq.proto);
    assert_eq!(again.to, seq.to);
    assert_eq!(again.encoding, seq.encoding);
    assert_eq!(again.steps.len(), seq.steps.len());
    for (a, b) in again.steps.iter().zip(&seq.steps) {
        assert_eq!((&a.label, &a.action), (&b.label, &b.action));
    }
}

/// Steps the run: each poll answers what it needs, `replies` arrive in turn, and the
/// clock jumps to the next deadline.
fn drive(seq: Sequence, replies: &[u8]) {
    let n = seq.steps.len();
    let mut run = SequenceRun::new(seq);
    let mut now = Instant::now();
    let mut chunks = replies.chunks(5);
    // Each step ends on a reply, a connect/close answer or its deadline.
    for _ in 0..3 * n + 3 {
        for need in run.poll(now) {
            match need {
                Need::Connect => run.on_connected(now),
                Need::Close => run.on_closed(now),
                Need::Send(_) => {}
            }
        }
        if run.is_done() {
            break;
        }
        if let Some(c) = chunks.next() {
            run.on_rx(c, now);
        }
        if let Some(d) = run.deadline() {
            now = now.max(d);
        }
        now += Duration::from_millis(1);
    }
    assert!(run.is_done(), "the run ends");
    assert_eq!(run.results().len(), n, "every step reported once");
}

fuzz_target!(|data: &[u8]| {
    // The file is the text before the first NUL; the bytes after it arrive in the run.
    let cut = data.iter().position(|b| *b == 0).unwrap_or(data.len());
    let Ok(text) = std::str::from_utf8(&data[..cut]) else {
        return;
    };
    let lines = text.matches('\n').count() + 1;
    match Sequence::parse(text) {
        Err(e) => assert!(e.line <= lines, "line {} of {lines}", e.line),
        Ok(seq) => {
            assert!(!seq.steps.is_empty() && seq.steps.len() <= MAX_STEPS);
            assert!(seq.steps.iter().all(|s| s.line >= 1 && s.line <= lines));
            // Keep each run short: the unrolled steps are what costs.
            if seq.steps.len() <= 2000 {
                round_trip(text, &seq);
                drive(seq, data.get(cut + 1..).unwrap_or_default());
            }
        }
    }
});
