//! The one source of randomness: a small deterministic generator
//! (SplitMix64) seeded from `(seed, iteration)`, so every input of a run can
//! be regenerated on its own, in any process, from those two numbers.

/// A SplitMix64 generator: fast, good enough for fuzzing, and the same on
/// every platform.
#[derive(Clone, Debug)]
pub struct Rng {
    state: u64,
}

impl Rng {
    /// The generator for one iteration of a run.
    pub fn for_iteration(seed: u64, iteration: u64) -> Rng {
        let mut rng = Rng {
            state: seed ^ 0x5851_F42D_4C95_7F2D,
        };
        rng.next_u64();
        rng.state ^= iteration.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        rng.next_u64();
        rng
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = hi.wrapping_sub(lo) as u64;
        if span == u64::MAX {
            return self.next_u64() as i64;
        }
        lo.wrapping_add((self.next_u64() % (span + 1)) as i64)
    }

    /// True with probability `1 / n`.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// True with probability `percent / 100`.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// One of a list of words.
    pub fn word(&mut self, items: &[&'static str]) -> &'static str {
        items[self.below(items.len())]
    }

    /// A size that is usually small and sometimes large: the log-uniform
    /// shape that finds both ordinary and boundary behaviour.
    pub fn size(&mut self, max: usize) -> usize {
        let bits = usize::BITS - max.leading_zeros();
        let limit = 1usize << self.below(bits as usize + 1);
        self.below(limit.min(max) + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn iterations_are_reproducible_and_distinct() {
        let a: Vec<u64> = (0..4)
            .map(|_| Rng::for_iteration(7, 3).next_u64())
            .collect();
        assert!(a.iter().all(|&x| x == a[0]));
        assert_ne!(
            Rng::for_iteration(7, 3).next_u64(),
            Rng::for_iteration(7, 4).next_u64()
        );
        assert_ne!(
            Rng::for_iteration(7, 3).next_u64(),
            Rng::for_iteration(8, 3).next_u64()
        );
    }

    #[test]
    fn ranges_stay_inside() {
        let mut rng = Rng::for_iteration(1, 1);
        for _ in 0..1000 {
            let x = rng.range(-3, 5);
            assert!((-3..=5).contains(&x));
            assert!(rng.size(100) <= 100);
        }
        rng.range(i64::MIN, i64::MAX);
    }
}
