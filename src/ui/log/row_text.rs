//! A log row as a line of text: Copy (each row as shown, text or hex) and the window's
//! .txt save.

use super::log_cells::{format_time, peer_text};
use crate::codec::{Encoding, to_hex_spaced};
use crate::log::{Entry, RecordWriter};
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// One row as a text line: `time  dir  peer  len  text` (for .txt saves).
pub fn format_row_text(e: &Entry) -> String {
    format_row(e, false)
}

/// One row as a line, its data as shown: as text, or with `hex` as spaced hex bytes (all
/// of them) — what Copy gives.
pub fn format_row(e: &Entry, hex: bool) -> String {
    let len = e.data().map(|d| d.len().to_string()).unwrap_or_default();
    let data: std::borrow::Cow<str> = match e.data() {
        Some(d) if hex => to_hex_spaced(d).into(),
        _ => e.text.as_str().into(),
    };
    let line = format!(
        "{}  {}  {}  {}  {}",
        format_time(e.event.ts_us),
        e.arrow(),
        // Copied text keeps the record's spelling of an address (`unix:(unnamed #3)`).
        peer_text(e, crate::i18n::Lang::En),
        len,
        data
    );
    crate::codec::visible(&line).into_owned()
}

/// Writes rows to `path`: text lines for `.txt`, otherwise JSON Lines records.
pub fn write_log(path: &Path, rows: &[Entry], enc: Encoding) -> io::Result<usize> {
    let txt = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("txt"));
    // Renamed over `path` only when complete: a failure leaves an existing file as it was.
    let mut f = BufWriter::new(crate::files::atomic::AtomicFile::create(path)?);
    if txt {
        for r in rows {
            writeln!(f, "{}", format_row_text(r))?;
        }
    } else {
        let mut w = RecordWriter::new(&mut f, enc, crate::i18n::english);
        w.flush_each = false;
        for r in rows {
            w.write_event(&r.event)?;
        }
        w.flush()?;
    }
    f.into_inner().map_err(|e| e.into_error())?.commit()?;
    Ok(rows.len())
}
