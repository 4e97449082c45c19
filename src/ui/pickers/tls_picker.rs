//! The TCP tabs' "TLS" menu: turn TLS on, and give the files and names it needs. A
//! client: the CA file (else the system's roots), or a SHA-256 pin instead, SNI, ALPN, a
//! certificate for mutual TLS, and "accept any certificate" with its warning. A server: its certificate and key (else
//! a self-signed one, made once and kept), the CA whose client certificates it requires,
//! and ALPN. Saved with the tab; used at the next Connect / Listen. Each bad field is
//! named under it, and keeps the main button off.

use crate::net::Role;
use crate::net::tls::{CertInfo, Pin, PinProblem, TlsOptions};
use crate::ui::common::lang::ui_loader;
use crate::ui::common::style::{ERROR_RED, error_label};
use egui::{RichText, TextEdit, Ui};
use i18n_embed_fl::fl;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The saved fields of the menu.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TlsForm {
    pub on: bool,
    /// Server: its certificate (empty: self-signed). Client: one for mutual TLS.
    pub cert: String,
    pub key: String,
    /// Client: trusted CAs (empty: the system's). Server: require client certificates.
    pub ca: String,
    pub sni: String,
    /// Comma-separated protocols.
    pub alpn: String,
    pub insecure: bool,
    /// Client: the one certificate accepted, `sha256:HEX` (empty: none; then the CA
    /// field is not used).
    pub pin: String,
}

/// A path field of the menu (for its file dialog).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsField {
    Cert,
    Key,
    Ca,
}

/// What is wrong with the menu's fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TlsFieldProblem {
    /// The file does not exist (or is not a file).
    Missing(TlsField),
    KeyWithoutCert,
    Sni,
    Alpn,
    Pin(PinProblem),
}

fn path(s: &str) -> Option<PathBuf> {
    let t = s.trim();
    (!t.is_empty()).then(|| PathBuf::from(t))
}

impl TlsForm {
    /// The fields that give `t` (a command-line launch).
    pub fn from_options(t: Option<&TlsOptions>) -> TlsForm {
        let Some(t) = t else {
            return TlsForm::default();
        };
        let show = |p: &Option<PathBuf>| p.as_ref().map(|p| p.display().to_string());
        TlsForm {
            on: true,
            cert: show(&t.cert).unwrap_or_default(),
            key: show(&t.key).unwrap_or_default(),
            ca: show(&t.ca).unwrap_or_default(),
            sni: t.sni.clone().unwrap_or_default(),
            alpn: t.alpn.join(","),
            insecure: t.insecure,
            pin: t.pin.map(|p| p.to_string()).unwrap_or_default(),
        }
    }

    /// The engine's options (None when TLS is off), or the first bad field. The
    /// self-signed certificate's folder is the tab's data folder, set when it starts.
    pub fn options(&self, role: Role) -> Result<Option<TlsOptions>, TlsFieldProblem> {
        if !self.on || !role.is_tcp() {
            return Ok(None);
        }
        let server = role == Role::TcpServer;
        // Accepting any certificate, or one pinned, a client trusts no CA file (it is not
        // even read).
        let any = !server && self.insecure;
        let pin = match self.pin.trim() {
            _ if server || any => None,
            "" => None,
            t => Some(Pin::parse(t).map_err(TlsFieldProblem::Pin)?),
        };
        let ca = if any || pin.is_some() {
            ""
        } else {
            self.ca.as_str()
        };
        for (field, text) in [
            (TlsField::Cert, self.cert.as_str()),
            (TlsField::Key, self.key.as_str()),
            (TlsField::Ca, ca),
        ] {
            if let Some(p) = path(text)
                && !Path::new(&p).is_file()
            {
                return Err(TlsFieldProblem::Missing(field));
            }
        }
        if path(&self.key).is_some() && path(&self.cert).is_none() {
            return Err(TlsFieldProblem::KeyWithoutCert);
        }
        let sni = self.sni.trim();
        if !server && !sni.is_empty() && !crate::net::tls::valid_server_name(sni) {
            return Err(TlsFieldProblem::Sni);
        }
        let alpn: Vec<String> = self
            .alpn
            .split(',')
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect();
        if alpn.iter().any(|p| p.len() > 255) {
            return Err(TlsFieldProblem::Alpn);
        }
        Ok(Some(TlsOptions {
            cert: path(&self.cert),
            key: path(&self.key),
            ca: path(ca),
            sni: (!server && !sni.is_empty()).then(|| sni.to_string()),
            alpn,
            insecure: !server && self.insecure,
            pin,
            self_signed_dir: None,
        }))
    }

