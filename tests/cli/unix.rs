//! Unix domain sockets on the command line (`--connect`, `--listen`, `--to`, `--bind`
//! with `unix:/path`), against socat and Python's AF_UNIX sockets in a temp folder.
#![cfg(unix)]

use crate::support::cli::{bin, spawn};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn unix(p: &Path) -> String {
    format!("unix:{}", p.display())
}

fn wait_path(path: &Path) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !path.exists() {
        assert!(
            Instant::now() < deadline,
            "{} never appeared",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// True when the program runs: `prog` with an argument that only prints its version
/// (socat: -V; tshark: --version, as its -V would capture).
fn have(prog: &str) -> bool {
    let arg = if prog == "socat" { "-V" } else { "--version" };
    Command::new(prog)
        .arg(arg)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

#[test]
fn tcp_client_expects_an_echo_from_socat_unix_listen() {
    if !have("socat") {
        eprintln!("skipped: socat is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("echo.sock");
    let mut socat = Command::new("socat")
        .args([&format!("UNIX-LISTEN:{}", path.display()), "PIPE"])
        .spawn()
        .unwrap();
    wait_path(&path);
    let o = bin()
        .args(["tcp-client", "--connect", &unix(&path), "--headless"])
        .args(["--send", "ping", "--expect", "ping", "--count", "1"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("expect: PASS 1/1 passed"), "{out}");
    assert!(
        out.contains(&format!("connected to {}", unix(&path))),
        "{out}"
    );
    let _ = socat.kill();
    let _ = socat.wait();
}

#[test]
fn tcp_server_on_a_unix_path_answers_python_and_records_pcapng_names() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("srv.sock");
    let pcap = dir.path().join("srv.pcapng");
    let (mut child, rx) = spawn(&[
        "tcp-server",
        "--listen",
        &unix(&path),
        "--reply",
        "pong",
        "--headless",
        "--duration",
        "10s",
        "--record",
        pcap.to_str().unwrap(),
    ]);
    let line = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(line.contains(&format!("local={}", unix(&path))), "{line}");
    let py = Command::new("python3")
        .args([
            "-c",
            "import socket,sys\ns=socket.socket(socket.AF_UNIX)\ns.connect(sys.argv[1])\ns.settimeout(5)\ns.sendall(b'ping')\nprint(s.recv(100).decode(),flush=True)",
            path.to_str().unwrap(),
        ])
        .output();
    let Ok(py) = py else {
        let _ = child.kill();
        eprintln!("skipped: python3 is not installed");
        return;
    };
    assert_eq!(String::from_utf8_lossy(&py.stdout).trim(), "pong");
    let mut lines = Vec::new();
    while let Ok(l) = rx.recv_timeout(Duration::from_secs(5)) {
        let done = l.starts_with("20") && l.contains(" tx ");
        lines.push(l);
        if done {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let all = lines.join("\n");
    assert!(all.contains("accepted   unix:(unnamed"), "{all}");
    assert!(all.contains("program python"), "credentials: {all}");
    // tshark reads the pcapng (raw IP) and shows each end by its unix name.
    if have("tshark") {
        let t = Command::new("tshark")
            .args(["-r", pcap.to_str().unwrap(), "-N", "n"])
            .output()
            .unwrap();
        let t = String::from_utf8_lossy(&t.stdout);
        assert!(t.contains(&unix(&path)), "tshark: {t}");
        assert!(t.contains("Len=4"), "the ping and pong segments: {t}");
    }
}

#[test]
fn udp_send_binds_its_path_and_reads_socat_recvfrom_reply() {
    if !have("socat") {
        eprintln!("skipped: socat is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let peer = dir.path().join("peer.sock");
    let me = dir.path().join("me.sock");
    let mut socat = Command::new("socat")
        .args([
            &format!("UNIX-RECVFROM:{}", peer.display()),
            "SYSTEM:read x; echo ack",
        ])
        .spawn()
        .unwrap();
    wait_path(&peer);
    let o = bin()
        .args(["udp-send", "--to", &unix(&peer), "--bind", &unix(&me)])
        .args([
            "--send",
            "hi\n",
            "--expect",
            "ack",
            "--count",
            "1",
            "--headless",
        ])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(
        out.contains(&format!("rx         {} 4 ack", unix(&peer))),
        "{out}"
    );
    let _ = socat.kill();
    let _ = socat.wait();
}

#[test]
fn udp_recv_on_a_unix_path_replies_to_socat_sendto_and_python() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("recv.sock");
    let client = dir.path().join("client.sock");
    let rec = dir.path().join("recv.jsonl");
    let (mut child, rx) = spawn(&[
        "udp-recv",
        "--bind",
        &unix(&path),
        "--reply",
        "ok",
        "--headless",
        "--duration",
        "10s",
        "--record",
        rec.to_str().unwrap(),
    ]);
    let line = rx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(line.contains("bound"), "{line}");
    if have("socat") {
        let mut s = Command::new("socat")
            .args(["-u", "-", &format!("UNIX-SENDTO:{}", path.display())])
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        s.stdin.as_mut().unwrap().write_all(b"from socat").unwrap();
        drop(s.stdin.take());
        let _ = s.wait();
        let l = rx.recv_timeout(Duration::from_secs(10)).unwrap();
        assert!(l.contains("rx         unix:(unnamed) 10 from socat"), "{l}");
    }
    let py = Command::new("python3")
        .args([
            "-c",
            "import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\ns.settimeout(5)\ns.sendto(b'hey',sys.argv[2])\nprint(s.recv(100).decode(),flush=True)",
            client.to_str().unwrap(),
            path.to_str().unwrap(),
        ])
        .output();
    let _ = child.kill();
    let _ = child.wait();
    let Ok(py) = py else {
        eprintln!("skipped the rest: python3 is not installed");
        return;
    };
    assert_eq!(String::from_utf8_lossy(&py.stdout).trim(), "ok");
    // The record names the unix ends, and an export made from it by a new process too.
    let text = std::fs::read_to_string(&rec).unwrap();
    let peer = format!("\"peer\":\"{}\"", unix(&client));
    assert!(text.contains(&peer), "{text}");
    let csv = dir.path().join("recv.csv");
    let o = bin()
        .args([
            "export",
            rec.to_str().unwrap(),
            "--to",
            csv.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let csv = std::fs::read_to_string(&csv).unwrap();
    assert!(csv.contains(&unix(&client)) && csv.contains("hey"), "{csv}");
}

#[test]
fn bad_unix_addresses_are_usage_errors_and_a_regular_file_is_left_alone() {
    let o = bin()
        .args(["tcp-client", "--connect", "unix:", "--headless"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("write a socket path after unix:"), "{err}");
    let long = format!("unix:/{}", "x".repeat(300));
    let o = bin()
        .args(["udp-recv", "--bind", &long, "--headless"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("at most"));
    let o = bin()
        .args([
            "relay",
            "--listen",
            "unix:/tmp/r.sock",
            "--to",
            "127.0.0.1:1",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "the relay is TCP/UDP only");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("data.txt");
    std::fs::write(&file, "precious").unwrap();
    let o = bin()
        .args(["tcp-server", "--listen", &unix(&file), "--headless"])
        .args(["--duration", "5s"])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("a regular file is at that path, and it was left alone"),
        "{out}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "precious");
}

/// A unix stream client that half-closes right after its request (as `socat` does at the
/// end of its input) still gets `--reply`'s answer, then the server's FIN.
#[test]
fn a_unix_client_that_half_closes_gets_the_reply() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("half.sock");
    let (mut child, rx) = spawn(&[
        "tcp-server",
        "--listen",
        &unix(&path),
        "--reply",
        "pong",
        "--headless",
    ]);
    let _ = rx.recv_timeout(Duration::from_secs(10));
    wait_path(&path);
    for i in 0..10 {
        let mut s = std::os::unix::net::UnixStream::connect(&path).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        s.write_all(b"ping").unwrap();
        s.shutdown(std::net::Shutdown::Write).unwrap();
        let mut got = String::new();
        s.read_to_string(&mut got)
            .expect("the server's FIN after its reply");
        assert_eq!(got, "pong", "client {i}");
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// `kill` (SIGTERM) ends a headless server as Ctrl-C does: it stops, and the socket file it
/// made is gone.
#[test]
fn sigterm_ends_a_unix_server_and_removes_its_socket_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("term.sock");
    let (mut child, _rx) = spawn(&["tcp-server", "--listen", &unix(&path), "--headless"]);
    wait_path(&path);
    // SIGTERM, as `kill PID` sends.
    let pid = i32::try_from(child.id()).expect("a pid");
    // SAFETY: kill(2) on the child this test started; no memory is involved.
    let r = unsafe { libc::kill(pid, libc::SIGTERM) };
    assert_eq!(r, 0, "kill");
    let deadline = Instant::now() + Duration::from_secs(10);
    let code = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st.code();
        }
        assert!(Instant::now() < deadline, "it did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, Some(0), "SIGTERM is a normal stop");
    assert!(!path.exists(), "the socket file is removed");
}

/// A datagram socket's path as a stream server's: a regular file or a folder is left
/// alone and named, a missing folder is named, a socket another program has bound is left
/// alone, and a stale one (nobody has it bound) is removed and said so.
#[test]
fn udp_recv_names_what_is_at_its_path_and_clears_only_a_stale_socket() {
    let dir = tempfile::tempdir().unwrap();
    let run = |path: &Path| {
        let o = bin()
            .args(["udp-recv", "--bind", &unix(path), "--headless"])
            .args(["--duration", "300ms"])
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };
    let file = dir.path().join("data.txt");
    std::fs::write(&file, "precious").unwrap();
    let (code, out) = run(&file);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("cannot bind"), "{out}");
    assert!(
        out.contains("a regular file is at that path, and it was left alone"),
        "{out}"
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "precious");

    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).unwrap();
    let (code, out) = run(&folder);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("a folder is at that path"), "{out}");
    assert!(folder.is_dir());

    let missing = dir.path().join("no-such-folder").join("x.sock");
    let (code, out) = run(&missing);
    assert_eq!(code, Some(1), "{out}");
    let want = format!(
        "the folder {} does not exist",
        missing.parent().unwrap().display()
    );
    assert!(out.contains(&want), "{out}");

    // Bound by another program (held here while the receiver tries).
    let live = dir.path().join("live.sock");
    let _held = std::os::unix::net::UnixDatagram::bind(&live).unwrap();
    let (code, out) = run(&live);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("another program is bound to that socket"),
        "{out}"
    );
    assert!(live.exists());

    // A stream socket listening there (the other type): in use, named, left alone.
    let stream = dir.path().join("stream.sock");
    let _listening = std::os::unix::net::UnixListener::bind(&stream).unwrap();
    let (code, out) = run(&stream);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("a socket of the other type there"), "{out}");
    assert!(stream.exists());

    // Left by a program that ended: removed, and the receiver binds.
    let stale = dir.path().join("stale.sock");
    drop(std::os::unix::net::UnixDatagram::bind(&stale).unwrap());
    assert!(stale.exists());
    let (code, out) = run(&stale);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("Removed the stale socket file"), "{out}");
    assert!(out.contains("bound"), "{out}");
}
