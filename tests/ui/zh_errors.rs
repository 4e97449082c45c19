//! Issue 13 ("The Chinese UI is mixed with English"): in 简体中文 the send box's errors
//! (bad hex, a bad escape, an unknown variable, a character GBK cannot write) and a bad
//! preset's error are Chinese, still name the position or the line, and switch language
//! with the window. The real window, driven with kittest; English words are found by the
//! checker of `ui_zh_words.rs`.

use crate::support::ui as support;
use crate::support::zh;

use egui_kittest::Harness;
use socket_tester::codec::Encoding;
use socket_tester::i18n::Lang;
use socket_tester::net::Role;
use socket_tester::ui::{App, AppCommand};
use std::collections::BTreeSet;
use support::*;
use zh::*;

/// The one text on screen containing `needle`; fails if it has English words.
fn chinese_text(h: &Harness<'_, App>, needle: &str) -> String {
    let found: Vec<String> = texts(h)
        .into_iter()
        .filter(|t| t.contains(needle))
        .collect();
    let Some(t) = found.first() else {
        panic!(
            "no text contains {needle:?}; the window shows:\n{:#?}",
            texts(h)
        );
    };
    let words = english_words(t, &BTreeSet::new());
    assert!(words.is_empty(), "English {words:?} in {t:?}");
    t.clone()
}

/// Puts `text` in the UDP sender's message box by typing it.
fn type_message(h: &mut Harness<'_, App>, text: &str) {
    set_field(h, "消息", text);
}

fn sender_app() -> Option<Harness<'static, App>> {
    let mut app = chinese_app()?;
    app.classroom.settings.learn = false;
    app.tab = Role::UdpSender;
    let mut h = harness(app);
    settle(&mut h);
    Some(h)
}

fn send_options(h: &mut Harness<'_, App>, hex: bool, escapes: bool, variables: bool) {
    let s = &mut h.state_mut().panel_mut(Role::UdpSender).settings.send;
    s.hex = hex;
    s.escapes = escapes;
    s.variables = variables;
    settle(h);
}

#[test]
fn send_box_errors_are_chinese_and_name_the_position() {
    let Some(mut h) = sender_app() else {
        return;
    };
    // Bad hex: an odd number of digits in the group ending at column 4.
    send_options(&mut h, true, false, false);
    type_message(&mut h, "48 6");
    let t = chinese_text(&h, "第 4 列");
    assert!(t.contains("十六进制") && t.contains("“6”"), "{t}");
    assert!(is_disabled(&h, "发送"));
    // The words follow the window's language (worded when drawn, not when typed).
    h.state_mut().classroom.set_lang(Lang::En);
    settle(&mut h);
    assert!(
        texts(&h)
            .iter()
            .any(|t| t.starts_with("hex: column 4: odd number"))
    );
    h.state_mut().classroom.set_lang(Lang::Zh);
    settle(&mut h);
    chinese_text(&h, "第 4 列");
    assert_no_english(&h, "bad hex");

    // A bad hex digit on the second line.
    type_message(&mut h, "41\n4G");
    let t = chinese_text(&h, "第 2 行第 2 列");
    assert!(t.contains("“G”不是十六进制数字"), "{t}");

    // An unknown escape at the third character.
    send_options(&mut h, false, true, false);
    type_message(&mut h, r"ab\q");
    let t = chinese_text(&h, "第 3 个字符");
    assert!(t.contains("无法识别的转义 \\q"), "{t}");
    assert_no_english(&h, "bad escape");

    // An unknown variable, with Variables on.
    send_options(&mut h, false, false, true);
    type_message(&mut h, "ab{序号}");
    let t = chinese_text(&h, "第 4 个字符");
    assert!(
        t.starts_with("变量：") && t.contains("未知变量 {序号}"),
        "{t}"
    );
    assert_no_english(&h, "unknown variable");

    // A character GBK cannot write.
    send_options(&mut h, false, false, false);
    h.state_mut()
        .panel_mut(Role::UdpSender)
        .set_encoding(Encoding::GBK);
    type_message(&mut h, "ab한");
    let t = chinese_text(&h, "第 3 个字符");
    assert!(t.contains("“한”（U+D55C）无法用 GBK"), "{t}");
    assert!(is_disabled(&h, "发送"));
    assert_no_english(&h, "unencodable in GBK");
}

#[test]
fn a_bad_preset_is_refused_in_chinese_naming_the_line() {
    let Some(mut h) = sender_app() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lab1.toml");
    let cases = [
        (
            "tab = \"udp-send\"\n\n[udp_receiver]\nport = \"99999\"\n",
            "第 4 行",
            "端口 99999 超出范围",
        ),
        (
            "tab = \"udp-send\"\n[tcp_server]\nhost = \"127.0.0.1\"\nbacklog = \"0\"\n",
            "第 4 行",
            "1 到 65535",
        ),
    ];
    for (text, line, why) in cases {
        std::fs::write(&path, text).unwrap();
        let ctx = h.ctx.clone();
        h.state_mut()
            .apply(AppCommand::OpenPreset(path.clone()), &ctx);
        settle(&mut h);
        let (notice, err) = h.state().classroom.notice.clone().unwrap();
        assert!(err, "{notice}");
        assert!(notice.starts_with("预设未载入："), "{notice}");
        assert!(notice.contains(line) && notice.contains(why), "{notice}");
        let t = chinese_text(&h, why);
        assert_eq!(t, notice);
        assert_no_english(&h, "a bad preset");
    }
}
