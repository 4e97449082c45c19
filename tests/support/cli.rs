//! Running the built binary from a test: its command, a child whose stdout lines come
//! through a channel (read on a thread of their own, so a test can wait with a timeout),
//! and the port a headless session printed.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The socket-tester binary of this build.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_socket-tester"))
}

/// Starts the binary with `args`; returns the child and a channel of its stdout lines.
pub fn spawn(args: &[&str]) -> (Child, mpsc::Receiver<String>) {
    spawn_cmd(bin(), args)
}

/// [`spawn`] with a command already set up (an environment variable, say).
pub fn spawn_cmd(mut cmd: Command, args: &[&str]) -> (Child, mpsc::Receiver<String>) {
    let mut child = cmd
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start socket-tester");
    let out = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

/// The port in the first stdout line containing `needle` ("… local=127.0.0.1:PORT"),
/// waiting at most 10 s for each line.
pub fn port_from(rx: &mpsc::Receiver<String>, needle: &str) -> u16 {
    loop {
        let l = rx
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|e| panic!("no {needle:?} line: {e}"));
        if l.contains(needle) {
            let at = l.find("local=").expect("local= in line") + "local=".len();
            let addr: std::net::SocketAddr =
                l[at..].split_whitespace().next().unwrap().parse().unwrap();
            return addr.port();
        }
    }
}
