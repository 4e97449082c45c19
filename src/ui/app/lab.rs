//! The loopback labs: a matched pair (UDP sender → receiver, or TCP client ↔ server) side
//! by side on 127.0.0.1 with a free port: the receiving end binds port 0, the system picks
//! the port, and the sending end is pointed at the one its worker reports (the window binds
//! no socket of its own to find a port). A lab runs on panels of its own: fresh ones (seed
//! settings, no rows, no tools, no clients) take the user's places while it is open, and
//! the user's panels — their settings, remembered ports, logs and running sessions — come
//! back untouched when it closes.

use super::App;
use crate::i18n::{Lang, loader};
use crate::net::Role;
use crate::ui::classroom::mode::{Lab, LabStage};
use crate::ui::common::lang::tab_label;
use crate::ui::lesson::{network_panel, timeline};
use crate::ui::tabs::session_panel;
use crate::ui::tabs::settings::TabSettings;
use crate::ui::tabs::status_words::ConnState;
use crate::ui::tabs::tab::SessionPanel;
use egui::{RichText, Ui};
use i18n_embed_fl::fl;

/// Opens the loopback lab: UDP sender → receiver, or TCP client ↔ server, side by side,
/// wired together on 127.0.0.1 with a free port.
pub fn start_lab(app: &mut App, tcp: bool) {
    let (first, second) = if tcp {
        (Role::TcpServer, Role::TcpClient)
    } else {
        (Role::UdpReceiver, Role::UdpSender)
    };
    // The lab runs on fresh panels of its own: none of the user's settings, rows or
    // clients, and the user's tabs (their sessions, ports and tools) as they were after.
    put_back(app);
    put_aside(app, &[first, second]);
    app.classroom.lab = Some(Lab {
        tx_at_pause: 0,
        first,
        second,
        port: 0,
        stream: false,
        stage: LabStage::Stopping,
    });
    app.classroom.split = Some((second, first));
    app.classroom.notice = None;
    pump_lab(app);
}

pub(super) fn close_split(app: &mut App) {
    if let Some((a, _)) = app.classroom.split.take() {
        app.tab = a;
    }
    app.classroom.lab = None;
    put_back(app);
}

/// Both ends on 127.0.0.1; the receiving end on port 0 (the system picks a free one: the
/// sending end gets it once the worker reports it, see [`pump_lab`]).
fn configure_lab(app: &mut App, lab: &Lab) {
    let lang = app.classroom.lang;
    for role in [lab.first, lab.second] {
        let p = app.panel_mut(role);
        p.settings.host = "127.0.0.1".into();
        p.settings.port = "0".into();
        if role == Role::UdpSender {
            p.settings.local.clear();
        }
    }
    let sender = app.panel_mut(lab.second);
    if sender.settings.send.text.trim().is_empty() || sender.settings.send.hex {
        sender.settings.send.hex = false;
        sender.settings.send.text = if lang == Lang::Zh {
            "你好,这是本机回环实验!".into()
        } else {
            "Hello from the loopback lab!".into()
        };
    }
}

/// Moves the lab on: called every frame.
pub fn pump_lab(app: &mut App) {
    let Some(mut lab) = app.classroom.lab.clone() else {
        return;
    };
    let notify = app.notifier();
    match lab.stage {
        LabStage::Stopping => {
            let mut running = false;
            for role in [lab.first, lab.second] {
                let p = app.panel_mut(role);
                if p.is_running() {
                    running = true;
                    if p.st.state != ConnState::Stopping {
                        p.stop();
                    }
                }
            }
            if !running {
                configure_lab(app, &lab);
                if app.panel_mut(lab.first).start_from_fields(notify) {
                    lab.stage = LabStage::WaitFirst;
                } else {
                    lab.stage = LabStage::Done;
                }
            }
        }
        LabStage::WaitFirst => {
            let first = app.panel(lab.first);
            let state = first.st.state.clone();
            // The port the system gave the receiving end, as its worker reported it.
            let bound = first.st.local.map(|a| a.port()).filter(|&p| p != 0);
            match (state, bound) {
                (ConnState::Bound | ConnState::Listening, Some(port)) => {
                    lab.port = port;
                    // Both fields show the port in use (the first end's said 0 to bind).
                    for role in [lab.first, lab.second] {
                        app.panel_mut(role).settings.port = port.to_string();
                    }
                    app.panel_mut(lab.second).start_from_fields(notify);
                    lab.stage = LabStage::Done;
                }
                (ConnState::Bound | ConnState::Listening, None) => {}
                (ConnState::Starting, _) => {}
                _ if !app.panel(lab.first).is_running() => lab.stage = LabStage::Done,
                _ => {}
            }
        }
        LabStage::Done => {}
    }
    app.classroom.lab = Some(lab);
}

