//! `lrb test`: run the scenarios of `NAME.test.rb` files against their runbooks, offline, and
//! report which parts of the runbooks no scenario reached.

use super::error::CliError;
use super::load_or_report;
use crate::diagnostic;
use crate::exit::Exit;
use crate::load::Session;
use crate::scenario::coverage::{self, Item};
use crate::scenario::verdict::{self, Verdict};
use crate::scenario::{self, Scenario, is_scenario_file, junit, record};
use clap::ValueEnum;
use rayon::prelude::*;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Files or directories: scenario files (`*.test.rb`) and the runbooks they test.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// Run only the scenarios whose name contains this text.
    #[arg(long, value_name = "NAME")]
    pub filter: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Fail when a `when` arm, a mitigation or a confirm outcome is reached by no scenario.
    #[arg(long)]
    pub require_coverage: bool,
    /// Write the scenario that reproduces this transcript of a run, instead of testing.
    #[arg(long, value_name = "TRANSCRIPT")]
    pub record: Option<PathBuf>,
    /// With `--record`: the scenario file to append to (`NAME.test.rb`); standard output
    /// otherwise.
    #[arg(short, long, value_name = "FILE", requires = "record")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One line per scenario, the decision trace of each failure, then coverage.
    Human,
    /// One JSON document: every scenario's result and every part's coverage.
    Json,
    /// JUnit XML, for CI test reports.
    Junit,
}

pub fn run(args: TestArgs, color: bool) -> Exit {
    if let Some(transcript) = &args.record {
        return record_run(transcript, args.output.as_deref());
    }
    let (load, asked) = with_companions(&args.paths);
    let session = match load_or_report(&load) {
        Ok(s) => s,
        Err(code) => return code,
    };
    if session.has_errors() {
        let errors: Vec<_> = (session.checked.diagnostics.iter())
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        eprint!(
            "{}",
            diagnostic::human::render(&errors, &session.sources, color)
        );
        CliError::new(format!(
            "the runbooks or scenarios have {}, so no scenario ran",
            diagnostic::summary(&errors)
        ))
        .help("Fix them (`lrb check` lists them), then run `lrb test` again.")
        .print();
        return Exit::Findings;
    }
    let Some(plan) = session.checked.plan.as_ref() else {
        return Exit::Findings;
    };
    let scenarios: Vec<&Scenario> = (session.checked.scenarios.iter())
        .filter(|s| asked.contains(&s.source))
        .filter(|s| {
            args.filter
                .as_ref()
                .is_none_or(|f| s.name.contains(f.as_str()))
        })
        .collect();
    if scenarios.is_empty() && !args.require_coverage {
        let what = match &args.filter {
            Some(f) => format!("no scenario's name contains `{f}`"),
            None => "no scenarios found".to_string(),
        };
        CliError::new(what)
            .help("Write scenarios in `NAME.test.rb` beside `NAME.rb` (see docs/testing.md), or pass the directory that holds them.")
            .print();
        return Exit::Usage;
    }
    let runs: Vec<_> = scenarios
        .par_iter()
        .map(|s| {
            let runbook = plan
                .runbook(&s.runbook)
                .expect("checked scenarios name runbooks");
            (runbook, scenario::run::run(s, runbook))
        })
        .collect();
    // Coverage of the runbooks asked for, and of those the chosen scenarios run.
    let mut items: Vec<Item> = (plan.runbooks.iter())
        .filter(|r| asked.contains(&r.source) || scenarios.iter().any(|s| s.runbook == r.id))
        .flat_map(coverage::items)
        .collect();
    let mut results = Vec::new();
    for (s, (runbook, run)) in scenarios.iter().zip(runs) {
        results.push(match run {
            Ok(observed) => {
                coverage::mark(&mut items, runbook, &s.name, &observed);
                verdict::judge(s, runbook, &observed)
            }
            Err(problem) => Verdict {
                scenario: s.name.clone(),
                runbook: s.runbook.clone(),
                failures: vec![problem],
                trace: Vec::new(),
                outcome: "not run".into(),
                ran: Vec::new(),
            },
        });
    }
    let uncovered: Vec<&Item> = items.iter().filter(|i| i.covered_by.is_empty()).collect();
    let located = |item: &Item| locate(&session, item);
    let failed = results.iter().filter(|v| !v.passed()).count();
    let text = match args.format {
        Format::Human => Ok(human(&results, &items, &located)),
        Format::Json => Ok(json(&results, &items, &located)),
        Format::Junit => {
            let gaps: &[&Item] = if args.require_coverage {
                &uncovered
            } else {
                &[]
            };
            junit::report(&results, gaps, &located)
        }
    };
    let text = match text {
        Ok(t) => t,
        Err(e) => {
            CliError::new(format!("cannot write the report: {e}")).print();
            return Exit::Usage;
        }
    };
    let written = super::write_output(None, &text);
    if written != Exit::Ok {
        return written;
    }
    if failed > 0 || (args.require_coverage && !uncovered.is_empty()) {
        Exit::Findings
    } else {
        Exit::Ok
    }
}

