//! The streaming story clusterer. Articles arrive one at a time and are
//! assigned, in arrival order, to an existing story or a new one, using
//! TF-IDF cosine against story centroids (title terms weighted up), the
//! overlap of name-like tokens (capitalised words and numbers, a cheap
//! proxy for named entities), a penalty for headline names the story has
//! never mentioned (another event of the same kind), distinctive passages
//! and pairs of names the article shares with only one or two stories
//! (quoted statements, agency paragraphs, a person with a place) and
//! publication time.
//! Stories age out of an active window, and the number of active stories is
//! capped, so memory is bounded by the window rather than by history.
//! Articles in different languages never share a story. The whole state is
//! serde-serialisable.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use tidings_text::hash::{U64Map, combine, hash_str};
use tidings_text::tfidf::heaviest;
use tidings_text::{Analyzer, DfTable, SparseVec, StemCache};

mod features;
use features::Features;

/// One article as the clusterer sees it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ArticleInput {
    /// Opaque article id.
    pub id: String,
    /// Headline, if any.
    pub title: Option<String>,
    /// Plain-text body.
    pub body: String,
    /// Publication time, Unix seconds.
    pub published: Option<i64>,
    /// Outlet name or host.
    pub source: Option<String>,
    /// ISO 639-1 language code; `None` is treated as its own language.
    pub language: Option<String>,
}

/// Identifier of a story; increasing in creation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct StoryId(pub u64);

/// Tuning of the clusterer. One set of defaults serves every benchmark set.
/// Fields missing from a serialised form take their defaults, so saved
/// state survives new parameters.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClusterParams {
    /// Minimum combined similarity to join a story.
    pub threshold: f32,
    /// Weight of the name/number similarity in the combined score (the
    /// text cosine gets `1 - entity_weight`).
    pub entity_weight: f32,
    /// Highest-weighted terms kept in an article's vector (drops page
    /// furniture and keeps the cost per article bounded).
    pub article_terms: usize,
    /// How many of an article's highest-weighted names/numbers are checked
    /// against a story ([`Decision::coverage`]).
    pub salient_entities: usize,
    /// Only the first `body_terms` analysed terms of the title and of the
    /// body are used, which bounds the cost of a very long page.
    pub body_terms: usize,
    /// Weight of word bigrams (adjacent terms after stop-word removal)
    /// relative to single terms; 0 leaves them out.
    pub bigram_weight: f32,
    /// A candidate below `threshold` still wins if it scores at least this
    /// and `clear_winner_ratio` times the runner-up (0 disables).
    pub clear_winner_threshold: f32,
    /// See `clear_winner_threshold`.
    pub clear_winner_ratio: f32,
    /// Weight of numbers (dates, counts, scores) among the name-like
    /// tokens, relative to capitalised words.
    pub number_weight: f32,
    /// Ignore capitalisation in headlines that are mostly capitalised.
    pub title_case_fix: bool,
    /// How many times a title term counts compared with a body term.
    pub title_weight: f32,
    /// Seconds a story stays active after its latest article.
    pub window_secs: i64,
    /// Hard cap on active stories (least recently updated are evicted).
    pub max_active_stories: usize,
    /// Terms kept in each story centroid.
    pub centroid_terms: usize,
    /// Highest-weighted article terms used to find candidate stories.
    pub candidate_terms: usize,
    /// Candidate stories (those sharing the most top terms) scored exactly.
    pub max_candidates: usize,
    /// The document-frequency table is halved when it has seen this many
    /// documents, so it too stays bounded.
    pub df_halve_at: u64,
    /// Subtracted from the combined score, times the weighted share of the
    /// article's lead names (the names and numbers of its headline) that
    /// the story has never mentioned: another event of the same kind has
    /// other participants, places and dates up front. 0 disables.
    pub lead_name_penalty: f32,
    /// Without a headline, the names among the body's first this many
    /// terms are the lead names (0: none, page text often opens with
    /// captions and furniture rather than the news).
    pub lead_name_terms: usize,
    /// A clear winner (see `clear_winner_threshold`) does not win if more
    /// than this share of the article's lead names is new to it: the one
    /// story of its kind so far, but not its event.
    pub clear_winner_max_novelty: f32,
    /// Length, in analysed terms (stop words left out), of the passages
    /// compared between an article and the stories: reports of one event
    /// quote the same sentences and reuse agency paragraphs. 0 disables.
    pub shingle_terms: usize,
    /// One passage in this many (by hash, so the same in every article) is
    /// kept, which bounds the cost and memory.
    pub shingle_sample: usize,
    /// Passages kept per story, at most.
    pub story_shingles: usize,
    /// A passage counts as distinctive only while at most this many active
    /// stories contain it (common phrases and page furniture do not). One:
    /// a passage already under two stories is mostly an outlet's furniture
    /// (a newsletter box, a comments invitation) that a third page of that
    /// outlet would otherwise take as evidence for both.
    pub shingle_max_stories: usize,
    /// Added to a story's combined score per distinctive passage (or
    /// name pair, see `name_pairs`) shared with the article, up to
    /// `shingle_max_bonus`.
    pub shingle_bonus: f32,
    /// See `shingle_bonus`.
    pub shingle_max_bonus: f32,
    /// Distinctive passages the article must share with a story for any
    /// bonus.
    pub shingle_min_shared: u32,
    /// The article's this many most salient names and numbers are paired,
    /// and each pair is indexed like a passage: a person with a place, or
    /// a name with a figure, in two reports is far more specific than
    /// either alone. 0 disables.
    pub name_pairs: usize,
    /// A headline that is only a dateline ("Posted: Monday, May 23, 2005,
    /// 8:20 AM ET") is page furniture an extractor took for the headline:
    /// it is read as body text, and the names among the body's first this
    /// many terms, where such a page's own headline and lead stand, are
    /// the lead names instead (see `lead_name_penalty`).
    pub dateline_lead_terms: usize,
}