    /// Accepting any certificate is on (the status line warns while it is).
    pub fn warns(&self, role: Role) -> bool {
        self.on && self.insecure && role == Role::TcpClient
    }
}

/// A request from the menu: open a file dialog for a path field.
pub enum TlsAction {
    Browse(TlsField),
}

/// One path field with its "…" button and, under it, its error.
fn path_row(
    ui: &mut Ui,
    label: &str,
    hint: &str,
    text: &mut String,
    field: TlsField,
    problem: Option<TlsFieldProblem>,
    action: &mut Option<TlsAction>,
) {
    let l = ui_loader(ui);
    let name = ui.label(label);
    ui.horizontal(|ui| {
        ui.add(
            TextEdit::singleline(text)
                .hint_text(hint)
                .desired_width(260.0),
        )
        .labelled_by(name.id);
        if ui.button("…").on_hover_text(fl!(l, "tls-browse")).clicked() {
            *action = Some(TlsAction::Browse(field));
        }
    });
    if problem == Some(TlsFieldProblem::Missing(field)) {
        error_label(ui, &fl!(l, "tls-bad-missing"));
    }
    if field == TlsField::Key && problem == Some(TlsFieldProblem::KeyWithoutCert) {
        error_label(ui, &fl!(l, "tls-bad-key-alone"));
    }
}

fn text_row(ui: &mut Ui, label: &str, hint: &str, text: &mut String, error: Option<String>) {
    let name = ui.label(label);
    ui.add(
        TextEdit::singleline(text)
            .hint_text(hint)
            .desired_width(260.0),
    )
    .labelled_by(name.id);
    if let Some(e) = error {
        error_label(ui, &e);
    }
}

/// The "TLS" menu. `editable`: no session runs (changes apply at the next start).
/// `refused`: the certificate the client last refused (shown with "Trust this
/// certificate").
pub fn show(
    ui: &mut Ui,
    form: &mut TlsForm,
    role: Role,
    editable: bool,
    refused: Option<&CertInfo>,
) -> Option<TlsAction> {
    let l = ui_loader(ui);
    let problem = form.options(role).err();
    let refused = refused.filter(|_| form.on && role == Role::TcpClient);
    let untrusted = refused.is_some_and(|c| !super::tls_refused::pinned(c, &form.pin));
    let summary = if !form.on {
        fl!(l, "tls-summary-off")
    } else if untrusted {
        fl!(l, "tls-summary-refused")
    } else if problem.is_some() {
        fl!(l, "tls-summary-bad")
    } else if form.warns(role) {
        fl!(l, "tls-summary-any")
    } else {
        fl!(l, "tls-summary-on")
    };
    let mut text = RichText::new(format!("{summary} ▾"));
    if form.on && (problem.is_some() || form.warns(role) || untrusted) {
        text = text.color(ERROR_RED);
    }
    let config = egui::containers::menu::MenuConfig::new()
        .close_behavior(egui::PopupCloseBehavior::CloseOnClickOutside);
    let mut action = None;
    let (button, _) = egui::containers::menu::MenuButton::new(text)
        .config(config)
        .ui(ui, |ui| {
            let l = ui_loader(ui);
            ui.set_max_width(380.0);
            ui.add_enabled_ui(editable, |ui| {
                ui.checkbox(&mut form.on, fl!(l, "tls-use"))
                    .on_hover_text(fl!(l, "tls-use-tip"));
                ui.add_enabled_ui(form.on, |ui| {
                    ui.separator();
                    if let Some(cert) = refused {
                        super::tls_refused::show(ui, cert, &mut form.pin, &mut form.insecure);
                    }
                    if role == Role::TcpServer {
                        server_fields(ui, form, problem, &mut action);
                    } else {
                        client_fields(ui, form, problem, &mut action);
                    }
                });
            });
            if !editable {
                ui.label(RichText::new(fl!(l, "tls-next-start")).weak());
            }
        });
    button.on_hover_text(fl!(l, "tls-tip"));
    action
}

