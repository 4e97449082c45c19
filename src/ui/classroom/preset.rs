//! Presets: the whole window's setup — the tab shown and every tab's fields (addresses,
//! encodings, display, send box and its history, the tab's tools such as saved payloads
//! and auto-replies) — saved to and loaded from a small TOML file. A teacher hands one to
//! the class: `socket-tester --preset lab1.toml`. A bad preset is refused as a whole with
//! an error naming the line; nothing is half-configured.

use crate::i18n::{Lang, loader};
use crate::net::{Role, addr};
use crate::ui::common::lang::lang;
use crate::ui::dialogs::file_dialog::{Answer, FileRequest, PendingDialog};
use crate::ui::tabs::settings::{Persisted, TabSettings};
use i18n_embed_fl::fl;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// What a preset file holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Preset {
    /// The tab shown first.
    pub tab: Role,
    pub udp_sender: TabSettings,
    pub udp_receiver: TabSettings,
    pub tcp_client: TabSettings,
    pub tcp_server: TabSettings,
    /// The Relay tab (its listening address, server, protocol and faults).
    pub relay: TabSettings,
    /// A lab to open at once (`lab = "relay"`: TCP 可靠 / UDP 不可靠 through a lossy
    /// relay), so a teacher hands the class the ready lab.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lab: Option<PresetLab>,
}

/// A lab a preset opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PresetLab {
    /// TCP 可靠 / UDP 不可靠: the relay lab.
    Relay,
}

impl Default for Preset {
    fn default() -> Self {
        Preset::from_persisted(&Persisted::default())
    }
}

/// Why a preset was refused, and on which line when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresetError {
    pub line: Option<usize>,
    pub problem: PresetProblem,
}

/// What is wrong with a preset, typed (the window words it; `Display` is English).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PresetProblem {
    /// The file is not TOML a preset is made of: the TOML reader's own (English) words.
    Toml(String),
    /// A tab's field that its Start button would refuse: `[section] key`.
    Field {
        section: &'static str,
        key: &'static str,
        problem: FieldProblem,
    },
}

/// Why one field of a preset's tab is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldProblem {
    /// The host, port or local address (worded like the address fields).
    Addr(addr::AddrError),
    /// The backlog is not a number from 1 to 65535.
    Backlog,
    /// An encoding label no encoding has.
    Encoding(String),
    /// The fields do not make a session.
    NoSession,
}

impl PresetError {
    /// The problem in English, without the line (`[tcp_server] backlog: …`).
    pub fn message(&self) -> String {
        match &self.problem {
            PresetProblem::Toml(detail) => detail.clone(),
            PresetProblem::Field {
                section,
                key,
                problem,
            } => {
                let why = match problem {
                    FieldProblem::Addr(e) => e.0.clone(),
                    FieldProblem::Backlog => "a number from 1 to 65535".into(),
                    FieldProblem::Encoding(name) => format!("unknown encoding \"{name}\""),
                    FieldProblem::NoSession => "the fields do not make a valid session".into(),
                };
                format!("[{section}] {key}: {why}")
            }
        }
    }

    /// The problem in `lang`, with the line.
    pub fn text(&self, lang: Lang) -> String {
        let l = loader(lang);
        let err = match &self.problem {
            PresetProblem::Toml(detail) => fl!(l, "preset-not-toml", detail = detail.as_str()),
            PresetProblem::Field {
                section,
                key,
                problem,
            } => {
                let why = match problem {
                    FieldProblem::Addr(e) => {
                        crate::ui::common::address_field::addr_error_text(lang, e)
                    }
                    FieldProblem::Backlog => fl!(l, "preset-bad-backlog"),
                    FieldProblem::Encoding(name) => {
                        fl!(l, "preset-unknown-encoding", name = name.as_str())
                    }
                    FieldProblem::NoSession => fl!(l, "preset-no-session"),
                };
                let (section, key): (&str, &str) = (section, key);
                fl!(l, "preset-field", section = section, key = key, err = why)
            }
        };
        match self.line {
            Some(line) => fl!(l, "preset-at-line", line = line, err = err),
            None => err,
        }
    }
}

