//! The window in 简体中文 shows no English words: every tab with each of its tools, the
//! Network panel, the timeline, the TCP diagram, the Learn window, the menus, the log with
//! a row of every engine event, live sessions on loopback and the recovery offer. The
//! test walks the accessibility tree (labels, values, descriptions, hints), splits the
//! text into words and allows only what is not English: API and protocol names, encoding
//! labels, hex, addresses, numbers and units.

use crate::support::ui as support;
use crate::support::zh;

use egui_kittest::kittest::Queryable;
use socket_tester::i18n::Lang;
use socket_tester::net::sockopts::{SockReport, Val};
use socket_tester::net::tls::{CertInfo, CertSource, TlsFile, TlsInfo, TlsProblem};
use socket_tester::net::{CloseReason, ClosedBy, ErrorKind, Event, EventKind, ResetReason, Role};
use socket_tester::ui::{App, ConnState, Tool};
use std::collections::BTreeSet;
use std::net::IpAddr;
use support::*;
use zh::*;

fn ev(role: Role, kind: EventKind) -> Event {
    Event {
        ts_us: 1_000_000,
        role,
        local: Some("127.0.0.1:40000".parse().unwrap()),
        peer: Some("127.0.0.1:7891".parse().unwrap()),
        client: if role == Role::TcpServer {
            Some(1)
        } else {
            None
        },
        kind,
        opcode: None,
    }
}

/// A finished handshake as the TCP client sees it.
fn tls_info() -> TlsInfo {
    TlsInfo {
        version: "TLSv1.3".into(),
        cipher: "TLS13_AES_256_GCM_SHA384".into(),
        alpn: Some("h2".into()),
        peer_cert: Some(CertInfo {
            subject: "CN=localhost".into(),
            issuer: "CN=localhost".into(),
            not_before: "2026-12-05T00:00:00Z".into(),
            not_after: "4096-01-01T00:00:00Z".into(),
            sha256: "AB:CD:EF".into(),
            names: vec!["localhost".into()],
        }),
        unverified: true,
    }
}

