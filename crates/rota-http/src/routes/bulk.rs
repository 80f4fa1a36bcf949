//! Customers in bulk: CSV import (C1) and streamed export (C2).

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use rota_app::bulk::{ImportMode, ImportOptions, ImportReport, OnDuplicate, RowError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::extract::Query;
use crate::problem::{FieldError, Problem};
use crate::session::Signed;

/// The largest CSV the API takes (bigger files: `rota import-customers`).
pub const IMPORT_MAX_BYTES: usize = 20 * 1024 * 1024;
/// The most data rows the API takes in one file.
pub const IMPORT_MAX_ROWS: u64 = 100_000;

/// How to import.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `dry_run` (the default: report only) or `commit` (all or nothing).
    pub mode: Option<String>,
    /// `skip`, `update` or `error` (the default).
    pub on_duplicate: Option<String>,
}

/// One problem with one row.
#[derive(Serialize, ToSchema)]
pub struct RowErrorDto {
    /// The line of the file (1 is the header).
    pub line: u64,
    /// The column, as the file names it.
    pub column: Option<String>,
    /// `invalid`, `required`, `duplicate`, `email_taken`.
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
}

impl From<&RowError> for RowErrorDto {
    fn from(e: &RowError) -> Self {
        Self {
            line: e.line,
            column: e.column.clone(),
            code: e.code,
            message: e.message.clone(),
        }
    }
}

/// What an import did or would do.
#[derive(Serialize, ToSchema)]
pub struct ImportReportDto {
    /// Data rows read.
    pub rows: u64,
    /// Customers created (or that would be).
    pub created: u64,
    /// Customers updated (or that would be).
    pub updated: u64,
    /// Duplicates skipped.
    pub skipped: u64,
    /// Row errors (the first 100).
    pub errors: Vec<RowErrorDto>,
    /// Every row error.
    pub error_count: u64,
    /// Columns not known to Rota, ignored.
    pub ignored_columns: Vec<String>,
    /// Whether anything was written.
    pub committed: bool,
}

impl From<&ImportReport> for ImportReportDto {
    fn from(r: &ImportReport) -> Self {
        Self {
            rows: r.rows,
            created: r.created,
            updated: r.updated,
            skipped: r.skipped,
            errors: r.errors.iter().map(RowErrorDto::from).collect(),
            error_count: r.error_count,
            ignored_columns: r.ignored_columns.clone(),
            committed: r.committed,
        }
    }
}

/// Imports customers from CSV (C1; administrators): UTF-8 with or without
/// BOM, a header row, columns matched case-insensitively and through the
/// aliases other tools use. A `commit` with any bad row writes nothing and
/// answers 422 naming each bad row's line and column.
#[utoipa::path(post, path = "/v1/customers/import", tag = "customers", params(ImportParams),
    request_body(content = String, content_type = "text/csv"),
    responses((status = OK, body = ImportReportDto), (status = FORBIDDEN, body = Problem),
        (status = PAYLOAD_TOO_LARGE, body = Problem),
        (status = UNPROCESSABLE_ENTITY, description = "`import_rejected`, `missing_columns`, `malformed_csv`, `too_many_rows`", body = Problem)))]
async fn import(
    State(state): State<AppState>,
    Signed(who): Signed,
    Query(q): Query<ImportParams>,
    body: Body,
) -> Result<Json<ImportReportDto>, Problem> {
    let mode = match q.mode.as_deref() {
        None | Some("dry_run") => ImportMode::DryRun,
        Some("commit") => ImportMode::Commit,
        Some(_) => return Err(Problem::field("mode", "invalid", "`dry_run` or `commit`")),
    };
    let on_duplicate = match q.on_duplicate.as_deref() {
        None | Some("error") => OnDuplicate::Error,
        Some("skip") => OnDuplicate::Skip,
        Some("update") => OnDuplicate::Update,
        Some(_) => {
            return Err(Problem::field(
                "on_duplicate",
                "invalid",
                "`skip`, `update` or `error`",
            ));
        }
    };
    let bytes = axum::body::to_bytes(body, IMPORT_MAX_BYTES).await.map_err(|_| {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            format!(
                "the API takes CSV files up to {} MiB; use `rota import-customers` for bigger ones",
                IMPORT_MAX_BYTES / 1024 / 1024
            ),
        )
    })?;
    let options = ImportOptions {
        mode,
        on_duplicate,
        max_rows: Some(IMPORT_MAX_ROWS),
    };
    let report = state
        .rota
        .import_customers(&who.actor, bytes.as_ref(), options, None)
        .await?;
    if mode == ImportMode::Commit && !report.committed {
        let mut p = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "import_rejected",
            format!(
                "{} row(s) have errors; nothing was imported",
                report.error_count
            ),
        );
        p.errors = Some(
            report
                .errors
                .iter()
                .map(|e| FieldError {
                    field: match &e.column {
                        Some(c) => format!("line {}: {c}", e.line),
                        None => format!("line {}", e.line),
                    },
                    code: e.code.to_owned(),
                    message: e.message.clone(),
                })
                .collect(),
        );
        return Err(p);
    }
    Ok(Json(ImportReportDto::from(&report)))
}

/// Exports every customer as CSV (C2; administrators), streamed, in the import's column layout; cells a
/// spreadsheet would run as formulas are neutralised.
#[utoipa::path(get, path = "/v1/customers/export", tag = "customers",
    responses((status = OK, content_type = "text/csv", body = String),
        (status = FORBIDDEN, body = Problem)))]
async fn export(State(state): State<AppState>, Signed(who): Signed) -> Result<Response, Problem> {
    let export = state.rota.export_customers(&who.actor).await?;
    let stream = futures_util::stream::unfold(export, |mut export| async move {
        let chunk = export.next_chunk().await?.map_err(|e| {
            tracing::error!(error = %e, "the export stopped half-way");
            std::io::Error::other(e.to_string())
        });
        Some((chunk, export))
    });
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"customers.csv\""),
    );
    Ok(response)
}

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(import))
        .routes(routes!(export))
}
