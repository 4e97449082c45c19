//! Property tests of the binary spool on damaged files. Random events (and encoding
//! changes) are written with the real writer (`SpoolWriter`, what the spool thread
//! writes with), the file is then truncated, bit-flipped, torn (a range zeroed) or given
//! a duplicated range, and read back with the real reader and with the path Save log…,
//! crash recovery and `export` use (`input::open_records`, `input::count_events`).
//!
//! Every time: no panic; the reader ends, its progress strictly increasing (each event
//! consumes at least one record's bytes, so the steps are bounded by the file size); a cut
//! accounts for every byte it leaves out; and every event wholly before the first damaged
//! byte comes back exactly. The reader stops at the first damaged record (see README,
//! "Torn and damaged records", for why it does not resynchronise).

use proptest::prelude::*;
use socket_tester::codec::{Encoding, to_hex};
use socket_tester::log::input::{count_events, open_records};
use socket_tester::log::spool::{Cut, SpoolReader};
use socket_tester::log::spool_format::SpoolWriter;
use socket_tester::net::{CloseReason, ClosedBy, Event, EventKind, Role};
use std::cell::Cell;
use std::io::Read;
use std::net::SocketAddr;
use std::rc::Rc;

/// The fewest bytes a record takes: tag, a one-byte length, the CRC-32.
const MIN_RECORD: usize = 6;
const ENCODINGS: [Encoding; 3] = [Encoding::UTF_8, Encoding::GBK, Encoding::UTF_16LE];

fn addr() -> impl Strategy<Value = Option<SocketAddr>> {
    prop_oneof![
        Just(None),
        (any::<[u8; 4]>(), any::<u16>()).prop_map(|(ip, p)| Some((ip, p).into())),
        (any::<[u8; 16]>(), any::<u16>()).prop_map(|(ip, p)| Some((ip, p).into())),
        (0u8..3).prop_map(|i| Some(SocketAddr::from(([10, 0, 0, i], 80)))),
    ]
}

fn kind() -> impl Strategy<Value = EventKind> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300).prop_map(EventKind::Rx),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(EventKind::Tx),
        any::<String>().prop_map(EventKind::Info),
        any::<u64>().prop_map(|clients| EventKind::Closed {
            by: ClosedBy::Local,
            reason: CloseReason::ServerEnded { clients }
        }),
        any::<u64>().prop_map(|total| EventKind::KernelDrops { total }),
        (any::<u64>(), any::<String>()).prop_map(|(n, detail)| EventKind::Error {
            kind: socket_tester::net::ErrorKind::Io,
            detail: format!("{n} {detail}")
        }),
        Just(EventKind::Connected),
        any::<i32>().prop_map(|backlog| EventKind::Listening { backlog }),
    ]
}

fn event() -> impl Strategy<Value = Event> {
    (
        any::<i64>(),
        0usize..4,
        addr(),
        addr(),
        proptest::option::of(any::<u64>()),
        kind(),
    )
        .prop_map(|(ts_us, r, local, peer, client, kind)| Event {
            ts_us,
            role: Role::ALL[r],
            local,
            peer,
            client,
            kind,
            opcode: None,
        })
}

/// What is written: an event, or a switch of the encoding (a record of its own).
#[derive(Clone, Debug)]
enum Op {
    Event(Event),
    Encoding(usize),
}

fn ops(n: std::ops::Range<usize>) -> impl Strategy<Value = Vec<Op>> {
    proptest::collection::vec(
        prop_oneof![
            6 => event().prop_map(Op::Event),
            1 => (0..ENCODINGS.len()).prop_map(Op::Encoding),
        ],
        n,
    )
}

/// The spool bytes of `ops`, its events, and the offset after the header and after each
/// event (`ends[i + 1]`: the end of event `i`).
fn write(ops: &[Op]) -> (Vec<u8>, Vec<Event>, Vec<usize>) {
    let mut w = SpoolWriter::new(Vec::new(), Encoding::GBK, None, 1_700_000_000_000_000).unwrap();
    let mut ends = vec![w.get_ref().len()];
    let mut evs = Vec::new();
    for op in ops {
        match op {
            Op::Event(e) => {
                w.write_event(e).unwrap();
                evs.push(e.clone());
                ends.push(w.get_ref().len());
            }
            Op::Encoding(i) => w.set_encoding(ENCODINGS[*i]).unwrap(),
        }
    }
    (w.into_inner(), evs, ends)
}

