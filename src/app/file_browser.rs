//! The file browser drawn inside the window, for desktops that offer no file dialog (a Linux
//! session without the xdg-desktop-portal and without zenity): opening and exporting still work.
//!
//! Background threads ask through [`BuiltinDialogs`] (the same [`FileDialogs`] trait as the
//! desktop's dialogs) and wait; the window's thread draws the browser ([`FileBrowser::show`]) and
//! sends the answer back. [`AutoDialogs`] chooses between the desktop's dialogs and this browser
//! the first time a dialog is needed ([`super::dialog_probe`]).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::mpsc::{Receiver, Sender, channel};

use eframe::egui;

use super::dialog_probe::{self, Availability, Missing};
use super::dialogs::{FileDialogs, FileKind, NativeDialogs};
use crate::i18n::Lang;

/// What a background thread asks the window for.
pub struct BrowseRequest {
    pub save_as: Option<String>,
    pub kinds: Vec<FileKind>,
    /// Why the desktop's own dialog is not used, said once in the window.
    pub reason: Option<Missing>,
    reply: Sender<Vec<PathBuf>>,
}

/// The asking half: usable from any thread.
#[derive(Clone)]
pub struct BuiltinDialogs {
    tx: Sender<BrowseRequest>,
    ctx: egui::Context,
    reason: Option<Missing>,
}

impl BuiltinDialogs {
    /// The asking half and the window's half, joined.
    pub fn new(ctx: &egui::Context) -> (BuiltinDialogs, FileBrowser) {
        let (tx, rx) = channel();
        let ask = BuiltinDialogs {
            tx,
            ctx: ctx.clone(),
            reason: None,
        };
        (ask, FileBrowser::new(rx))
    }

    /// Says `reason` (once) when the browser first opens.
    pub fn because(mut self, reason: Missing) -> Self {
        self.reason = Some(reason);
        self
    }

    fn ask(&self, save_as: Option<String>, kinds: &[FileKind]) -> Vec<PathBuf> {
        let (reply, answer) = channel();
        let request = BrowseRequest {
            save_as,
            kinds: kinds.to_vec(),
            reason: self.reason.clone(),
            reply,
        };
        if self.tx.send(request).is_err() {
            return Vec::new();
        }
        self.ctx.request_repaint();
        // The window answers when the user chooses or cancels; a closed window answers nothing.
        answer.recv().unwrap_or_default()
    }
}

impl FileDialogs for BuiltinDialogs {
    fn pick_files(&self, kinds: &[FileKind]) -> Vec<PathBuf> {
        self.ask(None, kinds)
    }

    fn save_file(&self, name: &str, kinds: &[FileKind]) -> Option<PathBuf> {
        self.ask(Some(name.to_string()), kinds).into_iter().next()
    }
}

/// The desktop's dialogs where the desktop has them, else the browser in the window.
pub struct AutoDialogs {
    builtin: BuiltinDialogs,
    /// Decided on first use (on a background thread: the probe asks the session bus).
    choice: OnceLock<Availability>,
}

impl AutoDialogs {
    pub fn new(builtin: BuiltinDialogs) -> Self {
        AutoDialogs {
            builtin,
            choice: OnceLock::new(),
        }
    }

    fn dialogs(&self) -> Box<dyn FileDialogs + '_> {
        match self.choice.get_or_init(dialog_probe::probe) {
            Availability::Desktop => Box::new(NativeDialogs),
            Availability::Missing(missing) => {
                let mut builtin = self.builtin.clone();
                builtin.reason = Some(missing.clone());
                Box::new(builtin)
            }
        }
    }
}

impl FileDialogs for AutoDialogs {
    fn pick_files(&self, kinds: &[FileKind]) -> Vec<PathBuf> {
        self.dialogs().pick_files(kinds)
    }

    fn save_file(&self, name: &str, kinds: &[FileKind]) -> Option<PathBuf> {
        self.dialogs().save_file(name, kinds)
    }
}

/// The window's half: shows one request at a time.
pub struct FileBrowser {
    rx: Receiver<BrowseRequest>,
    open: Option<(BrowseRequest, egui_file::FileDialog)>,
    /// The folder the user was last in (the next browser starts there).
    folder: Option<PathBuf>,
    reason_told: bool,
}

impl FileBrowser {
    fn new(rx: Receiver<BrowseRequest>) -> Self {
        FileBrowser {
            rx,
            open: None,
            folder: None,
            reason_told: false,
        }
    }

    /// Whether a browser is shown.
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// Starts the next browser in `folder` (the folder of the last file opened).
    pub fn start_in(&mut self, folder: Option<&Path>) {
        if self.folder.is_none() {
            self.folder = folder.map(Path::to_path_buf);
        }
    }

