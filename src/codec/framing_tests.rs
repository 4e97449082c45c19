//! Tests of the stream framer.

use super::*;

fn datas(frames: &[Frame]) -> Vec<&[u8]> {
    frames.iter().map(|f| f.data.as_slice()).collect()
}

/// Feeds `input` one byte at a time and all at once; both must give the same frames.
fn both_ways(f: &Framing, max: usize, input: &[u8]) -> Vec<Frame> {
    let mut a = Framer::with_max_frame(f.clone(), max);
    let whole = a.push(input);
    let mut b = Framer::with_max_frame(f.clone(), max);
    let mut bytewise = Vec::new();
    for byte in input {
        bytewise.extend(b.push(std::slice::from_ref(byte)));
    }
    assert_eq!(whole, bytewise, "whole vs byte-by-byte for {f:?}");
    assert_eq!(a.flush(), b.flush());
    whole
}

#[test]
fn raw_chunks() {
    let mut f = Framer::new(Framing::Raw);
    assert_eq!(datas(&f.push(b"abc")), vec![b"abc"]);
    assert!(f.push(b"").is_empty());
    assert_eq!(f.flush(), None);
    let mut f = Framer::with_max_frame(Framing::Raw, 2);
    let fr = f.push(b"abc");
    assert_eq!(
        (fr[0].data.as_slice(), fr[0].truncated, fr[0].len),
        (&b"ab"[..], true, 3)
    );
}

#[test]
fn lines() {
    let fr = both_ways(&Framing::lf(), 100, b"one\ntwo\n\nthree");
    assert_eq!(datas(&fr), vec![&b"one"[..], b"two", b""]);
    let mut f = Framer::new(Framing::lf());
    f.push(b"one\nthree");
    let tail = f.flush().unwrap();
    assert_eq!((tail.data.as_slice(), tail.partial), (&b"three"[..], true));
    let fr = both_ways(&Framing::crlf(), 100, b"a\r\nb\rc\r\n\r");
    assert_eq!(datas(&fr), vec![&b"a"[..], b"b\rc"]);
}

#[test]
fn hex_delimiter() {
    let f = Framing::delimiter_hex("7e 7e 00").unwrap();
    let fr = both_ways(&f, 100, b"ab\x7e\x7e\x00cd\x7e\x7e\x7e\x00e");
    assert_eq!(datas(&fr), vec![&b"ab"[..], b"cd\x7e"]);
    assert!(Framing::delimiter_hex("").is_err());
    assert!(Framing::delimiter_hex("zz").is_err());
}

#[test]
fn long_lines_are_truncated_and_skipped() {
    for max in [1usize, 2, 3, 5, 8] {
        let fr = both_ways(&Framing::crlf(), max, b"0123456789\r\nab\r\n0123\r");
        assert_eq!(fr.len(), 2, "max {max}");
        assert_eq!(
            fr[0].data,
            b"0123456789"[..max.min(10)].to_vec(),
            "max {max}"
        );
        assert_eq!((fr[0].truncated, fr[0].len), (max < 10, 10), "max {max}");
        assert_eq!(fr[1].data, b"ab"[..max.min(2)].to_vec());
        assert_eq!(fr[1].truncated, max < 2);
    }
}

#[test]
fn a_huge_line_stays_bounded() {
    let mut f = Framer::with_max_frame(Framing::lf(), 1024);
    let chunk = vec![b'x'; 64 * 1024];
    for _ in 0..1600 {
        // 100 MiB with no newline
        assert!(f.push(&chunk).is_empty());
        assert!(f.buffered() <= 2 * 1024 + 1);
    }
    let fr = f.push(b"\nnext\n");
    assert_eq!(fr.len(), 2);
    assert!(fr[0].truncated);
    assert_eq!(fr[0].data.len(), 1024);
    assert_eq!(fr[0].len, 100 * 1024 * 1024);
    assert_eq!(fr[1].data, b"next");
}

#[test]
fn fixed_length() {
    let f = Framing::FixedLength { len: 3 };
    let fr = both_ways(&f, 100, b"abcdefgh");
    assert_eq!(datas(&fr), vec![&b"abc"[..], b"def"]);
    let mut fx = Framer::new(f.clone());
    fx.push(b"abcdefgh");
    assert_eq!(fx.flush().unwrap().data, b"gh");
    let fr = both_ways(&f, 2, b"abcdef");
    assert_eq!(datas(&fr), vec![&b"ab"[..], b"de"]);
    assert!(fr.iter().all(|f| f.truncated && f.len == 3));
}

