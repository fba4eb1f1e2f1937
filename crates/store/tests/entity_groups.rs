//! One entity across languages, on every backend: a place the extraction named in English,
//! German and French (three slugs) is merged into one entity, the one with the most stories,
//! whose stories are all three languages' and whose names are each language's; the other
//! slugs answer as merged into it, never into an entity merged in its turn; a later save of
//! a merged slug is saved as the entity it is now, with the story's own name; two groups
//! merge into the bigger, a story naming both keeps one summed mention, and the readers'
//! follows and hidden entries move along without duplicates. Entities of different kinds,
//! unknown slugs and entities already one are not merged. The page's lookup reads indexes.

use tidings_model::{NewArticle, Role, SourceId, StoryId, UserId};
use tidings_store::testing::each_backend;
use tidings_store::{
    EntityLookup, Follow, FollowKind, HiddenThing, NewSource, NewUser, Placement, Store,
    StoredInsight, StoryEntity,
};

const AT: i64 = 1_750_000_000;

async fn source(store: &Store) -> SourceId {
    let new = NewSource {
        url: "https://news.example/feed".into(),
        name: "News".into(),
        ..NewSource::default()
    };
    store.sources().add(&new, 0).await.expect("add source").id
}

/// One story of one article in `language`.
async fn story(store: &Store, source: SourceId, language: &str) -> StoryId {
    let n = store.articles().count().await.expect("count");
    let article = NewArticle {
        url: format!("https://news.example/{n}"),
        title: format!("Report {n} in {language}"),
        published_at: Some(AT + n),
        fetched_at: AT + n,
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
        .create_story(&waiting[0].title, Some(language), AT + n)
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
    batch.commit(AT + n).await.expect("commit");
    id
}

fn entity(name: &str, kind: &str, mentions: i64) -> StoryEntity {
    StoryEntity {
        slug: name.to_lowercase().replace(' ', "-"),
        name: name.into(),
        kind: kind.into(),
        mentions,
    }
}

/// Saves `entities` as `story`'s; returns the slugs they were saved under.
async fn save(store: &Store, story: StoryId, entities: &[StoryEntity]) -> Vec<String> {
    let insight = StoredInsight {
        version: 1,
        computed_at: AT,
        json: "{}".into(),
    };
    store
        .insights()
        .save(story, &insight, entities)
        .await
        .expect("save")
}

async fn lookup(store: &Store, slug: &str) -> Option<EntityLookup> {
    store.entity_groups().lookup(slug).await.expect("lookup")
}

async fn names(store: &Store, slug: &str) -> Vec<(String, String)> {
    match lookup(store, slug).await {
        Some(EntityLookup::Entity(group)) => group.names,
        other => panic!("{slug} is no entity of its own: {other:?}"),
    }
}

async fn stories_of(store: &Store, slug: &str) -> Vec<StoryId> {
    let mut ids: Vec<StoryId> = store
        .insights()
        .stories_of(slug, 100, 0)
        .await
        .expect("stories")
        .into_iter()
        .map(|s| s.id)
        .collect();
    ids.sort();
    ids
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_string(), (*b).to_string()))
        .collect()
}

fn merged_into(slug: &str) -> Option<EntityLookup> {
    Some(EntityLookup::MergedInto(slug.into()))
}

