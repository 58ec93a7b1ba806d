//! [`deserialize_via!`](crate::deserialize_via): deserialization that runs a type's
//! validating constructor.

/// Implements `serde::Deserialize` for a struct by reading its fields and passing them to
/// a validating constructor, so a value read from a file passes the same checks as one
/// built in code (a derived `Deserialize` would fill private fields unchecked).
///
/// Give the type, its serialized fields with their types (the names its derived
/// `Serialize` writes), and an expression over those names that returns
/// `Result<Self, E>` with `E: Display`; its message becomes the deserializer's error.
/// The calling crate needs `serde` (with `derive`) as a dependency; invoke the macro
/// under the same `cfg` as the type's `Serialize` derive.
///
/// ```
/// # #[cfg(feature = "serde")] {
/// use sre_core::{Error, Positive};
///
/// #[derive(Debug, serde::Serialize)]
/// pub struct Target {
///     per_instance: f64,
/// }
///
/// impl Target {
///     pub fn new(per_instance: f64) -> Result<Self, Error> {
///         Positive::named("target per instance", per_instance)?;
///         Ok(Self { per_instance })
///     }
/// }
///
/// sre_core::deserialize_via!(Target { per_instance: f64 } => Target::new(per_instance));
///
/// assert!(serde_json::from_str::<Target>(r#"{"per_instance": 1000.0}"#).is_ok());
/// let err = serde_json::from_str::<Target>(r#"{"per_instance": 0.0}"#).unwrap_err();
/// assert!(err.to_string().contains("target per instance is 0"), "{err}");
/// # }
/// ```
#[macro_export]
macro_rules! deserialize_via {
    ($ty:ident { $($field:ident : $fty:ty),+ $(,)? } => $ctor:expr) => {
        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                #[derive(serde::Deserialize)]
                struct Fields {
                    $($field: $fty),+
                }
                let Fields { $($field),+ } = <Fields as serde::Deserialize>::deserialize(deserializer)?;
                ($ctor).map_err(serde::de::Error::custom)
            }
        }
    };
}
