//! TLS of the HTTPS port: a CA and server certificate generated on first start and kept in
//! `DATA_DIR/tls/` (`ca.pem`, `ca-key.pem`, `server.pem`, `server-key.pem`; keys mode 0600),
//! or the operator's own certificate and key. Produces the rustls server configuration
//! (ring, ALPN `h2` and `http/1.1`) and the CA PEM that goes into kubeconfigs.
//!
//! On later starts the CA is always kept (kubeconfigs already handed out trust it); the server
//! certificate is issued again when its names no longer match (host name or advertise URL
//! changed), when it expires within 30 days, or when it no longer verifies against the CA.
//! This module owns only `DATA_DIR/tls/`.

use std::collections::BTreeSet;
use std::io::Write;
use std::net::IpAddr;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SerialNumber,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};

use crate::config::Config;

/// Validity of a generated CA.
pub const CA_VALIDITY_DAYS: i64 = 3652;
/// Validity of a generated server certificate.
pub const SERVER_VALIDITY_DAYS: i64 = 365;
/// A server certificate expiring sooner than this is issued again at start.
pub const RENEW_BEFORE_DAYS: i64 = 30;

const CA_FILE: &str = "ca.pem";
const CA_KEY_FILE: &str = "ca-key.pem";
const SERVER_FILE: &str = "server.pem";
const SERVER_KEY_FILE: &str = "server-key.pem";

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A file exists but holds no usable certificate or key.
    #[error("{path}: {message}")]
    BadFile { path: PathBuf, message: String },
    /// The CA certificate is there but its private key is not: issuing a new CA would break
    /// every kubeconfig handed out, so the operator has to decide.
    #[error(
        "{ca} exists but its key {key} is missing or unreadable; restore the key, or remove \
         the whole tls folder to generate a new CA (kubeconfigs already handed out stop working)"
    )]
    MissingCaKey { ca: PathBuf, key: PathBuf },
    /// rcgen could not build a certificate.
    #[error("generating a certificate: {0}")]
    Generate(#[from] rcgen::Error),
    /// rustls refused the certificate or key.
    #[error("tls: {0}")]
    Rustls(#[from] rustls::Error),
    /// A certificate does not verify against the CA.
    #[error("certificate does not verify: {0}")]
    Verify(String),
}

/// What happened to the certificate at start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CertStatus {
    /// A new CA and server certificate were generated (first start).
    Created,
    /// The stored CA and server certificate were kept.
    Reused,
    /// The CA was kept and a new server certificate issued.
    Renewed(RenewReason),
    /// The operator's certificate (`--tls-cert`) is served.
    Operator,
}

/// Why the server certificate was issued again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RenewReason {
    /// `server.pem` or `server-key.pem` was missing or unreadable.
    Missing,
    /// The wanted names (host name, advertise URL) differ from the certificate's.
    NamesChanged,
    /// It expires within [`RENEW_BEFORE_DAYS`].
    Expiring,
    /// It does not verify against the CA or does not match its key.
    Invalid,
}

/// Everything the server needs from TLS.
pub struct Tls {
    pub server_config: Arc<rustls::ServerConfig>,
    /// PEM of the CA clients must trust (goes into kubeconfigs).
    pub ca_pem: String,
    /// File holding that CA, when there is one (`DATA_DIR/tls/ca.pem` or `--tls-ca`).
    pub ca_path: Option<PathBuf>,
    pub status: CertStatus,
}

/// The generated CA and server certificate in `DATA_DIR/tls/`.
pub struct Generated {
    pub ca_pem: String,
    /// The server certificate alone (PEM).
    pub server_pem: String,
    pub server_key_pem: String,
    pub status: CertStatus,
}

/// Sets up TLS for `config`: the operator's certificate if given (with `tls_ca`, else the
/// chain's last certificate, as the CA), else the generated one.
pub fn load(config: &Config, tls_ca: Option<&Path>) -> Result<Tls, TlsError> {
    match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => load_operator(cert, key, tls_ca),
        _ => {
            let dir = config.tls_dir();
            let sans = server_sans(&config.advertise_host());
            let g = ensure_generated(&dir, &sans)?;
            let chain = vec![
                pem_cert(&g.server_pem, &dir.join(SERVER_FILE))?,
                pem_cert(&g.ca_pem, &dir.join(CA_FILE))?,
            ];
            let key = PrivateKeyDer::from_pem_slice(g.server_key_pem.as_bytes()).map_err(|e| {
                TlsError::BadFile {
                    path: dir.join(SERVER_KEY_FILE),
                    message: e.to_string(),
                }
            })?;
            Ok(Tls {
                server_config: server_config(chain, key)?,
                ca_pem: g.ca_pem,
                ca_path: Some(dir.join(CA_FILE)),
                status: g.status,
            })
        }
    }
}

