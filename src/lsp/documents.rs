//! The open documents: the editor's unsaved text by URI, kept in step with its changes, and
//! the runbook set each one is checked with.

use super::position::LineIndex;
use lsp_types::{TextDocumentContentChangeEvent, Uri};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub struct Document {
    pub text: String,
    pub version: i32,
    /// Where the file lives, for a `file:` URI.
    pub path: Option<PathBuf>,
}

#[derive(Default)]
pub struct Documents {
    open: HashMap<Uri, Document>,
}

/// One file of a runbook set: an open document's text, or a file read from disk.
pub struct Member {
    pub uri: Uri,
    pub path: PathBuf,
    pub text: Vec<u8>,
    /// The document's version; `None` for a file read from disk.
    pub version: Option<i32>,
}

impl Documents {
    pub fn open(&mut self, uri: Uri, text: String, version: i32) {
        let path = path_of(&uri);
        self.open.insert(
            uri,
            Document {
                text,
                version,
                path,
            },
        );
    }

    pub fn close(&mut self, uri: &Uri) {
        self.open.remove(uri);
    }

    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.open.get(uri)
    }

    pub fn uris(&self) -> impl Iterator<Item = &Uri> {
        self.open.keys()
    }

    /// Applies the edits of one `didChange` in order; a change without a range replaces all.
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) {
        let Some(doc) = self.open.get_mut(uri) else {
            return;
        };
        for change in changes {
            match change.range {
                Some(range) => {
                    let span = LineIndex::new(&doc.text).span(range);
                    doc.text.replace_range(span.start..span.end, &change.text);
                }
                None => doc.text = change.text,
            }
        }
        doc.version = version;
    }

    /// The files `uri` is checked with: every `*.rb` of its directory, open documents by their
    /// unsaved text. Not the directories below: a file opened in a big directory (a home, a
    /// temporary directory) would make every keystroke read a tree. A document that is not a
    /// file on disk is checked alone.
    pub fn runbook_set(&self, uri: &Uri) -> Vec<Member> {
        let Some(doc) = self.open.get(uri) else {
            return Vec::new();
        };
        let alone = || Member {
            uri: uri.clone(),
            path: doc
                .path
                .clone()
                .unwrap_or_else(|| PathBuf::from(uri.as_str())),
            text: doc.text.clone().into_bytes(),
            version: Some(doc.version),
        };
        let Some(dir) = doc.path.as_deref().and_then(Path::parent) else {
            return vec![alone()];
        };
        let mut paths = runbooks_in(dir);
        if !paths.iter().any(|p| Some(p) == doc.path.as_ref()) {
            // A new file not yet saved, or one named other than `*.rb`.
            paths.push(doc.path.clone().unwrap_or_default());
        }
        let open_by_path: HashMap<&Path, (&Uri, &Document)> = self
            .open
            .iter()
            .filter_map(|(u, d)| Some((d.path.as_deref()?, (u, d))))
            .collect();
        paths
            .into_iter()
            .filter_map(|path| match open_by_path.get(path.as_path()) {
                Some((u, d)) => Some(Member {
                    uri: (*u).clone(),
                    path,
                    text: d.text.clone().into_bytes(),
                    version: Some(d.version),
                }),
                None => Some(Member {
                    uri: uri_of(&path)?,
                    text: std::fs::read(&path).ok()?,
                    path,
                    version: None,
                }),
            })
            .collect()
    }
}

/// The `*.rb` files of one directory, sorted; none when it cannot be read.
fn runbooks_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "rb"))
        .collect();
    files.sort();
    files
}

pub fn path_of(uri: &Uri) -> Option<PathBuf> {
    url::Url::parse(uri.as_str()).ok()?.to_file_path().ok()
}

pub fn uri_of(path: &Path) -> Option<Uri> {
    let url = url::Url::from_file_path(path).ok()?;
    Uri::from_str(url.as_str()).ok()
}
