//! A synthesised TCP flow's FINs, each when it happened: a half-close (one side's
//! shutdown, a relay carrying a FIN) writes that side's FIN and the other's ACK at once;
//! the close writes whichever FINs are left, the closer's first.

use super::{Flags, FlowKey, Pcap};
use std::io::{self, Write};

impl Pcap {
    /// A FIN from A (`from_a`) or B, with the other side's ACK, unless that side has sent
    /// its FIN already: the packets written.
    pub(super) fn fin<W: Write>(
        &mut self,
        out: &mut W,
        ts: i64,
        key: &FlowKey,
        from_a: bool,
    ) -> io::Result<u64> {
        let side = usize::from(!from_a);
        let Some(f) = self.flows.get(key).filter(|f| !f.closed && !f.fin[side]) else {
            return Ok(0);
        };
        let (src, dst, seq, ack) = if from_a {
            (f.a, f.b, f.seq_a, f.seq_b)
        } else {
            (f.b, f.a, f.seq_b, f.seq_a)
        };
        self.tcp(out, ts, src, dst, seq, ack, Flags::FinAck, &[])?;
        self.tcp(out, ts, dst, src, ack, seq.wrapping_add(1), Flags::Ack, &[])?;
        if let Some(f) = self.flows.get_mut(key) {
            f.fin[side] = true;
            // The FIN takes a sequence number: what follows from the other side acks it.
            if from_a {
                f.seq_a = seq.wrapping_add(1);
            } else {
                f.seq_b = seq.wrapping_add(1);
            }
        }
        Ok(2)
    }
}
