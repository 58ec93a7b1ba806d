//! A tour of what the `sre` family has today. Run with
//! `cargo run --release -p sre-core --example tour`.

use core::time::Duration;
use sre_core::{Clock, ManualClock, Objective, Timestamp};

fn main() -> Result<(), sre_core::Error> {
    println!("sre: production-excellence practice, linked into the process\n");

    println!("Error budgets of common objectives over a 30-day window:");
    let month = Duration::from_secs(30 * 24 * 3600);
    for pct in [99.0, 99.5, 99.9, 99.95, 99.99] {
        let slo = Objective::from_percent(pct)?;
        let downtime = month.mul_f64(slo.error_budget());
        println!(
            "  {pct:>6}%  allows {:>8.1} minutes of full outage, 1 bad request in {:>6.0}",
            downtime.as_secs_f64() / 60.0,
            1.0 / slo.error_budget()
        );
    }

    println!("\nA simulated clock drives the same code a service runs on real time:");
    let clock = ManualClock::new(Timestamp::ZERO);
    for step in [
        Duration::from_secs(90),
        Duration::from_secs(3600),
        Duration::from_millis(250),
    ] {
        let now = clock.advance(step);
        println!("  advance {step:>10?} -> now = {now}");
    }
    println!("  (clock reads {})", clock.now());

    println!("\nBad input is a typed error that says what to fix:");
    for bad in [1.0, 99.9, f64::NAN] {
        match Objective::new(bad) {
            Ok(o) => println!("  {bad} -> {o}"),
            Err(e) => println!("  Objective::new({bad}) -> {e}"),
        }
    }
    Ok(())
}