impl Default for ClusterParams {
    fn default() -> Self {
        Self {
            threshold: 0.27,
            entity_weight: 0.45,
            article_terms: 200,
            salient_entities: 8,
            title_case_fix: true,
            number_weight: 2.5,
            clear_winner_threshold: 0.18,
            clear_winner_ratio: 5.0,
            bigram_weight: 0.0,
            body_terms: 1200,
            title_weight: 3.0,
            window_secs: 3 * 24 * 3600,
            max_active_stories: 20_000,
            centroid_terms: 150,
            candidate_terms: 30,
            max_candidates: 5,
            df_halve_at: 200_000,
            lead_name_penalty: 0.15,
            lead_name_terms: 0,
            clear_winner_max_novelty: 0.4,
            shingle_terms: 4,
            shingle_sample: 4,
            story_shingles: 256,
            shingle_max_stories: 1,
            shingle_bonus: 0.04,
            shingle_max_bonus: 0.1,
            shingle_min_shared: 2,
            name_pairs: 6,
            dateline_lead_terms: 40,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Story {
    lang: u64,
    text: SparseVec,
    ents: SparseVec,
    text_norm: f32,
    ents_norm: f32,
    size: u32,
    last_time: Option<i64>,
    last_seq: u64,
    /// Passage and name-pair hashes indexed for this story (sorted).
    #[serde(default)]
    shingles: Vec<u64>,
}

/// Why the last article went where it went: the best candidate's scores.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// The best-scoring candidate story, joined or not.
    pub best: Option<StoryId>,
    /// Its combined score.
    pub score: f32,
    /// Its text cosine.
    pub text: f32,
    /// Its name/number cosine.
    pub entities: f32,
    /// Share of the article's most salient names/numbers the story has.
    pub coverage: f32,
    /// Articles in the story before this one.
    pub story_size: u32,
    /// Distinct terms of the article.
    pub terms: u32,
    /// Whether the article joined it.
    pub joined: bool,
    /// Weighted share of the article's lead names the story lacks
    /// ([`ClusterParams::lead_name_penalty`]).
    #[serde(default)]
    pub novelty: f32,
    /// Distinctive passages ([`ClusterParams::shingle_terms`]) and name
    /// pairs ([`ClusterParams::name_pairs`]) the article shares with the
    /// story.
    #[serde(default)]
    pub passages: u32,
}

/// The streaming clusterer's state.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Clusterer {
    params: ClusterParams,
    next_story: u64,
    seq: u64,
    clock: Option<i64>,
    df: DfTable,
    stories: BTreeMap<StoryId, Story>,
    postings: U64Map<Vec<StoryId>>,
    /// Passage or name-pair hash -> active stories containing it.
    #[serde(default)]
    passages: U64Map<Holders>,
    #[serde(skip)]
    last: Decision,
    #[serde(skip)]
    tracing: bool,
    #[serde(skip)]
    candidates: std::cell::RefCell<Vec<Decision>>,
    #[serde(skip)]
    analyzers: HashMap<String, Analyzer>,
    #[serde(skip)]
    stems: HashMap<String, StemCache>,
}

impl Clusterer {
    /// A clusterer with the given parameters.
    pub fn new(params: ClusterParams) -> Self {
        Self {
            params,
            next_story: 0,
            seq: 0,
            clock: None,
            df: DfTable::new(),
            stories: BTreeMap::new(),
            postings: U64Map::default(),
            passages: U64Map::default(),
            last: Decision::default(),
            tracing: false,
            candidates: std::cell::RefCell::new(Vec::new()),
            analyzers: HashMap::new(),
            stems: HashMap::new(),
        }
    }

    /// The parameters in use.
    pub fn params(&self) -> &ClusterParams {
        &self.params
    }

    /// Scores behind the latest [`Clusterer::assign`] (for explanations and
    /// tuning).
    pub fn last_decision(&self) -> Decision {
        self.last
    }

    /// Records every scored candidate of each assignment (for tuning).
    pub fn set_tracing(&mut self, on: bool) {
        self.tracing = on;
    }

    /// The candidates scored for the latest assignment, if tracing is on.
    pub fn last_candidates(&self) -> Vec<Decision> {
        self.candidates.borrow().clone()
    }

    /// Number of active (not yet evicted) stories.
    pub fn active_stories(&self) -> usize {
        self.stories.len()
    }

    /// Whether story `id` is still active (not evicted).
    pub fn is_active(&self, id: StoryId) -> bool {
        self.stories.contains_key(&id)
    }

    /// Number of distinct terms held in the document-frequency table.
    pub fn vocabulary(&self) -> usize {
        self.df.len()
    }

