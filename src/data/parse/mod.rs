//! Value parsers as polars expressions: they run over whole columns (a million rows is one call),
//! never panic, and yield null where a value cannot be read — [`crate::data::normalise`] turns
//! those nulls into row-level problems.

pub mod dates;
pub mod lists;
pub mod money;
pub mod territory;

use polars::prelude::*;

/// Trims text; empty text becomes null.
pub fn clean_text(e: Expr) -> Expr {
    let t = e
        .str()
        .replace_all(lit(r"\s+"), lit(" "), false)
        .str()
        .strip_chars(lit(NULL));
    when(t.clone().str().len_chars().gt(lit(0)))
        .then(t)
        .otherwise(lit(NULL).cast(DataType::String))
}

/// Runs `parser` over `values` in a one-column frame (for tests and small previews).
pub fn run_on_strings(values: &[&str], parser: impl Fn(Expr) -> Expr) -> PolarsResult<Column> {
    let frame = df!("v" => values)?;
    let out = frame
        .lazy()
        .select([parser(col("v")).alias("out")])
        .collect()?;
    Ok(out.column("out")?.clone())
}

/// Left-join arguments that keep the left frame's row order and coalesce the key columns.
pub fn ordered_left_join() -> JoinArgs {
    let mut args = JoinArgs::new(JoinType::Left).with_coalesce(JoinCoalesce::CoalesceColumns);
    args.maintain_order = MaintainOrderJoin::Left;
    args
}
