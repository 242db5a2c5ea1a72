//! The value parsers (amounts, dates, periods, lists, territory paths) on arbitrary text: they
//! must answer (a value or null) and never panic.
#![no_main]

use cruscotto::data::parse::{clean_text, dates, lists, money, run_on_strings, territory};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let values: Vec<&str> = text.split('\n').take(64).collect();
    for side in [dates::Side::Start, dates::Side::End] {
        run_on_strings(&values, |e| dates::date_from_text(e, side)).unwrap();
        run_on_strings(&values, |e| {
            dates::date_from_text(dates::period_side(clean_text(e), side), side)
        })
        .unwrap();
    }
    run_on_strings(&values, money::amount_from_text).unwrap();
    run_on_strings(&values, lists::list_from_text).unwrap();
    run_on_strings(&values, territory::path_parts).unwrap();
});
