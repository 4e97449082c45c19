//! The UDP senders table: for each source address, how many datagrams and bytes came,
//! the rate over the last second, and when it was last heard. Clicking a row makes it the
//! reply target.

use super::log_view::format_time;
use super::session_panel::SessionPanel;
use egui::{RichText, Ui};
use std::collections::BTreeMap;
use std::net::SocketAddr;

/// The most sources kept (the oldest-heard is dropped first).
pub const MAX_SENDERS: usize = 1000;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SenderStat {
    pub count: u64,
    pub bytes: u64,
    pub first_us: i64,
    pub last_us: i64,
    /// Bytes in the current whole second and the one before (for the rate).
    sec: i64,
    cur: u64,
    prev: u64,
}

impl SenderStat {
    /// Bytes per second over the last whole second, as of `now_us`.
    pub fn rate(&self, now_us: i64) -> u64 {
        let now = now_us.div_euclid(1_000_000);
        if now == self.sec {
            self.prev
        } else if now == self.sec + 1 {
            self.cur
        } else {
            0
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Senders {
    pub by_addr: BTreeMap<SocketAddr, SenderStat>,
}

impl Senders {
    pub fn push(&mut self, from: SocketAddr, len: usize, ts_us: i64) {
        if !self.by_addr.contains_key(&from)
            && self.by_addr.len() >= MAX_SENDERS
            && let Some(oldest) = self
                .by_addr
                .iter()
                .min_by_key(|(_, s)| s.last_us)
                .map(|(a, _)| *a)
        {
            self.by_addr.remove(&oldest);
        }
        let s = self.by_addr.entry(from).or_insert_with(|| SenderStat {
            first_us: ts_us,
            ..SenderStat::default()
        });
        s.count += 1;
        s.bytes += len as u64;
        s.last_us = ts_us;
        let sec = ts_us.div_euclid(1_000_000);
        if sec != s.sec {
            s.prev = if sec == s.sec + 1 { s.cur } else { 0 };
            s.cur = 0;
            s.sec = sec;
        }
        s.cur += len as u64;
    }

    pub fn clear(&mut self) {
        self.by_addr.clear();
    }
}

pub fn show(ui: &mut Ui, p: &mut SessionPanel) {
    let now = crate::net::now_us();
    let lang = super::classroom::lang(ui.ctx());
    let t = |key| crate::i18n::tr(lang, key);
    let tf = |key, name, v: String| crate::i18n::trf(lang, key, &[(name, &v)]);
    ui.horizontal(|ui| {
        ui.label(tf(
            "senders.count",
            "n",
            p.kit.senders.by_addr.len().to_string(),
        ));
        if ui.small_button(t("senders.clear")).clicked() {
            p.kit.senders.clear();
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
            let mut rows: Vec<_> = p.kit.senders.by_addr.iter().collect();
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
