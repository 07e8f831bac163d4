//! The JWT signing keys: ECDSA P-256 key pairs (PKCS#8 PEM) in `DATA_DIR/keys/<kid>.pem`
//! (mode 0600, folder 0700) and the kid that signs new tokens in `DATA_DIR/keys/current`.
//!
//! Every key file in the folder verifies, so rotating ([`KeyStore::rotate`]) only adds a file
//! and moves `current`. A kid this process has not loaded yet (another gateway process on
//! the same data dir rotated) is looked up on disk when a token names it.

use std::collections::HashMap;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jsonwebtoken::{DecodingKey, EncodingKey};
use parking_lot::RwLock;
use rcgen::{KeyPair, PKCS_ECDSA_P256_SHA256};

use super::AuthError;

const CURRENT: &str = "current";

/// A kid we generate or accept: 1 to 64 of `[A-Za-z0-9_-]`, so it is always a safe file name.
pub(crate) fn valid_kid(kid: &str) -> bool {
    (1..=64).contains(&kid.len())
        && kid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn keys_error(what: &str, path: &Path, e: impl std::fmt::Display) -> AuthError {
    AuthError::Keys(format!("{what} {}: {e}", path.display()))
}

struct KeySet {
    current_kid: String,
    signing: Arc<EncodingKey>,
    verifying: HashMap<String, DecodingKey>,
}

pub(crate) struct KeyStore {
    dir: PathBuf,
    set: RwLock<KeySet>,
}

/// The public half of a PKCS#8 PEM P-256 key pair, for verification.
fn decoding_key(pem: &str, path: &Path) -> Result<DecodingKey, AuthError> {
    let pair = KeyPair::from_pem(pem).map_err(|e| keys_error("cannot parse", path, e))?;
    if pair.algorithm() != &PKCS_ECDSA_P256_SHA256 {
        return Err(keys_error(
            "not an ECDSA P-256 key",
            path,
            "wrong algorithm",
        ));
    }
    DecodingKey::from_ec_pem(pair.public_key_pem().as_bytes())
        .map_err(|e| keys_error("cannot use", path, e))
}

fn encoding_key(pem: &str, path: &Path) -> Result<EncodingKey, AuthError> {
    EncodingKey::from_ec_pem(pem.as_bytes()).map_err(|e| keys_error("cannot use", path, e))
}

/// Writes `contents` to a new file with mode 0600, durably.
fn write_private(path: &Path, contents: &[u8]) -> Result<(), AuthError> {
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| keys_error("cannot create", path, e))?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|e| keys_error("cannot write", path, e))
}

impl KeyStore {
    fn key_path(&self, kid: &str) -> PathBuf {
        self.dir.join(format!("{kid}.pem"))
    }

    /// Loads every `<kid>.pem` in `dir` and the current kid, creating the folder and a first
    /// key when there is none.
    pub(crate) fn load_or_create(dir: &Path) -> Result<KeyStore, AuthError> {
        fs::create_dir_all(dir).map_err(|e| keys_error("cannot create", dir, e))?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
            .map_err(|e| keys_error("cannot restrict", dir, e))?;

        let mut verifying = HashMap::new();
        let entries = fs::read_dir(dir).map_err(|e| keys_error("cannot read", dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| keys_error("cannot read", dir, e))?;
            let path = entry.path();
            let Some(kid) = path
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.strip_suffix(".pem"))
                .filter(|k| valid_kid(k))
            else {
                continue;
            };
            let pem = fs::read_to_string(&path).map_err(|e| keys_error("cannot read", &path, e))?;
            match decoding_key(&pem, &path) {
                Ok(key) => {
                    verifying.insert(kid.to_owned(), key);
                }
                // One unusable file must not stop the server; tokens naming it fail.
                Err(e) => tracing::warn!(error = %e, "skipping JWT key file"),
            }
        }

