//! Exports a session log (a binary spool or a JSON Lines record) to other formats: plain text (with hex dumps), CSV safe
//! for spreadsheets, the JSONL itself, pcapng that Wireshark opens as real packets
//! (UDP datagrams, and TCP streams with a synthesised handshake and teardown), and a
//! self-contained HTML table. Bad record lines are reported by number; the rest converts.

use super::Describe;
use super::record::{ReadError, Record};
use super::text::Decoders;
use crate::codec::Encoding;
use crate::files::atomic::{AtomicFile, same_file};
use std::collections::HashMap;
use std::fmt;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

mod sinks;
pub mod style;

use sinks::{Csv, Html, Jsonl, Txt};
pub use sinks::{csv_cell, html_escape};
use style::Style;

/// An export format, chosen by file extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Txt,
    Csv,
    Jsonl,
    Pcapng,
    Html,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Txt,
        Format::Csv,
        Format::Jsonl,
        Format::Pcapng,
        Format::Html,
    ];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Txt => "txt",
            Format::Csv => "csv",
            Format::Jsonl => "jsonl",
            Format::Pcapng => "pcapng",
            Format::Html => "html",
        }
    }

    /// The name shown in a save dialog's filter.
    pub fn description(self) -> &'static str {
        match self {
            Format::Txt => "Text",
            Format::Csv => "CSV (spreadsheets)",
            Format::Jsonl => "JSON Lines (the record)",
            Format::Pcapng => "pcapng (Wireshark)",
            Format::Html => "HTML page",
        }
    }

    pub fn from_path(p: &Path) -> Option<Format> {
        let ext = p.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "log" => Some(Format::Txt),
            "csv" => Some(Format::Csv),
            "jsonl" | "json" | "ndjson" => Some(Format::Jsonl),
            "pcapng" => Some(Format::Pcapng),
            "html" | "htm" => Some(Format::Html),
            _ => None,
        }
    }
}

/// What an export did.
#[derive(Debug, Default)]
pub struct ExportReport {
    pub events: u64,
    pub packets: u64,
    /// Lines of the record that could not be read (they are skipped, the rest is converted).
    pub bad_lines: Vec<ReadError>,
}

impl ExportReport {
    /// The read error that cut the input short, if one did: the export is incomplete and
    /// must not replace anything.
    pub fn unreadable(&self) -> Option<&ReadError> {
        self.bad_lines.iter().find(|b| b.fatal)
    }
}

#[derive(Debug)]
pub enum ExportError {
    /// The output's name gives no format.
    Usage(String),
    Input(String),
    Output(String),
    /// The output names the input file itself (the same path, a symlink or a hard link
    /// to it): refused before anything is opened for writing.
    SameFile {
        input: PathBuf,
        output: PathBuf,
    },
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::Usage(m) | ExportError::Input(m) | ExportError::Output(m) => {
                f.write_str(m)
            }
            ExportError::SameFile { input, output } if input == output => write!(
                f,
                "{} is the input file: exporting onto it would destroy it; choose another output file",
                output.display()
            ),
            ExportError::SameFile { input, output } => write!(
                f,
                "{} is the input file {} (another name for it): exporting onto it would destroy it; choose another output file",
                output.display(),
                input.display()
            ),
        }
    }
}

impl std::error::Error for ExportError {}

/// Exports the log file `input` (a binary spool or a JSON Lines record, told apart by the
/// spool's magic) to `output`, in the format its extension names.
/// With `encoding`, text is decoded again from the raw bytes in that encoding.
/// `describe` words the messages of a spool's events (callers give i18n's `english`).
/// The output is written beside its target and renamed over it when complete
/// ([`AtomicFile`]): a failed export leaves an existing `output` as it was. An `output` that
/// is the input itself is refused ([`ExportError::SameFile`]).
pub fn export_file(
    input: &Path,
    output: &Path,
    encoding: Option<Encoding>,
    describe: Describe,
) -> Result<ExportReport, ExportError> {
    export_file_with(input, output, encoding, describe, true, &Style::plain())
}

/// [`export_file`], and with `skip_bad` false a record with a line that cannot be read is
/// refused (nothing is written; the error names the line) instead of exported without it.
/// A file with no readable line at all is refused either way: it is no record.
pub fn export_file_with(
    input: &Path,
    output: &Path,
    encoding: Option<Encoding>,
    describe: Describe,
    skip_bad: bool,
    style: &Style,
) -> Result<ExportReport, ExportError> {
    let format = Format::from_path(output).ok_or_else(|| {
        ExportError::Usage(format!(
            "cannot tell the format of {}: end the name with .txt, .csv, .jsonl, .pcapng or .html",
            output.display()
        ))
    })?;
    if same_file(input, output) {
        return Err(ExportError::SameFile {
            input: input.to_path_buf(),
            output: output.to_path_buf(),
        });
    }
    let inp = File::open(input)
        .and_then(|f| super::input::open_records(f, u64::MAX, true, describe))
        .map_err(|e| ExportError::Input(format!("cannot read {}: {e}", input.display())))?;
    let out = AtomicFile::create(output)
        .map_err(|e| ExportError::Output(format!("cannot write {}: {e}", output.display())))?;
    let failed = |e: &dyn fmt::Display| {
        ExportError::Output(format!("writing {} failed: {e}", output.display()))
    };
    let mut w = BufWriter::with_capacity(1 << 20, out);
    let report = export_styled(inp, &mut w, format, encoding, style)
        .and_then(|r| w.flush().map(|_| r))
        .map_err(|e| failed(&e))?;
    if let Some(bad) = report.unreadable() {
        return Err(ExportError::Input(format!(
            "reading {} failed, so nothing was written: {bad}",
            input.display()
        )));
    }
    if let Some(first) = report.bad_lines.first() {
        if report.events == 0 {
            return Err(ExportError::Input(format!(
                "{} is not a record: no line of it could be read ({first}); nothing was written",
                input.display()
            )));
        }
        if !skip_bad {
            return Err(ExportError::Input(format!(
                "{}: {} unreadable record(s), the first {first}; nothing was written (give --skip-bad to export the rest and name what was skipped)",
                input.display(),
                report.bad_lines.len()
            )));
        }
    }
    w.into_inner()
        .map_err(|e| failed(e.error()))?
        .commit()
        .map_err(|e| failed(&e))?;
    Ok(report)
}

