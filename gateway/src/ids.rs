//! Newtypes for every identifier the platform hands out, so that an account id can never be
//! passed where a cluster id is expected. Ids are a one-letter kind prefix and 20 lowercase
//! base-32 characters (100 random bits): short enough for URLs and Unix socket paths, safe in
//! file names, and never reused.

use std::fmt;

use rand::Rng;
use serde::{Deserialize, Serialize};

const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
const RANDOM_LEN: usize = 20;

fn random_suffix() -> String {
    let mut rng = rand::rng();
    (0..RANDOM_LEN)
        .map(|_| ALPHABET[rng.random_range(0..32)] as char)
        .collect()
}

fn well_formed(prefix: char, s: &str) -> bool {
    let mut chars = s.chars();
    chars.next() == Some(prefix)
        && s.len() == 1 + RANDOM_LEN
        && chars.all(|c| ALPHABET.contains(&(c as u8)) && c.is_ascii())
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A fresh random id.
            pub fn new_random() -> Self {
                Self(format!("{}{}", $prefix, random_suffix()))
            }

            /// Parses an id, refusing anything that is not exactly one this type hands out.
            pub fn parse(s: &str) -> Option<Self> {
                well_formed($prefix, s).then(|| Self(s.to_owned()))
            }

            /// Wraps a value read back from the platform database without checking it.
            pub fn from_db(s: String) -> Self {
                Self(s)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// An account (a tenant): `a` + 20 characters.
    AccountId,
    'a'
);
id_type!(
    /// A cluster: `c` + 20 characters. Appears in `/k8s/<cluster id>` and in file names.
    ClusterId,
    'c'
);
id_type!(
    /// An API token: `t` + 20 characters.
    TokenId,
    't'
);
id_type!(
    /// A login session: `s` + 20 characters.
    SessionId,
    's'
);
id_type!(
    /// A kubeconfig token (the JWT `jti`): `k` + 20 characters.
    KubeconfigTokenId,
    'k'
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_ids_parse_back_and_others_do_not() {
        let c = ClusterId::new_random();
        assert_eq!(ClusterId::parse(c.as_str()), Some(c.clone()));
        assert_eq!(AccountId::parse(c.as_str()), None);
        assert_eq!(ClusterId::parse("c../../etc/passwd00000"), None);
        assert_eq!(ClusterId::parse(""), None);
        assert_eq!(ClusterId::parse(&format!("{c}x")), None);
        assert_ne!(ClusterId::new_random(), ClusterId::new_random());
    }
}
