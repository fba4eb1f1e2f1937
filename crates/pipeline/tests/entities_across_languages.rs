//! One entity across languages through the pipeline, on every backend: floods in a country
//! the gazetteer does not know, reported in English ("Kestria"), German ("Kestrien") and
//! French ("Kestrie"), make three linked stories, and understanding them makes the three
//! entities one, whose page lists the three stories and whose other slugs are merged into
//! it, with each language's name. A dock strike reported in English and German is linked
//! too, but the English story's minister Anna Berg and the German story's shipping chief
//! Thomas Berg share only a surname: they stay two people.

mod support;

use support::{add, loopback_fetcher};
use tidings_model::StoryId;
use tidings_pipeline::{
    Pipeline, PipelineSettings, assign_stories, fetch_source, understand_story,
};
use tidings_store::testing::each_backend;
use tidings_store::{EntityLookup, Store};
use tidings_testkit::{FixtureWeb, Reply};

/// An RSS feed in `language` with items of (title, text, path).
fn feed(web: &FixtureWeb, name: &str, language: &str, items: &[(&str, &str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(title, text, path)| {
            format!(
                "<item><title>{title}</title><link>{}</link><description>{text}</description></item>",
                web.url(path)
            )
        })
        .collect();
    format!(
        "<rss version=\"2.0\"><channel><title>{name}</title><language>{language}</language>{items}</channel></rss>"
    )
}

const FLOOD_EN: &str = "Floods swept across Kestria on Monday, killing at least 27 people in \
    the river town of Orlenz, officials said. Interior minister Tomas Halden said \
    about 4,300 residents had been evacuated overnight. The river rose 3.8 metres above its \
    normal level by 5:40 a.m. Rescuers in Orlenz used boats to reach people trapped on \
    rooftops. They were the worst floods in Kestria since 1997.";
const FLOOD_DE: &str = "Bei schweren Überschwemmungen im Süden von Kestrien sind mindestens 27 \
    Menschen ums Leben gekommen. Am schlimmsten betroffen ist die Kleinstadt Orlenz, wie die \
    Behörden mitteilten. Innenminister Tomas Halden sagte, rund 4300 Bewohner seien in der \
    Nacht in Sicherheit gebracht worden. Der Fluss stieg bis 5.40 Uhr um 3,8 Meter über den \
    normalen Stand. Zuletzt hatte es in Kestrien 1997 ein Hochwasser dieses Ausmaßes gegeben.";
const FLOOD_FR: &str = "Des inondations ont frappé lundi le sud de la Kestrie, faisant au moins \
    27 morts dans la petite ville d'Orlenz, selon les autorités. Le ministre de l'Intérieur, \
    Tomas Halden, a indiqué que 4 300 habitants avaient été évacués dans la nuit. La rivière \
    est montée de 3,8 mètres au-dessus de son niveau normal à 5 h 40. Les habitants de la \
    Kestrie n'avaient pas connu de telles crues depuis 1997.";
const STRIKE_EN: &str = "Dockworkers in Velmar walked out at 6:15 a.m. on Thursday, leaving 14 \
    container ships waiting offshore, union leader Jonas Reuter said. About 2,600 workers \
    joined the strike over pay. Transport minister Anna Berg called on both sides to return \
    to talks. \"We cannot let the port stand still,\" Berg said.";
const STRIKE_DE: &str = "Im Hafen von Velmar haben am Donnerstag um 6.15 Uhr rund 2600 \
    Hafenarbeiter die Arbeit niedergelegt, wie Gewerkschaftschef Jonas Reuter mitteilte. 14 \
    Containerschiffe warten vor der Küste. Reederei-Chef Thomas Berg sagte, der Streik koste \
    die Branche täglich Millionen.";

fn pipeline(store: Store) -> Pipeline {
    Pipeline::new(
        store,
        loopback_fetcher(),
        PipelineSettings {
            fetch_pages: false,
            ..PipelineSettings::default()
        },
    )
}

/// Three outlets' feeds: the floods in English, German and French, the strike in English
/// and German.
async fn three_outlets() -> FixtureWeb {
    let web = FixtureWeb::start().await;
    let en = feed(
        &web,
        "Harbour Post",
        "en",
        &[
            ("Floods kill 27 in Kestria", FLOOD_EN, "/en/floods"),
            (
                "Dock strike strands ships at Velmar",
                STRIKE_EN,
                "/en/strike",
            ),
        ],
    );
    let de = feed(
        &web,
        "Rundschau",
        "de",
        &[
            (
                "Hochwasser in Kestrien: 27 Tote",
                FLOOD_DE,
                "/de/hochwasser",
            ),
            ("Streik im Hafen von Velmar", STRIKE_DE, "/de/streik"),
        ],
    );
    let fr = feed(
        &web,
        "L'Écho",
        "fr",
        &[(
            "Inondations en Kestrie : 27 morts",
            FLOOD_FR,
            "/fr/inondations",
        )],
    );
    web.set("/en.xml", Reply::feed(en));
    web.set("/de.xml", Reply::feed(de));
    web.set("/fr.xml", Reply::feed(fr));
    web
}

/// The story whose title contains `words`.
async fn story_titled(store: &Store, words: &str) -> StoryId {
    store
        .stories()
        .recent(0, 50)
        .await
        .expect("recent")
        .into_iter()
        .find(|s| s.title.contains(words))
        .unwrap_or_else(|| panic!("a story titled …{words}…"))
        .id
}

async fn linked(store: &Store, story: StoryId) -> Vec<StoryId> {
    let mut ids: Vec<StoryId> = store
        .cross_language()
        .links_of(story)
        .await
        .expect("links")
        .into_iter()
        .map(|(s, _)| s.id)
        .collect();
    ids.sort();
    ids
}

/// The stories of the entity `slug`'s page, sorted.
async fn page_stories(store: &Store, slug: &str) -> Vec<StoryId> {
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

/// The entities a story names, as (slug, name, kind).
async fn named(store: &Store, story: StoryId) -> Vec<(String, String, String)> {
    store
        .insights()
        .entities_of(story)
        .await
        .expect("entities")
        .into_iter()
        .map(|e| (e.slug, e.name, e.kind))
        .collect()
}

/// Fetches the three outlets, places their reports (five stories) and understands each
/// story, as the queued jobs would.
async fn ingest(store: &Store, web: &FixtureWeb) {
    let pipeline = pipeline(store.clone());
    for (path, name) in [
        ("/en.xml", "Harbour Post"),
        ("/de.xml", "Rundschau"),
        ("/fr.xml", "L'Écho"),
    ] {
        let id = add(store, web.url(path), name).await;
        fetch_source::run(&pipeline, id).await.expect("fetch");
    }
    let mut assigner = assign_stories::rebuild(&pipeline).await.expect("rebuild");
    assign_stories::assign_pending(&pipeline, &mut assigner)
        .await
        .expect("assign");
    assert_eq!(store.stories().count().await.expect("count"), 5);
    for story in store.stories().recent(0, 50).await.expect("recent") {
        understand_story::run(&pipeline, story.id)
            .await
            .expect("understand");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_place_named_in_three_languages_is_one_entity() {
    let web = three_outlets().await;
    let web = &web;
    each_backend(|store| async move {
        ingest(&store, web).await;
        let en = story_titled(&store, "Floods kill").await;
        let de = story_titled(&store, "Hochwasser").await;
        let fr = story_titled(&store, "Inondations").await;
        let mut all = vec![en, de, fr];
        all.sort();
        for story in all.clone() {
            let others: Vec<StoryId> = all.iter().copied().filter(|s| *s != story).collect();
            assert_eq!(
                linked(&store, story).await,
                others,
                "the floods are one event"
            );
        }

        let groups = store.entity_groups();
        let english = named(&store, en).await;
        let entity = groups
            .resolve("kestria")
            .await
            .expect("resolve")
            .unwrap_or_else(|| panic!("Kestria is an entity: {english:?}"));
        for slug in ["kestria", "kestrien", "kestrie"] {
            assert_eq!(
                groups.resolve(slug).await.expect("resolve").as_deref(),
                Some(entity.as_str()),
                "{slug} is the one entity: {:?} {:?} {:?}",
                named(&store, en).await,
                named(&store, de).await,
                named(&store, fr).await
            );
            if slug != entity {
                assert_eq!(
                    groups.lookup(slug).await.expect("lookup"),
                    Some(EntityLookup::MergedInto(entity.clone())),
                    "{slug}'s page redirects"
                );
            }
        }
        let Some(EntityLookup::Entity(group)) = groups.lookup(&entity).await.expect("lookup")
        else {
            panic!("{entity} is an entity of its own");
        };
        assert_eq!(group.kind, "place");
        let mut names = group.names.clone();
        names.sort();
        assert_eq!(
            names,
            [("de", "Kestrien"), ("en", "Kestria"), ("fr", "Kestrie")]
                .map(|(l, n)| (l.to_string(), n.to_string()))
        );
        assert_eq!(
            page_stories(&store, &entity).await,
            all,
            "one page, three languages"
        );
        // Each story keeps its own name for it.
        let german = named(&store, de).await;
        assert!(
            german.contains(&(entity.clone(), "Kestrien".to_string(), "place".to_string())),
            "{german:?}"
        );
        // A name the three share already was one entity: the town is on one page as it was.
        assert_eq!(page_stories(&store, "orlenz").await, all);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_people_of_one_surname_in_linked_stories_stay_two() {
    let web = three_outlets().await;
    let web = &web;
    each_backend(|store| async move {
        ingest(&store, web).await;
        let en = story_titled(&store, "Dock strike").await;
        let de = story_titled(&store, "Streik im Hafen").await;
        assert_eq!(
            linked(&store, en).await,
            vec![de],
            "the strike is one event"
        );
        let people = |story| {
            let store = store.clone();
            async move {
                named(&store, story)
                    .await
                    .into_iter()
                    .filter(|(_, _, kind)| kind == "person")
                    .map(|(slug, _, _)| slug)
                    .collect::<Vec<_>>()
            }
        };
        let (en_people, de_people) = (people(en).await, people(de).await);
        assert!(
            en_people.contains(&"anna-berg".to_string()),
            "{en_people:?}"
        );
        assert!(
            de_people.contains(&"thomas-berg".to_string()),
            "{de_people:?}"
        );
        let groups = store.entity_groups();
        for (slug, story) in [("anna-berg", en), ("thomas-berg", de)] {
            assert!(
                matches!(
                    groups.lookup(slug).await.expect("lookup"),
                    Some(EntityLookup::Entity(ref g)) if g.names.len() == 1
                ),
                "{slug} is an entity of its own, of one name"
            );
            assert_eq!(page_stories(&store, slug).await, vec![story], "{slug}");
        }
        // The union leader both name is one person, as he was.
        let mut both = vec![en, de];
        both.sort();
        assert_eq!(page_stories(&store, "jonas-reuter").await, both);
    })
    .await;
}
