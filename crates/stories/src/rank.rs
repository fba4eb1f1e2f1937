//! The front-page score of a story: how many distinct outlets cover it, how evenly, how fast
//! new reports arrive, all decayed by the age of its latest report. Every part is kept, so a
//! page can explain a story's place (`?explain=1`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One report of a story: an article (wire copies included, for each copy is a publisher).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// The outlet that published it.
    pub outlet: i64,
    /// When it was published (or first seen), Unix seconds.
    pub time: i64,
}

/// The weights of the score. The defaults are the product's.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RankParams {
    /// Hours after which the decay halves a story's score.
    pub half_life_hours: f64,
    /// Weight of the evenness of coverage across outlets (0–1, see [`Score::spread`]).
    pub spread_weight: f64,
    /// Weight of the velocity term.
    pub velocity_weight: f64,
    /// The recent span over which velocity is measured, in hours.
    pub velocity_hours: f64,
}

impl Default for RankParams {
    fn default() -> Self {
        Self {
            half_life_hours: 8.0,
            spread_weight: 0.5,
            velocity_weight: 0.75,
            velocity_hours: 3.0,
        }
    }
}

/// A story's score and its parts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// The final score: `(outlet_part + spread_part + velocity_part) × decay`.
    pub total: f64,
    /// Distinct outlets covering the story.
    pub outlets: usize,
    /// Reports counted.
    pub reports: usize,
    /// `log2(1 + outlets)`: one outlet gives 1, three give 2, seven give 3.
    pub outlet_part: f64,
    /// Evenness of the reports across outlets: the normalised entropy of reports per outlet,
    /// 1 when every outlet filed as many reports, near 0 when one outlet filed nearly all;
    /// 0 with a single outlet.
    pub spread: f64,
    /// `spread × spread_weight`.
    pub spread_part: f64,
    /// New reports per hour over the recent span.
    pub velocity: f64,
    /// `ln(1 + velocity) × velocity_weight`.
    pub velocity_part: f64,
    /// Hours since the latest report (0 for a report from the future).
    pub age_hours: f64,
    /// `0.5^(age_hours / half_life_hours)`.
    pub decay: f64,
}

/// Scores a story from its reports at time `now`. A story without reports scores 0.
pub fn score(reports: &[Report], now: i64, params: &RankParams) -> Score {
    let mut per_outlet: BTreeMap<i64, usize> = BTreeMap::new();
    for r in reports {
        *per_outlet.entry(r.outlet).or_default() += 1;
    }
    let outlets = per_outlet.len();
    let total_reports = reports.len();
    let spread = if outlets > 1 {
        let n = total_reports as f64;
        let entropy: f64 = per_outlet
            .values()
            .map(|&c| {
                let p = c as f64 / n;
                -p * p.ln()
            })
            .sum();
        entropy / (outlets as f64).ln()
    } else {
        0.0
    };
    let latest = reports.iter().map(|r| r.time).max();
    let age_hours = latest.map_or(f64::INFINITY, |t| (now - t).max(0) as f64 / 3600.0);
    let span_secs = (params.velocity_hours * 3600.0) as i64;
    let recent = reports
        .iter()
        .filter(|r| r.time > now - span_secs && r.time <= now)
        .count();
    let velocity = recent as f64 / params.velocity_hours.max(f64::EPSILON);
    let outlet_part = (1.0 + outlets as f64).log2();
    let spread_part = spread * params.spread_weight;
    let velocity_part = (1.0 + velocity).ln() * params.velocity_weight;
    let decay = if outlets == 0 {
        0.0
    } else {
        0.5f64.powf(age_hours / params.half_life_hours.max(f64::EPSILON))
    };
    Score {
        total: (outlet_part + spread_part + velocity_part) * decay,
        outlets,
        reports: total_reports,
        outlet_part,
        spread,
        spread_part,
        velocity,
        velocity_part,
        age_hours: if age_hours.is_finite() {
            age_hours
        } else {
            0.0
        },
        decay,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_000_000;
    const HOUR: i64 = 3600;

    fn reports(outlets: &[i64], age_hours: i64) -> Vec<Report> {
        outlets
            .iter()
            .map(|&outlet| Report {
                outlet,
                time: NOW - age_hours * HOUR,
            })
            .collect()
    }

    fn total(r: &[Report]) -> f64 {
        score(r, NOW, &RankParams::default()).total
    }

    #[test]
    fn more_outlets_rank_higher() {
        let mut previous = 0.0;
        for n in 1..10 {
            let outlets: Vec<i64> = (0..n).collect();
            let t = total(&reports(&outlets, 5));
            assert!(t > previous, "{n} outlets: {t} ≤ {previous}");
            previous = t;
        }
    }

    #[test]
    fn fresher_stories_rank_higher() {
        let mut previous = f64::INFINITY;
        for age in [4, 5, 8, 12, 24, 48, 96] {
            let t = total(&reports(&[1, 2, 3], age));
            assert!(t < previous, "age {age}: {t} ≥ {previous}");
            previous = t;
        }
        let s = score(&reports(&[1, 2], 8), NOW, &RankParams::default());
        assert!(
            (s.decay - 0.5).abs() < 1e-9,
            "one half-life halves the score"
        );
    }

    #[test]
    fn a_burst_of_recent_reports_ranks_higher_than_the_same_reports_spread_over_a_day() {
        let burst = reports(&[1, 2, 3, 4], 1);
        let mut slow = reports(&[1, 2, 3], 20);
        slow.push(Report {
            outlet: 4,
            time: NOW - HOUR,
        });
        let (b, s) = (
            score(&burst, NOW, &RankParams::default()),
            score(&slow, NOW, &RankParams::default()),
        );
        assert!(b.velocity > s.velocity);
        assert!(b.total > s.total);
    }

    #[test]
    fn even_coverage_beats_one_outlet_repeating_itself() {
        let even = reports(&[1, 1, 2, 2], 2);
        let lopsided = reports(&[1, 1, 1, 2], 2);
        let (e, l) = (
            score(&even, NOW, &RankParams::default()),
            score(&lopsided, NOW, &RankParams::default()),
        );
        assert!((e.spread - 1.0).abs() < 1e-9);
        assert!(l.spread < e.spread);
        assert!(e.total > l.total);
        assert_eq!(
            score(&reports(&[7, 7], 2), NOW, &RankParams::default()).spread,
            0.0
        );
    }

    #[test]
    fn parts_add_up_and_empty_stories_score_nothing() {
        let s = score(&reports(&[1, 2, 3], 3), NOW, &RankParams::default());
        let sum = (s.outlet_part + s.spread_part + s.velocity_part) * s.decay;
        assert!((s.total - sum).abs() < 1e-12);
        assert_eq!(score(&[], NOW, &RankParams::default()).total, 0.0);
    }
}
