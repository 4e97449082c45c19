//! `ws_ingest`: 64 KiB binary WebSocket messages from a tungstenite server (blocking, on
//! its own thread, unmasked as a server sends) into a TCP client's runtime speaking
//! WebSocket, recorded (the spool on), until the view has every byte and the spool has it
//! on disk; against `tcp_ingest` (the same bytes as a raw TCP stream, recorded) back to
//! back in each round. The messages carry the same printable bytes as `tcp_ingest`'s
//! stream, so the ratio is what the frames cost.

use super::{runtime, tcp_engine};
use socket_tester::net::ws::WsOptions;
use socket_tester::net::{Role, SessionConfig};
use std::net::TcpListener;
use std::time::{Duration, Instant};

const MESSAGE: usize = 64 * 1024;

fn ws_server_stream(total: u64) -> (std::net::SocketAddr, std::thread::JoinHandle<()>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    let h = std::thread::spawn(move || {
        let (s, _) = l.accept().unwrap();
        let _ = s.set_nodelay(true);
        let Ok(mut ws) = tungstenite::accept(s) else {
            return;
        };
        let chunk: Vec<u8> = (0..MESSAGE as u32).map(|i| b'a' + (i % 26) as u8).collect();
        let chunk = tungstenite::Bytes::from(chunk);
        let mut left = total;
        while left > 0 {
            let n = left.min(MESSAGE as u64) as usize;
            let m = tungstenite::Message::Binary(chunk.slice(..n));
            if ws.write(m).is_err() {
                return;
            }
            left -= n as u64;
        }
        let _ = ws.flush();
        // Until the client hangs up (its runtime is shut down).
        let _ = ws.read();
    });
    (addr, h)
}

/// MiB/s of message payload into the view and the spool.
fn ws_engine(total: u64, dir: &std::path::Path) -> f64 {
    let (addr, h) = ws_server_stream(total);
    let t = Instant::now();
    let mut cfg = SessionConfig::new(Role::TcpClient, addr.to_string());
    cfg.ws = Some(WsOptions {
        host: addr.to_string(),
        ..WsOptions::default()
    });
    let mut rt = runtime(cfg, Some(dir));
    let limit = t + Duration::from_secs(240);
    while rt.view().store.counters.rx_bytes < total && Instant::now() < limit {
        std::thread::sleep(Duration::from_millis(2));
    }
    assert!((rt.syncer(Duration::from_secs(60)))());
    let el = t.elapsed().as_secs_f64();
    assert_eq!(rt.view().store.counters.rx_bytes, total);
    assert_eq!(rt.view().store.counters.rx_msgs, total / MESSAGE as u64);
    rt.shutdown();
    let _ = h.join();
    total as f64 / el / (1 << 20) as f64
}

/// The `ws` group: `rounds` pairs, reported as `ws_ingest` against `tcp_ingest`.
pub fn figures(dir: &std::path::Path, rounds: usize) {
    let total: u64 = 256 << 20;
    let (mut plain, mut ws) = (vec![], vec![]);
    for _ in 0..rounds {
        plain.push(tcp_engine(total, dir, true).0);
        ws.push(ws_engine(total, dir));
    }
    super::report_rounds("ws_ingest", &ws, &plain, "MiB/s", "MiB/s(tcp_ingest)");
}
