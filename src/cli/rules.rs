//! `lrb rules` and `lrb explain CODE`: the rule registry and each rule's page.

use super::exit;
use crate::check::registry::{self, Rule};

/// Each rule's page, `docs/rules/CODE.md`, compiled in so `explain` works anywhere.
macro_rules! pages {
    ($($code:literal),* $(,)?) => {
        &[$(($code, include_str!(concat!("../../docs/rules/", $code, ".md")))),*]
    };
}

pub static PAGES: &[(&str, &str)] = pages!();

pub fn page(rule: &Rule) -> Option<&'static str> {
    PAGES.iter().find(|(c, _)| *c == rule.code).map(|(_, p)| *p)
}

pub fn list() -> u8 {
    println!("{:<8} {:<28} {:<8} WHAT IT FINDS", "CODE", "NAME", "LEVEL");
    for rule in registry::ALL {
        let allow = if rule.suppressible() {
            ""
        } else {
            " (cannot be silenced)"
        };
        println!(
            "{:<8} {:<28} {:<8} {}{allow}",
            rule.code,
            rule.name,
            rule.severity.to_string(),
            rule.summary
        );
    }
    exit::OK
}

pub fn explain(key: &str) -> u8 {
    let Some(rule) = registry::find(key) else {
        eprintln!("error: no rule `{key}`; `lrb rules` lists every code and name");
        return exit::USAGE;
    };
    match page(rule) {
        Some(page) => print!("{page}"),
        None => println!(
            "{} ({}): {}\n\n{}",
            rule.code, rule.name, rule.summary, rule.help
        ),
    }
    exit::OK
}
