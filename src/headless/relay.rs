//! `socket-tester relay`: runs the relay, prints one line per event (the pair, the arrow
//! of its direction, the bytes escaped), writes the `--record` file (JSON Lines, both
//! directions, each data row with its `dir`), and ends with the counters per direction.

use crate::cli::relay::RelayArgs;
use crate::net::ResetReason;
use crate::net::relay::{Dir, FAULT_COUNTERS, FaultDone, Relay, RelayEvent, RelayKind};
use crossbeam_channel::{RecvTimeoutError, bounded};
use std::io::{BufWriter, Write};
use std::time::{Duration, Instant};

/// How many bytes of a data row the line shows.
const SHOWN: usize = 256;

/// One event as a line: time, pair and peer, then what happened.
pub fn format_line(ev: &RelayEvent) -> String {
    let ts = chrono::DateTime::from_timestamp_micros(ev.ts_us)
        .map(|t| t.format("%H:%M:%S%.6f").to_string())
        .unwrap_or_default();
    let who = match (ev.pair, ev.peer) {
        (Some(p), Some(a)) => format!("#{p} {a}"),
        (Some(p), None) => format!("#{p}"),
        (None, Some(a)) => a.to_string(),
        (None, None) => match ev.local {
            Some(a) => format!("relay {a}"),
            None => "relay".into(),
        },
    };
    format!("{ts} {who} {}", describe(&ev.kind))
}

fn shown(bytes: &[u8]) -> String {
    let cut = &bytes[..bytes.len().min(SHOWN)];
    let more = if bytes.len() > SHOWN { " …" } else { "" };
    format!("{}{more}", cut.escape_ascii())
}

/// The words of an event (English; the record keeps the typed fields).
pub fn describe(kind: &RelayKind) -> String {
    match kind {
        RelayKind::Listening { to, udp } => {
            format!(
                "listening ({}), forwarding to {to}",
                if *udp { "UDP" } else { "TCP" }
            )
        }
        RelayKind::Seed { seed } => format!("fault seed {seed} (--seed {seed} repeats this run)"),
        RelayKind::Accepted => "new client".into(),
        RelayKind::Upstream { from, upstream } => format!("upstream {from} → {upstream}"),
        RelayKind::UpstreamFailed { detail, .. } => {
            format!("upstream failed, client closed: {detail}")
        }
        RelayKind::Data { dir, bytes } => {
            format!("{} {} B: {}", dir.arrow(), bytes.len(), shown(bytes))
        }
        RelayKind::Fin { dir } => format!("{} FIN carried (half-close)", dir.arrow()),
        RelayKind::Reset { dir, reason } => {
            format!("{} RST carried ({})", dir.arrow(), reset_words(*reason))
        }
        RelayKind::Fault { dir, what } => format!("{} fault: {}", dir.arrow(), fault_words(what)),
        RelayKind::TooManySources { limit } => {
            format!("datagram dropped: {limit} sources are mapped already")
        }
        RelayKind::QueueFull { dir, len } => {
            format!("{} queue full: a datagram of {len} B dropped", dir.arrow())
        }
        RelayKind::Expired { idle_ms } => format!("mapping ended after {idle_ms} ms idle"),
        RelayKind::PairClosed => "pair closed".into(),
        RelayKind::Error { detail, .. } => format!("error: {detail}"),
        RelayKind::Stopped => "relay stopped".into(),
    }
}

fn reset_words(r: ResetReason) -> &'static str {
    match r {
        ResetReason::PeerReset => "connection reset by the peer",
        ResetReason::Aborted => "connection aborted",
        ResetReason::BrokenPipe => "broken pipe",
        ResetReason::ResetHere => "reset here",
        ResetReason::Unknown => "failed",
    }
}

