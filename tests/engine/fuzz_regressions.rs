//! Inputs that crashed a fuzz target (`fuzz/`), kept as ordinary tests so they stay fixed.

use socket_tester::codec::text::ALL;
use socket_tester::codec::{encode, parse_escapes};

/// fuzz target `escape`, input `06 0f`: ISO-2022-JP (ALL[6]) and the text "\x0f" (SI).
/// encoding_rs reports SO, SI and ESC as unmappable U+FFFD (3 bytes) after reading one
/// byte, and the error position underflowed: a panic slicing the text.
#[test]
fn iso_2022_jp_shift_and_escape_controls_are_errors_not_panics() {
    let (enc, _) = ALL[6];
    assert_eq!(enc.label(), "iso-2022-jp");
    for (text, position, ch) in [
        ("\x0f", 0, '\x0f'),
        ("\x0e", 0, '\x0e'),
        ("\x1b", 0, '\x1b'),
        ("ab\x1bc", 2, '\x1b'),
        ("日本\x0f", 2, '\x0f'),
    ] {
        let e = encode(enc, text).unwrap_err();
        assert_eq!(e.position, position, "{text:?}");
        assert_eq!(e.ch, ch, "{text:?}: names the character in the text");
        assert!(parse_escapes(text, enc).is_err(), "{text:?}");
    }
    // The fuzz input itself, as the target runs it.
    assert!(parse_escapes("\x0f", ALL[0x06 % ALL.len()].0).is_err());
    // Still fine: what ISO-2022-JP can write.
    assert!(encode(enc, "abc 日本").is_ok());
}

/// A sequence step's wait or timeout is added to the instant the step began: one of
/// ~300 billion years (humantime reads it) overflowed `Instant + Duration`, a panic in the
/// runner. Such a file is now refused with its line; a year is still accepted and runs.
#[test]
fn a_sequence_wait_too_long_for_an_instant_is_refused_not_a_panic() {
    use socket_tester::sequence::Sequence;
    use socket_tester::sequence::run::SequenceRun;
    use std::time::Instant;
    for step in [
        "wait = \"300000000000y\"",
        "expect = \"x\"\ntimeout = \"300000000000y\"",
        "wait = \"366days\"",
    ] {
        let text = format!("protocol = \"udp\"\n[[step]]\n{step}\n");
        let e = Sequence::parse(&text).unwrap_err();
        assert_eq!(e.line, 2, "{step}: {e}");
        assert!(e.message.contains("longer than 365 days"), "{e}");
    }
    let seq = Sequence::parse("protocol = \"udp\"\n[[step]]\nwait = \"365days\"\n").unwrap();
    let mut run = SequenceRun::new(seq);
    let now = Instant::now();
    assert!(run.poll(now).is_empty());
    assert!(
        run.deadline().is_some_and(|d| d > now),
        "a year's wait has a deadline"
    );
}

/// fuzz target `framing`, input `03 41 41 00 40 00 00 00 02 01` (base64 `A0FBAEAAAAIB`):
/// a 4-byte length prefix, frames capped at 1 byte, and the stream ending three bytes into
/// a prefix. The flushed tail held those three bytes: more than the cap.
#[test]
fn a_flushed_unfinished_prefix_keeps_to_the_frame_cap() {
    use socket_tester::codec::framing::PrefixWidth;
    use socket_tester::codec::{Framer, Framing};
    let f = Framing::LengthPrefix {
        width: PrefixWidth::Four,
        big_endian: true,
        includes_prefix: false,
    };
    let mut fr = Framer::with_max_frame(f, 1);
    assert!(fr.push(&[0, 0, 2]).is_empty());
    let tail = fr.flush().expect("the unfinished prefix");
    assert_eq!(tail.data, vec![0]);
    assert_eq!(tail.len, 3);
    assert!(tail.truncated && tail.partial);
}
