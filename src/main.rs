//! Thin entry point: parse the command line, then open the window or run a subcommand.

use std::process::ExitCode;

use clap::Parser;
use cruscotto::cli::{self, Cli};

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
