//! The canonical formatter: one layout for every runbook file, printed from the AST.
//!
//! Comments are reattached by position: own-line comments go before the statement that
//! follows them, a trailing comment stays after the statement on its line, and a comment inside
//! a statement's arguments moves above the statement. Layout rules are in `docs/cli.md`.
//! Every output is parsed again and compared with the input's tree before it is returned, so
//! a formatter bug leaves a file alone instead of changing what it means.

mod expr;

use crate::ast::{
    Args, Block, Comment, EqIgnoringSpans, Expr, File, Ident, KwArg, Stmt, Str, StrPart, StrStyle,
};
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

#[derive(Debug)]
pub enum FormatError {
    /// The file does not parse cleanly; printing it back could drop what the parser skipped.
    Syntax(Vec<Diagnostic>),
    /// The output would parse to a different tree: a formatter bug.
    Unstable,
}

/// Formats one file's text. Diagnostics refer to `file`.
pub fn format(text: &str, file: FileId) -> Result<String, FormatError> {
    let (ast, diagnostics) = crate::syntax::parse(text, file);
    let ast = match ast {
        Some(ast) if diagnostics.is_empty() => ast,
        _ => return Err(FormatError::Syntax(diagnostics)),
    };
    let out = Printer::new(text, &ast.comments).file(&ast);
    match crate::syntax::parse(&out, file) {
        (Some(again), d) if d.is_empty() && again.eq_ignoring_spans(&ast) => Ok(out),
        _ => Err(FormatError::Unstable),
    }
}

/// `text` as a canonical double-quoted string literal.
pub fn quote(text: &str) -> String {
    expr::double(&Str {
        parts: vec![StrPart::Text(text.to_string())],
        style: StrStyle::Double,
    })
}

/// One argument as printed, with where it was in the source (to keep the author's line breaks).
struct Piece {
    /// `key` of a `key: value` argument.
    key: Option<String>,
    value: String,
    span: Span,
}

impl Piece {
    fn plain(value: String, span: Span) -> Self {
        Piece {
            key: None,
            value,
            span,
        }
    }

    fn keyed(key: &str, value: String, span: Span) -> Self {
        Piece {
            key: Some(key.to_string()),
            value,
            span,
        }
    }

    /// Width of what is lined up in column `col`: the whole first argument, then a key.
    fn width(&self, col: usize) -> usize {
        match (col, &self.key) {
            (0, None) => self.value.chars().count(),
            (0, Some(key)) => key.chars().count() + 2 + self.value.chars().count(),
            (_, Some(key)) => key.chars().count(),
            (_, None) => 0,
        }
    }

    /// The argument, with its key padded to `key_width`.
    fn render(&self, key_width: usize) -> String {
        match &self.key {
            None => self.value.clone(),
            Some(key) => {
                let spaces = key_width.saturating_sub(key.chars().count()) + 1;
                format!("{key}:{}{}", " ".repeat(spaces), self.value)
            }
        }
    }
}

/// A statement's first line(s): keyword, arguments and any heredoc bodies.
struct Head<'a> {
    keyword: String,
    pieces: Vec<Piece>,
    heredocs: Vec<&'a Str>,
    block: Option<&'a Block>,
}

impl<'a> Head<'a> {
    fn new(keyword: impl Into<String>) -> Self {
        Head {
            keyword: keyword.into(),
            pieces: Vec::new(),
            heredocs: Vec::new(),
            block: None,
        }
    }

    fn symbol(mut self, id: &Ident) -> Self {
        self.pieces.push(Piece::plain(
            format!(":{}", id.name),
            Span::new(id.span.start.saturating_sub(1), id.span.end),
        ));
        self
    }

    fn expr(mut self, e: &'a Expr) -> Self {
        let text = expr::arg(e, &mut self.heredocs);
        self.pieces.push(Piece::plain(text, e.span));
        self
    }

    fn keywords(mut self, kws: &'a [KwArg]) -> Self {
        for kw in kws {
            let value = expr::arg(&kw.value, &mut self.heredocs);
            self.pieces.push(Piece::keyed(
                &kw.key.name,
                value,
                kw.key.span.to(kw.value.span),
            ));
        }
        self
    }

    fn args(self, args: &'a Args) -> Self {
        args.positional
            .iter()
            .fold(self, |h, e| h.expr(e))
            .keywords(&args.keywords)
    }

    fn block(mut self, block: &'a Block) -> Self {
        self.block = Some(block);
        self
    }

