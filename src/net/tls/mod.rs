//! TLS on the TCP tabs (rustls with the ring provider): what the user asks for
//! ([`TlsOptions`]), what a handshake tells ([`TlsInfo`], [`CertInfo`]) and how it fails
//! ([`TlsProblem`]), all typed so the window words them in its own language. Building the
//! rustls configurations is in `config`, the record layer wrapped around a connection's
//! socket in `stream`.

mod config;
mod reason;
pub(crate) mod stream;
mod trust;

pub(crate) use config::{Built, build};
pub(crate) use stream::TlsStream;
pub use trust::{Pin, PinProblem};

use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// What a TCP session's TLS should be. Paths are read when the session starts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsOptions {
    /// Server: its certificate chain (PEM). Client: a certificate for mutual TLS.
    /// None on a server: a self-signed certificate kept in `self_signed_dir`.
    pub cert: Option<PathBuf>,
    /// The private key (PEM) that goes with `cert`.
    pub key: Option<PathBuf>,
    /// Client: verify the server against these CA certificates (PEM) instead of the
    /// system's roots. Server: ask every client for a certificate issued by these. Either
    /// way a certificate of this file presented as it is (a device's self-signed one,
    /// CA:TRUE or not) is trusted directly, as OpenSSL does, between its dates.
    pub ca: Option<PathBuf>,
    /// Client: accept exactly the certificate with this SHA-256 and nothing else (no CA,
    /// name or date is checked; the peer must still hold its key).
    pub pin: Option<Pin>,
    /// Client: the name sent as SNI and checked against the certificate (default: the
    /// host typed in the address).
    pub sni: Option<String>,
    /// ALPN protocols to offer (client) or accept (server), in order of preference.
    pub alpn: Vec<String>,
    /// Client: accept any certificate (a device with a self-signed one). The handshake
    /// still encrypts, but nobody checks who is on the other end.
    pub insecure: bool,
    /// Server without `cert`: where the self-signed certificate is made on first use and
    /// kept (`tls-cert.pem`, `tls-key.pem`).
    pub self_signed_dir: Option<PathBuf>,
}

/// A certificate, as a person compares it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertInfo {
    pub subject: String,
    pub issuer: String,
    /// RFC 3339, UTC.
    pub not_before: String,
    pub not_after: String,
    /// SHA-256 of the DER certificate, as colon-separated upper-case hex pairs.
    pub sha256: String,
    /// DNS names and IP addresses it is valid for.
    pub names: Vec<String>,
}

/// Where a TLS server's certificate came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CertSource {
    /// The user's PEM file.
    File { path: String },
    /// Self-signed, made now and kept at `path`.
    Generated { path: String },
    /// Self-signed, made earlier and read from `path`.
    Kept { path: String },
}

/// What a finished handshake negotiated.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsInfo {
    /// "TLSv1.3" or "TLSv1.2".
    pub version: String,
    /// The IANA name, e.g. TLS13_AES_256_GCM_SHA384.
    pub cipher: String,
    pub alpn: Option<String>,
    /// The other side's certificate (a server's; a client's only with mutual TLS).
    pub peer_cert: Option<CertInfo>,
    /// Client: the certificate was not checked (`insecure`).
    pub unverified: bool,
}

/// Which of the user's files a problem is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TlsFile {
    Cert,
    Key,
    Ca,
    /// The self-signed certificate in the data folder.
    SelfSigned,
}

/// Why TLS failed, typed so that each language says it in its own words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TlsProblem {
    /// The peer's certificate is signed by no CA this side trusts (self-signed, or a
    /// private CA not given with --ca).
    UnknownIssuer,
    /// The peer's certificate has expired.
    Expired,
    /// The peer's certificate is not valid yet.
    NotYetValid,
    /// The certificate's signature does not verify against the CA that names it as its
    /// issuer: a different certificate with the same name (a server that made a new one).
    WrongSigner,
    /// The certificate is not for the name the client asked for.
    NameMismatch { name: String },
    /// The peer's certificate has been revoked by its CA.
    Revoked,
    /// The peer's certificate is a CA certificate (CA:TRUE) issued by another, used as
    /// the peer's own, and not trusted directly.
    CaAsEndEntity,
    /// A certificate of the peer's chain signs another but is not a CA certificate.
    NotACa,
    /// The peer's chain breaks a CA's constraints (names, path length, depth).
    ChainConstraints,
    /// The peer's certificate is not for this use (its extended key usage).
    WrongPurpose,
    /// The peer's certificate cannot be read (malformed, or a version not supported).
    BadEncoding,
    /// The peer's certificate is signed with an algorithm this side does not support.
    UnsupportedAlgorithm,
    /// The peer's certificate has a critical extension this side does not know.
    UnknownCriticalExtension,
    /// The peer's certificate is not the pinned one. Both as colon-separated hex pairs.
    PinMismatch { expected: String, actual: String },
    /// Some other problem with the peer's certificate (rustls' words, never its Debug
    /// text).
    BadCertificate { why: String },
    /// The server asks for a client certificate and this client has none to give.
    ClientCertRequired,
    /// The client gave no certificate, and this server requires one (mutual TLS).
    NoClientCert,
    /// The peer refused the handshake with this TLS alert (e.g. handshake_failure).
    Alert { alert: String },
    /// What arrived is not TLS: a plaintext peer on a TLS port.
    NotTls,
    /// The peer closed the connection in the middle of the handshake.
    ClosedInHandshake,
    /// No handshake within this many seconds (a plaintext server waits for us to speak).
    HandshakeTimeout { secs: u64 },
    /// Another handshake failure (rustls' words).
    Handshake { why: String },
    /// A certificate, key or CA file could not be used.
    File {
        file: TlsFile,
        path: String,
        why: String,
    },
    /// The SNI name (or the host) is not a valid DNS name or IP address.
    BadName { name: String },
}

