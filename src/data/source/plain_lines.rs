//! Whether a delimited text is *plain and even*: no double quote anywhere, and no line with more
//! fields than the header row. polars, asked for some columns only, stops reading a line after
//! the last of them — a line with too many fields would be cut silently instead of refused — so
//! only a plain, even text is parsed in part (see [`super::csv::Layout::may_parse_in_part`]).
//!
//! A national export is checked every time it is opened for a question, so the check is one pass
//! over 64-byte blocks: three comparisons give bit masks of the quotes, delimiters and line ends
//! of a block, and the delimiters of a line are counted with `popcount` between its line ends.
//! On x86-64 the comparisons are SSE2 (always there), with AVX2 and `popcnt` when the processor
//! has them; elsewhere, and for the last bytes, a byte-by-byte loop does the same.

/// Whether no line of `bytes` has `width` or more `delimiter`s and no byte is a double quote.
/// A text of at least twice `half_worth_a_thread` is checked in two halves side by side.
pub fn plain_and_even(
    bytes: &[u8],
    delimiter: u8,
    width: usize,
    half_worth_a_thread: usize,
) -> bool {
    let middle = bytes.len() / 2;
    let split = match memchr::memchr(b'\n', &bytes[middle..]) {
        Some(at) if bytes.len() >= 2 * half_worth_a_thread => middle + at,
        _ => return check(bytes, delimiter, width),
    };
    // Each half starts a line: the first at the text's start, the second after a line end.
    let (first, second) = (&bytes[..split], &bytes[split + 1..]);
    std::thread::scope(|scope| {
        let other = scope.spawn(|| check(second, delimiter, width));
        let mine = check(first, delimiter, width);
        mine && other.join().unwrap_or(false)
    })
}

/// The check of [`plain_and_even`] on one thread, `bytes` starting a line.
fn check(bytes: &[u8], delimiter: u8, width: usize) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx2")
            && std::arch::is_x86_feature_detected!("popcnt")
        {
            // SAFETY: the processor has the features the function is compiled for.
            return unsafe { blocks_avx2(bytes, delimiter, width) };
        }
        blocks(bytes, delimiter, width)
    }
    #[cfg(not(target_arch = "x86_64"))]
    bytewise(bytes, delimiter, width, 0).is_some()
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,popcnt")]
unsafe fn blocks_avx2(bytes: &[u8], delimiter: u8, width: usize) -> bool {
    blocks(bytes, delimiter, width)
}

/// The block-wise check; the tail shorter than a block byte by byte.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn blocks(bytes: &[u8], delimiter: u8, width: usize) -> bool {
    use std::arch::x86_64::*;
    let width = width as u32;
    let mut chunks = bytes.chunks_exact(64);
    // Delimiters met so far on the current line.
    let mut count = 0u32;
    // SAFETY: SSE2 is part of x86-64; every load reads 16 bytes inside a 64-byte chunk.
    unsafe {
        let quote = _mm_set1_epi8(b'"' as i8);
        let delim = _mm_set1_epi8(delimiter as i8);
        let eol = _mm_set1_epi8(b'\n' as i8);
        for chunk in chunks.by_ref() {
            let mut q = 0u64;
            let mut d = 0u64;
            let mut n = 0u64;
            for part in 0..4 {
                let v = _mm_loadu_si128(chunk.as_ptr().add(16 * part) as *const __m128i);
                let shift = 16 * part as u32;
                q |= (_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)) as u16 as u64) << shift;
                d |= (_mm_movemask_epi8(_mm_cmpeq_epi8(v, delim)) as u16 as u64) << shift;
                n |= (_mm_movemask_epi8(_mm_cmpeq_epi8(v, eol)) as u16 as u64) << shift;
            }
            if q != 0 {
                return false;
            }
            while n != 0 {
                let at = n.trailing_zeros();
                // The delimiters before this line end close the line.
                let before = (1u64 << at) - 1;
                if count + (d & before).count_ones() >= width {
                    return false;
                }
                count = 0;
                d &= !(before | (1u64 << at));
                n &= n - 1;
            }
            count += d.count_ones();
            if count >= width {
                return false;
            }
        }
    }
    bytewise(
        chunks.remainder(),
        delimiter,
        width as usize,
        count as usize,
    )
    .is_some()
}

/// The check byte by byte, starting with `count` delimiters already on the current line; the
/// count on the last line, or `None` when the text is not plain and even.
fn bytewise(bytes: &[u8], delimiter: u8, width: usize, mut count: usize) -> Option<usize> {
    for &b in bytes {
        if b == b'"' {
            return None;
        } else if b == b'\n' {
            count = 0;
        } else if b == delimiter {
            count += 1;
            if count >= width {
                return None;
            }
        }
    }
    Some(count)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What the check means, line by line.
    fn oracle(text: &[u8], delimiter: u8, width: usize) -> bool {
        !text.contains(&b'"')
            && text
                .split(|b| *b == b'\n')
                .all(|line| line.iter().filter(|b| **b == delimiter).count() < width)
    }

    #[test]
    fn a_line_wider_than_the_header_or_a_quote_is_found_in_either_half() {
        let line = b"a;b;c\n";
        let plain = line.repeat(100);
        for threshold in [1, usize::MAX / 4] {
            let ok = |t: &[u8]| plain_and_even(t, b';', 3, threshold);
            assert!(ok(&plain));
            assert!(
                ok(&[plain.as_slice(), b"a;b"].concat()),
                "a short last line"
            );
            assert!(
                !ok(&[plain.as_slice(), b"a;b;c;d\n"].concat()),
                "wide at the end"
            );
            assert!(
                !ok(&[b"a;b;c;d\n".as_slice(), &plain].concat()),
                "wide at the start"
            );
            let middle = [line.repeat(50), b"a;b;c;d\n".to_vec(), line.repeat(50)].concat();
            assert!(!ok(&middle), "wide in the middle");
            assert!(!ok(&[plain.as_slice(), b"\"a\";b;c\n"].concat()), "quoted");
        }
    }

    #[test]
    fn the_block_check_agrees_with_the_bytewise_one_around_block_edges() {
        // A wide line that crosses a block boundary, ends exactly at one, or is the last bytes.
        for pad in 0..130 {
            let mut text = vec![b'x'; pad];
            text.extend_from_slice(b"\n1;2;3;4\n");
            text.extend(std::iter::repeat_n(b'y', 70));
            assert!(!check(&text, b';', 3), "pad {pad}");
            assert!(check(&text, b';', 4), "pad {pad}");
            assert_eq!(check(&text, b';', 4), oracle(&text, b';', 4));
        }
    }

    proptest! {
        #[test]
        fn the_check_is_the_line_by_line_meaning(
            text in proptest::collection::vec(
                prop_oneof![
                    8 => Just(b'a'), 3 => Just(b';'), 2 => Just(b'\n'), 1 => Just(b'"'),
                    1 => Just(0xC3u8), 1 => Just(b',')
                ],
                0..600,
            ),
            width in 1usize..6,
            threshold in prop_oneof![Just(1usize), Just(usize::MAX / 4)],
        ) {
            prop_assert_eq!(
                plain_and_even(&text, b';', width, threshold),
                oracle(&text, b';', width)
            );
        }
    }
}