    fn features(&mut self, a: &ArticleInput) -> Features {
        let lang_key = a.language.as_deref().unwrap_or("").to_ascii_lowercase();
        let lang = hash_str(&lang_key);
        let analyzer = self
            .analyzers
            .entry(lang_key.clone())
            .or_insert_with(|| Analyzer::new(Some(lang_key.as_str()).filter(|l| !l.is_empty())));
        let cache = self.stems.entry(lang_key).or_default();
        let title = a.title.as_deref().unwrap_or("");
        if features::is_dateline(title) {
            let body = format!("{title}\n{}", a.body);
            let params = ClusterParams {
                lead_name_terms: self.params.dateline_lead_terms,
                ..self.params.clone()
            };
            return features::extract(analyzer, cache, lang, "", &body, &params);
        }
        features::extract(analyzer, cache, lang, title, &a.body, &self.params)
    }

    /// Assigns one article to a story (an existing one or a new one) and
    /// returns its id. Deterministic for the same sequence of inputs.
    pub fn assign(&mut self, a: &ArticleInput) -> StoryId {
        self.seq += 1;
        if let Some(t) = a.published {
            self.clock = Some(self.clock.map_or(t, |c| c.max(t)));
        }
        let f = self.features(a);
        let mut vecs = self.df.add_document_tfidf(&[&f.terms, &f.ents]);
        if self.df.docs() >= self.params.df_halve_at {
            self.df.halve();
            vecs = vec![
                SparseVec::tfidf(&f.terms, &self.df),
                SparseVec::tfidf(&f.ents, &self.df),
            ];
        }
        let mut ents = vecs.pop().unwrap_or_default();
        let mut text = vecs.pop().unwrap_or_default();
        text.truncate_top(self.params.article_terms);
        text.normalize();
        ents.normalize();
        let mut f = f;
        add_name_pairs(&mut f.shingles, &ents, self.params.name_pairs);

        self.last = self.best_story(&f, &text, &ents, a.published);
        let id = match self.last.best.filter(|_| self.last.joined) {
            Some(id) => id,
            None => {
                let id = StoryId(self.next_story);
                self.next_story += 1;
                self.stories.insert(
                    id,
                    Story {
                        lang: f.lang,
                        text: SparseVec::default(),
                        ents: SparseVec::default(),
                        text_norm: 0.0,
                        ents_norm: 0.0,
                        size: 0,
                        last_time: None,
                        last_seq: 0,
                        shingles: Vec::new(),
                    },
                );
                id
            }
        };
        self.add_to_story(id, &text, &ents, a.published);
        self.add_passages(id, &f.shingles);
        self.evict();
        id
    }

    fn best_story(
        &self,
        f: &Features,
        text: &SparseVec,
        ents: &SparseVec,
        published: Option<i64>,
    ) -> Decision {
        let top = heaviest(
            text.entries()
                .iter()
                .filter(|e| self.df.df(e.0) > 1)
                .copied(),
            self.params.candidate_terms,
        );
        // Sized for the usual number of stories reached, so it rarely
        // grows (the sums do not depend on the map's layout).
        let reached: usize = top
            .iter()
            .filter_map(|(t, _)| self.postings.get(t).map(Vec::len))
            .sum();
        let mut acc: U64Map<f32> =
            U64Map::with_capacity_and_hasher(reached.min(1024), Default::default());
        for (t, w) in &top {
            if let Some(list) = self.postings.get(t) {
                for id in list {
                    *acc.entry(id.0).or_insert(0.0) += w;
                }
            }
        }
        let mut cands: Vec<(f32, StoryId)> = heaviest(acc, self.params.max_candidates)
            .into_iter()
            .map(|(id, w)| (w, StoryId(id)))
            .collect();
        let shared = self.shared_passages(&f.shingles);
        for &(id, n) in &shared {
            if n >= self.params.shingle_min_shared && !cands.iter().any(|c| c.1 == id) {
                cands.push((0.0, id));
            }
        }
        let ew = self.params.entity_weight;
        let salient = heaviest(ents.entries().iter().copied(), self.params.salient_entities);
        let mut best = Decision::default();
        let mut second = 0.0f32;
        let mut trace = self.tracing.then(Vec::new);
        for (_, id) in cands {
            let Some(s) = self.stories.get(&id) else {
                continue;
            };
            if s.lang != f.lang {
                continue;
            }
            if let (Some(p), Some(t)) = (published, s.last_time)
                && (p - t).abs() > self.params.window_secs
            {
                continue;
            }
            let tc = if s.text_norm > 0.0 {
                text.dot(&s.text) / s.text_norm
            } else {
                0.0
            };
            let ec = if s.ents_norm > 0.0 {
                ents.dot(&s.ents) / s.ents_norm
            } else {
                0.0
            };
            let coverage = if salient.is_empty() {
                1.0
            } else {
                let total: f32 = salient.iter().map(|e| e.1).sum();
                let hit: f32 = salient
                    .iter()
                    .filter(|e| s.ents.get(e.0).is_some())
                    .map(|e| e.1)
                    .sum();
                hit / total
            };
            let novelty = lead_novelty(&f.lead_names, ents, &s.ents);
            let passages = shared.iter().find(|e| e.0 == id).map_or(0, |e| e.1);
            let bonus = if passages >= self.params.shingle_min_shared {
                (self.params.shingle_bonus * passages as f32).min(self.params.shingle_max_bonus)
            } else {
                0.0
            };
            // An article without names (a how-to, a feature, a video page)
            // is judged on its text alone: an empty name cosine is no
            // evidence against the story.
            let ew = if ents.is_empty() { 0.0 } else { ew };
            let score = (1.0 - ew) * tc + ew * ec - self.params.lead_name_penalty * novelty + bonus;
            let ok = score >= self.params.threshold;
            let d = Decision {
                best: Some(id),
                score,
                text: tc,
                entities: ec,
                coverage,
                story_size: s.size,
                terms: f.terms.len() as u32,
                joined: ok,
                novelty,
                passages,
            };
            if let Some(t) = trace.as_mut() {
                t.push(d);
            }
            if best.best.is_none() || (ok, score) > (best.joined, best.score) {
                second = second.max(best.score);
                best = d;
            } else {
                second = second.max(score);
            }
        }
        // A clear winner: well above every other candidate, if not above
        // the threshold.
        let p = &self.params;
        if !best.joined
            && best.best.is_some()
            && p.clear_winner_threshold > 0.0
            && best.score >= p.clear_winner_threshold
            && best.score >= p.clear_winner_ratio * second
            && best.novelty <= p.clear_winner_max_novelty
        {
            best.joined = true;
        }
        if let Some(t) = trace {
            *self.candidates.borrow_mut() = t;
        }
        best
    }

