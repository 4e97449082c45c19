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
