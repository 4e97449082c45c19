//! The app's side of the Packets window: the packets are read from the data folder once
//! and written back (atomically) at each change; a packet is sent to its own destination
//! through the tab that can: a UDP packet from the bound UDP Sender (else the bound UDP
//! Receiver; else the UDP Sender is bound from its fields first), a TCP packet on the TCP
//! Client connected to that destination or to the TCP Server's client at that address
//! (else the window offers to connect the TCP Client there and send); Import… / Export…
//! open their file dialogs here.

use super::App;
use crate::i18n::loader;
use crate::net::{Command, Payload, Role, Target, addr};
use crate::ui::dialogs::file_dialog::{Answer, FileRequest, PendingDialog};
use crate::ui::tabs::status_words::ConnState;
use crate::ui::tools::packets::{self, Packet, Protocol};
use crate::ui::tools::packets_panel::{self, Edit, PacketAction};
use i18n_embed_fl::fl;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long a send waits for the tab it started (bind or connect).
const PENDING_FOR: Duration = Duration::from_secs(30);

/// A packet waiting for its tab to be ready.
pub struct PendingSend {
    role: Role,
    name: String,
    to: String,
    bytes: Vec<u8>,
    since: Instant,
}

/// The app's packets: the window, the file dialog it opened, a send in waiting.
#[derive(Default)]
pub struct Packets {
    pub panel: packets_panel::PacketsPanel,
    loaded: bool,
    /// The store could not be read: it is moved aside before the first write.
    store_bad: bool,
    /// The open dialog, and whether it imports (else exports).
    dialog: Option<(PendingDialog, bool)>,
    pending: Option<PendingSend>,
    seq: u64,
}

impl App {
    fn store_path(&self) -> PathBuf {
        self.data_dir.join(packets::STORE_FILE)
    }

    /// Once a frame: load once, take the dialog's answer, finish a waiting send, draw the
    /// window and carry out what it asks.
    pub(super) fn packets_frame(&mut self, ctx: &egui::Context) {
        let lang = self.classroom.lang;
        if !self.packets.loaded {
            self.packets.loaded = true;
            let path = self.store_path();
            if path.exists() {
                match packets::read(&path) {
                    Ok(list) => self.packets.panel.list = list,
                    Err(e) => {
                        self.packets.store_bad = true;
                        let shown = path.display().to_string();
                        let text = packets_panel::file_problem_text(lang, &shown, &e);
                        self.packets.panel.notice = Some((text, true));
                    }
                }
            }
        }
        self.poll_packet_dialog(ctx);
        self.pump_pending_send();
        if let Some(a) = packets_panel::show(ctx, &mut self.packets.panel, lang) {
            self.packet_action(a, ctx);
        }
    }

    fn packet_action(&mut self, a: PacketAction, ctx: &egui::Context) {
        let l = loader(self.classroom.lang);
        match a {
            PacketAction::Changed => self.save_packets(),
            PacketAction::Send(i) => self.send_packet(i),
            PacketAction::ConnectAndSend(i) => self.connect_and_send(i),
            PacketAction::SaveFromTab => {
                let draft = self.packet_of_tab();
                self.packets.panel.edit = Some(Edit { index: None, draft });
            }
            PacketAction::Import | PacketAction::Export => {
                let import = a == PacketAction::Import;
                let title = if import {
                    fl!(l, "pk-import")
                } else {
                    fl!(l, "pk-export")
                };
                let req = FileRequest {
                    title,
                    save: !import,
                    file_name: "packets.toml".into(),
                    filters: vec![("TOML".into(), vec!["toml"])],
                };
                self.packets.dialog = Some((PendingDialog::open(req, ctx), import));
            }
        }
    }

    fn poll_packet_dialog(&mut self, ctx: &egui::Context) {
        let Some((d, import)) = &mut self.packets.dialog else {
            return;
        };
        let import = *import;
        let Answer::Done(path) = d.poll(ctx) else {
            return;
        };
        self.packets.dialog = None;
        let Some(path) = path else {
            return;
        };
        if import {
            self.import_packets(&path);
        } else {
            self.export_packets(&path);
        }
    }

    /// Reads a packets file and adds every packet in it (names already taken get a
    /// number); a bad file adds nothing and says which line is wrong.
    pub fn import_packets(&mut self, path: &std::path::Path) {
        let lang = self.classroom.lang;
        let shown = path.display().to_string();
        let notice = match packets::read(path) {
            Ok(new) => {
                let n = packets::merge(&mut self.packets.panel.list, new);
                self.save_packets();
                (fl!(loader(lang), "pk-imported", n = n, path = shown), false)
            }
            Err(e) => (packets_panel::file_problem_text(lang, &shown, &e), true),
        };
        self.packets.panel.notice = Some(notice);
    }