/// The files to load, and the files the user asked to test. Each runbook file brings its
/// scenario file, so `lrb test runbooks/api_outage.rb` runs its scenarios; each scenario file
/// brings its directory, so its runbook (and the runbooks it hands over to) resolve.
fn with_companions(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut asked = paths.to_vec();
    let mut load = paths.to_vec();
    for path in paths.iter().filter(|p| p.is_file()) {
        if is_scenario_file(path) {
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
            load.push(dir.map_or_else(|| PathBuf::from("."), Path::to_path_buf));
        } else if let Some(stem) = path.file_stem().and_then(|s| s.to_str()) {
            let tests = path.with_file_name(format!("{stem}.test.rb"));
            if tests.is_file() {
                asked.push(tests.clone());
                load.push(tests);
            }
        }
    }
    let asked = crate::load::discover(&asked).unwrap_or_default();
    (load, asked)
}

/// `path:line:column` of an item.
fn locate(session: &Session, item: &Item) -> String {
    let found = (0..session.sources.len())
        .map(crate::source::FileId)
        .find(|&id| session.sources.get(id).path == item.source);
    match found {
        Some(id) => {
            let file = session.sources.get(id);
            let (line, col) = file.line_col(item.span.start);
            format!("{}:{line}:{col}", file.path.display())
        }
        None => item.source.display().to_string(),
    }
}

fn human(results: &[Verdict], items: &[Item], located: &dyn Fn(&Item) -> String) -> String {
    let mut out = String::new();
    for v in results {
        let mark = if v.passed() { "pass" } else { "FAIL" };
        out.push_str(&format!("{mark}  {} ({})\n", v.scenario, v.runbook));
        if !v.passed() {
            for f in &v.failures {
                out.push_str(&format!("      {f}\n"));
            }
            if !v.trace.is_empty() {
                out.push_str("      decision trace:\n");
                for line in &v.trace {
                    out.push_str(&format!("        {line}\n"));
                }
            }
        }
    }
    let mut runbooks: Vec<&str> = items.iter().map(|i| i.runbook.as_str()).collect();
    runbooks.dedup();
    if !items.is_empty() {
        out.push_str("\ncoverage:\n");
    }
    for rb in runbooks {
        let of: Vec<&Item> = items.iter().filter(|i| i.runbook == rb).collect();
        let reached = of.iter().filter(|i| !i.covered_by.is_empty()).count();
        out.push_str(&format!(
            "  {rb}: {reached} of {} parts reached\n",
            of.len()
        ));
        for item in of.iter().filter(|i| i.covered_by.is_empty()) {
            out.push_str(&format!(
                "    not reached: {} ({})\n",
                item.what,
                located(item)
            ));
        }
    }
    let failed = results.iter().filter(|v| !v.passed()).count();
    let reached = items.iter().filter(|i| !i.covered_by.is_empty()).count();
    out.push_str(&format!(
        "\n{}: {} scenario{}, {} passed, {failed} failed; {reached} of {} parts reached\n",
        if failed == 0 { "ok" } else { "failed" },
        results.len(),
        if results.len() == 1 { "" } else { "s" },
        results.len() - failed,
        items.len()
    ));
    out
}

fn json(results: &[Verdict], items: &[Item], located: &dyn Fn(&Item) -> String) -> String {
    let coverage: Vec<serde_json::Value> = items
        .iter()
        .map(|i| {
            serde_json::json!({
                "runbook": i.runbook,
                "part": i.part,
                "what": i.what,
                "location": located(i),
                "covered_by": i.covered_by,
            })
        })
        .collect();
    let failed = results.iter().filter(|v| !v.passed()).count();
    let doc = serde_json::json!({
        "scenarios": results,
        "passed": results.len() - failed,
        "failed": failed,
        "coverage": coverage,
        "uncovered": items.iter().filter(|i| i.covered_by.is_empty()).count(),
    });
    format!("{doc:#}\n")
}

