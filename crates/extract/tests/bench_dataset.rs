//! The shared extraction benchmark, when it is present beside the repository
//! (`../shared/bench/extraction`): runs the benchmark entry point and scores its output with
//! the benchmark's metric (word 4-gram precision and recall, per page, then averaged), as a
//! guard against quality regressions. Skipped when the dataset is absent.

#![cfg(feature = "bench")]

use std::collections::HashMap;
use std::path::PathBuf;

fn dataset() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/extraction");
    dir.join("ground-truth.jsonl").is_file().then_some(dir)
}

fn shingles(text: &str) -> HashMap<Vec<&str>, f64> {
    let tokens: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .collect();
    let mut out = HashMap::new();
    if tokens.is_empty() {
        return out;
    }
    let n = 4.min(tokens.len());
    for w in tokens.windows(n) {
        *out.entry(w.to_vec()).or_insert(0.0) += 1.0;
    }
    out
}

/// (precision, recall) of one page, `None` precision for an empty prediction.
fn score(truth: &str, pred: &str) -> (Option<f64>, f64) {
    let (t, p) = (shingles(truth), shingles(pred));
    let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
    for (k, &tc) in &t {
        let pc = p.get(k).copied().unwrap_or(0.0);
        tp += f64::min(tc, pc);
        fn_ += f64::max(0.0, tc - pc);
    }
    for (k, &pc) in &p {
        fp += f64::max(0.0, pc - t.get(k).copied().unwrap_or(0.0));
    }
    let precision = (tp + fp > 0.0).then(|| {
        if fp == 0.0 && fn_ == 0.0 {
            1.0
        } else {
            tp / (tp + fp)
        }
    });
    let recall = if fp == 0.0 && fn_ == 0.0 {
        1.0
    } else if tp + fn_ > 0.0 {
        tp / (tp + fn_)
    } else {
        0.0
    };
    (precision, recall)
}

#[test]
fn shared_benchmark_quality() {
    let Some(dir) = dataset() else {
        eprintln!("shared/bench/extraction not found: skipped");
        return;
    };
    let out = std::env::temp_dir().join(format!(
        "tidings-extract-bench-{}.jsonl",
        std::process::id()
    ));
    let report = tidings_extract::bench::run(&dir, &out).expect("bench run");
    assert_eq!(report.pages, 181);
    assert_eq!(report.empty, 0, "pages with an empty body");
    assert_eq!(report.errors, 0);

    let predictions: HashMap<String, String> = std::fs::read_to_string(&out)
        .expect("predictions")
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("prediction line");
            (
                v["id"].as_str().unwrap_or_default().to_string(),
                v["body"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let _ = std::fs::remove_file(&out);
    let truth = std::fs::read_to_string(dir.join("ground-truth.jsonl")).expect("ground truth");
    let (mut precisions, mut recalls) = (Vec::new(), Vec::new());
    for line in truth.lines() {
        let v: serde_json::Value = serde_json::from_str(line).expect("ground-truth line");
        let id = v["id"].as_str().unwrap_or_default();
        let pred = predictions.get(id).map(String::as_str).unwrap_or("");
        let (p, r) = score(v["body"].as_str().unwrap_or_default(), pred);
        precisions.extend(p);
        recalls.push(r);
    }
    let p = precisions.iter().sum::<f64>() / precisions.len() as f64;
    let r = recalls.iter().sum::<f64>() / recalls.len() as f64;
    let f1 = 2.0 * p * r / (p + r);
    eprintln!("precision {p:.4} recall {r:.4} f1 {f1:.4}  {report}");
    assert!(f1 >= 0.965, "F1 {f1:.4} (precision {p:.4}, recall {r:.4})");
}