/// One of every non-data engine event, as the log shows them.
fn every_event(role: Role) -> Vec<Event> {
    use EventKind as K;
    let g: IpAddr = "239.1.2.3".parse().unwrap();
    let closes = [
        CloseReason::PeerFin,
        CloseReason::BothFin,
        CloseReason::LocalClose,
        CloseReason::ServerStopped,
        CloseReason::Kicked,
        CloseReason::ConnectCancelled,
        CloseReason::ServerEnded { clients: 1 },
        CloseReason::SocketClosed,
        CloseReason::InternalError,
        CloseReason::Unknown,
    ];
    let resets = [
        ResetReason::PeerReset,
        ResetReason::Aborted,
        ResetReason::BrokenPipe,
        ResetReason::Unknown,
        ResetReason::ResetHere,
    ];
    let errors = [
        ErrorKind::AddrInUse,
        ErrorKind::AddrNotAvailable,
        ErrorKind::PermissionDenied,
        ErrorKind::Refused,
        ErrorKind::TimedOut,
        ErrorKind::HostNotFound,
        ErrorKind::Unreachable,
        ErrorKind::Reset,
        ErrorKind::BadAddress,
        ErrorKind::BadPayload,
        ErrorKind::NotConnected,
        ErrorKind::MessageTooLong,
        ErrorKind::Internal,
        ErrorKind::Io,
    ];
    let mut kinds = vec![
        K::Bound,
        K::Listening { backlog: 128 },
        K::Connecting,
        K::Connected,
        K::Accepted,
        K::Refused { limit: 1, total: 3 },
        K::KernelDrops { total: 1234 },
        K::PeerFinHalfOpen,
        K::FinSent,
        K::Unsent { messages: 1 },
        K::StoppedListening { clients: 2 },
        K::NotApplicable,
        K::BroadcastOn,
        K::Destination {
            to: "127.0.0.1:7891".into(),
        },
        K::MulticastJoined {
            group: g,
            interface: Some("127.0.0.1".parse().unwrap()),
            index: 0,
        },
        K::MulticastOptions {
            group: g,
            interface: None,
            index: 0,
            ttl: 1,
            loopback: true,
        },
        K::FileStarted {
            name: "测试.jsonl".into(),
            bytes: 1000,
            chunk: 512,
            delay_ms: 5,
        },
        K::FileStarted {
            name: "测试.jsonl".into(),
            bytes: 1000,
            chunk: 512,
            delay_ms: 0,
        },
        K::FileSent {
            bytes: 1000,
            chunks: 2,
            micros: 1_500_000,
        },
        K::FileCancelled {
            sent: 512,
            total: 1000,
        },
        K::NoFileBeingSent,
        K::TlsOnPlainPort,
        K::SocketOptions(Box::new(SockReport {
            rcvbuf: Some(Val {
                asked: Some(100_000),
                actual: 200_000,
            }),
            sndbuf: Some(Val {
                asked: Some(1000),
                actual: 4608,
            }),
            ttl: Some(Val {
                asked: None,
                actual: 64,
            }),
            ipv6: true,
            keepalive: Some(true),
            keepalive_idle_s: Some(Val {
                asked: Some(7),
                actual: 7,
            }),
            keepalive_interval_s: None,
            keepalive_count: None,
        })),
        K::TlsReady(Box::new(tls_info())),
        K::TlsServerCert {
            cert: Box::new(tls_info().peer_cert.unwrap()),
            source: CertSource::Generated {
                path: "/home/lab/socket-tester/tls-cert.pem".into(),
            },
        },
        K::Closed {
            by: ClosedBy::Local,
            reason: CloseReason::TlsFailed,
        },
    ];
    kinds.extend(
        [
            TlsProblem::UnknownIssuer,
            TlsProblem::Expired,
            TlsProblem::NotYetValid,
            TlsProblem::NameMismatch {
                name: "localhost".into(),
            },
            TlsProblem::ClientCertRequired,
            TlsProblem::NoClientCert,
            TlsProblem::Alert {
                alert: "handshake_failure".into(),
            },
            TlsProblem::NotTls,
            TlsProblem::ClosedInHandshake,
            TlsProblem::HandshakeTimeout { secs: 5 },
            TlsProblem::File {
                file: TlsFile::Key,
                path: "/home/lab/key.pem".into(),
                why: "1".into(),
            },
        ]
        .into_iter()
        .map(K::TlsFailed),
    );
    kinds.extend(closes.into_iter().map(|reason| K::Closed {
        by: ClosedBy::Local,
        reason,
    }));
    kinds.extend(resets.into_iter().map(|reason| K::Reset { reason }));
    kinds.extend(errors.into_iter().map(|kind| K::Error {
        kind,
        detail: "cannot connect to 127.0.0.1:9: Connection refused (os error 111)".into(),
    }));
    kinds.into_iter().map(|k| ev(role, k)).collect()
}

#[test]
fn every_tab_tool_and_panel_is_chinese() {
    let Some(mut app) = chinese_app() else {
        return;
    };
    // The Learn window would cover buttons this test clicks; menus_are_chinese has it.
    app.classroom.settings.learn = false;
    for role in Role::ALL {
        let store = &mut app.panel_mut(role).view().store;
        for e in every_event(role) {
            store.push(e);
        }
    }
    let mut h = harness(app);
    settle(&mut h);
    for role in Role::ALL {
        h.state_mut().tab = role;
        settle(&mut h);
        assert_no_english(&h, &format!("{role:?}"));
        for tool in [
            Tool::Payloads,
            Tool::AutoSend,
            Tool::File,
            Tool::Rules,
            Tool::Senders,
            Tool::Rates,
            Tool::Expect,
            Tool::Sequence,
            Tool::Roster,
        ] {
            h.state_mut().panel_mut(role).settings.kit.tool = tool;
            settle(&mut h);
            assert_no_english(&h, &format!("{role:?} with {tool:?}"));
        }
        // A rule and a saved payload, so their rows show too.
        h.state_mut().panel_mut(role).settings.kit.tool = Tool::Rules;
        settle(&mut h);
        h.get_by_label("添加规则").click();
        settle(&mut h);
        assert_no_english(&h, &format!("{role:?} with a rule"));
        h.state_mut().panel_mut(role).settings.kit.tool = Tool::None;
    }
}

