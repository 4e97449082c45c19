//! The tools under each tab's send box: the quick-send row and the tool bar, and the open
//! tool's panel (saved payloads, auto-send, send file, auto-reply rules, the UDP senders
//! table, the rate chart and Expect). The tools edit their saved part ([`KitSettings`]),
//! read the rest from a [`ToolsView`] and return a [`PanelAction`] for the tab to apply;
//! the window's part of them between frames is the tab's [`Toolkit`].

use super::settings::{KitSettings, Tool};
use super::status_words::auto_note_text;
use crate::codec::Encoding;
use crate::i18n::{Lang, loader};
use crate::net::file_send::FileState;
use crate::net::{Command, Role};
use crate::session::{Control, Status};
use crate::ui::common::field::{field, parse_num};
use crate::ui::dialogs::file_dialog::{FileRequest, PendingDialog};
use crate::ui::tools::action::{Dialog, PanelAction};
use crate::ui::tools::send_box::SendState;
use crate::ui::tools::{expect_panel, payloads, rate_chart, rules_panel, senders_table};
use egui::{RichText, Ui};
use i18n_embed_fl::fl;
use std::net::SocketAddr;

/// The window's part of a tab's tools (the running part is in the session runtime).
#[derive(Default)]
pub struct Toolkit {
    /// Why auto-send could not start (shown next to its controls).
    pub auto_error: Option<String>,
    pub file: Option<crate::net::file_send::FileSpec>,
    pub file_name: String,
    /// Why an Expect run could not start.
    pub expect_error: Option<String>,
    /// Why a sequence could not start.
    pub sequence_error: Option<String>,
    /// A message for the tools (import/export results); true = an error.
    pub note: Option<(String, bool)>,
    pub(in crate::ui) dialog: Option<(Dialog, PendingDialog)>,
    /// The language of the tab's last frame (for messages made between frames).
    pub lang: crate::i18n::Lang,
}

impl Toolkit {
    /// Opens a file dialog (native, or in the window: see [`crate::ui::dialogs::file_dialog`]).
    pub(in crate::ui) fn open_dialog(&mut self, kind: Dialog, ctx: &egui::Context, name: &str) {
        let save = matches!(
            kind,
            Dialog::ExportPayloads
                | Dialog::ExportExpect
                | Dialog::ExportSequence
                | Dialog::ExportRoster
        );
        let l = loader(self.lang);
        let (title, filters) = match kind {
            Dialog::SendFile => (fl!(l, "dialog-send-file"), vec![]),
            Dialog::ImportPayloads => (
                fl!(l, "dialog-import-payloads"),
                vec![("JSON (*.json)".to_string(), vec!["json"])],
            ),
            Dialog::ExportPayloads => (
                fl!(l, "dialog-export-payloads"),
                vec![("JSON (*.json)".to_string(), vec!["json"])],
            ),
            Dialog::ExportExpect => (
                fl!(l, "dialog-export-report"),
                vec![("CSV (*.csv)".to_string(), vec!["csv"])],
            ),
            Dialog::TlsFile(_) | Dialog::RelayTlsFile(..) => (fl!(l, "dialog-tls-file"), vec![]),
            Dialog::ExportRoster => (
                fl!(l, "dialog-export-roster"),
                vec![("CSV (*.csv)".to_string(), vec!["csv"])],
            ),
            Dialog::ImportSequence => (
                fl!(l, "dialog-import-sequence"),
                vec![("TOML (*.toml)".to_string(), vec!["toml"])],
            ),
            Dialog::ExportSequence => (
                fl!(l, "dialog-export-sequence"),
                vec![("TOML (*.toml)".to_string(), vec!["toml"])],
            ),
        };
        let req = FileRequest {
            title,
            save,
            file_name: name.to_string(),
            filters,
        };
        self.dialog = Some((kind, PendingDialog::open(req, ctx)));
    }
}

/// What the tools read of their tab.
pub struct ToolsView<'a> {
    pub role: Role,
    pub lang: Lang,
    /// The tab's encoding.
    pub enc: Encoding,
    /// A session runs.
    pub running: bool,
    /// Why nothing can be sent now.
    pub blocked: Option<&'a str>,
    /// The runtime's status this frame.
    pub st: &'a Status,
    /// The window's part of the tools (notes, errors, the file being sent).
    pub kit: &'a Toolkit,
}

