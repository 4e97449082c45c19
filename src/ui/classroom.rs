//! Classroom mode: the language (English / 简体中文) and the menus of the top bar, themes
//! and zoom for projectors, the Network panel, the timeline strip and TCP diagram of the
//! tab shown, the loopback lab (a matched pair side by side on 127.0.0.1) and presets.
//! [`super::App`] calls in here at a few places of its frame; everything else lives here.

use super::app::App;
use super::lang::tab_label;
use super::network_panel::{self, NetworkPanel};
use super::session_panel::{ConnState, SessionPanel};
use super::settings::ClassroomSettings;
use super::style::Theme;
use super::{preset, tcp_diagram, timeline};
use crate::i18n::{Lang, loader};
use crate::net::Role;
use egui::{Context, RichText, Ui};
use i18n_embed_fl::fl;

/// A loopback lab being set up: stop both tabs, configure them, start the receiving end,
/// then (once it listens) the sending end.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lab {
    /// The receiving end (UDP receiver or TCP server), started first.
    pub first: Role,
    /// The sending end (UDP sender or TCP client).
    pub second: Role,
    pub port: u16,
    stage: LabStage,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum LabStage {
    Stopping,
    WaitFirst,
    Done,
}

/// Classroom mode's state in the window.
#[derive(Default)]
pub struct Classroom {
    pub settings: ClassroomSettings,
    /// The language in use.
    pub lang: Lang,
    pub network: NetworkPanel,
    /// Two tabs side by side (the loopback lab).
    pub split: Option<(Role, Role)>,
    pub lab: Option<Lab>,
    /// A message for the user (preset saved, lab failed…); true = error.
    pub notice: Option<(String, bool)>,
    applied_theme: Option<Theme>,
    zoom_applied: bool,
    pub(super) preset_io: preset::PresetIo,
}

impl Classroom {
    pub fn new(settings: ClassroomSettings) -> Classroom {
        Classroom {
            lang: settings.lang.unwrap_or_else(Lang::detect),
            settings,
            ..Classroom::default()
        }
    }

    /// Switches the language (and remembers the choice).
    pub fn set_lang(&mut self, lang: Lang) {
        self.lang = lang;
        self.settings.lang = Some(lang);
    }
}

/// Zoom steps of the menu (Ctrl +/- are egui's own).
const ZOOM_MIN: f32 = 0.5;
const ZOOM_MAX: f32 = 3.0;

/// At the start of each frame: the language, theme and zoom, and the loopback lab.
pub fn begin_frame(app: &mut App, ui: &Ui) {
    let ctx = ui.ctx();
    let c = &mut app.classroom;
    super::lang::set_frame_lang(ctx, c.lang);
    if c.applied_theme != Some(c.settings.theme) {
        super::style::apply_theme(ctx, c.settings.theme);
        c.applied_theme = Some(c.settings.theme);
    }
    if !c.zoom_applied {
        c.zoom_applied = true;
        let z = (f32::from(c.settings.zoom_pct) / 100.0).clamp(ZOOM_MIN, ZOOM_MAX);
        if (ctx.zoom_factor() - z).abs() > 0.001 {
            ctx.set_zoom_factor(z);
        }
    } else {
        c.settings.zoom_pct = (ctx.zoom_factor() * 100.0).round().clamp(10.0, 1000.0) as u16;
    }
    preset::poll(app, ctx);
    pump_lab(app);
}

fn zoom_by(ctx: &Context, delta: f32) {
    let z = (ctx.zoom_factor() + delta).clamp(ZOOM_MIN, ZOOM_MAX);
    ctx.set_zoom_factor((z * 10.0).round() / 10.0);
}

