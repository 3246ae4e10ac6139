//! `Exit`: the one table of exit codes, shared by the commands (`cli`) and the exported bash
//! script, so `lrb run` and the script it exports end with the same number for the same
//! outcome. `docs/cli.md` documents the table; a test holds the two together.

use std::process::ExitCode;

/// How a command or an exported script ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Clean, formatted, written, healthy or done.
    Ok,
    /// `check` found errors (or warnings under `--deny warnings`); `plan`: mitigations would run;
    /// `test`: a scenario failed, or a part was not reached under `--require-coverage`.
    Findings,
    /// Bad usage, or a file that cannot be read or written.
    Usage,
    /// `run`: mitigations ran and `confirm` passed.
    Recovered,
    /// `run`: mitigations ran but `confirm` did not pass in time.
    NotRecovered,
    /// `run`: the operator aborted, a mitigation was refused, or a signal interrupted the run.
    Aborted,
    /// The runbook has errors, or the environment lacks a secret, variable or parameter.
    Invalid,
    /// `run`, `plan`: a check that is not `info:` did not pass and no `when` matched.
    Unhandled,
}

impl Exit {
    /// Every code, in the order the docs list them.
    pub const ALL: [Exit; 8] = [
        Exit::Ok,
        Exit::Findings,
        Exit::Usage,
        Exit::Recovered,
        Exit::NotRecovered,
        Exit::Aborted,
        Exit::Invalid,
        Exit::Unhandled,
    ];

    pub const fn code(self) -> u8 {
        match self {
            Exit::Ok => 0,
            Exit::Findings => 1,
            Exit::Usage => 2,
            Exit::Recovered => 10,
            Exit::NotRecovered => 11,
            Exit::Aborted => 12,
            Exit::Invalid => 13,
            Exit::Unhandled => 14,
        }
    }

    /// The word or two the docs' table opens each row with.
    pub const fn meaning(self) -> &'static str {
        match self {
            Exit::Ok => "success",
            Exit::Findings => "findings",
            Exit::Usage => "usage or I/O error",
            Exit::Recovered => "recovered",
            Exit::NotRecovered => "not recovered",
            Exit::Aborted => "aborted, refused or interrupted",
            Exit::Invalid => "invalid",
            Exit::Unhandled => "unhandled",
        }
    }

    pub fn from_code(code: u8) -> Option<Exit> {
        Exit::ALL.into_iter().find(|e| e.code() == code)
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `docs/cli.md`'s table: one row per code, in order, each meaning the enum's.
    #[test]
    fn the_docs_table_is_this_one() {
        let docs = include_str!("../docs/cli.md");
        let table = docs
            .split("## Exit codes\n")
            .nth(1)
            .expect("docs/cli.md has an `Exit codes` section");
        let rows: Vec<(u8, &str)> = table
            .lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .skip(2)
            .map(|row| {
                let mut cells = row.split('|').map(str::trim).skip(1);
                let code = cells.next().unwrap().parse().expect("a code");
                let meaning = cells.next().unwrap().split(':').next().unwrap();
                (code, meaning)
            })
            .collect();
        let table: Vec<(u8, &str)> = Exit::ALL.iter().map(|e| (e.code(), e.meaning())).collect();
        assert_eq!(rows, table);
    }

    #[test]
    fn codes_are_distinct() {
        for exit in Exit::ALL {
            assert_eq!(Exit::from_code(exit.code()), Some(exit));
        }
    }
}
