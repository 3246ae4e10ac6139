//! Diagnostics as the author types: one worker thread checks the latest text of each changed
//! runbook set after a quiet moment, and publishes what it found for every open document of
//! the set, tagged with the version it was computed from.

use super::analysis::Analysis;
use super::documents::Documents;
use super::position::LineIndex;
use crate::diagnostic::{Diagnostic, Severity};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use lsp_server::{Message, Notification};
use lsp_types::notification::{LogMessage, Notification as _, PublishDiagnostics};
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, LogMessageParams,
    MessageType, NumberOrString, PublishDiagnosticsParams, Uri,
};
use std::str::FromStr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// The checker's findings for one file, in the protocol's terms.
pub fn to_lsp(analysis: &Analysis, file: crate::source::FileId) -> Vec<lsp_types::Diagnostic> {
    let index = LineIndex::new(analysis.text(file));
    let uri = analysis.uri(file);
    analysis
        .session
        .checked
        .diagnostics
        .iter()
        .filter(|d| d.file == file)
        .map(|d| to_lsp_one(d, &index, uri))
        .collect()
}

/// One finding; the help sentence follows the message, as `lrb check` prints it.
pub fn to_lsp_one(d: &Diagnostic, index: &LineIndex, uri: &Uri) -> lsp_types::Diagnostic {
    let mut message = d.message.clone();
    if !d.help.is_empty() {
        message.push_str(&format!("\nhelp: {}", d.help));
    }
    let related = d
        .related
        .iter()
        .map(|r| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), index.range(r.span)),
            message: r.label.clone(),
        })
        .collect::<Vec<_>>();
    lsp_types::Diagnostic {
        range: index.range(d.span),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.rule().code.to_string())),
        code_description: Uri::from_str(&d.rule().page_url())
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some("lrb".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

/// Asks the worker to check the set `uri` belongs to.
pub struct Scheduler {
    jobs: Sender<Uri>,
}

impl Scheduler {
    /// Starts the worker; it ends when the scheduler is dropped.
    pub fn start(
        documents: Arc<RwLock<Documents>>,
        out: Sender<Message>,
        quiet: Duration,
    ) -> (Scheduler, std::thread::JoinHandle<()>) {
        let (jobs, inbox) = crossbeam_channel::unbounded();
        let worker = std::thread::Builder::new()
            .name("lrb-diagnostics".into())
            .spawn(move || work(&inbox, &documents, &out, quiet))
            .expect("spawning the diagnostics thread");
        (Scheduler { jobs }, worker)
    }

    pub fn schedule(&self, uri: Uri) {
        // The worker lives as long as the scheduler, so the channel is open.
        let _ = self.jobs.send(uri);
    }
}

fn work(
    inbox: &Receiver<Uri>,
    documents: &RwLock<Documents>,
    out: &Sender<Message>,
    quiet: Duration,
) {
    while let Ok(first) = inbox.recv() {
        let mut dirty = vec![first];
        // A burst of edits is one check of the text the burst ends with.
        loop {
            match inbox.recv_timeout(quiet) {
                Ok(uri) => dirty.push(uri),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        let mut done: Vec<Uri> = Vec::new();
        for uri in dirty {
            if done.contains(&uri) {
                continue;
            }
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                publish(&uri, documents, out)
            }));
            match run {
                Ok(covered) => done.extend(covered),
                Err(_) => log(
                    out,
                    &format!("lrb: checking {} failed (a bug)", uri.as_str()),
                ),
            }
        }
    }
}

/// Checks the set of `uri` and publishes for each of its open documents whose text has not
/// changed since; returns the URIs it published for.
fn publish(uri: &Uri, documents: &RwLock<Documents>, out: &Sender<Message>) -> Vec<Uri> {
    let members = read(documents).runbook_set(uri);
    if members.is_empty() {
        return Vec::new();
    }
    let analysis = Analysis::new(members);
    let documents = read(documents);
    let mut covered = Vec::new();
    for (i, (member, version)) in analysis.files.iter().enumerate() {
        let Some(version) = *version else { continue };
        // A newer text is queued for checking: its own round publishes for it.
        if documents.get(member).map(|d| d.version) != Some(version) {
            continue;
        }
        let params = PublishDiagnosticsParams {
            uri: member.clone(),
            diagnostics: to_lsp(&analysis, crate::source::FileId(i)),
            version: Some(version),
        };
        let _ = out.send(Message::Notification(Notification::new(
            PublishDiagnostics::METHOD.to_string(),
            params,
        )));
        covered.push(member.clone());
    }
    covered
}

/// The documents, also after a handler panicked while holding them.
pub fn read(documents: &RwLock<Documents>) -> std::sync::RwLockReadGuard<'_, Documents> {
    documents
        .read()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub fn log(out: &Sender<Message>, message: &str) {
    let _ = out.send(Message::Notification(Notification::new(
        LogMessage::METHOD.to_string(),
        LogMessageParams {
            typ: MessageType::ERROR,
            message: message.to_string(),
        },
    )));
}
