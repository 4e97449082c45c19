//! `socket-tester relay`: the relay on a session runtime (as the roles run headless): the
//! runtime writes the `--record` file (JSON Lines with each row's `pair` and `dir`, or
//! pcapng with both legs), and the bounded printer prints one line per event (the pair,
//! the arrow of its direction, the first bytes escaped): a slow stdout drops preview rows
//! with a count and never slows forwarding. At the end, the counters per direction.

use crate::auto::auto_send::AutoPlan;
use crate::cli::relay::RelayArgs;
use crate::codec::{CheckOutcome, Encoding};
use crate::log::{Decoders, record::format_ts};
use crate::net::relay::{Dir, FAULT_COUNTERS, RelayKind, host};
use crate::net::{Event, EventKind, Role, SessionConfig};
use crate::session::{Control, Output, Runtime, RuntimeOptions};
use crossbeam_channel::bounded;
use std::fmt::Write as _;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Appends a relay session's line (no newline): time, the pair and its client (or
/// `relay` for the relay's own events), then what happened. For data, `ev` holds the
/// bytes to show and `len` the payload's whole length.
pub fn push_relay_line(out: &mut String, ev: &Event, len: usize) {
    out.push_str(&format_ts(ev.ts_us));
    match (ev.client, ev.peer) {
        (Some(p), Some(a)) => {
            let _ = write!(out, " #{p} {a}");
        }
        (Some(p), None) => {
            let _ = write!(out, " #{p}");
        }
        (None, Some(a)) => {
            let _ = write!(out, " {a}");
        }
        (None, None) => out.push_str(" relay"),
    }
    out.push(' ');
    match (host::data_dir(ev), ev.kind.data()) {
        (Some(dir), Some(d)) => {
            let whole = len.max(d.len());
            let _ = write!(out, "{} {whole} B: {}", dir.arrow(), d.escape_ascii());
            if whole > d.len() {
                out.push_str(" …");
            }
        }
        _ => match &ev.kind {
            EventKind::Accepted => out.push_str("new client"),
            EventKind::Error { .. } => {
                out.push_str("error: ");
                out.push_str(&crate::i18n::english(ev));
            }
            _ => out.push_str(&crate::i18n::english(ev)),
        },
    }
}

/// The counters the summary prints, kept from the events as the runtime takes them.
#[derive(Debug, Default)]
struct Tally {
    listening: bool,
    pairs: u64,
    bytes: [u64; 2],
    chunks: [u64; 2],
    faults: [[u64; FAULT_COUNTERS.len()]; 2],
    rewritten: [u64; 2],
    held: [u64; 2],
    /// Pairs whose upstream connection failed, and pairs ended by a TLS failure.
    upstream_failed: u64,
    tls_failed: u64,
}

fn index(d: Dir) -> usize {
    match d {
        Dir::Up => 0,
        Dir::Down => 1,
    }
}

impl Tally {
    fn count(&mut self, ev: &Event) {
        if let (Some(d), Some(b)) = (host::data_dir(ev), ev.kind.data()) {
            self.bytes[index(d)] += b.len() as u64;
            self.chunks[index(d)] += 1;
        }
        match &ev.kind {
            EventKind::Accepted => self.pairs += 1,
            EventKind::Relay(k) => match &**k {
                RelayKind::Listening { .. } => self.listening = true,
                RelayKind::Fault { dir, what } => self.faults[index(*dir)][what.counter()] += 1,
                RelayKind::Rewritten { dir, .. } => self.rewritten[index(*dir)] += 1,
                RelayKind::Held { dir, .. } => self.held[index(*dir)] += 1,
                RelayKind::UpstreamFailed { .. } => self.upstream_failed += 1,
                RelayKind::TlsFailed { .. } if ev.client.is_some() => self.tls_failed += 1,
                _ => {}
            },
            _ => {}
        }
    }

    /// Pairs that failed: their upstream connection, or TLS on either leg.
    fn failed(&self) -> u64 {
        self.upstream_failed + self.tls_failed
    }

