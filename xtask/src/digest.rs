//! SHA-256 of files and streams, as lowercase hex.

use std::fs::File;
use std::io::{self, Read, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

/// Lowercase hex SHA-256 of a file's content.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut writer = HashingWriter::new(io::sink());
    io::copy(&mut file, &mut writer)?;
    Ok(writer.finish().1)
}

/// Lowercase hex of a finished SHA-256.
fn hex(hasher: Sha256) -> String {
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Lowercase hex SHA-256 of bytes.
#[cfg(test)]
pub fn sha256_bytes(bytes: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(bytes);
    hex(hasher)
}

/// A writer that hashes everything it forwards, so a download is verified
/// in the same pass that writes it.
#[derive(Debug)]
pub struct HashingWriter<W> {
    inner: W,
    hasher: Sha256,
    written: u64,
}

impl<W: Write> HashingWriter<W> {
    /// Wraps `inner`.
    pub fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
            written: 0,
        }
    }

    /// Returns the inner writer, the hex digest and the byte count.
    pub fn finish(self) -> (W, String, u64) {
        (self.inner, hex(self.hasher), self.written)
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Copies `reader` to `writer`, returning the SHA-256 of what was copied.
pub fn copy_hashed(reader: &mut dyn Read, writer: &mut dyn Write) -> io::Result<(String, u64)> {
    let mut hashing = HashingWriter::new(writer);
    io::copy(reader, &mut hashing)?;
    let (_, digest, written) = hashing.finish();
    Ok((digest, written))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digest() {
        // printf abc | sha256sum
        assert_eq!(
            sha256_bytes(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let mut sink = Vec::new();
        let (digest, n) = copy_hashed(&mut &b"abc"[..], &mut sink).unwrap();
        assert_eq!((digest.as_str(), n), (sha256_bytes(b"abc").as_str(), 3));
    }
}
