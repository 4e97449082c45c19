//! What the tools' requests do to a tab:
//! auto-send, send file, Expect runs, quick-send, Send to all, and the answers of the
//! tools' file dialogs. The tools' widgets return a [`PanelAction`]; [`SessionPanel::apply`]
//! carries it out.

use super::tab::SessionPanel;
use crate::auto::expect::Expect;
use crate::auto::pacer::PacerPlan;
use crate::i18n::loader;
use crate::net::file_send::FileSpec;
use crate::net::{Command, Payload, Target};
use crate::session::Control;
use crate::ui::common::field::parse_num;
use crate::ui::common::payload_words::payload_error_text;
use crate::ui::dialogs::file_dialog::Answer;
use crate::ui::tools::action::{Dialog, PanelAction};
use crate::ui::tools::payloads;
use crate::ui::tools::send_box::PayloadForm;
use i18n_embed_fl::fl;
use std::path::PathBuf;
use std::time::Duration;

impl SessionPanel {
    /// Starts auto-sending the send box's message with the tools' interval and count.
    pub fn start_auto_send(&mut self) -> Result<(), String> {
        let k = &self.settings.kit;
        let lang = self.lang;
        let every = parse_num(&k.auto_every, 1, 86_400_000)
            .ok_or(fl!(loader(lang), "auto-bad-interval"))?;
        let count = if k.auto_count.trim().is_empty() {
            None
        } else {
            Some(parse_num(&k.auto_count, 1, u64::MAX).ok_or(fl!(loader(lang), "auto-bad-count"))?)
        };
        if let Some(why) = self.send_blocked() {
            return Err(why);
        }
        let enc = self.encoding();
        let form: PayloadForm = self.settings.send.form();
        let mut seq = self.settings.send.next_seq();
        form.bytes(enc, &mut seq.clone())
            .map_err(|e| payload_error_text(lang, &e))?;
        let plan = PacerPlan {
            every: Duration::from_millis(every),
            count,
            to: self.target(),
        };
        let make = Box::new(move || form.bytes(enc, &mut seq));
        if !self.runtime().send(Control::StartAutoSend(plan, make)) {
            return Err(fl!(loader(lang), "tool-not-running"));
        }
        self.kit.auto_error = None;
        Ok(())
    }

    /// Starts sending a file with the tools' chunk size and delay.
    pub fn send_file(&mut self, path: PathBuf) -> Result<(), String> {
        let k = &self.settings.kit;
        let max = crate::ui::common::field::file_chunk_max(self.role);
        let lang = self.lang;
        let chunk = parse_num(&k.file_chunk, 1, max)
            .ok_or_else(|| fl!(loader(lang), "file-bad-chunk", max = max))?;
        let delay =
            parse_num(&k.file_delay, 0, 3_600_000).ok_or(fl!(loader(lang), "file-bad-delay"))?;
        if let Some(why) = self.send_blocked() {
            return Err(why);
        }
        let spec = FileSpec::new(
            path.clone(),
            chunk as usize,
            Duration::from_millis(delay),
            self.target(),
        );
        self.kit.file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if !self.send_command(Command::SendFile(Box::new(spec.clone()))) {
            return Err(fl!(loader(lang), "tool-not-running"));
        }
        self.kit.file = Some(spec);
        Ok(())
    }

    /// Starts an expectation run from the Expect panel's fields.
    pub fn start_expect(&mut self) -> Result<(), String> {
        if let Some(why) = self.send_blocked() {
            return Err(why);
        }
        let plan = self.settings.kit.expect.plan_in(self.target(), self.lang)?;
        let mut x = Expect::new(plan, self.encoding(), crate::i18n::english)
            .map_err(|e| crate::ui::tools::expect_panel::expect_error_text(self.lang, &e))?;
        // The session is ready: the first request goes out at once.
        x.start(std::time::Instant::now());
        if !self.runtime().send(Control::StartExpect(Box::new(x))) {
            return Err(fl!(loader(self.lang), "tool-not-running"));
        }
        Ok(())
    }

    /// Runs the Sequence tool's steps on the session runtime.
    pub fn start_sequence(&mut self, step: bool) -> Result<(), String> {
        if let Some(why) = self.send_blocked() {
            return Err(why);
        }
        let seq = crate::ui::tools::sequence_tools::build(
            &self.settings.kit.sequence,
            self.role,
            self.encoding(),
        )
        .map_err(|e| fl!(loader(self.lang), "seq-bad", why = e))?;
        // A crowd runs it once per connection (a connect step opens that one again); step
        // mode is for one connection.
        if self.st.crowd.is_some() && step {
            return Err(fl!(loader(self.lang), "seq-crowd-no-step"));
        }
        let run = Box::new(crate::sequence::run::SequenceRun::new(seq));
        if !self.runtime().send(Control::StartSequence { run, step }) {
            return Err(fl!(loader(self.lang), "tool-not-running"));
        }
        Ok(())
    }

