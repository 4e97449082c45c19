//! Headless stdout keeps up (issue 23): a data row shows its first 256 bytes and
//! "… (N more bytes)", `--full` shows all, `--quiet` only state changes and a summary; a
//! stdout nobody reads does not hold up receiving or the `--record` file (rows are dropped
//! and said to be), and a stdout closed early (`| head -1`) is not a panic. The built
//! binary against std::net peers on loopback.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, UdpSocket};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_socket-tester"))
}

fn spawn(args: &[&str]) -> (Child, BufReader<ChildStdout>) {
    let mut child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start socket-tester");
    let out = BufReader::new(child.stdout.take().expect("stdout"));
    (child, out)
}

/// Reads stdout lines until one contains `needle`; returns it.
fn line_with(out: &mut BufReader<ChildStdout>, needle: &str) -> String {
    let mut line = String::new();
    loop {
        line.clear();
        let n = out.read_line(&mut line).expect("read stdout");
        assert!(n > 0, "stdout ended before a line with {needle:?}");
        if line.contains(needle) {
            return line.trim_end().to_string();
        }
    }
}

/// The port in "local=127.0.0.1:PORT".
fn local_port(line: &str) -> u16 {
    let at = line.find("local=").expect("local= in line") + "local=".len();
    let addr: std::net::SocketAddr = line[at..]
        .split_whitespace()
        .next()
        .and_then(|a| a.parse().ok())
        .expect("an address after local=");
    addr.port()
}

/// Ctrl-C, as a user stops a headless server.
fn interrupt(child: &Child) {
    let pid = i32::try_from(child.id()).expect("pid");
    // SAFETY: kill(2) with a pid this test started and still waits for.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
}

fn wait_exit(child: &mut Child, within: Duration) -> i32 {
    let end = Instant::now() + within;
    while Instant::now() < end {
        if let Some(st) = child.try_wait().expect("wait") {
            return st.code().unwrap_or(-1);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    panic!("socket-tester did not exit within {within:?}");
}

fn stderr_of(child: &mut Child) -> String {
    let mut s = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut s);
    }
    s
}

/// A UDP receiver prints one 1,000-byte datagram's row: `mode` as extra flags.
fn udp_row(mode: &[&str], payload: &[u8]) -> String {
    let mut args = vec!["udp-recv", "--bind", "127.0.0.1:0", "--headless"];
    args.extend_from_slice(mode);
    let (mut child, mut out) = spawn(&args);
    let port = local_port(&line_with(&mut out, "local="));
    let peer = UdpSocket::bind("127.0.0.1:0").unwrap();
    peer.send_to(payload, ("127.0.0.1", port)).unwrap();
    let row = line_with(&mut out, " rx ");
    interrupt(&child);
    assert_eq!(wait_exit(&mut child, Duration::from_secs(10)), 0);
    row
}

#[test]
fn a_long_row_shows_256_bytes_then_how_many_more_and_full_shows_all() {
    // 1,000 bytes: "0123456789" repeated, so where the cut falls is visible.
    let payload: Vec<u8> = (0..1000).map(|i| b'0' + (i % 10) as u8).collect();
    let text = String::from_utf8(payload.clone()).unwrap();
    let row = udp_row(&[], &payload);
    let want = format!(" 1000 {} … (744 more bytes)", &text[..256]);
    assert!(row.ends_with(&want), "preview row: {row}");
    assert!(
        !row.contains(&text[..257]),
        "more than 256 bytes shown: {row}"
    );

    let row = udp_row(&["--hex"], &payload);
    let hex: String = payload[..256].iter().map(|b| format!("{b:02x}")).collect();
    let want = format!(" 1000 {hex} {} … (744 more bytes)", &text[..256]);
    assert!(row.ends_with(&want), "--hex preview row: {row}");

    let row = udp_row(&["--full"], &payload);
    assert!(row.ends_with(&format!(" 1000 {text}")), "--full row: {row}");
    assert!(!row.contains("more bytes"), "--full row: {row}");

    // A short row is shown whole, as before.
    let row = udp_row(&[], b"short one");
    assert!(row.ends_with(" 9 short one"), "short row: {row}");
}

