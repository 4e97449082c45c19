//! The Packets window (已存数据包): the saved packets with a one-click send each, an
//! editor (name, protocol, destination, payload, its form and encoding, each checked as
//! you type), rename, delete, and Import… / Export… of TOML files. A window of its own,
//! so it takes none of the log's room when closed; its list and editor scroll, so it fits
//! a 1024×600 screen. It edits its own state and returns a [`PacketAction`]; the app
//! sends, saves and opens the file dialogs.

use super::packets::{self, Packet, Problem, Protocol};
use super::send_box::{LineEnding, PayloadForm};
use crate::i18n::{Lang, loader};
use egui::{RichText, TextEdit, Ui};
use i18n_embed_fl::fl;

/// The packet being edited: its index (None: a new one) and the draft.
#[derive(Clone, Debug)]
pub struct Edit {
    pub index: Option<usize>,
    pub draft: Packet,
}

/// The window's state.
#[derive(Default)]
pub struct PacketsPanel {
    pub open: bool,
    pub list: Vec<Packet>,
    pub edit: Option<Edit>,
    /// The last action's result: (words, is an error).
    pub notice: Option<(String, bool)>,
    /// A TCP packet with no connection to send it: the offer to open one (its index).
    pub offer: Option<usize>,
    /// A delete waiting for its confirmation.
    pub confirm_delete: Option<usize>,
}

/// What the window asks of the app.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PacketAction {
    /// Make a packet of the shown tab's send box and open it in the editor.
    SaveFromTab,
    /// Send packet `i` to its destination.
    Send(usize),
    /// Connect the TCP Client to packet `i`'s destination, then send it.
    ConnectAndSend(usize),
    Import,
    Export,
    /// The list changed: save it.
    Changed,
}

/// The words of a packet problem in `lang`.
pub fn problem_text(lang: Lang, p: &Problem) -> String {
    let l = loader(lang);
    match p {
        Problem::NoName => fl!(l, "pk-no-name"),
        Problem::Destination(e) => crate::ui::common::address_field::addr_error_text(lang, e),
        Problem::Encoding(e) => fl!(l, "pk-bad-encoding", label = e.as_str()),
        Problem::Payload(e) => crate::ui::common::payload_words::payload_error_text(lang, e),
        Problem::Syntax(e) => fl!(l, "pk-bad-file", err = e.as_str()),
        Problem::TooBig => fl!(l, "pk-too-big"),
        Problem::TooMany => fl!(l, "pk-too-many", n = packets::MAX_PACKETS),
        Problem::Io(e) => e.clone(),
    }
}

/// A file's problem in `lang`, with its line when known.
pub fn file_problem_text(lang: Lang, path: &str, p: &packets::FileProblem) -> String {
    let err = problem_text(lang, &p.problem);
    match p.line {
        Some(line) => fl!(
            loader(lang),
            "pk-file-line",
            path = path,
            line = line,
            err = err
        ),
        None => fl!(loader(lang), "pk-file", path = path, err = err),
    }
}

