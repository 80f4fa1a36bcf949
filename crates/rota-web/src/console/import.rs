//! Importing customers from a CSV file (C1): the file is checked first (a
//! dry run, its problems listed line by line as the file numbers them),
//! and written only when the person imports it — all rows or none.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use rota_app::bulk::{ImportError, ImportMode, ImportOptions, ImportReport, OnDuplicate};
use rota_app::{Classify, ErrorKind};
use serde::Deserialize;

use crate::Web;
use crate::form::{Posted, form_token, render, with_cookie};
use crate::viewer::{Viewer, ViewerLine};

/// Files larger than this are imported with `rota import-customers`.
const MAX_FILE: usize = 2 * 1024 * 1024;

const DUPLICATES: [(&str, &str); 3] = [
    ("error", "Report it as a problem"),
    ("skip", "Skip that row"),
    ("update", "Update the customer"),
];

struct RowProblem {
    line: u64,
    column: String,
    message: String,
}

struct Report {
    rows: u64,
    created: u64,
    updated: u64,
    skipped: u64,
    error_count: u64,
    ignored: String,
    errors: Vec<RowProblem>,
}

impl From<&ImportReport> for Report {
    fn from(r: &ImportReport) -> Self {
        Self {
            rows: r.rows,
            created: r.created,
            updated: r.updated,
            skipped: r.skipped,
            error_count: r.error_count,
            ignored: r.ignored_columns.join(", "),
            errors: r
                .errors
                .iter()
                .map(|e| RowProblem {
                    line: e.line,
                    column: e.column.clone().unwrap_or_default(),
                    message: crate::form::sentence_of(&e.message),
                })
                .collect(),
        }
    }
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    report: Option<Report>,
    csv: String,
    on_duplicate: String,
    duplicates: [(&'static str, &'static str); 3],
    problem: Option<String>,
    viewer: ViewerLine,
    csrf: String,
}

impl ImportPage {
    fn new(viewer: &Viewer, csrf: String) -> Self {
        Self {
            report: None,
            csv: String::new(),
            on_duplicate: "error".into(),
            duplicates: DUPLICATES,
            problem: None,
            viewer: viewer.line(),
            csrf,
        }
    }
}

fn on_duplicate(value: &str) -> OnDuplicate {
    match value {
        "skip" => OnDuplicate::Skip,
        "update" => OnDuplicate::Update,
        _ => OnDuplicate::Error,
    }
}

pub(super) async fn page(State(web): State<Web>, headers: HeaderMap, viewer: Viewer) -> Response {
    if !viewer.may("import_customers") {
        return Redirect::to("/console").into_response();
    }
    let (csrf, set) = form_token(&web, &headers);
    with_cookie(render(StatusCode::OK, &ImportPage::new(&viewer, csrf)), set)
}

/// Runs the import of `csv` in `mode`; the page showing what it did, or a
/// redirect once committed.
async fn run(
    web: &Web,
    viewer: &Viewer,
    mut page: ImportPage,
    csv: String,
    mode: ImportMode,
) -> Response {
    let options = ImportOptions {
        mode,
        on_duplicate: on_duplicate(&page.on_duplicate),
        max_rows: None,
    };
    match web
        .rota
        .import_customers(&viewer.who.actor, csv.as_bytes(), options, None)
        .await
    {
        Ok(report) if report.committed => Redirect::to(&format!(
            "/console/customers?done=imported&rows={}",
            report.created + report.updated
        ))
        .into_response(),
        Ok(report) => {
            page.report = Some(Report::from(&report));
            page.csv = csv;
            let status = if report.error_count > 0 {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            render(status, &page)
        }
        Err(e) => {
            let status = match e.kind() {
                ErrorKind::Forbidden => StatusCode::FORBIDDEN,
                ErrorKind::Unexpected => StatusCode::SERVICE_UNAVAILABLE,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            page.problem = Some(match &e {
                ImportError::Denied(_) => "You may not import customers.".into(),
                e if e.kind() == ErrorKind::Unexpected => {
                    tracing::error!(error = %e, "an import failed");
                    "Something went wrong on our side. Please try again in a moment.".into()
                }
                e => format!("The file cannot be read: {e}."),
            });
            render(status, &page)
        }
    }
}

/// The uploaded file, checked (the form token travels in the query string
/// of this one form: a file upload is not a URL-encoded body).
pub(super) async fn check(
    State(web): State<Web>,
    headers: HeaderMap,
    viewer: Viewer,
    mut multipart: Multipart,
) -> Response {
    let (csrf, _) = form_token(&web, &headers);
    let mut page = ImportPage::new(&viewer, csrf);
    let mut csv = None;
    while let Ok(Some(field)) = multipart.next_field().await {
        match field.name() {
            Some("file") => match field.bytes().await {
                Ok(b) if b.len() > MAX_FILE => {
                    page.problem = Some(
                        "The file is larger than 2 MB: import it with `rota import-customers`."
                            .into(),
                    );
                }
                Ok(b) => csv = Some(String::from_utf8_lossy(&b).into_owned()),
                Err(_) => page.problem = Some("The file could not be read.".into()),
            },
            Some("on_duplicate") => {
                if let Ok(v) = field.text().await {
                    on_duplicate_name(&v).clone_into(&mut page.on_duplicate);
                }
            }
            _ => {}
        }
    }
    match csv {
        Some(csv) if page.problem.is_none() && !csv.trim().is_empty() => {
            run(&web, &viewer, page, csv, ImportMode::DryRun).await
        }
        _ => {
            page.problem
                .get_or_insert_with(|| "Choose a CSV file to check.".into());
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}

fn on_duplicate_name(value: &str) -> &'static str {
    DUPLICATES
        .iter()
        .find(|(v, _)| *v == value)
        .map_or("error", |(v, _)| v)
}

#[derive(Deserialize)]
pub(super) struct CommitForm {
    #[serde(default)]
    csv: String,
    #[serde(default)]
    on_duplicate: String,
}

/// The checked file, written: all rows or none.
pub(super) async fn commit(
    State(web): State<Web>,
    viewer: Viewer,
    posted: Posted<CommitForm>,
) -> Response {
    let mut page = ImportPage::new(&viewer, posted.csrf);
    on_duplicate_name(&posted.form.on_duplicate).clone_into(&mut page.on_duplicate);
    run(&web, &viewer, page, posted.form.csv, ImportMode::Commit).await
}