    fn of(stmt: &'a Stmt) -> Self {
        match stmt {
            Stmt::Target(t) => {
                let mut head = Head::new("target").symbol(&t.name);
                let mut heredocs = Vec::new();
                let address = expr::arg(&t.address, &mut heredocs);
                head.heredocs.append(&mut heredocs);
                head.pieces.push(Piece::keyed(
                    &t.kind.name,
                    address,
                    t.kind.span.to(t.address.span),
                ));
                head.keywords(&t.options)
            }
            Stmt::Param(p) => Head::new("param").symbol(&p.name).keywords(&p.options),
            Stmt::Runbook(r) => Head::new("runbook").symbol(&r.name).block(&r.body),
            Stmt::Meta(m) => Head::new(m.key.name.clone()).args(&m.args),
            Stmt::Check(c) => {
                let head = Head::new("check").symbol(&c.id);
                let head = match &c.description {
                    Some(d) => head.expr(d),
                    None => head,
                };
                head.keywords(&c.options).block(&c.body)
            }
            Stmt::When(w) => {
                let mut head = Head::new("when").block(&w.body);
                head.pieces
                    .push(Piece::plain(expr::cond(&w.cond), w.cond.span()));
                head
            }
            Stmt::Mitigate(m) => Head::new("mitigate")
                .expr(&m.name)
                .keywords(&m.options)
                .block(&m.body),
            Stmt::Confirm(c) => Head::new("confirm").keywords(&c.options).block(&c.body),
            Stmt::Followup(f) => Head::new("followup").block(&f.body),
            Stmt::Step(s) => Head::new("step").expr(&s.text).keywords(&s.options),
            Stmt::Todo(t) => Head::new("todo").expr(&t.text),
            Stmt::See(s) => Head::new("see").symbol(&s.runbook),
            Stmt::Wait(w) => Head::new("wait").expr(&w.duration),
            Stmt::Action(a) => {
                Head::new(format!("{}.{}", a.target.name, a.verb.name)).args(&a.args)
            }
            Stmt::Scenario(s) => Head::new("scenario").expr(&s.name).block(&s.body),
            Stmt::Background(b) => Head::new("background").block(&b.body),
            Stmt::After(a) => Head::new("after").expr(&a.mitigation).block(&a.body),
            Stmt::Fact(f) => Head::new(f.key.name.clone()).args(&f.args),
            Stmt::Unknown(u) => {
                let path: Vec<&str> = u.path.iter().map(|i| i.name.as_str()).collect();
                let head = Head::new(path.join(".")).args(&u.args);
                match &u.body {
                    Some(b) => head.block(b),
                    None => head,
                }
            }
        }
    }

    /// Where comments stop belonging to the head: the `do`, or the statement's end.
    fn end(&self, stmt: &Stmt) -> usize {
        self.block.map_or(stmt.span().end, |b| b.open.start)
    }

    /// Columns lined up in a run of `target`s (name and kind) or `param`s (name).
    fn aligned_columns(stmt: &Stmt) -> usize {
        match stmt {
            Stmt::Target(_) => 2,
            Stmt::Param(_) => 1,
            _ => 0,
        }
    }
}

struct Printer<'a> {
    src: &'a str,
    comments: &'a [Comment],
    /// The first comment not printed yet.
    next: usize,
    out: String,
    /// Source offset of the last thing printed: blank lines are judged from here.
    last_end: usize,
    /// Just opened a block: no blank line may follow.
    fresh: bool,
}

const INDENT: &str = "  ";

impl<'a> Printer<'a> {
    fn new(src: &'a str, comments: &'a [Comment]) -> Self {
        Printer {
            src,
            comments,
            next: 0,
            out: String::new(),
            last_end: 0,
            fresh: false,
        }
    }

    fn file(mut self, file: &'a File) -> String {
        self.body(&file.body, 0, true, self.src.len());
        self.out
    }

    fn body(&mut self, stmts: &'a [Stmt], depth: usize, top: bool, end: usize) {
        let heads: Vec<Head> = stmts.iter().map(Head::of).collect();
        let pads = self.alignment(stmts, &heads);
        for (i, (stmt, head)) in stmts.iter().zip(&heads).enumerate() {
            let forced = i > 0 && {
                let prev = &stmts[i - 1];
                heads[i - 1].block.is_some()
                    || head.block.is_some()
                    || (top && prev.keyword() != stmt.keyword())
            };
            let forced = self.comments_before(head.end(stmt), depth, forced);
            self.gap(stmt.span().start, forced);
            self.stmt(stmt, head, depth, &pads[i]);
        }
        self.comments_before(end, depth, false);
    }

