//! The short channel stress run for `cargo test`: a fixed sample of the
//! matrix (every variant three times, every capacity and worker count), small
//! message counts. The long run is `just stress` (see tests/README.md).

use std::time::Duration;

#[test]
fn channel_stress_sample() {
    let configs = pyro_stress::sample(3, 300, 14);
    let outcomes = pyro_stress::run_all(&configs, Duration::from_secs(60), |_| {});
    let failures: Vec<String> = outcomes.iter().filter_map(pyro_stress::describe).collect();
    assert!(
        failures.is_empty(),
        "{} of {} stress runs failed:\n{}",
        failures.len(),
        outcomes.len(),
        failures.join("\n")
    );
}
