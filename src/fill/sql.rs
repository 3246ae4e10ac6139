//! SQL: each hole becomes the body of an `E'...'` string literal, its value with `\` and `'`
//! doubled, so no value can end the literal or add a statement.
//!
//! A hole inside the author's `'...'` turns that literal into `E'...'` (its own backslashes
//! doubled, so it means what it meant under `standard_conforming_strings = on`, which lrb sets
//! for its sessions); a bare hole (`LIMIT #{n}`) becomes a literal of its own, which
//! PostgreSQL casts where the SQL needs a number or a date. A hole in a `"..."` identifier has
//! `"` doubled; one in a comment must keep the comment closed ([`Rule::OneLine`],
//! [`Rule::InComment`]). Dollar-quoted bodies and the other string forms are refused: their
//! text may be code (a function body) or has escapes of its own.

use super::{Rule, Unfillable};
use crate::action::Template;
use crate::safety::shell::hole_of;
use serde::Serialize;

/// SQL whose holes have been placed.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct SqlText {
    pub template: Template,
    pub pieces: Vec<SqlPiece>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum SqlPiece {
    Text(String),
    Hole { param: String, spot: Spot },
}

/// How a hole's value is written into the SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Spot {
    /// Inside `E'...'`: `\` and `'` doubled.
    Literal,
    /// Inside `"..."`: `"` doubled. The value names a table, a column or a function.
    Identifier,
    /// In a `--` comment, as it is.
    LineComment,
    /// In a `/* */` comment, as it is.
    BlockComment,
}

/// `value` as the body of an `E'...'` literal.
pub fn escape_literal(value: &str) -> String {
    value.replace('\\', "\\\\").replace('\'', "''")
}

/// `value` as the body of a `"..."` identifier.
pub fn escape_identifier(value: &str) -> String {
    value.replace('"', "\"\"")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Code,
    /// `'...'`
    Standard,
    /// `E'...'` (the `E` is part of the token)
    Escape,
    /// `"..."`
    Quoted,
    LineComment,
    BlockComment,
    /// `$tag$...$tag$`, `U&'...'`, `B'...'`, `X'...'`, `N'...'`
    Other(&'static str),
}

/// PostgreSQL's lexical structure, as far as quoting goes: `(kind, start, end)` over chars.
fn tokens(chars: &[char]) -> Result<Vec<(Kind, usize, usize)>, &'static str> {
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$' || hole_of(c).is_some();
    let mut out = Vec::new();
    let mut i = 0;
    let mut code_start = 0;
    let flush = |out: &mut Vec<(Kind, usize, usize)>, from: usize, to: usize| {
        if to > from {
            out.push((Kind::Code, from, to));
        }
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let prev_ident = i > 0 && ident(chars[i - 1]);
        let start = i;
        let (kind, end) = if c == '-' && next == Some('-') {
            let end = (i..chars.len())
                .find(|&k| chars[k] == '\n')
                .unwrap_or(chars.len());
            (Kind::LineComment, end)
        } else if c == '/' && next == Some('*') {
            let mut depth = 0usize;
            let mut k = i;
            loop {
                if k + 1 >= chars.len() {
                    return Err("a `/*` comment is not closed");
                }
                if chars[k] == '/' && chars[k + 1] == '*' {
                    depth += 1;
                    k += 2;
                } else if chars[k] == '*' && chars[k + 1] == '/' {
                    depth -= 1;
                    k += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    k += 1;
                }
            }
            (Kind::BlockComment, k)
        } else if c == '\'' {
            let prefix = if i > 0 { Some(chars[i - 1]) } else { None };
            let before_prefix = i >= 2 && ident(chars[i - 2]);
            let kind = match prefix {
                Some('E' | 'e') if !before_prefix => Kind::Escape,
                Some('&') if i >= 2 && matches!(chars[i - 2], 'U' | 'u') => Kind::Other("U&'...'"),
                Some('B' | 'b' | 'X' | 'x' | 'N' | 'n') if !before_prefix => {
                    Kind::Other("a B'', X'' or N'' string")
                }
                _ => Kind::Standard,
            };
            let mut k = i + 1;
            loop {
                match chars.get(k) {
                    None => return Err("a string literal is not closed"),
                    Some('\\') if kind == Kind::Escape => k += 2,
                    Some('\'') if chars.get(k + 1) == Some(&'\'') => k += 2,
                    Some('\'') => break,
                    Some(_) => k += 1,
                }
            }
            // The prefix letters belong to the literal.
            let start = match kind {
                Kind::Escape | Kind::Other("a B'', X'' or N'' string") => i - 1,
                Kind::Other(_) => i - 2,
                _ => i,
            };
            flush(&mut out, code_start, start);
            out.push((kind, start, k + 1));
            i = k + 1;
            code_start = i;
            continue;
        } else if c == '"' {
            let mut k = i + 1;
            loop {
                match chars.get(k) {
                    None => return Err("a quoted identifier is not closed"),
                    Some('"') if chars.get(k + 1) == Some(&'"') => k += 2,
                    Some('"') => break,
                    Some(_) => k += 1,
                }
            }
            (Kind::Quoted, k + 1)
        } else if c == '$' && !prev_ident {
            let tag_end = (i + 1..chars.len())
                .find(|&k| !(chars[k].is_alphanumeric() || chars[k] == '_'))
                .unwrap_or(chars.len());
            let tag_ok = chars.get(tag_end) == Some(&'$')
                && chars.get(i + 1).is_none_or(|c| !c.is_ascii_digit());
            if !tag_ok {
                i += 1;
                continue;
            }
            let tag: Vec<char> = chars[i..=tag_end].to_vec();
            let body = tag_end + 1;
            let close = (body..chars.len())
                .find(|&k| chars[k..].starts_with(&tag))
                .ok_or("a dollar-quoted string is not closed")?;
            (
                Kind::Other("a dollar-quoted `$$...$$` body"),
                close + tag.len(),
            )
        } else {
            i += 1;
            continue;
        };
        flush(&mut out, code_start, start);
        out.push((kind, start, end));
        i = end;
        code_start = end;
    }
    flush(&mut out, code_start, chars.len());
    Ok(out)
}

