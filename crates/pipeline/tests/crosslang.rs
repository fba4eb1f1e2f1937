//! One event across languages through the pipeline, on every backend: three outlets in
//! English, German and French report an earthquake, and the understanding step links the
//! three stories to one another, both ways; a German story that shares only a minister with
//! an English one stays unlinked; a report joining the English story keeps its links, and
//! nothing is linked twice; three workers understanding the three stories at once still link
//! them all.

mod support;

use support::{add, loopback_fetcher};
use tidings_model::StoryId;
use tidings_pipeline::{
    Pipeline, PipelineSettings, assign_stories, fetch_source, understand_story,
};
use tidings_store::Store;
use tidings_store::testing::each_backend;
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

const QUAKE_EN: &str = "A magnitude 5.8 earthquake struck the central Italian region of Marche at \
    4:12 a.m. on Tuesday, killing at least 11 people in the hill town of Camerino, the civil \
    protection agency said. Rescuers pulled 23 people alive from collapsed buildings overnight. \
    Civil protection chief Fabio Cerrato said about 1,400 residents had spent the night in \
    tents. The quake was felt as far away as Rome.";
const QUAKE_DE: &str = "Ein Erdbeben der Stärke 5,8 hat am frühen Dienstagmorgen die \
    mittelitalienische Region Marken erschüttert. In der Kleinstadt Camerino kamen mindestens \
    13 Menschen ums Leben, wie der Zivilschutz mitteilte. Das Beben ereignete sich um 4.12 Uhr \
    in neun Kilometern Tiefe. Zivilschutzchef Fabio Cerrato sagte, rund 1400 Bewohner hätten \
    die Nacht in Zelten verbracht.";
const QUAKE_FR: &str = "Le bilan du séisme qui a frappé mardi la région des Marches, dans le \
    centre de l'Italie, s'est alourdi à 13 morts. La secousse, de magnitude 5,8, s'est \
    produite à 4 h 12 sous la petite ville universitaire de Camerino. « Nous cherchons encore \
    deux personnes », a déclaré le chef de la protection civile, Fabio Cerrato.";
const NATO_EN: &str = "NATO foreign ministers met in Brussels on Wednesday, where Germany's \
    Henrike Vogt urged allies to move faster towards spending 3.5% of economic output on \
    defence by 2030. Secretary General Lars Holmgren said Germany had set an example.";
const KYIV_DE: &str = "Bundesaußenministerin Henrike Vogt hat der Ukraine bei einem \
    unangekündigten Besuch in Kiew weitere Hilfen über 300 Millionen Euro zugesagt. Das Geld \
    sei vor allem für die Reparatur der Energieversorgung bestimmt, sagte Vogt nach einem \
    Treffen mit ihrem Amtskollegen Andrij Sybenko.";
const QUAKE_EN_LATER: &str = "Rescuers in Camerino found two more survivors on Wednesday, a day \
    after the magnitude 5.8 earthquake. Civil protection chief Fabio Cerrato said the toll \
    stood at 13 and that the 1,400 people in tents would be moved to hotels on the coast.";

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

/// Understands every story, as the queued jobs would.
async fn understand_all(store: &Store, pipeline: &Pipeline) {
    for story in store.stories().recent(0, 50).await.expect("recent") {
        understand_story::run(pipeline, story.id)
            .await
            .expect("understand");
    }
}

/// Three outlets' feeds: the quake in English, German and French, NATO in English and Kyiv
/// in German.
async fn three_outlets() -> FixtureWeb {
    let web = FixtureWeb::start().await;
    web.set(
        "/en.xml",
        Reply::feed(feed(
            &web,
            "Harbour Post",
            "en",
            &[
                (
                    "Earthquake kills 11 in central Italy",
                    QUAKE_EN,
                    "/en/quake",
                ),
                ("NATO ministers meet in Brussels", NATO_EN, "/en/nato"),
            ],
        )),
    );
    web.set(
        "/de.xml",
        Reply::feed(feed(
            &web,
            "Rundschau",
            "de",
            &[
                ("Erdbeben in Mittelitalien", QUAKE_DE, "/de/beben"),
                ("Vogt sagt Kiew weitere Hilfe zu", KYIV_DE, "/de/kiew"),
            ],
        )),
    );
    web.set(
        "/fr.xml",
        Reply::feed(feed(
            &web,
            "L'Écho",
            "fr",
            &[("Séisme dans le centre de l'Italie", QUAKE_FR, "/fr/seisme")],
        )),
    );
    web
}

