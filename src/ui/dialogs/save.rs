//! Save log…: exports a whole session from its spool file (binary, or JSON Lines; every event, not only those
//! still in memory) to txt, csv, jsonl, pcapng or html, on a background thread; and the
//! data directory where spools live.

use crate::codec::Encoding;
use crate::files::atomic::{AtomicFile, same_file};
use crate::i18n::{Lang, english, loader};
use crate::log::Describe;
use crate::log::Entry;
use crate::log::export::{self, ExportReport, Format};
use crate::log::record::{ReadError, Record, read_records};
use i18n_embed_fl::fl;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// What an export reads: the spool (synced first) or, when there is none, the rows in memory.
pub enum Source {
    /// The spool, from its event `skip` on (0: all of it; more: the rest of a record that
    /// stopped, which the spool still holds).
    Spool {
        path: PathBuf,
        sync: Box<dyn FnOnce() -> bool + Send>,
        skip: u64,
    },
    Memory {
        rows: Vec<Entry>,
        why: String,
    },
    /// Recording stopped (`why`: disk full, the cap…): the spool up to where it stopped,
    /// then the rows in memory that came after it. `evicted`: memory has let go of rows,
    /// so some of those after the stop may be gone.
    Stopped {
        path: PathBuf,
        sync: Box<dyn FnOnce() -> bool + Send>,
        rows: Vec<Entry>,
        evicted: bool,
        why: String,
    },
}

/// A file name for the save dialog.
pub fn suggested_name(role: &str, format: Format) -> String {
    let t = chrono::Local::now().format("%Y%m%d-%H%M%S");
    format!("{role}-{t}.{}", format.extension())
}

/// What Save log… asks for: a file to write, one filter per format, plain text first
/// (what opens anywhere; JSON Lines is for programs).
pub fn save_request(title: &str, name: &str) -> super::file_dialog::FileRequest {
    let order = [
        Format::Txt,
        Format::Csv,
        Format::Jsonl,
        Format::Pcapng,
        Format::Html,
    ];
    super::file_dialog::FileRequest {
        title: title.to_string(),
        save: true,
        file_name: name.to_string(),
        filters: order
            .into_iter()
            .map(|f| {
                (
                    format!("{} (*.{})", f.description(), f.extension()),
                    vec![f.extension()],
                )
            })
            .collect(),
    }
}

/// Adds `.txt` to a path whose extension names no format.
pub fn with_format(p: PathBuf) -> PathBuf {
    if Format::from_path(&p).is_some() {
        p
    } else {
        let mut s = p.into_os_string();
        s.push(".txt");
        PathBuf::from(s)
    }
}

/// The end of the last complete line within the first `len` bytes of `f` (a writer may
/// be appending after the sync point; a half-written line is left for the next save).
fn complete_prefix(f: &mut File, len: u64) -> io::Result<u64> {
    let mut end = len;
    let mut buf = vec![0u8; 64 * 1024];
    while end > 0 {
        let start = end.saturating_sub(buf.len() as u64);
        let n = usize::try_from(end - start).unwrap_or(buf.len());
        f.seek(SeekFrom::Start(start))?;
        f.read_exact(&mut buf[..n])?;
        if let Some(i) = buf[..n].iter().rposition(|b| *b == b'\n') {
            f.seek(SeekFrom::Start(0))?;
            return Ok(start + i as u64 + 1);
        }
        end = start;
    }
    f.seek(SeekFrom::Start(0))?;
    Ok(0)
}

