//! How the cache keeps the category columns of a table: as their codes, with the names the codes
//! stand for beside them, and the lists of categories (target groups, partners) as their
//! lengths in the table and their codes, one after the other, in a column of their own.
//!
//! polars reads a Parquet category column by matching every row group's dictionary to the
//! process's categories (about 10 ms per column at a million rows) and a list column through its
//! nesting levels (30–50 ms each); a column of plain 32-bit numbers reads in a millisecond or
//! two. The codes are those of the process that wrote the cache, so on reading each column's
//! names are added to this process's categories and its codes translated through a small array.

use std::collections::BTreeMap;

use polars::prelude::*;
use polars_arrow::array::{Array, ListArray, PrimitiveArray};
use polars_arrow::bitmap::MutableBitmap;
use polars_arrow::offset::OffsetsBuffer;

use super::categories::{categorical, is_categorical};

/// The name of the column of [`Stored::values`].
const VALUES: &str = "values";

/// What the cache keeps of a table besides its Parquet files.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Codes {
    /// Per category column (or list of categories): the names its codes stand for.
    pub names: BTreeMap<String, Vec<(u32, String)>>,
    /// The list columns kept as lengths, in the order of their codes in [`Stored::values`],
    /// with how many codes each has there.
    pub lists: Vec<(String, usize)>,
}

/// A table as the cache keeps it.
pub struct Stored {
    /// Category columns as codes; lists of categories as their lengths (null: no list).
    pub table: DataFrame,
    /// The codes of the lists' values, one list column after the other.
    pub values: DataFrame,
    pub codes: Codes,
}

/// `table` as the cache keeps it.
pub fn to_codes(table: &DataFrame) -> PolarsResult<Stored> {
    let mut codes = Codes::default();
    let mut stored = table.clone();
    let mut values: Vec<u32> = Vec::new();
    for column in table.columns() {
        let Some(mapping) = mapping_of(column.dtype()) else {
            continue;
        };
        let physical = column
            .as_materialized_series()
            .to_physical_repr()
            .into_owned()
            .rechunk();
        let flat = match physical.dtype() {
            DataType::List(_) => physical.list()?.get_inner(),
            _ => physical.clone(),
        };
        codes.names.insert(
            column.name().to_string(),
            names_used(flat.u32()?, &mapping)?,
        );
        let lists = physical.list().ok().and_then(|l| l.downcast_iter().next());
        match lists {
            // Lists without null values: lengths here, codes in `values`.
            Some(arr) if flat.null_count() == 0 => {
                let offsets = arr.offsets().as_slice();
                let lengths: UInt32Chunked = (0..arr.len())
                    .map(|i| {
                        arr.is_valid(i)
                            .then(|| (offsets[i + 1] - offsets[i]) as u32)
                    })
                    .collect();
                let inner = flat.u32()?.rechunk();
                let inner = inner.cont_slice()?;
                let before = values.len();
                // The values of the lists there are (a null list may span some).
                for i in (0..arr.len()).filter(|i| arr.is_valid(*i)) {
                    values.extend_from_slice(&inner[offsets[i] as usize..offsets[i + 1] as usize]);
                }
                codes
                    .lists
                    .push((column.name().to_string(), values.len() - before));
                stored.replace(
                    column.name(),
                    lengths.with_name(column.name().clone()).into_column(),
                )?;
            }
            _ => {
                stored.replace(column.name(), physical.into_column())?;
            }
        }
    }
    let values = DataFrame::new(
        values.len(),
        vec![UInt32Chunked::from_vec(VALUES.into(), values).into_column()],
    )?;
    Ok(Stored {
        table: stored,
        values,
        codes,
    })
}

/// The table [`to_codes`] stored, with its category columns as this process's categories again;
/// an error when a code has no name or the lists do not add up (a damaged entry).
pub fn from_codes(
    mut table: DataFrame,
    values: &DataFrame,
    codes: &Codes,
) -> PolarsResult<DataFrame> {
    // polars keeps the global categories' names only while some column or type holds them: this
    // type holds them from the first name added to the last column restored (without it, a
    // process that has no other category column yet lost the names between the two).
    let global = categorical();
    let values = values.column(VALUES)?.u32()?.rechunk();
    let values = values.cont_slice()?;
    let mut taken = 0usize;
    let lists: BTreeMap<&str, (usize, usize)> = codes
        .lists
        .iter()
        .map(|(name, n)| {
            let at = taken;
            taken += n;
            (name.as_str(), (at, *n))
        })
        .collect();
    polars_ensure!(taken == values.len(), ComputeError: "list values do not add up");
    polars_ensure!(
        lists.keys().all(|name| codes.names.contains_key(*name)),
        ComputeError: "a list without its names"
    );
    let restore = |column: &String, named: &[(u32, String)]| -> PolarsResult<Series> {
        let translate = translation(named, &global)?;
        let stored = table.column(column)?.as_materialized_series().rechunk();
        match lists.get(column.as_str()) {
            Some(&(at, n)) => lists_of(&stored, &values[at..at + n], &translate, &global),
            None => match stored.dtype() {
                DataType::List(_) => {
                    let lists = stored
                        .list()?
                        .apply_to_inner(&|inner| translated(&inner, &translate))?;
                    let dtype = DataType::List(Box::new(global.clone()));
                    // SAFETY: every code was translated into this process's categories.
                    unsafe { lists.into_series().from_physical_unchecked(&dtype) }
                }
                // SAFETY: as above.
                _ => unsafe { translated(&stored, &translate)?.from_physical_unchecked(&global) },
            },
        }
    };
    let all: Vec<(&String, &Vec<(u32, String)>)> = codes.names.iter().collect();
    let restored = super::side_by_side::every_other_on_a_second_thread(&all, |(column, named)| {
        Ok(((*column).clone(), restore(column, named)?))
    })?;
    for (column, restored) in restored {
        table.replace(&column, restored.into_column())?;
    }
    Ok(table)
}

