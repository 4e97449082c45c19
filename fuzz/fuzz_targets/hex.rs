//! Hex input: parses or names a position inside the input.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    match socket_tester::codec::parse_hex(s) {
        Ok(b) => assert_eq!(
            socket_tester::codec::parse_hex(&socket_tester::codec::to_hex(&b)).ok(),
            Some(b)
        ),
        Err(e) => assert!(e.position < s.chars().count().max(1)),
    }
});
