//! Online backups of the embedded SQLite database: `VACUUM INTO` writes a consistent,
//! compacted copy of the database as of one moment, while the server goes on reading and
//! writing (WAL mode). PostgreSQL is backed up with its own tools (`pg_dump`), which see a
//! consistent snapshot the same way.

use crate::{Backend, Store, StoreError};
use std::path::Path;

/// What to tell a PostgreSQL operator who asks for a backup.
pub const POSTGRES_BACKUP_HINT: &str = "`tidings backup` copies the embedded SQLite database; \
     back up PostgreSQL with its own tools, e.g. `pg_dump --format=custom --file=tidings.dump \
     DATABASE_URL` (restore with `pg_restore --dbname=…`), or continuous archiving for \
     point-in-time recovery; see docs/deployment.md";

/// Writes a consistent copy of the SQLite database to `path`, which must not exist yet.
pub async fn backup_to(store: &Store, path: &Path) -> Result<(), StoreError> {
    if store.backend() != Backend::Sqlite {
        return Err(StoreError::Unsupported(POSTGRES_BACKUP_HINT.into()));
    }
    if path.exists() {
        return Err(StoreError::AlreadyExists(format!(
            "the backup file {}",
            path.display()
        )));
    }
    let target = path.to_str().ok_or_else(|| {
        StoreError::Unsupported(format!("the path {} is not valid UTF-8", path.display()))
    })?;
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(store.pool())
        .await?;
    Ok(())
}
