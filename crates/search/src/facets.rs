//! Facets: counts over every match of a query by outlet, day, month and language, for the
//! refinement links beside the results. [`FacetCounter`] is the backend-neutral tally;
//! [`FacetCollector`] fills it from tantivy's columns.

use crate::query::days_to_civil;
use rustc_hash::FxHashMap;
use std::collections::HashMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// The most outlets listed.
pub const MAX_SOURCES: usize = 30;
/// The most days listed (the newest).
pub const MAX_DAYS: usize = 62;

/// One value of a facet and how many matching articles have it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacetCount {
    /// The value: an outlet's name, `YYYY-MM-DD`, `YYYY-MM`, or a language code (empty for
    /// untagged articles).
    pub value: String,
    /// Matching articles with that value.
    pub count: u64,
}

/// Counts over every match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// Outlets, most matches first.
    pub sources: Vec<FacetCount>,
    /// Days, newest first.
    pub days: Vec<FacetCount>,
    /// Months, newest first.
    pub months: Vec<FacetCount>,
    /// Languages, most matches first.
    pub languages: Vec<FacetCount>,
}

/// A running tally of facet values, fed one match at a time (or by counts from SQL).
#[derive(Debug, Default, Clone)]
pub struct FacetCounter {
    sources: HashMap<String, u64>,
    days: HashMap<i64, u64>,
    languages: HashMap<String, u64>,
}

impl FacetCounter {
    /// Adds `n` matches from an outlet.
    pub fn add_source(&mut self, name: &str, n: u64) {
        *self.sources.entry(name.to_string()).or_default() += n;
    }

    /// Adds `n` matches dated on the day (days since the epoch).
    pub fn add_day(&mut self, day: i64, n: u64) {
        *self.days.entry(day).or_default() += n;
    }

    /// Adds `n` matches in a language.
    pub fn add_language(&mut self, code: &str, n: u64) {
        *self.languages.entry(code.to_string()).or_default() += n;
    }

    fn merge(&mut self, other: FacetCounter) {
        for (k, v) in other.sources {
            *self.sources.entry(k).or_default() += v;
        }
        for (k, v) in other.days {
            *self.days.entry(k).or_default() += v;
        }
        for (k, v) in other.languages {
            *self.languages.entry(k).or_default() += v;
        }
    }

    /// The facets, sorted and cut.
    pub fn finish(self) -> Facets {
        let mut months: HashMap<(i64, u32), u64> = HashMap::new();
        let mut days: Vec<(i64, u64)> = self.days.into_iter().collect();
        for &(day, n) in &days {
            let (y, m, _) = days_to_civil(day);
            *months.entry((y, m)).or_default() += n;
        }
        days.sort_by_key(|d| std::cmp::Reverse(d.0));
        let mut months: Vec<_> = months.into_iter().collect();
        months.sort_by_key(|m| std::cmp::Reverse(m.0));
        Facets {
            sources: by_count(self.sources, MAX_SOURCES),
            days: days
                .into_iter()
                .take(MAX_DAYS)
                .map(|(day, count)| {
                    let (y, m, d) = days_to_civil(day);
                    FacetCount {
                        value: format!("{y:04}-{m:02}-{d:02}"),
                        count,
                    }
                })
                .collect(),
            months: months
                .into_iter()
                .map(|((y, m), count)| FacetCount {
                    value: format!("{y:04}-{m:02}"),
                    count,
                })
                .collect(),
            languages: by_count(self.languages, usize::MAX),
        }
    }
}

fn by_count(map: HashMap<String, u64>, max: usize) -> Vec<FacetCount> {
    let mut list: Vec<FacetCount> = map
        .into_iter()
        .map(|(value, count)| FacetCount { value, count })
        .collect();
    list.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    list.truncate(max);
    list
}

/// A tantivy collector counting facets from the `source_name`, `lang` and `date` columns.
pub struct FacetCollector;

/// Per-segment part of [`FacetCollector`]: counts by term ordinal (one slot per outlet or
/// language of the segment, so counting a match costs no hashing), resolved at harvest.
pub struct FacetSegmentCollector {
    sources: Option<StrColumn>,
    languages: Option<StrColumn>,
    dates: Column<i64>,
    source_counts: Vec<u64>,
    language_counts: Vec<u64>,
    day_counts: FxHashMap<i64, u64>,
}

/// One zeroed count per term of a column.
fn counts_for(column: &Option<StrColumn>) -> Vec<u64> {
    vec![0; column.as_ref().map_or(0, |c| c.num_terms())]
}

/// Adds one to the counts of a document's terms in a column.
fn count_terms(column: &Option<StrColumn>, counts: &mut [u64], doc: DocId) {
    if let Some(col) = column {
        for ord in col.term_ords(doc) {
            if let Some(n) = counts.get_mut(ord as usize) {
                *n += 1;
            }
        }
    }
}

impl Collector for FacetCollector {
    type Fruit = FacetCounter;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _segment_local_id: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<FacetSegmentCollector> {
        let fast = segment.fast_fields();
        let sources = fast.str(crate::schema::SOURCE_NAME)?;
        let languages = fast.str(crate::schema::LANG)?;
        Ok(FacetSegmentCollector {
            source_counts: counts_for(&sources),
            language_counts: counts_for(&languages),
            sources,
            languages,
            dates: fast.i64(crate::schema::DATE)?,
            day_counts: FxHashMap::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<FacetCounter>) -> tantivy::Result<FacetCounter> {
        let mut all = FacetCounter::default();
        for fruit in fruits {
            all.merge(fruit);
        }
        Ok(all)
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = FacetCounter;

    fn collect(&mut self, doc: DocId, _score: Score) {
        count_terms(&self.sources, &mut self.source_counts, doc);
        count_terms(&self.languages, &mut self.language_counts, doc);
        if let Some(date) = self.dates.first(doc) {
            *self.day_counts.entry(date.div_euclid(86_400)).or_default() += 1;
        }
    }

    fn harvest(self) -> FacetCounter {
        let mut counter = FacetCounter::default();
        let mut text = String::new();
        for (col, counts, is_source) in [
            (&self.sources, self.source_counts, true),
            (&self.languages, self.language_counts, false),
        ] {
            let Some(col) = col else { continue };
            for (ord, n) in counts.into_iter().enumerate() {
                if n == 0 {
                    continue;
                }
                text.clear();
                if col.ord_to_str(ord as u64, &mut text).unwrap_or(false) {
                    if is_source {
                        counter.add_source(&text, n);
                    } else {
                        counter.add_language(&text, n);
                    }
                }
            }
        }
        for (day, n) in self.day_counts {
            counter.add_day(day, n);
        }
        counter
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facets_sort_and_bucket() {
        let mut c = FacetCounter::default();
        c.add_source("DW", 2);
        c.add_source("BBC", 5);
        c.add_day(20_270, 1); // 2025-07-01
        c.add_day(20_301, 2); // 2025-08-01
        c.add_day(20_271, 3);
        c.add_language("de", 1);
        let f = c.finish();
        assert_eq!(f.sources[0].value, "BBC");
        assert_eq!(f.days[0].value, "2025-08-01");
        assert_eq!(
            f.months,
            vec![
                FacetCount {
                    value: "2025-08".into(),
                    count: 2
                },
                FacetCount {
                    value: "2025-07".into(),
                    count: 4
                }
            ]
        );
    }
}
