//! Work split over the two cores: every other item on a second thread (the interpretation's
//! source columns, the cache's restored columns). A panic on the second thread is resumed on the
//! caller's, so a panic boundary above reports it as the panic it is.

use polars::prelude::PolarsResult;

/// `each` of `items`, every other one on a second thread: the results of the items at even
/// places, then those at odd places; the first error of either half.
pub(crate) fn every_other_on_a_second_thread<T: Sync, R: Send>(
    items: &[T],
    each: impl Fn(&T) -> PolarsResult<R> + Sync,
) -> PolarsResult<Vec<R>> {
    let half = |parity: usize| -> PolarsResult<Vec<R>> {
        items.iter().skip(parity).step_by(2).map(&each).collect()
    };
    let (first, second) = std::thread::scope(|scope| {
        let other = scope.spawn(|| half(1));
        let first = half(0);
        let second = other
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (first, second)
    });
    let mut all = first?;
    all.extend(second?);
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;
    use polars::prelude::polars_err;

    #[test]
    fn even_places_then_odd_ones_and_the_first_error() {
        let items = [1, 2, 3, 4, 5];
        let doubled = every_other_on_a_second_thread(&items, |i| Ok(i * 2)).unwrap();
        assert_eq!(doubled, [2, 6, 10, 4, 8]);
        let failed = every_other_on_a_second_thread(&items, |i| {
            if *i == 4 {
                Err(polars_err!(ComputeError: "four"))
            } else {
                Ok(*i)
            }
        });
        assert!(failed.unwrap_err().to_string().contains("four"));
    }
}
