//! The JSON Schemas of the reports, as committed under `report/schema/`.

use crate::{ExplainReport, FillReport, LintReport, SimulateReport};

/// Writes one report's schema as pretty JSON.
pub type WriteSchema = fn() -> String;

/// Each report's schema file name (under `report/schema/`) and the function
/// that writes it.
pub const SCHEMAS: [(&str, WriteSchema); 4] = [
    ("lint.json", || pretty(schemars::schema_for!(LintReport))),
    ("explain.json", || {
        pretty(schemars::schema_for!(ExplainReport))
    }),
    ("simulate.json", || {
        pretty(schemars::schema_for!(SimulateReport))
    }),
    ("fill.json", || pretty(schemars::schema_for!(FillReport))),
];

fn pretty(schema: schemars::Schema) -> String {
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// The JSON Schema of the report named `name` (`lint`, `explain`,
/// `simulate`, `fill`), as committed.
///
/// # Example
///
/// ```
/// let schema = clicktodial_report::schema_json("lint").unwrap();
/// assert!(schema.contains("\"readAs\""));
/// assert!(clicktodial_report::schema_json("nope").is_none());
/// ```
pub fn schema_json(name: &str) -> Option<String> {
    SCHEMAS
        .iter()
        .find(|(file, _)| file.strip_suffix(".json") == Some(name))
        .map(|(_, write)| write())
}
