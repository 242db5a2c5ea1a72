//! A raw table and its mapping → canonical columns, extra columns and row-level problems.
//!
//! Everything runs as polars expressions over whole columns: empty rows and columns are dropped,
//! a trailing totals row is excluded (and reported), values are parsed, territory names are
//! matched against the ISTAT reference, and every value that could not be read becomes a row in
//! the problems table. [`fold_variants`] then folds case/space variants across all sources.

use polars::prelude::*;

use super::error::LoadError;
use super::mapping::Explained;
use super::note::Note;
use super::parse::{clean_text, dates, lists, money, territory};
use super::quality::{ProblemKind, columns as pc, empty_problems};
use super::schema::{Field, Kind, SOURCE, SOURCE_ROW};
use super::source::{Origin, ROW, RawTable};

/// The canonical rows of one source, with its problems and notes.
#[derive(Debug, Clone)]
pub struct Normalised {
    pub table: DataFrame,
    pub problems: DataFrame,
    pub notes: Vec<Note>,
}

pub(crate) const TOTALS: &str = r"(?i)^\s*(totale|totali|total|totals|tot\.?)(\s+(complessivo|generale|progetti|programma|misura))?\s*:?\s*$";

fn filled(name: &str, dtype: &DataType) -> Expr {
    match dtype {
        // Any character that is not white space (no trimmed copy of every cell; usually the
        // first character says).
        DataType::String => col(name).map(
            |c| {
                let filled: BooleanChunked = c
                    .str()?
                    .iter()
                    .map(|v| v.is_some_and(|t| t.chars().any(|ch| !ch.is_whitespace())))
                    .collect();
                Ok(filled.with_name(c.name().clone()).into_column())
            },
            |_, field| {
                Ok(polars::prelude::Field::new(
                    field.name().clone(),
                    DataType::Boolean,
                ))
            },
        ),
        _ => col(name).is_not_null(),
    }
}

/// Whether some row of `frame` has nothing in any of its columns (a reader that read only some
/// columns cannot tell whether such a row is empty in the file).
pub(crate) fn has_empty_rows(frame: &DataFrame) -> PolarsResult<bool> {
    let data = data_columns(frame);
    if data.is_empty() || frame.height() == 0 {
        return Ok(false);
    }
    let any_filled = any_horizontal(data.iter().map(|(n, d)| filled(n, d)).collect::<Vec<_>>())?;
    let all = frame
        .clone()
        .lazy()
        .select([any_filled.all(true).alias("all")])
        .collect()?;
    Ok(all.column("all")?.bool()?.get(0) != Some(true))
}

/// Whether a text cell of `frame` reads as a totals label ("Totale", …).
pub(crate) fn may_hold_totals(frame: &DataFrame) -> PolarsResult<bool> {
    let text: Vec<Expr> = data_columns(frame)
        .into_iter()
        .filter(|(_, d)| d == &DataType::String)
        .map(|(n, _)| {
            col(n.as_str())
                .str()
                .contains(lit(TOTALS), false)
                .fill_null(lit(false))
        })
        .collect();
    if text.is_empty() || frame.height() == 0 {
        return Ok(false);
    }
    let hit = frame
        .clone()
        .lazy()
        .select([any_horizontal(text)?.any(true).alias("hit")])
        .collect()?;
    Ok(hit.column("hit")?.bool()?.get(0) == Some(true))
}

fn data_columns(frame: &DataFrame) -> Vec<(String, DataType)> {
    frame
        .schema()
        .iter()
        .filter(|(n, _)| n.as_str() != ROW)
        .map(|(n, d)| (n.to_string(), d.clone()))
        .collect()
}

/// Sheet names that say nothing about the programme.
fn is_generic_sheet(name: &str) -> bool {
    let n = name.to_lowercase().replace(' ', "");
    let stem = n.trim_end_matches(|c: char| c.is_ascii_digit());
    matches!(
        stem,
        "sheet"
            | "foglio"
            | "dati"
            | "data"
            | "tabella"
            | "table"
            | "export"
            | "elenco"
            | "progetti"
    )
}

