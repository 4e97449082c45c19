//! The status line shows the counts the workers report: clients refused by the TCP server's
//! limit, and datagrams the kernel dropped before a UDP socket could read them.

use crate::support::ui as ui_support;

use egui_kittest::kittest::Queryable;
use socket_tester::net::{Command, EventKind, Role, SessionConfig};
use socket_tester::ui::App;
use std::net::TcpStream;
use std::time::{Duration, Instant};
use ui_support::*;

#[test]
fn refused_clients_are_counted_in_the_status_line() {
    let mut app = App::new(None, None);
    app.tab = Role::TcpServer;
    let mut h = harness(app);
    settle(&mut h);
    // A real server with a limit of one client, its events fed to the tab's store.
    let mut cfg = SessionConfig::new(Role::TcpServer, "127.0.0.1:0");
    cfg.max_clients = 1;
    let mut server = socket_tester::net::Session::start(cfg, None);
    let addr = server
        .events()
        .recv_timeout(Duration::from_secs(5))
        .unwrap()
        .local
        .unwrap();
    let _kept = TcpStream::connect(addr).unwrap();
    let _a = TcpStream::connect(addr).unwrap();
    let _b = TcpStream::connect(addr).unwrap();
    let end = Instant::now() + Duration::from_secs(10);
    let mut refused = 0;
    while refused < 2 && Instant::now() < end {
        if let Ok(ev) = server.events().recv_timeout(Duration::from_millis(100)) {
            if matches!(ev.kind, EventKind::Refused { .. }) {
                refused += 1;
            }
            h.state_mut()
                .panel_mut(Role::TcpServer)
                .view()
                .store
                .push(ev);
        }
    }
    assert_eq!(refused, 2);
    settle(&mut h);
    assert!(
        h.query_by_label("refused: 2").is_some(),
        "no refusal count shown"
    );
    server.send(Command::Stop);
    server.stop_and_join();
}

#[test]
fn kernel_drops_are_shown_when_reported() {
    use socket_tester::net::Event;
    let mut app = App::new(None, None);
    app.tab = Role::UdpReceiver;
    app.panel_mut(Role::UdpReceiver).view().store.push(Event {
        ts_us: 1,
        role: Role::UdpReceiver,
        local: None,
        peer: None,
        client: None,
        kind: EventKind::KernelDrops { total: 1234 },
        opcode: None,
    });
    let mut h = harness(app);
    settle(&mut h);
    assert!(h.query_by_label("kernel dropped: 1,234").is_some());
}

#[test]
fn engine_rows_are_shown_in_the_window_language() {
    use socket_tester::i18n::{Lang, describe_in};
    use socket_tester::net::Event;
    let ev = Event {
        ts_us: 1,
        role: Role::UdpReceiver,
        local: None,
        peer: None,
        client: None,
        kind: EventKind::KernelDrops { total: 77 },
        opcode: None,
    };
    let zh = describe_in(Lang::Zh, &ev);
    let en = socket_tester::i18n::english(&ev);
    assert!(zh.contains("77") && zh != en, "{zh}");
    let mut app = App::new(None, None);
    app.classroom.set_lang(Lang::Zh);
    app.tab = Role::UdpReceiver;
    app.panel_mut(Role::UdpReceiver).view().store.push(ev);
    let mut h = harness(app);
    settle(&mut h);
    assert!(h.query_by_label(&zh).is_some(), "the row reads {zh}");
    assert!(
        h.query_by_label(&en).is_none(),
        "not the English record text"
    );
}
