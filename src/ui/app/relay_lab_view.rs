//! Drawing the relay lab: a bar with the lab's note (what the relays do, and what the relay
//! cannot do to TCP), then the UDP chain and the TCP chain side by side, each with its
//! outcome counted from the logs and the receiving end's log under it; the TCP side shows
//! the client's TCP_INFO (retransmits, RTT) beside its outcome.

use super::App;
use super::relay_lab::{LAB_COUNT, LAB_DROP_PCT, LAB_EVERY_MS, LAB_LATENCY_MS, LAB_SEED};
use super::relay_lab_count::LabOutcome;
use crate::i18n::{Lang, loader};
use crate::net::{Role, tcp_info};
use crate::ui::common::address_field::ERROR_RED;
use crate::ui::common::style::NOTE_AMBER;
use egui::{RichText, Ui};
use i18n_embed_fl::fl;

/// Draws the relay lab instead of the tabs. Returns false when it is not open.
pub fn show(app: &mut App, ui: &mut Ui) -> bool {
    if app.relay_lab.is_none() {
        return false;
    }
    let lang = app.classroom.lang;
    let l = loader(lang);
    egui::Panel::top("relay_lab_bar").show(ui, |ui| {
        ui.label(RichText::new(fl!(l, "lab-relay-title")).strong().size(16.0));
        ui.label(fl!(
            l,
            "lab-relay-note",
            count = LAB_COUNT,
            every = LAB_EVERY_MS,
            latency = LAB_LATENCY_MS,
            drop = LAB_DROP_PCT,
            seed = LAB_SEED
        ));
        ui.horizontal_wrapped(|ui| {
            if ui
                .button(fl!(l, "lab-relay-again"))
                .on_hover_text(fl!(l, "lab-relay-again-tip"))
                .clicked()
            {
                super::relay_lab::start_relay_lab(app);
            }
            if ui.button(fl!(l, "menu-lab-close")).clicked() {
                super::lab::close_split(app);
            }
        });
    });
    if app.relay_lab.is_none() {
        return true;
    }
    let outcomes = [app.relay_lab_outcome(true), app.relay_lab_outcome(false)];
    let retrans_rtt = {
        let board = app.panel(Role::TcpClient).view().tcp_stats.clone();
        tcp_info::read(&board)
            .values()
            .next()
            .map(|s| (s.total_retrans, s.rtt_us))
    };
    // While messages are on their way, look again soon (the counts move with time too).
    if outcomes.iter().flatten().any(|o| !o.settled) {
        ui.ctx()
            .request_repaint_after(std::time::Duration::from_millis(250));
    }
    egui::CentralPanel::default().show(ui, |ui| {
        ui.columns(2, |cols| {
            for (i, col) in cols.iter_mut().enumerate() {
                let udp = i == 0;
                col.push_id(("relay-lab", udp), |ui| {
                    // The same height in both columns, and before and after the counts
                    // settle: a log following its newest row keeps it in view only while
                    // the room above it does not grow.
                    let line = ui.text_style_height(&egui::TextStyle::Body);
                    ui.vertical(|ui| {
                        ui.set_min_height(20.0 + 3.0 * line);
                        ui.label(RichText::new(title(lang, udp)).size(15.0).strong());
                        if let Some(why) = failure(app, udp) {
                            ui.label(RichText::new(why).strong().color(ERROR_RED));
                        } else if let Some(o) = &outcomes[i] {
                            let text = result(lang, udp, o);
                            ui.label(RichText::new(text).strong().color(NOTE_AMBER));
                        }
                        if !udp {
                            ui.label(kernel(lang, retrans_rtt));
                        }
                    });
                    ui.separator();
                    let end = if udp {
                        Role::UdpReceiver
                    } else {
                        Role::TcpServer
                    };
                    let p = app.panel_mut(end);
                    crate::ui::tabs::session_panel::log_panel(ui, p, true);
                });
            }
        });
    });
    true
}

/// Why a chain stopped part way (a port could not be bound…), from the first of its
/// ends whose session failed; None while it runs.
fn failure(app: &App, udp: bool) -> Option<String> {
    let lab = app.relay_lab.as_ref()?;
    let chain = if udp { lab.udp } else { lab.tcp };
    if chain != super::relay_lab::Chain::Failed {
        return None;
    }
    let lang = app.classroom.lang;
    let (end, sender) = if udp {
        (Role::UdpReceiver, Role::UdpSender)
    } else {
        (Role::TcpServer, Role::TcpClient)
    };
    let relay = if udp {
        app.panel(Role::Relay)
    } else {
        &lab.tcp_relay
    };
    let why = [app.panel(end), relay, app.panel(sender)]
        .into_iter()
        .find(|p| !p.is_running() && p.st.state != crate::session::ConnState::Idle)
        .map(|p| p.st.state.text_in(lang))
        .unwrap_or_default();
    Some(fl!(loader(lang), "lab-relay-failed", why = why))
}

/// "UDP: sender → relay (10 % loss, 100 ms) → receiver".
fn title(lang: Lang, udp: bool) -> String {
    let l = loader(lang);
    if udp {
        fl!(
            l,
            "lab-relay-udp-title",
            drop = LAB_DROP_PCT,
            latency = LAB_LATENCY_MS
        )
    } else {
        fl!(l, "lab-relay-tcp-title", latency = LAB_LATENCY_MS)
    }
}

/// The outcome, in words: "sent 20, received 18, lost 2 (numbers 7, 13)" or "sent 20,
/// received 20, in order, each ~100 ms late".
pub fn result(lang: Lang, udp: bool, o: &LabOutcome) -> String {
    let l = loader(lang);
    if !o.settled {
        return fl!(l, "lab-relay-sending", sent = o.sent, received = o.received);
    }
    let list = o
        .lost
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let lost = if o.lost.is_empty() {
        fl!(l, "lab-relay-lost-none")
    } else {
        fl!(l, "lab-relay-lost", n = o.lost.len(), numbers = list)
    };
    let order = if o.in_order {
        fl!(l, "lab-relay-in-order")
    } else {
        fl!(l, "lab-relay-out-of-order")
    };
    let late = o.late_ms.map_or(0, |(_, mean, _)| mean);
    let text = fl!(
        l,
        "lab-relay-result",
        sent = o.sent,
        received = o.received,
        lost = lost,
        order = order,
        late = late
    );
    if udp {
        fl!(l, "lab-relay-udp-dropped", text = text, n = o.relay_dropped)
    } else {
        text
    }
}

/// The TCP client's kernel: retransmits and RTT, or why there is nothing to show.
fn kernel(lang: Lang, stats: Option<(u32, u32)>) -> String {
    let l = loader(lang);
    if !tcp_info::AVAILABLE {
        return fl!(l, "ks-unavailable");
    }
    match stats {
        Some((retrans, rtt_us)) => fl!(
            l,
            "lab-relay-kernel",
            retrans = retrans,
            rtt = format!("{:.3}", f64::from(rtt_us) / 1000.0)
        ),
        None => fl!(l, "ks-none"),
    }
}
