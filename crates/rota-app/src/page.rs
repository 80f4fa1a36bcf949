//! Cursor pagination.

/// Why a page request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PageError {
    /// `limit` out of 1–200.
    #[error("limit must be between 1 and {max}")]
    Limit {
        /// The largest limit.
        max: u32,
    },
    /// Not a cursor this server handed out.
    #[error("cursor is not valid")]
    Cursor,
    /// `to` not after `from`.
    #[error("`to` must come after `from`")]
    Range,
}

/// How many items a page may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit(u32);

impl Limit {
    /// The default page size.
    pub const DEFAULT: u32 = 50;
    /// The largest page size.
    pub const MAX: u32 = 200;

    /// `None` gives the default.
    pub fn new(limit: Option<u32>) -> Result<Self, PageError> {
        match limit.unwrap_or(Self::DEFAULT) {
            n @ 1..=Self::MAX => Ok(Self(n)),
            _ => Err(PageError::Limit { max: Self::MAX }),
        }
    }

    /// The number.
    #[must_use]
    pub fn get(self) -> u32 {
        self.0
    }
}

impl Default for Limit {
    fn default() -> Self {
        Self(Self::DEFAULT)
    }
}

/// One page of a list, with the cursor of the next page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// Pass this as `cursor` for the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from `limit + 1` fetched items: the extra one only says
    /// there is more.
    pub(crate) fn from_overfetch(
        mut items: Vec<T>,
        limit: Limit,
        cursor_of: impl Fn(&T) -> String,
    ) -> Self {
        let more = items.len() > limit.get() as usize;
        items.truncate(limit.get() as usize);
        let next_cursor = if more {
            items.last().map(cursor_of)
        } else {
            None
        };
        Self { items, next_cursor }
    }
}