#[test]
fn full_and_quiet_together_exit_2_and_say_why() {
    let out = bin()
        .args(["udp-recv", "--bind", "127.0.0.1:0", "--headless"])
        .args(["--full", "--quiet"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--full") && err.contains("--quiet") && err.contains("cannot be used"),
        "{err}"
    );
}

#[test]
fn quiet_prints_state_changes_and_a_summary_with_the_byte_counts() {
    let (mut child, mut out) = spawn(&[
        "tcp-server",
        "--listen",
        "127.0.0.1:0",
        "--reply",
        "OK",
        "--headless",
        "--quiet",
    ]);
    let port = local_port(&line_with(&mut out, "listening"));
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    // Three requests, each answered before the next: 10 + 20 + 30 bytes in, 3 × 2 out.
    for n in [10usize, 20, 30] {
        s.write_all(&vec![b'q'; n]).unwrap();
        let mut ok = [0u8; 2];
        s.read_exact(&mut ok).unwrap();
        assert_eq!(&ok, b"OK");
    }
    drop(s);
    line_with(&mut out, "closed");
    interrupt(&child);
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert_eq!(wait_exit(&mut child, Duration::from_secs(10)), 0);
    for l in rest.lines() {
        let event = l.split_whitespace().nth(1);
        assert!(!matches!(event, Some("rx" | "tx")), "a data row: {l}");
    }
    assert!(rest.contains(" closed "), "{rest}");
    let summary = rest
        .lines()
        .find(|l| l.starts_with("summary: "))
        .unwrap_or_else(|| panic!("no summary in {rest}"));
    assert!(
        summary.contains("; rx 60 bytes in 3 events; tx 6 bytes in 3 events; "),
        "{summary}"
    );
    assert!(summary.ends_with(" s"), "{summary}");
}

/// Sums the `len` of the record's rx events (a string scan: the file is large).
fn recorded_rx_bytes(path: &Path) -> u64 {
    let text = std::fs::read_to_string(path).expect("record");
    text.lines()
        .filter(|l| l.contains("\"event\":\"rx\""))
        .map(|l| {
            let at = l.find("\"len\":").expect("len in an rx record") + 6;
            let digits: String = l[at..].chars().take_while(char::is_ascii_digit).collect();
            digits.parse::<u64>().expect("a length")
        })
        .sum()
}

/// True once the record holds the peer's close (written after every rx before it).
fn record_has_close(path: &Path) -> bool {
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let mut tail = Vec::new();
    use std::io::Seek;
    let _ = f.seek(std::io::SeekFrom::Start(len.saturating_sub(4096)));
    let _ = f.read_to_end(&mut tail);
    String::from_utf8_lossy(&tail).contains("\"event\":\"closed\"")
}

#[test]
fn a_stdout_nobody_reads_does_not_hold_up_the_record() {
    if !crate::support::alone(&crate::test_path!(
        "a_stdout_nobody_reads_does_not_hold_up_the_record"
    )) {
        return;
    }
    const TOTAL: usize = 50 << 20;
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("rec.jsonl");
    let (mut child, mut out) = spawn(&[
        "tcp-server",
        "--listen",
        "127.0.0.1:0",
        "--headless",
        "--record",
        rec.to_str().unwrap(),
    ]);
    let port = local_port(&line_with(&mut out, "listening"));
    // From here on stdout is not read until the record is complete.
    let peer = std::thread::spawn(move || {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        // Text (a–z): a debug build records binary bytes about 15 times slower.
        let block: Vec<u8> = (b'a'..=b'z').cycle().take(64 << 10).collect();
        let mut sent = 0;
        while sent < TOTAL {
            let n = block.len().min(TOTAL - sent);
            s.write_all(&block[..n]).unwrap();
            sent += n;
        }
        sent
    });
    std::thread::sleep(Duration::from_secs(2));
    let deadline = Instant::now() + Duration::from_secs(120);
    while !record_has_close(&rec) {
        assert!(
            Instant::now() < deadline,
            "the record did not get the whole stream while stdout was not read"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(peer.join().unwrap(), TOTAL);
    assert_eq!(recorded_rx_bytes(&rec), TOTAL as u64);
    interrupt(&child);
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert_eq!(wait_exit(&mut child, Duration::from_secs(30)), 0);
    let dropped = rest
        .lines()
        .find(|l| l.starts_with("… ") && l.ends_with(" rows not shown (stdout was slow)"))
        .unwrap_or_else(|| {
            panic!(
                "no \"rows not shown\" line in {} lines",
                rest.lines().count()
            )
        });
    let n: u64 = dropped
        .split_whitespace()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .expect("a count");
    assert!(n > 0, "{dropped}");
    // The close still came after it: state changes are never dropped.
    let at = rest.find(dropped).unwrap_or(0);
    assert!(rest[at..].contains(" closed "), "no close after {dropped}");
    assert!(!stderr_of(&mut child).contains("panicked"));
}

#[test]
fn a_stdout_closed_early_is_no_panic_and_the_exit_code_stands() {
    let sink = UdpSocket::bind("127.0.0.1:0").unwrap();
    let to = sink.local_addr().unwrap().to_string();
    let (mut child, mut out) = spawn(&[
        "udp-send",
        "--to",
        &to,
        "--send",
        "x",
        "--every",
        "10ms",
        "--count",
        "100",
        "--headless",
    ]);
    // `| head -1`: one line read, then the pipe closes while 100 sends are printed.
    line_with(&mut out, "");
    drop(out);
    assert_eq!(wait_exit(&mut child, Duration::from_secs(20)), 0);
    let err = stderr_of(&mut child);
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn bytes_that_are_not_text_print_as_what_they_are() {
    // 80 and FF are no UTF-8: each shown as its byte, not one U+FFFD for both; text and an
    // escape sequence (ESC) around them as before.
    let row = udp_row(&[], b"A\x80\xff\x1b[31m\xe6\x94\xb6");
    assert!(row.contains(r"A\x80\xff"), "{row}");
    assert!(row.ends_with("收"), "{row}");
    assert!(!row.contains('\u{fffd}'), "{row}");
    assert!(
        !row.contains('\x1b'),
        "no raw ESC reaches the terminal: {row}"
    );
}
