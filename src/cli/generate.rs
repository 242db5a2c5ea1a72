//! `cruscotto generate`: realistic synthetic programme data in any supported format.

use std::io::Write;
use std::time::Instant;

use super::GenerateArgs;
use crate::data::synth;
use crate::export::{CsvStyle, write_table};

pub fn run(args: &GenerateArgs, out: &mut dyn Write) -> Result<(), String> {
    let started = Instant::now();
    let table = synth::generate(args.rows, args.seed)
        .map_err(|e| format!("{}: cannot generate: {e}", args.out.display()))?;
    write_table(&table, &args.out, CsvStyle::default()).map_err(|e| e.to_string())?;
    writeln!(
        out,
        "{}: {} projects written in {:.1} s",
        args.out.display(),
        crate::format::count(args.rows),
        started.elapsed().as_secs_f64()
    )
    .map_err(|e| e.to_string())
}