    /// Draws the browser if one was asked for; returns, once, why the desktop's dialog is not
    /// used (for a notice).
    pub fn show(&mut self, ctx: &egui::Context, lang: Lang) -> Option<String> {
        let mut told = None;
        if self.open.is_none()
            && let Ok(request) = self.rx.try_recv()
        {
            if !self.reason_told
                && let Some(reason) = &request.reason
            {
                self.reason_told = true;
                told = Some(reason.explain(lang));
            }
            let dialog = self.dialog(&request, lang, ctx.content_rect());
            self.open = Some((request, dialog));
        }
        let (request, dialog) = self.open.as_mut()?;
        dialog.show(ctx);
        let answer = match dialog.state() {
            egui_file::State::Open => return told,
            egui_file::State::Selected => chosen(dialog),
            _ => Vec::new(),
        };
        if let Some(first) = answer.first() {
            self.folder = first.parent().map(Path::to_path_buf);
        }
        let _ = request.reply.send(answer);
        self.open = None;
        told
    }

    fn dialog(
        &self,
        request: &BrowseRequest,
        lang: Lang,
        screen: egui::Rect,
    ) -> egui_file::FileDialog {
        let t = |it: &'static str, en: &'static str| std::borrow::Cow::Borrowed(lang.pick(it, en));
        let start = self
            .folder
            .clone()
            .filter(|f| f.is_dir())
            .or_else(|| directories::UserDirs::new().map(|u| u.home_dir().to_path_buf()))
            .unwrap_or_default();
        let extensions: Vec<String> = request
            .kinds
            .iter()
            .flat_map(|k| k.extensions.iter().map(|e| e.to_string()))
            .collect();
        let base = match &request.save_as {
            Some(name) => egui_file::FileDialog::save_file()
                .default_filename(name.clone())
                .title(lang.pick("Salva con nome", "Save as")),
            None => egui_file::FileDialog::open_file()
                .multi_select(true)
                .title(lang.pick("Apri file", "Open files")),
        };
        let shown = extensions.clone();
        let mut dialog = base
            .initial_path(start)
            .id(egui::Id::unique("cruscotto_file_browser"))
            .default_size(SIZE)
            .default_pos(screen.center() - SIZE / 2.0)
            .show_rename(false)
            .show_new_folder(request.save_as.is_some())
            .keep_on_top(true)
            .open_button_text(t("Apri", "Open"))
            .save_button_text(t("Salva", "Save"))
            .cancel_button_text(t("Annulla", "Cancel"))
            .new_folder_button_text(t("Nuova cartella", "New folder"))
            .new_folder_name_text(t("Nuova cartella", "New folder"))
            .refresh_button_hover_text(t("Aggiorna", "Refresh"))
            .parent_folder_button_hover_text(t("Cartella superiore", "Parent folder"))
            .file_label_text(t("File:", "File:"))
            .show_hidden_checkbox_text(t("Mostra i file nascosti", "Show hidden files"))
            .show_files_filter(Box::new(move |path: &Path| {
                path.is_dir() || has_extension(path, &shown)
            }));
        if request.save_as.is_none() {
            dialog = dialog.filename_filter(Box::new(move |name: &str| {
                has_extension(Path::new(name), &extensions)
            }));
        }
        dialog.open();
        dialog
    }
}

/// The browser's size when it opens (it can be resized).
const SIZE: egui::Vec2 = egui::vec2(680.0, 480.0);

/// The files chosen: the rows selected, else the one file named.
fn chosen(dialog: &egui_file::FileDialog) -> Vec<PathBuf> {
    let selected: Vec<PathBuf> = dialog
        .selection()
        .into_iter()
        .filter(|p| !p.is_dir())
        .map(Path::to_path_buf)
        .collect();
    if !selected.is_empty() {
        return selected;
    }
    dialog.path().map(Path::to_path_buf).into_iter().collect()
}

/// Whether `path` ends in one of `extensions` (any case); every file when there are none.
fn has_extension(path: &Path, extensions: &[String]) -> bool {
    extensions.is_empty()
        || path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_are_matched_in_any_case() {
        let kinds = vec!["xlsx".to_string(), "csv".to_string()];
        assert!(has_extension(Path::new("/a/Progetti.XLSX"), &kinds));
        assert!(has_extension(Path::new("b.csv"), &kinds));
        assert!(!has_extension(Path::new("c.pdf"), &kinds));
        assert!(!has_extension(Path::new("xlsx"), &kinds));
        assert!(has_extension(Path::new("c.pdf"), &[]));
    }

    /// One frame of `browser` in `ctx`.
    fn frame(ctx: &egui::Context, browser: &mut FileBrowser) {
        let mut output = ctx.run_ui(Default::default(), |ui| {
            browser.show(ui.ctx(), Lang::It);
        });
        output.textures_delta.clear();
    }

    #[test]
    fn a_request_is_answered_by_the_window() {
        let ctx = egui::Context::default();
        let (ask, mut browser) = BuiltinDialogs::new(&ctx);
        let asking = std::thread::spawn(move || ask.pick_files(&[]));
        // The window sees the request, and a closed browser answers "nothing chosen".
        for _ in 0..2000 {
            if browser.is_open() {
                break;
            }
            frame(&ctx, &mut browser);
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        assert!(browser.is_open(), "the request reached the window");
        browser.open.as_mut().unwrap().1 = egui_file::FileDialog::open_file();
        frame(&ctx, &mut browser);
        assert!(!browser.is_open());
        assert_eq!(asking.join().unwrap(), Vec::<PathBuf>::new());
    }
}
