//! Shell line effects: a quote-aware segmenter, then a command catalogue.
//!
//! The segmenter is hand-written rather than built on a word-splitting crate: operators,
//! redirections and substitutions can only be found reliably by the same pass that tracks
//! quoting, and two quote trackers that disagree would be a hole. Anything it does not
//! understand (here-docs, `case`, arithmetic with substitutions, unbalanced quotes) is an
//! error, and errors classify as `None`.

use super::{class, redis, sql, worst};
use crate::effect::{Classification, Effect};

/// Classifies a shell line. `None` when any part is unknown or the line does not lex.
pub fn classify_shell(line: &str) -> Option<Classification> {
    let script = parse(line).ok()?;
    classify_script(&script, 0)
}

// ---------------------------------------------------------------------------------------------
// Segmenter
// ---------------------------------------------------------------------------------------------

const MAX_DEPTH: usize = 24;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LexError(pub &'static str);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Word {
    /// The word after quote removal; expansions are kept as written (`$HOME`, `$(…)`).
    pub text: String,
    /// Some part was quoted or escaped, so it cannot be a keyword.
    pub quoted: bool,
    /// Contains an expansion whose value is unknown until run time.
    pub dynamic: bool,
    /// Indices into [`Lexer::sites`] of the parameter holes inside this word.
    pub holes: Vec<usize>,
}

/// The first of the private-use characters that stand for parameter holes while a template is
/// lexed: hole `i` is `HOLE_BASE + i`. Runbook text cannot hold them (templates replace them).
pub(crate) const HOLE_BASE: u32 = 0xF0000;
const HOLE_LAST: u32 = 0xFFFFD;

/// The hole a marker character stands for.
pub(crate) fn hole_of(c: char) -> Option<usize> {
    let n = c as u32;
    (HOLE_BASE..=HOLE_LAST)
        .contains(&n)
        .then(|| (n - HOLE_BASE) as usize)
}

/// How a hole is quoted where it sits, which decides the reference that fills it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Quoting {
    /// Unquoted: `echo #{v}`.
    Bare,
    /// `"... #{v} ..."`
    Double,
    /// `'... #{v} ...'`
    Single,
    /// `$'... #{v} ...'`
    AnsiC,
    /// The body of `<<EOF`, which bash expands.
    Heredoc,
    /// The body of `<<'EOF'`, which bash never expands: no value can reach it.
    LiteralHeredoc,
    /// Inside `$(( ... ))`: bash evaluates the value as arithmetic.
    Arithmetic,
    /// Inside `${ ... }`: the value would be part of the expansion's syntax.
    Expansion,
    /// In a `#` comment: never run.
    Comment,
}

/// What the word holding a hole is to its command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    Argument,
    /// The program to run: the value picks the command.
    CommandWord,
    /// After `--`: an operand, never an option.
    Operand,
    /// An operand bash evaluates as arithmetic (`[[ x -gt #{n} ]]`, `let`).
    Integer,
    /// A variable name (`read #{v}`, `printf -v #{v}`, `unset #{v}`).
    Name,
}

/// Where one hole sits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Site {
    pub hole: usize,
    pub quoting: Quoting,
    /// The hole begins its word, so its value's first character is the word's.
    pub word_start: bool,
    pub role: Role,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RedirKind {
    /// `>`, `>|`, `&>`
    Out,
    /// `>>`, `&>>`
    Append,
    /// `<`
    In,
    /// `<<<`
    HereString,
    /// `>&N`, `<&N`, `<>`
    Dup,
    /// `<<EOF` ... `EOF`: the target's text is the body.
    HereDoc,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Redirect {
    pub kind: RedirKind,
    pub target: Word,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Command {
    pub words: Vec<Word>,
    pub redirects: Vec<Redirect>,
    /// Command and process substitutions found anywhere in this command.
    pub substs: Vec<Script>,
    /// `( ... )`
    pub subshell: Option<Box<Script>>,
}

impl Command {
    fn is_empty(&self) -> bool {
        self.words.is_empty() && self.redirects.is_empty() && self.subshell.is_none()
    }
}

/// Commands joined by `|` / `|&`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Pipeline {
    pub commands: Vec<Command>,
}

/// Pipelines joined by `;`, `&&`, `||`, `&` or newlines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Script {
    pub pipelines: Vec<Pipeline>,
}

pub(crate) fn parse(input: &str) -> Result<Script, LexError> {
    parse_at_depth(input, 0)
}

fn parse_at_depth(input: &str, depth: usize) -> Result<Script, LexError> {
    Lexer::new(input, depth).run().map(|(script, _)| script)
}

/// Where every hole of a marked line (holes as [`HOLE_BASE`] characters) sits.
pub(crate) fn sites(marked: &str) -> Result<Vec<Site>, LexError> {
    Lexer::new(marked, 0).run().map(|(_, sites)| sites)
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    depth: usize,
    sites: Vec<Site>,
    /// The newline that ends the line of pending here-documents, and where their bodies end.
    heredoc_line_end: Option<usize>,
    heredoc_resume: Option<usize>,
}

fn is_meta(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\r' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')'
    )
}

enum Token {
    Word(Word),
    /// A word of digits directly followed by `<` or `>`: a file descriptor number.
    Fd,
}

impl Lexer {
    fn new(input: &str, depth: usize) -> Lexer {
        Lexer {
            chars: input.chars().collect(),
            pos: 0,
            depth,
            sites: Vec::new(),
            heredoc_line_end: None,
            heredoc_resume: None,
        }
    }

    fn run(mut self) -> Result<(Script, Vec<Site>), LexError> {
        if self.depth > MAX_DEPTH {
            return Err(LexError("nesting too deep"));
        }
        let script = self.script(false)?;
        if self.heredoc_line_end.is_some() {
            return Err(LexError("here-document without a body"));
        }
        Ok((script, self.sites))
    }

    /// Records that hole `c` (when it is one) sits in `quoting`, inside `w` when given.
    fn site(&mut self, c: char, quoting: Quoting, w: Option<&mut Word>) {
        let Some(hole) = hole_of(c) else { return };
        let word_start = w.as_ref().is_some_and(|w| w.text.is_empty());
        if let Some(w) = w {
            w.holes.push(self.sites.len());
        }
        self.sites.push(Site {
            hole,
            quoting,
            word_start,
            role: Role::Argument,
        });
    }

    /// Sites found by a lexer over nested text (a backtick body), taken into this one's.
    fn adopt(&mut self, w: &mut Word, nested: Vec<Site>) {
        for site in nested {
            w.holes.push(self.sites.len());
            self.sites.push(site);
        }
    }

    /// A command is complete: what each word holding a hole is to it.
    fn finish(&mut self, cmd: &Command) {
        let command_word = cmd.words.iter().position(|w| w.quoted || !is_assignment(w));
        let first = command_word.map(|i| cmd.words[i].text.as_str());
        let mut operands = false;
        for (i, w) in cmd.words.iter().enumerate() {
            let prev = i.checked_sub(1).map(|p| cmd.words[p].text.as_str());
            let next = cmd.words.get(i + 1).map(|n| n.text.as_str());
            let arith =
                |t: Option<&str>| matches!(t, Some("-eq" | "-ne" | "-lt" | "-le" | "-gt" | "-ge"));
            let role = if Some(i) == command_word {
                Role::CommandWord
            } else if first == Some("[[") && (arith(prev) || arith(next)) || first == Some("let") {
                Role::Integer
            } else if matches!(first, Some("read" | "unset"))
                || (matches!(first, Some("[[" | "test" | "[")) && prev == Some("-v"))
                || (first == Some("printf") && prev == Some("-v"))
            {
                Role::Name
            } else if operands {
                Role::Operand
            } else {
                Role::Argument
            };
            for &s in &w.holes {
                self.sites[s].role = role;
            }
            if w.text == "--" && !w.quoted {
                operands = true;
            }
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.pos + n).copied()
    }

    /// Parses until end of input, or until the `)` closing a `$(`/`(` when `in_paren`.
    fn script(&mut self, in_paren: bool) -> Result<Script, LexError> {
        if self.depth > MAX_DEPTH {
            return Err(LexError("nesting too deep"));
        }
        let mut script = Script::default();
        let mut pipeline = Pipeline::default();
        let mut cmd = Command::default();
        // After `|`, `&&` or `||` a command must follow.
        let mut need_command = false;
        loop {
            let Some(c) = self.peek() else {
                if in_paren {
                    return Err(LexError("unterminated `(`"));
                }
                if need_command {
                    return Err(LexError("operator without a command after it"));
                }
                self.end_pipeline(&mut script, &mut pipeline, &mut cmd, false)?;
                return Ok(script);
            };
            match c {
                ' ' | '\t' | '\r' => self.pos += 1,
                '#' => {
                    while let Some(c) = self.peek().filter(|c| *c != '\n') {
                        self.site(c, Quoting::Comment, None);
                        self.pos += 1;
                    }
                }
                '\n' | ';' => {
                    if c == ';' && self.peek_at(1) == Some(';') {
                        return Err(LexError("`;;` (case) is not supported"));
                    }
                    self.pos = match self.heredoc_line_end {
                        // The bodies of this line's here-documents were read with their `<<`.
                        Some(end) if end == self.pos => {
                            self.heredoc_line_end = None;
                            self.heredoc_resume.take().unwrap_or(self.pos + 1)
                        }
                        _ => self.pos + 1,
                    };
                    if need_command && !cmd.is_empty() {
                        need_command = false;
                    }
                    if need_command {
                        // A newline after `&&`/`|` continues the line; `;` there is an error.
                        if c == ';' {
                            return Err(LexError("operator without a command after it"));
                        }
                        continue;
                    }
                    self.end_pipeline(&mut script, &mut pipeline, &mut cmd, false)?;
                }
                '&' if self.peek_at(1) == Some('>') => {
                    self.pos += 2;
                    let kind = if self.peek() == Some('>') {
                        self.pos += 1;
                        RedirKind::Append
                    } else {
                        RedirKind::Out
                    };
                    self.redirect_target(&mut cmd, kind)?;
                }
                '&' => {
                    let double = self.peek_at(1) == Some('&');
                    self.pos += if double { 2 } else { 1 };
                    self.end_pipeline(&mut script, &mut pipeline, &mut cmd, double)?;
                    need_command = double;
                }
                '|' => {
                    let double = self.peek_at(1) == Some('|');
                    let amp = self.peek_at(1) == Some('&');
                    self.pos += if double || amp { 2 } else { 1 };
                    if double {
                        self.end_pipeline(&mut script, &mut pipeline, &mut cmd, true)?;
                    } else {
                        if cmd.is_empty() {
                            return Err(LexError("`|` without a command before it"));
                        }
                        self.finish(&cmd);
                        pipeline.commands.push(std::mem::take(&mut cmd));
                    }
                    need_command = true;
                }
                '<' | '>' => {
                    need_command = false;
                    self.redirect(&mut cmd)?;
                }
                '(' => {
                    if !cmd.is_empty() {
                        return Err(LexError("unexpected `(`"));
                    }
                    if self.peek_at(1) == Some('(') {
                        return Err(LexError("`((` arithmetic is not supported"));
                    }
                    self.pos += 1;
                    let inner = self.descend(|l| l.script(true))?;
                    cmd.subshell = Some(Box::new(inner));
                    need_command = false;
                }
                ')' => {
                    if !in_paren {
                        return Err(LexError("unbalanced `)`"));
                    }
                    self.pos += 1;
                    if need_command {
                        return Err(LexError("operator without a command after it"));
                    }
                    self.end_pipeline(&mut script, &mut pipeline, &mut cmd, false)?;
                    return Ok(script);
                }
                _ => {
                    if let Token::Word(w) = self.word(&mut cmd)? {
                        // An empty unquoted word is only a line continuation.
                        if w.text.is_empty() && !w.quoted && !w.dynamic {
                            continue;
                        }
                        if cmd.subshell.is_some() {
                            return Err(LexError("word after a subshell"));
                        }
                        cmd.words.push(w);
                    }
                    need_command = false;
                }
            }
        }
    }

    fn end_pipeline(
        &mut self,
        script: &mut Script,
        pipeline: &mut Pipeline,
        cmd: &mut Command,
        must_have_command: bool,
    ) -> Result<(), LexError> {
        self.finish(cmd);
        end_pipeline(script, pipeline, cmd, must_have_command)
    }

