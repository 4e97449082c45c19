//! A test PKI for the TLS tests (rcgen): a CA, server and client certificates signed by
//! it (valid or expired), written as PEM files in a temporary folder; a Python `ssl`
//! peer (an independent TLS implementation: OpenSSL) driven by a small script; and the
//! `openssl` command: certificates made as devices make them, and `openssl s_server`.

#![allow(dead_code)]

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

pub struct Pki {
    pub dir: tempfile::TempDir,
    ca: CertifiedIssuer<'static, KeyPair>,
}

/// A certificate and its key, as PEM files.
#[derive(Clone, Debug)]
pub struct Pair {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl Pki {
    pub fn new() -> Pki {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params
            .distinguished_name
            .push(DnType::CommonName, "Socket Tester Test CA");
        params.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        let ca = CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("ca.pem"), ca.pem()).unwrap();
        Pki { dir, ca }
    }

    pub fn ca(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    /// A certificate named `cn` for `names`, signed by the CA: for a server or a client,
    /// expired or not.
    pub fn issue(&self, cn: &str, names: &[&str], client: bool, expired: bool) -> Pair {
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        let mut params = CertificateParams::new(names).unwrap();
        params.distinguished_name.push(DnType::CommonName, cn);
        params.extended_key_usages = vec![if client {
            ExtendedKeyUsagePurpose::ClientAuth
        } else {
            ExtendedKeyUsagePurpose::ServerAuth
        }];
        if expired {
            params.not_before = rcgen::date_time_ymd(2019, 1, 1);
            params.not_after = rcgen::date_time_ymd(2020, 1, 1);
        }
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &self.ca).unwrap();
        let stem = cn.replace(' ', "_");
        let pair = Pair {
            cert: self.dir.path().join(format!("{stem}.pem")),
            key: self.dir.path().join(format!("{stem}.key")),
        };
        std::fs::write(&pair.cert, cert.pem()).unwrap();
        std::fs::write(&pair.key, key.serialize_pem()).unwrap();
        pair
    }

    /// The usual server certificate: localhost and 127.0.0.1.
    pub fn server(&self) -> Pair {
        self.issue("localhost", &["localhost", "127.0.0.1"], false, false)
    }
}

/// The Python peer. `server CERT KEY CA|- MODE [ARG]` listens on an OS-assigned port and
/// prints it; `client PORT CA CERT|- KEY|- MESSAGE` connects. Each prints what happened,
/// one line at a time: VERSION, GOT, SUBJECT, HANDSHAKE-FAILED, HASH…
pub const PY_PEER: &str = r#"
import hashlib, socket, ssl, sys

def out(*a):
    print(*a, flush=True)

mode = sys.argv[1]
if mode == "server":
    cert, key, ca, what = sys.argv[2:6]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    if ca != "-":
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(ca)
    if what == "tls12-cbc":
        ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_ciphers("AES128-SHA")
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    out(s.getsockname()[1])
    c, _ = s.accept()
    c.settimeout(30)
    try:
        t = ctx.wrap_socket(c, server_side=True)
    except Exception as e:
        out("HANDSHAKE-FAILED", type(e).__name__, e)
        sys.exit(0)
    out("VERSION", t.version())
    try:
        if what == "hash":
            want = int(sys.argv[6])
            h, n = hashlib.sha256(), 0
            while n < want:
                b = t.recv(1 << 20)
                if not b:
                    break
                h.update(b)
                n += len(b)
            t.sendall(("%d %s\n" % (n, h.hexdigest())).encode())
            out("HASH", n, h.hexdigest())
        else:
            peer = t.getpeercert()
            if peer:
                out("SUBJECT", dict(x[0] for x in peer["subject"])["commonName"])
            data = t.recv(4096)
            out("GOT", data.decode("gbk"))
            t.sendall("收到啦我反馈".encode("gbk"))
        rest = t.recv(4096)
        out("END", len(rest))
    except Exception as e:
        out("FAILED", type(e).__name__, e)
