//! The expectation's bounded window (`MatchWindow`) with an arbitrary cap, fed arbitrary
//! chunks and clears: it always holds exactly the newest `cap` bytes of what arrived
//! since the last clear, counts all of it, and shows the start of what it holds.
#![no_main]
use libfuzzer_sys::fuzz_target;
use socket_tester::codec::window::{KEEP_SHOWN, MatchWindow};

fuzz_target!(|data: &[u8]| {
    let [cap, ops @ ..] = data else { return };
    let cap = usize::from(*cap) + 1;
    let mut w = MatchWindow::new(cap);
    // What arrived since the last clear, all of it (the reference).
    let mut all: Vec<u8> = Vec::new();
    let mut rest = ops;
    while let [op, tail @ ..] = rest {
        if *op == 0 {
            w.clear();
            all.clear();
            rest = tail;
        } else {
            // A chunk of up to 2 * 255 bytes: longer than the cap at times.
            let n = (usize::from(*op) * 2).min(tail.len());
            let (chunk, tail) = tail.split_at(n);
            w.push(chunk);
            all.extend_from_slice(chunk);
            rest = tail;
        }
        let newest = &all[all.len().saturating_sub(cap)..];
        assert_eq!(w.bytes(), newest);
        assert_eq!(w.total(), all.len() as u64);
        assert_eq!(w.dropped(), (all.len() - newest.len()) as u64);
        assert_eq!(w.is_empty(), all.is_empty());
        let shown = w.shown();
        assert_eq!(shown.as_slice(), &newest[..newest.len().min(KEEP_SHOWN)]);
    }
});
