//! [`Point`]: one combination of a grid's axis values, its name and its scenario.

use super::Grid;
use super::canonical::inline;
use crate::{Error, Report, Scenario, Simulation};
use toml::{Table, Value};

/// The name of point `index`: `p` and the index in five digits (`p00007`), so names sort
/// as indices do for every grid within [`MAX_POINTS`](super::MAX_POINTS).
#[must_use]
pub fn point_name(index: usize) -> String {
    format!("p{index:05}")
}

/// One point of a [`Grid`]: its index, its name and a value on each axis.
#[derive(Debug, Clone)]
pub struct Point<'g> {
    grid: &'g Grid,
    index: usize,
    choice: Vec<usize>,
}

/// One axis value of a point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Param<'g> {
    /// The axis' dotted path.
    pub axis: &'g str,
    /// The value at that path.
    pub value: &'g Value,
    /// The value's label, if the axis has labels.
    pub label: Option<&'g str>,
}

impl<'g> Point<'g> {
    pub(crate) fn new(grid: &'g Grid, index: usize, choice: Vec<usize>) -> Self {
        Self {
            grid,
            index,
            choice,
        }
    }

    /// The point's index in the grid.
    #[must_use]
    pub fn index(&self) -> usize {
        self.index
    }

    /// The point's name, [`point_name`] of its index.
    #[must_use]
    pub fn name(&self) -> String {
        point_name(self.index)
    }

    /// The point's value on each axis, in the grid's axis order.
    pub fn params(&self) -> impl ExactSizeIterator<Item = Param<'g>> + '_ {
        self.grid
            .axes()
            .iter()
            .zip(&self.choice)
            .map(|(axis, &i)| Param {
                axis: &axis.path,
                value: &axis.values[i],
                label: axis.labels.as_ref().map(|l| l[i].as_str()),
            })
    }

    /// The point's scenario as a TOML table: the base with each axis value inserted at
    /// its path (intermediate tables created as needed).
    ///
    /// Errors: [`Error::Point`] when a path runs through a value that is not a table.
    pub fn table(&self) -> Result<Table, Error> {
        self.grid
            .scenario_table(&self.choice)
            .map_err(|e| self.error(e))
    }

    /// The point's scenario, parsed and validated like a scenario file.
    ///
    /// Errors: [`Error::Point`] naming the point, its parameters and the scenario field.
    pub fn scenario(&self) -> Result<Scenario, Error> {
        let table = self.table()?;
        let scenario: Scenario = Value::Table(table)
            .try_into()
            .map_err(|e| self.error(Error::Toml(e)))?;
        scenario.validate().map_err(|e| self.error(e))?;
        Ok(scenario)
    }

    /// The point's simulation, built (and so fully checked) by [`Simulation::new`].
    ///
    /// Errors: as [`scenario`](Self::scenario), and what [`Simulation::new`] refuses.
    pub fn simulation(&self) -> Result<Simulation, Error> {
        Simulation::new(self.scenario()?).map_err(|e| self.error(e))
    }

    /// Runs the point's simulation to its report.
    ///
    /// Errors: as [`simulation`](Self::simulation), and what the run reports.
    pub fn run(&self) -> Result<Report, Error> {
        self.simulation()?.run().map_err(|e| self.error(e))
    }

    /// `source` wrapped with the point's name and parameters.
    fn error(&self, source: Error) -> Error {
        let params = self
            .params()
            .map(|p| format!("{} = {}", p.axis, inline(p.value)))
            .collect::<Vec<_>>()
            .join(", ");
        Error::Point {
            point: self.name(),
            params,
            source: Box::new(source),
        }
    }
}

/// Sets `value` at the axis' dotted path in `table`, creating missing tables on the way.
pub(crate) fn set_path(table: &mut Table, axis: &super::Axis, value: Value) -> Result<(), Error> {
    let segments: Vec<&str> = axis.segments().collect();
    let (last, parents) = segments
        .split_last()
        .ok_or_else(|| Error::grid(format!("grid.\"{}\"", axis.path), "is empty"))?;
    let mut here = table;
    for (depth, seg) in parents.iter().enumerate() {
        let slot = here
            .entry((*seg).to_owned())
            .or_insert_with(|| Value::Table(Table::new()));
        here = match slot {
            Value::Table(t) => t,
            other => {
                return Err(Error::grid(
                    format!("grid.\"{}\"", axis.path),
                    format!(
                        "runs through `{}`, which is a {} in the base, not a table",
                        segments[..=depth].join("."),
                        other.type_str()
                    ),
                ));
            }
        };
    }
    here.insert((*last).to_owned(), value);
    Ok(())
}
