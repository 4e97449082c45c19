//! Reading a record back: line by line, each line checked whole (its `hex` is hex and as
//! long as `len` says), a bad line an error naming it.

use super::Record;
use std::io::{self, BufRead, BufReader};

/// A record line that could not be read, with its line number.
#[derive(Debug)]
pub struct ReadError {
    /// 1-based; 0 for what is not one line (the cut tail of a binary spool).
    pub line: usize,
    pub message: String,
    /// The file could not be read any further (an I/O error, not a bad line): the records
    /// end here, and an export built from them is incomplete, so it is not saved.
    pub fatal: bool,
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Line 0: not about one line (a binary spool's cut tail says where it is itself).
        if self.line == 0 {
            f.write_str(&self.message)
        } else {
            write!(f, "line {}: {}", self.line, self.message)
        }
    }
}

/// Reads a record file line by line. Blank lines are skipped; a bad line is an error naming it.
/// A read error of the file itself is a `fatal` error, and the last item.
pub fn read_records<R: io::Read>(r: R) -> impl Iterator<Item = Result<Record, ReadError>> {
    let mut ended = false;
    BufReader::new(r)
        .lines()
        .enumerate()
        .map_while(move |(i, line)| {
            if ended {
                return None;
            }
            Some(match line {
                // Not UTF-8: that line is bad, the reader is past it.
                Err(e) if e.kind() == io::ErrorKind::InvalidData => Some(Err(ReadError {
                    line: i + 1,
                    message: e.to_string(),
                    fatal: false,
                })),
                // The file itself failed: nothing after this can be trusted (or read).
                Err(e) => {
                    ended = true;
                    Some(Err(ReadError {
                        line: i + 1,
                        message: e.to_string(),
                        fatal: true,
                    }))
                }
                Ok(l) if l.trim().is_empty() => None,
                Ok(l) => Some(
                    serde_json::from_str::<Record>(&l)
                        .map_err(|e| e.to_string())
                        .and_then(Record::checked)
                        .map_err(|message| ReadError {
                            line: i + 1,
                            message,
                            fatal: false,
                        }),
                ),
            })
        })
        .flatten()
}

impl Record {
    /// The record if its bytes are whole: an rx/tx's `hex` is hex and as long as `len` says
    /// (a damaged line is refused, never exported without its packet or with wrong bytes).
    fn checked(self) -> Result<Record, String> {
        if let Some(h) = &self.hex {
            // What the writer writes (plain hex digits, `len` bytes): checked without
            // decoding, since readers decode it again where they need the bytes.
            let plain = h.len().is_multiple_of(2) && h.bytes().all(|b| b.is_ascii_hexdigit());
            if plain && self.len.is_none_or(|n| n * 2 == h.len()) {
                return Ok(self);
            }
            let Some(b) = self.bytes() else {
                return Err(format!(
                    "\"hex\" is not hex: {}",
                    h.chars().take(16).collect::<String>()
                ));
            };
            if let Some(n) = self.len
                && n != b.len()
            {
                return Err(format!("\"len\" says {n} bytes, \"hex\" holds {}", b.len()));
            }
        }
        Ok(self)
    }
}