/// The names a generated server certificate carries: localhost, 127.0.0.1, ::1, this
/// machine's host name and the advertise URL's host (deduplicated, lowercase).
pub fn server_sans(advertise_host: &str) -> Vec<String> {
    let mut names = vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ];
    if let Some(h) = host_name() {
        names.push(h);
    }
    if !advertise_host.is_empty() {
        names.push(advertise_host.to_owned());
    }
    let mut seen = BTreeSet::new();
    names
        .into_iter()
        .map(|n| normalize_name(&n))
        .filter(|n| seen.insert(n.clone()))
        .collect()
}

fn normalize_name(n: &str) -> String {
    match n.parse::<IpAddr>() {
        Ok(ip) => ip.to_string(),
        Err(_) => n.to_ascii_lowercase(),
    }
}

/// This machine's host name, when it is a usable DNS name.
fn host_name() -> Option<String> {
    let raw = std::fs::read_to_string("/proc/sys/kernel/hostname").ok()?;
    let h = raw.trim().to_ascii_lowercase();
    let ok = !h.is_empty()
        && h.len() <= 253
        && h.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    ok.then_some(h)
}

/// Loads the CA and server certificate from `tls_dir`, generating what is missing.
pub fn ensure_generated(tls_dir: &Path, sans: &[String]) -> Result<Generated, TlsError> {
    std::fs::create_dir_all(tls_dir).map_err(|source| TlsError::Io {
        path: tls_dir.to_owned(),
        source,
    })?;
    let ca_path = tls_dir.join(CA_FILE);
    let ca_key_path = tls_dir.join(CA_KEY_FILE);
    let server_path = tls_dir.join(SERVER_FILE);
    let server_key_path = tls_dir.join(SERVER_KEY_FILE);

    let (ca_pem, ca_key, ca_created) = if ca_path.exists() {
        let ca_pem = read(&ca_path)?;
        let key_pem =
            std::fs::read_to_string(&ca_key_path).map_err(|_| TlsError::MissingCaKey {
                ca: ca_path.clone(),
                key: ca_key_path.clone(),
            })?;
        let key = KeyPair::from_pem(&key_pem).map_err(|e| TlsError::BadFile {
            path: ca_key_path.clone(),
            message: e.to_string(),
        })?;
        check_key_matches(&ca_pem, &ca_path, &key)?;
        (ca_pem, key, false)
    } else {
        let (ca_pem, key) = generate_ca()?;
        write_file(&ca_key_path, key.serialize_pem().as_bytes(), 0o600)?;
        write_file(&ca_path, ca_pem.as_bytes(), 0o644)?;
        (ca_pem, key, true)
    };

    let existing = if ca_created {
        Err(RenewReason::Missing)
    } else {
        check_server_cert(&server_path, &server_key_path, &ca_pem, sans)
    };
    match existing {
        Ok((server_pem, server_key_pem)) => Ok(Generated {
            ca_pem,
            server_pem,
            server_key_pem,
            status: CertStatus::Reused,
        }),
        Err(reason) => {
            let issuer =
                Issuer::from_ca_cert_pem(&ca_pem, ca_key).map_err(|e| TlsError::BadFile {
                    path: ca_path.clone(),
                    message: e.to_string(),
                })?;
            let (server_pem, server_key) = generate_server(&issuer, sans)?;
            let server_key_pem = server_key.serialize_pem();
            write_file(&server_key_path, server_key_pem.as_bytes(), 0o600)?;
            write_file(&server_path, server_pem.as_bytes(), 0o644)?;
            let status = if ca_created {
                CertStatus::Created
            } else {
                CertStatus::Renewed(reason)
            };
            Ok(Generated {
                ca_pem,
                server_pem,
                server_key_pem,
                status,
            })
        }
    }
}

