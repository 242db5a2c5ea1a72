//! Which graphics renderer draws the window, and the fallback between them.
//!
//! wgpu (Vulkan, DirectX 12 or Metal) is tried first; where it cannot start — an old laptop
//! without DX12/Vulkan, a virtual machine, wine — the window starts again with glow (plain
//! OpenGL). `--renderer wgpu|glow` forces one and is remembered for the next starts;
//! `--renderer auto` forgets it. When neither can start, the user is told in a message box
//! (and on the terminal), never left with nothing.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The renderer asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RendererChoice {
    /// wgpu, else glow.
    Auto,
    /// wgpu only (Vulkan, DirectX 12, Metal).
    Wgpu,
    /// glow only (OpenGL 2+ / OpenGL ES).
    Glow,
}

impl RendererChoice {
    fn name(self) -> &'static str {
        match self {
            RendererChoice::Auto => "auto",
            RendererChoice::Wgpu => "wgpu",
            RendererChoice::Glow => "glow",
        }
    }

    fn parse(text: &str) -> Option<RendererChoice> {
        match text.trim() {
            "wgpu" => Some(RendererChoice::Wgpu),
            "glow" => Some(RendererChoice::Glow),
            "auto" => Some(RendererChoice::Auto),
            _ => None,
        }
    }
}

/// Where a forced choice is kept: a one-word file in the user's configuration folder.
fn remembered_file() -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("it", "Cruscotto", "cruscotto")?;
    Some(dirs.config_dir().join("renderer"))
}

/// The choice for this start: the command line's (remembered, or forgotten when `auto`), else
/// the remembered one, else `auto`.
pub fn resolve(asked: Option<RendererChoice>) -> RendererChoice {
    resolve_in(asked, remembered_file())
}

fn resolve_in(asked: Option<RendererChoice>, file: Option<PathBuf>) -> RendererChoice {
    match (asked, file) {
        (Some(choice), Some(file)) => {
            let _ = match choice {
                RendererChoice::Auto => std::fs::remove_file(&file),
                forced => std::fs::create_dir_all(file.parent().unwrap_or(&file))
                    .and_then(|_| std::fs::write(&file, forced.name())),
            };
            choice
        }
        (Some(choice), None) => choice,
        (None, Some(file)) => std::fs::read_to_string(file)
            .ok()
            .and_then(|t| RendererChoice::parse(&t))
            .unwrap_or(RendererChoice::Auto),
        (None, None) => RendererChoice::Auto,
    }
}

/// The renderer the window runs on, for the About window ("wgpu · Vulkan · llvmpipe").
pub fn describe(cc: &eframe::CreationContext<'_>) -> String {
    if let Some(wgpu) = &cc.wgpu_render_state {
        let info = wgpu.adapter.get_info();
        format!("wgpu · {:?} · {}", info.backend, info.name)
    } else if cc.gl.is_some() {
        "OpenGL (glow)".to_string()
    } else {
        "n.d.".to_string()
    }
}

/// Runs the window with `choice`; `launch(renderer, first_frame)` opens it once with one
/// renderer, and sets `first_frame` when it has drawn.
pub fn run_with_fallback(
    choice: RendererChoice,
    mut launch: impl FnMut(eframe::Renderer, Arc<AtomicBool>) -> Result<(), String>,
) -> Result<(), String> {
    let attempt =
        |launch: &mut dyn FnMut(eframe::Renderer, Arc<AtomicBool>) -> Result<(), String>,
         renderer: eframe::Renderer|
         -> (Result<(), String>, bool) {
            let drawn = Arc::new(AtomicBool::new(false));
            let flag = drawn.clone();
            let result =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| launch(renderer, flag)))
                    .unwrap_or_else(|panic| Err(panic_text(&panic)));
            (result, drawn.load(Ordering::SeqCst))
        };
    match choice {
        RendererChoice::Wgpu => attempt(&mut launch, eframe::Renderer::Wgpu).0,
        RendererChoice::Glow => attempt(&mut launch, eframe::Renderer::Glow).0,
        RendererChoice::Auto => match attempt(&mut launch, eframe::Renderer::Wgpu) {
            (Ok(()), _) => Ok(()),
            // It ran, then failed: a real error, not a missing renderer.
            (Err(e), true) => Err(e),
            (Err(wgpu), false) => {
                eprintln!("cruscotto: wgpu could not start ({wgpu}); trying OpenGL (glow)");
                attempt(&mut launch, eframe::Renderer::Glow)
                    .0
                    .map_err(|glow| both_failed(&wgpu, &glow))
            }
        },
    }
}

/// The message when no renderer starts.
fn both_failed(wgpu: &str, glow: &str) -> String {
    format!(
        "Cruscotto non riesce ad aprire la finestra: la scheda grafica non offre né Vulkan/DirectX 12 \
         (wgpu: {wgpu}) né OpenGL 2 (glow: {glow}). Aggiornate i driver grafici; i comandi da \
         terminale (cruscotto summary, report, export-…) funzionano comunque. / Cruscotto cannot \
         open its window: no Vulkan/DirectX 12 and no OpenGL 2."
    )
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "panic".to_string())
}

/// Tells the user that the window cannot open: a message box, as the terminal may be hidden.
pub fn tell(message: &str) {
    let _ = rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title("Cruscotto")
        .set_description(message)
        .set_buttons(rfd::MessageButtons::Ok)
        .show();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forced_choice_is_remembered_until_auto() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config").join("renderer");
        let f = || Some(file.clone());
        assert_eq!(resolve_in(None, f()), RendererChoice::Auto);
        assert_eq!(
            resolve_in(Some(RendererChoice::Glow), f()),
            RendererChoice::Glow
        );
        assert_eq!(resolve_in(None, f()), RendererChoice::Glow);
        assert_eq!(
            resolve_in(Some(RendererChoice::Auto), f()),
            RendererChoice::Auto
        );
        assert_eq!(resolve_in(None, f()), RendererChoice::Auto);
        std::fs::write(&file, "vulkan?").unwrap();
        assert_eq!(resolve_in(None, f()), RendererChoice::Auto);
    }

    #[test]
    fn auto_falls_back_to_glow_when_wgpu_cannot_start() {
        let mut tried = Vec::new();
        let result = run_with_fallback(RendererChoice::Auto, |renderer, _| {
            tried.push(renderer);
            match renderer {
                eframe::Renderer::Wgpu => panic!("Parent device is lost"),
                _ => Ok(()),
            }
        });
        assert_eq!(result, Ok(()));
        assert_eq!(tried, [eframe::Renderer::Wgpu, eframe::Renderer::Glow]);
    }

    #[test]
    fn a_failure_after_drawing_is_not_retried_and_both_failures_are_explained() {
        let mut tried = 0;
        let result = run_with_fallback(RendererChoice::Auto, |_, drawn| {
            tried += 1;
            drawn.store(true, Ordering::SeqCst);
            Err("lost".to_string())
        });
        assert_eq!((tried, result), (1, Err("lost".to_string())));
        let result = run_with_fallback(RendererChoice::Auto, |r, _| Err(format!("{r:?} no")));
        let message = result.unwrap_err();
        assert!(
            message.contains("Wgpu no") && message.contains("Glow no"),
            "{message}"
        );
        let forced = run_with_fallback(RendererChoice::Glow, |r, _| Err(format!("{r:?} no")));
        assert_eq!(forced, Err("Glow no".to_string()));
    }
}
