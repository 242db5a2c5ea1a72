//! Thin entry point: parse the command line, then open the window or run a subcommand.
//!
//! On Windows the release build is a window program (no console opens on a double click); a
//! command started from a terminal (`cruscotto.exe summary …`) attaches to that terminal and
//! prints there, and output redirected to a file or a pipe is written there as usual.

#![cfg_attr(all(windows, not(debug_assertions)), windows_subsystem = "windows")]

use std::process::ExitCode;

use clap::Parser;
use cruscotto::cli::{self, Cli};

/// polars allocates and frees many buffers per query; mimalloc is markedly faster at it than the
/// system allocator (python-polars ships with a similar one).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    without_huge_pages();
    attach_to_terminal();
    let cli = Cli::parse();
    let result = match cli.command {
        Some(command) => cli::run(command, &mut std::io::stdout().lock()),
        None => cruscotto::app::run(cli.files, cli.renderer),
    };
    // Files opened are kept in the cache in the background: whole entries before the end.
    cruscotto::data::cache::wait_for_writes();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("cruscotto: {}", message.replace('\n', " "));
            ExitCode::FAILURE
        }
    }
}

/// No transparent huge pages for this process, where the system would otherwise hand them out
/// unasked (`always`); mimalloc's `no_thp` covers the systems that give them only on request.
/// A fresh huge page can cost the kernel a compaction and counts whole in the resident size
/// (docs/performance.md).
#[cfg(target_os = "linux")]
fn without_huge_pages() {
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments and only sets a flag of the process.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(not(target_os = "linux"))]
fn without_huge_pages() {}

/// A Windows window program has no console: when started from one (a command, `--help`), it
/// writes to its parent's. Started from Explorer there is none, and nothing changes.
#[cfg(windows)]
fn attach_to_terminal() {
    use windows_sys::Win32::System::Console::{ATTACH_PARENT_PROCESS, AttachConsole};
    // SAFETY: AttachConsole takes a process id and only fails when there is no parent console
    // or one is already attached; both are fine to ignore.
    unsafe {
        AttachConsole(ATTACH_PARENT_PROCESS);
    }
}

#[cfg(not(windows))]
fn attach_to_terminal() {}
