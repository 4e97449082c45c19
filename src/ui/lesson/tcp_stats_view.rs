//! The kernel's view of one TCP connection (Linux TCP_INFO and the socket queues), as a
//! small table beside the TCP diagram and under the TCP server's client list, and as one
//! line on a client row's tooltip. Words from the Fluent files (`ks-*`).

use crate::i18n::{Lang, loader};
use crate::net::tcp_info::{self, TcpStats};
use crate::ui::common::lang::ui_loader;
use egui::{RichText, Ui};
use i18n_embed_fl::fl;

/// Milliseconds with enough digits for loopback (µs) and for a WAN (tens of ms).
fn ms(us: u32) -> String {
    let ms = f64::from(us) / 1000.0;
    if ms < 10.0 {
        format!("{ms:.3}")
    } else {
        format!("{ms:.1}")
    }
}

/// The table: RTT ± variance, congestion window × segment size, retransmits, unacked,
/// send and receive queues. `stats` None: no open connection (or none selected).
pub fn show(ui: &mut Ui, stats: Option<TcpStats>) {
    let l = ui_loader(ui);
    ui.label(RichText::new(fl!(l, "ks-title")).strong())
        .on_hover_text(fl!(l, "ks-tip"));
    if !tcp_info::AVAILABLE {
        ui.label(RichText::new(fl!(l, "ks-unavailable")).weak());
        return;
    }
    let Some(s) = stats else {
        ui.label(RichText::new(fl!(l, "ks-none")).weak());
        return;
    };
    // The figures move without any event (a queue filling while the peer stalls): while
    // an open connection's table is shown, look again at the sampling rate (4 frames a
    // second, and none once it closes or the table is hidden).
    ui.ctx().request_repaint_after(tcp_info::SAMPLE_EVERY);
    egui::Grid::new("kernel_stats")
        .num_columns(2)
        .spacing([12.0, 2.0])
        .show(ui, |ui| {
            let rows = [
                (
                    fl!(l, "ks-rtt"),
                    fl!(l, "ks-rtt-value", rtt = ms(s.rtt_us), var = ms(s.rttvar_us)),
                    fl!(l, "ks-rtt-tip"),
                ),
                (
                    fl!(l, "ks-cwnd"),
                    fl!(l, "ks-cwnd-value", cwnd = s.cwnd, mss = s.mss),
                    fl!(l, "ks-cwnd-tip"),
                ),
                (
                    fl!(l, "ks-retrans"),
                    s.total_retrans.to_string(),
                    fl!(l, "ks-retrans-tip"),
                ),
                (
                    fl!(l, "ks-unacked"),
                    s.unacked.to_string(),
                    fl!(l, "ks-unacked-tip"),
                ),
                (
                    fl!(l, "ks-sendq"),
                    fl!(l, "ks-bytes", n = s.send_queue),
                    fl!(l, "ks-sendq-tip"),
                ),
                (
                    fl!(l, "ks-recvq"),
                    fl!(l, "ks-bytes", n = s.recv_queue),
                    fl!(l, "ks-recvq-tip"),
                ),
            ];
            for (name, value, tip) in rows {
                ui.label(name).on_hover_text(tip);
                ui.label(RichText::new(value).monospace());
                ui.end_row();
            }
        });
}

/// One line for a client row's tooltip.
pub fn one_line(s: &TcpStats, lang: Lang) -> String {
    fl!(
        loader(lang),
        "ks-line",
        rtt = ms(s.rtt_us),
        cwnd = s.cwnd,
        sendq = s.send_queue,
        recvq = s.recv_queue
    )
}
