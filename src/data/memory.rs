//! Memory a finished step freed, given back to the system.
//!
//! mimalloc (the program's allocator, see `main.rs`) keeps freed memory for the thread that freed
//! it, to reuse; the next step of a load allocates mostly on polars' threads, so a workbook's
//! cells, freed on the loading thread once they are columns, would stay counted in the
//! process's memory while the interpretation allocates anew. Giving them back after the read
//! lowers the peak of a 100,000-row workbook by about a sixth (docs/performance.md).

/// Returns the memory this thread freed to the system (a few milliseconds; nothing when the
/// program runs on another allocator, as the tests do).
pub fn give_back_freed() {
    // SAFETY: mi_collect takes a flag and only releases memory the allocator no longer uses.
    unsafe { libmimalloc_sys::mi_collect(true) }
}
