//! What a tab's widgets ask of their tab. Each widget edits its own state and returns at
//! most one [`PanelAction`] a frame (a click); the tab applies it (`SessionPanel::apply`),
//! so no widget needs the whole tab.

use crate::net::Command;
use crate::session::Control;

/// A file dialog a tool opens; its answer comes back to the tab.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialog {
    SendFile,
    ImportPayloads,
    ExportPayloads,
    ExportExpect,
    /// The roster's CSV.
    ExportRoster,
    /// A sequence file to load, or to save to.
    ImportSequence,
    ExportSequence,
    /// A certificate, key or CA file for the TLS menu.
    TlsFile(crate::ui::pickers::tls_picker::TlsField),
    /// A certificate, key or CA file for one of the relay's TLS menus.
    RelayTlsFile(
        crate::net::relay::Leg,
        crate::ui::pickers::tls_picker::TlsField,
    ),
}

/// One request from a widget to its tab.
pub enum PanelAction {
    /// For the tab's runtime.
    Control(Control),
    /// For the tab's socket worker (only while a session runs).
    Command(Command),
    /// Auto-send the send box's message with the tool's interval and count.
    StartAutoSend,
    /// Start an Expect run from the Expect tool's fields.
    StartExpect,
    /// Run the Sequence tool's steps (`step`: one step at a time).
    StartSequence { step: bool },
    /// Send the saved payload at this index.
    QuickSend(usize),
    /// Open a tool's file dialog, with this file name suggested.
    OpenDialog(Dialog, String),
    /// TCP server: the send box's message to every connected client.
    SendToAll,
    /// TCP server: close the listening socket, keep the clients.
    StopListening,
}
