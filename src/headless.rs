//! Headless mode: run one session with no window, print each event as one line on stdout,
//! optionally record it, and stop on Ctrl-C, after `--duration`, or once the planned sends
//! are done and 1 s has passed quietly. Returns the process exit code.
//! With `--expect` it runs the tries, prints one line per try and a summary, and exits 0
//! only if every try passed.

use crate::codec::to_hex;
use crate::launch::Launch;
use crate::log::{Decoders, RecordWriter, record::format_ts, store::describe};
use crate::net::auto::Auto;
use crate::net::expect::{Expect, fmt_ms};
use crate::net::{Event, EventKind, Role, Session};
use crossbeam_channel::{RecvTimeoutError, bounded};
use std::io::Write;
use std::time::{Duration, Instant};

const QUIET: Duration = Duration::from_secs(1);

/// Formats one event as a line: `time event peer [#client] [len] text`.
pub fn format_line(ev: &Event, text: Option<&str>, show_hex: bool) -> String {
    let mut s = format!("{} {:<10}", format_ts(ev.ts_us), ev.kind.name());
    match (ev.peer, ev.local) {
        (Some(p), _) => s.push_str(&format!(" {p}")),
        (None, Some(l)) => s.push_str(&format!(" local={l}")),
        _ => {}
    }
    if let Some(c) = ev.client {
        s.push_str(&format!(" #{c}"));
    }
    match ev.kind.data() {
        Some(d) => {
            s.push_str(&format!(" {} ", d.len()));
            if show_hex {
                s.push_str(&to_hex(d));
                s.push(' ');
            }
            for ch in text.unwrap_or_default().chars() {
                match ch {
                    '\r' => s.push_str("\\r"),
                    '\n' => s.push_str("\\n"),
                    '\t' => s.push_str("\\t"),
                    c if c.is_control() => s.push_str(&format!("\\x{:02x}", c as u32)),
                    c => s.push(c),
                }
            }
        }
        None => {
            s.push(' ');
            s.push_str(&describe(ev));
        }
    }
    s
}

/// Runs the launch to completion. Exit code 0, or 1 if the session failed.
pub fn run(launch: Launch) -> i32 {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let (int_tx, int_rx) = bounded::<()>(1);
    // Only one handler can be set per process; a second call (tests) just has no Ctrl-C.
    let _ = ctrlc::set_handler(move || {
        let _ = int_tx.try_send(());
    });
    let enc = launch.config.encoding;
    let mut record = match &launch.record {
        Some(p) => match RecordWriter::create(p, enc) {
            Ok(w) => Some(w),
            Err(e) => {
                eprintln!(
                    "socket-tester: cannot write the record {}: {e}; going on without it",
                    p.display()
                );
                None
            }
        },
        None => None,
    };
    let count_given = launch.auto.count.is_some();
    let role = launch.config.role;
    let session = Session::start(launch.config.clone(), None);
    let mut auto = Auto::new(launch.auto.clone());
    let mut expect = match launch.auto.expect.clone().map(|p| Expect::new(p, enc)) {
        Some(Ok(x)) => Some(x),
        Some(Err(e)) => {
            eprintln!("error: {e}");
            return 2;
        }
        None => None,
    };
    let mut expect_printed = 0usize;
    let mut decoders = Decoders::new(enc);
    let started = Instant::now();
    let end_at = launch.duration.map(|d| started + d);
    let mut last_activity = Instant::now();
    let mut failed = false;
    let mut session = session;

    let mut handle = |ev: Event,
                      out: &mut std::io::StdoutLock<'_>,
                      record: &mut Option<RecordWriter>,
                      failed: &mut bool| {
        if let Some(w) = record.as_mut()
            && let Err(e) = w.write_event(&ev)
        {
            eprintln!("socket-tester: record stopped: {e}");
            *record = None;
        }
        let text = decoders.text(&ev);
        let _ = writeln!(out, "{}", format_line(&ev, text.as_deref(), launch.hex));
        let _ = out.flush();
        if matches!(ev.kind, EventKind::Error { .. }) {
            *failed = true;
        }
    };

    loop {
        let now = Instant::now();
        let mut next_auto = auto.tick(&session, now);
        if let Some(x) = expect.as_mut() {
            let (cmds, next) = x.tick(now);
            for c in cmds {
                session.send(c);
            }
            print_tries(x, &mut expect_printed, &mut out);
            if x.is_done() {
                break;
            }
            next_auto = match (next_auto, next) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        let quiet_exit = auto.plan.send.is_some()
            && auto.sends_done()
            && (count_given || role != Role::TcpServer)
            && auto.sent() > 0;
        if quiet_exit && now >= last_activity + QUIET {
            break;
        }
        if end_at.is_some_and(|e| now >= e) || int_rx.try_recv().is_ok() {
            break;
        }
        let mut wait = Duration::from_millis(100);
        if let Some(n) = next_auto {
            wait = wait.min(n.saturating_duration_since(now));
        }
        match session.events().recv_timeout(wait) {
            Ok(ev) => {
                last_activity = Instant::now();
                if !matches!(ev.kind, EventKind::Error { .. }) {
                    failed = false;
                }
                auto.on_event(&ev, &session, last_activity);
                let cmds = expect
                    .as_mut()
                    .map(|x| x.on_event(&ev, last_activity))
                    .unwrap_or_default();
                handle(ev, &mut out, &mut record, &mut failed);
                for c in cmds {
                    session.send(c);
                }
                if let Some(x) = &expect {
                    print_tries(x, &mut expect_printed, &mut out);
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                // The worker ended by itself (error, or the connection closed).
                if let Some(w) = record.as_mut() {
                    let _ = w.flush();
                }
                if let Some(x) = expect.as_mut() {
                    x.session_ended("the session ended".into(), Instant::now());
                    print_tries(x, &mut expect_printed, &mut out);
                    return finish_expect(x, &mut out);
                }
                return i32::from(failed);
            }
        }
    }
    for ev in session.stop_and_join() {
        handle(ev, &mut out, &mut record, &mut failed);
    }
    if let Some(w) = record.as_mut() {
        let _ = w.flush();
    }
    if let Some(x) = expect.as_mut() {
        if !x.is_done() {
            x.cancel(Instant::now());
            print_tries(x, &mut expect_printed, &mut out);
        }
        return finish_expect(x, &mut out);
    }
    0
}

/// Prints one line for each try finished since the last call.
fn print_tries(x: &Expect, printed: &mut usize, out: &mut impl Write) {
    for r in x.results().iter().skip(*printed) {
        let line = match (r.passed, r.latency) {
            (true, Some(l)) => format!("expect #{} pass {}", r.n, fmt_ms(l)),
            (true, None) => format!("expect #{} pass", r.n),
            (false, _) => format!("expect #{} FAIL {}", r.n, r.note),
        };
        let _ = writeln!(out, "{line}");
    }
    *printed = x.results().len();
    let _ = out.flush();
}

/// Prints the summary, writes the CSV report if asked, and gives the exit code.
fn finish_expect(x: &Expect, out: &mut impl Write) -> i32 {
    let _ = writeln!(out, "expect: {}", x.summary());
    if let Some(why) = x.stopped() {
        let _ = writeln!(out, "expect: stopped early: {why}");
    }
    let _ = out.flush();
    if let Some(path) = &x.plan().report
        && let Err(e) = x.write_csv(path)
    {
        eprintln!(
            "socket-tester: cannot write the report {}: {e}",
            path.display()
        );
    }
    i32::from(!x.all_passed())
}