impl TlsProblem {
    /// The English sentence (records, exports, headless output).
    pub fn english(&self) -> String {
        match self {
            TlsProblem::UnknownIssuer => "TLS: the peer's certificate is signed by an unknown issuer (self-signed or a private CA): give its CA file (or the certificate itself), pin it, or accept any certificate".into(),
            TlsProblem::Expired => "TLS: the peer's certificate has expired".into(),
            TlsProblem::NotYetValid => "TLS: the peer's certificate is not valid yet (check both clocks)".into(),
            TlsProblem::WrongSigner => "TLS: the peer's certificate is not signed by the CA given, though it names it (a new certificate with the same name?)".into(),
            TlsProblem::NameMismatch { name } => format!("TLS: the certificate is not for \"{name}\" (set SNI to a name the certificate lists)"),
            TlsProblem::Revoked => "TLS: the peer's certificate has been revoked by its CA".into(),
            TlsProblem::CaAsEndEntity => "TLS: the peer's certificate is a CA certificate (CA:TRUE) used as its own, and not one trusted directly (give that very certificate as the CA file, or pin it)".into(),
            TlsProblem::NotACa => "TLS: a certificate in the peer's chain signs another but is not a CA certificate".into(),
            TlsProblem::ChainConstraints => "TLS: the peer's certificate chain breaks a constraint of its CA (names, path length or depth)".into(),
            TlsProblem::WrongPurpose => "TLS: the peer's certificate is not for this use (its extended key usage does not allow it)".into(),
            TlsProblem::BadEncoding => "TLS: the peer's certificate cannot be read (malformed, or a version not supported)".into(),
            TlsProblem::UnsupportedAlgorithm => "TLS: the peer's certificate is signed with an algorithm this side does not support".into(),
            TlsProblem::UnknownCriticalExtension => "TLS: the peer's certificate has a critical extension this side does not know".into(),
            TlsProblem::PinMismatch { expected, actual } => format!("TLS: the peer's certificate is not the pinned one: pinned SHA-256 {expected}, presented SHA-256 {actual}"),
            TlsProblem::BadCertificate { why } => format!("TLS: the peer's certificate was rejected: {why}"),
            TlsProblem::ClientCertRequired => "TLS: the server requires a client certificate (give --cert and --key)".into(),
            TlsProblem::NoClientCert => "TLS: the client sent no certificate, and this server requires one".into(),
            TlsProblem::Alert { alert } => format!("TLS: the peer ended the handshake with the alert {alert}"),
            TlsProblem::NotTls => "TLS: the peer does not speak TLS (a plaintext peer on a TLS port?)".into(),
            TlsProblem::ClosedInHandshake => "TLS: the peer closed the connection during the handshake (it may not speak TLS, or it refused this side's certificate)".into(),
            TlsProblem::HandshakeTimeout { secs } => format!("TLS: no handshake after {secs} s (the peer may speak plaintext and wait for us)"),
            TlsProblem::Handshake { why } => format!("TLS handshake failed: {why}"),
            TlsProblem::File { file, path, why } => {
                let what = match file {
                    TlsFile::Cert => "certificate",
                    TlsFile::Key => "private key",
                    TlsFile::Ca => "CA",
                    TlsFile::SelfSigned => "self-signed certificate",
                };
                format!("TLS: cannot use the {what} file {path}: {why}")
            }
            TlsProblem::BadName { name } => format!("TLS: \"{name}\" is not a valid server name for SNI"),
        }
    }
}

/// True if `name` can be sent as SNI and checked against a certificate: a DNS name or an
/// IP address.
pub fn valid_server_name(name: &str) -> bool {
    rustls::pki_types::ServerName::try_from(name.to_string()).is_ok()
}

/// A TLS record header at the start of `b`: a plaintext side sees a TLS peer.
pub fn looks_like_tls(b: &[u8]) -> bool {
    // ContentType handshake (22) or alert (21), legacy version 3.x, x <= 4.
    b.len() >= 3 && matches!(b[0], 0x15 | 0x16) && b[1] == 3 && b[2] <= 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_hello_looks_like_tls_and_text_does_not() {
        assert!(looks_like_tls(&[0x16, 3, 1, 0, 0xc8, 1]));
        assert!(!looks_like_tls(b"GET / HTTP/1.1\r\n"));
        assert!(!looks_like_tls(&[0x16, 3]));
    }
}
