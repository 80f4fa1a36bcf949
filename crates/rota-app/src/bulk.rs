//! Customers in bulk: CSV import (C1) and export (C2).
//!
//! Import streams the file: one record in memory at a time, plus an 8-byte
//! hash per email seen (to tell duplicates within the file apart from
//! existing customers). `commit` writes every row in one unit of work and
//! keeps it only if no row failed, so a file with one bad row among
//! thousands changes nothing and names that row's line and column.
//! `dry_run` reports the same without writing.
//!
//! Export writes RFC 4180 CSV page by page (so a caller can stream it),
//! with the import's canonical header. A cell that a spreadsheet would run
//! as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) is prefixed
//! with `'`, and so is a cell already starting with `'`; import strips that
//! one prefix again, so export → import round-trips exactly.

mod export;
mod import;

pub use export::{CustomerExport, ExportError};
pub use import::{
    ImportError, ImportMode, ImportOptions, ImportReport, MAX_LISTED_ERRORS, OnDuplicate, RowError,
};

/// The columns Rota reads, in export order.
pub const COLUMNS: [&str; 14] = [
    "email",
    "first_name",
    "last_name",
    "customer_number",
    "phone",
    "mobile",
    "address1",
    "address2",
    "unit",
    "city",
    "region",
    "country",
    "postal_code",
    "notes",
];

/// Header names other tools export, normalized (lower case, `_` and `-`
/// as spaces), and the column each means.
const ALIASES: &[(&str, usize)] = &[
    ("email", 0),
    ("email address", 0),
    ("e mail", 0),
    ("e mail address", 0),
    ("first name", 1),
    ("firstname", 1),
    ("given name", 1),
    ("last name", 2),
    ("lastname", 2),
    ("surname", 2),
    ("family name", 2),
    ("customer number", 3),
    ("customer no", 3),
    ("customer id", 3),
    ("reference id", 3),
    ("client number", 3),
    ("phone", 4),
    ("phone number", 4),
    ("telephone", 4),
    ("home phone", 4),
    ("work phone", 4),
    ("mobile", 5),
    ("mobile phone", 5),
    ("mobile number", 5),
    ("cell", 5),
    ("cell phone", 5),
    ("address1", 6),
    ("address 1", 6),
    ("address", 6),
    ("address line 1", 6),
    ("street", 6),
    ("street address", 6),
    ("street address 1", 6),
    ("address2", 7),
    ("address 2", 7),
    ("address line 2", 7),
    ("street address 2", 7),
    ("unit", 8),
    ("apartment", 8),
    ("suite", 8),
    ("city", 9),
    ("town", 9),
    ("region", 10),
    ("province/state", 10),
    ("state/province", 10),
    ("state", 10),
    ("province", 10),
    ("county", 10),
    ("country", 11),
    ("postal code", 12),
    ("postcode", 12),
    ("post code", 12),
    ("zip", 12),
    ("zip code", 12),
    ("zip/postal code", 12),
    ("notes", 13),
    ("note", 13),
    ("comments", 13),
    ("memo", 13),
];

fn normalize_header(h: &str) -> String {
    h.trim_start_matches('\u{feff}')
        .trim()
        .to_lowercase()
        .replace(['_', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Which of [`COLUMNS`] a header names.
pub(crate) fn column_of(header: &str) -> Option<usize> {
    let h = normalize_header(header);
    ALIASES
        .iter()
        .find(|(alias, _)| *alias == h)
        .map(|(_, i)| *i)
}

/// Whether a spreadsheet would treat a cell starting with `c` as a formula.
fn is_formula_start(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// C2: a cell as exported.
#[must_use]
pub fn neutralize(cell: &str) -> String {
    match cell.chars().next() {
        Some(c) if is_formula_start(c) || c == '\'' => format!("'{cell}"),
        _ => cell.to_owned(),
    }
}

/// C1: a cell as imported (undoing [`neutralize`]).
#[must_use]
pub fn unneutralize(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(|c: char| is_formula_start(c) || c == '\'') => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn c1_headers_match_case_insensitively_and_through_aliases() {
        assert_eq!(column_of("Email Address"), Some(0));
        assert_eq!(column_of("\u{feff}EMAIL"), Some(0));
        assert_eq!(column_of("First Name"), Some(1));
        assert_eq!(column_of("last_name"), Some(2));
        assert_eq!(column_of("Province/State"), Some(10));
        assert_eq!(column_of("Postal Code"), Some(12));
        assert_eq!(column_of("Mobile"), Some(5));
        assert_eq!(column_of("Favourite colour"), None);
    }

    #[test]
    fn c2_formulas_are_neutralised_and_restored() {
        for cell in [
            "=1+1", "+44 20", "-5", "@SUM(A1)", "'quoted", "''", "'=x", "plain", "",
        ] {
            let out = neutralize(cell);
            assert!(!out.starts_with(['=', '+', '-', '@']), "{out}");
            assert_eq!(unneutralize(&out), cell);
        }
        assert_eq!(
            unneutralize("'hello"),
            "'hello",
            "a foreign apostrophe stays"
        );
    }
}
