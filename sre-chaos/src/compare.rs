//! Comparison operators shared by tolerances, Litmus comparators and guards.

use crate::pyvalue::{py_eq, py_order};
use core::cmp::Ordering;
use serde_json::Value;

/// A binary comparison `value <op> limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CompareOp {
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `==`
    Eq,
    /// `!=`
    Ne,
}

impl CompareOp {
    /// Parses `<`, `<=`, `>`, `>=`, `==`, `!=`.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "<" => Self::Lt,
            "<=" => Self::Le,
            ">" => Self::Gt,
            ">=" => Self::Ge,
            "==" => Self::Eq,
            "!=" => Self::Ne,
            _ => return None,
        })
    }

    /// The operator as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Lt => "<",
            Self::Le => "<=",
            Self::Gt => ">",
            Self::Ge => ">=",
            Self::Eq => "==",
            Self::Ne => "!=",
        }
    }

    /// `a <op> b` on floats (IEEE: every comparison with a NaN is false except `!=`).
    pub fn apply(self, a: f64, b: f64) -> bool {
        match self {
            Self::Lt => a < b,
            Self::Le => a <= b,
            Self::Gt => a > b,
            Self::Ge => a >= b,
            #[allow(clippy::float_cmp)] // the operator asked for is exact equality
            Self::Eq => a == b,
            #[allow(clippy::float_cmp)]
            Self::Ne => a != b,
        }
    }

    /// `a <op> b` with Python's semantics on JSON values; `None` where Python raises.
    pub(crate) fn py_apply(self, a: &Value, b: &Value) -> Option<bool> {
        match self {
            Self::Eq => Some(py_eq(a, b)),
            Self::Ne => Some(!py_eq(a, b)),
            _ => {
                let o = py_order(a, b).ok()?;
                Some(match self {
                    Self::Lt => o == Ordering::Less,
                    Self::Le => o != Ordering::Greater,
                    Self::Gt => o == Ordering::Greater,
                    _ => o != Ordering::Less,
                })
            }
        }
    }
}
