//! The text reader: encoding and delimiter sniffing, then the whole load (header, mapping,
//! normalisation) of arbitrary bytes named `.csv`.
#![no_main]

use cruscotto::data::source::{decode_text, sniff_delimiter};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (text, _) = decode_text(data);
    let lines: Vec<&str> = text.lines().take(50).collect();
    sniff_delimiter(&lines);
    cruscotto_fuzz_load("progetti.csv", data);
});

fn cruscotto_fuzz_load(name: &str, data: &[u8]) {
    let _ = cruscotto::data::load_sources(
        vec![(name.into(), data.to_vec())],
        &cruscotto::data::LoadOptions::default(),
    );
}
