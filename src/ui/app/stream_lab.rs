//! The "TCP is a stream" lab's bar: pause the server's reading, send three messages (three
//! send() calls, nothing merged), resume (one recv()), split by lines; and one line saying
//! what the kernel and the strips show.

use super::App;
use crate::i18n::{Lang, loader};
use crate::net::{Role, tcp_info};
use crate::session::timeline::{Step, Timeline};
use crate::ui::common::style::NOTE_AMBER;
use crate::ui::tabs::status_words::ConnState;
use egui::{RichText, Ui};
use i18n_embed_fl::fl;

/// Opens the "TCP is a stream" lab: the TCP pair, the server showing raw chunks. The
/// client makes three separate send() calls (its writes are not merged); with the
/// server's reading paused they pile up in the server's kernel, and on resume one recv()
/// returns all three: a receiver that reads late is the usual cause of 粘包. "Split by
/// lines" then turns on LF framing, and the three messages are three rows again.
pub fn start_stream_lab(app: &mut App) {
    super::lab::start_lab(app, true);
    let Some(lab) = app.classroom.lab.as_mut() else {
        return;
    };
    lab.stream = true;
    // The lab's three messages are its own: an empty send box.
    app.panel_mut(Role::TcpClient).settings.send.text = String::new();
    super::lab::pump_lab(app);
}

/// The stream lab's three messages, back to back, in the window's language.
fn stream_messages(lang: Lang) -> [&'static str; 3] {
    match lang {
        Lang::Zh => ["你好\n", "在吗\n", "再见\n"],
        _ => ["one\n", "two\n", "three\n"],
    }
}

/// The stream lab's steps in its bar: pause the server's reading; send the three
/// messages (three send() calls); resume (one recv()); frame by lines; back to raw.
pub(super) fn steps(app: &mut App, ui: &mut Ui) {
    let lang = app.classroom.lang;
    let l = loader(lang);
    let server = app.panel_mut(Role::TcpServer);
    // The kernel's view of the (first) client: its receive queue while paused.
    if server.selected_client.is_none() {
        let first = {
            let v = server.view();
            v.store.clients.values().find(|c| c.open).map(|c| c.id)
        };
        server.selected_client = first;
    }
    let paused = server.reading_paused();
    let (text, tip) = if paused {
        (fl!(l, "lab-stream-resume"), fl!(l, "lab-stream-resume-tip"))
    } else {
        (fl!(l, "lab-stream-pause"), fl!(l, "lab-stream-pause-tip"))
    };
    if ui
        .add_enabled(server.is_running(), egui::Button::selectable(paused, text))
        .on_hover_text(tip)
        .clicked()
    {
        server.set_reading_paused(!paused);
        if !paused {
            // A new round: its send() calls are counted from here.
            let sent = app.panel(Role::TcpClient).view().store.counters.tx_msgs;
            if let Some(lab) = app.classroom.lab.as_mut() {
                lab.tx_at_pause = sent;
            }
        }
    }
    let connected = app.panel(Role::TcpClient).st.state == ConnState::Connected;
    if ui
        .add_enabled(connected, egui::Button::new(fl!(l, "lab-stream-send")))
        .on_hover_text(fl!(l, "lab-stream-send-tip"))
        .clicked()
    {
        // Three messages, three send() calls: the client's Writes merge nothing.
        let client = app.panel_mut(Role::TcpClient);
        for m in stream_messages(lang) {
            client.send_bytes(m.as_bytes().to_vec());
        }
    }
    use crate::ui::pickers::framing_picker::FramingMode;
    let framing = &mut app.panel_mut(Role::TcpServer).settings.framing.mode;
    if *framing == FramingMode::Raw {
        if ui
            .button(fl!(l, "lab-stream-frame"))
            .on_hover_text(fl!(l, "lab-stream-frame-tip"))
            .clicked()
        {
            *framing = FramingMode::Lf;
        }
    } else if ui.button(fl!(l, "lab-stream-raw")).clicked() {
        *framing = FramingMode::Raw;
    }
    readout(app, ui);
}

/// What the kernel and the strips say, in one line of the bar (the panes' logs are short
/// on a 1024×600 projector): while the server is paused, the bytes waiting in its kernel;
/// after the resume, the client's send() calls against the server's recv() calls.
fn readout(app: &App, ui: &mut Ui) {
    let l = loader(app.classroom.lang);
    let server = app.panel(Role::TcpServer);
    let text = if server.is_running() && server.st.reading_paused {
        let board = server.view().tcp_stats.clone();
        let queued = tcp_info::read(&board);
        let id = server.selected_client.unwrap_or(0);
        match queued.get(&id).or_else(|| queued.values().next()) {
            Some(s) => fl!(l, "lab-stream-queued", n = s.recv_queue),
            None => return,
        }
    } else {
        let Some((reads, bytes)) = reads_since_resume(&server.st.timeline) else {
            return;
        };
        // This round's send() calls: the client's messages since the last pause.
        let since = app.classroom.lab.as_ref().map_or(0, |l| l.tx_at_pause);
        let sent = app.panel(Role::TcpClient).view().store.counters.tx_msgs;
        let sends = sent.saturating_sub(since);
        fl!(
            l,
            "lab-stream-result",
            sends = sends,
            reads = reads,
            bytes = bytes
        )
    };
    ui.label(RichText::new(text).strong().color(NOTE_AMBER));
}

/// The recv() calls after the server's last resume, and their bytes (None: no resume yet,
/// or nothing read since).
fn reads_since_resume(t: &Timeline) -> Option<(u64, u64)> {
    let at = t.steps.iter().rposition(|s| *s == Step::RecvResumed)?;
    let (calls, bytes) = t.steps[at..].iter().fold((0, 0), |(c, b), s| match s {
        Step::Recv { calls, bytes, .. } => (c + calls, b + bytes),
        _ => (c, b),
    });
    (calls > 0).then_some((calls, bytes))
}
