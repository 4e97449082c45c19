//! `socket-tester run SEQ.toml [--to HOST:PORT] [--junit REPORT.xml]`: runs a sequence
//! headless through the engine (a TCP client or UDP sender session), prints one line per
//! step as it ends (with a hex diff under a failed expect), writes a JUnit XML report
//! for CI, and exits 0 when every step passed, 1 on a failure, 2 on a bad file (naming
//! the line) or bad arguments.

use super::run::{Need, Outcome, SequenceRun, StepResult};
use super::{Proto, Sequence};
use crate::net::{Command, EventKind, Payload, Role, Session, SessionConfig, Target};
use std::path::Path;
use std::time::{Duration, Instant};

/// Starts the session the sequence talks through.
fn open(seq: &Sequence, to: &str) -> Session {
    let role = match seq.proto {
        Proto::Tcp => Role::TcpClient,
        Proto::Udp => Role::UdpSender,
    };
    Session::start(SessionConfig::new(role, to).encoding(seq.encoding), None)
}

fn print_result(r: &StepResult) {
    let mark = match r.outcome {
        Outcome::Passed => "pass",
        Outcome::Failed => "FAIL",
        Outcome::Skipped => "skip",
    };
    let mut line = format!("step {} (line {}) {mark} {}", r.label, r.line, r.what);
    if let Some(n) = &r.name {
        line = format!("{line} [{n}]");
    }
    if let Some(l) = r.latency {
        line = format!("{line} in {:.1} ms", l.as_secs_f64() * 1000.0);
    }
    if let Some(d) = &r.detail {
        line = format!("{line}: {d}");
    }
    println!("{line}");
    for d in &r.diff {
        println!("    {d}");
    }
}

/// Runs `path` against `to` (or the file's `to`); returns the exit code.
pub fn run_cli(path: &Path, to: Option<&str>, junit: Option<&Path>) -> i32 {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {}: {e}", path.display());
            return 2;
        }
    };
    let seq = match Sequence::parse(&text) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {}: {e}", path.display());
            return 2;
        }
    };
    let Some(to) = to.map(str::to_string).or_else(|| seq.to.clone()) else {
        eprintln!("error: no address: give --to HOST:PORT, or to = \"HOST:PORT\" in the file");
        return 2;
    };
    if let Err(e) = crate::net::addr::split_host_port(&to) {
        eprintln!("error: --to {to}: {e}");
        return 2;
    }
    let started = Instant::now();
    let mut run = SequenceRun::new(seq.clone());
    let mut session = Some(open(&seq, &to));
    let mut ready = false;
    let mut shown = 0;
    // Ready first (connected / bound), then the steps.
    while !run.is_done() {
        let now = Instant::now();
        if ready {
            for need in run.poll(now) {
                match need {
                    Need::Send(b) => match &session {
                        Some(s) => {
                            s.send(Command::Send {
                                payload: Payload::Bytes(b),
                                to: Target::Default,
                            });
                        }
                        None => run.on_failure("not sent: the connection has ended", now),
                    },
                    Need::Connect => {
                        if let Some(mut old) = session.take() {
                            old.stop_and_join();
                        }
                        session = Some(open(&seq, &to));
                    }
                    Need::Close => {
                        if let Some(s) = &session {
                            s.send(Command::Disconnect(0));
                        }
                    }
                }
            }
        }
        for r in &run.results()[shown..] {
            print_result(r);
        }
        shown = run.results().len();
        if run.is_done() {
            break;
        }
        let wait = run
            .deadline()
            .map_or(Duration::from_millis(50), |d| {
                d.saturating_duration_since(now)
            })
            .clamp(Duration::from_millis(1), Duration::from_millis(50));
        let Some(s) = &session else {
            // Closed: a wait or an expect runs out on its own; a connect opens again.
            std::thread::sleep(wait);
            continue;
        };
        match s.events().recv_timeout(wait) {
            Ok(ev) => {
                let now = Instant::now();
                match ev.kind {
                    EventKind::Rx(d) => run.on_rx(&d, now),
                    EventKind::Connected | EventKind::Bound => {
                        ready = true;
                        run.on_connected(now);
                    }
                    EventKind::Closed { .. } | EventKind::Reset { .. } => run.on_closed(now),
                    EventKind::Error { detail, .. } => run.on_failure(&detail, now),
                    _ => {}
                }
            }
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {
                if !ready && started.elapsed() > Duration::from_secs(15) {
                    run.on_failure("the session did not become ready in 15 s", Instant::now());
                }
            }
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => {
                // The session ended (closed, or failed): a connect step may open another.
                session = None;
                run.on_closed(Instant::now());
            }
        }
    }
    for r in &run.results()[shown..] {
        print_result(r);
    }
    if let Some(mut s) = session.take() {
        s.stop_and_join();
    }
    let res = run.results();
    let count = |o: Outcome| res.iter().filter(|r| r.outcome == o).count();
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{}: {} steps, {} passed, {} failed, {} skipped in {secs:.2} s",
        seq.name,
        res.len(),
        count(Outcome::Passed),
        count(Outcome::Failed),
        count(Outcome::Skipped)
    );
    if let Some(j) = junit
        && let Err(e) = crate::log::atomic::write(j, junit_xml(&seq.name, res, secs).as_bytes())
    {
        eprintln!("error: cannot write {}: {e}", j.display());
        return 1;
    }
    if run.passed() { 0 } else { 1 }
}

fn xml(s: &str) -> String {
    crate::log::export::html_escape(s)
}

/// A JUnit XML report: one test case per step, failures with their diff, skipped steps.
pub fn junit_xml(name: &str, res: &[StepResult], secs: f64) -> String {
    let count = |o: Outcome| res.iter().filter(|r| r.outcome == o).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    out.push_str(&format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{secs:.3}\">\n",
        xml(name),
        res.len(),
        count(Outcome::Failed),
        count(Outcome::Skipped)
    ));
    for r in res {
        let title = format!("step {} (line {}): {}", r.label, r.line, r.what);
        out.push_str(&format!(
            "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
            xml(name),
            xml(&title),
            r.took.as_secs_f64()
        ));
        match r.outcome {
            Outcome::Passed => out.push_str("/>\n"),
            Outcome::Skipped => out.push_str(">\n      <skipped/>\n    </testcase>\n"),
            Outcome::Failed => {
                let msg = r.detail.clone().unwrap_or_else(|| "failed".into());
                out.push_str(&format!(
                    ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                    xml(&msg),
                    xml(&r.diff.join("\n"))
                ));
            }
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}
