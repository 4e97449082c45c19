//! The UDP Receiver tab: bind HOST:PORT and show one row per datagram received; replies
//! go to the last sender or to a source chosen from those seen.

use super::settings::TabSettings;
use crate::i18n::loader;
use crate::net::{Role, SessionConfig};
use crate::ui::common::address_field;
use crate::ui::common::lang::ui_loader;
use egui::Ui;
use i18n_embed_fl::fl;
use std::net::SocketAddr;

/// The fields; `failure`: the last bind / listen failure, shown under the port.
pub fn fields(
    ui: &mut Ui,
    s: &mut TabSettings,
    editable: bool,
    failure: Option<&crate::ui::common::address_field::PortFailure>,
) -> bool {
    let host = fl!(ui_loader(ui), "field-bind-host");
    let ok = super::local_address_fields(ui, &host, s, editable, failure);
    // What 0.0.0.0 and 127.0.0.1 mean: not for a unix socket's path.
    if !crate::net::addr::is_unix(&s.host) {
        address_field::bind_note(ui);
    }
    ok
}

pub fn config(s: &TabSettings) -> Option<SessionConfig> {
    Some(SessionConfig::new(
        Role::UdpReceiver,
        super::field_address(s, true)?,
    ))
}

/// "Reply to": the last sender, or one of the sources seen.
pub fn reply_target_ui(
    ui: &mut Ui,
    senders: &[SocketAddr],
    reply_to: &mut Option<SocketAddr>,
    last: Option<SocketAddr>,
) {
    let lang = crate::ui::common::lang::lang(ui.ctx());
    let last_text = match last {
        Some(a) => fl!(
            loader(lang),
            "rx-last-sender-addr",
            addr = crate::i18n::addr_in(lang, &a)
        ),
        None => fl!(loader(lang), "rx-last-sender"),
    };
    let current = match reply_to {
        Some(a) => crate::i18n::addr_in(lang, a),
        None => last_text.clone(),
    };
    let l = ui.label(fl!(loader(lang), "rx-reply-to"));
    egui::ComboBox::from_id_salt("reply_to")
        .selected_text(current)
        .show_ui(ui, |ui| {
            ui.selectable_value(reply_to, None, last_text);
            for a in senders.iter().rev() {
                ui.selectable_value(reply_to, Some(*a), crate::i18n::addr_in(lang, a));
            }
        })
        .response
        .labelled_by(l.id);
}