fn write_out(
    records: impl Iterator<Item = Result<Record, ReadError>>,
    output: &Path,
    format: Format,
    enc: Encoding,
    lang: Lang,
) -> Result<ExportReport, String> {
    let path = output.display().to_string();
    let path = path.as_str();
    let cannot_write = |e: &io::Error| {
        fl!(
            loader(lang),
            "save-cannot-write",
            path = path,
            err = why_not_written(lang, e)
        )
    };
    // A full disk, a quota, a size limit: said in the UI's words, and that the file that
    // was there is kept.
    let write_failed = |e: &io::Error| {
        fl!(
            loader(lang),
            "save-write-failed-kept",
            path = path,
            err = why_not_written(lang, e)
        )
    };
    // Written beside the target and renamed over it when complete: a failed save leaves
    // an existing file as it was.
    let out = AtomicFile::create(output).map_err(|e| cannot_write(&e))?;
    let mut w = BufWriter::with_capacity(1 << 20, out);
    // For people in the window's language and local time (CSV with a BOM for Excel);
    // JSON Lines and pcapng stay as programs read them.
    let style = crate::i18n_export::export_style(lang, false, false);
    let report = export::export_styled(records, &mut w, format, Some(enc), &style)
        .and_then(|r| w.flush().map(|_| r))
        .map_err(|e| write_failed(&e))?;
    if let Some(bad) = report.unreadable() {
        return Err(fl!(
            loader(lang),
            "save-failed-path",
            path = path,
            err = bad.to_string()
        ));
    }
    w.into_inner()
        .map_err(|e| write_failed(e.error()))?
        .commit()
        .map_err(|e| write_failed(&e))?;
    Ok(report)
}

/// Why a write failed, in `lang` (see [`crate::i18n::write_problem`]).
pub fn why_not_written(lang: Lang, e: &io::Error) -> String {
    crate::i18n::write_problem(lang, crate::files::WriteProblem::of(e), &e.to_string())
}

/// Exports a session to `output` (its extension names the format), decoding text in
/// `enc`. Returns the status-line message: Ok for a full save, Err for a failure or a
/// save that skipped something. Blocks: run it off the UI thread.
/// The messages are in `lang`.
pub fn export_session(
    source: Source,
    output: &Path,
    enc: Encoding,
    lang: Lang,
) -> Result<String, String> {
    let failed = |e: &dyn std::fmt::Display| fl!(loader(lang), "save-failed", err = e.to_string());
    let format = Format::from_path(output).ok_or_else(|| {
        fl!(
            loader(lang),
            "save-unknown-format",
            path = output.display().to_string()
        )
    })?;
    // A save never reads the spool it writes to.
    if let Source::Spool { path, .. } | Source::Stopped { path, .. } = &source
        && same_file(path, output)
    {
        return Err(fl!(
            loader(lang),
            "save-same-file",
            path = output.display().to_string()
        ));
    }
    let (report, caveat) = match source {
        Source::Stopped {
            path,
            sync,
            rows,
            evicted,
            why,
        } => {
            // Whatever the writer still had queued (the cap stops taking events, not writing).
            sync();
            let (report, caveat) =
                export_stopped(&path, rows, evicted, &why, output, format, enc, lang)
                    .map_err(|e| failed(&e))?;
            (report, Some(caveat))
        }
        Source::Spool { path, sync, skip } => {
            let synced = sync();
            let p = path.display().to_string();
            let failed_path = |e: io::Error| {
                fl!(
                    loader(lang),
                    "save-failed-path",
                    path = p.as_str(),
                    err = e.to_string()
                )
            };
            let f = File::open(&path).map_err(|e| {
                fl!(
                    loader(lang),
                    "save-cannot-read",
                    path = p.as_str(),
                    err = e.to_string()
                )
            })?;
            let records = spool_records(f, words(format, lang)).map_err(failed_path)?;
            let records = records.skip(usize::try_from(skip).unwrap_or(usize::MAX));
            let report = write_out(records, output, format, enc, lang).map_err(|e| failed(&e))?;
            let caveat = (!synced).then(|| fl!(loader(lang), "save-disk-stopped"));
            (report, caveat)
        }
        Source::Memory { rows, why } => {
            let records = rows.iter().map(|e| {
                Ok(Record::from_event(
                    &e.event,
                    Some(e.text.clone()),
                    enc,
                    words(format, lang),
                ))
            });
            let report = write_out(records, output, format, enc, lang).map_err(|e| failed(&e))?;
            (
                report,
                Some(fl!(loader(lang), "save-memory-only", why = why.as_str())),
            )
        }
    };
    let mut msg = fl!(
        loader(lang),
        "save-saved",
        n = thousands(report.events),
        count = report.events,
        path = output.display().to_string()
    );
    let bad = report.bad_lines.len();
    if bad > 0 {
        let first: Vec<String> = report
            .bad_lines
            .iter()
            .take(3)
            .map(|b| b.to_string())
            .collect();
        msg.push_str(&fl!(
            loader(lang),
            "save-bad-lines",
            bad = bad,
            lines = first.join("; ")
        ));
    }
    match caveat {
        Some(c) => Err(format!("{msg} · {c}")),
        None if bad > 0 => Err(msg),
        None => Ok(msg),
    }
}