        let current_path = dir.join(CURRENT);
        let current = match fs::read_to_string(&current_path) {
            Ok(s) => Some(s.trim().to_owned()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(keys_error("cannot read", &current_path, e)),
        };
        let store = match current {
            Some(kid) => {
                if !valid_kid(&kid) {
                    return Err(keys_error("bad kid in", &current_path, "invalid name"));
                }
                let path = dir.join(format!("{kid}.pem"));
                let pem =
                    fs::read_to_string(&path).map_err(|e| keys_error("cannot read", &path, e))?;
                let signing = Arc::new(encoding_key(&pem, &path)?);
                if !verifying.contains_key(&kid) {
                    verifying.insert(kid.clone(), decoding_key(&pem, &path)?);
                }
                KeyStore {
                    dir: dir.to_path_buf(),
                    set: RwLock::new(KeySet {
                        current_kid: kid,
                        signing,
                        verifying,
                    }),
                }
            }
            None => {
                let store = KeyStore {
                    dir: dir.to_path_buf(),
                    set: RwLock::new(KeySet {
                        current_kid: String::new(),
                        signing: Arc::new(EncodingKey::from_secret(&[])),
                        verifying,
                    }),
                };
                store.rotate()?;
                store
            }
        };
        Ok(store)
    }

    /// Creates a new key, makes it current and returns its kid. Older keys keep verifying.
    pub(crate) fn rotate(&self) -> Result<String, AuthError> {
        let pair = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)
            .map_err(|e| AuthError::Keys(format!("cannot generate a key: {e}")))?;
        let pem = pair.serialize_pem();
        let kid = hex::encode(rand::random::<[u8; 8]>());
        let path = self.key_path(&kid);
        write_private(&path, pem.as_bytes())?;
        let signing = Arc::new(encoding_key(&pem, &path)?);
        let verifying = decoding_key(&pem, &path)?;

        // Point `current` at it atomically (write a temporary file, then rename).
        let tmp = self.dir.join(format!(".{CURRENT}.{kid}.tmp"));
        write_private(&tmp, format!("{kid}\n").as_bytes())?;
        let current = self.dir.join(CURRENT);
        fs::rename(&tmp, &current).map_err(|e| keys_error("cannot replace", &current, e))?;
        if let Ok(d) = fs::File::open(&self.dir) {
            let _ = d.sync_all();
        }

        let mut set = self.set.write();
        set.verifying.insert(kid.clone(), verifying);
        set.current_kid = kid.clone();
        set.signing = signing;
        tracing::info!(kid = %kid, "new JWT signing key");
        Ok(kid)
    }

    /// The kid and key that sign new tokens.
    pub(crate) fn signing(&self) -> (String, Arc<EncodingKey>) {
        let set = self.set.read();
        (set.current_kid.clone(), set.signing.clone())
    }

    /// The verification key of `kid`, loading `<kid>.pem` from disk when another process
    /// created it after this one started. None for an unknown or malformed kid.
    pub(crate) fn verifying(&self, kid: &str) -> Option<DecodingKey> {
        if !valid_kid(kid) {
            return None;
        }
        if let Some(key) = self.set.read().verifying.get(kid) {
            return Some(key.clone());
        }
        let path = self.key_path(kid);
        let pem = fs::read_to_string(&path).ok()?;
        let key = decoding_key(&pem, &path).ok()?;
        self.set
            .write()
            .verifying
            .insert(kid.to_owned(), key.clone());
        Some(key)
    }

    /// Every kid that verifies (tests and diagnostics).
    pub(crate) fn kids(&self) -> Vec<String> {
        let mut kids: Vec<String> = self.set.read().verifying.keys().cloned().collect();
        kids.sort();
        kids
    }

    /// The public key of `kid` as SPKI PEM (tests: the HS256-with-public-key attack).
    #[cfg(test)]
    pub(crate) fn public_pem(&self, kid: &str) -> String {
        let pem = fs::read_to_string(self.key_path(kid)).unwrap();
        KeyPair::from_pem(&pem).unwrap().public_key_pem()
    }
}
