//! The Learn window: TCP against UDP as the lesson compares them (connection, reliability,
//! ordering, message boundaries, header overhead), the socket calls of each side, what a
//! lossy network does to each (the relay lab), and the lesson's terms with a hover tip
//! each. All text comes from the Fluent files (`learn-*`, `term-*`).

use crate::i18n::{Lang, loader};
use egui::{Context, RichText};
use i18n_embed_fl::fl;

/// Rows of the comparison: (aspect, UDP, TCP).
fn rows(lang: Lang) -> [(String, String, String); 6] {
    let l = loader(lang);
    [
        (
            fl!(l, "learn-connection"),
            fl!(l, "learn-udp-connection"),
            fl!(l, "learn-tcp-connection"),
        ),
        (
            fl!(l, "learn-reliability"),
            fl!(l, "learn-udp-reliability"),
            fl!(l, "learn-tcp-reliability"),
        ),
        (
            fl!(l, "learn-ordering"),
            fl!(l, "learn-udp-ordering"),
            fl!(l, "learn-tcp-ordering"),
        ),
        (
            fl!(l, "learn-boundaries"),
            fl!(l, "learn-udp-boundaries"),
            fl!(l, "learn-tcp-boundaries"),
        ),
        (
            fl!(l, "learn-overhead"),
            fl!(l, "learn-udp-overhead"),
            fl!(l, "learn-tcp-overhead"),
        ),
        (
            fl!(l, "learn-uses"),
            fl!(l, "learn-udp-uses"),
            fl!(l, "learn-tcp-uses"),
        ),
    ]
}

/// Terms with a hover tip: (term, tip).
fn terms(lang: Lang) -> [(String, String); 7] {
    let l = loader(lang);
    [
        (fl!(l, "term-port"), fl!(l, "term-port-tip")),
        (fl!(l, "term-bind"), fl!(l, "term-bind-tip")),
        (fl!(l, "term-backlog"), fl!(l, "term-backlog-tip")),
        (fl!(l, "term-datagram"), fl!(l, "term-datagram-tip")),
        (fl!(l, "term-stream"), fl!(l, "term-stream-tip")),
        (fl!(l, "term-fin"), fl!(l, "term-fin-tip")),
        (fl!(l, "term-rst"), fl!(l, "term-rst-tip")),
    ]
}

/// Shows the window while `open` is true.
pub fn show(ctx: &Context, open: &mut bool, lang: Lang) {
    egui::Window::new(fl!(loader(lang), "learn-title"))
        .open(open)
        .default_width(640.0)
        .vscroll(true)
        .show(ctx, |ui| {
            egui::Grid::new("learn_grid")
                .striped(true)
                .num_columns(3)
                .spacing([16.0, 6.0])
                .show(ui, |ui| {
                    ui.label(RichText::new(fl!(loader(lang), "learn-aspect")).strong());
                    ui.label(RichText::new(fl!(loader(lang), "learn-udp")).strong());
                    ui.label(RichText::new(fl!(loader(lang), "learn-tcp")).strong());
                    ui.end_row();
                    for (aspect, udp, tcp) in rows(lang) {
                        ui.label(RichText::new(aspect).strong());
                        ui.label(udp);
                        ui.label(tcp);
                        ui.end_row();
                    }
                });
            ui.separator();
            ui.label(RichText::new(fl!(loader(lang), "learn-calls")).strong());
            for calls in [
                fl!(loader(lang), "learn-udp-calls"),
                fl!(loader(lang), "learn-tcp-server-calls"),
                fl!(loader(lang), "learn-tcp-client-calls"),
            ] {
                ui.label(RichText::new(calls).monospace());
            }
            // No connection, yet the network answers (ICMP port unreachable in the log).
            ui.label(fl!(loader(lang), "learn-udp-answers"));
            ui.separator();
            // The address family: AF_INET / AF_INET6 across a network, AF_UNIX on one machine.
            ui.label(RichText::new(fl!(loader(lang), "learn-unix-title")).strong());
            for id in [
                fl!(loader(lang), "learn-unix-inet"),
                fl!(loader(lang), "learn-unix-unix"),
                fl!(loader(lang), "learn-unix-types"),
                fl!(loader(lang), "learn-unix-try"),
            ] {
                ui.label(id);
            }
            ui.separator();
            // TCP is a stream: 粘包 / 拆包, and why the fix is framing.
            ui.label(RichText::new(fl!(loader(lang), "learn-stream")).strong());
            for id in [
                fl!(loader(lang), "learn-stream-sticky"),
                fl!(loader(lang), "learn-stream-split"),
                fl!(loader(lang), "learn-stream-why"),
                fl!(loader(lang), "learn-stream-fix"),
                fl!(loader(lang), "learn-stream-try"),
            ] {
                ui.label(id);
            }
            ui.separator();
            // The table's reliability, ordering and connection rows, seen through a lossy
            // relay (the relay lab).
            ui.label(RichText::new(fl!(loader(lang), "learn-lossy")).strong());
            for id in [
                fl!(loader(lang), "learn-lossy-udp"),
                fl!(loader(lang), "learn-lossy-tcp"),
                fl!(loader(lang), "learn-lossy-order"),
                fl!(loader(lang), "learn-lossy-connection"),
                fl!(loader(lang), "learn-lossy-try"),
            ] {
                ui.label(id);
            }
            ui.separator();
            ui.label(RichText::new(fl!(loader(lang), "learn-terms")).strong());
            ui.horizontal_wrapped(|ui| {
                for (term, tip) in terms(lang) {
                    ui.label(RichText::new(term).underline()).on_hover_text(tip);
                }
            });
        });
}

/// The one-line "About sockets" hint of a tab and its longer text on hover.
pub fn about(lang: Lang, role: crate::net::Role) -> (String, String) {
    use crate::net::Role;
    match role {
        Role::UdpSender => (
            fl!(loader(lang), "about-udp-sender"),
            fl!(loader(lang), "about-udp-sender-more"),
        ),
        Role::UdpReceiver => (
            fl!(loader(lang), "about-udp-receiver"),
            fl!(loader(lang), "about-udp-receiver-more"),
        ),
        Role::TcpClient => (
            fl!(loader(lang), "about-tcp-client"),
            fl!(loader(lang), "about-tcp-client-more"),
        ),
        Role::TcpServer => (
            fl!(loader(lang), "about-tcp-server"),
            fl!(loader(lang), "about-tcp-server-more"),
        ),
        Role::Relay => (
            fl!(loader(lang), "about-relay"),
            fl!(loader(lang), "about-relay-more"),
        ),
    }
}
