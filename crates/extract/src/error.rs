//! Errors of the extractor.

use thiserror::Error;

/// Why a page could not be extracted at all.
///
/// Most bad input does not fail: a page with no article yields an [`crate::Extracted`] with an
/// empty body and a low confidence. Only input that is not a page at all is an error.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ExtractError {
    /// The input is empty or holds only whitespace.
    #[error("empty input")]
    EmptyInput,
    /// The input looks like a binary file (many NUL bytes), not HTML.
    #[error("input is not HTML (binary content)")]
    NotHtml,
}
