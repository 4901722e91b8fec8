# Recipes for common tasks. Each is a plain cargo/bash command, so nothing
# here needs `just` to be installed: copy the line into a shell.

default: test

# Build the `pyro` binary in release mode.
build:
    cargo build --release -p pyro-cli

# Run every test (golden files, unit tests, property tests).
test:
    cargo test --workspace

# Regenerate golden outputs that differ; review the diff before committing.
bless:
    PYRO_BLESS=1 cargo test -p pyro-cli --test golden

# Run a program: `just run examples/hello.pyro`.
run FILE *ARGS:
    cargo run --release -p pyro-cli -- run {{FILE}} {{ARGS}}

# Benchmarks (see bench/RESULTS.md).
bench:
    bash bench/run.sh

# Concurrency benchmarks: Pyro vs Go vs asyncio (see bench/RESULTS.md).
bench-conc:
    bash bench/conc.sh

# The long fuzz run of issue 14 (see tests/README.md): 10^6 `bytes` and
# `mutate` inputs, 10^5 `programs` and `differential` programs. Each line
# stops at its first target with failures; failures land in fuzz-failures/.
fuzz:
    cargo run --release -p pyro-fuzz -- bytes --iterations 1000000 --seed 1
    cargo run --release -p pyro-fuzz -- mutate --iterations 1000000 --seed 1
    cargo run --release -p pyro-fuzz -- programs --iterations 100000 --seed 1
    cargo run --release -p pyro-fuzz -- differential --iterations 100000 --seed 1

# Channel stress test, the whole matrix (see tests/README.md); options after
# the name, e.g. `just stress --reps 1 --filter select/`.
stress *ARGS:
    cargo run --release -p pyro-stress -- {{ARGS}}

fmt:
    cargo fmt --all

lint:
    cargo clippy --workspace --all-targets -- -D warnings

# Everything CI runs.
ci:
    bash .ci/run
