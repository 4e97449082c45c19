//! pcapng from a session's events, for Wireshark: UDP datagrams as they were, TCP with a
//! synthesised handshake, data segments with real sequence numbers, and the teardown (FIN
//! or RST from the side that sent it); a TLS connection's data is marked decrypted. The
//! export (`super::export`) writes it from a record; [`PcapWriter`] as events happen
//! (`--record FILE.pcapng`, into a file or a FIFO that Wireshark reads live).

use super::record::Record;
use crate::net::{ClosedBy, Event, EventKind, Role};
use std::collections::HashMap;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// Largest TCP payload put in one synthesised segment (IPv4 total length is 16 bits).
const MAX_SEGMENT: usize = 32 * 1024;

/// Per TCP connection: who is the client (A) and server (B), and next sequence numbers.
struct TcpFlow {
    a: SocketAddr,
    b: SocketAddr,
    seq_a: u32,
    seq_b: u32,
    closed: bool,
    /// TLS: the comment each data packet carries (its bytes are decrypted plaintext).
    tls: Option<String>,
    /// The comment of the next data packet only (a WebSocket handshake).
    note: Option<String>,
    /// WebSocket: a close frame has gone one way.
    ws_closing: bool,
    /// A (the client) and B have sent their FIN.
    fin: [bool; 2],
}

/// A TCP flow: the role, the server's client id, the peer (server side).
type FlowKey = (String, Option<u64>, Option<String>);

/// The masking key of the client's WebSocket frames in the export (RFC 6455's example):
/// the real keys are not recorded, and any key gives the same unmasked payload.
const WS_MASK: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

#[derive(Default)]
pub(super) struct Pcap {
    started: bool,
    flows: HashMap<FlowKey, TcpFlow>,
    /// The comment for the next packet written.
    comment: Option<String>,
    /// Unix ends already named in a Name Resolution Block.
    named: std::collections::HashSet<SocketAddr>,
    /// A relay session's legs (its events become each leg's packets).
    relay: super::relay_pcap::RelayLegs,
}

/// Makes the two ends of a packet the same family (IPv4-mapped IPv6 when they differ) and
/// replaces an unspecified local address (a socket bound to 0.0.0.0) with loopback or the peer's family.
fn fix_addrs(local: Option<SocketAddr>, peer: SocketAddr) -> (SocketAddr, SocketAddr) {
    let mut local = local.unwrap_or_else(|| SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), 0));
    if local.ip().is_unspecified() {
        let ip: IpAddr = match peer.ip() {
            IpAddr::V4(p) if p.is_loopback() => Ipv4Addr::LOCALHOST.into(),
            IpAddr::V6(p) if p.is_loopback() => Ipv6Addr::LOCALHOST.into(),
            IpAddr::V4(_) => Ipv4Addr::UNSPECIFIED.into(),
            IpAddr::V6(_) => Ipv6Addr::UNSPECIFIED.into(),
        };
        local.set_ip(ip);
    }
    let to6 = |a: SocketAddr| match a.ip() {
        IpAddr::V4(v4) => SocketAddr::new(v4.to_ipv6_mapped().into(), a.port()),
        IpAddr::V6(_) => a,
    };
    if local.is_ipv4() != peer.is_ipv4() {
        (to6(local), to6(peer))
    } else {
        (local, peer)
    }
}

fn ip_builder(
    src: SocketAddr,
    dst: SocketAddr,
) -> etherparse::PacketBuilderStep<etherparse::IpHeaders> {
    match (src.ip(), dst.ip()) {
        (IpAddr::V4(s), IpAddr::V4(d)) => {
            etherparse::PacketBuilder::ipv4(s.octets(), d.octets(), 64)
        }
        (s, d) => {
            let v6 = |ip: IpAddr| match ip {
                IpAddr::V4(v4) => v4.to_ipv6_mapped().octets(),
                IpAddr::V6(v6) => v6.octets(),
            };
            etherparse::PacketBuilder::ipv6(v6(s), v6(d), 64)
        }
    }
}

#[path = "pcap_fin.rs"]
mod fin;

#[derive(Clone, Copy)]
enum Flags {
    Syn,
    SynAck,
    Ack,
    PshAck,
    FinAck,
    Rst,
}

impl Pcap {
    fn packet<W: Write>(&mut self, out: &mut W, ts_us: i64, data: Vec<u8>) -> io::Result<()> {
        use pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketBlock;
        let block = EnhancedPacketBlock {
            interface_id: 0,
            timestamp: std::time::Duration::from_micros(ts_us.max(0) as u64),
            original_len: data.len() as u32,
            data: std::borrow::Cow::Owned(data),
            options: self
                .comment
                .take()
                .map(|c| {
                    pcap_file::pcapng::blocks::enhanced_packet::EnhancedPacketOption::Comment(
                        c.into(),
                    )
                })
                .into_iter()
                .collect(),
        };
        write_block(out, pcap_file::pcapng::Block::EnhancedPacket(block))
    }

