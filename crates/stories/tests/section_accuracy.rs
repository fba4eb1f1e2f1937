//! How well `section::classify` files real articles: the English pages of the extraction
//! benchmark (`../shared/bench/extraction`), each hand-labelled with the section a news editor
//! would give it (`fixtures/section_labels.tsv`, whose head is the labelling guide).
//!
//! Each page goes through what the product runs on an article without feed categories: the
//! headline and text `tidings-extract` takes from its HTML, then `classify`. The report splits
//! the pages by the first hex digit of their id (even: the half the lexicons were tuned on; odd:
//! held out) and prints accuracy, per-section precision and recall, and the two kinds of
//! error: no section where one was due, and a wrong section (the worse one).
//!
//! Run it with the report: `cargo test -p tidings-stories --test section_accuracy -- --nocapture`.
//! It passes with a printed note when the benchmark is absent.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use tidings_stories::section::{Section, SectionInput, classify};

/// The least share of pages filed as labelled, over the whole set.
const MIN_ACCURACY: f64 = 0.80;
/// The most pages given a section other than their label (a `none` page included).
const MAX_WRONG_SECTION: usize = 10;

/// One labelled page, extracted.
struct Page {
    id: String,
    label: Option<Section>,
    title: String,
    got: Option<Section>,
}

/// One line of `ground-truth.jsonl` (the body is not needed).
#[derive(Deserialize)]
struct Truth {
    id: String,
    url: String,
    html: String,
}

#[test]
fn section_accuracy_on_the_extraction_benchmark() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/bench/extraction");
    if !dir.join("ground-truth.jsonl").is_file() {
        eprintln!("shared/bench/extraction not found: section accuracy skipped");
        return;
    }
    let labels = read_labels();
    let pages = read_pages(&dir, &labels);
    assert_eq!(
        pages.len(),
        labels.len(),
        "every labelled page is in the set"
    );

    let even: Vec<&Page> = pages.iter().filter(|p| first_digit_even(&p.id)).collect();
    let odd: Vec<&Page> = pages.iter().filter(|p| !first_digit_even(&p.id)).collect();
    let all: Vec<&Page> = pages.iter().collect();
    let whole = Tally::of(&all);
    println!("section accuracy on {} English pages\n", pages.len());
    println!("{}", Tally::of(&even).report("even half (tuned on)"));
    println!("{}", Tally::of(&odd).report("odd half (held out)"));
    println!("{}", whole.report("all pages"));
    println!("misfiled (id, label, got, headline):");
    for p in pages.iter().filter(|p| p.got != p.label) {
        println!(
            "  {} {:<10} {:<10} {}",
            &p.id[..8],
            slug(p.label),
            slug(p.got),
            p.title
        );
    }

    assert!(
        whole.accuracy() >= MIN_ACCURACY,
        "accuracy {:.3} fell under {MIN_ACCURACY}",
        whole.accuracy()
    );
    assert!(
        whole.wrong_section() <= MAX_WRONG_SECTION,
        "{} pages filed under a wrong section, more than {MAX_WRONG_SECTION}",
        whole.wrong_section()
    );
}

/// The labels file: id → section (`None` for `none`).
fn read_labels() -> HashMap<String, Option<Section>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/section_labels.tsv");
    let text = std::fs::read_to_string(&path).expect("labels file");
    let mut labels = HashMap::new();
    for line in text.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let mut fields = line.split('\t');
        let (Some(id), Some(label)) = (fields.next(), fields.next()) else {
            panic!("bad labels line: {line}");
        };
        let section = match label {
            "none" => None,
            slug => Some(Section::from_slug(slug).unwrap_or_else(|| panic!("bad label {slug}"))),
        };
        assert!(
            labels.insert(id.to_string(), section).is_none(),
            "{id} twice"
        );
    }
    labels
}