#[test]
fn menus_are_chinese() {
    let Some(app) = chinese_app() else {
        return;
    };
    let mut h = harness(app);
    settle(&mut h);
    for menu in ["视图", "语言 (Language)", "实验", "⚙ 设置"] {
        h.get_by_label(menu).click();
        settle(&mut h);
        assert_no_english(&h, menu);
        h.key_press(egui::Key::Escape);
        settle(&mut h);
    }
    h.get_by_label("备注…").click();
    settle(&mut h);
    assert_no_english(&h, "the note menu");
}

#[test]
fn the_tls_and_socket_option_menus_are_chinese() {
    let Some(mut app) = chinese_app() else {
        return;
    };
    // The Learn window would cover the menu's button.
    app.classroom.settings.learn = false;
    let mut h = harness(app);
    settle(&mut h);
    // The TLS menu of both TCP tabs, every field shown, with a bad file named and the
    // accept-any warning in the status line.
    for role in [Role::TcpClient, Role::TcpServer] {
        h.state_mut().tab = role;
        {
            let t = &mut h.state_mut().panel_mut(role).settings.tls;
            t.on = true;
            t.ca = "/no/such/ca.pem".into();
        }
        settle(&mut h);
        h.get_by_label("TLS：请检查各项 ▾").click();
        settle(&mut h);
        assert!(h.query_by_label("文件不存在").is_some());
        assert_no_english(&h, &format!("the TLS menu of {role:?}"));
        h.key_press(egui::Key::Escape);
        settle(&mut h);
    }
    h.state_mut().tab = Role::TcpClient;
    h.state_mut()
        .panel_mut(Role::TcpClient)
        .settings
        .tls
        .insecure = true;
    settle(&mut h);
    h.get_by_label("⚠ TLS：接受任何证书 ▾").click();
    settle(&mut h);
    assert!(
        h.query_by_label("⚠ 接受任何证书").is_some(),
        "the status line warns"
    );
    assert_no_english(&h, "accepting any certificate");
    h.key_press(egui::Key::Escape);
    settle(&mut h);
    // Socket options, with keep-alive (TCP) and a bad field.
    h.state_mut()
        .panel_mut(Role::TcpClient)
        .settings
        .sockopts
        .keepalive = true;
    h.state_mut()
        .panel_mut(Role::TcpClient)
        .settings
        .sockopts
        .ttl = "0".into();
    settle(&mut h);
    h.get_by_label("套接字选项：请检查各项 ▾").click();
    settle(&mut h);
    assert!(h.query_by_label("1 到 255 的整数").is_some());
    assert_no_english(&h, "the socket options menu");
}

