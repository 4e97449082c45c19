//! The export formats for people and the record's own form: plain text with hex dumps,
//! CSV safe for spreadsheets, JSON Lines, and a self-contained HTML table.

use super::style::Style;
use super::{ExportReport, Sink};
use crate::codec::escape::visible_keeping;
use crate::codec::{hex::hexdump, visible};
use crate::log::record::Record;
use std::io::{self, Write};

fn arrow(rec: &Record) -> &'static str {
    // A relay's data: → client to server (up), ← server to client (down).
    match rec.dir.filter(|_| rec.len.is_some()) {
        Some(crate::net::relay::Dir::Up) => return "→",
        Some(crate::net::relay::Dir::Down) => return "←",
        None => {}
    }
    match rec.event.as_str() {
        "rx" => "←",
        "tx" => "→",
        "error" | "reset" => "⚠",
        _ => "•",
    }
}

/// True if decoded text would read well: no U+FFFD, no control characters but \t \r \n.
fn is_text(t: &str) -> bool {
    !t.chars()
        .any(|c| c == '\u{fffd}' || (c.is_control() && !matches!(c, '\t' | '\r' | '\n')))
}

pub(super) struct Txt(pub Style);

impl<W: Write> Sink<W> for Txt {
    fn record(&mut self, out: &mut W, rec: &Record) -> io::Result<u64> {
        let peer = match (&rec.peer, rec.client.or(rec.pair)) {
            (Some(p), Some(c)) => format!("{p} #{c}"),
            (Some(p), None) => p.clone(),
            (None, _) => rec
                .local
                .clone()
                .map(|l| format!("{} {l}", self.0.labels.local))
                .unwrap_or_else(|| "-".into()),
        };
        let len = rec.len.map(|l| l.to_string()).unwrap_or_else(|| "-".into());
        let worded = self.0.describe.is_some();
        let body = match (&rec.text, self.0.message(rec)) {
            (Some(t), _) => t.clone(),
            // In the reader's language the sentence says what happened on its own.
            (None, Some(m)) if worded => m,
            (None, Some(m)) => format!("[{}] {m}", rec.event),
            (None, None) => format!("[{}]", rec.event),
        };
        // Every field escaped (a record file may come from anywhere, not only the text):
        // `cat` of the export never hands a peer's ESC, BEL or bidi override to a terminal.
        let ts = self.0.time(rec);
        let line = format!("{ts}  {}  {}  {}  {}", arrow(rec), peer, len, body);
        writeln!(out, "{}", visible(&line))?;
        if let (Some(bytes), Some(t)) = (rec.bytes(), &rec.text)
            && (!is_text(t) || !bytes.is_empty() && t.is_empty())
        {
            for line in hexdump(&bytes).lines() {
                writeln!(out, "    {line}")?;
            }
        }
        Ok(0)
    }
}

pub(super) struct Csv(pub Style);

/// One CSV cell: RFC 4180 quoting, and a leading `'` on anything a spreadsheet would run.
pub fn csv_cell(s: &str) -> String {
    let mut v = String::with_capacity(s.len() + 2);
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        v.push('\'');
    }
    v.push_str(s);
    if v.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", v.replace('"', "\"\""))
    } else {
        v
    }
}

impl<W: Write> Sink<W> for Csv {
    fn begin(&mut self, out: &mut W) -> io::Result<()> {
        if self.0.bom {
            out.write_all("\u{feff}".as_bytes())?;
        }
        let heads: Vec<String> = self.0.labels.csv.iter().map(|h| csv_cell(h)).collect();
        write!(out, "{}\r\n", heads.join(","))
    }

