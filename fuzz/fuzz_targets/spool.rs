//! The binary spool reader, and every export from it, on arbitrary files: raw input (the
//! header check), input behind a valid header (the record framing), and a valid spool
//! built from the input then damaged as the input says (cut, bits flipped, a range zeroed
//! or written twice). Never panics, always ends, a cut accounts for every byte it leaves
//! out, and every event wholly before the damage is read back exactly.
#![no_main]
use libfuzzer_sys::fuzz_target;
use socket_tester::codec::Encoding;
use socket_tester::log::export::{Format, export};
use socket_tester::log::input::SpoolRecords;
use socket_tester::log::spool::SpoolReader;
use socket_tester::log::spool_format::SpoolWriter;
use socket_tester::net::{Event, EventKind, Role};

/// Reads `input` to the end: the events, after checking the reader's guarantees.
fn read(input: &[u8]) -> Vec<Event> {
    let Ok(mut r) = SpoolReader::new(input) else {
        return Vec::new();
    };
    let evs: Vec<Event> = r.by_ref().take(input.len() + 1).collect();
    assert!(evs.len() <= input.len() / 6, "an event takes at least one record");
    assert!(r.next().is_none(), "the reader ends");
    if let Some(c) = r.cut() {
        assert_eq!(c.offset + c.bytes, input.len() as u64);
    }
    evs
}

/// A spool of events made from `data` (each chunk an rx or a tx from one of two peers),
/// damaged by its first bytes; the intact events before the damage must come back.
fn damaged(data: &[u8]) {
    let [op, a, b, c, rest @ ..] = data else { return };
    let Ok(mut w) = SpoolWriter::new(Vec::new(), Encoding::UTF_8, Some(Role::TcpServer), 0) else {
        return;
    };
    let mut evs = Vec::new();
    let mut ends = vec![w.get_ref().len()];
    for (i, chunk) in rest.chunks(7).enumerate() {
        let ev = Event {
            ts_us: i as i64 * 1000 - 3,
            role: Role::TcpServer,
            local: None,
            peer: Some(([10, 0, 0, (i % 2) as u8], 7891).into()),
            client: Some(i as u64 % 3),
            kind: if i % 3 == 0 {
                EventKind::Tx(chunk.to_vec())
            } else {
                EventKind::Rx(chunk.to_vec())
            },
        };
        if w.write_event(&ev).is_err() {
            return;
        }
        evs.push(ev);
        ends.push(w.get_ref().len());
    }
    let good = w.into_inner();
    let body = good.len() - ends[0];
    let at = ends[0] + usize::from(u16::from_le_bytes([*a, *b])) % (body + 1);
    let mut bad = good.clone();
    match op % 4 {
        0 => bad.truncate(at),
        1 if at < bad.len() => bad[at] ^= 1 << (c % 8),
        2 => {
            let to = (at + usize::from(*c) + 1).min(bad.len());
            bad[at..to].fill(0);
        }
        _ => {
            let to = (at + usize::from(*c)).min(good.len());
            bad = [&good[..to], &good[at..to], &good[to..]].concat();
        }
    }
    let Some(d) = good
        .iter()
        .zip(&bad)
        .position(|(x, y)| x != y)
        .or((good.len() != bad.len()).then(|| good.len().min(bad.len())))
    else {
        assert_eq!(read(&bad), evs);
        return;
    };
    let before = ends.iter().filter(|e| **e <= d).count() - 1;
    let got = read(&bad);
    assert!(got.len() >= before && got[..before] == evs[..before]);
}

fuzz_target!(|data: &[u8]| {
    let header = SpoolWriter::new(Vec::new(), Encoding::UTF_8, None, 0)
        .map(|w| w.into_inner())
        .unwrap_or_default();
    let framed = [header.as_slice(), data].concat();
    for input in [data, framed.as_slice()] {
        read(input);
        for f in Format::ALL {
            if let Ok(r) = SpoolReader::new(input) {
                let mut out = Vec::new();
                let records = SpoolRecords::new(r, true, socket_tester::i18n::english);
                let _ = export(records, &mut out, f, None);
            }
        }
    }
    damaged(data);
});
