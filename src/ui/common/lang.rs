//! The window's language: which one the frame is drawn in (kept in egui's memory, so any
//! widget can read it from its `Ui`), the loader for `fl!`, and the tabs' names.

use crate::i18n::{Lang, loader};
use crate::net::Role;
use egui::{Context, Id, Ui};
use i18n_embed::fluent::FluentLanguageLoader;
use i18n_embed_fl::fl;

fn lang_id() -> Id {
    Id::unique("socket-tester-lang")
}

/// The language of the frame being drawn (set once per frame by the app).
pub fn lang(ctx: &Context) -> Lang {
    ctx.data(|d| d.get_temp::<Lang>(lang_id()))
        .unwrap_or_default()
}

/// Sets the language of the frames that follow.
pub fn set_frame_lang(ctx: &Context, lang: Lang) {
    ctx.data_mut(|d| d.insert_temp(lang_id(), lang));
}

/// The loader of the frame's language, for `fl!(ui_loader(ui), "id")`.
pub fn ui_loader(ui: &Ui) -> &'static FluentLanguageLoader {
    loader(lang(ui.ctx()))
}

/// The label of a role's tab in `lang`.
pub fn tab_label(lang: Lang, role: Role) -> String {
    match role {
        Role::UdpSender => fl!(loader(lang), "tab-udp-sender"),
        Role::UdpReceiver => fl!(loader(lang), "tab-udp-receiver"),
        Role::TcpClient => fl!(loader(lang), "tab-tcp-client"),
        Role::TcpServer => fl!(loader(lang), "tab-tcp-server"),
        Role::Relay => fl!(loader(lang), "tab-relay"),
    }
}
