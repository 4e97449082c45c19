//! What the window's menus and dialogs ask of the app. They edit their own state and
//! return an [`AppCommand`]; the app applies it in one place (`App::apply`), as egui's
//! demo app does, so no menu needs the whole window.

use super::preset::Preset;
use std::path::PathBuf;

/// One request to the app.
pub enum AppCommand {
    /// Open a loopback lab (true: TCP client ↔ server; false: UDP sender → receiver).
    StartLab { tcp: bool },
    /// The "TCP is a stream" lab (粘包 made visible, then fixed by framing).
    StartStreamLab,
    /// The relay lab: TCP 可靠 / UDP 不可靠 through a lossy relay.
    StartRelayLab,
    /// The "40 students" preset: a crowd of 40 against the TCP Server's roster.
    FortyStudents,
    /// Close the lab's split view and give the user's tabs back.
    CloseLab,
    /// Ask where to save the window's setup as a preset.
    AskSavePreset,
    /// Ask which preset to open.
    AskOpenPreset,
    /// Save the window's setup to this preset file.
    SavePreset(PathBuf),
    /// Read this preset file and put it into the window (Open preset…'s answer).
    OpenPreset(PathBuf),
    /// Put this preset into the window (read from this file).
    ApplyPreset(Box<Preset>, PathBuf),
    /// The log settings changed: every log's memory caps and the cap on all log files.
    SetLogSettings(crate::ui::log::log_settings::LogSettings),
}
