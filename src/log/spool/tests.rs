//! The spool's own tests: everything written is read back, the record is kept, a full
//! disk is reported, and orphans are told from live spools.

use super::*;
use crate::log::record::read_records;
use crate::net::EventKind;
use std::fs::File;

fn ev(i: u8) -> Event {
    Event {
        ts_us: 1_000_000 + i as i64,
        role: Role::UdpReceiver,
        local: None,
        peer: Some("127.0.0.1:9".parse().unwrap()),
        client: None,
        kind: EventKind::Rx(vec![i; 3]),
        opcode: None,
    }
}

#[test]
fn writes_everything_and_removes_itself() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = Spool::in_dir(dir.path(), "udp-recv", Encoding::UTF_8).unwrap();
    assert!(s.path().to_string_lossy().ends_with(".stspool"));
    for i in 0..100 {
        s.write(&ev(i));
    }
    assert!((s.syncer())());
    let path = s.path().to_path_buf();
    let evs: Vec<Event> = read_events(&path).unwrap().collect();
    assert_eq!(evs, (0..100).map(ev).collect::<Vec<_>>());
    s.set_encoding(Encoding::GBK);
    s.truncate();
    s.write(&ev(7));
    assert!((s.syncer())());
    let mut r = read_events(&path).unwrap();
    assert_eq!(
        r.header().encoding_label,
        "gbk",
        "truncate keeps the encoding"
    );
    assert_eq!(r.next(), Some(ev(7)));
    assert_eq!(r.next(), None);
    assert!(r.cut().is_none());
    assert_eq!(s.poll().0, 1);
    drop(s);
    assert!(!path.exists());
}

#[test]
fn the_jsonl_record_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rec.jsonl");
    let mut s =
        Spool::record_with(&path, Encoding::UTF_8, crate::log::store::tests::words).unwrap();
    for i in 0..10 {
        s.write(&ev(i));
    }
    drop(s);
    let recs: Vec<_> = read_records(File::open(&path).unwrap()).collect();
    assert_eq!(recs.len(), 10);
    assert_eq!(
        recs[3].as_ref().unwrap().to_event(),
        Some(ev(3)),
        "bytes 03 03 03 are no text: only hex, still read back"
    );
    assert!(recs[3].as_ref().unwrap().text.is_none());
}

#[test]
fn disk_full_is_reported() {
    if !Path::new("/dev/full").exists() {
        return;
    }
    let mut s = Spool::create(
        Path::new("/dev/full"),
        Encoding::UTF_8,
        true,
        crate::log::store::tests::words,
    )
    .unwrap();
    s.write(&ev(1));
    let _ = (s.syncer())();
    s.finish();
    let (_, err) = s.poll();
    assert!(
        err.is_some_and(|e| e.detail.contains("No space left on device")
            && e.problem == crate::files::WriteProblem::DiskFull),
        "{err:?}"
    );
    // The binary spool writes its header at once: a full disk fails at the start.
    assert!(Spool::binary_at(Path::new("/dev/full"), Encoding::UTF_8, None).is_err());
}

#[test]
fn orphans_are_files_of_dead_processes() {
    let dir = tempfile::tempdir().unwrap();
    // pid 0 never names a user process, and u32::MAX is never alive.
    std::fs::write(
        dir.path()
            .join(format!("spool-{}-tcp-client-1.jsonl", u32::MAX)),
        "{}\n",
    )
    .unwrap();
    let mine = Spool::in_dir(dir.path(), "udp-send", Encoding::UTF_8).unwrap();
    std::fs::write(
        dir.path()
            .join(format!("spool-{}-udp-recv-2.stspool", u32::MAX)),
        crate::log::spool_format::MAGIC,
    )
    .unwrap();
    std::fs::write(dir.path().join("other.jsonl"), "").unwrap();
    std::fs::write(dir.path().join("other.stspool"), "").unwrap();
    let o = orphans(dir.path());
    assert_eq!(o.len(), 2, "{o:?}");
    assert!(o[0].to_string_lossy().contains("tcp-client"));
    assert!(o[1].to_string_lossy().ends_with("udp-recv-2.stspool"));
    drop(mine);
}
