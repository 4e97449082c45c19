//! One connection's WebSocket state, on bytes: fed what the connection read (plaintext,
//! after TLS), it says what happened as [`Out`]s (messages, typed events, bytes to write);
//! given a message to send, it gives the frame's bytes. tungstenite's
//! [`WebSocketContext`] does the frames (masking, fragments, control frames, the size
//! bound) on a [`Pipe`] that reads from the chunk at hand and writes to a Vec, so it never
//! touches the socket: our worker's loop does.

use super::handshake::{self, ClientRequest, Head};
use super::{Opcode, Refusal, SendAs, WsEvent, WsOptions};
use crate::net::ClosedBy;
use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::time::{Duration, Instant};
use tungstenite::error::{CapacityError, Error as WsErr};
use tungstenite::protocol::frame::CloseFrame;
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::{Message, Role, WebSocketConfig, WebSocketContext};

/// An opening handshake not finished by then is refused.
pub const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Messages sent before the opening handshake finished, held at most (more are refused).
const HELD_MAX: usize = 1024;
/// Pings waiting for their pong, remembered for the round trip (oldest forgotten).
const PINGS_KEPT: usize = 16;

/// What the connection does with what the layer said.
#[derive(Debug)]
pub(crate) enum Out {
    /// A typed event to emit.
    Event(WsEvent),
    /// A whole received message.
    Message(Opcode, Vec<u8>),
    /// Bytes to write that are not a message of ours (the handshake, pong, close).
    Wire(Vec<u8>),
    /// A message sent before the handshake finished, now framed: (opcode, payload, frame).
    Send(Opcode, Vec<u8>, Vec<u8>),
    /// The close handshake is done (or the connection failed): FIN once written.
    Finish,
    /// A held message could not go (the detail, in English).
    NotSent(String),
    /// The opening handshake was refused: write `answer` (if any), then close.
    Refused(Refusal, Option<Vec<u8>>),
}

enum State {
    /// Client: the request is out, waiting for the answer.
    Client(ClientRequest),
    /// Server: waiting for the request.
    Server,
    Open(Box<WebSocketContext>),
    /// Closed, failed or refused: what comes is ignored.
    Done,
}

/// tungstenite's stream: reads the chunk at hand (then WouldBlock), writes to `out`.
struct Pipe<'a> {
    input: &'a [u8],
    out: &'a mut Vec<u8>,
}

impl Read for Pipe<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.input.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let n = buf.len().min(self.input.len());
        buf[..n].copy_from_slice(&self.input[..n]);
        self.input = &self.input[n..];
        Ok(n)
    }
}

impl Write for Pipe<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

pub(crate) struct Layer {
    state: State,
    opts: Box<WsOptions>,
    /// The opening handshake's bytes so far (bounded).
    head: Vec<u8>,
    deadline: Option<Instant>,
    /// Messages to send once open.
    held: Vec<Vec<u8>>,
    pings: VecDeque<(u64, Instant)>,
    next_ping: u64,
}

impl Layer {
    /// A client: the layer, and the request to write first.
    pub fn client(opts: &WsOptions) -> (Layer, Vec<u8>) {
        let req = handshake::client_request(opts);
        let bytes = req.text.clone().into_bytes();
        (Layer::new(State::Client(req), opts), bytes)
    }

    pub fn server(opts: &WsOptions) -> Layer {
        Layer::new(State::Server, opts)
    }

    fn new(state: State, opts: &WsOptions) -> Layer {
        Layer {
            state,
            opts: Box::new(opts.clone()),
            head: Vec::new(),
            deadline: Instant::now().checked_add(HANDSHAKE_TIMEOUT),
            held: Vec::new(),
            pings: VecDeque::new(),
            next_ping: 1,
        }
    }

    /// Still in the opening handshake.
    pub fn opening(&self) -> bool {
        matches!(self.state, State::Client(_) | State::Server)
    }

    /// Our close frame is out and the peer's answer has not come yet.
    pub fn closing(&self) -> bool {
        matches!(&self.state, State::Open(ctx) if !ctx.can_write())
    }

    /// The opening handshake took too long.
    pub fn timed_out(&mut self, now: Instant) -> Option<Refusal> {
        if self.opening() && self.deadline.is_some_and(|d| now >= d) {
            self.state = State::Done;
            return Some(Refusal::Timeout {
                secs: HANDSHAKE_TIMEOUT.as_secs(),
            });
        }
        None
    }

    fn config(&self) -> WebSocketConfig {
        WebSocketConfig::default()
            .max_message_size(Some(self.opts.max_message))
            .max_frame_size(Some(self.opts.max_message))
    }