/// The stored server certificate and key if they can be kept, else why not.
fn check_server_cert(
    cert_path: &Path,
    key_path: &Path,
    ca_pem: &str,
    sans: &[String],
) -> Result<(String, String), RenewReason> {
    let (Ok(cert_pem), Ok(key_pem)) = (
        std::fs::read_to_string(cert_path),
        std::fs::read_to_string(key_path),
    ) else {
        return Err(RenewReason::Missing);
    };
    let Ok(der) = CertificateDer::from_pem_slice(cert_pem.as_bytes()) else {
        return Err(RenewReason::Missing);
    };
    let Ok(info) = cert_info(&der) else {
        return Err(RenewReason::Invalid);
    };
    let wanted: BTreeSet<String> = sans.iter().map(|s| normalize_name(s)).collect();
    if info.names != wanted {
        return Err(RenewReason::NamesChanged);
    }
    let now = jiff::Timestamp::now().as_second();
    if info.not_after - now < RENEW_BEFORE_DAYS * 86_400 {
        return Err(RenewReason::Expiring);
    }
    if verify_server_cert(&cert_pem, ca_pem, "localhost").is_err() {
        return Err(RenewReason::Invalid);
    }
    let key =
        PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(|_| RenewReason::Missing)?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    if rustls::sign::CertifiedKey::from_der(vec![der], key, &provider).is_err() {
        return Err(RenewReason::Invalid);
    }
    Ok((cert_pem, key_pem))
}

/// Names (DNS names lowercase, IPs in canonical text) and expiry of a certificate.
pub struct CertInfo {
    pub names: BTreeSet<String>,
    /// Unix seconds.
    pub not_after: i64,
    pub is_ca: bool,
}

/// Reads the subject alternative names and expiry of a DER certificate.
pub fn cert_info(der: &[u8]) -> Result<CertInfo, String> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).map_err(|e| e.to_string())?;
    let mut names = BTreeSet::new();
    if let Some(san) = cert.subject_alternative_name().map_err(|e| e.to_string())? {
        for n in &san.value.general_names {
            match n {
                x509_parser::extensions::GeneralName::DNSName(d) => {
                    names.insert(d.to_ascii_lowercase());
                }
                x509_parser::extensions::GeneralName::IPAddress(b) => {
                    let ip = match b.len() {
                        4 => IpAddr::from(<[u8; 4]>::try_from(*b).expect("4 bytes")),
                        16 => IpAddr::from(<[u8; 16]>::try_from(*b).expect("16 bytes")),
                        _ => continue,
                    };
                    names.insert(ip.to_string());
                }
                _ => {}
            }
        }
    }
    Ok(CertInfo {
        names,
        not_after: cert.validity().not_after.timestamp(),
        is_ca: cert.is_ca(),
    })
}

fn check_key_matches(cert_pem: &str, cert_path: &Path, key: &KeyPair) -> Result<(), TlsError> {
    let bad = |message: String| TlsError::BadFile {
        path: cert_path.to_owned(),
        message,
    };
    let der =
        CertificateDer::from_pem_slice(cert_pem.as_bytes()).map_err(|e| bad(e.to_string()))?;
    let (_, cert) = x509_parser::parse_x509_certificate(&der).map_err(|e| bad(e.to_string()))?;
    if cert.public_key().subject_public_key.data.as_ref() != key.public_key_raw() {
        return Err(bad("does not belong to the key in ca-key.pem".to_owned()));
    }
    Ok(())
}

fn random_serial() -> SerialNumber {
    let mut bytes: [u8; 16] = rand::random();
    bytes[0] &= 0x7f; // positive
    bytes[0] |= 0x01; // no leading zero byte
    SerialNumber::from_slice(&bytes)
}

/// Sets the validity of `params` from `from_days` to `to_days` (UTC dates relative to today).
fn set_validity(
    params: &mut CertificateParams,
    from_days: i64,
    to_days: i64,
) -> Result<(), TlsError> {
    let day = |days: i64| {
        jiff::Timestamp::now()
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date()
            .checked_add(jiff::Span::new().days(days))
            .map_err(|e| TlsError::Verify(format!("date out of range: {e}")))
    };
    let (from, to) = (day(from_days)?, day(to_days)?);
    params.not_before =
        rcgen::date_time_ymd(i32::from(from.year()), from.month() as u8, from.day() as u8);
    params.not_after = rcgen::date_time_ymd(i32::from(to.year()), to.month() as u8, to.day() as u8);
    Ok(())
}

