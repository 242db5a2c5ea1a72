//! A file's bytes read into memory, a large one in two halves side by side.
//!
//! A national CSV is hundreds of megabytes: copying them from the system's file cache into fresh
//! memory, page by page, is the longest single step of its read, and one core does it at about
//! 1.5 GB/s here. Two threads reading the two halves at their offsets take half the time. The
//! file is only read, never written or mapped (a mapped file shortened by another program would
//! kill the process).

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Below this size a file is read in one go.
const HALF_WORTH_A_THREAD: usize = 16 << 20;

/// The bytes of the file at `path`. If the file changes while it is read (shortened: read again
/// whole; grown: what follows is read too), the bytes are those of one read of it.
pub fn read_whole(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    let len = usize::try_from(file.metadata()?.len()).unwrap_or(usize::MAX);
    if len < 2 * HALF_WORTH_A_THREAD {
        return std::fs::read(path);
    }
    // Zeroed memory fresh from the system: no pass writing the zeros.
    let mut bytes = vec![0u8; len];
    let (first, second) = bytes.split_at_mut(len / 2);
    let halves = std::thread::scope(|scope| {
        let other = scope.spawn(|| read_exact_at(&file, second, (len / 2) as u64));
        let mine = read_exact_at(&file, first, 0);
        mine.and_then(|()| {
            other
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })
    });
    if halves.is_err() {
        // Shortened (or unreadable at an offset) meanwhile: read as it is now.
        return std::fs::read(path);
    }
    file.seek(SeekFrom::Start(len as u64))?;
    file.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads into `buf` from `file` at `offset` until `buf` is full or the file ends; the number of
/// bytes read.
pub(super) fn read_up_to(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match read_at(file, &mut buf[filled..], offset + filled as u64) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file, buf, offset)
}

#[cfg(windows)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file, buf, offset)
}

/// Fills `buf` from `file` at `offset`.
#[cfg(unix)]
fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

/// Fills `buf` from `file` at `offset`.
#[cfg(windows)]
fn read_exact_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, offset) {
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_file_reads_as_the_standard_read_does() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("large.csv");
        let content: Vec<u8> = (0..(2 * HALF_WORTH_A_THREAD + 12_345))
            .map(|i| (i % 251) as u8)
            .collect();
        std::fs::write(&path, &content).unwrap();
        assert_eq!(read_whole(&path).unwrap(), content);
        let small = dir.path().join("small.csv");
        std::fs::write(&small, b"a;b\n1;2\n").unwrap();
        assert_eq!(read_whole(&small).unwrap(), b"a;b\n1;2\n");
    }

    #[test]
    fn a_missing_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read_whole(&dir.path().join("none.csv")).is_err());
    }
}
