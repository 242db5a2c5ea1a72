//! Panoramica: KPI cards and four charts (programme, province, target groups, planned spend per
//! year).

use eframe::egui;

use super::charts;
use super::{Output, kpi};
use crate::app::charts::ChartId;
use crate::app::{AppState, Intent};
use crate::data::schema::Field;
use crate::format;
use crate::query::dashboard::Dashboard;

pub fn show(ui: &mut egui::Ui, state: &AppState, d: &Dashboard, out: &mut Output) {
    let t = state.settings.lang.texts();
    let lang = state.settings.lang;
    let k = &d.kpis;
    egui::ScrollArea::vertical().show(ui, |ui| {
        let spent = k
            .spent
            .map(format::euro)
            .unwrap_or_else(|| t.not_available.into());
        let share = k
            .spent_share
            .map(|s| format!("{} {}", format::percent(s), t.of_granted));
        let shown = format!(
            "{} {} {}",
            format::count(k.projects as usize),
            t.shown_of,
            format::count(k.all_projects as usize)
        );
        let median = k
            .median_grant
            .map(format::euro)
            .unwrap_or_else(|| t.not_available.into());
        let count_or_nd = |n: Option<u64>| {
            n.map(|n| format::count(n as usize))
                .unwrap_or_else(|| t.not_available.into())
        };
        let unreadable = (k.unreadable_amounts > 0)
            .then(|| lang.unreadable_amounts(k.unreadable_amounts as usize));
        let cards: [(&str, String, Option<&str>); 6] = [
            (
                t.kpi_granted,
                format::euro(k.granted),
                unreadable.as_deref(),
            ),
            (t.kpi_spent, spent, share.as_deref()),
            (
                t.kpi_projects,
                format::count(k.projects as usize),
                Some(&shown),
            ),
            (t.kpi_lead_bodies, count_or_nd(k.lead_bodies), None),
            (t.kpi_territories, count_or_nd(k.territories), None),
            (t.kpi_median, median, None),
        ];
        let per_row = if ui.available_width() > 1000.0 { 6 } else { 3 };
        for chunk in cards.chunks(per_row) {
            ui.columns(per_row, |cols| {
                for (col, (label, value, note)) in cols.iter_mut().zip(chunk) {
                    let why = (value == t.not_available).then(|| unavailable_reason(lang, label));
                    kpi::card(col, label, value, *note, why.as_deref());
                }
            });
        }
        ui.add_space(6.0);
        ui.label(egui::RichText::new(t.click_to_filter).small().weak());
        let chart_height = ((ui.available_height() - 90.0) / 2.0).clamp(200.0, 320.0);
        ui.columns(2, |cols| {
            charts::title(
                &mut cols[0],
                t.chart_programme,
                Some(&d.by_programme),
                state,
            );
            charts::bar_chart(
                &mut cols[0],
                ChartId::Programme,
                t.chart_programme,
                d,
                state,
                chart_height,
                out,
            );
            charts::title(&mut cols[1], t.chart_province, Some(&d.by_province), state);
            charts::bar_chart(
                &mut cols[1],
                ChartId::Province,
                t.chart_province,
                d,
                state,
                chart_height,
                out,
            );
        });
        ui.add_space(8.0);
        ui.columns(2, |cols| {
            cols[0].horizontal_wrapped(|ui| {
                charts::title(ui, t.chart_target, None, state);
                let combo = egui::ComboBox::from_id_salt("target_dimension")
                    .selected_text(lang.field(state.settings.target_dimension))
                    .show_ui(ui, |ui| {
                        for f in [
                            Field::VulnerableGroups,
                            Field::AgeGroups,
                            Field::Citizenship,
                        ] {
                            if ui
                                .selectable_label(
                                    state.settings.target_dimension == f,
                                    lang.field(f),
                                )
                                .clicked()
                            {
                                out.intents.push(Intent::SetTargetDimension(f));
                            }
                        }
                    });
                combo.response.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::ComboBox, true, t.chart_target)
                });
            });
            if d.by_target.multi_valued {
                cols[0].label(egui::RichText::new(t.overlapping).small().italics());
            }
            charts::bar_chart(
                &mut cols[0],
                ChartId::Target,
                t.chart_target,
                d,
                state,
                chart_height,
                out,
            );
            charts::title(&mut cols[1], t.chart_year, None, state);
            charts::bar_chart(
                &mut cols[1],
                ChartId::Year,
                t.chart_year,
                d,
                state,
                chart_height,
                out,
            );
            if d.yearly.undated_projects > 0 {
                cols[1].add_space(6.0);
                cols[1].label(
                    egui::RichText::new(format!(
                        "{}: {}, {}",
                        t.undated,
                        lang.count(
                            d.yearly.undated_projects as usize,
                            crate::i18n::Noun::Project
                        ),
                        format::euro(d.yearly.undated_amount)
                    ))
                    .small(),
                );
            }
        });
    });
}

/// Why a KPI is "n.d.": the loaded files have no column (or no value) for it.
fn unavailable_reason(lang: crate::i18n::Lang, label: &str) -> String {
    lang.pick_owned(
        &format!("n.d.: nessun file caricato ha valori per «{label}» (vedi Qualità dati)"),
        &format!("n/a: no loaded file has values for “{label}” (see Data quality)"),
    )
}
