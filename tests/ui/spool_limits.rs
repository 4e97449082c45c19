//! Recording stops cleanly, never silently: at the cap on all spools together, and when
//! the disk is full. The sessions keep running, the view keeps working, nothing already
//! on disk is damaged, and Save log… exports what was saved and says what is missing.

use crate::support as common;
use crate::support::ui as support;

use socket_tester::i18n::Lang;
use socket_tester::net::{Role, SessionConfig};
use socket_tester::session::{Control, SpoolBudget, WriterFailure};
use socket_tester::ui::{App, ClassroomSettings, Persisted};
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The spool file in `dir` (the only one).
fn spool_in(dir: &Path) -> PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("spool-"))
        .expect("a spool file")
}

fn sync(rt: &socket_tester::session::Runtime) {
    let (tx, rx) = crossbeam_channel::bounded(1);
    rt.send(Control::SyncSpool(tx));
    let _ = rx.recv_timeout(Duration::from_secs(30));
}

#[test]
fn the_spool_cap_stops_recording_and_drops_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let rt = common::runtime(Role::UdpReceiver, Some(dir.path()));
    let budget = SpoolBudget::new(256 << 10);
    rt.send(Control::SetSpoolBudget(budget.clone()));
    let addr = common::bound_udp_receiver(&rt, None);
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    let payload = vec![b'x'; 1024];
    let deadline = Instant::now() + Duration::from_secs(60);
    let stopped = loop {
        for _ in 0..20 {
            peer.send_to(&payload, addr).unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
        let st = rt.status();
        if let Some(e) = st.spool_error.clone() {
            break (st, e);
        }
        assert!(Instant::now() < deadline, "the cap never stopped recording");
    };
    let (st, err) = stopped;
    assert_eq!(err.what, WriterFailure::CapReached(256 << 10), "{err:?}");
    assert!(budget.used() >= 256 << 10);
    // Everything handed to the spool before the stop is on disk, intact.
    sync(&rt);
    let spool = spool_in(dir.path());
    let on_disk = socket_tester::log::input::count_events(&spool).unwrap();
    let spooled = rt.status().spooled;
    assert_eq!(
        on_disk, spooled,
        "every event handed to the spool was written"
    );
    assert!(spooled >= st.spooled && spooled > 100);
    // The session runs on: new datagrams are seen, not spooled.
    let rx_before = rt.view().store.counters.rx_msgs;
    for _ in 0..50 {
        peer.send_to(b"after the cap", addr).unwrap();
    }
    common::wait_runtime(&rt, "datagrams after the cap", |_, rx| rx >= rx_before + 50);
    assert_eq!(
        rt.status().spooled,
        spooled,
        "nothing more went to the spool"
    );
    assert_eq!(
        socket_tester::log::input::count_events(&spool).unwrap(),
        on_disk,
        "nothing on disk was dropped or added"
    );
    // Clear empties the spool: it is under the cap again and recording goes on.
    rt.send(Control::Clear);
    common::wait_runtime(&rt, "recording again", |st, _| st.spool_error.is_none());
    for _ in 0..10 {
        peer.send_to(b"recording again", addr).unwrap();
    }
    common::wait_runtime(&rt, "spooled again", |st, _| st.spooled >= 10);
}

/// A small tmpfs mounted for the test (root only); unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().ok()?;
        let ok = std::process::Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir.path())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

#[test]
fn a_full_disk_stops_recording_and_keeps_the_window_working() {
    let Some(disk) = SmallDisk::mount("256k") else {
        eprintln!("skipped: cannot mount a small tmpfs here (needs root)");
        return;
    };
    // Something already on the disk that must not be damaged.
    let precious = disk.path().join("precious.bin");
    let bytes: Vec<u8> = (0..40_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&precious, &bytes).unwrap();

    let persisted = Persisted {
        classroom: ClassroomSettings {
            lang: Some(Lang::Zh),
            ..ClassroomSettings::default()
        },
        ..Persisted::default()
    };
    let app = App::new(Some(persisted), None).with_data_dir(disk.path());
    let mut h = support::harness(app);
    support::settle(&mut h);
    let notify = h.state().notifier();
    h.state_mut().tab = Role::UdpReceiver;
    h.state_mut()
        .panel_mut(Role::UdpReceiver)
        .start(SessionConfig::new(Role::UdpReceiver, "127.0.0.1:0"), notify);
    support::wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpReceiver).st.local.is_some()
    });
    let addr = h.state().panel(Role::UdpReceiver).st.local.unwrap();
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    let payload = vec![b'y'; 1000];
    let deadline = Instant::now() + Duration::from_secs(60);
    while h.state().panel(Role::UdpReceiver).st.spool_error.is_none() {
        for _ in 0..20 {
            peer.send_to(&payload, addr).unwrap();
        }
        h.step();
        std::thread::sleep(Duration::from_millis(5));
        assert!(
            Instant::now() < deadline,
            "a full disk never stopped recording"
        );
    }
    support::settle(&mut h);
    let p = h.state().panel(Role::UdpReceiver);
    let err = p.st.spool_error.clone().unwrap();
    assert_eq!(err.what, WriterFailure::Stopped, "{err:?}");
    // The status line says so, in the window's language.
    let (held, is_err) = p.held_text();
    assert!(is_err, "{held}");
    // Why, and how much of the log is on disk (issue 23).
    assert!(held.contains("日志的磁盘副本已停止"), "{held}");
    assert!(held.contains("磁盘已满"), "{held}");
    assert!(held.contains("个事件"), "{held}");

    // The session and the window keep working.
    let rx_before = p.view().store.counters.rx_msgs;
    for _ in 0..30 {
        peer.send_to(b"still here", addr).unwrap();
    }
    support::wait_for(&mut h, "datagrams after the disk filled", |a| {
        a.panel(Role::UdpReceiver).view().store.counters.rx_msgs >= rx_before + 30
    });
    assert!(support::has_row(h.state(), Role::UdpReceiver, "still here"));

    // Save log… exports what was saved, then what memory holds after it, and says so.
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("saved.jsonl");
    let ctx = h.ctx.clone();
    h.state_mut()
        .panel_mut(Role::UdpReceiver)
        .save_log_to(out.clone(), &ctx);
    support::wait_for(&mut h, "the save", |a| {
        a.panel(Role::UdpReceiver)
            .notice
            .as_ref()
            .is_some_and(|(m, _)| m.contains("磁盘副本"))
    });
    let (msg, _) = h.state().panel(Role::UdpReceiver).notice.clone().unwrap();
    let text = std::fs::read_to_string(&out).unwrap();
    let lines = text.lines().count();
    let spooled = h.state().panel(Role::UdpReceiver).st.spooled;
    assert!(
        lines as u64 > spooled / 2,
        "{lines} events saved, {spooled} spooled: {msg}"
    );
    assert!(
        text.contains("still here"),
        "the rows after the stop are saved too"
    );
    // Nothing already on disk was damaged.
    assert_eq!(std::fs::read(&precious).unwrap(), bytes);
    h.state_mut().panel_mut(Role::UdpReceiver).shutdown();
}
