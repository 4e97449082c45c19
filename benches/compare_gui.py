#!/usr/bin/env python3
"""Socket Tester's window against Packet Sender's, on the same paced UDP floods.

    python3 benches/compare_gui.py [--rates 20000,50000,150000] [--secs 5]
                                   [--exe target/release/socket-tester]

For each rate, each tool runs fresh in its own Xvfb display (1280x800x24) with its UDP
receiver bound to an OS-assigned free port on 127.0.0.1:

- ours: `socket-tester udp-recv --bind 127.0.0.1:PORT` (the window, not --headless), with
  SOCKET_TESTER_DATA_DIR, XDG_* and HOME in a temp dir;
- Packet Sender: its GUI, with `udpPort=PORT`, `ipMode=127.0.0.1` and its TCP and SSL
  servers off in `ps_settings.ini` under a temporary HOME
  (`$XDG_DATA_HOME/PacketSender/ps_settings.ini`, where 8.x keeps its settings), update
  checks off.

Once the port is bound (seen in /proc/net/udp) and 2 s have passed, this script floods
64-byte datagrams paced at the rate for --secs seconds (bursts timed with
time.perf_counter; the rate actually achieved is printed), then waits until the socket's
receive queue is empty or 10 s have passed. What the tool kept is read in a way that does
not depend on the tool: the kernel's drop counter of its socket (the `drops` column of
/proc/net/udp), so kept = (sent - drops - still queued) / sent; datagrams still queued
after 10 s count as not kept (their number is estimated from the queue's bytes and the
kernel's per-datagram charge, measured on a socket of our own). For our window the spool
is also counted (through `socket-tester export`) as a cross-check.

Output, one line per rate in the project's bench format, Packet Sender measured in the
same run as the baseline:

    BENCH compare_kept_<rate> <ours> kept baseline <packetsender> kept(packetsender) ratio <r>

and `#` lines with the details. Skipped (exit 0, with a message) when Packet Sender, Xvfb
or xrandr (Packet Sender 8.x on Linux refuses to start when `xrandr` cannot run) is
missing, or when the socket-tester binary is not built. Only 127.0.0.1 is ever addressed.
Everything this script starts is killed at the end, also on Ctrl-C or an error.
"""

import argparse
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

PAYLOAD = bytes(range(64))  # 64-byte datagrams
HOST = "127.0.0.1"
SETTLE_S = 2.0  # after the port is bound, before the flood
DRAIN_TIMEOUT_S = 10.0

_started = []  # Popen objects started by this script, killed in cleanup()


def say(msg):
    print("# compare_gui: " + msg, flush=True)


# ---------------------------------------------------------------------------------------
# Processes


def start(args, **kw):
    """Starts a process in its own process group and remembers it for cleanup()."""
    p = subprocess.Popen(args, start_new_session=True, **kw)
    _started.append(p)
    return p


def stop(p):
    """Kills a process this script started (and its process group, which it leads)."""
    if p.poll() is None:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            try:
                p.kill()
            except ProcessLookupError:
                pass
    try:
        p.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    if p in _started:
        _started.remove(p)


def cleanup():
    for p in list(reversed(_started)):
        stop(p)


