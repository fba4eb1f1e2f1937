//! "Download my data": `GET /account/export`, what the site holds about the signed-in reader
//! as one JSON file (what GDPR articles 15 and 20 ask for): the account, every comment it
//! wrote, its reports, its live sessions and the devices it logged in from, the moderation
//! log's lines about it or its comments, its reading (folders, subscriptions, follows, what
//! it hid, read and starred articles) and its replies mark. README "Accounts and comments"
//! documents the fields, and what is not in it (reset links).
//!
//! Secrets stay out: the password's hash, the API keys and their hashes, and session and
//! device tokens, their hashes and CSRF tokens are never read here (keys come with their
//! labels and times only, sessions and devices with their times; the store keeps the token
//! hashes its paging needs). Of a moderation log line, who did it is reduced to whether it
//! was the site's staff or the operator's command line, as the site's own pages say "hidden
//! by a moderator" and name nobody.
//!
//! The long lists (comments, reports, marks) are read [`BATCH`] rows to a statement, by a
//! keyset the store pages on, and each batch is written into the document as it arrives, so
//! an account with 100,000 marks costs one growing buffer, never a list of rows beside it.
//! Text is escaped as in the API's JSON (`<`, `>`, `&` as `\u…`), as it is written.

use super::PeopleError;
use super::client_ip::ClientIp;
use super::limits::Action;
use super::session::{self, Viewer};
use crate::feeds_out::push_json_without_markup;
use crate::pages::article_href;
use crate::rfc3339;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Serialize;
use tidings_model::{ArticleId, CommentTarget, UnixSeconds, User};
use tidings_store::{AuthoredComment, LoginCursor, MarkKind, MarkedArticle};

/// What the document's `format` field says it is.
pub(crate) const FORMAT: &str = "tidings-account-export";
/// The document's `version`: raised when a field changes meaning or goes away (fields may be
/// added without).
pub(crate) const FORMAT_VERSION: u32 = 1;
/// Rows read per statement from the long lists.
const BATCH: i64 = 1_000;

/// A JSON document written piece by piece into one buffer: an object whose members are
/// values or lists filled item by item, one item to a line.
struct JsonDocument {
    out: Vec<u8>,
    /// Per open object or list: whether nothing was written in it yet.
    empty: Vec<bool>,
    /// Where each value is serialised before it is escaped into `out`.
    scratch: Vec<u8>,
}

impl JsonDocument {
    fn new() -> JsonDocument {
        JsonDocument {
            out: b"{".to_vec(),
            empty: vec![true],
            scratch: Vec::new(),
        }
    }

    /// A comma unless this is the first member or item, then a new line.
    fn separate(&mut self) {
        if let Some(empty) = self.empty.last_mut() {
            if !*empty {
                self.out.push(b',');
            }
            *empty = false;
        }
        self.out.push(b'\n');
    }

    fn write<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), PeopleError> {
        self.scratch.clear();
        serde_json::to_writer(&mut self.scratch, value)
            .map_err(|e| PeopleError::Internal(e.to_string()))?;
        push_json_without_markup(&self.scratch, &mut self.out);
        Ok(())
    }

    fn key(&mut self, key: &str) -> Result<(), PeopleError> {
        self.separate();
        self.write(key)?;
        self.out.extend_from_slice(b": ");
        Ok(())
    }

    /// A member `key` with `value`.
    fn member<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), PeopleError> {
        self.key(key)?;
        self.write(value)
    }

    /// Opens a member `key` holding an object (`{`) or a list (`[`).
    fn open(&mut self, key: &str, bracket: u8) -> Result<(), PeopleError> {
        self.key(key)?;
        self.out.push(bracket);
        self.empty.push(true);
        Ok(())
    }

    /// One item of the open list.
    fn item<T: Serialize>(&mut self, value: &T) -> Result<(), PeopleError> {
        self.separate();
        self.write(value)
    }

    /// Closes the innermost open object (`}`) or list (`]`).
    fn close(&mut self, bracket: u8) {
        if self.empty.pop() == Some(false) {
            self.out.push(b'\n');
        }
        self.out.push(bracket);
    }

    fn finish(mut self) -> Vec<u8> {
        self.close(b'}');
        self.out.push(b'\n');
        self.out
    }
}

/// An API key: what it is called and when it was made and used, never the key.
#[derive(Serialize)]
struct ApiKeyJson {
    label: String,
    created_at: String,
    last_used_at: Option<String>,
}