    fn descend<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, LexError>,
    ) -> Result<T, LexError> {
        if self.depth >= MAX_DEPTH {
            return Err(LexError("nesting too deep"));
        }
        self.depth += 1;
        let out = f(self);
        self.depth -= 1;
        out
    }

    fn redirect(&mut self, cmd: &mut Command) -> Result<(), LexError> {
        let c = self.peek().ok_or(LexError("eof"))?;
        let next = self.peek_at(1);
        if next == Some('(') {
            // Process substitution `<(...)` / `>(...)` is an argument word.
            self.pos += 2;
            let inner = self.descend(|l| l.script(true))?;
            cmd.substs.push(inner);
            let mut w = Word {
                text: format!("{c}(…)"),
                dynamic: true,
                ..Word::default()
            };
            // It may be glued to more word characters; keep them.
            if self.peek().is_some_and(|c| !is_meta(c))
                && let Token::Word(rest) = self.word(cmd)?
            {
                w.text.push_str(&rest.text);
            }
            cmd.words.push(w);
            return Ok(());
        }
        let kind = if c == '>' {
            match next {
                Some('>') => {
                    self.pos += 2;
                    RedirKind::Append
                }
                Some('|') => {
                    self.pos += 2;
                    RedirKind::Out
                }
                Some('&') => {
                    self.pos += 2;
                    RedirKind::Dup
                }
                _ => {
                    self.pos += 1;
                    RedirKind::Out
                }
            }
        } else {
            match next {
                Some('<') if self.peek_at(2) == Some('<') => {
                    self.pos += 3;
                    RedirKind::HereString
                }
                Some('<') => {
                    self.pos += 2;
                    return self.heredoc(cmd);
                }
                Some('&') | Some('>') => {
                    self.pos += 2;
                    RedirKind::Dup
                }
                _ => {
                    self.pos += 1;
                    RedirKind::In
                }
            }
        };
        self.redirect_target(cmd, kind)
    }

    fn redirect_target(&mut self, cmd: &mut Command, kind: RedirKind) -> Result<(), LexError> {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
        match self.peek() {
            Some(c) if !is_meta(c) => {}
            _ => return Err(LexError("redirection without a target")),
        }
        let Token::Word(target) = self.word(cmd)? else {
            return Err(LexError("redirection without a target"));
        };
        // `>&file` writes to a file; `>&2` / `>&-` only duplicate descriptors.
        let kind = if kind == RedirKind::Dup
            && !(target.text.chars().all(|c| c.is_ascii_digit()) || target.text == "-")
        {
            RedirKind::Out
        } else {
            kind
        };
        cmd.redirects.push(Redirect { kind, target });
        Ok(())
    }

    /// Reads one word starting at a non-meta character.
    fn word(&mut self, cmd: &mut Command) -> Result<Token, LexError> {
        let mut w = Word::default();
        while let Some(c) = self.peek() {
            if is_meta(c) {
                break;
            }
            match c {
                '\\' => {
                    self.pos += 1;
                    match self.peek() {
                        None => return Err(LexError("trailing backslash")),
                        Some('\n') => self.pos += 1,
                        Some(e) => {
                            w.text.push(e);
                            w.quoted = true;
                            self.pos += 1;
                        }
                    }
                }
                '\'' => {
                    self.pos += 1;
                    w.quoted = true;
                    loop {
                        self.inside_quotes()?;
                        match self.peek() {
                            None => return Err(LexError("unterminated `'`")),
                            Some('\'') => {
                                self.pos += 1;
                                break;
                            }
                            Some(ch) => {
                                self.site(ch, Quoting::Single, Some(&mut w));
                                w.text.push(ch);
                                self.pos += 1;
                            }
                        }
                    }
                }
                '"' => {
                    self.pos += 1;
                    w.quoted = true;
                    self.double_quoted(&mut w, cmd)?;
                }
                '`' => {
                    self.pos += 1;
                    self.backtick(&mut w, cmd, false)?;
                }
                '$' => self.dollar(&mut w, cmd, false)?,
                _ => {
                    self.site(c, Quoting::Bare, Some(&mut w));
                    w.text.push(c);
                    self.pos += 1;
                }
            }
        }
        if !w.quoted
            && !w.text.is_empty()
            && w.text.chars().all(|c| c.is_ascii_digit())
            && matches!(self.peek(), Some('<' | '>'))
        {
            return Ok(Token::Fd);
        }
        Ok(Token::Word(w))
    }

    /// A quote may not swallow the newline after which pending here-document bodies start.
    fn inside_quotes(&self) -> Result<(), LexError> {
        if self.heredoc_line_end == Some(self.pos) {
            return Err(LexError("a quote spans the line of a here-document"));
        }
        Ok(())
    }

    fn double_quoted(&mut self, w: &mut Word, cmd: &mut Command) -> Result<(), LexError> {
        loop {
            self.inside_quotes()?;
            match self.peek() {
                None => return Err(LexError("unterminated `\"`")),
                Some('"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some('\\') => {
                    self.pos += 1;
                    match self.peek() {
                        None => return Err(LexError("unterminated `\"`")),
                        Some('\n') => self.pos += 1,
                        Some(e @ ('$' | '`' | '"' | '\\')) => {
                            w.text.push(e);
                            self.pos += 1;
                        }
                        Some(e) => {
                            w.text.push('\\');
                            w.text.push(e);
                            self.pos += 1;
                        }
                    }
                }
                Some('`') => {
                    self.pos += 1;
                    self.backtick(w, cmd, true)?;
                }
                Some('$') => self.dollar(w, cmd, true)?,
                Some(c) => {
                    self.site(c, Quoting::Double, Some(w));
                    w.text.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    /// After `<<`: the delimiter, then the body, read from the line after this one; the
    /// newline ending this line then skips over it.
    fn heredoc(&mut self, cmd: &mut Command) -> Result<(), LexError> {
        let strip_tabs = self.peek() == Some('-');
        if strip_tabs {
            self.pos += 1;
        }
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.pos += 1;
        }
        if self.peek().is_none_or(is_meta) {
            return Err(LexError("here-document without a delimiter"));
        }
        let Token::Word(delim) = self.word(cmd)? else {
            return Err(LexError("here-document without a delimiter"));
        };
        if !delim.holes.is_empty() || delim.dynamic {
            return Err(LexError("a here-document's delimiter must be plain text"));
        }
        let start = match self.heredoc_resume {
            Some(resume) => resume,
            None => {
                let nl = (self.pos..self.chars.len())
                    .find(|&i| self.chars[i] == '\n')
                    .ok_or(LexError("here-document without a body"))?;
                self.heredoc_line_end = Some(nl);
                nl + 1
            }
        };
        let mut lines = Vec::new();
        let mut at = start;
        let resume = loop {
            if at >= self.chars.len() {
                return Err(LexError("unterminated here-document"));
            }
            let end = (at..self.chars.len())
                .find(|&i| self.chars[i] == '\n')
                .unwrap_or(self.chars.len());
            let line: String = self.chars[at..end].iter().collect();
            let line = if strip_tabs {
                line.trim_start_matches('\t').to_string()
            } else {
                line
            };
            if line == delim.text {
                break (end + 1).min(self.chars.len());
            }
            lines.push(line);
            at = end + 1;
        };
        self.heredoc_resume = Some(resume);
        let mut body: String = lines.iter().map(|l| format!("{l}\n")).collect();
        let mut target = Word {
            quoted: delim.quoted,
            ..Word::default()
        };
        if delim.quoted {
            for c in body.chars() {
                self.site(c, Quoting::LiteralHeredoc, None);
            }
        } else {
            // An expanding body reads like a double-quoted string in which `"` is plain.
            let mut inner = Lexer::new(&body, self.depth);
            inner.expanding_body(&mut target, cmd)?;
            self.adopt(&mut target, inner.sites);
            body = target.text.clone();
        }
        target.text = body;
        cmd.redirects.push(Redirect {
            kind: RedirKind::HereDoc,
            target,
        });
        Ok(())
    }

    fn expanding_body(&mut self, w: &mut Word, cmd: &mut Command) -> Result<(), LexError> {
        while let Some(c) = self.peek() {
            match c {
                '\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some('\n') => self.pos += 1,
                        Some(e @ ('$' | '`' | '\\')) => {
                            w.text.push(e);
                            self.pos += 1;
                        }
                        _ => w.text.push('\\'),
                    }
                }
                '`' => {
                    self.pos += 1;
                    self.backtick(w, cmd, false)?;
                }
                '$' => self.dollar(w, cmd, true)?,
                _ => {
                    self.site(c, Quoting::Heredoc, Some(w));
                    w.text.push(c);
                    self.pos += 1;
                }
            }
        }
        Ok(())
    }

    /// After the opening backtick: the body up to the closing one, unescaped, parsed as a script.
    fn backtick(&mut self, w: &mut Word, cmd: &mut Command, in_dq: bool) -> Result<(), LexError> {
        let mut body = String::new();
        loop {
            match self.peek() {
                None => return Err(LexError("unterminated backtick")),
                Some('`') => {
                    self.pos += 1;
                    break;
                }
                Some('\\') => {
                    self.pos += 1;
                    match self.peek() {
                        None => return Err(LexError("unterminated backtick")),
                        Some(e @ ('$' | '`' | '\\')) => body.push(e),
                        Some('"') if in_dq => body.push('"'),
                        Some(e) => {
                            body.push('\\');
                            body.push(e);
                        }
                    }
                    self.pos += 1;
                }
                Some(c) => {
                    body.push(c);
                    self.pos += 1;
                }
            }
        }
        let (script, sites) = Lexer::new(&body, self.depth + 1).run()?;
        cmd.substs.push(script);
        self.adopt(w, sites);
        w.text.push_str("`…`");
        w.dynamic = true;
        Ok(())
    }

    fn dollar(&mut self, w: &mut Word, cmd: &mut Command, in_dq: bool) -> Result<(), LexError> {
        self.pos += 1; // the `$`
        match self.peek() {
            Some('(') if self.peek_at(1) == Some('(') => {
                // Arithmetic: accepted only when it cannot hide a command.
                let start = self.pos;
                let mut depth = 0usize;
                loop {
                    match self.peek() {
                        None => return Err(LexError("unterminated `$((`")),
                        Some('(') => depth += 1,
                        Some(')') => {
                            depth -= 1;
                            if depth == 0 {
                                self.pos += 1;
                                break;
                            }
                        }
                        Some('`' | '$' | '\'' | '"' | '\\') => {
                            return Err(LexError("expansion inside arithmetic"));
                        }
                        Some(c) => self.site(c, Quoting::Arithmetic, Some(w)),
                    }
                    self.pos += 1;
                }
                let text: String = self.chars[start..self.pos].iter().collect();
                w.text.push('$');
                w.text.push_str(&text);
                w.dynamic = true;
            }
            Some('(') => {
                self.pos += 1;
                let inner = self.descend(|l| l.script(true))?;
                cmd.substs.push(inner);
                w.text.push_str("$(…)");
                w.dynamic = true;
            }
            Some('{') => {
                let start = self.pos;
                loop {
                    match self.peek() {
                        None => return Err(LexError("unterminated `${`")),
                        Some('}') => {
                            self.pos += 1;
                            break;
                        }
                        // Defaults like `${X:-$(cmd)}` could run anything.
                        Some('`' | '$' | '\'' | '"' | '\\' | '{') if self.pos > start => {
                            return Err(LexError("nested expansion inside `${`"));
                        }
                        Some(c) => {
                            self.site(c, Quoting::Expansion, Some(w));
                            self.pos += 1;
                        }
                    }
                }
                let text: String = self.chars[start..self.pos].iter().collect();
                w.text.push('$');
                w.text.push_str(&text);
                w.dynamic = true;
            }
            Some('\'') if !in_dq => {
                // ANSI-C quoting: `\'` does not end it.
                self.pos += 1;
                w.quoted = true;
                loop {
                    match self.peek() {
                        None => return Err(LexError("unterminated `$'`")),
                        Some('\'') => {
                            self.pos += 1;
                            break;
                        }
                        Some('\\') => {
                            self.pos += 1;
                            let e = self.peek().ok_or(LexError("unterminated `$'`"))?;
                            w.text.push(match e {
                                'n' => '\n',
                                't' => '\t',
                                'r' => '\r',
                                _ => e,
                            });
                            self.pos += 1;
                        }
                        Some(c) => {
                            self.site(c, Quoting::AnsiC, Some(w));
                            w.text.push(c);
                            self.pos += 1;
                        }
                    }
                }
            }
            Some('"') if !in_dq => {
                self.pos += 1;
                w.quoted = true;
                self.double_quoted(w, cmd)?;
            }
            Some(c) if c.is_ascii_alphanumeric() || c == '_' => {
                w.text.push('$');
                while let Some(c) = self
                    .peek()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
                {
                    w.text.push(c);
                    self.pos += 1;
                }
                w.dynamic = true;
            }
            Some(c @ ('@' | '*' | '#' | '?' | '$' | '!' | '-')) => {
                w.text.push('$');
                w.text.push(c);
                self.pos += 1;
                w.dynamic = true;
            }
            _ => w.text.push('$'),
        }
        Ok(())
    }
}

