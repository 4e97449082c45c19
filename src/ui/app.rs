//! The application: the tab bar over the four session tabs, the status line, keyboard
//! shortcuts, draining every session's events each frame, persistence of the fields,
//! the CJK font fallback, and opening on a command-line launch.

use super::log_settings::{self, LogSettings};
use super::recovery::Recovery;
use super::session_panel::SessionPanel;
use super::settings::Persisted;
use crate::i18n::loader;
use crate::launch::Launch;
use crate::net::{Notifier, Role};
use egui::{Key, Modifiers, RichText};
use i18n_embed_fl::fl;
use std::sync::Arc;

/// Font files tried, in order, for Chinese/Japanese/Korean text: (path, face index).
const CJK_FONTS: &[(&str, u32)] = &[
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    (
        "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
        2,
    ),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    (
        "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
        0,
    ),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    (
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        0,
    ),
    ("/usr/share/fonts/google-droid/DroidSansFallback.ttf", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("C:\\Windows\\Fonts\\msyh.ttc", 0),
    ("C:\\Windows\\Fonts\\simsun.ttc", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/System/Library/Fonts/STHeiti Light.ttc", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
];

/// Adds a CJK font (the first one found on this machine, or the file named by
/// `SOCKET_TESTER_CJK_FONT`) as a fallback for proportional and monospace text.
/// Returns false when none was found; the window then runs with boxes for such text.
pub fn install_cjk_font(ctx: &egui::Context) -> bool {
    // A wide symbol font first (U+FFFD, ☺, box drawing…) when one is around.
    for path in SYMBOL_FONTS {
        if let Some(data) = read_font(path, 0) {
            ctx.add_font(fallback("symbol-fallback", data));
            break;
        }
    }
    let from_env = std::env::var("SOCKET_TESTER_CJK_FONT").ok();
    let env_entry = from_env.as_deref().map(|p| (p, 0u32));
    for (path, index) in env_entry.into_iter().chain(CJK_FONTS.iter().copied()) {
        let Some(data) = read_font(path, index) else {
            continue;
        };
        ctx.add_font(fallback("cjk-fallback", data));
        return true;
    }
    false
}

/// Fonts with many symbols, tried as a fallback before the CJK font.
const SYMBOL_FONTS: &[&str] = &[
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/TTF/DejaVuSansMono.ttf",
    "/usr/share/fonts/dejavu-sans-mono-fonts/DejaVuSansMono.ttf",
];

fn read_font(path: &str, index: u32) -> Option<egui::FontData> {
    let bytes = std::fs::read(path).ok()?;
    if bytes.len() < 12 {
        return None;
    }
    let mut data = egui::FontData::from_owned(bytes);
    data.index = index;
    Some(data)
}

fn fallback(name: &str, data: egui::FontData) -> egui::epaint::text::FontInsert {
    use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
    FontInsert::new(
        name,
        data,
        vec![
            InsertFontFamily {
                family: egui::FontFamily::Proportional,
                priority: FontPriority::Lowest,
            },
            InsertFontFamily {
                family: egui::FontFamily::Monospace,
                priority: FontPriority::Lowest,
            },
        ],
    )
}

/// The whole window's state.
pub struct App {
    /// The tab shown.
    pub tab: Role,
    /// The window's size at the last frame (a change asks for one more frame).
    last_size: Option<egui::Vec2>,
    panels: Vec<SessionPanel>,
    /// The user's own panels while a loopback lab shows fresh ones in their place.
    pub(super) lab_stash: Vec<SessionPanel>,
    launch: Option<Launch>,
    notify: Option<Notifier>,
    fonts_done: bool,
    /// Whether a CJK font was found.
    pub cjk_font: bool,
    /// Classroom mode: language, menus, Network panel, timeline, diagram, labs.
    pub classroom: super::classroom::Classroom,
    /// The in-memory cap of every log (Settings menu).
    pub log_settings: LogSettings,
    /// Where spool files live.
    pub data_dir: std::path::PathBuf,
    /// The offer to recover spools left by a crash.
    pub recovery: Recovery,
}

fn index(role: Role) -> usize {
    match role {
        Role::UdpSender => 0,
        Role::UdpReceiver => 1,
        Role::TcpClient => 2,
        Role::TcpServer => 3,
    }
}

impl App {
    /// A window state from saved settings (or the seed defaults) and an optional launch.
    pub fn new(persisted: Option<Persisted>, launch: Option<Launch>) -> App {
        let p = persisted.unwrap_or_default();
        let mut panels = vec![
            SessionPanel::new(Role::UdpSender, p.udp_sender),
            SessionPanel::new(Role::UdpReceiver, p.udp_receiver),
            SessionPanel::new(Role::TcpClient, p.tcp_client),
            SessionPanel::new(Role::TcpServer, p.tcp_server),
        ];
        for panel in &mut panels {
            let (rows, bytes) = p.log.caps();
            panel.set_caps(rows, bytes);
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
        }
        App {
            last_size: None,
            tab,
            panels,
            lab_stash: Vec::new(),
            launch,
            notify: None,
            fonts_done: false,
            cjk_font: false,
            classroom: super::classroom::Classroom::new(p.classroom),
            log_settings: p.log,
            data_dir: super::save::default_data_dir(),
            recovery: Recovery::default(),
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
    pub(super) fn swap_panel(&mut self, panel: SessionPanel) -> SessionPanel {
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
        self.panels.iter_mut().chain(self.lab_stash.iter_mut())
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
            classroom: self.classroom.settings.clone(),
            log: self.log_settings,
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
        if self.notify.is_none() {
            let c = ctx.clone();
            let n: Notifier = Arc::new(move || c.request_repaint());
            for p in self.all_panels() {
                p.set_notify(n.clone());
            }
            self.notify = Some(n);
        }
        if let Some(l) = self.launch.take() {
            let notify = self.notify.clone();
            let role = l.config.role;
            self.panel_mut(role)
                .start_launch(l.config, l.auto, l.record, notify);
        }
        for p in self.all_panels() {
            p.refresh();
        }
    }

    /// Draws the window.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        super::classroom::begin_frame(self, ui);
        let (send_key, save_key, clear_key) = ui.input_mut(|i| {
            (
                i.consume_key(Modifiers::COMMAND, Key::Enter),
                i.consume_key(Modifiers::COMMAND, Key::S),
                i.consume_key(Modifiers::COMMAND, Key::L),
            )
        });
        egui::Panel::top("tabs").show(ui, |ui| {
            ui.add_space(2.0);
            ui.horizontal(|ui| {
                ui.label(RichText::new(fl!(super::lang::ui_loader(ui), "app-title")).strong());
                super::classroom::menus(ui, self);
                ui.separator();
                let mut settings = self.log_settings;
                ui.menu_button(fl!(super::lang::ui_loader(ui), "menu-settings"), |ui| {
                    if log_settings::ui(ui, &mut settings) {
                        let (rows, bytes) = settings.caps();
                        for p in self.all_panels() {
                            p.set_caps(rows, bytes);
                        }
                    }
                });
                self.log_settings = settings;
                ui.separator();
                for role in Role::ALL {
                    let lang = self.classroom.lang;
                    let name = super::lang::tab_label(lang, role);
                    ui.selectable_value(&mut self.tab, role, RichText::new(&name).size(15.0));
                    if self.panel(role).is_running() {
                        ui.label(RichText::new("●").color(super::style::GOOD_GREEN))
                            .on_hover_text(fl!(loader(lang), "tab-running", name = name));
                    }
                }
            });
            ui.add_space(2.0);
        });
        if super::classroom::show_split(self, ui) {
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
            panel.status_ui(ui);
            ui.add_space(2.0);
        });
        super::classroom::session_panels(ui, &mut self.classroom, panel);
        egui::CentralPanel::default().show(ui, |ui| {
            panel.ui(ui, send_key, &notify);
        });
        self.recovery.show(ui.ctx());
    }

    /// One frame: [`App::pump`] then [`App::show`] (what tests call).
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        self.pump(&ctx);
        self.show(ui);
    }
}

/// The label of a role's tab.
pub fn tab_name(role: Role) -> &'static str {
    match role {
        Role::UdpSender => "UDP Sender",
        Role::UdpReceiver => "UDP Receiver",
        Role::TcpClient => "TCP Client",
        Role::TcpServer => "TCP Server",
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
