//! Moving an installation from SQLite to PostgreSQL: every table copied row by row with its
//! ids, the identity sequences moved past the highest id, and a checksum per table over a
//! canonical text rendering of each row, computed the same way on both databases, to show
//! the copy is lossless.
//!
//! The tables and their columns are read from the source database itself (so a table added
//! by a later migration is copied too), and copied in an order where every table comes after
//! the tables its foreign keys name. The whole copy is one transaction on the target.

use crate::{Backend, Store, StoreError};
use futures_util::TryStreamExt;
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};
use std::collections::{BTreeMap, BTreeSet};

/// How a column's values are read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Real,
    Text,
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Column {
    name: String,
    kind: Kind,
}

/// A table's row count and checksum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSum {
    /// The table.
    pub table: String,
    /// Its rows.
    pub rows: u64,
    /// The wrapping sum of the FNV-1a hashes of its rows' canonical renderings: independent
    /// of row order (the two databases sort text differently), sensitive to every value.
    pub checksum: u64,
}

/// Tables the migrations themselves fill (a one-row counter): an empty installation already
/// has their rows, which the copy replaces.
const SEEDED: &[&str] = &["site_revision"];

/// Copies every table of `from` (SQLite) into `to` (PostgreSQL, schema up to date and empty).
/// Returns the tables in the order they were copied, with their row counts.
pub async fn copy_all(from: &Store, to: &Store) -> Result<Vec<(String, u64)>, StoreError> {
    if from.backend() != Backend::Sqlite || to.backend() != Backend::Postgres {
        return Err(StoreError::Unsupported(
            "copying goes from an SQLite database to a PostgreSQL one".into(),
        ));
    }
    let tables = ordered_tables(from.pool()).await?;
    for table in &tables {
        let n: i64 = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n FROM {}",
            ident(table)
        )))
        .fetch_one(to.pool())
        .await
        .map_err(|err| StoreError::Unsupported(format!("the target has no table {table}: {err}")))?
        .try_get("n")?;
        if n > 0 && !SEEDED.contains(&table.as_str()) {
            return Err(StoreError::Unsupported(format!(
                "the target database is not empty: {table} has {n} rows"
            )));
        }
    }
    let mut tx = to.pool().begin().await?;
    for table in tables.iter().filter(|t| SEEDED.contains(&t.as_str())) {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {}", ident(table))))
            .execute(&mut *tx)
            .await?;
    }
    let mut copied = Vec::new();
    for table in &tables {
        let columns = sqlite_columns(from.pool(), table).await?;
        let per_statement = (1000 / columns.len().max(1)).max(1);
        let list = columns
            .iter()
            .map(|c| ident(&c.name))
            .collect::<Vec<_>>()
            .join(", ");
        let select = format!("SELECT {list} FROM {}", ident(table));
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(select)).fetch(from.pool());
        let mut batch: Vec<AnyRow> = Vec::with_capacity(per_statement);
        let mut n = 0u64;
        let mut done = false;
        while !done {
            match rows.try_next().await? {
                Some(row) => batch.push(row),
                None => done = true,
            }
            if batch.len() >= per_statement || (done && !batch.is_empty()) {
                insert(&mut tx, table, &columns, &list, &batch).await?;
                n += batch.len() as u64;
                batch.clear();
            }
        }
        copied.push((table.clone(), n));
    }
    // Identity columns go on from the highest id copied.
    for table in &tables {
        let columns = sqlite_columns(from.pool(), table).await?;
        if columns
            .iter()
            .any(|c| c.name == "id" && c.kind == Kind::Int)
        {
            let sql = format!(
                "SELECT setval(seq, COALESCE((SELECT MAX(id) FROM {t}), 0) + 1, false) \
                 FROM (SELECT pg_get_serial_sequence($1, 'id') AS seq) s WHERE seq IS NOT NULL",
                t = ident(table)
            );
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(table)
                .fetch_optional(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(copied)
}

/// Inserts a batch of rows in one statement.
async fn insert(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    table: &str,
    columns: &[Column],
    list: &str,
    rows: &[AnyRow],
) -> Result<(), StoreError> {
    let width = columns.len();
    let values = (0..rows.len())
        .map(|r| {
            let params = (1..=width)
                .map(|c| format!("${}", r * width + c))
                .collect::<Vec<_>>()
                .join(", ");
            format!("({params})")
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!("INSERT INTO {} ({list}) VALUES {values}", ident(table));
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for row in rows {
        for (i, column) in columns.iter().enumerate() {
            query = match column.kind {
                Kind::Int => query.bind(row.try_get::<Option<i64>, _>(i)?),
                Kind::Real => query.bind(row.try_get::<Option<f64>, _>(i)?),
                Kind::Text => query.bind(row.try_get::<Option<String>, _>(i)?),
            };
        }
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

/// The row count and checksum of every table the SQLite database `reference` has, computed
/// on `store` (either backend): run it on both sides of a copy and compare.
pub async fn checksums(reference: &Store, store: &Store) -> Result<Vec<TableSum>, StoreError> {
    let mut sums = Vec::new();
    for table in ordered_tables(reference.pool()).await? {
        let columns = match store.backend() {
            Backend::Sqlite => sqlite_columns(store.pool(), &table).await?,
            Backend::Postgres => postgres_columns(store.pool(), &table).await?,
        };
        let list = columns
            .iter()
            .map(|c| ident(&c.name))
            .collect::<Vec<_>>()
            .join(", ");
        let select = format!("SELECT {list} FROM {}", ident(&table));
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(select)).fetch(store.pool());
        let mut sum = TableSum {
            table: table.clone(),
            rows: 0,
            checksum: 0,
        };
        while let Some(row) = rows.try_next().await? {
            sum.rows += 1;
            sum.checksum = sum
                .checksum
                .wrapping_add(fnv1a(render(&row, &columns)?.as_bytes()));
        }
        sums.push(sum);
    }
    Ok(sums)
}

/// A row as text: values in column order, tab-separated; NULL is `\N`, integers in decimal,
/// reals in Rust's shortest round-trip form, text with `\`, tab and newline escaped.
fn render(row: &AnyRow, columns: &[Column]) -> Result<String, sqlx::Error> {
    let mut out = String::new();
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            out.push('\t');
        }
        let value = match column.kind {
            Kind::Int => row.try_get::<Option<i64>, _>(i)?.map(|v| v.to_string()),
            Kind::Real => row.try_get::<Option<f64>, _>(i)?.map(|v| format!("{v:?}")),
            Kind::Text => row.try_get::<Option<String>, _>(i)?.map(|v| {
                v.replace('\\', "\\\\")
                    .replace('\t', "\\t")
                    .replace('\n', "\\n")
            }),
        };
        out.push_str(value.as_deref().unwrap_or("\\N"));
    }
    Ok(out)
}

/// FNV-1a, 64 bits: fixed, so checksums can be compared across runs and machines.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The SQLite database's own tables, each after the tables its foreign keys name.
async fn ordered_tables(pool: &AnyPool) -> Result<Vec<String>, StoreError> {
    let rows = sqlx::query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name NOT LIKE '_sqlx_%' ORDER BY name",
    )
    .fetch_all(pool)
    .await?;
    let names: Vec<String> = rows
        .iter()
        .map(|r| r.try_get("name"))
        .collect::<Result<_, _>>()?;
    let mut needs: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for name in &names {
        let refs = sqlx::query("SELECT \"table\" AS target FROM pragma_foreign_key_list($1)")
            .bind(name)
            .fetch_all(pool)
            .await?;
        let mut set = BTreeSet::new();
        for r in refs {
            let target: String = r.try_get("target")?;
            if &target != name && names.contains(&target) {
                set.insert(target);
            }
        }
        needs.insert(name.clone(), set);
    }
    let mut ordered = Vec::new();
    while !needs.is_empty() {
        let ready: Vec<String> = needs
            .iter()
            .filter(|(_, deps)| deps.iter().all(|d| ordered.contains(d)))
            .map(|(name, _)| name.clone())
            .collect();
        if ready.is_empty() {
            return Err(StoreError::Unsupported(
                "the tables' foreign keys form a cycle".into(),
            ));
        }
        for name in ready {
            needs.remove(&name);
            ordered.push(name);
        }
    }
    Ok(ordered)
}

async fn sqlite_columns(pool: &AnyPool, table: &str) -> Result<Vec<Column>, StoreError> {
    let rows = sqlx::query("SELECT name, type FROM pragma_table_info($1) ORDER BY cid")
        .bind(table)
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|row| {
            let name: String = row.try_get("name")?;
            let declared: String = row.try_get("type")?;
            let upper = declared.to_ascii_uppercase();
            // SQLite's affinity rules, in their order.
            let kind = if upper.contains("INT") {
                Kind::Int
            } else if upper.contains("REAL") || upper.contains("FLOA") || upper.contains("DOUB") {
                Kind::Real
            } else {
                Kind::Text
            };
            Ok(Column { name, kind })
        })
        .collect()
}

async fn postgres_columns(pool: &AnyPool, table: &str) -> Result<Vec<Column>, StoreError> {
    let rows = sqlx::query(
        "SELECT CAST(column_name AS TEXT) AS name, CAST(data_type AS TEXT) AS type \
         FROM information_schema.columns WHERE table_schema = current_schema() \
         AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let name: String = row.try_get("name")?;
            let declared: String = row.try_get("type")?;
            let kind = match declared.as_str() {
                "bigint" | "integer" | "smallint" => Kind::Int,
                "double precision" | "real" => Kind::Real,
                "text" | "character varying" => Kind::Text,
                other => {
                    return Err(StoreError::Unsupported(format!(
                        "column {table}.{name} has type {other}, which the checksum cannot read"
                    )));
                }
            };
            Ok(Column { name, kind })
        })
        .collect()
}

/// A quoted identifier.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::fnv1a;

    #[test]
    fn fnv1a_matches_its_reference_values() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