fn end_pipeline(
    script: &mut Script,
    pipeline: &mut Pipeline,
    cmd: &mut Command,
    must_have_command: bool,
) -> Result<(), LexError> {
    if cmd.is_empty() {
        if !pipeline.commands.is_empty() {
            return Err(LexError("`|` without a command after it"));
        }
        if must_have_command {
            return Err(LexError("operator without a command before it"));
        }
        return Ok(());
    }
    pipeline.commands.push(std::mem::take(cmd));
    script.pipelines.push(std::mem::take(pipeline));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Classification
// ---------------------------------------------------------------------------------------------

use Effect::{Destructive, Read, Write};

/// What feeds a command, for tools whose effect depends on their input (`psql < dump`, `| sh`).
#[derive(Clone, Copy, Default)]
struct Ctx<'a> {
    /// Reads a pipe or a here-string.
    piped: bool,
    /// `< file`
    stdin_file: Option<&'a str>,
    /// A here-document's body on stdin.
    heredoc: Option<&'a Word>,
    /// A `curl`/`wget` earlier in the same pipeline.
    downloaded: bool,
    /// A `curl`/`wget` inside this command's substitutions (`sh -c "$(curl ...)"`).
    subst_downloads: bool,
    depth: usize,
}

fn classify_script(script: &Script, depth: usize) -> Option<Classification> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut acc = None;
    for pipeline in &script.pipelines {
        acc = Some(worst(acc, classify_pipeline(pipeline, depth)?));
    }
    acc
}

fn classify_pipeline(pipeline: &Pipeline, depth: usize) -> Option<Classification> {
    let mut acc = None;
    let mut downloaded = false;
    for (i, cmd) in pipeline.commands.iter().enumerate() {
        let c = classify_command(cmd, i > 0, downloaded, depth)?;
        acc = Some(worst(acc, c));
        downloaded |= is_downloader(cmd);
    }
    acc
}

fn is_downloader(cmd: &Command) -> bool {
    strip_wrappers(&cmd.words)
        .and_then(|argv| argv.first())
        .is_some_and(|w| matches!(basename(&w.text), "curl" | "wget"))
}

fn script_downloads(script: &Script) -> bool {
    script.pipelines.iter().flat_map(|p| &p.commands).any(|c| {
        is_downloader(c)
            || c.substs.iter().any(script_downloads)
            || c.subshell.as_deref().is_some_and(script_downloads)
    })
}

fn classify_command(
    cmd: &Command,
    piped: bool,
    downloaded: bool,
    depth: usize,
) -> Option<Classification> {
    let mut acc = None;
    for s in &cmd.substs {
        acc = Some(worst(acc, classify_script(s, depth + 1)?));
    }
    if let Some(sub) = &cmd.subshell {
        acc = Some(worst(acc, classify_script(sub, depth + 1)?));
    }
    let mut ctx = Ctx {
        piped,
        downloaded,
        subst_downloads: cmd.substs.iter().any(script_downloads),
        depth,
        ..Ctx::default()
    };
    for r in &cmd.redirects {
        let t = r.target.text.as_str();
        match r.kind {
            RedirKind::Out | RedirKind::Append => {
                if let Some(c) = redirect_effect(t, r.kind == RedirKind::Append) {
                    acc = Some(worst(acc, c));
                }
            }
            RedirKind::In => ctx.stdin_file = Some(t),
            RedirKind::HereString => ctx.piped = true,
            RedirKind::HereDoc => {
                ctx.piped = true;
                ctx.heredoc = Some(&r.target);
            }
            RedirKind::Dup => {}
        }
    }
    let argv = strip_wrappers(&cmd.words)?;
    if let Some(c) = truncation(cmd, argv) {
        acc = Some(worst(acc, c));
    }
    if argv.is_empty() {
        // Assignments, `exec > log`, a lone `done`: nothing runs beyond what was counted.
        return Some(acc.unwrap_or_else(|| class(Read, "no command runs")));
    }
    Some(worst(acc, classify_argv(argv, &ctx)?))
}

/// `> file`, `: > file`, `true > file`: a redirection with nothing written empties the file.
fn truncation(cmd: &Command, argv: &[Word]) -> Option<Classification> {
    let silent = cmd.words.is_empty()
        || matches!(argv, [w] if !w.dynamic && matches!(w.text.as_str(), ":" | "true"));
    if !silent {
        return None;
    }
    let r = cmd
        .redirects
        .iter()
        .find(|r| r.kind == RedirKind::Out && redirect_effect(&r.target.text, false).is_some())?;
    Some(class(
        Destructive,
        format!("`> {}` alone empties the file", r.target.text),
    ))
}

fn redirect_effect(target: &str, append: bool) -> Option<Classification> {
    if matches!(
        target,
        "/dev/null" | "/dev/stdout" | "/dev/stderr" | "/dev/tty"
    ) || target.starts_with("/dev/fd/")
    {
        return None;
    }
    const DISKS: [&str; 9] = [
        "/dev/sd",
        "/dev/nvme",
        "/dev/xvd",
        "/dev/vd",
        "/dev/hd",
        "/dev/mmcblk",
        "/dev/disk",
        "/dev/mapper/",
        "/dev/md",
    ];
    if DISKS.iter().any(|d| target.starts_with(d)) {
        return Some(class(
            Destructive,
            format!("`> {target}` overwrites a disk"),
        ));
    }
    Some(if append {
        class(Write, format!("`>> {target}` appends to a file"))
    } else {
        class(Write, format!("`> {target}` overwrites a file"))
    })
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn is_assignment(w: &Word) -> bool {
    let Some((name, _)) = w.text.split_once('=') else {
        return false;
    };
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Drops what only changes how the real command runs: keywords, `VAR=x`, `sudo`, `env`,
/// `timeout`, `nice`, ... `None` when a wrapper is used in a way we cannot see through.
fn strip_wrappers(words: &[Word]) -> Option<&[Word]> {
    let mut w = words;
    loop {
        let Some(first) = w.first() else {
            return Some(w);
        };
        let t = first.text.as_str();
        // `X=$(cmd)` is still an assignment; its substitution is classified separately.
        if !first.quoted && is_assignment(first) {
            w = &w[1..];
            continue;
        }
        if first.quoted || first.dynamic {
            return Some(w);
        }
        let rest = &w[1..];
        w = match basename(t) {
            "if" | "then" | "else" | "elif" | "do" | "while" | "until" | "!" | "{" => rest,
            "fi" | "done" | "}" | "esac" if rest.is_empty() => rest,
            "case" | "select" | "function" | "coproc" => return None,
            "time" => skip_opts(rest, &[], &["-p"]),
            "sudo" | "doas" => {
                let r = skip_opts(
                    rest,
                    &["-u", "-g", "-C", "-p", "-r", "-t", "-U", "-D", "-h"],
                    &[],
                );
                if r.is_empty() {
                    return None; // an interactive root shell
                }
                r
            }
            "env" => {
                if rest
                    .iter()
                    .any(|a| a.text == "-S" || a.text.starts_with("--split-string"))
                {
                    return None;
                }
                let r = skip_opts(rest, &["-u", "-C", "--unset", "--chdir"], &[]);
                let mut r = r;
                while r.first().is_some_and(|a| !a.quoted && is_assignment(a)) {
                    r = &r[1..];
                }
                if r.is_empty() {
                    return Some(w); // plain `env` prints the environment
                }
                r
            }
            "timeout" => {
                let r = skip_opts(rest, &["-s", "-k", "--signal", "--kill-after"], &[]);
                if r.is_empty() {
                    return None;
                }
                &r[1..] // the duration
            }
            "nice" => skip_opts(rest, &["-n", "--adjustment"], &[]),
            "ionice" => skip_opts(rest, &["-c", "-n", "-p", "-P", "-u"], &[]),
            "nohup" | "setsid" | "builtin" => rest,
            "stdbuf" => skip_opts(rest, &["-i", "-o", "-e"], &[]),
            "chrt" | "taskset" => return None,
            "exec" => skip_opts(rest, &["-a"], &[]),
            "command" => {
                if rest
                    .first()
                    .is_some_and(|a| a.text == "-v" || a.text == "-V")
                {
                    return Some(w);
                }
                skip_opts(rest, &[], &[])
            }
            _ => return Some(w),
        };
    }
}

/// Skips leading options. `with_value` options consume the next word unless written
/// attached (`-uroot`, `--signal=KILL`). Everything else starting with `-` is a flag.
fn skip_opts<'a>(words: &'a [Word], with_value: &[&str], _flags: &[&str]) -> &'a [Word] {
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let t = w.text.as_str();
        if t == "--" {
            return &words[i + 1..];
        }
        if !t.starts_with('-') || t == "-" {
            break;
        }
        if with_value.contains(&t) {
            i += 2;
        } else {
            i += 1;
        }
    }
    words.get(i..).unwrap_or_default()
}

#[derive(Debug, Default)]
struct Opts {
    /// `(name, value)`: `"X"` for `-X`, `"request"` for `--request`.
    opts: Vec<(String, Option<String>)>,
    positional: Vec<String>,
}

impl Opts {
    fn has(&self, names: &[&str]) -> bool {
        self.opts.iter().any(|(n, _)| names.contains(&n.as_str()))
    }

    fn values<'s>(&'s self, names: &'s [&str]) -> impl Iterator<Item = &'s str> + 's {
        self.opts
            .iter()
            .filter(move |(n, _)| names.contains(&n.as_str()))
            .filter_map(|(_, v)| v.as_deref())
    }
}

/// getopt-style splitting. `short_val` lists short options that take a value, `long_val`
/// long ones (without `--`). With `stop_at_positional`, the first positional ends options
/// (redis-cli, ssh, docker exec); otherwise options may follow positionals (GNU style).
fn getopt(args: &[&str], short_val: &str, long_val: &[&str], stop_at_positional: bool) -> Opts {
    let mut out = Opts::default();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        i += 1;
        if a == "--" {
            out.positional
                .extend(args[i..].iter().map(|s| s.to_string()));
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            if let Some((n, v)) = long.split_once('=') {
                out.opts.push((n.to_string(), Some(v.to_string())));
            } else if long_val.contains(&long) {
                out.opts
                    .push((long.to_string(), args.get(i).map(|s| s.to_string())));
                i += 1;
            } else {
                out.opts.push((long.to_string(), None));
            }
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let body: Vec<char> = a[1..].chars().collect();
            for (k, ch) in body.iter().enumerate() {
                if short_val.contains(*ch) {
                    let rest: String = body[k + 1..].iter().collect();
                    let v = if rest.is_empty() {
                        i += 1;
                        args.get(i - 1).map(|s| s.to_string())
                    } else {
                        Some(rest)
                    };
                    out.opts.push((ch.to_string(), v));
                    break;
                }
                out.opts.push((ch.to_string(), None));
            }
            continue;
        }
        if stop_at_positional {
            out.positional
                .extend(args[i - 1..].iter().map(|s| s.to_string()));
            break;
        }
        out.positional.push(a.to_string());
    }
    out
}

/// Index of the first word after options whose values are listed in `with_value`
/// (both `-n x` and `--namespace=x` forms).
pub(super) fn first_positional(args: &[&str], with_value: &[&str]) -> Option<usize> {
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if a == "--" {
            return (i + 1 < args.len()).then_some(i + 1);
        }
        if !a.starts_with('-') || a == "-" {
            return Some(i);
        }
        i += if with_value.contains(&a) { 2 } else { 1 };
    }
    None
}

pub(super) fn read(what: &str) -> Option<Classification> {
    Some(class(Read, format!("`{what}` only reads")))
}

pub(super) fn write(what: &str, does: &str) -> Option<Classification> {
    Some(class(Write, format!("`{what}` {does}")))
}

pub(super) fn destroy(what: &str, does: &str) -> Option<Classification> {
    Some(class(Destructive, format!("`{what}` {does}")))
}

/// Names that announce a data-losing script (`restore-db.sh`, `drop_tables.py`).
fn risky_name(name: &str) -> Option<Classification> {
    let lower = name.to_ascii_lowercase();
    if lower.contains("restore") {
        return destroy(name, "restores overwrite current data");
    }
    const WORDS: [&str; 8] = [
        "drop", "wipe", "purge", "destroy", "nuke", "flush", "truncate", "reset",
    ];
    WORDS
        .iter()
        .find(|w| lower.contains(*w))
        .and_then(|w| destroy(name, &format!("looks destructive by its name (`{w}`)")))
}

