//! Cross-language evidence and links, on every backend: the candidates of a story are the
//! stories of other languages sharing a key within the window; links are stored both ways,
//! replaced when a story is saved again, displaced by a better one, move the site revision
//! only when they change, are read for many stories at once in the order asked, and go with
//! their story when retention deletes it.

use tidings_model::{NewArticle, SourceId, StoryId};
use tidings_store::testing::each_backend;
use tidings_store::{CandidateQuery, KeyedStory, NewSource, Placement, Store, StoryKey};

const DAY: i64 = 86_400;

async fn source(store: &Store) -> SourceId {
    let new = NewSource {
        url: "https://news.example/feed".into(),
        name: "News".into(),
        ..NewSource::default()
    };
    store.sources().add(&new, 0).await.expect("add source").id
}

/// One story of one article in `language`, shown at `at`.
async fn story(store: &Store, source: SourceId, language: &str, at: i64) -> StoryId {
    let n = store.articles().count().await.expect("count");
    let article = NewArticle {
        url: format!("https://news.example/{n}"),
        title: format!("A report in {language}"),
        published_at: Some(at),
        fetched_at: at,
        language: Some(language.into()),
        body_text: "Text.".into(),
        body_html: "<p>Text.</p>".into(),
        ..NewArticle::default()
    };
    store
        .articles()
        .insert_new(source, &[article])
        .await
        .expect("insert");
    let waiting = store
        .stories()
        .unplaced("none:", 10)
        .await
        .expect("unplaced");
    let mut batch = store.stories().begin().await.expect("begin");
    let id = batch
        .create_story(&waiting[0].title, Some(language), at)
        .await
        .expect("story");
    batch
        .place(&Placement {
            article: waiting[0].id,
            story: id,
            duplicate_of: None,
            related: vec![],
        })
        .await
        .expect("place");
    batch.commit(at).await.expect("commit");
    id
}

fn keyed(story: StoryId, language: &str, at: i64, keys: &[&str]) -> KeyedStory {
    KeyedStory {
        story,
        language: language.into(),
        first_at: at,
        last_at: at,
        keys: keys
            .iter()
            .map(|k| StoryKey {
                key: (*k).into(),
                weight: 1.5,
            })
            .collect(),
    }
}

fn ids(stories: &[KeyedStory]) -> Vec<StoryId> {
    stories.iter().map(|s| s.story).collect()
}

async fn linked(store: &Store, story: StoryId) -> Vec<StoryId> {
    store
        .cross_language()
        .links_of(story)
        .await
        .expect("links")
        .into_iter()
        .map(|(s, _)| s.id)
        .collect()
}