/// The account itself.
#[derive(Serialize)]
struct AccountJson<'a> {
    id: i64,
    name: &'a str,
    display_name: &'a str,
    role: &'static str,
    state: &'static str,
    created_at: String,
    password_changed_at: Option<String>,
    active_sessions: i64,
    api_keys: Vec<ApiKeyJson>,
}

/// A live session (a logged-in browser): its times, never its token.
#[derive(Serialize)]
struct SessionJson {
    created_at: String,
    expires_at: String,
    /// Whether it is the session that downloaded this file.
    current: bool,
}

/// A device the account logged in from (remembered for the login throttle).
#[derive(Serialize)]
struct DeviceJson {
    first_login_at: String,
}

/// A line of the moderation log about the account or one of its comments.
#[derive(Serialize)]
struct ModerationJson {
    at: String,
    action: String,
    /// The account's comment acted on (`None`: the account itself).
    comment_id: Option<i64>,
    note: String,
    /// `site staff` (a moderator or admin, not named) or `command line` (the operator).
    by: &'static str,
}

/// The page a comment is on.
#[derive(Serialize)]
struct PageJson {
    kind: &'static str,
    id: i64,
    /// `None` once the page is gone.
    title: Option<String>,
    path: Option<String>,
}

/// One of the account's comments, as stored.
#[derive(Serialize)]
struct CommentJson {
    id: i64,
    page: PageJson,
    parent_id: Option<i64>,
    state: &'static str,
    created_at: String,
    edited_at: Option<String>,
    markdown: String,
}

/// A report the account filed against a comment.
#[derive(Serialize)]
struct ReportJson {
    comment_id: i64,
    reason: String,
    created_at: String,
}

/// A subscription to a source.
#[derive(Serialize)]
struct SubscriptionJson {
    name: String,
    /// The account's own title for the feed, if it gave one.
    title: Option<String>,
    url: String,
    site_url: Option<String>,
    folder: String,
    created_at: String,
}

/// A follow of a section, entity, saved search or story.
#[derive(Serialize)]
struct FollowJson<'a> {
    kind: &'static str,
    target: &'a str,
}

/// A thing the account hid from its pages.
#[derive(Serialize)]
struct HiddenJson {
    kind: &'static str,
    target: String,
    created_at: String,
}

/// An article marked read or starred.
#[derive(Serialize)]
struct MarkJson {
    article_id: i64,
    title: String,
    url: String,
    path: String,
    at: String,
}

/// The replies mark: the newest reply to the account's comments it has marked seen on
/// `/replies`.
#[derive(Serialize)]
struct RepliesJson {
    newest_seen_id: i64,
}

fn comment_json(c: AuthoredComment) -> CommentJson {
    let path = c.target_title.as_deref().map(|title| match c.target {
        CommentTarget::Article(id) => article_href(id, title),
        CommentTarget::Story(id) => format!("/story/{id}"),
    });
    CommentJson {
        id: c.id.0,
        page: PageJson {
            kind: c.target.kind(),
            id: c.target.id(),
            title: c.target_title,
            path,
        },
        parent_id: c.parent_id.map(|p| p.0),
        state: c.state.as_str(),
        created_at: rfc3339(c.created_at),
        edited_at: c.edited_at.map(rfc3339),
        markdown: c.body_source,
    }
}

fn mark_json(m: MarkedArticle) -> MarkJson {
    MarkJson {
        article_id: m.article_id.0,
        path: article_href(m.article_id, &m.title),
        title: m.title,
        url: m.url,
        at: rfc3339(m.at),
    }
}

/// The account's marks of one kind, as the open list's items, batch by batch.
async fn write_marks(
    state: &AppState,
    doc: &mut JsonDocument,
    user: &User,
    kind: MarkKind,
) -> Result<(), PeopleError> {
    let mut after = ArticleId(0);
    loop {
        let batch = state
            .store
            .reading()
            .marked(user.id, kind, after, BATCH)
            .await?;
        let Some(last) = batch.last() else {
            return Ok(());
        };
        after = last.article_id;
        let full = batch.len() as i64 == BATCH;
        for mark in batch {
            doc.item(&mark_json(mark))?;
        }
        if !full {
            return Ok(());
        }
    }
}

