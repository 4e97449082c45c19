//! Encoding round trips and streaming decode of arbitrary bytes in every encoding.
#![no_main]
use libfuzzer_sys::fuzz_target;
use socket_tester::codec::text::ALL;
use socket_tester::codec::{StreamDecoder, decode, encode};

fuzz_target!(|data: (u8, u8, &[u8])| {
    let enc = ALL[data.0 as usize % ALL.len()].0;
    let text = decode(enc, data.2);
    let _ = encode(enc, &text);
    let split = (data.1 as usize).min(data.2.len());
    let mut d = StreamDecoder::new(enc);
    let mut s = d.feed(&data.2[..split]);
    s.push_str(&d.feed(&data.2[split..]));
    s.push_str(&d.finish());
    assert_eq!(s, text);
});
