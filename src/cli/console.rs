//! The operator at a terminal (prompts with `dialoguer`, progress with `indicatif`), or the
//! log a non-interactive run prints. Every line goes through the mask.

use crate::duration;
use crate::plan::Mitigation;
use crate::run::Status;
use crate::run::describe::{show_value, status_mark, status_word};
use crate::run::engine::{CheckResult, Choice, Operator, WhenResult};
use crate::run::mask;
use crate::run::transcript::ActionResult;
use dialoguer::{Input, Select};
use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;

pub struct Console {
    secrets: Vec<String>,
    bar: Option<ProgressBar>,
}

impl Console {
    pub fn new(secrets: Vec<String>) -> Self {
        Console { secrets, bar: None }
    }

    /// Masks these too from now on: the secrets of a runbook a handover entered.
    pub fn add_secrets(&mut self, secrets: &[String]) {
        self.secrets.extend(secrets.iter().cloned());
    }

    /// A matched `when` hands over to `runbook`: continue into it in this run?
    pub fn follow(&mut self, runbook: &str) -> Choice {
        self.select(
            &format!("continue into runbook `{runbook}` in this run?"),
            &["continue", "stop here", "abort the run"],
        )
    }

    /// Prints a line (masked), above any progress bar.
    pub fn say(&self, text: &str) {
        let text = mask::mask(text, &self.secrets);
        match &self.bar {
            Some(bar) => bar.suspend(|| line(&text)),
            None => line(&text),
        }
    }

    /// The run was interrupted: clears the spinner for good (no later line redraws it), then
    /// says so and what was left undone.
    pub fn interrupted(&mut self, signal: &str, during: &str, undone: &[String]) {
        self.finish_bar();
        self.say(&format!("interrupted by {signal} during {during}: stopped"));
        for line in undone {
            self.say(&format!("  left undone: {line}"));
        }
    }

    fn start_bar(&mut self, bar: ProgressBar) {
        self.finish_bar();
        bar.enable_steady_tick(Duration::from_millis(100));
        self.bar = Some(bar);
    }

