//! What a tab sends and the tools under its send box: the send box itself, saved
//! payloads, auto-reply rules, Expect, Sequence, Roster, Replay, the rate chart and the
//! UDP senders table, and the [`action::PanelAction`] they return to their tab.

pub(super) mod action;
pub(super) mod crowd_sequence_view;
pub(super) mod diff_view;
pub(super) mod escaped_field;
pub(super) mod expect_panel;
pub(super) mod hex_toggle;
pub(super) mod packets;
pub(super) mod packets_panel;
pub(super) mod payloads;
pub(super) mod rate_chart;
pub(super) mod replay_window;
pub(super) mod roster_panel;
pub(super) mod rules_panel;
pub(super) mod send_box;
pub(super) mod senders_table;
pub(super) mod sequence_panel;
pub(super) mod sequence_tools;
pub(super) mod sequence_words;