    fn udp<W: Write>(
        &mut self,
        out: &mut W,
        ts: i64,
        src: SocketAddr,
        dst: SocketAddr,
        payload: &[u8],
    ) -> io::Result<u64> {
        let b = ip_builder(src, dst).udp(src.port(), dst.port());
        let mut v = Vec::with_capacity(b.size(payload.len()));
        b.write(&mut v, payload).map_err(io::Error::other)?;
        self.packet(out, ts, v)?;
        Ok(1)
    }

    #[allow(clippy::too_many_arguments)]
    fn tcp<W: Write>(
        &mut self,
        out: &mut W,
        ts: i64,
        src: SocketAddr,
        dst: SocketAddr,
        seq: u32,
        ack: u32,
        flags: Flags,
        payload: &[u8],
    ) -> io::Result<()> {
        let mut b = ip_builder(src, dst).tcp(src.port(), dst.port(), seq, 65535);
        b = match flags {
            Flags::Syn => b.syn(),
            Flags::SynAck => b.syn().ack(ack),
            Flags::Ack => b.ack(ack),
            Flags::PshAck => b.psh().ack(ack),
            Flags::FinAck => b.fin().ack(ack),
            Flags::Rst => b.rst().ack(ack),
        };
        let mut v = Vec::with_capacity(b.size(payload.len()));
        b.write(&mut v, payload).map_err(io::Error::other)?;
        self.packet(out, ts, v)
    }

    /// Data on a TCP flow, in segments with their sequence numbers.
    fn segments<W: Write>(
        &mut self,
        out: &mut W,
        ev: &Event,
        key: &FlowKey,
        from_a: bool,
        d: &[u8],
        packets: &mut u64,
    ) -> io::Result<()> {
        let Some((a, b)) = self.flow(out, ev, key.clone(), packets)? else {
            return Ok(());
        };
        let tls = self.flows.get(key).and_then(|f| f.tls.clone());
        let mut note = self.flows.get_mut(key).and_then(|f| f.note.take());
        for chunk in d.chunks(MAX_SEGMENT) {
            let (seq, ack) = match self.flows.get(key) {
                Some(f) if from_a => (f.seq_a, f.seq_b),
                Some(f) => (f.seq_b, f.seq_a),
                None => break,
            };
            let (src, dst) = if from_a { (a, b) } else { (b, a) };
            self.comment = match note.take() {
                Some(n) => Some(tls.as_ref().map_or(n.clone(), |t| format!("{t}\n{n}"))),
                None => tls.clone(),
            };
            self.tcp(out, ev.ts_us, src, dst, seq, ack, Flags::PshAck, chunk)?;
            *packets += 1;
            if let Some(f) = self.flows.get_mut(key) {
                if from_a {
                    f.seq_a = f.seq_a.wrapping_add(chunk.len() as u32);
                } else {
                    f.seq_b = f.seq_b.wrapping_add(chunk.len() as u32);
                }
            }
        }
        Ok(())
    }

    /// The flow for a TCP event, with a synthesised handshake when it is new.
    fn flow<W: Write>(
        &mut self,
        out: &mut W,
        ev: &Event,
        key: FlowKey,
        packets: &mut u64,
    ) -> io::Result<Option<(SocketAddr, SocketAddr)>> {
        let Some(peer) = ev.peer else { return Ok(None) };
        if let Some(f) = self.flows.get(&key)
            && !f.closed
        {
            return Ok(Some((f.a, f.b)));
        }
        let (local, peer) = fix_addrs(ev.local, peer);
        // The client (A) opens the connection: us for tcp-client, the peer for tcp-server.
        let (a, b) = if ev.role == Role::TcpClient {
            (local, peer)
        } else {
            (peer, local)
        };
        let (isn_a, isn_b) = (1_000u32, 50_000u32);
        let ts = ev.ts_us;
        self.tcp(out, ts, a, b, isn_a, 0, Flags::Syn, &[])?;
        self.tcp(out, ts, b, a, isn_b, isn_a + 1, Flags::SynAck, &[])?;
        self.tcp(out, ts, a, b, isn_a + 1, isn_b + 1, Flags::Ack, &[])?;
        *packets += 3;
        self.flows.insert(
            key,
            TcpFlow {
                a,
                b,
                seq_a: isn_a + 1,
                seq_b: isn_b + 1,
                closed: false,
                tls: None,
                note: None,
                ws_closing: false,
                fin: [false; 2],
            },
        );
        Ok(Some((a, b)))
    }
}