/// The programme name for rows without a programme column: the sheet's name when it says
/// something, otherwise the file name without extension.
pub fn default_programme(origin: &Origin) -> String {
    match &origin.sheet {
        Some(sheet) if !is_generic_sheet(sheet) => sheet.clone(),
        _ => origin
            .file
            .file_stem()
            .map(|s| s.to_string_lossy().replace('_', " "))
            .unwrap_or_default(),
    }
}

fn problem_rows(
    frame: &LazyFrame,
    origin: &Origin,
    condition: Expr,
    column: &str,
    raw: Expr,
    kind: ProblemKind,
) -> LazyFrame {
    frame.clone().filter(condition).select([
        lit(origin.file.display().to_string()).alias(pc::FILE),
        match &origin.sheet {
            Some(s) => lit(s.clone()),
            None => lit(NULL).cast(DataType::String),
        }
        .alias(pc::SHEET),
        col(ROW).cast(DataType::UInt32).alias(pc::ROW),
        lit(column.to_string()).alias(pc::COLUMN),
        raw.cast(DataType::String).alias(pc::RAW),
        lit(kind.code()).alias(pc::PROBLEM),
    ])
}

/// Drops rows and columns with nothing in them. Whether each cell is filled is worked out once
/// (a text cell: any character that is not white space); rows and columns are judged from that.
fn drop_empty(frame: DataFrame) -> PolarsResult<DataFrame> {
    let data = data_columns(&frame);
    if data.is_empty() {
        return Ok(frame);
    }
    let flag = |i: usize| format!("__filled{i}");
    let flags = frame
        .clone()
        .lazy()
        .select(
            data.iter()
                .enumerate()
                .map(|(i, (n, d))| filled(n, d).alias(flag(i)))
                .collect::<Vec<_>>(),
        )
        .collect()?;
    let judged = flags
        .clone()
        .lazy()
        .select([
            any_horizontal((0..data.len()).map(|i| col(flag(i))).collect::<Vec<_>>())?
                .alias("__keep"),
        ])
        .collect()?;
    let keep = judged.column("__keep")?.bool()?;
    // A column's filled cells are all in kept rows: empty rows have none.
    let sums = (0..data.len())
        .map(|i| Ok(flags.column(&flag(i))?.bool()?.sum().unwrap_or(0)))
        .collect::<PolarsResult<Vec<_>>>()?;
    let frame = if keep.all() {
        frame
    } else {
        frame.filter(keep)?
    };
    let empty: Vec<String> = data
        .iter()
        .zip(sums)
        .filter(|(_, n)| *n == 0)
        .map(|((name, _), _)| name.clone())
        .collect();
    Ok(frame.drop_many(empty))
}

/// Excludes a trailing totals row ("Totale", "TOTALE", "Totale complessivo") among the last three
/// rows, and whatever follows it; returns the rows kept and the excluded rows as problems.
fn exclude_totals(
    frame: DataFrame,
    origin: &Origin,
) -> PolarsResult<(DataFrame, DataFrame, Option<Note>)> {
    let text_cols: Vec<String> = data_columns(&frame)
        .into_iter()
        .filter(|(_, d)| d == &DataType::String)
        .map(|(n, _)| n)
        .collect();
    let height = frame.height();
    if text_cols.is_empty() || height == 0 {
        return Ok((frame, empty_problems(), None));
    }
    let is_total = any_horizontal(
        text_cols
            .iter()
            .map(|n| {
                col(n.as_str())
                    .str()
                    .contains(lit(TOTALS), false)
                    .fill_null(lit(false))
            })
            .collect::<Vec<_>>(),
    )?;
    // Only the last three rows are looked at (not every row of a large file).
    let last_rows = height.saturating_sub(3);
    let hits = frame
        .slice(last_rows as i64, height - last_rows)
        .lazy()
        .with_row_index("__i", Some(last_rows as IdxSize))
        .filter(is_total)
        .select([col("__i").min()])
        .collect()?;
    let Some(first) = hits.column("__i")?.get(0)?.extract::<usize>() else {
        return Ok((frame, empty_problems(), None));
    };
    let excluded = frame.slice(first as i64, height - first);
    let row_text = concat_str(
        text_cols
            .iter()
            .map(|n| col(n.as_str()))
            .collect::<Vec<_>>(),
        " | ",
        true,
    );
    let problems = problem_rows(
        &excluded.clone().lazy(),
        origin,
        lit(true),
        "",
        row_text,
        ProblemKind::TotalsRowExcluded,
    )
    .collect()?;
    let rows: Vec<u32> = problems.column(pc::ROW)?.u32()?.iter().flatten().collect();
    Ok((
        frame.slice(0, first),
        problems,
        Some(Note::TotalsExcluded(rows)),
    ))
}