def _on_signal(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


class Xvfb:
    """An Xvfb server on a display it picks itself (-displayfd)."""

    def __init__(self):
        r, w = os.pipe()
        self.proc = start(
            ["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
            pass_fds=(w,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(w)
        buf = b""
        deadline = time.monotonic() + 15
        while b"\n" not in buf and time.monotonic() < deadline:
            chunk = os.read(r, 64)
            if not chunk:
                break
            buf += chunk
        os.close(r)
        if b"\n" not in buf:
            stop(self.proc)
            raise RuntimeError("Xvfb did not start")
        self.display = ":" + buf.decode().strip()


# ---------------------------------------------------------------------------------------
# The kernel's view of a UDP socket


def udp_rows(port):
    """Rows of /proc/net/udp and /proc/net/udp6 whose local port is `port`:
    dicts with addr, rx_queue (bytes charged), drops, inode."""
    rows = []
    for path in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            with open(path) as f:
                lines = f.readlines()[1:]
        except OSError:
            continue
        for line in lines:
            c = line.split()
            if len(c) < 13:
                continue
            addr, p = c[1].rsplit(":", 1)
            if int(p, 16) != port:
                continue
            _tx, rx = c[4].split(":")
            rows.append(
                {"addr": addr, "rx_queue": int(rx, 16), "drops": int(c[12]), "inode": c[9]}
            )
    return rows


def udp_totals(port):
    rows = udp_rows(port)
    return sum(r["rx_queue"] for r in rows), sum(r["drops"] for r in rows), len(rows)


def rcvbuf_of(port):
    """The socket's receive buffer (`rb` of `ss -m`), or None without ss."""
    if not shutil.which("ss"):
        return None
    try:
        out = subprocess.run(
            ["ss", "-Hulnm", f"sport = :{port}"], capture_output=True, text=True, timeout=5
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    i = out.find(",rb")
    if i < 0:
        return None
    j = i + 3
    while j < len(out) and out[j].isdigit():
        j += 1
    return int(out[i + 3 : j]) if j > i + 3 else None


def free_port():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((HOST, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def per_datagram_charge():
    """Bytes one queued 64-byte datagram adds to rx_queue, measured on our own socket."""
    r = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    r.bind((HOST, 0))
    port = r.getsockname()[1]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        for _ in range(4):
            s.sendto(PAYLOAD, (HOST, port))
        time.sleep(0.1)
        q, _d, _n = udp_totals(port)
        return max(1, q // 4) if q else 768
    finally:
        s.close()
        r.close()


# ---------------------------------------------------------------------------------------
# The flood


def flood(port, rate, secs):
    """Sends 64-byte datagrams to 127.0.0.1:port paced at `rate`/s for `secs` s.
    Returns (sent, errors, elapsed seconds)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((HOST, 0))
    s.connect((HOST, port))
    send = s.send
    total = int(rate * secs)
    burst = max(1, rate // 2000)  # at most 0.5 ms of traffic at a time
    sent = errors = 0
    clock = time.perf_counter
    t0 = clock()
    try:
        while sent < total:
            due = min(total, int((clock() - t0) * rate))
            if due <= sent:
                time.sleep(0.0002)
                continue
            n = min(burst, due - sent)
            for _ in range(n):
                try:
                    send(PAYLOAD)
                    sent += 1
                except OSError:  # ENOBUFS, ECONNREFUSED: counted, not retried
                    errors += 1
                    total -= 1
    finally:
        elapsed = clock() - t0
        s.close()
    return sent, errors, elapsed


# ---------------------------------------------------------------------------------------
# The tools


class Ours:
    name = "ours"

    def __init__(self, exe, display, port, tmp):
        self.exe, self.tmp = exe, tmp
        env = dict(os.environ)
        env.update(
            DISPLAY=display,
            SOCKET_TESTER_DATA_DIR=tmp,
            HOME=tmp,
            XDG_DATA_HOME=os.path.join(tmp, "xdg-data"),
            XDG_CONFIG_HOME=os.path.join(tmp, "xdg-config"),
            LANG="C.UTF-8",
        )
        env.pop("WAYLAND_DISPLAY", None)
        self.stderr = open(os.path.join(tmp, "stderr.txt"), "wb")
        self.proc = start(
            [exe, "udp-recv", "--bind", f"{HOST}:{port}"],
            env=env,
            cwd=tmp,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self.stderr,
        )

    def spool_files(self):
        return sorted(glob.glob(os.path.join(self.tmp, "spool-*")))

    def wait_spool_still(self, timeout):
        """Waits until the spool stops growing (unchanged for 1 s) or `timeout` s."""
        last, still_since = -1, time.monotonic()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            size = sum(os.path.getsize(p) for p in self.spool_files() if os.path.exists(p))
            if size != last:
                last, still_since = size, time.monotonic()
            elif time.monotonic() - still_since >= 1.0:
                break
            time.sleep(0.1)

    def cross_check(self):
        """Datagrams in the window's spool (via `socket-tester export`), or None."""
        self.wait_spool_still(10)
        n = 0
        files = self.spool_files()
        if not files:
            return None
        for i, path in enumerate(files):
            snap = os.path.join(self.tmp, f"snap-{i}{os.path.splitext(path)[1]}")
            out = os.path.join(self.tmp, f"snap-{i}.jsonl")
            shutil.copyfile(path, snap)
            r = subprocess.run(
                [self.exe, "export", snap, "--to", out],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=120,
            )
            if r.returncode not in (0, 3) or not os.path.exists(out):
                return None
            with open(out, encoding="utf-8", errors="replace") as f:
                for line in f:
                    try:
                        if json.loads(line).get("event") == "rx":
                            n += 1
                    except ValueError:
                        pass
            os.remove(snap)
            os.remove(out)
        return n

    def close(self):
        stop(self.proc)
        self.stderr.close()


class PacketSender:
    name = "packetsender"

    def __init__(self, display, port, tmp):
        data = os.path.join(tmp, ".local", "share")
        os.makedirs(os.path.join(data, "PacketSender"))
        with open(os.path.join(data, "PacketSender", "ps_settings.ini"), "w") as f:
            f.write(
                "[General]\n"
                f"udpPort={port}\n"
                f"ipMode={HOST}\n"
                "udpServerEnable=true\n"
                "tcpServerEnable=false\n"
                "sslServerEnable=false\n"
                "tcpPort=0\n"
                "sslPort=0\n"
                "checkforUpdatesAsked=true\n"
                "checkforUpdates=false\n"
                # Newer than any release, so no "updated, read the release notes?" box.
                "SW_VERSION=99.99.99\n"
            )
        env = dict(os.environ)
        env.update(
            DISPLAY=display,
            HOME=tmp,
            XDG_DATA_HOME=data,
            XDG_CONFIG_HOME=os.path.join(tmp, ".config"),
            XDG_CACHE_HOME=os.path.join(tmp, ".cache"),
            LANG="C.UTF-8",
        )
        env.pop("WAYLAND_DISPLAY", None)
        self.stderr = open(os.path.join(tmp, "stderr.txt"), "wb")
        # cwd = tmp, which has no ps_settings.ini or portablemode.txt of its own.
        self.proc = start(
            ["packetsender"],
            env=env,
            cwd=tmp,
            stdin=subprocess.DEVNULL,
            stdout=self.stderr,
            stderr=self.stderr,
        )

    def cross_check(self):
        return None

    def close(self):
        stop(self.proc)
        self.stderr.close()


def wait_bound(tool, port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if tool.proc.poll() is not None:
            raise RuntimeError(f"{tool.name} exited at start (status {tool.proc.returncode})")
        rows = udp_rows(port)
        if rows:
            bad = [r["addr"] for r in rows if r["addr"] != "0100007F"]
            if bad:
                raise RuntimeError(f"{tool.name} bound port {port} on {bad}, not 127.0.0.1")
            return
        time.sleep(0.05)
    raise RuntimeError(f"{tool.name} did not bind 127.0.0.1:{port} within {timeout} s")


def measure(tool_name, make, rate, secs, display, charge):
    """One fresh run of a tool at one rate. Returns a dict of figures."""
    tmp = tempfile.mkdtemp(prefix=f"compare-gui-{tool_name}-")
    tool = None
    try:
        port = free_port()
        tool = make(display, port, tmp)
        wait_bound(tool, port)
        time.sleep(SETTLE_S)
        rcvbuf = rcvbuf_of(port)
        _q0, drops0, _n = udp_totals(port)
        sent, errors, elapsed = flood(port, rate, secs)
        t = time.monotonic()
        while True:
            queued, drops, _n = udp_totals(port)
            if queued == 0 or time.monotonic() - t >= DRAIN_TIMEOUT_S:
                break
            time.sleep(0.05)
        drained_s = time.monotonic() - t
        drops -= drops0
        queued_n = -(-queued // charge)  # ceiling: an estimate
        kept_n = max(0, sent - drops - queued_n)
        spool = tool.cross_check()
        return {
            "tool": tool_name,
            "port": port,
            "sent": sent,
            "errors": errors,
            "secs": elapsed,
            "achieved": sent / elapsed if elapsed > 0 else 0.0,
            "drops": drops,
            "queued_bytes": queued,
            "queued": queued_n,
            "drained_s": drained_s,
            "kept": kept_n / sent if sent else 0.0,
            "rcvbuf": rcvbuf,
            "spool": spool,
        }
    finally:
        if tool is not None:
            tool.close()
        shutil.rmtree(tmp, ignore_errors=True)


def detail(rate, r):
    line = (
        f"rate {rate}/s {r['tool']}: sent {r['sent']} in {r['secs']:.2f} s "
        f"(achieved {r['achieved']:.0f}/s, {r['errors']} send errors), "
        f"kernel drops {r['drops']}, still queued after {r['drained_s']:.1f} s "
        f"{r['queued_bytes']} B (~{r['queued']} datagrams), kept {r['kept']:.4f}"
    )
    if r["rcvbuf"] is not None:
        line += f", rcvbuf {r['rcvbuf']} B"
    if r["spool"] is not None:
        line += f"; spool holds {r['spool']} datagrams ({r['spool'] / r['sent']:.4f} of sent)"
    say(line)


def load():
    """The 1-minute load average: these figures depend on how busy the machine is."""
    try:
        return f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    except OSError:
        return "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rates", default="20000,50000,150000")
    ap.add_argument("--secs", type=float, default=5.0)
    ap.add_argument("--exe", default="target/release/socket-tester")
    a = ap.parse_args()
    rates = [int(x) for x in a.rates.split(",") if x.strip()]

    if not shutil.which("packetsender"):
        say("skipped: Packet Sender is not installed (apt-get install packetsender)")
        return 0
    if not shutil.which("Xvfb"):
        say("skipped: Xvfb is not installed (apt-get install xvfb)")
        return 0
    if not shutil.which("xrandr"):
        say(
            "skipped: xrandr is not installed, and Packet Sender 8.x will not start "
            "without it (apt-get install x11-xserver-utils)"
        )
        return 0
    exe = a.exe
    if not os.path.isabs(exe) and not os.path.exists(exe):
        alt = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", exe)
        if os.path.exists(alt):
            exe = alt
    exe = os.path.abspath(exe)
    if not os.access(exe, os.X_OK):
        say(f"skipped: {exe} is not built (cargo build --release)")
        return 0

    # SIGINT too: a shell starts background jobs with it ignored.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    try:
        ps_version = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", "packetsender"],
            capture_output=True,
            text=True,
        ).stdout.strip() or "unknown"
    except OSError:
        ps_version = "unknown"
    charge = per_datagram_charge()
    say(
        f"ours = {exe} (window); packetsender {ps_version}; 64-byte datagrams for {a.secs:g} s "
        f"per rate; each tool fresh per rate on its own Xvfb 1280x800x24; "
        f"a queued datagram is charged {charge} B; load average {load()}"
    )
    try:
        x_ours, x_ps = Xvfb(), Xvfb()
        tools = [
            ("ours", lambda d, p, t: Ours(exe, d, p, t), x_ours.display),
            ("packetsender", lambda d, p, t: PacketSender(d, p, t), x_ps.display),
        ]
        for rate in rates:
            res = {}
            for name, make, display in tools:
                r = measure(name, make, rate, a.secs, display, charge)
                res[name] = r
                detail(rate, r)
            ours, ps = res["ours"]["kept"], res["packetsender"]["kept"]
            ratio = f"{ours / ps:.3f}" if ps > 0 else "-"
            print(
                f"BENCH compare_kept_{rate} {ours:.3f} kept baseline {ps:.3f} "
                f"kept(packetsender) ratio {ratio}",
                flush=True,
            )
        say(f"done; load average {load()}")
    except KeyboardInterrupt:
        say("interrupted")
        return 130
    finally:
        cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