fn classify_argv(argv: &[Word], ctx: &Ctx) -> Option<Classification> {
    let first = argv.first()?;
    if first.dynamic {
        return None;
    }
    let all: Vec<&str> = argv.iter().map(|w| w.text.as_str()).collect();
    let name = basename(all[0]);
    let args = &all[1..];
    match name {
        "df" | "du" | "free" | "uptime" | "w" | "who" | "last" | "ps" | "pgrep" | "pidof"
        | "lsof" | "ss" | "netstat" | "lsblk" | "blkid" | "findmnt" | "lscpu" | "lsmem"
        | "lspci" | "lsusb" | "uname" | "nproc" | "getconf" | "arch" | "vmstat" | "iostat"
        | "mpstat" | "sar" | "pidstat" | "top" | "htop" | "atop" | "iotop" | "cat" | "head"
        | "tail" | "less" | "more" | "grep" | "egrep" | "fgrep" | "rg" | "ag" | "zgrep"
        | "zcat" | "bzcat" | "xzcat" | "jq" | "wc" | "cut" | "tr" | "echo" | "printf"
        | "whoami" | "id" | "groups" | "printenv" | "env" | "ls" | "ll" | "stat" | "file"
        | "which" | "whereis" | "type" | "test" | "[" | "[[" | "true" | "false" | ":" | "sleep"
        | "column" | "nl" | "basename" | "dirname" | "realpath" | "readlink" | "pwd" | "tree"
        | "diff" | "cmp" | "md5sum" | "sha1sum" | "sha256sum" | "sha512sum" | "cksum"
        | "base64" | "xxd" | "hexdump" | "od" | "strings" | "tac" | "rev" | "fold" | "fmt"
        | "paste" | "join" | "comm" | "seq" | "expr" | "bc" | "getent" | "tput" | "clear"
        | "cd" | "export" | "set" | "unset" | "shopt" | "wait" | "exit" | "return" | "alias"
        | "hash" | "jobs" | "tty" | "locale" | "ping" | "ping6" | "dig" | "nslookup" | "host"
        | "traceroute" | "tracepath" | "mtr" | "whois" | "apt-cache" | "for" | "pg_isready"
        | "zless" | "col" | "expand" | "unexpand" | "numfmt" | "cal" | "nslookup6" | "ulimit"
        | "curlie" | "xmllint" | "lsns" | "mount"
            if name != "mount" || args.is_empty() =>
        {
            read(name)
        }
        "journalctl" => {
            if args.iter().any(|a| a.starts_with("--vacuum")) {
                destroy("journalctl --vacuum", "deletes old logs")
            } else if args.iter().any(|a| matches!(*a, "--rotate" | "--flush")) {
                write("journalctl", "rotates logs")
            } else {
                read(name)
            }
        }
        "dmesg" => {
            if args
                .iter()
                .any(|a| matches!(*a, "-c" | "-C" | "--clear" | "--read-clear"))
            {
                write("dmesg -c", "clears the kernel log")
            } else {
                read(name)
            }
        }
        "date" => {
            if args.iter().any(|a| *a == "-s" || a.starts_with("--set")) {
                write("date -s", "sets the clock")
            } else {
                read(name)
            }
        }
        "hostname" => {
            if args.iter().any(|a| !a.starts_with('-')) {
                write("hostname", "renames the host")
            } else {
                read(name)
            }
        }
        "sysctl" => {
            if args
                .iter()
                .any(|a| matches!(*a, "-w" | "-p" | "--system" | "--load") || a.contains('='))
            {
                write("sysctl -w", "changes kernel settings")
            } else {
                read(name)
            }
        }
        "ip" => {
            const CHANGE: [&str; 9] = [
                "add", "del", "delete", "set", "flush", "change", "replace", "append", "prepend",
            ];
            if args.contains(&"exec") {
                None
            } else if args.iter().any(|a| CHANGE.contains(a)) {
                write("ip", "changes network configuration")
            } else {
                read(name)
            }
        }
        "sort" => {
            if getopt(
                args,
                "okStT",
                &[
                    "output",
                    "key",
                    "field-separator",
                    "buffer-size",
                    "temporary-directory",
                ],
                false,
            )
            .has(&["o", "output"])
            {
                write("sort -o", "writes a file")
            } else {
                read(name)
            }
        }
        "sed" => {
            let o = getopt(args, "efl", &["expression", "file", "line-length"], false);
            let mut scripts: Vec<&str> = o.values(&["e", "expression"]).collect();
            if scripts.is_empty() {
                scripts.extend(o.positional.first().map(String::as_str));
            }
            if o.has(&["f", "file"]) || scripts.iter().any(|s| sed_runs_or_writes(s)) {
                None // a script file, or `e`/`w` commands that run programs or write files
            } else if o.has(&["i", "in-place"]) {
                write("sed -i", "edits files in place")
            } else {
                read(name)
            }
        }
        "awk" | "gawk" | "mawk" | "nawk" => {
            // `system()` and `getline` from commands run other programs.
            if args
                .iter()
                .any(|a| a.contains("system") || a.contains("getline") || a.contains('|'))
            {
                None
            } else if args.windows(2).any(|p| p[0] == "-i" && p[1] == "inplace") {
                write("awk -i inplace", "edits files in place")
            } else {
                read(name)
            }
        }
        "yq" => {
            if args.iter().any(|a| *a == "-i" || *a == "--inplace") {
                write("yq -i", "edits files in place")
            } else {
                read(name)
            }
        }
        "uniq" => {
            // A second operand is an output file.
            if getopt(
                args,
                "fsw",
                &[
                    "skip-fields",
                    "skip-chars",
                    "check-chars",
                    "group",
                    "all-repeated",
                ],
                false,
            )
            .positional
            .len()
                > 1
            {
                write("uniq", "writes a file")
            } else {
                read(name)
            }
        }
        "tee" => {
            let files: Vec<&&str> = args.iter().filter(|a| !a.starts_with('-')).collect();
            if files
                .iter()
                .all(|f| matches!(**f, "/dev/null" | "/dev/stderr" | "/dev/stdout"))
            {
                read(name)
            } else {
                write("tee", "writes files")
            }
        }
        "touch" | "mkdir" | "cp" | "ln" | "install" | "rmdir" | "mktemp" | "scp" | "logger" => {
            write(name, "changes files")
        }
        "mv" => write("mv", "moves files, replacing any at the destination"),
        "rsync" => {
            if args
                .iter()
                .any(|a| a.starts_with("--delete") || *a == "--remove-source-files")
            {
                destroy("rsync --delete", "deletes files at the destination")
            } else {
                write("rsync", "copies over files at the destination")
            }
        }
        "rm" => {
            let o = getopt(args, "", &[], false);
            if o.has(&["r", "R", "recursive"]) {
                destroy("rm -rf", "deletes files recursively")
            } else {
                destroy("rm", "deletes files")
            }
        }
        "unlink" => destroy("unlink", "deletes a file"),
        "shred" => destroy("shred", "destroys file contents"),
        "truncate" => destroy("truncate", "cuts files down, losing their contents"),
        "wipefs" | "mkswap" | "blkdiscard" | "gdisk" | "cgdisk" => {
            destroy(name, "erases disk data")
        }
        n if n.starts_with("mkfs") => destroy(n, "formats a filesystem, erasing it"),
        "dd" => {
            if args
                .iter()
                .any(|a| a.starts_with("of=") && *a != "of=/dev/null")
            {
                destroy("dd", "overwrites its output file or device")
            } else {
                read(name)
            }
        }
        "fdisk" | "sfdisk" => {
            if args
                .iter()
                .any(|a| matches!(*a, "-l" | "--list" | "-d" | "--dump"))
            {
                read(name)
            } else {
                destroy(name, "rewrites partition tables")
            }
        }
        "parted" => {
            if args.iter().any(|a| matches!(*a, "-l" | "--list" | "print")) {
                read(name)
            } else {
                destroy(name, "rewrites partition tables")
            }
        }
        "sgdisk" => {
            if args.iter().any(|a| matches!(*a, "-p" | "--print")) {
                read(name)
            } else {
                destroy(name, "rewrites partition tables")
            }
        }
        "reboot" | "halt" | "poweroff" => destroy(name, "takes the machine down"),
        "shutdown" => {
            if args.contains(&"-c") {
                write("shutdown -c", "cancels a shutdown")
            } else {
                destroy("shutdown", "takes the machine down")
            }
        }
        "init" | "telinit" => match args.first() {
            Some(&"0") | Some(&"6") => destroy(name, "takes the machine down"),
            _ => None,
        },
        "kill" => classify_kill(args),
        "pkill" => {
            if kill_signal(args) == Some(true) {
                destroy("pkill -9", "kills processes without letting them clean up")
            } else if args.contains(&"-0") {
                read(name)
            } else {
                write("pkill", "stops processes")
            }
        }
        "killall" | "killall5" => destroy(name, "kills every matching process"),
        "chmod" => {
            let wide = args.iter().any(|a| {
                matches!(
                    *a,
                    "777"
                        | "0777"
                        | "666"
                        | "0666"
                        | "a+rwx"
                        | "ugo+rwx"
                        | "o+w"
                        | "a+w"
                        | "+w"
                        | "o+rwx"
                )
            });
            if wide {
                destroy("chmod 777", "opens files to everyone")
            } else {
                write("chmod", "changes permissions")
            }
        }
        "chown" | "chgrp" => {
            if getopt(args, "", &["from", "reference"], false).has(&["R", "recursive"]) {
                destroy(&format!("{name} -R"), "changes ownership of a whole tree")
            } else {
                write(name, "changes ownership")
            }
        }
        "iptables" | "ip6tables" | "iptables-legacy" | "iptables-nft" => {
            classify_iptables(name, args)
        }
        "iptables-save" | "ip6tables-save" => read(name),
        "iptables-restore" | "ip6tables-restore" => destroy(name, "replaces every firewall rule"),
        "nft" => {
            if args.contains(&"flush") {
                destroy("nft flush", "removes firewall rules")
            } else if args.first().is_some_and(|a| *a == "list") || args.contains(&"list") {
                read(name)
            } else {
                write(name, "changes firewall rules")
            }
        }
        "ufw" => match args.first().copied() {
            Some("status") | Some("show") | Some("app") => read(name),
            Some("reset") | Some("disable") => destroy(name, "drops the firewall configuration"),
            Some(_) => write(name, "changes firewall rules"),
            None => None,
        },
        "crontab" => {
            let o = getopt(args, "u", &[], false);
            if o.has(&["r"]) {
                destroy("crontab -r", "deletes the whole crontab")
            } else if o.has(&["l"]) {
                read(name)
            } else {
                write("crontab", "replaces the crontab")
            }
        }
        "systemctl" => classify_systemctl(args),
        "service" => match args {
            ["--status-all", ..] => read(name),
            [_, "status", ..] => read(name),
            [
                _,
                "start" | "stop" | "restart" | "reload" | "force-reload" | "try-restart",
                ..,
            ] => write(&format!("service {}", args[1]), "changes a running service"),
            _ => None,
        },
        "apt" | "apt-get" | "yum" | "dnf" | "zypper" | "apk" => classify_packages(name, args),
        "dpkg" => {
            if args
                .iter()
                .any(|a| matches!(*a, "-l" | "-L" | "-s" | "--list" | "--status"))
            {
                read(name)
            } else {
                None
            }
        }
        "find" => classify_find(args, ctx),
        "xargs" => {
            let o = getopt(
                args,
                "IiLlnPsdEeaR",
                &[
                    "max-args",
                    "max-procs",
                    "delimiter",
                    "arg-file",
                    "replace",
                    "max-lines",
                    "max-chars",
                    "eof",
                    "process-slot-var",
                ],
                true,
            );
            let skip = args.len() - o.positional.len();
            if o.positional.is_empty() {
                read(name) // defaults to `echo`
            } else {
                classify_argv(&argv[1 + skip..], ctx)
            }
        }
        "watch" => {
            let o = getopt(
                args,
                "nqd",
                &["interval", "differences", "chgexit", "equexit"],
                true,
            );
            if o.positional.is_empty() {
                return None;
            }
            let inner = parse_at_depth(&o.positional.join(" "), ctx.depth + 1).ok()?;
            classify_script(&inner, ctx.depth + 1)
        }
        "eval" => {
            let inner = parse_at_depth(&args.join(" "), ctx.depth + 1).ok()?;
            classify_script(&inner, ctx.depth + 1)
        }
        "sh" | "bash" | "zsh" | "dash" | "ksh" | "ash" | "fish" => classify_shell_interp(argv, ctx),
        "python" | "python3" | "perl" | "ruby" | "node" | "php" => classify_interp(name, args, ctx),
        "source" | "." => args.first().and_then(|f| risky_name(basename(f))),
        "ssh" => classify_ssh(args, ctx),
        "su" => {
            let o = getopt(
                args,
                "cgGsw",
                &["command", "group", "supp-group", "shell"],
                false,
            );
            let script = o.values(&["c", "command"]).next()?;
            let inner = parse_at_depth(script, ctx.depth + 1).ok()?;
            classify_script(&inner, ctx.depth + 1)
        }
        // Only reached as `command -v NAME`, which looks a name up.
        "command" => read("command -v"),
        "docker" => classify_docker(argv, ctx),
        "docker-compose" => classify_compose(&argv[1..], "docker-compose", ctx),
        "podman" => classify_docker(argv, ctx),
        "git" => classify_git(args),
        "kubectl" | "oc" => classify_kubectl(argv, ctx),
        "helm" => classify_helm(args),
        "ceph" => super::cloud::ceph(args),
        "rbd" => super::cloud::rbd(args),
        "etcdctl" => super::cloud::etcdctl(args),
        "crictl" => super::cloud::crictl(args),
        "aws" => super::cloud::aws(args),
        "gcloud" => super::cloud::gcloud(args),
        "az" => super::cloud::az(args),
        "terraform" | "tofu" => classify_terraform(args),
        "gh" => classify_gh(args),
        "curl" => classify_curl(args),
        "wget" => classify_wget(args),
        "redis-cli" | "valkey-cli" | "keydb-cli" => classify_redis_cli(args),
        "psql" => classify_psql(args, ctx),
        "mysql" | "mariadb" => classify_mysql(args, ctx),
        "pg_dump" | "pg_dumpall" => {
            if getopt(args, "fhpUdnNtTZjFE", &["file"], false).has(&["f", "file"]) {
                write(name, "writes a dump file")
            } else {
                read(name)
            }
        }
        "mysqldump" | "mariadb-dump" => {
            if args
                .iter()
                .any(|a| *a == "-r" || a.starts_with("--result-file"))
            {
                write(name, "writes a dump file")
            } else {
                read(name)
            }
        }
        "pg_restore" => {
            let o = getopt(
                args,
                "dfFhLnNpPSTtUjIe",
                &["dbname", "file", "format"],
                false,
            );
            if o.has(&["l", "list"]) && !o.has(&["d", "dbname"]) {
                read(name)
            } else {
                destroy("pg_restore", "restores overwrite current data")
            }
        }
        "dropdb" | "dropuser" => destroy(name, "drops it for good"),
        "createdb" | "createuser" => write(name, "creates it"),
        "mysqladmin" => {
            if args.iter().any(|a| matches!(*a, "drop" | "shutdown")) {
                destroy(
                    "mysqladmin drop/shutdown",
                    "drops a database or stops the server",
                )
            } else if args.iter().filter(|a| !a.starts_with('-')).all(|a| {
                matches!(
                    *a,
                    "status" | "ping" | "processlist" | "variables" | "extended-status" | "version"
                )
            }) {
                read(name)
            } else {
                write(name, "changes the server")
            }
        }
        "nc" | "ncat" | "netcat" => {
            if args
                .iter()
                .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('z'))
            {
                read(name)
            } else {
                None
            }
        }
        "openssl" => match args.first().copied() {
            Some("s_client" | "x509" | "version" | "verify" | "ciphers" | "errstr" | "s_time") => {
                read(name)
            }
            _ => None,
        },
        "nginx" => {
            let o = getopt(args, "scpge", &[], false);
            if let Some(signal) = o.values(&["s"]).next() {
                write(&format!("nginx -s {signal}"), "signals the server")
            } else if o.has(&["t", "T", "v", "V"]) {
                read(name)
            } else {
                None
            }
        }
        "supervisorctl" => match args.iter().find(|a| !a.starts_with('-')).copied() {
            Some("status" | "avail" | "pid" | "tail" | "version") => read(name),
            Some("start" | "stop" | "restart" | "reload" | "update" | "reread" | "signal") => {
                write("supervisorctl", "changes running programs")
            }
            Some("clear") => destroy("supervisorctl clear", "deletes logs"),
            _ => None,
        },
        "pm2" => match args.first().copied() {
            Some("list" | "ls" | "status" | "logs" | "show" | "describe" | "jlist" | "monit") => {
                read(name)
            }
            Some("start" | "stop" | "restart" | "reload" | "scale" | "delete" | "del" | "kill") => {
                write(&format!("pm2 {}", args[0]), "changes running processes")
            }
            Some("flush") => destroy("pm2 flush", "deletes logs"),
            _ => None,
        },
        "timedatectl" | "hostnamectl" => {
            if args.iter().any(|a| a.starts_with("set-")) {
                write(name, "changes system settings")
            } else {
                read(name)
            }
        }
        "umount" | "mount" | "swapoff" | "swapon" => write(name, "changes mounts"),
        "tar" => {
            let listing = args
                .first()
                .is_some_and(|a| !a.starts_with("--") && a.trim_start_matches('-').contains('t'))
                || args.contains(&"--list");
            if listing {
                read(name)
            } else {
                write("tar", "extracts or creates archives")
            }
        }
        "gzip" | "gunzip" | "bzip2" | "bunzip2" | "xz" | "unxz" | "zstd" => {
            let o = getopt(args, "S", &["suffix"], false);
            if o.has(&["c", "stdout", "to-stdout", "l", "list", "t", "test"]) {
                read(name)
            } else {
                write(name, "replaces files with (de)compressed ones")
            }
        }
        "zip" => write(name, "writes an archive"),
        "unzip" => {
            if args.iter().any(|a| matches!(*a, "-l" | "-t" | "-v" | "-Z")) {
                read(name)
            } else {
                write(name, "extracts files over existing ones")
            }
        }
        "make" | "npm" | "yarn" | "pnpm" | "just" | "rake" | "task" => args
            .iter()
            .filter(|a| !a.starts_with('-'))
            .find_map(|t| risky_name(t)),
        _ => risky_name(name),
    }
}

