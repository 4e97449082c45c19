//! The session record: counters, text decoding that follows each byte stream, the
//! JSON Lines record (one writer for `--record` and the export), the binary spool, and
//! the bounded in-memory store the log view shows; [`atomic`], how every file the
//! user chose is written without destroying the one that was there; and [`private`], the
//! modes (0600 files, 0700 folders) every file and folder the app creates is given.

pub mod atomic;
pub mod counters;
pub mod export;
pub mod frames;
pub mod input;
pub mod pcap;
pub mod private;
pub mod record;
pub mod spool;
pub mod spool_format;
pub mod store;
pub mod text;

pub use counters::Counters;
pub use record::{Record, RecordWriter};
pub use store::{ClientInfo, Direction, Entry, LogStore};
pub use text::Decoders;
