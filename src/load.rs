//! Reading runbook files: paths to sources, ASTs and the checked plan.

use crate::ast;
use crate::check::{self, Checked};
use crate::diagnostic::{Code, Diagnostic};
use crate::parallel;
use crate::source::{self, FileId, SourceFile, SourceMap, Span};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Everything one command read and found.
pub struct Session {
    pub sources: SourceMap,
    /// Parsed files, by file id (`None` where parsing failed); empty unless asked for with
    /// [`from_bytes_keeping_trees`]: the checker frees each tree once its plan is built, so the
    /// trees of a large set are never all held with the plan.
    pub asts: Vec<Option<Arc<ast::File>>>,
    pub checked: Checked,
}

impl Session {
    pub fn has_errors(&self) -> bool {
        self.checked.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// A path given on the command line that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read `{path}`: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("no runbook files (`*.rb`) found in {0}")]
    Empty(String),
}

/// The `*.rb` files under each path (directories recursively), sorted and without repeats.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let mut files = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|source| LoadError::Io {
            path: path.clone(),
            source,
        })?;
        if meta.is_dir() {
            for entry in walkdir::WalkDir::new(path).sort_by_file_name() {
                let entry = entry.map_err(|e| LoadError::Io {
                    path: e.path().map_or_else(|| path.clone(), Path::to_path_buf),
                    source: e.into(),
                })?;
                if entry.file_type().is_file()
                    && entry.path().extension().is_some_and(|x| x == "rb")
                {
                    files.push(entry.into_path());
                }
            }
        } else {
            files.push(path.clone());
        }
    }
    files.sort();
    files.dedup();
    if files.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| format!("`{}`", p.display())).collect();
        return Err(LoadError::Empty(shown.join(", ")));
    }
    Ok(files)
}

/// Reads, parses (in parallel) and checks the files under `paths`.
pub fn load(paths: &[PathBuf]) -> Result<Session, LoadError> {
    let files = discover(paths)?;
    let parallel = files.len() >= parallel::SERIAL_BELOW_FILES;
    let read = parallel::map(files, parallel, |path| match std::fs::read(&path) {
        Ok(bytes) => Ok((path, bytes)),
        Err(source) => Err(LoadError::Io { path, source }),
    });
    Ok(from_bytes(read.into_iter().collect::<Result<_, _>>()?))
}

/// The session of `file`'s whole directory, when `alone` (the file by itself) has no plan,
/// perhaps because a `see` names a runbook in a sibling file, and the directory checks clean.
pub fn with_siblings(file: &Path, alone: &Session) -> Option<Session> {
    if alone.checked.plan.is_some() {
        return None;
    }
    let dir = file.parent().map(|d| {
        if d.as_os_str().is_empty() {
            Path::new(".")
        } else {
            d
        }
    })?;
    load(&[dir.to_path_buf()])
        .ok()
        .filter(|s| s.checked.plan.is_some())
}

/// Parses and checks files already in memory.
pub fn from_bytes(files: Vec<(PathBuf, Vec<u8>)>) -> Session {
    read(files, false)
}

/// [`from_bytes`], keeping every file's tree in [`Session::asts`]: for an editor.
pub fn from_bytes_keeping_trees(files: Vec<(PathBuf, Vec<u8>)>) -> Session {
    read(files, true)
}

fn read(files: Vec<(PathBuf, Vec<u8>)>, keep_trees: bool) -> Session {
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let numbered: Vec<_> = files.into_iter().enumerate().collect();
    let parsed = parallel::map(
        numbered,
        bytes >= parallel::SERIAL_BELOW_BYTES,
        |(i, (path, bytes))| {
            let id = FileId(i);
            let (text, bad_byte) = source::decode(bytes);
            let file = SourceFile::new(path, text);
            let (ast, mut diagnostics) = match bad_byte {
                Some(at) => (None, vec![invalid_utf8(id, &file, at)]),
                None => crate::syntax::parse(&file.text, id),
            };
            if ast.is_none() && diagnostics.is_empty() {
                // A file that did not parse must carry an error, so that there is no plan.
                diagnostics.push(Diagnostic::new(
                    Code::SyntaxError,
                    id,
                    Span::default(),
                    "the file could not be parsed",
                ));
            }
            (file, ast, diagnostics)
        },
    );
    let mut sources = SourceMap::default();
    let mut asts = Vec::new();
    let mut diagnostics = Vec::new();
    for (file, ast, mut found) in parsed {
        sources.add(file);
        asts.push(ast.map(Arc::new));
        diagnostics.append(&mut found);
    }
    let inputs: Vec<check::Input> = asts
        .iter()
        .enumerate()
        .filter_map(|(i, ast)| {
            ast.as_ref().map(|ast| {
                let source = sources.get(FileId(i));
                check::Input {
                    file: FileId(i),
                    path: &source.path,
                    text: &source.text,
                    ast: Arc::clone(ast),
                }
            })
        })
        .collect();
    if !keep_trees {
        asts = Vec::new();
    }
    let scenario_files: Vec<FileId> = (0..sources.len())
        .map(FileId)
        .filter(|&id| crate::scenario::is_scenario_file(&sources.get(id).path))
        .collect();
    let checked = check::check(inputs, diagnostics, &scenario_files);
    Session {
        sources,
        asts,
        checked,
    }
}

fn invalid_utf8(id: FileId, file: &SourceFile, at: usize) -> Diagnostic {
    let end = file.text[at..]
        .char_indices()
        .nth(1)
        .map_or(file.text.len(), |(i, _)| at + i);
    Diagnostic::new(
        Code::InvalidUtf8,
        id,
        Span::new(at, end),
        "the file is not valid UTF-8",
    )
    .label("invalid byte here (shown as �)")
}
