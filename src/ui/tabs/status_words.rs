//! The words of a tab's state in the window's language: the session's state and how it
//! ended, a spool or record writer's failure, and why auto-send stopped. Everything here
//! arrives typed from the runtime; nothing parses the engine's English.

use crate::auto::pacer::PacerEnd;
use crate::i18n::{Lang, loader};
use crate::session::AutoNote;
use i18n_embed_fl::fl;

pub use crate::session::ConnState;

impl ConnState {
    /// The status text in English.
    pub fn text(&self) -> String {
        self.text_in(Lang::En)
    }

    /// The status text in `lang`: a state word, or how the session ended (the typed
    /// reason in `lang`; an error adds the engine's detail).
    pub fn text_in(&self, lang: Lang) -> String {
        let l = loader(lang);
        let word = match self {
            ConnState::Idle => fl!(l, "state-idle"),
            ConnState::Starting => fl!(l, "state-starting"),
            ConnState::Connecting => fl!(l, "state-connecting"),
            ConnState::Connected => fl!(l, "state-connected"),
            ConnState::Bound => fl!(l, "state-bound"),
            ConnState::Listening => fl!(l, "state-listening"),
            ConnState::Stopping => fl!(l, "state-stopping"),
            ConnState::Stopped => fl!(l, "state-stopped"),
            ConnState::ClosedByPeer(_) => fl!(l, "state-closed-by-peer"),
            ConnState::Closed(_) => fl!(l, "state-closed"),
            ConnState::Reset(_) => fl!(l, "state-reset"),
            ConnState::Error(_) => fl!(l, "state-error"),
        };
        match self {
            ConnState::ClosedByPeer(ev) | ConnState::Closed(ev) | ConnState::Reset(ev) => {
                crate::i18n::describe_in(lang, ev)
            }
            ConnState::Error(ev) => with_msg(lang, word, &crate::i18n::describe_in(lang, ev)),
            _ => word,
        }
    }
}

/// A state word with the engine's message (left out when it only repeats the word).
fn with_msg(lang: Lang, what: String, msg: &str) -> String {
    if msg.is_empty() || msg == fl!(loader(Lang::En), "state-error") {
        what
    } else {
        fl!(loader(lang), "state-with-msg", what = what, msg = msg)
    }
}

/// A writer's failure in `lang` (the system's own detail at the end).
pub fn writer_error_text(lang: Lang, e: &crate::session::WriterError) -> String {
    use crate::session::WriterFailure;
    let (l, path, err) = (loader(lang), e.path.as_str(), e.detail.as_str());
    if let Some(f) = &e.stopped {
        return crate::i18n_events::file_stopped(lang, f);
    }
    match e.what {
        WriterFailure::CannotCreate => fl!(l, "notice-cannot-save-to", dir = path, err = err),
        WriterFailure::CannotCreateRecord => {
            fl!(l, "notice-cannot-write-record", path = path, err = err)
        }
        WriterFailure::Stopped => fl!(l, "notice-record-stopped", path = path, err = err),
        WriterFailure::CannotWait => fl!(l, "notice-cannot-wait-spool", err = err),
        WriterFailure::CapReached(cap) => {
            fl!(
                l,
                "notice-spool-cap-reached",
                cap = crate::ui::dialogs::save::human_size(cap)
            )
        }
    }
}

/// The auto-send note in `lang`: why it stopped; true = an error.
pub fn auto_note_text(n: &AutoNote, lang: Lang) -> (String, bool) {
    let l = loader(lang);
    match n {
        AutoNote::Ended { end, progress } => match end {
            PacerEnd::Done => (fl!(l, "auto-done", progress = progress), false),
            PacerEnd::Stopped => (fl!(l, "auto-stopped", progress = progress), false),
            PacerEnd::SessionGone => (fl!(l, "auto-stopped-ended", progress = progress), true),
            PacerEnd::BadPayload(e) => {
                let err = crate::ui::common::payload_words::payload_error_text(lang, e);
                let text = fl!(l, "auto-stopped-failed", err = err, progress = progress);
                (text, true)
            }
            PacerEnd::Failed(m) => {
                let err = fl!(l, "auto-no-thread", err = m.as_str());
                let text = fl!(l, "auto-stopped-failed", err = err, progress = progress);
                (text, true)
            }
        },
        AutoNote::Interrupted { ended, progress } => {
            let why = if *ended {
                fl!(loader(lang), "auto-why-ended")
            } else {
                fl!(loader(lang), "auto-why-closed")
            };
            (
                fl!(
                    loader(lang),
                    "auto-stopped-why",
                    why = why,
                    progress = progress
                ),
                true,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{WriterError, WriterFailure};

    #[test]
    fn the_cap_is_worded_in_each_language() {
        let e = WriterError {
            what: WriterFailure::CapReached(10 << 30),
            path: "/data/spool-1-udp-recv-2.stspool".into(),
            detail: String::new(),
            stopped: None,
            rest_from: None,
        };
        let en = writer_error_text(Lang::En, &e);
        assert!(
            en.contains("10.0 GiB") && en.contains("recording stopped"),
            "{en}"
        );
        let zh = writer_error_text(Lang::Zh, &e);
        assert!(zh.contains("10.0 GiB") && zh.contains("录制已停止"), "{zh}");
        assert!(!zh.contains("recording"), "{zh}");
    }
}
