//! A look at an xls file's records before calamine reads it. calamine builds each sheet's grid
//! from the cell positions and reserves room from the DIMENSIONS record, so one damaged record —
//! a cell in column 65,535 (xls has 256), or dimensions whose last row comes before the first —
//! makes it ask for up to 137 GB and the process aborts (both found by fuzzing). Such files are
//! refused here as damaged, and so is a compound file whose sector table is malformed (calamine
//! walks those leniently, past any check).

use std::io::{Cursor, Read};
use std::path::Path;

use crate::data::error::LoadError;

/// The last column an xls sheet can have (IV).
const LAST_COLUMN: u16 = 255;
/// At most this many cells in the grid a DIMENSIONS record declares.
const MAX_DECLARED: u64 = 65_536 * 256;

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(data.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(data.get(at..at + 4)?.try_into().ok()?))
}

/// What is wrong with one record, if anything.
fn check_record(typ: u16, data: &[u8]) -> Option<String> {
    match typ {
        // DIMENSIONS: first row, last row + 1, first column, last column + 1.
        0x0200 => {
            let (first_row, end_row, first_col, end_col) = match data.len() {
                10 => (
                    u16_at(data, 0)? as u64,
                    u16_at(data, 2)? as u64,
                    u16_at(data, 4)? as u64,
                    u16_at(data, 6)? as u64,
                ),
                14 | 16 => (
                    u32_at(data, 0)? as u64,
                    u32_at(data, 4)? as u64,
                    u16_at(data, 8)? as u64,
                    u16_at(data, 10)? as u64,
                ),
                _ => return None,
            };
            let inverted = end_row >= 1 && end_row - 1 < first_row;
            let declared = end_row
                .saturating_sub(first_row)
                .saturating_mul(end_col.saturating_sub(first_col.min(end_col)));
            (inverted || declared > MAX_DECLARED).then(|| {
                format!(
                    "a sheet declares rows {first_row}–{end_row} and columns {first_col}–{end_col}"
                )
            })
        }
        // Cells: row, column, …
        0x0006 | 0x00D6 | 0x00FD | 0x0201 | 0x0203 | 0x0204 | 0x0205 | 0x027E => {
            let col = u16_at(data, 2)?;
            (col > LAST_COLUMN).then(|| format!("a cell lies in column {}", col as u32 + 1))
        }
        // MULRK, MULBLANK: row, first column, …, last column.
        0x00BD | 0x00BE => {
            let first = u16_at(data, 2)?;
            let last = u16_at(data, data.len().checked_sub(2)?)?;
            (last > LAST_COLUMN || last < first)
                .then(|| format!("a row of cells runs from column {first} to {last}"))
        }
        _ => None,
    }
}

/// Checks the records from `at` to the end of the stream; collects the sheets' starting offsets
/// (BOUNDSHEET) into `sheets`.
fn walk(
    path: &Path,
    stream: &[u8],
    mut at: usize,
    sheets: &mut Vec<usize>,
) -> Result<(), LoadError> {
    while let (Some(typ), Some(len)) = (u16_at(stream, at), u16_at(stream, at + 2)) {
        let start = at + 4;
        let end = (start + len as usize).min(stream.len());
        let data = &stream[start..end];
        if let Some(problem) = check_record(typ, data) {
            return Err(LoadError::Damaged {
                file: path.to_path_buf(),
                format: "xls",
                detail: problem,
            });
        }
        if typ == 0x0085 {
            sheets.extend(u32_at(data, 0).map(|p| p as usize));
        }
        at = end;
    }
    Ok(())
}

/// Refuses an xls whose records would make the reader allocate far beyond the file's grid.
pub fn refuse_damaged_grid(path: &Path, bytes: &[u8]) -> Result<(), LoadError> {
    // A container the (permissive) compound-file reader cannot open is damaged: calamine's own
    // reader may still walk it, and then trusts records no check has seen.
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(|e| LoadError::Damaged {
        file: path.to_path_buf(),
        format: "xls",
        detail: e.to_string(),
    })?;
    let Some(name) = ["/Workbook", "/Book", "/WORKBOOK", "/BOOK"]
        .into_iter()
        .find(|n| file.is_stream(n))
    else {
        return Ok(());
    };
    let mut stream = Vec::new();
    let Ok(mut reader) = file.open_stream(name) else {
        return Ok(());
    };
    // The stream cannot be larger than the file that holds it.
    if reader
        .by_ref()
        .take(bytes.len() as u64)
        .read_to_end(&mut stream)
        .is_err()
    {
        return Ok(());
    }
    // The globals from the start, then each sheet from where its BOUNDSHEET record says it
    // begins — as calamine reads them.
    let mut sheets = Vec::new();
    walk(path, &stream, 0, &mut sheets)?;
    for start in sheets {
        walk(path, &stream, start, &mut Vec::new())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fuzzed_file_is_refused() {
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/corpus/fuzz_xls_column_65535.xls"
        ))
        .unwrap();
        assert!(refuse_damaged_grid(Path::new("x.xls"), &bytes).is_err());
    }

    #[test]
    fn records_beyond_the_grid_are_caught() {
        let mut number = vec![0u8; 14];
        number[2..4].copy_from_slice(&300u16.to_le_bytes());
        assert!(check_record(0x0203, &number).is_some());
        number[2..4].copy_from_slice(&12u16.to_le_bytes());
        assert!(check_record(0x0203, &number).is_none());
        // DIMENSIONS (BIFF8) with the last row before the first.
        let mut dims = vec![0u8; 14];
        dims[0..4].copy_from_slice(&10u32.to_le_bytes());
        dims[4..8].copy_from_slice(&5u32.to_le_bytes());
        dims[10..12].copy_from_slice(&3u16.to_le_bytes());
        assert!(check_record(0x0200, &dims).is_some());
        dims[0..4].copy_from_slice(&0u32.to_le_bytes());
        assert!(check_record(0x0200, &dims).is_none());
        // MULRK running past column IV.
        let mut mulrk = vec![0u8; 12];
        mulrk[10..12].copy_from_slice(&400u16.to_le_bytes());
        assert!(check_record(0x00BD, &mulrk).is_some());
    }
}