/// A section of its own that says `comment` (pcapng's only mark a reader shows for a whole
/// file: `capinfos` lists it as a capture comment): what a record cut by a full disk ends
/// with.
pub fn comment_section(comment: &str) -> io::Result<Vec<u8>> {
    use pcap_file::pcapng::blocks::section_header::{SectionHeaderBlock, SectionHeaderOption};
    let shb = SectionHeaderBlock {
        endianness: pcap_file::Endianness::Little,
        options: vec![SectionHeaderOption::Comment(comment.into())],
        ..Default::default()
    };
    let mut out = Vec::new();
    write_block(&mut out, pcap_file::pcapng::Block::SectionHeader(shb))?;
    Ok(out)
}

fn write_block<W: Write>(out: &mut W, block: pcap_file::pcapng::Block<'_>) -> io::Result<()> {
    block
        .write_to::<byteorder_slice::LittleEndian, _>(out)
        .map(|_| ())
}

impl Pcap {
    /// The section header and the one interface (raw IP).
    pub(super) fn begin<W: Write>(&mut self, out: &mut W) -> io::Result<()> {
        use pcap_file::pcapng::blocks::interface_description::{
            InterfaceDescriptionBlock, InterfaceDescriptionOption,
        };
        use pcap_file::pcapng::blocks::section_header::SectionHeaderBlock;
        let shb = SectionHeaderBlock {
            endianness: pcap_file::Endianness::Little,
            ..Default::default()
        };
        write_block(out, pcap_file::pcapng::Block::SectionHeader(shb))?;
        let idb = InterfaceDescriptionBlock {
            linktype: pcap_file::DataLink::RAW,
            snaplen: 0,
            options: vec![
                InterfaceDescriptionOption::IfName("socket-tester".into()),
                InterfaceDescriptionOption::IfTsResol(9),
            ],
        };
        write_block(out, pcap_file::pcapng::Block::InterfaceDescription(idb))?;
        self.started = true;
        Ok(())
    }

    /// A record read back (the export): as the event it was made from.
    pub(super) fn record<W: Write>(&mut self, out: &mut W, rec: &Record) -> io::Result<u64> {
        match rec.to_event() {
            Some(ev) => self.event(out, &ev),
            None => Ok(0),
        }
    }

    /// A unix end's stand-in address (see [`crate::net::unix_name`]) the first time it
    /// appears: a Name Resolution Block giving it its name (`unix:/path`), which Wireshark
    /// and `tshark -N n` show instead of the address.
    fn name_unix_ends<W: Write>(&mut self, out: &mut W, ev: &Event) -> io::Result<()> {
        use pcap_file::pcapng::blocks::name_resolution::{
            Ipv6Record, NameResolutionBlock, Record as NameRecord,
        };
        for a in [ev.local, ev.peer].into_iter().flatten() {
            let (SocketAddr::V6(v6), Some(name)) = (a, crate::net::unix_name::name_of(&a)) else {
                continue;
            };
            if self.named.len() >= 65_536 || !self.named.insert(a) {
                continue;
            }
            let record = NameRecord::Ipv6(Ipv6Record {
                ip_addr: v6.ip().octets().to_vec().into(),
                names: vec![name.to_string().into()],
            });
            let block = NameResolutionBlock {
                records: vec![record],
                options: vec![],
            };
            write_block(out, pcap_file::pcapng::Block::NameResolution(block))?;
        }
        Ok(())
    }