/// What a fault did, in words.
pub fn fault_words(what: &FaultDone) -> String {
    match what {
        FaultDone::Delayed { ms } => format!("delayed {ms} ms"),
        FaultDone::Dropped { len } => format!("dropped a datagram of {len} B"),
        FaultDone::Duplicated { len } => format!("duplicated a datagram of {len} B"),
        FaultDone::Reordered { behind } => {
            format!("reordered: sent after {behind} later datagrams")
        }
        FaultDone::Corrupted { offset, was, now } => {
            format!("corrupted the byte at offset {offset} ({was:02x} → {now:02x})")
        }
        FaultDone::Sliced { pieces } => format!("sliced into {pieces} writes"),
        FaultDone::Merged { chunks } => format!("merged {chunks} reads into one write"),
        FaultDone::Throttled { ms } => format!("throttled {ms} ms"),
        FaultDone::Reset => "reset both sides (RST)".into(),
        FaultDone::Closed => "closed both sides (FIN)".into(),
        FaultDone::BlackHoled => "black hole: nothing more is forwarded this way".into(),
        FaultDone::Swallowed { len } => format!("swallowed {len} B"),
    }
}

/// The counters, one line per direction.
fn summary(relay: &Relay) -> Vec<String> {
    let c = relay.counters();
    let mut lines = vec![format!(
        "relay: {} pairs",
        c.pairs.load(std::sync::atomic::Ordering::Relaxed)
    )];
    for d in [Dir::Up, Dir::Down] {
        let faults: Vec<String> = FAULT_COUNTERS
            .iter()
            .enumerate()
            .filter(|(i, _)| c.fault(d, *i) > 0)
            .map(|(i, name)| format!("{name} {}", c.fault(d, i)))
            .collect();
        let faults = if faults.is_empty() {
            String::new()
        } else {
            format!("; faults: {}", faults.join(", "))
        };
        lines.push(format!(
            "relay: {} ({}): {} B in {} chunks{faults}",
            d.as_str(),
            d.arrow(),
            c.bytes(d),
            c.chunks(d)
        ));
    }
    lines
}

/// The `--record` file: JSON Lines, or pcapng when its name ends in `.pcapng`.
enum RecordFile {
    Jsonl(BufWriter<std::fs::File>),
    Pcap(Box<super::relay_pcap::RelayPcap<BufWriter<std::fs::File>>>),
}

impl RecordFile {
    fn write(&mut self, ev: &RelayEvent) -> std::io::Result<()> {
        match self {
            RecordFile::Jsonl(w) => {
                let line = serde_json::to_string(ev).map_err(std::io::Error::other)?;
                writeln!(w, "{line}")
            }
            RecordFile::Pcap(p) => p.write(ev),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            RecordFile::Jsonl(w) => w.flush(),
            RecordFile::Pcap(p) => p.flush(),
        }
    }
}

fn open_record(args: &RelayArgs) -> Result<Option<RecordFile>, String> {
    let Some(path) = &args.record else {
        return Ok(None);
    };
    let file =
        std::fs::File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let out = BufWriter::new(file);
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("pcapng"))
    {
        let p = super::relay_pcap::RelayPcap::new(out, args.udp)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        return Ok(Some(RecordFile::Pcap(Box::new(p))));
    }
    Ok(Some(RecordFile::Jsonl(out)))
}

/// Runs `relay` from the command line; the exit code.
pub fn run_cli(args: &RelayArgs) -> i32 {
    let config = match args.to_config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    let mut record = match open_record(args) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: --record: {e}");
            return 2;
        }
    };
    let (int_tx, int_rx) = bounded::<()>(1);
    let _ = ctrlc::set_handler(move || {
        let _ = int_tx.try_send(());
    });
    let mut relay = Relay::start(config);
    let end_at = args.duration.map(|d| Instant::now() + d);
    let mut listening = false;
    let mut record_failed = false;
    let mut take = |ev: RelayEvent, listening: &mut bool| {
        *listening |= matches!(ev.kind, RelayKind::Listening { .. });
        super::print_line(&format_line(&ev));
        if let Some(w) = record.as_mut()
            && !record_failed
            && w.write(&ev).is_err()
        {
            record_failed = true;
            eprintln!("socket-tester: the record stopped (cannot write); going on without it");
        }
    };
    loop {
        if int_rx.try_recv().is_ok() || end_at.is_some_and(|e| Instant::now() >= e) {
            break;
        }
        match relay.events().recv_timeout(Duration::from_millis(20)) {
            Ok(ev) => take(ev, &mut listening),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    for ev in relay.stop_and_join() {
        take(ev, &mut listening);
    }
    if let Some(mut w) = record.take()
        && w.flush().is_err()
    {
        record_failed = true;
    }
    for line in summary(&relay) {
        super::print_line(&line);
    }
    i32::from(!listening || record_failed)
}