    /// What the connection read: the handshake's head, then frames.
    pub fn feed(&mut self, data: &[u8], outs: &mut Vec<Out>) {
        match &self.state {
            State::Done => {}
            State::Open(_) => self.frames(data, outs),
            State::Client(_) | State::Server => {
                // Only up to the bound (and a little more, to know it is past it).
                let room = (super::MAX_HANDSHAKE + 1).saturating_sub(self.head.len());
                let (take, rest) = data.split_at(data.len().min(room));
                self.head.extend_from_slice(take);
                let got = match &self.state {
                    State::Client(req) => handshake::client_check(req, &self.head),
                    _ => handshake::server_check(&self.opts, &self.head),
                };
                match got {
                    Head::Partial if !rest.is_empty() => {
                        self.state = State::Done;
                        outs.push(Out::Refused(Refusal::TooLarge, None));
                    }
                    Head::Partial => {}
                    Head::Refused { why, answer } => {
                        self.state = State::Done;
                        outs.push(Out::Refused(why, answer.map(String::into_bytes)));
                    }
                    Head::Done(hs, n) => self.opened(hs, n, rest, outs),
                }
            }
        }
    }

    /// The handshake is done: answer (server), say so, send what was held, read the rest.
    fn opened(&mut self, hs: super::Handshake, n: usize, rest: &[u8], outs: &mut Vec<Out>) {
        let role = match self.state {
            State::Server => {
                outs.push(Out::Wire(hs.response.clone().into_bytes()));
                Role::Server
            }
            _ => Role::Client,
        };
        let mut after = self.head.split_off(n.min(self.head.len()));
        after.extend_from_slice(rest);
        self.head = Vec::new();
        let ctx = WebSocketContext::new(role, Some(self.config()));
        self.state = State::Open(Box::new(ctx));
        outs.push(Out::Event(WsEvent::Open(Box::new(hs))));
        for m in std::mem::take(&mut self.held) {
            match self.message(m) {
                Ok(Some((op, payload, wire))) => outs.push(Out::Send(op, payload, wire)),
                Ok(None) => {}
                Err(e) => outs.push(Out::NotSent(e)),
            }
        }
        self.frames(&after, outs);
    }

    /// Frames in: whole messages out, control frames answered, errors typed.
    fn frames(&mut self, data: &[u8], outs: &mut Vec<Out>) {
        let State::Open(ctx) = &mut self.state else {
            return;
        };
        let mut wire = Vec::new();
        let mut pipe = Pipe {
            input: data,
            out: &mut wire,
        };
        let mut done = false;
        loop {
            match ctx.read(&mut pipe) {
                Ok(Message::Text(t)) => {
                    let b: tungstenite::Bytes = t.into();
                    outs.push(Out::Message(Opcode::Text, Vec::from(b)));
                }
                Ok(Message::Binary(b)) => outs.push(Out::Message(Opcode::Binary, Vec::from(b))),
                Ok(Message::Ping(p)) => outs.push(Out::Event(WsEvent::Ping { len: p.len() })),
                Ok(Message::Pong(p)) => {
                    let rtt_us = pong_rtt(&mut self.pings, &p);
                    outs.push(Out::Event(WsEvent::Pong { rtt_us }));
                }
                Ok(Message::Close(cf)) => {
                    let (code, reason) = match cf {
                        Some(cf) => (Some(u16::from(cf.code)), cf.reason.to_string()),
                        None => (None, String::new()),
                    };
                    outs.push(Out::Event(WsEvent::Close {
                        by: ClosedBy::Peer,
                        code,
                        reason,
                    }));
                    // The answering close frame goes out with this flush.
                    let _ = ctx.flush(&mut pipe);
                    done = true;
                }
                Ok(Message::Frame(_)) => {}
                Err(WsErr::Io(e)) if e.kind() == io::ErrorKind::WouldBlock => break,
                Err(WsErr::ConnectionClosed | WsErr::AlreadyClosed) => {
                    done = true;
                    break;
                }
                Err(e) => {
                    let (ev, code) = failure(&e, self.opts.max_message);
                    outs.push(Out::Event(ev));
                    let reason = close_reason_text(code);
                    let cf = CloseFrame {
                        code: CloseCode::from(code),
                        reason: reason.into(),
                    };
                    let _ = ctx.close(&mut pipe, Some(cf));
                    outs.push(Out::Event(WsEvent::Close {
                        by: ClosedBy::Local,
                        code: Some(code),
                        reason: reason.to_string(),
                    }));
                    done = true;
                    break;
                }
            }
            if done {
                break;
            }
        }
        let _ = ctx.flush(&mut pipe);
        if !wire.is_empty() {
            outs.push(Out::Wire(wire));
        }
        if done {
            self.state = State::Done;
            outs.push(Out::Finish);
        }
    }

