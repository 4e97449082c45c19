//! The JSONL record reader, and every export format, on arbitrary files.
#![no_main]
use libfuzzer_sys::fuzz_target;
use socket_tester::log::export::{Format, export};
use socket_tester::log::record::read_records;

fuzz_target!(|data: &[u8]| {
    for f in Format::ALL {
        let mut out = Vec::new();
        let _ = export(read_records(data), &mut out, f, None);
    }
});
