//! One session tab: its state and saved settings, the session its fields describe,
//! each role's fields (UDP sender and receiver, TCP client and server), the drawing of
//! the whole tab, the tools' row, and what the tools' requests do to the tab.

/// The tools' view of the panel (its fields, so the tools' settings stay free to borrow).
macro_rules! tools_view {
    ($p:expr, $blocked:expr) => {
        ToolsView {
            role: $p.role,
            lang: $p.lang,
            enc: $p.encoding(),
            running: $p.is_running(),
            blocked: $blocked,
            st: &$p.st,
            kit: &$p.kit,
        }
    };
}

pub(super) mod controls;
pub(super) mod crowd_view;
pub(super) mod enc_banner;
pub(super) mod pause_toggle;
pub(super) mod port_failure;
pub(super) mod relay_faults;
pub(super) mod relay_form;
mod relay_pairs;
pub(super) mod relay_rules;
pub(super) mod relay_rules_form;
pub(super) mod relay_tab;
pub(super) mod relay_tls;
pub(super) mod session_panel;
pub(super) mod settings;
pub(super) mod status_words;
pub(super) mod tab;
pub(super) mod tab_config;
pub(super) mod tab_dest;
pub(super) mod tab_save;
pub(super) mod tab_search;
pub(super) mod tab_tools;
pub(super) mod tcp_client;
pub(super) mod tcp_server;
pub(super) mod tls_status;
pub(super) mod tool_panel;
pub(super) mod toolkit;
pub(super) mod udp_receiver;
pub(super) mod udp_sender;

/// The address the host and port fields name: `unix:…` as typed (the port unused), or
/// HOST:PORT. None when they are not valid (`local`: an empty host and port 0 allowed).
fn field_address(s: &settings::TabSettings, local: bool) -> Option<String> {
    use crate::net::addr;
    if let Some(r) = addr::unix(&s.host) {
        return r.ok().map(|_| s.host.trim().to_string());
    }
    addr::check_host(&s.host, local).ok()?;
    let port = addr::parse_port(&s.port, local).ok()?;
    Some(addr::join_host_port(&s.host, port))
}

/// The local address a server or receiver takes: the host field (labelled `host_label`)
/// and the port, both required, with the last bind / listen failure under the port.
/// True when both are valid.
fn local_address_fields(
    ui: &mut egui::Ui,
    host_label: &str,
    s: &mut settings::TabSettings,
    editable: bool,
    failure: Option<&crate::ui::common::address_field::PortFailure>,
) -> bool {
    use crate::ui::common::{address_field, lang::ui_loader};
    let h = address_field::host_field(ui, host_label, &mut s.host, true, editable);
    // A unix socket address has no port.
    if crate::net::addr::is_unix(&s.host) {
        return h;
    }
    let p = address_field::local_port_field(
        ui,
        &i18n_embed_fl::fl!(ui_loader(ui), "field-port"),
        &mut s.port,
        editable,
        failure,
    )
    .is_some();
    h && p
}
