//! Automation, between `net` and `session`: reply rules ([`rules`]), Expect
//! ([`expect`]), auto-send ([`auto_send`]) and pacing ([`pacer`]). None of it owns a socket
//! or a thread: it watches a session's events and gives back the commands to send (and
//! when). Used by `session`, `sequence` and the command line; it uses `net` and `codec`
//! below it, and `log` for the English wording and timestamps of an Expect report.

pub mod auto_send;
pub mod expect;
pub mod pacer;
pub mod rules;
