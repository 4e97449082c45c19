//! The framing picker's length field (issue item 5) in the real window: "Length field in a
//! header" shows offset, width, byte order and adjustment, a bad adjustment is said under
//! the picker, and "Modbus/TCP (MBAP)" fills them in. The TCP Server then shows two
//! requests a std::net client wrote at once as two rows, and one request written in two
//! pieces as one row.

use crate::support::ui as support;

use egui_kittest::kittest::Queryable;
use socket_tester::codec::Framing;
use socket_tester::net::{EventKind, Role};
use socket_tester::ui::{App, ConnState};
use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;
use support::*;

fn rx_rows(a: &App) -> Vec<Vec<u8>> {
    a.panel(Role::TcpServer)
        .view()
        .store
        .iter()
        .filter_map(|e| match &e.event.kind {
            EventKind::Rx(d) => Some(d.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn the_mbap_preset_frames_modbus_requests() {
    let mut app = english();
    {
        let s = &mut app.panel_mut(Role::TcpServer).settings;
        s.host = "127.0.0.1".into();
        s.port = "0".into();
    }
    let mut h = harness(app);
    open_tab(&mut h, Role::TcpServer);
    h.get_by_label("Framing").click();
    settle(&mut h);
    h.get_by_label("Length field in a header").click();
    settle(&mut h);
    set_field(&mut h, "Adjust", "six");
    assert!(
        h.query_by_label("adjust: a whole number such as -2, 0 or 6")
            .is_some()
    );
    h.get_by_label("Modbus/TCP (MBAP)").click();
    settle(&mut h);
    let form = &h.state().panel(Role::TcpServer).settings.framing;
    assert_eq!(form.framing(), Ok(Framing::mbap()));
    assert!(
        h.query_by_label("adjust: a whole number such as -2, 0 or 6")
            .is_none()
    );

    h.get_by_label("Listen").click();
    wait_for(&mut h, "listening", |a| {
        a.panel(Role::TcpServer).st.state == ConnState::Listening
    });
    let port = h.state().panel(Role::TcpServer).st.local.unwrap().port();
    let mut c = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let req = |tid: u8, addr: u8| [0, tid, 0, 0, 0, 6, 1, 3, 0, addr, 0, 2];
    let mut two = req(1, 0).to_vec();
    two.extend_from_slice(&req(2, 16));
    c.write_all(&two).unwrap();
    wait_for(&mut h, "two rows", |a| rx_rows(a).len() == 2);
    let third = req(3, 32);
    c.write_all(&third[..5]).unwrap();
    c.flush().unwrap();
    std::thread::sleep(Duration::from_millis(200));
    settle(&mut h);
    assert_eq!(rx_rows(h.state()).len(), 2, "half a request is not a row");
    c.write_all(&third[5..]).unwrap();
    wait_for(&mut h, "the third row", |a| rx_rows(a).len() == 3);
    assert_eq!(
        rx_rows(h.state()),
        vec![req(1, 0).to_vec(), req(2, 16).to_vec(), third.to_vec()]
    );
}

/// `tcp-server --framing mbap` opens the window with the tab's picker set to it.
#[test]
fn a_launch_with_framing_sets_the_picker() {
    let launch = socket_tester::launch::Launch {
        config: socket_tester::net::SessionConfig::new(Role::TcpServer, "127.0.0.1:0"),
        auto: Default::default(),
        record: None,
        hex: false,
        framing: Some(Framing::mbap()),
        check: None,
        duration: None,
        print: Default::default(),
    };
    let mut h = harness(App::new(None, Some(launch)));
    wait_for(&mut h, "listening", |a| {
        a.panel(Role::TcpServer).st.state == ConnState::Listening
    });
    let form = &h.state().panel(Role::TcpServer).settings.framing;
    assert_eq!(form.framing(), Ok(Framing::mbap()));
    assert!(h.query_by_label("Modbus/TCP (MBAP)").is_some());
}
