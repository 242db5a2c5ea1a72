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
    let gathered = gathered_by(&frame, key, map)?;
    frame.hstack_mut(&gathered)?;
    Ok(frame)
}

/// The columns [`gather_by`] adds to `frame`, without adding them (so several keys can be
/// gathered side by side).
pub fn gathered_by(frame: &DataFrame, key: &str, map: DataFrame) -> PolarsResult<Vec<Column>> {
    let map = map.unique_stable(Some(&[key.to_string()]), UniqueKeepStrategy::First, None)?;
    if let (DataType::Categorical(..), DataType::Categorical(..)) =
        (frame.column(key)?.dtype(), map.column(key)?.dtype())
    {
        let place = places_by_code(frame.column(key)?, map.column(key)?)?;
        return taken(&map.drop(key)?, &place);
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
    taken(&map.drop(key)?, place.column("__place")?.idx()?)
}

/// The rows of `map` at `place` (nulls where `None`), column by column.
fn taken(map: &DataFrame, place: &IdxCa) -> PolarsResult<Vec<Column>> {
    map.columns()
        .iter()
        .map(|c| match lists_taken(c, place)? {
            Some(lists) => Ok(lists),
            None => c.take(place),
        })
        .collect()
}

/// The lists of categories of `lists` at `place`, copied slice by slice: polars' own `take`
/// of a list column extends its result one list at a time (about 50 ms for a million target
/// groups, several times this). `None` for other columns (or lists with null values), taken by
/// polars.
fn lists_taken(lists: &Column, place: &IdxCa) -> PolarsResult<Option<Column>> {
    use polars_arrow::array::{Array, ListArray, PrimitiveArray};
    use polars_arrow::bitmap::MutableBitmap;
    use polars_arrow::offset::OffsetsBuffer;
    let dtype = lists.dtype().clone();
    if !matches!(&dtype, DataType::List(inner) if matches!(**inner, DataType::Categorical(..))) {
        return Ok(None);
    }
    let chunked = lists.list()?.rechunk();
    let Some(arr) = chunked.downcast_iter().next() else {
        return Ok(None);
    };
    let Some(inner) = arr.values().as_any().downcast_ref::<PrimitiveArray<u32>>() else {
        return Ok(None);
    };
    if inner.null_count() > 0 {
        return Ok(None);
    }
    let (offsets, codes) = (arr.offsets().as_slice(), inner.values().as_slice());
    let place = place.rechunk();
    let mut new_offsets: Vec<i64> = Vec::with_capacity(place.len() + 1);
    new_offsets.push(0);
    let mut values: Vec<u32> = Vec::with_capacity(place.len() * 2);
    let mut valid = MutableBitmap::with_capacity(place.len());
    for p in place.iter() {
        match p.map(|p| p as usize).filter(|p| arr.is_valid(*p)) {
            Some(p) => {
                values.extend_from_slice(&codes[offsets[p] as usize..offsets[p + 1] as usize]);
                valid.push(true);
            }
            None => valid.push(false),
        }
        new_offsets.push(values.len() as i64);
    }
    let values = PrimitiveArray::<u32>::from_vec(values).to(inner.dtype().clone());
    let gathered = ListArray::<i64>::try_new(
        arr.dtype().clone(),
        OffsetsBuffer::try_from(new_offsets)?,
        values.boxed(),
        Some(valid.freeze()).filter(|v| v.unset_bits() > 0),
    )?;
    // SAFETY: the same list type with values of the same codes, so of the same categories.
    let series = unsafe {
        Series::from_chunks_and_dtype_unchecked(
            lists.name().clone(),
            vec![gathered.boxed()],
            &dtype,
        )
    };
    Ok(Some(series.into_column()))
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
    fn lists_of_categories_are_gathered_as_polars_takes_them() {
        let lists = Series::new(
            "l".into(),
            [
                Some(Series::new("".into(), ["Minori", "Età adulta"])),
                None,
                Some(Series::new("".into(), Vec::<String>::new())),
                Some(Series::new("".into(), ["Età senile"])),
            ],
        )
        .cast(&DataType::List(Box::new(DataType::String)))
        .unwrap()
        .cast(&DataType::List(Box::new(
            crate::data::categories::categorical(),
        )))
        .unwrap()
        .into_column();
        let place: IdxCa = [Some(3), None, Some(0), Some(1), Some(2), Some(0)]
            .into_iter()
            .collect();
        let ours = lists_taken(&lists, &place).unwrap().expect("categories");
        let theirs = lists.take(&place).unwrap();
        assert_eq!(ours.dtype(), theirs.dtype());
        assert!(
            ours.as_materialized_series()
                .equals_missing(theirs.as_materialized_series())
        );
        assert_eq!(ours.null_count(), 2);
        // Lists that are a window on larger ones (offsets not from 0), and lists in pieces.
        let mut stacked = lists.slice(0, 2);
        stacked.append(&lists.slice(2, 2)).unwrap();
        let mut padded = lists.slice(3, 1);
        padded.append(&lists).unwrap();
        let window = padded.rechunk().slice(1, 4);
        for lists in [stacked, window] {
            let ours = lists_taken(&lists, &place).unwrap().expect("categories");
            let theirs = lists.take(&place).unwrap();
            assert!(
                ours.as_materialized_series()
                    .equals_missing(theirs.as_materialized_series())
            );
        }
        let text = Column::new("t".into(), ["a"]);
        assert!(lists_taken(&text, &place).unwrap().is_none());
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
