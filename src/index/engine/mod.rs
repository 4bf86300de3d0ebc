//! The tantivy half of the index: the schema and analyzers, opening and
//! swapping the index folder, the writer that brings it in line with a diff,
//! and the queries (search, topics, notes by term, the whole model). The
//! only code that imports tantivy, apart from the error type.

pub(crate) mod columns;
pub(crate) mod doc;
pub(crate) mod one;
pub(crate) mod problems;
pub(crate) mod query;
pub(crate) mod schema;
pub(crate) mod store;
pub(crate) mod sync;
pub(crate) mod terms;
pub(crate) mod topic_terms;
