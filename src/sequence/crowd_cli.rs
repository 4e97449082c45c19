//! `socket-tester run SEQ.toml --connections N [--ramp R]`: the sequence runs once per
//! connection of a crowd (see `session::crowd::seq`). It prints the crowd's counts once
//! a second and a summary at the end (never a line per step per connection), writes a
//! JUnit report with one test case per connection (`#k`), streamed to the file, and exits
//! 0 when every connection passed, 1 when one failed its sequence, did not finish it, or
//! did not open.

use super::Sequence;
use super::cli::{RunArgs, wait_status};
use crate::headless::crowd::{counts_line, sequence_line, summary_lines};
use crate::net::crowd::CrowdConfig;
use crate::net::{Role, SessionConfig};
use crate::session::crowd::seq::{CrowdSeqView, MemberOutcome};
use crate::session::{Control, Runtime, RuntimeOptions};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

/// What a crowd cannot run, said (exit 2): a unix socket.
pub fn refuse(to: &str) -> Result<(), String> {
    if crate::net::addr::is_unix(to) {
        return Err("--connections: a unix socket is not available with a crowd".into());
    }
    Ok(())
}

/// Runs `seq` once per connection of `crowd`; returns the exit code.
pub fn run_crowd(
    seq: &Sequence,
    to: &str,
    crowd: CrowdConfig,
    args: &RunArgs,
    stop: &crossbeam_channel::Receiver<()>,
) -> i32 {
    let started = Instant::now();
    let role = seq.proto.role();
    let (opts, woken) = RuntimeOptions::woken(Some(seq.encoding));
    let mut rt = Runtime::new(role, opts);
    rt.start(
        SessionConfig::new(role, to)
            .encoding(seq.encoding)
            .crowd(crowd),
        Default::default(),
        args.record.map(Path::to_path_buf),
    );
    rt.send(Control::StartSequence {
        run: Box::new(super::run::SequenceRun::new(seq.clone())),
        step: false,
    });
    let mut printed = Instant::now();
    let done = |st: &crate::session::Status| st.crowd_sequence.as_ref().is_some_and(|s| s.done);
    let mut stopping = false;
    loop {
        // Ctrl-C / SIGTERM: what runs is stopped (counted not finished), then the summary
        // and the report as at the end.
        if !stopping && stop.try_recv().is_ok() {
            stopping = true;
            rt.send(Control::StopSequence);
        }
        let until = Some(if stopping {
            Instant::now() + Duration::from_millis(100)
        } else {
            printed + Duration::from_secs(1)
        });
        let st = wait_status(&rt, &woken, until, done);
        if done(&st) || rt.is_finished() {
            break;
        }
        if printed.elapsed() >= Duration::from_secs(1) {
            printed = Instant::now();
            if let Some(c) = &st.crowd {
                let mut line = counts_line(c);
                if let Some(s) = &st.crowd_sequence {
                    line.push_str(&format!(
                        "; sequence {} passed, {} failed, {} running",
                        s.passed, s.failed, s.running
                    ));
                }
                crate::headless::print_line(&line);
            }
        }
    }
    rt.shutdown();
    let st = rt.status();
    if let Some(c) = &st.crowd {
        summary_lines(c)
            .iter()
            .for_each(|l| crate::headless::print_line(l));
    }
    let view = st.crowd_sequence.as_deref().cloned().unwrap_or_default();
    let udp = role == Role::UdpSender;
    let never_opened = st.crowd.as_ref().map(|c| &c.failed);
    crate::headless::print_line(&sequence_line(&view, udp, never_opened));
    let secs = started.elapsed().as_secs_f64();
    let what = if udp { "sources" } else { "connections" };
    crate::headless::print_line(&format!(
        "{}: {} {what}, {} passed, {} failed, {} not finished in {secs:.2} s",
        seq.name, view.planned, view.passed, view.failed, view.not_finished
    ));
    let record_failed = st.record_error.inspect(|e| eprintln!("error: {e}"));
    if let Some(j) = args.junit
        && let Err(e) = write_junit(j, seq, &view, secs)
    {
        eprintln!("error: cannot write {}: {e}", j.display());
        return 1;
    }
    let crowd_failed = st.crowd.as_ref().is_some_and(|c| c.any_failed());
    if view.all_passed() && !crowd_failed && record_failed.is_none() {
        0
    } else {
        1
    }
}

fn xml(s: &str) -> String {
    crate::log::export::html_escape(s)
}

/// A JUnit report: one test case per connection (`#k`), a failure with the first failed
/// step's reason, a connection that did not finish as failed too. Written as it is made
/// (a few lines a connection), then put in place whole.
pub fn write_junit(
    path: &Path,
    seq: &Sequence,
    v: &CrowdSeqView,
    secs: f64,
) -> std::io::Result<()> {
    let file = crate::files::atomic::AtomicFile::create(path)?;
    let mut out = std::io::BufWriter::new(file);
    let name = xml(&seq.name);
    writeln!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{}\" time=\"{secs:.3}\">",
        v.planned,
        v.failed + v.not_finished
    )?;
    let none = Vec::new();
    let members = v.members.as_deref().unwrap_or(&none);
    for k in 1..=v.planned as usize {
        write!(out, "    <testcase classname=\"{name}\" name=\"#{k}\"")?;
        let failure = match members.get(k - 1) {
            Some(MemberOutcome::Passed) => None,
            Some(MemberOutcome::Failed(step, why)) => {
                let st = seq.steps.get(*step);
                let (label, line) = st.map_or((String::new(), 0), |s| (s.label.clone(), s.line));
                Some(format!(
                    "step {label} (line {line}) failed: {}",
                    why.english()
                ))
            }
            Some(MemberOutcome::NotFinished) | None => {
                Some("did not finish: the session ended first, or it never opened".into())
            }
        };
        match failure {
            None => writeln!(out, "/>")?,
            Some(m) => writeln!(
                out,
                ">\n      <failure message=\"{}\"/>\n    </testcase>",
                xml(&m)
            )?,
        }
    }
    writeln!(out, "  </testsuite>\n</testsuites>")?;
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.commit()
}
