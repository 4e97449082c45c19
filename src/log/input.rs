//! Reading a session log in either of its formats as records, for the exports, Save log…
//! and crash recovery: the binary spool (detected by its magic) or a JSON Lines record.

use super::Describe;
use super::record::{ReadError, Record, read_records};
use super::spool_format::{MAGIC, SpoolReader, is_spool};
use super::text::Decoders;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};

/// Records from any reader.
pub type Records = Box<dyn Iterator<Item = Result<Record, ReadError>> + Send>;

/// The records of a binary spool, with text decoded in the encoding in effect when each
/// event was written (following TCP streams). A torn or damaged tail ends the records with
/// one error describing the cut, unless it is a torn end and `torn_is_error` is false.
pub struct SpoolRecords<R: Read> {
    reader: SpoolReader<R>,
    decoders: Decoders,
    describe: Describe,
    torn_is_error: bool,
    reported: bool,
}

impl<R: Read> SpoolRecords<R> {
    /// `describe` words the records' messages.
    pub fn new(reader: SpoolReader<R>, torn_is_error: bool, describe: Describe) -> Self {
        let enc = reader.encoding();
        SpoolRecords {
            reader,
            decoders: Decoders::new(enc),
            describe,
            torn_is_error,
            reported: false,
        }
    }
}

impl<R: Read> Iterator for SpoolRecords<R> {
    type Item = Result<Record, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(ev) = self.reader.next() {
            let enc = self.reader.encoding();
            if enc != self.decoders.encoding() {
                self.decoders.set_encoding(enc);
            }
            let text = self.decoders.text(&ev);
            return Some(Ok(Record::from_event(&ev, text, enc, self.describe)));
        }
        if self.reported {
            return None;
        }
        self.reported = true;
        let cut = self.reader.cut()?;
        if cut.torn && !self.torn_is_error {
            return None;
        }
        Some(Err(ReadError {
            line: 0,
            message: format!("spool record {}: {cut}", self.reader.records + 1),
            fatal: cut.io,
        }))
    }
}

/// True if the file starts with the binary spool's magic (the file position is restored).
pub fn file_is_spool(f: &mut File) -> io::Result<bool> {
    let mut start = [0u8; MAGIC.len()];
    let mut got = 0;
    while got < start.len() {
        match f.read(&mut start[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    f.seek(SeekFrom::Start(0))?;
    Ok(is_spool(&start[..got]))
}

/// The records of a file in either format: a binary spool (by its magic) or JSON Lines.
/// `limit`: read no further than this many bytes (a writer may still be appending).
/// `describe` words the messages of a spool's events (a JSON Lines record has its own).
pub fn open_records(
    mut f: File,
    limit: u64,
    torn_is_error: bool,
    describe: Describe,
) -> io::Result<Records> {
    if file_is_spool(&mut f)? {
        let r = SpoolReader::new(BufReader::with_capacity(1 << 20, f.take(limit)))?;
        Ok(Box::new(SpoolRecords::new(r, torn_is_error, describe)))
    } else {
        Ok(Box::new(read_records(f.take(limit))))
    }
}

/// Events in a log file of either format (complete lines, or intact spool records).
pub fn count_events(path: &std::path::Path) -> io::Result<u64> {
    let mut f = File::open(path)?;
    if file_is_spool(&mut f)? {
        let r = SpoolReader::new(BufReader::with_capacity(1 << 20, f))?;
        return Ok(r.count() as u64);
    }
    let mut r = BufReader::with_capacity(1 << 20, f);
    let mut n = 0u64;
    loop {
        use std::io::BufRead;
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(n);
        }
        n += buf.iter().filter(|b| **b == b'\n').count() as u64;
        let len = buf.len();
        r.consume(len);
    }
}
