//! The Web Crypto ops: random bytes written in place into the caller's buffer (HC-128
//! seeded from the OS, or with --seed from the seed, as early Deno's `--seed` had it),
//! and the SHA digests of `crypto.subtle.digest` (RustCrypto's; an async request
//! hashes on the blocking pool).
use rand_core::RngCore;
use sha1::Sha1;
use sha2::{Digest as _, Sha256, Sha384, Sha512};

use crate::errors::{DenoError, OpResult};
use crate::msg::{self, DigestAlgorithm, ErrorKind};
use crate::ops::reply::{on_pool, reply, request_table, Ctx, Op, ZeroCopyBuf};

/// The deterministic generator of `--seed N`: rand 0.6's `StdRng::seed_from_u64(N)`.
pub fn seeded(seed: u64) -> rand_hc::Hc128Rng {
    rand_core::SeedableRng::seed_from_u64(seed)
}

pub fn op_get_random_values(
    state: &Ctx,
    _base: &msg::Base,
    data: Option<ZeroCopyBuf>,
) -> OpResult<Op> {
    let mut data = data.ok_or_else(|| DenoError::invalid("GetRandomValues: no buffer to fill"))?;
    let mut random = state.random.borrow_mut();
    let rng = match &mut *random {
        Some(rng) => rng,
        // Seeded from the OS once, then HC-128 in this process (a CSPRNG, as rand's
        // thread_rng was): a getrandom(2) per call would be several times slower.
        None => {
            let mut seed = [0u8; 32];
            getrandom::getrandom(&mut seed)
                .map_err(|e| DenoError::new(ErrorKind::Other, format!("getrandom: {e}")))?;
            random.insert(rand_core::SeedableRng::from_seed(seed))
        }
    };
    rng.fill_bytes(&mut data);
    Ok(Op::Sync(None))
}

pub fn op_digest(state: &Ctx, base: &msg::Base, data: Option<ZeroCopyBuf>) -> OpResult<Op> {
    let algorithm = request_table::<msg::Digest>(base)?.algorithm();
    let data = data.ok_or_else(|| DenoError::invalid("Digest: no data"))?;
    let hash = move || -> OpResult<Vec<u8>> {
        Ok(match algorithm {
            DigestAlgorithm::Sha1 => Sha1::digest(&*data).to_vec(),
            DigestAlgorithm::Sha256 => Sha256::digest(&*data).to_vec(),
            DigestAlgorithm::Sha384 => Sha384::digest(&*data).to_vec(),
            DigestAlgorithm::Sha512 => Sha512::digest(&*data).to_vec(),
            other => {
                return Err(DenoError::invalid(format!(
                    "Digest: unknown algorithm {}",
                    other.0
                )))
            }
        })
    };
    Ok(on_pool(base.sync(), hash)?.reply(state, |state, digest| {
        reply(state, |b| {
            let digest = Some(b.create_vector(&digest));
            msg::DigestRes::create(b, &msg::DigestResArgs { digest })
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::testing::*;

    #[test]
    fn random_values_fill_the_buffer_in_place_and_a_seed_repeats_them() {
        let d = dispatcher();
        let req = request(true, msg::Any::GetRandomValues, |b| {
            msg::GetRandomValues::create(b, &msg::GetRandomValuesArgs {})
        });
        let data = zero_copy(&[0u8; 64]);
        assert!(run_sync_with(&d, &req, Some(data.clone())).is_none());
        assert!(data.iter().any(|b| *b != 0), "filled: {:?}", &data[..]);
        let (mut a, mut b) = ([0u8; 32], [0u8; 32]);
        seeded(42).fill_bytes(&mut a);
        seeded(42).fill_bytes(&mut b);
        assert_eq!(a, b);
        let mut c = [0u8; 32];
        seeded(43).fill_bytes(&mut c);
        assert_ne!(a, c);
        let reply = run_sync(&d, &req).expect("an error reply");
        assert_eq!(reply_base(&reply).error_kind(), ErrorKind::InvalidInput);
    }

    #[test]
    fn digests_match_the_published_test_vectors_in_both_modes() {
        let d = dispatcher();
        let cases = [
            (
                DigestAlgorithm::Sha1,
                "a9993e364706816aba3e25717850c26c9cd0d89d",
            ),
            (
                DigestAlgorithm::Sha256,
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
            ),
        ];
        for (algorithm, hex) in cases {
            for sync in [true, false] {
                let req = request(sync, msg::Any::Digest, |b| {
                    msg::Digest::create(b, &msg::DigestArgs { algorithm })
                });
                let data = Some(zero_copy(b"abc"));
                let reply = if sync {
                    run_sync_with(&d, &req, data).unwrap()
                } else {
                    run_async_with(&d, &req, data)
                };
                let digest = reply_base(&reply)
                    .res_as_digest_res()
                    .unwrap()
                    .digest()
                    .unwrap();
                let got: String = digest.iter().map(|b| format!("{b:02x}")).collect();
                assert_eq!(got, hex);
            }
        }
    }
}
