//! The UDP senders table: for each source address, how many datagrams and bytes came,
//! the rate over the last second, and when it was last heard. Clicking a row makes it the
//! reply target.

use super::action::PanelAction;
use crate::i18n::loader;
use crate::net::Role;
use crate::session::Control;
use crate::session::stats::Senders;
use crate::ui::log::log_view::format_time;
use egui::{RichText, Ui};
use i18n_embed_fl::fl;
use std::net::SocketAddr;

/// The table of `senders`; on the UDP receiver a click sets `reply_to`.
pub fn show(
    ui: &mut Ui,
    senders: &Senders,
    role: Role,
    reply_to: &mut Option<SocketAddr>,
) -> Option<PanelAction> {
    let mut action = None;
    let now = crate::net::now_us();
    let lang = crate::ui::common::lang::lang(ui.ctx());
    ui.horizontal(|ui| {
        ui.label(fl!(
            loader(lang),
            "senders-count",
            n = senders.by_addr.len()
        ));
        if ui
            .small_button(fl!(loader(lang), "senders-clear"))
            .clicked()
        {
            action = Some(PanelAction::Control(Control::ClearSenders));
        }
        if role == Role::UdpReceiver {
            ui.label(RichText::new(fl!(loader(lang), "senders-click-hint")).weak());
        }
    });
    let mut picked = None;
    let receiver = role == Role::UdpReceiver;
    egui::Grid::new(("senders", role.as_str()))
        .striped(true)
        .num_columns(6)
        .show(ui, |ui| {
            for h in [
                fl!(loader(lang), "senders-source"),
                fl!(loader(lang), "senders-datagrams"),
                fl!(loader(lang), "senders-bytes"),
                fl!(loader(lang), "senders-rate"),
                fl!(loader(lang), "senders-last-seen"),
            ] {
                ui.label(RichText::new(h).strong());
            }
            {
                ui.label("");
            }
            ui.end_row();
            let mut rows: Vec<_> = senders.by_addr.iter().collect();
            rows.sort_by_key(|(_, s)| std::cmp::Reverse(s.last_us));
            for (a, s) in rows {
                let selected = *reply_to == Some(*a);
                if ui
                    .selectable_label(selected, crate::i18n::addr_in(lang, a))
                    .clicked()
                {
                    picked = Some(*a);
                }
                ui.label(s.count.to_string());
                ui.label(s.bytes.to_string());
                ui.label(fl!(
                    loader(lang),
                    "senders-rate-value",
                    n = s.rate(now).to_string()
                ));
                ui.label(format_time(s.last_us));
                if receiver
                    && ui
                        .add_enabled(
                            !selected,
                            egui::Button::new(fl!(
                                loader(lang),
                                "senders-reply-to",
                                addr = crate::i18n::addr_in(lang, a)
                            ))
                            .small(),
                        )
                        .clicked()
                {
                    picked = Some(*a);
                }
                ui.end_row();
            }
        });
    if let Some(a) = picked
        && receiver
    {
        *reply_to = Some(a);
    }
    action
}
