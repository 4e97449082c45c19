//! The TCP tabs' "Protocol" menu: raw TCP or WebSocket (with TLS on, wss). The client's
//! path, the server's listed paths, extra headers, subprotocols, the bound on a message
//! and whether sends go as binary. Saved with the tab; a bad field is named under itself
//! and keeps Connect / Listen off.

use crate::net::Role;
use crate::net::ws::{self, SendAs, WsOptions, parse};
use crate::ui::common::address_field::error_label;
use crate::ui::common::lang::ui_loader;
use egui::{RichText, TextEdit, Ui};
use i18n_embed_fl::fl;
use serde::{Deserialize, Serialize};

/// The saved fields of the menu.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct WsForm {
    /// WebSocket on (false: raw TCP).
    pub on: bool,
    /// Client: the request's path.
    pub path: String,
    /// Server: the paths upgrades are accepted on, comma-separated (empty: any).
    pub paths: String,
    /// Extra headers, one `NAME: VALUE` a line.
    pub headers: String,
    /// Subprotocols, comma-separated.
    pub subprotocols: String,
    /// The bound on one message (`64K`, `1M`, bytes).
    pub max_message: String,
    pub binary: bool,
}

impl Default for WsForm {
    fn default() -> Self {
        WsForm {
            on: false,
            path: "/".into(),
            paths: String::new(),
            headers: String::new(),
            subprotocols: String::new(),
            max_message: "64K".into(),
            binary: false,
        }
    }
}

/// What is wrong with a field of the menu.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WsProblem {
    Path,
    Paths,
    /// The header on this line (1-based).
    Header(usize),
    Subprotocol,
    MaxMessage,
}

fn list(s: &str) -> impl Iterator<Item = &str> {
    s.split(',').map(str::trim).filter(|p| !p.is_empty())
}

impl WsForm {
    /// The fields that give `o` (a command-line launch).
    pub fn from_options(o: Option<&WsOptions>) -> WsForm {
        let Some(o) = o else {
            return WsForm::default();
        };
        WsForm {
            on: true,
            path: o.path.clone(),
            paths: o.paths.join(", "),
            headers: o
                .headers
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join("\n"),
            subprotocols: o.subprotocols.join(", "),
            max_message: o.max_message.to_string(),
            binary: o.send_as == SendAs::Binary,
        }
    }

    /// Every bad field of the menu, in the menu's order (each header line on its own).
    pub fn problems(&self, role: Role) -> Vec<WsProblem> {
        let mut out = Vec::new();
        if !self.on {
            return out;
        }
        let client = role == Role::TcpClient;
        if client && !parse::is_path(self.path.trim()) {
            out.push(WsProblem::Path);
        }
        if !client && list(&self.paths).any(|p| !parse::is_path(p)) {
            out.push(WsProblem::Paths);
        }
        for (i, line) in self.headers.lines().enumerate() {
            if !line.trim().is_empty() && parse::header(line).is_none() {
                out.push(WsProblem::Header(i + 1));
            }
        }
        if list(&self.subprotocols).any(|p| !parse::is_token(p)) {
            out.push(WsProblem::Subprotocol);
        }
        if parse::size(&self.max_message).is_none() {
            out.push(WsProblem::MaxMessage);
        }
        out
    }

    /// The engine's options (None: raw TCP), or the first bad field. `host`: the Host
    /// header (the client's `HOST:PORT`).
    pub fn options(&self, role: Role, host: &str) -> Result<Option<WsOptions>, WsProblem> {
        if !self.on {
            return Ok(None);
        }
        if let Some(p) = self.problems(role).into_iter().next() {
            return Err(p);
        }
        let client = role == Role::TcpClient;
        let headers = self.headers.lines().filter_map(parse::header).collect();
        let max_message = parse::size(&self.max_message).ok_or(WsProblem::MaxMessage)?;
        Ok(Some(WsOptions {
            path: if client {
                self.path.trim().to_string()
            } else {
                "/".into()
            },
            host: host.to_string(),
            paths: if client {
                Vec::new()
            } else {
                list(&self.paths).map(str::to_string).collect()
            },
            headers,
            subprotocols: list(&self.subprotocols).map(str::to_string).collect(),
            max_message,
            send_as: if self.binary {
                SendAs::Binary
            } else {
                SendAs::Auto
            },
        }))
    }

    fn problem_text(ui: &Ui, p: &WsProblem) -> String {
        let l = ui_loader(ui);
        match p {
            WsProblem::Path => fl!(l, "ws-bad-path"),
            WsProblem::Paths => fl!(l, "ws-bad-paths"),
            WsProblem::Header(n) => fl!(l, "ws-bad-header", line = n),
            WsProblem::Subprotocol => fl!(l, "ws-bad-subprotocol"),
            WsProblem::MaxMessage => {
                let max = ws::MAX_MAX_MESSAGE >> 20;
                fl!(l, "ws-bad-max", max = max)
            }
        }
    }
}