    fn finish_bar(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    fn select(&mut self, prompt: &str, items: &[&str]) -> Choice {
        self.finish_bar();
        let prompt = mask::mask(prompt, &self.secrets);
        match Select::new()
            .with_prompt(prompt)
            .items(items)
            .default(0)
            .interact()
        {
            Ok(0) => Choice::Go,
            Ok(1) => Choice::Skip,
            // Ctrl-C or a closed terminal reads as abort: never guess a yes.
            _ => Choice::Abort,
        }
    }
}

/// A table of the checks: state, value, time and what went wrong.
pub fn check_table(checks: &[CheckResult]) -> String {
    let rows: Vec<[String; 5]> = checks
        .iter()
        .map(|c| {
            [
                format!("{} {}", status_mark(c.status), c.id),
                status_word(c.status).to_string(),
                c.value.as_ref().map(show_value).unwrap_or_default(),
                duration::Duration::from(c.duration).rounded().to_string(),
                if c.status == Status::Passed {
                    c.description.clone().unwrap_or_default()
                } else {
                    c.detail.clone()
                },
            ]
        })
        .collect();
    let header = ["check", "state", "value", "time", "detail"].map(String::from);
    let mut widths = [0; 4];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    std::iter::once(&header)
        .chain(&rows)
        .map(|row| {
            let mut line = String::from("  ");
            for (w, cell) in widths.iter().zip(row) {
                line.push_str(&format!("{cell:<w$}  "));
            }
            line.push_str(&row[4]);
            line.trim_end().to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn when_lines(whens: &[WhenResult]) -> Vec<String> {
    whens
        .iter()
        .filter(|w| w.holds)
        .map(|w| {
            let mut proposes: Vec<String> =
                w.mitigations.iter().map(|m| format!("`{m}`")).collect();
            proposes.extend(w.see.iter().map(|s| format!("see runbook `{s}`")));
            format!("  when {} → {}", w.condition, proposes.join(", "))
        })
        .collect()
}

fn result_line(r: &ActionResult) -> String {
    let detail = if r.detail.is_empty() {
        String::new()
    } else {
        format!(": {}", r.detail)
    };
    format!(
        "  {} {}{detail} ({})",
        status_mark(r.status),
        r.action,
        duration::Duration::from_ms(r.duration_ms).rounded()
    )
}

impl Operator for Console {
    fn diagnosing(&mut self, checks: usize) {
        let bar = ProgressBar::new(checks as u64).with_style(
            ProgressStyle::with_template("{spinner} running checks {pos}/{len} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        self.start_bar(bar);
    }

    fn checked(&mut self, result: &CheckResult) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!("(`{}` {})", result.id, status_word(result.status)));
            bar.inc(1);
        }
    }

    fn diagnosis(&mut self, checks: &[CheckResult], whens: &[WhenResult]) {
        self.finish_bar();
        self.say(&format!("diagnosis:\n{}", check_table(checks)));
        let matched = when_lines(whens);
        if matched.is_empty() {
            self.say("no `when` matched: nothing to do");
        } else {
            self.say(&format!("matched:\n{}", matched.join("\n")));
        }
    }

    fn propose(&mut self, mitigation: &Mitigation, steps: &[String]) -> Choice {
        self.say(&format!(
            "mitigation `{}`:\n    {}",
            mitigation.name,
            steps.join("\n    ")
        ));
        self.select(
            &format!("run `{}`?", mitigation.name),
            &["run", "skip", "abort the run"],
        )
    }

    fn type_name(&mut self, mitigation: &Mitigation, steps: &[String]) -> Choice {
        self.finish_bar();
        let why = mitigation
            .destructive
            .as_deref()
            .unwrap_or("it holds a destructive step");
        self.say(&format!(
            "DESTRUCTIVE mitigation `{}` ({why}):\n    {}",
            mitigation.name,
            steps.join("\n    ")
        ));
        let typed: Result<String, _> = Input::new()
            .with_prompt(format!(
                "type `{}` to run it, `skip` to skip it, `abort` to stop the run",
                mitigation.name
            ))
            .interact_text();
        match typed.as_deref().map(str::trim) {
            Ok(name) if name == mitigation.name => Choice::Go,
            Ok("skip") => Choice::Skip,
            Ok("abort") | Err(_) => Choice::Abort,
            Ok(_) => {
                self.say("the name does not match: skipped");
                Choice::Skip
            }
        }
    }

    fn manual(&mut self, text: &str) -> Choice {
        self.say(&format!("  {text}"));
        self.select("done?", &["done", "skip this step", "abort the run"])
    }

    fn after_failure(&mut self, mitigation: &str, step: &str) -> Choice {
        self.select(
            &format!("`{step}` failed: continue `{mitigation}`?"),
            &[
                "continue with the next step",
                "stop this mitigation",
                "abort the run",
            ],
        )
    }

    fn action_started(&mut self, step: &str) {
        let bar = ProgressBar::new_spinner().with_message(mask::mask(step, &self.secrets));
        self.start_bar(bar);
    }

    fn action_done(&mut self, _step: &str, result: &ActionResult) {
        self.finish_bar();
        self.say(&result_line(result));
        if let Some(output) = result.output.as_deref().filter(|o| !o.trim().is_empty()) {
            let lines: Vec<&str> = output.lines().collect();
            let shown = &lines[lines.len().saturating_sub(20)..];
            self.say(&format!("      {}", shown.join("\n      ")));
        }
    }

    fn waiting(&mut self, remaining: Duration, total: Duration) {
        if remaining == total {
            self.say(&format!(
                "  waiting {}",
                duration::Duration::from(total).rounded()
            ));
            let bar = ProgressBar::new(total.as_secs().max(1)).with_style(
                ProgressStyle::with_template("  {spinner} waiting: {msg} left")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            self.start_bar(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{}s", remaining.as_secs()));
        }
        if remaining.is_zero() {
            self.finish_bar();
        }
    }

    fn confirm_attempt(&mut self, attempt: u32, of: u32) {
        let bar = ProgressBar::new_spinner()
            .with_message(format!("confirm: attempt {attempt} of at most {of}"));
        self.start_bar(bar);
    }

    fn confirm_done(&mut self, attempt: u32, passed: bool, results: &[ActionResult]) {
        self.finish_bar();
        if passed {
            self.say(&format!("confirm: attempt {attempt} passed"));
            return;
        }
        let failing: Vec<String> = results
            .iter()
            .filter(|r| r.status != Status::Passed)
            .map(result_line)
            .collect();
        self.say(&format!(
            "confirm: attempt {attempt} not yet:\n{}",
            failing.join("\n")
        ));
    }

    fn note(&mut self, text: &str) {
        self.say(text);
    }
}

/// Writes a line on stdout. A reader that went away (`lrb run ... | head`) does not stop the
/// run: what it does next still happens, and its transcript is still written.
pub fn line(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stdout().lock(), "{text}");
}
