//! Binary template fields and the checksum check, through the built binary against
//! Python peers on loopback (OS-assigned ports): a Modbus/TCP-like device reads two
//! requests whose transaction ids come from `{seq:u16be}` and whose length and CRC are
//! filled in by the template, byte for byte; a receiver with `--check-sum` marks the one
//! datagram of two whose CRC is wrong and counts both; bad specs exit 2 naming the token.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_socket-tester"))
}

/// The lines of a child's stdout, as they come.
fn lines(child: &mut Child) -> mpsc::Receiver<String> {
    let out = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

fn next_line(rx: &mpsc::Receiver<String>, what: &str) -> String {
    rx.recv_timeout(Duration::from_secs(15))
        .unwrap_or_else(|e| panic!("no {what} line: {e}"))
}

fn wait_exit(child: &mut Child) -> i32 {
    for _ in 0..400 {
        if let Some(st) = child.try_wait().unwrap() {
            return st.code().unwrap_or(-1);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("process did not exit in 20 s");
}

fn python(script: &str) -> Option<Child> {
    Command::new("python3")
        .args(["-c", script])
        .stdout(Stdio::piped())
        .spawn()
        .ok()
}

/// A Modbus/TCP-like device: reads two requests (MBAP header, then `length` bytes), checks
/// each one's CRC-16/MODBUS (its own implementation, over the PDU, low byte first at the
/// end), prints them, and answers each with its transaction id.
const DEVICE: &str = r#"
import socket, sys
def crc16_modbus(data):
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc
def read_exact(c, n):
    b = b""
    while len(b) < n:
        chunk = c.recv(n - len(b))
        if not chunk:
            raise SystemExit("peer closed early")
        b += chunk
    return b
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
print(s.getsockname()[1], flush=True)
c, _ = s.accept()
for _ in range(2):
    head = read_exact(c, 6)
    body = read_exact(c, int.from_bytes(head[4:6], "big"))
    frame = head + body
    ok = crc16_modbus(frame[6:-2]) == int.from_bytes(frame[-2:], "little")
    print("FRAME", frame.hex(), "crc=ok" if ok else "crc=bad", flush=True)
    c.sendall(frame[0:2] + bytes.fromhex("0000 0005 01 03 02 002a"))
c.close()
"#;

#[test]
fn modbus_ids_length_and_crc_reach_a_python_device_byte_for_byte() {
    let Some(mut py) = python(DEVICE) else {
        eprintln!("skipped: python3 is not installed");
        return;
    };
    let py_out = lines(&mut py);
    let port = next_line(&py_out, "port");
    let mut st = bin()
        .args([
            "tcp-client",
            "--connect",
            &format!("127.0.0.1:{}", port.trim()),
            "--hex",
            "--template",
            "--send",
            "{seq:u16be} 00 00 {len:u16be:after} 01 03 00 00 00 0a {crc16-modbus:le:6..-2}",
            "--every",
            "200ms",
            "--count",
            "2",
            "--headless",
            "--duration",
            "10s",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start socket-tester");
    let st_out = lines(&mut st);
    // CRC-16/MODBUS of 01 03 00 00 00 0A is C5 CD on the wire; the length after the field
    // counts the unit id, the PDU and the CRC (8).
    assert_eq!(
        next_line(&py_out, "first frame"),
        "FRAME 00010000000801030000000ac5cd crc=ok"
    );
    assert_eq!(
        next_line(&py_out, "second frame"),
        "FRAME 00020000000801030000000ac5cd crc=ok"
    );
    assert_eq!(wait_exit(&mut py), 0);
    let code = wait_exit(&mut st);
    // It has exited: every line it printed, up to the end of its stdout.
    let out: Vec<String> = st_out.iter().collect();
    assert_eq!(code, 0, "{out:#?}");
    // The device's answers carry the ids back (TCP may join them into one chunk).
    let rx: String = out.iter().filter(|l| l.contains(" rx ")).cloned().collect();
    assert!(rx.contains("000100000005010302002a"), "{out:#?}");
    assert!(rx.contains("000200000005010302002a"), "{out:#?}");
}

/// Sends one datagram with a right CRC-16/MODBUS and one with a wrong one.
const SENDER: &str = r#"
import socket, sys, time
port = int(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(bytes.fromhex("01030000000ac5cd"), ("127.0.0.1", port))
time.sleep(0.05)
s.sendto(bytes.fromhex("01030000000ac5ce"), ("127.0.0.1", port))
print("sent", flush=True)
"#;

#[test]
fn a_wrong_checksum_is_marked_on_its_row_and_counted() {
    let mut rcv = bin()
        .args([
            "udp-recv",
            "--bind",
            "127.0.0.1:0",
            "--hex",
            "--check-sum",
            "crc16-modbus:le",
            "--headless",
            "--duration",
            "3s",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start socket-tester");
    let out = lines(&mut rcv);
    let bound = next_line(&out, "bound");
    let at = bound.find("local=").expect("local= in the first line") + "local=".len();
    let addr: std::net::SocketAddr = bound[at..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let Ok(mut py) = Command::new("python3")
        .args(["-c", SENDER, &addr.port().to_string()])
        .stdout(Stdio::piped())
        .spawn()
    else {
        let _ = rcv.kill();
        eprintln!("skipped: python3 is not installed");
        return;
    };
    assert_eq!(wait_exit(&mut py), 0);
    // A wrong checksum is a check that failed: exit 1.
    assert_eq!(wait_exit(&mut rcv), 1);
    // It has exited: every line it printed, up to the end of its stdout (the reader thread
    // may still be passing on the last ones).
    let all: Vec<String> = out.iter().collect();
    let rx: Vec<&String> = all.iter().filter(|l| l.contains(" rx ")).collect();
    assert_eq!(rx.len(), 2, "{all:#?}");
    assert!(!rx[0].contains("checksum"), "{}", rx[0]);
    assert!(
        rx[1].ends_with("[checksum wrong: got 0xCEC5, expected 0xCDC5]"),
        "{}",
        rx[1]
    );
    let marked = all.iter().filter(|l| l.contains("checksum wrong")).count();
    assert_eq!(marked, 1, "{all:#?}");
    assert!(
        all.iter().any(|l| l == "checksum: 1 ok, 1 wrong"),
        "{all:#?}"
    );
}

#[test]
fn bad_fields_and_specs_exit_2_naming_the_token() {
    let run = |args: &[&str]| {
        let o = bin().args(args).output().expect("run socket-tester");
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, err) = run(&[
        "udp-recv",
        "--bind",
        "127.0.0.1:0",
        "--check-sum",
        "crc16-modbus:big",
        "--headless",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("\"big\" is not a checksum option"), "{err}");
    let (code, err) = run(&[
        "udp-send",
        "--to",
        "127.0.0.1:9",
        "--template",
        "--hex",
        "--send",
        "00 {seq:u24}",
        "--headless",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("\"u24\" is not a binary width"), "{err}");
    let (code, err) = run(&[
        "udp-send",
        "--to",
        "127.0.0.1:9",
        "--template",
        "--send",
        "ab{crc32:0..x}",
        "--headless",
    ]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("\"0..x\" is not a byte range"), "{err}");
}

#[test]
fn a_sequence_sends_a_hex_template_with_binary_fields() {
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = sock.local_addr().unwrap().port();
    let (tx, got) = mpsc::channel();
    std::thread::spawn(move || {
        let mut b = [0u8; 512];
        while let Ok((n, from)) = sock.recv_from(&mut b) {
            let _ = tx.send(b[..n].to_vec());
            let _ = sock.send_to(&b[..n], from);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let seq = dir.path().join("modbus.toml");
    // One send step in a repeat: its {seq} counts its own sends, 1 then 2.
    std::fs::write(
        &seq,
        format!(
            r#"protocol = "udp"
to = "127.0.0.1:{port}"
[[step]]
repeat = 2
steps = [ {{ send = "{{seq:u16be}} 01 03 00 00 00 0a {{crc16-modbus:2..-2}}", hex = true, template = true }}, {{ expect_hex = "01 03 00 00" }} ]
"#
        ),
    )
    .unwrap();
    let out = bin().arg("run").arg(&seq).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    let sent: Vec<Vec<u8>> = got.try_iter().collect();
    assert_eq!(
        sent,
        vec![
            vec![0, 1, 1, 3, 0, 0, 0, 0x0a, 0xc5, 0xcd],
            vec![0, 2, 1, 3, 0, 0, 0, 0x0a, 0xc5, 0xcd],
        ]
    );
}
