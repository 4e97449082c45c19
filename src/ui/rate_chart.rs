//! The rate chart: bytes/s and messages/s in and out for this session over the last
//! 60 s, drawn with egui_plot from one-second buckets filled by the session's events.

use super::session_panel::SessionPanel;
use crate::i18n::loader;
use crate::session::stats::{Bucket, WINDOW_SECS};
use egui::Ui;
use egui_plot::{Legend, Line, Plot, PlotPoints};
use i18n_embed_fl::fl;

pub fn show(ui: &mut Ui, p: &mut SessionPanel) {
    let now_sec = crate::net::now_us().div_euclid(1_000_000);
    let r = &p.st.rates;
    let last = r.at(now_sec - 1);
    let lang = super::classroom::lang(ui.ctx());
    ui.label(fl!(
        loader(lang),
        "rate-last-second",
        rx_b = last.rx_bytes,
        rx_m = last.rx_msgs,
        tx_b = last.tx_bytes,
        tx_m = last.tx_msgs
    ));
    let salt = p.role.as_str();
    let w = (ui.available_width() / 2.0 - 8.0).max(200.0);
    ui.horizontal(|ui| {
        for (title, rx_f, tx_f) in [
            (
                ("rate.bytes", fl!(loader(lang), "rate-bytes")),
                (|b: &Bucket| b.rx_bytes) as fn(&Bucket) -> u64,
                (|b: &Bucket| b.tx_bytes) as fn(&Bucket) -> u64,
            ),
            (
                ("rate.msgs", fl!(loader(lang), "rate-msgs")),
                |b: &Bucket| b.rx_msgs,
                |b: &Bucket| b.tx_msgs,
            ),
        ] {
            let (key, title) = title;
            ui.vertical(|ui| {
                ui.label(&title);
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
                            fl!(loader(lang), "rate-in", title = title.as_str()),
                            PlotPoints::from(r.series(now_sec, rx_f)),
                        ));
                        plot.line(Line::new(
                            fl!(loader(lang), "rate-out", title = title.as_str()),
                            PlotPoints::from(r.series(now_sec, tx_f)),
                        ));
                    });
            });
        }
    });
    ui.ctx()
        .request_repaint_after(std::time::Duration::from_secs(1));
}
