//! The family's sync shim: `std` atomics normally, [`loom`](https://docs.rs/loom)'s under
//! `--cfg sre_loom`, so a loom model and the shipped code are one source.
//!
//! Lock-free code in every `sre` crate imports its atomics from here. Build the models
//! with `RUSTFLAGS="--cfg sre_loom" cargo test -p <crate> --lib loom`; under that cfg the
//! types below are loom's, which only work inside `loom::model`.

#[cfg(not(sre_loom))]
pub use std::sync::Arc;
#[cfg(not(sre_loom))]
pub use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering, fence};

#[cfg(sre_loom)]
pub use loom::sync::Arc;
#[cfg(sre_loom)]
pub use loom::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, AtomicUsize, Ordering, fence};

/// Re-export of `loom` for models in downstream crates (only under `--cfg sre_loom`).
#[cfg(sre_loom)]
pub use loom;
