//! rustls' errors as typed [`TlsProblem`]s: every certificate refusal webpki or a pin
//! gives (including the ones rustls passes on as `Other`, such as CaUsedAsEndEntity) has
//! its own reason, worded in each language; what is left keeps rustls' Display words,
//! never a Debug structure such as `Other(OtherError(…))`.

use super::TlsProblem;
use super::stream::alert_name;
use super::trust::PinMismatch;
use rustls::{CertificateError, Error, OtherError};

/// rustls' error as a typed problem. `handshaking`: garbage then means a plaintext peer.
/// `name`: the SNI name (for a name mismatch).
pub(crate) fn problem(e: Error, handshaking: bool, name: &str) -> TlsProblem {
    match e {
        Error::InvalidCertificate(c) => certificate(c, name),
        Error::NoCertificatesPresented => TlsProblem::NoClientCert,
        Error::AlertReceived(rustls::AlertDescription::CertificateRequired) => {
            TlsProblem::ClientCertRequired
        }
        Error::AlertReceived(a) => TlsProblem::Alert {
            alert: alert_name(a),
        },
        Error::InvalidMessage(_) if handshaking => TlsProblem::NotTls,
        other => TlsProblem::Handshake {
            why: other.to_string(),
        },
    }
}

fn certificate(c: CertificateError, name: &str) -> TlsProblem {
    use CertificateError as C;
    #[allow(deprecated)]
    match c {
        C::UnknownIssuer => TlsProblem::UnknownIssuer,
        C::Expired | C::ExpiredContext { .. } => TlsProblem::Expired,
        C::NotValidYet | C::NotValidYetContext { .. } => TlsProblem::NotYetValid,
        C::BadSignature => TlsProblem::WrongSigner,
        C::NotValidForName | C::NotValidForNameContext { .. } => {
            TlsProblem::NameMismatch { name: name.into() }
        }
        C::Revoked => TlsProblem::Revoked,
        C::BadEncoding => TlsProblem::BadEncoding,
        C::UnhandledCriticalExtension => TlsProblem::UnknownCriticalExtension,
        C::InvalidPurpose | C::InvalidPurposeContext { .. } => TlsProblem::WrongPurpose,
        C::UnsupportedSignatureAlgorithm
        | C::UnsupportedSignatureAlgorithmContext { .. }
        | C::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
            TlsProblem::UnsupportedAlgorithm
        }
        C::Other(o) => other(&o),
        c => TlsProblem::BadCertificate {
            why: words(&c.to_string()),
        },
    }
}

/// What rustls passes on as `Other`: webpki's own errors, or this crate's pin mismatch.
#[allow(deprecated)] // RequiredEkuNotFound: older webpki still gives it
fn other(o: &OtherError) -> TlsProblem {
    if let Some(p) = o.0.downcast_ref::<PinMismatch>() {
        return TlsProblem::PinMismatch {
            expected: p.expected.colons(),
            actual: p.actual.colons(),
        };
    }
    use webpki::Error as W;
    match o.0.downcast_ref::<W>() {
        Some(W::CaUsedAsEndEntity) => TlsProblem::CaAsEndEntity,
        Some(W::EndEntityUsedAsCa) => TlsProblem::NotACa,
        Some(
            W::NameConstraintViolation
            | W::PathLenConstraintViolated
            | W::MaximumPathDepthExceeded
            | W::MaximumNameConstraintComparisonsExceeded
            | W::MaximumPathBuildCallsExceeded
            | W::MaximumSignatureChecksExceeded,
        ) => TlsProblem::ChainConstraints,
        Some(W::RequiredEkuNotFound | W::RequiredEkuNotFoundContext(_) | W::EmptyEkuExtension) => {
            TlsProblem::WrongPurpose
        }
        Some(W::UnsupportedCriticalExtension) => TlsProblem::UnknownCriticalExtension,
        Some(
            W::BadDer
            | W::BadDerTime
            | W::TrailingData(_)
            | W::MalformedExtensions
            | W::MalformedDnsIdentifier
            | W::MalformedNameConstraint
            | W::ExtensionValueInvalid
            | W::InvalidSerialNumber
            | W::InvalidCertValidity
            | W::UnsupportedCertVersion,
        ) => TlsProblem::BadEncoding,
        Some(W::SignatureAlgorithmMismatch) => TlsProblem::UnsupportedAlgorithm,
        Some(W::UnknownIssuer | W::CertDistrusted) => TlsProblem::UnknownIssuer,
        _ => TlsProblem::BadCertificate {
            why: words(&o.0.to_string()),
        },
    }
}

/// A Display text that is only an identifier (webpki's and some of rustls' Display
/// print their Debug name: `UnsupportedNameType`) as words ("unsupported name type");
/// a sentence unchanged.
fn words(text: &str) -> String {
    let ident = text
        .split(['(', '{', ' '])
        .next()
        .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric()))
        .filter(|w| w.chars().next().is_some_and(|c| c.is_ascii_uppercase()));
    let Some(ident) = ident else {
        return text.to_string();
    };
    if ident.len() != text.len() && !text[ident.len()..].trim_start().starts_with(['(', '{']) {
        return text.to_string();
    }
    let mut out = String::new();
    for (i, ch) in ident.chars().enumerate() {
        if ch.is_ascii_uppercase() && i > 0 {
            out.push(' ');
        }
        out.push(ch.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn webpki(e: webpki::Error) -> Error {
        CertificateError::Other(OtherError(Arc::new(e))).into()
    }

    #[test]
    fn webpki_refusals_are_typed_and_no_debug_text_is_left() {
        assert_eq!(
            problem(webpki(webpki::Error::CaUsedAsEndEntity), true, "h"),
            TlsProblem::CaAsEndEntity
        );
        assert_eq!(
            problem(webpki(webpki::Error::EndEntityUsedAsCa), true, "h"),
            TlsProblem::NotACa
        );
        assert_eq!(
            problem(CertificateError::Revoked.into(), true, "h"),
            TlsProblem::Revoked
        );
        assert_eq!(
            problem(CertificateError::NotValidForName.into(), true, "h"),
            TlsProblem::NameMismatch { name: "h".into() }
        );
        // Left over: words, not `Other(OtherError(UnsupportedNameType))`.
        let p = problem(webpki(webpki::Error::UnsupportedNameType), true, "h");
        assert_eq!(
            p,
            TlsProblem::BadCertificate {
                why: "unsupported name type".into()
            }
        );
        let p = problem(
            CertificateError::ApplicationVerificationFailure.into(),
            true,
            "",
        );
        assert!(!p.english().contains("Other("), "{p:?}");
        assert_eq!(words("a sentence, said"), "a sentence, said");
        assert_eq!(words("Context { x: 1 }"), "context");
    }
}
