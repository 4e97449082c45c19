//! The UDP senders table: for each source address, how many datagrams and bytes came,
//! the rate over the last second, and when it was last heard. Clicking a row makes it the
//! reply target.

use super::log_view::format_time;
use super::session_panel::SessionPanel;
use egui::{RichText, Ui};

pub fn show(ui: &mut Ui, p: &mut SessionPanel) {
    let now = crate::net::now_us();
    let lang = super::classroom::lang(ui.ctx());
    let t = |key| crate::i18n::tr(lang, key);
    let tf = |key, name, v: String| crate::i18n::trf(lang, key, &[(name, &v)]);
    ui.horizontal(|ui| {
        ui.label(tf(
            "senders.count",
            "n",
            p.st.udp_senders.by_addr.len().to_string(),
        ));
        if ui.small_button(t("senders.clear")).clicked() {
            p.runtime().send(crate::session::Control::ClearSenders);
        }
        if p.role == crate::net::Role::UdpReceiver {
            ui.label(RichText::new(t("senders.click_hint")).weak());
        }
    });
    let mut picked = None;
    let receiver = p.role == crate::net::Role::UdpReceiver;
    egui::Grid::new(("senders", p.role.as_str()))
        .striped(true)
        .num_columns(6)
        .show(ui, |ui| {
            for h in [
                "senders.source",
                "senders.datagrams",
                "senders.bytes",
                "senders.rate",
                "senders.last_seen",
            ] {
                ui.label(RichText::new(t(h)).strong());
            }
            {
                ui.label("");
            }
            ui.end_row();
            let mut rows: Vec<_> = p.st.udp_senders.by_addr.iter().collect();
            rows.sort_by_key(|(_, s)| std::cmp::Reverse(s.last_us));
            for (a, s) in rows {
                let selected = p.reply_to == Some(*a);
                if ui.selectable_label(selected, a.to_string()).clicked() {
                    picked = Some(*a);
                }
                ui.label(s.count.to_string());
                ui.label(s.bytes.to_string());
                ui.label(tf("senders.rate_value", "n", s.rate(now).to_string()));
                ui.label(format_time(s.last_us));
                if receiver
                    && ui
                        .add_enabled(
                            !selected,
                            egui::Button::new(tf("senders.reply_to", "addr", a.to_string()))
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
        && p.role == crate::net::Role::UdpReceiver
    {
        p.reply_to = Some(a);
    }
}
