//! TLS events in words: a finished handshake, the server's certificate, a plaintext side
//! that sees a TLS peer, and every [`TlsProblem`], in any UI language (`tls-*` and
//! `ev-tls-*` messages of the Fluent files, checked at build time by `fl!`).

use crate::i18n::{Lang, loader};
use crate::net::tls::{CertInfo, CertSource, TlsFile, TlsInfo, TlsProblem};
use i18n_embed_fl::fl;

/// "TLS ready: TLSv1.3, TLS13_AES_256_GCM_SHA384, ALPN h2; peer certificate …".
pub fn ready(lang: Lang, info: &TlsInfo) -> String {
    let l = loader(lang);
    let alpn = info
        .alpn
        .as_ref()
        .map(|a| fl!(l, "ev-tls-alpn", alpn = a.as_str()))
        .unwrap_or_default();
    let cert = match &info.peer_cert {
        Some(c) => peer_cert(lang, c),
        None => String::new(),
    };
    let unverified = if info.unverified {
        fl!(l, "ev-tls-unverified")
    } else {
        String::new()
    };
    fl!(
        l,
        "ev-tls-ready",
        version = info.version.as_str(),
        cipher = info.cipher.as_str(),
        alpn = alpn,
        cert = cert,
        unverified = unverified
    )
}

fn peer_cert(lang: Lang, c: &CertInfo) -> String {
    fl!(
        loader(lang),
        "ev-tls-peer-cert",
        subject = c.subject.as_str(),
        issuer = c.issuer.as_str(),
        from = c.not_before.as_str(),
        until = c.not_after.as_str(),
        sha = c.sha256.as_str()
    )
}

/// The certificate a TLS client refused: what to compare, and the pin that would trust it.
pub fn refused_cert(lang: Lang, c: &CertInfo) -> String {
    fl!(
        loader(lang),
        "ev-tls-refused-cert",
        subject = c.subject.as_str(),
        issuer = c.issuer.as_str(),
        from = c.not_before.as_str(),
        until = c.not_after.as_str(),
        sha = c.sha256.as_str()
    )
}

/// The TLS server's certificate and where it came from.
pub fn server_cert(lang: Lang, cert: &CertInfo, source: &CertSource) -> String {
    let l = loader(lang);
    let from = match source {
        CertSource::File { path } => fl!(l, "tls-source-file", path = path.as_str()),
        CertSource::Generated { path } => fl!(l, "tls-source-generated", path = path.as_str()),
        CertSource::Kept { path } => fl!(l, "tls-source-kept", path = path.as_str()),
    };
    fl!(
        l,
        "ev-tls-server-cert",
        subject = cert.subject.as_str(),
        until = cert.not_after.as_str(),
        sha = cert.sha256.as_str(),
        source = from
    )
}

