//! `extract URL|FILE`: run the article extractor on one page, for a person to try it.

use crate::settings::Settings;
use anyhow::{Context, bail};
use std::path::Path;
use tidings_fetch::{Fetched, Fetcher, Validators};

/// How to print the extracted article.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Every field as JSON.
    Json,
    /// The headline, metadata lines and the body text.
    Text,
    /// The sanitised body HTML.
    Html,
}

pub(crate) async fn run(settings: &Settings, target: &str, format: Format) -> anyhow::Result<()> {
    let (bytes, url, content_type) = if target.starts_with("http://")
        || target.starts_with("https://")
    {
        let fetcher = Fetcher::new(settings.fetch.clone())?;
        match fetcher.get(target, &Validators::default()).await? {
            Fetched::Document(doc) => (doc.body.to_vec(), Some(doc.final_url), doc.content_type),
            Fetched::NotModified => bail!("the server answered 304 Not Modified to a plain GET"),
        }
    } else {
        let path = Path::new(target);
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        (bytes, None, None)
    };
    let article = tokio::task::spawn_blocking(move || {
        tidings_extract::extract(&bytes, url.as_deref(), content_type.as_deref())
    })
    .await??;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&article)?),
        Format::Html => println!("{}", article.html),
        Format::Text => {
            if let Some(title) = &article.title {
                println!("{title}\n");
            }
            if let Some(standfirst) = &article.description {
                println!("{standfirst}\n");
            }
            let credit = article.credit.agencies.join(", ");
            let lines = [
                ("By", article.authors.join(", ")),
                ("Outlet", article.credit.outlet.clone().unwrap_or_default()),
                ("Credit", credit),
                ("Language", article.language.clone().unwrap_or_default()),
                ("Confidence", format!("{:.2}", article.confidence)),
            ];
            for (label, value) in lines.iter().filter(|(_, v)| !v.is_empty()) {
                println!("{label}: {value}");
            }
            println!("\n{}", article.text);
        }
    }
    Ok(())
}
