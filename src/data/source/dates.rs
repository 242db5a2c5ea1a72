//! Stored dates no calendar holds. A Parquet date is a day count and a timestamp a count of
//! milliseconds (or micro-, nanoseconds): a damaged or hostile file can store one millions of
//! years away, and polars panics when it turns such a value into a calendar date (found by
//! fuzzing). Values beyond the years 1–9999 are left empty here, and a note says how many.

use polars::prelude::*;

use crate::data::note::Note;

/// Days from 1970-01-01 to 0001-01-01 and to 9999-12-31.
const FIRST_DAY: i64 = -719_162;
const LAST_DAY: i64 = 2_932_896;

/// How many of a timestamp's units make a day.
fn per_day(unit: TimeUnit) -> i64 {
    match unit {
        TimeUnit::Milliseconds => 86_400_000,
        TimeUnit::Microseconds => 86_400_000_000,
        TimeUnit::Nanoseconds => 86_400_000_000_000,
    }
}

/// Empties the out-of-range dates and timestamps of `frame`; one note per column touched.
pub(super) fn tame(frame: &mut DataFrame) -> PolarsResult<Vec<Note>> {
    let mut notes = Vec::new();
    let temporal: Vec<(String, DataType)> = frame
        .schema()
        .iter()
        .filter(|(_, d)| matches!(d, DataType::Date | DataType::Datetime(_, _)))
        .map(|(n, d)| (n.to_string(), d.clone()))
        .collect();
    for (name, dtype) in temporal {
        let raw = frame.column(&name)?.to_physical_repr();
        let values = raw.cast(&DataType::Int64)?;
        let (lo, hi) = match &dtype {
            DataType::Datetime(unit, _) => {
                let p = per_day(*unit);
                (FIRST_DAY.saturating_mul(p), LAST_DAY.saturating_mul(p))
            }
            _ => (FIRST_DAY, LAST_DAY),
        };
        let values = values.i64()?;
        let outside = values
            .iter()
            .filter(|v| v.is_some_and(|v| v < lo || v > hi))
            .count();
        if outside == 0 {
            continue;
        }
        let kept: Int64Chunked = values
            .iter()
            .map(|v| v.filter(|v| (lo..=hi).contains(v)))
            .collect();
        let column = kept
            .into_series()
            .cast(&raw.dtype().clone())?
            .cast(&dtype)?
            .with_name(name.as_str().into());
        frame.replace(&name, column.into())?;
        notes.push(Note::DatesOutOfRange {
            column: name,
            count: outside,
        });
    }
    Ok(notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_beyond_the_calendar_are_left_empty_and_counted() {
        let days = Series::new(
            "inizio".into(),
            [Some(17_000i32), Some(i32::MAX), None, Some(-800_000)],
        )
        .cast(&DataType::Date)
        .unwrap();
        let stamps = Series::new("agg".into(), [Some(1_600_000_000_000i64), Some(i64::MAX)])
            .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
            .unwrap();
        let mut frame = DataFrame::new_infer_height(vec![days.into()]).unwrap();
        let notes = tame(&mut frame).unwrap();
        assert_eq!(
            notes,
            [Note::DatesOutOfRange {
                column: "inizio".into(),
                count: 2
            }]
        );
        // What is left turns into calendar dates without a panic.
        let text = frame
            .column("inizio")
            .unwrap()
            .cast(&DataType::String)
            .unwrap();
        let text: Vec<Option<&str>> = text.str().unwrap().iter().collect();
        assert_eq!(text, [Some("2016-07-18"), None, None, None]);
        let mut frame = DataFrame::new_infer_height(vec![stamps.into()]).unwrap();
        assert_eq!(tame(&mut frame).unwrap().len(), 1);
        assert_eq!(frame.column("agg").unwrap().null_count(), 1);
    }
}
