//! The packaging configuration is valid on every run (building the packages themselves is
//! `scripts/package`, too slow for CI): the .deb metadata names files that exist and the run-time
//! libraries, the desktop entry passes `desktop-file-validate`, the NSIS installer script
//! compiles, and the icons are the sizes they claim.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn deb_metadata() -> toml::Table {
    let text = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap();
    let manifest: toml::Table = text.parse().unwrap();
    manifest["package"]["metadata"]["deb"]
        .as_table()
        .expect("[package.metadata.deb]")
        .clone()
}

/// Runs a packaging tool that `.ci/run` installs; a missing one is a failure, not a skip.
fn tool(name: &str) -> Command {
    let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .any(|dir| dir.join(name).is_file());
    assert!(found, "{name} is not installed (.ci/run installs it)");
    Command::new(name)
}

#[test]
fn the_deb_ships_files_that_exist_and_declares_the_libraries_loaded_at_run_time() {
    let deb = deb_metadata();
    let assets = deb["assets"].as_array().unwrap();
    let mut targets = Vec::new();
    for asset in assets {
        let asset = asset.as_array().unwrap();
        let source = asset[0].as_str().unwrap();
        targets.push(asset[1].as_str().unwrap().to_string());
        if !source.starts_with("target/") {
            assert!(repo().join(source).is_file(), "missing asset {source}");
        }
    }
    for wanted in [
        "usr/bin/",
        "usr/share/applications/",
        "usr/share/icons/hicolor/256x256/apps/cruscotto.png",
        "usr/share/icons/hicolor/scalable/apps/cruscotto.svg",
    ] {
        assert!(
            targets.iter().any(|t| t == wanted),
            "{wanted} not installed"
        );
    }
    let depends = deb["depends"].as_str().unwrap();
    for lib in [
        "$auto",
        "libxkbcommon0",
        "libx11-6",
        "libwayland-client0",
        "libvulkan1",
        "libegl1",
        "libgl1",
        "libdbus-1-3",
    ] {
        assert!(depends.contains(lib), "Depends lacks {lib}: {depends}");
    }
    let recommends = deb["recommends"].as_str().unwrap();
    assert!(
        recommends.contains("xdg-desktop-portal-gtk | zenity"),
        "{recommends}"
    );
    let license = deb["license-file"].as_array().unwrap()[0].as_str().unwrap();
    assert!(repo().join(license).is_file());
}

#[test]
fn the_desktop_entry_is_valid_and_offers_the_spreadsheet_types() {
    let path = repo().join("packaging/linux/cruscotto.desktop");
    let out = tool("desktop-file-validate").arg(&path).output().unwrap();
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(path).unwrap();
    for line in [
        "Exec=cruscotto %F",
        "Icon=cruscotto",
        "Name=Cruscotto",
        "GenericName[it]=",
    ] {
        assert!(text.contains(line), "{line}");
    }
    for mime in [
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;",
        "application/vnd.oasis.opendocument.spreadsheet;",
        "application/vnd.ms-excel;",
        "text/csv;",
    ] {
        assert!(text.contains(mime), "MimeType lacks {mime}");
    }
}

#[test]
fn the_windows_installer_script_compiles() {
    let dir = tempfile::tempdir().unwrap();
    // A stand-in for the exe: the script's logic is what is checked here.
    let exe = dir.path().join("cruscotto.exe");
    std::fs::write(&exe, vec![0u8; 4096]).unwrap();
    let setup = dir.path().join("setup.exe");
    let define = |k: &str, v: &Path| format!("-D{k}={}", v.display());
    let out = tool("makensis")
        .arg("-V2")
        .arg("-DVERSION=0.1.0")
        .arg(define("EXE", &exe))
        .arg(define("ICON", &repo().join("assets/icons/cruscotto.ico")))
        .arg(define("LICENSE", &repo().join("LICENSE")))
        .arg(define("OUTFILE", &setup))
        .arg(repo().join("packaging/windows/cruscotto.nsi"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&setup).unwrap();
    assert_eq!(&bytes[..2], b"MZ", "a Windows executable");
    // A 64-bit one (machine x86-64 in the PE header): it runs under wine64 without wine32.
    let pe = u32::from_le_bytes(bytes[0x3c..0x40].try_into().unwrap()) as usize;
    assert_eq!(&bytes[pe..pe + 4], b"PE\0\0");
    assert_eq!(u16::from_le_bytes([bytes[pe + 4], bytes[pe + 5]]), 0x8664);
    // Without a version the script refuses to build.
    let out = tool("makensis")
        .arg("-V1")
        .arg(repo().join("packaging/windows/cruscotto.nsi"))
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn the_icons_are_the_sizes_they_claim() {
    for size in [16u32, 32, 48, 64, 128, 256, 512] {
        let path = repo().join(format!("assets/icons/cruscotto-{size}.png"));
        let image = image::open(&path).unwrap();
        assert_eq!((image.width(), image.height()), (size, size), "{path:?}");
    }
    // The .ico holds the sizes Windows asks for (16, 32, 48, 256): ICONDIR then 16-byte entries.
    let ico = std::fs::read(repo().join("assets/icons/cruscotto.ico")).unwrap();
    assert_eq!(&ico[..4], &[0, 0, 1, 0]);
    let count = u16::from_le_bytes([ico[4], ico[5]]) as usize;
    let sizes: Vec<u32> = (0..count)
        .map(|i| match ico[6 + 16 * i] {
            0 => 256,
            w => w as u32,
        })
        .collect();
    assert_eq!(sizes, [16, 32, 48, 256]);
}
