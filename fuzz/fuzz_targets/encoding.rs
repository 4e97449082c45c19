//! Encoding round trips and streaming decode of arbitrary bytes in every encoding.
#![no_main]
use libfuzzer_sys::fuzz_target;
use socket_tester::codec::text::ALL;
use socket_tester::codec::{StreamDecoder, decode, encode};

fuzz_target!(|data: (u8, u8, &[u8])| {
    let enc = ALL[data.0 as usize % ALL.len()].0;
    let text = decode(enc, data.2);
    // What encode writes reads back as the text it was given (or encode refuses it).
    if let Ok(bytes) = encode(enc, &text) {
        assert_eq!(decode(enc, &bytes), text);
    }
    let any = String::from_utf8_lossy(data.2);
    if let Ok(bytes) = encode(enc, &any) {
        assert_eq!(decode(enc, &bytes), any);
    }
    let split = (data.1 as usize).min(data.2.len());
    let mut d = StreamDecoder::new(enc);
    let mut s = d.feed(&data.2[..split]);
    s.push_str(&d.feed(&data.2[split..]));
    s.push_str(&d.finish());
    assert_eq!(s, text);
});
