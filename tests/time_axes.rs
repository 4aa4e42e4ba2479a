//! Themes and attitudes over time and by group, on a corpus written for this test
//! (`tests/data/time_axes/news.jsonl`, made by `make_corpus.py` beside it): 99 short dated items
//! from three invented outlets and a lone pamphlet, 2018–2023, where a desalination plant
//! appears only from 2021, Governor Talia Renwick is praised until 2020 and condemned from
//! 2021, and Port Commissioner Edda Marlow is praised by the Harbor Ledger throughout but by the
//! Upland Courier only until 2021; two dates do not read, one item has none.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{chart_marks, chromium, models_dir, rendered_dom, stderr, themescope};
use serde_json::Value;
use themescope::corpus::{Corpus, ReadOptions};
use themescope::timeline::{AxisFields, DocumentAxes, TimeBin};

fn news() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/time_axes/news.jsonl")
}

fn run(tmp: &Path, input: &Path, out: &Path, extra: &[&str]) -> Output {
    themescope(&tmp.join("hf-cache"))
        .env("THEMESCOPE_MODELS", models_dir())
        .arg("run")
        .arg(input)
        // Five subjects: harbour, orchards, desalination, the governor, the commissioner.
        .args(["--out", out.to_str().unwrap(), "--k", "5"])
        .args(extra)
        .output()
        .unwrap()
}

fn json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect()
}

/// The series of `name` among an `actors` array.
fn actor<'a>(actors: &'a Value, name: &str) -> &'a Value {
    actors
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["actor"] == name)
        .unwrap_or_else(|| panic!("no {name} in {actors:#}"))
}

/// The theme whose phrases in some bin include `word`.
fn theme_with<'a>(themes: &'a [Value], word: &str) -> &'a Value {
    themes
        .iter()
        .find(|t| {
            t["phrases"]
                .as_array()
                .unwrap()
                .iter()
                .any(|bin| strings(bin).iter().any(|p| p.to_lowercase().contains(word)))
        })
        .unwrap_or_else(|| panic!("no theme with `{word}` among {themes:#?}"))
}

