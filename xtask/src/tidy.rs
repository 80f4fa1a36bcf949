//! Tidy checks that run as ordinary tests: the architecture's dependency
//! rules, read from `cargo metadata`.

#![cfg(test)]

use std::collections::{BTreeSet, HashMap};
use std::process::Command;

use serde_json::Value;

/// The workspace's resolved graph: package name → names of its normal
/// (non-dev, non-build) dependencies.
fn normal_dependency_graph() -> HashMap<String, Vec<String>> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--filter-platform",
            &host_triple(),
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("metadata is JSON");
    let names: HashMap<&str, &str> = metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["id"].as_str().unwrap(), p["name"].as_str().unwrap()))
        .collect();
    metadata["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| {
            let deps = node["deps"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| {
                    d["dep_kinds"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|k| k["kind"].is_null())
                })
                .map(|d| names[d["pkg"].as_str().unwrap()].to_owned())
                .collect();
            (names[node["id"].as_str().unwrap()].to_owned(), deps)
        })
        .collect()
}

/// The platform this machine builds for (dependencies of other targets,
/// such as wasm's `js-sys`, never reach a Rota binary here).
fn host_triple() -> String {
    let out = Command::new("rustc")
        .arg("-vV")
        .output()
        .expect("rustc runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host")
        .to_owned()
}

/// The normal dependencies `package` builds with on its own: `cargo tree`
/// resolves features for the selected package only, unlike `cargo metadata`,
/// which unifies them across the workspace (where, say, lettre switches on
/// uuid's random v4 ids — code rota-domain never calls and would not get
/// when used alone).
fn own_tree(package: &str) -> BTreeSet<String> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "tree",
            "--locked",
            "-p",
            package,
            "-e",
            "normal",
            "--prefix",
            "none",
            "--format",
            "{p}",
            "--target",
            &host_triple(),
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != package)
        .map(str::to_owned)
        .collect()
}

/// Runtimes, I/O, databases, HTTP, mail, hashing and OS randomness.
const IMPURE: &[&str] = &[
    "tokio",
    "async-std",
    "smol",
    "futures",
    "futures-util",
    "mio",
    "async-trait",
    "sqlx",
    "sqlx-core",
    "libsqlite3-sys",
    "axum",
    "hyper",
    "tower",
    "lettre",
    "argon2",
    "rand",
    "rand_core",
    "getrandom",
    "reqwest",
];

#[test]
fn architecture_rota_domain_is_pure() {
    let deps = own_tree("rota-domain");
    assert!(deps.contains("jiff"), "the tree was read: {deps:?}");
    let bad: Vec<_> = deps
        .iter()
        .filter(|d| IMPURE.contains(&d.as_str()))
        .collect();
    assert!(bad.is_empty(), "rota-domain depends on {bad:?}");
}

#[test]
fn architecture_rota_app_has_no_adapter_dependencies() {
    let deps = own_tree("rota-app");
    assert!(deps.contains("rota-domain"), "the tree was read: {deps:?}");
    let allowed_impure = ["async-trait"];
    let bad: Vec<_> = deps
        .iter()
        .filter(|d| IMPURE.contains(&d.as_str()) && !allowed_impure.contains(&d.as_str()))
        .collect();
    assert!(bad.is_empty(), "rota-app depends on {bad:?}");
}

/// Dependency direction is one way (domain ← app ← adapters ← server), and
/// adapters never import each other.
#[test]
fn architecture_crates_depend_only_inwards() {
    let graph = normal_dependency_graph();
    let allowed: &[(&str, &[&str])] = &[
        ("rota-domain", &[]),
        ("rota-app", &["rota-domain"]),
        ("rota-store-memory", &["rota-app"]),
        ("rota-store-sqlite", &["rota-app"]),
        ("rota-store-postgres", &["rota-app"]),
        ("rota-store-contract", &["rota-app"]),
        ("rota-auth", &["rota-app"]),
        ("rota-email", &["rota-app"]),
        ("rota-http", &["rota-app"]),
        ("rota-web", &["rota-app"]),
    ];
    // Every crate of ours is known: a new one must say what it may use.
    let composers = ["rota-server", "rota-tests"];
    for krate in graph.keys().filter(|k| k.starts_with("rota-")) {
        assert!(
            composers.contains(&krate.as_str()) || allowed.iter().any(|(k, _)| k == krate),
            "{krate} is not in the architecture test: say what it may depend on"
        );
    }
    for (krate, may) in allowed {
        let Some(deps) = graph.get(*krate) else {
            panic!("{krate} is missing from the workspace");
        };
        let internal: Vec<_> = deps.iter().filter(|d| d.starts_with("rota-")).collect();
        for dep in internal {
            assert!(
                may.contains(&dep.as_str()),
                "{krate} must not depend on {dep}"
            );
        }
    }
}

/// The crate map in docs/ARCHITECTURE.md (its `crate-map` block) is what
/// `cargo metadata` says: every workspace package, and exactly the
/// workspace packages each depends on.
#[test]
fn architecture_the_documented_crate_map_is_the_workspace() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/ARCHITECTURE.md"
    ))
    .expect("docs/ARCHITECTURE.md is readable");
    let block = doc
        .split("```crate-map\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/ARCHITECTURE.md has a crate-map block");
    let documented: BTreeSet<(String, String)> = block
        .lines()
        .filter(|l| !l.trim().is_empty())
        .flat_map(|line| {
            let (krate, deps) = line.split_once(':').expect("`crate: dep, dep` lines");
            let krate = krate.trim().to_owned();
            let arrows: Vec<_> = deps
                .split(',')
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(|d| (krate.clone(), d.to_owned()))
                .collect();
            // A package with no arrows still counts as on the map.
            std::iter::once((krate.clone(), String::new())).chain(arrows)
        })
        .collect();
    let graph = normal_dependency_graph();
    let members = workspace_members();
    let ours: BTreeSet<&str> = members.iter().map(String::as_str).collect();
    let actual: BTreeSet<(String, String)> = graph
        .iter()
        .filter(|(k, _)| ours.contains(k.as_str()))
        .flat_map(|(krate, deps)| {
            let arrows: Vec<_> = deps
                .iter()
                .filter(|d| ours.contains(d.as_str()))
                .map(|d| (krate.clone(), d.clone()))
                .collect();
            std::iter::once((krate.clone(), String::new())).chain(arrows)
        })
        .collect();
    let missing: Vec<_> = actual.difference(&documented).collect();
    let extra: Vec<_> = documented.difference(&actual).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "docs/ARCHITECTURE.md's crate map is not the workspace: \
         missing {missing:?}, not there {extra:?} (an empty second name is the package itself)"
    );
}

/// The names of the workspace's packages.
fn workspace_members() -> Vec<String> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["metadata", "--format-version", "1", "--no-deps", "--locked"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("metadata is JSON");
    metadata["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}
