//! `lrb export`: a runbook as a bash script that works without lrb (`bash`), or as the human
//! document (`markdown`). Each format is one variant of [`ExportFormat`].

use super::error::CliError;
use super::{load_or_report, plan_or_report};
use crate::diagnostic;
use crate::exit::Exit;
use crate::export::{self, ExportError, Meta, ansible, markdown};
use crate::load::Session;
use crate::plan::Runbook;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    #[command(subcommand)]
    pub format: ExportFormat,
}

#[derive(Debug, clap::Subcommand)]
pub enum ExportFormat {
    /// Compile a runbook into one self-contained bash script for hosts without lrb.
    #[command(
        after_help = "Examples:\n  lrb export bash runbooks/queue_backlog.rb -o queue_backlog.sh\n  \
                      lrb export bash runbooks/all.rb --runbook api_outage -o api_outage.sh\n\n\
                      Runbooks it hands over to (`see`) are looked for in the file's directory.\n\
                      The script needs bash 5 and the CLIs it lists in its header; run it with --help.\n\n\
                      Exit codes: 0 written, 1 the runbooks have errors, 2 usage or I/O error."
    )]
    Bash(Selection),
    /// Write a playbook that runs the runbook's bash script on a fleet with Ansible, in
    /// batches, and brings each host's transcript back.
    #[command(
        after_help = "Examples:\n  lrb export ansible runbooks/queue_backlog.rb -o fleet/ --hosts workers --serial 25% --max-fail 0%\n  \
                      ansible-playbook -i inventory fleet/queue_backlog.yml -e lrb_yes=true\n  \
                      ansible-playbook -i inventory fleet/queue_backlog.yml --check   # the checks only (--plan)\n  \
                      lrb report fleet/transcripts/\n\n\
                      Writes DIR/<runbook>.yml and DIR/<runbook>.sh; see docs/fleet.md.\n\n\
                      Exit codes: 0 written, 1 the runbooks have errors, 2 usage or I/O error."
    )]
    Ansible(AnsibleArgs),
    /// Write the human runbook document: symptoms, checks as commands, mitigations, recovery
    /// and the post-incident checklist.
    #[command(
        after_help = "Examples:\n  lrb export markdown runbooks/ > RUNBOOKS.md\n  lrb export markdown --title \"Core System Runbooks\" -o docs/runbooks.md runbooks/\n\nExit codes: 0 written, 1 the runbooks have errors (run `lrb check`), 2 usage or I/O error."
    )]
    Markdown(MarkdownArgs),
}

#[derive(Debug, clap::Args)]
pub struct AnsibleArgs {
    /// The runbook file. Runbooks it hands over to (`see`) are looked for beside it.
    pub file: PathBuf,
    /// The runbook to export, when the file holds several.
    #[arg(long, value_name = "ID")]
    pub runbook: Option<String>,
    /// The directory to write the playbook and the script to.
    #[arg(short = 'o', long, value_name = "DIR", default_value = ".")]
    pub output: PathBuf,
    /// The inventory pattern of the hosts to run on.
    #[arg(long, value_name = "PATTERN", default_value = "all")]
    pub hosts: String,
    /// Hosts per batch: a number or a percentage of the hosts.
    #[arg(long, value_name = "N|N%", default_value = "1", value_parser = ansible::parse_serial)]
    pub serial: String,
    /// Stop the rollout once more than this share of a batch ended failed (not recovered,
    /// unhandled, refused); 0% stops it at the first.
    #[arg(long, value_name = "N%", default_value = "0%", value_parser = ansible::parse_max_fail)]
    pub max_fail: u8,
}

#[derive(Debug, clap::Args)]
pub struct MarkdownArgs {
    /// Files or directories (searched recursively for `*.rb`).
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,
    /// The document's title.
    #[arg(long, default_value = "Runbooks")]
    pub title: String,
    /// Write to this file instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

/// Which runbook to export, and where to write it.
#[derive(Debug, clap::Args)]
pub struct Selection {
    /// The runbook file. Runbooks it hands over to (`see`) are looked for beside it.
    pub file: PathBuf,
    /// The runbook to export, when the file holds several.
    #[arg(long, value_name = "ID")]
    pub runbook: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long, value_name = "OUT")]
    pub output: Option<PathBuf>,
}

pub fn run(args: ExportArgs, color: bool) -> Exit {
    match args.format {
        ExportFormat::Bash(sel) => export_with(&sel, color, export::bash::export, true),
        ExportFormat::Markdown(args) => run_markdown(args, color),
        ExportFormat::Ansible(args) => run_ansible(args, color),
    }
}

fn run_markdown(args: MarkdownArgs, color: bool) -> Exit {
    let session = match load_or_report(&args.paths) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let plan = match plan_or_report(&session, color) {
        Ok(plan) => plan,
        Err(code) => return code,
    };
    let doc = markdown::render(plan, &args.title);
    super::write_output(args.output.as_deref(), &doc)
}