#[tokio::test]
async fn one_place_in_three_languages_becomes_one_entity() {
    each_backend(|store| async move {
        let news = source(&store).await;
        let en1 = story(&store, news, "en").await;
        let en2 = story(&store, news, "en-GB").await;
        let de = story(&store, news, "de").await;
        let fr = story(&store, news, "fr-FR").await;
        let saved = save(
            &store,
            en1,
            &[
                entity("Marovia", "place", 3),
                entity("Ilse Brandt", "person", 1),
            ],
        )
        .await;
        assert_eq!(saved, ["ilse-brandt", "marovia"]);
        save(&store, en2, &[entity("Marovia", "place", 1)]).await;
        save(&store, de, &[entity("Marovien", "place", 2)]).await;
        save(&store, fr, &[entity("Marovie", "place", 1)]).await;
        // Each entity keeps the language of the story it was first seen in.
        assert_eq!(
            names(&store, "marovien").await,
            pairs(&[("de", "Marovien")])
        );
        assert_eq!(names(&store, "marovie").await, pairs(&[("fr", "Marovie")]));

        let groups = store.entity_groups();
        let before = store.revision().await.expect("revision");
        // The entity with more stories takes the other's.
        assert_eq!(
            groups.merge("marovien", "marovia").await.expect("merge"),
            Some("marovia".to_string())
        );
        assert!(
            store.revision().await.expect("revision") > before,
            "pages change"
        );
        assert_eq!(lookup(&store, "marovien").await, merged_into("marovia"));
        // A slug merged already stands for its entity: the French one joins the same.
        assert_eq!(
            groups.merge("marovie", "marovien").await.expect("merge"),
            Some("marovia".to_string())
        );
        assert_eq!(lookup(&store, "marovie").await, merged_into("marovia"));
        assert_eq!(lookup(&store, "marovien").await, merged_into("marovia"));
        assert_eq!(
            names(&store, "marovia").await,
            pairs(&[("en", "Marovia"), ("fr", "Marovie"), ("de", "Marovien")])
        );
        let mut all = vec![en1, en2, de, fr];
        all.sort();
        assert_eq!(stories_of(&store, "marovia").await, all);
        assert!(stories_of(&store, "marovien").await.is_empty());
        assert_eq!(
            groups.resolve("marovie").await.expect("resolve").as_deref(),
            Some("marovia")
        );
        assert_eq!(groups.resolve("nowhere").await.expect("resolve"), None);

        // The name a reader sees: their language's where known, else the entity's own.
        let Some(EntityLookup::Entity(group)) = lookup(&store, "marovia").await else {
            panic!("marovia is an entity");
        };
        let langs = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(group.name_for(&langs(&["de", "en"])), ("Marovien", "de"));
        assert_eq!(group.name_for(&langs(&["es", "fr"])), ("Marovie", "fr"));
        assert_eq!(group.name_for(&langs(&["es"])), ("Marovia", "en"));
        assert_eq!(group.name_for(&[]), ("Marovia", "en"));

        // Each story shows the entity by its own name.
        let of = |s| {
            let store = store.clone();
            async move { store.insights().entities_of(s).await.expect("entities") }
        };
        let german = of(de).await;
        assert_eq!(
            (german[0].slug.as_str(), german[0].name.as_str()),
            ("marovia", "Marovien")
        );

        // Nothing more to merge: one already, another kind, an unknown slug.
        assert_eq!(
            groups.merge("marovia", "marovie").await.expect("merge"),
            None
        );
        assert_eq!(
            groups.merge("marovia", "ilse-brandt").await.expect("merge"),
            None
        );
        assert_eq!(
            groups.merge("marovia", "nowhere").await.expect("merge"),
            None
        );
        assert_eq!(
            names(&store, "ilse-brandt").await,
            pairs(&[("en", "Ilse Brandt")])
        );

        // Understood again, the German story names its merged slug, and the French spelling
        // too: saved as the one entity, one summed mention, under the story's first name.
        let saved = save(
            &store,
            de,
            &[
                entity("Marovien", "place", 4),
                entity("Marovie", "place", 1),
            ],
        )
        .await;
        assert_eq!(saved, ["marovia"]);
        let german = of(de).await;
        assert_eq!(german.len(), 1, "{german:?}");
        assert_eq!(
            (
                german[0].slug.as_str(),
                german[0].name.as_str(),
                german[0].mentions
            ),
            ("marovia", "Marovien", 5)
        );
        assert_eq!(stories_of(&store, "marovia").await, all);
        // A new German story naming it joins the entity's page at once.
        let de2 = story(&store, news, "de").await;
        assert_eq!(
            save(&store, de2, &[entity("Marovien", "place", 1)]).await,
            ["marovia"]
        );
        assert!(stories_of(&store, "marovia").await.contains(&de2));

        // The lookup reads the primary key and the index of merged entities.
        if store.backend() == tidings_store::Backend::Sqlite {
            let plan = tidings_store::testing::entity_lookup_plan(&store, "marovia").await;
            assert!(
                plan.iter()
                    .any(|l| l.contains("USING INDEX sqlite_autoindex_entities_1 (slug=?)")),
                "{plan:?}"
            );
            assert!(
                plan.iter()
                    .any(|l| l.contains("USING INDEX entities_by_merged_into (merged_into=?)")),
                "{plan:?}"
            );
        }
    })
    .await;
}

async fn user(store: &Store, name: &str) -> UserId {
    let new = NewUser {
        name: name.into(),
        display_name: name.into(),
        password_hash: "x".into(),
        role: Role::Reader,
    };
    store.users().create(&new, AT).await.expect("user").id
}

fn follow(slug: &str) -> Follow {
    Follow {
        kind: FollowKind::Entity,
        target: slug.into(),
    }
}

