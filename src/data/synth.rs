//! Realistic synthetic programme data for benchmarks and tests: projects spread over Italian
//! provinces and their municipalities by population, with lead bodies, programmes, funding
//! sources, log-normal grants, spend, periods and multi-valued target groups, under the Italian
//! headers real files use.

use chrono::{Days, NaiveDate};
use polars::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::reference;

const PROGRAMMES: [(&str, &str); 6] = [
    ("POR FSE 2014-2020 – WeCaRe", "FSE"),
    ("PON Inclusione 2014-2020", "FSE"),
    ("FSE+ 2021-2027 – Inclusione sociale", "FSE"),
    ("PNRR M5C2 – Inclusione e coesione", "PNRR"),
    ("Fondo nazionale politiche sociali", "Nazionale"),
    ("Welfare di comunità – Fondazione", "Fondazione"),
];
const TITLE_HEADS: [&str; 10] = [
    "Reti di prossimità",
    "Welfare di comunità",
    "Abitare solidale",
    "Custodi del territorio",
    "Officina dei legami",
    "Comunità che cura",
    "Ponti generativi",
    "Spazi di ascolto",
    "Lavoro e inclusione",
    "Famiglie al centro",
];
const BODY_KINDS: [&str; 4] = [
    "Consorzio socio-assistenziale di",
    "Comune di",
    "Unione dei Comuni di",
    "ASL di",
];
const NATURES: [&str; 4] = [
    "Prevenzione primaria",
    "Presa in carico",
    "Inserimento lavorativo",
    "Servizi di prossimità",
];
const SCOPES: [&str; 5] = [
    "Rete sociale",
    "Abitare",
    "Lavoro",
    "Salute e benessere",
    "Educazione",
];
const AGES: [&str; 4] = ["Minori", "Giovani", "Età adulta", "Età senile"];
const CITIZENSHIP: [&str; 4] = ["Italiana", "Straniera UE", "Straniera extra-UE", "Apolide"];
const VULNERABLE: [&str; 7] = [
    "Persone con disabilità",
    "Genitori singoli con figli minori",
    "Gravi malattie",
    "Anziani soli",
    "Persone senza dimora",
    "Disoccupati di lunga durata",
    "Famiglie in povertà",
];
const PARTNERS: [&str; 6] = [
    "Cooperativa sociale",
    "Associazione di volontariato",
    "Fondazione di comunità",
    "Centro servizi volontariato",
    "Parrocchia",
    "Impresa sociale",
];
const OUTCOMES: [&str; 3] = ["Positivo", "In corso", "Da valutare"];

/// A random subset of `items`, at least one, joined with `, `.
fn subset(rng: &mut StdRng, items: &[&str], max: usize) -> String {
    let n = rng.random_range(1..=max.min(items.len()));
    let start = rng.random_range(0..items.len());
    (0..n)
        .map(|k| items[(start + k) % items.len()])
        .collect::<Vec<_>>()
        .join(", ")
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut StdRng) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

/// Per province (in the order of [`reference::provinces`]): its municipalities' names and their
/// cumulative population, to draw a municipality as people are spread.
type Towns = Vec<(Vec<String>, Vec<f64>)>;

fn towns_by_province(provinces: &DataFrame) -> PolarsResult<Towns> {
    let codes = provinces.column("code_province")?.str()?;
    let all = reference::municipalities();
    let town_codes = all.column("code_province")?.str()?;
    let names = all.column("municipality")?.str()?;
    let population = all.column("population")?.cast(&DataType::Float64)?;
    let population = population.f64()?;
    let mut by_code: std::collections::HashMap<&str, (Vec<String>, Vec<f64>)> = Default::default();
    for ((code, name), people) in town_codes.iter().zip(names.iter()).zip(population.iter()) {
        let (Some(code), Some(name)) = (code, name) else {
            continue;
        };
        let entry = by_code.entry(code).or_default();
        let last = entry.1.last().copied().unwrap_or(0.0);
        entry.0.push(name.to_string());
        entry.1.push(last + people.unwrap_or(0.0).max(1.0));
    }
    Ok(codes
        .iter()
        .map(|c| c.and_then(|c| by_code.remove(c)).unwrap_or_default())
        .collect())
}

