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

/// Text for a `#` comment: one line, no control characters.
pub fn comment(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

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
