//! LRB405: credentials written into the runbook: a password in a URL, an `Authorization`
//! header, a password flag, or a token of a well-known shape.

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};
use aho_corasick::{AhoCorasick, AhoCorasickKind};
use regex::Regex;
use std::sync::{LazyLock, OnceLock};

/// A credential pattern, with the words any match of it contains: a text without them is not
/// matched, so most texts never compile a pattern (compiling all of them costs as much as
/// checking a small file).
struct Pattern {
    /// Any of these must occur; `ignore_case` as the pattern's `(?i)` does, for ASCII text.
    words: &'static [&'static str],
    ignore_case: bool,
    regex: &'static str,
    what: &'static str,
}

const PATTERNS: [Pattern; 10] = [
    // scheme://user:password@host, unless the password is an interpolation or a variable.
    Pattern {
        words: &["@"],
        ignore_case: false,
        regex: r"[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]*:([^@\s#$/{}]+)@",
        what: "a password inside a URL",
    },
    Pattern {
        words: &["authorization"],
        ignore_case: true,
        regex: r"(?i)authorization:\s*(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{8,}",
        what: "an `Authorization` header with a credential",
    },
    Pattern {
        words: &[
            "pgpassword",
            "rediscli_auth",
            "mysql_pwd",
            "aws_secret_access_key",
        ],
        ignore_case: true,
        regex: r"(?i)\b(PGPASSWORD|REDISCLI_AUTH|MYSQL_PWD|AWS_SECRET_ACCESS_KEY)=[^\s$]+",
        what: "a password in an environment assignment",
    },
    Pattern {
        words: &["--pass"],
        ignore_case: true,
        regex: r#"(?i)(^|\s)(--pass|--password)[ =]["']?[^\s$"'-][^\s"']*"#,
        what: "a password passed on the command line",
    },
    // `-a` is a password only to `redis-cli`; elsewhere it means "all" or "append".
    Pattern {
        words: &["redis-cli"],
        ignore_case: true,
        regex: r#"(?i)\bredis-cli\b[^|;&]*\s-a[ =]?["']?[^\s$"'-][^\s"']*"#,
        what: "a Redis password passed on the command line",
    },
    Pattern {
        words: &["password"],
        ignore_case: true,
        regex: r"(?i)\bpassword\s*=\s*'?[^\s'$;]+",
        what: "a `password=` setting",
    },
    Pattern {
        words: &["AKIA"],
        ignore_case: false,
        regex: r"\bAKIA[0-9A-Z]{16}\b",
        what: "an AWS access key id",
    },
    Pattern {
        words: &["gh"],
        ignore_case: false,
        regex: r"\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}\b|\bgithub_pat_[A-Za-z0-9_]{30,}",
        what: "a GitHub token",
    },
    Pattern {
        words: &["xox"],
        ignore_case: false,
        regex: r"\bxox[abprs]-[A-Za-z0-9-]{10,}",
        what: "a Slack token",
    },
    Pattern {
        words: &["-----BEGIN "],
        ignore_case: false,
        regex: r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
        what: "a private key",
    },
];

/// Each pattern, compiled the first time a text has its words.
static COMPILED: [OnceLock<Regex>; PATTERNS.len()] = [const { OnceLock::new() }; PATTERNS.len()];

/// Every pattern's words in one automaton, ASCII case ignored: most texts hold none of them,
/// and one pass says so where a scan per word costs more than a short text is long. The
/// plainest automaton, with no prefilter: building more costs a small file's whole check.
static ANY_WORD: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .kind(Some(AhoCorasickKind::NoncontiguousNFA))
        .prefilter(false)
        .build(PATTERNS.iter().flat_map(|p| p.words))
        .expect("credential words are plain strings")
});

impl Pattern {
    /// Whether `text` could match. Non-ASCII text always could: Unicode case folding matches
    /// letters no ASCII comparison sees (`ſ` for `s`).
    fn may_match(&self, text: &str) -> bool {
        !text.is_ascii()
            || (self.words.iter())
                .any(|word| contains(text.as_bytes(), word.as_bytes(), self.ignore_case))
    }
}

/// Whether `text` holds `word`, in ASCII case or not: memchr's scans, a few instructions a byte.
fn contains(text: &[u8], word: &[u8], ignore_case: bool) -> bool {
    if !ignore_case {
        return memchr::memmem::find(text, word).is_some();
    }
    let first = word[0];
    memchr::memchr2_iter(first.to_ascii_lowercase(), first.to_ascii_uppercase(), text).any(|at| {
        text.get(at..at + word.len())
            .is_some_and(|w| w.eq_ignore_ascii_case(word))
    })
}

/// The finding for `text`, written at `span`, if it holds a credential.
pub(in crate::check) fn check(text: &str, file: FileId, span: Span) -> Option<Diagnostic> {
    let what = find(text)?;
    Some(
        Diagnostic::new(
            Code::LiteralCredential,
            file,
            span,
            format!("this text holds {what}"),
        )
        .label("credential written in the runbook"),
    )
}

/// What kind of credential `text` holds, if any: the first pattern that matches.
fn find(text: &str) -> Option<&'static str> {
    if text.is_ascii() && !ANY_WORD.is_match(text) {
        return None;
    }
    PATTERNS
        .iter()
        .zip(&COMPILED)
        .find_map(|(pattern, compiled)| {
            let matches = pattern.may_match(text)
                && compiled
                    .get_or_init(|| {
                        Regex::new(pattern.regex).expect("credential patterns are valid")
                    })
                    .is_match(text);
            matches.then_some(pattern.what)
        })
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn finds_credentials() {
        for text in [
            "postgres://lrb:hunter2@db:5432/app",
            "redis://:s3cret@127.0.0.1:6379",
            "curl -H 'Authorization: Bearer abcdefgh12345678' https://x",
            "PGPASSWORD=hunter2 psql -h db",
            "redis-cli -a hunter2 ping",
            "redis-cli -a 'hunter2' ping",
            "redis-cli -h cache -p 6379 -a hunter2 --no-auth-warning ping",
            "psql 'host=db password=hunter2'",
            "aws s3 ls # AKIAABCDEFGHIJKLMNOP",
            "gh auth login --with-token ghp_abcdefghijklmnopqrstuvwxyz0123456789",
        ] {
            assert!(find(text).is_some(), "missed: {text}");
        }
    }

    #[test]
    fn leaves_references_alone() {
        for text in [
            "postgres://lrb@db:5432/app",
            "postgres://lrb:#{password}@db/app",
            "PGPASSWORD=$DB_PASSWORD psql",
            "redis-cli -a \"$REDIS_PASSWORD\" ping",
            "curl -H \"Authorization: Bearer $TOKEN\" https://x",
            "https://lineup.app/health/live",
            "docker-compose logs backend --tail=50",
            "wipefs -a /dev/sdb",
            "echo done | tee -a /var/log/deploy.log",
            "docker ps -a && redis-cli ping",
        ] {
            assert_eq!(find(text), None, "false positive: {text}");
        }
    }
}
