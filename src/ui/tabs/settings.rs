//! What the window saves between runs: each tab's fields and tools, classroom mode's
//! choices and the log's memory cap. Widgets own the parts they edit (the send box's
//! [`SendState`], the framing and multicast forms…); this module puts them together.

use crate::auto::rules::RuleSet;
use crate::i18n::Lang;
use crate::net::{Role, SessionConfig};
use crate::ui::common::style::Theme;
use crate::ui::log::log_settings::LogSettings;
use crate::ui::log::log_view::DisplayMode;
use crate::ui::pickers::framing_picker::FramingForm;
use crate::ui::pickers::multicast::MulticastForm;
use crate::ui::tools::expect_panel::ExpectForm;
use crate::ui::tools::payloads::SavedPayload;
use crate::ui::tools::send_box::SendState;
use serde::{Deserialize, Serialize};

/// What is saved between runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Persisted {
    pub tab: Role,
    pub udp_sender: TabSettings,
    pub udp_receiver: TabSettings,
    pub tcp_client: TabSettings,
    pub tcp_server: TabSettings,
    /// The Relay tab.
    pub relay: TabSettings,
    /// Language, theme, zoom and panels of classroom mode.
    pub classroom: ClassroomSettings,
    /// The in-memory cap of every log.
    pub log: LogSettings,
    /// The folder the file dialogs open in: the last one used.
    pub last_folder: Option<std::path::PathBuf>,
}

impl Default for Persisted {
    fn default() -> Self {
        Persisted {
            tab: Role::UdpSender,
            udp_sender: TabSettings::seed(Role::UdpSender),
            udp_receiver: TabSettings::seed(Role::UdpReceiver),
            tcp_client: TabSettings::seed(Role::TcpClient),
            tcp_server: TabSettings::seed(Role::TcpServer),
            relay: TabSettings::seed(Role::Relay),
            classroom: Default::default(),
            log: LogSettings::default(),
            last_folder: None,
        }
    }
}

/// The persisted fields of one tab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TabSettings {
    /// Destination (UDP sender), bind (UDP receiver), server (TCP client) or listen host.
    pub host: String,
    pub port: String,
    /// UDP sender: local port or `HOST:PORT` to bind; empty = the OS picks.
    pub local: String,
    /// TCP server: listen backlog.
    pub backlog: String,
    /// Encoding label (`utf-8`, `gbk`, …).
    pub encoding: String,
    pub display: DisplayMode,
    pub send: SendState,
    /// The tools under the send box (saved payloads, auto-send, rules, expect…).
    pub kit: KitSettings,
    /// TCP: how received data is cut into rows in the log view (display only).
    pub framing: FramingForm,
    /// The checksum check of received rows.
    pub rx_check: crate::ui::pickers::check_picker::CheckForm,
    /// UDP: the Multicast section.
    pub multicast: MulticastForm,
    /// TCP: how this side cuts messages into writes, and TCP_NODELAY.
    pub writes: crate::ui::pickers::writes_picker::WritesForm,
    /// TCP: TLS, and its files and names.
    pub tls: crate::ui::pickers::tls_picker::TlsForm,
    /// TCP: raw TCP or WebSocket, and its fields.
    pub ws: crate::ui::pickers::ws_picker::WsForm,
    /// TCP client and UDP sender: a crowd of connections or sources (1: a single one).
    pub crowd: crate::ui::pickers::crowd_picker::CrowdForm,
    /// The Replay window's fields.
    pub replay: crate::ui::tools::replay_window::ReplayForm,
    /// Socket options (buffers, TTL, keep-alive).
    pub sockopts: crate::ui::pickers::sockopts_picker::SockForm,
    /// The Relay tab: the server it forwards to, the protocol and the faults.
    pub relay: super::relay_form::RelaySettings,
}

impl Default for TabSettings {
    fn default() -> Self {
        TabSettings::seed(Role::UdpReceiver)
    }
}

impl TabSettings {
    /// The defaults of each role (the lesson's addresses).
    pub fn seed(role: Role) -> TabSettings {
        let (host, port, local) = match role {
            Role::UdpSender => ("127.0.0.1", "8080", "7890"),
            Role::UdpReceiver => ("127.0.0.1", "8080", ""),
            Role::TcpClient => ("127.0.0.1", "7891", ""),
            Role::TcpServer => ("0.0.0.0", "7891", ""),
            Role::Relay => ("127.0.0.1", "7892", ""),
        };
        TabSettings {
            host: host.into(),
            port: port.into(),
            local: local.into(),
            backlog: "128".into(),
            encoding: "utf-8".into(),
            display: DisplayMode::Text,
            send: SendState::default(),
            kit: Default::default(),
            framing: Default::default(),
            rx_check: Default::default(),
            multicast: Default::default(),
            writes: Default::default(),
            tls: Default::default(),
            ws: Default::default(),
            crowd: Default::default(),
            sockopts: Default::default(),
            replay: Default::default(),
            relay: Default::default(),
        }
    }

