//! `socket-tester run SEQ.toml [--to HOST:PORT] [--record FILE] [--junit REPORT.xml]`:
//! runs a sequence headless on the session runtime (the same host as the window's
//! Sequence tool: a TCP client or UDP sender session), prints one line per step as it
//! ends (with a hex diff under a failed expect), can record the session like the roles
//! do, writes a JUnit XML report for CI, and exits 0 when every step passed, 1 on a
//! failure, 2 on a bad file (naming the line) or bad arguments.

use super::run::{Failure, Outcome, SequenceRun, StepResult};
use super::{Action, Sequence};
use crate::codec::Encoding;
use crate::net::SessionConfig;
use crate::session::{ConnState, Control, Runtime, RuntimeOptions, Status};
use std::path::Path;
use std::time::{Duration, Instant};

/// How long the session may take to connect (or bind) before the first step fails.
const READY_WITHIN: Duration = Duration::from_secs(15);

/// What a send step put on the wire, as `run` prints it: hex for a hex step, otherwise the
/// text in the encoding with control bytes and bytes that are not text escaped.
fn sent_preview(r: &StepResult, enc: Encoding) -> String {
    let shown = &r.sent_bytes;
    let more = r.sent.unwrap_or(0).saturating_sub(shown.len());
    let body = if matches!(r.action, Action::Send { hex: true, .. }) {
        crate::codec::to_hex_spaced(shown)
    } else {
        let text = crate::codec::decode_escaped(enc, shown);
        format!("\"{}\"", crate::codec::escape::visible(&text))
    };
    if more > 0 {
        format!("{body} … ({more} more bytes)")
    } else {
        body
    }
}

fn print_result(r: &StepResult, enc: Encoding) {
    let mark = match r.outcome {
        Outcome::Passed => "pass",
        Outcome::Failed => "FAIL",
        Outcome::Skipped => "skip",
    };
    let mut line = format!("step {} (line {}) {mark} {}", r.label, r.line, r.what);
    if let Some(n) = r.sent {
        let unit = if n == 1 { "byte" } else { "bytes" };
        line = format!("{line} (sent {n} {unit}: {})", sent_preview(r, enc));
    }
    if let Some(n) = &r.name {
        line = format!("{line} [{n}]");
    }
    if let Some(l) = r.latency {
        line = format!("{line} in {:.1} ms", l.as_secs_f64() * 1000.0);
    }
    if let Some(f) = &r.failure {
        line = format!("{line}: {}", f.english());
    }
    crate::headless::print_line(&line);
    for d in &r.diff {
        crate::headless::print_line(&format!("    {d}"));
    }
}

/// What the command line asked for.
pub struct RunArgs<'a> {
    pub file: &'a Path,
    pub to: Option<&'a str>,
    pub junit: Option<&'a Path>,
    pub record: Option<&'a Path>,
    /// `--connections N` (more than 1: the sequence runs once per connection).
    pub connections: Option<u64>,
    /// `--ramp PER_SECOND` with it.
    pub ramp: Option<f64>,
}

/// Reads and checks the file and the address; `Err(2)` after saying what is wrong.
fn load(args: &RunArgs) -> Result<(Sequence, String), i32> {
    let path = args.file;
    let text = std::fs::read_to_string(path).map_err(|e| {
        eprintln!("error: cannot read {}: {e}", path.display());
        2
    })?;
    let seq = Sequence::parse(&text).map_err(|e| {
        eprintln!("error: {}: {e}", path.display());
        2
    })?;
    let Some(to) = args.to.map(str::to_string).or_else(|| seq.to.clone()) else {
        eprintln!(
            "error: {}: the file has no to = \"HOST:PORT\" line: give one, or --to HOST:PORT",
            path.display()
        );
        return Err(2);
    };
    if let Err(e) = crate::net::addr::split_host_port(&to) {
        eprintln!("error: --to {to}: {e}");
        return Err(2);
    }
    Ok((seq, to))
}

/// Waits (woken by the runtime) until `done` holds for its status, or `until` passes.
pub(super) fn wait_status(
    rt: &Runtime,
    woken: &crossbeam_channel::Receiver<()>,
    until: Option<Instant>,
    mut done: impl FnMut(&Status) -> bool,
) -> Status {
    loop {
        let st = rt.status();
        if done(&st) || until.is_some_and(|u| Instant::now() >= u) || rt.is_finished() {
            return st;
        }
        let _ = woken.recv_timeout(Duration::from_millis(100));
    }
}

/// Ctrl-C and SIGTERM, as a channel: a run told to stop stops its sequence (the rest
/// skipped, or not finished) and still prints its summary and writes its report.
pub(super) fn interrupts() -> crossbeam_channel::Receiver<()> {
    let (tx, rx) = crossbeam_channel::bounded::<()>(1);
    let _ = ctrlc::set_handler(move || {
        let _ = tx.try_send(());
    });
    rx
}

