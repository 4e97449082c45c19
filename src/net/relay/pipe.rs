//! One direction of one pair, on the writing side: takes what the reader queued (a
//! bounded queue, so a slow far side stops the reading), applies the direction's faults
//! and writes to the far side, telling each chunk and each fault as an event.

use super::faults::{Dice, DirFaults, Trigger};
use super::intercept::{Released, Verdict};
use super::rewrite::{Done, Rewriter};
use super::{Dir, FaultDone, Hub, RelayKind};
use crate::net::ResetReason;
use crossbeam_channel::{Receiver, RecvTimeoutError};
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How many chunks wait between a reader and its writer (TCP: 16 KiB each).
pub(crate) const QUEUE: usize = 64;
/// The most bytes one merged write holds.
const MERGE_CAP: usize = 256 * 1024;
const STEP: Duration = Duration::from_millis(50);
/// How long an idle writer waits for its queue before it looks at the relay's stop flag
/// and its faults again (a pair that closes wakes it at once: its reader goes, and with it
/// the queue). Not 50 ms: 1000 idle pairs would wake 40,000 times a second for nothing.
pub(crate) const IDLE: Duration = Duration::from_secs(1);

/// What a reader hands its writer.
pub(crate) enum Msg {
    Data(Vec<u8>, Instant),
    /// The reader's side sent FIN (read then).
    Fin(Instant),
    /// The reader's side reset (or failed).
    Reset(ResetReason),
    /// TLS on the reader's side failed (told by the reader).
    Tls,
}

/// A deliberate end of the pair, from a fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cut {
    Reset,
    Close,
}

/// Why a writer stopped.
pub(crate) enum End {
    /// The FIN read then was carried.
    Fin(Instant),
    Reset(ResetReason),
    /// TLS on the reading side failed.
    Tls,
    Cut(Cut),
    /// Writing to the far side failed.
    Failed(io::Error),
    /// The pair is closing, or the relay stops.
    Gone,
}

/// The writing side of one direction.
pub(crate) struct Pipe {
    pub dir: Dir,
    pub pair: u64,
    pub peer: SocketAddr,
    pub hub: Hub,
    faults: DirFaults,
    /// The generation of [`super::faults::LiveFaults`] that `faults` is a copy of.
    generation: u64,
    dice: Dice,
    started: Instant,
    /// Bytes that went this way so far (offsets of corruption count from here).
    offset: u64,
    blackholed: bool,
    last_due: Option<Instant>,
    /// UDP: each chunk is a datagram (drop, duplicate, reorder apply).
    datagrams: bool,
    held: Vec<Vec<u8>>,
    rewriter: Rewriter,
    /// The generation of the relay's rewrite rules that `rewriter` runs.
    rw_generation: u64,
    /// UDP: the bytes waiting in this writer's queue (its reader adds, this takes off).
    pub budget: Option<std::sync::Arc<std::sync::atomic::AtomicUsize>>,
}

impl Pipe {
    /// The writer of `dir` for a pair; its faults are the relay's live ones.
    pub fn new(
        dir: Dir,
        pair: u64,
        peer: SocketAddr,
        hub: Hub,
        seed: u64,
        datagrams: bool,
    ) -> Pipe {
        let (faults, generation) = hub.faults.dir(dir);
        let (rules, rw_generation) = hub.rewrites.get();
        let rewriter = Rewriter::new(&rules, dir, datagrams);
        Pipe {
            rewriter,
            rw_generation,
            dir,
            pair,
            peer,
            hub,
            faults,
            generation,
            dice: Dice::new(seed, pair, dir),
            started: Instant::now(),
            offset: 0,
            blackholed: false,
            last_due: None,
            datagrams,
            held: Vec::new(),
            budget: None,
        }
    }

    /// Takes the relay's faults again if they changed since the last chunk.
    fn refresh_faults(&mut self) {
        if self.hub.faults.generation() != self.generation {
            (self.faults, self.generation) = self.hub.faults.dir(self.dir);
        }
        if self.hub.rewrites.generation() != self.rw_generation {
            let (rules, g) = self.hub.rewrites.get();
            self.rewriter.set(&rules, self.dir);
            self.rw_generation = g;
        }
    }