/// A reader that counts what it has given out, to watch the spool reader's progress.
struct Counting<'a> {
    data: &'a [u8],
    pos: Rc<Cell<usize>>,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let at = self.pos.get();
        let n = buf.len().min(self.data.len() - at);
        buf[..n].copy_from_slice(&self.data[at..at + n]);
        self.pos.set(at + n);
        Ok(n)
    }
}

/// Reads `bytes` with the real reader, checking as it goes that it always progresses and
/// ends within a number of steps the file size bounds; the events and the cut.
fn read_checked(bytes: &[u8]) -> Result<(Vec<Event>, Option<Cut>), TestCaseError> {
    let pos = Rc::new(Cell::new(0));
    let Ok(mut r) = SpoolReader::new(Counting {
        data: bytes,
        pos: pos.clone(),
    }) else {
        return Ok((Vec::new(), None));
    };
    let mut evs = Vec::new();
    let mut last = pos.get();
    let mut ended = false;
    for _ in 0..=bytes.len() / MIN_RECORD {
        match r.next() {
            Some(ev) => {
                prop_assert!(
                    pos.get() >= last + MIN_RECORD,
                    "each event consumes a record"
                );
                last = pos.get();
                evs.push(ev);
            }
            None => {
                ended = true;
                break;
            }
        }
    }
    prop_assert!(
        ended,
        "the reader ends within {} steps",
        bytes.len() / MIN_RECORD + 1
    );
    prop_assert!(r.next().is_none(), "and stays ended");
    prop_assert!(r.records as usize <= bytes.len() / MIN_RECORD);
    prop_assert_eq!(pos.get(), bytes.len(), "every byte read or measured");
    let cut = r.cut().cloned();
    if let Some(c) = &cut {
        prop_assert_eq!(c.offset + c.bytes, bytes.len() as u64, "{}", c);
    }
    Ok((evs, cut))
}

/// The first offset where `new` differs from `old` (None: the same bytes).
fn first_change(old: &[u8], new: &[u8]) -> Option<usize> {
    old.iter()
        .zip(new)
        .position(|(a, b)| a != b)
        .or((old.len() != new.len()).then(|| old.len().min(new.len())))
}

/// Reads the damaged `new` (written as `old`, with events `evs` ending at `ends`) the two
/// ways, and checks the guarantees; returns the events read and how many were wholly
/// before the damage.
fn check(
    old: &[u8],
    new: &[u8],
    evs: &[Event],
    ends: &[usize],
) -> Result<(Vec<Event>, usize), TestCaseError> {
    let (got, cut) = read_checked(new)?;
    let Some(d) = first_change(old, new) else {
        prop_assert_eq!(&got[..], evs);
        prop_assert!(cut.is_none());
        return Ok((got, evs.len()));
    };
    let before = ends.iter().filter(|e| **e <= d).count() - 1;
    prop_assert!(
        got.len() >= before,
        "lost an intact event: {} of {}",
        got.len(),
        before
    );
    prop_assert_eq!(
        &got[..before],
        &evs[..before],
        "the events before the damage, exactly"
    );
    if let Some(c) = &cut {
        prop_assert!(
            c.offset as usize >= ends[before],
            "cut before intact data: {}",
            c
        );
    }
    check_recovery_path(new, &got, cut.as_ref())?;
    Ok((got, before))
}