/// A new CA: ECDSA P-256, valid for [`CA_VALIDITY_DAYS`].
fn generate_ca() -> Result<(String, KeyPair), TlsError> {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    let tag: [u8; 4] = rand::random();
    params.distinguished_name.push(
        DnType::CommonName,
        format!("kubicle CA {}", hex::encode(tag)),
    );
    params
        .distinguished_name
        .push(DnType::OrganizationName, "kubicle");
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    params.serial_number = Some(random_serial());
    set_validity(&mut params, -1, CA_VALIDITY_DAYS)?;
    let cert = params.self_signed(&key)?;
    Ok((cert.pem(), key))
}

/// A new server certificate for `sans` signed by `issuer`, valid for [`SERVER_VALIDITY_DAYS`].
fn generate_server(
    issuer: &Issuer<'_, KeyPair>,
    sans: &[String],
) -> Result<(String, KeyPair), TlsError> {
    let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256)?;
    let mut params = CertificateParams::new(sans.to_vec())?;
    params
        .distinguished_name
        .push(DnType::CommonName, "kubicle server");
    params
        .distinguished_name
        .push(DnType::OrganizationName, "kubicle");
    params.is_ca = IsCa::ExplicitNoCa;
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    params.serial_number = Some(random_serial());
    set_validity(&mut params, -1, SERVER_VALIDITY_DAYS)?;
    let cert = params.signed_by(&key, issuer)?;
    Ok((cert.pem(), key))
}

/// The operator's certificate chain and key; the CA is `--tls-ca` or the chain's last cert.
fn load_operator(cert: &Path, key: &Path, ca: Option<&Path>) -> Result<Tls, TlsError> {
    let chain_pem = read(cert)?;
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(chain_pem.as_bytes())
        .collect::<Result<_, _>>()
        .map_err(|e| TlsError::BadFile {
            path: cert.to_owned(),
            message: e.to_string(),
        })?;
    let Some(last) = chain.last() else {
        return Err(TlsError::BadFile {
            path: cert.to_owned(),
            message: "no certificate in the file".to_owned(),
        });
    };
    let key_der =
        PrivateKeyDer::from_pem_slice(read(key)?.as_bytes()).map_err(|e| TlsError::BadFile {
            path: key.to_owned(),
            message: e.to_string(),
        })?;
    let (ca_pem, ca_path) = match ca {
        Some(path) => {
            let pem = read(path)?;
            if CertificateDer::pem_slice_iter(pem.as_bytes())
                .next()
                .is_none_or(|c| c.is_err())
            {
                return Err(TlsError::BadFile {
                    path: path.to_owned(),
                    message: "no certificate in the file".to_owned(),
                });
            }
            (pem, Some(path.to_owned()))
        }
        None => (pem_encode("CERTIFICATE", last), None),
    };
    let server_config = server_config(chain, key_der).map_err(|e| match e {
        TlsError::Rustls(e) => TlsError::BadFile {
            path: key.to_owned(),
            message: format!("does not fit {}: {e}", cert.display()),
        },
        e => e,
    })?;
    Ok(Tls {
        server_config,
        ca_pem,
        ca_path,
        status: CertStatus::Operator,
    })
}

/// A rustls server configuration (ring, TLS 1.2 and 1.3, ALPN h2 then http/1.1).
pub fn server_config(
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// A rustls client configuration trusting only the CA(s) in `ca_pem`, offering `alpn`.
pub fn client_config(ca_pem: &str, alpn: &[&[u8]]) -> Result<rustls::ClientConfig, TlsError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_root_certificates(root_store(ca_pem)?)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Ok(config)
}

fn root_store(ca_pem: &str) -> Result<rustls::RootCertStore, TlsError> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
        let cert = cert.map_err(|e| TlsError::Verify(format!("bad CA PEM: {e}")))?;
        roots.add(cert)?;
    }
    if roots.is_empty() {
        return Err(TlsError::Verify("no CA certificate".to_owned()));
    }
    Ok(roots)
}

