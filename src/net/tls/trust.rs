//! Whom a TLS side trusts, as devices need it. A certificate in the CA file is trusted
//! directly when the peer presents exactly it (byte-equal DER), whatever its CA flag, as
//! OpenSSL does: the self-signed `openssl req -x509` certificate of most devices (which
//! OpenSSL 3 marks CA:TRUE) works as its own trust anchor. Its validity period is still
//! checked; its names are not (those exact bytes are the peer the user named). Anything
//! else goes through webpki as before (chain, name, dates). A pin (`sha256:HEX`) accepts
//! exactly one certificate and nothing else, whatever its dates. In every case the
//! handshake's signatures are verified, so the peer holds the certificate's key.

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{
    CertificateError, DigitallySignedStruct, DistinguishedName, Error, OtherError, SignatureScheme,
};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The certificate a client's verifier last refused, for the window to show and pin.
pub(crate) type Seen = Arc<Mutex<Option<CertificateDer<'static>>>>;

/// Keeps `end_entity` in `seen` and passes the refusal on.
fn refused(seen: &Seen, end_entity: &CertificateDer<'_>, e: Error) -> Error {
    if let Ok(mut slot) = seen.lock() {
        *slot = Some(end_entity.clone().into_owned());
    }
    e
}

/// The SHA-256 of a certificate's DER: the one certificate a pinned client accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Pin(pub [u8; 32]);

/// Why a pin as typed is not one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PinProblem {
    /// A character that is not a hex digit (nor a colon, space or the `sha256:` prefix).
    NotHex,
    /// Not 64 hex digits (32 bytes): this many.
    Length { digits: usize },
}

impl Pin {
    /// `sha256:HEX`, `HEX`, with or without colons (or spaces) between the pairs, any
    /// case: what `openssl x509 -fingerprint -sha256` prints fits too.
    pub fn parse(text: &str) -> Result<Pin, PinProblem> {
        let t = text.trim();
        let lower = t.to_ascii_lowercase();
        let rest = ["sha256 fingerprint=", "sha256:", "sha256="]
            .iter()
            .find_map(|p| lower.strip_prefix(p))
            .unwrap_or(&lower);
        let mut digits = Vec::with_capacity(64);
        for ch in rest.chars() {
            match ch.to_digit(16) {
                Some(d) => digits.push(d as u8),
                None if ch == ':' || ch.is_whitespace() => {}
                None => return Err(PinProblem::NotHex),
            }
        }
        if digits.len() != 64 {
            return Err(PinProblem::Length {
                digits: digits.len(),
            });
        }
        let mut out = [0u8; 32];
        for (i, pair) in digits.chunks_exact(2).enumerate() {
            out[i] = pair[0] << 4 | pair[1];
        }
        Ok(Pin(out))
    }

    /// The pin of a DER certificate.
    pub fn of(der: &[u8]) -> Pin {
        use sha2::Digest;
        Pin(sha2::Sha256::digest(der).into())
    }

    /// Colon-separated upper-case hex pairs, as certificates are shown ([`super::CertInfo`]).
    pub fn colons(&self) -> String {
        self.0
            .iter()
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(":")
    }
}

impl std::fmt::Display for Pin {
    /// `sha256:` and lower-case hex, the form `--pin` takes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("sha256:")?;
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// A pinned client met another certificate: carried inside rustls' error (its `Other`)
/// to the problem it becomes, [`super::TlsProblem::PinMismatch`].
#[derive(Debug)]
pub(crate) struct PinMismatch {
    pub expected: Pin,
    pub actual: Pin,
}

impl std::fmt::Display for PinMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "pinned {}, presented {}", self.expected, self.actual)
    }
}

impl std::error::Error for PinMismatch {}

/// A directly trusted certificate is only good between its dates.
fn within_dates(der: &CertificateDer<'_>, now: UnixTime) -> Result<(), Error> {
    use x509_parser::prelude::{FromDer, X509Certificate};
    let (_, c) = X509Certificate::from_der(der.as_ref())
        .map_err(|_| Error::InvalidCertificate(CertificateError::BadEncoding))?;
    let at = |t: i64| UnixTime::since_unix_epoch(Duration::from_secs(t.max(0) as u64));
    let validity = c.validity();
    let (from, until) = (
        validity.not_before.timestamp(),
        validity.not_after.timestamp(),
    );
    let t = now.as_secs() as i64;
    if t < from {
        return Err(CertificateError::NotValidYetContext {
            time: now,
            not_before: at(from),
        }
        .into());
    }
    if t > until {
        return Err(CertificateError::ExpiredContext {
            time: now,
            not_after: at(until),
        }
        .into());
    }
    Ok(())
}

/// A certificate whose issuer is its own subject (self-signed, as devices make them).
fn self_issued(der: &CertificateDer<'_>) -> bool {
    use x509_parser::prelude::{FromDer, X509Certificate};
    X509Certificate::from_der(der.as_ref())
        .is_ok_and(|(_, c)| c.subject().as_raw() == c.issuer().as_raw())
}

