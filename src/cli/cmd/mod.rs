//! One file per command.

pub mod check;
pub mod completions;
pub mod due;
pub mod export;
pub mod index;
pub mod init;
pub mod log;
pub mod matching;
pub mod merge_driver;
pub mod new;
pub mod search;
pub mod show;
pub mod topics;
pub mod watch;