/// Checks the first certificate of `cert_pem` (plus any intermediates after it) against the
/// CA in `ca_pem` for the server name `name`, now, as a TLS client would.
pub fn verify_server_cert(cert_pem: &str, ca_pem: &str, name: &str) -> Result<(), TlsError> {
    let mut certs = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| TlsError::Verify(format!("bad certificate PEM: {e}")))?;
    if certs.is_empty() {
        return Err(TlsError::Verify("no certificate".to_owned()));
    }
    let end_entity = certs.remove(0);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls::client::WebPkiServerVerifier::builder_with_provider(
        Arc::new(root_store(ca_pem)?),
        provider,
    )
    .build()
    .map_err(|e| TlsError::Verify(e.to_string()))?;
    let server_name =
        ServerName::try_from(name.to_owned()).map_err(|e| TlsError::Verify(e.to_string()))?;
    use rustls::client::danger::ServerCertVerifier;
    verifier
        .verify_server_cert(&end_entity, &certs, &server_name, &[], UnixTime::now())
        .map_err(|e| TlsError::Verify(e.to_string()))?;
    Ok(())
}

/// PEM text of one DER object.
pub fn pem_encode(label: &str, der: &[u8]) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).expect("base64 is ascii"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

fn pem_cert(pem: &str, path: &Path) -> Result<CertificateDer<'static>, TlsError> {
    CertificateDer::from_pem_slice(pem.as_bytes()).map_err(|e| TlsError::BadFile {
        path: path.to_owned(),
        message: e.to_string(),
    })
}

fn read(path: &Path) -> Result<String, TlsError> {
    std::fs::read_to_string(path).map_err(|source| TlsError::Io {
        path: path.to_owned(),
        source,
    })
}

