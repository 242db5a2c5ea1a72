//! Every user-visible string of the window, in Italian (default) and English, in one place.

use serde::{Deserialize, Serialize};

use crate::data::progress::Stage;
use crate::data::quality::ProblemKind;
use crate::data::schema::Field;
use crate::query::Key;
use crate::query::card::CardLine;
use crate::query::chart::{Dimension, Measure};
use crate::query::compare::{Metric, Stats, Unit};

/// Things counted in the window, each with its singular and plural.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Noun {
    Project,
    Row,
    Problem,
    ActiveFilter,
    Source,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    It,
    En,
}

/// The strings of one language.
pub struct Texts {
    pub app_subtitle: &'static str,
    pub open: &'static str,
    pub add_files: &'static str,
    pub recent: &'static str,
    pub no_recent: &'static str,
    pub theme_dark: &'static str,
    pub theme_light: &'static str,
    pub about: &'static str,
    pub about_text: &'static str,
    pub close: &'static str,
    pub sources: &'static str,
    pub remove_source: &'static str,
    pub sheet: &'static str,
    pub filters: &'static str,
    pub clear_all: &'static str,
    pub clear: &'static str,
    pub no_filters: &'static str,
    pub period: &'static str,
    pub all_years: &'static str,
    pub search: &'static str,
    pub search_hint: &'static str,
    pub tab_overview: &'static str,
    pub tab_explore: &'static str,
    pub tab_territory: &'static str,
    pub tab_projects: &'static str,
    pub tab_quality: &'static str,
    pub chosen_rows: &'static str,
    pub kpi_granted: &'static str,
    pub kpi_spent: &'static str,
    pub kpi_projects: &'static str,
    pub kpi_lead_bodies: &'static str,
    pub kpi_territories: &'static str,
    pub kpi_median: &'static str,
    pub of_granted: &'static str,
    pub chart_programme: &'static str,
    pub chart_province: &'static str,
    pub chart_target: &'static str,
    pub chart_year: &'static str,
    pub undated: &'static str,
    pub overlapping: &'static str,
    pub click_to_filter: &'static str,
    pub share_of_total: &'static str,
    pub dimension: &'static str,
    pub measure: &'static str,
    pub split_by: &'static str,
    pub none: &'static str,
    pub stacked: &'static str,
    pub grouped: &'static str,
    pub horizontal: &'static str,
    pub vertical: &'static str,
    pub sort_value: &'static str,
    pub sort_name: &'static str,
    pub top_n: &'static str,
    pub all: &'static str,
    pub year: &'static str,
    pub category: &'static str,
    pub value: &'static str,
    pub map_title: &'static str,
    pub map_note: &'static str,
    pub map_title_municipalities: &'static str,
    pub map_note_municipalities: &'static str,
    pub map_level: &'static str,
    pub map_provinces: &'static str,
    pub map_municipalities: &'static str,
    pub map_no_municipalities: &'static str,
    pub map_unplaced: &'static str,
    pub ranking: &'static str,
    pub card_title: &'static str,
    pub card_body: &'static str,
    pub card_territory: &'static str,
    pub card_funding: &'static str,
    pub card_amount: &'static str,
    pub card_spent: &'static str,
    pub card_nature: &'static str,
    pub card_scope: &'static str,
    pub card_age: &'static str,
    pub card_citizenship: &'static str,
    pub card_vulnerable: &'static str,
    pub card_outcome: &'static str,
    pub card_abstract: &'static str,
    pub card_partners: &'static str,
    pub card_programme: &'static str,
    pub card_source: &'static str,
    pub row_word: &'static str,
    pub select_project: &'static str,
    pub shown_of: &'static str,
    pub loaded_in: &'static str,
    pub computed_in: &'static str,
    pub loading: &'static str,
    pub cancel_load: &'static str,
    pub load_cancelled: &'static str,
    /// Refusing an export or a change of sources while a preview is shown.
    pub wait_for_whole_file: &'static str,
    /// The preview banner: its title, the rows it holds, the share of the file, what it means.
    pub preview_title: &'static str,
    pub preview_rows: &'static str,
    pub preview_of_file: &'static str,
    pub preview_hint: &'static str,
    /// The preview banner once the whole file is in, while its dashboard is computed.
    pub preview_whole_read: &'static str,
    pub computing: &'static str,
    pub error_title: &'static str,
    pub error_hint: &'static str,
    pub dismiss: &'static str,
    pub drop_hint: &'static str,
    pub empty_state: &'static str,
    pub no_data: &'static str,
    pub not_available: &'static str,
    pub no_values: &'static str,
    pub more_values: &'static str,
    pub facet_search: &'static str,
    pub internal_error_compute: &'static str,
    pub internal_error_load: &'static str,
    pub compute_failed: &'static str,
    pub saved: &'static str,
    pub export_failed: &'static str,
    pub image_copied: &'static str,
    pub screenshot_failed: &'static str,
    pub chart_menu: &'static str,
    pub copy_image: &'static str,
    pub save_png: &'static str,
    pub export_chart: &'static str,
    pub export_data: &'static str,
    pub export_data_excel_it: &'static str,
    pub export_picture_title: &'static str,
    pub format: &'static str,
    pub width: &'static str,
    pub height: &'static str,
    pub scale: &'static str,
    pub title: &'static str,
    pub export_button: &'static str,
    pub cancel: &'static str,
    pub exporting: &'static str,
    pub export_projects: &'static str,
    pub export_projects_excel_it: &'static str,
    pub columns: &'static str,
    pub reset_columns: &'static str,
    pub file_column: &'static str,
    pub export_card: &'static str,
    pub close_card: &'static str,
    pub export_menu: &'static str,
    pub export_report: &'static str,
    pub save_view: &'static str,
    pub open_view: &'static str,
    pub report_title: &'static str,
    pub page: &'static str,
    pub problems_in_sources: &'static str,
    pub views: &'static str,
    pub apply_view: &'static str,
    pub apply_view_hint: &'static str,
    pub absent_value: &'static str,
    pub tab_compare: &'static str,
    pub compare_measures: &'static str,
    pub compare_per_resident: &'static str,
    pub compare_profile: &'static str,
    pub compare_by: &'static str,
    pub compare_pick: &'static str,
    pub compare_selected: &'static str,
    pub compare_reference: &'static str,
    pub reference_selection: &'static str,
    pub reference_all: &'static str,
    pub per_resident: &'static str,
    pub compare_empty: &'static str,
    pub compare_hidden: &'static str,
    pub compare_difference: &'static str,
    pub compare_population_note: &'static str,
    pub add_to_compare: &'static str,
    pub compare_no_projects: &'static str,
}

