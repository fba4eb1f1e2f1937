//! The scratch directories the benchmarks build their data in, and the one rule that keeps
//! them from deleting anything else: a benchmark only empties a directory it made itself.
//!
//! A benchmark that starts over (`tidings bench web --dir X`, `tidings bench search`)
//! removes what an earlier run left in its directory. [`prepare_bench_dir`] does so only
//! when the directory is new, empty, or holds the marker file ([`BENCH_MARKER`]) an earlier
//! preparation wrote; a directory with other contents (a data directory, a home directory
//! typed by mistake) is refused with [`BenchDirError::NotMadeByBench`] and left untouched.

use std::path::{Path, PathBuf};

/// The file a benchmark writes into the directory it made, the proof that it may empty it.
pub const BENCH_MARKER: &str = ".tidings-bench-scratch";

/// Why a benchmark directory could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum BenchDirError {
    /// The directory has contents and no marker: something else made it.
    #[error(
        "{0} is not empty and was not made by a Tidings benchmark (it has no {BENCH_MARKER} \
         file); refusing to delete it: give --dir a new or empty directory"
    )]
    NotMadeByBench(PathBuf),
    /// Reading, removing or creating the directory failed.
    #[error("cannot prepare {0}: {1}")]
    Io(PathBuf, #[source] std::io::Error),
}

/// Whether [`prepare_bench_dir`] would accept `dir`, decided without touching it: `Ok(true)`
/// when it holds the marker of an earlier run (and would be emptied), `Ok(false)` when it is
/// missing or empty, and the same refusal as [`prepare_bench_dir`] otherwise. A benchmark
/// calls it to refuse a wrong `--dir` before it checks its other needs, and empties the
/// directory only once they are met.
pub fn check_bench_dir(dir: &Path) -> Result<bool, BenchDirError> {
    let io = |err| BenchDirError::Io(dir.to_path_buf(), err);
    if !dir.exists() {
        return Ok(false);
    }
    let marked = dir.join(BENCH_MARKER).is_file();
    let empty = dir.is_dir() && std::fs::read_dir(dir).map_err(io)?.next().is_none();
    if !dir.is_dir() || !(marked || empty) {
        return Err(BenchDirError::NotMadeByBench(dir.to_path_buf()));
    }
    Ok(marked)
}

/// Leaves `dir` empty but for the marker: creates it when missing, and empties it when it
/// holds the marker of an earlier run (or nothing). Refuses a directory with other contents
/// and a path that is not a directory.
pub fn prepare_bench_dir(dir: &Path) -> Result<(), BenchDirError> {
    let io = |err| BenchDirError::Io(dir.to_path_buf(), err);
    if check_bench_dir(dir)? {
        std::fs::remove_dir_all(dir).map_err(io)?;
    }
    std::fs::create_dir_all(dir).map_err(io)?;
    std::fs::write(
        dir.join(BENCH_MARKER),
        "Made by a Tidings benchmark, which may delete this directory when it runs again.\n",
    )
    .map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_new_empty_or_marked_directories_are_emptied() {
        let root = tempfile::tempdir().expect("tempdir");
        let dir = root.path().join("bench");
        prepare_bench_dir(&dir).expect("a new directory");
        assert!(dir.join(BENCH_MARKER).is_file());
        std::fs::write(dir.join("old.db"), "stale").expect("write");
        prepare_bench_dir(&dir).expect("a directory an earlier run made");
        assert!(!dir.join("old.db").exists(), "the earlier run's data goes");

        let empty = root.path().join("empty");
        std::fs::create_dir(&empty).expect("mkdir");
        prepare_bench_dir(&empty).expect("an empty directory");

        let precious = root.path().join("precious");
        std::fs::create_dir(&precious).expect("mkdir");
        std::fs::write(precious.join("tidings.db"), "the operator's data").expect("write");
        let refused = prepare_bench_dir(&precious).expect_err("not the bench's");
        assert!(matches!(refused, BenchDirError::NotMadeByBench(_)));
        assert!(
            refused.to_string().contains("refusing to delete"),
            "{refused}"
        );
        assert_eq!(
            std::fs::read_to_string(precious.join("tidings.db")).expect("still there"),
            "the operator's data"
        );

        let file = root.path().join("a-file");
        std::fs::write(&file, "x").expect("write");
        assert!(
            prepare_bench_dir(&file).is_err(),
            "a file is not a bench directory"
        );
        assert!(file.is_file());
    }
}
