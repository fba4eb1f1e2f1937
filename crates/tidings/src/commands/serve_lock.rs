//! One `tidings serve` per SQLite database: an exclusive OS file lock on `<database>.lock`,
//! held for the process's lifetime. On SQLite the serving process leads every one-process
//! role (the scheduler, the story assigner; see `tidings_store::leadership`) and keeps its
//! per-host limits in memory, so a second process on the same file would run a second
//! pipeline beside it. The lock is the OS's (`flock` on Unix), so it goes with the process
//! however it ends, a crash included; the file itself stays, holding the last holder's pid
//! for the message. One-shot commands (`sources`, `users`, `search`, `backup`) never take it.

use anyhow::{Context, bail};
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The lock this process holds on its SQLite database; dropping it (or the process ending)
/// lets another `serve` start.
#[derive(Debug)]
pub(crate) struct ServeLock {
    /// The open lock file: the OS lock lives as long as this handle.
    _file: File,
}

impl ServeLock {
    /// Takes the lock beside the SQLite database `database`, or fails naming the process
    /// that holds it (its pid, when it wrote it) and what to do instead.
    pub(crate) fn acquire(database: &Path) -> anyhow::Result<ServeLock> {
        let path = lock_path(database);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create the directory {}", dir.display()))?;
        }
        // Not truncated on open: the holder's pid stays readable for a refused process.
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .with_context(|| format!("cannot open the lock file {}", path.display()))?;
        match file.try_lock() {
            Ok(()) => {
                write_pid(&mut file).with_context(|| {
                    format!("cannot write this process's id to {}", path.display())
                })?;
                Ok(ServeLock { _file: file })
            }
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                let pid = match file.read_to_string(&mut holder) {
                    Ok(_) => holder.trim().parse::<u32>().ok(),
                    Err(_) => None,
                };
                let who = match pid {
                    Some(pid) => format!("another Tidings process (pid {pid})"),
                    None => "another Tidings process".to_string(),
                };
                bail!(
                    "{who} already serves the SQLite database {} (it holds the lock {}). One \
                     SQLite database has one `tidings serve`, which runs the scheduler, the \
                     fetchers and the story assigner; stop that process first. Several \
                     processes need PostgreSQL: `tidings migrate --to postgres://…`, then any \
                     number of `tidings serve --no-workers` and `tidings worker` on it (README, \
                     \"The command line\"). Commands such as `tidings sources`, `users`, \
                     `search` and `backup` work beside the running server.",
                    database.display(),
                    path.display()
                )
            }
            Err(TryLockError::Error(err)) => {
                Err(err).with_context(|| format!("cannot lock {}", path.display()))
            }
        }
    }
}

/// The lock file of the SQLite database `database`: `<database>.lock`, beside it (not the
/// database file itself, whose own locks SQLite manages).
fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// Replaces the lock file's contents with this process's id.
fn write_pid(file: &mut File) -> std::io::Result<()> {
    file.set_len(0)?;
    file.seek(SeekFrom::Start(0))?;
    writeln!(file, "{}", std::process::id())?;
    file.flush()
}

#[cfg(test)]
mod tests {
    use super::{ServeLock, lock_path};
    use std::path::Path;

    #[test]
    fn the_lock_file_sits_beside_the_database() {
        assert_eq!(
            lock_path(Path::new("data/tidings.db")),
            Path::new("data/tidings.db.lock")
        );
    }

    /// A second holder is refused, named by pid, until the first lets go. (flock locks
    /// belong to the open file, so two opens in one process conflict as two processes do.)
    #[test]
    fn a_second_holder_is_refused_until_the_first_lets_go() {
        let dir = tempfile::tempdir().expect("tempdir");
        let database = dir.path().join("data").join("tidings.db");
        let first = ServeLock::acquire(&database).expect("the first takes it");
        let refused = ServeLock::acquire(&database).expect_err("a second is refused");
        let message = format!("{refused:#}");
        let pid = format!("another Tidings process (pid {})", std::process::id());
        assert!(message.contains(&pid), "{message}");
        assert!(message.contains("PostgreSQL"), "{message}");
        drop(first);
        let again = ServeLock::acquire(&database).expect("free once the first let go");
        drop(again);
        assert!(!database.exists(), "the database file itself is left alone");
    }
}