pub const IT: Texts = Texts {
    app_subtitle: "programmi sociali finanziati",
    open: "Apri…",
    add_files: "Aggiungi file…",
    recent: "Recenti",
    no_recent: "Nessun file recente",
    theme_dark: "Tema scuro",
    theme_light: "Tema chiaro",
    about: "Informazioni",
    about_text: "Cruscotto legge i fogli dei progetti finanziati (xlsx, xls, ods, csv, parquet), li combina in una tabella e mostra dove sono andate le risorse: per programma, territorio, ente capofila, destinatari e anno. I file restano sul computer.",
    close: "Chiudi",
    sources: "Fonti",
    remove_source: "Rimuovi fonte",
    sheet: "Foglio",
    filters: "Filtri",
    clear_all: "Azzera filtri",
    clear: "azzera",
    no_filters: "Nessun filtro attivo",
    period: "Periodo (anni)",
    all_years: "Tutti gli anni",
    search: "Cerca",
    search_hint: "titolo o abstract…",
    tab_overview: "Panoramica",
    tab_explore: "Esplora",
    tab_territory: "Territorio",
    tab_projects: "Progetti",
    tab_quality: "Qualità dati",
    chosen_rows: "Righe da Qualità dati",
    kpi_granted: "Importo concesso",
    kpi_spent: "Spesa",
    kpi_projects: "Progetti",
    kpi_lead_bodies: "Enti capofila",
    kpi_territories: "Province",
    kpi_median: "Contributo mediano",
    of_granted: "del concesso",
    chart_programme: "Importo per programma",
    chart_province: "Importo per provincia",
    chart_target: "Progetti e importo per destinatari",
    chart_year: "Spesa programmata per anno",
    undated: "senza date",
    overlapping: "Categorie sovrapposte: un progetto conta in ogni suo gruppo, i totali non si sommano.",
    click_to_filter: "Clic su una barra per filtrare",
    share_of_total: "del totale",
    dimension: "Dimensione",
    measure: "Misura",
    split_by: "Suddividi per",
    none: "nessuna",
    stacked: "Barre impilate",
    grouped: "Barre affiancate",
    horizontal: "Orizzontale",
    vertical: "Verticale",
    sort_value: "Ordina per valore",
    sort_name: "Ordina per nome",
    top_n: "Primi",
    all: "tutti",
    year: "Anno di avvio",
    category: "Categoria",
    value: "Valore",
    map_title: "Importo per provincia",
    map_note: "Bolle sui capoluoghi di provincia, area proporzionale all'importo. Dati ISTAT e Openpolis (CC BY).",
    map_title_municipalities: "Importo per comune",
    map_note_municipalities: "Bolle sul centro di ogni comune, area proporzionale all'importo. Dati ISTAT e Openpolis (CC BY).",
    map_level: "Livello della mappa",
    map_provinces: "Province",
    map_municipalities: "Comuni",
    map_no_municipalities: "I dati caricati non indicano il comune dei progetti.",
    map_unplaced: "comuni non trovati nell'elenco ISTAT (non disegnati)",
    ranking: "Classifica",
    card_title: "Scheda intervento",
    card_body: "Ente",
    card_territory: "Territorio di attuazione",
    card_funding: "Tipo di finanziamento",
    card_amount: "Importo concesso",
    card_spent: "Ammontare della spesa",
    card_nature: "Natura prevalente dell'intervento",
    card_scope: "Ambito di intervento primario",
    card_age: "Fascia d'età del target",
    card_citizenship: "Cittadinanza del target",
    card_vulnerable: "Categoria vulnerabile del target",
    card_outcome: "Esito della valutazione",
    card_abstract: "Abstract",
    card_partners: "Partner",
    card_programme: "Programma",
    card_source: "Fonte",
    row_word: "riga",
    select_project: "Seleziona un progetto per vederne la scheda.",
    shown_of: "di",
    loaded_in: "caricati in",
    computed_in: "calcolo",
    loading: "Caricamento…",
    cancel_load: "Annulla",
    load_cancelled: "Caricamento annullato: i dati aperti prima restano come erano.",
    wait_for_whole_file: "Il file è ancora in lettura: esportazioni e modifiche alle fonti sono disponibili quando è letto per intero.",
    preview_title: "Anteprima parziale",
    preview_rows: "righe lette finora",
    preview_of_file: "del file",
    preview_hint: "Tutte le cifre sono provvisorie e si completano quando il file è letto per intero; fino ad allora le esportazioni sono sospese.",
    preview_whole_read: "File letto per intero: calcolo delle cifre complete in corso…",
    computing: "Calcolo…",
    error_title: "Non riesco ad aprire il file",
    error_hint: "Controlla che sia un foglio xlsx, xls, ods, un csv o un parquet non danneggiato, poi riprova.",
    dismiss: "Chiudi messaggio",
    drop_hint: "Trascina qui i file per aggiungerli",
    empty_state: "Nessun dato caricato: apri un file (Ctrl+O) o trascinalo nella finestra.",
    no_data: "Nessun progetto con questi filtri",
    not_available: "n.d.",
    no_values: "Nessun valore da mostrare: i progetti non indicano questo campo",
    more_values: "altri valori: restringi con la ricerca qui sopra",
    facet_search: "Cerca tra i valori…",
    internal_error_compute: "Errore interno durante il calcolo (la finestra resta utilizzabile)",
    internal_error_load: "Errore interno durante il caricamento",
    compute_failed: "Calcolo non riuscito",
    saved: "Salvato",
    export_failed: "Esportazione non riuscita",
    image_copied: "Immagine copiata negli appunti: incollala in Word, PowerPoint o in una mail.",
    screenshot_failed: "Non è stato possibile catturare l'immagine della finestra: usa «Esporta grafico…».",
    chart_menu: "Menu del grafico",
    copy_image: "Copia immagine",
    save_png: "Salva immagine (PNG)…",
    export_chart: "Esporta grafico…",
    export_data: "Esporta dati…",
    export_data_excel_it: "Esporta dati per Excel italiano (CSV)…",
    export_picture_title: "Esporta grafico",
    format: "Formato",
    width: "Larghezza",
    height: "Altezza",
    scale: "Scala PNG",
    title: "Titolo",
    export_button: "Esporta…",
    cancel: "Annulla",
    exporting: "Esportazione…",
    export_projects: "Esporta progetti…",
    export_projects_excel_it: "Esporta progetti per Excel italiano (CSV)…",
    columns: "Colonne",
    reset_columns: "Colonne predefinite",
    file_column: "colonna del file",
    export_card: "Esporta scheda (PDF)…",
    close_card: "Chiudi scheda",
    export_menu: "Esporta",
    export_report: "Esporta report (PDF)…",
    save_view: "Salva vista…",
    open_view: "Apri vista…",
    report_title: "Report del cruscotto",
    page: "pagina",
    problems_in_sources: "valori non leggibili nelle fonti (dettagli con «cruscotto check»)",
    views: "Viste",
    apply_view: "Applica vista ai dati aperti…",
    apply_view_hint: "Filtri e grafici di una vista salvata, sui file già aperti (per esempio il file del mese successivo).",
    absent_value: "assente nei dati",
    tab_compare: "Confronta",
    compare_measures: "Importo concesso e spesa",
    compare_per_resident: "Importo concesso e spesa per residente",
    compare_profile: "Quota dei progetti per destinatari",
    compare_by: "Confronta per",
    compare_pick: "cerca un valore…",
    compare_selected: "selezionati (massimo 8)",
    compare_reference: "Colonna di riferimento",
    reference_selection: "Media della selezione",
    reference_all: "Tutti i dati filtrati",
    per_resident: "Per residente",
    compare_empty: "Scegli da 2 a 8 valori da mettere a confronto, dall'elenco o con il clic destro su una barra («Aggiungi al confronto»).",
    compare_hidden: "Il filtro su questo campo nasconde",
    compare_difference: "Tra parentesi: la differenza dalla colonna di riferimento. In grassetto il valore più alto di ogni riga.",
    compare_population_note: "Popolazione: ISTAT, popolazione residente al 1° gennaio 2023 (province: stime; regioni: somma delle province).",
    add_to_compare: "Aggiungi al confronto",
    compare_no_projects: "nessun progetto con questi filtri",
};

