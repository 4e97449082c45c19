//! The WebSocket tests' independent peer: Python's `websockets` package (installed by
//! `.ci/run` with pip), as a server or a client, driven by a small script that prints
//! what it saw, one line each.

#![allow(dead_code)]

use std::process::{Child, Command, Stdio};

const PY_WS: &str = r#"
import asyncio, ssl, sys
import websockets
from websockets.exceptions import ConnectionClosed

def out(*a):
    print(*a, flush=True)

def tls_server(cert, key):
    if cert == "-":
        return None
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx

def tls_client(ca):
    if ca == "-":
        return None
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(ca)
    ctx.check_hostname = False
    return ctx

async def handler(ws):
    out("OPEN", ws.request.path, ws.subprotocol or "-", ws.request.headers.get("X-Who", "-"))
    try:
        async for m in ws:
            if isinstance(m, bytes):
                out("BINARY", m.hex() if len(m) <= 64 else "len=%d" % len(m))
                await ws.send(m)
                continue
            out("TEXT", m)
            if m == "frag":
                await ws.send(["frag", "ment", "ed"])
            elif m == "ping":
                pong = await ws.ping(b"py")
                await pong
                out("PONGED")
            elif m == "big":
                await ws.send(b"before")
                await ws.send(bytes(1024 * 1024))
                await ws.send(b"after")
            elif m == "close":
                await ws.close(4000, "done")
            else:
                await ws.send(m)
    except ConnectionClosed:
        pass
    out("CLOSED", ws.close_code, ws.close_reason or "-")

async def server(cert, key):
    async with websockets.serve(handler, "127.0.0.1", 0, subprotocols=["chat"],
                                max_size=2**24, ssl=tls_server(cert, key)) as s:
        out(s.sockets[0].getsockname()[1])
        await asyncio.Future()

async def client(url, ca, script):
    try:
        async with websockets.connect(url, subprotocols=["chat", "other"],
                                      additional_headers={"X-Who": "py"},
                                      max_size=2**24, ssl=tls_client(ca)) as ws:
            out("OPEN", ws.subprotocol or "-")
            for step in script.split(","):
                if step == "text":
                    await ws.send("hello 你好")
                elif step == "binary":
                    await ws.send(b"\x00\x01\xfe\xff")
                elif step == "frag":
                    await ws.send(["frag", "ment", "ed"])
                elif step == "ping":
                    pong = await ws.ping(b"py")
                    await pong
                    out("PONGED")
                elif step == "big":
                    await ws.send(b"before")
                    await ws.send(bytes(1024 * 1024))
                elif step == "recv":
                    m = await ws.recv()
                    out("GOT", m.hex() if isinstance(m, bytes) else m)
                elif step == "close":
                    await ws.close(4001, "bye")
            try:
                await asyncio.wait_for(ws.wait_closed(), 10)
            except asyncio.TimeoutError:
                pass
            out("CLOSED", ws.close_code, ws.close_reason or "-")
    except Exception as e:
        out("FAILED", type(e).__name__, e)

if sys.argv[1] == "server":
    asyncio.run(server(sys.argv[2], sys.argv[3]))
else:
    asyncio.run(client(sys.argv[2], sys.argv[3], sys.argv[4]))
"#;

/// True where python3 has the websockets package (else the test says it is skipped).
pub fn have_websockets() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import websockets"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!(
            "skipped: python3's websockets package is not installed (pip install websockets)"
        );
    }
    ok
}

/// A running Python WebSocket peer and its lines.
pub struct WsPy {
    child: Child,
    lines: super::PyLines,
}

impl WsPy {
    /// A server on an OS-assigned port (printed first), TLS with `cert`/`key` when given.
    pub fn server(tls: Option<(&str, &str)>) -> Option<(WsPy, u16)> {
        let (c, k) = tls.unwrap_or(("-", "-"));
        let mut p = WsPy::start(&["server", c, k])?;
        let port = p.line().parse().expect("the server prints its port first");
        Some((p, port))
    }

    /// A client of `url` running `script` (comma-separated steps), trusting `ca` for wss.
    pub fn client(url: &str, ca: Option<&str>, script: &str) -> Option<WsPy> {
        WsPy::start(&["client", url, ca.unwrap_or("-"), script])
    }

    fn start(args: &[&str]) -> Option<WsPy> {
        if !have_websockets() {
            return None;
        }
        let mut child = Command::new("python3")
            .arg("-c")
            .arg(PY_WS)
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .ok()?;
        let stdout = child.stdout.take()?;
        Some(WsPy {
            child,
            lines: super::PyLines::new(stdout),
        })
    }

    /// The next line the peer printed (empty once it has exited).
    pub fn line(&mut self) -> String {
        self.lines.line()
    }

    /// Lines until one starts with `prefix` (which is returned); panics on EOF.
    pub fn until(&mut self, prefix: &str) -> String {
        self.lines.until(prefix)
    }
}

impl Drop for WsPy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
