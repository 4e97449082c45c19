//! Building rustls configurations from [`TlsOptions`]: PEM files, the system's roots or a
//! CA file (its certificates also trusted directly, see `trust`), a pin, mutual TLS, ALPN,
//! "accept any certificate", and the server's self-signed certificate (made with rcgen on
//! first use and kept in the data folder).

use super::trust::{ClientTrust, Direct, Pinned, Seen, ServerTrust};
use super::{CertInfo, CertSource, TlsFile, TlsOptions, TlsProblem};
use rustls::crypto::{CryptoProvider, ring};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, RootCertStore, ServerConfig};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A session's TLS, ready for its connections.
pub(crate) enum Built {
    Client {
        config: Arc<ClientConfig>,
        name: ServerName<'static>,
        insecure: bool,
        /// The certificate the verifier refused, if it did.
        seen: Seen,
    },
    Server {
        config: Arc<ServerConfig>,
        cert: Box<CertInfo>,
        source: CertSource,
    },
}

/// Builds the client (`server` false; `host` is the host part of the address typed) or
/// server configuration. Every file problem names the file.
pub(crate) fn build(opts: &TlsOptions, server: bool, host: &str) -> Result<Built, TlsProblem> {
    // ring builds with a C compiler alone (aws-lc-rs needs cmake); rustls marks it
    // deprecated only because it has no post-quantum key exchange.
    #[allow(deprecated)]
    let provider = Arc::new(ring::default_provider());
    if server {
        build_server(opts, provider)
    } else {
        build_client(opts, provider, host)
    }
}

fn handshake(e: rustls::Error) -> TlsProblem {
    TlsProblem::Handshake { why: e.to_string() }
}

fn file_problem(file: TlsFile, path: &Path, why: impl ToString) -> TlsProblem {
    TlsProblem::File {
        file,
        path: path.display().to_string(),
        why: why.to_string(),
    }
}

fn read_certs(file: TlsFile, path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsProblem> {
    let bytes = std::fs::read(path).map_err(|e| file_problem(file, path, e))?;
    let certs: Vec<_> = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<_, _>>()
        .map_err(|e| file_problem(file, path, e))?;
    if certs.is_empty() {
        return Err(file_problem(file, path, "no CERTIFICATE block in it (PEM)"));
    }
    Ok(certs)
}

fn read_key(path: &Path) -> Result<PrivateKeyDer<'static>, TlsProblem> {
    let bytes = std::fs::read(path).map_err(|e| file_problem(TlsFile::Key, path, e))?;
    PrivateKeyDer::from_pem_slice(&bytes).map_err(|e| file_problem(TlsFile::Key, path, e))
}

/// The CA file's certificates as webpki's roots, and as they are (trusted directly).
fn roots_from(path: &Path) -> Result<(RootCertStore, Direct), TlsProblem> {
    let mut roots = RootCertStore::empty();
    let certs = read_certs(TlsFile::Ca, path)?;
    for c in &certs {
        roots
            .add(c.clone())
            .map_err(|e| file_problem(TlsFile::Ca, path, e))?;
    }
    Ok((roots, Direct::new(certs)))
}

fn alpn(opts: &TlsOptions) -> Vec<Vec<u8>> {
    opts.alpn.iter().map(|p| p.as_bytes().to_vec()).collect()
}

fn build_client(
    opts: &TlsOptions,
    provider: Arc<CryptoProvider>,
    host: &str,
) -> Result<Built, TlsProblem> {
    let name_text = opts
        .sni
        .clone()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| {
            host.trim_start_matches('[')
                .trim_end_matches(']')
                .to_string()
        });
    let name = ServerName::try_from(name_text.clone())
        .map_err(|_| TlsProblem::BadName { name: name_text })?;
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(handshake)?;
    let seen = Seen::default();
    let verifier: Arc<dyn rustls::client::danger::ServerCertVerifier> = if opts.insecure
        || opts.pin.is_some()
    {
        let pin = if opts.insecure { None } else { opts.pin };
        let seen = seen.clone();
        Arc::new(Pinned {
            pin,
            provider,
            seen,
        })
    } else {
        let (roots, direct) = match &opts.ca {
            Some(ca) => roots_from(ca)?,
            None => {
                let mut roots = RootCertStore::empty();
                let native = rustls_native_certs::load_native_certs().certs;
                roots.add_parsable_certificates(native);
                (roots, Direct::default())
            }
        };
        // No roots at all (a system without any): only direct trust, then
        // "unknown issuer" for everything else.
        let webpki = (!roots.is_empty())
            .then(|| {
                let roots = Arc::new(roots);
                rustls::client::WebPkiServerVerifier::builder_with_provider(roots, provider.clone())
                    .build()
            })
            .transpose()
            .map_err(|e| handshake(rustls::Error::General(e.to_string())))?;
        Arc::new(ServerTrust {
            direct,
            webpki,
            provider,
            seen: seen.clone(),
        })
    };
    let builder = builder
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut config = match (&opts.cert, &opts.key) {
        (Some(cert), key) => {
            let chain = read_certs(TlsFile::Cert, cert)?;
            let key = read_key(key.as_deref().unwrap_or(cert))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| file_problem(TlsFile::Key, opts.key.as_deref().unwrap_or(cert), e))?
        }
        (None, _) => builder.with_no_client_auth(),
    };
    config.alpn_protocols = alpn(opts);
    Ok(Built::Client {
        config: Arc::new(config),
        name,
        insecure: opts.insecure,
        seen,
    })
}

