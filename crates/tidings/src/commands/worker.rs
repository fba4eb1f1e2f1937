//! `worker`: the pipeline without the web site — fetch, parse, extract, place stories,
//! understand — for installations on PostgreSQL that run any number of worker and web
//! processes. The scheduler and the story assigner run in one of them at a time; the others
//! take over when it stops.

use super::open_store;
use super::serve::{build_pipeline, open_search, stop_on_signal};
use crate::settings::Settings;
use tidings_pipeline::BundledDocuments;
use tidings_store::Backend;
use tokio_util::sync::CancellationToken;

pub(crate) async fn run(settings: Settings) -> anyhow::Result<()> {
    let store = open_store(&settings).await?;
    if store.backend() != Backend::Postgres {
        store.close().await;
        anyhow::bail!(
            "`tidings worker` needs PostgreSQL (--database-url postgres://…): the embedded \
             SQLite database belongs to the one `tidings serve` process, which runs the \
             workers itself"
        );
    }
    let (pipeline, _) = build_pipeline(&settings, &store, BundledDocuments::new())?;
    let pipeline = pipeline.with_search(std::sync::Arc::new(open_search(&settings, &store)?));
    let shutdown = CancellationToken::new();
    tokio::spawn(stop_on_signal(shutdown.clone()));
    println!("Tidings worker running on {}", store.backend_name());
    let result = pipeline.run(shutdown).await;
    store.close().await;
    tracing::info!("stopped");
    Ok(result?)
}