/// Draws the window (while open); at most one action a frame.
pub fn show(ctx: &egui::Context, p: &mut PacketsPanel, lang: Lang) -> Option<PacketAction> {
    if !p.open {
        return None;
    }
    let l = loader(lang);
    let mut open = true;
    let mut action = None;
    let max_h = (ctx.content_rect().height() - 80.0).max(200.0);
    egui::Window::new(fl!(l, "pk-title"))
        .id(egui::Id::unique("packets-window"))
        .open(&mut open)
        .default_width(460.0)
        .default_height(max_h.min(460.0))
        .max_height(max_h)
        .resizable(true)
        .show(ctx, |ui| {
            ui.horizontal_wrapped(|ui| {
                if ui.button(fl!(l, "pk-save-send-box")).clicked() {
                    action = Some(PacketAction::SaveFromTab);
                }
                if ui.button(fl!(l, "pk-new")).clicked() {
                    p.edit = Some(Edit {
                        index: None,
                        draft: Packet {
                            name: packets::unique_name(&p.list, &fl!(l, "pk-new-name")),
                            to: "127.0.0.1:8080".into(),
                            encoding: "utf-8".into(),
                            ..Packet::default()
                        },
                    });
                }
                if ui.button(fl!(l, "pk-import")).clicked() {
                    action = Some(PacketAction::Import);
                }
                if ui
                    .add_enabled(!p.list.is_empty(), egui::Button::new(fl!(l, "pk-export")))
                    .clicked()
                {
                    action = Some(PacketAction::Export);
                }
            });
            if let Some((text, bad)) = &p.notice {
                let t = RichText::new(text.as_str());
                ui.label(if *bad {
                    t.color(crate::ui::common::style::ERROR_RED)
                } else {
                    t
                });
            }
            if let Some(i) = p.offer
                && let Some(pk) = p.list.get(i)
                && ui
                    .button(fl!(l, "pk-connect-and-send", to = pk.to.as_str()))
                    .clicked()
            {
                action = Some(PacketAction::ConnectAndSend(i));
            }
            ui.separator();
            egui::ScrollArea::vertical()
                .id_salt("packets-scroll")
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    if p.edit.is_some() {
                        if let Some(a) = editor(ui, p, lang) {
                            action = Some(a);
                        }
                        ui.separator();
                    }
                    if let Some(a) = list(ui, p, lang) {
                        action = Some(a);
                    }
                });
        });
    p.open = open;
    action
}

/// The list: one row per packet, its send button first.
fn list(ui: &mut Ui, p: &mut PacketsPanel, lang: Lang) -> Option<PacketAction> {
    let l = loader(lang);
    let mut action = None;
    if p.list.is_empty() {
        ui.label(RichText::new(fl!(l, "pk-empty")).weak());
    }
    let mut delete = None;
    for (i, pk) in p.list.iter().enumerate() {
        ui.horizontal_wrapped(|ui| {
            let send = ui.button(format!("▶ {}", pk.name)).on_hover_text(fl!(
                l,
                "pk-send-tip",
                to = pk.to.as_str()
            ));
            if send.clicked() {
                action = Some(PacketAction::Send(i));
            }
            ui.label(RichText::new(format!("{} {}", pk.protocol.name(), pk.to)).monospace());
            let kind = if pk.form.hex {
                fl!(l, "pk-hex")
            } else {
                pk.encoding().display_name().to_string()
            };
            ui.label(RichText::new(kind).weak());
            if ui.small_button(fl!(l, "pk-edit")).clicked() {
                p.edit = Some(Edit {
                    index: Some(i),
                    draft: pk.clone(),
                });
            }
            if p.confirm_delete == Some(i) {
                let sure = fl!(l, "pk-delete-sure", name = pk.name.as_str());
                if ui.small_button(sure).clicked() {
                    delete = Some(i);
                }
            } else if ui.small_button(fl!(l, "pk-delete")).clicked() {
                p.confirm_delete = Some(i);
            }
        });
    }
    if let Some(i) = delete {
        p.list.remove(i);
        p.confirm_delete = None;
        p.offer = None;
        if p.edit.as_ref().is_some_and(|e| e.index == Some(i)) {
            p.edit = None;
        }
        action = Some(PacketAction::Changed);
    }
    action
}

/// A labelled single-line field; returns its response.
fn field(ui: &mut Ui, label: &str, text: &mut String, width: f32) -> egui::Response {
    let l = ui.label(label);
    let r = ui.add(TextEdit::singleline(text).desired_width(width));
    ui.end_row();
    r.labelled_by(l.id)
}

