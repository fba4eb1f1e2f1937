//! How a failed command's error is printed: its chain of causes joined by `: `, each said
//! once. Database errors often repeat their cause in their own message (sqlx's "error
//! returned from database: unable to open database file" over an error whose text is
//! "unable to open database file"), which `{:#}` would print two or three times over.

/// The error and its causes, joined by `: `, leaving out a cause whose text the message so
/// far already ends with or contains.
pub fn describe(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        let text = text.trim();
        if text.is_empty() || out.contains(text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn each_cause_is_said_once() {
        let inner = std::io::Error::other("unable to open database file");
        let err = Err::<(), _>(inner)
            .context("error returned from database: unable to open database file")
            .context("cannot write the backup to /nodir/x.db")
            .expect_err("an error");
        assert_eq!(
            describe(&err),
            "cannot write the backup to /nodir/x.db: error returned from database: unable to \
             open database file"
        );
        let plain = anyhow::anyhow!("disk full").context("cannot save");
        assert_eq!(describe(&plain), "cannot save: disk full");
    }
}