/// What the tools edit besides their saved part.
pub struct ToolsEdit<'a> {
    pub kit: &'a mut KitSettings,
    /// The send box (a saved payload can be loaded into it).
    pub send: &'a mut SendState,
    /// UDP receiver: the reply target (the senders table sets it).
    pub reply_to: &'a mut Option<SocketAddr>,
}

impl Tool {
    /// The tool's name in `lang`.
    pub(super) fn label(self, lang: Lang) -> String {
        let l = loader(lang);
        match self {
            Tool::None => String::new(),
            Tool::Payloads => fl!(l, "tool-payloads"),
            Tool::AutoSend => fl!(l, "tool-auto-send"),
            Tool::File => fl!(l, "tool-file"),
            Tool::Rules => fl!(l, "tool-rules"),
            Tool::Senders => fl!(l, "tool-senders"),
            Tool::Rates => fl!(l, "tool-rates"),
            Tool::Expect => fl!(l, "tool-expect"),
            Tool::Sequence => fl!(l, "tool-sequence"),
            Tool::Roster => fl!(l, "tool-roster"),
        }
    }

    fn offered(role: Role) -> Vec<Tool> {
        let mut v = vec![Tool::Payloads, Tool::AutoSend, Tool::File, Tool::Rules];
        if !role.is_tcp() {
            v.push(Tool::Senders);
        }
        v.extend([Tool::Rates, Tool::Expect, Tool::Sequence]);
        if role == Role::TcpServer {
            v.push(Tool::Roster);
        }
        v
    }
}

/// Quick-send buttons and the tool bar, under the send box (the open tool is drawn by
/// [`tool_panel`]).
pub fn show(
    ui: &mut Ui,
    kit: &mut KitSettings,
    v: &ToolsView,
    simple: bool,
) -> Option<PanelAction> {
    let lang = v.lang;
    let action = quick_send_row(ui, kit, v);
    // Simple mode: the tools are behind one button beside More, and broadcast is under
    // More; a short tab with a tool open switches tools from the tool's panel. Only a
    // tool's note is left for this row.
    let folded = simple || (crate::ui::common::layout::compact(ui.ctx()) && kit.tool != Tool::None);
    if folded && v.kit.note.is_none() {
        return action;
    }
    ui.horizontal_wrapped(|ui| {
        if !folded {
            ui.label(RichText::new(fl!(loader(lang), "tool-tools")).strong());
            tool_labels(ui, kit, v);
            if !v.role.is_tcp() {
                ui.separator();
                broadcast_checkbox(ui, kit, v);
            }
        }
        if let Some((m, err)) = &v.kit.note {
            ui.separator();
            if *err {
                crate::ui::common::style::error_label(ui, m);
            } else {
                ui.label(m);
            }
        }
    });
    action
}

/// One selectable label per tool of the role (click again: closed), marked ● while busy.
fn tool_labels(ui: &mut Ui, kit: &mut KitSettings, v: &ToolsView) {
    for t in Tool::offered(v.role) {
        let on = kit.tool == t;
        let mut text = t.label(v.lang);
        let busy = match t {
            Tool::AutoSend => v.st.auto.as_ref().is_some_and(|a| a.running),
            Tool::File => v.kit.file.as_ref().is_some_and(|f| !f.progress.is_over()),
            Tool::Rules => v.st.rules.active,
            Tool::Sequence => v.st.sequence.as_ref().is_some_and(|s| s.running),
            Tool::Roster => v.st.roster.as_ref().is_some_and(|r| r.running),
            _ => false,
        };
        if busy {
            text.push_str(" ●");
        }
        if ui.selectable_label(on, text).clicked() {
            kit.tool = if on { Tool::None } else { t };
            ui.close();
        }
    }
}

/// Simple mode's Tools button: the tools in a menu (the open one named on the button).
pub fn tools_menu(ui: &mut Ui, kit: &mut KitSettings, v: &ToolsView) {
    let l = loader(v.lang);
    let title = match kit.tool {
        Tool::None => fl!(l, "tool-tools-menu"),
        t => format!("{}: {}", fl!(l, "tool-tools"), t.label(v.lang)),
    };
    ui.menu_button(title, |ui| tool_labels(ui, kit, v));
}

