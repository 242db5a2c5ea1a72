//! The whole load (reader, header, mapping, normalisation) of arbitrary bytes named `.xlsb`:
//! an error or a table, never a panic, a hang or an unbounded allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = cruscotto::data::load_sources(
        vec![("progetti.xlsb".into(), data.to_vec())],
        &cruscotto::data::LoadOptions::default(),
    );
});
