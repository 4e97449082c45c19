use super::*;
use crate::net::Role;

fn ev(kind: EventKind, port: u16, client: Option<u64>) -> Event {
    Event {
        ts_us: 1_000,
        role: Role::TcpServer,
        local: None,
        peer: Some(([127, 0, 0, 1], port).into()),
        client,
        kind,
        opcode: None,
    }
}

/// The raw-bytes answer equals the row's answer (text decoded on its own).
fn same(q: &Query, ev: &Event, enc: Encoding) -> bool {
    let data = ev.kind.data().unwrap_or_default();
    let row = q.matches_row(ev, &crate::codec::decode(enc, data));
    let peer = ev.peer.is_some_and(|p| q.peer_matches(p));
    let raw = q.matches_data(direction(&ev.kind), data, enc, peer, ev.client);
    assert_eq!(row, raw, "{q:?} on {ev:?} in {enc:?}");
    row
}

#[test]
fn raw_and_row_agree() {
    let payloads: [&[u8]; 8] = [
        b"Hello world",
        &[0xca, 0xd5, 0x01],
        b"CA D5 in text",
        "温度 25℃".as_bytes(),
        &[0xce, 0xc2, 0xb6, 0xc8],
        b"",
        b"abc\x00def",
        b"ca\xffd5",
    ];
    let queries = [
        "hello", "CA D5", "ca", ":5003", "#7", "→", "rx", "note", "温度", "zzz", "00", "de",
    ];
    for enc in [
        Encoding::UTF_8,
        Encoding::GBK,
        Encoding::for_label("utf-16le").unwrap(),
    ] {
        for p in payloads {
            for (i, kind) in [EventKind::Rx(p.to_vec()), EventKind::Tx(p.to_vec())]
                .into_iter()
                .enumerate()
            {
                let e = ev(kind, 5000 + i as u16 * 3, Some(7));
                for q in queries {
                    same(&Query::parse(q).unwrap(), &e, enc);
                }
                for r in ["^hel+o", "(?i)D5", "\\d{4}", "温"] {
                    same(&Query::parse_mode(r, true).unwrap().unwrap(), &e, enc);
                }
            }
        }
    }
    let e = ev(EventKind::Rx(vec![0xca, 0xd5]), 1, None);
    assert!(same(&Query::parse("ca d5").unwrap(), &e, Encoding::UTF_8));
    assert!(same(&Query::parse("rx").unwrap(), &e, Encoding::UTF_8));
    assert!(!same(&Query::parse("tx").unwrap(), &e, Encoding::UTF_8));
}

#[test]
fn a_bad_regex_is_an_error() {
    assert!(matches!(
        Query::parse_mode("a(b", true),
        Err(FilterError::Regex(_))
    ));
    assert!(Query::parse_mode("  ", true).unwrap().is_none());
}

#[test]
fn time_range_of_day() {
    let day = chrono::Local::now().timestamp_micros();
    let r = TimeRange::parse("10:00", "10:00:05", day).unwrap().unwrap();
    let from = r.from_us.unwrap();
    assert_eq!(r.to_us.unwrap() - from, 5_999_999);
    assert!(r.contains(from) && !r.contains(from - 1));
    // Past midnight: the end is on the next day.
    let r = TimeRange::parse("23:00", "01:00", day).unwrap().unwrap();
    assert!(r.to_us.unwrap() > r.from_us.unwrap());
    assert_eq!(
        TimeRange::parse("25:00", "", day),
        Err(FilterError::Time { to: false })
    );
    assert_eq!(
        TimeRange::parse("", "noon", day),
        Err(FilterError::Time { to: true })
    );
    assert_eq!(TimeRange::parse(" ", "", day), Ok(None));
}
