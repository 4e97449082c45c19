//! Classroom mode: the language (English / 简体中文) and the menus of the top bar, themes
//! and zoom for projectors, the Network panel, the timeline strip and TCP diagram of the
//! tab shown, the loopback lab (a matched pair side by side on 127.0.0.1) and presets.
//! [`crate::ui::App`] calls in here at a few places of its frame; everything else lives here.

use super::command::AppCommand;
use super::preset;
use crate::i18n::{Lang, loader};
use crate::net::Role;
use crate::ui::common::lang::tab_label;
use crate::ui::common::style::Theme;
use crate::ui::lesson::network_panel::{self, NetworkPanel};
use crate::ui::lesson::{diagram_panel, timeline};
use crate::ui::tabs::settings::ClassroomSettings;
use crate::ui::tabs::tab::SessionPanel;
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
    /// The port the receiving end was given by the system (0 until it has bound).
    pub port: u16,
    /// The "TCP is a stream" lab: the client writes three messages at once, the server
    /// shows them as one chunk, then LF framing makes them three rows.
    pub stream: bool,
    /// The stream lab: the client's messages sent when the server's reading was last
    /// paused (the readout counts this round's send() calls from here).
    pub tx_at_pause: u64,
    pub(in crate::ui) stage: LabStage,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(in crate::ui) enum LabStage {
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
    pub(in crate::ui) preset_io: preset::PresetIo,
}

impl Classroom {
    pub fn new(mut settings: ClassroomSettings) -> Classroom {
        let lang = settings.lang.unwrap_or_else(Lang::detect);
        // Simple mode is on at a first start in Chinese (the classroom's language), and
        // from then on what the user chose: switching the language later keeps it.
        settings.simple = Some(settings.simple(lang));
        Classroom {
            lang,
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
pub fn begin_frame(c: &mut Classroom, ctx: &Context) {
    crate::ui::common::lang::set_frame_lang(ctx, c.lang);
    crate::ui::common::layout::set_simple(ctx, c.settings.simple(c.lang));
    crate::ui::common::layout::set_diagram(ctx, c.settings.tcp_diagram);
    if c.applied_theme != Some(c.settings.theme) {
        crate::ui::common::style::apply_theme(ctx, c.settings.theme);
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
}

fn zoom_by(ctx: &Context, delta: f32) {
    let z = (ctx.zoom_factor() + delta).clamp(ZOOM_MIN, ZOOM_MAX);
    ctx.set_zoom_factor((z * 10.0).round() / 10.0);
}

/// The menus of the top bar: View, Language, Labs.
pub fn menus(ui: &mut Ui, c: &mut Classroom) -> Option<AppCommand> {
    let lang = c.lang;
    let mut cmd = None;
    if c.settings.learn {
        crate::ui::lesson::learn::show(ui.ctx(), &mut c.settings.learn, lang);
    }
    ui.menu_button(fl!(loader(lang), "menu-view"), |ui| {
        let s = &mut c.settings;
        let mut simple = s.simple(lang);
        if ui
            .checkbox(&mut simple, fl!(loader(lang), "menu-simple"))
            .on_hover_text(fl!(loader(lang), "menu-simple-tip"))
            .changed()
        {
            s.simple = Some(simple);
        }
        ui.separator();
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
            if ui.radio(c.lang == l, l.native_name()).clicked() {
                c.set_lang(l);
                ui.close();
            }
        }
    });
    ui.menu_button(fl!(loader(lang), "menu-labs"), |ui| {
        if ui.button(fl!(loader(lang), "menu-lab-udp")).clicked() {
            cmd = Some(AppCommand::StartLab { tcp: false });
            ui.close();
        }
        if ui.button(fl!(loader(lang), "menu-lab-tcp")).clicked() {
            cmd = Some(AppCommand::StartLab { tcp: true });
            ui.close();
        }
        if ui
            .button(fl!(loader(lang), "menu-lab-stream"))
            .on_hover_text(fl!(loader(lang), "menu-lab-stream-tip"))
            .clicked()
        {
            cmd = Some(AppCommand::StartStreamLab);
            ui.close();
        }
        if ui
            .button(fl!(loader(lang), "menu-lab-relay"))
            .on_hover_text(fl!(loader(lang), "menu-lab-relay-tip"))
            .clicked()
        {
            cmd = Some(AppCommand::StartRelayLab);
            ui.close();
        }
        if ui
            .button(fl!(loader(lang), "menu-forty-students"))
            .on_hover_text(fl!(loader(lang), "menu-forty-students-tip"))
            .clicked()
        {
            cmd = Some(AppCommand::FortyStudents);
            ui.close();
        }
        if c.split.is_some() && ui.button(fl!(loader(lang), "menu-lab-close")).clicked() {
            cmd = Some(AppCommand::CloseLab);
            ui.close();
        }
        ui.separator();
        if ui.button(fl!(loader(lang), "menu-preset-save")).clicked() {
            cmd = Some(AppCommand::AskSavePreset);
            ui.close();
        }
        if ui.button(fl!(loader(lang), "menu-preset-load")).clicked() {
            cmd = Some(AppCommand::AskOpenPreset);
            ui.close();
        }
    });
    cmd
}

/// The last menu command's note (a preset loaded, "40 students" set up…), after the tabs:
/// cut to what is left of their line (the whole of it on hover), so it never pushes the
/// tabs onto a second line; where nothing is left, a ⋯ with the note on hover.
pub fn notice(ui: &mut Ui, c: &Classroom) {
    let Some((m, err)) = &c.notice else {
        return;
    };
    let text = RichText::new(m).small();
    let text = if *err {
        text.color(crate::ui::common::address_field::ERROR_RED)
    } else {
        text.weak()
    };
    // What is left of the tabs' line (not the next line's width).
    let w = ui.available_rect_before_wrap().width();
    if w < 80.0 {
        ui.label(RichText::new("⋯").weak())
            .on_hover_text(m.as_str());
        return;
    }
    let h = ui.spacing().interact_size.y;
    ui.allocate_ui(egui::vec2(w, h), |ui| {
        ui.add(egui::Label::new(text).truncate());
    });
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
                if crate::ui::common::layout::panel_header(
                    ui,
                    &fl!(loader(lang), "menu-network-panel"),
                ) {
                    c.settings.network_panel = false;
                }
                if let Some(ip) = network_panel::show(ui, &mut c.network, lang) {
                    fill_host(c, panel, ip);
                }
            });
    }
    // Simple mode draws the diagram in the tab's own column.
    let simple = crate::ui::common::layout::simple(ui.ctx());
    if c.settings.tcp_diagram && panel.role.is_tcp() && !simple {
        egui::Panel::right(("tcp_diagram", panel.role.as_str()))
            .resizable(true)
            .default_size((0.3 * w).clamp(200.0, 340.0))
            .size_range(side_range(w))
            .show(ui, |ui| {
                if crate::ui::common::layout::panel_header(
                    ui,
                    &fl!(loader(lang), "menu-tcp-diagram"),
                ) {
                    c.settings.tcp_diagram = false;
                }
                diagram_panel::show(ui, &panel.diagram_data(), lang);
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