/// Exports records to a writer, in the record's own words and UTC.
pub fn export<W: Write>(
    records: impl Iterator<Item = Result<Record, ReadError>>,
    out: &mut W,
    format: Format,
    encoding: Option<Encoding>,
) -> io::Result<ExportReport> {
    export_styled(records, out, format, encoding, &Style::plain())
}

/// Exports records to a writer; txt, csv and html in `style` (words, time, BOM).
pub fn export_styled<W: Write>(
    records: impl Iterator<Item = Result<Record, ReadError>>,
    out: &mut W,
    format: Format,
    encoding: Option<Encoding>,
    style: &Style,
) -> io::Result<ExportReport> {
    let mut report = ExportReport::default();
    let mut decoders: HashMap<String, Decoders> = HashMap::new();
    let mut sink: Box<dyn Sink<W>> = match format {
        Format::Txt => Box::new(Txt(style.clone())),
        Format::Csv => Box::new(Csv(style.clone())),
        Format::Jsonl => Box::new(Jsonl),
        Format::Html => Box::new(Html(style.clone())),
        Format::Pcapng => Box::new(super::pcap::Pcap::default()),
    };
    sink.begin(out)?;
    for r in records {
        let mut rec = match r {
            Ok(r) => r,
            Err(e) => {
                report.bad_lines.push(e);
                continue;
            }
        };
        // Re-decode text from the bytes if asked, following each TCP stream. Without an
        // encoding, data records the record left without `text` (bytes that were not
        // valid text) get it decoded in their recorded encoding, as the view shows them.
        let recorded = || {
            rec.encoding
                .as_deref()
                .and_then(Encoding::for_label)
                .unwrap_or(Encoding::UTF_8)
        };
        let enc = match encoding {
            Some(e) => Some(e),
            None if rec.hex.is_some() && rec.text.is_none() => Some(recorded()),
            // Connection boundaries end the streams of the decoders in use.
            None if rec.hex.is_none() && !decoders.is_empty() => Some(recorded()),
            None => None,
        };
        if let Some(enc) = enc
            && let Some(ev) = rec.to_event()
        {
            let d = decoders
                .entry(rec.session.clone())
                .or_insert_with(|| Decoders::new(enc));
            if d.encoding() != enc && rec.hex.is_some() {
                d.set_encoding(enc);
            }
            if let Some(t) = d.text(&ev)
                && (encoding.is_some() || rec.text.is_none())
            {
                rec.text = Some(t);
                rec.encoding = Some(enc.label());
            }
        }
        report.packets += sink.record(out, &rec)?;
        report.events += 1;
    }
    sink.end(out, &report)?;
    Ok(report)
}

trait Sink<W: Write> {
    fn begin(&mut self, _out: &mut W) -> io::Result<()> {
        Ok(())
    }
    /// Writes one record; returns how many packets it became (pcapng).
    fn record(&mut self, out: &mut W, rec: &Record) -> io::Result<u64>;
    fn end(&mut self, _out: &mut W, _report: &ExportReport) -> io::Result<()> {
        Ok(())
    }
}

impl<W: Write> Sink<W> for super::pcap::Pcap {
    fn begin(&mut self, out: &mut W) -> io::Result<()> {
        super::pcap::Pcap::begin(self, out)
    }

    fn record(&mut self, out: &mut W, rec: &Record) -> io::Result<u64> {
        super::pcap::Pcap::record(self, out, rec)
    }
}

/// `socket-tester export`: converts, prints a summary (and the lines skipped with
/// `skip_bad`) to stderr, returns the exit code: 0 done; 1 writing the output failed (an
/// existing output is left as it was); 2 bad input or usage — the input cannot be read, has
/// an unreadable line (without `skip_bad`) or none readable, the output's name gives no
/// format, or the output is the input.
pub fn run_cli(
    input: &Path,
    output: &Path,
    encoding: Option<Encoding>,
    describe: Describe,
    skip_bad: bool,
    style: &Style,
) -> i32 {
    match export_file_with(input, output, encoding, describe, skip_bad, style) {
        Ok(r) => {
            eprintln!(
                "exported {} events{} to {}",
                r.events,
                if r.packets > 0 {
                    format!(" ({} packets)", r.packets)
                } else {
                    String::new()
                },
                output.display()
            );
            for b in &r.bad_lines {
                eprintln!("skipped {b}");
            }
            if !r.bad_lines.is_empty() {
                eprintln!("skipped {} unreadable record(s)", r.bad_lines.len());
            }
            0
        }
        Err(e @ (ExportError::SameFile { .. } | ExportError::Input(_) | ExportError::Usage(_))) => {
            eprintln!("error: {e}");
            2
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}
