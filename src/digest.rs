//! SHA-256 in hex, for ETags, config versions and token fingerprints.

use std::fmt::Write;

use sha2::{Digest, Sha256};

/// Lowercase hex of the first `bytes` bytes (at most 32) of `data`'s SHA-256.
pub fn sha256_hex(data: &[u8], bytes: usize) -> String {
    let digest = Sha256::digest(data);
    let mut hex = String::with_capacity(bytes * 2);
    for b in digest.iter().take(bytes) {
        // Writing into a String cannot fail.
        let _ = write!(hex, "{b:02x}");
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::sha256_hex;

    #[test]
    fn is_the_digest_in_hex_cut_to_length() {
        let full = sha256_hex(b"abc", 32);
        assert_eq!(
            full,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(sha256_hex(b"abc", 4), full[..8]);
        assert_eq!(sha256_hex(b"abc", 99), full);
    }
}
