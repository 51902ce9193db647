//! Long fuzz runs on the stable toolchain (see tests/fuzz/targets.rs):
//!
//!     cargo run --release --example fuzz -- webhook 600     # target, seconds
//!     cargo run --release --example fuzz -- language 600

#[path = "../tests/fuzz/targets.rs"]
mod targets;

fn main() {
    let mut args = std::env::args().skip(1);
    let target = args.next().unwrap_or_else(|| "webhook".into());
    let seconds: u64 = args.next().and_then(|s| s.parse().ok()).unwrap_or(60);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let started = std::time::Instant::now();
    let deadline = started + std::time::Duration::from_secs(seconds);
    let done = targets::run(seed, u64::MAX, Some(deadline), &target);
    println!(
        "fuzz {target}: {done} executions in {:.0} s (seed {seed}), 0 crashes",
        started.elapsed().as_secs_f64()
    );
}
