//! A crowd's live counts and summary in the TCP Client tab (from the runtime's typed
//! [`CrowdView`]): connecting, open, closed, failed; connect time and reply latency
//! percentiles; errors by kind; the expectation's pass and fail.

use crate::i18n::{Lang, loader};
use crate::session::crowd::CrowdView;
use crate::ui::common::address_field::ERROR_RED;
use egui::{RichText, Ui};
use i18n_embed_fl::fl;

fn ms(us: Option<u64>) -> String {
    us.map_or("-".into(), |u| format!("{:.2} ms", u as f64 / 1000.0))
}

/// The crowd's lines, under the tab's fields.
pub fn show(ui: &mut Ui, lang: Lang, v: &CrowdView, short: bool) {
    let l = loader(lang);
    ui.horizontal_wrapped(|ui| {
        // UDP has no connection: its sources are bound, not connected (the lesson's words).
        let (title, counts) = if v.udp {
            let counts = fl!(
                l,
                "crowd-counts-udp",
                planned = v.planned,
                open = v.open,
                max_open = v.max_open,
                closed = v.closed,
                failed = v.failed.total(),
                not_started = v.not_started
            );
            (fl!(l, "crowd-title-udp"), counts)
        } else {
            let counts = fl!(
                l,
                "crowd-counts",
                planned = v.planned,
                connecting = v.connecting,
                open = v.open,
                max_open = v.max_open,
                closed = v.closed,
                failed = v.failed.total(),
                not_started = v.not_started
            );
            (fl!(l, "crowd-title"), counts)
        };
        ui.label(RichText::new(title).strong());
        let counts = RichText::new(counts);
        ui.label(if v.failed.total() + v.not_started > 0 {
            counts.color(ERROR_RED)
        } else {
            counts
        });
        // A sequence's connect steps open connections again.
        if v.reopens > 0 {
            ui.label(fl!(l, "crowd-reopens", n = v.reopens));
        }
    });
    // On a short tab (1024×600, 150 %) the details fold under one line, so the log
    // keeps its rows; open on a tall one.
    egui::CollapsingHeader::new(fl!(l, "crowd-details"))
        .id_salt("crowd-details")
        .default_open(!short)
        .show(ui, |ui| details(ui, lang, v));
}

/// Connect time, replies and their latency, the expect's results, errors by kind.
fn details(ui: &mut Ui, lang: Lang, v: &CrowdView) {
    let l = loader(lang);
    ui.horizontal_wrapped(|ui| {
        if !v.udp {
            let c = &v.connect;
            ui.label(fl!(
                l,
                "crowd-connect-time",
                p50 = ms(c.p50_us),
                p95 = ms(c.p95_us),
                p99 = ms(c.p99_us)
            ));
            ui.separator();
        }
        let r = &v.reply;
        ui.label(fl!(
            l,
            "crowd-replies",
            sends = v.sends,
            replies = v.replies,
            p50 = ms(r.p50_us),
            p95 = ms(r.p95_us),
            p99 = ms(r.p99_us)
        ));
        if let Some((passed, failed, waiting)) = v.expect {
            ui.separator();
            let t = RichText::new(fl!(
                l,
                "crowd-expect",
                passed = passed,
                failed = failed,
                waiting = waiting
            ));
            ui.label(if failed > 0 { t.color(ERROR_RED) } else { t });
        }
    });
    if !v.errors.0.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.label(fl!(l, "crowd-errors"));
            for (kind, n) in &v.errors.0 {
                let what = crate::i18n_events::error_sentence(lang, *kind);
                let count: u64 = *n;
                let t: String = fl!(l, "crowd-error-count", n = count, what = what.as_str());
                ui.label(RichText::new(t).color(ERROR_RED));
            }
        });
    }
}
