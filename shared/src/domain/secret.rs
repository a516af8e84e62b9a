//! Random secrets (API keys, link tokens) and their stored form.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

/// 256 bits from the operating system's CSPRNG, URL-safe base64 (43 characters).
pub fn random_token() -> anyhow::Result<String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("the OS random source failed: {e}"))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// Hex SHA-256. The secrets are 256-bit random, so a fast hash is enough to store them:
/// there is nothing to brute-force that a slow hash would protect.
pub fn sha256_hex(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
