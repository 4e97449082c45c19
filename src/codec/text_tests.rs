//! Tests of encoding and decoding text: the UTF-8 fast path against encoding_rs, streams, escapes.

use super::*;

/// encoding_rs's own UTF-8 decoding, which the fast path must match exactly.
fn reference(bytes: &[u8]) -> String {
    encoding_rs::UTF_8
        .decode_without_bom_handling(bytes)
        .0
        .into_owned()
}

fn reference_stream(pieces: &[&[u8]]) -> String {
    let mut d = encoding_rs::UTF_8.new_decoder_without_bom_handling();
    let mut out = String::new();
    for (i, p) in pieces.iter().enumerate() {
        let mut s = String::with_capacity(p.len() * 3 + 16);
        let _ = d.decode_to_string(p, &mut s, i + 1 == pieces.len());
        out.push_str(&s);
    }
    out
}

proptest::proptest! {
    #[test]
    fn utf8_matches_encoding_rs(bytes: Vec<u8>, text: String, cut in 0usize..64) {
        proptest::prop_assert_eq!(decode(Encoding::UTF_8, &bytes), reference(&bytes));
        // Text with bytes spliced in: valid runs, then errors.
        let mut mixed = text.into_bytes();
        let at = cut.min(mixed.len());
        mixed.splice(at..at, bytes.iter().copied());
        proptest::prop_assert_eq!(decode(Encoding::UTF_8, &mixed), reference(&mixed));
    }

    #[test]
    fn utf8_streams_match_encoding_rs(bytes: Vec<u8>, text: String, cuts: Vec<usize>) {
        let mut all = text.into_bytes();
        all.extend_from_slice(&bytes);
        let mut at: Vec<usize> = cuts.iter().map(|c| c % (all.len() + 1)).collect();
        at.sort_unstable();
        let mut pieces: Vec<&[u8]> = Vec::new();
        let mut from = 0;
        for &c in &at {
            pieces.push(&all[from..c]);
            from = c;
        }
        pieces.push(&all[from..]);
        let mut d = StreamDecoder::new(Encoding::UTF_8);
        let mut ours = String::new();
        for p in &pieces {
            ours.push_str(&d.feed(p));
        }
        ours.push_str(&d.finish());
        proptest::prop_assert_eq!(ours, reference_stream(&pieces));
    }
}

#[test]
fn bytes_that_are_not_text_can_be_shown_as_what_they_are() {
    assert_eq!(
        decode_escaped(Encoding::UTF_8, b"ok\x80\xff \xe5\x8f"),
        "ok\\x80\\xff \\xe5\\x8f"
    );
    assert_eq!(decode_escaped(Encoding::UTF_8, "收".as_bytes()), "收");
    // GBK: a lead byte with no trail, then text.
    let mut gbk = vec![0x81, 0x20];
    gbk.extend_from_slice(&encode(Encoding::GBK, "收到").unwrap());
    let s = decode_escaped(Encoding::GBK, &gbk);
    assert!(s.starts_with("\\x81") && s.ends_with("收到"), "{s}");
    // In pieces: a character cut between them is still carried.
    let mut d = StreamDecoder::escaping(Encoding::UTF_8);
    let b = "到".as_bytes();
    assert_eq!(d.feed(&b[..1]), "");
    assert_eq!(d.feed(&b[1..]), "到");
    assert_eq!(d.feed(&[0xe5]), "");
    assert_eq!(d.finish(), "\\xe5");
}

#[test]
fn a_character_cut_between_pieces_is_carried() {
    let mut d = StreamDecoder::new(Encoding::UTF_8);
    let bytes = "收到".as_bytes();
    assert_eq!(d.feed(&bytes[..2]), "");
    assert_eq!(d.feed(&bytes[2..4]), "收");
    assert_eq!(d.feed(&bytes[4..]), "到");
    assert_eq!(d.feed(&[0xe5]), "");
    assert_eq!(d.finish(), "\u{fffd}");
    assert_eq!(d.feed(b"ok"), "ok");
}

#[test]
fn gbk_round_trip() {
    let bytes = encode(Encoding::GBK, "收到啦我反馈").unwrap();
    assert_eq!(to_hex_local(&bytes), "cad5b5bdc0b2ced2b7b4c0a1");
    assert_eq!(decode(Encoding::GBK, &bytes), "收到啦我反馈");
}