    /// The message after the rewrite rules, each change told.
    fn rewrite(&mut self, bytes: Vec<u8>) -> Vec<u8> {
        if self.rewriter.is_empty() {
            return bytes;
        }
        let (out, done) = self.rewriter.apply(bytes);
        let dir = self.dir;
        for d in done {
            self.tell(match d {
                Done::Rewritten { rule, from, to } => RelayKind::Rewritten {
                    dir,
                    rule,
                    from,
                    to,
                },
                Done::TooLarge { rule, max } => RelayKind::RewriteTooLarge { dir, rule, max },
                Done::PastEnd { rule, offset, len } => RelayKind::PatchPastEnd {
                    dir,
                    rule,
                    offset,
                    len,
                },
            });
        }
        out
    }

    fn tell(&self, kind: RelayKind) {
        self.hub.emit(Some(self.pair), Some(self.peer), kind);
    }

    fn fault(&self, what: FaultDone) {
        self.tell(RelayKind::Fault {
            dir: self.dir,
            what,
        });
    }

    /// Sleeps until `t`, in short steps, unless the pair closes or the relay stops.
    fn nap(&self, t: Instant, closing: &AtomicBool) -> bool {
        loop {
            if self.hub.stopping() || closing.load(Ordering::Relaxed) {
                return false;
            }
            let now = Instant::now();
            if now >= t {
                return true;
            }
            std::thread::sleep((t - now).min(STEP));
        }
    }

    /// A time trigger that has fired (checked between chunks and on every tick).
    fn timed_cut(&mut self) -> Option<Cut> {
        let due = |t: Option<Trigger>| matches!(t, Some(Trigger::After(d)) if self.started.elapsed() >= d);
        if due(self.faults.reset_after) {
            return Some(Cut::Reset);
        }
        if due(self.faults.close_after) {
            return Some(Cut::Close);
        }
        if !self.blackholed && due(self.faults.blackhole_after) {
            self.blackholed = true;
            self.fault(FaultDone::BlackHoled);
        }
        None
    }

    /// The byte count at which a byte trigger fires, and what it does (None: black-hole).
    fn byte_limit(&self) -> Option<(u64, Option<Cut>)> {
        let at = |t: Option<Trigger>| match t {
            Some(Trigger::Bytes(n)) => Some(n),
            _ => None,
        };
        [
            (at(self.faults.reset_after), Some(Cut::Reset)),
            (at(self.faults.close_after), Some(Cut::Close)),
            (
                at(self.faults.blackhole_after).filter(|_| !self.blackholed),
                None,
            ),
        ]
        .into_iter()
        .filter_map(|(n, c)| n.map(|n| (n, c)))
        .min_by_key(|(n, _)| *n)
    }

    /// Forwards one chunk read at `read_at`, with the faults. Some(cut) if a cut fired.
    fn forward(
        &mut self,
        mut bytes: Vec<u8>,
        read_at: Instant,
        write: &mut dyn FnMut(&[u8]) -> io::Result<()>,
        closing: &AtomicBool,
    ) -> io::Result<Option<Cut>> {
        if let Some(cut) = self.timed_cut() {
            return Ok(Some(cut));
        }
        if self.blackholed {
            self.fault(FaultDone::Swallowed { len: bytes.len() });
            return Ok(None);
        }
        let mut fire = None;
        if let Some((limit, cut)) = self.byte_limit() {
            let room = limit.saturating_sub(self.offset);
            if bytes.len() as u64 >= room {
                bytes.truncate(room as usize);
                fire = Some(cut);
            }
        }
        if !bytes.is_empty() {
            self.send_chunk(bytes, read_at, write, closing)?;
        }
        match fire {
            Some(Some(cut)) => Ok(Some(cut)),
            Some(None) => {
                self.blackholed = true;
                self.fault(FaultDone::BlackHoled);
                Ok(None)
            }
            None => Ok(None),
        }
    }