    /// Sends a saved payload.
    pub fn quick_send(&mut self, i: usize) -> Result<(), String> {
        let Some(p) = self.settings.kit.saved.get(i) else {
            return Err(fl!(loader(self.lang), "pay-no-such"));
        };
        if let Some(why) = self.send_blocked() {
            return Err(why);
        }
        let enc = if p.encoding.is_empty() {
            self.encoding()
        } else {
            crate::ui::pickers::encoding_picker::from_label(&p.encoding)
        };
        let mut seq = self.settings.send.next_seq();
        let bytes = p
            .form
            .bytes(enc, &mut seq)
            .map_err(|e| payload_error_text(self.lang, &e))?;
        if p.form.variables {
            self.settings.send.seq = seq;
        }
        self.send_bytes(bytes);
        Ok(())
    }

    /// Acts on a finished file dialog.
    /// Shows this tab's open file dialogs (Save log…, the tools') and acts on their answers.
    /// Called every frame for every tab, shown or not, so a dialog never vanishes with its
    /// tab.
    pub fn poll_dialogs(&mut self, ctx: &egui::Context) {
        self.lang = crate::ui::common::lang::lang(ctx);
        self.kit.lang = self.lang;
        self.poll_save_dialog(ctx);
        self.poll_dialog(ctx);
        self.show_replay(ctx);
    }

    /// The Replay window (drawn each frame, whichever tab is shown, like the dialogs).
    fn show_replay(&mut self, ctx: &egui::Context) {
        let spool = self.st.spool_path.clone();
        let syncer = self.runtime().syncer(std::time::Duration::from_secs(30));
        let control = self.runtime().sender();
        let lang = self.lang;
        let salt = self.role.as_str();
        crate::ui::tools::replay_window::show(
            ctx,
            salt,
            &mut self.settings.replay,
            &mut self.replay,
            lang,
            self.st.replay.as_deref(),
            move || crate::ui::tools::replay_window::ReplayCtx {
                spool: spool.map(|p| (p, Box::new(syncer) as Box<dyn FnOnce() -> bool + Send>)),
                control,
            },
        );
    }

    fn poll_dialog(&mut self, ctx: &egui::Context) {
        let Some((_, d)) = &mut self.kit.dialog else {
            return;
        };
        let Answer::Done(answer) = d.poll(ctx) else {
            return;
        };
        let Some((kind, _)) = self.kit.dialog.take() else {
            return;
        };
        let Some(path) = answer else {
            return;
        };
        let lang = self.lang;
        let shown = path.display().to_string();
        let res = match kind {
            Dialog::SendFile => self.send_file(path.clone()).map(|_| None),
            Dialog::ExportRoster => match &self.st.roster {
                Some(r) => {
                    let csv = crate::i18n_export::roster_csv(r, lang);
                    crate::files::atomic::write(&path, csv.as_bytes())
                        .map(|_| Some(fl!(loader(lang), "roster-exported", path = shown.as_str())))
                        .map_err(|e| format!("{}: {e}", path.display()))
                }
                None => Ok(None),
            },
            Dialog::ImportSequence => {
                crate::ui::tools::sequence_tools::import(&path, lang).map(|(form, n, to)| {
                    self.settings.kit.sequence = form;
                    // The last Run's complaint was about the steps that are gone.
                    self.kit.sequence_error = None;
                    let loaded = fl!(loader(lang), "seq-loaded", n = n, path = shown.as_str());
                    Some(match self.take_sequence_to(to) {
                        Some(to) => {
                            format!("{loaded}{}", fl!(loader(lang), "seq-loaded-to", to = to))
                        }
                        None => loaded,
                    })
                })
            }
            Dialog::ExportSequence => crate::ui::tools::sequence_tools::export(
                &path,
                &self.settings.kit.sequence,
                self.role,
                self.encoding(),
                super::udp_sender::destination(&self.settings).as_deref(),
            )
            .map(|_| Some(fl!(loader(lang), "seq-saved", path = shown.as_str()))),
            Dialog::TlsFile(field) | Dialog::RelayTlsFile(_, field) => {
                use crate::ui::pickers::tls_picker::TlsField;
                let t = match kind {
                    Dialog::RelayTlsFile(crate::net::relay::Leg::Client, _) => {
                        &mut self.settings.relay.tls_listen
                    }
                    Dialog::RelayTlsFile(crate::net::relay::Leg::Server, _) => {
                        &mut self.settings.relay.tls_upstream
                    }
                    _ => &mut self.settings.tls,
                };
                match field {
                    TlsField::Cert => t.cert = shown.clone(),
                    TlsField::Key => t.key = shown.clone(),
                    TlsField::Ca => t.ca = shown.clone(),
                }
                Ok(None)
            }
            Dialog::ImportPayloads => payloads::import_in(&path, lang).map(|list| {
                let n = list.len();
                self.settings.kit.saved.extend(list);
                Some(fl!(
                    loader(lang),
                    "pay-imported",
                    n = n,
                    path = shown.as_str()
                ))
            }),
            Dialog::ExportPayloads => payloads::export_in(&path, &self.settings.kit.saved, lang)
                .map(|n| {
                    Some(fl!(
                        loader(lang),
                        "pay-exported",
                        n = n,
                        path = shown.as_str()
                    ))
                }),
            Dialog::ExportExpect => match &self.st.expect {
                Some(x) => x
                    .write_csv(&path)
                    .map(|_| Some(fl!(loader(lang), "exp-report-saved", path = shown.as_str())))
                    .map_err(|e| format!("{}: {e}", path.display())),
                None => Err(fl!(loader(lang), "exp-nothing-to-export")),
            },
        };
        match res {
            Ok(Some(m)) => self.kit.note = Some((m, false)),
            Ok(None) => {}
            Err(e) => self.kit.note = Some((e, true)),
        }
    }

