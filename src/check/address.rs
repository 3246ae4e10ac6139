//! Whether a target's address (a literal, or an `env()` default) can be one of its kind, so a
//! typo is found when the runbook is checked, not when it runs during an incident.

use crate::action::catalogue::TargetKind;

/// What is wrong with `value` as an address of `kind`, if anything.
pub fn problem(kind: TargetKind, value: &str) -> Option<String> {
    if value.trim().is_empty() {
        return Some("it is empty".to_string());
    }
    if value.contains(['\n', '\r', '\0']) {
        return Some("it holds a line break or a NUL".to_string());
    }
    let schemes: &[&str] = match kind {
        TargetKind::Http | TargetKind::Prometheus => &["http", "https"],
        TargetKind::Postgres => &["postgres", "postgresql"],
        TargetKind::Redis => &["redis", "rediss", "redis+unix", "unix", "valkey", "valkeys"],
        TargetKind::Docker if value == "local" => return None,
        TargetKind::Docker => &["unix", "tcp", "http", "https", "npipe"],
        TargetKind::Compose | TargetKind::Shell => return None,
    };
    let url = match url::Url::parse(value) {
        Ok(url) => url,
        Err(e) => return Some(format!("it is no URL ({e})")),
    };
    if !schemes.contains(&url.scheme()) {
        return Some(format!(
            "its scheme is `{}`, not {}",
            url.scheme(),
            schemes
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(" or ")
        ));
    }
    let local = matches!(url.scheme(), "unix" | "redis+unix" | "npipe");
    if !local && url.host_str().is_none_or(str::is_empty) {
        return Some("it names no host".to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_by_kind() {
        assert_eq!(problem(TargetKind::Http, "https://lineup.app"), None);
        assert!(problem(TargetKind::Http, "ht!tp//:x").is_some());
        assert!(problem(TargetKind::Http, "postgres://db").is_some());
        assert!(problem(TargetKind::Http, "").is_some());
        assert_eq!(
            problem(TargetKind::Postgres, "postgres://u@127.0.0.1:5432/db"),
            None
        );
        assert!(problem(TargetKind::Postgres, "127.0.0.1:5432").is_some());
        assert_eq!(problem(TargetKind::Redis, "redis://127.0.0.1:6379"), None);
        assert_eq!(problem(TargetKind::Docker, "local"), None);
        assert_eq!(
            problem(TargetKind::Docker, "unix:///var/run/docker.sock"),
            None
        );
        assert_eq!(problem(TargetKind::Shell, "."), None);
        assert!(problem(TargetKind::Compose, " ").is_some());
    }
}
