//! Collapsing ranked article hits into story hits: the first article of a story places it,
//! later ones are listed under it. Generic over the hit type, so a backend can group cheap
//! handles first and load only the page it shows.

use std::collections::HashMap;

/// The most other articles listed under one story hit.
pub const MAX_OTHERS: usize = 3;

/// Groups `hits` (in rank order) by the story `story_of` gives and returns the groups
/// `offset..offset + limit`, each as (placing hit, other hits). Hits without a story stand
/// alone; without `group`, every hit stands alone.
pub fn group_hits<T>(
    hits: Vec<T>,
    story_of: impl Fn(&T) -> Option<i64>,
    group: bool,
    offset: usize,
    limit: usize,
) -> Vec<(T, Vec<T>)> {
    let mut groups: Vec<(T, Vec<T>)> = Vec::new();
    let mut index_of: HashMap<i64, usize> = HashMap::new();
    for hit in hits {
        let key = if group { story_of(&hit) } else { None };
        if let Some(key) = key {
            if let Some(&i) = index_of.get(&key) {
                if groups[i].1.len() < MAX_OTHERS {
                    groups[i].1.push(hit);
                }
                continue;
            }
            index_of.insert(key, groups.len());
        }
        groups.push((hit, Vec::new()));
    }
    groups.into_iter().skip(offset).take(limit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stories_collapse_in_rank_order() {
        let hits = vec![
            (1, Some(10)),
            (2, None),
            (3, Some(10)),
            (4, Some(20)),
            (5, None),
        ];
        let story = |h: &(i64, Option<i64>)| h.1;
        let grouped = group_hits(hits.clone(), story, true, 0, 10);
        let ids: Vec<_> = grouped.iter().map(|g| g.0.0).collect();
        assert_eq!(ids, vec![1, 2, 4, 5]);
        assert_eq!(grouped[0].1, vec![(3, Some(10))]);
        let page: Vec<_> = group_hits(hits.clone(), story, true, 1, 2)
            .iter()
            .map(|g| g.0.0)
            .collect();
        assert_eq!(page, vec![2, 4]);
        assert_eq!(group_hits(hits, story, false, 0, 10).len(), 5);
    }
}
