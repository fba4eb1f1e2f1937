//! A tolerant XML reader: a hand-written tokenizer ([`tokenizer`]), entity decoding with the
//! HTML entity set ([`entities`]) and a forgiving tree builder ([`tree`]) that resolves
//! namespaces, `xml:base` and `xml:lang` and keeps whatever of an ill-formed document it can.

pub(crate) mod entities;
mod entity_table;
pub(crate) mod tokenizer;
pub(crate) mod tree;

pub(crate) use tree::{Document, Element, Node, Ns};