pub const EN: Texts = Texts {
    app_subtitle: "funded social programmes",
    open: "Open…",
    add_files: "Add files…",
    recent: "Recent",
    no_recent: "No recent files",
    theme_dark: "Dark theme",
    theme_light: "Light theme",
    about: "About",
    about_text: "Cruscotto reads spreadsheets of funded projects (xlsx, xls, ods, csv, parquet), combines them into one table and shows where the money went: by programme, territory, lead body, target group and year. Files stay on this computer.",
    close: "Close",
    sources: "Sources",
    remove_source: "Remove source",
    sheet: "Sheet",
    filters: "Filters",
    clear_all: "Clear all filters",
    clear: "clear",
    no_filters: "No active filter",
    period: "Period (years)",
    all_years: "All years",
    search: "Search",
    search_hint: "title or abstract…",
    tab_overview: "Overview",
    tab_explore: "Explore",
    tab_territory: "Territory",
    tab_projects: "Projects",
    tab_quality: "Data quality",
    chosen_rows: "Rows from Data quality",
    kpi_granted: "Amount granted",
    kpi_spent: "Spent",
    kpi_projects: "Projects",
    kpi_lead_bodies: "Lead bodies",
    kpi_territories: "Provinces",
    kpi_median: "Median grant",
    of_granted: "of granted",
    chart_programme: "Amount by programme",
    chart_province: "Amount by province",
    chart_target: "Projects and amount by target group",
    chart_year: "Planned spend per year",
    undated: "no dates",
    overlapping: "Overlapping categories: a project counts in each of its groups, totals do not add up.",
    click_to_filter: "Click a bar to filter",
    share_of_total: "of total",
    dimension: "Dimension",
    measure: "Measure",
    split_by: "Split by",
    none: "none",
    stacked: "Stacked bars",
    grouped: "Grouped bars",
    horizontal: "Horizontal",
    vertical: "Vertical",
    sort_value: "Sort by value",
    sort_name: "Sort by name",
    top_n: "Top",
    all: "all",
    year: "Start year",
    category: "Category",
    value: "Value",
    map_title: "Amount by province",
    map_note: "Bubbles on provincial capitals, area proportional to the amount. ISTAT and Openpolis data (CC BY).",
    map_title_municipalities: "Amount by municipality",
    map_note_municipalities: "Bubbles on the centre of each municipality, area proportional to the amount. ISTAT and Openpolis data (CC BY).",
    map_level: "Map level",
    map_provinces: "Provinces",
    map_municipalities: "Municipalities",
    map_no_municipalities: "The loaded data does not name the projects' municipality.",
    map_unplaced: "municipalities not found in the ISTAT list (not drawn)",
    ranking: "Ranking",
    card_title: "Project card",
    card_body: "Body",
    card_territory: "Territory",
    card_funding: "Funding type",
    card_amount: "Amount granted",
    card_spent: "Amount spent",
    card_nature: "Nature of the intervention",
    card_scope: "Primary scope",
    card_age: "Target age group",
    card_citizenship: "Target citizenship",
    card_vulnerable: "Target vulnerable category",
    card_outcome: "Evaluation outcome",
    card_abstract: "Abstract",
    card_partners: "Partners",
    card_programme: "Programme",
    card_source: "Source",
    row_word: "row",
    select_project: "Select a project to see its card.",
    shown_of: "of",
    loaded_in: "loaded in",
    computed_in: "computed in",
    loading: "Loading…",
    cancel_load: "Cancel",
    load_cancelled: "Loading cancelled: the data open before stays as it was.",
    wait_for_whole_file: "The file is still being read: exports and changes to the sources are available once it is read in full.",
    preview_title: "Partial preview",
    preview_rows: "rows read so far",
    preview_of_file: "of the file",
    preview_hint: "Every figure is provisional and is completed once the file is read in full; exports wait until then.",
    preview_whole_read: "The whole file is read: computing the complete figures…",
    computing: "Computing…",
    error_title: "Cannot open the file",
    error_hint: "Check that it is an undamaged xlsx, xls, ods, csv or parquet file, then try again.",
    dismiss: "Dismiss message",
    drop_hint: "Drop files here to add them",
    empty_state: "No data loaded: open a file (Ctrl+O) or drop it on the window.",
    no_data: "No project matches these filters",
    not_available: "n/a",
    no_values: "Nothing to show: the projects do not give this field",
    more_values: "more values: narrow them with the search above",
    facet_search: "Search the values…",
    internal_error_compute: "Internal error while computing (the window stays usable)",
    internal_error_load: "Internal error while loading",
    compute_failed: "Computation failed",
    saved: "Saved",
    export_failed: "Export failed",
    image_copied: "Image copied to the clipboard: paste it into Word, PowerPoint or a mail.",
    screenshot_failed: "The window's image could not be captured: use “Export chart…”.",
    chart_menu: "Chart menu",
    copy_image: "Copy image",
    save_png: "Save image (PNG)…",
    export_chart: "Export chart…",
    export_data: "Export data…",
    export_data_excel_it: "Export data for Italian Excel (CSV)…",
    export_picture_title: "Export chart",
    format: "Format",
    width: "Width",
    height: "Height",
    scale: "PNG scale",
    title: "Title",
    export_button: "Export…",
    cancel: "Cancel",
    exporting: "Exporting…",
    export_projects: "Export projects…",
    export_projects_excel_it: "Export projects for Italian Excel (CSV)…",
    columns: "Columns",
    reset_columns: "Default columns",
    file_column: "file column",
    export_card: "Export card (PDF)…",
    close_card: "Close card",
    export_menu: "Export",
    export_report: "Export report (PDF)…",
    save_view: "Save view…",
    open_view: "Open view…",
    report_title: "Dashboard report",
    page: "page",
    problems_in_sources: "unreadable values in the sources (details with “cruscotto check”)",
    views: "Views",
    apply_view: "Apply view to the open data…",
    apply_view_hint: "A saved view's filters and charts, on the files already open (for example next month's file).",
    absent_value: "not in the data",
    tab_compare: "Compare",
    compare_measures: "Amount granted and spent",
    compare_per_resident: "Amount granted and spent per resident",
    compare_profile: "Share of projects by target group",
    compare_by: "Compare by",
    compare_pick: "search a value…",
    compare_selected: "selected (at most 8)",
    compare_reference: "Reference column",
    reference_selection: "Selection average",
    reference_all: "All filtered data",
    per_resident: "Per resident",
    compare_empty: "Choose 2 to 8 values to compare, from the list or by right-clicking a bar (“Add to comparison”).",
    compare_hidden: "The filter on this field hides",
    compare_difference: "In brackets: the difference from the reference column. In bold the highest value of each row.",
    compare_population_note: "Population: ISTAT, resident population at 1 January 2023 (provinces: estimates; regions: sum of their provinces).",
    add_to_compare: "Add to comparison",
    compare_no_projects: "no project with these filters",
};

