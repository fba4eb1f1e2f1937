//! The query of the list endpoints (`/api/v1/stories`, `/api/v1/articles`): the page (and,
//! for articles, the position `before`), and the cuts the site's pages offer (`section`,
//! `topic`, `lang`), read strictly.
//!
//! A parameter the endpoint does not know is a `400` naming the ones it does: a client that
//! writes `?language=de` or `?sections=sport` is told, instead of getting the unfiltered list
//! and taking it for the filtered one. So is a section that does not exist or a `lang` that is
//! not a language code. A topic is whatever feeds tagged, so an unknown one is an empty list.

use super::ApiError;
use super::page::{Cursor, PageQuery, PageRequest};
use tidings_store::ListFilter;
use tidings_stories::section::Section;

/// The parameters every list endpoint reads.
const KNOWN: [&str; 5] = ["page", "per_page", "section", "topic", "lang"];

/// Whether a list has positions a next page can start from (`?before=`): articles, in time
/// order, do; stories, ranked by a score that changes, do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Positions {
    /// `before` is read.
    Read,
    /// `before` is an unknown parameter.
    None,
}

/// A validated list query: which page, and which articles or stories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListQuery {
    /// The page asked for.
    pub(crate) page: PageRequest,
    /// The cut asked for (all of it when no parameter names one).
    pub(crate) filter: ListFilter,
    /// Where the page starts, in a list with [`Positions::Read`].
    pub(crate) before: Option<Cursor>,
}

impl ListQuery {
    /// Reads the raw query string (without its `?`).
    pub(crate) fn parse(raw: Option<&str>, positions: Positions) -> Result<ListQuery, ApiError> {
        let mut before = None;
        let mut page = None;
        let mut per_page = None;
        let mut filter = ListFilter::default();
        for (key, value) in url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            let value = value.trim().to_string();
            match key.as_ref() {
                "page" => page = Some(value),
                "per_page" => per_page = Some(value),
                "section" if !value.is_empty() => {
                    let section =
                        Section::from_slug(&value.to_ascii_lowercase()).ok_or_else(|| {
                            ApiError::BadRequest(format!(
                                "no section {value:?}; the sections are {}",
                                Section::ALL.map(|s| s.slug()).join(", ")
                            ))
                        })?;
                    filter.section = Some(section.slug().to_string());
                }
                "topic" if !value.is_empty() => filter.topic = Some(value),
                "lang" if !value.is_empty() => {
                    let code = value.to_ascii_lowercase();
                    if !(2..=3).contains(&code.len())
                        || !code.chars().all(|c| c.is_ascii_lowercase())
                    {
                        return Err(ApiError::BadRequest(format!(
                            "lang must be a language code such as en or de, not {value:?}"
                        )));
                    }
                    filter.language = Some(code);
                }
                "before" if positions == Positions::Read => {
                    before = (!value.is_empty())
                        .then(|| Cursor::parse(&value))
                        .transpose()?;
                }
                "section" | "topic" | "lang" => {}
                other => {
                    let mut known = KNOWN.to_vec();
                    if positions == Positions::Read {
                        known.push("before");
                    }
                    return Err(ApiError::BadRequest(format!(
                        "unknown parameter {other:?}; this endpoint reads {}",
                        known.join(", ")
                    )));
                }
            }
        }
        if before.is_some() && page.as_deref().is_some_and(|p| !p.is_empty() && p != "1") {
            return Err(ApiError::BadRequest(
                "give either page or before, not both: before starts where the last page ended"
                    .to_string(),
            ));
        }
        Ok(ListQuery {
            page: PageRequest::from_query(&PageQuery::new(page, per_page))?,
            filter,
            before,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(q: &str) -> Result<ListQuery, String> {
        ListQuery::parse(Some(q), Positions::Read).map_err(|e| match e {
            ApiError::BadRequest(message) => message,
            other => format!("not a 400: {other:?}"),
        })
    }

    #[test]
    fn the_pages_cuts_are_read() {
        let q = parse("section=Sport&lang=DE&topic=local&page=2&per_page=5").expect("valid");
        assert_eq!(q.filter.section.as_deref(), Some("sport"));
        assert_eq!(q.filter.language.as_deref(), Some("de"));
        assert_eq!(q.filter.topic.as_deref(), Some("local"));
        assert_eq!((q.page.page, q.page.per_page), (2, 5));
        assert_eq!(
            ListQuery::parse(None, Positions::Read)
                .expect("none")
                .filter,
            ListFilter::default()
        );
        assert_eq!(
            parse("lang=&section=").expect("empty").filter,
            ListFilter::default()
        );
    }

    #[test]
    fn what_it_cannot_read_is_refused() {
        let err = parse("language=de").expect_err("unknown");
        assert!(
            err.contains("\"language\"") && err.contains("lang"),
            "{err}"
        );
        assert!(
            parse("section=weather")
                .expect_err("no such section")
                .contains("sport")
        );
        assert!(parse("lang=german").is_err());
        assert!(parse("lang=d3").is_err());
        assert!(parse("page=two").is_err());
    }

    #[test]
    fn a_position_is_read_where_the_list_has_positions() {
        let q = parse("before=1795959954.1040&per_page=5").expect("valid");
        assert_eq!(
            q.before.map(|c| (c.sort_at, c.id)),
            Some((1_795_959_954, 1040))
        );
        assert!(parse("before=1040").is_err());
        assert!(parse("before=1795959954.1040&page=2").is_err());
        let stories = ListQuery::parse(Some("before=1.2"), Positions::None);
        assert!(matches!(stories, Err(ApiError::BadRequest(m)) if m.contains("\"before\"")));
    }
}
