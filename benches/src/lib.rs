//! Criterion benchmarks of the `sre` crates beside their peers; see `benches/`.
//!
//! Run them all with `cargo bench -p sre-benches`; one group with
//! `cargo bench -p sre-benches --bench <name>`. Each group names its peer and its floor
//! (the cheapest operation that could do the job) so the report reads as ratios.
#![forbid(unsafe_code)]