/// The words of the events' messages in a saved file: the window's language for people
/// (txt, csv, html), English for programs (JSON Lines, pcapng).
fn words(format: Format, lang: Lang) -> Describe {
    match format {
        Format::Jsonl | Format::Pcapng => english,
        _ => crate::i18n_export::describe_fn(lang),
    }
}

/// The events of a spool file (binary, or JSON Lines from older versions). A record torn
/// at the end is one the writer is still appending: left for the next save. Damage is
/// reported.
fn spool_records(mut f: File, words: Describe) -> io::Result<Records> {
    let len = f.metadata()?.len();
    if crate::log::input::file_is_spool(&mut f)? {
        crate::log::input::open_records(f, len, false, words)
    } else {
        let cut = complete_prefix(&mut f, len)?;
        Ok(Box::new(read_records(f.take(cut))))
    }
}

type Records = Box<dyn Iterator<Item = Result<Record, ReadError>> + Send>;

/// Save log… after recording stopped: what the spool holds, then the rows in memory
/// newer than its last event. Returns the report and what to say about the two parts and
/// what may be missing between them.
#[allow(clippy::too_many_arguments)]
fn export_stopped(
    path: &Path,
    rows: Vec<Entry>,
    evicted: bool,
    why: &str,
    output: &Path,
    format: Format,
    enc: Encoding,
    lang: Lang,
) -> Result<(ExportReport, String), String> {
    use std::cell::{Cell, RefCell};
    // No readable disk copy: the rows in memory are all there is.
    let from_disk: Records = File::open(path)
        .and_then(|f| spool_records(f, words(format, lang)))
        .unwrap_or_else(|_| Box::new(std::iter::empty()));
    let last_ts: RefCell<Option<String>> = RefCell::new(None);
    let (disk, memory) = (Cell::new(0u64), Cell::new(0u64));
    let disk_part = from_disk.inspect(|r| {
        if let Ok(rec) = r {
            disk.set(disk.get() + 1);
            *last_ts.borrow_mut() = Some(rec.ts.clone());
        }
    });
    let first_kept = RefCell::new(None);
    let memory_part = rows
        .iter()
        .map(|e| Record::from_event(&e.event, Some(e.text.clone()), enc, words(format, lang)))
        .filter(|r| {
            let newer = last_ts.borrow().as_ref().is_none_or(|t| r.ts > *t);
            if newer {
                memory.set(memory.get() + 1);
                first_kept.borrow_mut().get_or_insert_with(|| r.ts.clone());
            }
            newer
        })
        .map(Ok);
    let report = write_out(disk_part.chain(memory_part), output, format, enc, lang)?;
    let mut caveat = fl!(
        loader(lang),
        "save-stopped-parts",
        disk = thousands(disk.get()),
        memory = thousands(memory.get()),
        why = why
    );
    if evicted {
        let after = last_ts.borrow().clone().unwrap_or_default();
        let before = first_kept.borrow().clone().unwrap_or_default();
        caveat.push_str(" · ");
        caveat.push_str(&fl!(
            loader(lang),
            "save-stopped-gap",
            after = after,
            before = before
        ));
    }
    Ok((report, caveat))
}

pub use crate::i18n_events::thousands;

/// `1536` → `1.5 KiB`.
pub fn human_size(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut u = 0;
    while v >= 1024.0 && u + 1 < UNITS.len() {
        v /= 1024.0;
        u += 1;
    }
    format!("{v:.1} {}", UNITS[u])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(3_412_118), "3,412,118");
        assert_eq!(human_size(1536), "1.5 KiB");
    }

    #[test]
    fn half_written_last_line_is_left_out() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a");
        std::fs::write(&p, b"one\ntwo\nthr").unwrap();
        let mut f = File::open(&p).unwrap();
        assert_eq!(complete_prefix(&mut f, 11).unwrap(), 8);
        assert_eq!(complete_prefix(&mut f, 3).unwrap(), 0);
    }
}
