//! Exit codes: 0 success, 1 nothing found (or `check` found errors), 2 error.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok,
    NothingFound,
    Error,
}

impl Exit {
    pub fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::NothingFound => 1,
            Exit::Error => 2,
        }
    }
}