/// Why an output file cannot be written at `path`, said before anything runs.
/// `makes_folders`: its missing folders are made (the record), so only a file where a
/// folder must be stops it; else its folder must exist (the JUnit report).
fn unwritable(path: &Path, makes_folders: bool) -> Option<String> {
    if path.is_dir() {
        return Some(format!("{} is a folder", path.display()));
    }
    if makes_folders {
        let existing = path.ancestors().skip(1).find(|a| a.exists())?;
        return (!existing.is_dir())
            .then(|| format!("{} is a file, not a folder", existing.display()));
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty())?;
    (!parent.is_dir()).then(|| format!("the folder {} does not exist", parent.display()))
}

/// Runs the sequence; returns the exit code.
pub fn run_cli(args: &RunArgs) -> i32 {
    let (seq, to) = match load(args) {
        Ok(x) => x,
        Err(code) => return code,
    };
    if let Some(why) = args.junit.and_then(|p| unwritable(p, false)) {
        eprintln!("error: --junit: cannot write the report: {why}");
        return 2;
    }
    if let Some(why) = args.record.and_then(|p| unwritable(p, true)) {
        eprintln!("error: --record: cannot write the record: {why}");
        return 2;
    }
    let stop = interrupts();
    if let Some(n) = args.connections.filter(|&n| n > 1) {
        let crowd = match crate::net::crowd::CrowdConfig::new(n, args.ramp) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: --connections: {e}");
                return 2;
            }
        };
        if let Err(e) = super::crowd_cli::refuse(&to) {
            eprintln!("error: {e}");
            return 2;
        }
        return super::crowd_cli::run_crowd(&seq, &to, crowd, args, &stop);
    }
    let started = Instant::now();
    let role = seq.proto.role();
    let (opts, woken) = RuntimeOptions::woken(Some(seq.encoding));
    let mut rt = Runtime::new(role, opts);
    rt.start(
        SessionConfig::new(role, to.as_str()).encoding(seq.encoding),
        Default::default(),
        args.record.map(Path::to_path_buf),
    );
    // Ready first (connected / bound), then the steps.
    let ready = |st: &Status| matches!(st.state, ConnState::Connected | ConnState::Bound);
    let ended = |st: &Status| !st.running && st.state != ConnState::Starting;
    let st = wait_status(&rt, &woken, Some(started + READY_WITHIN), |st| {
        ready(st) || ended(st)
    });
    let mut run = SequenceRun::new(seq.clone());
    let results = if ready(&st) {
        rt.send(Control::StartSequence {
            run: Box::new(run),
            step: false,
        });
        follow(&rt, &woken, seq.encoding, &stop)
    } else {
        // It never got ready: the first step fails with why, the rest are skipped.
        let why = match st.state {
            ConnState::Error(ev) | ConnState::Reset(ev) | ConnState::ClosedByPeer(ev) => {
                Failure::Session(ev)
            }
            _ => Failure::NotReady(READY_WITHIN.as_secs()),
        };
        run.on_failure(why, Instant::now());
        run.results()
            .iter()
            .for_each(|r| print_result(r, seq.encoding));
        run.results().to_vec()
    };
    rt.shutdown();
    let record_failed = rt
        .status()
        .record_error
        .inspect(|e| eprintln!("error: {e}"));
    finish(
        &seq.name,
        &results,
        started,
        args.junit,
        record_failed.is_some(),
    )
}

/// Prints each step as it ends, until the sequence is done; its results.
fn follow(
    rt: &Runtime,
    woken: &crossbeam_channel::Receiver<()>,
    enc: Encoding,
    stop: &crossbeam_channel::Receiver<()>,
) -> Vec<StepResult> {
    let mut shown = 0;
    loop {
        if stop.try_recv().is_ok() {
            rt.send(Control::StopSequence);
        }
        let st = wait_status(
            rt,
            woken,
            Some(Instant::now() + Duration::from_millis(200)),
            |st| {
                st.sequence
                    .as_ref()
                    .is_some_and(|s| s.results.len() > shown || !s.running)
            },
        );
        let Some(s) = st.sequence else {
            if rt.is_finished() {
                return Vec::new();
            }
            continue;
        };
        s.results[shown.min(s.results.len())..]
            .iter()
            .for_each(|r| print_result(r, enc));
        shown = s.results.len();
        if !s.running {
            return s.results.clone();
        }
    }
}

/// The summary line, the JUnit report and the exit code.
fn finish(
    name: &str,
    res: &[StepResult],
    started: Instant,
    junit: Option<&Path>,
    record_failed: bool,
) -> i32 {
    let count = |o: Outcome| res.iter().filter(|r| r.outcome == o).count();
    let secs = started.elapsed().as_secs_f64();
    crate::headless::print_line(&format!(
        "{}: {} steps, {} passed, {} failed, {} skipped in {secs:.2} s",
        name,
        res.len(),
        count(Outcome::Passed),
        count(Outcome::Failed),
        count(Outcome::Skipped)
    ));
    if let Some(j) = junit
        && let Err(e) = crate::files::atomic::write(j, junit_xml(name, res, secs).as_bytes())
    {
        eprintln!("error: cannot write {}: {e}", j.display());
        return 1;
    }
    let passed = !res.is_empty() && res.iter().all(|r| r.outcome == Outcome::Passed);
    if passed && !record_failed { 0 } else { 1 }
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
                let msg = r
                    .failure
                    .as_ref()
                    .map_or_else(|| "failed".into(), Failure::english);
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