/// The playbook and the script beside it, both in the output directory.
fn run_ansible(args: AnsibleArgs, color: bool) -> Exit {
    let rollout = ansible::Rollout {
        hosts: args.hosts.clone(),
        serial: args.serial.clone(),
        max_fail: args.max_fail,
    };
    let sel = Selection {
        file: args.file.clone(),
        runbook: args.runbook.clone(),
        output: None,
    };
    with_runbook(&sel, color, |rb, meta| {
        if let Err(e) = std::fs::create_dir_all(&args.output) {
            CliError::new(format!("cannot make `{}`: {e}", args.output.display())).print();
            return Exit::Usage;
        }
        let script = args.output.join(ansible::script_name(rb));
        let code = render_to(rb, meta, export::bash::export, Some(&script), true);
        if code != Exit::Ok {
            return code;
        }
        let play = args.output.join(format!("{}.yml", rb.id));
        let render = |rb: &Runbook, meta: &Meta| ansible::playbook(rb, meta, &rollout);
        render_to(rb, meta, render, Some(&play), false)
    })
}

/// Loads, picks the runbook, renders it with `render` and writes the result.
fn export_with(
    sel: &Selection,
    color: bool,
    render: impl Fn(&Runbook, &Meta) -> Result<String, ExportError>,
    executable: bool,
) -> Exit {
    with_runbook(sel, color, |rb, meta| {
        render_to(rb, meta, &render, sel.output.as_deref(), executable)
    })
}

/// Loads the file, picks the runbook and hands it to `then` with where it came from; prints
/// why not otherwise.
fn with_runbook(sel: &Selection, color: bool, then: impl FnOnce(&Runbook, &Meta) -> Exit) -> Exit {
    if let Err(code) = super::refuse_scenario_file(&sel.file) {
        return code;
    }
    let alone = match load_or_report(std::slice::from_ref(&sel.file)) {
        Ok(s) => s,
        Err(code) => return code,
    };
    // `see :other` names a runbook in another file: read the file's siblings too, as `lrb run`.
    let with_siblings = crate::load::with_siblings(&sel.file, &alone);
    let session = with_siblings.as_ref().unwrap_or(&alone);
    let Some(plan) = session.checked.plan.as_ref() else {
        eprint!(
            "{}",
            diagnostic::human::render(&alone.checked.diagnostics, &alone.sources, color)
        );
        CliError::new(format!(
            "{} in the runbooks: fix them (see `lrb check`) before exporting",
            diagnostic::summary(&session.checked.diagnostics)
        ))
        .print();
        return Exit::Findings;
    };
    let runbook = match pick(&plan.runbooks, sel) {
        Ok(rb) => rb,
        Err(message) => {
            CliError::new(message.to_string()).print();
            return Exit::Usage;
        }
    };
    then(runbook, &meta(session, runbook))
}

/// Renders `rb` with `render` and writes it to `output` (standard output when `None`).
fn render_to(
    rb: &Runbook,
    meta: &Meta,
    render: impl Fn(&Runbook, &Meta) -> Result<String, ExportError>,
    output: Option<&Path>,
    executable: bool,
) -> Exit {
    let text = match render(rb, meta) {
        Ok(t) => t,
        Err(err) => {
            CliError::new(format!("cannot export runbook `{}`: {err}", rb.id)).print();
            return Exit::Findings;
        }
    };
    match write(output, &text, executable) {
        Ok(()) => Exit::Ok,
        Err(err) => {
            let place = output.map_or("standard output".to_string(), |p| {
                format!("`{}`", p.display())
            });
            CliError::new(format!("cannot write to {place}: {err}")).print();
            Exit::Usage
        }
    }
}

/// The runbook named by `--runbook`, or the only one in the file.
fn pick<'a>(runbooks: &'a [Runbook], sel: &Selection) -> Result<&'a Runbook, String> {
    let same = |p: &Path| match (p.canonicalize(), sel.file.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => p == sel.file,
    };
    let in_file: Vec<&Runbook> = runbooks.iter().filter(|r| same(&r.source)).collect();
    let ids: Vec<String> = in_file.iter().map(|r| format!("`{}`", r.id)).collect();
    let file = sel.file.display();
    match (&sel.runbook, in_file.as_slice()) {
        (Some(id), _) => in_file
            .iter()
            .find(|r| &r.id == id)
            .copied()
            .ok_or_else(|| {
                format!(
                    "`{file}` has no runbook `{id}`; pick one of {}",
                    ids.join(", ")
                )
            }),
        (None, [one]) => Ok(one),
        (None, []) => Err(format!("`{file}` holds no runbook")),
        (None, _) => Err(format!(
            "`{file}` holds several runbooks: pass --runbook with one of {}",
            ids.join(", ")
        )),
    }
}

fn meta(session: &Session, rb: &Runbook) -> Meta {
    let text = session
        .sources
        .iter()
        .find(|(_, f)| f.path == rb.source)
        .map(|(_, f)| f.text.clone())
        .unwrap_or_default();
    Meta::new(rb.source.display().to_string(), &text)
}

fn write(output: Option<&Path>, text: &str, executable: bool) -> std::io::Result<()> {
    let Some(path) = output else {
        return std::io::stdout().lock().write_all(text.as_bytes());
    };
    std::fs::write(path, text)?;
    if executable {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(())
}
