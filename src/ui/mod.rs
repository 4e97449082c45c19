//! The window (egui/eframe): four tabs — UDP Sender, UDP Receiver, TCP Client and
//! TCP Server — each owning its own session, log and send box. [`run`] opens it.
//!
//! The folders, from the bottom layer up (each uses only the folders named before it):
//! `common/` pieces, the `log/` view, file `dialogs/`, the option `pickers/`, the
//! `lesson/` views, the send box and its `tools/`, the session `tabs/`, the
//! `classroom/` top bar, and the `app/` over them all.

mod app;
mod classroom;
mod common;
mod dialogs;
mod lesson;
mod log;
mod pickers;
mod tabs;
mod tools;

pub use app::{
    App, LAB_COUNT, LAB_DROP_PCT, LAB_LATENCY_MS, LAB_SEED, LabOutcome, install_cjk_font,
    lab_relay_settings, start_lab, start_relay_lab, start_stream_lab, tab_name,
};
pub use classroom::command::AppCommand;
pub use classroom::mode::Classroom;
pub use classroom::preset::{Preset, PresetLab, load as load_preset, save as save_preset};
pub use common::lang::tab_label;
pub use common::style::Theme;
pub use dialogs::file_dialog::use_in_window as use_in_window_file_dialogs;
pub use dialogs::save::{Source as ExportSource, export_session};
pub use lesson::tcp_diagram::{ConnectFailure, Flow, flow as tcp_flow};
pub use lesson::timeline::{Step, Timeline};
pub use log::log_settings::LogSettings;
pub use log::log_view::{DisplayMode, format_row_text, write_log};
pub use pickers::framing_picker::{FramingForm, FramingMode};
pub use pickers::multicast::MulticastForm;
pub use tabs::settings::{ClassroomSettings, KitSettings, Persisted, TabSettings, Tool};
pub use tabs::status_words::ConnState;
pub use tabs::tab::SessionPanel;
pub use tabs::toolkit::Toolkit;
pub use tools::diff_view::show as hex_diff_view;
pub use tools::packets::{Packet, Protocol as PacketProtocol};
pub use tools::payloads::{SavedPayload, export as export_payloads, import as import_payloads};
pub use tools::send_box::{LineEnding, PayloadForm};

use crate::launch::Launch;

/// The name of the window and of its settings file.
pub const APP_NAME: &str = "Socket Tester";

/// Opens the window. With a launch (from the command line), it opens on that role's tab
/// with its fields filled in, starts the session at once and runs its automation.
pub fn run(launch: Option<Launch>) -> eframe::Result<()> {
    run_with_preset(launch, None)
}

/// [`run`], with a preset's tabs over the remembered settings (`--preset FILE`).
pub fn run_with_preset(launch: Option<Launch>, preset: Option<Preset>) -> eframe::Result<()> {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title(APP_NAME)
        .with_app_id(crate::files::APP_ID)
        .with_inner_size([1100.0, 720.0])
        .with_min_inner_size([720.0, 460.0]);
    if let Some(icon) = common::icon::app_icon() {
        viewport = viewport.with_icon(std::sync::Arc::new(icon));
    }
    let options = eframe::NativeOptions {
        viewport,
        persist_window: true,
        ..Default::default()
    };
    // Captures stay private: the data directory 0700, the settings (payloads) file 0600.
    // Best effort: a folder that cannot be made is reported where a spool needs it.
    let _ = crate::files::private::secure_data_dir(&crate::files::default_data_dir());
    if let Some(dir) = eframe::storage_dir(crate::files::APP_ID) {
        let _ = crate::files::private::secure_settings_file(&dir.join("app.ron"));
    }
    // Drawing yields to receiving: the sessions' threads keep the normal priority.
    crate::sys::start_data_spawner();
    crate::sys::lower_ui_priority();
    eframe::run_native(
        APP_NAME,
        options,
        Box::new(move |cc| {
            // SIGTERM or Ctrl-C closes the window as its close button does: sessions end in
            // order (a WebSocket's close frame, a unix socket's file removed).
            let ctx = cc.egui_ctx.clone();
            let _ = ctrlc::set_handler(move || {
                ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                ctx.request_repaint();
            });
            let cjk = install_cjk_font(&cc.egui_ctx);
            let persisted: Option<Persisted> = cc
                .storage
                .and_then(|s| eframe::get_value(s, eframe::APP_KEY));
            let lab = preset.as_ref().and_then(|p| p.lab);
            let persisted = match preset {
                Some(p) => Some(p.over(persisted.unwrap_or_default())),
                None => persisted,
            };
            let mut app = App::new(persisted, launch).with_recovery();
            if lab == Some(classroom::preset::PresetLab::Relay) {
                start_relay_lab(&mut app);
            }
            app.set_fonts_installed(cjk);
            Ok(Box::new(app))
        }),
    )
}

/// Seconds since this process started (Linux: from /proc; elsewhere since the first call).
pub fn process_uptime_secs() -> f64 {
    static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    let since_first = START
        .get_or_init(std::time::Instant::now)
        .elapsed()
        .as_secs_f64();
    // /proc/self/stat field 22 is the start time in clock ticks after boot; /proc/uptime is now.
    #[cfg(target_os = "linux")]
    let (stat, uptime) = (
        std::fs::read_to_string("/proc/self/stat").ok(),
        std::fs::read_to_string("/proc/uptime").ok(),
    );
    #[cfg(not(target_os = "linux"))]
    let (stat, uptime): (Option<String>, Option<String>) = (None, None);
    match (stat, uptime) {
        (Some(stat), Some(up)) => {
            let after_comm = stat.rsplit(')').next().unwrap_or_default();
            let start_ticks: Option<f64> = after_comm
                .split_whitespace()
                .nth(19)
                .and_then(|v| v.parse().ok());
            let now: Option<f64> = up.split_whitespace().next().and_then(|v| v.parse().ok());
            match (start_ticks, now) {
                (Some(t), Some(n)) => n - t / 100.0,
                _ => since_first,
            }
        }
        _ => since_first,
    }
}
