//! The OpenAPI document: current in `docs/`, and describing what is served.

#![allow(missing_docs)]

#[test]
fn docs_openapi_json_is_current() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");
    let written = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        written == rota_http::openapi_json(),
        "docs/openapi.json is stale: run `cargo xtask openapi`"
    );
}

#[test]
fn the_document_is_openapi_3_1_and_lists_every_route_of_the_spec() {
    let doc: serde_json::Value = serde_json::from_str(&rota_http::openapi_json()).unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/v1/businesses", "post"),
        ("/v1/sessions", "post"),
        ("/v1/sessions/current", "delete"),
        ("/v1/me", "get"),
        ("/v1/me/password", "put"),
        ("/v1/password-resets", "post"),
        ("/v1/password-resets/confirm", "post"),
        ("/v1/invitations/accept", "post"),
        ("/v1/business", "patch"),
        ("/v1/subscription", "put"),
        ("/v1/subscription/cancel", "post"),
        ("/v1/settings/access-rights", "put"),
        ("/v1/employees", "post"),
        ("/v1/employees/{id}", "patch"),
        ("/v1/employees/{id}/deactivate", "post"),
        ("/v1/employees/{id}/reactivate", "post"),
        ("/v1/employees/{id}/send-password-reset", "post"),
        ("/v1/employees/{id}/work-hours", "put"),
        ("/v1/employees/{id}/time-off", "post"),
        ("/v1/employees/{id}/time-off/{time_off_id}", "delete"),
        ("/v1/customers", "get"),
        ("/v1/customers/{id}", "patch"),
        ("/v1/customers/{id}/archive", "post"),
        ("/v1/customers/{id}/invite", "post"),
        ("/v1/services", "post"),
        ("/v1/services/{id}", "patch"),
        ("/v1/availability", "get"),
        ("/v1/bookings", "post"),
        ("/v1/bookings/{id}", "patch"),
        ("/v1/bookings/{id}/start", "post"),
        ("/v1/bookings/{id}/complete", "post"),
        ("/v1/bookings/{id}/cancel", "post"),
        ("/v1/bookings/{id}/no-show", "post"),
        ("/v1/bookings/{id}/payments", "post"),
        ("/v1/time-entries/clock-in", "post"),
        ("/v1/time-entries/clock-out", "post"),
        ("/v1/time-entries", "get"),
        ("/v1/audit-events", "get"),
        ("/healthz", "get"),
        ("/readyz", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} is not in the document"
        );
    }
}
