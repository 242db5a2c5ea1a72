//! Thin entry point: parse the command line, then open the window or run a subcommand.

use std::process::ExitCode;

use clap::Parser;
use cruscotto::cli::{self, Cli};

/// polars allocates and frees many buffers per query; mimalloc is markedly faster at it than the
/// system allocator (python-polars ships with a similar one).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(command) => cli::run(command, &mut std::io::stdout().lock()),
        None => cruscotto::app::run(cli.files),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("cruscotto: {}", message.replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}
