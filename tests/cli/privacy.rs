//! Captures stay private (Linux/Unix): the modes on disk of the data directory, a spool a
//! real session writes, a `--record` file and every export of the real binary, saved
//! payloads and presets — all made with umask 000, so a permissive umask cannot loosen
//! them. Files 0600, folders 0700; a data directory open to others is tightened.
#![cfg(unix)]

use socket_tester::log::export::Format;
use socket_tester::net::Role;
use std::io::{BufRead, BufReader};
use std::net::UdpSocket;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::support as common;

/// Where the child run (below) works; set only by the parent test.
const CHILD_DIR: &str = "SOCKET_TESTER_PRIVACY_CHILD_DIR";

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .permissions()
        .mode()
        & 0o7777
}

/// `program args…` run by `sh` after `umask 000`.
fn with_umask_000(program: &Path, args: &[&str]) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg("umask 000; exec \"$0\" \"$@\"")
        .arg(program)
        .args(args);
    c
}

fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_socket-tester"))
}

/// Run by the parent test in a child process whose umask is 000 (a test binary cannot
/// change the umask of its own process without racing the other tests): a UDP receiver
/// session spooling into a new data directory and into an existing one left at 0755,
/// against a real loopback peer; then saved payloads and a preset. Skips itself when
/// run any other way.
#[test]
#[ignore = "run by a_spool_the_data_dir_payloads_and_presets_are_private_with_umask_000"]
fn child_writes_with_umask_000() {
    let Some(base) = std::env::var_os(CHILD_DIR).map(PathBuf::from) else {
        eprintln!("skipped: only run by the parent test, in a process with umask 000");
        return;
    };
    let loose = base.join("loose");
    std::fs::create_dir(&loose).unwrap();
    std::fs::set_permissions(&loose, std::fs::Permissions::from_mode(0o755)).unwrap();
    for dir in [base.join("new/data"), loose] {
        let mut rt = common::runtime(Role::UdpReceiver, Some(&dir));
        let to = common::bound_udp_receiver(&rt, None);
        UdpSocket::bind("127.0.0.1:0")
            .unwrap()
            .send_to(b"password=hunter2", to)
            .unwrap();
        let st = common::wait_runtime(&rt, "the datagram on disk", |st, _| {
            st.spool_written >= 2 && st.unsaved() == 0
        });
        let spool = st.spool_path.clone().expect("a spool");
        assert_eq!(spool.parent(), Some(dir.as_path()));
        // Copies of what was seen, for the parent to check after this process is gone
        // (a spool is deleted when its session ends).
        let m = format!("{:o} {:o}\n", mode(&dir), mode(&spool));
        std::fs::write(
            base.join(format!(
                "seen-{}",
                dir.file_name().unwrap().to_string_lossy()
            )),
            m,
        )
        .unwrap();
        rt.shutdown();
    }
    let payloads = [socket_tester::ui::SavedPayload {
        name: "login".into(),
        ..Default::default()
    }];
    socket_tester::ui::export_payloads(&base.join("payloads.json"), &payloads).unwrap();
    let app = socket_tester::ui::App::new(None, None);
    socket_tester::ui::save_preset(&app.preset(), &base.join("lab.toml")).unwrap();
    socket_tester::files::private::secure_settings_file(&base.join("settings/app.ron")).unwrap();
}

#[test]
fn a_spool_the_data_dir_payloads_and_presets_are_private_with_umask_000() {
    let t = tempfile::tempdir().unwrap();
    let me = std::env::current_exe().unwrap();
    let child = crate::test_path!("child_writes_with_umask_000");
    let out = with_umask_000(
        &me,
        &[
            "--exact",
            &child,
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ],
    )
    .env(CHILD_DIR, t.path())
    .output()
    .unwrap();
    let log =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed: {log}");
    assert!(log.contains("1 passed"), "the child ran: {log}");
    // The data directory, new (and its new parent) or tightened, and the spool in it.
    assert_eq!(
        std::fs::read_to_string(t.path().join("seen-data")).unwrap(),
        "700 600\n"
    );
    assert_eq!(
        std::fs::read_to_string(t.path().join("seen-loose")).unwrap(),
        "700 600\n"
    );
    assert_eq!(mode(&t.path().join("new")), 0o700);
    assert_eq!(mode(&t.path().join("new/data")), 0o700);
    assert_eq!(mode(&t.path().join("loose")), 0o700);
    for f in ["payloads.json", "lab.toml", "settings/app.ron"] {
        assert_eq!(mode(&t.path().join(f)), 0o600, "{f}");
    }
    assert_eq!(mode(&t.path().join("settings")), 0o700);
}

/// `--record` from the real binary (into a folder it has to make) and every export
/// format of `socket-tester export`, all with umask 000.
#[test]
fn record_and_every_export_of_the_binary_are_private_with_umask_000() {
    let t = tempfile::tempdir().unwrap();
    let rec = t.path().join("made/by/record/rec.jsonl");
    let mut child = with_umask_000(
        bin(),
        &[
            "udp-recv",
            "--bind",
            "127.0.0.1:0",
            "--headless",
            "--duration",
            "2s",
            "--record",
            rec.to_str().unwrap(),
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let bound = lines
        .by_ref()
        .map_while(Result::ok)
        .find(|l| l.contains("bound"))
        .expect("a bound line");
    let at = bound.find("local=").expect("local=") + "local=".len();
    let to: std::net::SocketAddr = bound[at..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .send_to(b"token=abc123", to)
        .unwrap();
    let rx = lines.map_while(Result::ok).find(|l| l.contains(" rx "));
    assert!(rx.is_some_and(|l| l.contains("token=abc123")));
    assert!(child.wait().unwrap().success());
    assert_eq!(mode(&rec), 0o600, "--record");
    for d in ["made", "made/by", "made/by/record"] {
        assert_eq!(mode(&t.path().join(d)), 0o700, "{d}, made for --record");
    }
    for f in Format::ALL {
        let out = t.path().join(format!("out.{}", f.extension()));
        common::run_export(with_umask_000(bin(), &[]), &rec, &out);
        assert!(std::fs::metadata(&out).unwrap().len() > 0);
        assert_eq!(mode(&out), 0o600, "export to {f:?}");
    }
}
