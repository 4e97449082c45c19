//! The rate chart: bytes/s and messages/s in and out for this session over the last
//! 60 s, drawn with egui_plot from one-second buckets filled by the session's events.

use super::session_panel::SessionPanel;
use crate::net::{Event, EventKind};
use egui::Ui;
use egui_plot::{Legend, Line, Plot, PlotPoints};
use std::collections::VecDeque;

/// Seconds kept.
pub const WINDOW_SECS: i64 = 60;

/// One second's totals.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Bucket {
    pub sec: i64,
    pub rx_bytes: u64,
    pub tx_bytes: u64,
    pub rx_msgs: u64,
    pub tx_msgs: u64,
}

/// The last minute, by second (oldest first).
#[derive(Clone, Debug, Default)]
pub struct Rates {
    pub buckets: VecDeque<Bucket>,
}

impl Rates {
    pub fn push(&mut self, ev: &Event) {
        let (rx, n) = match &ev.kind {
            EventKind::Rx(d) => (true, d.len() as u64),
            EventKind::Tx(d) => (false, d.len() as u64),
            _ => return,
        };
        let sec = ev.ts_us.div_euclid(1_000_000);
        if self.buckets.back().is_none_or(|b| b.sec < sec) {
            self.buckets.push_back(Bucket {
                sec,
                ..Bucket::default()
            });
        }
        // Events arrive in order per session; an older stamp goes in the newest bucket.
        if let Some(b) = self.buckets.back_mut() {
            if rx {
                b.rx_bytes += n;
                b.rx_msgs += 1;
            } else {
                b.tx_bytes += n;
                b.tx_msgs += 1;
            }
        }
        while self
            .buckets
            .front()
            .is_some_and(|b| b.sec <= sec - WINDOW_SECS)
        {
            self.buckets.pop_front();
        }
    }

    /// The totals of second `sec` (zero if nothing happened).
    pub fn at(&self, sec: i64) -> Bucket {
        self.buckets
            .iter()
            .find(|b| b.sec == sec)
            .copied()
            .unwrap_or(Bucket {
                sec,
                ..Bucket::default()
            })
    }

    /// Points for the last 60 s as (seconds ago, value), for one field.
    pub fn series(&self, now_sec: i64, f: impl Fn(&Bucket) -> u64) -> Vec<[f64; 2]> {
        (0..WINDOW_SECS)
            .rev()
            .map(|ago| {
                let b = self.at(now_sec - ago);
                [-(ago as f64), f(&b) as f64]
            })
            .collect()
    }
}

pub fn show(ui: &mut Ui, p: &mut SessionPanel) {
    let now_sec = crate::net::now_us().div_euclid(1_000_000);
    let r = &p.kit.rates;
    let last = r.at(now_sec - 1);
    let lang = super::classroom::lang(ui.ctx());
    ui.label(crate::i18n::trf(
        lang,
        "rate.last_second",
        &[
            ("rx_b", &last.rx_bytes.to_string()),
            ("rx_m", &last.rx_msgs.to_string()),
            ("tx_b", &last.tx_bytes.to_string()),
            ("tx_m", &last.tx_msgs.to_string()),
        ],
    ));
    let salt = p.role.as_str();
    let w = (ui.available_width() / 2.0 - 8.0).max(200.0);
    ui.horizontal(|ui| {
        for (title, rx_f, tx_f) in [
            (
                "rate.bytes",
                (|b: &Bucket| b.rx_bytes) as fn(&Bucket) -> u64,
                (|b: &Bucket| b.tx_bytes) as fn(&Bucket) -> u64,
            ),
            ("rate.msgs", |b: &Bucket| b.rx_msgs, |b: &Bucket| b.tx_msgs),
        ] {
            let key = title;
            let title = crate::i18n::tr(lang, key);
            ui.vertical(|ui| {
                ui.label(title);
                Plot::new(("rate", salt, key))
                    .height(150.0)
                    .width(w)
                    .legend(Legend::default())
                    .include_x(-(WINDOW_SECS as f64))
                    .include_x(0.0)
                    .include_y(0.0)
                    .allow_drag(false)
                    .allow_zoom(false)
                    .allow_scroll(false)
                    .show(ui, |plot| {
                        plot.line(Line::new(
                            crate::i18n::trf(lang, "rate.in", &[("title", title)]),
                            PlotPoints::from(r.series(now_sec, rx_f)),
                        ));
                        plot.line(Line::new(
                            crate::i18n::trf(lang, "rate.out", &[("title", title)]),
                            PlotPoints::from(r.series(now_sec, tx_f)),
                        ));
                    });
            });
        }
    });
    ui.ctx()
        .request_repaint_after(std::time::Duration::from_secs(1));
}
