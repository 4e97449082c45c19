//! The Relay tab's TLS (TCP only): two menus, the TCP tabs' own, one for the listening
//! side (the relay ends TLS from clients: the TCP Server tab's certificate and key, or a
//! self-signed one) and one for the upstream side (the relay starts TLS to the server:
//! the TCP Client tab's CA file, pin, or "accept any certificate" with its warning; SNI
//! from the server's host unless set). Each bad field is named under it in the menu, and
//! keeps Listen off. With TLS, the log shows the plaintext the two ends exchange.

use super::relay_form::RelaySettings;
use crate::i18n::{Lang, loader};
use crate::net::Role;
use crate::net::relay::Leg;
use crate::ui::pickers::tls_picker::{self, TlsAction};
use crate::ui::tools::action::Dialog;
use egui::Ui;
use i18n_embed_fl::fl;

/// The two menus (nothing for a UDP relay); a file dialog to open, if one was asked for.
pub fn show(ui: &mut Ui, lang: Lang, r: &mut RelaySettings, editable: bool) -> Option<Dialog> {
    if r.udp {
        return None;
    }
    let l = loader(lang);
    let menus = [
        (Leg::Client, fl!(l, "relay-tls-listen"), Role::TcpServer),
        (Leg::Server, fl!(l, "relay-tls-upstream"), Role::TcpClient),
    ];
    let mut open = None;
    for (leg, label, role) in menus {
        ui.label(label).on_hover_text(fl!(l, "relay-tls-tip"));
        let form = match leg {
            Leg::Client => &mut r.tls_listen,
            Leg::Server => &mut r.tls_upstream,
        };
        if let Some(TlsAction::Browse(field)) = tls_picker::show(ui, form, role, editable, None) {
            open = Some(Dialog::RelayTlsFile(leg, field));
        }
    }
    open
}
