//! The language's statement keywords, each with how it is written and where it belongs: the
//! one table the checker's messages and the editor's suggestions read.

/// What a keyword opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `target`, `param`.
    Declaration,
    /// `title`, `severity`, ...: facts about a runbook.
    Metadata,
    /// `runbook`, `check`, `when`, ...: a `do ... end` block.
    Block,
    /// `step`, `todo`, `see`, `wait`: one line inside a block.
    Step,
    /// `scenario`, `given`, `expect`, ...: the statements of a scenario file (`NAME.test.rb`).
    Scenario,
}

#[derive(Debug)]
pub struct Keyword {
    pub word: &'static str,
    pub kind: Kind,
    /// How it is written, for a statement that has the keyword but not the shape (`when`'s
    /// condition has too many shapes to show one).
    pub usage: Option<&'static str>,
    /// Where it belongs, for a statement in the wrong block.
    pub home: &'static str,
}

const RUNBOOK: &str = "directly inside a `runbook`";
const SCENARIO: &str = "inside a `scenario` of a scenario file (`NAME.test.rb`)";

const fn kw(word: &'static str, kind: Kind, usage: &'static str, home: &'static str) -> Keyword {
    Keyword {
        word,
        kind,
        usage: Some(usage),
        home,
    }
}

pub static KEYWORDS: &[Keyword] = &[
    kw(
        "target",
        Kind::Declaration,
        "target :api, http: \"http://127.0.0.1:3000\"",
        "at the top of the file or inside a `runbook`",
    ),
    kw(
        "param",
        Kind::Declaration,
        "param :version, default: \"v1.0.0\"",
        "at the top of the file or inside a `runbook`",
    ),
    kw(
        "runbook",
        Kind::Block,
        "runbook :name do ... end",
        "at the top of a file",
    ),
    kw("title", Kind::Metadata, "title \"API Outage\"", RUNBOOK),
    kw("severity", Kind::Metadata, "severity :high", RUNBOOK),
    kw(
        "owner",
        Kind::Metadata,
        "owner \"platform-oncall\"",
        RUNBOOK,
    ),
    kw(
        "description",
        Kind::Metadata,
        "description \"...\"",
        RUNBOOK,
    ),
    kw("symptom", Kind::Metadata, "symptom \"...\"", RUNBOOK),
    kw("tags", Kind::Metadata, "tags :api, :http", RUNBOOK),
    kw("check", Kind::Block, "check :name do ... end", RUNBOOK),
    Keyword {
        word: "when",
        kind: Kind::Block,
        usage: None,
        home: RUNBOOK,
    },
    kw(
        "mitigate",
        Kind::Block,
        "mitigate \"Restart the backend\" do ... end",
        "inside a `when`, so a condition decides when it runs",
    ),
    kw(
        "confirm",
        Kind::Block,
        "confirm within: 2m, every: 5s do ... end",
        RUNBOOK,
    ),
    kw("followup", Kind::Block, "followup do ... end", RUNBOOK),
    kw(
        "step",
        Kind::Step,
        "step \"what the operator does\"",
        "inside a `mitigate` or a `confirm`",
    ),
    kw(
        "todo",
        Kind::Step,
        "todo \"what to follow up\"",
        "inside a `followup`",
    ),
    kw("see", Kind::Step, "see :other_runbook", "inside a `when`"),
    kw(
        "wait",
        Kind::Step,
        "wait 10s",
        "inside a `mitigate` or a `confirm`",
    ),
    kw(
        "scenario",
        Kind::Scenario,
        "scenario \"what goes wrong\" do ... end",
        "at the top of a scenario file (`NAME.test.rb`)",
    ),
    kw(
        "background",
        Kind::Scenario,
        "background do given :live, :passed end",
        "at the top of a scenario file (`NAME.test.rb`)",
    ),
    kw(
        "after",
        Kind::Scenario,
        "after \"Mitigation name\" do given :live, :passed end",
        SCENARIO,
    ),
    kw(
        "given",
        Kind::Scenario,
        "given :check, :failed, value: 42",
        "inside a `scenario`, `background` or `after` of a scenario file (`NAME.test.rb`)",
    ),
    kw(
        "expect",
        Kind::Scenario,
        "expect outcome: :recovered",
        SCENARIO,
    ),
    kw("set", Kind::Scenario, "set :version, \"v1.0.1\"", SCENARIO),
    kw("operator", Kind::Scenario, "operator :absent", SCENARIO),
    kw(
        "flags",
        Kind::Scenario,
        "flags :yes, :allow_destructive",
        SCENARIO,
    ),
    kw(
        "answer",
        Kind::Scenario,
        "answer \"Mitigation name\", :skip",
        SCENARIO,
    ),
];

/// Where an action (`api.get ...`) belongs.
pub const ACTION_HOME: &str = "inside a `check`, `mitigate` or `confirm`";

pub fn find(word: &str) -> Option<&'static Keyword> {
    KEYWORDS.iter().find(|k| k.word == word)
}