impl std::fmt::Display for PresetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.message()),
            None => f.write_str(&self.message()),
        }
    }
}

impl std::error::Error for PresetError {}

/// Why a preset file was not loaded: it could not be read, or it was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// The file could not be read (the system's words).
    Read { path: PathBuf, detail: String },
    /// The file was read and refused.
    Bad {
        path: PathBuf,
        error: Box<PresetError>,
    },
}

impl LoadError {
    /// What went wrong in `lang`, naming the file (and the line).
    pub fn text(&self, lang: Lang) -> String {
        let l = loader(lang);
        let (path, err) = match self {
            LoadError::Read { path, detail } => (path, detail.clone()),
            LoadError::Bad { path, error } => (path, error.text(lang)),
        };
        let path = path.display().to_string();
        fl!(l, "preset-in-file", path = path, err = err)
    }
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::Read { path, detail } => write!(f, "{}: {detail}", path.display()),
            LoadError::Bad { path, error } => write!(f, "{}: {error}", path.display()),
        }
    }
}

impl std::error::Error for LoadError {}

const SECTIONS: [(&str, Role); 5] = [
    ("udp_sender", Role::UdpSender),
    ("udp_receiver", Role::UdpReceiver),
    ("tcp_client", Role::TcpClient),
    ("tcp_server", Role::TcpServer),
    ("relay", Role::Relay),
];

impl Preset {
    pub fn from_persisted(p: &Persisted) -> Preset {
        Preset {
            tab: p.tab,
            udp_sender: p.udp_sender.clone(),
            udp_receiver: p.udp_receiver.clone(),
            tcp_client: p.tcp_client.clone(),
            tcp_server: p.tcp_server.clone(),
            relay: p.relay.clone(),
            lab: None,
        }
    }

    pub fn settings(&self, role: Role) -> &TabSettings {
        match role {
            Role::UdpSender => &self.udp_sender,
            Role::UdpReceiver => &self.udp_receiver,
            Role::TcpClient => &self.tcp_client,
            Role::TcpServer => &self.tcp_server,
            Role::Relay => &self.relay,
        }
    }

    /// Saved settings with this preset's tabs over them (language, theme and the like stay).
    pub fn over(self, mut p: Persisted) -> Persisted {
        p.tab = self.tab;
        p.udp_sender = self.udp_sender;
        p.udp_receiver = self.udp_receiver;
        p.tcp_client = self.tcp_client;
        p.tcp_server = self.tcp_server;
        p.relay = self.relay;
        p
    }

    /// "40 students" (classroom menu): the TCP Server on 127.0.0.1:7891 with its Roster
    /// tool open on the default exercise (a student number and 你好, the reply 收到啦我反馈),
    /// and the TCP Client with a crowd of 40 connections, 10 a second, each introducing
    /// itself as `{conn} 你好` (its connection number, 1 to 40). Listen, start the roster, then Connect on
    /// the TCP Client tab: the roster fills. Built on `base` (the other tabs stay).
    pub fn forty_students(base: Preset) -> Preset {
        use crate::ui::tabs::settings::Tool;
        let mut p = base;
        p.tab = Role::TcpServer;
        let seed = |role| {
            let mut s = TabSettings::seed(role);
            s.host = "127.0.0.1".into();
            s.port = "7891".into();
            s
        };
        p.tcp_server = seed(Role::TcpServer);
        p.tcp_server.kit.tool = Tool::Roster;
        p.tcp_client = seed(Role::TcpClient);
        p.tcp_client.crowd = crate::ui::pickers::crowd_picker::CrowdForm {
            connections: "40".into(),
            ramp: "10".into(),
            hello: "{conn} 你好".into(),
        };
        p
    }