    /// Pad widths for each statement: runs of `target`s or `param`s line up their columns.
    fn alignment(&self, stmts: &[Stmt], heads: &[Head]) -> Vec<Vec<usize>> {
        let mut pads = vec![Vec::new(); stmts.len()];
        let mut i = 0;
        while i < stmts.len() {
            let columns = Head::aligned_columns(&stmts[i]);
            let mut j = i + 1;
            while columns > 0
                && j < stmts.len()
                && std::mem::discriminant(&stmts[j]) == std::mem::discriminant(&stmts[i])
                && !self.blank_between(stmts[j - 1].span().end, stmts[j].span().start)
            {
                j += 1;
            }
            let widths: Vec<usize> = (0..columns)
                .map(|col| {
                    heads[i..j]
                        .iter()
                        // The first column pads after its comma: only when something follows.
                        .filter(|h| h.pieces.len() > col + usize::from(col == 0))
                        .map(|h| h.pieces[col].width(col))
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            pads[i..j].iter_mut().for_each(|p| p.clone_from(&widths));
            i = j;
        }
        pads
    }

    /// Prints the comments that start before `until` on their own lines; returns whether a
    /// forced blank line is still owed.
    fn comments_before(&mut self, until: usize, depth: usize, mut forced: bool) -> bool {
        while let Some(c) = self.comments.get(self.next) {
            if c.span.start >= until {
                break;
            }
            self.gap(c.span.start, forced);
            forced = false;
            self.line(depth, c.text.trim_end());
            self.last_end = c.span.end;
            self.next += 1;
        }
        forced
    }

    /// Whether the source has an empty line between two offsets.
    fn blank_between(&self, from: usize, to: usize) -> bool {
        if from >= to {
            return false;
        }
        let mut lines: Vec<&str> = self.src[from..to].split('\n').skip(1).collect();
        lines.pop();
        lines.iter().any(|l| l.trim().is_empty())
    }

    /// One blank line before what starts at `start`, when forced or when the source had one.
    fn gap(&mut self, start: usize, forced: bool) {
        if (forced || self.blank_between(self.last_end, start))
            && !self.fresh
            && !self.out.is_empty()
        {
            self.out.push('\n');
        }
    }

    fn line(&mut self, depth: usize, text: &str) {
        self.out.push_str(&INDENT.repeat(depth));
        self.out.push_str(text);
        self.out.push('\n');
        self.fresh = false;
    }

    /// A comment after `last_end` on the same line stays at the end of the printed line.
    fn trailing(&mut self) {
        let Some(c) = self.comments.get(self.next) else {
            return;
        };
        let same_line = c.span.start >= self.last_end
            && self.src[self.last_end..c.span.start]
                .chars()
                .all(|ch| matches!(ch, ' ' | '\t' | ';'));
        if same_line {
            self.out.pop();
            self.out.push(' ');
            self.out.push_str(c.text.trim_end());
            self.out.push('\n');
            self.last_end = c.span.end;
            self.next += 1;
        }
    }

    fn stmt(&mut self, stmt: &'a Stmt, head: &Head<'a>, depth: usize, pads: &[usize]) {
        let indent = INDENT.repeat(depth);
        let lines = self.head_lines(head, &indent, pads);
        for l in lines {
            self.out.push_str(&l);
            self.out.push('\n');
        }
        self.fresh = false;
        // The parser reads the innermost heredoc's body first.
        for doc in head.heredocs.iter().rev() {
            let tag = match &doc.style {
                StrStyle::Heredoc { tag } => tag.as_str(),
                StrStyle::Double | StrStyle::Single => continue,
            };
            for l in expr::heredoc_lines(doc, &INDENT.repeat(depth + 1)) {
                self.out.push_str(&l);
                self.out.push('\n');
            }
            self.line(depth, tag);
        }
        match head.block {
            None => {
                self.last_end = stmt.span().end;
                self.trailing();
            }
            Some(block) => {
                self.last_end = block.open.end;
                self.trailing();
                self.fresh = true;
                let end = block.close.map_or(self.src.len(), |c| c.start);
                self.body(&block.stmts, depth + 1, false, end);
                self.line(depth, "end");
                self.last_end = block.close.map_or(stmt.span().end, |c| c.end);
                self.trailing();
            }
        }
    }

    /// The head on one line, broken after a comma only where the author broke it; continuation
    /// lines line up with the first argument.
    fn head_lines(&self, head: &Head, indent: &str, pads: &[usize]) -> Vec<String> {
        let mut lines = Vec::new();
        let mut line = format!("{indent}{}", head.keyword);
        let continuation = " ".repeat(indent.len() + head.keyword.chars().count() + 1);
        for (i, piece) in head.pieces.iter().enumerate() {
            if i == 0 {
                line.push(' ');
            } else {
                let prev = &head.pieces[i - 1];
                line.push(',');
                let broken = prev.span.end <= piece.span.start
                    && self.src[prev.span.end..piece.span.start].contains('\n');
                if broken {
                    lines.push(std::mem::replace(&mut line, continuation.clone()));
                } else {
                    let width = if i == 1 { pads.first().copied() } else { None };
                    let spaces = width.unwrap_or(0).saturating_sub(prev.width(0)) + 1;
                    line.push_str(&" ".repeat(spaces));
                }
            }
            let key_width = pads.get(i).filter(|_| i > 0).copied().unwrap_or(0);
            line.push_str(&piece.render(key_width));
        }
        if head.block.is_some() {
            line.push_str(" do");
        }
        lines.push(line);
        lines
    }
}
