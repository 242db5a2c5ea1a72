//! How the canonical table keeps its repeated names: the category columns (programme, lead body,
//! territory, funding source, nature, scope) as polars categoricals and the multi-valued ones
//! (partners, target groups) as lists of categoricals, all over polars' global categories.
//!
//! A million projects name a few thousand municipalities and a few dozen programmes: kept as
//! small integers over one dictionary, filters compare integers, group-bys hash integers and
//! gathering the filtered projects copies integers, not strings (about half the memory, and the
//! dashboard's counts several times faster). Values read the same as text: every query that
//! shows a name casts the *aggregated* keys back to text, never the million rows.

use polars::prelude::*;

use super::schema::{Field, Kind};

/// The categorical type every category column shares (one global dictionary, so tables from
/// several files concatenate and compare without re-encoding).
pub fn categorical() -> DataType {
    DataType::from_categories(Categories::global())
}

/// The type `field` has in the stored canonical table.
pub fn stored_dtype(field: Field) -> DataType {
    match field.kind() {
        Kind::Category => categorical(),
        Kind::List => DataType::List(Box::new(categorical())),
        _ => field.dtype(),
    }
}

/// Whether a column of this type holds names kept as categories (or lists of them).
pub fn is_categorical(dtype: &DataType) -> bool {
    match dtype {
        DataType::Categorical(_, _) => true,
        DataType::List(inner) => is_categorical(inner),
        _ => false,
    }
}

/// Whether values of this type are names already (text, or text kept as categories).
pub fn is_name(dtype: &DataType) -> bool {
    matches!(dtype, DataType::String | DataType::Categorical(_, _))
}

/// `column` as names: as stored when it holds names, as text otherwise (dates, numbers), the
/// way values are named to the user.
pub fn as_name(column: &str, dtype: Option<&DataType>) -> Expr {
    match dtype {
        Some(dtype) if is_name(dtype) => col(column),
        _ => col(column).cast(DataType::String),
    }
}

/// The same type with categories read as text (`Categorical` → `String`, lists likewise).
pub fn as_text(dtype: &DataType) -> DataType {
    match dtype {
        DataType::Categorical(_, _) => DataType::String,
        DataType::List(inner) => DataType::List(Box::new(as_text(inner))),
        other => other.clone(),
    }
}

/// The table with its category and multi-valued columns stored as categories; other columns,
/// and columns already stored so, are left as they are.
pub fn categorise(table: DataFrame) -> PolarsResult<DataFrame> {
    let casts: Vec<Expr> = Field::columns()
        .filter(|f| matches!(f.kind(), Kind::Category | Kind::List))
        .filter_map(|f| {
            let dtype = table.schema().get(f.name())?;
            let wanted = stored_dtype(f);
            (*dtype != wanted && as_text(dtype) == as_text(&wanted))
                .then(|| col(f.name()).cast(wanted))
        })
        .collect();
    if casts.is_empty() {
        return Ok(table);
    }
    table.lazy().with_columns(casts).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_read_back_as_the_same_text() {
        let mut table = df!(
            "programme" => [Some("WeCaRe"), None, Some("WeCaRe"), Some("Cariplo")],
            "title" => ["a", "b", "c", "d"],
        )
        .unwrap();
        let groups = Series::new(
            "age_groups".into(),
            [
                Series::new("".into(), ["Età adulta", "Età senile"]),
                Series::new("".into(), ["Minori"]),
                Series::new_empty("".into(), &DataType::String),
                Series::new("".into(), ["Minori"]),
            ],
        );
        table.with_column(groups.into_column()).unwrap();
        let stored = categorise(table.clone()).unwrap();
        assert!(is_categorical(stored.column("programme").unwrap().dtype()));
        assert!(is_categorical(stored.column("age_groups").unwrap().dtype()));
        // Free text stays text.
        assert_eq!(stored.column("title").unwrap().dtype(), &DataType::String);
        for name in ["programme", "age_groups"] {
            let back = stored
                .column(name)
                .unwrap()
                .cast(&as_text(stored.column(name).unwrap().dtype()))
                .unwrap();
            assert!(back.equals_missing(table.column(name).unwrap()), "{name}");
        }
        // Stored twice is stored once.
        let again = categorise(stored.clone()).unwrap();
        assert!(again.equals_missing(&stored));
    }
}
