//! One careful GET: limits, validators, redirects and the address guard.

use crate::address_guard::{PublicOnlyResolver, is_public_address};
use crate::{FetchConfig, FetchError};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use reqwest::header::{
    CONTENT_TYPE, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};
use reqwest::{StatusCode, redirect};
use std::net::IpAddr;
use std::sync::Arc;
use url::{Host, Url};

/// The validators of an earlier response, for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Validators {
    /// The earlier `ETag`.
    pub etag: Option<String>,
    /// The earlier `Last-Modified`.
    pub last_modified: Option<String>,
}

/// A fetched document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The URL the body came from, after redirects.
    pub final_url: String,
    /// The `Content-Type` header, if any.
    pub content_type: Option<String>,
    /// Validators for the next conditional GET.
    pub validators: Validators,
    /// The body, decompressed.
    pub body: Bytes,
}

/// What a GET gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// `304 Not Modified`: the validators still hold.
    NotModified,
    /// A new document.
    Document(Document),
}

/// The HTTP client. Cheap to clone: clones share connections.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    config: Arc<FetchConfig>,
}

impl Fetcher {
    /// Builds a client with the given settings.
    pub fn new(config: FetchConfig) -> Result<Fetcher, FetchError> {
        let max_redirects = config.max_redirects;
        let allow_private = config.allow_private_addresses;
        let policy = redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() > max_redirects {
                return attempt.error(format!("more than {max_redirects} redirects"));
            }
            if attempt.previous().contains(attempt.url()) {
                let looped = attempt.url().to_string();
                return attempt.error(format!("redirect loop back to {looped}"));
            }
            if !allow_private
                && let Some(ip) = literal_ip(attempt.url())
                && !is_public_address(ip)
            {
                let refusal = crate::address_guard::REFUSAL;
                return attempt.error(format!("{refusal} redirected to {ip}"));
            }
            attempt.follow()
        });
        let mut builder = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .redirect(policy)
            .no_proxy();
        if !allow_private {
            builder = builder.dns_resolver(Arc::new(PublicOnlyResolver));
        }
        let client = builder
            .build()
            .map_err(|e| FetchError::Transfer(format!("cannot build the HTTP client: {e}")))?;
        Ok(Fetcher {
            client,
            config: Arc::new(config),
        })
    }

    /// The settings this fetcher was built with.
    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// GETs `url`, sending the validators of an earlier response when given.
    pub async fn get(&self, url: &str, validators: &Validators) -> Result<Fetched, FetchError> {
        let parsed = Url::parse(url).map_err(|e| FetchError::InvalidUrl {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(FetchError::InvalidUrl {
                url: url.to_string(),
                reason: "only http and https URLs can be fetched".to_string(),
            });
        }
        if !self.config.allow_private_addresses
            && let Some(ip) = literal_ip(&parsed)
            && !is_public_address(ip)
        {
            return Err(FetchError::PrivateAddress(ip.to_string()));
        }

        let timeout_secs = self.config.timeout.as_secs();
        let mut request = self.client.get(parsed);
        if let Some(etag) = &validators.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(modified) = &validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, modified);
        }
        let response = request
            .send()
            .await
            .map_err(|e| FetchError::from_reqwest(&e, timeout_secs))?;

        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(FetchError::Status {
                status: status.as_u16(),
                reason: status.canonical_reason().unwrap_or("").to_string(),
            });
        }
        let cap = self.config.max_body_bytes;
        if response
            .content_length()
            .is_some_and(|len| len > cap as u64)
        {
            return Err(FetchError::TooLarge { cap_bytes: cap });
        }
        let final_url = response.url().to_string();
        let headers = response.headers().clone();
        let mut body = BytesMut::new();
        let mut stream = response.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| FetchError::from_reqwest(&e, timeout_secs))?;
            if body.len() + chunk.len() > cap {
                return Err(FetchError::TooLarge { cap_bytes: cap });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched::Document(Document {
            final_url,
            content_type: header_text(&headers, CONTENT_TYPE.as_str()),
            validators: Validators {
                etag: header_text(&headers, ETAG.as_str()),
                last_modified: header_text(&headers, LAST_MODIFIED.as_str()),
            },
            body: body.freeze(),
        }))
    }
}

/// The IP address a URL names directly, if its host is an IP literal.
fn literal_ip(url: &Url) -> Option<IpAddr> {
    match url.host()? {
        Host::Ipv4(ip) => Some(IpAddr::V4(ip)),
        Host::Ipv6(ip) => Some(IpAddr::V6(ip)),
        Host::Domain(_) => None,
    }
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}
