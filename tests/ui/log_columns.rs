//! The log's Data column keeps at least 40 % of the log's width (egui_kittest): on the TCP
//! Server tab beside its client list at 1024 and 1280 px, with the Network panel and the
//! TCP diagram open, and in both panes of the TCP loopback lab (real sockets on 127.0.0.1,
//! OS-assigned port); and nothing in the send box runs under the diagram or off the window.

use crate::support::ui as support;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use socket_tester::i18n::Lang;
use socket_tester::net::Role;
use socket_tester::ui::{App, ConnState};
use support::*;

fn app() -> App {
    let mut app = App::new(None, None);
    app.classroom.set_lang(Lang::En);
    app
}

fn sized(app: App, w: f32, h: f32) -> Harness<'static, App> {
    Harness::builder()
        .with_size(egui::vec2(w, h))
        .build_ui_state(|ui, app: &mut App| app.frame(ui), app)
}

/// Lefts of every node with exactly this label, left to right.
fn lefts(h: &Harness<'static, App>, label: &str) -> Vec<f32> {
    let mut v: Vec<f32> = h
        .query_all_by_label(label)
        .map(|n| n.rect().min.x)
        .collect();
    v.sort_by(f32::total_cmp);
    v
}

/// Data's share of a log running from `left` to `right`.
fn data_share(data_left: f32, left: f32, right: f32) -> f32 {
    (right - data_left) / (right - left)
}

fn assert_share(what: &str, data_left: f32, left: f32, right: f32) {
    let share = data_share(data_left, left, right);
    assert!(
        share >= 0.4 - 0.005,
        "{what}: Data has {:.1} % of the log ({left}..{right}, Data from {data_left})",
        share * 100.0
    );
}

#[test]
fn data_keeps_its_share_beside_the_client_list_and_the_classroom_panels() {
    for (w, hgt) in [(1024.0, 600.0), (1280.0, 800.0)] {
        for (network, diagram) in [(false, false), (true, false), (false, true), (true, true)] {
            let mut a = app();
            a.tab = Role::TcpServer;
            a.classroom.settings.network_panel = network;
            a.classroom.settings.tcp_diagram = diagram;
            let mut h = sized(a, w, hgt);
            settle(&mut h);
            settle(&mut h);
            let what = format!("{w}x{hgt} network {network} diagram {diagram}");
            let left = lefts(&h, "Time")[0];
            let right = lefts(&h, "Clients")[0];
            let data = lefts(&h, "Data (text)")[0];
            assert!(left < data && data < right, "{what}: {left} {data} {right}");
            assert_share(&what, data, left, right);
            // Nothing in the send box runs under the diagram or off the window.
            let edge = if diagram {
                lefts(&h, "TCP diagram")[0]
            } else {
                w
            };
            for label in ["Send", "History"] {
                let r = h.get_by_label(label).rect();
                assert!(
                    r.max.x <= edge,
                    "{what}: {label} ends at {} past {edge}",
                    r.max.x
                );
            }
        }
    }
}

#[test]
fn data_keeps_its_share_in_both_panes_of_the_tcp_lab() {
    for (w, hgt) in [(1024.0, 600.0), (1280.0, 800.0)] {
        let mut a = app();
        socket_tester::ui::start_lab(&mut a, true);
        let mut h = sized(a, w, hgt);
        wait_for(&mut h, "the lab connected", |a| {
            a.panel(Role::TcpClient).st.state == ConnState::Connected
        });
        settle(&mut h);
        let times = lefts(&h, "Time");
        let datas = lefts(&h, "Data (text)");
        assert_eq!((times.len(), datas.len()), (2, 2), "two panes");
        // The client's log ends where the server's pane begins; the server's where its
        // client list begins.
        let server_left = lefts(&h, "TCP Server")
            .into_iter()
            .find(|&x| x > times[0] + 100.0)
            .expect("the server pane's title");
        let clients = lefts(&h, "Clients")[0];
        assert_share(
            &format!("{w}: client pane"),
            datas[0],
            times[0],
            server_left,
        );
        assert_share(&format!("{w}: server pane"), datas[1], times[1], clients);

        // At 1024 the server's pane is too narrow for Len (its rows' tooltip carries it:
        // see the unit test in src/ui/log_view.rs).
        if w < 1100.0 {
            assert!(
                h.query_all_by_label("Len").count() < 2,
                "a narrow pane drops Len"
            );
        }
    }
}

/// How wide `text` is in the window's body font.
fn body_width(h: &Harness<'static, App>, text: &str) -> f32 {
    let font = egui::TextStyle::Body.resolve(&h.ctx.global_style());
    h.ctx.fonts_mut(|f| {
        f.layout_no_wrap(text.to_string(), font, egui::Color32::WHITE)
            .size()
            .x
    })
}

#[test]
fn the_peer_column_shows_the_whole_ip_and_port_at_1024_and_1280() {
    for host in ["127.0.0.1", "::1"] {
        for (w, hgt) in [(1024.0, 600.0), (1280.0, 800.0)] {
            for simple in [true, false] {
                let mut a = app();
                a.tab = Role::TcpServer;
                a.classroom.settings.simple = Some(simple);
                let mut h = sized(a, w, hgt);
                settle(&mut h);
                set_field(&mut h, "Listen host", host);
                set_field(&mut h, "Port", "0");
                h.get_by_label("Listen").click();
                wait_for(&mut h, "listening", |a| {
                    a.panel(Role::TcpServer).st.state == ConnState::Listening
                });
                let server = a_local(&h);
                let mut c = std::net::TcpStream::connect(server).unwrap();
                std::io::Write::write_all(&mut c, b"hi").unwrap();
                wait_for(&mut h, "2 bytes", |a| {
                    a.panel(Role::TcpServer).view().store.counters.rx_bytes == 2
                });
                settle(&mut h);
                let peer = format!("#1 {}", c.local_addr().unwrap());
                let what = format!("{host} {w}x{hgt} simple {simple}: {peer}");
                let need = body_width(&h, &peer);
                let cells: Vec<_> = h.query_all_by_label(&peer).map(|n| n.rect()).collect();
                assert!(cells.len() >= 2, "{what}: the accept and the read rows");
                for r in &cells {
                    assert!(
                        r.width() >= need - 0.5,
                        "{what}: the cell is {} wide, the text {need}",
                        r.width()
                    );
                }
                // The next column starts after the whole peer.
                let next = lefts(&h, "Len")
                    .into_iter()
                    .chain(lefts(&h, "Data (text)"))
                    .filter(|&x| x > cells[0].min.x)
                    .fold(f32::INFINITY, f32::min);
                assert!(cells[0].max.x <= next, "{what}: runs into the next column");
                // Data keeps its 40 %.
                let left = lefts(&h, "Time")[0];
                let right = lefts(&h, "Clients")[0];
                assert_share(&what, lefts(&h, "Data (text)")[0], left, right);
            }
        }
    }
}

fn a_local(h: &Harness<'static, App>) -> std::net::SocketAddr {
    h.state()
        .panel(Role::TcpServer)
        .st
        .local
        .expect("a listening server knows its address")
}
