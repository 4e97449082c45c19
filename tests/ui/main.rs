//! The window tests: the real UI driven with egui_kittest (no GPU), against real peers on
//! loopback. One binary; each former `ui_*.rs` file is a module; `support::ui` and
//! `support::zh` hold the shared helpers. Run one group with `cargo test --test ui roster::`.

#[path = "../support/mod.rs"]
mod support;

mod binary_rows;
mod classroom;
mod counters;
mod crowd;
mod crowd_sequence;
mod crowd_udp;
mod encodings;
mod file_dialog;
mod framing;
mod framing_mbap;
mod hostile;
mod i18n;
mod issue13;
mod learn;
mod live_feed;
mod log_columns;
mod log_follow;
mod log_height;
mod logs;
mod multicast;
mod off_path;
mod packets;
mod pause_reading;
mod port_errors;
mod relay;
mod relay_edges;
mod relay_lab;
mod relay_rules;
mod relay_tls;
mod replay;
mod roster;
mod roster_height;
mod rule_typing;
mod rx_check;
mod sequence;
mod sequence_editor;
mod shape;
mod sockopts;
mod spool_limits;
mod stream_lab;
mod tabs;
mod tcp_diagram;
mod tcp_reset;
mod tcp_stats;
mod tls;
mod tls_trust;
mod toolkit;
mod udp_icmp;
mod unix;
mod validation;
mod websocket;
mod whole_search;
mod writes;
mod zh_errors;
mod zh_words;