/// The categories behind a category column or a list of them — when they are the global ones
/// with 32-bit codes, as the loader makes them (others are kept by Parquet as they are).
fn mapping_of(dtype: &DataType) -> Option<Arc<CategoricalMapping>> {
    if !is_categorical(dtype) {
        return None;
    }
    match dtype {
        DataType::Categorical(categories, mapping)
            if categories.is_global() && categories.physical() == CategoricalPhysical::U32 =>
        {
            Some(mapping.clone())
        }
        DataType::List(inner) => mapping_of(inner),
        _ => None,
    }
}

/// The codes `values` use, with their names.
fn names_used(
    values: &UInt32Chunked,
    mapping: &CategoricalMapping,
) -> PolarsResult<Vec<(u32, String)>> {
    // Marked on this thread (the cache is written beside the work the user waits for, not on
    // polars' threads).
    let mut used: Vec<bool> = Vec::new();
    for code in values.iter().flatten() {
        let code = code as usize;
        if code >= used.len() {
            used.resize(code + 1, false);
        }
        used[code] = true;
    }
    (0..used.len() as u32)
        .filter(|code| used[*code as usize])
        .map(|code| {
            let name = mapping.cat_to_str(code).ok_or_else(without_name)?;
            Ok((code, name.to_string()))
        })
        .collect()
}

/// Old code → this process's code, for the `named` codes.
fn translation(named: &[(u32, String)], global: &DataType) -> PolarsResult<Vec<Option<u32>>> {
    let texts = Series::new(
        "".into(),
        named.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>(),
    );
    let here = texts.cast(global)?;
    let here = here.to_physical_repr();
    let largest = named.iter().map(|(c, _)| *c as usize).max().unwrap_or(0);
    let mut translate: Vec<Option<u32>> = vec![None; largest + 1];
    for ((old, _), new) in named.iter().zip(here.u32()?.iter()) {
        translate[*old as usize] = new;
    }
    Ok(translate)
}

/// The code `code` stands for here; `None` when it has no name.
fn translate_one(translate: &[Option<u32>], code: u32) -> Option<u32> {
    translate.get(code as usize).copied().flatten()
}

fn without_name() -> PolarsError {
    polars_err!(ComputeError: "a category code without a name")
}

/// `values` (codes, some null) translated.
fn translated(values: &Series, translate: &[Option<u32>]) -> PolarsResult<Series> {
    let unnamed = std::cell::Cell::new(false);
    let one = |code: u32| {
        translate_one(translate, code).unwrap_or_else(|| {
            unnamed.set(true);
            0
        })
    };
    let codes = values.u32()?;
    // Under a null lies any number: only the values there are translated.
    let out: UInt32Chunked = if codes.null_count() == 0 {
        codes.apply_values(one)
    } else {
        codes.iter().map(|code| code.map(one)).collect()
    };
    if unnamed.get() {
        return Err(without_name());
    }
    Ok(out.with_name(values.name().clone()).into_series())
}