/// Adds the parsed work columns to `frame`. A text column with many repeated values (programme,
/// lead body, target groups: a handful of values over a million rows) is parsed once per
/// distinct value and joined back, instead of once per row.
fn parse_columns(frame: &DataFrame, work: Vec<(Option<String>, Expr)>) -> PolarsResult<DataFrame> {
    let mut per_row: Vec<Expr> = Vec::new();
    let mut by_source: std::collections::BTreeMap<String, Vec<Expr>> = Default::default();
    for (source, e) in work {
        match source {
            Some(h) if repeats_a_lot(frame, &h) => by_source.entry(h).or_default().push(e),
            _ => per_row.push(e),
        }
    }
    let mut out = frame.clone().lazy().with_columns(per_row).collect()?;
    // Each source column is found, parsed and gathered on its own: every other one on a second
    // thread (polars runs each step on one core for most of its time).
    let sources: Vec<(String, Vec<Expr>)> = by_source.into_iter().collect();
    let gathered = super::side_by_side::every_other_on_a_second_thread(&sources, |(h, exprs)| {
        parsed_and_gathered(frame, h, exprs)
    })?;
    out.hstack_mut(&gathered.concat())?;
    Ok(out)
}

/// The work columns `exprs` of the source column `h`, parsed once per distinct value and
/// gathered to every row.
fn parsed_and_gathered(frame: &DataFrame, h: &str, exprs: &[Expr]) -> PolarsResult<Vec<Column>> {
    // The texts coded once (one pass hashing them), in categories of their own that go when
    // the column does: the distinct values are its codes, and rows are gathered by code.
    let own = DataType::from_categories(Categories::random(
        PlSmallStr::EMPTY,
        CategoricalPhysical::U32,
    ));
    let coded = frame.column(h)?.cast(&own)?;
    let distinct = coded.unique()?.drop_nulls();
    let mut parsed = DataFrame::new(distinct.len(), vec![distinct.cast(&DataType::String)?])?
        .lazy()
        .select(
            std::iter::once(col(h))
                .chain(exprs.iter().cloned())
                .collect::<Vec<_>>(),
        )
        .collect()?;
    parsed.replace(h, distinct)?;
    let parsed = stored_as_categories(parsed)?;
    let rows = DataFrame::new(coded.len(), vec![coded])?;
    super::parse::gathered_by(&rows, h, parsed)
}

/// The work columns that go to the table as they are (category and multi-valued fields) typed as
/// the table keeps them, categories, and so the territory names read (checked against ISTAT by
/// code, see [`territory::join_reference`]): rows then gather small codes, not a copy of their
/// text.
fn stored_as_categories(parsed: DataFrame) -> PolarsResult<DataFrame> {
    let category = super::categories::categorical();
    let territory = ["__region_raw", "__province_raw", "__c_municipality"]
        .into_iter()
        .filter(|name| parsed.column(name).is_ok())
        .map(|name| col(name).cast(category.clone()));
    let casts: Vec<Expr> = Field::columns()
        .filter(|f| {
            matches!(f.kind(), Kind::Category | Kind::List)
                && !matches!(f, Field::Region | Field::Province | Field::Municipality)
        })
        .map(|f| (format!("__c_{f}"), f))
        .filter(|(name, _)| parsed.column(name).is_ok())
        .map(|(name, f)| col(name.as_str()).cast(super::categories::stored_dtype(f)))
        .chain(territory)
        .collect();
    if casts.is_empty() {
        return Ok(parsed);
    }
    parsed.lazy().with_columns(casts).collect()
}