#[tokio::test]
async fn two_groups_merge_into_the_bigger_and_readers_keep_what_they_followed_and_hid() {
    each_backend(|store| async move {
        let news = source(&store).await;
        // Group one: "kestria" (English, two stories) with "kestrien" (German) merged in.
        let en1 = story(&store, news, "en").await;
        let en2 = story(&store, news, "en").await;
        let de = story(&store, news, "de").await;
        save(&store, en1, &[entity("Kestria", "place", 1)]).await;
        save(&store, en2, &[entity("Kestria", "place", 1)]).await;
        save(&store, de, &[entity("Kestrien", "place", 1)]).await;
        let groups = store.entity_groups();
        assert_eq!(
            groups.merge("kestria", "kestrien").await.expect("merge"),
            Some("kestria".to_string())
        );
        // Group two: "kestrie" (French), three stories, one of them naming "Kestria" too.
        let mut french = Vec::new();
        for _ in 0..3 {
            let fr = story(&store, news, "fr").await;
            save(&store, fr, &[entity("Kestrie", "place", 2)]).await;
            french.push(fr);
        }
        save(
            &store,
            french[0],
            &[entity("Kestrie", "place", 2), entity("Kestria", "place", 3)],
        )
        .await;

        let ana = user(&store, "ana").await;
        let bo = user(&store, "bo").await;
        let reading = store.reading();
        let hidden = store.hidden();
        reading
            .follow(ana, &follow("kestrie"), AT)
            .await
            .expect("follow");
        reading
            .follow(bo, &follow("kestria"), AT)
            .await
            .expect("follow");
        reading
            .follow(bo, &follow("kestrie"), AT)
            .await
            .expect("follow");
        hidden
            .hide(ana, &HiddenThing::entity("kestrie"), AT)
            .await
            .expect("hide");
        hidden
            .hide(bo, &HiddenThing::entity("kestria"), AT)
            .await
            .expect("hide");
        hidden
            .hide(bo, &HiddenThing::entity("kestrie"), AT)
            .await
            .expect("hide");

        // Four stories against three (the story naming both counts on both sides): the
        // English group keeps its slug …
        assert_eq!(
            groups.merge("kestrie", "kestrien").await.expect("merge"),
            Some("kestria".to_string())
        );
        // … and every merged slug points at it directly.
        for slug in ["kestrien", "kestrie"] {
            assert_eq!(lookup(&store, slug).await, merged_into("kestria"), "{slug}");
        }
        let mut all = vec![en1, en2, de];
        all.extend(&french);
        all.sort();
        assert_eq!(stories_of(&store, "kestria").await, all);
        let both = store
            .insights()
            .entities_of(french[0])
            .await
            .expect("entities");
        assert_eq!(both.len(), 1, "{both:?}");
        assert_eq!((both[0].slug.as_str(), both[0].mentions), ("kestria", 5));

        // Follows and hidden entries name the entity now, each reader's once.
        for who in [ana, bo] {
            let follows = reading.follows(who).await.expect("follows");
            assert_eq!(follows, vec![follow("kestria")], "{who:?}");
        }
        assert!(
            hidden
                .hides(ana, &HiddenThing::entity("kestria"))
                .await
                .expect("hides")
        );
        let bo_hides: Vec<String> = hidden
            .list(bo)
            .await
            .expect("list")
            .into_iter()
            .map(|h| h.thing.target)
            .collect();
        assert_eq!(bo_hides, ["kestria"]);
    })
    .await;
}

#[tokio::test]
async fn the_bigger_group_keeps_its_slug_whichever_side_it_is_named_on() {
    each_backend(|store| async move {
        let news = source(&store).await;
        // "sorvania" (English) with "sorvanien" (German) merged in: two stories.
        let en = story(&store, news, "en").await;
        let de = story(&store, news, "de").await;
        save(&store, en, &[entity("Sorvania", "place", 1)]).await;
        save(&store, de, &[entity("Sorvanien", "place", 1)]).await;
        let groups = store.entity_groups();
        assert_eq!(
            groups.merge("sorvanien", "sorvania").await.expect("merge"),
            Some("sorvania".to_string())
        );
        // "sorvanie" (French): three stories, so it keeps its slug, named second or first.
        let mut all = vec![en, de];
        for _ in 0..3 {
            let fr = story(&store, news, "fr").await;
            save(&store, fr, &[entity("Sorvanie", "place", 1)]).await;
            all.push(fr);
        }
        all.sort();
        assert_eq!(
            groups.merge("sorvania", "sorvanie").await.expect("merge"),
            Some("sorvanie".to_string())
        );
        // The smaller group's entities all point at it, none at an entity merged in turn.
        for slug in ["sorvania", "sorvanien"] {
            assert_eq!(
                lookup(&store, slug).await,
                merged_into("sorvanie"),
                "{slug}"
            );
        }
        assert_eq!(stories_of(&store, "sorvanie").await, all);
        assert_eq!(
            names(&store, "sorvanie").await,
            pairs(&[("fr", "Sorvanie"), ("en", "Sorvania"), ("de", "Sorvanien")])
        );
    })
    .await;
}
