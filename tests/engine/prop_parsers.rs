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
        match socket_tester::ui::Preset::parse(&s) {
            Ok(p) => {
                // What loads can be written back and loaded again.
                let text = p.to_toml().unwrap();
                prop_assert!(socket_tester::ui::Preset::parse(&text).is_ok());
            }
            Err(e) => {
                if let Some(line) = e.line {
                    prop_assert!(line >= 1 && line <= s.split('\n').count(), "{e}");
                }
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
                    opcode: None,
                };
                let want = full.text(&ev).filter(|t| reads_as_text(t));
                let got = fast.text_unless_binary(&ev).filter(|t| reads_as_text(t));
                prop_assert_eq!(got, want, "{}", enc.label());
            }
        }
    }
}