/// Whether a sed script uses `e`/`w`/`W` commands or `s///e`/`s///w` flags. Anything it
/// cannot follow counts as yes.
fn sed_runs_or_writes(script: &str) -> bool {
    let c: Vec<char> = script.chars().collect();
    let mut i = 0;
    // Skips a delimited part (regex or replacement) honouring backslash escapes.
    let part = |mut i: usize, delim: char| -> Option<usize> {
        while i < c.len() {
            match c[i] {
                '\\' => i += 2,
                ch if ch == delim => return Some(i + 1),
                _ => i += 1,
            }
        }
        None
    };
    while i < c.len() {
        match c[i] {
            ' ' | '\t' | '\n' | ';' | '{' | '}' | '!' | ',' | '$' | '~' | '+' => i += 1,
            d if d.is_ascii_digit() => i += 1,
            '/' => match part(i + 1, '/') {
                Some(next) => i = next,
                None => return true,
            },
            '\\' => match c.get(i + 1).and_then(|&d| part(i + 2, d)) {
                Some(next) => i = next,
                None => return true,
            },
            's' | 'y' => {
                let Some(&delim) = c.get(i + 1) else {
                    return true;
                };
                let Some(next) = part(i + 2, delim).and_then(|n| part(n, delim)) else {
                    return true;
                };
                i = next;
                while i < c.len() && !matches!(c[i], ';' | '\n' | '}') {
                    if c[i] == 'e' || c[i] == 'w' {
                        return true;
                    }
                    i += 1;
                }
            }
            'e' | 'w' | 'W' => return true,
            // Text, labels and file names run to the end of the line.
            'a' | 'i' | 'c' | 'r' | 'R' | 'b' | 't' | 'T' | ':' => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            'p' | 'P' | 'd' | 'D' | 'n' | 'N' | 'g' | 'G' | 'h' | 'H' | 'x' | 'l' | 'q' | 'Q'
            | '=' | 'z' | 'F' => i += 1,
            _ => return true,
        }
    }
    false
}

/// `Some(true)` when the signal is KILL, `Some(false)` for another explicit signal.
fn kill_signal(args: &[&str]) -> Option<bool> {
    let is_kill = |s: &str| {
        let s = s.trim_start_matches("SIG").trim_start_matches("sig");
        s == "9" || s.eq_ignore_ascii_case("KILL")
    };
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if matches!(a, "-s" | "-n" | "--signal") {
            return args.get(i + 1).map(|s| is_kill(s));
        }
        if let Some(v) = a.strip_prefix("--signal=") {
            return Some(is_kill(v));
        }
        if let Some(sig) = a.strip_prefix('-')
            && sig
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        {
            return Some(is_kill(sig));
        }
        i += 1;
    }
    None
}

fn classify_kill(args: &[&str]) -> Option<Classification> {
    if args
        .iter()
        .any(|a| matches!(*a, "-l" | "-L" | "--list" | "-0" | "-s0"))
    {
        return read("kill -0");
    }
    match kill_signal(args) {
        Some(true) => destroy("kill -9", "kills processes without letting them clean up"),
        _ => write("kill", "stops processes"),
    }
}

fn classify_iptables(name: &str, args: &[&str]) -> Option<Classification> {
    let has = |set: &[&str]| args.iter().any(|a| set.contains(a));
    if has(&["-F", "--flush", "-X", "--delete-chain"]) {
        destroy(&format!("{name} -F"), "removes firewall rules")
    } else if has(&[
        "-A",
        "-I",
        "-D",
        "-R",
        "-P",
        "-N",
        "-E",
        "-Z",
        "--append",
        "--insert",
        "--delete",
        "--replace",
        "--policy",
        "--new-chain",
        "--zero",
    ]) {
        write(name, "changes firewall rules")
    } else if has(&["-L", "-S", "-C", "--list", "--list-rules", "--check"]) {
        read(name)
    } else {
        None
    }
}

fn classify_systemctl(args: &[&str]) -> Option<Classification> {
    let i = first_positional(
        args,
        &[
            "-H",
            "--host",
            "-M",
            "--machine",
            "-t",
            "--type",
            "-p",
            "--property",
            "-n",
            "--lines",
            "-o",
            "--output",
            "--signal",
            "-s",
        ],
    )?;
    let verb = args[i];
    match verb {
        "status" | "show" | "is-active" | "is-enabled" | "is-failed" | "is-system-running"
        | "list-units" | "list-unit-files" | "list-timers" | "list-sockets" | "list-jobs"
        | "list-dependencies" | "cat" | "help" | "get-default" => read("systemctl status"),
        "start"
        | "restart"
        | "reload"
        | "try-restart"
        | "reload-or-restart"
        | "try-reload-or-restart"
        | "enable"
        | "daemon-reload"
        | "daemon-reexec"
        | "reset-failed"
        | "unmask"
        | "stop"
        | "disable"
        | "kill"
        | "mask"
        | "edit"
        | "set-property"
        | "revert"
        | "preset" => write(&format!("systemctl {verb}"), "changes a running service"),
        "poweroff" | "reboot" | "halt" | "kexec" | "emergency" | "rescue" | "isolate"
        | "suspend" | "hibernate" => {
            destroy(&format!("systemctl {verb}"), "takes the machine down")
        }
        _ => None,
    }
}

fn classify_packages(name: &str, args: &[&str]) -> Option<Classification> {
    let verb = args.iter().find(|a| !a.starts_with('-'))?;
    match *verb {
        "list" | "search" | "show" | "policy" | "info" | "check-update" => read(name),
        "install" | "update" | "upgrade" | "dist-upgrade" | "full-upgrade" | "reinstall"
        | "add" | "makecache" | "downgrade" => {
            write(&format!("{name} {verb}"), "changes installed packages")
        }
        "remove" | "purge" | "autoremove" | "erase" | "del" | "clean" | "autoclean" => {
            destroy(&format!("{name} {verb}"), "removes packages")
        }
        _ => None,
    }
}

fn classify_find(args: &[&str], ctx: &Ctx) -> Option<Classification> {
    let mut acc: Option<Classification> = None;
    let mut i = 0;
    while i < args.len() {
        match args[i] {
            "-delete" => {
                acc = Some(worst(
                    acc,
                    class(Destructive, "`find -delete` deletes matched files"),
                ));
            }
            "-exec" | "-execdir" | "-ok" | "-okdir" => {
                let start = i + 1;
                let end = (start..args.len())
                    .find(|&k| matches!(args[k], ";" | "+"))
                    .unwrap_or(args.len());
                let inner: Vec<Word> = args[start..end]
                    .iter()
                    .map(|t| Word {
                        text: t.to_string(),
                        quoted: true,
                        ..Word::default()
                    })
                    .collect();
                let inner = strip_wrappers(&inner)?.to_vec();
                let mut c = classify_argv(&inner, ctx)?;
                if c.effect > Read {
                    c.reason = format!("`find {}` runs {}", args[i], c.reason);
                }
                acc = Some(worst(acc, c));
                i = end;
            }
            "-fprint" | "-fprint0" | "-fprintf" | "-fls" => {
                acc = Some(worst(acc, class(Write, "`find -fprint` writes a file")));
            }
            _ => {}
        }
        i += 1;
    }
    Some(acc.unwrap_or_else(|| class(Read, "`find` only reads")))
}

