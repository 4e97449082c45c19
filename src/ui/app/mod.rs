//! The application: the tab bar over the five tabs (the four roles and the Relay), the
//! status line, keyboard shortcuts, draining every session's events each frame,
//! persistence of the fields, the CJK font fallback, and opening on a command-line launch.

mod commands;
mod fonts;
mod lab;
mod packets;
mod relay_lab;
mod relay_lab_count;
mod relay_lab_view;
mod stream_lab;

pub use fonts::install_cjk_font;
pub use lab::start_lab;
pub use relay_lab::{
    LAB_COUNT, LAB_DROP_PCT, LAB_LATENCY_MS, LAB_SEED, lab_relay_settings, start_relay_lab,
};
pub use relay_lab_count::LabOutcome;
pub use stream_lab::start_stream_lab;

use crate::i18n::loader;
use crate::launch::Launch;
use crate::net::{Notifier, Role};
use crate::session::SpoolBudget;
use crate::ui::classroom::command::AppCommand;
use crate::ui::dialogs::recovery::Recovery;
use crate::ui::log::log_settings::{self, LogSettings};
use crate::ui::tabs::settings::Persisted;
use crate::ui::tabs::tab::SessionPanel;
use egui::{Key, Modifiers, RichText};
use i18n_embed_fl::fl;
use std::sync::Arc;

/// The whole window's state.
pub struct App {
    /// The tab shown.
    pub tab: Role,
    /// The window's size at the last frame (a change asks for one more frame).
    last_size: Option<egui::Vec2>,
    panels: Vec<SessionPanel>,
    /// The user's own panels while a loopback lab shows fresh ones in their place.
    lab_stash: Vec<SessionPanel>,
    /// The tab the user was on when a lab put their panels aside: shown again after it.
    lab_tab: Option<Role>,
    /// The relay lab (TCP 可靠 / UDP 不可靠), with its own TCP relay's panel.
    relay_lab: Option<Box<relay_lab::RelayLab>>,
    launch: Option<Launch>,
    notify: Option<Notifier>,
    fonts_done: bool,
    /// Whether a CJK font was found.
    pub cjk_font: bool,
    /// Classroom mode: language, menus, Network panel, timeline, diagram, labs.
    pub classroom: crate::ui::classroom::mode::Classroom,
    /// The in-memory cap of every log (Settings menu).
    pub log_settings: LogSettings,
    /// Where spool files live.
    pub data_dir: std::path::PathBuf,
    /// The offer to recover spools left by a crash.
    pub recovery: Recovery,
    /// The cap on all spools together (this window's tabs and the left-over ones).
    pub spool_budget: SpoolBudget,
    /// The saved packets and their window.
    pub packets: packets::Packets,
}

/// The panel of a role's tab: one for each of [`Role::EVERY`], the Relay tab last.
fn index(role: Role) -> usize {
    Role::EVERY.iter().position(|r| *r == role).unwrap_or(0)
}

