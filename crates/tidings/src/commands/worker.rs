//! `worker`: the pipeline without the web site — fetch, parse, extract, place stories,
//! understand — for installations on PostgreSQL that run any number of worker and web
//! processes. The scheduler and the story assigner run in one of them at a time; the others
//! take over when it stops. With `--listen ADDR` it also answers `/metrics` (its own
//! counters and the database's figures) and `/healthz` there, for monitoring.

use super::open_store_waiting;
use super::serve::{build_pipeline, open_search, stop_on_signal};
use crate::settings::Settings;
use anyhow::Context;
use tidings_pipeline::BundledDocuments;
use tidings_store::{Backend, Store};
use tokio_util::sync::CancellationToken;

/// Serves `/metrics` and `/healthz` until `shutdown`, within the `[server]` limits.
async fn serve_metrics(
    listener: tokio::net::TcpListener,
    store: Store,
    limits: tidings_web::ServerLimits,
    shutdown: CancellationToken,
) {
    use axum::routing::get;
    let health_store = store.clone();
    let app = axum::Router::new()
        .route(
            "/metrics",
            get(move || {
                let store = store.clone();
                async move {
                    (
                        [(
                            axum::http::header::CONTENT_TYPE,
                            "text/plain; version=0.0.4; charset=utf-8",
                        )],
                        tidings_web::metrics::render(&store).await,
                    )
                }
            }),
        )
        .route(
            "/healthz",
            get(move || {
                let store = health_store.clone();
                async move {
                    let wait = std::time::Duration::from_secs(2);
                    match tokio::time::timeout(wait, store.ping()).await {
                        Ok(Ok(())) => (axum::http::StatusCode::OK, "ok\n".to_string()),
                        Ok(Err(err)) => (
                            axum::http::StatusCode::SERVICE_UNAVAILABLE,
                            format!("database unavailable: {err}; reconnecting\n"),
                        ),
                        Err(_) => (
                            axum::http::StatusCode::SERVICE_UNAVAILABLE,
                            "database unavailable: no answer within 2 s; reconnecting\n".into(),
                        ),
                    }
                }
            }),
        );
    let served = tidings_web::serve_app(listener, app, limits, shutdown.cancelled_owned()).await;
    if let Err(err) = served {
        tracing::warn!(%err, "the metrics listener stopped");
    }
}

pub(crate) async fn run(settings: Settings, listen: Option<String>) -> anyhow::Result<()> {
    let store = open_store_waiting(&settings).await?;
    if store.backend() != Backend::Postgres {
        store.close().await;
        anyhow::bail!(
            "`tidings worker` needs PostgreSQL (--database-url postgres://…): the embedded \
             SQLite database belongs to the one `tidings serve` process, which runs the \
             workers itself"
        );
    }
    let (pipeline, _) = build_pipeline(&settings, &store, BundledDocuments::new())?;
    let pipeline = pipeline.with_search(std::sync::Arc::new(open_search(&settings, &store).await?));
    let shutdown = CancellationToken::new();
    tokio::spawn(stop_on_signal(shutdown.clone()));
    if let Some(listen) = listen {
        let listener = tokio::net::TcpListener::bind(&listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        println!(
            "Tidings worker metrics on http://{}/metrics",
            listener.local_addr()?
        );
        tokio::spawn(serve_metrics(
            listener,
            store.clone(),
            settings.server,
            shutdown.clone(),
        ));
    }
    println!("Tidings worker running on {}", store.backend_name());
    let result = pipeline.run(shutdown).await;
    store.close().await;
    tracing::info!("stopped");
    Ok(result?)
}
