//! The outline: targets and parameters, runbooks with their checks and mitigations.

use super::position::LineIndex;
use crate::ast::{self, ExprKind, Stmt};
use crate::source::Span;
use lsp_types::{DocumentSymbol, SymbolKind};

pub fn outline(file: &ast::File, text: &str) -> Vec<DocumentSymbol> {
    let index = LineIndex::new(text);
    symbols(&file.body, &index)
}

fn symbols(stmts: &[Stmt], index: &LineIndex) -> Vec<DocumentSymbol> {
    let mut out = Vec::new();
    for stmt in stmts {
        match stmt {
            Stmt::Target(t) => out.push(symbol(
                index,
                &t.name.name,
                Some(t.kind.name.clone()),
                SymbolKind::OBJECT,
                t.span,
                t.name.span,
                Vec::new(),
            )),
            Stmt::Param(p) => out.push(symbol(
                index,
                &p.name.name,
                Some("param".into()),
                SymbolKind::VARIABLE,
                p.span,
                p.name.span,
                Vec::new(),
            )),
            Stmt::Runbook(r) => out.push(symbol(
                index,
                &r.name.name,
                Some("runbook".into()),
                SymbolKind::MODULE,
                r.span,
                r.name.span,
                symbols(&r.body.stmts, index),
            )),
            Stmt::Check(c) => out.push(symbol(
                index,
                &c.id.name,
                c.description.as_ref().and_then(literal),
                SymbolKind::FUNCTION,
                c.span,
                c.id.span,
                Vec::new(),
            )),
            // Mitigations stand under the runbook, each with the condition that selects it.
            Stmt::When(w) => out.extend(symbols(&w.body.stmts, index)),
            Stmt::Mitigate(m) => out.push(symbol(
                index,
                &literal(&m.name).unwrap_or_else(|| "mitigate".into()),
                Some("mitigate".into()),
                SymbolKind::EVENT,
                m.span,
                m.name.span,
                Vec::new(),
            )),
            _ => {}
        }
    }
    out
}

fn literal(expr: &ast::Expr) -> Option<String> {
    match &expr.kind {
        ExprKind::Str(s) => Some(s.as_literal().unwrap_or_else(|| "…".into())),
        _ => None,
    }
}

#[allow(deprecated)] // `deprecated` is a field the type still requires.
fn symbol(
    index: &LineIndex,
    name: &str,
    detail: Option<String>,
    kind: SymbolKind,
    span: Span,
    selection: Span,
    children: Vec<DocumentSymbol>,
) -> DocumentSymbol {
    DocumentSymbol {
        name: if name.is_empty() {
            "?".into()
        } else {
            name.into()
        },
        detail,
        kind,
        tags: None,
        deprecated: None,
        range: index.range(span),
        selection_range: index.range(selection),
        children: (!children.is_empty()).then_some(children),
    }
}