    fn add_to_story(&mut self, id: StoryId, text: &SparseVec, ents: &SparseVec, t: Option<i64>) {
        let k = self.params.centroid_terms;
        let seq = self.seq;
        let Some(s) = self.stories.get_mut(&id) else {
            return;
        };
        let before: Vec<u64> = s.text.entries().iter().map(|e| e.0).collect();
        s.text.add_scaled(text, 1.0);
        s.text.truncate_top(k);
        s.ents.add_scaled(ents, 1.0);
        s.ents.truncate_top(k);
        s.text_norm = s.text.norm();
        s.ents_norm = s.ents.norm();
        s.size += 1;
        s.last_seq = seq;
        s.last_time = match (s.last_time, t) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let after: Vec<u64> = s.text.entries().iter().map(|e| e.0).collect();
        let (added, removed) = diff_sorted(&before, &after);
        for term in removed {
            self.unpost(term, id);
        }
        for term in added {
            self.postings.entry(term).or_default().push(id);
        }
    }

    /// Active stories sharing distinctive passages with an article, with
    /// how many (sorted by story).
    fn shared_passages(&self, shingles: &[u64]) -> Vec<(StoryId, u32)> {
        let mut out: Vec<(StoryId, u32)> = Vec::new();
        if self.params.shingle_max_stories == 0 {
            return out;
        }
        for h in shingles {
            if let Some(list) = self.passages.get(h)
                && list.len() <= self.params.shingle_max_stories
            {
                for id in list.iter() {
                    match out.iter_mut().find(|e| e.0 == id) {
                        Some(e) => e.1 += 1,
                        None => out.push((id, 1)),
                    }
                }
            }
        }
        out.sort_unstable();
        out
    }

    /// Indexes an article's passages under its story, up to
    /// `story_shingles` per story.
    fn add_passages(&mut self, id: StoryId, shingles: &[u64]) {
        let cap = self.params.story_shingles;
        let Some(s) = self.stories.get_mut(&id) else {
            return;
        };
        let mut added = Vec::new();
        for &h in shingles {
            if s.shingles.len() + added.len() >= cap {
                break;
            }
            if s.shingles.binary_search(&h).is_err() {
                added.push(h);
            }
        }
        if added.is_empty() {
            return;
        }
        s.shingles.extend_from_slice(&added);
        s.shingles.sort_unstable();
        for h in added {
            self.passages
                .entry(h)
                .and_modify(|l| l.more.push(id))
                .or_insert(Holders {
                    first: id,
                    more: Vec::new(),
                });
        }
    }

    fn unpost(&mut self, term: u64, id: StoryId) {
        if let Some(list) = self.postings.get_mut(&term) {
            list.retain(|&s| s != id);
            if list.is_empty() {
                self.postings.remove(&term);
            }
        }
    }

    fn remove_story(&mut self, id: StoryId) {
        if let Some(s) = self.stories.remove(&id) {
            for &(term, _) in s.text.entries() {
                self.unpost(term, id);
            }
            for h in s.shingles {
                // One lookup per passage.
                if let std::collections::hash_map::Entry::Occupied(mut e) = self.passages.entry(h)
                    && e.get_mut().remove(id)
                {
                    e.remove();
                }
            }
        }
    }

    fn evict(&mut self) {
        let mut old: Vec<StoryId> = Vec::new();
        if let Some(clock) = self.clock
            && self.seq.is_multiple_of(64)
        {
            let limit = clock - self.params.window_secs;
            old.extend(
                self.stories
                    .iter()
                    .filter(|(_, s)| s.last_time.is_some_and(|t| t < limit))
                    .map(|(id, _)| *id),
            );
        }
        if self.stories.len() > self.params.max_active_stories {
            let keep = self.params.max_active_stories * 9 / 10;
            let mut by_age: Vec<(u64, StoryId)> = self
                .stories
                .iter()
                .map(|(id, s)| (s.last_seq, *id))
                .collect();
            by_age.sort_unstable();
            let excess = self.stories.len().saturating_sub(keep);
            old.extend(by_age.iter().take(excess).map(|e| e.1));
        }
        old.sort_unstable();
        old.dedup();
        for id in old {
            self.remove_story(id);
        }
    }
}

/// The active stories holding one passage: the first without an
/// allocation, since most passages are in one story only.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Holders {
    first: StoryId,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    more: Vec<StoryId>,
}

