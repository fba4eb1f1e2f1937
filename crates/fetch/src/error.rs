//! Why a fetch failed, in words an operator can act on.

/// A failed fetch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    /// The URL cannot be fetched at all.
    #[error("invalid URL {url:?}: {reason}")]
    InvalidUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The URL leads to an address the private-address guard refuses.
    #[error(
        "refused: {0} is a private, loopback or link-local address (fetched only with allow_private_addresses)"
    )]
    PrivateAddress(String),
    /// The host name could not be resolved, or the connection was refused or reset.
    #[error("could not connect: {0}")]
    Connect(String),
    /// The request took longer than the timeout.
    #[error("timed out after {0} s")]
    Timeout(u64),
    /// Too many redirects, or a redirect loop.
    #[error("redirects: {0}")]
    Redirect(String),
    /// The server answered with an error status.
    #[error("HTTP {status} {reason}")]
    Status {
        /// The status code.
        status: u16,
        /// Its canonical reason phrase.
        reason: String,
        /// How long the server asked us to wait (`Retry-After`), if it did.
        retry_after: Option<std::time::Duration>,
    },
    /// robots.txt forbids the URL, or could not be read.
    #[error("{0}")]
    Robots(String),
    /// The body was larger than the cap.
    #[error("response larger than the {cap_bytes}-byte cap")]
    TooLarge {
        /// The cap that was exceeded.
        cap_bytes: usize,
    },
    /// Anything else that went wrong on the wire (TLS, protocol, decoding).
    #[error("transfer failed: {0}")]
    Transfer(String),
}

impl FetchError {
    /// Classifies a client error into the variant that says what happened, looking through
    /// its chain of causes (a refused address surfaces as the cause of a connect error).
    pub(crate) fn from_reqwest(err: &reqwest::Error, timeout_secs: u64) -> FetchError {
        let mut causes = Vec::new();
        let mut source: Option<&dyn std::error::Error> = Some(err);
        while let Some(cause) = source {
            causes.push(cause.to_string());
            source = cause.source();
        }
        let detail = causes
            .iter()
            .skip(1)
            .last()
            .cloned()
            .unwrap_or_else(|| err.to_string());
        if let Some(refused) = causes
            .iter()
            .find_map(|c| c.strip_prefix(crate::address_guard::REFUSAL))
        {
            return FetchError::PrivateAddress(refused.trim().to_string());
        }
        if err.is_timeout() {
            FetchError::Timeout(timeout_secs)
        } else if err.is_connect() {
            FetchError::Connect(detail)
        } else {
            FetchError::Transfer(detail)
        }
    }
}
