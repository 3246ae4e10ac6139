//! Go to definition and find references, for checks, targets, parameters and runbooks; a
//! runbook named by `see` may be defined in any file of the set.

use super::analysis::Analysis;
use super::names::{self, Definition, Name};
use super::position::LineIndex;
use crate::source::FileId;
use lsp_types::{Location, Position, Uri};

/// The names of every parsed file of the set.
fn all_names(analysis: &Analysis) -> Vec<(FileId, Vec<Name<'_>>)> {
    analysis
        .asts()
        .map(|(file, ast)| (file, names::of_file(ast)))
        .collect()
}

fn location(analysis: &Analysis, def: Definition) -> Location {
    let index = LineIndex::new(analysis.text(def.file));
    Location::new(analysis.uri(def.file).clone(), index.range(def.span))
}

/// The definitions the name at `position` of `uri` means.
fn target_of(analysis: &Analysis, uri: &Uri, position: Position) -> Option<Vec<Definition>> {
    let file = analysis.file(uri)?;
    let offset = LineIndex::new(analysis.text(file)).offset(position);
    let every = all_names(analysis);
    let names = &every.iter().find(|(f, _)| *f == file)?.1;
    let at = names::at(names, offset)?;
    let files = every.iter().map(|(f, n)| (*f, n.as_slice()));
    Some(names::resolve(&names[at], file, files))
}

pub fn definition(analysis: &Analysis, uri: &Uri, position: Position) -> Vec<Location> {
    target_of(analysis, uri, position)
        .map(|defs| defs.into_iter().map(|d| location(analysis, d)).collect())
        .unwrap_or_default()
}

/// Every use of what the name at `position` means, across the set.
pub fn references(
    analysis: &Analysis,
    uri: &Uri,
    position: Position,
    include_declaration: bool,
) -> Vec<Location> {
    let Some(defs) = target_of(analysis, uri, position) else {
        return Vec::new();
    };
    let every = all_names(analysis);
    let mut out = Vec::new();
    for (file, names) in &every {
        for name in names {
            if name.definition && !include_declaration {
                continue;
            }
            let files = every.iter().map(|(f, n)| (*f, n.as_slice()));
            let means = names::resolve(name, *file, files);
            if means.iter().any(|d| defs.contains(d)) {
                out.push(location(
                    analysis,
                    Definition {
                        file: *file,
                        span: name.span,
                    },
                ));
            }
        }
    }
    out
}
