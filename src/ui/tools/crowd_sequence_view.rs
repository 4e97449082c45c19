//! The Sequence tool while a crowd runs: the sequence runs once per connection, and the
//! tool shows the per-connection summary — passed, failed, running, not open yet, did not
//! finish — and the failures by step (a row per step and reason, never per connection),
//! in the window's language. Any tab whose session is a crowd (TCP Client, UDP Sender)
//! shows it the same way.

use crate::i18n::{Lang, loader};
use crate::session::crowd::seq::{CrowdSeqView, FailKind};
use egui::{RichText, Ui};
use i18n_embed_fl::fl;

/// A failure kind in the window's language.
pub fn kind_text(lang: Lang, k: FailKind) -> String {
    let l = loader(lang);
    match k {
        FailKind::TimedOut => fl!(l, "seq-crowd-kind-timed-out"),
        FailKind::Closed => fl!(l, "seq-crowd-kind-closed"),
        FailKind::NoAnswer => fl!(l, "seq-crowd-kind-no-answer"),
        FailKind::NotSent => fl!(l, "seq-crowd-kind-not-sent"),
        FailKind::BadPayload => fl!(l, "seq-crowd-kind-bad-payload"),
        FailKind::NotForCrowd => fl!(l, "seq-crowd-kind-not-for-crowd"),
        FailKind::NotConnected => fl!(l, "seq-crowd-kind-not-connected"),
        FailKind::Other => fl!(l, "seq-crowd-kind-stopped"),
    }
}

/// The summary of a crowd's run (None: no run yet on this crowd).
pub fn show(ui: &mut Ui, v: Option<&CrowdSeqView>, lang: Lang) {
    let l = loader(lang);
    ui.label(RichText::new(fl!(l, "seq-crowd-note")).weak());
    let Some(v) = v else {
        ui.separator();
        return;
    };
    let status = if !v.done {
        fl!(
            l,
            "seq-crowd-running",
            passed = v.passed,
            failed = v.failed,
            running = v.running,
            waiting = v.waiting
        )
    } else if v.all_passed() {
        fl!(l, "seq-crowd-all-passed", planned = v.planned)
    } else {
        fl!(
            l,
            "seq-crowd-done",
            planned = v.planned,
            passed = v.passed,
            failed = v.failed,
            unfinished = v.not_finished
        )
    };
    ui.label(RichText::new(status).strong());
    if !v.by_step.is_empty() {
        ui.label(fl!(l, "seq-crowd-by-step"));
        for r in &v.by_step {
            ui.label(fl!(
                l,
                "seq-crowd-step-row",
                label = r.label.as_str(),
                what = super::sequence_words::describe(lang, &r.action),
                why = kind_text(lang, r.kind),
                n = r.count
            ));
        }
    }
    ui.separator();
}
