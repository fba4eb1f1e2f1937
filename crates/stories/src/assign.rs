//! The story assigner: what the pipeline calls for each new article, in arrival order. It
//! first looks for a text the article copies (a wire copy or a duplicate joins its original's
//! story and is marked as a copy), then lets the [`Clusterer`] place it, and reports the
//! stories it resembled without joining (for "related stories").
//!
//! Story ids here are the caller's (database ids): a new story gets its id from the caller
//! through [`Assigner::bind`]. The assigner holds only the active window, so after a restart
//! the caller rebuilds it by replaying that window's articles with [`Assigner::replay`], which
//! binds each to the story it was already given.

use std::collections::BTreeMap;

use crate::cluster::{ArticleInput, ClusterParams, Clusterer, StoryId};
use crate::dedup::{DupKind, Fingerprint};
use crate::duplicates::DuplicateIndex;

/// Texts kept for duplicate detection at most (about 0.6 KB each).
const DUPLICATE_CAPACITY: usize = 50_000;

/// Lowest clusterer score at which a story not joined still counts as related. Below it,
/// on the demo corpus, the resemblance is mostly a shared place name (a city's sailing
/// race and its port's new quay); above it, the same kind of event or a developing one.
pub const RELATED_MIN_SCORE: f32 = 0.12;

/// The story an article joins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// An existing story, by the caller's id.
    Existing(i64),
    /// A new story: the caller allocates its id and hands it back with [`Assigner::bind`].
    New(StoryId),
}

/// Where an article went.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// Its story.
    pub story: Placement,
    /// The article this one copies, and how closely.
    pub duplicate_of: Option<(i64, DupKind)>,
    /// Existing stories the article resembled without joining, with their scores, best first.
    pub related: Vec<(i64, f32)>,
}

/// The assigner's state: a clusterer, the recent texts and the binding of clusters to the
/// caller's story ids.
#[derive(Debug, Clone)]
pub struct Assigner {
    clusterer: Clusterer,
    duplicates: DuplicateIndex,
    bound: BTreeMap<StoryId, i64>,
    /// The text of a new story's first article, indexed once the story has its id.
    pending: Option<(i64, i64, Fingerprint)>,
}

impl Assigner {
    /// An empty assigner with the given clustering parameters.
    pub fn new(params: ClusterParams) -> Self {
        let window = params.window_secs;
        let mut clusterer = Clusterer::new(params);
        clusterer.set_tracing(true);
        Self {
            clusterer,
            duplicates: DuplicateIndex::new(window, DUPLICATE_CAPACITY),
            bound: BTreeMap::new(),
            pending: None,
        }
    }

    /// Active stories in the clusterer.
    pub fn active_stories(&self) -> usize {
        self.clusterer.active_stories()
    }

    /// Places article `key` (its text in `input`). For a new story the caller must call
    /// [`Assigner::bind`] with the id it gives the story before the next call.
    pub fn assign(&mut self, key: i64, input: &ArticleInput) -> Assignment {
        let fingerprint = Fingerprint::of(&input.body, input.language.as_deref());
        let time = input.published.unwrap_or(0);
        if let Some(original) = self.duplicates.find(&fingerprint) {
            // The copy's text is already in its story; the clusterer need not see it twice.
            return Assignment {
                story: Placement::Existing(original.story),
                duplicate_of: Some((original.key, original.kind)),
                related: Vec::new(),
            };
        }
        let cluster = self.clusterer.assign(input);
        let story = match self.bound.get(&cluster) {
            Some(&story) => Placement::Existing(story),
            None => Placement::New(cluster),
        };
        let mut related: Vec<(i64, f32)> = self
            .clusterer
            .last_candidates()
            .into_iter()
            .filter(|d| d.score >= RELATED_MIN_SCORE)
            .filter_map(|d| {
                let id = d.best?;
                (id != cluster).then(|| self.bound.get(&id).map(|&s| (s, d.score)))?
            })
            .collect();
        related.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        related.dedup_by_key(|r| r.0);
        match story {
            Placement::Existing(story) => self.duplicates.insert(key, story, time, fingerprint),
            Placement::New(_) => self.pending = Some((key, time, fingerprint)),
        }
        self.prune();
        Assignment {
            story,
            duplicate_of: None,
            related,
        }
    }

    /// Gives the new story `cluster` (from [`Placement::New`]) the caller's id `story`.
    pub fn bind(&mut self, cluster: StoryId, story: i64) {
        self.bound.insert(cluster, story);
        if let Some((key, time, fingerprint)) = self.pending.take() {
            self.duplicates.insert(key, story, time, fingerprint);
        }
    }