impl Holders {
    fn len(&self) -> usize {
        1 + self.more.len()
    }

    fn iter(&self) -> impl Iterator<Item = StoryId> + '_ {
        std::iter::once(self.first).chain(self.more.iter().copied())
    }

    /// Removes `id`; true when no story is left.
    fn remove(&mut self, id: StoryId) -> bool {
        if self.first == id {
            match self.more.pop() {
                Some(last) => self.first = last,
                None => return true,
            }
        } else {
            self.more.retain(|&x| x != id);
        }
        false
    }
}

/// Adds to `evidence` (sorted, distinct on return) a hash for each pair
/// of the `k` highest-weighted entries of the article's name vector.
fn add_name_pairs(evidence: &mut Vec<u64>, ents: &SparseVec, k: usize) {
    if k < 2 {
        return;
    }
    let top = heaviest(ents.entries().iter().copied(), k);
    let mut keys: Vec<u64> = top.iter().map(|e| e.0).collect();
    keys.sort_unstable();
    for (i, &a) in keys.iter().enumerate() {
        for &b in &keys[i + 1..] {
            // Its own hash domain, apart from the passages.
            evidence.push(combine(a ^ NAME_PAIR_DOMAIN, b));
        }
    }
    evidence.sort_unstable();
    evidence.dedup();
}

/// Mixed into name-pair hashes so they never equal a passage hash.
const NAME_PAIR_DOMAIN: u64 = 0x6e61_6d65_7061_6972;

/// Weighted share (weights from the article's name vector) of the lead
/// names absent from a story's name centroid; 0 without lead names.
fn lead_novelty(lead_names: &[u64], ents: &SparseVec, story: &SparseVec) -> f32 {
    let (mut total, mut missing) = (0.0f32, 0.0f32);
    for &k in lead_names {
        let w = ents.get(k).unwrap_or(0.0);
        total += w;
        if story.get(k).is_none() {
            missing += w;
        }
    }
    if total > 0.0 { missing / total } else { 0.0 }
}