    /// Send to all: the message box's payload (the same bytes Send would send, `{seq}`
    /// advancing) to every connected client, whoever is selected.
    pub fn send_to_all(&mut self) {
        let enc = self.encoding();
        match self.settings.send.take_payload(enc) {
            Ok(bytes) => {
                self.settings.send.remember();
                self.send_command(Command::Send {
                    payload: Payload::Bytes(bytes),
                    to: Target::AllClients,
                });
            }
            Err(e) => self.notice = Some((payload_error_text(self.lang, &e), true)),
        }
    }

    /// The selected client closed (kicked, or it left): Send to goes back to all clients.
    /// A closed client picked afterwards in the list stays selected (its diagram).
    pub fn follow_selection(&mut self) {
        let open = self
            .selected_client
            .is_some_and(|id| self.view().store.clients.get(&id).is_some_and(|c| c.open));
        if self.selected_was_open && !open {
            // The diagram stays on the connection that just ended (its teardown).
            self.ended_client = self.selected_client.take();
        } else if self.selected_client.is_some() {
            self.ended_client = None;
        }
        self.selected_was_open = open;
    }

    /// Applies a widget's request (see [`PanelAction`]).
    pub fn apply(&mut self, action: PanelAction, ctx: &egui::Context) {
        match action {
            PanelAction::Control(c) => {
                self.runtime().send(c);
            }
            PanelAction::Command(c) => {
                self.send_command(c);
            }
            PanelAction::StartAutoSend => self.kit.auto_error = self.start_auto_send().err(),
            PanelAction::StartExpect => self.kit.expect_error = self.start_expect().err(),
            PanelAction::StartSequence { step } => {
                self.kit.sequence_error = self.start_sequence(step).err();
            }
            PanelAction::QuickSend(i) => {
                if let Err(e) = self.quick_send(i) {
                    self.kit.note = Some((e, true));
                }
            }
            PanelAction::OpenDialog(kind, name) => self.kit.open_dialog(kind, ctx, &name),
            PanelAction::SendToAll => self.send_to_all(),
            PanelAction::StopListening => {
                // The runtime says when it stopped (Status::listen_stopped).
                self.send_command(Command::StopListening);
            }
        }
    }

    /// A loaded sequence's `to` becomes the tab's destination (so Save… writes it back,
    /// and Run goes where `socket-tester run FILE` would), when the tab is stopped and
    /// sends to one: a TCP Client or UDP Sender. The destination taken, if any.
    fn take_sequence_to(&mut self, to: Option<String>) -> Option<String> {
        let to = to?;
        if self.is_running()
            || !matches!(
                self.role,
                crate::net::Role::TcpClient | crate::net::Role::UdpSender
            )
        {
            return None;
        }
        if crate::net::addr::is_unix(&to) {
            self.settings.host = to.clone();
            return Some(to);
        }
        let (host, port) = crate::net::addr::split_host_port(&to).ok()?;
        self.settings.host = host;
        self.settings.port = port.to_string();
        Some(to)
    }
}
