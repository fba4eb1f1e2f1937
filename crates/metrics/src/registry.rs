//! The registry: counters and histograms by name and label set.

use crate::Exposition;
use crate::exposition::number;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Mutex;

/// Upper bounds, in seconds, of the request latency histogram's buckets.
pub const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Counters and histograms, each family under its name, each series under its labels.
/// Recording takes a short lock and allocates only for a label set not seen before (every
/// HTTP request records twice, so the common case must not allocate); families are rendered
/// in name order, series in label order.
#[derive(Debug, Default)]
pub struct Registry {
    families: Mutex<BTreeMap<&'static str, Family>>,
}

#[derive(Debug)]
struct Family {
    help: &'static str,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Counter(Series<u64>),
    Histogram {
        bounds: &'static [f64],
        series: Series<Histogram>,
    },
}

type Labels = Vec<(&'static str, String)>;

/// Series by their [`series_key`], each with its labels as given.
type Series<T> = BTreeMap<String, (Labels, T)>;

thread_local! {
    /// The buffer each thread builds lookup keys in.
    static KEY: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Calls `f` with the key of a label set: names and values joined by NUL, so that keys sort
/// as the label pairs do ("a\0b" sorts before "ab"). A NUL inside a value (never seen in
/// practice; Prometheus values are text) is written as U+0001, so two sets that differ only
/// there would share a series.
fn series_key<R>(pairs: &[(&'static str, &str)], f: impl FnOnce(&str) -> R) -> R {
    KEY.with(|cell| match cell.try_borrow_mut() {
        Ok(mut key) => {
            key.clear();
            write_key(&mut key, pairs);
            f(&key)
        }
        // Only if `f` itself recorded a metric on this thread: build a key of its own.
        Err(_) => {
            let mut key = String::new();
            write_key(&mut key, pairs);
            f(&key)
        }
    })
}

fn write_key(key: &mut String, pairs: &[(&'static str, &str)]) {
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            key.push('\0');
        }
        key.push_str(name);
        key.push('\0');
        key.extend(value.chars().map(|c| if c == '\0' { '\u{1}' } else { c }));
    }
}

#[derive(Debug, Clone)]
struct Histogram {
    /// Observations at or below each bound (not cumulative; summed when rendered).
    buckets: Vec<u64>,
    count: u64,
    sum: f64,
}

fn labels(pairs: &[(&'static str, &str)]) -> Labels {
    pairs.iter().map(|(k, v)| (*k, (*v).to_string())).collect()
}

impl Registry {
    /// Adds `n` to the counter `name` with `labels` (created at zero). A name first used as
    /// another kind of metric is left alone.
    pub fn add(
        &self,
        name: &'static str,
        help: &'static str,
        labels_: &[(&'static str, &str)],
        n: u64,
    ) {
        series_key(labels_, |key| {
            let mut families = self.lock();
            let family = families.entry(name).or_insert_with(|| Family {
                help,
                kind: Kind::Counter(BTreeMap::new()),
            });
            if let Kind::Counter(series) = &mut family.kind {
                match series.get_mut(key) {
                    Some((_, value)) => *value += n,
                    None => {
                        series.insert(key.to_string(), (labels(labels_), n));
                    }
                }
            }
        });
    }

    /// Records one observation of `value` in the histogram `name` with `labels`, whose
    /// buckets have the upper `bounds` (ascending; `+Inf` is implied).
    pub fn observe(
        &self,
        name: &'static str,
        help: &'static str,
        labels_: &[(&'static str, &str)],
        bounds: &'static [f64],
        value: f64,
    ) {
        series_key(labels_, |key| {
            let mut families = self.lock();
            let family = families.entry(name).or_insert_with(|| Family {
                help,
                kind: Kind::Histogram {
                    bounds,
                    series: BTreeMap::new(),
                },
            });
            if let Kind::Histogram { bounds, series } = &mut family.kind {
                if !series.contains_key(key) {
                    let empty = Histogram {
                        buckets: vec![0; bounds.len()],
                        count: 0,
                        sum: 0.0,
                    };
                    series.insert(key.to_string(), (labels(labels_), empty));
                }
                if let Some((_, histogram)) = series.get_mut(key) {
                    if let Some(i) = bounds.iter().position(|bound| value <= *bound) {
                        histogram.buckets[i] += 1;
                    }
                    histogram.count += 1;
                    histogram.sum += value;
                }
            }
        });
    }

    /// The value of a counter, if it was ever added to (for tests and logs).
    pub fn counter(&self, name: &str, labels_: &[(&'static str, &str)]) -> Option<u64> {
        series_key(labels_, |key| match &self.lock().get(name)?.kind {
            Kind::Counter(series) => series.get(key).map(|(_, value)| *value),
            Kind::Histogram { .. } => None,
        })
    }

    /// Every series of the counter `name`, each as its labels and value, in label order: what
    /// a page that breaks a counter down (jobs finished, by kind and outcome) reads. Empty
    /// when the counter was never added to or `name` is a histogram.
    pub fn counter_series(&self, name: &str) -> Vec<(Vec<(&'static str, String)>, u64)> {
        match self.lock().get(name).map(|family| &family.kind) {
            Some(Kind::Counter(series)) => series.values().cloned().collect(),
            _ => Vec::new(),
        }
    }

    /// Writes every family into `out`.
    pub fn render_into(&self, out: &mut Exposition) {
        let families = self.lock();
        for (name, family) in families.iter() {
            match &family.kind {
                Kind::Counter(series) => {
                    out.header(name, family.help, "counter");
                    for (labels, value) in series.values() {
                        out.sample(name, &borrow(labels), *value as f64);
                    }
                }
                Kind::Histogram { bounds, series } => {
                    out.header(name, family.help, "histogram");
                    let bucket = format!("{name}_bucket");
                    for (labels, histogram) in series.values() {
                        let pairs = borrow(labels);
                        let mut cumulative = 0;
                        let les = bounds.iter().map(|b| number(*b));
                        let counts = histogram.buckets.iter().map(|n| {
                            cumulative += n;
                            cumulative
                        });
                        let rows: Vec<(String, u64)> = les
                            .chain(std::iter::once("+Inf".to_string()))
                            .zip(counts.chain(std::iter::once(histogram.count)))
                            .collect();
                        for (le, n) in &rows {
                            let mut with_le = pairs.clone();
                            with_le.push(("le", le));
                            out.sample(&bucket, &with_le, *n as f64);
                        }
                        out.sample(&format!("{name}_sum"), &pairs, histogram.sum);
                        out.sample(&format!("{name}_count"), &pairs, histogram.count as f64);
                    }
                }
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<&'static str, Family>> {
        // A panic while holding the lock leaves the counts usable: recover them.
        self.families
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn borrow(labels: &Labels) -> Vec<(&str, &str)> {
    labels.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counters_add_up_per_label_set() {
        let registry = Registry::default();
        registry.add("tidings_fetches_total", "Fetches.", &[("outcome", "ok")], 2);
        registry.add("tidings_fetches_total", "Fetches.", &[("outcome", "ok")], 1);
        registry.add(
            "tidings_fetches_total",
            "Fetches.",
            &[("outcome", "error")],
            1,
        );
        assert_eq!(
            registry.counter("tidings_fetches_total", &[("outcome", "ok")]),
            Some(3)
        );
        let mut out = Exposition::default();
        registry.render_into(&mut out);
        assert_eq!(
            out.finish(),
            "# HELP tidings_fetches_total Fetches.\n# TYPE tidings_fetches_total counter\n\
             tidings_fetches_total{outcome=\"error\"} 1\ntidings_fetches_total{outcome=\"ok\"} 3\n"
        );
    }

    #[test]
    fn a_counters_series_are_listed_with_their_labels() {
        let registry = Registry::default();
        registry.add(
            "jobs",
            "Jobs.",
            &[("kind", "place"), ("outcome", "done")],
            2,
        );
        registry.add(
            "jobs",
            "Jobs.",
            &[("kind", "fetch"), ("outcome", "failed")],
            1,
        );
        registry.observe("took", "Time.", &[], LATENCY_BUCKETS, 0.1);
        assert_eq!(
            registry.counter_series("jobs"),
            vec![
                (
                    vec![
                        ("kind", "fetch".to_string()),
                        ("outcome", "failed".to_string())
                    ],
                    1
                ),
                (
                    vec![
                        ("kind", "place".to_string()),
                        ("outcome", "done".to_string())
                    ],
                    2
                ),
            ]
        );
        assert!(registry.counter_series("took").is_empty(), "a histogram");
        assert!(registry.counter_series("nothing").is_empty());
    }

    #[test]
    fn histograms_are_cumulative_with_sum_and_count() {
        let registry = Registry::default();
        const BOUNDS: &[f64] = &[0.1, 1.0];
        for value in [0.05, 0.5, 0.7, 3.0] {
            registry.observe("tidings_t_seconds", "T.", &[("route", "/")], BOUNDS, value);
        }
        let mut out = Exposition::default();
        registry.render_into(&mut out);
        let text = out.finish();
        assert!(text.contains("# TYPE tidings_t_seconds histogram\n"));
        assert!(text.contains("tidings_t_seconds_bucket{route=\"/\",le=\"0.1\"} 1\n"));
        assert!(text.contains("tidings_t_seconds_bucket{route=\"/\",le=\"1\"} 3\n"));
        assert!(text.contains("tidings_t_seconds_bucket{route=\"/\",le=\"+Inf\"} 4\n"));
        assert!(text.contains("tidings_t_seconds_sum{route=\"/\"} 4.25\n"));
        assert!(text.contains("tidings_t_seconds_count{route=\"/\"} 4\n"));
    }

    #[test]
    fn label_sets_that_share_a_prefix_stay_apart_and_in_order() {
        let registry = Registry::default();
        for route in ["/a/b", "/a", "/a", "/ab"] {
            registry.add("t_total", "T.", &[("route", route), ("method", "GET")], 1);
        }
        assert_eq!(
            registry.counter("t_total", &[("route", "/a"), ("method", "GET")]),
            Some(2)
        );
        assert_eq!(
            registry.counter("t_total", &[("route", "/a/b"), ("method", "GET")]),
            Some(1)
        );
        assert_eq!(registry.counter("t_total", &[("route", "/a")]), None);
        let mut out = Exposition::default();
        registry.render_into(&mut out);
        let text = out.finish();
        let at = |route: &str| {
            text.find(&format!("route=\"{route}\",method"))
                .expect(route)
        };
        assert!(at("/a") < at("/a/b") && at("/a/b") < at("/ab"), "{text}");
    }
}
