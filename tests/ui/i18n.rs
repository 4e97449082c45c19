//! The tabs in 简体中文: the buttons, field labels, log and send box come from the Chinese
//! table, address errors are translated, and the status line follows the language.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::i18n::Lang;
use socket_tester::net::Role;
use socket_tester::ui::{App, ConnState};
use support::*;

fn chinese_app(tab: Role) -> Option<App> {
    if !socket_tester::ui::install_cjk_font(&egui::Context::default()) {
        eprintln!("skipped: no CJK font on this machine (install fonts-noto-cjk)");
        return None;
    }
    let mut app = App::new(None, None);
    app.classroom.set_lang(Lang::Zh);
    app.tab = tab;
    Some(app)
}

#[test]
fn udp_receiver_tab_is_in_chinese_and_binds() {
    let Some(mut app) = chinese_app(Role::UdpReceiver) else {
        return;
    };
    app.panel_mut(Role::UdpReceiver).settings.port = "0".into();
    let mut h = harness(app);
    settle(&mut h);
    for label in [
        "绑定",
        "端口",
        "绑定主机",
        "编码",
        "日志",
        "筛选",
        "发送",
        "消息",
        "清空",
    ] {
        assert!(h.query_by_label(label).is_some(), "no label {label}");
    }
    for english in ["Bind", "Port", "Bind host", "Send", "Filter"] {
        assert!(
            h.query_by_label(english).is_none(),
            "still English: {english}"
        );
    }
    assert!(h.query_by_label_contains("关于套接字").is_some());
    // The Send button says why it is disabled, in Chinese.
    assert!(is_disabled(&h, "发送"));
    h.get_by_label("绑定").click();
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpReceiver).st.state == ConnState::Bound
    });
    assert!(h.query_by_label("已绑定").is_some());
    assert!(h.query_by_label("解除绑定").is_some());
    h.get_by_label("解除绑定").click();
    wait_for(&mut h, "stopped", |a| {
        !a.panel(Role::UdpReceiver).is_running()
    });
}

#[test]
fn address_errors_are_translated() {
    let Some(app) = chinese_app(Role::TcpClient) else {
        return;
    };
    let mut h = harness(app);
    settle(&mut h);
    assert!(h.query_by_label("连接").is_some());
    assert!(h.query_by_label("服务器主机").is_some());
    set_field(&mut h, "端口", "80x");
    assert!(h.query_by_label_contains("不是端口").is_some());
    assert!(is_disabled(&h, "连接"));
    set_field(&mut h, "端口", "70000");
    assert!(h.query_by_label_contains("超出范围").is_some());
    set_field(&mut h, "端口", "7891");
    set_field(&mut h, "服务器主机", "1.2.3.999");
    assert!(h.query_by_label_contains("不是有效的 IPv4 地址").is_some());
}

#[test]
fn tcp_server_tab_is_in_chinese() {
    let Some(app) = chinese_app(Role::TcpServer) else {
        return;
    };
    let mut h = harness(app);
    settle(&mut h);
    for label in [
        "监听",
        "监听主机",
        "端口",
        "客户端",
        "还没有客户端",
        "停止监听（保留客户端）",
    ] {
        assert!(h.query_by_label(label).is_some(), "no label {label}");
    }
}

#[test]
fn tool_panels_are_in_chinese() {
    let Some(app) = chinese_app(Role::UdpReceiver) else {
        return;
    };
    let mut h = harness(app);
    settle(&mut h);
    for label in ["工具", "已存消息", "自动发送", "自动回复", "速率图", "广播"] {
        assert!(h.query_by_label(label).is_some(), "no label {label}");
    }
    h.get_by_label("自动回复").click();
    settle(&mut h);
    assert!(h.query_by_label("添加规则").is_some());
    h.get_by_label("添加规则").click();
    settle(&mut h);
    assert!(h.query_by_label("规则 1").is_some());
    assert!(h.query_by_label("条件").is_some());
    h.get_by_label("自动发送").click();
    settle(&mut h);
    assert!(h.query_by_label("开始自动发送").is_some());
    assert!(is_disabled(&h, "开始自动发送"));
}