    fn send_chunk(
        &mut self,
        mut bytes: Vec<u8>,
        read_at: Instant,
        write: &mut dyn FnMut(&[u8]) -> io::Result<()>,
        closing: &AtomicBool,
    ) -> io::Result<()> {
        let f = &self.faults;
        if self.datagrams && self.dice.chance(f.drop) {
            self.fault(FaultDone::Dropped { len: bytes.len() });
            return Ok(());
        }
        if !f.latency.is_zero() || !f.jitter.is_zero() {
            let mut due = read_at + self.dice.delay(f.latency, f.jitter);
            if !self.datagrams {
                // A stream keeps its order: never before the chunk ahead of it.
                due = due.max(self.last_due.unwrap_or(due));
            }
            self.last_due = Some(due);
            if !self.nap(due, closing) {
                return Ok(());
            }
            let held = read_at.elapsed();
            let ms = held.as_millis() as u64;
            let read_us = crate::net::now_us() - held.as_micros() as i64;
            self.fault(FaultDone::Delayed { ms, read_us });
        }
        if !bytes.is_empty() && self.dice.chance(self.faults.corrupt) {
            let k = self.dice.below(bytes.len());
            let was = bytes[k];
            let now = was ^ (1 + self.dice.below(255)) as u8;
            bytes[k] = now;
            let offset = self.offset + k as u64;
            self.fault(FaultDone::Corrupted { offset, was, now });
        }
        if self.datagrams && self.faults.reorder > 0 {
            return self.reorder(bytes, write);
        }
        self.write_out(bytes, write, closing)
    }

    /// Holds datagrams back; once more than the window wait, a random one goes.
    fn reorder(
        &mut self,
        bytes: Vec<u8>,
        write: &mut dyn FnMut(&[u8]) -> io::Result<()>,
    ) -> io::Result<()> {
        self.held.push(bytes);
        if self.held.len() > self.faults.reorder {
            let i = self.dice.below(self.held.len());
            let behind = self.held.len() - 1 - i;
            let d = self.held.remove(i);
            if behind > 0 {
                self.fault(FaultDone::Reordered { behind });
            }
            self.datagram_out(d, write)?;
        }
        Ok(())
    }

    /// Sends what reordering holds, in order (when the queue goes quiet).
    fn flush_held(&mut self, write: &mut dyn FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
        for d in std::mem::take(&mut self.held) {
            self.datagram_out(d, write)?;
        }
        Ok(())
    }

    fn datagram_out(
        &mut self,
        d: Vec<u8>,
        write: &mut dyn FnMut(&[u8]) -> io::Result<()>,
    ) -> io::Result<()> {
        let twice = self.dice.chance(self.faults.duplicate);
        self.told(d.clone());
        write(&d)?;
        if twice {
            self.fault(FaultDone::Duplicated { len: d.len() });
            self.told(d.clone());
            write(&d)?;
        }
        Ok(())
    }

    fn told(&mut self, bytes: Vec<u8>) {
        self.offset += bytes.len() as u64;
        self.tell(RelayKind::Data {
            dir: self.dir,
            bytes,
        });
    }

    fn write_out(
        &mut self,
        bytes: Vec<u8>,
        write: &mut dyn FnMut(&[u8]) -> io::Result<()>,
        closing: &AtomicBool,
    ) -> io::Result<()> {
        if self.datagrams {
            return self.datagram_out(bytes, write);
        }
        // Told first, so a reply never shows before the request it answers.
        let len = bytes.len();
        self.told(bytes.clone());
        match self.faults.slice {
            Some((n, gap)) if n > 0 && bytes.len() > n => {
                let pieces = bytes.len().div_ceil(n);
                for (i, piece) in bytes.chunks(n).enumerate() {
                    if i > 0 && !self.nap(Instant::now() + gap, closing) {
                        return Ok(());
                    }
                    write(piece)?;
                }
                self.fault(FaultDone::Sliced { pieces });
            }
            _ => write(&bytes)?,
        }
        if let Some(bw) = self.faults.bandwidth.filter(|b| *b > 0) {
            let wait = Duration::from_secs_f64(len as f64 / bw as f64);
            if self.nap(Instant::now() + wait, closing) && wait >= Duration::from_millis(1) {
                self.fault(FaultDone::Throttled {
                    ms: wait.as_millis() as u64,
                });
            }
        }
        Ok(())
    }

