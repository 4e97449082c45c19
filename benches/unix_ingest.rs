//! The `unix` group's peer: a std unix stream server streaming the same printable text as
//! the TCP one, at a path in the bench's temp folder.

use std::io::Write;
use std::os::unix::net::UnixListener;

/// A server at a fresh path that sends `total` bytes to the first client; its address
/// as the TCP Client takes it (`unix:/path`) and its thread.
pub fn server_stream(total: u64, dir: &std::path::Path) -> (String, std::thread::JoinHandle<()>) {
    static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(format!("ingest-{n}.sock"));
    let l = UnixListener::bind(&path).unwrap();
    let h = std::thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        let chunk: Vec<u8> = (0..65536u32).map(|i| b'a' + (i % 26) as u8).collect();
        let mut left = total;
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            if s.write_all(&chunk[..n]).is_err() {
                return;
            }
            left -= n as u64;
        }
    });
    (format!("unix:{}", path.display()), h)
}
