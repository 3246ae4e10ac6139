//! Placeholders a person fills in (`<vm-name>`, `<POD_NAME>`, `{reason}`, `$NAMESPACE`,
//! `${NAMESPACE}`) become parameters, so the imported runbook runs with `--set`.

use super::code::Lang;
use regex::Regex;
use std::collections::HashSet;
use std::sync::LazyLock;

/// A piece of a command: literal text or a parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Text(String),
    Param { name: String, written: String },
}

static PLACEHOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"<([A-Za-z][\w.-]*)>|\{([A-Za-z][\w-]*)\}|\$\{([A-Z][A-Z0-9_]*)\}|\$([A-Z][A-Z0-9_]*)",
    )
    .expect("valid placeholder pattern")
});

/// Variables the shell or the operator's session already has: never parameters.
const ENVIRONMENT: [&str; 24] = [
    "HOME",
    "PATH",
    "USER",
    "PWD",
    "OLDPWD",
    "SHELL",
    "EDITOR",
    "VISUAL",
    "PAGER",
    "HOSTNAME",
    "TERM",
    "LANG",
    "TMPDIR",
    "RANDOM",
    "UID",
    "EUID",
    "PPID",
    "IFS",
    "KUBECONFIG",
    "LOGNAME",
    "SECONDS",
    "LINENO",
    "BASH_SOURCE",
    "PS1",
];

/// awk and template words written in braces that are not placeholders.
const BRACED_CODE: [&str; 4] = ["print", "next", "exit", "getline"];

/// Names a runbook's own commands assign (`NAME=...`, `export NAME=`, `for NAME in`,
/// `read NAME`): those stay shell variables.
pub fn assigned(texts: &[&str]) -> HashSet<String> {
    static ASSIGN: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:^|[\s;(&|])(?:export\s+|local\s+|for\s+|read\s+(?:-\w+\s+(?:'[^']*'|\S+)\s+)*)?([A-Za-z_]\w*)(?:=|\s+in\b|\s*$)")
            .expect("valid assignment pattern")
    });
    let mut names = HashSet::new();
    for text in texts {
        for line in text.lines() {
            for caps in ASSIGN.captures_iter(line) {
                let whole = caps.get(0).map_or("", |m| m.as_str());
                if whole.contains('=') || whole.contains("for ") || whole.contains("read ") {
                    names.insert(caps[1].to_string());
                }
            }
        }
    }
    names
}

/// Splits a command into text and parameters.
pub fn split(text: &str, lang: Lang, assigned: &HashSet<String>) -> Vec<Part> {
    let quoted = single_quoted(text);
    let mut parts = Vec::new();
    let mut last = 0;
    for caps in PLACEHOLDER.captures_iter(text) {
        let whole = caps.get(0).expect("a match has a whole");
        let before = text[..whole.start()].chars().next_back();
        let (raw, keep) = if let Some(m) = caps.get(1) {
            // `<<EOF` and `<(cmd)` are shell, not placeholders.
            (m.as_str(), before != Some('<'))
        } else if let Some(m) = caps.get(2) {
            let word = m.as_str();
            (
                word,
                !matches!(before, Some('$' | '#')) && !BRACED_CODE.contains(&word),
            )
        } else {
            let m = caps.get(3).or(caps.get(4)).expect("one group matches");
            let word = m.as_str();
            (
                word,
                lang == Lang::Shell
                    && !quoted[whole.start()]
                    && !ENVIRONMENT.contains(&word)
                    && !assigned.contains(word),
            )
        };
        if !keep {
            continue;
        }
        if whole.start() > last {
            parts.push(Part::Text(text[last..whole.start()].to_string()));
        }
        parts.push(Part::Param {
            name: name(raw),
            written: whole.as_str().to_string(),
        });
        last = whole.end();
    }
    if last < text.len() {
        parts.push(Part::Text(text[last..].to_string()));
    }
    parts
}

/// For each byte, whether it lies inside single quotes (where the shell expands nothing).
fn single_quoted(text: &str) -> Vec<bool> {
    let mut out = Vec::with_capacity(text.len() + 1);
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    for &b in text.as_bytes() {
        out.push(quote == Some(b'\''));
        match (quote, b) {
            _ if escaped => escaped = false,
            (Some(b'\''), b'\'') => quote = None,
            (Some(b'\''), _) => {}
            (_, b'\\') => escaped = true,
            (Some(b'"'), b'"') => quote = None,
            (None, b'\'' | b'"') => quote = Some(b),
            _ => {}
        }
    }
    out.push(false);
    out
}

/// `vm-name`, `POD_NAME`, `Namespace.Name` to an lrb name.
pub fn name(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    let out = out.trim_end_matches('_').to_string();
    match out.as_str() {
        "" => "value".to_string(),
        "do" | "end" | "and" | "or" | "not" | "true" | "false" | "when" => format!("{out}_value"),
        _ if out.starts_with(|c: char| c.is_ascii_digit()) => format!("p_{out}"),
        _ => out,
    }
}

/// A description for the parameter: the sentence of the text before its command that
/// mentions it, else what it was written as.
pub fn describe(name: &str, written: &str, prose: &[&str]) -> String {
    let words = name.replace('_', " ");
    let bare = written.trim_matches(|c| matches!(c, '<' | '>' | '{' | '}' | '$'));
    for text in prose.iter().rev() {
        for sentence in text.split_inclusive(['.', ':', '!', '?']) {
            let lower = sentence.to_lowercase();
            if (lower.contains(&bare.to_lowercase()) || lower.contains(&words))
                && sentence.len() <= 200
            {
                let s = sentence.trim().trim_end_matches(':').trim();
                if !s.is_empty() {
                    return s.to_string();
                }
            }
        }
    }
    format!("the {words} (written `{written}` in the source)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(text: &str) -> Vec<String> {
        split(text, Lang::Shell, &assigned(&[text]))
            .into_iter()
            .filter_map(|p| match p {
                Part::Param { name, .. } => Some(name),
                Part::Text(_) => None,
            })
            .collect()
    }

    #[test]
    fn every_written_form() {
        assert_eq!(
            params("kubectl get vm <vm-name> -n <NAMESPACE>"),
            ["vm_name", "namespace"]
        );
        assert_eq!(params("mv /etc/chef /etc/chef.{reason}"), ["reason"]);
        assert_eq!(
            params("kubectl logs -n $NAMESPACE ${POD}"),
            ["namespace", "pod"]
        );
    }

    #[test]
    fn shell_code_stays_shell() {
        assert!(params("cat <<EOF\nx\nEOF").is_empty());
        assert!(params("awk '{print $NF}' | xargs -I{} echo {}").is_empty());
        assert!(params("echo $HOME ${PATH} $pod").is_empty());
        assert!(params("NODE=$(hostname); echo $NODE").is_empty());
        assert!(params("for NODE in a b; do echo $NODE; done").is_empty());
    }

    #[test]
    fn names_and_descriptions() {
        assert_eq!(name("POD_NAME"), "pod_name");
        assert_eq!(name("end"), "end_value");
        assert_eq!(
            describe(
                "vm_name",
                "<vm-name>",
                &["Find the VM name of the failing guest."]
            ),
            "Find the VM name of the failing guest."
        );
        assert_eq!(
            describe("pod", "<pod>", &[]),
            "the pod (written `<pod>` in the source)"
        );
    }
}