/// Places every hole of `template`.
pub fn analyze(template: &Template) -> Result<SqlText, Unfillable> {
    let (marked, params) = super::marked(template);
    let chars: Vec<char> = marked.chars().collect();
    let text = |from: usize, to: usize| chars[from..to].iter().collect::<String>();
    if params.is_empty() {
        return Ok(SqlText {
            template: template.clone(),
            pieces: vec![SqlPiece::Text(text(0, chars.len()))],
        });
    }
    let refuse = |param: &str, why: String, help: &str| Unfillable {
        param: param.to_string(),
        why,
        help: help.to_string(),
    };
    let lowered: String = chars.iter().collect::<String>().to_lowercase();
    if lowered.contains("standard_conforming_strings") {
        return Err(refuse(
            &params[0],
            "the SQL changes `standard_conforming_strings`, which decides how lrb must quote `#{...}` values".into(),
            "Leave the setting alone in SQL that takes parameters.",
        ));
    }
    let toks = tokens(&chars).map_err(|e| {
        refuse(
            &params[0],
            format!("lrb cannot tell where `#{{{}}}` sits: {e}", params[0]),
            "Close every string, identifier and comment in the SQL.",
        )
    })?;
    let mut pieces: Vec<SqlPiece> = Vec::new();
    let push_text = |pieces: &mut Vec<SqlPiece>, t: &str| match pieces.last_mut() {
        Some(SqlPiece::Text(last)) => last.push_str(t),
        _ => pieces.push(SqlPiece::Text(t.to_string())),
    };
    for (kind, start, end) in toks {
        let holes: Vec<usize> = chars[start..end]
            .iter()
            .filter_map(|c| hole_of(*c))
            .collect();
        if holes.is_empty() {
            push_text(&mut pieces, &text(start, end));
            continue;
        }
        let spot = match kind {
            Kind::Code => None,
            Kind::Standard | Kind::Escape => Some(Spot::Literal),
            Kind::Quoted => Some(Spot::Identifier),
            Kind::LineComment => Some(Spot::LineComment),
            Kind::BlockComment => Some(Spot::BlockComment),
            Kind::Other(what) => {
                let param = &params[holes[0]];
                return Err(refuse(
                    param,
                    format!(
                        "`#{{{param}}}` is inside {what}, where a value could be code or escapes"
                    ),
                    "Put the value in a plain string literal `'...#{name}...'` or on its own.",
                ));
            }
        };
        let body = |from: usize, to: usize, pieces: &mut Vec<SqlPiece>, spot: Spot| {
            for &c in &chars[from..to] {
                match hole_of(c) {
                    Some(h) => pieces.push(SqlPiece::Hole {
                        param: params[h].clone(),
                        spot,
                    }),
                    // A standard literal's backslashes are plain: doubled in the `E'...'` form.
                    None if kind == Kind::Standard && c == '\\' => push_text(pieces, "\\\\"),
                    None => push_text(pieces, &c.to_string()),
                }
            }
        };
        match (kind, spot) {
            (Kind::Standard, Some(spot)) => {
                push_text(&mut pieces, "E'");
                body(start + 1, end - 1, &mut pieces, spot);
                push_text(&mut pieces, "'");
            }
            (_, Some(spot)) => body(start, end, &mut pieces, spot),
            (_, None) => {
                // Code: each bare hole is a literal of its own, set apart from its neighbours
                // so it can never join a name (`E` would make an escape string of it).
                for &c in &chars[start..end] {
                    match hole_of(c) {
                        Some(h) => {
                            push_text(&mut pieces, " E'");
                            pieces.push(SqlPiece::Hole {
                                param: params[h].clone(),
                                spot: Spot::Literal,
                            });
                            push_text(&mut pieces, "' ");
                        }
                        None => push_text(&mut pieces, &c.to_string()),
                    }
                }
            }
        }
    }
    Ok(SqlText {
        template: template.clone(),
        pieces,
    })
}

