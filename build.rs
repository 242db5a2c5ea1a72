//! Records which build this is (commit, date, target) for the About window and `--version`, and
//! on Windows targets embeds the icon and version resources (packaging/windows/cruscotto.rc).

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
    windows_resources();
}

/// The icon and version of cruscotto.exe (embed-resource does nothing for other targets).
fn windows_resources() {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("windows") {
        return;
    }
    println!("cargo:rerun-if-changed=packaging/windows/cruscotto.rc");
    println!("cargo:rerun-if-changed=assets/icons/cruscotto.ico");
    let part = |name: &str| std::env::var(name).unwrap_or_else(|_| "0".into());
    let defines = [
        format!("VER_MAJOR={}", part("CARGO_PKG_VERSION_MAJOR")),
        format!("VER_MINOR={}", part("CARGO_PKG_VERSION_MINOR")),
        format!("VER_PATCH={}", part("CARGO_PKG_VERSION_PATCH")),
        format!("VER_TEXT=\\\"{}\\\"", part("CARGO_PKG_VERSION")),
    ];
    embed_resource::compile_for("packaging/windows/cruscotto.rc", ["cruscotto"], &defines)
        .manifest_optional()
        .expect("the Windows resources compile (windres from binutils-mingw-w64)");
}
