//! LRB405: credentials written into the runbook: a password in a URL, an `Authorization`
//! header, a password flag, or a token of a well-known shape.

use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};
use regex::RegexSet;
use std::sync::LazyLock;

/// Every pattern in one set, so a text is scanned once, and what each pattern finds.
static PATTERNS: LazyLock<(RegexSet, Vec<&'static str>)> = LazyLock::new(|| {
    let (patterns, what): (Vec<_>, Vec<_>) = [
        // scheme://user:password@host, unless the password is an interpolation or a variable.
        (
            r"[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]*:([^@\s#$/{}]+)@",
            "a password inside a URL",
        ),
        (
            r"(?i)authorization:\s*(bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{8,}",
            "an `Authorization` header with a credential",
        ),
        (
            r"(?i)\b(PGPASSWORD|REDISCLI_AUTH|MYSQL_PWD|AWS_SECRET_ACCESS_KEY)=[^\s$]+",
            "a password in an environment assignment",
        ),
        (
            r#"(?i)(^|\s)(--pass|--password)[ =]["']?[^\s$"'-][^\s"']*"#,
            "a password passed on the command line",
        ),
        // `-a` is a password only to `redis-cli`; elsewhere it means "all" or "append".
        (
            r#"(?i)\bredis-cli\b[^|;&]*\s-a[ =]?["']?[^\s$"'-][^\s"']*"#,
            "a Redis password passed on the command line",
        ),
        (r"(?i)\bpassword\s*=\s*'?[^\s'$;]+", "a `password=` setting"),
        (r"\bAKIA[0-9A-Z]{16}\b", "an AWS access key id"),
        (
            r"\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{30,}\b|\bgithub_pat_[A-Za-z0-9_]{30,}",
            "a GitHub token",
        ),
        (r"\bxox[abprs]-[A-Za-z0-9-]{10,}", "a Slack token"),
        (r"-----BEGIN [A-Z ]*PRIVATE KEY-----", "a private key"),
    ]
    .into_iter()
    .unzip();
    let set = RegexSet::new(patterns).expect("credential patterns are valid");
    (set, what)
});

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

/// What kind of credential `text` holds, if any.
fn find(text: &str) -> Option<&'static str> {
    let (set, what) = &*PATTERNS;
    set.matches(text).iter().next().map(|i| what[i])
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