/// Whether a text column holds few distinct values for its length (judged on its first rows).
fn repeats_a_lot(frame: &DataFrame, header: &str) -> bool {
    const SAMPLE: usize = 20_000;
    // Below this, parsing every row costs little.
    const SMALL: usize = 4_096;
    let Ok(column) = frame.column(header) else {
        return false;
    };
    let sample = SAMPLE.min(frame.height());
    if column.dtype() != &DataType::String || sample < SMALL {
        return false;
    }
    column
        .slice(0, sample)
        .n_unique()
        .is_ok_and(|n| n * 4 <= sample)
}

/// Normalises one raw table with its mapping. `programme` overrides the programme of every row.
pub fn normalise(
    raw: &RawTable,
    explained: &Explained,
    programme: Option<&str>,
    window: dates::DateWindow,
    needed: Option<&super::needed::Needed>,
) -> Result<Normalised, LoadError> {
    let origin = &raw.origin;
    let fail =
        |e: PolarsError| LoadError::unreadable(&origin.file, format!("{}: {e}", origin.label()));
    let frame = drop_empty(raw.frame.clone()).map_err(fail)?;
    let (frame, totals_problems, totals_note) = exclude_totals(frame, origin).map_err(fail)?;
    let mut notes: Vec<Note> = totals_note.into_iter().collect();

    let schema = frame.schema().clone();
    let source = |f: Field| -> Option<(String, DataType)> {
        // A field the question does not need is left empty, not interpreted.
        if needed.is_some_and(|n| !n.fields.contains(&f)) {
            return None;
        }
        let header = explained.header_for(f)?;
        schema.get(header).map(|d| (header.to_string(), d.clone()))
    };
    let used: std::collections::HashSet<String> =
        explained.choices.iter().map(|c| c.header.clone()).collect();

    // Parsed values, as work columns named `__c_<field>` (dates: direct and from a period).
    let null_of = |f: Field| lit(NULL).cast(f.dtype());
    // Each with the one source column it reads, when it reads exactly one.
    let mut work: Vec<(Option<String>, Expr)> = Vec::new();
    let header = |f: Field| source(f).map(|(h, _)| h);
    for f in Field::columns() {
        match f.kind() {
            Kind::Text | Kind::Category => {
                if matches!(f, Field::Region | Field::Province | Field::Municipality) {
                    continue;
                }
                let e = source(f)
                    .map(|(h, _)| clean_text(col(h.as_str()).cast(DataType::String)))
                    .unwrap_or_else(|| null_of(f));
                work.push((header(f), e.alias(format!("__c_{f}"))));
            }
            Kind::Money => {
                let e = source(f)
                    .map(|(h, d)| money::amount(col(h.as_str()), &d))
                    .unwrap_or_else(|| null_of(f));
                work.push((header(f), e.alias(format!("__c_{f}"))));
            }
            Kind::Date => {
                let side = if f == Field::StartDate {
                    dates::Side::Start
                } else {
                    dates::Side::End
                };
                let direct = source(f)
                    .map(|(h, d)| dates::date(col(h.as_str()), &d, side))
                    .unwrap_or_else(|| null_of(f));
                let period = source(Field::Period)
                    .map(|(h, d)| match d {
                        DataType::String => dates::date_from_text(
                            dates::period_side(clean_text(col(h.as_str())), side),
                            side,
                        ),
                        other => dates::date(col(h.as_str()), &other, side),
                    })
                    .unwrap_or_else(|| null_of(f));
                // Parsed, not yet judged plausible: see the window below.
                work.push((header(f), direct.alias(format!("__p_{f}_direct"))));
                work.push((
                    header(Field::Period),
                    period.alias(format!("__p_{f}_period")),
                ));
            }
            Kind::List => {
                let e = source(f)
                    .map(|(h, d)| lists::list(col(h.as_str()), &d))
                    .unwrap_or_else(|| null_of(f));
                work.push((header(f), e.alias(format!("__c_{f}"))));
            }
            Kind::Composite => {}
        }
    }
    // Territory: explicit columns first, then the parts of a territory path.
    let text_of = |f: Field| {
        source(f)
            .map(|(h, _)| clean_text(col(h.as_str()).cast(DataType::String)))
            .unwrap_or_else(|| lit(NULL).cast(DataType::String))
    };
    let parts = territory::path_parts(text_of(Field::Territory));
    let n_parts = parts.clone().list().len();
    let part = |i: i64| parts.clone().list().get(lit(i), true);
    // The one column a territory value comes from, when only one of the two is mapped.
    let one_of = |a: Field, b: Field| match (header(a), header(b)) {
        (Some(h), None) | (None, Some(h)) => Some(h),
        _ => None,
    };
    work.push((
        one_of(Field::Region, Field::Territory),
        coalesce(&[
            text_of(Field::Region),
            when(n_parts.clone().gt_eq(lit(2)))
                .then(part(0))
                .otherwise(lit(NULL).cast(DataType::String)),
        ])
        .alias("__region_raw"),
    ));
    work.push((
        one_of(Field::Province, Field::Territory),
        coalesce(&[
            text_of(Field::Province),
            when(n_parts.clone().gt_eq(lit(2)))
                .then(part(1))
                .otherwise(part(0)),
        ])
        .alias("__province_raw"),
    ));
    work.push((
        one_of(Field::Municipality, Field::Territory),
        coalesce(&[text_of(Field::Municipality), part(2)]).alias("__c_municipality"),
    ));

    let parsed = parse_columns(&frame, work).map_err(fail)?;
    // Dates outside the plausible window are problems, not values.
    let plausible: Vec<Expr> = [Field::StartDate, Field::EndDate]
        .into_iter()
        .flat_map(|f| ["direct", "period"].map(move |how| (f, how)))
        .map(|(f, how)| {
            let p = col(format!("__p_{f}_{how}"));
            when(window.contains(p.clone()).fill_null(lit(false)))
                .then(p)
                .otherwise(lit(NULL).cast(DataType::Date))
                .alias(format!("__c_{f}_{how}"))
        })
        .collect();
    // Territory names as categories: read by code, kept so in the table.
    let category = super::categories::categorical();
    let worked = territory::join_reference(parsed, "__province_raw", "__region_raw")
        .map_err(fail)?
        .lazy()
        .with_columns(plausible)
        .with_columns([
            when(col("__ref_province").is_not_null())
                .then(col("__ref_province").cast(category.clone()))
                .when(col("__ref_province_as_region").is_not_null())
                .then(lit(NULL).cast(category.clone()))
                .otherwise(col("__province_raw").cast(category.clone()))
                .alias("__c_province"),
            coalesce(
                &[
                    "__ref_region",
                    "__ref_province_region",
                    "__ref_province_as_region",
                    "__region_raw",
                ]
                .map(|c| col(c).cast(category.clone())),
            )
            .alias("__c_region"),
            coalesce(&[col("__c_start_date_direct"), col("__c_start_date_period")])
                .alias("__c_start_date"),
            coalesce(&[col("__c_end_date_direct"), col("__c_end_date_period")])
                .alias("__c_end_date"),
        ])
        .collect()
        .map_err(fail)?;
    // Problems.
    let lf = worked.clone().lazy();
    let mut problems: Vec<LazyFrame> = vec![totals_problems.lazy()];
    for f in [Field::AmountGranted, Field::AmountSpent] {
        if let Some((h, d)) = source(f) {
            problems.push(problem_rows(
                &lf,
                origin,
                filled(&h, &d).and(col(format!("__c_{f}")).is_null()),
                &h,
                col(h.as_str()),
                ProblemKind::NotAnAmount,
            ));
        }
    }
    let implausible = |name: String| {
        col(name.as_str())
            .is_not_null()
            .and(window.contains(col(name.as_str())).not())
    };
    for f in [Field::StartDate, Field::EndDate] {
        if let Some((h, d)) = source(f) {
            problems.push(problem_rows(
                &lf,
                origin,
                filled(&h, &d).and(col(format!("__p_{f}_direct")).is_null()),
                &h,
                col(h.as_str()),
                ProblemKind::NotADate,
            ));
            problems.push(problem_rows(
                &lf,
                origin,
                implausible(format!("__p_{f}_direct")),
                &h,
                col(h.as_str()),
                ProblemKind::ImplausibleDate,
            ));
        }
    }
    if let Some((h, d)) = source(Field::Period) {
        problems.push(problem_rows(
            &lf,
            origin,
            filled(&h, &d).and(
                col("__p_start_date_period")
                    .is_null()
                    .or(col("__p_end_date_period").is_null()),
            ),
            &h,
            col(h.as_str()),
            ProblemKind::NotADate,
        ));
        problems.push(problem_rows(
            &lf,
            origin,
            implausible("__p_start_date_period".into())
                .or(implausible("__p_end_date_period".into())),
            &h,
            col(h.as_str()),
            ProblemKind::ImplausibleDate,
        ));
    }
    let end_label = source(Field::EndDate)
        .or_else(|| source(Field::Period))
        .map(|(h, _)| h)
        .unwrap_or_else(|| Field::EndDate.to_string());
    problems.push(problem_rows(
        &lf,
        origin,
        col("__c_end_date")
            .lt(col("__c_start_date"))
            .fill_null(lit(false)),
        &end_label,
        concat_str(
            [
                col("__c_start_date").cast(DataType::String),
                col("__c_end_date").cast(DataType::String),
            ],
            " → ",
            true,
        ),
        ProblemKind::EndBeforeStart,
    ));
    let territory_label = |f: Field| {
        source(f)
            .or_else(|| source(Field::Territory))
            .map(|(h, _)| h)
            .unwrap_or_else(|| f.to_string())
    };
    problems.push(problem_rows(
        &lf,
        origin,
        col("__province_raw")
            .is_not_null()
            .and(col("__ref_province").is_null())
            .and(col("__ref_province_as_region").is_null()),
        &territory_label(Field::Province),
        col("__province_raw"),
        ProblemKind::UnknownProvince,
    ));
    problems.push(problem_rows(
        &lf,
        origin,
        col("__region_raw")
            .is_not_null()
            .and(col("__ref_region").is_null()),
        &territory_label(Field::Region),
        col("__region_raw"),
        ProblemKind::UnknownRegion,
    ));
    let problems = concat(problems, UnionArgs::default())
        .and_then(|lf| lf.collect())
        .map_err(fail)?;
    // The canonical table: canonical columns, source, row, then every other column as text.
    let default = programme
        .map(str::to_string)
        .unwrap_or_else(|| default_programme(origin));
    let mut select: Vec<Expr> = Field::columns()
        .map(|f| {
            if f == Field::Programme {
                let category = super::categories::categorical();
                let named = coalesce(&[
                    col("__c_programme").cast(category.clone()),
                    lit(default.clone()).cast(category),
                ]);
                if programme.is_some() {
                    lit(default.clone())
                } else {
                    named
                }
                .alias(f.name())
            } else {
                col(format!("__c_{f}")).alias(f.name())
            }
        })
        .collect();
    select.push(lit(origin.label()).alias(SOURCE));
    select.push(col(ROW).cast(DataType::UInt32).alias(SOURCE_ROW));
    let reserved: std::collections::HashSet<&str> = Field::ALL
        .iter()
        .map(|f| f.name())
        .chain([SOURCE, SOURCE_ROW])
        .collect();
    for (name, _) in data_columns(&frame) {
        if used.contains(&name) || needed.is_some_and(|n| !n.keeps_extra(&name)) {
            continue;
        }
        let alias = if reserved.contains(name.as_str()) {
            format!("{name} (originale)")
        } else {
            name.clone()
        };
        select.push(col(name.as_str()).cast(DataType::String).alias(alias));
    }
    let table = worked.lazy().select(select).collect().map_err(fail)?;
    if table.height() == 0 {
        notes.push(Note::NoDataRows);
    }
    Ok(Normalised {
        table,
        problems,
        notes,
    })
}