/// Fetches the three outlets and places their reports: five stories.
async fn fetch_and_place(
    store: &Store,
    pipeline: &Pipeline,
    web: &FixtureWeb,
) -> tidings_stories::Assigner {
    for (path, name) in [
        ("/en.xml", "Harbour Post"),
        ("/de.xml", "Rundschau"),
        ("/fr.xml", "L'Écho"),
    ] {
        let id = add(store, web.url(path), name).await;
        fetch_source::run(pipeline, id).await.expect("fetch");
    }
    let mut assigner = assign_stories::rebuild(pipeline).await.expect("rebuild");
    assign_stories::assign_pending(pipeline, &mut assigner)
        .await
        .expect("assign");
    assert_eq!(store.stories().count().await.expect("count"), 5);
    assigner
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_reported_in_three_languages_is_linked_across_them() {
    let web = three_outlets().await;
    let web = &web;
    each_backend(|store| async move {
        let pipeline = pipeline(store.clone());
        let mut assigner = fetch_and_place(&store, &pipeline, web).await;
        understand_all(&store, &pipeline).await;

        let en = story_titled(&store, "Earthquake kills").await;
        let de = story_titled(&store, "Erdbeben").await;
        let fr = story_titled(&store, "Séisme").await;
        let nato = story_titled(&store, "NATO").await;
        let kyiv = story_titled(&store, "Kiew").await;
        let mut others = vec![de, fr];
        others.sort();
        assert_eq!(
            linked(&store, en).await,
            others,
            "English to German and French"
        );
        let mut others = vec![en, fr];
        others.sort();
        assert_eq!(
            linked(&store, de).await,
            others,
            "German to English and French"
        );
        let mut others = vec![en, de];
        others.sort();
        assert_eq!(
            linked(&store, fr).await,
            others,
            "French to English and German"
        );
        assert!(
            linked(&store, nato).await.is_empty() && linked(&store, kyiv).await.is_empty(),
            "one minister at two events is not one event"
        );

        // A later English report joins its story; understood again, the links stay, once.
        web.set(
            "/en.xml",
            Reply::feed(feed(
                web,
                "Harbour Post",
                "en",
                &[
                    (
                        "Earthquake kills 11 in central Italy",
                        QUAKE_EN,
                        "/en/quake",
                    ),
                    ("NATO ministers meet in Brussels", NATO_EN, "/en/nato"),
                    (
                        "Two more survivors found in Camerino",
                        QUAKE_EN_LATER,
                        "/en/survivors",
                    ),
                ],
            )),
        );
        let sources = store.sources().list().await.expect("sources");
        let harbour = sources
            .iter()
            .find(|s| s.name == "Harbour Post")
            .expect("source");
        fetch_source::run(&pipeline, harbour.id)
            .await
            .expect("fetch");
        assign_stories::assign_pending(&pipeline, &mut assigner)
            .await
            .expect("assign");
        let story = store.stories().get(en).await.expect("get").expect("story");
        assert_eq!(
            story.article_count, 2,
            "the follow-up joined the English story"
        );
        understand_story::run(&pipeline, en)
            .await
            .expect("understand");
        let mut others = vec![de, fr];
        others.sort();
        assert_eq!(linked(&store, en).await, others);
        assert_eq!(
            store
                .cross_language()
                .links_of(de)
                .await
                .expect("links")
                .len(),
            2
        );
    })
    .await;
}

/// Rounds of the race below: each starts from stories with no evidence and no links.
const ROUNDS: usize = 6;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stories_understood_at_the_same_moment_are_still_linked() {
    let web = three_outlets().await;
    let web = &web;
    each_backend(|store| async move {
        let pipeline = pipeline(store.clone());
        fetch_and_place(&store, &pipeline, web).await;
        let en = story_titled(&store, "Earthquake kills").await;
        let de = story_titled(&store, "Erdbeben").await;
        let fr = story_titled(&store, "Séisme").await;
        for round in 0..ROUNDS {
            for story in [en, de, fr] {
                forget_evidence(&store, story).await;
            }
            // Three workers, one story each, at once.
            let workers: Vec<_> = [en, de, fr]
                .into_iter()
                .map(|story| {
                    let pipeline = pipeline.clone();
                    tokio::spawn(async move { understand_story::run(&pipeline, story).await })
                })
                .collect();
            for worker in workers {
                worker.await.expect("task").expect("understand");
            }
            for (story, mut others) in [(en, vec![de, fr]), (de, vec![en, fr]), (fr, vec![en, de])]
            {
                others.sort();
                assert_eq!(
                    linked(&store, story).await,
                    others,
                    "round {round}: every story linked to the other two"
                );
            }
        }
    })
    .await;
}

/// Drops a story's stored evidence and links, as if it had never been understood.
async fn forget_evidence(store: &Store, story: StoryId) {
    let keyed = tidings_store::KeyedStory {
        story,
        language: String::new(),
        first_at: 0,
        last_at: 0,
        keys: Vec::new(),
    };
    store
        .cross_language()
        .save(&keyed, &[])
        .await
        .expect("forget");
}
