//! A crowd's live counts (one line a second) and its summary at the end, in English on
//! stdout, from the runtime's typed [`CrowdView`].

use crate::net::ErrorKind;
use crate::session::crowd::seq::CrowdSeqView;
use crate::session::crowd::{ByKind, CrowdView, Percentiles};

/// The short name of an error kind (the record's `error_kind`).
pub fn kind_name(k: ErrorKind) -> String {
    serde_json::to_value(k)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| format!("{k:?}"))
}

fn by_kind(b: &ByKind) -> String {
    if b.0.is_empty() {
        return "none".into();
    }
    b.0.iter()
        .map(|(k, n)| format!("{} {n}", kind_name(*k)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn ms(us: Option<u64>) -> String {
    us.map_or("-".into(), |u| format!("{:.2} ms", u as f64 / 1000.0))
}

fn pct(p: &Percentiles) -> String {
    format!(
        "p50 {}, p95 {}, p99 {}, max {} ({} measured)",
        ms(p.p50_us),
        ms(p.p95_us),
        ms(p.p99_us),
        ms(p.max_us),
        p.count
    )
}

/// The live counts, one line.
pub fn counts_line(v: &CrowdView) -> String {
    let what = if v.udp { "sources" } else { "connections" };
    let mut line = format!(
        "crowd: {} {what}: {} connecting, {} open, {} closed, {} failed to open ({})",
        v.planned,
        v.connecting,
        v.open,
        v.closed,
        v.failed.total(),
        by_kind(&v.failed)
    );
    if let Some((p, f, w)) = v.expect {
        line.push_str(&format!("; expect {p} passed, {f} failed, {w} waiting"));
    }
    line
}

/// The summary, a few lines.
pub fn summary_lines(v: &CrowdView) -> Vec<String> {
    let what = if v.udp { "sources" } else { "connections" };
    let opened = if v.udp { "bound" } else { "opened" };
    let again = match v.reopens {
        0 => String::new(),
        n => format!("; {n} opened again"),
    };
    let mut out = vec![
        format!(
            "crowd summary: {} {what}: {} {opened} (at most {} open at once{again}), {} closed, {} still open, {} failed to open ({}), {} not started (the session ended first)",
            v.planned,
            v.opened,
            v.max_open,
            v.closed,
            v.open,
            v.failed.total(),
            by_kind(&v.failed),
            v.not_started
        ),
        format!(
            "crowd summary: {} sends, {} not sent (no connection open), {} replies; reply latency (first reply after a send): {}",
            v.sends,
            v.unsent,
            v.replies,
            pct(&v.reply)
        ),
        format!("crowd summary: errors by kind: {}", by_kind(&v.errors)),
    ];
    if !v.udp {
        out.insert(
            1,
            format!("crowd summary: connect time: {}", pct(&v.connect)),
        );
    }
    if let Some((p, f, w)) = v.expect {
        out.push(format!(
            "crowd summary: expect: {p} {what} passed, {} failed",
            f + w
        ));
    }
    out
}

/// The summary of a crowd's sequence, one line: passed, failed (by step and kind),
/// not finished.
/// `never_opened`: the crowd's connections that failed to open (their sequence never
/// started), with why, so "not finished" is not the only word for a refused connection.
pub fn sequence_line(v: &CrowdSeqView, udp: bool, never_opened: Option<&ByKind>) -> String {
    let what = if udp { "sources" } else { "connections" };
    let mut line = format!(
        "crowd summary: sequence: {} {what} passed, {} failed",
        v.passed, v.failed
    );
    if !v.by_step.is_empty() {
        let rows: Vec<String> = v
            .by_step
            .iter()
            .map(|r| format!("{}: {}", r.english(), r.count))
            .collect();
        line.push_str(&format!(" ({})", rows.join(", ")));
    }
    match never_opened.filter(|b| b.total() > 0) {
        Some(b) => {
            let rest = if v.not_finished > b.total() {
                "; the rest: the session ended first"
            } else {
                ""
            };
            line.push_str(&format!(
                ", {} not finished ({} never opened: {}{rest})",
                v.not_finished,
                b.total(),
                by_kind(b)
            ))
        }
        None => line.push_str(&format!(
            ", {} not finished (the session ended first, or never opened)",
            v.not_finished
        )),
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_name_counts_and_kinds() {
        let mut v = CrowdView {
            planned: 10,
            open: 7,
            max_open: 8,
            closed: 1,
            ..CrowdView::default()
        };
        v.failed.0.push((ErrorKind::Refused, 2));
        let l = counts_line(&v);
        assert!(l.contains("7 open") && l.contains("refused 2"), "{l}");
        let s = summary_lines(&v).join("\n");
        assert!(
            s.contains("at most 8 open at once") && s.contains("2 failed"),
            "{s}"
        );
        assert_eq!(
            kind_name(ErrorKind::TooManyOpenFiles),
            "too-many-open-files"
        );
    }
}
