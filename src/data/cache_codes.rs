//! How the cache keeps the category columns of a table: as their codes, with the names the codes
//! stand for beside them.
//!
//! polars reads a Parquet category column by matching every row group's dictionary to the
//! process's categories (about 10 ms per column at a million rows) and a list of categories
//! slower still; a column of plain 32-bit codes reads in a millisecond. The codes are those of
//! the process that wrote the cache, so on reading each column's names are added to this
//! process's categories and its codes translated through a small array — a reopened national
//! file is ready in a fraction of the time.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::categories::{categorical, is_categorical};

/// Per category column (or list of categories): the names its codes stand for.
pub type Names = BTreeMap<String, Vec<(u32, String)>>;

/// `table` with its category columns as codes, and the names of the codes.
pub fn to_codes(table: &DataFrame) -> PolarsResult<(DataFrame, Names)> {
    let mut names = Names::new();
    let mut coded = table.clone();
    for column in table.columns() {
        if !is_categorical(column.dtype()) {
            continue;
        }
        let series = column.as_materialized_series();
        let mapping = match column.dtype() {
            DataType::Categorical(_, mapping) => mapping.clone(),
            DataType::List(inner) => match &**inner {
                DataType::Categorical(_, mapping) => mapping.clone(),
                _ => continue,
            },
            _ => continue,
        };
        let physical = series.to_physical_repr().into_owned();
        let values = match physical.dtype() {
            DataType::List(_) => physical.list()?.get_inner(),
            _ => physical.clone(),
        };
        // The codes used, found by marking them (on this thread: the cache is written beside
        // the work the user waits for, not on polars' threads).
        let mut used: Vec<bool> = Vec::new();
        for code in values.u32()?.iter().flatten() {
            let code = code as usize;
            if code >= used.len() {
                used.resize(code + 1, false);
            }
            used[code] = true;
        }
        let named = (0..used.len() as u32)
            .filter(|code| used[*code as usize])
            .map(|code| {
                let name = mapping.cat_to_str(code).ok_or_else(
                    || polars_err!(ComputeError: "category code {code} without a name"),
                )?;
                Ok((code, name.to_string()))
            })
            .collect::<PolarsResult<Vec<_>>>()?;
        names.insert(column.name().to_string(), named);
        coded.replace(column.name(), physical.into_column())?;
    }
    Ok((coded, names))
}

/// The table [`to_codes`] made, with its category columns as this process's categories again;
/// an error when a code has no name (a damaged entry).
pub fn from_codes(mut coded: DataFrame, names: &Names) -> PolarsResult<DataFrame> {
    for (column, named) in names {
        let stored = coded.column(column)?.as_materialized_series().clone();
        let codes = UInt32Chunked::from_vec("".into(), named.iter().map(|(c, _)| *c).collect());
        let texts = Series::new(
            "".into(),
            named.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>(),
        );
        let here = texts.cast(&categorical())?;
        let here = here.to_physical_repr();
        // Old code → this process's code.
        let largest = codes.max().map_or(0, |m| m as usize);
        let mut translate: Vec<Option<u32>> = vec![None; largest + 1];
        for (old, new) in codes.into_no_null_iter().zip(here.u32()?.iter()) {
            translate[old as usize] = new;
        }
        let translated = |values: &Series| -> PolarsResult<Series> {
            let ca = values.u32()?;
            let out: PolarsResult<UInt32Chunked> = ca
                .iter()
                .map(|code| match code {
                    None => Ok(None),
                    Some(code) => translate
                        .get(code as usize)
                        .copied()
                        .flatten()
                        .map(Some)
                        .ok_or_else(|| polars_err!(ComputeError: "code {code} without a name")),
                })
                .collect();
            Ok(out?.with_name(values.name().clone()).into_series())
        };
        let (physical, dtype) = match stored.dtype() {
            DataType::List(_) => {
                let lists = stored.list()?.apply_to_inner(&|inner| translated(&inner))?;
                (lists.into_series(), DataType::List(Box::new(categorical())))
            }
            _ => (translated(&stored)?, categorical()),
        };
        // SAFETY: every code was translated into this process's categories just above.
        let restored = unsafe { physical.from_physical_unchecked(&dtype)? };
        coded.replace(column, restored.into_column())?;
    }
    Ok(coded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> DataFrame {
        let frame = df!(
            "province" => [Some("Cuneo"), None, Some("Torino"), Some("Cuneo")],
            "title" => ["a", "b", "c", "d"],
            "source_row" => [2u32, 3, 4, 5],
        )
        .unwrap();
        let groups = Series::new(
            "age_groups".into(),
            [
                Some(Series::new("".into(), ["Minori", "Età adulta"])),
                None,
                Some(Series::new("".into(), Vec::<&str>::new())),
                Some(Series::new("".into(), ["Età senile"])),
            ],
        );
        let mut frame = frame;
        frame.with_column(groups.into_column()).unwrap();
        frame
            .lazy()
            .with_columns([
                col("province").cast(categorical()),
                col("age_groups").cast(DataType::List(Box::new(categorical()))),
            ])
            .collect()
            .unwrap()
    }

    #[test]
    fn categories_come_back_as_they_were_from_their_codes() {
        let t = table();
        let (coded, names) = to_codes(&t).unwrap();
        assert_eq!(coded.column("province").unwrap().dtype(), &DataType::UInt32);
        assert_eq!(
            coded.column("age_groups").unwrap().dtype(),
            &DataType::List(Box::new(DataType::UInt32))
        );
        assert_eq!(names.keys().collect::<Vec<_>>(), ["age_groups", "province"]);
        // Codes of another process: new names enter the categories first.
        let _ = Series::new("".into(), ["Asti", "Biella", "Novara"]).cast(&categorical());
        let back = from_codes(coded, &names).unwrap();
        assert!(back.equals_missing(&t), "{back:?}\n{t:?}");
        assert_eq!(back.schema(), t.schema());
    }

    #[test]
    fn a_code_without_a_name_is_an_error() {
        let (coded, mut names) = to_codes(&table()).unwrap();
        names.get_mut("province").unwrap().pop();
        assert!(from_codes(coded, &names).is_err());
    }
}