impl App {
    /// A window state from saved settings (or the seed defaults) and an optional launch.
    pub fn new(persisted: Option<Persisted>, launch: Option<Launch>) -> App {
        let p = persisted.unwrap_or_default();
        let spool_budget = SpoolBudget::new(p.log.spool_cap());
        if p.last_folder.is_some() {
            crate::ui::dialogs::file_dialog::set_last_dir(p.last_folder.clone());
        }
        let mut panels = vec![
            SessionPanel::new(Role::UdpSender, p.udp_sender),
            SessionPanel::new(Role::UdpReceiver, p.udp_receiver),
            SessionPanel::new(Role::TcpClient, p.tcp_client),
            SessionPanel::new(Role::TcpServer, p.tcp_server),
            SessionPanel::new(Role::Relay, p.relay),
        ];
        for panel in &mut panels {
            let (rows, bytes) = p.log.caps();
            panel.set_caps(rows, bytes);
            panel.set_spool_budget(&spool_budget);
        }
        let mut tab = p.tab;
        if let Some(l) = &launch {
            tab = l.config.role;
            let panel = &mut panels[index(tab)];
            panel.settings.apply_config(&l.config);
            panel.set_encoding(l.config.encoding);
            if l.hex {
                panel.settings.display = super::DisplayMode::Both;
            }
            if let Some(c) = &l.check {
                panel.settings.rx_check = crate::ui::pickers::check_picker::CheckForm::from_spec(c);
            }
            // `--rule`s: the tab's rules, shown in the Auto-reply tool.
            if let Some(rules) = &l.auto.rules {
                panel.settings.kit.rules = rules.clone();
                panel.settings.kit.tool = super::Tool::Rules;
            }
        }
        App {
            last_size: None,
            tab,
            panels,
            lab_stash: Vec::new(),
            lab_tab: None,
            relay_lab: None,
            launch,
            notify: None,
            fonts_done: false,
            cjk_font: false,
            classroom: crate::ui::classroom::mode::Classroom::new(p.classroom),
            log_settings: p.log,
            data_dir: crate::files::default_data_dir(),
            recovery: Recovery::default(),
            spool_budget,
            packets: Default::default(),
        }
    }

    /// Offers to recover the spools a crash left in the data directory (what the real
    /// window does; call before the first frame).
    pub fn with_recovery(mut self) -> App {
        self.recovery.enabled = true;
        self
    }

    /// Uses `dir` for spool files and for looking for those a crash left (call before
    /// the first frame).
    pub fn with_data_dir(mut self, dir: impl Into<std::path::PathBuf>) -> App {
        self.data_dir = dir.into();
        self.recovery.enabled = true;
        for p in &mut self.panels {
            p.set_spool_dir(self.data_dir.clone());
        }
        self
    }

    pub fn panel(&self, role: Role) -> &SessionPanel {
        &self.panels[index(role)]
    }

    pub fn panel_mut(&mut self, role: Role) -> &mut SessionPanel {
        &mut self.panels[index(role)]
    }

    /// Puts `panel` in its role's place and returns the one that was there.
    fn swap_panel(&mut self, panel: SessionPanel) -> SessionPanel {
        std::mem::replace(&mut self.panels[index(panel.role)], panel)
    }

    /// The user's own panel of a role (not a lab's).
    fn user_panel(&self, role: Role) -> &SessionPanel {
        self.lab_stash
            .iter()
            .find(|p| p.role == role)
            .unwrap_or_else(|| self.panel(role))
    }

    /// Every panel, the user's put aside by a lab too.
    fn all_panels(&mut self) -> impl Iterator<Item = &mut SessionPanel> {
        let lab = self.relay_lab.iter_mut().map(|l| &mut l.tcp_relay);
        self.panels
            .iter_mut()
            .chain(self.lab_stash.iter_mut())
            .chain(lab)
    }

    /// What wakes the window when a worker has news (None before the first frame).
    pub fn notifier(&self) -> Option<Notifier> {
        self.notify.clone()
    }

    /// The settings to save.
    pub fn persisted(&self) -> Persisted {
        Persisted {
            tab: self.tab,
            udp_sender: self.user_panel(Role::UdpSender).settings.clone(),
            udp_receiver: self.user_panel(Role::UdpReceiver).settings.clone(),
            tcp_client: self.user_panel(Role::TcpClient).settings.clone(),
            tcp_server: self.user_panel(Role::TcpServer).settings.clone(),
            relay: self.user_panel(Role::Relay).settings.clone(),
            classroom: self.classroom.settings.clone(),
            log: self.log_settings,
            last_folder: crate::ui::dialogs::file_dialog::last_dir(),
        }
    }

    /// Marks fonts as installed already (done by [`super::run`] before the first frame).
    pub fn set_fonts_installed(&mut self, cjk: bool) {
        self.fonts_done = true;
        self.cjk_font = cjk;
    }

