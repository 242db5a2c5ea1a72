//! Records which build this is (commit, date, target) for the About window and `--version`.

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=CRUSCOTTO_BUILD");
    // The commit is read again when HEAD moves (a packaged tarball has no .git: "n.d.").
    for path in [".git/HEAD", ".git/refs/heads"] {
        if std::path::Path::new(path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    let commit = std::env::var("CRUSCOTTO_BUILD").ok().or_else(|| {
        let out = Command::new("git")
            .args(["log", "-1", "--format=%h %cs"])
            .output()
            .ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
            .filter(|s| !s.is_empty())
    });
    let target = std::env::var("TARGET").unwrap_or_default();
    let profile = std::env::var("PROFILE").unwrap_or_default();
    let build = format!(
        "{} · {target} · {profile}",
        commit.as_deref().unwrap_or("n.d.")
    );
    println!("cargo:rustc-env=CRUSCOTTO_BUILD={build}");
}
