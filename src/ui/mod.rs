//! The window (egui/eframe): four tabs — UDP Sender, UDP Receiver, TCP Client and
//! TCP Server — each owning its own session, log and send box. [`run`] opens it.

mod action;
mod address_field;
mod app;
mod background;
mod classroom;
mod command;
mod encoding_picker;
mod expect_panel;
mod field;
mod file_dialog;
mod file_window;
mod framing_picker;
pub mod icon;
mod lang;
mod layout;
pub mod learn;
mod live_feed;
pub mod log_settings;
mod log_state;
mod log_toolbar;
mod log_view;
mod multicast;
mod network_panel;
mod payload_words;
mod payloads;
pub mod preset;
mod rate_chart;
pub mod recovery;
mod replay_window;
mod roster_panel;
mod rules_panel;
pub mod save;
pub mod search;
mod send_box;
mod senders_table;
mod sequence_panel;
mod sequence_tools;
mod session_panel;
mod settings;
mod sockopts_picker;
mod status_words;
mod style;
mod tab;
mod tab_config;
mod tab_tools;
mod tcp_client;
mod tcp_diagram;
mod tcp_server;
mod tcp_stats_view;
mod timeline;
mod tls_picker;
mod tls_status;
mod toolkit;
mod udp_receiver;
mod udp_sender;
mod writes_picker;

pub use app::{App, install_cjk_font, start_lab, start_stream_lab, tab_name};
pub use classroom::Classroom;
pub use command::AppCommand;
pub use file_dialog::use_in_window as use_in_window_file_dialogs;
pub use framing_picker::{FramingForm, FramingMode};
pub use lang::tab_label;
pub use log_settings::LogSettings;
pub use log_view::{DisplayMode, format_row_text, write_log};
pub use multicast::MulticastForm;
pub use payloads::{SavedPayload, export as export_payloads, import as import_payloads};
pub use send_box::{LineEnding, PayloadForm};
pub use settings::{ClassroomSettings, KitSettings, Persisted, TabSettings, Tool};
pub use status_words::ConnState;
pub use style::Theme;
pub use tab::SessionPanel;
pub use tab::Toolkit;
pub use tcp_diagram::{Flow, flow as tcp_flow};
pub use timeline::{Step, Timeline};

use crate::launch::Launch;

/// The name of the window and of its settings file.
pub const APP_NAME: &str = "Socket Tester";

/// Opens the window. With a launch (from the command line), it opens on that role's tab
/// with its fields filled in, starts the session at once and runs its automation.
pub fn run(launch: Option<Launch>) -> eframe::Result<()> {
    run_with_preset(launch, None)
}

/// [`run`], with a preset's tabs over the remembered settings (`--preset FILE`).
pub fn run_with_preset(
    launch: Option<Launch>,
    preset: Option<preset::Preset>,
) -> eframe::Result<()> {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title(APP_NAME)
        .with_app_id(save::APP_ID)
        .with_inner_size([1100.0, 720.0])
        .with_min_inner_size([720.0, 460.0]);
    if let Some(icon) = icon::app_icon() {
        viewport = viewport.with_icon(std::sync::Arc::new(icon));
    }
    let options = eframe::NativeOptions {
        viewport,
        persist_window: true,
        ..Default::default()
    };
    // Captures stay private: the data directory 0700, the settings (payloads) file 0600.
    // Best effort: a folder that cannot be made is reported where a spool needs it.
    let _ = crate::log::private::secure_data_dir(&save::default_data_dir());
    if let Some(dir) = eframe::storage_dir(save::APP_ID) {
        let _ = crate::log::private::secure_settings_file(&dir.join("app.ron"));
    }
    // Drawing yields to receiving: the sessions' threads keep the normal priority.
    crate::sys::start_data_spawner();
    crate::sys::lower_ui_priority();
    eframe::run_native(
        APP_NAME,
        options,
        Box::new(move |cc| {
            let cjk = install_cjk_font(&cc.egui_ctx);
            let persisted: Option<Persisted> = cc
                .storage
                .and_then(|s| eframe::get_value(s, eframe::APP_KEY));
            let persisted = match preset {
                Some(p) => Some(p.over(persisted.unwrap_or_default())),
                None => persisted,
            };
            let mut app = App::new(persisted, launch).with_recovery();
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
