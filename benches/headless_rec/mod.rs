//! The `headless` group: `headless_record_binary`, the case issue 23 reported. 512 MiB of
//! bytes 00–FF (a repeating pattern, in 64 KiB writes) streamed into the release binary's
//! `tcp-server --headless --record FILE` (a process of its own), stdout redirected to a
//! file. Timed from the connect to the record holding the peer's close (after every byte)
//! and the process having exited on Ctrl-C (SIGINT, sent once the record is complete).
//! Its baseline is the window's `gui_tcp_recorded` in the same run (the gui group; goal
//! ≥ 0.8 of it), or the bare `tcp_baseline` read loop when the gui group did not run.

use std::io::{Read, Seek, SeekFrom, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one run measured.
pub struct RecordRun {
    pub mib_s: f64,
    pub secs: f64,
    pub recorded: u64,
    pub stdout_bytes: u64,
    pub rows_not_shown: u64,
}

fn file_len(p: &Path) -> u64 {
    std::fs::metadata(p).map_or(0, |m| m.len())
}

/// The last `n` bytes of a file, as text.
fn tail(p: &Path, n: u64) -> String {
    let Ok(mut f) = std::fs::File::open(p) else {
        return String::new();
    };
    let len = f.metadata().map_or(0, |m| m.len());
    let _ = f.seek(SeekFrom::Start(len.saturating_sub(n)));
    let mut buf = Vec::new();
    let _ = f.read_to_end(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// The sum of the rx events' `len` in a JSON Lines record (a string scan).
fn recorded_rx(p: &Path) -> u64 {
    let Ok(text) = std::fs::read_to_string(p) else {
        return 0;
    };
    text.lines()
        .filter(|l| l.contains("\"event\":\"rx\""))
        .filter_map(|l| {
            let at = l.find("\"len\":")? + 6;
            let end = l[at..].find(|c: char| !c.is_ascii_digit())? + at;
            l[at..end].parse::<u64>().ok()
        })
        .sum()
}

/// The "… N rows not shown (stdout was slow)" lines' N, summed.
fn rows_not_shown(p: &Path) -> u64 {
    let Ok(text) = std::fs::read_to_string(p) else {
        return 0;
    };
    text.lines()
        .filter(|l| l.ends_with(" rows not shown (stdout was slow)"))
        .filter_map(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        .sum()
}

/// Runs the figure once with `extra` flags (none: the default preview rows).
pub fn run(exe: &Path, total: u64, extra: &[&str]) -> Result<RecordRun, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let rec = dir.path().join("record.jsonl");
    let out = dir.path().join("stdout.txt");
    let stdout = std::fs::File::create(&out).map_err(|e| e.to_string())?;
    let mut child = Command::new(exe)
        .args([
            "tcp-server",
            "--listen",
            "127.0.0.1:0",
            "--headless",
            "--record",
        ])
        .arg(&rec)
        .args(extra)
        .env("SOCKET_TESTER_DATA_DIR", dir.path())
        .env_remove("DISPLAY")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", exe.display()))?;
    let result = measure(&mut child, &rec, &out, total);
    let _ = child.kill();
    let _ = child.wait();
    result
}

fn measure(
    child: &mut std::process::Child,
    rec: &Path,
    out: &Path,
    total: u64,
) -> Result<RecordRun, String> {
    let ready = Instant::now() + Duration::from_secs(20);
    let addr = loop {
        let text = std::fs::read_to_string(out).unwrap_or_default();
        if let Some(a) = text
            .lines()
            .filter(|l| l.contains("listening"))
            .find_map(|l| l.split_whitespace().find_map(|w| w.strip_prefix("local=")))
        {
            break a.to_string();
        }
        if Instant::now() > ready {
            return Err("the server did not say it was listening".into());
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let block: Vec<u8> = (0..=255u8).cycle().take(64 << 10).collect();
    let t0 = Instant::now();
    let mut s = TcpStream::connect(&addr).map_err(|e| e.to_string())?;
    let mut sent = 0u64;
    while sent < total {
        let n = (block.len() as u64).min(total - sent) as usize;
        s.write_all(&block[..n]).map_err(|e| e.to_string())?;
        sent += n as u64;
    }
    drop(s);
    let limit = t0 + Duration::from_secs(600);
    while !tail(rec, 4096).contains("\"event\":\"closed\"") {
        if Instant::now() > limit {
            return Err(format!(
                "the record did not get the close in 600 s ({} bytes)",
                file_len(rec)
            ));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let pid = i32::try_from(child.id()).map_err(|e| e.to_string())?;
    // SAFETY: kill(2) on the child this function started and has not reaped.
    unsafe { libc::kill(pid, libc::SIGINT) };
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        if Instant::now() > limit {
            return Err("the server did not exit on SIGINT".into());
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let secs = t0.elapsed().as_secs_f64();
    let recorded = recorded_rx(rec);
    if recorded != total {
        return Err(format!("the record holds {recorded} of {total} bytes"));
    }
    Ok(RecordRun {
        mib_s: total as f64 / secs / (1 << 20) as f64,
        secs,
        recorded,
        stdout_bytes: file_len(out),
        rows_not_shown: rows_not_shown(out),
    })
}
