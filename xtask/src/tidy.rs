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
        ("rota-store-sql", &[]),
        ("rota-store-sqlite", &["rota-app", "rota-store-sql"]),
        ("rota-store-postgres", &["rota-app", "rota-store-sql"]),
        ("rota-store-contract", &["rota-app"]),
        ("rota-auth", &["rota-app"]),
        ("rota-email", &["rota-app"]),
        ("rota-caldav", &["rota-app"]),
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

/// The module a file under `src/` is: `lib.rs` the crate, `a.rs` or
/// `a/mod.rs` the module `a`, `a/b.rs` the module `a::b`.
fn module_of(src: &std::path::Path, file: &std::path::Path) -> Vec<String> {
    let rel = file.strip_prefix(src).expect("under src");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("lib" | "main" | "mod")
    ) {
        parts.pop();
    }
    parts
}

/// The paths a file names through `crate::`, `super::` or `self::`, made
/// absolute (`use super::{a, b::c}` names `a` and `b::c` beside the file's
/// module's parent).
fn named_paths(module: &[String], text: &str) -> Vec<Vec<String>> {
    let mut found = Vec::new();
    for start in ["crate::", "super::", "self::"] {
        for (at, _) in text.match_indices(start) {
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let mut base: Vec<String> = match start {
                "crate::" => Vec::new(),
                "super::" => module[..module.len().saturating_sub(1)].to_vec(),
                _ => module.to_vec(),
            };
            let rest = &text[at + start.len()..];
            // `super::super::` climbs again.
            let mut rest = rest;
            while let Some(r) = rest.strip_prefix("super::") {
                base.pop();
                rest = r;
            }
            let mut prefix = base.clone();
            let mut chars = rest.char_indices().peekable();
            let mut word = String::new();
            while let Some((i, c)) = chars.next() {
                if c.is_alphanumeric() || c == '_' {
                    word.push(c);
                } else if rest[i..].starts_with("::{") {
                    prefix.push(std::mem::take(&mut word));
                    let group = &rest[i + 3..];
                    let end = group.find('}').unwrap_or(group.len());
                    for item in group[..end].split(',') {
                        let mut path = prefix.clone();
                        path.extend(item.trim().split("::").map(|s| s.trim().to_owned()));
                        found.push(path);
                    }
                    word.clear();
                    break;
                } else if rest[i..].starts_with("::") {
                    prefix.push(std::mem::take(&mut word));
                    chars.next();
                } else {
                    break;
                }
            }
            if !word.is_empty() {
                prefix.push(word);
                found.push(prefix);
            }
        }
    }
    found
}

/// No two sibling modules of a crate name each other: dependencies between
/// a crate's modules run one way, like those between crates.
#[test]
fn architecture_no_two_sibling_modules_import_each_other() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut crates: Vec<std::path::PathBuf> = std::fs::read_dir(root.join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path().join("src"))
        .collect();
    crates.push(root.join("xtask/src"));
    let mut cycles = Vec::new();
    for src in crates {
        let mut files = Vec::new();
        let mut dirs = vec![src.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(path);
                }
            }
        }
        let modules: BTreeSet<Vec<String>> = files.iter().map(|f| module_of(&src, f)).collect();
        let mut edges = BTreeSet::new();
        for file in &files {
            let me = module_of(&src, file);
            if me.is_empty() {
                continue;
            }
            let text = std::fs::read_to_string(file).unwrap();
            // Tests may reach anywhere; comments name without importing.
            let code: String = text
                .split("#[cfg(test)]")
                .next()
                .unwrap_or_default()
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            let text = code.as_str();
            for path in named_paths(&me, text) {
                let depth = me.len();
                if path.len() < depth || path[..depth - 1] != me[..depth - 1] {
                    continue;
                }
                let sibling = path[..depth].to_vec();
                if sibling != me && modules.contains(&sibling) {
                    edges.insert((me.join("::"), sibling.join("::")));
                }
            }
        }
        for (a, b) in &edges {
            if a < b && edges.contains(&(b.clone(), a.clone())) {
                cycles.push(format!("{}: {a} ⇄ {b}", src.display()));
            }
        }
    }
    assert!(
        cycles.is_empty(),
        "modules that import each other: {cycles:#?}"
    );
}

/// The most lines a source file under `crates/*/src` or `xtask/src` holds.
const MAX_LINES: usize = 600;

/// No source file grows past [`MAX_LINES`]: a file that long has a seam to
/// split along.
#[test]
fn house_no_source_file_is_over_six_hundred_lines() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut dirs: Vec<std::path::PathBuf> = std::fs::read_dir(root.join("crates"))
        .unwrap()
        .map(|e| e.unwrap().path().join("src"))
        .collect();
    dirs.push(root.join("xtask/src"));
    let mut long = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let lines = std::fs::read_to_string(&path).unwrap().lines().count();
            let name = path
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if lines > MAX_LINES {
                long.push(format!("{name}: {lines} lines"));
            }
        }
    }
    assert!(long.is_empty(), "files to split: {long:#?}");
}