fn server_fields(
    ui: &mut Ui,
    form: &mut TlsForm,
    problem: Option<TlsFieldProblem>,
    action: &mut Option<TlsAction>,
) {
    let l = ui_loader(ui);
    let (cert, key, ca) = (
        fl!(l, "tls-server-cert"),
        fl!(l, "tls-key"),
        fl!(l, "tls-server-ca"),
    );
    let self_signed = fl!(l, "tls-hint-self-signed");
    path_row(
        ui,
        &cert,
        &self_signed,
        &mut form.cert,
        TlsField::Cert,
        problem,
        action,
    );
    path_row(
        ui,
        &key,
        &fl!(l, "tls-hint-key"),
        &mut form.key,
        TlsField::Key,
        problem,
        action,
    );
    let none = fl!(l, "tls-hint-no-client-certs");
    path_row(ui, &ca, &none, &mut form.ca, TlsField::Ca, problem, action);
    alpn_row(ui, form, problem);
}

fn client_fields(
    ui: &mut Ui,
    form: &mut TlsForm,
    problem: Option<TlsFieldProblem>,
    action: &mut Option<TlsAction>,
) {
    let l = ui_loader(ui);
    let ca = fl!(l, "tls-client-ca");
    let roots = fl!(l, "tls-hint-system-roots");
    let pinned = !form.pin.trim().is_empty();
    ui.add_enabled_ui(!form.insecure && !pinned, |ui| {
        path_row(ui, &ca, &roots, &mut form.ca, TlsField::Ca, problem, action);
    });
    ui.add_enabled_ui(!form.insecure, |ui| pin_row(ui, form, problem));
    let sni_error = (problem == Some(TlsFieldProblem::Sni)).then(|| fl!(l, "tls-bad-sni"));
    text_row(
        ui,
        &fl!(l, "tls-sni"),
        &fl!(l, "tls-hint-sni"),
        &mut form.sni,
        sni_error,
    );
    alpn_row(ui, form, problem);
    ui.separator();
    ui.label(RichText::new(fl!(l, "tls-mutual")).strong());
    let cert = fl!(l, "tls-client-cert");
    let none = fl!(l, "tls-hint-no-client-cert");
    path_row(
        ui,
        &cert,
        &none,
        &mut form.cert,
        TlsField::Cert,
        problem,
        action,
    );
    path_row(
        ui,
        &fl!(l, "tls-key"),
        &fl!(l, "tls-hint-key"),
        &mut form.key,
        TlsField::Key,
        problem,
        action,
    );
    ui.separator();
    ui.checkbox(&mut form.insecure, fl!(l, "tls-insecure"))
        .on_hover_text(fl!(l, "tls-insecure-tip"));
    if form.insecure {
        error_label(ui, &fl!(l, "tls-insecure-warning"));
    }
}

