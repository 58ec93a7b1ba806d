//! Placeholder until the simulator runner lands.
fn main() {}