    /// Fills the fields from a session config (for a command-line launch).
    pub fn apply_config(&mut self, cfg: &SessionConfig) {
        if let Some(rc) = &cfg.relay {
            self.relay = super::relay_form::RelaySettings::from_config(rc);
        }
        if crate::net::addr::is_unix(&cfg.address) {
            // A unix socket: the whole name in the host field, and no port.
            self.host = cfg.address.trim().to_string();
            self.port.clear();
        } else if let Ok((host, port)) = crate::net::addr::split_host_port(&cfg.address) {
            self.host = host;
            self.port = port.to_string();
        }
        if cfg.role == Role::UdpSender {
            self.local = cfg.bind.clone().unwrap_or_default();
        }
        self.backlog = cfg.backlog.to_string();
        self.encoding = cfg.encoding.label();
        self.sockopts = crate::ui::pickers::sockopts_picker::SockForm::from_opts(&cfg.sockopts);
        if cfg.role.is_tcp() {
            self.writes = crate::ui::pickers::writes_picker::WritesForm::from_shaping(&cfg.shaping);
            self.tls = crate::ui::pickers::tls_picker::TlsForm::from_options(cfg.tls.as_ref());
            self.ws = crate::ui::pickers::ws_picker::WsForm::from_options(cfg.ws.as_ref());
        }
        if matches!(cfg.role, Role::TcpClient | Role::UdpSender) {
            self.crowd =
                crate::ui::pickers::crowd_picker::CrowdForm::from_config(cfg.crowd.as_ref());
        }
    }
}

/// Which tool is open under the send box.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Tool {
    #[default]
    None,
    Payloads,
    AutoSend,
    File,
    Rules,
    Senders,
    Rates,
    Expect,
    Sequence,
    Roster,
}

/// The saved part of a tab's tools.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KitSettings {
    pub tool: Tool,
    pub saved: Vec<SavedPayload>,
    /// Auto-send interval in ms and count (empty: until stopped).
    pub auto_every: String,
    pub auto_count: String,
    /// File send: chunk size in bytes and delay between chunks in ms.
    pub file_chunk: String,
    pub file_delay: String,
    /// UDP: SO_BROADCAST.
    pub broadcast: bool,
    pub rules: RuleSet,
    pub expect: ExpectForm,
    /// The Sequence tool's steps.
    pub sequence: crate::ui::tools::sequence_panel::SequenceForm,
    /// TCP server: the Roster tool's exercise.
    pub roster: crate::ui::tools::roster_panel::RosterForm,
}

impl Default for KitSettings {
    fn default() -> Self {
        KitSettings {
            tool: Tool::None,
            saved: Vec::new(),
            auto_every: "1000".into(),
            auto_count: "10".into(),
            file_chunk: "1024".into(),
            file_delay: "0".into(),
            broadcast: false,
            rules: RuleSet::default(),
            expect: ExpectForm::default(),
            sequence: Default::default(),
            roster: Default::default(),
        }
    }
}

impl KitSettings {
    /// Applies the tools' socket options to a session config (UDP broadcast).
    pub fn apply_config(&self, mut cfg: SessionConfig) -> SessionConfig {
        if !cfg.role.is_tcp() {
            cfg.broadcast = self.broadcast;
        }
        cfg
    }
}

/// What classroom mode remembers between runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClassroomSettings {
    /// None = the system's language.
    pub lang: Option<Lang>,
    pub theme: Theme,
    /// Zoom in percent (Ctrl +/-).
    pub zoom_pct: u16,
    pub network_panel: bool,
    pub timeline: bool,
    pub tcp_diagram: bool,
    /// The Learn window (TCP against UDP, terms).
    pub learn: bool,
    /// Simple mode for lessons: each tab shows the lesson's fields, the send box and the
    /// log; the rest folds behind More and Tools. None = not chosen yet: on for a first
    /// start in Chinese (the classroom's language), off otherwise.
    pub simple: Option<bool>,
}

impl ClassroomSettings {
    /// Whether simple mode is on, for a window in `lang`.
    pub fn simple(&self, lang: Lang) -> bool {
        self.simple.unwrap_or(lang == Lang::Zh)
    }
}

impl Default for ClassroomSettings {
    fn default() -> Self {
        ClassroomSettings {
            lang: None,
            theme: Theme::System,
            zoom_pct: 100,
            network_panel: false,
            timeline: true,
            tcp_diagram: true,
            learn: false,
            simple: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_launch_on_a_unix_socket_fills_the_host_with_it_and_no_port() {
        let mut s = TabSettings::seed(Role::TcpServer);
        s.apply_config(&SessionConfig::new(Role::TcpServer, "unix:/tmp/class.sock"));
        assert_eq!(s.host, "unix:/tmp/class.sock");
        assert_eq!(s.port, "");
        let mut s = TabSettings::seed(Role::TcpClient);
        s.apply_config(&SessionConfig::new(Role::TcpClient, "127.0.0.1:9000"));
        assert_eq!((s.host.as_str(), s.port.as_str()), ("127.0.0.1", "9000"));
    }
}
