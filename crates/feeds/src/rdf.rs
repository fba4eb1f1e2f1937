//! RSS 1.0 and 0.90 (`<rdf:RDF>`): the channel and the items beside it; an item's
//! `rdf:about` is its id.

use crate::item::Format;
use crate::raw::RawFeed;
use crate::rss;
use crate::xml::{Document, Element};

/// Reads an `<rdf:RDF>` document.
pub(crate) fn read(root: &Element, doc: &Document) -> RawFeed {
    rss::read(root, doc, Format::Rdf)
}