    /// The preset as TOML.
    pub fn to_toml(&self) -> Result<String, String> {
        let body = toml::to_string_pretty(self).map_err(|e| e.to_string())?;
        Ok(format!(
            "# Socket Tester preset: open with `socket-tester --preset FILE`.\n{body}"
        ))
    }

    /// Reads and checks a preset. Every tab's fields must be valid, or nothing is taken.
    pub fn parse(text: &str) -> Result<Preset, PresetError> {
        let preset: Preset = toml::from_str(text).map_err(|e| PresetError {
            line: e.span().map(|s| line_of_offset(text, s.start)),
            problem: PresetProblem::Toml(e.message().trim().to_string()),
        })?;
        for (section, role) in SECTIONS {
            if let Err((key, problem)) = check_tab(role, preset.settings(role)) {
                return Err(PresetError {
                    line: line_of_key(text, section, key),
                    problem: PresetProblem::Field {
                        section,
                        key,
                        problem,
                    },
                });
            }
        }
        Ok(preset)
    }
}

fn line_of_offset(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map_or(1, |s| s.matches('\n').count() + 1)
}

/// The line of `key = …` inside `[section]` (1-based), or of the section header.
fn line_of_key(text: &str, section: &str, key: &str) -> Option<usize> {
    let mut current = String::new();
    let mut header = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            current = name.trim().to_string();
            if current == section {
                header = Some(i + 1);
            }
            continue;
        }
        if current == section
            && let Some((k, _)) = t.split_once('=')
            && k.trim().trim_matches('"') == key
        {
            return Some(i + 1);
        }
    }
    header
}

/// Checks one tab's fields the way its Start button does: (field, problem) on failure.
fn check_tab(role: Role, s: &TabSettings) -> Result<(), (&'static str, FieldProblem)> {
    let bind_side = matches!(role, Role::UdpReceiver | Role::TcpServer | Role::Relay);
    let bad = |key: &'static str| move |e| (key, FieldProblem::Addr(e));
    // A unix socket address (`unix:/path`) has no port.
    match addr::unix(&s.host) {
        Some(r) => r.map(|_| ()).map_err(bad("host"))?,
        None => {
            addr::check_host(&s.host, bind_side).map_err(bad("host"))?;
            addr::parse_port(&s.port, bind_side).map_err(bad("port"))?;
        }
    }
    if role == Role::UdpSender {
        let l = s.local.trim();
        if !l.is_empty() {
            let r = if let Some(u) = addr::unix(l) {
                u.map(|_| ())
            } else if l.chars().all(|c| c.is_ascii_digit()) {
                addr::parse_port(l, true).map(|_| ())
            } else {
                addr::split_host_port(l).map(|_| ())
            };
            r.map_err(bad("local"))?;
        }
    }
    if role == Role::TcpServer {
        let ok = s
            .backlog
            .trim()
            .parse::<i32>()
            .is_ok_and(|b| (1..=65535).contains(&b));
        if !ok {
            return Err(("backlog", FieldProblem::Backlog));
        }
    }
    if crate::codec::Encoding::for_label(&s.encoding).is_none() {
        return Err(("encoding", FieldProblem::Encoding(s.encoding.clone())));
    }
    if crate::ui::tabs::tab_config::config_of(role, s).is_none() {
        return Err(("host", FieldProblem::NoSession));
    }
    Ok(())
}

/// Reads a preset file; the error names the file and the line.
pub fn load(path: &Path) -> Result<Preset, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|e| LoadError::Read {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    Preset::parse(&text).map_err(|error| LoadError::Bad {
        path: path.to_path_buf(),
        error: Box::new(error),
    })
}

