//! The filtered projects as the Progetti list reads them: the rows in the table's order, and the
//! order asked for as a permutation of them. A click on a column header sorts that one column's
//! row numbers, never the table: at a million projects the list reads only the rows it shows,
//! and an export or a card gathers what it needs, in the background.

use polars::prelude::*;

use super::dashboard::ProjectSort;

/// The filtered projects and the order they are listed in.
#[derive(Debug, Clone)]
pub struct ProjectRows {
    /// The whole table (its buffers shared, never copied).
    table: DataFrame,
    /// The rows the filters keep, in the table's order; `None` for every row.
    rows: Option<IdxCa>,
    /// Positions in `rows` in the order asked; `None` for the table's order.
    order: Option<IdxCa>,
}

impl ProjectRows {
    /// `rows` of `table` (every row for `None`), in the order `sort` asks.
    pub fn new(
        table: DataFrame,
        rows: Option<IdxCa>,
        sort: &ProjectSort,
    ) -> PolarsResult<ProjectRows> {
        let mut projects = ProjectRows {
            table,
            rows,
            order: None,
        };
        projects.order = projects.order_of(sort)?;
        Ok(projects)
    }

    /// The same rows in another order.
    pub fn sorted(&self, sort: &ProjectSort) -> PolarsResult<ProjectRows> {
        ProjectRows::new(self.table.clone(), self.rows.clone(), sort)
    }

    /// The whole table the rows are from.
    pub fn table(&self) -> &DataFrame {
        &self.table
    }

    /// The rows the filters keep, in the table's order; `None` for every row.
    pub fn kept(&self) -> Option<&IdxCa> {
        self.rows.as_ref()
    }

    pub fn height(&self) -> usize {
        match &self.rows {
            None => self.table.height(),
            Some(rows) => rows.len(),
        }
    }

    pub fn has_column(&self, name: &str) -> bool {
        self.table.column(name).is_ok()
    }

    /// Where the `shown`-th project of the list is in [`ProjectRows::table`].
    pub fn index(&self, shown: usize) -> Option<usize> {
        if shown >= self.height() {
            return None;
        }
        let position = match &self.order {
            None => shown,
            Some(order) => order.get(shown)? as usize,
        };
        match &self.rows {
            None => Some(position),
            Some(rows) => rows.get(position).map(|i| i as usize),
        }
    }

    /// The value of `column` for the `shown`-th project of the list.
    pub fn value(&self, column: &str, shown: usize) -> Option<AnyValue<'_>> {
        let row = self.index(shown)?;
        self.table.column(column).ok()?.get(row).ok()
    }

    /// The projects gathered in the order of the list (for exports).
    pub fn in_order(&self) -> PolarsResult<DataFrame> {
        let listed: Option<IdxCa> = match (&self.rows, &self.order) {
            (None, None) => None,
            (None, Some(order)) => Some(order.clone()),
            (Some(rows), None) => Some(rows.clone()),
            (Some(rows), Some(order)) => Some(rows.take(order)?),
        };
        match listed {
            None => Ok(self.table.clone()),
            Some(listed) => self.table.take(&listed),
        }
    }

    /// The permutation of the kept rows that lists them as `sort` asks: by the column, empty
    /// values last, equal values in the table's order (a stable sort from the same rows always
    /// gives the same list).
    fn order_of(&self, sort: &ProjectSort) -> PolarsResult<Option<IdxCa>> {
        let Some(column) = sort.column.as_deref() else {
            return Ok(None);
        };
        let Ok(values) = self.table.column(column) else {
            return Ok(None);
        };
        let values = match &self.rows {
            None => values.clone(),
            Some(rows) => values.take(rows)?,
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
            _ => values,
        };
        Ok(Some(values.arg_sort(SortOptions {
            descending: sort.descending,
            nulls_last: true,
            maintain_order: true,
            multithreaded: true,
            limit: None,
        })))
    }
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
        let p = ProjectRows::new(rows(), None, &ProjectSort::default()).unwrap();
        assert_eq!(titles(&p), ["a", "b", "c", "d", "e"]);
        let up = p.sorted(&by("amount_granted", false)).unwrap();
        assert_eq!(titles(&up), ["a", "d", "e", "c", "b"]);
        let down = up.sorted(&by("amount_granted", true)).unwrap();
        // Ties keep the table's order whichever order came before.
        assert_eq!(titles(&down), ["c", "e", "a", "d", "b"]);
        // Names kept as categories sort as text, not by their codes.
        let stored = crate::data::categories::categorise(rows()).unwrap();
        let named = ProjectRows::new(stored, None, &by("province", false)).unwrap();
        assert_eq!(titles(&named), ["b", "e", "d", "a", "c"]);
        // The gathered table lists them the same way.
        let gathered = down.in_order().unwrap();
        let column = gathered.column("title").unwrap().str().unwrap().clone();
        assert_eq!(
            column.iter().flatten().collect::<Vec<_>>(),
            ["c", "e", "a", "d", "b"]
        );
        assert_eq!(down.index(0), Some(2));
        assert_eq!(down.index(5), None);
    }

    #[test]
    fn the_kept_rows_are_listed_and_sorted_without_a_copy_of_the_table() {
        // Rows b, c, e kept (1, 2, 4).
        let kept = IdxCa::from_vec("".into(), vec![1, 2, 4]);
        let p = ProjectRows::new(rows(), Some(kept), &ProjectSort::default()).unwrap();
        assert_eq!(p.height(), 3);
        assert_eq!(titles(&p), ["b", "c", "e"]);
        let sorted = p.sorted(&by("amount_granted", true)).unwrap();
        assert_eq!(titles(&sorted), ["c", "e", "b"]);
        assert_eq!(sorted.index(0), Some(2));
        assert_eq!(sorted.index(3), None);
        let listed = sorted.in_order().unwrap();
        let column = listed.column("title").unwrap().str().unwrap().clone();
        assert_eq!(column.iter().flatten().collect::<Vec<_>>(), ["c", "e", "b"]);
    }
}
