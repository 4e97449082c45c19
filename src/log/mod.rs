//! The session record: counters, text decoding that follows each byte stream, the
//! JSON Lines record (one writer for `--record` and the export), the binary spool, and
//! the bounded in-memory store the log view shows. Its files are written through
//! [`crate::files`] (atomic replacement, private modes).

pub mod counters;
pub mod cut;
pub mod export;
pub mod frames;
pub mod input;
pub mod pcap;
pub mod query;
pub mod record;
pub mod relay_pcap;
pub mod spool;
pub mod spool_format;
pub mod spool_search;
pub mod store;
pub mod text;

use crate::net::Event;

/// How a non-data event (a close, a reset, an error, a note…) is put in words. The log
/// knows no language: its callers give the wording — i18n's `english` for the records,
/// exports, headless output and the rows the window keeps — and it is used for
/// the row text of [`LogStore`] and the `message` of a [`Record`].
pub type Describe = fn(&Event) -> String;

pub use counters::Counters;
pub use record::{Record, RecordWriter};
pub use store::{CheckCounts, ClientInfo, Direction, Entry, LogStore};
pub use text::Decoders;
