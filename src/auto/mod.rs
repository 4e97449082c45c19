//! Automation, between `net` and `session`: reply rules ([`rules`]), Expect
//! ([`expect`]), auto-send ([`auto_send`]) and pacing ([`pacer`]). None of it owns a
//! socket: rules, Expect and auto-send watch a session's events and give back the commands
//! to send (and when); the pacer sends on a thread of its own through a session handle.
//! Used by `session`, `sequence` and the command line; it uses `net` and `codec` below it,
//! and `log` for the timestamps of an Expect report (its words come from the caller, as
//! `log::Describe`).

pub mod auto_send;
pub mod expect;
pub mod pacer;
pub mod rules;
