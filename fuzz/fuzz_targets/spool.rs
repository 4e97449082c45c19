//! The binary spool reader, and every export from it, on arbitrary files: raw input (the
//! header check) and input behind a valid header (the record framing). Never panics, always
//! ends, and a cut accounts for every byte it leaves out.
#![no_main]
use libfuzzer_sys::fuzz_target;
use socket_tester::codec::Encoding;
use socket_tester::log::export::{Format, export};
use socket_tester::log::input::SpoolRecords;
use socket_tester::log::spool::SpoolReader;
use socket_tester::log::spool_format::SpoolWriter;

fuzz_target!(|data: &[u8]| {
    let header = SpoolWriter::new(Vec::new(), Encoding::UTF_8, None, 0)
        .map(|w| w.into_inner())
        .unwrap_or_default();
    let framed = [header.as_slice(), data].concat();
    for input in [data, framed.as_slice()] {
        let Ok(mut r) = SpoolReader::new(input) else {
            continue;
        };
        let n = r.by_ref().count();
        assert!(n <= input.len());
        if let Some(c) = r.cut() {
            assert_eq!(c.offset + c.bytes, input.len() as u64);
        }
        for f in Format::ALL {
            if let Ok(r) = SpoolReader::new(input) {
                let mut out = Vec::new();
                let _ = export(SpoolRecords::new(r, true), &mut out, f, None);
            }
        }
    }
});