/// The UDP tabs' Broadcast (SO_BROADCAST), set before binding.
pub fn broadcast_checkbox(ui: &mut Ui, kit: &mut KitSettings, v: &ToolsView) {
    let l = loader(v.lang);
    ui.add_enabled_ui(!v.running, |ui| {
        ui.checkbox(&mut kit.broadcast, fl!(l, "tool-broadcast"))
            .on_hover_text(fl!(l, "tool-broadcast-tip"))
            .on_disabled_hover_text(fl!(l, "tool-unbind-to-change"));
    });
}

/// The tool's content. `header_buttons`: the Roster's buttons are in the panel's title
/// row already (a compact tab).
pub(super) fn show_tool(
    ui: &mut Ui,
    tool: Tool,
    e: ToolsEdit,
    v: &ToolsView,
    header_buttons: bool,
) -> Option<PanelAction> {
    let salt = v.role.as_str();
    match tool {
        Tool::None => None,
        Tool::Payloads => payloads::show(ui, &mut e.kit.saved, e.send, v.enc, salt),
        Tool::AutoSend => auto_send_ui(ui, e.kit, v),
        Tool::File => file_ui(ui, e.kit, v),
        Tool::Rules => rules_panel::show(ui, &mut e.kit.rules, &v.st.rules, salt),
        Tool::Senders => senders_table::show(ui, &v.st.udp_senders, v.role, e.reply_to),
        Tool::Rates => {
            rate_chart::show(ui, &v.st.rates, salt);
            None
        }
        Tool::Expect => {
            let ev = expect_panel::ExpectView {
                run: v.st.expect.as_deref(),
                error: v.kit.expect_error.as_deref(),
                blocked: v.blocked,
                salt,
            };
            expect_panel::show(ui, &mut e.kit.expect, &ev)
        }
        Tool::Sequence => {
            let sv = crate::ui::tools::sequence_panel::SequenceUi {
                run: v.st.sequence.as_deref(),
                crowd: v.st.crowd.as_ref().map(|_| v.st.crowd_sequence.as_deref()),
                error: v.kit.sequence_error.as_deref(),
                blocked: v.blocked,
                role: v.role,
                lang: v.lang,
            };
            crate::ui::tools::sequence_panel::show(ui, &mut e.kit.sequence, &sv)
        }
        Tool::Roster => crate::ui::tools::roster_panel::show(
            ui,
            &mut e.kit.roster,
            crate::ui::tools::roster_panel::Shown {
                view: v.st.roster.as_deref(),
                running: v.running,
                rules_on: v.st.rules.active,
                lang: v.lang,
                buttons: !header_buttons,
            },
        ),
    }
}

fn quick_send_row(ui: &mut Ui, kit: &KitSettings, v: &ToolsView) -> Option<PanelAction> {
    if kit.saved.is_empty() {
        return None;
    }
    let mut clicked = None;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(fl!(loader(v.lang), "tool-quick-send")).weak());
        for (i, s) in kit.saved.iter().enumerate() {
            let b = ui
                .add_enabled(v.blocked.is_none(), egui::Button::new(&s.name).small())
                .on_hover_text(s.preview(v.lang));
            if let Some(why) = v.blocked {
                b.clone().on_disabled_hover_text(why);
            }
            if b.clicked() {
                clicked = Some(i);
            }
        }
    });
    clicked.map(PanelAction::QuickSend)
}

/// A Start button that says on hover why it is disabled.
fn start_button(ui: &mut Ui, text: String, blocked: Option<&str>) -> bool {
    let b = ui.add_enabled(blocked.is_none(), egui::Button::new(text));
    if let Some(why) = blocked {
        b.clone().on_disabled_hover_text(why);
    }
    b.clicked()
}

