//! The segmenter: one quote-aware pass splits a shell line into pipelines, commands, words,
//! redirections and substitutions, and notes where each parameter hole sits.
//!
//! It is hand-written rather than built on a word-splitting crate: operators, redirections and
//! substitutions can only be found reliably by the same pass that tracks quoting, and two quote
//! trackers that disagree would be a hole. Anything it does not understand (`case`, arithmetic
//! with substitutions, unbalanced quotes) is an error, and errors classify as `None`.

pub(super) const MAX_DEPTH: usize = 24;

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

/// A word reads as its text, so the option parser takes words as well as strings.
impl AsRef<str> for Word {
    fn as_ref(&self) -> &str {
        &self.text
    }
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

pub(super) fn parse_at_depth(input: &str, depth: usize) -> Result<Script, LexError> {
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

/// What a [`Lexer::scan`] step did with the character it was shown.
enum Scan {
    /// Consumed it; the span goes on.
    Take,
    /// It closes the span: consumed, and the scan ends.
    Close,
    /// The span ends before it.
    Stop,
    /// The step read on by itself; the span goes on from where it left off.
    Moved,
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

    /// The one loop over a span (a quote, a substitution, a comment, a line): shows `step`
    /// each character until it closes or stops the span. At the end of input that is the error
    /// `unterminated` when given, else the span's end.
    fn scan(
        &mut self,
        unterminated: Option<&'static str>,
        mut step: impl FnMut(&mut Self, char) -> Result<Scan, LexError>,
    ) -> Result<(), LexError> {
        loop {
            let Some(c) = self.peek() else {
                return unterminated.map_or(Ok(()), |m| Err(LexError(m)));
            };
            match step(self, c)? {
                Scan::Take => self.pos += 1,
                Scan::Close => {
                    self.pos += 1;
                    return Ok(());
                }
                Scan::Stop => return Ok(()),
                Scan::Moved => {}
            }
        }
    }

    fn skip_blanks(&mut self) -> Result<(), LexError> {
        self.scan(None, |_, c| {
            Ok(if matches!(c, ' ' | '\t') {
                Scan::Take
            } else {
                Scan::Stop
            })
        })
    }

    /// The rest of the line, and the newline that ends it.
    fn line(&mut self) -> Result<String, LexError> {
        let mut line = String::new();
        self.scan(None, |_, c| {
            if c == '\n' {
                return Ok(Scan::Close);
            }
            line.push(c);
            Ok(Scan::Take)
        })?;
        Ok(line)
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
                '#' => self.scan(None, |l, c| {
                    if c == '\n' {
                        return Ok(Scan::Stop);
                    }
                    l.site(c, Quoting::Comment, None);
                    Ok(Scan::Take)
                })?,
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
        self.skip_blanks()?;
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
        self.scan(None, |l, c| {
            match c {
                _ if is_meta(c) => return Ok(Scan::Stop),
                '\\' => {
                    l.pos += 1;
                    match l.peek() {
                        None => return Err(LexError("trailing backslash")),
                        Some('\n') => l.pos += 1,
                        Some(e) => {
                            w.text.push(e);
                            w.quoted = true;
                            l.pos += 1;
                        }
                    }
                }
                '\'' => {
                    l.pos += 1;
                    w.quoted = true;
                    l.scan(Some("unterminated `'`"), |l, ch| {
                        l.inside_quotes()?;
                        if ch == '\'' {
                            return Ok(Scan::Close);
                        }
                        l.site(ch, Quoting::Single, Some(&mut w));
                        w.text.push(ch);
                        Ok(Scan::Take)
                    })?;
                }
                '"' => {
                    l.pos += 1;
                    w.quoted = true;
                    l.double_quoted(&mut w, cmd)?;
                }
                '`' => {
                    l.pos += 1;
                    l.backtick(&mut w, cmd, false)?;
                }
                '$' => l.dollar(&mut w, cmd, false)?,
                _ => {
                    l.site(c, Quoting::Bare, Some(&mut w));
                    w.text.push(c);
                    return Ok(Scan::Take);
                }
            }
            Ok(Scan::Moved)
        })?;
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
        self.scan(Some("unterminated `\"`"), |l, c| {
            l.inside_quotes()?;
            match c {
                '"' => return Ok(Scan::Close),
                '\\' => {
                    l.pos += 1;
                    match l.peek() {
                        None => return Err(LexError("unterminated `\"`")),
                        Some('\n') => l.pos += 1,
                        Some(e @ ('$' | '`' | '"' | '\\')) => {
                            w.text.push(e);
                            l.pos += 1;
                        }
                        Some(e) => {
                            w.text.push('\\');
                            w.text.push(e);
                            l.pos += 1;
                        }
                    }
                }
                _ => return l.expanding(c, w, cmd, Quoting::Double),
            }
            Ok(Scan::Moved)
        })
    }

    /// A character of text that expands (double-quoted, or an unquoted here-document's body):
    /// a substitution, a parameter, or itself.
    fn expanding(
        &mut self,
        c: char,
        w: &mut Word,
        cmd: &mut Command,
        quoting: Quoting,
    ) -> Result<Scan, LexError> {
        match c {
            '`' => {
                self.pos += 1;
                // Inside `"`, `\"` in the backtick body stands for `"`.
                self.backtick(w, cmd, quoting == Quoting::Double)?;
            }
            '$' => self.dollar(w, cmd, true)?,
            _ => {
                self.site(c, quoting, Some(w));
                w.text.push(c);
                return Ok(Scan::Take);
            }
        }
        Ok(Scan::Moved)
    }

    /// After `<<`: the delimiter, then the body, read from the line after this one; the
    /// newline ending this line then skips over it.
    fn heredoc(&mut self, cmd: &mut Command) -> Result<(), LexError> {
        let strip_tabs = self.peek() == Some('-');
        if strip_tabs {
            self.pos += 1;
        }
        self.skip_blanks()?;
        if self.peek().is_none_or(is_meta) {
            return Err(LexError("here-document without a delimiter"));
        }
        let Token::Word(delim) = self.word(cmd)? else {
            return Err(LexError("here-document without a delimiter"));
        };
        if !delim.holes.is_empty() || delim.dynamic {
            return Err(LexError("a here-document's delimiter must be plain text"));
        }
        // The body is read where it stands, then the lexer comes back here.
        let back = self.pos;
        match self.heredoc_resume {
            Some(resume) => self.pos = resume,
            None => {
                // The first here-document of this line: its body starts on the next one.
                self.scan(Some("here-document without a body"), |_, c| {
                    Ok(if c == '\n' { Scan::Stop } else { Scan::Take })
                })?;
                self.heredoc_line_end = Some(self.pos);
                self.pos += 1;
            }
        }
        let mut lines = Vec::new();
        loop {
            if self.peek().is_none() {
                return Err(LexError("unterminated here-document"));
            }
            let line = self.line()?;
            let line = if strip_tabs {
                line.trim_start_matches('\t').to_string()
            } else {
                line
            };
            if line == delim.text {
                break;
            }
            lines.push(line);
        }
        self.heredoc_resume = Some(std::mem::replace(&mut self.pos, back));
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
        self.scan(None, |l, c| {
            match c {
                '\\' => {
                    l.pos += 1;
                    match l.peek() {
                        Some('\n') => l.pos += 1,
                        Some(e @ ('$' | '`' | '\\')) => {
                            w.text.push(e);
                            l.pos += 1;
                        }
                        _ => w.text.push('\\'),
                    }
                }
                _ => return l.expanding(c, w, cmd, Quoting::Heredoc),
            }
            Ok(Scan::Moved)
        })
    }

    /// After the opening backtick: the body up to the closing one, unescaped, parsed as a script.
    fn backtick(&mut self, w: &mut Word, cmd: &mut Command, in_dq: bool) -> Result<(), LexError> {
        let mut body = String::new();
        self.scan(Some("unterminated backtick"), |l, c| {
            match c {
                '`' => return Ok(Scan::Close),
                '\\' => {
                    l.pos += 1;
                    match l.peek() {
                        None => return Err(LexError("unterminated backtick")),
                        Some(e @ ('$' | '`' | '\\')) => body.push(e),
                        Some('"') if in_dq => body.push('"'),
                        Some(e) => {
                            body.push('\\');
                            body.push(e);
                        }
                    }
                }
                _ => body.push(c),
            }
            Ok(Scan::Take)
        })?;
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
                self.scan(Some("unterminated `$((`"), |l, c| {
                    match c {
                        '(' => depth += 1,
                        ')' => {
                            depth -= 1;
                            if depth == 0 {
                                return Ok(Scan::Close);
                            }
                        }
                        '`' | '$' | '\'' | '"' | '\\' => {
                            return Err(LexError("expansion inside arithmetic"));
                        }
                        _ => l.site(c, Quoting::Arithmetic, Some(w)),
                    }
                    Ok(Scan::Take)
                })?;
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
                self.scan(Some("unterminated `${`"), |l, c| match c {
                    '}' => Ok(Scan::Close),
                    // Defaults like `${X:-$(cmd)}` could run anything.
                    '`' | '$' | '\'' | '"' | '\\' | '{' if l.pos > start => {
                        Err(LexError("nested expansion inside `${`"))
                    }
                    _ => {
                        l.site(c, Quoting::Expansion, Some(w));
                        Ok(Scan::Take)
                    }
                })?;
                let text: String = self.chars[start..self.pos].iter().collect();
                w.text.push('$');
                w.text.push_str(&text);
                w.dynamic = true;
            }
            Some('\'') if !in_dq => {
                // ANSI-C quoting: `\'` does not end it.
                self.pos += 1;
                w.quoted = true;
                self.scan(Some("unterminated `$'`"), |l, c| {
                    match c {
                        '\'' => return Ok(Scan::Close),
                        '\\' => {
                            l.pos += 1;
                            let e = l.peek().ok_or(LexError("unterminated `$'`"))?;
                            w.text.push(match e {
                                'n' => '\n',
                                't' => '\t',
                                'r' => '\r',
                                _ => e,
                            });
                        }
                        _ => {
                            l.site(c, Quoting::AnsiC, Some(w));
                            w.text.push(c);
                        }
                    }
                    Ok(Scan::Take)
                })?;
            }
            Some('"') if !in_dq => {
                self.pos += 1;
                w.quoted = true;
                self.double_quoted(w, cmd)?;
            }
            Some(c) if c.is_ascii_alphanumeric() || c == '_' => {
                w.text.push('$');
                self.scan(None, |_, c| {
                    if !(c.is_ascii_alphanumeric() || c == '_') {
                        return Ok(Scan::Stop);
                    }
                    w.text.push(c);
                    Ok(Scan::Take)
                })?;
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

/// `NAME=value`: an assignment, not a command word.
pub(super) fn is_assignment(w: &Word) -> bool {
    let Some((name, _)) = w.text.split_once('=') else {
        return false;
    };
    !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
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
}