/// `bash -c '...'` is classified by its script; `bash file` and a bare `bash` are unknown,
/// except that piping a download into one runs that download.
fn classify_shell_interp(argv: &[Word], ctx: &Ctx) -> Option<Classification> {
    let name = basename(&argv[0].text);
    let mut i = 1;
    let mut has_c = false;
    // `-s` (or no operand) reads the script from stdin; later words are its arguments.
    let mut stdin_script = false;
    while let Some(w) = argv.get(i) {
        let t = w.text.as_str();
        if t == "--" {
            i += 1;
            break;
        }
        if t.starts_with('-') && !t.starts_with("--") && t.contains('s') {
            stdin_script = true;
        }
        if t.starts_with("--") {
            i += 1;
            continue;
        }
        if t.len() > 1 && (t.starts_with('-') || t.starts_with('+')) {
            if t.starts_with('-') && t.contains('c') {
                has_c = true;
            }
            // `-o opt` / `-O opt` take a value.
            i += if matches!(t, "-o" | "-O" | "+o" | "+O") {
                2
            } else {
                1
            };
            continue;
        }
        break;
    }
    let operand = argv.get(i);
    if has_c {
        let script = operand?;
        if script.dynamic {
            if ctx.subst_downloads {
                return destroy(
                    &format!("{name} -c \"$(curl ...)\""),
                    "runs a downloaded script",
                );
            }
            return None;
        }
        let inner = parse_at_depth(&script.text, ctx.depth + 1).ok()?;
        return classify_script(&inner, ctx.depth + 1);
    }
    let from_stdin = stdin_script || operand.is_none_or(|w| w.text == "-");
    if from_stdin {
        if let Some(body) = ctx.heredoc.filter(|b| !b.dynamic) {
            let inner = parse_at_depth(&body.text, ctx.depth + 1).ok()?;
            return classify_script(&inner, ctx.depth + 1);
        }
        return if ctx.downloaded {
            destroy(&format!("curl | {name}"), "runs a downloaded script")
        } else {
            None
        };
    }
    match operand {
        Some(w) if w.dynamic && ctx.subst_downloads => {
            destroy(&format!("{name} <(curl ...)"), "runs a downloaded script")
        }
        Some(w) if !w.dynamic => risky_name(basename(&w.text)),
        _ => None,
    }
}

fn classify_interp(name: &str, args: &[&str], ctx: &Ctx) -> Option<Classification> {
    let o = getopt(args, "cemWX", &[], true);
    if o.values(&["m"]).any(|m| m == "json.tool") {
        return read("python -m json.tool");
    }
    if o.has(&["c", "e", "m"]) {
        return None;
    }
    match o.positional.first().map(String::as_str) {
        None | Some("-") if ctx.downloaded => {
            destroy(&format!("curl | {name}"), "runs a downloaded script")
        }
        Some(file) if file != "-" => risky_name(basename(file)),
        _ => None,
    }
}

fn classify_ssh(args: &[&str], ctx: &Ctx) -> Option<Classification> {
    let o = getopt(args, "BbcDEeFIiJLlmOopQRSWw", &[], true);
    // The first positional is the host; the rest is run by the remote shell.
    let remote = o.positional.get(1..)?;
    if remote.is_empty() {
        return None;
    }
    let inner = parse_at_depth(&remote.join(" "), ctx.depth + 1).ok()?;
    classify_script(&inner, ctx.depth + 1)
}

fn words_from(texts: &[&str]) -> Vec<Word> {
    texts
        .iter()
        .map(|t| Word {
            text: t.to_string(),
            // Unquoted, so `sudo`/`env` wrappers inside are still seen through.
            dynamic: t.contains('$'),
            ..Word::default()
        })
        .collect()
}

/// Runs `argv` (already split) as a command inside a container or pod.
fn classify_inner(texts: &[&str], ctx: &Ctx) -> Option<Classification> {
    let words = words_from(texts);
    let argv = strip_wrappers(&words)?;
    if argv.is_empty() {
        return None;
    }
    let inner_ctx = Ctx {
        depth: ctx.depth + 1,
        ..Ctx::default()
    };
    classify_argv(argv, &inner_ctx)
}

fn classify_docker(argv: &[Word], ctx: &Ctx) -> Option<Classification> {
    let tool = basename(&argv[0].text);
    let all: Vec<&str> = argv.iter().map(|w| w.text.as_str()).collect();
    let args = &all[1..];
    let i = first_positional(
        args,
        &[
            "-H",
            "--host",
            "-c",
            "--context",
            "-l",
            "--log-level",
            "--config",
            "--tlscacert",
            "--tlscert",
            "--tlskey",
        ],
    )?;
    let sub = args[i];
    let rest = &args[i + 1..];
    let object = rest
        .iter()
        .find(|a| !a.starts_with('-'))
        .copied()
        .unwrap_or("");
    let shown = |s: &str| format!("{tool} {s}");
    let ro = |s: &str| read(&shown(s));
    match sub {
        "compose" => classify_compose(&argv[i + 2..], &format!("{tool} compose"), ctx),
        "ps" | "logs" | "stats" | "images" | "inspect" | "info" | "version" | "top" | "events"
        | "port" | "diff" | "history" | "search" | "wait" => ro(sub),
        "restart" | "start" | "stop" | "kill" | "tag" | "pull" | "push" | "run" | "create"
        | "build" | "pause" | "unpause" | "update" | "rename" | "cp" | "commit" | "save"
        | "load" | "import" | "export" | "login" | "logout" | "attach" => {
            write(&shown(sub), "changes containers or images")
        }
        "rm" => destroy(&shown("rm"), "deletes containers and their writable data"),
        "rmi" => destroy(&shown("rmi"), "deletes images"),
        "exec" => {
            let o = getopt(
                rest,
                "euw",
                &["env", "env-file", "user", "workdir", "detach-keys"],
                true,
            );
            let cmd: Vec<&str> = o.positional.iter().skip(1).map(String::as_str).collect();
            classify_inner(&cmd, ctx)
        }
        "container" => match object {
            "ls" | "list" | "ps" | "inspect" | "logs" | "top" | "stats" | "port" | "diff"
            | "wait" => ro(&format!("container {object}")),
            "rm" | "prune" => destroy(&shown(&format!("container {object}")), "deletes containers"),
            "restart" | "start" | "stop" | "kill" | "create" | "run" | "pause" | "unpause"
            | "update" | "rename" | "cp" | "commit" | "export" | "attach" => {
                write(&shown(&format!("container {object}")), "changes containers")
            }
            _ => None,
        },
        "image" => match object {
            "ls" | "list" | "inspect" | "history" => ro(&format!("image {object}")),
            "rm" | "prune" => destroy(&shown(&format!("image {object}")), "deletes images"),
            "pull" | "push" | "tag" | "build" | "import" | "load" | "save" => {
                write(&shown(&format!("image {object}")), "changes images")
            }
            _ => None,
        },
        "volume" => match object {
            "ls" | "list" | "inspect" => ro(&format!("volume {object}")),
            "rm" | "remove" | "prune" => destroy(
                &shown(&format!("volume {object}")),
                "deletes volumes and their data",
            ),
            "create" => write(&shown("volume create"), "creates a volume"),
            _ => None,
        },
        "network" => match object {
            "ls" | "list" | "inspect" => ro(&format!("network {object}")),
            "rm" | "remove" | "prune" => {
                destroy(&shown(&format!("network {object}")), "deletes networks")
            }
            "create" | "connect" | "disconnect" => {
                write(&shown(&format!("network {object}")), "changes networks")
            }
            _ => None,
        },
        "system" => match object {
            "df" | "info" | "events" => ro(&format!("system {object}")),
            "prune" => destroy(
                &shown("system prune"),
                "deletes containers, networks, images and build cache",
            ),
            _ => None,
        },
        "builder" | "buildx" => match object {
            "ls" | "inspect" | "du" | "version" => ro(&format!("{sub} {object}")),
            "prune" => destroy(&shown(&format!("{sub} prune")), "deletes build cache"),
            "build" | "bake" | "create" | "use" => {
                write(&shown(&format!("{sub} {object}")), "builds images")
            }
            _ => None,
        },
        "context" => match object {
            "ls" | "list" | "show" | "inspect" => ro(&format!("context {object}")),
            "use" | "create" | "update" => {
                write(&shown(&format!("context {object}")), "changes contexts")
            }
            "rm" | "remove" => destroy(&shown("context rm"), "deletes a context"),
            _ => None,
        },
        "service" | "stack" | "node" | "secret" | "config" | "swarm" => match object {
            "ls" | "list" | "ps" | "logs" | "inspect" | "services" => {
                ro(&format!("{sub} {object}"))
            }
            "rm" | "remove" | "down" | "leave" => destroy(
                &shown(&format!("{sub} {object}")),
                "removes it and what runs on it",
            ),
            "scale" | "update" | "create" | "rollback" | "deploy" | "up" | "promote" | "demote"
            | "init" | "join" => write(&shown(&format!("{sub} {object}")), "changes the swarm"),
            _ => None,
        },
        _ => None,
    }
}

fn classify_compose(args: &[Word], tool: &str, ctx: &Ctx) -> Option<Classification> {
    let texts: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
    let i = first_positional(
        &texts,
        &[
            "-f",
            "--file",
            "-p",
            "--project-name",
            "--env-file",
            "--profile",
            "--project-directory",
            "--ansi",
            "--progress",
            "--parallel",
        ],
    )?;
    let sub = texts[i];
    let rest = &texts[i + 1..];
    let shown = format!("{tool} {sub}");
    match sub {
        "ps" | "logs" | "config" | "top" | "images" | "ls" | "version" | "events" | "port"
        | "convert" | "stats" => read(&shown),
        "up" | "restart" | "stop" | "start" | "build" | "pull" | "create" | "pause" | "unpause"
        | "kill" | "scale" | "run" | "push" | "cp" | "watch" => write(&shown, "changes containers"),
        "down" => {
            let volumes = rest.iter().any(|a| {
                *a == "--volumes"
                    || (a.starts_with("--volumes=") && !a.ends_with("false"))
                    || (a.starts_with('-') && !a.starts_with("--") && a.contains('v'))
            });
            if volumes {
                destroy(&format!("{tool} down -v"), "deletes volumes and their data")
            } else {
                write(&shown, "stops and removes containers")
            }
        }
        "rm" => destroy(&shown, "deletes containers"),
        "exec" => {
            let o = getopt(rest, "euw", &["env", "user", "workdir", "index"], true);
            let cmd: Vec<&str> = o.positional.iter().skip(1).map(String::as_str).collect();
            classify_inner(&cmd, ctx)
        }
        _ => None,
    }
}

