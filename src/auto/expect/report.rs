//! An Expect run's report: each try's outcome, the totals and latency figures, and the
//! CSV (Save report…, `--expect-report`).

use super::Expect;
use std::fmt;
use std::time::Duration;

/// The outcome of one try.
#[derive(Clone, Debug, PartialEq)]
pub struct TryResult {
    /// 1-based.
    pub n: u64,
    /// When the request went out, microseconds since the Unix epoch.
    pub sent_us: i64,
    pub passed: bool,
    /// Request to matching reply (passed tries only).
    pub latency: Option<Duration>,
    /// The start of what was received during the try (up to [`KEEP_REPLY`](super::KEEP_REPLY) bytes).
    pub reply: Vec<u8>,
    /// Bytes received during the try.
    pub reply_len: usize,
    /// Why it failed (None if it passed), typed: worded where it is shown.
    pub failure: Option<TryFailure>,
}

impl TryResult {
    /// Why it failed, in English (empty if it passed).
    pub fn note(&self, describe: crate::log::Describe) -> String {
        self.failure
            .as_ref()
            .map(|f| f.english(describe))
            .unwrap_or_default()
    }
}

/// Why a try failed, or why a run stopped early.
#[derive(Clone, Debug, PartialEq)]
pub enum TryFailure {
    /// Nothing came back within the time limit.
    NoReply { within: Duration },
    /// Bytes came back, none matching: how many, and the first of them.
    NoMatch {
        within: Duration,
        got: usize,
        start: Vec<u8>,
    },
    /// The request could not be sent (the session's error event).
    SendFailed(Box<crate::net::Event>),
    /// The network answered the request with an ICMP error (port or host unreachable,
    /// message too long): nobody will reply, so the try fails at once.
    NetworkAnswered(Box<crate::net::Event>),
    /// The connection (or the session) ended: its close or reset, if it said one.
    SessionEnded(Option<Box<crate::net::Event>>),
    /// The user cancelled the run.
    Cancelled,
    /// The request no longer renders (the encoding changed since the run was checked).
    BadRequest(crate::codec::TemplateError),
}

impl TryFailure {
    /// In English; `describe` words a session's event (the caller's words, as the log's).
    pub fn english(&self, describe: crate::log::Describe) -> String {
        match self {
            TryFailure::NoReply { within } => format!("no reply within {}", fmt_ms(*within)),
            TryFailure::NoMatch { within, got, start } => format!(
                "no matching reply within {}; got {got} bytes: {}",
                fmt_ms(*within),
                super::super::rules::brief_hex(start)
            ),
            TryFailure::SendFailed(ev) => match &ev.kind {
                crate::net::EventKind::Error { detail, .. } => format!("error: {detail}"),
                _ => format!("error: {}", describe(ev)),
            },
            TryFailure::NetworkAnswered(ev) => format!("the network answered: {}", describe(ev)),
            TryFailure::SessionEnded(Some(ev)) => format!("session ended: {}", describe(ev)),
            TryFailure::SessionEnded(None) => "the session ended".into(),
            TryFailure::Cancelled => "cancelled".into(),
            TryFailure::BadRequest(e) => format!("send: {e}"),
        }
    }
}

/// Totals and latency figures over the tries so far.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub planned: u64,
    pub tries: u64,
    pub passed: u64,
    pub failed: u64,
    pub min: Option<Duration>,
    pub p50: Option<Duration>,
    pub p95: Option<Duration>,
    pub max: Option<Duration>,
}

impl Summary {
    /// True when every planned try ran and passed.
    pub fn all_passed(&self) -> bool {
        self.planned > 0 && self.tries == self.planned && self.passed == self.tries
    }
}

/// Milliseconds with enough digits for loopback (0.087 ms) and for slow links (1234 ms).
pub fn fmt_ms(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 10.0 {
        format!("{ms:.3} ms")
    } else if ms < 1000.0 {
        format!("{ms:.1} ms")
    } else {
        format!("{ms:.0} ms")
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}/{} passed, {} failed",
            if self.all_passed() { "PASS" } else { "FAIL" },
            self.passed,
            self.planned,
            self.failed
        )?;
        if self.tries < self.planned {
            write!(f, ", {} not run", self.planned - self.tries)?;
        }
        if let (Some(min), Some(p50), Some(p95), Some(max)) =
            (self.min, self.p50, self.p95, self.max)
        {
            write!(
                f,
                "; latency min {} p50 {} p95 {} max {}",
                fmt_ms(min),
                fmt_ms(p50),
                fmt_ms(p95),
                fmt_ms(max)
            )?;
        }
        Ok(())
    }
}