/// Writes a preset file.
pub fn save(preset: &Preset, path: &Path) -> Result<(), String> {
    let text = preset.to_toml()?;
    crate::files::atomic::write(path, text.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The preset file dialogs that are open (true: Save preset…).
#[derive(Default)]
pub struct PresetIo {
    pending: Vec<(bool, PendingDialog)>,
}

impl PresetIo {
    /// Opens Save preset… (`save`) or Open preset…'s file dialog.
    pub fn ask(&mut self, ctx: &egui::Context, save: bool) {
        let l = loader(lang(ctx));
        let req = FileRequest {
            title: fl!(l, "preset-filter"),
            save,
            file_name: "lab.toml".into(),
            filters: vec![(fl!(l, "preset-filter"), vec!["toml"])],
        };
        self.pending.push((save, PendingDialog::open(req, ctx)));
    }

    /// The dialogs' answers (every frame): (true = save to, false = open) and the file.
    pub fn poll(&mut self, ctx: &egui::Context) -> Vec<(bool, PathBuf)> {
        let mut done = Vec::new();
        self.pending.retain_mut(|(save, d)| match d.poll(ctx) {
            Answer::Done(path) => {
                done.extend(path.map(|p| (*save, p)));
                false
            }
            Answer::Waiting => true,
        });
        done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_errors_name_the_line() {
        let mut p = Preset {
            tab: Role::TcpServer,
            ..Preset::default()
        };
        p.udp_receiver.port = "9999".into();
        p.udp_receiver.encoding = "gbk".into();
        p.udp_sender.send.text = "你好".into();
        let text = p.to_toml().unwrap();
        assert_eq!(Preset::parse(&text).unwrap(), p);

        let bad = text.replacen("port = \"9999\"", "port = \"99999\"", 1);
        let e = Preset::parse(&bad).unwrap_err();
        let line = bad.lines().position(|l| l.contains("99999")).map(|i| i + 1);
        assert_eq!(e.line, line, "{e}");
        assert!(e.message().contains("[udp_receiver] port"), "{e}");
        match &e.problem {
            PresetProblem::Field {
                section: "udp_receiver",
                key: "port",
                problem: FieldProblem::Addr(a),
            } => assert_eq!(a.1, addr::AddrProblem::PortRange("99999".into())),
            other => panic!("{other:?}"),
        }
        let zh = e.text(Lang::Zh);
        assert!(
            zh.starts_with(&format!("第 {} 行：", line.unwrap_or(0))),
            "{zh}"
        );
        assert!(zh.contains("99999"), "{zh}");
        let bad = text.replacen("encoding = \"gbk\"", "encoding = \"klingon\"", 1);
        let e = Preset::parse(&bad).unwrap_err();
        let want = FieldProblem::Encoding("klingon".into());
        assert!(
            matches!(&e.problem, PresetProblem::Field { key: "encoding", problem, .. } if *problem == want),
            "{e}"
        );

        let e = Preset::parse("tab = \"udp-recv\"\n\n[tcp_client\nhost = 1\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        let e = Preset::parse("tab = \"nope\"\n").unwrap_err();
        assert_eq!(e.line, Some(1), "{e}");
        let e = Preset::parse("tabs = 1\n").unwrap_err();
        assert_eq!(e.line, Some(1), "{e}");
        // A short preset fills in the rest from the seeds.
        let short =
            Preset::parse("tab = \"tcp-client\"\n[tcp_client]\nhost = \"::1\"\nport = \"7\"\n")
                .unwrap();
        assert_eq!(short.tcp_client.host, "::1");
        assert_eq!(short.udp_sender.local, "7890");
    }

    #[test]
    #[cfg(unix)]
    fn unix_addresses_need_no_port() {
        let p = Preset::parse("tab = \"tcp-server\"\n[tcp_server]\nhost = \"unix:/tmp/x.sock\"\nport = \"\"\n[udp_sender]\nhost = \"unix:/tmp/r.sock\"\nlocal = \"unix:/tmp/s.sock\"\n")
            .unwrap();
        assert_eq!(p.tcp_server.host, "unix:/tmp/x.sock");
        let e = Preset::parse("[tcp_client]\nhost = \"unix:\"\n").unwrap_err();
        assert!(e.message().contains("[tcp_client] host"), "{e}");
    }
}
