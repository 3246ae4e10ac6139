//! AST to Plan: resolves names, types every action, finds flow problems. Does no I/O, never
//! panics on user input, never stops at the first error.

mod action;
mod address;
mod coerce;
mod condition;
mod flow;
mod metadata;
mod notes;
pub(crate) mod promql;
mod rules;
mod runbook;
mod scenario;
mod scope;
pub use scope::Context;
mod suppress;

use crate::ast;
use crate::diagnostic::{self, Code, Diagnostic};
use crate::parallel;
use crate::plan::Plan;
use crate::scenario::{Scenario, is_scenario_file};
use crate::source::FileId;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

/// One parsed file handed to the checker. The checker drops its tree once the file is
/// checked: a caller that keeps no other handle to it frees each tree as its plan is built.
pub struct Input<'a> {
    pub file: FileId,
    pub path: &'a Path,
    /// The source text, for placing allow comments.
    pub text: &'a str,
    pub ast: Arc<ast::File>,
}

pub struct Checked {
    /// The lowered runbooks; `None` when any runbook file has an error.
    pub plan: Option<Plan>,
    /// The checked scenarios of the scenario files (`NAME.test.rb`); empty when any file has
    /// an error.
    pub scenarios: Vec<Scenario>,
    /// Every finding, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks files together, so `see` can name a runbook in any of them. `syntax` holds the
/// parser's findings for every file, also those that did not parse (which have no [`Input`]);
/// the result has a plan only when no runbook file has an error. `scenario_files` are the
/// files that hold scenarios, parsed or not: their errors do not withhold the plan.
pub fn check(inputs: Vec<Input>, syntax: Vec<Diagnostic>, scenario_files: &[FileId]) -> Checked {
    let without_runbook: Vec<FileId> = (inputs.iter())
        .filter(|i| !is_scenario_file(i.path))
        .filter(|i| {
            !i.ast
                .body
                .iter()
                .any(|s| matches!(s, ast::Stmt::Runbook(_)))
        })
        .map(|i| i.file)
        .collect();
    let (plan, scenarios, mut diagnostics) = lower_all(inputs);
    // A block missing its `end` swallows the statements after it, so where they stand says
    // nothing: report the missing `end` alone.
    let unclosed: Vec<FileId> = syntax
        .iter()
        .filter(|d| d.code == Code::MissingEnd)
        .map(|d| d.file)
        .collect();
    diagnostics.retain(|d| !(d.code == Code::MisplacedStatement && unclosed.contains(&d.file)));
    diagnostics.extend(syntax);
    for file in without_runbook {
        // Only for a file with no other finding: a broken `runbook` line is reported already.
        if !diagnostics.iter().any(|d| d.file == file) {
            diagnostics.push(
                Diagnostic::new(
                    Code::NoRunbook,
                    file,
                    crate::source::Span::default(),
                    "this file defines no runbook",
                )
                .label("expected `runbook :name do ... end`"),
            );
        }
    }
    diagnostic::sort(&mut diagnostics);
    let errors_in = |scenarios: bool| {
        (diagnostics.iter()).any(|d| d.is_error() && scenario_files.contains(&d.file) == scenarios)
    };
    let (runbooks_ok, scenarios_ok) = (!errors_in(false), !errors_in(true));
    Checked {
        plan: runbooks_ok.then_some(plan),
        scenarios: if runbooks_ok && scenarios_ok {
            scenarios
        } else {
            Vec::new()
        },
        diagnostics,
    }
}

/// Checks like [`check`] and lowers every runbook, also those with errors: an editor shows
/// what the parts that did check mean.
pub fn lower(inputs: Vec<Input>) -> (Plan, Vec<Diagnostic>) {
    let (plan, _, diagnostics) = lower_all(inputs);
    (plan, diagnostics)
}

/// [`lower`], and the scenario files checked against the runbooks.
fn lower_all(inputs: Vec<Input>) -> (Plan, Vec<Scenario>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let runbooks = runbook_index(&inputs, &mut diagnostics);
    let (tests, books): (Vec<Input>, Vec<Input>) =
        inputs.into_iter().partition(|i| is_scenario_file(i.path));
    let bytes: usize = books.iter().map(|i| i.text.len()).sum();
    let per_file = parallel::map(books, bytes >= parallel::SERIAL_BELOW_BYTES, |input| {
        let mut checker = scope::FileChecker::new(&input, &runbooks);
        let lowered = checker.file();
        let mut found = checker.diagnostics;
        suppress::apply(input.file, input.text, &input.ast, &mut found);
        (lowered, found)
    });
    let mut plan = Plan {
        runbooks: Vec::new(),
    };
    for (lowered, mut found) in per_file {
        plan.runbooks.extend(lowered);
        diagnostics.append(&mut found);
    }
    let mut scenarios = Vec::new();
    for input in &tests {
        let (mut checked, mut found) = scenario::check(input, &plan, &runbooks);
        scenarios.append(&mut checked);
        diagnostics.append(&mut found);
    }
    diagnostic::sort(&mut diagnostics);
    (plan, scenarios, diagnostics)
}

/// Where each runbook is defined, reporting ids defined twice.
fn runbook_index<'a>(
    inputs: &[Input<'a>],
    diagnostics: &mut Vec<Diagnostic>,
) -> HashMap<String, (FileId, &'a Path)> {
    let mut index: HashMap<String, (FileId, &Path, crate::source::Span)> = HashMap::new();
    for input in inputs.iter().filter(|i| !is_scenario_file(i.path)) {
        for stmt in &input.ast.body {
            let ast::Stmt::Runbook(rb) = stmt else {
                continue;
            };
            match index.get(&rb.name.name) {
                Some((file, path, span)) => {
                    let mut d = Diagnostic::new(
                        Code::DuplicateDefinition,
                        input.file,
                        rb.name.span,
                        format!("runbook `{}` is defined twice", rb.name.name),
                    )
                    .label("second definition");
                    if *file == input.file {
                        d = d.related(*span, "first defined here");
                    } else {
                        d = d.help(format!(
                            "Rename one of them; the first is in `{}`.",
                            path.display()
                        ));
                    }
                    diagnostics.push(d);
                }
                None => {
                    index.insert(rb.name.name.clone(), (input.file, input.path, rb.name.span));
                }
            }
        }
    }
    index
        .into_iter()
        .map(|(k, (f, p, _))| (k, (f, p)))
        .collect()
}