    /// Replays an article already placed in `story` (after a restart): the clusterer sees it
    /// again, in the same order, and the cluster it lands in is bound to `story`; a copy
    /// (`duplicate_of`) only re-enters nothing, as on its first pass.
    pub fn replay(
        &mut self,
        key: i64,
        input: &ArticleInput,
        story: i64,
        duplicate_of: Option<i64>,
    ) {
        if duplicate_of.is_some() {
            return;
        }
        let fingerprint = Fingerprint::of(&input.body, input.language.as_deref());
        let time = input.published.unwrap_or(0);
        let cluster = self.clusterer.assign(input);
        self.bound.insert(cluster, story);
        self.duplicates.insert(key, story, time, fingerprint);
        self.prune();
    }

    /// Forgets bindings of clusters the clusterer has evicted.
    fn prune(&mut self) {
        if self.bound.len() > 2 * self.clusterer.active_stories() + 64 {
            let clusterer = &self.clusterer;
            self.bound.retain(|id, _| clusterer.is_active(*id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(title: &str, body: &str, t: i64) -> ArticleInput {
        ArticleInput {
            id: String::new(),
            title: Some(title.to_string()),
            body: body.to_string(),
            published: Some(t),
            source: None,
            language: Some("en".to_string()),
        }
    }

    const QUAKE: &str = "A magnitude 6.8 earthquake struck off the coast of Chile near \
        Valparaiso on Monday, the national seismology centre said, shaking buildings in \
        Santiago and prompting a brief tsunami warning for the central coast. Officials \
        reported damaged roads and power cuts in several coastal towns but no deaths; \
        the navy lifted the tsunami alert two hours later after measuring small waves.";
    const QUAKE_2: &str = "Chile's government declared a state of emergency in the Valparaiso \
        region after Monday's magnitude 6.8 earthquake damaged roads and left thousands \
        without power along the central coast, while engineers inspected bridges and the \
        port. The seismology centre recorded dozens of aftershocks near Valparaiso.";
    const VOTE: &str = "Norway's parliament approved a budget on Thursday that raises spending \
        on defence and railways, after the minority government struck a last-minute deal \
        with two opposition parties in Oslo. The finance minister said the oil fund would \
        finance a larger share of the budget than planned, drawing criticism from economists.";

    /// Feeds articles through an assigner, binding a new story to 100 + its first key.
    fn run(assigner: &mut Assigner, articles: &[(i64, ArticleInput)]) -> Vec<Assignment> {
        articles
            .iter()
            .map(|(key, input)| {
                let a = assigner.assign(*key, input);
                if let Placement::New(cluster) = a.story {
                    assigner.bind(cluster, 100 + key);
                }
                a
            })
            .collect()
    }

    #[test]
    fn a_wire_copy_joins_its_original_and_events_stay_apart() {
        let mut assigner = Assigner::new(ClusterParams::default());
        let copy = format!("{QUAKE}\n\nReporting by the AP; editing by the desk.");
        let out = run(
            &mut assigner,
            &[
                (1, article("Strong quake hits Chile", QUAKE, 1_000)),
                (2, article("Norway passes budget", VOTE, 1_100)),
                (3, article("Earthquake shakes Santiago", &copy, 1_200)),
                (
                    4,
                    article("Chile declares emergency after quake", QUAKE_2, 1_300),
                ),
            ],
        );
        assert_eq!(out[0].story, Placement::New(out_cluster(&out[0])));
        assert!(matches!(out[1].story, Placement::New(_)));
        assert_eq!(out[2].story, Placement::Existing(101));
        assert_eq!(out[2].duplicate_of, Some((1, DupKind::Near)));
        assert_eq!(out[3].story, Placement::Existing(101));
        assert_eq!(out[3].duplicate_of, None);
    }

    fn out_cluster(a: &Assignment) -> StoryId {
        match a.story {
            Placement::New(c) => c,
            Placement::Existing(_) => panic!("expected a new story"),
        }
    }

    #[test]
    fn a_replayed_window_places_new_articles_as_if_no_restart_happened() {
        let first = [
            (1, article("Strong quake hits Chile", QUAKE, 1_000)),
            (2, article("Norway passes budget", VOTE, 1_100)),
        ];
        let next = (
            4,
            article("Chile declares emergency after quake", QUAKE_2, 1_300),
        );

        let mut live = Assigner::new(ClusterParams::default());
        run(&mut live, &first);
        let live_next = live.assign(next.0, &next.1);

        let mut restarted = Assigner::new(ClusterParams::default());
        restarted.replay(1, &first[0].1, 101, None);
        restarted.replay(2, &first[1].1, 102, None);
        let copy = format!("{QUAKE} Copyright AP.");
        restarted.replay(3, &article("Copy", &copy, 1_200), 101, Some(1));
        assert_eq!(restarted.assign(next.0, &next.1), live_next);
        assert_eq!(live_next.story, Placement::Existing(101));
        assert_eq!(
            restarted
                .assign(5, &article("Quake", &copy, 1_400))
                .duplicate_of,
            Some((1, DupKind::Near)),
            "the replayed window still knows the original"
        );
    }
}
