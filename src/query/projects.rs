//! The filtered projects as the Progetti list reads them: the rows in the table's order, and the
//! order asked for as a permutation of them. A click on a column header sorts that one column's
//! row numbers, never the table: at a million projects the list reads only the rows it shows,
//! and an export or a card gathers what it needs, in the background.

use polars::prelude::*;

use super::dashboard::ProjectSort;

/// The filtered projects and the order they are listed in.
#[derive(Debug, Clone)]
pub struct ProjectRows {
    /// In the table's order (sources in the order they were opened, rows as in each source).
    rows: DataFrame,
    /// Row numbers of `rows` in the order asked; `None` for the table's order.
    order: Option<IdxCa>,
}

impl ProjectRows {
    /// The rows, in the order `sort` asks.
    pub fn new(rows: DataFrame, sort: &ProjectSort) -> PolarsResult<ProjectRows> {
        let order = order_of(&rows, sort)?;
        Ok(ProjectRows { rows, order })
    }

    /// The same rows in another order.
    pub fn sorted(&self, sort: &ProjectSort) -> PolarsResult<ProjectRows> {
        ProjectRows::new(self.rows.clone(), sort)
    }

    /// The rows in the table's order (what the dashboard aggregates).
    pub fn rows(&self) -> &DataFrame {
        &self.rows
    }

    pub fn height(&self) -> usize {
        self.rows.height()
    }

    pub fn has_column(&self, name: &str) -> bool {
        self.rows.column(name).is_ok()
    }

    pub fn columns(&self) -> impl Iterator<Item = &str> {
        self.rows.get_column_names().into_iter().map(|n| n.as_str())
    }

    /// Where the `shown`-th project of the list is in [`ProjectRows::rows`].
    pub fn index(&self, shown: usize) -> Option<usize> {
        match &self.order {
            None => (shown < self.rows.height()).then_some(shown),
            Some(order) if shown < order.len() => order.get(shown).map(|i| i as usize),
            Some(_) => None,
        }
    }

    /// The value of `column` for the `shown`-th project of the list.
    pub fn value(&self, column: &str, shown: usize) -> Option<AnyValue<'_>> {
        let row = self.index(shown)?;
        self.rows.column(column).ok()?.get(row).ok()
    }

    /// The projects gathered in the order of the list (for exports).
    pub fn in_order(&self) -> DataFrame {
        match &self.order {
            None => self.rows.clone(),
            Some(order) => self.rows.take(order).unwrap_or_else(|_| self.rows.clone()),
        }
    }
}

/// The permutation that lists `rows` as `sort` asks: by the column, empty values last, equal
/// values in the table's order (a stable sort from the same rows always gives the same list).
fn order_of(rows: &DataFrame, sort: &ProjectSort) -> PolarsResult<Option<IdxCa>> {
    let Some(column) = sort.column.as_deref() else {
        return Ok(None);
    };
    let Ok(values) = rows.column(column) else {
        return Ok(None);
    };
    // Several values in a cell are sorted as the list shows them ("Età adulta, Età senile").
    let values = match values.dtype() {
        DataType::List(_) => {
            let text = values.cast(&DataType::List(Box::new(DataType::String)))?;
            text.into_frame()
                .lazy()
                .select([col(column).list().join(lit(", "), true)])
                .collect()?
                .column(column)?
                .clone()
        }
        _ => values.clone(),
    };
    Ok(Some(values.arg_sort(SortOptions {
        descending: sort.descending,
        nulls_last: true,
        maintain_order: true,
        multithreaded: true,
        limit: None,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> DataFrame {
        df!(
            "title" => ["a", "b", "c", "d", "e"],
            "amount_granted" => [Some(10.0), None, Some(30.0), Some(10.0), Some(20.0)],
            "province" => [Some("Torino"), Some("Asti"), None, Some("Cuneo"), Some("Asti")],
        )
        .unwrap()
    }

    fn titles(p: &ProjectRows) -> Vec<String> {
        (0..p.height())
            .map(|i| p.value("title", i).unwrap().get_str().unwrap().to_string())
            .collect()
    }

    fn by(column: &str, descending: bool) -> ProjectSort {
        ProjectSort {
            column: Some(column.into()),
            descending,
        }
    }

    #[test]
    fn sorted_by_a_column_with_ties_in_table_order_and_empty_values_last() {
        let p = ProjectRows::new(rows(), &ProjectSort::default()).unwrap();
        assert_eq!(titles(&p), ["a", "b", "c", "d", "e"]);
        let up = p.sorted(&by("amount_granted", false)).unwrap();
        assert_eq!(titles(&up), ["a", "d", "e", "c", "b"]);
        let down = up.sorted(&by("amount_granted", true)).unwrap();
        // Ties keep the table's order whichever order came before.
        assert_eq!(titles(&down), ["c", "e", "a", "d", "b"]);
        // Names kept as categories sort as text, not by their codes.
        let stored = crate::data::categories::categorise(rows()).unwrap();
        let named = ProjectRows::new(stored, &by("province", false)).unwrap();
        assert_eq!(titles(&named), ["b", "e", "d", "a", "c"]);
        // The gathered table lists them the same way.
        let gathered = down.in_order();
        let column = gathered.column("title").unwrap().str().unwrap().clone();
        assert_eq!(
            column.iter().flatten().collect::<Vec<_>>(),
            ["c", "e", "a", "d", "b"]
        );
        assert_eq!(down.index(0), Some(2));
        assert_eq!(down.index(5), None);
    }
}
