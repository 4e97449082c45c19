//! The log's share of the tab's height on a projector (egui_kittest, the real window): in
//! simple mode, in 简体中文 on the TCP Server and the UDP Receiver, the log gets at least
//! 60 % of the tab at 1024×600 and at zoom 125 % and 150 % (the same layout in 1024/1.25 ×
//! 600/1.25 and 1024/1.5 × 600/1.5 points); in full mode, with a tool panel open, at
//! least 8 datagrams of a real UDP flow on 127.0.0.1 are in view. Simple mode shows no
//! English word.

use crate::support::ui as support;
use crate::support::zh;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use socket_tester::i18n::Lang;
use socket_tester::net::Role;
use socket_tester::ui::App;
use support::*;

fn sized(app: App, w: f32, h: f32) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(w, h))
        .build_ui_state(|ui, app: &mut App| app.frame(ui), app)
}

/// The top of the only node whose label is `label` (or the first that contains it).
fn top(h: &Harness<'static, App>, label: &str) -> f32 {
    if let Some(n) = h.query_by_label(label) {
        return n.rect().min.y;
    }
    h.query_all_by_label_contains(label)
        .map(|n| n.rect().min.y)
        .fold(f32::NAN, f32::min)
}

/// The log's share of the tab: from the log's toolbar to the send box, against from the
/// tab's first line to the socket-calls strip under it.
fn log_share(h: &Harness<'static, App>, words: &Words) -> f32 {
    let tab_top = top(h, words.about);
    let tab_bottom = top(h, words.strip);
    let log_top = top(h, words.log);
    let log_bottom = top(h, words.send);
    assert!(
        tab_top < log_top && log_top < log_bottom && log_bottom < tab_bottom,
        "layout: tab {tab_top}..{tab_bottom}, log {log_top}..{log_bottom}"
    );
    (log_bottom - log_top) / (tab_bottom - tab_top)
}

struct Words {
    about: &'static str,
    strip: &'static str,
    log: &'static str,
    send: &'static str,
}

const ZH: Words = Words {
    about: "关于套接字",
    strip: "套接字调用",
    log: "日志",
    send: "发出",
};

#[test]
fn simple_mode_gives_the_log_sixty_percent_on_a_projector_in_chinese() {
    for role in [Role::TcpServer, Role::UdpReceiver] {
        for zoom in [1.0_f32, 1.25, 1.5] {
            let Some(mut app) = zh::chinese_app() else {
                return;
            };
            // The classroom's panels that take width, not height, as a first start has them.
            app.classroom.settings.network_panel = false;
            app.classroom.settings.learn = false;
            app.classroom.settings.simple = Some(true);
            app.tab = role;
            let mut h = sized(app, 1024.0 / zoom, 600.0 / zoom);
            settle(&mut h);
            zh::assert_no_english(&h, "simple mode");
            let share = log_share(&h, &ZH);
            assert!(
                share >= 0.6,
                "{role:?} at {:.0} %: the log has {:.1} % of the tab",
                zoom * 100.0,
                share * 100.0
            );
        }
    }
}

#[test]
fn full_mode_with_a_tool_open_still_shows_eight_rows() {
    let mut app = App::new(None, None);
    app.classroom.set_lang(Lang::En);
    assert_eq!(app.classroom.settings.simple, Some(false), "off in English");
    let mut h = sized(app, 1024.0, 600.0);
    let at = bind_udp_receiver(&mut h);
    h.get_by_label("Auto-reply").click();
    settle(&mut h);
    let s = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    for i in 0..40 {
        s.send_to(format!("row {i:02}").as_bytes(), at).unwrap();
    }
    wait_for(&mut h, "40 datagrams", |a| {
        a.panel(Role::UdpReceiver).view().store.counters.rx_msgs >= 40
    });
    settle(&mut h);
    let shown = h.query_all_by_label_contains("row ").count();
    assert!(
        shown >= 8,
        "{shown} rows in view with the Auto-reply panel open"
    );
}

#[test]
fn simple_mode_is_on_at_a_first_start_in_chinese_and_stays_as_chosen() {
    use socket_tester::ui::ClassroomSettings;
    let first = |lang| {
        let s = ClassroomSettings {
            lang: Some(lang),
            ..Default::default()
        };
        socket_tester::ui::Classroom::new(s).settings.simple
    };
    assert_eq!(first(Lang::Zh), Some(true));
    assert_eq!(first(Lang::En), Some(false));
    // Chosen once, it stays when the language changes.
    let mut c = socket_tester::ui::Classroom::new(ClassroomSettings {
        lang: Some(Lang::En),
        ..Default::default()
    });
    c.set_lang(Lang::Zh);
    assert_eq!(c.settings.simple, Some(false));
}

/// The Relay tab on a projector, in 简体中文 simple mode with its faults open (as it
/// starts): the settings over the log scroll within half of the tab, so the log (from its
/// toolbar to the status line) keeps at least 40 % at 100 %, 125 % and 150 %.
#[test]
fn the_relay_tab_keeps_its_log_on_a_projector_with_the_faults_open() {
    for zoom in [1.0_f32, 1.25, 1.5] {
        let Some(mut app) = zh::chinese_app() else {
            return;
        };
        app.classroom.settings.network_panel = false;
        app.classroom.settings.learn = false;
        app.classroom.settings.simple = Some(true);
        app.tab = Role::Relay;
        let mut h = sized(app, 1024.0 / zoom, 600.0 / zoom);
        settle(&mut h);
        assert!(
            h.state().panel(Role::Relay).settings.relay.faults_open,
            "the faults start open"
        );
        let tab_top = top(&h, "关于套接字");
        let log_top = top(&h, "日志");
        let status = top(&h, "自清除以来");
        assert!(
            tab_top < log_top && log_top < status,
            "{tab_top} {log_top} {status}"
        );
        let share = (status - log_top) / (status - tab_top);
        assert!(
            share >= 0.4,
            "at {:.0} %: the log has {:.1} % of the tab",
            zoom * 100.0,
            share * 100.0
        );
    }
}