/// Writes `bytes` to `path` atomically (temp file, fsync, rename) with `mode`.
fn write_file(path: &Path, bytes: &[u8], mode: u32) -> Result<(), TlsError> {
    let io = |source| TlsError::Io {
        path: path.to_owned(),
        source,
    };
    let tmp = path.with_extension("pem.tmp");
    let _ = std::fs::remove_file(&tmp);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(&tmp)
        .map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(io)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn sans(extra: &str) -> Vec<String> {
        server_sans(extra)
    }

    #[test]
    fn first_start_generates_and_later_starts_reuse() {
        let dir = tempfile::tempdir().unwrap();
        let tls = dir.path().join("tls");
        let first = ensure_generated(&tls, &sans("localhost")).unwrap();
        assert_eq!(first.status, CertStatus::Created);
        for f in [CA_FILE, CA_KEY_FILE, SERVER_FILE, SERVER_KEY_FILE] {
            assert!(tls.join(f).is_file(), "{f}");
        }
        for key in [CA_KEY_FILE, SERVER_KEY_FILE] {
            let mode = std::fs::metadata(tls.join(key))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{key}");
        }
        let ca = CertificateDer::from_pem_slice(first.ca_pem.as_bytes()).unwrap();
        let ca_info = cert_info(&ca).unwrap();
        assert!(ca_info.is_ca);
        let ten_years = jiff::Timestamp::now().as_second() + 3640 * 86_400;
        assert!(ca_info.not_after > ten_years, "the CA lasts ten years");

        let server = CertificateDer::from_pem_slice(first.server_pem.as_bytes()).unwrap();
        let info = cert_info(&server).unwrap();
        assert!(!info.is_ca);
        for n in ["localhost", "127.0.0.1", "::1"] {
            assert!(info.names.contains(n), "{n} in {:?}", info.names);
        }
        let days = (info.not_after - jiff::Timestamp::now().as_second()) / 86_400;
        assert!((360..=366).contains(&days), "{days} days");

        let second = ensure_generated(&tls, &sans("localhost")).unwrap();
        assert_eq!(second.status, CertStatus::Reused);
        assert_eq!(second.ca_pem, first.ca_pem);
        assert_eq!(second.server_pem, first.server_pem);
        assert_eq!(second.server_key_pem, first.server_key_pem);
    }

    #[test]
    fn changed_names_issue_a_new_server_cert_under_the_same_ca() {
        let dir = tempfile::tempdir().unwrap();
        let tls = dir.path().join("tls");
        let first = ensure_generated(&tls, &sans("localhost")).unwrap();
        let renamed = ensure_generated(&tls, &sans("kubicle.example.com")).unwrap();
        assert_eq!(
            renamed.status,
            CertStatus::Renewed(RenewReason::NamesChanged)
        );
        assert_eq!(renamed.ca_pem, first.ca_pem, "the CA is kept");
        assert_ne!(renamed.server_pem, first.server_pem);
        verify_server_cert(&renamed.server_pem, &first.ca_pem, "kubicle.example.com").unwrap();
        verify_server_cert(&renamed.server_pem, &first.ca_pem, "127.0.0.1").unwrap();
        assert!(
            verify_server_cert(&renamed.server_pem, &first.ca_pem, "other.example.com").is_err()
        );
        // And it stays once the names are stable.
        let again = ensure_generated(&tls, &sans("kubicle.example.com")).unwrap();
        assert_eq!(again.status, CertStatus::Reused);
    }

    #[test]
    fn missing_or_foreign_server_certs_are_replaced_and_a_missing_ca_key_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let tls = dir.path().join("tls");
        let first = ensure_generated(&tls, &sans("localhost")).unwrap();

        std::fs::remove_file(tls.join(SERVER_KEY_FILE)).unwrap();
        let g = ensure_generated(&tls, &sans("localhost")).unwrap();
        assert_eq!(g.status, CertStatus::Renewed(RenewReason::Missing));

        // A server certificate from another CA with the right names is not kept.
        let other = tempfile::tempdir().unwrap();
        let foreign = ensure_generated(other.path(), &sans("localhost")).unwrap();
        std::fs::write(tls.join(SERVER_FILE), &foreign.server_pem).unwrap();
        std::fs::write(tls.join(SERVER_KEY_FILE), &foreign.server_key_pem).unwrap();
        let g = ensure_generated(&tls, &sans("localhost")).unwrap();
        assert_eq!(g.status, CertStatus::Renewed(RenewReason::Invalid));
        assert_eq!(g.ca_pem, first.ca_pem);
        verify_server_cert(&g.server_pem, &first.ca_pem, "localhost").unwrap();

        std::fs::remove_file(tls.join(CA_KEY_FILE)).unwrap();
        assert!(matches!(
            ensure_generated(&tls, &sans("localhost")),
            Err(TlsError::MissingCaKey { .. })
        ));
    }

    #[test]
    fn certs_expiring_within_thirty_days_are_renewed() {
        let dir = tempfile::tempdir().unwrap();
        let tls = dir.path().join("tls");
        let first = ensure_generated(&tls, &sans("localhost")).unwrap();
        // Issue a short-lived server certificate with the same CA and names.
        let ca_key =
            KeyPair::from_pem(&std::fs::read_to_string(tls.join(CA_KEY_FILE)).unwrap()).unwrap();
        let issuer = Issuer::from_ca_cert_pem(&first.ca_pem, ca_key).unwrap();
        let key = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let mut params = CertificateParams::new(sans("localhost")).unwrap();
        set_validity(&mut params, -1, 10).unwrap();
        params.use_authority_key_identifier_extension = true;
        let short = params.signed_by(&key, &issuer).unwrap();
        std::fs::write(tls.join(SERVER_FILE), short.pem()).unwrap();
        std::fs::write(tls.join(SERVER_KEY_FILE), key.serialize_pem()).unwrap();
        verify_server_cert(&short.pem(), &first.ca_pem, "localhost").unwrap();

        let g = ensure_generated(&tls, &sans("localhost")).unwrap();
        assert_eq!(g.status, CertStatus::Renewed(RenewReason::Expiring));
        assert_eq!(g.ca_pem, first.ca_pem);
    }

    #[test]
    fn a_handshake_with_the_generated_cert_verifies_against_the_ca() {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::with_data_dir(dir.path());
        config.advertise_url = "https://kubicle.test:8443".to_owned();
        let tls = load(&config, None).unwrap();
        assert_eq!(tls.status, CertStatus::Created);
        assert_eq!(
            tls.ca_path.as_deref(),
            Some(dir.path().join("tls/ca.pem").as_path())
        );
        assert_eq!(
            tls.server_config.alpn_protocols,
            vec![b"h2".to_vec(), b"http/1.1".to_vec()]
        );

        for (name, ok) in [
            ("kubicle.test", true),
            ("localhost", true),
            ("evil.test", false),
        ] {
            let client = Arc::new(client_config(&tls.ca_pem, &[b"h2"]).unwrap());
            let mut c = rustls::ClientConnection::new(
                client,
                ServerName::try_from(name.to_owned()).unwrap(),
            )
            .unwrap();
            let mut s = rustls::ServerConnection::new(tls.server_config.clone()).unwrap();
            let result = handshake(&mut c, &mut s);
            assert_eq!(result.is_ok(), ok, "{name}: {result:?}");
            if ok {
                assert_eq!(c.alpn_protocol(), Some(&b"h2"[..]));
            }
        }

        // A client trusting another CA refuses the certificate.
        let other = tempfile::tempdir().unwrap();
        let other_ca = ensure_generated(other.path(), &sans("x")).unwrap().ca_pem;
        let mut c = rustls::ClientConnection::new(
            Arc::new(client_config(&other_ca, &[]).unwrap()),
            ServerName::try_from("localhost").unwrap(),
        )
        .unwrap();
        let mut s = rustls::ServerConnection::new(tls.server_config.clone()).unwrap();
        assert!(handshake(&mut c, &mut s).is_err());
    }

    /// Runs a TLS handshake in memory.
    fn handshake(
        c: &mut rustls::ClientConnection,
        s: &mut rustls::ServerConnection,
    ) -> Result<(), rustls::Error> {
        for _ in 0..10 {
            if !c.is_handshaking() && !s.is_handshaking() {
                return Ok(());
            }
            let mut buf = Vec::new();
            while c.wants_write() {
                c.write_tls(&mut buf).unwrap();
            }
            let mut rd = &buf[..];
            while !rd.is_empty() {
                s.read_tls(&mut rd).unwrap();
            }
            s.process_new_packets()?;
            let mut buf = Vec::new();
            while s.wants_write() {
                s.write_tls(&mut buf).unwrap();
            }
            let mut rd = &buf[..];
            while !rd.is_empty() {
                c.read_tls(&mut rd).unwrap();
            }
            c.process_new_packets()?;
        }
        Err(rustls::Error::General("handshake did not finish".into()))
    }

    #[test]
    fn operator_certificates_are_served_with_their_ca() {
        // Build an operator PKI with our own generator in another folder.
        let pki = tempfile::tempdir().unwrap();
        let g = ensure_generated(pki.path(), &sans("ops.example.com")).unwrap();
        let chain = format!("{}{}", g.server_pem, g.ca_pem);
        std::fs::write(pki.path().join("chain.pem"), &chain).unwrap();
        std::fs::write(pki.path().join("key.pem"), &g.server_key_pem).unwrap();

        let data = tempfile::tempdir().unwrap();
        let mut config = Config::with_data_dir(data.path());
        config.tls_cert = Some(pki.path().join("chain.pem"));
        config.tls_key = Some(pki.path().join("key.pem"));
        let tls = load(&config, None).unwrap();
        assert_eq!(tls.status, CertStatus::Operator);
        assert!(tls.ca_path.is_none());
        // The CA is the chain's last certificate, re-encoded.
        assert_eq!(
            CertificateDer::from_pem_slice(tls.ca_pem.as_bytes()).unwrap(),
            CertificateDer::from_pem_slice(g.ca_pem.as_bytes()).unwrap()
        );
        verify_server_cert(&g.server_pem, &tls.ca_pem, "ops.example.com").unwrap();
        assert!(!data.path().join("tls").exists(), "nothing generated");

        let ca_file = pki.path().join("ca.pem");
        let tls = load(&config, Some(&ca_file)).unwrap();
        assert_eq!(tls.ca_pem, g.ca_pem);
        assert_eq!(tls.ca_path.as_deref(), Some(ca_file.as_path()));

        // A key that does not belong to the certificate is refused.
        let other = tempfile::tempdir().unwrap();
        let o = ensure_generated(other.path(), &sans("x")).unwrap();
        std::fs::write(pki.path().join("key.pem"), &o.server_key_pem).unwrap();
        assert!(matches!(
            load(&config, Some(&ca_file)),
            Err(TlsError::BadFile { .. })
        ));
    }

    #[test]
    fn sans_include_the_advertise_host_once() {
        let s = server_sans("LOCALHOST");
        assert_eq!(s.iter().filter(|n| *n == "localhost").count(), 1);
        let s = server_sans("0:0:0:0:0:0:0:1");
        assert_eq!(s.iter().filter(|n| *n == "::1").count(), 1);
        let s = server_sans("203.0.113.9");
        assert!(s.contains(&"203.0.113.9".to_owned()));
    }
}