/// The menus of the top bar: View, Language, Labs.
pub fn menus(ui: &mut Ui, app: &mut App) {
    let lang = app.classroom.lang;
    if app.classroom.settings.learn {
        super::learn::show(ui.ctx(), &mut app.classroom.settings.learn, lang);
    }
    ui.menu_button(fl!(loader(lang), "menu-view"), |ui| {
        let s = &mut app.classroom.settings;
        ui.checkbox(
            &mut s.network_panel,
            fl!(loader(lang), "menu-network-panel"),
        );
        ui.checkbox(&mut s.timeline, fl!(loader(lang), "menu-timeline"));
        ui.checkbox(&mut s.tcp_diagram, fl!(loader(lang), "menu-tcp-diagram"));
        ui.checkbox(&mut s.learn, fl!(loader(lang), "menu-learn"));
        ui.separator();
        ui.label(RichText::new(fl!(loader(lang), "menu-theme")).strong());
        for (theme, label) in [
            (Theme::System, fl!(loader(lang), "theme-system")),
            (Theme::Light, fl!(loader(lang), "theme-light")),
            (Theme::Dark, fl!(loader(lang), "theme-dark")),
            (
                Theme::HighContrast,
                fl!(loader(lang), "theme-high-contrast"),
            ),
        ] {
            ui.radio_value(&mut s.theme, theme, label);
        }
        ui.separator();
        ui.label(fl!(loader(lang), "menu-zoom-now", pct = s.zoom_pct));
        let ctx = ui.ctx().clone();
        if ui.button(fl!(loader(lang), "menu-zoom-in")).clicked() {
            zoom_by(&ctx, 0.1);
        }
        if ui.button(fl!(loader(lang), "menu-zoom-out")).clicked() {
            zoom_by(&ctx, -0.1);
        }
        if ui.button(fl!(loader(lang), "menu-zoom-reset")).clicked() {
            ctx.set_zoom_factor(1.0);
        }
    });
    ui.menu_button(fl!(loader(lang), "menu-language"), |ui| {
        for l in Lang::ALL {
            if ui.radio(app.classroom.lang == l, l.native_name()).clicked() {
                app.classroom.set_lang(l);
                ui.close();
            }
        }
    });
    ui.menu_button(fl!(loader(lang), "menu-labs"), |ui| {
        if ui.button(fl!(loader(lang), "menu-lab-udp")).clicked() {
            start_lab(app, false);
            ui.close();
        }
        if ui.button(fl!(loader(lang), "menu-lab-tcp")).clicked() {
            start_lab(app, true);
            ui.close();
        }
        if app.classroom.split.is_some() && ui.button(fl!(loader(lang), "menu-lab-close")).clicked()
        {
            close_split(app);
            ui.close();
        }
        ui.separator();
        if ui.button(fl!(loader(lang), "menu-preset-save")).clicked() {
            preset::save_dialog(app, ui.ctx());
            ui.close();
        }
        if ui.button(fl!(loader(lang), "menu-preset-load")).clicked() {
            preset::open_dialog(app, ui.ctx());
            ui.close();
        }
    });
    if let Some((m, err)) = &app.classroom.notice {
        let text = RichText::new(m).small();
        ui.label(if *err {
            text.color(super::address_field::ERROR_RED)
        } else {
            text.weak()
        });
    }
}

/// The Network panel (left), the TCP diagram (right, TCP tabs) and the timeline strip
/// (bottom) of the tab shown. Call before the central panel.
pub fn session_panels(ui: &mut Ui, c: &mut Classroom, panel: &mut SessionPanel) {
    let lang = c.lang;
    // Side panels share the width with the log: each keeps to its range of the window's
    // width, so the log (and its Data column) always keeps the larger part.
    let w = ui.available_width();
    if c.settings.network_panel {
        egui::Panel::left("network_panel")
            .resizable(true)
            .default_size((0.28 * w).clamp(160.0, 300.0))
            .size_range(side_range(w))
            .show(ui, |ui| {
                if super::layout::panel_header(ui, &fl!(loader(lang), "menu-network-panel")) {
                    c.settings.network_panel = false;
                }
                if let Some(ip) = network_panel::show(ui, &mut c.network, lang) {
                    fill_host(c, panel, ip);
                }
            });
    }
    if c.settings.tcp_diagram && panel.role.is_tcp() {
        egui::Panel::right(("tcp_diagram", panel.role.as_str()))
            .resizable(true)
            .default_size((0.3 * w).clamp(200.0, 340.0))
            .size_range(side_range(w))
            .show(ui, |ui| {
                if super::layout::panel_header(ui, &fl!(loader(lang), "menu-tcp-diagram")) {
                    c.settings.tcp_diagram = false;
                }
                tcp_diagram::show(ui, panel, lang)
            });
    }
    if c.settings.timeline {
        egui::Panel::bottom(("timeline", panel.role.as_str()))
            .resizable(false)
            .show(ui, |ui| {
                ui.add_space(2.0);
                timeline::show(ui, &panel.st.timeline, lang, panel.role.as_str());
                ui.add_space(2.0);
            });
    }
}

