//! Every diagnostic lrb can emit, in one table: code, name, severity, whether an allow comment
//! may silence it, and its text. A code is stable: it is never renumbered and never given to
//! another finding, so CI configurations and `# lrb:allow` comments keep their meaning.
//!
//! Families: `LRB0xx` syntax, `LRB1xx` names, `LRB2xx` types, `LRB3xx` flow, `LRB4xx` safety,
//! `LRB5xx` suppressions. Most flow and safety findings can be silenced with
//! `# lrb:allow(CODE) reason`; the others cannot, since the runbook would not work.

use super::Severity;

#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub id: Code,
    /// `LRB101`.
    pub code: &'static str,
    /// kebab-case, stable like the code.
    pub name: &'static str,
    pub severity: Severity,
    /// Whether `# lrb:allow(CODE) reason` may silence it.
    pub suppressible: bool,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// The default help sentence; diagnostics may give a more specific one.
    pub help: &'static str,
}

macro_rules! rules {
    ($($id:ident = $code:literal $name:literal $sev:ident $silence:ident $summary:literal $help:literal;)*) => {
        /// A rule's identity, one variant per row of the table.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($id,)*
        }

        /// All rules, in code order (and in the order of [`Code`]'s variants).
        pub static ALL: &[Rule] = &[$(Rule {
            id: Code::$id,
            code: $code,
            name: $name,
            severity: Severity::$sev,
            suppressible: rules!(@$silence),
            summary: $summary,
            help: $help,
        }),*];
    };
    (@allow) => { true };
    (@deny) => { false };
}

