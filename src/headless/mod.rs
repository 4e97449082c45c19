//! Headless mode: a thin printer over a session runtime (the same pipeline as the window:
//! record, automation, Expect). It prints each event as one line on stdout (a data row
//! shows its first 256 bytes; `--full` all, `--quiet` none: see `print`) and stops on
//! Ctrl-C, after `--duration`, or once the planned sends are done and 1 s has passed
//! quietly. With `--expect` it prints one line per try and a summary, and exits 0 only if
//! every try passed. There is no spool: the `--record` file and stdout are the output.

use crate::auto::expect::Expect;
use crate::launch::Launch;
use crate::log::Decoders;
use crate::net::Role;
use crate::session::{Control, Runtime, RuntimeOptions};
use crossbeam_channel::bounded;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

pub mod crowd;
mod print;
pub mod relay;

pub use print::{QUEUE_ROWS, format_line, push_line};

const QUIET: Duration = Duration::from_secs(1);

/// Prints one line on stdout; a closed pipe (`| head`) or a full disk is not a panic: the
/// line is dropped and the run goes on to its exit code.
pub fn print_line(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
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
    let (printer, stdout_thread) = match print::start(
        launch.print,
        Decoders::escaping(enc),
        launch.hex,
        failed.clone(),
    ) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("socket-tester: cannot start the output thread: {e}");
            return 1;
        }
    };
    let bad_check = printer.bad_check_flag();
    let printer = match launch.framing.clone() {
        Some(f) => printer.framed(f, launch.check),
        None => printer,
    };
    let role = launch.config.role;
    let opts = RuntimeOptions {
        spool_dir: None,
        notify: None,
        encoding: Some(enc),
    };
    let mut rt = Runtime::with_output(role, opts, Some(Box::new(printer)));
    // The printer shows each row as it comes; no window shows them later: the view keeps
    // its counters only (no text decoded for rows nobody reads).
    rt.send(Control::SetCaps { rows: 0, bytes: 0 });
    if launch.check.is_some() {
        rt.send(Control::SetRxCheck(launch.check));
    }
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
    let crowd = launch.config.crowd.is_some();
    let repeating = launch.auto.every.is_some();
    let mut counts_at = started;
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
        let quiet_exit = if let Some(cv) = st.crowd.as_deref() {
            if now >= counts_at + QUIET {
                counts_at = now;
                print_line(&crowd::counts_line(cv));
            }
            // Every connection opened or failed, its sends done, no expectation waiting.
            let waiting = cv.expect.is_some_and(|(_, _, w)| w > 0);
            cv.settled && !waiting && (!repeating || st.plan_done)
        } else {
            !crowd
                && sends
                && st.plan_done
                && (count_given || role != Role::TcpServer)
                && st.plan_sent > 0
        };
        let last = st.last_event.unwrap_or(started);
        // Sends still queued in the worker (a WebSocket's wait for the server's answer to
        // the upgrade, say) are not done yet: wait for them, or for the handshake's own
        // time limit to end the session.
        let quiet = if quiet_exit && rt.view().store.counters.tx_msgs < st.plan_sent {
            QUIET + crate::net::ws::layer::HANDSHAKE_TIMEOUT
        } else {
            QUIET
        };
        if quiet_exit && now >= last + quiet {
            break false;
        }
    };
    if has_expect && !ended_by_itself && !expect_done {
        rt.send(Control::CancelExpect);
    }
    rt.shutdown();
    let st = rt.status();
    // The runtime is done, and with it the printer: what it queued is written out first.
    drop(rt);
    let _ = stdout_thread.join();
    // A record that stopped is incomplete: said at the end too, and the exit is 1.
    let incomplete = st.record_error.as_ref().inspect(|e| {
        eprintln!("socket-tester: the record is incomplete: {e}");
    });
    let code = if let Some(cv) = st.crowd.as_deref() {
        let mut out = std::io::stdout().lock();
        for line in crowd::summary_lines(cv) {
            let _ = writeln!(out, "{line}");
        }
        let _ = out.flush();
        i32::from(cv.any_failed())
    } else if let Some(x) = &st.expect {
        finish_expect(x, &mut std::io::stdout().lock())
    } else if ended_by_itself {
        i32::from(failed.load(Ordering::Relaxed))
    } else {
        0
    };
    // A received checksum that was wrong is a check that failed.
    let code = if bad_check.load(Ordering::Relaxed) {
        eprintln!("socket-tester: a received checksum was wrong (see the rows marked)");
        code.max(1)
    } else {
        code
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
