//! WebSocket frames as bytes (RFC 6455 5.2), for what shows a connection's traffic after
//! the fact (the pcapng export): one frame per message or control frame, masked when the
//! client sent it, so a dissector reads the same protocol the wire carried.

use super::{Opcode, WsEvent};
use crate::net::ClosedBy;

/// One frame: FIN set, `opcode` (1 text, 2 binary, 8 close, 9 ping, 10 pong), masked
/// with `mask` when given.
pub fn frame(opcode: u8, payload: &[u8], mask: Option<[u8; 4]>) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 14);
    out.push(0x80 | (opcode & 0x0f));
    let m = if mask.is_some() { 0x80 } else { 0 };
    match payload.len() {
        n if n < 126 => out.push(m | n as u8),
        n if n <= 0xffff => {
            out.push(m | 126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(m | 127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    match mask {
        Some(k) => {
            out.extend_from_slice(&k);
            out.extend(payload.iter().enumerate().map(|(i, b)| b ^ k[i % 4]));
        }
        None => out.extend_from_slice(payload),
    }
    out
}

/// A data message's frame.
pub fn message(op: Opcode, payload: &[u8], mask: Option<[u8; 4]>) -> Vec<u8> {
    let code = match op {
        Opcode::Text => 1,
        Opcode::Binary => 2,
    };
    frame(code, payload, mask)
}

/// The control frames an event put on the TCP stream, and whether this side sent each:
/// (sent by this side, bytes). The opening handshake is not among them (the export
/// notes it instead: see `log::pcap`).
/// `closing`: this side had already sent its close frame (a peer's close is then the
/// answer; otherwise this side answered it with the same code).
pub fn of_event(
    ev: &WsEvent,
    is_client: bool,
    closing: bool,
    mask: [u8; 4],
) -> Vec<(bool, Vec<u8>)> {
    // Frames from the client are masked.
    let masked = |local: bool| (local == is_client).then_some(mask);
    match ev {
        WsEvent::Close { by, code, reason } => {
            let local = *by == ClosedBy::Local;
            let mut p = Vec::new();
            if let Some(c) = code {
                p.extend_from_slice(&c.to_be_bytes());
                p.extend_from_slice(reason.as_bytes());
            }
            let mut v = vec![(local, frame(8, &p, masked(local)))];
            if !local && !closing {
                v.push((true, frame(8, &p, masked(true))));
            }
            v
        }
        WsEvent::PingSent { len } => vec![(true, frame(9, &vec![0; *len], masked(true)))],
        WsEvent::Ping { len } => vec![
            (false, frame(9, &vec![0; *len], masked(false))),
            (true, frame(10, &vec![0; *len], masked(true))),
        ],
        WsEvent::Pong { .. } => vec![(false, frame(10, &[0; 8], masked(false)))],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_masks() {
        assert_eq!(frame(1, b"hi", None), b"\x81\x02hi");
        let f = frame(2, &[0u8; 300], Some([1, 2, 3, 4]));
        assert_eq!(&f[..4], &[0x82, 0xfe, 0x01, 0x2c]);
        assert_eq!(&f[4..8], &[1, 2, 3, 4]);
        assert_eq!(&f[8..12], &[1, 2, 3, 4]);
        assert_eq!(frame(2, &vec![0u8; 70000], None)[1], 127);
    }
}