    /// Writes every packet to `path` (atomically: a failure leaves the old file whole).
    pub fn export_packets(&mut self, path: &std::path::Path) {
        let lang = self.classroom.lang;
        let shown = path.display().to_string();
        let list = &self.packets.panel.list;
        self.packets.panel.notice = Some(match packets::write(path, list) {
            Ok(()) => (
                fl!(loader(lang), "pk-exported", n = list.len(), path = shown),
                false,
            ),
            Err(e) => {
                let err = packets_panel::problem_text(lang, &e);
                (fl!(loader(lang), "pk-file", path = shown, err = err), true)
            }
        });
    }

    /// Writes the list to the data folder (a store that could not be read is kept aside
    /// as `packets.toml.bad` first, so nothing in it is lost).
    fn save_packets(&mut self) {
        let lang = self.classroom.lang;
        let path = self.store_path();
        if self.packets.store_bad {
            let aside = path.with_extension("toml.bad");
            if std::fs::rename(&path, &aside).is_ok() {
                self.packets.store_bad = false;
            }
        }
        if let Err(e) = packets::write(&path, &self.packets.panel.list) {
            let err = packets_panel::problem_text(lang, &e);
            let shown = path.display().to_string();
            self.packets.panel.notice =
                Some((fl!(loader(lang), "pk-file", path = shown, err = err), true));
        }
    }

    /// A packet of the shown tab's send box: its form and encoding, the tab's protocol
    /// and its peer (when it has one).
    fn packet_of_tab(&self) -> Packet {
        let p = self.panel(self.tab);
        let s = &p.settings;
        let typed = addr::parse_port(&s.port, false)
            .ok()
            .filter(|_| !s.host.trim().is_empty())
            .map(|port| addr::join_host_port(s.host.trim(), port));
        let to = match p.role {
            Role::UdpSender | Role::TcpClient => typed,
            Role::UdpReceiver => p.reply_to.or(p.st.last_sender).map(|a| a.to_string()),
            // A relay sends nothing of its own.
            Role::Relay => None,
            Role::TcpServer => {
                let v = p.view();
                p.selected_client
                    .and_then(|id| v.store.clients.get(&id))
                    .and_then(|c| c.peer)
                    .map(|a| a.to_string())
            }
        };
        let name = fl!(loader(self.classroom.lang), "pk-new-name");
        Packet {
            name: packets::unique_name(&self.packets.panel.list, &name),
            protocol: if p.role.is_tcp() {
                Protocol::Tcp
            } else {
                Protocol::Udp
            },
            to: to.unwrap_or_else(|| "127.0.0.1:8080".into()),
            form: p.settings.send.form(),
            encoding: p.encoding().label(),
        }
    }

    fn notice(&mut self, text: String, bad: bool) {
        self.packets.panel.notice = Some((text, bad));
    }

    /// Sends packet `i` to its destination (see the module's words for which tab).
    pub fn send_packet(&mut self, i: usize) {
        let l = loader(self.classroom.lang);
        self.packets.panel.offer = None;
        let Some(pk) = self.packets.panel.list.get(i).cloned() else {
            return;
        };
        let mut seq = self.packets.seq.max(1);
        let bytes = match pk.bytes(&mut seq) {
            Ok(b) => b,
            Err(e) => {
                let e =
                    packets_panel::problem_text(self.classroom.lang, &packets::Problem::Payload(e));
                return self.notice(e, true);
            }
        };
        self.packets.seq = seq;
        let name = pk.name.as_str();
        let to = pk.to.as_str();
        match pk.protocol {
            Protocol::Udp => {
                for role in [Role::UdpSender, Role::UdpReceiver] {
                    if self.panel(role).st.state == ConnState::Bound {
                        self.send_via(role, Target::Host(pk.to.clone()), bytes, name, to);
                        return;
                    }
                }
                // No bound UDP socket: bind the UDP Sender from its fields, then send.
                let notify = self.notifier();
                let sender = self.panel_mut(Role::UdpSender);
                if !sender.is_running() && !sender.start_from_fields(notify) {
                    return self.notice(fl!(l, "pk-udp-fields"), true);
                }
                self.wait_then_send(Role::UdpSender, bytes, &pk);
                self.notice(fl!(l, "pk-binding", name = name), false);
            }
            Protocol::Tcp => {
                if let Some((role, target)) = self.tcp_route(&pk.to) {
                    self.send_via(role, target, bytes, name, to);
                    return;
                }
                let client = self.panel(Role::TcpClient);
                if client.is_running() {
                    let at = client.st.tcp.own.server.map(|a| a.to_string());
                    let at = at.unwrap_or_else(|| fl!(l, "pk-somewhere"));
                    return self.notice(fl!(l, "pk-client-busy", to = to, at = at), true);
                }
                self.notice(fl!(l, "pk-no-connection", to = to), true);
                self.packets.panel.offer = Some(i);
            }
        }
    }

