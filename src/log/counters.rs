//! Byte and message counters, in and out, per session and per TCP client.
use crate::net::{Event, EventKind};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Counters {
    pub rx_bytes: u64,
    pub rx_msgs: u64,
    pub tx_bytes: u64,
    pub tx_msgs: u64,
}

impl Counters {
    pub fn apply(&mut self, ev: &Event) {
        match &ev.kind {
            EventKind::Rx(d) => {
                self.rx_bytes += d.len() as u64;
                self.rx_msgs += 1;
            }
            EventKind::Tx(d) => {
                self.tx_bytes += d.len() as u64;
                self.tx_msgs += 1;
            }
            _ => {}
        }
    }
}