/// The editor of one packet: every field labelled, checked as you type.
fn editor(ui: &mut Ui, p: &mut PacketsPanel, lang: Lang) -> Option<PacketAction> {
    let l = loader(lang);
    let Some(edit) = &mut p.edit else {
        return None;
    };
    let d = &mut edit.draft;
    egui::Grid::new("packet-editor")
        .num_columns(2)
        .show(ui, |ui| {
            field(ui, &fl!(l, "pk-name"), &mut d.name, 220.0);
            let proto = ui.label(fl!(l, "pk-protocol"));
            egui::ComboBox::from_id_salt("packet-protocol")
                .selected_text(d.protocol.name())
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut d.protocol, Protocol::Tcp, "TCP");
                    ui.selectable_value(&mut d.protocol, Protocol::Udp, "UDP");
                })
                .response
                .labelled_by(proto.id);
            ui.end_row();
            field(ui, &fl!(l, "pk-to"), &mut d.to, 220.0);
            ui.label("");
            let enc = super::super::pickers::encoding_picker::from_label(&d.encoding);
            ui.horizontal(|ui| {
                if let Some(e) = super::super::pickers::encoding_picker::show(ui, "packet", enc) {
                    d.encoding = e.label();
                }
            });
            ui.end_row();
        });
    if let Err(e) = packets::destination(&d.to) {
        let text = crate::ui::common::address_field::addr_error_text(lang, &e);
        crate::ui::common::style::error_label(ui, &text);
    }
    let pl = ui.label(fl!(l, "pk-payload"));
    ui.add(
        TextEdit::multiline(&mut d.form.text)
            .desired_rows(3)
            .desired_width(f32::INFINITY)
            .font(egui::TextStyle::Monospace),
    )
    .labelled_by(pl.id);
    form_options(ui, &mut d.form, lang);
    let problem = d.check().err();
    if let Some(e) = &problem
        && !matches!(e, Problem::Destination(_))
    {
        crate::ui::common::style::error_label(ui, &problem_text(lang, e));
    }
    let mut action = None;
    let mut close = false;
    ui.horizontal(|ui| {
        if ui
            .add_enabled(problem.is_none(), egui::Button::new(fl!(l, "pk-save")))
            .clicked()
        {
            let mut pk = d.clone();
            pk.name = pk.name.trim().to_string();
            let others: Vec<Packet> = p
                .list
                .iter()
                .enumerate()
                .filter(|(i, _)| Some(*i) != edit.index)
                .map(|(_, x)| x.clone())
                .collect();
            pk.name = packets::unique_name(&others, &pk.name);
            match edit.index.filter(|i| *i < p.list.len()) {
                Some(i) => p.list[i] = pk,
                None => p.list.push(pk),
            }
            close = true;
            action = Some(PacketAction::Changed);
        }
        if ui.button(fl!(l, "pk-cancel")).clicked() {
            close = true;
        }
    });
    if close {
        p.edit = None;
    }
    action
}

/// Hex, escapes, template and the line ending of a packet's payload.
fn form_options(ui: &mut Ui, f: &mut PayloadForm, lang: Lang) {
    let l = loader(lang);
    let le_label = |le: LineEnding| match le {
        LineEnding::None => fl!(l, "send-le-none"),
        _ => le.label().to_string(),
    };
    ui.horizontal_wrapped(|ui| {
        // A label that does not fit moves to the next line whole.
        ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
        ui.checkbox(&mut f.hex, fl!(l, "pk-hex"));
        ui.checkbox(&mut f.escapes, fl!(l, "pk-escapes"));
        ui.checkbox(&mut f.variables, fl!(l, "pk-template"));
        let le = ui.label(fl!(l, "pk-line-ending"));
        egui::ComboBox::from_id_salt("packet-line-ending")
            .selected_text(le_label(f.line_ending))
            .show_ui(ui, |ui| {
                for e in LineEnding::ALL {
                    ui.selectable_value(&mut f.line_ending, e, le_label(e));
                }
            })
            .response
            .labelled_by(le.id);
    });
}
