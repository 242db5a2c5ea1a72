//! Value parsers as polars expressions: they run over whole columns (a million rows is one call),
//! never panic, and yield null where a value cannot be read — [`crate::data::normalise`] turns
//! those nulls into row-level problems.

pub mod dates;
pub mod lists;
pub mod money;
pub mod territory;

use polars::prelude::*;

/// Trims text and collapses its runs of white space into one space; empty text becomes null.
/// One pass per text ([`clean`]); text already clean is kept as it is.
pub fn clean_text(e: Expr) -> Expr {
    e.map(
        |c| {
            let text = c.cast(&DataType::String)?;
            let cleaned: StringChunked = text.str()?.iter().map(|v| v.and_then(clean)).collect();
            Ok(cleaned.with_name(c.name().clone()).into_column())
        },
        |_, field| Ok(Field::new(field.name().clone(), DataType::String)),
    )
}

/// `text` trimmed, with each run of white space as one space; `None` when nothing is left.
pub fn clean(text: &str) -> Option<std::borrow::Cow<'_, str>> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return None;
    }
    let mut after_space = false;
    let already_clean = trimmed.chars().all(|c| {
        let space = c.is_whitespace();
        let fine = !space || (c == ' ' && !after_space);
        after_space = space;
        fine
    });
    Some(if already_clean {
        std::borrow::Cow::Borrowed(trimmed)
    } else {
        std::borrow::Cow::Owned(trimmed.split_whitespace().collect::<Vec<_>>().join(" "))
    })
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

/// `frame` with the other columns of `map` added, row by row, from the row of `map` whose `key`
/// equals the row's own `key` (nothing where there is none). Like a left join on a small `map`,
/// without carrying `frame`'s columns through a join: each row's place in `map` is looked up
/// once and the few mapped columns gathered by it.
pub fn gather_by(mut frame: DataFrame, key: &str, map: DataFrame) -> PolarsResult<DataFrame> {
    let map = map.unique_stable(Some(&[key.to_string()]), UniqueKeepStrategy::First, None)?;
    if let (DataType::Categorical(..), DataType::Categorical(..)) =
        (frame.column(key)?.dtype(), map.column(key)?.dtype())
    {
        let place = places_by_code(frame.column(key)?, map.column(key)?)?;
        let values = map.drop(key)?.take(&place)?;
        frame.hstack_mut(values.columns())?;
        return Ok(frame);
    }
    let n = map.height();
    let keys = map.column(key)?.as_materialized_series().clone();
    let places = Series::new("__place".into(), (0..n as IdxSize).collect::<Vec<_>>());
    let place = frame
        .clone()
        .lazy()
        .select([col(key)
            .replace_strict(
                lit(keys),
                lit(places),
                Some(lit(NULL).cast(IDX_DTYPE)),
                Some(IDX_DTYPE),
            )
            .alias("__place")])
        .collect()?;
    let values = map.drop(key)?.take(place.column("__place")?.idx()?)?;
    frame.hstack_mut(values.columns())?;
    Ok(frame)
}

/// Each row's place among `keys` when both are categories of the global dictionary: found by
/// code, without hashing any text.
fn places_by_code(rows: &Column, keys: &Column) -> PolarsResult<IdxCa> {
    let (rows, keys) = (rows.cat32()?.physical(), keys.cat32()?.physical());
    let largest = keys.max().unwrap_or(0) as usize;
    let mut place_of_code: Vec<Option<IdxSize>> = vec![None; largest + 1];
    for (place, code) in keys.iter().enumerate() {
        if let Some(code) = code {
            place_of_code[code as usize] = Some(place as IdxSize);
        }
    }
    Ok(rows
        .iter()
        .map(|code| place_of_code.get(code? as usize).copied().flatten())
        .collect())
}

/// Left-join arguments that keep the left frame's row order and coalesce the key columns.
pub fn ordered_left_join() -> JoinArgs {
    let mut args = JoinArgs::new(JoinType::Left).with_coalesce(JoinCoalesce::CoalesceColumns);
    args.maintain_order = MaintainOrderJoin::Left;
    args
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// How text was cleaned before [`clean`], as polars patterns: the oracle.
    fn clean_by_patterns(e: Expr) -> Expr {
        let t = e
            .str()
            .replace_all(lit(r"\s+"), lit(" "), false)
            .str()
            .strip_chars(lit(NULL));
        when(t.clone().str().len_chars().gt(lit(0)))
            .then(t)
            .otherwise(lit(NULL).cast(DataType::String))
    }

    fn same_as_patterns(texts: &[&str]) {
        let fast = run_on_strings(texts, clean_text).unwrap();
        let oracle = run_on_strings(texts, clean_by_patterns).unwrap();
        assert!(
            fast.equals_missing(&oracle),
            "{texts:?}: {fast:?} against {oracle:?}"
        );
    }

    #[test]
    fn text_is_trimmed_and_its_spaces_collapsed_as_the_patterns_do() {
        same_as_patterns(&[
            "Welfare di comunità",
            "  Welfare \t di\n\ncomunità ",
            "",
            "   ",
            "\u{a0}Cuneo\u{a0}",
            "a\u{2003}b",
            "a  b",
            "Età adulta, Età senile",
        ]);
    }

    proptest! {
        #[test]
        fn cleaned_as_the_patterns_clean(s in "[ a\t\n\r\u{a0}\u{2003}\u{85}àb]{0,12}") {
            same_as_patterns(&[&s]);
        }
    }

    #[test]
    fn gathering_by_key_is_a_left_join_that_keeps_the_rows() {
        let frame = df!(
            "k" => [Some("b"), None, Some("a"), Some("z"), Some("b")],
            "other" => [1, 2, 3, 4, 5],
        )
        .unwrap();
        // A key given twice in the map keeps its first row; "z" is not in the map.
        let map = df!(
            "k" => ["a", "b", "b"],
            "v" => [10, 20, 99],
        )
        .unwrap();
        let out = gather_by(frame, "k", map).unwrap();
        assert_eq!(out.height(), 5);
        let v: Vec<Option<i32>> = out.column("v").unwrap().i32().unwrap().iter().collect();
        assert_eq!(v, [Some(20), None, Some(10), None, Some(20)]);
        let other: Vec<Option<i32>> = out.column("other").unwrap().i32().unwrap().iter().collect();
        assert_eq!(other, [Some(1), Some(2), Some(3), Some(4), Some(5)]);
    }

    #[test]
    fn gathering_by_a_category_key_finds_the_same_rows_by_code() {
        let category = crate::data::categories::categorical();
        let frame = df!("k" => [Some("b"), Some("z"), Some("a"), None, Some("b")])
            .unwrap()
            .lazy()
            .with_column(col("k").cast(category.clone()))
            .collect()
            .unwrap();
        let map = df!("k" => ["a", "b", "b"], "v" => [10, 20, 99])
            .unwrap()
            .lazy()
            .with_column(col("k").cast(category))
            .collect()
            .unwrap();
        let out = gather_by(frame, "k", map).unwrap();
        let v: Vec<Option<i32>> = out.column("v").unwrap().i32().unwrap().iter().collect();
        assert_eq!(v, [Some(20), None, Some(10), None, Some(20)]);
    }
}