rules! {
    SyntaxError = "LRB001" "syntax-error" Error deny
        "the text does not follow the runbook grammar"
        "Fix the text at the marked position; `docs/language.md` shows every construct.";
    UnterminatedString = "LRB002" "unterminated-string" Error deny
        "a string literal is not closed on its line"
        "Close the string with a matching quote on the same line, or use a heredoc (`<<~TEXT`) for text over several lines.";
    MissingEnd = "LRB003" "missing-end" Error deny
        "a `do` block is never closed with `end`"
        "Add `end` to close the block; every `do` needs one `end`.";
    UnterminatedHeredoc = "LRB004" "unterminated-heredoc" Error deny
        "a heredoc has no closing tag line"
        "Add a line holding only the heredoc's tag to close it.";
    InvalidLiteral = "LRB005" "invalid-literal" Error deny
        "a number, duration or percentage is malformed"
        "Write durations as a whole number with a unit (`500ms`, `5s`, `2m`, `1h`) and percentages as `90%`.";
    InvalidUtf8 = "LRB006" "invalid-utf8" Error deny
        "the file is not valid UTF-8"
        "Save the file as UTF-8; lrb reads runbooks only in that encoding.";
    UnknownStatement = "LRB007" "unknown-statement" Error deny
        "a statement or block that the language does not have"
        "Use one of the statements the enclosing block allows; `docs/language.md` lists them.";
    MisplacedStatement = "LRB008" "misplaced-statement" Error deny
        "a statement that is valid elsewhere but not in this block"
        "Move the statement to a block that allows it.";
    MalformedStatement = "LRB009" "malformed-statement" Error deny
        "a statement with the wrong shape of arguments"
        "Give the statement the arguments shown in `docs/language.md`.";
    TooDeep = "LRB010" "nesting-too-deep" Error deny
        "blocks or brackets nested deeper than lrb reads"
        "Flatten the nesting; a runbook needs only a few levels of blocks and brackets.";
    InvalidPromql = "LRB011" "invalid-promql" Error deny
        "a PromQL query that does not parse, or that gives a range vector or a string rather than a number"
        "Try the query in Prometheus's expression browser; a check's query must give a sample per series.";
    UnknownTarget = "LRB101" "unknown-target" Error deny
        "an action names a target that is not declared"
        "Declare the target with `target :name, kind: address`, or fix the name.";
    UnknownVerb = "LRB102" "unknown-verb" Error deny
        "an action uses a verb its target kind does not have"
        "Use one of the verbs of the target's kind; `docs/language.md` lists them.";
    UnknownArgument = "LRB103" "unknown-argument" Error deny
        "an unknown keyword argument"
        "Remove the argument or fix its name.";
    UnknownCheck = "LRB104" "unknown-check" Error deny
        "a condition names a check that the runbook does not define"
        "Define the check in this runbook, or fix the name.";
    UnknownRunbook = "LRB105" "unknown-runbook" Error deny
        "`see` names a runbook that none of the given files defines"
        "Fix the name, or pass the file that defines that runbook to the same command.";
    UnknownParameter = "LRB106" "unknown-parameter" Error deny
        "a name used as a value is not a declared parameter"
        "Declare it with `param :name`, or fix the name.";
    DuplicateDefinition = "LRB107" "duplicate-definition" Error deny
        "two definitions share one name"
        "Rename one of them; names of targets, parameters, runbooks and checks must be unique.";
    UnknownTargetKind = "LRB108" "unknown-target-kind" Error deny
        "a target declares a kind lrb does not support"
        "Use one of `http`, `postgres`, `redis`, `docker`, `compose` or `shell`.";
    MissingArgument = "LRB109" "missing-argument" Error deny
        "a required argument is missing"
        "Add the missing argument.";
    DuplicateArgument = "LRB110" "duplicate-argument" Error deny
        "the same keyword argument is given twice"
        "Keep one of the two.";
    WrongArgumentType = "LRB201" "wrong-argument-type" Error deny
        "an argument has the wrong type"
        "Give a value of the expected type.";
    ComparisonTypeMismatch = "LRB202" "comparison-type-mismatch" Error deny
        "a condition compares a check's value with a value of another type"
        "Compare with a value of the check's type.";
    CheckWithoutValue = "LRB203" "check-without-value" Error deny
        "a condition compares the value of a check that yields none"
        "Use `passed(...)` or `failed(...)` for this check, or make its first probe one that yields a value.";
    TooManyArguments = "LRB204" "too-many-arguments" Error deny
        "more positional arguments than the statement takes"
        "Remove the extra arguments.";
    InvalidValue = "LRB205" "invalid-value" Error deny
        "a value outside the allowed set"
        "Use one of the allowed values.";
    InvalidAddress = "LRB206" "invalid-address" Error deny
        "a target address (written, or an `env()` default) that its kind cannot use"
        "Give an address of the target's kind, such as `http://127.0.0.1:3000` for `http`.";
    InvalidWindow = "LRB207" "invalid-window" Error deny
        "a `confirm` window that cannot work: `within: 0s`, `every: 0s`, or `every` longer than `within`"
        "Give `within:` room for several tries and an `every:` shorter than it, such as `within: 5m, every: 10s`.";
    UnstatedSeries = "LRB208" "unstated-series" Error deny
        "a PromQL query that can return several series, without `each:` or `any:` to say how the bounds apply"
        "Write `each: true` (every series must meet the bounds) or `any: true` (one is enough), or aggregate with `sum(...)` or `max(...)`.";
    UnreachableMitigation = "LRB301" "unreachable-mitigation" Warning allow
        "a mitigation that no `when` can ever select"
        "Put the mitigation inside a `when` whose condition can be true.";
    MissingConfirm = "LRB302" "missing-confirm" Warning allow
        "a runbook has mitigations but no `confirm` block"
        "Add `confirm within: 5m, every: 10s do ... end` with probes that show recovery.";
    UnusedCheck = "LRB303" "unused-check" Warning allow
        "a check that no condition reads"
        "Use the check in a `when`, or drop it if it only informs (then say so in its description and allow this rule).";
    EmptyBlock = "LRB304" "empty-block" Error deny
        "a block that must hold actions is empty"
        "Add at least one action to the block.";
    MissingTitle = "LRB305" "missing-title" Warning allow
        "a runbook without a title"
        "Add `title \"...\"` so people know what the runbook is for.";
    NoRunbook = "LRB306" "no-runbook" Error deny
        "a file that defines no runbook"
        "Add `runbook :name do ... end`, or leave the file out; targets and parameters are not shared between files.";
    UnfinishedCheck = "LRB307" "unfinished-check" Error deny
        "a check still to be written: a `todo` where its probe goes"
        "Replace the `todo` with a read action that fails when the incident is on, such as `host.run \"systemctl is-active app\"`.";
    FilteringQuery = "LRB308" "filtering-query" Warning allow
        "a PromQL query whose outermost comparison drops series, so a healthy system gives no data"
        "Give the threshold to lrb (`below: 0.05`) instead of comparing in PromQL, or write `empty: :passes` if no series means healthy.";
    UnacknowledgedDestructive = "LRB401" "unacknowledged-destructive" Error allow
        "a mitigation holds a destructive action but does not acknowledge it"
        "Add `destructive: \"what is lost\"` to the `mitigate` line, so the operator must type its name to run it.";
    WriteInReadBlock = "LRB402" "write-in-read-block" Error allow
        "a `check` or `confirm` holds an action that changes something"
        "Move the action into a `mitigate` block; checks and confirms only observe.";
    UnclassifiedInReadBlock = "LRB403" "unclassified-in-read-block" Error allow
        "a `check` or `confirm` runs a command whose effect lrb cannot tell"
        "If the command only reads, say so with `effect: :read`; otherwise move it into a `mitigate` block.";
    UnboundedWrite = "LRB404" "unbounded-write" Error allow
        "`DELETE` or `UPDATE` without `WHERE` changes every row"
        "Add a `WHERE` clause that selects only the rows to change.";
    LiteralCredential = "LRB405" "literal-credential" Error allow
        "a password, token or key is written in the runbook"
        "Read it from the environment with `secret(\"NAME\")` or a `param` marked `secret: true`, and rotate the exposed credential.";
    SecretPrinted = "LRB406" "secret-printed" Error allow
        "a secret is interpolated into text that is shown to people"
        "Remove the secret from the text; refer to it by name instead.";
    UnboundedConfirm = "LRB407" "unbounded-confirm" Warning allow
        "a `confirm` block with no `within:` time bound"
        "Add `within: 5m` (how long recovery may take) to the `confirm` line.";
    ProbeWithoutTimeout = "LRB408" "probe-without-timeout" Warning allow
        "a read action in a mitigation has no timeout and no default applies"
        "Add `timeout: 30s` to the action or to its target.";
    EffectBelowAnalysis = "LRB409" "effect-below-analysis" Error allow
        "a declared `effect:` is lower than the effect lrb's analysis found"
        "Remove the `effect:` argument, or move the action into a `mitigate` block; a declaration may settle a command lrb cannot classify or make an effect stricter, never lower one.";
    ParameterDecidesEffect = "LRB410" "parameter-decides-effect" Warning allow
        "a parameter sits where its value can change what the command does"
        "Write that part of the command in the runbook and pass the value as a plain argument; choose between commands with separate `when` branches.";
    UnplaceableParameter = "LRB411" "unplaceable-parameter" Error deny
        "a parameter sits where lrb cannot pass its value as data"
        "Move the parameter to a plain argument, a quoted string or a string literal.";
    UnusedAllow = "LRB501" "unused-allow" Warning deny
        "an allow comment that silences nothing"
        "Remove the comment, or move it right above the statement whose finding it should silence.";
    UnknownAllow = "LRB502" "unknown-allow" Error deny
        "an allow comment names a code that does not exist or cannot be silenced"
        "Name a flow or safety code (`LRB3xx`, `LRB4xx`); `lrb rules` lists them.";
    AllowWithoutReason = "LRB503" "allow-without-reason" Error deny
        "an allow comment gives no reason"
        "Write why the finding is acceptable after the code: `# lrb:allow(LRB401) data is rebuilt nightly`.";
}