    /// Frames one message to send: Ok(None) when held until the handshake finishes;
    /// Err (why, in English for the error's detail) when it cannot go: the connection is
    /// closing.
    #[allow(clippy::type_complexity)]
    pub fn message(
        &mut self,
        bytes: Vec<u8>,
    ) -> Result<Option<(Opcode, Vec<u8>, Vec<u8>)>, String> {
        let send_as = self.opts.send_as;
        let ctx = match &mut self.state {
            State::Open(ctx) => ctx,
            State::Client(_) | State::Server => {
                if self.held.len() >= HELD_MAX {
                    return Err(format!(
                        "not sent: {HELD_MAX} messages already wait for the WebSocket handshake"
                    ));
                }
                self.held.push(bytes);
                return Ok(None);
            }
            State::Done => {
                return Err(
                    "not sent: the WebSocket connection is closing (close frame sent or received)"
                        .into(),
                );
            }
        };
        let (op, msg) = match (send_as, String::from_utf8(bytes)) {
            (SendAs::Auto, Ok(s)) => {
                let payload = s.clone().into_bytes();
                (Opcode::Text, (Message::text(s), payload))
            }
            (_, Ok(s)) => {
                let b = s.into_bytes();
                (Opcode::Binary, (Message::binary(b.clone()), b))
            }
            (_, Err(e)) => {
                let b = e.into_bytes();
                (Opcode::Binary, (Message::binary(b.clone()), b))
            }
        };
        let mut wire = Vec::new();
        let mut pipe = Pipe {
            input: &[],
            out: &mut wire,
        };
        let sent = ctx
            .write(&mut pipe, msg.0)
            .and_then(|_| ctx.flush(&mut pipe));
        match sent {
            Ok(()) => Ok(Some((op, msg.1, wire))),
            Err(e) => Err(format!("not sent: {e}")),
        }
    }

    /// A ping carrying a number, remembered for the round trip; None when not open.
    pub fn ping(&mut self) -> Option<Vec<u8>> {
        let State::Open(ctx) = &mut self.state else {
            return None;
        };
        let n = self.next_ping;
        self.next_ping += 1;
        let mut wire = Vec::new();
        let mut pipe = Pipe {
            input: &[],
            out: &mut wire,
        };
        let payload = n.to_be_bytes().to_vec();
        ctx.write(&mut pipe, Message::Ping(payload.into()))
            .and_then(|_| ctx.flush(&mut pipe))
            .ok()?;
        if self.pings.len() >= PINGS_KEPT {
            self.pings.pop_front();
        }
        self.pings.push_back((n, Instant::now()));
        Some(wire)
    }

    /// A close frame from this side; None when not open (or already closing).
    pub fn close(&mut self, code: u16, reason: &str) -> Option<Vec<u8>> {
        let State::Open(ctx) = &mut self.state else {
            return None;
        };
        if !ctx.can_write() {
            return None;
        }
        let mut wire = Vec::new();
        let mut pipe = Pipe {
            input: &[],
            out: &mut wire,
        };
        let cf = CloseFrame {
            code: CloseCode::from(code),
            reason: reason.to_string().into(),
        };
        // A server's close ends its state at once (ConnectionClosed): the bytes are out.
        let _ = ctx.close(&mut pipe, Some(cf));
        Some(wire)
    }
}

/// The round trip of the pong answering one of our pings (None: an unsolicited pong).
fn pong_rtt(pings: &mut VecDeque<(u64, Instant)>, payload: &[u8]) -> Option<u64> {
    let n = u64::from_be_bytes(payload.try_into().ok()?);
    let i = pings.iter().position(|(k, _)| *k == n)?;
    let (_, at) = pings.remove(i)?;
    Some(at.elapsed().as_micros() as u64)
}

/// A read failure as a typed event and the close code to send.
fn failure(e: &WsErr, limit: usize) -> (WsEvent, u16) {
    match e {
        WsErr::Capacity(CapacityError::MessageTooLong { size, max_size }) => (
            WsEvent::TooBig {
                size: *size,
                limit: *max_size,
            },
            1009,
        ),
        WsErr::Capacity(_) => (WsEvent::TooBig { size: 0, limit }, 1009),
        WsErr::Utf8(_) => (
            WsEvent::Protocol {
                detail: e.to_string(),
                code: 1007,
            },
            1007,
        ),
        _ => (
            WsEvent::Protocol {
                detail: e.to_string(),
                code: 1002,
            },
            1002,
        ),
    }
}

/// The reason a close frame of ours carries (protocol words, not UI words).
fn close_reason_text(code: u16) -> &'static str {
    match code {
        1009 => "message too big",
        1007 => "invalid UTF-8",
        _ => "protocol error",
    }
}
