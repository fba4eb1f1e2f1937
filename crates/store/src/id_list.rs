//! Lists of integer ids written into a statement (`WHERE id IN (1,2,3)`): one statement for
//! many ids on both backends, where a bound parameter per id would need per-backend array
//! syntax. Only integers are ever written this way, so nothing from outside reaches the SQL.

/// Ids per statement when a list can be long (a page of cards, a batch of articles).
pub(crate) const CHUNK: usize = 500;

/// `ids` as the inside of an SQL `IN (…)`: `1,2,3`.
pub(crate) fn in_list(ids: impl IntoIterator<Item = i64>) -> String {
    let mut out = String::new();
    for id in ids {
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(&id.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_joined_by_commas() {
        assert_eq!(in_list([]), "");
        assert_eq!(in_list([7]), "7");
        assert_eq!(in_list([1, -2, 30]), "1,-2,30");
    }
}