    /// Writes the packets of one event; returns how many.
    pub(super) fn event<W: Write>(&mut self, out: &mut W, ev: &Event) -> io::Result<u64> {
        if ev.role == Role::Relay {
            // A relay's event is packets on its two legs, each a TCP (UDP) conversation.
            let mut n = 0;
            for leg in self.relay.legs(ev) {
                n += self.event(out, &leg)?;
            }
            return Ok(n);
        }
        let mut packets = 0;
        if ev.kind.data().is_some() || matches!(ev.kind, EventKind::Connected | EventKind::Accepted)
        {
            self.name_unix_ends(out, ev)?;
        }
        if !ev.role.is_tcp() {
            let (Some(data), Some(peer)) = (ev.kind.data(), ev.peer) else {
                return Ok(0);
            };
            let (local, peer) = fix_addrs(ev.local, peer);
            return match ev.kind {
                EventKind::Tx(_) => self.udp(out, ev.ts_us, local, peer, data),
                _ => self.udp(out, ev.ts_us, peer, local, data),
            };
        }
        let key = (
            ev.role.as_str().to_string(),
            ev.client,
            if ev.role == Role::TcpClient {
                None
            } else {
                ev.peer.map(|p| crate::net::addr::show(&p))
            },
        );
        match &ev.kind {
            EventKind::Connected | EventKind::Accepted => {
                // A new connection with this key starts a new flow.
                if let Some(f) = self.flows.get_mut(&key) {
                    f.closed = true;
                }
                self.flow(out, ev, key, &mut packets)?;
            }
            EventKind::TlsReady(info) => {
                if let Some(f) = self.flows.get_mut(&key).filter(|f| !f.closed) {
                    f.tls = Some(format!(
                        "TLS-decrypted application data ({}, {}): on the wire these bytes were encrypted TLS records, and the handshake's packets are not shown",
                        info.version, info.cipher
                    ));
                }
            }
            EventKind::Rx(d) | EventKind::Tx(d) => {
                // Does this data go from A (the client) to B?
                let from_a = matches!(
                    (ev.role, &ev.kind),
                    (Role::TcpClient, EventKind::Tx(_)) | (Role::TcpServer, EventKind::Rx(_))
                );
                // WebSocket: the message as the frame that carried it (masked from A).
                let framed = ev
                    .opcode
                    .map(|op| crate::net::ws::wire::message(op, d, from_a.then_some(WS_MASK)));
                let bytes = framed.as_deref().unwrap_or(d);
                self.segments(out, ev, &key, from_a, bytes, &mut packets)?;
            }
            // The opening handshake is not put on the stream (so `-d tcp.port==P,websocket`
            // reads every segment as frames): the next frame's comment holds it.
            EventKind::Ws(crate::net::ws::WsEvent::Open(hs)) => {
                if let Some(f) = self.flows.get_mut(&key).filter(|f| !f.closed) {
                    f.note = Some(format!(
                        "WebSocket opening handshake:\n{}{}",
                        hs.request, hs.response
                    ));
                }
            }
            EventKind::Ws(w) => {
                let is_client = ev.role == Role::TcpClient;
                let Some(f) = self.flows.get_mut(&key).filter(|f| !f.closed) else {
                    return Ok(0);
                };
                let closing = f.ws_closing;
                if matches!(w, crate::net::ws::WsEvent::Close { .. }) {
                    f.ws_closing = true;
                }
                for (local, bytes) in crate::net::ws::wire::of_event(w, is_client, closing, WS_MASK)
                {
                    // This side is A on a client, B on a server.
                    let from_a = local == is_client;
                    self.segments(out, ev, &key, from_a, &bytes, &mut packets)?;
                }
            }
            EventKind::Closed { by, .. } if ev.peer.is_some() => {
                // The side that closes first sends FIN (if it has not yet), then the other.
                let closer_is_a = matches!(
                    (ev.role, by),
                    (Role::TcpClient, ClosedBy::Local) | (Role::TcpServer, ClosedBy::Peer)
                );
                packets += self.fin(out, ev.ts_us, &key, closer_is_a)?;
                packets += self.fin(out, ev.ts_us, &key, !closer_is_a)?;
                if let Some(f) = self.flows.get_mut(&key) {
                    f.closed = true;
                }
            }
            // A half-close: this side's FIN (FinSent) or the peer's, when it happened.
            EventKind::FinSent | EventKind::PeerFinHalfOpen if ev.peer.is_some() => {
                let from_a = (ev.role == Role::TcpClient) == matches!(ev.kind, EventKind::FinSent);
                packets += self.fin(out, ev.ts_us, &key, from_a)?;
            }
            EventKind::Reset { reason } if ev.peer.is_some() => {
                let Some(f) = self.flows.get(&key).filter(|f| !f.closed) else {
                    return Ok(0);
                };
                let (a, b, sa, sb) = (f.a, f.b, f.seq_a, f.seq_b);
                // The peer sent the RST, or this side did (Reset).
                let from_client =
                    (ev.role == Role::TcpClient) == (*reason == crate::net::ResetReason::ResetHere);
                let (src, dst, seq, ack) = if !from_client {
                    (b, a, sb, sa)
                } else {
                    (a, b, sa, sb)
                };
                self.tcp(out, ev.ts_us, src, dst, seq, ack, Flags::Rst, &[])?;
                packets += 1;
                if let Some(f) = self.flows.get_mut(&key) {
                    f.closed = true;
                }
            }
            _ => {}
        }
        Ok(packets)
    }
}

/// pcapng written as events happen: the same packets as the export, flushed by the caller
/// (per batch of events).
pub struct PcapWriter<W: Write> {
    out: W,
    pcap: Pcap,
    /// Events written.
    pub written: u64,
}

impl<W: Write> PcapWriter<W> {
    /// Writes the section header and the interface.
    pub fn new(mut out: W) -> io::Result<PcapWriter<W>> {
        let mut pcap = Pcap::default();
        pcap.begin(&mut out)?;
        Ok(PcapWriter {
            out,
            pcap,
            written: 0,
        })
    }

    pub fn write_event(&mut self, ev: &Event) -> io::Result<()> {
        self.pcap.event(&mut self.out, ev)?;
        self.written += 1;
        Ok(())
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