elif mode == "client":
    port, ca, cert, key, message = sys.argv[2:7]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(ca)
    if cert != "-":
        ctx.load_cert_chain(cert, key)
    raw = socket.create_connection(("127.0.0.1", int(port)), timeout=30)
    try:
        t = ctx.wrap_socket(raw, server_hostname="localhost")
        out("VERSION", t.version())
        der = t.getpeercert(binary_form=True)
        out("FINGERPRINT", hashlib.sha256(der).hexdigest())
        t.sendall(message.encode("gbk"))
        data = t.recv(4096)
        if not data:
            out("CLOSED")
        else:
            out("GOT", data.decode("gbk"))
        t.close()
    except Exception as e:
        out("HANDSHAKE-FAILED", type(e).__name__, e)
elif mode == "plain-client":
    port, message = sys.argv[2:4]
    raw = socket.create_connection(("127.0.0.1", int(port)), timeout=30)
    raw.sendall(message.encode())
    out("SENT")
    raw.recv(100)
"#;

/// A running Python peer and its lines.
pub struct Py {
    pub child: Child,
    pub stdin: Option<ChildStdin>,
    lines: super::PyLines,
}

impl Py {
    /// Starts the peer, or None (with a message) where python3 is missing.
    pub fn start(args: &[&str]) -> Option<Py> {
        let mut child = match Command::new("python3")
            .arg("-c")
            .arg(PY_PEER)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
        {
            Ok(c) => c,
            Err(_) => {
                eprintln!("skipped: python3 is not installed");
                return None;
            }
        };
        let stdout = child.stdout.take().unwrap();
        Some(Py {
            stdin: child.stdin.take(),
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

    pub fn port(&mut self) -> u16 {
        self.line().parse().expect("the peer prints its port first")
    }

    pub fn write(&mut self, s: &str) {
        if let Some(i) = self.stdin.as_mut() {
            let _ = i.write_all(s.as_bytes());
            let _ = i.flush();
        }
    }
}

impl Drop for Py {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn have_openssl() -> bool {
    let ok = Command::new("openssl")
        .arg("version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("skipped: the openssl command is not installed");
    }
    ok
}

pub fn openssl(args: &[&str]) -> String {
    let out = Command::new("openssl").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The certificate of the issue: `openssl req -x509` as devices and tutorials make it
/// (CA:TRUE with OpenSSL 3), for gateway.local and 127.0.0.1, with `extra` arguments.
pub fn device_cert(dir: &Path, stem: &str, extra: &[&str]) -> Pair {
    let pair = Pair {
        cert: dir.join(format!("{stem}.pem")),
        key: dir.join(format!("{stem}.key")),
    };
    let mut args = vec![
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        s(&pair.key),
        "-out",
        s(&pair.cert),
        "-days",
        "30",
        "-subj",
        "/CN=gateway.local",
        "-addext",
        "subjectAltName=DNS:gateway.local,IP:127.0.0.1",
    ];
    args.extend_from_slice(extra);
    openssl(&args);
    pair
}

/// SHA-256 of the certificate, as `openssl x509 -fingerprint` prints it (AB:CD:…).
pub fn fingerprint(cert: &Path) -> String {
    let out = openssl(&["x509", "-noout", "-fingerprint", "-sha256", "-in", s(cert)]);
    out.trim().split('=').nth(1).unwrap().to_string()
}

/// `openssl s_server` serving `pair` on an OS-assigned port.
pub struct SServer {
    child: Child,
    pub port: u16,
    pub out: BufReader<ChildStdout>,
    pub input: ChildStdin,
}

impl SServer {
    pub fn start(pair: &Pair) -> SServer {
        let port = super::free_tcp_port();
        let mut child = Command::new("openssl")
            .args(["s_server", "-quiet", "-accept", &port.to_string()])
            .args(["-cert", s(&pair.cert), "-key", s(&pair.key)])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = BufReader::new(child.stdout.take().unwrap());
        let input = child.stdin.take().unwrap();
        let t = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "s_server did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        SServer {
            child,
            port,
            out,
            input,
        }
    }
}

impl Drop for SServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
