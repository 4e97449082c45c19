//! The UDP Sender's destination field and its session: the field is handed over once it
//! has stayed the same for a moment (typing a name resolves only the finished name), and
//! at once just before a send.

use super::status_words::ConnState;
use super::tab::SessionPanel;
use super::udp_sender;
use crate::net::{Command, Role};

/// How long the UDP sender's destination field stays unchanged before the session takes it.
const DEST_SETTLE: std::time::Duration = std::time::Duration::from_millis(600);

impl SessionPanel {
    /// A bound UDP sender sends to what its destination fields say now: a new valid
    /// destination is handed to the worker once.
    pub(in crate::ui) fn follow_destination(&mut self, ctx: &egui::Context) {
        self.apply_destination(false);
        // A destination still settling: look again when it has (nothing else may wake
        // the window).
        if let Some((_, since)) = &self.dest_typed {
            ctx.request_repaint_after(DEST_SETTLE.saturating_sub(since.elapsed()));
        }
    }

    /// Hands the UDP sender's destination field to the session once it has stayed the same
    /// for [`DEST_SETTLE`] (typing `localhost` on the way to `localhostt` resolves nothing),
    /// or at once with `now` (just before a send).
    pub(super) fn apply_destination(&mut self, now: bool) {
        if self.role != Role::UdpSender || self.st.state != ConnState::Bound {
            self.dest_applied = None;
            self.dest_typed = None;
            return;
        }
        let Some(d) = udp_sender::destination(&self.settings) else {
            return;
        };
        if self.dest_applied.as_deref() == Some(d.as_str()) {
            self.dest_typed = None;
            return;
        }
        // The destination the session was started with needs no command.
        if self.dest_applied.is_none() && self.started_dest.as_deref() == Some(&d) {
            self.dest_applied = Some(d);
            return;
        }
        let t = std::time::Instant::now();
        let since = match &self.dest_typed {
            Some((typed, since)) if *typed == d => *since,
            _ => {
                self.dest_typed = Some((d.clone(), t));
                t
            }
        };
        if !now && t.saturating_duration_since(since) < DEST_SETTLE {
            return;
        }
        self.send_command(Command::SetDestination(d.clone()));
        self.dest_applied = Some(d);
        self.dest_typed = None;
    }
}