/// Why TLS failed, in `lang`.
pub fn problem(lang: Lang, p: &TlsProblem) -> String {
    let l = loader(lang);
    match p {
        TlsProblem::UnknownIssuer => fl!(l, "tls-err-unknown-issuer"),
        TlsProblem::Expired => fl!(l, "tls-err-expired"),
        TlsProblem::NotYetValid => fl!(l, "tls-err-not-yet-valid"),
        TlsProblem::WrongSigner => fl!(l, "tls-err-wrong-signer"),
        TlsProblem::NameMismatch { name } => fl!(l, "tls-err-name", name = name.as_str()),
        TlsProblem::Revoked => fl!(l, "tls-err-revoked"),
        TlsProblem::CaAsEndEntity => fl!(l, "tls-err-ca-as-end-entity"),
        TlsProblem::NotACa => fl!(l, "tls-err-not-a-ca"),
        TlsProblem::ChainConstraints => fl!(l, "tls-err-chain-constraints"),
        TlsProblem::WrongPurpose => fl!(l, "tls-err-wrong-purpose"),
        TlsProblem::BadEncoding => fl!(l, "tls-err-bad-encoding"),
        TlsProblem::UnsupportedAlgorithm => fl!(l, "tls-err-unsupported-algorithm"),
        TlsProblem::UnknownCriticalExtension => fl!(l, "tls-err-critical-extension"),
        TlsProblem::PinMismatch { expected, actual } => fl!(
            l,
            "tls-err-pin",
            expected = expected.as_str(),
            actual = actual.as_str()
        ),
        TlsProblem::BadCertificate { why } => fl!(l, "tls-err-bad-cert", why = why.as_str()),
        TlsProblem::ClientCertRequired => fl!(l, "tls-err-client-cert-required"),
        TlsProblem::NoClientCert => fl!(l, "tls-err-no-client-cert"),
        TlsProblem::Alert { alert } => fl!(l, "tls-err-alert", alert = alert.as_str()),
        TlsProblem::NotTls => fl!(l, "tls-err-not-tls"),
        TlsProblem::ClosedInHandshake => fl!(l, "tls-err-closed"),
        TlsProblem::HandshakeTimeout { secs } => fl!(l, "tls-err-timeout", secs = secs),
        TlsProblem::Handshake { why } => fl!(l, "tls-err-handshake", why = why.as_str()),
        TlsProblem::File { file, path, why } => {
            let what = match file {
                TlsFile::Cert => fl!(l, "tls-file-cert"),
                TlsFile::Key => fl!(l, "tls-file-key"),
                TlsFile::Ca => fl!(l, "tls-file-ca"),
                TlsFile::SelfSigned => fl!(l, "tls-file-self-signed"),
            };
            fl!(
                l,
                "tls-err-file",
                what = what,
                path = path.as_str(),
                why = why.as_str()
            )
        }
        TlsProblem::BadName { name } => fl!(l, "tls-err-bad-name", name = name.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_has_words_in_every_language() {
        let all = [
            TlsProblem::UnknownIssuer,
            TlsProblem::Expired,
            TlsProblem::NotYetValid,
            TlsProblem::WrongSigner,
            TlsProblem::NameMismatch { name: "h".into() },
            TlsProblem::BadCertificate { why: "w".into() },
            TlsProblem::ClientCertRequired,
            TlsProblem::NoClientCert,
            TlsProblem::Alert {
                alert: "handshake_failure".into(),
            },
            TlsProblem::NotTls,
            TlsProblem::ClosedInHandshake,
            TlsProblem::HandshakeTimeout { secs: 5 },
            TlsProblem::Handshake { why: "w".into() },
            TlsProblem::File {
                file: TlsFile::Key,
                path: "/k.pem".into(),
                why: "w".into(),
            },
            TlsProblem::BadName { name: "a b".into() },
            TlsProblem::Revoked,
            TlsProblem::CaAsEndEntity,
            TlsProblem::NotACa,
            TlsProblem::ChainConstraints,
            TlsProblem::WrongPurpose,
            TlsProblem::BadEncoding,
            TlsProblem::UnsupportedAlgorithm,
            TlsProblem::UnknownCriticalExtension,
            TlsProblem::PinMismatch {
                expected: "AB:CD".into(),
                actual: "12:34".into(),
            },
        ];
        for p in &all {
            for lang in Lang::ALL {
                let s = problem(lang, p);
                assert!(s.starts_with("TLS"), "{lang:?} {p:?}: {s}");
                assert!(!s.contains('{'), "{lang:?} {p:?}: {s}");
            }
            // The Chinese sentence is Chinese, not the English one.
            assert_ne!(problem(Lang::Zh, p), problem(Lang::En, p));
        }
        assert!(problem(Lang::Zh, &all[11]).contains("5"));
        assert!(problem(Lang::En, &all[8]).contains("handshake_failure"));
        let pin = problem(Lang::Zh, &all[23]);
        assert!(pin.contains("AB:CD") && pin.contains("12:34"), "{pin}");
    }
}