#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn a_new_theme_and_a_turned_attitude_are_found_in_the_right_year() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    let out = run(tmp.path(), &news(), &out_dir, &["--time-bin", "year"]);
    let log = stderr(&out);
    assert!(out.status.success(), "{log}");
    // Bad dates are told on stderr, with the first one.
    assert!(
        log.contains("2 document(s) have a `date` that is not a date") && log.contains("n003"),
        "{log}"
    );
    let report = json(&out_dir.join("report.json"));
    let t = &report["over_time"];
    assert_eq!(t["field"], "date");
    assert_eq!(t["bin"], "year");
    assert_eq!(
        strings(&t["bins"]),
        ["2018", "2019", "2020", "2021", "2022", "2023"]
    );
    assert_eq!(t["bad_dates"]["count"], 2);
    let bad: Vec<(&str, &str)> = t["bad_dates"]["listed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["doc_id"].as_str().unwrap(), b["reason"].as_str().unwrap()))
        .collect();
    assert!(
        bad.iter()
            .any(|(id, why)| *id == "n003" && why.contains("ambiguous")),
        "{bad:?}"
    );
    assert_eq!(t["undated_documents"], 1);
    assert_eq!(
        t["documents"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_u64().unwrap())
            .sum::<u64>(),
        96
    );

    // The desalination theme first appears in 2021 and has no paragraph before.
    let themes = t["themes"].as_array().unwrap();
    let desal = theme_with(themes, "desalination");
    assert_eq!(desal["first"], "2021", "{desal:#}");
    let counts: Vec<u64> = desal["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_u64().unwrap())
        .collect();
    assert_eq!(&counts[..3], [0, 0, 0], "{desal:#}");
    // Every other theme is there from the start or the year after.
    for other in themes.iter().filter(|x| x["theme"] != desal["theme"]) {
        let first = other["first"].as_str().unwrap_or("never");
        assert!(first <= "2019", "{other:#}");
    }

    // Renwick: positive until 2020 and negative from 2021, each year's interval away from 0.
    let renwick = t["actors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["actor"] == "Talia Renwick")
        .unwrap_or_else(|| panic!("no Talia Renwick in {:#}", t["actors"]));
    assert_eq!(renwick["turn"], "2021", "{renwick:#}");
    for (year, cell) in renwick["cells"].as_array().unwrap().iter().enumerate() {
        let ci = cell["ci95"].as_array().unwrap_or_else(|| panic!("{cell}"));
        let (lo, hi) = (ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap());
        assert!(cell["mentions"].as_u64().unwrap() >= 3, "{cell}");
        match year {
            0..=2 => assert!(lo > 0.0, "year {year}: {cell}"),
            _ => assert!(hi < 0.0, "year {year}: {cell}"),
        }
    }

    // The group with one document is shown, and its one mention is "too few", not a number.
    let g = &report["by_group"];
    assert_eq!(g["field"], "source");
    let groups = strings(&g["groups"]);
    let lone = groups.iter().position(|x| *x == "Lone Pamphlet").unwrap();
    assert_eq!(g["documents"][lone], 1);
    let renwick_g = g["actors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["actor"] == "Talia Renwick")
        .unwrap();
    let lone_cell = &renwick_g["cells"][lone];
    assert_eq!(lone_cell["too_few"], true, "{lone_cell}");
    assert!(lone_cell.get("mean").is_none(), "{lone_cell}");

    // Edda Marlow turns in the Upland Courier in 2022 and never in the Harbor Ledger; the
    // pooled view over time, half praise and half blame from 2022, finds no turn.
    let marlow_t = actor(&t["actors"], "Edda Marlow");
    assert!(marlow_t.get("turn").is_none(), "{marlow_t:#}");
    let cross = &g["over_time"];
    assert_eq!(cross["bin"], "year");
    assert_eq!(strings(&cross["bins"]), strings(&t["bins"]));
    let marlow = actor(&cross["actors"], "Edda Marlow");
    let rows = marlow["groups"].as_array().unwrap();
    assert_eq!(
        rows.iter()
            .map(|r| r["group"].as_str().unwrap())
            .collect::<Vec<_>>(),
        groups
    );
    let row = |name: &str| rows.iter().find(|r| r["group"] == name).unwrap();
    let upland = row("Upland Courier");
    assert_eq!(upland["turn"], "2022", "{upland:#}");
    let ledger = row("Harbor Ledger");
    assert!(ledger.get("turn").is_none(), "{ledger:#}");
    for (outlet, turned_from) in [(upland, 4), (ledger, usize::MAX)] {
        for (year, cell) in outlet["cells"].as_array().unwrap().iter().enumerate() {
            let ci = cell["ci95"].as_array().unwrap_or_else(|| panic!("{cell}"));
            let (lo, hi) = (ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap());
            let mean = cell["mean"].as_f64().unwrap();
            assert!(lo <= mean && mean <= hi, "{cell}");
            // Three items a year in each outlet, one mention each: three paragraphs resampled.
            assert_eq!(
                (&cell["mentions"], &cell["paragraphs"]),
                (&3.into(), &3.into())
            );
            match year < turned_from {
                true => assert!(lo > 0.0, "{} {year}: {cell}", outlet["group"]),
                false => assert!(hi < 0.0, "{} {year}: {cell}", outlet["group"]),
            }
        }
    }
    // The lone pamphlet never mentions her: counted as nothing, not as a number.
    for cell in row("Lone Pamphlet")["cells"].as_array().unwrap() {
        assert!(
            cell.get("mean").is_none() && cell["too_few"] == true,
            "{cell}"
        );
    }

    // The same tables in report.md; the charts in report.html.
    let md = std::fs::read_to_string(out_dir.join("report.md")).unwrap();
    for needle in [
        "## Over time",
        "### Theme share per year",
        "### Attitude per year",
        "| Talia Renwick |",
        "## By source",
        "too few (1)",
        "| n003 | 03/02/2020 |",
        "### Attitude per source and year",
        "| Edda Marlow | Upland Courier |",
    ] {
        assert!(md.contains(needle), "report.md lacks {needle:?}");
    }
    let html = out_dir.join("report.html");
    let page = std::fs::read_to_string(&html).unwrap();
    for id in [
        "chart-themes-time",
        "chart-attitude-time",
        "chart-groups",
        "chart-group-actors",
        "chart-attitude-groups-time",
    ] {
        assert!(page.contains(&format!("id=\"{id}\"")), "no {id}");
    }
    // Renwick's years with one or two mentions in an outlet are drawn as "too few", not as a
    // number; an outlet that never mentions an actor says so.
    let cross_chart = page
        .split("<svg")
        .find(|c| c.contains("id=\"chart-attitude-groups-time\""))
        .unwrap();
    assert!(
        cross_chart.contains("class=\"pt few\"")
            && cross_chart.contains("Talia Renwick in Harbor Ledger, 2019: too few mentions")
            && cross_chart.contains("no mentions"),
        "{cross_chart}"
    );
    if let Some(browser) = chromium() {
        let dom = rendered_dom(&browser, &html);
        // A marker per theme and year with paragraphs; Renwick's six years; a cell per group
        // and theme, and per group and actor.
        assert!(chart_marks(&dom, "chart-themes-time") >= 20);
        assert!(chart_marks(&dom, "chart-attitude-time") >= 6);
        assert!(chart_marks(&dom, "chart-groups") >= 4 * groups.len());
        assert!(chart_marks(&dom, "chart-group-actors") >= groups.len());
        // Marlow's six years in each of her two outlets, at least.
        assert!(chart_marks(&dom, "chart-attitude-groups-time") >= 12);
    }
    if let Some(python) = std::env::var_os("THEMESCOPE_PYTHON") {
        let script = r#"
import sys
import pandas as pd
df = pd.read_parquet(sys.argv[1])
for c in ["time", "time_bin", "group"]:
    assert c in df.columns, c
row = df[df["doc_id"] == "n003"].iloc[0]
assert row["time"] is None and row["group"] == "Harbor Ledger", row
dated = df.dropna(subset=["time_bin"])
assert len(dated) == 96, len(dated)
assert set(dated["time_bin"]) == {str(y) for y in range(2018, 2024)}
assert dated["time"].str.match(r"^\d{4}-\d\d-\d\d$").all()
print("ok")
"#;
        let out = Command::new(python)
            .args(["-c", script])
            .arg(out_dir.join("paragraphs.parquet"))
            .output()
            .unwrap();
        assert!(out.status.success(), "paragraphs.parquet: {}", stderr(&out));
    }
}

#[test]
#[ignore = "needs the shared data (THEMESCOPE_SHARED)"]
fn a_corpus_without_dates_skips_the_time_axis_with_a_line_saying_so() {
    let tmp = tempfile::tempdir().unwrap();
    // The same items with their dates taken out.
    let undated: String = std::fs::read_to_string(news())
        .unwrap()
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("date");
            format!("{v}\n")
        })
        .collect();
    let input = tmp.path().join("undated.jsonl");
    std::fs::write(&input, undated).unwrap();
    let out_dir = tmp.path().join("out");
    let out = run(tmp.path(), &input, &out_dir, &[]);
    let log = stderr(&out);
    assert!(out.status.success(), "{log}");
    let said: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("no document has a date"))
        .collect();
    assert_eq!(said.len(), 1, "{log}");
    let report = json(&out_dir.join("report.json"));
    assert!(report.get("over_time").is_none());
    // The outlets still group the documents.
    assert_eq!(report["by_group"]["field"], "source");
    let html = std::fs::read_to_string(out_dir.join("report.html")).unwrap();
    assert!(!html.contains("chart-themes-time") && !html.contains("id=\"over-time\""));
    assert!(html.contains("id=\"chart-groups\""));
    let md = std::fs::read_to_string(out_dir.join("report.md")).unwrap();
    assert!(!md.contains("## Over time"));

    // A named time field that no document has: skipped the same way.
    let out_dir = tmp.path().join("out2");
    let out = run(tmp.path(), &news(), &out_dir, &["--time-field", "when"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(json(&out_dir.join("report.json"))
        .get("over_time")
        .is_none());
}

#[test]
fn markdown_front_matter_and_html_meta_give_dates_and_groups() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("a.md"),
        "---\ntitle: Canal tolls\ndate: 14 June 2021\noutlet: Harbor Ledger\n---\n\n# Canal tolls\n\nShipping firms paid the toll.\n",
    )
    .unwrap();
    std::fs::write(
        root.join("b.html"),
        "<html><head><meta property=\"og:site_name\" content=\"Meridian Post\">\
         <meta property=\"article:published_time\" content=\"2022-02-03T08:00:00+01:00\"></head>\
         <body><article><p>Orchards bloomed early.</p></article></body></html>",
    )
    .unwrap();
    std::fs::write(root.join("c.txt"), "No metadata at all.\n").unwrap();
    let corpus = Corpus::read(&[root.to_path_buf()], &ReadOptions::default()).unwrap();
    let axes = DocumentAxes::read(
        &corpus,
        &AxisFields {
            time_field: Some("published".into()),
            time_bin: TimeBin::Year,
            ..AxisFields::default()
        },
    );
    // The markdown file has `date`, not `published`: undated under this field.
    let ids: Vec<&str> = corpus.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["a.md", "b.html", "c.txt"]);
    let dates: Vec<Option<String>> = axes
        .dates
        .iter()
        .map(|d| d.map(|d| d.to_string()))
        .collect();
    assert_eq!(dates, [None, Some("2022-02-03".into()), None]);
    assert_eq!(axes.undated, 2);

    let axes = DocumentAxes::read(&corpus, &AxisFields::default());
    assert_eq!(axes.time_field.as_deref(), Some("date"));
    assert_eq!(axes.group_field.as_deref(), Some("outlet"));
    assert_eq!(
        axes.dates[0].map(|d| d.to_string()).as_deref(),
        Some("2021-06-14")
    );
    assert_eq!(
        axes.groups,
        [
            Some("Harbor Ledger".into()),
            Some("Meridian Post".into()),
            None
        ]
    );
}