/// Folds case and space variants of a category ("Anziani" / "anziani ") into the form written
/// most often (ties: the alphabetically first). Works on text and list columns, over the whole
/// table at once.
pub fn fold_variants(table: DataFrame, name: &str) -> PolarsResult<DataFrame> {
    let is_list = matches!(table.column(name)?.dtype(), DataType::List(_));
    // Names stored as categories are counted by code; when no two fold to the same key there
    // is nothing to do (the common case), found without a group-by.
    if let Some(counted) = super::tally::tally(table.column(name)?, None, super::tally::Rows::All)?
    {
        let mut keys: Vec<String> = counted
            .named
            .iter()
            .map(|(n, _)| n.to_lowercase())
            .collect();
        keys.sort_unstable();
        let distinct = keys.len();
        keys.dedup();
        if keys.len() == distinct {
            return Ok(table);
        }
    }
    let values = if is_list {
        col(name).explode(ExplodeOptions {
            empty_as_null: true,
            keep_nulls: false,
        })
    } else {
        col(name)
    };
    // The spellings and how often each is written: a few thousand rows at most.
    let counts = table
        .clone()
        .lazy()
        .select([values])
        .filter(col(name).is_not_null())
        .group_by([col(name)])
        .agg([len().alias("__n")])
        .with_column(col(name).cast(DataType::String))
        .with_column(col(name).str().to_lowercase().alias("__k"));
    let canonical = counts
        .clone()
        .sort_by_exprs(
            [col("__k"), col("__n"), col(name)],
            SortMultipleOptions::default().with_order_descending_multi([false, true, false]),
        )
        .group_by_stable([col("__k")])
        .agg([col(name).first().alias("__canon")]);
    let renames = counts
        .join(
            canonical,
            [col("__k")],
            [col("__k")],
            JoinArgs::new(JoinType::Inner),
        )
        .filter(col(name).neq(col("__canon")))
        .select([col(name), col("__canon")])
        .collect()?;
    if renames.height() == 0 {
        // Nothing to fold: the common case, and the table is left as it is.
        return Ok(table);
    }
    let old = lit(renames.column(name)?.as_materialized_series().clone());
    let new = lit(renames.column("__canon")?.as_materialized_series().clone());
    // Replaced as text (names kept as categories are cast back after).
    let stored = table.column(name)?.dtype().clone();
    let text = col(name).cast(super::categories::as_text(&stored));
    let folded = if is_list {
        text.list()
            .eval(element().replace(old, new).unique_stable())
    } else {
        text.replace(old, new)
    };
    table
        .lazy()
        .with_column(folded.cast(stored).alias(name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(table: &DataFrame, name: &str) -> Vec<Option<String>> {
        table
            .column(name)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.map(str::to_string))
            .collect()
    }

    #[test]
    fn text_variants_take_the_most_written_spelling() {
        let table = df!(
            "body" => [Some("Comune di Bra"), Some("COMUNE DI BRA"), Some("Comune di Bra"), None, Some("Altro")],
            "n" => [1, 2, 3, 4, 5],
        )
        .unwrap();
        let folded = fold_variants(table, "body").unwrap();
        assert_eq!(
            strings(&folded, "body"),
            vec![
                Some("Comune di Bra".into()),
                Some("Comune di Bra".into()),
                Some("Comune di Bra".into()),
                None,
                Some("Altro".into())
            ]
        );
        // Other columns and row order are untouched.
        let n: Vec<i32> = folded
            .column("n")
            .unwrap()
            .i32()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        assert_eq!(n, vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn list_variants_fold_and_merge_within_a_cell() {
        let lists = [
            Some(Series::new("".into(), ["Anziani", "anziani"])),
            Some(Series::new("".into(), ["anziani", "Famiglie"])),
            Some(Series::new("".into(), ["Anziani"])),
            None,
        ];
        let column: ListChunked = lists.into_iter().collect();
        let table = DataFrame::new(
            4,
            vec![column.into_series().with_name("target".into()).into()],
        )
        .unwrap();
        let folded = fold_variants(table, "target").unwrap();
        let joined = folded
            .lazy()
            .select([col("target").list().join(lit("|"), true)])
            .collect()
            .unwrap();
        assert_eq!(
            strings(&joined, "target"),
            vec![
                Some("Anziani".into()),
                Some("Anziani|Famiglie".into()),
                Some("Anziani".into()),
                None
            ]
        );
    }

    /// Names stored as categories fold as the same names as text do; a category column without
    /// variants is left as it is even when the shared dictionary holds variants of its names
    /// (from other columns).
    #[test]
    fn category_variants_fold_as_text_variants_do() {
        let category = crate::data::categories::categorical();
        let as_text = |t: &DataFrame| {
            t.clone()
                .lazy()
                .select([col("body").cast(DataType::String)])
                .collect()
                .unwrap()
        };
        let text = df!(
            "body" => [Some("Comune di Bra"), Some("COMUNE DI BRA"), Some("Comune di Bra"), None],
        )
        .unwrap();
        let coded = text
            .clone()
            .lazy()
            .with_column(col("body").cast(category.clone()))
            .collect()
            .unwrap();
        let folded_text = fold_variants(text, "body").unwrap();
        let folded_coded = fold_variants(coded, "body").unwrap();
        assert_eq!(folded_coded.column("body").unwrap().dtype(), &category);
        assert_eq!(
            strings(&as_text(&folded_coded), "body"),
            strings(&folded_text, "body")
        );
        assert_eq!(
            strings(&folded_text, "body")[1],
            Some("Comune di Bra".to_string())
        );
        // "ANZIANI" is in the dictionary (another column), not in this one: nothing to fold.
        let _other = Column::new("other".into(), ["ANZIANI"])
            .cast(&category)
            .unwrap();
        let plain = df!("body" => ["Anziani", "Famiglie", "Anziani"])
            .unwrap()
            .lazy()
            .with_column(col("body").cast(category))
            .collect()
            .unwrap();
        let kept = fold_variants(plain.clone(), "body").unwrap();
        assert!(kept.equals_missing(&plain));
    }

    #[test]
    fn list_category_variants_fold_as_text_lists_do() {
        let lists = [
            Some(Series::new("".into(), ["Anziani", "anziani"])),
            Some(Series::new("".into(), ["anziani", "Famiglie"])),
            None,
        ];
        let column: ListChunked = lists.into_iter().collect();
        let text = DataFrame::new(
            3,
            vec![column.into_series().with_name("target".into()).into()],
        )
        .unwrap();
        let coded = text
            .clone()
            .lazy()
            .with_column(col("target").cast(DataType::List(Box::new(
                crate::data::categories::categorical(),
            ))))
            .collect()
            .unwrap();
        let joined = |t: DataFrame| {
            let out = t
                .lazy()
                .select([col("target")
                    .cast(DataType::List(Box::new(DataType::String)))
                    .list()
                    .join(lit("|"), true)])
                .collect()
                .unwrap();
            strings(&out, "target")
        };
        let from_codes = joined(fold_variants(coded, "target").unwrap());
        // "anziani" is written twice, "Anziani" once: the most written spelling wins.
        assert_eq!(
            from_codes,
            vec![
                Some("anziani".into()),
                Some("anziani|Famiglie".into()),
                None
            ]
        );
        assert_eq!(from_codes, joined(fold_variants(text, "target").unwrap()));
    }

    #[test]
    fn a_table_without_variants_is_returned_as_it_is() {
        let table = df!("body" => ["A", "B", "A"]).unwrap();
        let folded = fold_variants(table.clone(), "body").unwrap();
        assert!(folded.equals_missing(&table));
    }
}
