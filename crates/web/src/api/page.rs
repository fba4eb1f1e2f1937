//! Pagination of list endpoints: `?page=` (from 1) and `?per_page=` (capped), the position
//! `?before=` that the articles list also reads (a [`Cursor`], which holds while articles
//! arrive), and the envelope lists are answered in.

use super::ApiError;
use serde::{Deserialize, Serialize};

/// Items per page when `per_page` is not given.
pub(crate) const DEFAULT_PER_PAGE: i64 = 20;
/// The most items a page may hold.
pub(crate) const MAX_PER_PAGE: i64 = 100;
/// The last page number accepted.
const MAX_PAGE: i64 = 10_000;

/// The raw query: strings, so a malformed number is answered with a JSON 400 rather than
/// axum's plain-text rejection.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageQuery {
    page: Option<String>,
    per_page: Option<String>,
}

impl PageQuery {
    /// The raw `page` and `per_page` of an endpoint that reads more parameters.
    pub(crate) fn new(page: Option<String>, per_page: Option<String>) -> PageQuery {
        PageQuery { page, per_page }
    }
}

/// A validated page request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PageRequest {
    /// The page, from 1.
    pub(crate) page: i64,
    /// Items per page, 1 to [`MAX_PER_PAGE`].
    pub(crate) per_page: i64,
}

impl PageRequest {
    /// Reads `page` and `per_page`: absent means the first page of [`DEFAULT_PER_PAGE`];
    /// out-of-range numbers are clamped; what is not a number is a 400.
    pub(crate) fn from_query(q: &PageQuery) -> Result<PageRequest, ApiError> {
        let number = |raw: &Option<String>, name: &str, default: i64| match raw.as_deref() {
            None | Some("") => Ok(default),
            Some(s) => s.trim().parse::<i64>().map_err(|_| {
                ApiError::BadRequest(format!("{name} must be a whole number, not {s:?}"))
            }),
        };
        Ok(PageRequest {
            page: number(&q.page, "page", 1)?.clamp(1, MAX_PAGE),
            per_page: number(&q.per_page, "per_page", DEFAULT_PER_PAGE)?.clamp(1, MAX_PER_PAGE),
        })
    }

    /// How many items come before this page.
    pub(crate) fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
}

/// A position in the articles list: the shown time and id of the last article a client has,
/// written `TIME.ID` (`1795959954.1040`). The next page is what comes after it in the list's
/// order, so it neither repeats nor skips articles when new ones arrive meanwhile, as
/// `?page=2` would.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Cursor {
    /// The article's shown time, in Unix seconds.
    pub(crate) sort_at: i64,
    /// The article's id.
    pub(crate) id: i64,
}

impl Cursor {
    /// Reads `TIME.ID`; anything else is a 400.
    pub(crate) fn parse(raw: &str) -> Result<Cursor, ApiError> {
        let bad = || {
            ApiError::BadRequest(format!(
                "before must be the `next` of a previous page (TIME.ID), not {raw:?}"
            ))
        };
        let (sort_at, id) = raw.trim().split_once('.').ok_or_else(bad)?;
        Ok(Cursor {
            sort_at: sort_at.parse().map_err(|_| bad())?,
            id: id.parse().map_err(|_| bad())?,
        })
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.sort_at, self.id)
    }
}

/// A page of a list.
#[derive(Debug, Serialize)]
pub(crate) struct Paged<T> {
    /// This page's number, from 1.
    pub(crate) page: i64,
    /// The page size used.
    pub(crate) per_page: i64,
    /// Whether a next page has items.
    pub(crate) has_more: bool,
    /// Where the next page starts (`?before=`), in a list that has positions: `null` at the
    /// end of the list; left out of lists without positions (the outer `None`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) next: Option<Option<String>>,
    /// The items.
    pub(crate) items: Vec<T>,
}

impl<T> Paged<T> {
    /// A page from up to `per_page + 1` items read (the extra one says whether there is more).
    pub(crate) fn from_overfetch(request: PageRequest, mut items: Vec<T>) -> Paged<T> {
        let has_more = items.len() as i64 > request.per_page;
        items.truncate(request.per_page as usize);
        Paged {
            page: request.page,
            per_page: request.per_page,
            has_more,
            next: None,
            items,
        }
    }

    /// The same page, with where the next one starts when there is one: `positions` are its
    /// items' (the extra one read may follow).
    pub(crate) fn with_next(mut self, positions: &[Cursor]) -> Paged<T> {
        let last = self.items.len().checked_sub(1);
        self.next = Some(
            last.filter(|_| self.has_more)
                .and_then(|i| positions.get(i))
                .map(Cursor::to_string),
        );
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(page: Option<&str>, per_page: Option<&str>) -> PageQuery {
        PageQuery {
            page: page.map(str::to_string),
            per_page: per_page.map(str::to_string),
        }
    }

    #[test]
    fn defaults_clamps_and_rejects() {
        let r = PageRequest::from_query(&q(None, None)).expect("ok");
        assert_eq!((r.page, r.per_page, r.offset()), (1, DEFAULT_PER_PAGE, 0));
        let r = PageRequest::from_query(&q(Some("3"), Some("1000"))).expect("ok");
        assert_eq!((r.page, r.per_page, r.offset()), (3, MAX_PER_PAGE, 200));
        let r = PageRequest::from_query(&q(Some("-4"), Some("0"))).expect("ok");
        assert_eq!((r.page, r.per_page), (1, 1));
        assert!(matches!(
            PageRequest::from_query(&q(Some("two"), None)),
            Err(ApiError::BadRequest(_))
        ));
    }

    #[test]
    fn cursors_read_what_they_write() {
        let c = Cursor {
            sort_at: 1_795_959_954,
            id: 1040,
        };
        assert_eq!(Cursor::parse(&c.to_string()).expect("valid"), c);
        for bad in ["", "1040", "x.1", "1.x", "1.2.3"] {
            assert!(Cursor::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn an_extra_item_means_more() {
        let r = PageRequest {
            page: 1,
            per_page: 2,
        };
        let p = Paged::from_overfetch(r, vec![1, 2, 3]);
        assert!(p.has_more);
        assert_eq!(p.items, vec![1, 2]);
        assert!(!Paged::from_overfetch(r, vec![1, 2]).has_more);
    }
}
