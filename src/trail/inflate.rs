//! Decompressing a gzip log file into a buffer each reading thread keeps.
//!
//! Why: a trail is thousands of files of a few megabytes each. Inflating
//! each into a fresh, growing vector cost a fifth of the read: the vector
//! doubled (copying what it held), `read_to_end` zeroed its spare room
//! before every read, and the fresh pages faulted in from the kernel, once
//! per file. Here the thread's buffer is sized once from the gzip trailer's
//! length (a hint: it grows if the file holds more), zeroed once, and
//! reused for the next file.

use std::cell::RefCell;
use std::io::Read;

/// A buffer past this is given back after its file: one huge file does not
/// hold its memory for the rest of the read.
const KEEP: usize = 64 << 20;

/// No deflate stream expands past this ratio (RFC 1951's longest match per
/// bit), so a trailer claiming more is not believed.
const MAX_RATIO: usize = 1032;

thread_local! {
    static BUF: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Whether the bytes are gzip (by magic bytes).
pub fn is_gzip(raw: &[u8]) -> bool {
    raw.starts_with(&[0x1f, 0x8b])
}

/// Calls `f` with the decompressed bytes of `raw` (gzip, possibly several
/// members), or says why they could not be decompressed.
pub fn with_inflated<T>(raw: &[u8], f: impl FnOnce(&[u8]) -> T) -> Result<T, String> {
    BUF.with(|cell| {
        // A nested call (none today) gets a buffer of its own.
        let mut own = Vec::new();
        let mut held = cell.try_borrow_mut();
        let buf = match held.as_deref_mut() {
            Ok(b) => b,
            Err(_) => &mut own,
        };
        let n = inflate_into(raw, buf).map_err(|e| format!("corrupt or truncated gzip: {e}"))?;
        let out = f(&buf[..n]);
        if buf.len() > KEEP {
            *buf = Vec::new();
        }
        Ok(out)
    })
}

/// Inflates `raw` into `buf` (whose length is what was ever zeroed, kept
/// across files) and returns how many bytes it holds now.
fn inflate_into(raw: &[u8], buf: &mut Vec<u8>) -> std::io::Result<usize> {
    // One byte more than the trailer says, so the end is seen without growing.
    let want = trailer_size(raw).min(raw.len().saturating_mul(MAX_RATIO)) + 1;
    if buf.len() < want {
        buf.resize(want, 0);
    }
    let mut gz = flate2::read::MultiGzDecoder::new(raw);
    let mut n = 0;
    loop {
        if n == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
        match gz.read(&mut buf[n..]) {
            Ok(0) => return Ok(n),
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// ISIZE, the last member's length modulo 2^32 (RFC 1952): exact for the
/// one-member files CloudTrail writes.
fn trailer_size(raw: &[u8]) -> usize {
    match raw.len().checked_sub(4).map(|i| &raw[i..]) {
        Some(&[a, b, c, d]) => u32::from_le_bytes([a, b, c, d]) as usize,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn files_inflate_whole_one_after_another_on_one_buffer() {
        let big: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
        let small = b"{\"Records\": []}".to_vec();
        for data in [&big, &small, &big] {
            let got = with_inflated(&gz(data), <[u8]>::to_vec).unwrap();
            assert_eq!(&got, data);
        }
    }

    #[test]
    fn several_members_inflate_whole_past_the_last_ones_length() {
        // The trailer read is the last member's: the buffer has to grow.
        let mut two = gz(&vec![b'x'; 100_000]);
        two.extend(gz(b"second"));
        let got = with_inflated(&two, <[u8]>::to_vec).unwrap();
        assert_eq!(got.len(), 100_006);
        assert!(got.ends_with(b"xsecond"));
    }

    #[test]
    fn a_trailer_that_lies_is_corrupt() {
        let mut lying = gz(&vec![b'x'; 100_000]);
        let at = lying.len() - 4;
        lying[at..].copy_from_slice(&10u32.to_le_bytes());
        assert!(with_inflated(&lying, |_| ()).is_err());
    }

    #[test]
    fn a_truncated_file_says_so() {
        let whole = gz(&vec![b'y'; 50_000]);
        let err = with_inflated(&whole[..whole.len() / 2], |_| ()).unwrap_err();
        assert!(err.starts_with("corrupt or truncated gzip"), "{err}");
    }
}
