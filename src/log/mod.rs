//! Session records: counters, text decoding per stream, the JSON Lines record.
pub mod counters;