fn build_server(opts: &TlsOptions, provider: Arc<CryptoProvider>) -> Result<Built, TlsProblem> {
    let (chain, key, source, key_path) = match &opts.cert {
        Some(cert) => {
            let key_path = opts.key.clone().unwrap_or_else(|| cert.clone());
            let chain = read_certs(TlsFile::Cert, cert)?;
            let key = read_key(&key_path)?;
            let source = CertSource::File {
                path: cert.display().to_string(),
            };
            (chain, key, source, key_path)
        }
        None => self_signed(opts.self_signed_dir.as_deref())?,
    };
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(handshake)?;
    let builder = match &opts.ca {
        Some(ca) => {
            let (roots, direct) = roots_from(ca)?;
            let webpki =
                rustls::server::WebPkiClientVerifier::builder_with_provider(roots.into(), provider)
                    .build()
                    .map_err(|e| file_problem(TlsFile::Ca, ca, e))?;
            builder.with_client_cert_verifier(Arc::new(ClientTrust { direct, webpki }))
        }
        None => builder.with_no_client_auth(),
    };
    let leaf = chain.first().cloned();
    let mut config = builder
        .with_single_cert(chain, key)
        .map_err(|e| file_problem(TlsFile::Key, &key_path, e))?;
    config.alpn_protocols = alpn(opts);
    let cert = leaf
        .as_ref()
        .and_then(|c| cert_info(c))
        .ok_or_else(|| file_problem(TlsFile::Cert, &key_path, "the certificate cannot be read"))?;
    Ok(Built::Server {
        config: Arc::new(config),
        cert: Box::new(cert),
        source,
    })
}

type Pair = (
    Vec<CertificateDer<'static>>,
    PrivateKeyDer<'static>,
    CertSource,
    PathBuf,
);

/// The server's own certificate when the user gave none: read from `dir`, or made there
/// now (valid for localhost, 127.0.0.1, ::1 and this machine's name), private to the user.
fn self_signed(dir: Option<&Path>) -> Result<Pair, TlsProblem> {
    let dir = dir
        .map(Path::to_path_buf)
        .unwrap_or_else(|| std::env::temp_dir().join("socket-tester"));
    let cert_path = dir.join("tls-cert.pem");
    let key_path = dir.join("tls-key.pem");
    if cert_path.exists() && key_path.exists() {
        let chain = read_certs(TlsFile::SelfSigned, &cert_path)?;
        let key = read_key(&key_path)?;
        let source = CertSource::Kept {
            path: cert_path.display().to_string(),
        };
        return Ok((chain, key, source, key_path));
    }
    let mut names = vec!["localhost".to_string(), "127.0.0.1".into(), "::1".into()];
    if let Ok(h) = std::fs::read_to_string("/etc/hostname") {
        let h = h.trim();
        if !h.is_empty() && !names.iter().any(|n| n == h) {
            names.push(h.to_string());
        }
    }
    // Named after this machine (a subject is what students compare besides the
    // fingerprint), not rcgen's default "rcgen self signed cert".
    let cn = names.last().cloned().unwrap_or_else(|| "localhost".into());
    let made = (|| {
        let mut params = rcgen::CertificateParams::new(names)?;
        params.distinguished_name = rcgen::DistinguishedName::new();
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, cn);
        let signing_key = rcgen::KeyPair::generate()?;
        let cert = params.self_signed(&signing_key)?;
        Ok::<_, rcgen::Error>(rcgen::CertifiedKey { cert, signing_key })
    })()
    .map_err(|e| file_problem(TlsFile::SelfSigned, &cert_path, e))?;
    let problem = |e: std::io::Error| file_problem(TlsFile::SelfSigned, &cert_path, e);
    crate::files::private::create_dir_all(&dir).map_err(problem)?;
    crate::files::atomic::write(&key_path, made.signing_key.serialize_pem().as_bytes())
        .map_err(problem)?;
    crate::files::atomic::write(&cert_path, made.cert.pem().as_bytes()).map_err(problem)?;
    let chain = vec![made.cert.der().clone()];
    let key = PrivateKeyDer::try_from(made.signing_key.serialize_der())
        .map_err(|e| file_problem(TlsFile::SelfSigned, &key_path, e))?;
    let source = CertSource::Generated {
        path: cert_path.display().to_string(),
    };
    Ok((chain, key, source, key_path))
}

/// Subject, issuer, validity, names and SHA-256 fingerprint of a DER certificate.
pub(crate) fn cert_info(der: &CertificateDer<'_>) -> Option<CertInfo> {
    use sha2::Digest;
    use x509_parser::prelude::{FromDer, GeneralName, X509Certificate};
    let (_, c) = X509Certificate::from_der(der.as_ref()).ok()?;
    let time = |t: i64| {
        chrono::DateTime::from_timestamp(t, 0)
            .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
            .unwrap_or_else(|| t.to_string())
    };
    let mut names = Vec::new();
    if let Ok(Some(san)) = c.subject_alternative_name() {
        for n in &san.value.general_names {
            match n {
                GeneralName::DNSName(d) => names.push(d.to_string()),
                GeneralName::IPAddress(b) => match b.len() {
                    4 => names.push(std::net::Ipv4Addr::new(b[0], b[1], b[2], b[3]).to_string()),
                    16 => {
                        let mut a = [0u8; 16];
                        a.copy_from_slice(b);
                        names.push(std::net::Ipv6Addr::from(a).to_string());
                    }
                    _ => {}
                },
                _ => {}
            }
        }
    }
    let digest = sha2::Sha256::digest(der.as_ref());
    let sha256 = digest
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":");
    Some(CertInfo {
        subject: c.subject().to_string(),
        issuer: c.issuer().to_string(),
        not_before: time(c.validity().not_before.timestamp()),
        not_after: time(c.validity().not_after.timestamp()),
        sha256,
        names,
    })
}
