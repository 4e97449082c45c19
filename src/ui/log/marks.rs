//! The marks a log row can carry, worded in the window's language: a received row whose
//! checksum is wrong (the tab's Rx checksum check).

use crate::codec::CheckOutcome;
use crate::i18n::{Lang, loader};
use crate::log::Entry;
use i18n_embed_fl::fl;

/// The mark of a row whose checksum is wrong, in the window's language.
pub fn check_mark(e: &Entry, lang: Lang) -> Option<String> {
    let l = loader(lang);
    match e.check? {
        CheckOutcome::Good => None,
        CheckOutcome::Bad {
            got,
            expected,
            width,
        } => Some(fl!(
            l,
            "log-check-bad",
            got = CheckOutcome::hex(got, width),
            expected = CheckOutcome::hex(expected, width)
        )),
        CheckOutcome::TooShort => Some(fl!(l, "log-check-short")),
    }
}
