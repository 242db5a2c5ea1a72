//! Whether the desktop can show a file dialog. On Linux, rfd asks the xdg-desktop-portal over
//! the session bus and falls back to `zenity`; with neither, its dialogs return at once with
//! nothing, as if the user had cancelled. Windows and macOS always have their own dialogs.
//!
//! `CRUSCOTTO_FILE_DIALOG=builtin` (or `desktop`) overrides the answer.

use crate::i18n::Lang;

/// What the desktop offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    Desktop,
    Missing(Missing),
}

/// Why the desktop's dialog cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Missing {
    /// Neither the portal nor zenity (and whether a session bus was there at all).
    PortalAndZenity { session_bus: bool },
    /// The user asked for the browser in the window.
    Chosen,
}

impl Missing {
    /// A sentence for the window.
    pub fn explain(&self, lang: Lang) -> String {
        match self {
            Missing::PortalAndZenity { session_bus } => {
                let bus = if *session_bus {
                    ""
                } else {
                    lang.pick(" (nessun bus di sessione D-Bus)", " (no D-Bus session bus)")
                };
                lang.pick_owned(
                    &format!(
                        "Il desktop non offre una finestra per scegliere i file: mancano \
                         xdg-desktop-portal e zenity{bus}. Cruscotto usa il proprio selettore; \
                         per quello del desktop installate il pacchetto xdg-desktop-portal-gtk \
                         oppure zenity."
                    ),
                    &format!(
                        "The desktop offers no file dialog: xdg-desktop-portal and zenity are \
                         both missing{bus}. Cruscotto uses its own file browser; install the \
                         xdg-desktop-portal-gtk or zenity package for the desktop's one."
                    ),
                )
            }
            Missing::Chosen => lang.pick_owned(
                "Selettore di file di Cruscotto (CRUSCOTTO_FILE_DIALOG=builtin).",
                "Cruscotto's own file browser (CRUSCOTTO_FILE_DIALOG=builtin).",
            ),
        }
    }
}

/// Looks (once per window; it may ask the session bus, so never on the window's thread).
pub fn probe() -> Availability {
    match std::env::var("CRUSCOTTO_FILE_DIALOG").ok().as_deref() {
        Some("builtin") => return Availability::Missing(Missing::Chosen),
        Some("desktop") => return Availability::Desktop,
        _ => {}
    }
    platform_probe()
}

#[cfg(target_os = "linux")]
fn platform_probe() -> Availability {
    if on_path("zenity") {
        return Availability::Desktop;
    }
    match portal_on_session_bus() {
        Ok(true) => Availability::Desktop,
        Ok(false) => Availability::Missing(Missing::PortalAndZenity { session_bus: true }),
        Err(_) => Availability::Missing(Missing::PortalAndZenity { session_bus: false }),
    }
}

#[cfg(not(target_os = "linux"))]
fn platform_probe() -> Availability {
    Availability::Desktop
}

/// Whether an executable called `name` is in `PATH`.
#[cfg(target_os = "linux")]
fn on_path(name: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| {
            std::fs::metadata(dir.join(name))
                .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
    })
}

/// Whether the portal runs, or can be started by the bus; `Err` when there is no session bus.
#[cfg(target_os = "linux")]
fn portal_on_session_bus() -> Result<bool, zbus::Error> {
    const PORTAL: &str = "org.freedesktop.portal.Desktop";
    let connection = zbus::blocking::Connection::session()?;
    let bus = zbus::blocking::fdo::DBusProxy::new(&connection)?;
    let name = zbus::names::BusName::try_from(PORTAL).map_err(zbus::Error::from)?;
    if bus.name_has_owner(name)? {
        return Ok(true);
    }
    Ok(bus
        .list_activatable_names()?
        .iter()
        .any(|n| n.as_str() == PORTAL))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_what_to_install() {
        let it = Missing::PortalAndZenity { session_bus: false }.explain(Lang::It);
        assert!(
            it.contains("zenity") && it.contains("xdg-desktop-portal-gtk"),
            "{it}"
        );
        assert!(it.contains("nessun bus di sessione"), "{it}");
        let en = Missing::PortalAndZenity { session_bus: true }.explain(Lang::En);
        assert!(!en.contains("session bus)"), "{en}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_missing_program_is_not_on_the_path() {
        assert!(on_path("sh"));
        assert!(!on_path("cruscotto-no-such-program"));
    }
}