/// Save log…, crash recovery and `export` read a spool through `open_records` and count
/// it with `count_events`: the same events, then one error for damage (and, unless asked,
/// none for a torn end).
fn check_recovery_path(
    bytes: &[u8],
    evs: &[Event],
    cut: Option<&Cut>,
) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("damaged.stspool");
    std::fs::write(&path, bytes).unwrap();
    prop_assert_eq!(count_events(&path).unwrap(), evs.len() as u64);
    for torn_is_error in [true, false] {
        let f = std::fs::File::open(&path).unwrap();
        let recs: Vec<_> = open_records(
            f,
            bytes.len() as u64,
            torn_is_error,
            socket_tester::i18n::english,
        )
        .unwrap()
        .collect();
        let (ok, bad): (Vec<_>, Vec<_>) = recs.into_iter().partition(Result::is_ok);
        prop_assert_eq!(ok.len(), evs.len());
        for (r, ev) in ok.into_iter().flatten().zip(evs) {
            prop_assert_eq!(&r.event, ev.kind.name());
            prop_assert_eq!(r.hex, ev.kind.data().map(to_hex));
            prop_assert_eq!(r.peer, ev.peer.map(|p| p.to_string()));
        }
        let want_error = cut.is_some_and(|c| !c.torn || torn_is_error);
        prop_assert_eq!(bad.len(), usize::from(want_error), "{:?}", cut);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn spool_round_trips(ops in ops(0..20)) {
        let (bytes, evs, ends) = write(&ops);
        let (got, _) = check(&bytes, &bytes, &evs, &ends)?;
        prop_assert_eq!(got, evs);
    }

    /// A file cut anywhere (a crash while writing): exactly the whole events before it.
    #[test]
    fn a_truncated_spool_keeps_every_whole_event(ops in ops(1..12), at in any::<prop::sample::Index>()) {
        let (bytes, evs, ends) = write(&ops);
        let k = ends[0] + at.index(bytes.len() - ends[0] + 1);
        let (got, before) = check(&bytes, &bytes[..k], &evs, &ends)?;
        prop_assert_eq!(got.len(), before);
    }

    /// Up to four flipped bits anywhere after the header: reading stops at the first
    /// damaged record, with every event before it.
    #[test]
    fn flipped_bits_keep_every_event_before_them(
        ops in ops(1..12),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..8), 1..5),
    ) {
        let (bytes, evs, ends) = write(&ops);
        prop_assume!(bytes.len() > ends[0], "something after the header to damage");
        let mut bad = bytes.clone();
        for (at, bit) in flips {
            bad[ends[0] + at.index(bytes.len() - ends[0])] ^= 1 << bit;
        }
        let (got, before) = check(&bytes, &bad, &evs, &ends)?;
        prop_assert_eq!(got.len(), before, "nothing after the damage is made up");
    }

    /// A torn write: a range of bytes zeroed (a lost page, a sparse hole after a crash).
    #[test]
    fn a_zeroed_range_keeps_every_event_before_it(
        ops in ops(1..12),
        at in any::<prop::sample::Index>(),
        len in 1usize..200,
    ) {
        let (bytes, evs, ends) = write(&ops);
        prop_assume!(bytes.len() > ends[0], "something after the header to damage");
        let mut bad = bytes.clone();
        let p = ends[0] + at.index(bytes.len() - ends[0]);
        let q = (p + len).min(bad.len());
        bad[p..q].fill(0);
        let (got, before) = check(&bytes, &bad, &evs, &ends)?;
        prop_assert_eq!(got.len(), before, "nothing after the damage is made up");
    }

    /// A range written twice (a retried write): every event before the copy, exactly;
    /// whatever follows is read as records or cut, never a panic or a hang.
    #[test]
    fn a_duplicated_range_keeps_every_event_before_it(
        ops in ops(1..12),
        a in any::<prop::sample::Index>(),
        b in any::<prop::sample::Index>(),
    ) {
        let (bytes, evs, ends) = write(&ops);
        let body = bytes.len() - ends[0];
        let (x, y) = (ends[0] + a.index(body + 1), ends[0] + b.index(body + 1));
        let (from, to) = (x.min(y), x.max(y));
        let bad = [&bytes[..to], &bytes[from..to], &bytes[to..]].concat();
        check(&bytes, &bad, &evs, &ends)?;
    }

    /// Any damage anywhere, the header too: no panic, the reader ends, a cut adds up.
    #[test]
    fn damage_anywhere_never_panics(
        ops in ops(0..8),
        at in any::<prop::sample::Index>(),
        junk in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let (bytes, _, _) = write(&ops);
        let p = at.index(bytes.len() + 1);
        let bad = [&bytes[..p], &junk[..], &bytes[p..]].concat();
        read_checked(&bad)?;
        read_checked(&bad[..p])?;
    }

    #[test]
    fn any_bytes_after_a_header_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..400)) {
        let (mut bytes, _, _) = write(&[]);
        let header = bytes.len();
        bytes.extend_from_slice(&tail);
        let (_, cut) = read_checked(&bytes)?;
        if let Some(c) = cut {
            prop_assert!(c.offset as usize >= header);
        }
    }
}
