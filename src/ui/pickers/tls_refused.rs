//! In the TCP client's TLS menu, after the server's certificate was refused: who it says
//! it is (subject, issuer, validity, SHA-256) and **Trust this certificate**, which fills
//! the menu's pin with that fingerprint (saved with the tab, so for this tab's host and
//! port), so that the next Connect accepts exactly that certificate and nothing else.

use crate::net::tls::{CertInfo, Pin};
use crate::ui::common::lang::ui_loader;
use crate::ui::common::style::ERROR_RED;
use egui::{RichText, Ui};
use i18n_embed_fl::fl;

/// The pin that trusts `cert` (`sha256:…`), if its fingerprint reads as one.
pub fn pin_of(cert: &CertInfo) -> Option<String> {
    Pin::parse(&cert.sha256).ok().map(|p| p.to_string())
}

/// True when `pin` (the menu's field) already trusts `cert`.
pub fn pinned(cert: &CertInfo, pin: &str) -> bool {
    let typed = Pin::parse(pin).ok().map(|p| p.to_string());
    typed.is_some() && typed == pin_of(cert)
}

/// The refused certificate and its button. `pin` and `insecure` are the menu's fields: a
/// click fills the one and clears the other.
pub fn show(ui: &mut Ui, cert: &CertInfo, pin: &mut String, insecure: &mut bool) {
    let l = ui_loader(ui);
    let Some(want) = pin_of(cert) else {
        return;
    };
    ui.label(
        RichText::new(fl!(l, "tls-refused-title"))
            .strong()
            .color(ERROR_RED),
    );
    ui.label(fl!(
        l,
        "tls-refused-subject",
        subject = cert.subject.as_str()
    ));
    ui.label(fl!(l, "tls-refused-issuer", issuer = cert.issuer.as_str()));
    ui.label(fl!(
        l,
        "tls-refused-valid",
        from = cert.not_before.as_str(),
        until = cert.not_after.as_str()
    ));
    ui.label(RichText::new(fl!(l, "tls-refused-sha", sha = cert.sha256.as_str())).monospace());
    if pinned(cert, pin) {
        ui.label(fl!(l, "tls-refused-pinned"));
    } else if ui
        .button(fl!(l, "tls-trust-this"))
        .on_hover_text(fl!(l, "tls-trust-this-tip"))
        .clicked()
    {
        *pin = want;
        *insecure = false;
    }
    ui.separator();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pin_of_a_refused_certificate_is_its_fingerprint() {
        let cert = CertInfo {
            subject: "CN=gateway.local".into(),
            issuer: "CN=gateway.local".into(),
            not_before: "2026-01-01T00:00:00Z".into(),
            not_after: "2026-02-01T00:00:00Z".into(),
            sha256: vec!["AB"; 32].join(":"),
            names: vec![],
        };
        let pin = pin_of(&cert).unwrap();
        assert_eq!(pin, format!("sha256:{}", "ab".repeat(32)));
        assert!(pinned(&cert, &pin));
        assert!(pinned(&cert, &cert.sha256));
        assert!(!pinned(&cert, ""));
        assert!(!pinned(&cert, &"cd".repeat(32)));
    }
}