impl SqlText {
    /// The SQL sent to PostgreSQL, each hole filled with `value(param)` escaped for its spot.
    pub fn render(&self, value: impl Fn(&str) -> String) -> String {
        self.pieces
            .iter()
            .map(|p| match p {
                SqlPiece::Text(t) => t.clone(),
                SqlPiece::Hole { param, spot } => {
                    let v = value(param);
                    match spot {
                        Spot::Literal => escape_literal(&v),
                        Spot::Identifier => escape_identifier(&v),
                        Spot::LineComment | Spot::BlockComment => v,
                    }
                }
            })
            .collect()
    }

    /// The SQL with a plain word in every hole: what the checker classifies.
    pub fn sample(&self) -> String {
        self.render(|_| "param".to_string())
    }

    /// Each hole's parameter with the rule its value must meet.
    pub fn rules(&self) -> impl Iterator<Item = (&str, Rule)> {
        self.pieces.iter().filter_map(|p| match p {
            SqlPiece::Hole {
                param,
                spot: Spot::LineComment,
            } => Some((param.as_str(), Rule::OneLine)),
            SqlPiece::Hole {
                param,
                spot: Spot::BlockComment,
            } => Some((param.as_str(), Rule::InComment)),
            _ => None,
        })
    }

    /// Parameters that name an object (`"#{table}"`): quoting keeps them one name, but the
    /// value picks which table or function the SQL touches.
    pub fn identifiers(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            SqlPiece::Hole {
                param,
                spot: Spot::Identifier,
            } => Some(param.as_str()),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Part;

    fn sql(parts: &[(&str, bool)]) -> SqlText {
        analyze(&Template {
            parts: parts
                .iter()
                .map(|(t, p)| {
                    if *p {
                        Part::Param(t.to_string())
                    } else {
                        Part::Text(t.to_string())
                    }
                })
                .collect(),
        })
        .unwrap()
    }

    #[test]
    fn holes_become_escaped_literals() {
        let q = sql(&[
            ("SELECT 1 FROM jobs WHERE queue = '", false),
            ("q", true),
            ("'", false),
        ]);
        let hostile = "x'; DROP TABLE victim; --";
        assert_eq!(
            q.render(|_| hostile.to_string()),
            "SELECT 1 FROM jobs WHERE queue = E'x''; DROP TABLE victim; --'"
        );
        let q = sql(&[
            ("SELECT 'a\\b-", false),
            ("v", true),
            ("' LIMIT ", false),
            ("n", true),
        ]);
        assert_eq!(
            q.render(|p| if p == "v" { "\\'".into() } else { "5".into() }),
            "SELECT E'a\\\\b-\\\\''' LIMIT  E'5' "
        );
        let q = sql(&[("SELECT E", false), ("v", true)]);
        assert_eq!(q.render(|_| "\\'".into()), "SELECT E E'\\\\''' ");
    }

    #[test]
    fn identifiers_and_comments_keep_their_quotes() {
        let q = sql(&[
            ("SELECT * FROM \"", false),
            ("t", true),
            ("\" -- by ", false),
            ("who", true),
        ]);
        assert_eq!(
            q.render(|p| if p == "t" { "a\"b".into() } else { "me".into() }),
            "SELECT * FROM \"a\"\"b\" -- by me"
        );
        assert_eq!(q.identifiers().collect::<Vec<_>>(), ["t"]);
        assert_eq!(q.rules().collect::<Vec<_>>(), [("who", Rule::OneLine)]);
    }

    #[test]
    fn dollar_quotes_and_unclosed_strings_are_refused() {
        let t = |s: &str| Template {
            parts: vec![
                Part::Text(s.into()),
                Part::Param("v".into()),
                Part::Text("$$".into()),
            ],
        };
        assert!(analyze(&t("DO $$ BEGIN PERFORM ")).is_err());
        assert!(
            analyze(&Template {
                parts: vec![Part::Text("SELECT 'a".into()), Part::Param("v".into())],
            })
            .is_err()
        );
        // `$1` placeholders and `a$b` names are not dollar quotes.
        assert!(analyze(&t("SELECT a$b, $1, ")).is_ok());
    }
}
