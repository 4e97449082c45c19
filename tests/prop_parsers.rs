//! Property tests: every parser of user or peer input either succeeds or returns an error
//! that names a position inside the input — and never panics.

use proptest::prelude::*;
use socket_tester::codec::template::{Template, TemplateCtx};
use socket_tester::codec::text::ALL;
use socket_tester::codec::{
    Encoding, StreamDecoder, decode, encode, parse_escapes, parse_hex, to_hex,
};
use socket_tester::log::record::read_records;
use socket_tester::net::addr::{check_host, parse_port, split_host_port};

fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[0-9a-fA-Fx, :\\-\\n]{0,64}",
        "\\[?[0-9a-f:.]{0,40}\\]?(:[0-9-]{0,7})?",
        "(\\\\[rnt0\\\\x]?[0-9a-fA-FG]{0,3}|[a-z收😀 ]){0,20}",
        "(\\{[a-z_]{0,8}(:[0-9a-f ]{0,6})?\\}?|[a-z{}]){0,12}",
        Just(String::new()),
        Just("\0".repeat(3)),
        Just("9".repeat(10_000)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn addresses_never_panic(s in hostile()) {
        let n = s.chars().count();
        let _ = check_host(&s, true);
        let _ = parse_port(&s, false);
        if let Ok((host, port)) = split_host_port(&s) {
            prop_assert!(host.chars().count() <= n);
            prop_assert!(s.contains(&port.to_string()));
        }
    }

    #[test]
    fn hex_errors_name_a_position_inside(s in hostile()) {
        match parse_hex(&s) {
            Ok(bytes) => prop_assert!(bytes.len() * 2 <= s.len()),
            Err(e) => prop_assert!(e.position < s.chars().count().max(1), "{e}"),
        }
    }

    #[test]
    fn hex_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        prop_assert_eq!(parse_hex(&to_hex(&bytes)).unwrap(), bytes);
    }

    #[test]
    fn escapes_never_panic(s in hostile(), i in 0usize..ALL.len()) {
        match parse_escapes(&s, ALL[i].0) {
            Ok(_) => {}
            Err(socket_tester::codec::escape::EscapeError::Bad { position, .. }) => {
                prop_assert!(position < s.chars().count())
            }
            Err(socket_tester::codec::escape::EscapeError::Encode(e)) => {
                prop_assert!(e.position < s.chars().count())
            }
        }
    }

    #[test]
    fn templates_never_panic(s in hostile()) {
        match Template::parse(&s) {
            Ok(t) => {
                let mut ctx = TemplateCtx::new(Encoding::UTF_8, false);
                let _ = t.render(&mut ctx);
            }
            Err(e) => prop_assert!(e.position <= s.chars().count(), "{e:?}"),
        }
    }

    #[test]
    fn record_reader_never_panics(lines in proptest::collection::vec(hostile(), 0..8)) {
        let text = lines.join("\n");
        for r in read_records(text.as_bytes()) {
            if let Err(e) = r {
                prop_assert!(e.line >= 1 && e.line <= text.split('\n').count());
            }
        }
    }

    #[test]
    fn encodings_round_trip(s in any::<String>(), i in 0usize..ALL.len()) {
        let enc = ALL[i].0;
        match encode(enc, &s) {
            // What an encoding can write, it reads back the same: encode refuses a
            // character that would come back as another (Shift_JIS '¥' is 0x5C = '\\').
            Ok(bytes) => {
                prop_assert_eq!(decode(enc, &bytes), s.clone());
                // And a stream decoder fed one byte at a time gives the same text.
                let mut d = StreamDecoder::new(enc);
                let mut out = String::new();
                for b in &bytes {
                    out.push_str(&d.feed(std::slice::from_ref(b)));
                }
                out.push_str(&d.finish());
                prop_assert_eq!(out, decode(enc, &bytes));
            }
            Err(e) => prop_assert!(e.position < s.chars().count()),
        }
    }

    #[test]
    fn decoding_any_bytes_never_fails(bytes in proptest::collection::vec(any::<u8>(), 0..200), i in 0usize..ALL.len()) {
        let t = decode(ALL[i].0, &bytes);
        prop_assert!(bytes.is_empty() || !t.is_empty() || ALL[i].0 == Encoding::UTF_16LE || ALL[i].0 == Encoding::UTF_16BE);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Presets are parsed, never evaluated: any text either loads or names a line inside it.
    #[test]
    fn presets_never_panic(s in prop_oneof![
        any::<String>(),
        "(\\[[a-z_.]{0,12}\\]\\n|[a-z_]{1,10} = (\"[^\"\\n]{0,12}\"|[0-9-]{1,6}|true|\\[\\])\\n){0,8}",
    ]) {
        match socket_tester::ui::preset::Preset::parse(&s) {
            Ok(p) => {
                // What loads can be written back and loaded again.
                let text = p.to_toml().unwrap();
                prop_assert!(socket_tester::ui::preset::Preset::parse(&text).is_ok());
            }
            Err(e) => {
                if let Some(line) = e.line {
                    prop_assert!(line >= 1 && line <= s.split('\n').count(), "{e}");
                }
            }
        }
    }
}

