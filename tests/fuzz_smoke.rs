//! A short fuzz run of both targets in every test pass; long runs: `examples/fuzz.rs`.

#[path = "fuzz/targets.rs"]
mod targets;

#[test]
fn webhook_parsing_survives_mutated_and_random_input() {
    assert_eq!(targets::run(1, 20_000, None, "webhook"), 20_000);
}

#[test]
fn language_handling_survives_mutated_and_random_input() {
    assert_eq!(targets::run(2, 20_000, None, "language"), 20_000);
}
