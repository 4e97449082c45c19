//! One session tab: its state and saved settings, the session its fields describe,
//! each role's fields (UDP sender and receiver, TCP client and server), the drawing of
//! the whole tab, the tools' row, and what the tools' requests do to the tab.

pub(super) mod session_panel;
pub(super) mod settings;
pub(super) mod status_words;
pub(super) mod tab;
pub(super) mod tab_config;
pub(super) mod tab_save;
pub(super) mod tab_tools;
pub(super) mod tcp_client;
pub(super) mod tcp_server;
pub(super) mod tls_status;
pub(super) mod toolkit;
pub(super) mod udp_receiver;
pub(super) mod udp_sender;
