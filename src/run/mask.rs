//! Keeping secrets out of everything lrb prints or records.
//!
//! Backends mask every `detail` and `output` with [`mask`] before returning; the engine masks
//! its transcript the same way. Error messages from drivers may echo connection URLs, so the
//! password component of any URL in the text is masked even when it is not a known secret.

use super::Resolved;
use percent_encoding::percent_decode_str;
use url::Url;

/// What a secret is replaced with.
pub const MASK: &str = "***";

/// Replaces every secret, and the password of every URL with userinfo, by `***`.
pub fn mask(text: &str, secrets: &[String]) -> String {
    let mut secrets: Vec<&str> = secrets
        .iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    // Longest first, so a secret containing another is masked whole.
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut out = mask_url_passwords(text);
    for secret in secrets {
        if out.contains(secret) {
            out = out.replace(secret, MASK);
        }
    }
    out
}

/// The secrets of a run: the declared ones, plus the password of every target address that is a
/// URL with one (both as written and percent-decoded, since drivers may echo either).
pub fn secrets(resolved: &Resolved) -> Vec<String> {
    let mut out = resolved.secrets.clone();
    for target in resolved.targets.values() {
        let Ok(url) = Url::parse(&target.address) else {
            continue;
        };
        if let Some(password) = url.password().filter(|p| !p.is_empty()) {
            out.push(password.to_string());
            if let Ok(decoded) = percent_decode_str(password).decode_utf8() {
                out.push(decoded.into_owned());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Masks `pass` in every `scheme://user:pass@host` in free text. The text around a URL is not
/// a URL, so this scans for the authority rather than parsing whole words.
fn mask_url_passwords(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| {
                c == '/' || c == '?' || c == '#' || c.is_whitespace() || "\"'<>`".contains(c)
            })
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@').and_then(|a| {
            let userinfo = &authority[..a];
            userinfo.find(':').map(|c| (c, a))
        }) {
            Some((colon, at)) if colon + 1 < at => {
                out.push_str(&authority[..=colon]);
                out.push_str(MASK);
                out.push_str(&authority[at..]);
            }
            _ => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::catalogue::TargetKind;
    use crate::run::ResolvedTarget;

    #[test]
    fn masks_url_passwords_in_free_text() {
        let text = "cannot connect to postgres://lrb:s3cr%40t@db:5432/lineup: refused";
        assert_eq!(
            mask(text, &[]),
            "cannot connect to postgres://lrb:***@db:5432/lineup: refused"
        );
        assert_eq!(
            mask("redis://:pw@127.0.0.1:6379 and http://host/a:b@c", &[]),
            "redis://:***@127.0.0.1:6379 and http://host/a:b@c"
        );
        assert_eq!(mask("http://user@host/", &[]), "http://user@host/");
    }

    #[test]
    fn masks_secrets_longest_first() {
        let secrets = vec!["abc".to_string(), "abcdef".to_string(), String::new()];
        assert_eq!(mask("x abcdef y abc", &secrets), "x *** y ***");
    }

    #[test]
    fn collects_target_passwords_decoded_and_encoded() {
        let mut resolved = Resolved::default();
        resolved.targets.insert(
            "db".into(),
            ResolvedTarget {
                name: "db".into(),
                kind: TargetKind::Postgres,
                address: "postgres://lrb:p%40ss@127.0.0.1/lineup".into(),
                timeout: None,
                project: None,
            },
        );
        resolved.secrets.push("token".into());
        let found = secrets(&resolved);
        assert_eq!(found, vec!["p%40ss", "p@ss", "token"]);
        assert_eq!(mask("auth p@ss failed", &found), "auth *** failed");
    }
}
