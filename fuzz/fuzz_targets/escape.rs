//! Escape sequences in every encoding never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use socket_tester::codec::text::ALL;

fuzz_target!(|data: (u8, &str)| {
    let enc = ALL[data.0 as usize % ALL.len()].0;
    let _ = socket_tester::codec::parse_escapes(data.1, enc);
});
