//! Failure files: the input that failed, byte for byte, after a header of
//! `#` comment lines that says which target, seed and iteration produce it
//! and why it failed. A Pyro input stays a runnable program (the header is
//! comments), and `--replay FILE` reads the input back.

use std::path::{Path, PathBuf};

use crate::targets::Target;

/// The last header line; the input starts right after it.
const END_OF_HEADER: &str = "# ---- input ----\n";

/// One failure, as found by the driver.
pub struct Failure {
    pub target: Target,
    pub seed: u64,
    /// The iteration that generates the input, when it came from one.
    pub iteration: Option<u64>,
    pub reason: String,
    pub input: Vec<u8>,
}

impl Failure {
    /// The file's name inside the output folder.
    pub fn file_name(&self) -> String {
        match self.iteration {
            Some(i) => format!("{}-s{}-i{i}.pyro", self.target.name(), self.seed),
            None => format!(
                "{}-replay-{:016x}.pyro",
                self.target.name(),
                fingerprint(&self.input)
            ),
        }
    }

    /// Writes the failure into `dir`; returns the path.
    pub fn save(&self, dir: &Path) -> std::io::Result<PathBuf> {
        std::fs::create_dir_all(dir)?;
        let path = dir.join(self.file_name());
        let origin = match self.iteration {
            Some(i) => format!("seed {} iteration {i}", self.seed),
            None => "a replayed or minimised input".to_string(),
        };
        let reproduce = match self.iteration {
            Some(i) => format!(
                "cargo run --release -p pyro-fuzz -- {} --seed {} --iteration {i}",
                self.target.name(),
                self.seed
            ),
            None => format!(
                "cargo run --release -p pyro-fuzz -- {} --replay {}",
                self.target.name(),
                path.display()
            ),
        };
        let reason: String = self.reason.replace('\n', " ");
        let mut text = format!(
            "# pyro-fuzz failure: target {} ({origin})\n# reason: {reason}\n# reproduce: {reproduce}\n# or: cargo run --release -p pyro-fuzz -- {} --replay {}\n{END_OF_HEADER}",
            self.target.name(),
            self.target.name(),
            path.display(),
        )
        .into_bytes();
        text.extend_from_slice(&self.input);
        std::fs::write(&path, text)?;
        Ok(path)
    }
}

/// The input stored in a failure file (the whole file if it has no header).
pub fn read_input(path: &Path) -> std::io::Result<Vec<u8>> {
    let data = std::fs::read(path)?;
    let marker = END_OF_HEADER.as_bytes();
    match data.windows(marker.len()).position(|w| w == marker) {
        Some(at) => Ok(data[at + marker.len()..].to_vec()),
        None => Ok(data),
    }
}

/// A reason with its varying details (numbers, addresses, quoted values)
/// blanked, so failures of one class share it.
pub fn signature(reason: &str) -> String {
    let mut out = String::new();
    let mut in_digits = false;
    for c in reason.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('N');
            }
            in_digits = true;
        } else {
            in_digits = false;
            out.push(c);
        }
    }
    out.chars().take(160).collect()
}

fn fingerprint(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::{read_input, signature, Failure};
    use crate::targets::Target;

    #[test]
    fn a_saved_failure_reads_back() {
        let dir = std::env::temp_dir().join(format!("pyro-fuzz-test-{}", std::process::id()));
        let failure = Failure {
            target: Target::Bytes,
            seed: 3,
            iteration: Some(17),
            reason: "panic: boom\nsecond line".into(),
            input: b"\xff# ---- not a header\nx".to_vec(),
        };
        let path = failure.save(&dir).unwrap();
        assert_eq!(read_input(&path).unwrap(), failure.input);
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
        assert!(text.contains("# reason: panic: boom second line\n"));
        assert!(text.contains("--seed 3 --iteration 17"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn signatures_ignore_numbers() {
        assert_eq!(
            signature("memory allocation of 68719476720 bytes failed"),
            signature("memory allocation of 12 bytes failed")
        );
    }
}
