//! A look at a Parquet file's page headers before polars decodes it. polars' decoder trusts each
//! page's declared value count: a negative count (read as an unsigned size) made it reserve 2⁶¹
//! bytes for a validity bitmap and the process aborted — found by fuzzing, and no panic boundary
//! can catch an allocation failure. Every page header is read here first (headers only, nothing is
//! decompressed) and a file whose counts or sizes cannot be true is refused as damaged.

use std::io::Cursor;
use std::path::Path;

use polars_buffer::Buffer;
use polars_parquet::parquet::page::{CompressedPage, DataPageHeader};
use polars_parquet::parquet::read::{PageReader, read_metadata};

use crate::data::error::LoadError;

/// The largest page, compressed or not, a file may declare (writers use about 1 MB).
const MAX_PAGE_BYTES: i64 = 512 << 20;

/// Refuses `bytes` (the whole file) when a page header declares what no real file holds.
pub(super) fn check(path: &Path, bytes: &mut Vec<u8>) -> Result<(), LoadError> {
    let damaged = |detail: String| LoadError::Damaged {
        file: path.to_path_buf(),
        format: "parquet",
        detail,
    };
    Buffer::with_vec(bytes, |buffer| {
        crate::data::contain::contained(|| check_pages(buffer))
            .map_err(&damaged)?
            .map_err(damaged)
    })
}

fn check_pages(buffer: Buffer<u8>) -> Result<(), String> {
    let metadata = read_metadata(&mut Cursor::new(buffer.as_slice())).map_err(|e| e.to_string())?;
    let file_len = buffer.len() as u64;
    for group in &metadata.row_groups {
        let rows = group.num_rows() as i64;
        for column in group.parquet_columns() {
            let range = column.byte_range();
            if range.start > range.end || range.end > file_len {
                return Err(format!(
                    "column chunk at bytes {}..{} outside the file ({file_len} bytes)",
                    range.start, range.end
                ));
            }
            if column.num_values() < 0 {
                return Err(format!(
                    "column chunk declares {} values",
                    column.num_values()
                ));
            }
            let flat = column.descriptor().descriptor.max_rep_level == 0;
            let mut reader = Cursor::new(buffer.clone());
            reader.set_position(range.start);
            let pages = PageReader::new(reader, column, Vec::new(), MAX_PAGE_BYTES as usize);
            for page in pages {
                let page = page.map_err(|e| e.to_string())?;
                check_page(&page, rows, flat)?;
            }
        }
    }
    Ok(())
}

/// One page: counts not negative, a flat column no more values than its row group has rows,
/// sizes within [`MAX_PAGE_BYTES`].
fn check_page(page: &CompressedPage, rows: i64, flat: bool) -> Result<(), String> {
    let (values, nulls, page_rows, uncompressed) = match page {
        // A dictionary's counts and sizes are already read as unsigned (negative ones refused).
        CompressedPage::Dict(_) => return Ok(()),
        CompressedPage::Data(data) => {
            let (values, nulls, page_rows) = match data.header() {
                DataPageHeader::V1(h) => (h.num_values as i64, 0, 0),
                DataPageHeader::V2(h) => {
                    (h.num_values as i64, h.num_nulls as i64, h.num_rows as i64)
                }
            };
            if flat && values > rows {
                return Err(format!(
                    "a page declares {values} values in a row group of {rows} rows"
                ));
            }
            (values, nulls, page_rows, data.uncompressed_size())
        }
    };
    if values < 0 || nulls < 0 || page_rows < 0 || nulls > values {
        return Err(format!(
            "a page declares {values} values, {nulls} missing, {page_rows} rows"
        ));
    }
    if uncompressed as i64 > MAX_PAGE_BYTES {
        return Err(format!(
            "a page declares {uncompressed} bytes once uncompressed"
        ));
    }
    Ok(())
}
