//! Passwords: argon2id hashes (PHC strings), computed off the async threads, and the rules
//! a new password must meet.

use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};

/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The longest password accepted, in bytes (argon2 hashes any length; this bounds the work).
pub const MAX_PASSWORD_BYTES: usize = 512;

/// Hashes a password with argon2id (`memory_kib` of memory, two passes), on a blocking
/// thread. The PHC string carries the parameters, so changing them later keeps old hashes
/// verifiable.
pub(crate) async fn hash(password: String, memory_kib: u32) -> Result<String, String> {
    tokio::task::spawn_blocking(move || {
        let params = Params::new(memory_kib.max(Params::MIN_M_COST), 2, 1, None)
            .map_err(|e| e.to_string())?;
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Whether `password` matches the PHC string `hash`, checked on a blocking thread. An empty
/// or malformed hash matches nothing; a dummy hash is checked instead so that a missing
/// account takes as long to refuse as a wrong password.
pub(crate) async fn verify(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let real = hash.filter(|h| !h.is_empty());
        let target = real.clone().unwrap_or_else(|| DUMMY.to_string());
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), target.as_str())
            .is_ok();
        ok && real.is_some()
    })
    .await
    .unwrap_or(false)
}

/// A hash of a random string, verified when an account does not exist.
const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$HBLcMSzU0f/7Ym+YuMRbv6Qup2p5+XCgI9Ko6GWAEJk";

/// Why a new password is refused, if it is.
pub(crate) fn weakness(password: &str, name: &str) -> Option<&'static str> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        Some("The password must have at least 10 characters.")
    } else if password.len() > MAX_PASSWORD_BYTES {
        Some("The password is too long (at most 512 bytes).")
    } else if password.trim().to_lowercase() == name.trim().to_lowercase() {
        Some("The password must not be the account's name.")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let h = hash("correct horse battery".into(), 1024)
            .await
            .expect("hash");
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify("correct horse battery".into(), Some(h.clone())).await);
        assert!(!verify("wrong horse battery".into(), Some(h)).await);
        assert!(!verify("anything".into(), None).await);
        assert!(!verify("anything".into(), Some(String::new())).await);
        assert!(!verify("x".into(), Some("not a hash".into())).await);
    }

    #[test]
    fn weak_passwords_are_named() {
        assert!(weakness("short", "ana").is_some());
        assert!(weakness("anastasia1", "Anastasia1").is_some());
        assert!(weakness(&"x".repeat(600), "ana").is_some());
        assert!(weakness("a fine long passphrase", "ana").is_none());
    }
}