fn to_hex_local(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn stream_decoder_carries_split_characters() {
    let bytes = encode(Encoding::GBK, "收到啦我反馈").unwrap();
    let mut d = StreamDecoder::new(Encoding::GBK);
    let mut s = String::new();
    for b in &bytes {
        s.push_str(&d.feed(std::slice::from_ref(b)));
    }
    s.push_str(&d.finish());
    assert_eq!(s, "收到啦我反馈");
}

#[test]
fn invalid_bytes_become_replacement() {
    assert_eq!(decode(Encoding::UTF_8, &[0x61, 0xff, 0x62]), "a\u{fffd}b");
    let mut d = StreamDecoder::new(Encoding::UTF_8);
    assert_eq!(d.feed(&[0xe6, 0x94]), "");
    assert_eq!(d.finish(), "\u{fffd}");
}

#[test]
fn unmappable_character_is_an_error_with_position() {
    let e = encode(Encoding::LATIN_1, "ab收c").unwrap_err();
    assert_eq!(e.position, 2);
    assert_eq!(e.ch, '收');
    assert!(e.to_string().contains("position 3"));
}

#[test]
fn characters_that_would_read_back_differently_are_refused() {
    let sjis = Encoding::for_label("shift_jis").unwrap();
    let e = encode(sjis, "a¥b").unwrap_err();
    assert_eq!(e.position, 1);
    assert_eq!(e.ch, '¥');
    let (hex, back) = e.becomes.clone().unwrap();
    assert_eq!(hex, "5C");
    assert_eq!(back, "\\");
    assert!(e.to_string().contains("reads back as '\\'"), "{e}");
    assert_eq!(encode(sjis, "a\\b").unwrap(), b"a\\b");
    let eucjp = Encoding::for_label("euc-jp").unwrap();
    assert_eq!(encode(eucjp, "x−").unwrap_err().position, 1);
    // GBK's one-byte euro sign reads back as the euro sign: allowed.
    assert_eq!(
        decode(Encoding::GBK, &encode(Encoding::GBK, "€").unwrap()),
        "€"
    );
}

#[test]
fn utf16_encodes_as_utf16_not_utf8() {
    assert_eq!(
        encode(Encoding::UTF_16LE, "A收").unwrap(),
        vec![0x41, 0, 0x36, 0x65]
    );
    assert_eq!(encode(Encoding::UTF_16BE, "A").unwrap(), vec![0, 0x41]);
    assert_eq!(decode(Encoding::UTF_16BE, &[0, 0x41]), "A");
}

#[test]
fn labels() {
    assert_eq!(Encoding::for_label("GB2312"), Some(Encoding::GBK));
    assert_eq!(Encoding::for_label("latin1"), Some(Encoding::LATIN_1));
    assert_eq!(Encoding::GBK.label(), "gbk");
    assert!(Encoding::parse("klingon").is_err());
    assert!(Encoding::for_label("replacement").is_none());
    for (e, _) in ALL {
        assert_eq!(Encoding::for_label(&e.label()), Some(*e));
    }
}

#[test]
fn decoding_tells_when_a_sequence_was_not_valid() {
    assert_eq!(decode_checked(Encoding::UTF_8, b"ok"), ("ok".into(), false));
    assert!(decode_checked(Encoding::UTF_8, &[b'a', 0xff]).1);
    // A character cut short at the end of a whole message is invalid too.
    assert!(decode_checked(Encoding::UTF_8, &"好".as_bytes()[..2]).1);
    let gbk = encode(Encoding::GBK, "收到").unwrap();
    assert_eq!(decode_checked(Encoding::GBK, &gbk), ("收到".into(), false));
    assert!(decode_checked(Encoding::GBK, &[b'a', 0xff]).1);
    // A stream: a character split over two pieces is valid in both; a bad byte is not.
    for enc in [Encoding::UTF_8, Encoding::GBK] {
        let bytes = encode(enc, "收").unwrap();
        let mut d = StreamDecoder::new(enc);
        d.feed(&bytes[..1]);
        assert!(!d.malformed(), "{enc:?}");
        assert_eq!(d.feed(&bytes[1..]), "收");
        assert!(!d.malformed(), "{enc:?}");
        d.feed(&[0xff]);
        assert!(d.malformed(), "{enc:?}");
        d.feed(b"fine");
        assert!(!d.malformed(), "{enc:?}: per piece");
    }
}
