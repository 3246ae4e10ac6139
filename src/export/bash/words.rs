//! Turning runbook text into bash words. Every literal goes through [`quote`], the one
//! quoting function; parameters become `"${LRB_P_name}"` expansions, which the shell never
//! parses again, so no value can run as code.

use crate::action::{Part, Template};
use crate::export::ExportError;

/// Quotes `text` as one bash word with shlex. Text shlex leaves bare (nothing special in it)
/// is single-quoted anyway, so every literal in the script reads the same and none looks like
/// arithmetic or a glob to a reader or to shellcheck.
pub fn quote(text: &str) -> Result<String, ExportError> {
    let quoted = shlex::try_quote(text).map_err(|_| ExportError::Nul {
        what: format!("the text {:?}", text.replace('\0', "\\0")),
    })?;
    Ok(if quoted == text {
        format!("'{text}'")
    } else {
        quoted.into_owned()
    })
}

/// Whether `name` can be a bash variable name.
pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `name` checked as a shell variable name.
pub fn identifier<'a>(what: &'static str, name: &'a str) -> Result<&'a str, ExportError> {
    if is_identifier(name) {
        Ok(name)
    } else {
        Err(ExportError::Name {
            what,
            name: name.to_string(),
        })
    }
}

/// The variable that holds parameter `name` in the script.
pub fn param_var(name: &str) -> Result<String, ExportError> {
    Ok(format!("LRB_P_{}", identifier("parameter", name)?))
}

/// The environment variable the operator may set for parameter `name`.
pub fn param_env(name: &str) -> Result<String, ExportError> {
    Ok(format!(
        "LRB_PARAM_{}",
        identifier("parameter", name)?.to_ascii_uppercase()
    ))
}

/// A template as one bash word: quoted text, with `"${LRB_P_name}"` for each parameter.
pub fn word(t: &Template) -> Result<String, ExportError> {
    let mut out = String::new();
    for part in &t.parts {
        match part {
            Part::Text(text) if text.is_empty() => {}
            Part::Text(text) => out.push_str(&quote(text)?),
            Part::Param(name) => out.push_str(&format!("\"${{{}}}\"", param_var(name)?)),
        }
    }
    if out.is_empty() {
        out.push_str("''");
    }
    Ok(out)
}

/// A shell command line for `bash -c`, quoted as one word: the author's text as written, each
/// parameter as `"${LRB_P_name}"`, which the inner bash expands from its environment.
pub fn shell_line(t: &Template) -> Result<String, ExportError> {
    let mut line = String::new();
    for part in &t.parts {
        match part {
            Part::Text(text) => line.push_str(text),
            Part::Param(name) => line.push_str(&format!("\"${{{}}}\"", param_var(name)?)),
        }
    }
    quote(&line)
}

// Private-use characters mark where a parameter sits while the text is split into words.
const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// A command line (a Redis command) as separate bash words, split like a shell would split
/// it; a parameter stays inside its word, so its value can never add a word.
pub fn words(t: &Template) -> Result<Vec<String>, ExportError> {
    let mut marked = String::new();
    let mut params = Vec::new();
    for part in &t.parts {
        match part {
            Part::Text(text) => marked.push_str(&text.replace([OPEN, CLOSE], "")),
            Part::Param(name) => {
                marked.push_str(&format!("{OPEN}{}{CLOSE}", params.len()));
                params.push(name.as_str());
            }
        }
    }
    let split = shlex::split(&marked).ok_or_else(|| ExportError::RedisWords {
        command: t.source(),
    })?;
    split
        .iter()
        .map(|w| {
            let mut parts = Vec::new();
            for (i, piece) in w.split(OPEN).enumerate() {
                let text = match piece.split_once(CLOSE) {
                    Some((index, rest)) if i > 0 => {
                        let name = index
                            .parse::<usize>()
                            .ok()
                            .and_then(|n| params.get(n))
                            .ok_or_else(|| ExportError::RedisWords {
                                command: t.source(),
                            })?;
                        parts.push(Part::Param((*name).to_string()));
                        rest
                    }
                    _ => piece,
                };
                parts.push(Part::Text(text.to_string()));
            }
            word(&Template { parts })
        })
        .collect()
}

/// Text for a `#` comment: one line, no control characters.
pub fn comment(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(parts: &[(&str, bool)]) -> Template {
        Template {
            parts: parts
                .iter()
                .map(|(t, param)| {
                    if *param {
                        Part::Param(t.to_string())
                    } else {
                        Part::Text(t.to_string())
                    }
                })
                .collect(),
        }
    }

    #[test]
    fn words_keep_each_parameter_inside_its_word() {
        let t = template(&[("SET 'a key' pre", false), ("v", true), (" x", false)]);
        assert_eq!(
            words(&t).unwrap(),
            vec!["'SET'", "'a key'", "'pre'\"${LRB_P_v}\"", "'x'"]
        );
    }

    #[test]
    fn words_reject_unbalanced_quotes() {
        let t = template(&[("SET 'a", false)]);
        assert!(matches!(words(&t), Err(ExportError::RedisWords { .. })));
    }

    #[test]
    fn names_must_be_shell_identifiers() {
        assert!(is_identifier("data_dir"));
        assert!(!is_identifier("ok?"));
        assert!(!is_identifier("9lives"));
        assert!(param_var("a-b").is_err());
    }

    #[test]
    fn comments_stay_on_one_line() {
        assert_eq!(comment("a\nrm -rf /"), "a rm -rf /");
    }
}