/// The lists of categories with the `lengths` stored (null: no list) and their `values`, codes
/// translated.
fn lists_of(
    lengths: &Series,
    values: &[u32],
    translate: &[Option<u32>],
    global: &DataType,
) -> PolarsResult<Series> {
    let lengths = lengths.u32()?;
    let mut offsets: Vec<i64> = Vec::with_capacity(lengths.len() + 1);
    offsets.push(0);
    let mut valid = MutableBitmap::with_capacity(lengths.len());
    let mut end = 0i64;
    for length in lengths.iter() {
        valid.push(length.is_some());
        end += i64::from(length.unwrap_or(0));
        offsets.push(end);
    }
    polars_ensure!(end as usize == values.len(), ComputeError: "list lengths do not add up");
    let mut codes = Vec::with_capacity(values.len());
    for code in values {
        codes.push(translate_one(translate, *code).ok_or_else(without_name)?);
    }
    let arr = ListArray::<i64>::try_new(
        ListArray::<i64>::default_datatype(ArrowDataType::UInt32),
        OffsetsBuffer::try_from(offsets)?,
        PrimitiveArray::<u32>::from_vec(codes).boxed(),
        Some(valid.freeze()).filter(|v| v.unset_bits() > 0),
    )?;
    let lists = ListChunked::with_chunk(lengths.name().clone(), arr).into_series();
    let dtype = DataType::List(Box::new(global.clone()));
    // SAFETY: every code was translated into this process's categories.
    unsafe { lists.from_physical_unchecked(&dtype) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> DataFrame {
        let mut frame = df!(
            "province" => [Some("Cuneo"), None, Some("Torino"), Some("Cuneo")],
            "title" => ["a", "b", "c", "d"],
            "source_row" => [2u32, 3, 4, 5],
        )
        .unwrap();
        let list = |name: &str, rows: [Option<Vec<&str>>; 4]| {
            Series::new(
                name.into(),
                rows.map(|r| r.map(|v| Series::new("".into(), v))),
            )
            .into_column()
        };
        frame
            .with_column(list(
                "age_groups",
                [
                    Some(vec!["Minori", "Età adulta"]),
                    None,
                    Some(vec![]),
                    Some(vec!["Età senile"]),
                ],
            ))
            .unwrap();
        frame
            .with_column(list(
                "partners",
                [
                    None,
                    Some(vec!["Caritas"]),
                    Some(vec!["ASL", "Caritas"]),
                    None,
                ],
            ))
            .unwrap();
        // A list with a null among its values (kept as lists of codes).
        let with_null = Series::new(
            "vulnerable_groups".into(),
            [
                Some(Series::new("".into(), [Some("Anziani soli"), None])),
                None,
                Some(Series::new("".into(), [Some("Gravi malattie")])),
                Some(Series::new("".into(), Vec::<Option<&str>>::new())),
            ],
        );
        frame.with_column(with_null.into_column()).unwrap();
        let lists = DataType::List(Box::new(categorical()));
        frame
            .lazy()
            .with_columns([
                col("province").cast(categorical()),
                col("age_groups").cast(lists.clone()),
                col("partners").cast(lists.clone()),
                col("vulnerable_groups").cast(lists),
            ])
            .collect()
            .unwrap()
    }

    #[test]
    fn categories_and_lists_come_back_as_they_were_from_their_codes() {
        let t = table();
        let stored = to_codes(&t).unwrap();
        for (name, dtype) in [
            ("province", DataType::UInt32),
            ("age_groups", DataType::UInt32),
            ("partners", DataType::UInt32),
            ("title", DataType::String),
            (
                "vulnerable_groups",
                DataType::List(Box::new(DataType::UInt32)),
            ),
        ] {
            assert_eq!(stored.table.column(name).unwrap().dtype(), &dtype, "{name}");
        }
        assert_eq!(
            stored.codes.lists,
            [("age_groups".to_string(), 3), ("partners".to_string(), 3)]
        );
        assert_eq!(stored.values.height(), 6);
        // Codes of another process: other names enter its categories first.
        let _ = Series::new("".into(), ["Asti", "Biella", "Novara"]).cast(&categorical());
        let back = from_codes(stored.table, &stored.values, &stored.codes).unwrap();
        assert!(back.equals_missing(&t), "{back:?}\n{t:?}");
        assert_eq!(back.schema(), t.schema());
    }

    #[test]
    fn lists_made_null_by_a_condition_come_back_as_they_were() {
        // A list nulled by `when` may keep its values behind the null.
        let t = table()
            .lazy()
            .with_column(
                when(col("title").eq(lit("a")))
                    .then(lit(NULL).cast(DataType::List(Box::new(categorical()))))
                    .otherwise(col("age_groups"))
                    .alias("age_groups"),
            )
            .collect()
            .unwrap();
        let stored = to_codes(&t).unwrap();
        let back = from_codes(stored.table, &stored.values, &stored.codes).unwrap();
        assert!(back.equals_missing(&t), "{back:?}\n{t:?}");
    }

    #[test]
    fn a_code_without_a_name_or_lists_that_do_not_add_up_are_errors() {
        let stored = to_codes(&table()).unwrap();
        let mut nameless = stored.codes.clone();
        nameless.names.get_mut("province").unwrap().pop();
        assert!(from_codes(stored.table.clone(), &stored.values, &nameless).is_err());
        let mut short = stored.codes.clone();
        short.lists[0].1 -= 1;
        assert!(from_codes(stored.table.clone(), &stored.values, &short).is_err());
        let fewer = stored.values.slice(0, 5);
        assert!(from_codes(stored.table, &fewer, &stored.codes).is_err());
    }
}
