use super::*;
use crate::log::query::Query;
use crate::log::spool_format::SpoolWriter;
use crate::net::Role;

/// Words for an event with no text of its own (the log layer has no i18n; the window
/// passes its language's words).
fn words(ev: &Event) -> String {
    format!("{:?}", ev.kind)
}

fn ev(i: u64) -> Event {
    Event {
        ts_us: 1_000_000 + i as i64,
        role: Role::UdpReceiver,
        local: Some(([127, 0, 0, 1], 7000).into()),
        peer: Some(([127, 0, 0, 1], 9000 + (i % 3) as u16).into()),
        client: None,
        kind: if i.is_multiple_of(10) {
            EventKind::Note(format!("note {i}"))
        } else {
            EventKind::Rx(format!("msg {i} \u{1}").into_bytes())
        },
        opcode: None,
    }
}

fn spool(n: u64) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.stspool");
    let f = std::io::BufWriter::new(File::create(&path).unwrap());
    let mut w = SpoolWriter::new(f, Encoding::UTF_8, None, 1_000_000).unwrap();
    for i in 0..n {
        w.write_event(&ev(i)).unwrap();
    }
    w.flush().unwrap();
    (dir, path)
}

fn filter(q: &str) -> Filter {
    Filter {
        query: Query::parse(q),
        ..Filter::default()
    }
}

fn run(path: &Path, f: &Filter) -> Outcome {
    let src = Source {
        spool: Some(path.to_path_buf()),
        tail: Vec::new(),
    };
    search(src, f, words, &Control::default()).unwrap()
}

#[test]
fn counts_agree_with_the_reader() {
    let n = 100_000;
    let (_d, path) = spool(n);
    for q in ["msg 7", "note", "01", ":9001", "msg", "zzz", "rx"] {
        let f = filter(q);
        let got = run(&path, &f);
        let mut store = crate::log::LogStore::new(Encoding::UTF_8, words);
        let want = crate::log::spool::read_events(&path)
            .unwrap()
            .filter(|e| {
                store.push(e.clone());
                let r = store.get(store.len() - 1).unwrap();
                f.passes(r)
            })
            .count() as u64;
        assert_eq!((got.matches, got.events), (want, n), "{q}");
        assert!(got.cut.is_none());
    }
}

#[test]
fn reads_back_around_any_event() {
    let (_d, path) = spool(200_000);
    let out = run(&path, &filter("msg 123457"));
    assert_eq!(out.matches, 1);
    let h = &out.hits[0];
    assert_eq!(h.index, 123_457);
    let rows = read_around(&out, h.index, 3, 3, words).unwrap();
    let idx: Vec<u64> = rows.iter().map(|r| r.index).collect();
    assert_eq!(idx, (123_454..=123_460).collect::<Vec<_>>());
    for r in &rows {
        assert_eq!(r.event, ev(r.index), "event {}", r.index);
    }
    assert_eq!(rows[3].text, "msg 123457 \u{1}");
    // The very first and the last.
    let rows = read_around(&out, 0, 3, 1, words).unwrap();
    assert_eq!(rows.len(), 2);
    let rows = read_around(&out, 199_999, 1, 5, words).unwrap();
    assert_eq!(rows.len(), 2);
}

#[test]
fn a_torn_tail_is_reported_and_cancel_stops() {
    let (_d, path) = spool(50_000);
    let len = std::fs::metadata(&path).unwrap().len();
    let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.set_len(len - 3).unwrap();
    let out = run(&path, &filter("msg"));
    assert_eq!(out.events, 49_999);
    assert!(out.cut.as_ref().is_some_and(|c| c.torn), "{:?}", out.cut);
    let ctl = Control::default();
    ctl.cancel();
    let src = Source {
        spool: Some(path.clone()),
        tail: Vec::new(),
    };
    let out = search(src, &filter("msg"), words, &ctl).unwrap();
    assert!(out.cancelled && out.events < 49_999);
}

#[test]
fn the_scanner_stops_where_the_reader_does() {
    let (_d, path) = spool(300);
    let whole = std::fs::read(&path).unwrap();
    let mut cases: Vec<Vec<u8>> = Vec::new();
    for cut in [0, 5, 19, 30, 31, 32, 40, whole.len() / 2, whole.len() - 1] {
        cases.push(whole[..cut.min(whole.len())].to_vec());
    }
    for at in [30, 33, 35, 60, 200, whole.len() / 3, whole.len() - 2] {
        let mut b = whole.clone();
        b[at] ^= 0x5a;
        cases.push(b);
    }
    for bytes in cases {
        let rd = SpoolReader::new(&bytes[..]);
        let sc = Scanner::new(&bytes[..]);
        let (Ok(mut rd), Ok(mut sc)) = (rd, sc) else {
            assert!(SpoolReader::new(&bytes[..]).is_err() && Scanner::new(&bytes[..]).is_err());
            continue;
        };
        let want = rd.by_ref().count() as u64;
        let mut got = 0;
        while sc.next_event().is_some() {
            got += 1;
        }
        assert_eq!(got, want, "events of a file of {} bytes", bytes.len());
        let (a, b) = (rd.cut(), sc.cut());
        assert_eq!(
            a.map(|c| (c.offset, c.bytes, c.torn)),
            b.map(|c| (c.offset, c.bytes, c.torn)),
            "{a:?} / {b:?}"
        );
    }
}
