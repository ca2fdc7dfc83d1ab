//! Atomic file writes: a temporary file in the target's directory, fsync,
//! rename over the target, fsync the directory. A killed process leaves the
//! old file or the new one, never a torn one, and its temporary file is
//! removed by the next write into that directory. The file keeps the mode an
//! existing one had; a new one gets 0666 less the umask (0644 under the
//! usual 022), like any file a shell redirection makes: reports and
//! baselines are meant to be read by others and committed.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

/// Reads a file the user named, refusing anything but a regular file first:
/// opening a FIFO for reading blocks until a writer comes, and a device can
/// be endless. Errors name the file.
pub fn read_regular(path: &Path) -> std::io::Result<Vec<u8>> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        ));
    }
    std::fs::read(path)
}

/// [`read_regular`], as UTF-8 text.
pub fn read_regular_text(path: &Path) -> std::io::Result<String> {
    String::from_utf8(read_regular(path)?)
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
}

/// An exclusive lock on the directory holding `path`, released when the
/// guard is dropped. The directory, not the file: every write replaces the
/// file (a new inode), so a lock on the file would guard the old one, and a
/// lock file beside it would be one more file for `git add` to pick up.
pub fn lock_dir_of(path: &Path) -> Result<std::fs::File> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create directory", dir.display()))?;
    let f = std::fs::File::open(dir)
        .with_context(|| format!("{}: cannot open directory to lock it", dir.display()))?;
    f.lock()
        .with_context(|| format!("{}: cannot lock directory", dir.display()))?;
    Ok(f)
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot create directory", dir.display()))?;
    remove_stale_temporaries(dir);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o7777)
        .unwrap_or(0o666);
    let mut tmp = tempfile::Builder::new()
        .prefix(".driftwatch-")
        .suffix(".tmp")
        // Passed to open(2), so the kernel applies the umask.
        .permissions(std::fs::Permissions::from_mode(0o666))
        .tempfile_in(dir)
        .with_context(|| format!("{}: cannot create a temporary file", dir.display()))?;
    if mode != 0o666 {
        // An existing file's mode is kept exactly, umask or not.
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(mode))
            .with_context(|| format!("{}: cannot set permissions", path.display()))?;
    }
    tmp.write_all(bytes)
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("{}: write failed", path.display()))?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("{}: cannot replace file", path.display()))?;
    if let Ok(d) = std::fs::File::open(dir) {
        // Durability of the rename itself; not all filesystems support it.
        let _ = d.sync_all();
    }
    Ok(())
}

/// A temporary file older than this was left by a run that was killed
/// (a write takes seconds); younger ones may be another run's, mid-write.
const STALE: std::time::Duration = std::time::Duration::from_secs(15 * 60);

/// Removes what killed runs left in `dir`: a user's `git add .` in a
/// baselines directory would otherwise pick it up.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(".driftwatch-") && name.ends_with(".tmp")) {
            continue;
        }
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > STALE);
        if old && e.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A killed run's temporary file goes at the next write; one that may
    /// be another run's, mid-write, stays.
    #[test]
    fn the_next_write_removes_what_a_killed_run_left() {
        let dir = tempfile::tempdir().unwrap();
        let left = dir.path().join(".driftwatch-AbC123.tmp");
        let fresh = dir.path().join(".driftwatch-XyZ789.tmp");
        for p in [&left, &fresh] {
            std::fs::write(p, b"partial").unwrap();
        }
        let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options()
            .write(true)
            .open(&left)
            .unwrap()
            .set_modified(an_hour_ago)
            .unwrap();
        write_atomic(&dir.path().join("base.json"), b"{}").unwrap();
        assert!(!left.exists(), "a killed run's temporary file is removed");
        assert!(fresh.exists(), "a recent one may be another run's");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names.len(), 2, "{names:?}");
    }
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn report_files_keep_the_mode_an_existing_file_had() {
        let dir = tempfile::tempdir().unwrap();
        let fresh = dir.path().join("new.json");
        write_atomic(&fresh, b"{}").unwrap();
        // Whatever the umask, never the 0600 of a bare temporary file.
        let m = mode(&fresh);
        assert_eq!(m & 0o600, 0o600, "{m:o}");
        assert_eq!(m, 0o666 & !umask(), "{m:o}");
        let kept = dir.path().join("kept.json");
        std::fs::write(&kept, b"old").unwrap();
        std::fs::set_permissions(&kept, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&kept, b"new").unwrap();
        assert_eq!(mode(&kept), 0o640);
        assert_eq!(std::fs::read(&kept).unwrap(), b"new");
    }

    /// The process umask, read back from a file the kernel created.
    fn umask() -> u32 {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("probe");
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&p)
            .unwrap();
        0o666 & !mode(&p)
    }
}