/// `rows` synthetic projects; the same `seed` always gives the same table.
pub fn generate(rows: usize, seed: u64) -> PolarsResult<DataFrame> {
    let mut rng = StdRng::seed_from_u64(seed);
    let provinces = reference::provinces();
    let names: Vec<String> = provinces
        .column("province")?
        .str()?
        .iter()
        .map(|s| s.unwrap_or_default().to_string())
        .collect();
    let regions: Vec<String> = provinces
        .column("region")?
        .str()?
        .iter()
        .map(|s| s.unwrap_or_default().to_string())
        .collect();
    let seats: Vec<String> = provinces
        .column("capoluogo")?
        .str()?
        .iter()
        .map(|s| s.unwrap_or_default().to_string())
        .collect();
    let population: Vec<f64> = provinces
        .column("population")?
        .cast(&DataType::Float64)?
        .f64()?
        .iter()
        .map(|v| v.unwrap_or(0.0))
        .collect();
    let mut cumulative = Vec::with_capacity(population.len());
    let mut acc = 0.0;
    for p in &population {
        acc += p;
        cumulative.push(acc);
    }
    let epoch = NaiveDate::from_ymd_opt(2014, 1, 1).expect("valid date");
    let towns = towns_by_province(provinces)?;
    // The municipalities are drawn apart, so every other column stays as it was.
    let mut town_rng = StdRng::seed_from_u64(seed ^ 0x5EED_C0DE);

    let mut id = Vec::with_capacity(rows);
    let mut title = Vec::with_capacity(rows);
    let mut programme = Vec::with_capacity(rows);
    let mut lead = Vec::with_capacity(rows);
    let mut partners = Vec::with_capacity(rows);
    let mut region = Vec::with_capacity(rows);
    let mut province = Vec::with_capacity(rows);
    let mut municipality = Vec::with_capacity(rows);
    let mut fund = Vec::with_capacity(rows);
    let mut granted = Vec::with_capacity(rows);
    let mut spent: Vec<Option<f64>> = Vec::with_capacity(rows);
    let mut start: Vec<Option<NaiveDate>> = Vec::with_capacity(rows);
    let mut end: Vec<Option<NaiveDate>> = Vec::with_capacity(rows);
    let mut nature = Vec::with_capacity(rows);
    let mut scope = Vec::with_capacity(rows);
    let mut ages = Vec::with_capacity(rows);
    let mut citizenship = Vec::with_capacity(rows);
    let mut vulnerable = Vec::with_capacity(rows);
    let mut outcome = Vec::with_capacity(rows);
    for i in 0..rows {
        let r = rng.random_range(0.0..acc);
        let p = cumulative.partition_point(|c| *c < r).min(names.len() - 1);
        let (prog, source) = PROGRAMMES[rng.random_range(0..PROGRAMMES.len())];
        let amount = (150_000.0 * (0.8 * normal(&mut rng)).exp()).clamp(10_000.0, 3_000_000.0);
        let amount = (amount / 100.0).round() * 100.0;
        id.push(format!("PRJ-{:07}", i + 1));
        title.push(format!(
            "{} – {}",
            TITLE_HEADS[rng.random_range(0..TITLE_HEADS.len())],
            seats[p]
        ));
        programme.push(prog);
        lead.push(format!(
            "{} {}",
            BODY_KINDS[rng.random_range(0..BODY_KINDS.len())],
            seats[p]
        ));
        partners.push(subset(&mut rng, &PARTNERS, 3));
        region.push(regions[p].clone());
        province.push(names[p].clone());
        municipality.push(match &towns[p] {
            (names, cumulative) if !names.is_empty() => {
                let r = town_rng.random_range(0.0..*cumulative.last().unwrap_or(&1.0));
                names[cumulative.partition_point(|c| *c < r).min(names.len() - 1)].clone()
            }
            _ => seats[p].clone(),
        });
        fund.push(source);
        granted.push(amount);
        spent.push(if rng.random_bool(0.85) {
            Some((amount * rng.random_range(0.2..1.0) / 100.0).round() * 100.0)
        } else {
            None
        });
        if rng.random_bool(0.97) {
            let s = epoch + Days::new(rng.random_range(0..3650));
            start.push(Some(s));
            end.push(Some(s + Days::new(rng.random_range(180..1460))));
        } else {
            start.push(None);
            end.push(None);
        }
        nature.push(NATURES[rng.random_range(0..NATURES.len())]);
        scope.push(SCOPES[rng.random_range(0..SCOPES.len())]);
        ages.push(subset(&mut rng, &AGES, 3));
        citizenship.push(subset(&mut rng, &CITIZENSHIP, 4));
        vulnerable.push(subset(&mut rng, &VULNERABLE, 3));
        outcome.push(OUTCOMES[rng.random_range(0..OUTCOMES.len())]);
    }
    df!(
        "Codice progetto" => id,
        "Titolo progetto" => title,
        "Programma" => programme,
        "Ente capofila" => lead,
        "Partner" => partners,
        "Regione" => region,
        "Provincia" => province,
        "Comune" => municipality,
        "Fonte di finanziamento" => fund,
        "Contributo concesso (€)" => granted,
        "Spesa rendicontata (€)" => spent,
        "Data avvio" => start,
        "Data conclusione" => end,
        "Natura prevalente dell'intervento" => nature,
        "Ambito di intervento primario" => scope,
        "Fascia d'età del target" => ages,
        "Cittadinanza del target" => citizenship,
        "Categoria vulnerabile del target" => vulnerable,
        "Esito della valutazione" => outcome,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_table_and_plausible_values() {
        let a = generate(500, 7).unwrap();
        let b = generate(500, 7).unwrap();
        assert!(a.equals_missing(&b));
        assert_eq!(a.height(), 500);
        let amounts = a.column("Contributo concesso (€)").unwrap().f64().unwrap();
        assert!(amounts.min().unwrap() >= 10_000.0);
        assert!(amounts.max().unwrap() <= 3_000_000.0);
        assert!(!generate(500, 8).unwrap().equals_missing(&a));
    }

    #[test]
    fn projects_are_spread_over_municipalities_of_their_province() {
        let t = generate(20_000, 3).unwrap();
        let towns = t.column("Comune").unwrap().n_unique().unwrap();
        assert!(towns > 2_000, "{towns} municipalities");
        // Every municipality lies in the project's province (checked on the reference).
        let reference = reference::municipalities();
        let provinces = reference::provinces();
        let sigla_of = |province: &str| -> String {
            let at = provinces
                .column("province")
                .unwrap()
                .str()
                .unwrap()
                .iter()
                .position(|p| p == Some(province))
                .unwrap();
            provinces
                .column("sigla")
                .unwrap()
                .str()
                .unwrap()
                .get(at)
                .unwrap()
                .to_string()
        };
        let names = reference.column("municipality").unwrap().str().unwrap();
        let siglas = reference.column("sigla").unwrap().str().unwrap();
        let province = t.column("Provincia").unwrap().str().unwrap();
        let town = t.column("Comune").unwrap().str().unwrap();
        for i in (0..t.height()).step_by(997) {
            let (p, m) = (province.get(i).unwrap(), town.get(i).unwrap());
            let sigla = sigla_of(p);
            assert!(
                names
                    .iter()
                    .zip(siglas.iter())
                    .any(|(n, s)| n == Some(m) && s == Some(sigla.as_str())),
                "{m} is not in {p}"
            );
        }
    }
}