fn classify_git(args: &[&str]) -> Option<Classification> {
    let i = first_positional(
        args,
        &["-C", "-c", "--git-dir", "--work-tree", "--namespace"],
    )?;
    let sub = args[i];
    let rest = &args[i + 1..];
    let flags = getopt(rest, "", &[], false);
    // Short flag clusters such as `-fd` or `-uf`.
    let short = |c: char| {
        rest.iter()
            .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains(c))
    };
    let long = |l: &str| {
        rest.iter()
            .any(|a| *a == l || a.starts_with(&format!("{l}=")))
    };
    let positional: Vec<&str> = rest
        .iter()
        .filter(|a| !a.starts_with('-'))
        .copied()
        .collect();
    let shown = format!("git {sub}");
    match sub {
        "log" | "status" | "diff" | "show" | "rev-parse" | "describe" | "shortlog" | "blame"
        | "ls-files" | "ls-remote" | "ls-tree" | "rev-list" | "cat-file" | "grep"
        | "whatchanged" | "show-ref" | "name-rev" | "merge-base" | "for-each-ref"
        | "count-objects" | "fsck" | "help" | "version" | "var" | "check-ignore" | "cherry"
        | "range-diff" => read(&shown),
        "reflog" => match positional.first() {
            Some(&"delete") | Some(&"expire") => {
                destroy("git reflog expire", "discards recovery points")
            }
            _ => read(&shown),
        },
        "remote" => match positional.first() {
            None | Some(&"show") | Some(&"get-url") => read(&shown),
            Some(_) => write(&shown, "changes remotes"),
        },
        "config" => {
            if flags.has(&["get", "get-all", "get-regexp", "list", "l"])
                || positional.len() <= 1
                    && !flags.has(&["unset", "unset-all", "add", "replace-all"])
            {
                read(&shown)
            } else {
                write(&shown, "changes configuration")
            }
        }
        "branch" => {
            if flags.has(&["D"]) || (flags.has(&["d", "delete"]) && flags.has(&["f", "force"])) {
                destroy("git branch -D", "deletes a branch even if unmerged")
            } else if flags.has(&[
                "d",
                "delete",
                "m",
                "M",
                "c",
                "C",
                "move",
                "copy",
                "u",
                "set-upstream-to",
                "unset-upstream",
                "f",
                "force",
                "edit-description",
            ]) {
                write(&shown, "changes branches")
            } else if positional.is_empty()
                || flags.has(&[
                    "l",
                    "list",
                    "a",
                    "r",
                    "all",
                    "remotes",
                    "contains",
                    "merged",
                    "no-merged",
                    "show-current",
                    "v",
                    "vv",
                    "points-at",
                ])
            {
                read(&shown)
            } else {
                write(&shown, "creates a branch")
            }
        }
        "tag" => {
            if positional.is_empty()
                || flags.has(&["l", "list", "contains", "points-at", "n", "v", "verify"])
            {
                read(&shown)
            } else {
                write(&shown, "changes tags")
            }
        }
        "stash" => match positional.first() {
            Some(&"list") | Some(&"show") => read(&shown),
            Some(&"drop") | Some(&"clear") => destroy(
                &format!("git stash {}", positional[0]),
                "deletes stashed changes",
            ),
            _ => write(&shown, "moves uncommitted changes"),
        },
        "reset" => {
            if long("--hard") || long("--merge") {
                destroy("git reset --hard", "discards uncommitted changes")
            } else {
                write(&shown, "moves the branch")
            }
        }
        "clean" => {
            if long("--dry-run") || short('n') {
                read(&shown)
            } else if long("--force") || short('f') {
                destroy("git clean -f", "deletes untracked files")
            } else {
                write(&shown, "refuses without `-f`")
            }
        }
        "checkout" => {
            if positional.contains(&".")
                || long("--force")
                || short('f')
                || long("--") && rest.len() > 1
            {
                destroy("git checkout -- .", "discards uncommitted changes")
            } else {
                write(&shown, "switches the working tree")
            }
        }
        "switch" => {
            if long("--discard-changes") || long("--force") || short('f') {
                destroy("git switch -f", "discards uncommitted changes")
            } else {
                write(&shown, "switches the working tree")
            }
        }
        "restore" => {
            if (long("--staged") || short('S')) && !(long("--worktree") || short('W')) {
                write(&shown, "unstages changes")
            } else {
                destroy("git restore", "discards uncommitted changes")
            }
        }
        "push" => {
            let force = positional.iter().any(|p| p.starts_with('+'))
                || long("--force")
                || long("--force-with-lease")
                || long("--force-if-includes")
                || short('f')
                || long("--mirror")
                || long("--prune");
            let deletes = long("--delete")
                || short('d')
                || positional
                    .iter()
                    .any(|p| p.starts_with(':') || p.starts_with('+'));
            if force {
                destroy("git push --force", "overwrites remote history")
            } else if deletes {
                destroy("git push --delete", "deletes remote refs")
            } else {
                write(&shown, "publishes commits")
            }
        }
        "update-ref" if short('d') => destroy("git update-ref -d", "deletes a ref"),
        "filter-branch" | "filter-repo" => destroy(&shown, "rewrites history"),
        "pull" | "fetch" | "commit" | "add" | "merge" | "rebase" | "cherry-pick" | "revert"
        | "bisect" | "apply" | "am" | "init" | "clone" | "gc" | "prune" | "mv" | "rm"
        | "submodule" | "worktree" | "update-ref" | "notes" | "sparse-checkout" | "lfs"
        | "maintenance" | "repack" => write(&shown, "changes the repository"),
        _ => None,
    }
}

fn classify_kubectl(argv: &[Word], ctx: &Ctx) -> Option<Classification> {
    let all: Vec<&str> = argv.iter().map(|w| w.text.as_str()).collect();
    let args = &all[1..];
    let i = first_positional(
        args,
        &[
            "-n",
            "--namespace",
            "--context",
            "--kubeconfig",
            "--cluster",
            "--user",
            "-s",
            "--server",
            "--token",
            "--as",
            "--request-timeout",
            "-l",
            "--selector",
            "-o",
            "--output",
            "-f",
            "--filename",
            "-c",
            "--container",
        ],
    )?;
    let sub = args[i];
    let rest = &args[i + 1..];
    let shown = format!("kubectl {sub}");
    match sub {
        "get" | "describe" | "logs" | "top" | "explain" | "api-resources" | "api-versions"
        | "version" | "cluster-info" | "events" | "wait" | "diff" | "port-forward" => read(&shown),
        "auth" => match rest.first() {
            Some(&"can-i") | Some(&"whoami") => read(&shown),
            _ => None,
        },
        "config" => match rest.first() {
            Some(
                &"view" | &"get-contexts" | &"current-context" | &"get-clusters" | &"get-users",
            ) => read(&shown),
            Some(_) => write(&shown, "changes kubeconfig"),
            None => None,
        },
        "rollout" => match rest.first() {
            Some(&"status") | Some(&"history") => read(&shown),
            Some(_) => write(&format!("kubectl rollout {}", rest[0]), "changes a rollout"),
            None => None,
        },
        "replace" if rest.contains(&"--force") => {
            destroy("kubectl replace --force", "deletes and recreates resources")
        }
        "apply" | "create" | "scale" | "set" | "label" | "annotate" | "patch" | "edit"
        | "expose" | "autoscale" | "cordon" | "uncordon" | "cp" | "run" | "taint" | "replace"
        | "certificate" | "debug" | "attach" => write(&shown, "changes the cluster"),
        "delete" => destroy("kubectl delete", "deletes cluster resources"),
        "drain" => destroy("kubectl drain", "evicts every pod from a node"),
        "exec" => {
            let dash = rest.iter().position(|a| *a == "--")?;
            classify_inner(&rest[dash + 1..], ctx)
        }
        _ if basename(all[0]) == "oc" => classify_oc(sub, rest, ctx),
        _ => None,
    }
}

/// The verbs `oc` adds to kubectl's.
fn classify_oc(sub: &str, rest: &[&str], ctx: &Ctx) -> Option<Classification> {
    let shown = format!("oc {sub}");
    match sub {
        "whoami" | "status" | "projects" | "observe" => read(&shown),
        "project" => match first_positional(rest, &[]) {
            Some(_) => write(&shown, "switches the current project"),
            None => read(&shown),
        },
        "new-project" | "new-app" | "process" | "extract" | "tag" | "import-image"
        | "start-build" | "login" | "logout" => write(&shown, "changes the cluster or local files"),
        "rsh" => {
            let i = first_positional(rest, &["-c", "--container", "--shell", "-n", "--namespace"])?;
            let command = &rest[i + 1..];
            if command.is_empty() {
                None // an interactive shell runs anything
            } else {
                classify_inner(command, ctx)
            }
        }
        "adm" => {
            let i = first_positional(rest, &[])?;
            let verb = rest[i];
            let args = &rest[i + 1..];
            let shown = format!("oc adm {verb}");
            match verb {
                "top" | "node-logs" | "who-can" | "verify-image-signature" => read(&shown),
                "upgrade" if args.is_empty() => read(&shown),
                "drain" => destroy(&shown, "evicts every pod from a node"),
                "prune" => destroy(&shown, "deletes old images, builds or deployments"),
                "cordon" | "uncordon" | "taint" | "certificate" | "upgrade" | "policy"
                | "groups" | "must-gather" | "inspect" | "new-project" | "pod-network"
                | "release" => write(&shown, "changes the cluster or writes local files"),
                _ => None,
            }
        }
        _ => None,
    }
}

fn classify_helm(args: &[&str]) -> Option<Classification> {
    let i = first_positional(
        args,
        &["-n", "--namespace", "--kube-context", "--kubeconfig"],
    )?;
    let sub = args[i];
    let shown = format!("helm {sub}");
    match sub {
        "uninstall" | "delete" | "del" | "un" => {
            destroy(&shown, "removes the release and its resources")
        }
        "list" | "ls" | "status" | "history" | "get" | "show" | "inspect" | "template"
        | "search" | "version" | "lint" | "diff" | "env" | "verify" => read(&shown),
        "install" | "upgrade" | "rollback" | "repo" | "dependency" | "dep" | "plugin" | "pull"
        | "push" | "package" | "registry" => write(&shown, "changes releases or charts"),
        _ => None,
    }
}

fn classify_terraform(args: &[&str]) -> Option<Classification> {
    let i = first_positional(args, &[])?;
    let sub = args[i];
    let rest = &args[i + 1..];
    let shown = format!("terraform {sub}");
    match sub {
        "destroy" => destroy(&shown, "destroys managed infrastructure"),
        "apply" if rest.contains(&"-destroy") => destroy(
            "terraform apply -destroy",
            "destroys managed infrastructure",
        ),
        "apply" => write(&shown, "changes infrastructure"),
        "plan" | "show" | "output" | "validate" | "version" | "providers" | "graph" | "fmt"
        | "console" => read(&shown),
        "init" | "import" | "taint" | "untaint" | "refresh" | "force-unlock" | "get" => {
            write(&shown, "changes state")
        }
        "state" => match rest.first() {
            Some(&"list") | Some(&"show") | Some(&"pull") => read(&shown),
            Some(&"rm") | Some(&"push") | Some(&"replace-provider") => {
                destroy("terraform state rm", "rewrites state")
            }
            Some(&"mv") => write(&shown, "rewrites state"),
            _ => None,
        },
        "workspace" => match rest.first() {
            Some(&"list") | Some(&"show") => read(&shown),
            Some(&"delete") => destroy("terraform workspace delete", "deletes a workspace"),
            Some(_) => write(&shown, "changes workspaces"),
            None => None,
        },
        _ => None,
    }
}

fn classify_gh(args: &[&str]) -> Option<Classification> {
    let i = first_positional(args, &["-R", "--repo"])?;
    let group = args[i];
    let verb = args.get(i + 1).copied().unwrap_or("");
    let rest = &args[i + 1..];
    let shown = format!("gh {group} {verb}");
    match (group, verb) {
        ("api", _) => {
            let o = getopt(
                rest,
                "XfFHpqt",
                &[
                    "method",
                    "field",
                    "raw-field",
                    "header",
                    "input",
                    "jq",
                    "template",
                    "preview",
                    "hostname",
                    "cache",
                ],
                false,
            );
            let method = o
                .values(&["X", "method"])
                .next()
                .map(str::to_ascii_uppercase);
            if matches!(method.as_deref(), Some(m) if m != "GET")
                || o.has(&["f", "F", "field", "raw-field", "input"])
            {
                write("gh api", "sends a state-changing request")
            } else {
                read("gh api")
            }
        }
        (_, "list" | "view" | "status" | "checks" | "diff" | "watch") => read(&shown),
        ("repo" | "release", "delete") => destroy(&shown, "deletes it for good"),
        ("workflow" | "run" | "pr" | "issue" | "release" | "secret" | "variable" | "label", _) => {
            write(&shown, "changes GitHub state")
        }
        _ => None,
    }
}

fn classify_curl(args: &[&str]) -> Option<Classification> {
    const LONG_VAL: [&str; 44] = [
        "data",
        "data-raw",
        "data-binary",
        "data-urlencode",
        "data-ascii",
        "json",
        "form",
        "form-string",
        "request",
        "header",
        "output",
        "upload-file",
        "user",
        "user-agent",
        "referer",
        "cookie",
        "cookie-jar",
        "dump-header",
        "max-time",
        "connect-timeout",
        "retry",
        "retry-delay",
        "retry-max-time",
        "write-out",
        "proxy",
        "resolve",
        "cacert",
        "cert",
        "key",
        "config",
        "url",
        "output-dir",
        "range",
        "limit-rate",
        "interface",
        "unix-socket",
        "oauth2-bearer",
        "connect-to",
        "trace",
        "trace-ascii",
        "stderr",
        "netrc-file",
        "variable",
        "aws-sigv4",
    ];
    let o = getopt(args, "AbcCdDeEFHKmoPQrtTuUwxXyYz", &LONG_VAL, false);
    if o.has(&["K", "config"]) {
        return None; // a config file can set anything
    }
    let sinks = |names: &[&str]| o.values(names).any(|v| v != "-" && v != "/dev/null");
    if sinks(&[
        "o",
        "output",
        "c",
        "cookie-jar",
        "D",
        "dump-header",
        "trace",
        "trace-ascii",
        "stderr",
    ]) || o.has(&["O", "remote-name", "remote-name-all", "J", "output-dir"])
    {
        return write("curl -o", "writes files");
    }
    let method = o
        .values(&["X", "request"])
        .next()
        .map(str::to_ascii_uppercase);
    if let Some(m) = &method
        && !matches!(m.as_str(), "GET" | "HEAD" | "OPTIONS")
    {
        return write(&format!("curl -X {m}"), "sends a state-changing request");
    }
    let sends = o.has(&[
        "d",
        "data",
        "data-raw",
        "data-binary",
        "data-urlencode",
        "data-ascii",
        "json",
    ]);
    if o.has(&["F", "form", "form-string", "T", "upload-file"]) || (sends && !o.has(&["G", "get"]))
    {
        return write("curl -d", "sends a state-changing request");
    }
    read("curl")
}