/// The labelled pages of the benchmark, extracted and classified.
fn read_pages(dir: &Path, labels: &HashMap<String, Option<Section>>) -> Vec<Page> {
    let truth = std::fs::File::open(dir.join("ground-truth.jsonl")).expect("ground truth");
    let options = tidings_extract::Options {
        html: false,
        ..tidings_extract::Options::default()
    };
    let mut pages = Vec::new();
    for line in BufReader::new(truth).lines() {
        let truth: Truth = serde_json::from_str(&line.expect("line")).expect("ground-truth line");
        let Some(&label) = labels.get(&truth.id) else {
            continue;
        };
        let mut html = Vec::new();
        let file = std::fs::File::open(dir.join(&truth.html)).expect("page file");
        flate2::read::GzDecoder::new(file)
            .read_to_end(&mut html)
            .expect("gzip page");
        let page = tidings_extract::extract_with(&html, Some(&truth.url), None, &options)
            .expect("benchmark pages are HTML");
        let title = page.title.unwrap_or_default();
        // As the product reads a fetched page: its description is the standfirst.
        let got = classify(&SectionInput {
            title: &title,
            standfirst: page.description.as_deref(),
            text: &page.text,
            ..SectionInput::default()
        });
        pages.push(Page {
            id: truth.id,
            label,
            title,
            got,
        });
    }
    pages
}

/// The split: ids whose first hex digit is even are the tuning half.
fn first_digit_even(id: &str) -> bool {
    id.chars()
        .next()
        .and_then(|c| c.to_digit(16))
        .is_some_and(|d| d % 2 == 0)
}

fn slug(section: Option<Section>) -> &'static str {
    section.map_or("none", Section::slug)
}

/// Counts over a set of pages.
struct Tally {
    pages: usize,
    correct: usize,
    /// Labelled with a section, filed under none.
    missed: usize,
    /// Labelled none, filed under a section.
    intruded: usize,
    /// Labelled with a section, filed under another.
    swapped: usize,
    /// Per section: (filed here and right, filed here, labelled here).
    per_section: [(usize, usize, usize); Section::ALL.len()],
}

impl Tally {
    fn of(pages: &[&Page]) -> Tally {
        let mut t = Tally {
            pages: pages.len(),
            correct: 0,
            missed: 0,
            intruded: 0,
            swapped: 0,
            per_section: [(0, 0, 0); Section::ALL.len()],
        };
        for p in pages {
            if let Some(got) = p.got {
                t.per_section[got as usize].1 += 1;
            }
            if let Some(label) = p.label {
                t.per_section[label as usize].2 += 1;
            }
            match (p.label, p.got) {
                (l, g) if l == g => {
                    t.correct += 1;
                    if let Some(g) = g {
                        t.per_section[g as usize].0 += 1;
                    }
                }
                (Some(_), None) => t.missed += 1,
                (None, Some(_)) => t.intruded += 1,
                _ => t.swapped += 1,
            }
        }
        t
    }

    fn accuracy(&self) -> f64 {
        self.correct as f64 / self.pages.max(1) as f64
    }

    /// Pages filed under a section they do not belong to.
    fn wrong_section(&self) -> usize {
        self.intruded + self.swapped
    }

    fn report(&self, name: &str) -> String {
        let mut out = format!(
            "{name}: {} pages, accuracy {:.3} ({}/{}); none where a section was due {}; \
             wrong section {} ({} instead of another section, {} on a `none` page)\n",
            self.pages,
            self.accuracy(),
            self.correct,
            self.pages,
            self.missed,
            self.wrong_section(),
            self.swapped,
            self.intruded,
        );
        for (section, &(right, filed, labelled)) in Section::ALL.iter().zip(&self.per_section) {
            out.push_str(&format!(
                "  {:<10} precision {:>5} ({right}/{filed})  recall {:>5} ({right}/{labelled})\n",
                section.slug(),
                ratio(right, filed),
                ratio(right, labelled),
            ));
        }
        out
    }
}

fn ratio(a: usize, b: usize) -> String {
    if b == 0 {
        "-".to_string()
    } else {
        format!("{:.2}", a as f64 / b as f64)
    }
}