/// webpki's verdict, said better: a self-signed CA:TRUE certificate that is not trusted
/// directly is refused for having no trusted issuer (webpki names its CA flag first).
fn after_webpki(e: Error, end_entity: &CertificateDer<'_>) -> Error {
    if let Error::InvalidCertificate(CertificateError::Other(o)) = &e
        && matches!(
            o.0.downcast_ref::<webpki::Error>(),
            Some(webpki::Error::CaUsedAsEndEntity)
        )
        && self_issued(end_entity)
    {
        return CertificateError::UnknownIssuer.into();
    }
    e
}

/// The certificates of the CA file, trusted directly when presented as they are.
#[derive(Debug, Default)]
pub(crate) struct Direct(Vec<CertificateDer<'static>>);

impl Direct {
    pub fn new(certs: Vec<CertificateDer<'static>>) -> Direct {
        Direct(certs)
    }

    /// Some(verdict) when `end_entity` is one of them.
    fn check(&self, end_entity: &CertificateDer<'_>, now: UnixTime) -> Option<Result<(), Error>> {
        self.0
            .iter()
            .any(|c| c.as_ref() == end_entity.as_ref())
            .then(|| within_dates(end_entity, now))
    }
}

/// A client's verifier: direct trust first, then webpki (the CA file or the system's
/// roots; None when there are no roots at all: only direct trust then).
#[derive(Debug)]
pub(crate) struct ServerTrust {
    pub direct: Direct,
    pub webpki: Option<Arc<WebPkiServerVerifier>>,
    pub provider: Arc<CryptoProvider>,
    pub seen: Seen,
}

impl ServerCertVerifier for ServerTrust {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let verdict = match (self.direct.check(end_entity, now), &self.webpki) {
            (Some(verdict), _) => verdict,
            (None, None) => Err(CertificateError::UnknownIssuer.into()),
            (None, Some(webpki)) => webpki
                .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
                .map(|_| ())
                .map_err(|e| after_webpki(e, end_entity)),
        };
        verdict
            .map(|()| ServerCertVerified::assertion())
            .map_err(|e| refused(&self.seen, end_entity, e))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        let algs = &self.provider.signature_verification_algorithms;
        rustls::crypto::verify_tls12_signature(message, cert, dss, algs)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        let algs = &self.provider.signature_verification_algorithms;
        rustls::crypto::verify_tls13_signature(message, cert, dss, algs)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A server's verifier of client certificates (mutual TLS): direct trust first, then
/// webpki against the CA file.
#[derive(Debug)]
pub(crate) struct ClientTrust {
    pub direct: Direct,
    pub webpki: Arc<dyn ClientCertVerifier>,
}

impl ClientCertVerifier for ClientTrust {
    fn offer_client_auth(&self) -> bool {
        self.webpki.offer_client_auth()
    }

    fn client_auth_mandatory(&self) -> bool {
        self.webpki.client_auth_mandatory()
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        self.webpki.root_hint_subjects()
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        now: UnixTime,
    ) -> Result<ClientCertVerified, Error> {
        if let Some(verdict) = self.direct.check(end_entity, now) {
            return verdict.map(|()| ClientCertVerified::assertion());
        }
        self.webpki
            .verify_client_cert(end_entity, intermediates, now)
            .map_err(|e| after_webpki(e, end_entity))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.webpki.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.webpki.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.webpki.supported_verify_schemes()
    }
}

/// A pinned client (`pin`: exactly that certificate) or, without a pin, "accept any
/// certificate". The signatures of the handshake are still checked (so the peer holds
/// the certificate's key), with the provider's algorithms.
#[derive(Debug)]
pub(crate) struct Pinned {
    pub pin: Option<Pin>,
    pub provider: Arc<CryptoProvider>,
    pub seen: Seen,
}

impl ServerCertVerifier for Pinned {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        let Some(expected) = self.pin else {
            return Ok(ServerCertVerified::assertion());
        };
        let actual = Pin::of(end_entity.as_ref());
        if actual == expected {
            return Ok(ServerCertVerified::assertion());
        }
        let why = Arc::new(PinMismatch { expected, actual });
        let e = CertificateError::Other(OtherError(why)).into();
        Err(refused(&self.seen, end_entity, e))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        let algs = &self.provider.signature_verification_algorithms;
        rustls::crypto::verify_tls12_signature(message, cert, dss, algs)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        let algs = &self.provider.signature_verification_algorithms;
        rustls::crypto::verify_tls13_signature(message, cert, dss, algs)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_are_read_with_or_without_colons_in_any_case() {
        let hex = "ab".repeat(32);
        let want = Pin([0xab; 32]);
        assert_eq!(Pin::parse(&hex), Ok(want));
        assert_eq!(Pin::parse(&format!("sha256:{hex}")), Ok(want));
        assert_eq!(Pin::parse(&format!("SHA256:{}", want.colons())), Ok(want));
        assert_eq!(
            Pin::parse(&format!(" sha256 Fingerprint={} ", want.colons())),
            Ok(want)
        );
        assert_eq!(Pin::parse(&want.to_string()), Ok(want));
        assert_eq!(Pin::parse("sha1:abcd"), Err(PinProblem::NotHex));
        assert_eq!(Pin::parse("zz"), Err(PinProblem::NotHex));
        assert_eq!(Pin::parse("abcd"), Err(PinProblem::Length { digits: 4 }));
        assert_eq!(Pin::parse(""), Err(PinProblem::Length { digits: 0 }));
        assert_eq!(Pin::of(b"").to_string().len(), 7 + 64);
    }
}
