//! The vault on disk, as the index sees it: the walk that finds notes and
//! their stats, the stat cache of what was indexed, the diff between the
//! two, the `.rapport/` layout with the writer lock, and the sync cookies a
//! running `watch` answers (docs/ARCHITECTURE.md, "The index"). Never
//! imports tantivy: the engine half builds on this one, not the other way.

pub(crate) mod diff;
pub(crate) mod fsmonitor;
pub(crate) mod layout;
pub(crate) mod scan;
pub(crate) mod state;