/// Draws the split view (the loopback lab) instead of one tab. Returns false when there
/// is no split view.
pub fn show_split(app: &mut App, ui: &mut Ui) -> bool {
    let Some((left, right)) = app.classroom.split else {
        return false;
    };
    let lang = app.classroom.lang;
    let notify = app.notifier();
    if app.classroom.settings.network_panel {
        egui::Panel::left("network_panel")
            .resizable(true)
            .default_size(300.0)
            .show(ui, |ui| {
                if let Some(ip) = network_panel::show(ui, &mut app.classroom.network, lang) {
                    let tab = app.tab;
                    let p = app.panel_mut(tab);
                    if !p.is_running() {
                        p.settings.host = ip.to_string();
                    }
                }
            });
    }
    egui::Panel::top("lab_bar").show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            // The port is known once the receiving end has bound (a frame or so).
            if let Some(lab) = app.classroom.lab.clone().filter(|l| l.port != 0) {
                if lab.stream {
                    ui.label(fl!(loader(lang), "lab-stream-note", port = lab.port));
                    super::stream_lab::steps(app, ui);
                } else {
                    ui.label(fl!(loader(lang), "lab-note", port = lab.port));
                }
            }
            if ui.button(fl!(loader(lang), "menu-lab-close")).clicked() {
                close_split(app);
            }
        });
    });
    if app.classroom.split.is_none() {
        return true;
    }
    // The stream lab is told by its strips: three send(), one recv().
    let show_timeline =
        app.classroom.settings.timeline || app.classroom.lab.as_ref().is_some_and(|l| l.stream);
    egui::CentralPanel::default().show(ui, |ui| {
        ui.columns(2, |cols| {
            for (col, role) in cols.iter_mut().zip([left, right]) {
                col.push_id(("split", role.as_str()), |ui| {
                    let panel = app.panel_mut(role);
                    // The pane's title opens its status row, so the log keeps the height.
                    ui.horizontal_wrapped(|ui| {
                        ui.label(RichText::new(tab_label(lang, role)).size(17.0).strong());
                        if session_panel::status_items(ui, panel) {
                            panel.save_rest(ui.ctx());
                        }
                    });
                    if show_timeline {
                        timeline::show(ui, &panel.st.timeline, lang, role.as_str());
                    }
                    ui.separator();
                    session_panel::show(ui, panel, false, &notify);
                });
            }
        });
    });
    true
}

/// A fresh panel for a lab: seed settings, the window's log caps, spool place and wake-up.
pub(super) fn fresh(app: &App, role: Role) -> SessionPanel {
    let mut p = SessionPanel::new(role, TabSettings::seed(role));
    let (rows, bytes) = app.log_settings.caps();
    p.set_caps(rows, bytes);
    p.set_spool_budget(&app.spool_budget);
    p.set_spool_dir(app.data_dir.clone());
    if let Some(n) = app.notifier() {
        p.set_notify(n);
    }
    p
}

/// Puts the user's panels of `roles` aside and fresh ones in their place.
pub(super) fn put_aside(app: &mut App, roles: &[Role]) {
    if app.lab_stash.is_empty() {
        app.lab_tab = Some(app.tab);
    }
    for &role in roles {
        let p = fresh(app, role);
        let user = app.swap_panel(p);
        app.lab_stash.push(user);
    }
}

/// Ends the lab's panels (their sessions and spools) and gives the user's back.
pub(super) fn put_back(app: &mut App) {
    // The relay lab's own panel (its TCP relay) ends with it.
    if let Some(mut relay_lab) = app.relay_lab.take() {
        relay_lab.tcp_relay.shutdown();
    }
    for user in std::mem::take(&mut app.lab_stash) {
        let mut lab = app.swap_panel(user);
        lab.shutdown();
    }
    // Back to the tab the user was on before the lab.
    if let Some(t) = app.lab_tab.take() {
        app.tab = t;
    }
}