/// The width range of a side panel in a window `w` wide: at most 40 % of it.
fn side_range(w: f32) -> std::ops::RangeInclusive<f32> {
    let max = (0.4 * w).max(160.0);
    160.0_f32.min(max)..=max
}

fn fill_host(c: &mut Classroom, panel: &mut SessionPanel, ip: std::net::IpAddr) {
    let tab = tab_label(c.lang, panel.role);
    if panel.is_running() {
        c.network.last_fill = Some(format!("{ip} ✗ {tab}"));
        return;
    }
    panel.settings.host = ip.to_string();
    c.network.last_fill = Some(fl!(
        loader(c.lang),
        "net-filled",
        addr = ip.to_string(),
        tab = tab
    ));
}

fn free_port(tcp: bool) -> std::io::Result<u16> {
    if tcp {
        Ok(std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port())
    } else {
        Ok(std::net::UdpSocket::bind("127.0.0.1:0")?
            .local_addr()?
            .port())
    }
}

/// Opens the loopback lab: UDP sender → receiver, or TCP client ↔ server, side by side,
/// wired together on 127.0.0.1 with a free port.
pub fn start_lab(app: &mut App, tcp: bool) {
    let (first, second) = if tcp {
        (Role::TcpServer, Role::TcpClient)
    } else {
        (Role::UdpReceiver, Role::UdpSender)
    };
    let port = match free_port(tcp) {
        Ok(p) => p,
        Err(e) => {
            app.classroom.notice = Some((e.to_string(), true));
            return;
        }
    };
    // The lab runs on fresh panels of its own: none of the user's settings, rows or
    // clients, and the user's tabs (their sessions, ports and tools) as they were after.
    super::lab_panels::put_back(app);
    super::lab_panels::put_aside(app, [first, second]);
    app.classroom.lab = Some(Lab {
        first,
        second,
        port,
        stage: LabStage::Stopping,
    });
    app.classroom.split = Some((second, first));
    app.classroom.notice = None;
    pump_lab(app);
}

fn close_split(app: &mut App) {
    if let Some((a, _)) = app.classroom.split.take() {
        app.tab = a;
    }
    app.classroom.lab = None;
    super::lab_panels::put_back(app);
}

fn configure_lab(app: &mut App, lab: &Lab) {
    let lang = app.classroom.lang;
    let port = lab.port.to_string();
    for role in [lab.first, lab.second] {
        let p = app.panel_mut(role);
        p.settings.host = "127.0.0.1".into();
        p.settings.port = port.clone();
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
            let state = app.panel(lab.first).st.state.clone();
            match state {
                ConnState::Bound | ConnState::Listening => {
                    app.panel_mut(lab.second).start_from_fields(notify);
                    lab.stage = LabStage::Done;
                }
                ConnState::Starting => {}
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
            if let Some(lab) = &app.classroom.lab {
                ui.label(fl!(loader(lang), "lab-note", port = lab.port));
            }
            if ui.button(fl!(loader(lang), "menu-lab-close")).clicked() {
                close_split(app);
            }
        });
    });
    if app.classroom.split.is_none() {
        return true;
    }
    let show_timeline = app.classroom.settings.timeline;
    egui::CentralPanel::default().show(ui, |ui| {
        ui.columns(2, |cols| {
            for (col, role) in cols.iter_mut().zip([left, right]) {
                col.push_id(("split", role.as_str()), |ui| {
                    let panel = app.panel_mut(role);
                    ui.label(RichText::new(tab_label(lang, role)).heading().strong());
                    panel.status_ui(ui);
                    if show_timeline {
                        timeline::show(ui, &panel.st.timeline, lang, role.as_str());
                    }
                    ui.separator();
                    panel.ui(ui, false, &notify);
                });
            }
        });
    });
    true
}
