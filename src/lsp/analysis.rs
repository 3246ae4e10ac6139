//! One runbook set parsed and checked as `lrb check` would, with the URI and version of each
//! file, so every answer maps the checker's byte spans back to the text they were found in.

use super::documents::{Documents, Member};
use crate::ast;
use crate::check;
use crate::load::{self, Session};
use crate::plan::Plan;
use crate::source::FileId;
use lsp_types::Uri;
use std::sync::Arc;

pub struct Analysis {
    pub session: Session,
    /// By file id: where each file came from.
    pub files: Vec<(Uri, Option<i32>)>,
}

impl Analysis {
    pub fn new(members: Vec<Member>) -> Self {
        let files = members.iter().map(|m| (m.uri.clone(), m.version)).collect();
        let session =
            load::from_bytes_keeping_trees(members.into_iter().map(|m| (m.path, m.text)).collect());
        Analysis { session, files }
    }

    /// The analysis of the set `uri` belongs to, from the current text.
    pub fn of(documents: &Documents, uri: &Uri) -> Option<Self> {
        let members = documents.runbook_set(uri);
        (!members.is_empty()).then(|| Analysis::new(members))
    }

    pub fn file(&self, uri: &Uri) -> Option<FileId> {
        self.files.iter().position(|(u, _)| u == uri).map(FileId)
    }

    pub fn uri(&self, file: FileId) -> &Uri {
        &self.files[file.0].0
    }

    pub fn text(&self, file: FileId) -> &str {
        &self.session.sources.get(file).text
    }

    pub fn ast(&self, file: FileId) -> Option<&ast::File> {
        self.session.asts.get(file.0)?.as_deref()
    }

    /// Every file id with its tree, for the features that look across files.
    pub fn asts(&self) -> impl Iterator<Item = (FileId, &ast::File)> {
        self.trees().map(|(file, tree)| (file, &**tree))
    }

    /// [`Analysis::asts`], with the handles the checker takes.
    fn trees(&self) -> impl Iterator<Item = (FileId, &Arc<ast::File>)> {
        (self.session.asts.iter().enumerate()).filter_map(|(i, a)| Some((FileId(i), a.as_ref()?)))
    }

    /// Every runbook lowered, also where errors keep the set from having a plan: what hover
    /// shows of actions and checks.
    pub fn lowered(&self) -> Plan {
        let inputs: Vec<check::Input> = self
            .trees()
            .map(|(file, ast)| {
                let source = self.session.sources.get(file);
                check::Input {
                    file,
                    path: &source.path,
                    text: &source.text,
                    ast: Arc::clone(ast),
                }
            })
            .collect();
        check::lower(inputs).0
    }
}

/// The statements that contain `offset`, outermost first.
pub fn enclosing(file: &ast::File, offset: usize) -> Vec<&ast::Stmt> {
    let mut out = Vec::new();
    let mut stmts = file.body.as_slice();
    while let Some(stmt) = stmts
        .iter()
        .find(|s| s.span().start <= offset && offset <= s.span().end)
    {
        out.push(stmt);
        stmts = match body(stmt) {
            Some(block) => &block.stmts,
            None => break,
        };
    }
    out
}

/// The block a statement holds, if any.
pub fn body(stmt: &ast::Stmt) -> Option<&ast::Block> {
    stmt.block()
}