    /// The open connection to `to`: the TCP Client's, or a TCP Server client's.
    fn tcp_route(&self, to: &str) -> Option<(Role, Target)> {
        let want = addr::split_host_port(to).ok()?;
        let same = |(h, p): &(String, u16)| h.eq_ignore_ascii_case(&want.0) && *p == want.1;
        let client = self.panel(Role::TcpClient);
        if client.st.state == ConnState::Connected {
            let s = &client.settings;
            let typed = addr::parse_port(&s.port, false).map(|p| (s.host.trim().to_string(), p));
            let peer = client
                .st
                .tcp
                .own
                .server
                .map(|a| (a.ip().to_string(), a.port()));
            if typed.is_ok_and(|t| same(&t)) || peer.is_some_and(|p| same(&p)) {
                return Some((Role::TcpClient, Target::Default));
            }
        }
        let server = self.panel(Role::TcpServer);
        let v = server.view();
        v.store
            .clients
            .values()
            .find(|c| {
                c.open
                    && c.peer
                        .is_some_and(|a| same(&(a.ip().to_string(), a.port())))
            })
            .map(|c| (Role::TcpServer, Target::Client(c.id)))
    }

    fn send_via(&mut self, role: Role, target: Target, bytes: Vec<u8>, name: &str, to: &str) {
        let l = loader(self.classroom.lang);
        let n = bytes.len();
        let tab = crate::ui::common::lang::tab_label(self.classroom.lang, role);
        let sent = self.panel(role).send_command(Command::Send {
            payload: Payload::Bytes(bytes),
            to: target,
        });
        let text = if sent {
            fl!(l, "pk-sent", name = name, n = n, to = to, tab = tab)
        } else {
            fl!(l, "pk-not-sent", name = name, tab = tab)
        };
        self.notice(text, !sent);
    }

    /// Connects the TCP Client to packet `i`'s destination, then sends it.
    fn connect_and_send(&mut self, i: usize) {
        let l = loader(self.classroom.lang);
        self.packets.panel.offer = None;
        let Some(pk) = self.packets.panel.list.get(i).cloned() else {
            return;
        };
        let Ok((host, port)) = packets::destination(&pk.to) else {
            return;
        };
        let mut seq = self.packets.seq.max(1);
        let Ok(bytes) = pk.bytes(&mut seq) else {
            return;
        };
        self.packets.seq = seq;
        let notify = self.notifier();
        let client = self.panel_mut(Role::TcpClient);
        if client.is_running() {
            return;
        }
        client.settings.host = host;
        client.settings.port = port.to_string();
        if !client.start_from_fields(notify) {
            return self.notice(fl!(l, "pk-tcp-fields"), true);
        }
        self.wait_then_send(Role::TcpClient, bytes, &pk);
        self.notice(
            fl!(
                l,
                "pk-connecting",
                name = pk.name.as_str(),
                to = pk.to.as_str()
            ),
            false,
        );
    }

    fn wait_then_send(&mut self, role: Role, bytes: Vec<u8>, pk: &Packet) {
        self.packets.pending = Some(PendingSend {
            role,
            name: pk.name.clone(),
            to: pk.to.clone(),
            bytes,
            since: Instant::now(),
        });
    }

    /// A send waiting for its tab: sent once the tab is bound or connected; given up
    /// (and said why) when the tab failed, stopped, or took too long.
    fn pump_pending_send(&mut self) {
        let Some(p) = &self.packets.pending else {
            return;
        };
        let lang = self.classroom.lang;
        let panel = self.panel(p.role);
        let ready = matches!(panel.st.state, ConnState::Bound | ConnState::Connected);
        let failed = matches!(
            panel.st.state,
            ConnState::Error(_) | ConnState::Reset(_) | ConnState::Closed(_) | ConnState::Stopped
        ) || p.since.elapsed() > PENDING_FOR;
        if ready {
            if let Some(p) = self.packets.pending.take() {
                let target = if p.role == Role::UdpSender {
                    Target::Host(p.to.clone())
                } else {
                    Target::Default
                };
                self.send_via(p.role, target, p.bytes, &p.name, &p.to);
            }
        } else if failed {
            let why = panel.st.state.text_in(lang);
            let name = p.name.clone();
            self.packets.pending = None;
            self.notice(fl!(loader(lang), "pk-failed", name = name, why = why), true);
        }
    }
}
