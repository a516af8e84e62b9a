//! crc-fast's API as aws-smithy-checksums calls it (see Cargo.toml for why this crate exists).
//! An algorithm the SDK starts to use that is not here fails the build, not a checksum.

use crc::{CRC_32_ISCSI, CRC_64_NVME, Crc, Table};

/// Sixteen tables of 256 entries each (16 and 32 KiB): S3 checksums whole objects, so the
/// slice-by-16 speed is worth them; crc32fast brings its own SIMD for plain CRC-32.
static CRC32_ISCSI: Crc<u32, Table<16>> = Crc::<u32, Table<16>>::new(&CRC_32_ISCSI);
static CRC64_NVME: Crc<u64, Table<16>> = Crc::<u64, Table<16>>::new(&CRC_64_NVME);

/// The algorithms S3's flexible checksums use, named as crc-fast names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrcAlgorithm {
    /// CRC-32 (zlib, Ethernet): S3's `CRC32`.
    Crc32IsoHdlc,
    /// CRC-32C (Castagnoli): S3's `CRC32C`.
    Crc32Iscsi,
    /// CRC-64/NVME: S3's `CRC64NVME`.
    Crc64Nvme,
}

/// A running checksum.
#[derive(Clone)]
pub struct Digest {
    state: State,
}

#[derive(Clone)]
enum State {
    IsoHdlc(crc32fast::Hasher),
    Iscsi(crc::Digest<'static, u32, Table<16>>),
    Nvme(crc::Digest<'static, u64, Table<16>>),
}

impl Digest {
    pub fn new(algorithm: CrcAlgorithm) -> Self {
        let state = match algorithm {
            CrcAlgorithm::Crc32IsoHdlc => State::IsoHdlc(crc32fast::Hasher::new()),
            CrcAlgorithm::Crc32Iscsi => State::Iscsi(CRC32_ISCSI.digest()),
            CrcAlgorithm::Crc64Nvme => State::Nvme(CRC64_NVME.digest()),
        };
        Self { state }
    }

    pub fn algorithm(&self) -> CrcAlgorithm {
        match self.state {
            State::IsoHdlc(_) => CrcAlgorithm::Crc32IsoHdlc,
            State::Iscsi(_) => CrcAlgorithm::Crc32Iscsi,
            State::Nvme(_) => CrcAlgorithm::Crc64Nvme,
        }
    }

    pub fn update(&mut self, data: &[u8]) {
        match &mut self.state {
            State::IsoHdlc(h) => h.update(data),
            State::Iscsi(d) => d.update(data),
            State::Nvme(d) => d.update(data),
        }
    }

    /// The checksum of everything so far (CRC-32s in the low 32 bits); the digest goes on.
    pub fn finalize(&self) -> u64 {
        match &self.state {
            State::IsoHdlc(h) => h.clone().finalize().into(),
            State::Iscsi(d) => d.clone().finalize().into(),
            State::Nvme(d) => d.clone().finalize(),
        }
    }

    /// Starts again from nothing, with the same algorithm.
    pub fn reset(&mut self) {
        *self = Self::new(self.algorithm());
    }

    /// [`Digest::finalize`], then [`Digest::reset`].
    pub fn finalize_reset(&mut self) -> u64 {
        let checksum = self.finalize();
        self.reset();
        checksum
    }
}

impl std::fmt::Debug for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Digest")
            .field("algorithm", &self.algorithm())
            .finish_non_exhaustive()
    }
}

/// The checksum of `buf` in one call.
pub fn checksum(algorithm: CrcAlgorithm, buf: &[u8]) -> u64 {
    let mut digest = Digest::new(algorithm);
    digest.update(buf);
    digest.finalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [CrcAlgorithm; 3] = [
        CrcAlgorithm::Crc32IsoHdlc,
        CrcAlgorithm::Crc32Iscsi,
        CrcAlgorithm::Crc64Nvme,
    ];

    /// The CRC catalogue's check values: the CRC of the ASCII digits 1 to 9.
    #[test]
    fn checksums_match_the_published_check_values() {
        assert_eq!(
            checksum(CrcAlgorithm::Crc32IsoHdlc, b"123456789"),
            0xCBF4_3926
        );
        assert_eq!(
            checksum(CrcAlgorithm::Crc32Iscsi, b"123456789"),
            0xE306_9283
        );
        assert_eq!(
            checksum(CrcAlgorithm::Crc64Nvme, b"123456789"),
            0xAE8B_1486_0A79_9888
        );
        assert_eq!(checksum(CrcAlgorithm::Crc32IsoHdlc, b""), 0);
        assert_eq!(checksum(CrcAlgorithm::Crc64Nvme, b""), 0);
    }

    #[test]
    fn a_digest_fed_in_pieces_gives_the_one_shot_checksum() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 + i / 13) as u8).collect();
        for algorithm in ALL {
            let mut digest = Digest::new(algorithm);
            for piece in data.chunks(997) {
                digest.update(piece);
            }
            assert_eq!(
                digest.finalize(),
                checksum(algorithm, &data),
                "{algorithm:?}"
            );
            assert_eq!(
                digest.finalize(),
                checksum(algorithm, &data),
                "finalize leaves the digest as it was"
            );
            assert_eq!(digest.finalize_reset(), checksum(algorithm, &data));
            assert_eq!(
                digest.finalize(),
                checksum(algorithm, b""),
                "{algorithm:?} reset"
            );
            assert_eq!(digest.algorithm(), algorithm);
        }
    }
}
