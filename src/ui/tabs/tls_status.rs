//! TLS in a tab's status line: the negotiated version (everything the handshake told on
//! hover: suite, ALPN, the peer's certificate and its fingerprint), the server's own
//! certificate fingerprint for students to compare, and a warning while the client
//! accepts any certificate.

use crate::i18n::{Lang, loader};
use crate::net::Role;
use crate::session::Status;
use crate::ui::common::style::{ERROR_RED, GOOD_GREEN, whole};
use egui::{RichText, Ui};
use i18n_embed_fl::fl;

/// The fingerprint's first four bytes, enough to compare by eye ("AB:CD:EF:01…").
fn short(sha: &str) -> String {
    let head: Vec<&str> = sha.split(':').take(4).collect();
    format!("{}…", head.join(":"))
}

/// The status line's TLS items (nothing on a plaintext tab). `warn`: the TLS menu
/// accepts any certificate; `st`: the runtime's status.
pub fn items(ui: &mut Ui, lang: Lang, warn: bool, st: &Status) {
    let l = loader(lang);
    if warn {
        ui.separator();
        whole(ui, RichText::new(fl!(l, "tls-status-any")).color(ERROR_RED))
            .on_hover_text(fl!(l, "tls-insecure-warning"));
    }
    if !st.running {
        return;
    }
    if let Some(info) = &st.tls {
        ui.separator();
        let text = fl!(l, "tls-status-ready", version = info.version.as_str());
        let color = if info.unverified {
            ERROR_RED
        } else {
            GOOD_GREEN
        };
        whole(ui, RichText::new(text).color(color))
            .on_hover_text(crate::i18n_tls::ready(lang, info));
    }
    if st.role == Role::TcpServer
        && let Some((cert, source)) = &st.tls_cert
    {
        ui.separator();
        let text = fl!(l, "tls-status-cert", sha = short(&cert.sha256));
        whole(ui, RichText::new(text).color(GOOD_GREEN))
            .on_hover_text(crate::i18n_tls::server_cert(lang, cert, source));
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_short_fingerprint_is_its_first_four_bytes() {
        assert_eq!(super::short("AB:CD:EF:01:23:45"), "AB:CD:EF:01…");
    }
}
