//! A boundary around third-party readers (calamine, the Parquet reader): a panic inside them — an
//! arithmetic overflow on a damaged file, say, as fuzzing found in calamine's xls reader — becomes
//! an error that says the file is damaged, not a crash, and is not printed as a panic.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

thread_local! {
    /// Whether this thread is inside [`contained`] (its panics are expected and reported).
    static INSIDE: Cell<bool> = const { Cell::new(false) };
}

static HOOK: Once = Once::new();

/// How many threads are inside [`contained`]: the readers' own worker threads (polars' pool,
/// named `polars-…`) panic on their behalf, and rayon hands the panic back to the caller.
static ACTIVE: AtomicUsize = AtomicUsize::new(0);

fn quiet() -> bool {
    INSIDE.with(Cell::get)
        || (ACTIVE.load(Ordering::SeqCst) > 0
            && std::thread::current()
                .name()
                .is_some_and(|n| n.starts_with("polars")))
}

/// Runs `task`; a panic comes back as `Err` with its message, unprinted.
pub fn contained<T>(task: impl FnOnce() -> T) -> Result<T, String> {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !quiet() {
                previous(info);
            }
        }));
    });
    let was = INSIDE.with(|i| i.replace(true));
    ACTIVE.fetch_add(1, Ordering::SeqCst);
    let result = catch_unwind(AssertUnwindSafe(task));
    ACTIVE.fetch_sub(1, Ordering::SeqCst);
    INSIDE.with(|i| i.set(was));
    result.map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "unknown cause".to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_is_an_error_and_outside_stays_a_panic() {
        let err = contained(|| -> u32 { panic!("overflow in a reader") }).unwrap_err();
        assert!(err.contains("overflow in a reader"));
        assert_eq!(contained(|| 7), Ok(7));
        assert!(std::panic::catch_unwind(|| panic!("outside")).is_err());
    }
}