mod spool {
    use proptest::prelude::*;
    use socket_tester::codec::Encoding;
    use socket_tester::log::spool::SpoolReader;
    use socket_tester::log::spool_format::SpoolWriter;
    use socket_tester::net::{CloseReason, ClosedBy, Event, EventKind, Role};
    use std::net::SocketAddr;

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
            })
    }

    /// The spool bytes of `evs` and the offset after the header and after each event.
    fn write(evs: &[Event]) -> (Vec<u8>, Vec<usize>) {
        let mut w =
            SpoolWriter::new(Vec::new(), Encoding::GBK, None, 1_700_000_000_000_000).unwrap();
        let mut ends = vec![w.get_ref().len()];
        for e in evs {
            w.write_event(e).unwrap();
            ends.push(w.get_ref().len());
        }
        (w.into_inner(), ends)
    }

    /// Reads `bytes`: the events, and the cut's (offset, bytes) if any.
    fn read(bytes: &[u8]) -> (Vec<Event>, Option<(u64, u64)>) {
        let mut r = SpoolReader::new(bytes).unwrap();
        let evs: Vec<Event> = r.by_ref().collect();
        (evs, r.cut().map(|c| (c.offset, c.bytes)))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn spool_round_trips(evs in proptest::collection::vec(event(), 0..20)) {
            let (bytes, _) = write(&evs);
            let (got, cut) = read(&bytes);
            prop_assert_eq!(got, evs);
            prop_assert_eq!(cut, None);
        }

        #[test]
        fn a_torn_spool_keeps_every_whole_event(
            evs in proptest::collection::vec(event(), 1..12),
            at in any::<prop::sample::Index>(),
        ) {
            let (bytes, ends) = write(&evs);
            let k = ends[0] + at.index(bytes.len() - ends[0] + 1);
            let (got, cut) = read(&bytes[..k]);
            let whole = ends.iter().filter(|e| **e <= k).count() - 1;
            prop_assert_eq!(&got[..], &evs[..whole]);
            if let Some((off, n)) = cut {
                prop_assert!(off as usize >= ends[whole] && off as usize + n as usize == k);
            } else {
                prop_assert!(k == ends[whole] || whole < evs.len());
            }
        }

        #[test]
        fn a_flipped_bit_keeps_every_event_before_it(
            evs in proptest::collection::vec(event(), 1..12),
            at in any::<prop::sample::Index>(),
            bit in 0u8..8,
        ) {
            let (mut bytes, ends) = write(&evs);
            let p = ends[0] + at.index(bytes.len() - ends[0]);
            bytes[p] ^= 1 << bit;
            let (got, cut) = read(&bytes);
            let before = ends.iter().filter(|e| **e <= p).count() - 1;
            prop_assert_eq!(&got[..], &evs[..before]);
            let (off, n) = cut.expect("the damage is reported");
            prop_assert!(off as usize >= ends[before] && off as usize <= p);
            prop_assert_eq!(off + n, bytes.len() as u64);
        }

        #[test]
        fn any_bytes_after_a_header_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..400)) {
            let (mut bytes, _) = write(&[]);
            let header = bytes.len();
            bytes.extend_from_slice(&tail);
            let (_, cut) = read(&bytes);
            if let Some((off, n)) = cut {
                prop_assert!(off as usize >= header);
                prop_assert_eq!(off + n, bytes.len() as u64);
            }
        }
    }
}

mod record_text {
    use proptest::prelude::*;
    use socket_tester::codec::text::ALL;
    use socket_tester::log::Decoders;
    use socket_tester::log::record::reads_as_text;
    use socket_tester::net::{Event, EventKind, Role};

    fn chunk() -> impl Strategy<Value = Vec<u8>> {
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..24),
            proptest::collection::vec(prop_oneof![0x20u8..0x7f, 0x80u8..=0xff], 0..24),
            "[a-z收啦😀\\n]{0,8}".prop_map(|s| s.into_bytes()),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        /// Skipping the decoding of binary chunks never changes the text of any chunk that
        /// reads as text, in any encoding, over a TCP stream.
        #[test]
        fn skipping_binary_chunks_keeps_the_stream_in_step(
            chunks in proptest::collection::vec(chunk(), 0..12),
            i in 0usize..ALL.len(),
        ) {
            let enc = ALL[i].0;
            let (mut fast, mut full) = (Decoders::new(enc), Decoders::new(enc));
            for c in chunks {
                let ev = Event {
                    ts_us: 0,
                    role: Role::TcpClient,
                    local: None,
                    peer: None,
                    client: None,
                    kind: EventKind::Rx(c),
                };
                let want = full.text(&ev).filter(|t| reads_as_text(t));
                let got = fast.text_unless_binary(&ev).filter(|t| reads_as_text(t));
                prop_assert_eq!(got, want, "{}", enc.label());
            }
        }
    }
}