/// The project's home, where each rule has a page.
pub const INFO_URI: &str = "https://github.com/lrb-runbooks/lrb";

impl Rule {
    /// The rule's page in the repository, `docs/rules/CODE.md`.
    pub fn page_url(&self) -> String {
        format!("{INFO_URI}/blob/main/docs/rules/{}.md", self.code)
    }
}

impl Code {
    pub fn rule(self) -> &'static Rule {
        &ALL[self as usize]
    }
}

/// Looks a rule up by code (`LRB101`) or name (`unknown-target`), ignoring case.
pub fn find(key: &str) -> Option<&'static Rule> {
    ALL.iter()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names_are_unique_and_in_order() {
        for (i, rule) in ALL.iter().enumerate() {
            assert_eq!(rule.id as usize, i, "{} is out of place", rule.code);
            assert!(rule.code.len() == 6 && rule.code.starts_with("LRB"));
            assert!(
                ALL.iter().filter(|r| r.name == rule.name).count() == 1,
                "{} shares its name",
                rule.code
            );
        }
        assert!(ALL.windows(2).all(|w| w[0].code < w[1].code));
    }

    #[test]
    fn only_flow_and_safety_findings_can_be_silenced() {
        for rule in ALL.iter().filter(|r| r.suppressible) {
            assert!(
                rule.code.starts_with("LRB3") || rule.code.starts_with("LRB4"),
                "{}",
                rule.code
            );
        }
    }
}