impl Lang {
    /// The language's code (`it`, `en`), as PDF metadata and file names want it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::It => "it",
            Lang::En => "en",
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::It => &IT,
            Lang::En => &EN,
        }
    }

    /// What a load is doing, for the status bar (`Lettura di dati.xlsx (1 di 2)`).
    pub fn stage(self, stage: &Stage) -> String {
        let file_step =
            |verb_it: &str, verb_en: &str, file: &std::path::Path, i: usize, n: usize| {
                let name = file
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default();
                match (self, n > 1) {
                    (Lang::It, true) => format!("{verb_it} {name} ({} di {n})", i + 1),
                    (Lang::En, true) => format!("{verb_en} {name} ({} of {n})", i + 1),
                    (Lang::It, false) => format!("{verb_it} {name}"),
                    (Lang::En, false) => format!("{verb_en} {name}"),
                }
            };
        match stage {
            Stage::Reading {
                file,
                index,
                count,
                bytes,
            } => {
                let step = file_step("Lettura di", "Reading", file, *index, *count);
                match (bytes, self) {
                    (Some((done, total)), Lang::It) if *total > 0 => format!(
                        "{step} · {} di {}",
                        crate::format::bytes(*done),
                        crate::format::bytes(*total)
                    ),
                    (Some((done, total)), Lang::En) if *total > 0 => format!(
                        "{step} · {} of {}",
                        crate::format::bytes(*done),
                        crate::format::bytes(*total)
                    ),
                    _ => step,
                }
            }
            Stage::Parsing { file, index, count } => file_step(
                "Lettura delle righe di",
                "Reading the rows of",
                file,
                *index,
                *count,
            ),
            Stage::Normalising {
                file,
                index,
                count,
                rows,
            } => format!(
                "{} · {}",
                file_step("Interpretazione di", "Interpreting", file, *index, *count),
                self.count(*rows, Noun::Row)
            ),
            Stage::Combining => match self {
                Lang::It => "Unione delle fonti".into(),
                Lang::En => "Combining the sources".into(),
            },
            Stage::Preparing => match self {
                Lang::It => "Preparazione del cruscotto".into(),
                Lang::En => "Preparing the dashboard".into(),
            },
        }
    }

    /// A category, series or filter value as people read it: a value as written, a bucket in
    /// words.
    pub fn key<'a>(self, key: &'a Key) -> std::borrow::Cow<'a, str> {
        let word = match key {
            Key::Value(v) => return std::borrow::Cow::Borrowed(v),
            Key::Missing => self.pick("(non indicato)", "(not given)"),
            Key::Undated => self.pick("senza date", "no dates"),
            Key::Other => self.pick("Altri", "Others"),
        };
        std::borrow::Cow::Borrowed(word)
    }

    /// The label of a chart dimension: a canonical field, the start year, or a file's column.
    pub fn dimension(self, dim: &Dimension) -> String {
        match dim {
            Dimension::Field(f) => self.field(*f).to_string(),
            Dimension::Year => self.texts().year.to_string(),
            Dimension::Column(c) => c.clone(),
        }
    }

    /// The label of a table column: a canonical field's name, otherwise the column as written.
    pub fn column(self, column: &str) -> String {
        match Field::parse(column) {
            Some(f) if f.name() == column => self.field(f).to_string(),
            _ => column.to_string(),
        }
    }

    /// The label of a comparison row.
    pub fn metric(self, metric: Metric) -> &'static str {
        let (it, en) = match metric {
            Metric::Projects => ("Progetti", "Projects"),
            Metric::Granted => ("Importo concesso", "Amount granted"),
            Metric::Spent => ("Spesa", "Amount spent"),
            Metric::SpentShare => ("Spesa sul concesso", "Spent of granted"),
            Metric::MedianGrant => ("Contributo mediano", "Median grant"),
            Metric::MaxGrant => ("Contributo massimo", "Largest grant"),
            Metric::ShareOfTotal => ("Quota del totale filtrato", "Share of the filtered total"),
            Metric::Partners => ("Partner (distinti)", "Partners (distinct)"),
            Metric::Period => ("Periodo coperto", "Period covered"),
            Metric::TargetGroups => ("Destinatari raggiunti", "Target groups reached"),
            Metric::Population => ("Popolazione residente", "Resident population"),
            Metric::PerResident => ("€ per residente", "€ per resident"),
            Metric::ProjectsPer100k => (
                "Progetti ogni 100.000 residenti",
                "Projects per 100,000 residents",
            ),
        };
        self.pick(it, en)
    }

    /// A comparison cell: the number in Italian format, or "n.d." when the data cannot give it.
    pub fn metric_cell(self, metric: Metric, s: &Stats) -> String {
        use crate::format;
        let nd = "n.d.".to_string();
        match metric {
            Metric::Period => match (s.first_start, s.last_end) {
                (None, None) => nd,
                (a, b) => format::period_it(a, b),
            },
            Metric::TargetGroups => {
                if s.target_group_count == 0 {
                    return nd;
                }
                let top: Vec<&str> = s
                    .target_groups
                    .iter()
                    .take(3)
                    .map(|(g, _)| g.as_str())
                    .collect();
                let groups = self.pick_owned("gruppi", "groups");
                format!("{} {groups}: {}", s.target_group_count, top.join(", "))
            }
            m => match (m.value(s), m.unit()) {
                (None, _) => nd,
                (Some(v), Unit::Count) => format::count(v.round().max(0.0) as usize),
                (Some(v), Unit::Euro) => format::euro(v),
                (Some(v), Unit::EuroCents) => format::euro_cents(v),
                (Some(v), Unit::Share) => format::percent(v),
                (Some(v), Unit::Rate) => format::number_it(v, 1),
                (Some(_), Unit::Text) => nd,
            },
        }
    }

    /// The label of a card line, as the Scheda intervento writes it.
    pub fn card_line(self, line: CardLine) -> &'static str {
        let t = self.texts();
        match line {
            CardLine::Territory => t.card_territory,
            CardLine::Funding => t.card_funding,
            CardLine::Granted => t.card_amount,
            CardLine::Spent => t.card_spent,
            CardLine::Nature => t.card_nature,
            CardLine::Scope => t.card_scope,
            CardLine::Ages => t.card_age,
            CardLine::Citizenship => t.card_citizenship,
            CardLine::Vulnerable => t.card_vulnerable,
            CardLine::Outcome => t.card_outcome,
            CardLine::Partners => t.card_partners,
            CardLine::Programme => t.card_programme,
        }
    }

    /// The label of a canonical field.
    pub fn field(self, field: Field) -> &'static str {
        let (it, en) = match field {
            Field::Id => ("Codice", "Code"),
            Field::Title => ("Titolo", "Title"),
            Field::Programme => ("Programma", "Programme"),
            Field::LeadBody => ("Ente capofila", "Lead body"),
            Field::Partners => ("Partner", "Partners"),
            Field::Region => ("Regione", "Region"),
            Field::Province => ("Provincia", "Province"),
            Field::Municipality => ("Comune", "Municipality"),
            Field::Territory => ("Territorio", "Territory"),
            Field::FundingSource => ("Fonte di finanziamento", "Funding source"),
            Field::AmountGranted => ("Importo concesso", "Amount granted"),
            Field::AmountSpent => ("Spesa", "Amount spent"),
            Field::StartDate => ("Data avvio", "Start date"),
            Field::EndDate => ("Data conclusione", "End date"),
            Field::Period => ("Periodo", "Period"),
            Field::Nature => ("Natura", "Nature"),
            Field::Scope => ("Ambito", "Scope"),
            Field::AgeGroups => ("Fascia d'età", "Age group"),
            Field::Citizenship => ("Cittadinanza", "Citizenship"),
            Field::VulnerableGroups => ("Categoria vulnerabile", "Vulnerable category"),
            Field::Outcome => ("Esito", "Outcome"),
            Field::Abstract => ("Abstract", "Abstract"),
        };
        self.pick(it, en)
    }

    pub fn measure(self, measure: Measure) -> &'static str {
        let (it, en) = match measure {
            Measure::Amount => (
                "Importo (concesso, o spesa)",
                "Amount (granted, else spent)",
            ),
            Measure::Granted => ("Importo concesso", "Amount granted"),
            Measure::Spent => ("Spesa", "Amount spent"),
            Measure::Count => ("Numero di progetti", "Number of projects"),
            Measure::MeanGrant => ("Contributo medio", "Mean grant"),
            Measure::MedianGrant => ("Contributo mediano", "Median grant"),
            Measure::Share => ("Quota dei progetti", "Share of projects"),
        };
        self.pick(it, en)
    }

    pub fn problem(self, kind: ProblemKind) -> &'static str {
        let it = match kind {
            ProblemKind::NotAnAmount => "importo non leggibile",
            ProblemKind::NotADate => "data non leggibile",
            ProblemKind::ImplausibleDate => "data fuori dagli anni plausibili",
            ProblemKind::EndBeforeStart => "data di fine prima dell'avvio",
            ProblemKind::UnknownProvince => "provincia non riconosciuta",
            ProblemKind::UnknownRegion => "regione non riconosciuta",
            ProblemKind::TotalsRowExcluded => "riga dei totali esclusa",
            ProblemKind::UnknownMunicipality => "comune non riconosciuto",
            ProblemKind::LikelyDuplicate => "probabile doppione di un altro progetto",
            ProblemKind::ImplausibleAmount => "importo fuori dall'intervallo plausibile",
        };
        self.pick(it, kind.describe())
    }

    /// Why a file could not be loaded, in one line that names the file.
    pub fn load_error(self, error: &crate::data::LoadError) -> String {
        use crate::data::LoadError as E;
        if self == Lang::En {
            return error.to_string();
        }
        let name = |p: &std::path::Path| p.display().to_string();
        match error {
            E::Io { file, source } => {
                format!("{}: impossibile leggere il file: {source}", name(file))
            }
            E::Empty { file } => format!("{}: il file è vuoto", name(file)),
            E::NotATable { file } => format!(
                "{}: non è un foglio di calcolo, un CSV o un file Parquet (rinominalo .csv per \
                 leggerlo come tabella di testo)",
                name(file)
            ),
            E::EmptyFolder { file } => format!(
                "{}: nessun foglio di calcolo, CSV o file Parquet in questa cartella",
                name(file)
            ),
            E::Binary { file } => format!(
                "{}: contenuto binario: non è un foglio di calcolo, un file Parquet o una tabella \
                 di testo",
                name(file)
            ),
            E::Damaged {
                file,
                format,
                detail,
            } => format!(
                "{}: impossibile aprirlo come {format}: il file è danneggiato o troncato \
                 ({detail})",
                name(file)
            ),
            E::Password { file } => format!(
                "{}: la cartella di lavoro è protetta da password: aprila in Excel o LibreOffice \
                 e salvane una copia senza password",
                name(file)
            ),
            E::TooLarge {
                file,
                inflated_mb,
                limit_mb,
            } => format!(
                "{}: una volta decompressa occuperebbe {} MB, oltre il limite di {} MB (file \
                 danneggiato o «zip bomb»): non aperto",
                name(file),
                crate::format::count(*inflated_mb as usize),
                crate::format::count(*limit_mb as usize)
            ),
            E::TooManyCells { file, sheet, limit } => format!(
                "{}: foglio '{sheet}': più di {} celle piene, il limite per una cartella di \
                 lavoro: salvalo come CSV o Parquet",
                name(file),
                crate::format::count(*limit)
            ),
            E::TooWide {
                file,
                sheet,
                rows,
                columns,
                far_cell,
                limit,
            } => format!(
                "{}: foglio '{sheet}': le celle piene occupano {} righe × {} colonne (fino a \
                 {far_cell}), oltre il limite di {} celle: cancella le celle isolate lontane \
                 dalla tabella",
                name(file),
                crate::format::count(*rows),
                crate::format::count(*columns),
                crate::format::count(*limit)
            ),
            E::Ragged { file, width } => format!(
                "{}: righe irregolari: una riga ha più campi delle {width} colonne \
                 dell'intestazione; controlla separatore e virgolette",
                name(file)
            ),
            E::NotParquet { file, detail } => {
                format!("{}: non è un file Parquet leggibile ({detail})", name(file))
            }
            E::Unreadable { file, reason } => format!("{}: {reason}", name(file)),
            E::NoSuchSheet {
                file,
                sheet,
                available,
            } => format!(
                "{}: foglio '{sheet}' non trovato (fogli: {available})",
                name(file)
            ),
            E::SheetWithoutTable { file, sheet } => format!(
                "{}: il foglio '{sheet}' non contiene una tabella (una riga di intestazione e \
                 righe di dati)",
                name(file)
            ),
            E::NoTable { file, available } => format!(
                "{}: nessun foglio contiene una tabella (fogli: {available})",
                name(file)
            ),
            E::AlreadyOpen { file, sheet } => format!(
                "{}: già aperto{}",
                name(file),
                sheet
                    .as_ref()
                    .map(|s| format!(" (foglio '{s}')"))
                    .unwrap_or_default()
            ),
            E::Cancelled => "caricamento sostituito da uno più recente".to_string(),
            E::NoSuchColumn {
                file,
                field,
                header,
                available,
            } => format!(
                "{}: la colonna '{header}' indicata per {field} non esiste (colonne: \
                 {available})",
                name(file)
            ),
        }
    }

    /// A remark of the loader about a source.
    pub fn note(self, note: &crate::data::note::Note) -> String {
        use crate::data::note::{Note, join};
        match (self, note) {
            (Lang::En, n) => n.to_string(),
            (
                Lang::It,
                Note::Text {
                    encoding,
                    delimiter,
                    header_line,
                },
            ) => format!(
                "file di testo: {encoding}, separatore {delimiter}, intestazione alla riga \
                 {header_line}"
            ),
            (Lang::It, Note::LinesSkipped(n)) => format!(
                "{} sopra l'intestazione saltate (titoli, righe vuote)",
                self.count(*n, Noun::Row)
            ),
            (Lang::It, Note::Sheet { sheet, header_row }) => {
                format!("foglio '{sheet}', intestazione alla riga {header_row}")
            }
            (Lang::It, Note::RowsSkipped(n)) => format!(
                "{} sopra l'intestazione saltate (titoli, righe vuote)",
                self.count(*n, Noun::Row)
            ),
            (Lang::It, Note::SheetsWithoutTable(sheets)) => {
                format!("fogli senza tabella, saltati: {}", sheets.join(", "))
            }
            (Lang::It, Note::ExtensionMismatch { claimed, actual }) => {
                format!("il nome dice .{claimed} ma il contenuto è {actual}: letto come {actual}")
            }
            (Lang::It, Note::TotalsExcluded(rows)) => format!(
                "riga dei totali esclusa (riga {}), non è un progetto",
                join(rows)
            ),
            (Lang::It, Note::DatesOutOfRange { column, count }) => format!(
                "colonna '{column}': {} oltre gli anni 1–9999, lasciate vuote",
                match count {
                    1 => "1 data memorizzata".to_string(),
                    n => format!("{} date memorizzate", crate::format::count(*n)),
                }
            ),
            (Lang::It, Note::NoDataRows) => "nessuna riga di dati sotto l'intestazione".into(),
            (Lang::It, Note::FolderSkipped(path)) => format!(
                "{} saltato: non è un foglio di calcolo, un CSV o un file Parquet, né una \
                 cartella che ne contenga",
                path.display()
            ),
        }
    }

    /// Why the loader chose a column for a field.
    pub fn reason(self, reason: &crate::data::mapping::Reason) -> String {
        use crate::data::mapping::Reason;
        match (self, reason) {
            (Lang::It, Reason::HeaderMatch(_)) => "intestazione riconosciuta".into(),
            (Lang::It, Reason::HeaderContains(w)) => format!("l'intestazione contiene '{w}'"),
            (Lang::It, Reason::OpenCoesione) => "tracciato OpenCoesione".into(),
            (Lang::It, Reason::User) => "scelta dall'utente".into(),
            (Lang::En, r) => r.to_string(),
        }
    }

    /// `n` things with the right form: "1 progetto", "2 progetti", "1 filtro attivo".
    pub fn count(self, n: usize, noun: Noun) -> String {
        let (it_one, it_many, en_one, en_many) = match noun {
            Noun::Project => ("progetto", "progetti", "project", "projects"),
            Noun::Row => ("riga", "righe", "row", "rows"),
            Noun::Source => ("fonte", "fonti", "source", "sources"),
            Noun::Problem => ("problema", "problemi", "problem", "problems"),
            Noun::ActiveFilter => (
                "filtro attivo",
                "filtri attivi",
                "active filter",
                "active filters",
            ),
        };
        let word = match (self, n == 1) {
            (Lang::It, true) => it_one,
            (Lang::It, false) => it_many,
            (Lang::En, true) => en_one,
            (Lang::En, false) => en_many,
        };
        format!("{} {word}", crate::format::count(n))
    }

    /// The KPIs' note on amounts left out of the totals (`3 importi non leggibili esclusi`).
    pub fn unreadable_amounts(self, n: usize) -> String {
        match (self, n) {
            (Lang::It, 1) => "1 importo non leggibile escluso".into(),
            (Lang::It, n) => format!("{} importi non leggibili esclusi", crate::format::count(n)),
            (Lang::En, 1) => "1 unreadable amount left out".into(),
            (Lang::En, n) => format!("{} unreadable amounts left out", crate::format::count(n)),
        }
    }

    /// One of two words, by language.
    pub fn pick_owned(self, it: &str, en: &str) -> String {
        match self {
            Lang::It => it.to_string(),
            Lang::En => en.to_string(),
        }
    }

    /// `it` or `en`, borrowed.
    pub fn pick<'a>(self, it: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::It => it,
            Lang::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_note_on_unreadable_amounts_agrees_with_its_number() {
        assert_eq!(
            Lang::It.unreadable_amounts(1),
            "1 importo non leggibile escluso"
        );
        assert_eq!(
            Lang::It.unreadable_amounts(1_200),
            "1.200 importi non leggibili esclusi"
        );
        assert_eq!(
            Lang::En.unreadable_amounts(3),
            "3 unreadable amounts left out"
        );
    }

    #[test]
    fn counted_words_agree_with_their_number() {
        assert_eq!(Lang::It.count(1, Noun::Problem), "1 problema");
        assert_eq!(Lang::It.count(2, Noun::Problem), "2 problemi");
        assert_eq!(Lang::It.count(0, Noun::Project), "0 progetti");
        assert_eq!(Lang::It.count(1, Noun::ActiveFilter), "1 filtro attivo");
        assert_eq!(Lang::It.count(1_000, Noun::Row), "1.000 righe");
        assert_eq!(Lang::En.count(1, Noun::Row), "1 row");
    }

    #[test]
    fn load_steps_name_the_file_and_its_place() {
        let reading = Stage::Reading {
            file: std::path::PathBuf::from("/dati/wecare.xlsx"),
            index: 0,
            count: 2,
            bytes: None,
        };
        assert_eq!(Lang::It.stage(&reading), "Lettura di wecare.xlsx (1 di 2)");
        assert_eq!(Lang::En.stage(&reading), "Reading wecare.xlsx (1 of 2)");
        let part = Stage::Reading {
            file: std::path::PathBuf::from("nazionale.csv"),
            index: 0,
            count: 1,
            bytes: Some((120_000_000, 351_000_000)),
        };
        assert_eq!(
            Lang::It.stage(&part),
            "Lettura di nazionale.csv · 120,0 MB di 351,0 MB"
        );
        assert_eq!(part.fraction(), Some(120.0 / 351.0));
        let alone = Stage::Normalising {
            file: std::path::PathBuf::from("bandi.csv"),
            index: 0,
            count: 1,
            rows: 1_000_000,
        };
        assert_eq!(
            Lang::It.stage(&alone),
            "Interpretazione di bandi.csv · 1.000.000 righe"
        );
        assert_eq!(
            Lang::En.stage(&alone),
            "Interpreting bandi.csv · 1.000.000 rows"
        );
        assert_eq!(Lang::It.stage(&Stage::Combining), "Unione delle fonti");
    }
}