/// `--record`: the transcript's runbook is read from the file the run named; the scenario is
/// checked and run before anything is written, and must reproduce the run.
fn record_run(transcript: &Path, output: Option<&Path>) -> Exit {
    let records = match crate::run::transcript::read(transcript) {
        Ok(r) => r,
        Err(e) => {
            CliError::new(e.to_string()).print();
            return Exit::Usage;
        }
    };
    let Some(crate::run::transcript::Event::Start {
        file, file_sha256, ..
    }) = records.first().map(|r| &r.event)
    else {
        CliError::new(format!(
            "`{}` does not start with a `start` record: it is not a transcript of a run",
            transcript.display()
        ))
        .print();
        return Exit::Usage;
    };
    let runbook_file = PathBuf::from(file);
    if let Some(out) = output
        && !is_scenario_file(out)
    {
        CliError::new(format!(
            "`{}` is not a scenario file: its name must end in `.test.rb`",
            out.display()
        ))
        .help("Write it beside the runbook: `-o runbooks/NAME.test.rb`.")
        .print();
        return Exit::Usage;
    }
    let dir = runbook_file
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let session = match load_or_report(std::slice::from_ref(&dir)) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let Some(plan) = session.checked.plan.as_ref() else {
        return super::plan_or_report(&session, false)
            .err()
            .unwrap_or(Exit::Findings);
    };
    let Some(id) = records.first().and_then(|r| match &r.event {
        crate::run::transcript::Event::Start { runbook, .. } => Some(runbook.clone()),
        _ => None,
    }) else {
        return Exit::Usage;
    };
    let Some(runbook) = plan.runbook(&id) else {
        CliError::new(format!(
            "the transcript is a run of `{id}`, which `{}` no longer defines",
            dir.display()
        ))
        .print();
        return Exit::Usage;
    };
    if let Ok(bytes) = std::fs::read(&runbook_file)
        && super::run::sha256_hex(&bytes) != *file_sha256
    {
        eprintln!(
            "warning: `{}` changed since this run: the scenario replays the run against the runbook as it is now",
            runbook_file.display()
        );
    }
    let text = match record::scenario(&records, runbook, &transcript.display().to_string()) {
        Ok(t) => t,
        Err(e) => {
            CliError::new(format!("cannot record `{}`: {e}", transcript.display())).print();
            return Exit::Usage;
        }
    };
    if let Err(e) = reproduces(&session, &dir, &text) {
        CliError::new(format!(
            "the recorded scenario does not reproduce the run, so nothing was written: {e}"
        ))
        .help("Please report it: the run depended on something a scenario cannot say yet.")
        .print();
        return Exit::Findings;
    }
    match output {
        None => super::write_output(None, &text),
        Some(path) => {
            let mut existing = std::fs::read_to_string(path).unwrap_or_default();
            if !existing.is_empty() && !existing.ends_with("\n\n") {
                existing.push_str(if existing.ends_with('\n') {
                    "\n"
                } else {
                    "\n\n"
                });
            }
            existing.push_str(&text);
            super::write_output(Some(path), &existing)
        }
    }
}

/// Checks and runs the recorded scenario with the runbooks of `dir`: `Err` says what differs.
fn reproduces(session: &Session, dir: &Path, text: &str) -> Result<(), String> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = (0..session.sources.len())
        .map(crate::source::FileId)
        .map(|id| session.sources.get(id))
        .filter(|f| !is_scenario_file(&f.path))
        .map(|f| (f.path.clone(), f.text.as_bytes().to_vec()))
        .collect();
    files.push((dir.join("recorded.test.rb"), text.as_bytes().to_vec()));
    let checked = crate::load::from_bytes(files);
    if let Some(d) = checked.checked.diagnostics.iter().find(|d| d.is_error()) {
        return Err(format!("it does not check: {}", d.message));
    }
    let plan = checked
        .checked
        .plan
        .as_ref()
        .ok_or("the runbooks have errors")?;
    for s in &checked.checked.scenarios {
        let runbook = plan.runbook(&s.runbook).ok_or("its runbook is gone")?;
        let observed = scenario::run::run(s, runbook)?;
        let v = verdict::judge(s, runbook, &observed);
        if !v.passed() {
            return Err(v.failures.join("; "));
        }
    }
    Ok(())
}