#[tokio::test]
async fn stories_of_other_languages_are_found_linked_both_ways_and_replaced() {
    each_backend(|store| async move {
        let source = source(&store).await;
        let t = 100 * DAY;
        let en = story(&store, source, "en", t).await;
        let de = story(&store, source, "de", t + 3_600).await;
        let fr = story(&store, source, "fr", t + 7_200).await;
        let de_later = story(&store, source, "de", t + DAY).await;
        let de_long_ago = story(&store, source, "de", t - 30 * DAY).await;
        let en_too = story(&store, source, "en", t).await;
        let x = store.cross_language();
        let en_keys = keyed(en, "en", t, &["e:henrik vogt", "e:kyiv", "n:3e8"]);
        x.save(&en_keys, &[]).await.expect("save");
        x.save(
            &keyed(de, "de", t + 3_600, &["e:henrik vogt", "e:kyiv"]),
            &[],
        )
        .await
        .expect("save");
        x.save(
            &keyed(fr, "fr", t + 7_200, &["e:henrik vogt", "e:geneva"]),
            &[],
        )
        .await
        .expect("save");
        x.save(&keyed(de_later, "de", t + DAY, &["e:henrik vogt"]), &[])
            .await
            .expect("save");
        x.save(
            &keyed(
                de_long_ago,
                "de",
                t - 30 * DAY,
                &["e:henrik vogt", "e:kyiv"],
            ),
            &[],
        )
        .await
        .expect("save");
        x.save(&keyed(en_too, "en", t, &["e:henrik vogt", "e:kyiv"]), &[])
            .await
            .expect("save");

        // Other languages, in the window, most keys shared first; not itself, not English,
        // not the story of a month ago.
        let keys: Vec<String> = vec!["e:henrik vogt".into(), "e:kyiv".into()];
        let query = CandidateQuery {
            story: en,
            language: "en",
            only: None,
            keys: &keys,
            from: t - 3 * DAY,
            to: t + 3 * DAY,
            limit: 10,
        };
        let found = x.candidates(&query).await.expect("candidates");
        assert_eq!(found[0].story, de, "two keys shared");
        let mut rest = ids(&found[1..]);
        rest.sort();
        assert_eq!(rest, vec![fr, de_later]);
        assert_eq!(found[0].language, "de");
        assert_eq!(found[0].keys.len(), 2, "all of the candidate's keys");
        let german = CandidateQuery {
            only: Some("de"),
            ..query
        };
        assert_eq!(
            ids(&x.candidates(&german).await.expect("candidates")),
            vec![de, de_later]
        );
        let limited = CandidateQuery { limit: 1, ..query };
        assert_eq!(
            ids(&x.candidates(&limited).await.expect("candidates")),
            vec![de]
        );

        // Links both ways; saving a story again replaces them; only changes move the
        // revision.
        let before = store.revision().await.expect("revision");
        x.save(&en_keys, &[(de, "de".into(), 7.0), (fr, "fr".into(), 5.0)])
            .await
            .expect("save");
        let after = store.revision().await.expect("revision");
        assert!(after > before, "new links change pages");
        assert_eq!(linked(&store, en).await, vec![de, fr], "best first");
        assert_eq!(linked(&store, de).await, vec![en]);
        assert_eq!(linked(&store, fr).await, vec![en]);
        // Many at once, as a list of cards asks: in the order asked, each best first.
        let many: Vec<(StoryId, StoryId)> = x
            .links_of_many(&[fr, en_too, en, de])
            .await
            .expect("links")
            .into_iter()
            .map(|(story, other, _)| (story, other.id))
            .collect();
        assert_eq!(many, vec![(fr, en), (en, de), (en, fr), (de, en)]);
        assert!(x.links_of_many(&[]).await.expect("links").is_empty());
        x.save(&en_keys, &[(de, "de".into(), 7.0), (fr, "fr".into(), 5.0)])
            .await
            .expect("save");
        assert_eq!(
            store.revision().await.expect("revision"),
            after,
            "the same links change nothing"
        );

        // A German story now linked to the English one displaces the first German link.
        x.save(
            &keyed(de_later, "de", t + DAY, &["e:henrik vogt"]),
            &[(en, "en".into(), 8.0)],
        )
        .await
        .expect("save");
        assert_eq!(linked(&store, en).await, vec![de_later, fr]);
        assert!(linked(&store, de).await.is_empty());
        assert_eq!(linked(&store, de_later).await, vec![en]);

        // Understood again without links: none left on either side.
        x.save(&en_keys, &[]).await.expect("save");
        assert!(linked(&store, en).await.is_empty());
        assert!(linked(&store, de_later).await.is_empty());
        assert!(linked(&store, fr).await.is_empty());
        let stored = x.keyed(&[en.0]).await.expect("keys");
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].keys.len(), 3, "keys replaced, not added");
    })
    .await;
}

#[tokio::test]
async fn a_story_deleted_by_retention_takes_its_keys_and_links_with_it() {
    each_backend(|store| async move {
        let source = source(&store).await;
        let t = 10 * DAY;
        let en = story(&store, source, "en", t).await;
        let de = story(&store, source, "de", t).await;
        let x = store.cross_language();
        x.save(&keyed(de, "de", t, &["e:vessa"]), &[])
            .await
            .expect("save");
        x.save(&keyed(en, "en", t, &["e:vessa"]), &[(de, "de".into(), 6.0)])
            .await
            .expect("save");
        assert_eq!(linked(&store, de).await, vec![en]);

        // The English article goes, then its empty story.
        let gone = store
            .retention()
            .delete_articles(t + 1, 1, t + 1)
            .await
            .expect("delete articles");
        assert_eq!(gone.len(), 1);
        let deleted = store
            .retention()
            .delete_empty_stories(t + 1, 10)
            .await
            .expect("delete stories");
        assert_eq!(deleted, 1);
        assert!(
            store.stories().get(en).await.expect("get").is_none(),
            "oldest first"
        );
        assert!(
            linked(&store, de).await.is_empty(),
            "no link to a deleted story"
        );
        assert!(
            x.keyed(&[en.0]).await.expect("keys").is_empty(),
            "the deleted story's keys are gone"
        );
        assert_eq!(x.keyed(&[de.0]).await.expect("keys").len(), 1);
    })
    .await;
}
