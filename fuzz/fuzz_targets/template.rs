//! Payload templates ({seq}, {rand:N}, {hex:..}) parse and render without panicking.
#![no_main]
use libfuzzer_sys::fuzz_target;
use socket_tester::codec::Encoding;
use socket_tester::codec::template::{Template, TemplateCtx};

fuzz_target!(|s: &str| {
    for t in [Template::parse(s), Template::parse_hex(s)]
        .into_iter()
        .flatten()
    {
        let mut ctx = TemplateCtx::new(Encoding::GBK, true);
        let _ = t.render(&mut ctx);
    }
});
