//! The binary as the issue's user ran it (issue 24): `tcp-client --tls --ca cert.pem
//! --headless` against `openssl s_server` serving the certificate `openssl req -x509`
//! makes (CA:TRUE). Trusted as its own CA file it connects; another file, or a wrong
//! `--pin`, is refused in words, never in Debug text (`Other(OtherError(…))`).

use crate::support::tls::*;
use std::process::{Command, Output};

fn client(port: u16, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_socket-tester"))
        .args(["tcp-client", "--connect", &format!("127.0.0.1:{port}")])
        .args(["--tls", "--headless", "--duration", "2s"])
        .args(args)
        .output()
        .expect("start socket-tester")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn assert_no_debug_text(t: &str) {
    for debug in [
        "Other(",
        "OtherError",
        "CaUsedAsEndEntity",
        "InvalidCertificate",
    ] {
        assert!(!t.contains(debug), "{debug} in:\n{t}");
    }
}

#[test]
fn the_issues_certificate_connects_and_the_wrong_ones_are_refused_in_words() {
    if !have_openssl() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let served = device_cert(dir.path(), "cert", &[]);
    let other = device_cert(dir.path(), "other", &[]);
    let srv = SServer::start(&served);

    let ok = client(srv.port, &["--ca", s(&served.cert), "--send", "hello"]);
    let t = text(&ok);
    assert!(t.contains("TLS ready"), "{t}");
    assert_eq!(ok.status.code(), Some(0), "{t}");

    let bad = client(srv.port, &["--ca", s(&other.cert)]);
    let t = text(&bad);
    assert_ne!(bad.status.code(), Some(0), "{t}");
    assert!(t.contains("unknown issuer"), "{t}");
    assert_no_debug_text(&t);
    // The refused certificate is shown, with the fingerprint to pin.
    let served_fp = fingerprint(&served.cert);
    assert!(t.contains(&format!("SHA-256 {served_fp}")), "{t}");

    let (right, wrong) = (fingerprint(&served.cert), fingerprint(&other.cert));
    let pinned = client(srv.port, &["--pin", &format!("sha256:{right}")]);
    let t = text(&pinned);
    assert!(t.contains("TLS ready"), "{t}");
    assert_eq!(pinned.status.code(), Some(0), "{t}");

    let wrong_pin = client(srv.port, &["--pin", &wrong.replace(':', "").to_lowercase()]);
    let t = text(&wrong_pin);
    assert_ne!(wrong_pin.status.code(), Some(0), "{t}");
    assert!(t.contains("not the pinned one"), "{t}");
    assert!(t.contains(&right) && t.contains(&wrong), "{t}");
    assert_no_debug_text(&t);
}

#[test]
fn a_pin_that_is_not_one_or_beside_ca_exits_2() {
    let hex = "ab".repeat(32);
    for args in [
        vec!["--pin", "sha256:abcd"],
        vec!["--pin", "md5:00"],
        vec!["--pin", &hex, "--ca", "x.pem"],
        vec!["--pin", &hex, "--insecure"],
    ] {
        let out = client(9, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
    }
    let out = client(9, &["--pin", "sha256:abcd"]);
    assert!(text(&out).contains("4 hex digits"), "{}", text(&out));
}