#[test]
fn length_prefixes() {
    let be2 = Framing::LengthPrefix {
        width: PrefixWidth::Two,
        big_endian: true,
        includes_prefix: false,
    };
    let fr = both_ways(&be2, 100, b"\x00\x03abc\x00\x00\x00\x01z\x00");
    assert_eq!(datas(&fr), vec![&b"abc"[..], b"", b"z"]);
    let le4 = Framing::LengthPrefix {
        width: PrefixWidth::Four,
        big_endian: false,
        includes_prefix: false,
    };
    let fr = both_ways(&le4, 100, b"\x02\x00\x00\x00hi\x01\x00\x00\x00!");
    assert_eq!(datas(&fr), vec![&b"hi"[..], b"!"]);
    let one_incl = Framing::LengthPrefix {
        width: PrefixWidth::One,
        big_endian: true,
        includes_prefix: true,
    };
    let fr = both_ways(&one_incl, 100, b"\x03ab\x01\x02c");
    assert_eq!(datas(&fr), vec![&b"ab"[..], b"", b"c"]);
    // A 4 GiB declared frame is truncated, not buffered.
    let be4 = Framing::LengthPrefix {
        width: PrefixWidth::Four,
        big_endian: true,
        includes_prefix: false,
    };
    let mut f = Framer::with_max_frame(be4, 4);
    assert!(f.push(b"\xff\xff\xff\xffabcdefgh").is_empty());
    assert_eq!(f.buffered(), 4);
    let tail = f.flush().unwrap();
    assert_eq!(
        (tail.data.as_slice(), tail.truncated, tail.len),
        (&b"abcd"[..], true, 8)
    );
}

#[test]
fn serde_round_trip() {
    for f in [
        Framing::Raw,
        Framing::crlf(),
        Framing::FixedLength { len: 8 },
        Framing::LengthPrefix {
            width: PrefixWidth::Two,
            big_endian: false,
            includes_prefix: true,
        },
    ] {
        let j = serde_json::to_string(&f).unwrap();
        assert_eq!(serde_json::from_str::<Framing>(&j).unwrap(), f, "{j}");
        assert!(!f.describe().is_empty());
    }
}

#[test]
fn length_fields_in_a_header() {
    // Two Modbus/TCP read-holding-registers requests back to back, then a response.
    let req1 = b"\x00\x01\x00\x00\x00\x06\x01\x03\x00\x00\x00\x0a";
    let req2 = b"\x00\x02\x00\x00\x00\x06\x01\x03\x00\x10\x00\x02";
    let resp = b"\x00\x03\x00\x00\x00\x07\x01\x03\x04\x00\x01\x00\x02";
    let mut stream = req1.to_vec();
    stream.extend_from_slice(req2);
    stream.extend_from_slice(resp);
    let fr = both_ways(&Framing::mbap(), 100, &stream);
    assert_eq!(datas(&fr), vec![&req1[..], &req2[..], &resp[..]]);
    assert!(
        fr.iter()
            .all(|f| !f.truncated && f.len == f.data.len() as u64)
    );
    assert_eq!(Framing::mbap().describe(), "Modbus/TCP (MBAP)");

    // Little-endian, 1 byte and 4 bytes, with adjustments either way.
    let le = Framing::LengthField {
        offset: 1,
        width: PrefixWidth::Two,
        big_endian: false,
        adjust: 2,
    };
    let fr = both_ways(&le, 100, b"\xaa\x01\x00xyz\xbb\x00\x00!!");
    assert_eq!(datas(&fr), vec![&b"\xaa\x01\x00xyz"[..], b"\xbb\x00\x00!!"]);
    // A length that counts the whole frame (3-byte header): adjust -3; too small → empty.
    let whole = Framing::LengthField {
        offset: 2,
        width: PrefixWidth::One,
        big_endian: true,
        adjust: -3,
    };
    let fr = both_ways(&whole, 100, b"ST\x05abST\x00ST\x03");
    assert_eq!(datas(&fr), vec![&b"ST\x05ab"[..], b"ST\x00", b"ST\x03"]);
    let four = Framing::LengthField {
        offset: 0,
        width: PrefixWidth::Four,
        big_endian: true,
        adjust: 0,
    };
    let fr = both_ways(&four, 100, b"\x00\x00\x00\x01Z");
    assert_eq!(datas(&fr), vec![&b"\x00\x00\x00\x01Z"[..]]);
}

#[test]
fn a_huge_length_field_is_cut_at_the_cap_not_buffered() {
    let f = Framing::LengthField {
        offset: 4,
        width: PrefixWidth::Four,
        big_endian: true,
        adjust: MAX_ADJUST,
    };
    let mut fx = Framer::with_max_frame(f, 16);
    let mut total = 0u64;
    assert!(fx.push(b"HEAD\xff\xff\xff\xff").is_empty());
    let chunk = vec![0u8; 64 * 1024];
    for _ in 0..64 {
        assert!(fx.push(&chunk).is_empty());
        total += chunk.len() as u64;
        assert!(fx.buffered() <= 16);
    }
    let tail = fx.flush().unwrap();
    assert!(tail.truncated && tail.partial);
    assert_eq!(tail.data.len(), 16);
    assert_eq!(&tail.data[..8], b"HEAD\xff\xff\xff\xff");
    assert_eq!(tail.len, 8 + total);
    // A header longer than the cap is cut too, and the next frame starts clean.
    let mut fx = Framer::with_max_frame(Framing::mbap(), 3);
    let fr = fx.push(b"\x00\x01\x00\x00\x00\x01\x07\x00\x02\x00\x00\x00\x01\x08");
    assert_eq!(datas(&fr), vec![&b"\x00\x01\x00"[..], b"\x00\x02\x00"]);
    assert!(fr.iter().all(|f| f.truncated && f.len == 7));
}

#[test]
fn length_field_serde_round_trip() {
    let f = Framing::mbap();
    let j = serde_json::to_string(&f).unwrap();
    assert_eq!(serde_json::from_str::<Framing>(&j).unwrap(), f, "{j}");
}
