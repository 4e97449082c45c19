//! The stream deframer (`Framer`) with arbitrary settings, fed arbitrary bytes in arbitrary
//! chunks, and the framing settings as text (`Framing::delimiter_hex`, the saved TOML).
//! Never panics, and: no frame keeps more than `max_frame` bytes; a frame is marked
//! truncated exactly when it was longer than what it kept; the frames never account for
//! more bytes than were fed; what is held stays within twice `max_frame` and a delimiter;
//! how the stream is cut into chunks does not change the frames (but for raw chunks);
//! and untruncated frames put back together give the stream again (a length field's
//! frames hold their headers, so they are the stream exactly).
#![no_main]
use libfuzzer_sys::fuzz_target;
use socket_tester::codec::framing::PrefixWidth;
use socket_tester::codec::{Frame, Framer, Framing, parse_hex};

/// Settings from the first bytes: the framing, `max_frame`, and the rest.
fn settings(data: &[u8]) -> Option<(Framing, usize, &[u8])> {
    let [mode, a, b, max, rest @ ..] = data else {
        return None;
    };
    let framing = match mode % 5 {
        0 => Framing::Raw,
        1 => {
            // 0 to 3 delimiter bytes from the input (an empty one is possible in a file).
            let n = usize::from(*a % 4).min(rest.len());
            let (d, rest) = rest.split_at(n);
            return Some((
                Framing::Delimiter { bytes: d.to_vec() },
                usize::from(*max) + 1,
                rest,
            ));
        }
        2 => Framing::FixedLength {
            len: usize::from(u16::from_le_bytes([*a, *b])),
        },
        3 => Framing::LengthField {
            // An offset up to 15, an adjustment from -8 to 7 (the cap is fuzzed by `max`).
            offset: usize::from(b >> 4),
            width: match a % 3 {
                0 => PrefixWidth::One,
                1 => PrefixWidth::Two,
                _ => PrefixWidth::Four,
            },
            big_endian: b & 1 == 1,
            adjust: i32::from(a >> 4) - 8,
        },
        _ => Framing::LengthPrefix {
            width: match a % 3 {
                0 => PrefixWidth::One,
                1 => PrefixWidth::Two,
                _ => PrefixWidth::Four,
            },
            big_endian: b & 1 == 1,
            includes_prefix: b & 2 == 2,
        },
    };
    Some((framing, usize::from(*max) + 1, rest))
}

/// Feeds `input` in chunks whose sizes come from `cuts`; the frames and the flushed tail.
fn run(f: &Framing, max: usize, input: &[u8], cuts: &[u8]) -> (Vec<Frame>, Option<Frame>) {
    let mut framer = Framer::with_max_frame(f.clone(), max);
    let delim = match f {
        Framing::Delimiter { bytes } => bytes.len(),
        _ => 0,
    };
    // A length field's header (at most MAX_FIELD_OFFSET + 4 bytes) is held whole while
    // it fills, whatever the cap.
    let header = match f {
        Framing::LengthField { offset, width, .. } => offset + width.bytes(),
        _ => 0,
    };
    let mut out = Vec::new();
    let mut rest = input;
    let mut i = 0;
    while !rest.is_empty() {
        let n = cuts.get(i).map_or(rest.len(), |c| usize::from(*c) + 1);
        let (chunk, tail) = rest.split_at(n.min(rest.len()));
        out.extend(framer.push(chunk));
        assert!(
            framer.buffered() <= (2 * max + delim.max(1) + 4).max(header),
            "{f:?}"
        );
        rest = tail;
        i += 1;
    }
    let tail = framer.flush();
    assert_eq!(framer.buffered(), 0, "flush empties the framer");
    (out, tail)
}

fn check(f: &Framing, max: usize, input: &[u8], frames: &[Frame], tail: &Option<Frame>) {
    let mut kept = 0u64;
    let mut told = 0u64;
    for fr in frames.iter().chain(tail) {
        assert!(fr.data.len() <= max, "{f:?}: {} > {max}", fr.data.len());
        assert_eq!(fr.truncated, fr.len > fr.data.len() as u64, "{f:?} {fr:?}");
        kept += fr.data.len() as u64;
        told += fr.len;
    }
    assert!(kept <= input.len() as u64, "{f:?}: kept {kept} of {}", input.len());
    assert!(told <= input.len() as u64, "{f:?}: told {told} of {}", input.len());
    if frames.iter().chain(tail).any(|fr| fr.truncated) {
        return;
    }
    let whole: Vec<u8> = match f {
        Framing::Delimiter { bytes } => {
            let mut v = Vec::new();
            for fr in frames {
                v.extend_from_slice(&fr.data);
                v.extend_from_slice(bytes);
            }
            v.extend(tail.iter().flat_map(|t| t.data.iter()));
            v
        }
        Framing::FixedLength { .. } | Framing::Raw => frames
            .iter()
            .chain(tail)
            .flat_map(|fr| fr.data.iter().copied())
            .collect(),
        Framing::LengthPrefix {
            width,
            big_endian,
            includes_prefix: false,
        } => {
            // The complete frames, their prefixes written again, start the stream.
            let w = width.bytes();
            let mut v = Vec::new();
            for fr in frames {
                let be = fr.len.to_be_bytes();
                let mut p = be[8 - w..].to_vec();
                if !big_endian {
                    p.reverse();
                }
                v.extend_from_slice(&p);
                v.extend_from_slice(&fr.data);
            }
            assert!(input.starts_with(&v), "{f:?}");
            return;
        }
        Framing::LengthPrefix { .. } => return,
        // A frame is its header and body as they came: the complete frames start the
        // stream, and the unfinished tail is the rest of it.
        Framing::LengthField { .. } => frames
            .iter()
            .chain(tail)
            .flat_map(|fr| fr.data.iter().copied())
            .collect(),
    };
    assert_eq!(whole, input, "{f:?}");
}

fuzz_target!(|data: &[u8]| {
    if let Some((f, max, rest)) = settings(data) {
        // The stream is the first part; the chunk sizes come from the second.
        let (input, cuts) = rest.split_at(rest.len() * 2 / 3);
        let (frames, tail) = run(&f, max, input, cuts);
        check(&f, max, input, &frames, &tail);
        if f != Framing::Raw {
            let (whole, whole_tail) = run(&f, max, input, &[]);
            assert_eq!(frames, whole, "{f:?}: the chunking changed the frames");
            assert_eq!(tail, whole_tail, "{f:?}");
        }
    }
    // The settings as text: a hex delimiter, and a saved framing read back.
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(Framing::Delimiter { bytes }) = Framing::delimiter_hex(text) {
            assert!(!bytes.is_empty());
            assert_eq!(parse_hex(text).ok(), Some(bytes));
        }
        if let Ok(f) = toml::from_str::<Framing>(text) {
            let again = toml::to_string(&f).expect("a framing writes as TOML");
            assert_eq!(toml::from_str::<Framing>(&again).ok(), Some(f));
        }
    }
});
