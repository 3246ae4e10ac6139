//! `lrb rules` and `lrb explain CODE`: the rule registry and each rule's page.

use super::error::CliError;
use crate::diagnostic::registry::{self, Rule};
use crate::exit::Exit;

/// Each rule's page, `docs/rules/CODE.md`, compiled in so `explain` works anywhere.
macro_rules! pages {
    ($($code:literal),* $(,)?) => {
        &[$(($code, include_str!(concat!("../../docs/rules/", $code, ".md")))),*]
    };
}

pub static PAGES: &[(&str, &str)] = pages!(
    "LRB001", "LRB002", "LRB003", "LRB004", "LRB005", "LRB006", "LRB007", "LRB008", "LRB009",
    "LRB010", "LRB011", "LRB101", "LRB102", "LRB103", "LRB104", "LRB105", "LRB106", "LRB107",
    "LRB108", "LRB109", "LRB110", "LRB201", "LRB202", "LRB203", "LRB204", "LRB205", "LRB206",
    "LRB207", "LRB208", "LRB301", "LRB302", "LRB303", "LRB304", "LRB305", "LRB306", "LRB307",
    "LRB308", "LRB401", "LRB402", "LRB403", "LRB404", "LRB405", "LRB406", "LRB407", "LRB408",
    "LRB409", "LRB410", "LRB411", "LRB501", "LRB502", "LRB503",
);

pub fn page(rule: &Rule) -> Option<&'static str> {
    PAGES.iter().find(|(c, _)| *c == rule.code).map(|(_, p)| *p)
}

pub fn list() -> Exit {
    println!("{:<8} {:<28} {:<8} WHAT IT FINDS", "CODE", "NAME", "LEVEL");
    for rule in registry::ALL {
        let allow = if rule.suppressible {
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
    Exit::Ok
}

pub fn explain(key: &str) -> Exit {
    let Some(rule) = registry::find(key) else {
        CliError::new(format!(
            "no rule `{key}`; `lrb rules` lists every code and name"
        ))
        .print();
        return Exit::Usage;
    };
    match page(rule) {
        Some(page) => print!("{page}"),
        None => println!(
            "{} ({}): {}\n\n{}",
            rule.code, rule.name, rule.summary, rule.help
        ),
    }
    Exit::Ok
}