    /// Per-frame work outside drawing: fonts once, the launch once, and the runtimes'
    /// wake-up (set once). The runtimes take every event on their own threads; the frame
    /// only reads their views.
    pub fn pump(&mut self, ctx: &egui::Context) {
        if !self.fonts_done {
            self.fonts_done = true;
            self.cjk_font = install_cjk_font(ctx);
        }
        self.recovery.start(&self.data_dir, ctx);
        // The recovery window's list (taken by its own poll each frame) counts against
        // the cap on all spools until each left-over one is saved or discarded.
        self.spool_budget
            .set_left_over(self.recovery.items.iter().map(|o| o.size).sum());
        if self.notify.is_none() {
            let n = repaint_waker(ctx.clone());
            for p in self.all_panels() {
                p.set_notify(n.clone());
            }
            self.notify = Some(n);
        }
        if let Some(l) = self.launch.take() {
            let notify = self.notify.clone();
            let role = l.config.role;
            if let Some(f) = &l.framing {
                self.panel_mut(role).settings.framing.set(f);
            }
            self.panel_mut(role)
                .start_launch(l.config, l.auto, l.record, notify);
        }
        for p in self.all_panels() {
            p.refresh();
        }
    }

    /// Draws the window.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        crate::ui::classroom::mode::begin_frame(&mut self.classroom, &ctx);
        self.poll_presets(&ctx);
        lab::pump_lab(self);
        relay_lab::pump_relay_lab(self);
        let (send_key, save_key, clear_key) = ui.input_mut(|i| {
            (
                i.consume_key(Modifiers::COMMAND, Key::Enter),
                i.consume_key(Modifiers::COMMAND, Key::S),
                i.consume_key(Modifiers::COMMAND, Key::L),
            )
        });
        let mut commands = Vec::new();
        egui::Panel::top("tabs").show(ui, |ui| {
            ui.add_space(2.0);
            // Wrapped: at a high zoom on a small screen the tabs go on a second line instead
            // of off the window's edge.
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    RichText::new(fl!(crate::ui::common::lang::ui_loader(ui), "app-title"))
                        .strong(),
                );
                if let Some(cmd) = crate::ui::classroom::mode::menus(ui, &mut self.classroom) {
                    commands.push(cmd);
                }
                ui.separator();
                let mut settings = self.log_settings;
                ui.menu_button(
                    fl!(crate::ui::common::lang::ui_loader(ui), "menu-settings"),
                    |ui| {
                        if log_settings::ui(ui, &mut settings) {
                            commands.push(AppCommand::SetLogSettings(settings));
                        }
                    },
                );
                let packets = fl!(crate::ui::common::lang::ui_loader(ui), "pk-title");
                ui.toggle_value(&mut self.packets.panel.open, packets);
                ui.separator();
                for role in Role::EVERY {
                    let lang = self.classroom.lang;
                    let name = crate::ui::common::lang::tab_label(lang, role);
                    ui.selectable_value(&mut self.tab, role, RichText::new(&name).size(15.0));
                    if self.panel(role).is_running() {
                        ui.label(RichText::new("●").color(crate::ui::common::style::GOOD_GREEN))
                            .on_hover_text(fl!(loader(lang), "tab-running", name = name));
                    }
                }
                crate::ui::classroom::mode::notice(ui, &self.classroom);
            });
            ui.add_space(2.0);
        });
        for cmd in commands {
            self.apply(cmd, &ctx);
        }
        self.packets_frame(&ctx);
        for p in self.all_panels() {
            p.poll_dialogs(&ctx);
        }
        if relay_lab_view::show(self, ui) || lab::show_split(self, ui) {
            return;
        }
        let tab = self.tab;
        let notify = self.notify.clone();
        let panel = &mut self.panels[index(tab)];
        if clear_key {
            panel.clear_log();
        }
        if save_key {
            panel.save_log(ui.ctx());
        }
        egui::Panel::bottom("status").show(ui, |ui| {
            ui.add_space(2.0);
            if crate::ui::tabs::session_panel::status_line(ui, panel) {
                panel.save_rest(ui.ctx());
            }
            ui.add_space(2.0);
        });
        // The lesson's panels (socket calls, the TCP diagram) follow one socket: a relay
        // has two per pair, and none of them.
        if tab != Role::Relay {
            crate::ui::classroom::mode::session_panels(ui, &mut self.classroom, panel);
        }
        egui::CentralPanel::default().show(ui, |ui| {
            if tab == Role::Relay {
                crate::ui::tabs::relay_tab::show(ui, panel, &notify);
            } else {
                crate::ui::tabs::session_panel::show(ui, panel, send_key, &notify);
            }
        });
        self.recovery.show(ui.ctx());
        self.follow_moved_port(ui.ctx());
    }

    /// One frame: [`App::pump`] then [`App::show`] (what tests call).
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.pump(&ctx);
        self.show(ui);
    }

    /// The TCP Server's listening port was moved with "Use port N" (the old one was
    /// taken): a stopped TCP Client tab that pointed at it on this machine follows, and
    /// says so (40 students would otherwise knock on the program that holds the old port).
    fn follow_moved_port(&mut self, ctx: &egui::Context) {
        let Some((old, new)) = crate::ui::common::address_field::take_port_moved(ctx) else {
            return;
        };
        let lang = self.classroom.lang;
        let c = self.panel_mut(Role::TcpClient);
        let local = matches!(
            c.settings.host.trim(),
            "127.0.0.1" | "localhost" | "::1" | "[::1]"
        );
        if local && !c.is_running() && c.settings.port.trim() == old.to_string() {
            c.settings.port = new.to_string();
            self.classroom.notice = Some((
                fl!(
                    crate::i18n::loader(lang),
                    "client-followed-port",
                    old = old.to_string(),
                    new = new.to_string()
                ),
                false,
            ));
        }
    }
}