fn classify_wget(args: &[&str]) -> Option<Classification> {
    let o = getopt(
        args,
        "OoaeiBtTwQPlARDIXU",
        &[
            "output-document",
            "output-file",
            "append-output",
            "execute",
            "input-file",
            "post-data",
            "post-file",
            "body-data",
            "body-file",
            "method",
            "header",
            "user-agent",
            "tries",
            "timeout",
            "directory-prefix",
        ],
        false,
    );
    let method = o.values(&["method"]).next().map(str::to_ascii_uppercase);
    if o.has(&["post-data", "post-file", "body-data", "body-file"])
        || method
            .as_deref()
            .is_some_and(|m| !matches!(m, "GET" | "HEAD"))
    {
        return write("wget --post-data", "sends a state-changing request");
    }
    if o.has(&["spider"]) {
        return read("wget --spider");
    }
    match o.values(&["O", "output-document"]).next() {
        Some("-") | Some("/dev/null") => read("wget -O-"),
        _ => write("wget", "saves files"),
    }
}

fn classify_redis_cli(args: &[&str]) -> Option<Classification> {
    const LONG_VAL: [&str; 21] = [
        "user",
        "pass",
        "sni",
        "cacert",
        "cacertdir",
        "cert",
        "key",
        "tls-ciphers",
        "tls-ciphersuites",
        "pattern",
        "quoted-pattern",
        "count",
        "rdb",
        "functions-rdb",
        "pipe-timeout",
        "memkeys-samples",
        "eval",
        "cluster",
        "intrinsic-latency",
        "cluster-yes",
        "show-pushes",
    ];
    let o = getopt(args, "hpasnurid", &LONG_VAL, true);
    if o.has(&["pipe", "eval", "lru-test"]) {
        return None;
    }
    if o.has(&["cluster"]) {
        let sub = o.values(&["cluster"]).next().unwrap_or("");
        return match sub {
            "info" | "check" => read("redis-cli --cluster check"),
            _ => None,
        };
    }
    if o.positional.is_empty() {
        if o.has(&[
            "scan",
            "bigkeys",
            "memkeys",
            "hotkeys",
            "stat",
            "latency",
            "latency-history",
            "latency-dist",
            "intrinsic-latency",
            "version",
            "v",
        ]) {
            return read("redis-cli --scan");
        }
        if o.has(&["rdb", "functions-rdb"]) {
            return write("redis-cli --rdb", "writes a dump file");
        }
        return None; // interactive, or commands from stdin
    }
    let (cmd, effect, what) = redis::lookup(&o.positional)?;
    Some(class(effect, format!("`redis-cli {cmd}` {what}")))
}

fn classify_psql(args: &[&str], ctx: &Ctx) -> Option<Classification> {
    let o = getopt(
        args,
        "cdfhpUvPFRoLT",
        &[
            "command",
            "dbname",
            "file",
            "host",
            "port",
            "username",
            "set",
            "variable",
            "pset",
            "field-separator",
            "record-separator",
            "output",
            "log-file",
            "table-attr",
        ],
        false,
    );
    if o.has(&["f", "file"]) {
        return None; // the SQL is in a file we do not read
    }
    let commands: Vec<&str> = o.values(&["c", "command"]).collect();
    if commands.is_empty() {
        if o.has(&["l", "list", "V", "version"]) {
            return read("psql -l");
        }
        if let Some(body) = ctx.heredoc.filter(|b| !b.dynamic) {
            return psql_script(&body.text);
        }
        if ctx.stdin_file.is_some() || ctx.piped {
            return destroy("psql < dump", "replays a script or dump over current data");
        }
        return None;
    }
    let mut acc = None;
    for sql_text in commands {
        let c = if let Some(meta) = sql_text.trim_start().strip_prefix('\\') {
            psql_meta(meta)?
        } else {
            sql::classify_sql(sql_text)?
        };
        acc = Some(worst(acc, c));
    }
    let mut c = acc?;
    if c.effect > Read {
        c.reason = format!("`psql -c`: {}", c.reason);
    }
    if o.has(&["o", "output", "L", "log-file"]) {
        c = worst(Some(c), class(Write, "`psql -o` writes a file"));
    }
    Some(c)
}

/// SQL a here-document feeds psql: its backslash lines are meta-commands, the rest is SQL.
fn psql_script(body: &str) -> Option<Classification> {
    let (meta, sql_lines): (Vec<&str>, Vec<&str>) =
        body.lines().partition(|l| l.trim_start().starts_with('\\'));
    let mut acc = None;
    for m in meta {
        acc = Some(worst(
            acc,
            psql_meta(m.trim_start().trim_start_matches('\\'))?,
        ));
    }
    let sql_text = sql_lines.join("\n");
    if !sql_text.trim().is_empty() {
        acc = Some(worst(acc, sql::classify_sql(&sql_text)?));
    }
    let mut c = acc?;
    if c.effect > Read {
        c.reason = format!("psql here-document: {}", c.reason);
    }
    Some(c)
}

/// psql backslash commands that only describe.
fn psql_meta(meta: &str) -> Option<Classification> {
    let cmd = meta.split_whitespace().next().unwrap_or_default();
    let describes = cmd.starts_with('d') && !cmd.contains("copy")
        || matches!(
            cmd,
            "l" | "l+" | "conninfo" | "x" | "timing" | "encoding" | "z" | "sf" | "sv" | "?"
        );
    describes.then(|| class(Read, format!("`\\{cmd}` only describes")))
}

fn classify_mysql(args: &[&str], ctx: &Ctx) -> Option<Classification> {
    let o = getopt(
        args,
        "ehPuDSO",
        &["execute", "host", "port", "user", "database", "socket"],
        false,
    );
    let commands: Vec<&str> = o.values(&["e", "execute"]).collect();
    if commands.is_empty() {
        if ctx.stdin_file.is_some() || ctx.piped {
            return destroy("mysql < dump", "replays a script or dump over current data");
        }
        return None;
    }
    let mut acc = None;
    for sql_text in commands {
        acc = Some(worst(
            acc,
            sql::classify_sql_with(&sqlparser::dialect::MySqlDialect {}, sql_text)?,
        ));
    }
    let mut c = acc?;
    if c.effect > Read {
        c.reason = format!("`mysql -e`: {}", c.reason);
    }
    Some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(cmd: &Command) -> Vec<&str> {
        cmd.words.iter().map(|w| w.text.as_str()).collect()
    }

    /// Every command of every pipeline, as word lists.
    fn shape(line: &str) -> Vec<Vec<Vec<String>>> {
        let script = parse(line).unwrap_or_else(|e| panic!("{line}: {e:?}"));
        script
            .pipelines
            .iter()
            .map(|p| {
                p.commands
                    .iter()
                    .map(|c| words(c).into_iter().map(String::from).collect())
                    .collect()
            })
            .collect()
    }

    fn effect(line: &str) -> Option<Effect> {
        classify_shell(line).map(|c| c.effect)
    }

    #[test]
    fn quotes_and_escapes() {
        assert_eq!(
            shape(r#"echo 'a b' "c d" e\ f"#),
            vec![vec![vec!["echo", "a b", "c d", "e f"]]]
        );
        assert_eq!(
            shape(r#"echo "a \"b\" \$x \n""#),
            vec![vec![vec!["echo", "a \"b\" $x \\n"]]]
        );
        assert_eq!(shape(r"echo 'it'\''s'"), vec![vec![vec!["echo", "it's"]]]);
        assert_eq!(shape(r"echo $'a\'b'"), vec![vec![vec!["echo", "a'b"]]]);
        assert_eq!(shape("echo a \\\n b"), vec![vec![vec!["echo", "a", "b"]]]);
        // Operators inside quotes are text.
        assert_eq!(
            shape("echo 'a | b && c; d'"),
            vec![vec![vec!["echo", "a | b && c; d"]]]
        );
        assert!(parse("echo 'open").is_err());
        assert!(parse("echo \"open").is_err());
        assert!(parse("echo open\\").is_err());
    }

    #[test]
    fn operators_split_segments() {
        let s = shape("a | b || c && d; e & f\ng |& h");
        let flat: Vec<usize> = s.iter().map(Vec::len).collect();
        assert_eq!(flat, vec![2, 1, 1, 1, 1, 2]);
        assert_eq!(shape("a|b")[0].len(), 2);
        assert_eq!(shape("a;b").len(), 2);
        assert_eq!(shape("a&&\nb").len(), 2, "newline after && continues");
        assert!(parse("a |").is_err());
        assert!(parse("| a").is_err());
        assert!(parse("a && ; b").is_err());
        assert!(parse("a ;; b").is_err());
        assert!(parse("a && \\\n").is_err());
        assert!(parse("a )").is_err());
    }

    #[test]
    fn comments() {
        assert_eq!(shape("ls # rm -rf /"), vec![vec![vec!["ls"]]]);
        assert_eq!(shape("echo a#b"), vec![vec![vec!["echo", "a#b"]]]);
        assert_eq!(shape("echo '#' x"), vec![vec![vec!["echo", "#", "x"]]]);
    }

    #[test]
    fn substitutions_are_parsed() {
        let s = parse("echo $(a $(b c) `d`) \"$(e)\" <(f) `g \\`h\\``").unwrap();
        let cmd = &s.pipelines[0].commands[0];
        assert_eq!(cmd.substs.len(), 4);
        // `$(a $(b c) `d`)` holds its own two substitutions.
        let outer = &cmd.substs[0].pipelines[0].commands[0];
        assert_eq!(words(outer), vec!["a", "$(…)", "`…`"]);
        assert_eq!(outer.substs.len(), 2);
        assert_eq!(
            words(&cmd.substs[3].pipelines[0].commands[0]),
            vec!["g", "`…`"]
        );
        assert!(cmd.words[1].dynamic);
        assert!(parse("echo $(ls").is_err());
        assert!(parse("echo `ls").is_err());
        assert!(parse("echo ${X:-$(rm -rf /)}").is_err());
        assert!(parse("echo $(( $(id -u) + 1 ))").is_err());
        assert_eq!(
            shape("echo $((1 + 2))"),
            vec![vec![vec!["echo", "$((1 + 2))"]]]
        );
        // A `)` inside quotes does not close the substitution.
        assert_eq!(
            words(
                &parse("echo $(echo ')')").unwrap().pipelines[0].commands[0].substs[0].pipelines[0]
                    .commands[0]
            ),
            vec!["echo", ")"]
        );
    }

    #[test]
    fn subshells_and_redirects() {
        let s = parse("(cd /x && rm -r y) > log 2>&1").unwrap();
        let cmd = &s.pipelines[0].commands[0];
        assert_eq!(cmd.subshell.as_ref().unwrap().pipelines.len(), 2);
        let kinds: Vec<RedirKind> = cmd.redirects.iter().map(|r| r.kind).collect();
        assert_eq!(kinds, vec![RedirKind::Out, RedirKind::Dup]);
        let s = parse("cat <in >>out 2>/dev/null <<< 'x' &>all").unwrap();
        let kinds: Vec<RedirKind> = s.pipelines[0].commands[0]
            .redirects
            .iter()
            .map(|r| r.kind)
            .collect();
        assert_eq!(
            kinds,
            vec![
                RedirKind::In,
                RedirKind::Append,
                RedirKind::Out,
                RedirKind::HereString,
                RedirKind::Out
            ]
        );
        assert_eq!(words(&s.pipelines[0].commands[0]), vec!["cat"]);
        assert!(parse("cat <<EOF").is_err(), "here-documents fail closed");
        assert!(parse("ls >").is_err());
        assert!(parse("(ls").is_err());
        assert!(parse("(ls) x").is_err());
    }

    #[test]
    fn classification_through_the_segmenter() {
        assert_eq!(effect("echo 'rm -rf /'"), Some(Effect::Read));
        assert_eq!(effect("echo \"$(rm -rf /)\""), Some(Effect::Destructive));
        assert_eq!(
            effect("echo \\$(rm -rf /)"),
            None,
            "a bare `(` after escaped `$` is a syntax error"
        );
        assert_eq!(effect("echo a\\;rm -rf /"), Some(Effect::Read));
        assert_eq!(effect("r\"m\" -rf /"), Some(Effect::Destructive));
        assert_eq!(effect("FOO=$(rm -rf /)"), Some(Effect::Destructive));
        assert_eq!(effect("ls > out"), Some(Effect::Write));
        assert_eq!(effect("ls 2>/dev/null"), Some(Effect::Read));
        assert_eq!(effect("ls | ./unknown"), None);
        assert_eq!(
            effect("git log | head; git reset --hard"),
            Some(Effect::Destructive)
        );
    }
}