/// One labelled field, and under it each of `problems` that names it.
fn field(
    ui: &mut Ui,
    label: &str,
    text: &mut String,
    editable: bool,
    multi: bool,
    problems: &[WsProblem],
    names: impl Fn(&WsProblem) -> bool,
) {
    let l = ui.label(label);
    let edit = if multi {
        TextEdit::multiline(text).desired_rows(3)
    } else {
        TextEdit::singleline(text)
    };
    ui.add(edit.desired_width(300.0).interactive(editable))
        .labelled_by(l.id);
    for p in problems.iter().filter(|p| names(p)) {
        error_label(ui, &WsForm::problem_text(ui, p));
    }
}

/// The "Protocol" menu: "Protocol: TCP ▾" / "Protocol: WebSocket ▾" (wss with TLS).
pub fn show(ui: &mut Ui, form: &mut WsForm, role: Role, editable: bool, tls: bool) {
    let l = ui_loader(ui);
    let problem = form.options(role, "").err();
    let summary = match (form.on, tls, &problem) {
        (false, ..) => fl!(l, "ws-summary-tcp"),
        (true, _, Some(_)) => fl!(l, "ws-summary-bad"),
        (true, false, None) => fl!(l, "ws-summary-ws"),
        (true, true, None) => fl!(l, "ws-summary-wss"),
    };
    let label = format!("{}: {summary} ▾", fl!(l, "ws-label"));
    let config = egui::containers::menu::MenuConfig::new()
        .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside);
    let (button, _) = egui::containers::menu::MenuButton::new(label)
        .config(config)
        .ui(ui, |ui| {
            let l = ui_loader(ui);
            ui.set_max_width(380.0);
            ui.label(RichText::new(fl!(l, "ws-intro")).weak());
            ui.separator();
            ui.add_enabled_ui(editable, |ui| {
                ui.radio_value(&mut form.on, false, fl!(l, "ws-raw-tcp"));
                ui.radio_value(&mut form.on, true, fl!(l, "ws-websocket"));
            });
            if !form.on {
                return;
            }
            ui.separator();
            let bad = form.problems(role);
            if role == Role::TcpClient {
                let path = fl!(l, "ws-path");
                field(ui, &path, &mut form.path, editable, false, &bad, |p| {
                    *p == WsProblem::Path
                });
            } else {
                let paths = fl!(l, "ws-paths");
                field(ui, &paths, &mut form.paths, editable, false, &bad, |p| {
                    *p == WsProblem::Paths
                });
            }
            let headers = fl!(l, "ws-headers");
            field(ui, &headers, &mut form.headers, editable, true, &bad, |p| {
                matches!(p, WsProblem::Header(_))
            });
            let subs = fl!(l, "ws-subprotocols");
            field(
                ui,
                &subs,
                &mut form.subprotocols,
                editable,
                false,
                &bad,
                |p| *p == WsProblem::Subprotocol,
            );
            let max = fl!(l, "ws-max");
            field(
                ui,
                &max,
                &mut form.max_message,
                editable,
                false,
                &bad,
                |p| *p == WsProblem::MaxMessage,
            );
            ui.add_enabled_ui(editable, |ui| {
                ui.checkbox(&mut form.binary, fl!(l, "ws-binary"))
                    .on_hover_text(fl!(l, "ws-binary-tip"));
            });
        });
    button.on_hover_text(fl!(ui_loader(ui), "ws-tip"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_and_the_options_round_trip_and_bad_fields_are_named() {
        let mut f = WsForm {
            on: true,
            path: "/chat".into(),
            headers: "X-A: 1\n\nAuthorization: Bearer t".into(),
            subprotocols: "chat, v2".into(),
            max_message: "1M".into(),
            ..WsForm::default()
        };
        let o = f.options(Role::TcpClient, "h:1").unwrap().unwrap();
        assert_eq!(o.headers.len(), 2);
        assert_eq!(o.subprotocols, ["chat", "v2"]);
        assert_eq!(o.max_message, 1 << 20);
        assert_eq!(
            WsForm::from_options(Some(&o)).options(Role::TcpClient, "h:1"),
            Ok(Some(o))
        );
        f.headers = "ok: 1\nbad header".into();
        assert_eq!(f.options(Role::TcpClient, ""), Err(WsProblem::Header(2)));
        f.headers.clear();
        f.path = "chat".into();
        assert_eq!(f.options(Role::TcpClient, ""), Err(WsProblem::Path));
        // The server has no path of its own, but its list is checked.
        f.paths = "/a, b".into();
        assert_eq!(f.options(Role::TcpServer, ""), Err(WsProblem::Paths));
        f.on = false;
        assert_eq!(f.options(Role::TcpServer, ""), Ok(None));
        // Every bad field at once, each header line on its own.
        let f = WsForm {
            on: true,
            path: "chat room".into(),
            headers: "X-Dev 1\nok: 1\nbad".into(),
            subprotocols: "a b".into(),
            max_message: "100M".into(),
            ..WsForm::default()
        };
        assert_eq!(
            f.problems(Role::TcpClient),
            [
                WsProblem::Path,
                WsProblem::Header(1),
                WsProblem::Header(3),
                WsProblem::Subprotocol,
                WsProblem::MaxMessage
            ]
        );
    }
}