/// The nearest-rank percentile of sorted values (`p` in 0..=100).
fn percentile(sorted: &[Duration], p: u32) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1) as usize;
    sorted.get(rank - 1).copied()
}

impl Expect {
    /// Totals and latency figures over the passed tries.
    pub fn summary(&self) -> Summary {
        let mut lat: Vec<Duration> = self.results.iter().filter_map(|r| r.latency).collect();
        lat.sort();
        let passed = self.results.iter().filter(|r| r.passed).count() as u64;
        Summary {
            planned: self.plan.count,
            tries: self.results.len() as u64,
            passed,
            failed: self.results.len() as u64 - passed,
            min: lat.first().copied(),
            p50: percentile(&lat, 50),
            p95: percentile(&lat, 95),
            max: lat.last().copied(),
        }
    }

    /// The report as CSV: a header and one row per try, nothing else (every line a
    /// spreadsheet reads is a row); the summary is [`Expect::summary_text`], written beside it.
    pub fn to_csv(&self) -> String {
        let mut s = String::from("try,sent_at,result,latency_ms,reply_bytes,reply_hex,note\n");
        for r in self.results.iter() {
            s.push_str(&format!(
                "{},{},{},{},{},{},{}\n",
                r.n,
                crate::log::record::format_ts(r.sent_us),
                if r.passed { "pass" } else { "fail" },
                r.latency
                    .map(|d| format!("{:.3}", d.as_secs_f64() * 1000.0))
                    .unwrap_or_default(),
                r.reply_len,
                crate::codec::to_hex(&r.reply),
                csv_field(
                    &r.failure
                        .as_ref()
                        .map(|f| f.english(self.describe))
                        .unwrap_or_default()
                )
            ));
        }
        s
    }

    /// The run's summary as plain lines: totals and latency, the plan, and why it stopped
    /// early (if it did).
    pub fn summary_text(&self) -> String {
        let mut s = format!("{}\n", one_line(&self.summary().to_string()));
        s.push_str(&format!(
            "send {} expect {} timeout {}\n",
            one_line(self.plan.send.source()),
            one_line(&self.plan.expect.describe()),
            fmt_ms(self.plan.timeout)
        ));
        if let Some(why) = &self.stopped {
            let why = why.english(self.describe);
            s.push_str(&format!("stopped: {}\n", one_line(&why)));
        }
        s
    }

    /// Writes [`Expect::to_csv`] to `path` and [`Expect::summary_text`] to
    /// [`summary_path`] beside it (each in place of the old file when complete: a failure
    /// leaves an existing file as it was).
    pub fn write_csv(&self, path: &std::path::Path) -> std::io::Result<()> {
        crate::files::atomic::write(path, self.to_csv().as_bytes())?;
        crate::files::atomic::write(&summary_path(path), self.summary_text().as_bytes())
    }
}

/// Where an Expect report's summary goes: `report.csv` → `report.summary.txt`, beside it.
pub fn summary_path(csv: &std::path::Path) -> std::path::PathBuf {
    let stem = csv
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "expect".into());
    csv.with_file_name(format!("{stem}.summary.txt"))
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn one_line(s: &str) -> String {
    s.replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles() {
        let v: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&v, 50), Some(Duration::from_millis(50)));
        assert_eq!(percentile(&v, 95), Some(Duration::from_millis(95)));
        assert_eq!(percentile(&v[..1], 95), Some(Duration::from_millis(1)));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn the_summary_goes_beside_the_csv() {
        use std::path::Path;
        assert_eq!(
            summary_path(Path::new("/tmp/run/report.csv")),
            Path::new("/tmp/run/report.summary.txt")
        );
        assert_eq!(summary_path(Path::new("out")), Path::new("out.summary.txt"));
    }
}