    /// One line for the pairs, one per direction.
    fn lines(&self) -> Vec<String> {
        let mut pairs = format!("relay: {} pairs", self.pairs);
        if self.failed() > 0 {
            let _ = write!(
                pairs,
                " ({} failed: upstream connection {}, TLS {})",
                self.failed(),
                self.upstream_failed,
                self.tls_failed
            );
        }
        let mut lines = vec![pairs];
        for d in [Dir::Up, Dir::Down] {
            let i = index(d);
            let faults: Vec<String> = FAULT_COUNTERS
                .iter()
                .zip(self.faults[i])
                .filter(|(_, n)| *n > 0)
                .map(|(name, n)| format!("{name} {n}"))
                .collect();
            let mut faults = if faults.is_empty() {
                String::new()
            } else {
                format!("; faults: {}", faults.join(", "))
            };
            if self.rewritten[i] > 0 {
                let _ = write!(faults, "; rewritten {}", self.rewritten[i]);
            }
            if self.held[i] > 0 {
                let _ = write!(faults, "; held {}", self.held[i]);
            }
            lines.push(format!(
                "relay: {} ({}): {} B in {} chunks{faults}",
                d.as_str(),
                d.arrow(),
                self.bytes[i],
                self.chunks[i]
            ));
        }
        lines
    }
}

/// The printer, with the counters kept on the way (on the runtime thread).
struct Counting {
    inner: Box<dyn Output>,
    tally: Arc<Mutex<Tally>>,
}

impl Output for Counting {
    fn event(&mut self, ev: &Event) {
        self.event_checked(ev, None);
    }

    fn event_checked(&mut self, ev: &Event, check: Option<CheckOutcome>) {
        self.tally
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .count(ev);
        self.inner.event_checked(ev, check);
    }

    fn batch_done(&mut self) {
        self.inner.batch_done();
    }
}

/// Runs `relay` from the command line; the exit code: 0 stopped (Ctrl-C or
/// `--duration`), 1 it could not listen, a pair failed (its upstream connection, or TLS
/// on either leg) or the record is incomplete, 2 bad arguments.
pub fn run_cli(args: &RelayArgs) -> i32 {
    let config = match args.to_config() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    if let Err((leg, p)) = crate::net::relay::check_tls(&config) {
        let flag = match leg {
            crate::net::relay::Leg::Client => "--tls-listen",
            crate::net::relay::Leg::Server => "--tls-upstream",
        };
        eprintln!("error: {flag}: {}", p.english());
        return 2;
    }
    if let Some(path) = &args.record
        && let Err(e) = crate::files::private::create_file(path)
    {
        eprintln!("error: --record: cannot write {}: {e}", path.display());
        return 2;
    }
    let (int_tx, int_rx) = bounded::<()>(1);
    let _ = ctrlc::set_handler(move || {
        let _ = int_tx.try_send(());
    });
    let enc = Encoding::UTF_8;
    let failed = Arc::new(AtomicBool::new(false));
    let print = crate::launch::Print::Preview;
    let (printer, stdout_thread) =
        match super::print::start(print, Decoders::escaping(enc), false, failed) {
            Ok(p) => p,
            Err(e) => {
                eprintln!("socket-tester: cannot start the output thread: {e}");
                return 1;
            }
        };
    let tally = Arc::new(Mutex::new(Tally::default()));
    let out = Counting {
        inner: Box::new(printer),
        tally: tally.clone(),
    };
    let opts = RuntimeOptions {
        spool_dir: None,
        notify: None,
        encoding: Some(enc),
    };
    let mut rt = Runtime::with_output(Role::Relay, opts, Some(Box::new(out)));
    // Nobody reads the rows later: the view keeps its counters only.
    rt.send(Control::SetCaps { rows: 0, bytes: 0 });
    rt.start(
        SessionConfig::relay(config),
        AutoPlan::default(),
        args.record.clone(),
    );
    let end_at = args.duration.map(|d| Instant::now() + d);
    let mut record_told = false;
    loop {
        let interrupted = int_rx.recv_timeout(Duration::from_millis(20)).is_ok();
        let st = rt.status();
        if let Some(e) = &st.record_error
            && !record_told
        {
            record_told = true;
            eprintln!("socket-tester: {e}; going on without it");
        }
        if interrupted || end_at.is_some_and(|e| Instant::now() >= e) || !st.running {
            break;
        }
    }
    rt.shutdown();
    let st = rt.status();
    // The runtime is done, and with it the printer: what it queued is written out first.
    drop(rt);
    let _ = stdout_thread.join();
    let tally = tally.lock().unwrap_or_else(|e| e.into_inner());
    for line in tally.lines() {
        super::print_line(&line);
    }
    let incomplete = st.record_error.as_ref().inspect(|e| {
        eprintln!("socket-tester: the record is incomplete: {e}");
    });
    i32::from(!tally.listening || tally.failed() > 0 || incomplete.is_some())
}