/// What the session runtimes call when their view has news: it never waits. egui's
/// `request_repaint` takes the context's lock, which the window holds while it lays out and
/// tessellates a frame (milliseconds with software rendering); a runtime that called it
/// directly would hold back the next reply by as long. A small thread calls it instead,
/// woken through a one-slot channel (news already pending is not queued twice).
fn repaint_waker(ctx: egui::Context) -> Notifier {
    let (tx, rx) = crossbeam_channel::bounded::<()>(1);
    let c = ctx.clone();
    let spawned = std::thread::Builder::new()
        .name("repaint-waker".into())
        .spawn(move || {
            for () in rx {
                c.request_repaint();
            }
        });
    match spawned {
        Ok(_) => Arc::new(move || {
            let _ = tx.try_send(());
        }),
        // No thread: the runtimes wake the window themselves.
        Err(_) => Arc::new(move || ctx.request_repaint()),
    }
}

/// The label of a role's tab.
pub fn tab_name(role: Role) -> &'static str {
    match role {
        Role::UdpSender => "UDP Sender",
        Role::UdpReceiver => "UDP Receiver",
        Role::TcpClient => "TCP Client",
        Role::TcpServer => "TCP Server",
        Role::Relay => "Relay",
    }
}

impl eframe::App for App {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        self.pump(ctx);
        // A new window size lays the log's columns out again on the next frame; ask for it,
        // or the Data column keeps the old width until something else wakes the window.
        let size = ctx.content_rect().size();
        if self.last_size != Some(size) {
            self.last_size = Some(size);
            ctx.request_repaint();
        }
    }

    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
        // For measuring cold start: `SOCKET_TESTER_EXIT_AFTER_FIRST_FRAME=1 socket-tester`
        // prints the time from process start to the end of the first frame, then quits.
        if std::env::var_os("SOCKET_TESTER_EXIT_AFTER_FIRST_FRAME").is_some() {
            eprintln!(
                "first frame after {:.3} s",
                crate::ui::process_uptime_secs()
            );
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.persisted());
    }

    /// A normal exit: the spool files go (only a crash or a kill leaves them behind).
    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        for p in self.all_panels() {
            p.shutdown();
        }
    }
}