    /// Intercept: holds the message until its verdict (or the timeout, or the switch going
    /// off); what to forward then, read at (for latency) the moment it was let go. None:
    /// dropped, or the pair closed meanwhile.
    fn intercept(
        &mut self,
        bytes: Vec<u8>,
        at: Instant,
        closing: &AtomicBool,
    ) -> Option<(Vec<u8>, Instant)> {
        let board = self.hub.intercept.clone();
        if !board.settings().on(self.dir) {
            return Some((bytes, at));
        }
        let (dir, len) = (self.dir, bytes.len());
        let Some(ticket) = board.hold(len) else {
            self.tell(RelayKind::InterceptFull { dir, len });
            return Some((bytes, at));
        };
        let id = ticket.id;
        self.tell(RelayKind::Held {
            id,
            dir,
            bytes: bytes.clone(),
        });
        let held_at = Instant::now();
        let (how, out) = loop {
            if (self.hub.stopping() || closing.load(Ordering::Relaxed)) && board.release(id) {
                break (Released::PairGone, None);
            }
            match ticket.verdict.recv_timeout(STEP) {
                Ok(Verdict::Forward) | Err(RecvTimeoutError::Disconnected) => {
                    break (Released::Forwarded, Some(bytes));
                }
                Ok(Verdict::Edit(b)) => {
                    let to = b.len();
                    break (Released::Edited { from: len, to }, Some(b));
                }
                Ok(Verdict::Drop) => break (Released::Dropped { len }, None),
                Err(RecvTimeoutError::Timeout) => {
                    let s = board.settings();
                    // A verdict that took it first arrives on the next turn.
                    if !s.on(dir) && board.release(id) {
                        break (Released::SwitchedOff, Some(bytes));
                    }
                    if held_at.elapsed() >= s.timeout && board.release(id) {
                        break (Released::TimedOut, Some(bytes));
                    }
                }
            }
        };
        self.tell(RelayKind::Released { id, dir, how });
        out.map(|b| (b, Instant::now()))
    }

    /// How long to wait for the next message: a step while something is due on a clock
    /// (held datagrams, a cut after a time), else [`IDLE`].
    fn tick(&self) -> Duration {
        let timed = |t: Option<Trigger>| matches!(t, Some(Trigger::After(_)));
        let f = &self.faults;
        if !self.held.is_empty()
            || timed(f.reset_after)
            || timed(f.close_after)
            || (timed(f.blackhole_after) && !self.blackholed)
        {
            STEP
        } else {
            IDLE
        }
    }

    /// Runs the writer until its queue ends: what it got, with `write` to the far side.
    pub fn run(
        &mut self,
        rx: &Receiver<Msg>,
        write: &mut dyn FnMut(&[u8]) -> io::Result<()>,
        closing: &AtomicBool,
    ) -> End {
        let mut pending: Option<Msg> = None;
        loop {
            if self.hub.stopping() || closing.load(Ordering::Relaxed) {
                return End::Gone;
            }
            let msg = match pending.take() {
                Some(m) => m,
                None => match rx.recv_timeout(self.tick()) {
                    Ok(m) => m,
                    Err(RecvTimeoutError::Timeout) => {
                        self.refresh_faults();
                        if let Err(e) = self.flush_held(write) {
                            return End::Failed(e);
                        }
                        if let Some(cut) = self.timed_cut() {
                            return End::Cut(cut);
                        }
                        continue;
                    }
                    Err(RecvTimeoutError::Disconnected) => return End::Gone,
                },
            };
            self.refresh_faults();
            let (mut bytes, at) = match msg {
                Msg::Data(b, at) => {
                    if let Some(q) = &self.budget {
                        q.fetch_sub(b.len(), Ordering::AcqRel);
                    }
                    (b, at)
                }
                Msg::Fin(at) => return End::Fin(at),
                Msg::Reset(r) => return End::Reset(r),
                Msg::Tls => return End::Tls,
            };
            if let Some(hold) = self.faults.merge.filter(|_| !self.datagrams) {
                let mut chunks = 1;
                let until = at + hold;
                while bytes.len() < MERGE_CAP {
                    let left = until.saturating_duration_since(Instant::now());
                    match rx.recv_timeout(left) {
                        Ok(Msg::Data(more, _)) => {
                            bytes.extend_from_slice(&more);
                            chunks += 1;
                        }
                        Ok(other) => {
                            pending = Some(other);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                if chunks > 1 {
                    self.fault(FaultDone::Merged { chunks });
                }
            }
            let bytes = self.rewrite(bytes);
            let Some((bytes, at)) = self.intercept(bytes, at, closing) else {
                continue;
            };
            match self.forward(bytes, at, write, closing) {
                Ok(Some(cut)) => return End::Cut(cut),
                Ok(None) => {}
                Err(e) => return End::Failed(e),
            }
        }
    }
}