fn auto_send_ui(ui: &mut Ui, kit: &mut KitSettings, v: &ToolsView) -> Option<PanelAction> {
    let lang = v.lang;
    let mut action = None;
    ui.label(RichText::new(fl!(loader(lang), "auto-explain")).weak());
    let running = v.st.auto.as_ref().is_some_and(|x| x.running);
    ui.horizontal_wrapped(|ui| {
        ui.add_enabled_ui(!running, |ui| {
            field(
                ui,
                &fl!(loader(lang), "auto-every"),
                &mut kit.auto_every,
                70.0,
            );
            field(
                ui,
                &fl!(loader(lang), "auto-times"),
                &mut kit.auto_count,
                70.0,
            )
            .on_hover_text(fl!(loader(lang), "auto-times-tip"));
        });
        if running {
            if ui.button(fl!(loader(lang), "auto-stop")).clicked() {
                action = Some(PanelAction::Control(Control::StopAutoSend));
            }
        } else if start_button(ui, fl!(loader(lang), "auto-start"), v.blocked) {
            action = Some(PanelAction::StartAutoSend);
        }
        if let Some(x) = &v.st.auto {
            ui.label(RichText::new(x.progress()).strong());
            if let Some(n) = x.count {
                ui.add(
                    egui::ProgressBar::new(x.sent as f32 / n.max(1) as f32).desired_width(160.0),
                );
            }
        }
    });
    if parse_num(&kit.auto_every, 1, 86_400_000).is_none() {
        crate::ui::common::style::error_label(ui, &fl!(loader(lang), "auto-interval-error"));
    }
    let note = match (&v.kit.auto_error, &v.st.auto_note) {
        (Some(e), _) => Some((e.clone(), true)),
        (None, Some(n)) if !running => Some(auto_note_text(n, lang)),
        _ => None,
    };
    if let Some((m, err)) = note {
        if err {
            crate::ui::common::style::error_label(ui, &m);
        } else {
            ui.label(m);
        }
    }
    action
}

fn file_ui(ui: &mut Ui, kit: &mut KitSettings, v: &ToolsView) -> Option<PanelAction> {
    let lang = v.lang;
    let mut action = None;
    ui.label(
        RichText::new(if v.role.is_tcp() {
            fl!(loader(lang), "file-explain-tcp")
        } else {
            fl!(loader(lang), "file-explain-udp")
        })
        .weak(),
    );
    let active = v.kit.file.as_ref().is_some_and(|f| !f.progress.is_over());
    // Checked as typed: a chunk too large for one datagram is said under the fields, and
    // Send file… waits for a good one (not only once the file is picked).
    let bad =
        crate::ui::common::field::file_fields_error(v.role, &kit.file_chunk, &kit.file_delay, lang);
    ui.horizontal_wrapped(|ui| {
        ui.add_enabled_ui(!active, |ui| {
            let chunk = if v.role.is_tcp() {
                fl!(loader(lang), "file-chunk")
            } else {
                fl!(loader(lang), "file-datagram")
            };
            field(ui, &chunk, &mut kit.file_chunk, 70.0);
            field(
                ui,
                &fl!(loader(lang), "file-delay"),
                &mut kit.file_delay,
                60.0,
            );
        });
        if active {
            if ui.button(fl!(loader(lang), "file-cancel")).clicked() {
                action = Some(PanelAction::Command(Command::CancelFile));
            }
        } else if start_button(
            ui,
            fl!(loader(lang), "file-send"),
            v.blocked.or(bad.as_deref()),
        ) {
            action = Some(PanelAction::OpenDialog(Dialog::SendFile, String::new()));
        }
    });
    if let Some(e) = bad.as_deref().filter(|_| !active) {
        crate::ui::common::style::error_label(ui, e);
    }
    if let Some(f) = &v.kit.file {
        let pr = &f.progress;
        let state = match pr.state() {
            FileState::Pending => fl!(loader(lang), "file-starting"),
            FileState::Running => fl!(loader(lang), "file-sending"),
            FileState::Done => fl!(loader(lang), "file-sent"),
            FileState::Failed => fl!(loader(lang), "file-failed"),
            FileState::Cancelled => fl!(loader(lang), "file-cancelled"),
        };
        ui.horizontal(|ui| {
            ui.label(format!("{} — {state}", v.kit.file_name));
            ui.add(
                egui::ProgressBar::new(pr.fraction())
                    .desired_width(260.0)
                    .text(fl!(
                        loader(lang),
                        "file-progress",
                        sent = pr.sent(),
                        total = pr.total(),
                        chunks = pr.chunks()
                    )),
            );
        });
    }
    action
}
