//! The command line's `--framing` value (`Framing::parse_arg`): never panics; a refused
//! value says what is wrong; an accepted one frames any bytes, and the window's framing
//! picker shows it as the same framing.
#![no_main]
use libfuzzer_sys::fuzz_target;
use socket_tester::codec::{Framer, Framing};
use socket_tester::ui::FramingForm;

fuzz_target!(|input: (&str, &[u8])| {
    let (arg, data) = input;
    match Framing::parse_arg(arg) {
        Ok(f) => {
            let mut form = FramingForm::default();
            form.set(&f);
            assert_eq!(form.framing().ok(), Some(f.clone()), "{arg:?}");
            let mut framer = Framer::with_max_frame(f, 64);
            for fr in framer.push(data).iter().chain(framer.flush().iter()) {
                assert!(fr.data.len() <= 64);
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