/// The account's live sessions (the one asking, hashed `current`, marked) and the devices it
/// logged in from, as the open document's `sessions` and `login_devices` lists, batch by
/// batch.
async fn write_logins(
    state: &AppState,
    doc: &mut JsonDocument,
    user: &User,
    current: &str,
    now: UnixSeconds,
) -> Result<(), PeopleError> {
    let sessions = state.store.sessions();
    doc.open("sessions", b'[')?;
    let mut after: Option<LoginCursor> = None;
    loop {
        let (batch, next) = sessions
            .page_for_user(user.id, current, now, after.as_ref(), BATCH)
            .await?;
        for s in batch {
            doc.item(&SessionJson {
                created_at: rfc3339(s.created_at),
                expires_at: rfc3339(s.expires_at),
                current: s.current,
            })?;
        }
        match next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    doc.close(b']');
    doc.open("login_devices", b'[')?;
    let mut after: Option<LoginCursor> = None;
    loop {
        let (batch, next) = sessions
            .devices_for_user(user.id, after.as_ref(), BATCH)
            .await?;
        for at in batch {
            doc.item(&DeviceJson {
                first_login_at: rfc3339(at),
            })?;
        }
        match next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    doc.close(b']');
    Ok(())
}

/// The moderation log's lines about the account or its comments, as the open document's
/// `moderation` list, batch by batch.
async fn write_moderation(
    state: &AppState,
    doc: &mut JsonDocument,
    user: &User,
) -> Result<(), PeopleError> {
    doc.open("moderation", b'[')?;
    let mut after = 0;
    loop {
        let batch = state
            .store
            .moderation()
            .log_about(user.id, after, BATCH)
            .await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        let full = batch.len() as i64 == BATCH;
        for line in batch {
            doc.item(&ModerationJson {
                at: rfc3339(line.at),
                action: line.action,
                comment_id: line.comment_id.map(|c| c.0),
                note: line.note,
                by: if line.by_command_line {
                    "command line"
                } else {
                    "site staff"
                },
            })?;
        }
        if !full {
            break;
        }
    }
    doc.close(b']');
    Ok(())
}

/// Everything the site holds about `user`, seen at `now` by the session whose token hashes
/// to `current`, as the export's JSON.
async fn document(
    state: &AppState,
    user: &User,
    current: &str,
    now: UnixSeconds,
) -> Result<Vec<u8>, PeopleError> {
    let store = &state.store;
    let mut doc = JsonDocument::new();
    doc.member("format", FORMAT)?;
    doc.member("version", &FORMAT_VERSION)?;
    doc.member("exported_at", &rfc3339(now))?;
    doc.member("site", &state.site_name)?;

    let api_keys = store
        .api_keys()
        .list(user.id)
        .await?
        .into_iter()
        .map(|k| ApiKeyJson {
            label: k.label,
            created_at: rfc3339(k.created_at),
            last_used_at: k.last_used_at.map(rfc3339),
        })
        .collect();
    doc.member(
        "account",
        &AccountJson {
            id: user.id.0,
            name: &user.name,
            display_name: &user.display_name,
            role: user.role.as_str(),
            state: user.state.as_str(),
            created_at: rfc3339(user.created_at),
            password_changed_at: store
                .users()
                .password_changed_at(user.id)
                .await?
                .map(rfc3339),
            active_sessions: store.sessions().count_for_user(user.id, now).await?,
            api_keys,
        },
    )?;
    let replies = store
        .replies()
        .newest_seen(user.id)
        .await?
        .map(|seen| RepliesJson {
            newest_seen_id: seen.0,
        });
    doc.member("replies", &replies)?;
    write_logins(state, &mut doc, user, current, now).await?;

    doc.open("comments", b'[')?;
    let mut after = None;
    loop {
        let batch = store.comments().by_author(user.id, after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = Some((last.created_at, last.id));
        let full = batch.len() as i64 == BATCH;
        for comment in batch {
            doc.item(&comment_json(comment))?;
        }
        if !full {
            break;
        }
    }
    doc.close(b']');

    doc.open("reports", b'[')?;
    let mut after = 0;
    loop {
        let batch = store.moderation().reports_by(user.id, after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        let full = batch.len() as i64 == BATCH;
        for report in batch {
            doc.item(&ReportJson {
                comment_id: report.comment_id.0,
                reason: report.reason,
                created_at: rfc3339(report.created_at),
            })?;
        }
        if !full {
            break;
        }
    }
    doc.close(b']');

    write_moderation(state, &mut doc, user).await?;

    let reading = store.reading();
    doc.open("reading", b'{')?;
    let folders: Vec<String> = reading
        .folders(user.id)
        .await?
        .into_iter()
        .map(|f| f.title)
        .collect();
    doc.member("folders", &folders)?;
    let subscriptions: Vec<SubscriptionJson> = reading
        .subscriptions(user.id)
        .await?
        .into_iter()
        .map(|s| SubscriptionJson {
            name: s.name,
            title: s.title,
            url: tidings_model::public_feed_url(&s.url),
            site_url: s.site_url,
            folder: s.folder.title,
            created_at: rfc3339(s.created_at),
        })
        .collect();
    doc.member("subscriptions", &subscriptions)?;
    let follows = reading.follows(user.id).await?;
    let follows: Vec<FollowJson<'_>> = follows
        .iter()
        .map(|f| FollowJson {
            kind: f.kind.as_str(),
            target: &f.target,
        })
        .collect();
    doc.member("follows", &follows)?;
    let hidden: Vec<HiddenJson> = store
        .hidden()
        .list(user.id)
        .await?
        .into_iter()
        .map(|h| HiddenJson {
            kind: h.thing.kind.as_str(),
            target: h.thing.target,
            created_at: rfc3339(h.created_at),
        })
        .collect();
    doc.member("hidden", &hidden)?;
    doc.open("read", b'[')?;
    write_marks(state, &mut doc, user, MarkKind::Read).await?;
    doc.close(b']');
    doc.open("starred", b'[')?;
    write_marks(state, &mut doc, user, MarkKind::Starred).await?;
    doc.close(b']');
    doc.close(b'}');
    Ok(doc.finish())
}

/// The download's file name: `tidings-<name>-<date>.json`, the name kept to the characters
/// a login name may hold (so the header needs no quoting rules), the date in UTC.
fn file_name(name: &str, now: UnixSeconds) -> String {
    let safe: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        .take(32)
        .collect();
    let safe = if safe.is_empty() { "account" } else { &safe };
    let day = chrono::DateTime::from_timestamp(now, 0).unwrap_or_default();
    format!("tidings-{safe}-{}.json", day.format("%Y-%m-%d"))
}

/// `GET /account/export`: the signed-in reader's data as a JSON file to download
/// (`Cache-Control: private, no-store`), counted against `exports_per_minute_per_account`.
/// Anonymous readers are sent to log in.
pub(crate) async fn download(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
) -> Response {
    let result: Result<Response, PeopleError> = async {
        let Some(Viewer {
            user, token_hash, ..
        }) = session::viewer(&state, &headers).await?
        else {
            return Ok(Redirect::to("/login?next=/account/export").into_response());
        };
        state
            .people
            .limits
            .check(Action::Export, ip, Some(user.id))?;
        let now = state.people.clock.now_secs();
        let started = std::time::Instant::now();
        let body = document(&state, &user, &token_hash, now).await?;
        tracing::info!(
            user = user.id.0,
            bytes = body.len(),
            ms = started.elapsed().as_millis() as u64,
            "account data exported"
        );
        let disposition = format!("attachment; filename=\"{}\"", file_name(&user.name, now));
        let mut response = Body::from(body).into_response();
        let h = response.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        h.insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_str(&disposition)
                .map_err(|e| PeopleError::Internal(e.to_string()))?,
        );
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        );
        Ok(response)
    }
    .await;
    result.unwrap_or_else(|e| e.page(&state.site_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_json_with_one_item_to_a_line_and_markup_escaped() {
        let mut doc = JsonDocument::new();
        doc.member("format", FORMAT).expect("member");
        doc.open("list", b'[').expect("open");
        doc.item(&"<b>&</b>").expect("item");
        doc.item(&2).expect("item");
        doc.close(b']');
        doc.open("empty", b'{').expect("open");
        doc.close(b'}');
        let bytes = doc.finish();
        let text = String::from_utf8(bytes.clone()).expect("utf-8");
        assert_eq!(
            text,
            "{\n\"format\": \"tidings-account-export\",\n\"list\": [\n\
             \"\\u003cb\\u003e\\u0026\\u003c/b\\u003e\",\n2\n],\n\"empty\": {}\n}\n"
        );
        let parsed: serde_json::Value = serde_json::from_slice(&bytes).expect("valid JSON");
        assert_eq!(parsed["list"][0], "<b>&</b>");
    }

    #[test]
    fn the_file_name_holds_the_name_and_the_day_and_nothing_that_breaks_the_header() {
        assert_eq!(
            file_name("ana.b-2", 1_790_000_000),
            "tidings-ana.b-2-2026-09-21.json"
        );
        assert_eq!(file_name("a\"; x=\r\n", 0), "tidings-ax-1970-01-01.json");
        assert_eq!(file_name("\"", 0), "tidings-account-1970-01-01.json");
    }
}