/// The pin field, its tip, and under it what is wrong with it.
fn pin_row(ui: &mut Ui, form: &mut TlsForm, problem: Option<TlsFieldProblem>) {
    let l = ui_loader(ui);
    let error = match problem {
        Some(TlsFieldProblem::Pin(PinProblem::NotHex)) => Some(fl!(l, "tls-bad-pin-hex")),
        Some(TlsFieldProblem::Pin(PinProblem::Length { digits })) => {
            Some(fl!(l, "tls-bad-pin-length", digits = digits))
        }
        _ => None,
    };
    let name = ui
        .label(fl!(l, "tls-pin"))
        .on_hover_text(fl!(l, "tls-pin-tip"));
    ui.add(
        TextEdit::singleline(&mut form.pin)
            .hint_text(fl!(l, "tls-hint-pin"))
            .desired_width(260.0),
    )
    .labelled_by(name.id)
    .on_hover_text(fl!(l, "tls-pin-tip"));
    if let Some(e) = error {
        error_label(ui, &e);
    }
}

fn alpn_row(ui: &mut Ui, form: &mut TlsForm, problem: Option<TlsFieldProblem>) {
    let l = ui_loader(ui);
    let error = (problem == Some(TlsFieldProblem::Alpn)).then(|| fl!(l, "tls-bad-alpn"));
    text_row(
        ui,
        &fl!(l, "tls-alpn"),
        &fl!(l, "tls-hint-alpn"),
        &mut form.alpn,
        error,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_gives_options_and_names_bad_fields() {
        let dir = std::env::temp_dir();
        let file = dir.join(format!("tls-picker-{}.pem", std::process::id()));
        std::fs::write(&file, "x").unwrap();
        let f = file.display().to_string();
        let mut form = TlsForm::default();
        assert_eq!(form.options(Role::TcpClient), Ok(None));
        form.on = true;
        form.alpn = " h2 , http/1.1 ,".into();
        let o = form.options(Role::TcpClient).unwrap().unwrap();
        assert_eq!(o.alpn, vec!["h2".to_string(), "http/1.1".into()]);
        assert_eq!(o.ca, None);
        form.ca = "/no/such/ca.pem".into();
        assert_eq!(
            form.options(Role::TcpClient),
            Err(TlsFieldProblem::Missing(TlsField::Ca))
        );
        form.ca = f.clone();
        form.key = f.clone();
        assert_eq!(
            form.options(Role::TcpClient),
            Err(TlsFieldProblem::KeyWithoutCert)
        );
        form.cert = f.clone();
        form.sni = "not a name".into();
        assert_eq!(form.options(Role::TcpClient), Err(TlsFieldProblem::Sni));
        // A server has no SNI field: it is not checked there.
        assert!(form.options(Role::TcpServer).is_ok());
        form.sni = "printer.local".into();
        form.insecure = true;
        let o = form.options(Role::TcpClient).unwrap().unwrap();
        assert!(o.insecure);
        assert_eq!(
            TlsForm::from_options(Some(&o)).options(Role::TcpClient),
            Ok(Some(o))
        );
        assert!(!form.options(Role::TcpServer).unwrap().unwrap().insecure);
        // A pin: checked as typed, and then the CA file is not used.
        form.insecure = false;
        form.pin = "sha256:12".into();
        assert_eq!(
            form.options(Role::TcpClient),
            Err(TlsFieldProblem::Pin(PinProblem::Length { digits: 2 }))
        );
        form.pin = "sha256:xyz".into();
        assert_eq!(
            form.options(Role::TcpClient),
            Err(TlsFieldProblem::Pin(PinProblem::NotHex))
        );
        form.pin = format!("SHA256:{}", "Ab:".repeat(31) + "Ab");
        form.ca = "/no/such/ca.pem".into();
        let o = form.options(Role::TcpClient).unwrap().unwrap();
        assert_eq!(o.pin, Some(Pin([0xab; 32])));
        assert_eq!(o.ca, None);
        assert_eq!(
            TlsForm::from_options(Some(&o)).options(Role::TcpClient),
            Ok(Some(o))
        );
        // A server has no pin field: it is not read there.
        form.pin = "junk".into();
        form.ca = String::new();
        assert_eq!(form.options(Role::TcpServer).unwrap().unwrap().pin, None);
        let _ = std::fs::remove_file(file);
    }
}
