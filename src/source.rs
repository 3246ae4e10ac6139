//! Source files and byte spans.

use serde::Serialize;
use std::path::PathBuf;
use std::sync::Arc;

/// A half-open byte range into one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    pub fn len(self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }
}

impl From<Span> for miette::SourceSpan {
    fn from(span: Span) -> Self {
        (span.start, span.len()).into()
    }
}

/// Index of a file within a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FileId(pub usize);

/// One runbook file, read once and shared by every stage.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: PathBuf,
    /// The text; invalid UTF-8 is replaced so diagnostics can still show it.
    pub text: Arc<str>,
    line_starts: Vec<usize>,
    /// Per line: whether it is ASCII, so a column is its byte offset (a file with one long line
    /// and many diagnostics must not cost a scan per diagnostic).
    ascii_lines: Vec<bool>,
}

impl SourceFile {
    pub fn new(path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        // Counted first, so the vector is allocated once at its size: every file's is held.
        let newlines = memchr::memchr_iter(b'\n', text.as_bytes());
        let mut line_starts = Vec::with_capacity(newlines.count() + 1);
        line_starts.push(0);
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let ascii_lines = line_starts
            .iter()
            .zip(line_starts.iter().skip(1).chain([&text.len()]))
            .map(|(&a, &b)| text.as_bytes()[a..b].is_ascii())
            .collect();
        SourceFile {
            path: path.into(),
            text,
            line_starts,
            ascii_lines,
        }
    }

    pub fn name(&self) -> String {
        self.path.display().to_string()
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        let col = if self.ascii_lines[line] {
            offset - start
        } else {
            self.text[start..]
                .char_indices()
                .take_while(|(i, _)| start + i < offset)
                .count()
        };
        (line + 1, col + 1)
    }

    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

/// Every file of one invocation.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(self.files.len() - 1)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0]
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// Decodes file bytes; invalid UTF-8 yields the lossy text and the offset of the first bad byte.
/// A UTF-8 byte order mark, which some editors write, is skipped: offsets count from after it.
pub fn decode(mut bytes: Vec<u8>) -> (String, Option<usize>) {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => (text, None),
        Err(err) => {
            let bad = err.utf8_error().valid_up_to();
            (
                String::from_utf8_lossy(err.as_bytes()).into_owned(),
                Some(bad),
            )
        }
    }
}
