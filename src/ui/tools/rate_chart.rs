//! The rate chart: bytes/s and messages/s in and out for this session over the last
//! 60 complete seconds, drawn with egui_plot from one-second buckets filled by the
//! session's events. Fixed bounds (60 s back to 1 s ago, 0 to just above the peak), and a
//! frame only when the next second changes the picture: an idle chart costs nothing.

use crate::i18n::loader;
use crate::session::stats::{Bucket, WINDOW_SECS};
use egui::Ui;
use egui_plot::{Corner, Legend, Line, Plot, PlotPoints};
use i18n_embed_fl::fl;
use std::time::Duration;

/// The top of the y axis for a peak value: a little above it, and never a zero-height
/// range (an empty chart runs from 0 to 10).
pub fn y_top(peak: u64) -> f64 {
    peak.max(10) as f64 * 1.1
}

/// How long until the chart should be drawn again, as of `now_us`: just after the next
/// whole second if it will look different then, else never (new events wake the window).
pub fn next_frame(r: &crate::session::stats::Rates, now_us: i64) -> Option<Duration> {
    let now_sec = now_us.div_euclid(1_000_000);
    r.moves_at_next_second(now_sec).then(|| {
        let into = now_us.rem_euclid(1_000_000) as u64;
        Duration::from_micros(1_000_000 - into) + Duration::from_millis(5)
    })
}

/// The chart of a tab's rates (`salt` keeps its ids apart from other tabs').
pub fn show(ui: &mut Ui, r: &crate::session::stats::Rates, salt: &str) {
    let now_us = crate::net::now_us();
    let now_sec = now_us.div_euclid(1_000_000);
    let last = r.at(now_sec - 1);
    let lang = crate::ui::common::lang::lang(ui.ctx());
    ui.label(fl!(
        loader(lang),
        "rate-last-second",
        rx_b = last.rx_bytes,
        rx_m = last.rx_msgs,
        tx_b = last.tx_bytes,
        tx_m = last.tx_msgs
    ));
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
                let peak = r.peak(now_sec, rx_f).max(r.peak(now_sec, tx_f));
                Plot::new(("rate", salt, key))
                    .height(150.0)
                    .width(w)
                    // The newest seconds are on the right: the legend goes left.
                    .legend(Legend::default().position(Corner::LeftTop))
                    .allow_drag(false)
                    .allow_zoom(false)
                    .allow_scroll(false)
                    .show(ui, |plot| {
                        // Set every frame (the plot remembers its bounds otherwise).
                        plot.set_plot_bounds_x(-(WINDOW_SECS as f64)..=-1.0);
                        plot.set_plot_bounds_y(0.0..=y_top(peak));
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
    if let Some(d) = next_frame(r, now_us) {
        ui.ctx().request_repaint_after(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::{Event, EventKind, Role};
    use crate::session::stats::Rates;

    #[test]
    fn the_y_axis_starts_at_zero_and_is_never_empty() {
        assert_eq!(y_top(0), 11.0);
        assert_eq!(y_top(20_000), 22_000.0);
    }

    #[test]
    fn frames_are_asked_for_only_while_traffic_is_in_the_window() {
        let mut r = Rates::default();
        let t0 = 1_700_000_000_250_000i64;
        assert_eq!(next_frame(&r, t0), None);
        r.push(&Event {
            ts_us: t0,
            role: Role::UdpReceiver,
            local: None,
            peer: None,
            client: None,
            kind: EventKind::Rx(b"x".to_vec()),
            opcode: None,
        });
        // A quarter into the second: the next frame is just after it ends.
        assert_eq!(next_frame(&r, t0), Some(Duration::from_millis(755)));
        assert!(next_frame(&r, t0 + 60_000_000).is_some());
        assert_eq!(next_frame(&r, t0 + 61_000_000), None);
    }
}
