//! Headless mode: a thin printer over a session runtime (the same pipeline as the window:
//! record, automation, Expect). It prints each event as one line on stdout and stops on
//! Ctrl-C, after `--duration`, or once the planned sends are done and 1 s has passed
//! quietly. With `--expect` it prints one line per try and a summary, and exits 0 only if
//! every try passed. There is no spool: the `--record` file and stdout are the output.

use crate::auto::expect::{Expect, TryResult, fmt_ms};
use crate::codec::to_hex;
use crate::i18n::english;
use crate::launch::Launch;
use crate::log::{Decoders, record::format_ts};
use crate::net::{Event, EventKind, Role};
use crate::session::{Control, Output, Runtime, RuntimeOptions};
use crossbeam_channel::bounded;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

const QUIET: Duration = Duration::from_secs(1);

/// Formats one event as a line: `time event peer [#client] [len] text`.
/// Prints one line on stdout; a closed pipe (`| head`) or a full disk is not a panic: the
/// line is dropped and the run goes on to its exit code.
pub fn print_line(line: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

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
            s.push_str(text.unwrap_or_default());
        }
        None => {
            s.push(' ');
            s.push_str(&english(ev));
        }
    }
    // A peer's control characters (ESC sequences, BEL, CR, C1, bidi overrides) are shown
    // escaped, never passed to the terminal.
    crate::codec::visible(&s).into_owned()
}

/// Prints each event the runtime takes, and each finished Expect try, on stdout.
struct Printer {
    out: std::io::BufWriter<std::io::Stdout>,
    decoders: Decoders,
    hex: bool,
    /// The last event was an error (a later event clears it).
    failed: Arc<AtomicBool>,
}

impl Output for Printer {
    fn event(&mut self, ev: &Event) {
        let text = self.decoders.text(ev);
        let _ = writeln!(self.out, "{}", format_line(ev, text.as_deref(), self.hex));
        let err = matches!(ev.kind, EventKind::Error { .. } | EventKind::TlsFailed(_));
        self.failed.store(err, Ordering::Relaxed);
    }

    fn expect_try(&mut self, r: &TryResult) {
        let line = match (r.passed, r.latency) {
            (true, Some(l)) => format!("expect #{} pass {}", r.n, fmt_ms(l)),
            (true, None) => format!("expect #{} pass", r.n),
            (false, _) => format!("expect #{} FAIL {}", r.n, r.note(crate::i18n::english)),
        };
        let _ = writeln!(self.out, "{line}");
    }

    fn batch_done(&mut self) {
        let _ = self.out.flush();
    }
}

/// Runs the launch to completion in a session runtime (the same one the window uses),
/// printing what it takes. Exit code 0, or 1 if the session failed; with `--expect`, 0
/// only if every try passed (2 for a bad plan).
pub fn run(launch: Launch) -> i32 {
    let (int_tx, int_rx) = bounded::<()>(1);
    // Only one handler can be set per process; a second call (tests) just has no Ctrl-C.
    let _ = ctrlc::set_handler(move || {
        let _ = int_tx.try_send(());
    });
    let enc = launch.config.encoding;
    let expect = match launch
        .auto
        .expect
        .clone()
        .map(|p| Expect::new(p, enc, crate::i18n::english))
    {
        Some(Ok(x)) => Some(x),
        Some(Err(e)) => {
            eprintln!("error: {e}");
            return 2;
        }
        None => None,
    };
    let failed = Arc::new(AtomicBool::new(false));
    let printer = Printer {
        out: std::io::BufWriter::with_capacity(64 << 10, std::io::stdout()),
        decoders: Decoders::new(enc),
        hex: launch.hex,
        failed: failed.clone(),
    };
    let role = launch.config.role;
    let opts = RuntimeOptions {
        spool_dir: None,
        notify: None,
        encoding: Some(enc),
    };
    let mut rt = Runtime::with_output(role, opts, Some(Box::new(printer)));
    let has_expect = expect.is_some();
    if let Some(x) = expect {
        rt.send(Control::StartExpect(Box::new(x)));
    }
    let count_given = launch.auto.count.is_some();
    let sends = launch.auto.send.is_some();
    rt.start(
        launch.config.clone(),
        launch.auto.clone(),
        launch.record.clone(),
    );
    let started = Instant::now();
    let end_at = launch.duration.map(|d| started + d);
    let mut record_told = false;
    let mut expect_done = false;
    let ended_by_itself = loop {
        let interrupted = int_rx.recv_timeout(Duration::from_millis(10)).is_ok();
        let now = Instant::now();
        let st = rt.status();
        if let Some(e) = &st.record_error
            && !record_told
        {
            record_told = true;
            eprintln!("socket-tester: {e}; going on without it");
        }
        if interrupted || end_at.is_some_and(|e| now >= e) {
            break false;
        }
        if !st.running {
            break true;
        }
        if has_expect && st.expect.as_deref().is_some_and(Expect::is_done) {
            expect_done = true;
            break false;
        }
        let quiet_exit =
            sends && st.plan_done && (count_given || role != Role::TcpServer) && st.plan_sent > 0;
        let last = st.last_event.unwrap_or(started);
        if quiet_exit && now >= last + QUIET {
            break false;
        }
    };
    if has_expect && !ended_by_itself && !expect_done {
        rt.send(Control::CancelExpect);
    }
    rt.shutdown();
    let st = rt.status();
    // A record that stopped is incomplete: said at the end too, and the exit is 1.
    let incomplete = st.record_error.as_ref().inspect(|e| {
        eprintln!("socket-tester: the record is incomplete: {e}");
    });
    let code = if let Some(x) = &st.expect {
        finish_expect(x, &mut std::io::stdout().lock())
    } else if ended_by_itself {
        i32::from(failed.load(Ordering::Relaxed))
    } else {
        0
    };
    if incomplete.is_some() {
        code.max(1)
    } else {
        code
    }
}

/// Prints the summary, writes the CSV report if asked, and gives the exit code.
fn finish_expect(x: &Expect, out: &mut impl Write) -> i32 {
    let _ = writeln!(out, "expect: {}", x.summary());
    if let Some(why) = x.stopped() {
        let why = why.english(crate::i18n::english);
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
