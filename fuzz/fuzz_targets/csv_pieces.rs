//! The delimited-text reader that parses a file piece by piece as it is read: for any bytes and
//! any piece size, the same table, notes or error as the reader of the whole text.
#![no_main]

use cruscotto::data::needed::Needed;
use cruscotto::data::source::{ReadOptions, csv_pieces_agree_with_whole};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    // The first byte picks the piece size and whether a question reads some columns only.
    let piece = 1 + usize::from(first & 0x7F) * 7;
    let options = if first & 0x80 != 0 {
        let mut needed = Needed::totals();
        needed.add_name("province");
        ReadOptions {
            only: Some((needed, Default::default())),
            ..ReadOptions::default()
        }
    } else {
        ReadOptions::default()
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("progetti.csv");
    std::fs::write(&path, bytes).expect("the file written");
    if let Err(difference) = csv_pieces_agree_with_whole(&path, &options, piece) {
        panic!("pieces and whole differ:\n{difference}");
    }
});