#[test]
fn live_sessions_are_chinese() {
    let Some(mut app) = chinese_app() else {
        return;
    };
    app.classroom.settings.learn = false;
    for role in [Role::UdpReceiver, Role::TcpServer] {
        app.panel_mut(role).settings.port = "0".into();
    }
    let mut h = harness(app);
    settle(&mut h);
    // A UDP receiver and a sender that sends it a datagram.
    h.state_mut().tab = Role::UdpReceiver;
    settle(&mut h);
    h.get_by_label("绑定").click();
    wait_for(&mut h, "bound", |a| {
        a.panel(Role::UdpReceiver).st.state == ConnState::Bound
    });
    let port = h.state().panel(Role::UdpReceiver).st.local.unwrap().port();
    h.state_mut().tab = Role::UdpSender;
    {
        let s = &mut h.state_mut().panel_mut(Role::UdpSender).settings;
        s.host = "127.0.0.1".into();
        s.port = port.to_string();
    }
    settle(&mut h);
    h.get_by_label("绑定").click();
    wait_for(&mut h, "sender bound", |a| {
        a.panel(Role::UdpSender).st.state == ConnState::Bound
    });
    h.get_by_label("发送").click();
    wait_for(&mut h, "datagram", |a| {
        a.panel(Role::UdpReceiver).view().store.len() >= 2
    });
    assert_no_english(&h, "UDP sender bound");
    h.state_mut().tab = Role::UdpReceiver;
    settle(&mut h);
    assert_no_english(&h, "UDP receiver with a datagram");

    // A TCP server, a client that connects, sends and disconnects.
    h.state_mut().tab = Role::TcpServer;
    settle(&mut h);
    h.get_by_label("监听").click();
    wait_for(&mut h, "listening", |a| {
        a.panel(Role::TcpServer).st.state == ConnState::Listening
    });
    let port = h.state().panel(Role::TcpServer).st.local.unwrap().port();
    h.state_mut().tab = Role::TcpClient;
    {
        let s = &mut h.state_mut().panel_mut(Role::TcpClient).settings;
        s.host = "127.0.0.1".into();
        s.port = port.to_string();
    }
    settle(&mut h);
    h.get_by_label("连接").click();
    wait_for(&mut h, "connected", |a| {
        a.panel(Role::TcpClient).st.state == ConnState::Connected
    });
    h.get_by_label("发送").click();
    settle(&mut h);
    assert_no_english(&h, "TCP client connected");
    h.state_mut().tab = Role::TcpServer;
    settle(&mut h);
    assert_no_english(&h, "TCP server with a client");
    h.state_mut().tab = Role::TcpClient;
    settle(&mut h);
    h.get_by_label("断开").click();
    wait_for(&mut h, "closed", |a| !a.panel(Role::TcpClient).is_running());
    assert_no_english(&h, "TCP client closed");
    h.state_mut().tab = Role::TcpServer;
    settle(&mut h);
    assert_no_english(&h, "TCP server after the client left");
    h.get_by_label("停止").click();
    wait_for(&mut h, "server stopped", |a| {
        !a.panel(Role::TcpServer).is_running()
    });
    assert_no_english(&h, "TCP server stopped");

    // A connection nobody accepts: the error line.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    h.state_mut().tab = Role::TcpClient;
    h.state_mut().panel_mut(Role::TcpClient).settings.port = port.to_string();
    settle(&mut h);
    h.get_by_label("连接").click();
    wait_for(&mut h, "refused", |a| {
        matches!(a.panel(Role::TcpClient).st.state, ConnState::Error(_))
    });
    assert_no_english(&h, "TCP client refused");
    for role in [Role::UdpSender, Role::UdpReceiver] {
        h.state_mut().panel_mut(role).stop();
    }
}

#[test]
fn recovery_offer_is_chinese() {
    if chinese_app().is_none() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let orphan = dir
        .path()
        .join(format!("spool-{}-tcp-client-1.jsonl", u32::MAX));
    let line = r#"{"ts":"2026-11-25T17:32:34.562986Z","session":"tcp-client","event":"rx","local":"127.0.0.1:38592","peer":"127.0.0.1:17891","len":2,"hex":"6869","text":"hi","encoding":"utf-8"}"#;
    std::fs::write(&orphan, format!("{line}\n{line}\n")).unwrap();
    let mut app = App::new(None, None).with_data_dir(dir.path());
    app.classroom.set_lang(Lang::Zh);
    let mut h = harness(app);
    wait_for(&mut h, "offer", |a| {
        a.recovery.items.first().is_some_and(|o| o.events.is_some())
    });
    assert_no_english(&h, "the recovery offer");
}

#[test]
fn the_word_splitter_finds_english_and_spares_the_rest() {
    let names = BTreeSet::new();
    let none = Vec::<String>::new();
    assert_eq!(
        english_words("closed locally: the server stopped", &names).len(),
        5
    );
    assert_eq!(english_words("发 4 字节 / 3 条", &names), none);
    assert_eq!(
        english_words("connect() 到 127.0.0.1:7891:已发送 SYN…", &names),
        none
    );
    assert_eq!(
        english_words("组播到 ff02::1 经由 [::1]:80 0D 0A KiB/s", &names),
        none
    );
    assert_eq!(
        english_words("socket(AF_INET, SOCK_DGRAM) (Ctrl+S)", &names),
        none
    );
    assert_eq!(english_words("保存中 saving…", &names), vec!["saving"]);
    assert_eq!(english_words("关闭 close 了", &names), vec!["close"]);
}