/// Terms only in `after` and terms only in `before` (both sorted).
fn diff_sorted(before: &[u64], after: &[u64]) -> (Vec<u64>, Vec<u64>) {
    let (mut added, mut removed) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while i < before.len() || j < after.len() {
        if j >= after.len() || (i < before.len() && before[i] < after[j]) {
            removed.push(before[i]);
            i += 1;
        } else if i >= before.len() || after[j] < before[i] {
            added.push(after[j]);
            j += 1;
        } else {
            i += 1;
            j += 1;
        }
    }
    (added, removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn art(id: &str, title: &str, body: &str, t: Option<i64>, lang: &str) -> ArticleInput {
        ArticleInput {
            id: id.into(),
            title: Some(title.into()),
            body: body.into(),
            published: t,
            source: None,
            language: Some(lang.into()),
        }
    }

    fn sample() -> Vec<ArticleInput> {
        vec![
            art(
                "1",
                "Earthquake of magnitude 6.1 strikes northern Chile",
                "A strong earthquake struck near Iquique in northern Chile on Monday, officials reported, damaging homes.",
                Some(0),
                "en",
            ),
            art(
                "2",
                "Apple unveils new iPhone at Cupertino event",
                "Apple showed its new iPhone with a faster chip at an event in Cupertino on Tuesday.",
                Some(10),
                "en",
            ),
            art(
                "3",
                "Chile quake: magnitude 6.1 tremor hits Iquique",
                "The magnitude 6.1 earthquake near Iquique in northern Chile damaged homes, officials said.",
                Some(20),
                "en",
            ),
            art(
                "4",
                "Cupertino: Apple iPhone launch event",
                "At its Cupertino event Apple launched the new iPhone and a faster chip.",
                Some(30),
                "en",
            ),
            art(
                "5",
                "Erdbeben der Stärke 6.1 in Chile",
                "Ein starkes Erdbeben hat Iquique im Norden von Chile erschüttert, Häuser wurden beschädigt.",
                Some(40),
                "de",
            ),
        ]
    }

    #[test]
    fn groups_events_and_is_deterministic() {
        let run = || {
            let mut c = Clusterer::new(ClusterParams::default());
            sample().iter().map(|a| c.assign(a)).collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        assert_eq!(a[0], a[2]);
        assert_eq!(a[1], a[3]);
        assert_ne!(a[0], a[1]);
    }

    #[test]
    fn languages_never_merge() {
        let mut c = Clusterer::new(ClusterParams::default());
        let ids: Vec<StoryId> = sample().iter().map(|a| c.assign(a)).collect();
        assert!(ids[..4].iter().all(|&i| i != ids[4]));
        // Identical text, different language label: still separate.
        let mut c = Clusterer::new(ClusterParams::default());
        let en = art("a", "Iquique 6.1", "Iquique 6.1 Chile", Some(0), "en");
        let mut fr = en.clone();
        fr.language = Some("fr".into());
        assert_ne!(c.assign(&en), c.assign(&fr));
    }

    #[test]
    fn memory_is_bounded_by_the_window() {
        let mut c = Clusterer::new(ClusterParams::default());
        let mut peak = 0;
        for i in 0..5000i64 {
            // A distinct event every hour, with words no other event uses.
            let body = format!("alpha{i} bravo{i} charlie{i} delta{i} echo{i}");
            c.assign(&art(
                &i.to_string(),
                &format!("Event{i}"),
                &body,
                Some(i * 3600),
                "en",
            ));
            peak = peak.max(c.active_stories());
        }
        let window_hours = (ClusterParams::default().window_secs / 3600) as usize;
        assert!(peak <= window_hours + 65, "peak {peak}");
        assert!(c.active_stories() <= window_hours + 65);
        assert!(c.postings.len() < 100 * (window_hours + 65));
        // Passages are indexed only for active stories.
        let indexed: usize = c.stories.values().map(|s| s.shingles.len()).sum();
        assert!(indexed > 0);
        assert_eq!(c.passages.len(), indexed);
    }

    fn assign_all(params: ClusterParams, arts: &[ArticleInput]) -> Vec<StoryId> {
        let mut c = Clusterer::new(params);
        arts.iter().map(|a| c.assign(a)).collect()
    }

    /// Two reports of one rehab stay, then another celebrity's rehab stay
    /// in the same clinic: same words, other names up front.
    fn two_rehab_stays() -> Vec<ArticleInput> {
        vec![
            art(
                "1",
                "Lindsay Lohan checks into rehab clinic in Malibu",
                "Actress Lindsay Lohan checked into a rehab clinic in Malibu on Monday, her spokesman said. \
                 The actress will stay at the clinic for three months after a court order.",
                None,
                "en",
            ),
            art(
                "2",
                "Lohan enters Malibu rehab clinic after court order",
                "Lindsay Lohan entered a rehab clinic in Malibu on Monday, according to her spokesman, \
                 after a court ordered the actress to spend three months at the clinic.",
                None,
                "en",
            ),
            art(
                "3",
                "Charlie Sheen checks into rehab clinic in Malibu, CBS halts Two and a Half Men",
                "Actor Charlie Sheen has entered a rehab facility in Malibu, his publicist said on \
                 Friday. Sheen was admitted after a hospital stay in Los Angeles and is expected \
                 to remain there while filming of his sitcom is suspended. The network hopes \
                 production of the show can resume in the spring.",
                None,
                "en",
            ),
        ]
    }

    #[test]
    fn same_kind_of_event_with_other_names_stays_apart() {
        let ids = assign_all(ClusterParams::default(), &two_rehab_stays());
        assert_eq!(ids[0], ids[1]);
        assert_ne!(ids[2], ids[0]);
        // Either mechanism alone keeps it apart here: the novelty gate on
        // a clear winner too.
        let params = ClusterParams {
            lead_name_penalty: 0.0,
            ..ClusterParams::default()
        };
        let ids = assign_all(params, &two_rehab_stays());
        assert_ne!(ids[2], ids[0]);
        // The headline's names make the difference: without the penalty,
        // and with any clear winner winning, the shared vocabulary wins.
        let params = ClusterParams {
            lead_name_penalty: 0.0,
            clear_winner_max_novelty: 1.0,
            ..ClusterParams::default()
        };
        let ids = assign_all(params, &two_rehab_stays());
        assert_eq!(ids[2], ids[0]);
    }

    /// Two reports of one rehab stay under dateline "headlines", then
    /// another celebrity's: the names opening the body decide, as a
    /// headline's would.
    #[test]
    fn a_dateline_headline_gives_way_to_the_opening_of_the_body() {
        let plain = two_rehab_stays();
        let mut arts = plain.clone();
        let datelines = [
            "Posted: Monday, May 23, 2005, 8:20 AM ET",
            "May 23, 2005 10:05 AM",
            "Friday, June 10, 2005",
        ];
        for (a, dateline) in arts.iter_mut().zip(datelines) {
            let headline = a.title.take().unwrap_or_default();
            a.body = format!("{headline} {}", a.body);
            a.title = Some(dateline.into());
        }
        let ids = assign_all(ClusterParams::default(), &arts);
        assert_eq!(ids[0], ids[1]);
        assert_ne!(ids[2], ids[0]);
        // The names of the real headline, now opening the body, are lead
        // names again.
        let mut c = Clusterer::new(ClusterParams::default());
        let dated = c.features(&arts[2]).lead_names;
        let real = c.features(&plain[2]).lead_names;
        let kept = real.iter().filter(|k| dated.contains(k)).count();
        assert!(kept >= 3, "{kept} of {}", real.len());
        let none = ClusterParams {
            dateline_lead_terms: 0,
            ..ClusterParams::default()
        };
        assert!(
            Clusterer::new(none)
                .features(&arts[2])
                .lead_names
                .is_empty()
        );
    }

    #[test]
    fn an_article_without_names_is_judged_on_its_text() {
        let body = "tips for keeping tomatoes healthy: water the roots early in the morning, \
                    mulch the beds, prune the lower leaves and stake the stems before they sprawl.";
        let arts = [
            art("1", "", body, None, "en"),
            art(
                "2",
                "",
                "water tomato roots early in the morning, mulch beds and prune lower leaves; \
                 stake stems before they sprawl, gardeners advise.",
                None,
                "en",
            ),
        ];
        let mut c = Clusterer::new(ClusterParams::default());
        let ids: Vec<StoryId> = arts.iter().map(|a| c.assign(a)).collect();
        let d = c.last_decision();
        assert_eq!(d.entities, 0.0);
        assert!(d.score >= d.text - 1e-6, "{d:?}");
        assert_eq!(ids[0], ids[1]);
    }

    #[test]
    fn wire_copy_with_new_headline_and_trailer_joins() {
        let mut arts = sample();
        arts.push(art(
            "6",
            "Strong quake damages homes in Chile's north",
            "A strong earthquake struck near Iquique in northern Chile on Monday, officials reported, \
             damaging homes. Reporting by Staff; editing by Desk. Share this article. Follow us.",
            Some(50),
            "en",
        ));
        let ids = assign_all(ClusterParams::default(), &arts);
        assert_eq!(ids[5], ids[0]);
        assert_ne!(ids[5], ids[1]);
    }

    /// Two reports of one statement: an agency story, then a long
    /// background piece quoting the same statement, with unrelated
    /// stories in between.
    fn shared_statement() -> Vec<ArticleInput> {
        let quote = "\"We will not rest until every family displaced by the flooding along the \
             river has a warm bed, clean water and a school for their children before the \
             winter storms arrive,\" the minister said.";
        let background = "Bridges, roads and power lines across the region will take years to \
             rebuild, engineers estimate, and insurers expect record claims. Volunteers \
             cleared mud from cellars and shops, while bakeries and churches opened their \
             doors to neighbours. Economists warn that tourism, forestry and dairy exports \
             will suffer through the spring, and local councils asked for emergency loans. \
             Historians recall that the last comparable disaster struck almost a century \
             ago, when the old mill and the railway station were washed away. Schools \
             reopened in tents; teachers, nurses and soldiers worked in shifts. The \
             national football team donated its match fees and a choir recorded a song. \
             Mayor Ivan Dimitrov of Ruse thanked the Red Cross and Caritas.";
        let mut arts = vec![art(
            "1",
            "Minister pledges shelter for flood victims",
            &format!(
                "Interior Minister Elena Petrova promised shelter for the victims of the floods. {quote}"
            ),
            None,
            "en",
        )];
        for (i, (t, b)) in [
            ("Parliament debates farm subsidies", "Parliament debated farm subsidies and the price of grain, with farmers protesting outside against budget cuts."),
            ("Brewery profits double", "Quarterly profits at the brewery doubled thanks to exports to Asia and a new lager."),
            ("Orchestra names conductor", "The orchestra announced its new conductor for the autumn season of concerts."),
        ]
        .iter()
        .enumerate()
        {
            arts.push(art(&format!("x{i}"), t, b, None, "en"));
        }
        arts.push(art(
            "2",
            "Valleys count the cost as rebuilding begins",
            &format!("{background} {quote}"),
            None,
            "en",
        ));
        arts
    }

    #[test]
    fn a_shared_statement_joins_a_report_with_little_else_in_common() {
        let arts = shared_statement();
        let n = arts.len() - 1;
        let run = |params: ClusterParams| {
            let mut c = Clusterer::new(params);
            let ids: Vec<StoryId> = arts.iter().map(|a| c.assign(a)).collect();
            (ids, c.last_decision())
        };
        let (ids, d) = run(ClusterParams::default());
        assert_eq!(ids[n], ids[0]);
        assert!(ids[1..n].iter().all(|&i| i != ids[0]));
        assert!(d.passages >= 2, "{d:?}");
        // Without the passages the background piece stays apart.
        let (ids, d) = run(ClusterParams {
            shingle_terms: 0,
            ..ClusterParams::default()
        });
        assert_eq!(d.passages, 0);
        assert_ne!(ids[n], ids[0]);
    }

    #[test]
    fn passages_common_to_many_stories_are_no_evidence() {
        // The same trailer under unrelated reports, each its own story.
        let trailer = "Sign up for our daily newsletter to receive breaking news alerts, \
                       exclusive interviews and weekend reading straight to your inbox.";
        let bodies = [
            "Quarterly profits at the brewery doubled thanks to exports of lager.",
            "The orchestra announced its new conductor for the autumn season.",
            "A rare comet will be visible from the southern hemisphere next week.",
        ];
        let params = ClusterParams {
            threshold: 2.0,
            clear_winner_threshold: 0.0,
            shingle_sample: 1,
            ..ClusterParams::default()
        };
        let next = art(
            "n",
            "",
            &format!("Dockworkers voted to strike. {trailer}"),
            None,
            "en",
        );
        let mut c = Clusterer::new(params);
        for (i, b) in bodies.iter().enumerate() {
            let shared = c.shared_passages(&c.clone().features(&next).shingles);
            // Distinctive while in at most `shingle_max_stories` stories:
            // by default a trailer seen under two stories is furniture.
            let most = c.params().shingle_max_stories;
            assert_eq!(most, 1);
            assert_eq!(shared.is_empty(), i == 0 || i > most, "{i}: {shared:?}");
            c.assign(&art(
                &i.to_string(),
                "",
                &format!("{b} {trailer}"),
                None,
                "en",
            ));
        }
        assert_eq!(c.active_stories(), 3);
        let shared = c.shared_passages(&c.clone().features(&next).shingles);
        assert!(shared.is_empty(), "{shared:?}");
    }

    #[test]
    fn name_pairs_are_unordered_and_apart_from_passages() {
        let ents = SparseVec::from_pairs(vec![(10, 0.9), (20, 0.5), (30, 0.7), (40, 0.1)]);
        let mut a = vec![7u64];
        add_name_pairs(&mut a, &ents, 3);
        // The three heaviest names give three pairs, next to the passage.
        assert_eq!(a.len(), 4);
        assert!(a.contains(&7));
        let mut b = Vec::new();
        let reordered = SparseVec::from_pairs(vec![(30, 0.7), (10, 0.9), (20, 0.5)]);
        add_name_pairs(&mut b, &reordered, 3);
        assert!(b.iter().all(|h| a.contains(h)));
        let mut none = Vec::new();
        add_name_pairs(&mut none, &ents, 1);
        assert!(none.is_empty());
    }

    #[test]
    fn shared_name_pairs_are_evidence() {
        let arts = [
            art(
                "1",
                "",
                "Elena Petrova arrived in Ruse with Ivan Dimitrov on Monday to inspect the dam.",
                None,
                "en",
            ),
            art(
                "2",
                "",
                "Engineers warned Elena Petrova and Ivan Dimitrov in Ruse about cracks in concrete.",
                None,
                "en",
            ),
        ];
        let passages = |params: ClusterParams| {
            let mut c = Clusterer::new(params);
            for a in &arts {
                c.assign(a);
            }
            c.last_decision().passages
        };
        let only_pairs = ClusterParams {
            shingle_terms: 0,
            ..ClusterParams::default()
        };
        assert!(passages(only_pairs.clone()) >= 2);
        let neither = ClusterParams {
            name_pairs: 0,
            ..only_pairs
        };
        assert_eq!(passages(neither), 0);
    }

    #[test]
    fn holders_keep_the_remaining_stories() {
        let mut h = Holders {
            first: StoryId(1),
            more: vec![StoryId(2), StoryId(3)],
        };
        assert!(!h.remove(StoryId(1)));
        assert_eq!(h.len(), 2);
        assert!(!h.remove(StoryId(2)));
        assert_eq!(h.iter().collect::<Vec<_>>(), vec![StoryId(3)]);
        assert!(h.remove(StoryId(3)));
    }

    #[test]
    fn params_fill_in_missing_fields() {
        let p: ClusterParams = serde_json::from_str(r#"{"threshold":0.5}"#).expect("params");
        assert_eq!(p.threshold, 0.5);
        assert_eq!(p.window_secs, ClusterParams::default().window_secs);
    }

    #[test]
    fn state_round_trips_through_serde() {
        let arts = sample();
        let mut a = Clusterer::new(ClusterParams::default());
        for x in &arts[..3] {
            a.assign(x);
        }
        let json = serde_json::to_string(&a).expect("serialise");
        let mut b: Clusterer = serde_json::from_str(&json).expect("deserialise");
        for x in &arts[3..] {
            assert_eq!(a.assign(x), b.assign(x));
        }
    }

    #[test]
    fn state_saved_before_the_lead_name_knobs_still_loads() {
        let mut a = Clusterer::new(ClusterParams::default());
        a.assign(&sample()[0]);
        let mut state: serde_json::Value = serde_json::to_value(&a).expect("serialise");
        let params = state["params"].as_object_mut().expect("params object");
        for key in [
            "lead_name_penalty",
            "lead_name_terms",
            "clear_winner_max_novelty",
        ] {
            assert!(params.remove(key).is_some(), "{key}");
        }
        let b: Clusterer = serde_json::from_value(state).expect("deserialise");
        assert_eq!(b.params(), &ClusterParams::default());
        assert_eq!(b.active_stories(), 1);
    }

    #[test]
    fn state_saved_before_passages_still_loads_and_runs() {
        let arts = sample();
        let mut a = Clusterer::new(ClusterParams::default());
        a.assign(&arts[0]);
        let mut state: serde_json::Value = serde_json::to_value(&a).expect("serialise");
        let obj = state.as_object_mut().expect("state object");
        assert!(obj.remove("passages").is_some());
        let params = obj["params"].as_object_mut().expect("params object");
        for key in [
            "shingle_terms",
            "shingle_sample",
            "story_shingles",
            "shingle_max_stories",
            "shingle_bonus",
            "shingle_max_bonus",
            "shingle_min_shared",
            "name_pairs",
        ] {
            assert!(params.remove(key).is_some(), "{key}");
        }
        for story in obj["stories"]
            .as_object_mut()
            .expect("stories")
            .values_mut()
        {
            assert!(
                story
                    .as_object_mut()
                    .expect("story")
                    .remove("shingles")
                    .is_some()
            );
        }
        let mut b: Clusterer = serde_json::from_value(state).expect("deserialise");
        assert_eq!(b.params(), &ClusterParams::default());
        // The old story has no passages; new ones are indexed as usual.
        assert_eq!(b.assign(&arts[2]), StoryId(0));
        assert!(!b.passages.is_empty());
    }
}
