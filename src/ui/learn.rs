//! The Learn window: TCP against UDP as the lesson compares them (connection, reliability,
//! ordering, message boundaries, header overhead), the socket calls of each side, and the
//! lesson's terms with a hover tip each. All text comes from the i18n tables.

use crate::i18n::{Lang, tr};
use egui::{Context, RichText};

/// Rows of the comparison: (aspect, UDP, TCP) keys.
const ROWS: [(&str, &str, &str); 6] = [
    (
        "learn.connection",
        "learn.udp.connection",
        "learn.tcp.connection",
    ),
    (
        "learn.reliability",
        "learn.udp.reliability",
        "learn.tcp.reliability",
    ),
    ("learn.ordering", "learn.udp.ordering", "learn.tcp.ordering"),
    (
        "learn.boundaries",
        "learn.udp.boundaries",
        "learn.tcp.boundaries",
    ),
    ("learn.overhead", "learn.udp.overhead", "learn.tcp.overhead"),
    ("learn.uses", "learn.udp.uses", "learn.tcp.uses"),
];

/// Terms with a hover tip: (term, tip) keys.
const TERMS: [(&str, &str); 7] = [
    ("term.port", "term.port.tip"),
    ("term.bind", "term.bind.tip"),
    ("term.backlog", "term.backlog.tip"),
    ("term.datagram", "term.datagram.tip"),
    ("term.stream", "term.stream.tip"),
    ("term.fin", "term.fin.tip"),
    ("term.rst", "term.rst.tip"),
];

/// Every key the window uses (the i18n tests check them in both languages).
pub fn keys() -> Vec<&'static str> {
    let mut k = vec![
        "learn.title",
        "learn.aspect",
        "learn.udp",
        "learn.tcp",
        "learn.calls",
        "learn.udp.calls",
        "learn.tcp.server_calls",
        "learn.tcp.client_calls",
        "learn.terms",
    ];
    for (a, b, c) in ROWS {
        k.extend([a, b, c]);
    }
    for (a, b) in TERMS {
        k.extend([a, b]);
    }
    k
}

/// Shows the window while `open` is true.
pub fn show(ctx: &Context, open: &mut bool, lang: Lang) {
    egui::Window::new(tr(lang, "learn.title"))
        .open(open)
        .default_width(640.0)
        .vscroll(true)
        .show(ctx, |ui| {
            egui::Grid::new("learn_grid")
                .striped(true)
                .num_columns(3)
                .spacing([16.0, 6.0])
                .show(ui, |ui| {
                    ui.label(RichText::new(tr(lang, "learn.aspect")).strong());
                    ui.label(RichText::new(tr(lang, "learn.udp")).strong());
                    ui.label(RichText::new(tr(lang, "learn.tcp")).strong());
                    ui.end_row();
                    for (aspect, udp, tcp) in ROWS {
                        ui.label(RichText::new(tr(lang, aspect)).strong());
                        ui.label(tr(lang, udp));
                        ui.label(tr(lang, tcp));
                        ui.end_row();
                    }
                });
            ui.separator();
            ui.label(RichText::new(tr(lang, "learn.calls")).strong());
            for k in [
                "learn.udp.calls",
                "learn.tcp.server_calls",
                "learn.tcp.client_calls",
            ] {
                ui.label(RichText::new(tr(lang, k)).monospace());
            }
            ui.separator();
            ui.label(RichText::new(tr(lang, "learn.terms")).strong());
            ui.horizontal_wrapped(|ui| {
                for (term, tip) in TERMS {
                    ui.label(RichText::new(tr(lang, term)).underline())
                        .on_hover_text(tr(lang, tip));
                }
            });
        });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_learn_key_is_translated() {
        for k in keys() {
            for lang in [Lang::En, Lang::Zh] {
                assert_ne!(tr(lang, k), k, "{k} missing in {lang:?}");
            }
        }
    }
}
