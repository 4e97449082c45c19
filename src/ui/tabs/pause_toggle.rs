//! Pause reading (暂停接收) on the TCP tabs: a toggle beside the tab's own buttons. While
//! it is on the worker calls no recv() (see `Command::PauseReading`): what the peer
//! sends waits in the kernel's receive queue, and on resume one recv() returns all of
//! it — several send() calls in one read, the usual cause of 粘包. On the TCP Server it
//! pauses every client at once (and clients that connect while it is on): a class
//! watches one server that is slow to read, not a per-client switch. Before Connect /
//! Listen it makes the session start paused.

use crate::i18n::{Lang, loader};
use crate::net::Role;
use crate::ui::common::style::NOTE_AMBER;
use egui::{RichText, Ui};
use i18n_embed_fl::fl;

/// The toggle for a TCP tab in `role` whose reading is `paused` (as the worker said while
/// it runs, else what the next start does). Some(the new state) when it was clicked.
pub fn show(ui: &mut Ui, lang: Lang, role: Role, paused: bool) -> Option<bool> {
    if !role.is_tcp() {
        return None;
    }
    let l = loader(lang);
    let (text, tip) = if paused {
        (
            fl!(l, "btn-resume-reading"),
            fl!(l, "btn-resume-reading-tip"),
        )
    } else if role == Role::TcpServer {
        (
            fl!(l, "btn-pause-reading"),
            fl!(l, "btn-pause-reading-tip-server"),
        )
    } else {
        (fl!(l, "btn-pause-reading"), fl!(l, "btn-pause-reading-tip"))
    };
    ui.add(egui::Button::selectable(paused, text))
        .on_hover_text(tip)
        .clicked()
        .then_some(!paused)
}

/// The status line's part: "reading paused" in amber while a running session is paused.
pub fn status(ui: &mut Ui, lang: Lang, paused_now: bool) {
    if paused_now {
        ui.separator();
        crate::ui::common::style::whole(
            ui,
            RichText::new(fl!(loader(lang), "status-reading-paused")).color(NOTE_AMBER),
        );
    }
}
