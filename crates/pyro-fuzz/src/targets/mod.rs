//! The four targets. Each turns `(seed, iteration)` into an input (bytes,
//! deterministic, so the driver can regenerate any input it did not keep)
//! and runs an input, deciding whether it passed.

mod bytes;
mod differential;
pub mod exec;
pub mod frontend;
mod mutate;
mod programs;

use std::path::PathBuf;
use std::time::Duration;

use crate::python::Python;
use crate::rng::Rng;

pub use mutate::{workspace_root, Corpus};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    /// Arbitrary bytes and UTF-8 through lexer, parser, checker, compiler.
    Bytes,
    /// Mutated test and example files through check, compile and run.
    Mutate,
    /// Generated well-formed programs (concurrency, hostile values) run end to end.
    Programs,
    /// Generated sequential programs run by Pyro and by CPython, outputs compared.
    Differential,
}

impl Target {
    pub fn name(self) -> &'static str {
        match self {
            Target::Bytes => "bytes",
            Target::Mutate => "mutate",
            Target::Programs => "programs",
            Target::Differential => "differential",
        }
    }

    /// Inputs per job sent to a worker: about a tenth of a second of work.
    pub fn batch(self) -> u32 {
        match self {
            Target::Bytes => 64,
            Target::Mutate => 8,
            Target::Programs | Target::Differential => 8,
        }
    }

    /// Whether inputs run programs (their hang threshold includes the run
    /// deadline).
    pub fn runs_programs(self) -> bool {
        self != Target::Bytes
    }
}

/// How one input ended.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Pass,
    /// The run deadline passed: counted, not a failure.
    Timeout,
    Fail(String),
}

/// Settings the targets need.
#[derive(Clone, Debug)]
pub struct Settings {
    pub target: Target,
    pub seed: u64,
    pub deadline: Duration,
    pub corpus_roots: Vec<PathBuf>,
    pub python: Option<String>,
}

/// A target with its state: the corpus for `mutate`, the Python worker for
/// `differential`.
pub struct Context {
    pub settings: Settings,
    corpus: Option<Corpus>,
    python: Option<Python>,
}

impl Context {
    pub fn new(settings: Settings) -> Result<Context, String> {
        let corpus = match settings.target {
            Target::Mutate => Some(Corpus::load(&settings.corpus_roots)?),
            _ => None,
        };
        Ok(Context {
            settings,
            corpus,
            python: None,
        })
    }

    /// The input of one iteration.
    pub fn generate(&self, iteration: u64) -> Vec<u8> {
        let mut rng = Rng::for_iteration(self.settings.seed, iteration);
        match self.settings.target {
            Target::Bytes => bytes::generate(&mut rng),
            Target::Mutate => match &self.corpus {
                Some(corpus) => corpus.generate(&mut rng),
                None => Vec::new(),
            },
            Target::Programs => programs::generate(&mut rng),
            Target::Differential => differential::generate(&mut rng),
        }
    }

    /// Runs one input.
    pub fn execute(&mut self, input: &[u8]) -> Outcome {
        let deadline = self.settings.deadline;
        match self.settings.target {
            Target::Bytes => bytes::execute(input),
            Target::Mutate => {
                let name = match &self.corpus {
                    Some(corpus) => corpus.name_of(input),
                    None => "fuzz.pyro".into(),
                };
                mutate::execute(&name, input, deadline)
            }
            Target::Programs => programs::execute(input, deadline),
            Target::Differential => {
                if self.python.is_none() {
                    match Python::start(self.settings.python.as_deref()) {
                        Ok(p) => self.python = Some(p),
                        Err(e) => return Outcome::Fail(format!("cannot start python: {e}")),
                    }
                }
                match self.python.as_mut() {
                    Some(python) => differential::execute(input, deadline, python),
                    None => Outcome::Fail("no python".into()),
                }
            }
        }
    }
}
