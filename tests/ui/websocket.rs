//! WebSocket in the window (egui_kittest, the real UI), in English and 简体中文: the
//! Protocol menu on both TCP tabs. The server listens for upgrades on a listed path,
//! Python's `websockets` client and the app's own TCP Client (WebSocket chosen in its
//! menu) send to it; each message is one row with its opcode, and the client list shows
//! the client's path. In Chinese a bad header is named under its field and keeps Connect
//! off.

use crate::support::ui as support;
use crate::support::ws::WsPy;

use egui_kittest::kittest::Queryable;
use socket_tester::i18n::Lang;
use socket_tester::net::Role;
use socket_tester::net::ws::Opcode;
use socket_tester::ui::{App, ConnState};
use support::*;

fn row_with(app: &App, role: Role, text: &str, op: Opcode) -> bool {
    let store = &app.panel(role).view().store;
    store
        .iter()
        .any(|e| e.text == text && e.event.opcode == Some(op))
}

/// Chooses WebSocket in the tab's Protocol menu (its button says `label`).
fn choose_websocket(h: &mut egui_kittest::Harness<'_, App>, label: &str, ws: &str) {
    h.get_by_label(label).click();
    settle(h);
    h.get_by_label(ws).click();
    settle(h);
}

#[test]
fn websocket_through_the_protocol_menu() {
    if !crate::support::ws::have_websockets() {
        return;
    }
    let mut h = harness(english());
    open_tab(&mut h, Role::TcpServer);
    set_field(&mut h, "Listen host", "127.0.0.1");
    set_field(&mut h, "Port", "0");
    choose_websocket(&mut h, "Protocol: TCP ▾", "WebSocket");
    set_field(
        &mut h,
        "Only these paths (comma-separated; empty: any)",
        "/chat",
    );
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    assert!(h.query_by_label("Protocol: WebSocket ▾").is_some());
    // Above the log: a row is one message here, not one recv() of a byte stream.
    assert!(
        h.query_by_label_contains("One row = one WebSocket message")
            .is_some()
    );
    assert!(h.query_by_label_contains("One row = one recv()").is_none());
    h.get_by_label("Listen").click();
    wait_for(&mut h, "listening", |a| {
        a.panel(Role::TcpServer).st.state == ConnState::Listening
    });
    let port = h.state().panel(Role::TcpServer).st.local.unwrap().port();

    // Python's client: its message is one text row, its path in the client list.
    let url = format!("ws://127.0.0.1:{port}/chat?room=7");
    let Some(mut py) = WsPy::client(&url, None, "text,binary,close") else {
        return;
    };
    wait_for(&mut h, "the text row", |a| {
        row_with(a, Role::TcpServer, "hello 你好", Opcode::Text)
    });
    wait_for(&mut h, "the binary row", |a| {
        a.panel(Role::TcpServer)
            .view()
            .store
            .iter()
            .any(|e| e.event.opcode == Some(Opcode::Binary))
    });
    assert_eq!(py.until("CLOSED"), "CLOSED 4001 bye");
    assert!(h.query_by_label("Opcode").is_some(), "the opcode column");
    assert!(
        h.query_by_label_contains("WebSocket /chat?room=7 (-)")
            .is_some(),
        "the client list shows the path"
    );

    // The app's own client, WebSocket chosen in its menu, to the same server.
    open_tab(&mut h, Role::TcpClient);
    set_field(&mut h, "Server host", "127.0.0.1");
    set_field(&mut h, "Port", &port.to_string());
    choose_websocket(&mut h, "Protocol: TCP ▾", "WebSocket");
    set_field(&mut h, "Path (and query)", "/chat");
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    h.get_by_label("Connect").click();
    wait_for(&mut h, "connected", |a| {
        a.panel(Role::TcpClient).st.state == ConnState::Connected
    });
    set_field(&mut h, "Message", "from the window");
    h.get_by_label("Send").click();
    wait_for(&mut h, "the server's row", |a| {
        row_with(a, Role::TcpServer, "from the window", Opcode::Text)
    });
    wait_for(&mut h, "the client's tx row", |a| {
        row_with(a, Role::TcpClient, "from the window", Opcode::Text)
    });
    h.get_by_label("Disconnect").click();
    wait_for(&mut h, "closed", |a| !a.panel(Role::TcpClient).is_running());
}

#[test]
fn the_protocol_menu_in_chinese_names_a_bad_header() {
    if !socket_tester::ui::install_cjk_font(&egui::Context::default()) {
        eprintln!("skipped: no CJK font on this machine (install fonts-noto-cjk)");
        return;
    }
    let mut app = App::new(None, None);
    app.classroom.set_lang(Lang::Zh);
    app.tab = Role::TcpClient;
    let mut h = harness(app);
    settle(&mut h);
    choose_websocket(&mut h, "协议: TCP ▾", "WebSocket");
    assert!(h.query_by_label("原始 TCP").is_some());
    set_field(&mut h, "附加请求头（名称: 值，每行一个）", "bad header");
    assert!(
        h.query_by_label_contains("第 1 行：请写成 名称: 值")
            .is_some(),
        "the problem under the field, in Chinese"
    );
    // Three bad fields: three reasons at once, not one after each fix.
    set_field(&mut h, "路径（及查询串）", "chat room");
    set_field(&mut h, "单条消息上限（字节，或 64K、1M）", "100M");
    assert!(
        h.query_by_label_contains("第 1 行：请写成 名称: 值")
            .is_some()
    );
    assert!(
        h.query_by_label_contains("路径以 / 开头，且不能有空格")
            .is_some(),
        "the path's reason"
    );
    assert!(
        h.query_by_label_contains("大小应在 1 字节到").is_some(),
        "the size's reason"
    );
    set_field(&mut h, "路径（及查询串）", "/chat");
    set_field(&mut h, "单条消息上限（字节，或 64K、1M）", "64K");
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    assert!(h.query_by_label("协议: 请检查字段 ▾").is_some());
    assert!(is_disabled(&h, "连接"));
    // Fixed: WebSocket, and Connect can be pressed.
    h.get_by_label("协议: 请检查字段 ▾").click();
    settle(&mut h);
    set_field(
        &mut h,
        "附加请求头（名称: 值，每行一个）",
        "X-Class: 三年二班",
    );
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    assert!(h.query_by_label("协议: WebSocket ▾").is_some());
    assert!(!is_disabled(&h, "连接"));
}