    fn record(&mut self, out: &mut W, r: &Record) -> io::Result<u64> {
        let o = |x: &Option<String>| x.clone().unwrap_or_default();
        let cells = [
            self.0.time(r),
            r.session.clone(),
            // A relay's data says its direction (up = client → server) for rx/tx.
            match r.dir.filter(|_| r.len.is_some()) {
                Some(d) => d.as_str().to_string(),
                None => r.event.clone(),
            },
            o(&r.local),
            o(&r.peer),
            // A relay's pair in the client column.
            r.client
                .or(r.pair)
                .map(|c| c.to_string())
                .unwrap_or_default(),
            r.len.map(|c| c.to_string()).unwrap_or_default(),
            o(&r.hex),
            o(&r.text),
            o(&r.encoding),
            self.0.message(r).unwrap_or_default(),
            o(&r.by),
        ];
        // Control characters shown escaped, but for tab, CR and LF, which quoting holds.
        let line: Vec<String> = cells
            .iter()
            .map(|c| csv_cell(&visible_keeping(c, |c| matches!(c, '\t' | '\r' | '\n'))))
            .collect();
        write!(out, "{}\r\n", line.join(","))?;
        Ok(0)
    }
}

pub(super) struct Jsonl;

impl<W: Write> Sink<W> for Jsonl {
    fn record(&mut self, out: &mut W, rec: &Record) -> io::Result<u64> {
        serde_json::to_writer(&mut *out, rec).map_err(io::Error::other)?;
        out.write_all(b"\n")?;
        Ok(0)
    }
}

pub(super) struct Html(pub Style);

/// Escapes text for HTML element content and attribute values.
pub fn html_escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

impl<W: Write> Sink<W> for Html {
    fn begin(&mut self, out: &mut W) -> io::Result<()> {
        let l = &self.0.labels;
        let title = html_escape(&l.title);
        write!(
            out,
            r#"<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{title}</title>
<style>
body{{font-family:system-ui,sans-serif;margin:1em}}
table{{border-collapse:collapse;font-size:13px}}
th,td{{border:1px solid #ccc;padding:2px 6px;vertical-align:top;text-align:left}}
th{{background:#eee;position:sticky;top:0}}
td.data{{font-family:ui-monospace,monospace;white-space:pre-wrap;word-break:break-all;max-width:40em}}
tr.rx td.dir{{color:#06c}} tr.tx td.dir{{color:#080}} tr.warn{{background:#fee}}
</style></head><body>
<h1>{title}</h1>
<table><thead><tr>"#
        )?;
        for h in &l.html {
            write!(out, "<th>{}</th>", html_escape(h))?;
        }
        writeln!(out, "</tr></thead><tbody>")
    }

    fn record(&mut self, out: &mut W, r: &Record) -> io::Result<u64> {
        let class = match r.event.as_str() {
            "rx" => "rx",
            "tx" => "tx",
            "error" | "reset" => "warn",
            _ => "info",
        };
        let peer = match (&r.peer, r.client.or(r.pair)) {
            (Some(p), Some(c)) => format!("{p} #{c}"),
            (Some(p), None) => p.clone(),
            _ => String::new(),
        };
        let text = r
            .text
            .clone()
            .or_else(|| self.0.message(r))
            .unwrap_or_default();
        let hex = r.hex.as_deref().map(spaced).unwrap_or_default();
        writeln!(
            out,
            "<tr class=\"{class}\"><td>{}</td><td>{}</td><td class=\"dir\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"data\">{}</td><td class=\"data\">{}</td></tr>",
            html_escape(&self.0.time(r)),
            html_escape(&r.session),
            arrow(r),
            html_escape(&r.event),
            html_escape(&peer),
            r.len.map(|l| l.to_string()).unwrap_or_default(),
            html_escape(&visible(&text)),
            html_escape(&hex),
        )?;
        Ok(0)
    }

    fn end(&mut self, out: &mut W, report: &ExportReport) -> io::Result<()> {
        writeln!(
            out,
            "</tbody></table><p>{}</p></body></html>",
            html_escape(&self.0.events_total(report.events))
        )
    }
}

fn spaced(hex: &str) -> String {
    let b = hex.as_bytes();
    let mut s = String::with_capacity(hex.len() * 3 / 2);
    for (i, pair) in b.chunks(2).enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(std::str::from_utf8(pair).unwrap_or("??"));
    }
    s
}
