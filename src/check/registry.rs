//! Every diagnostic lrb can emit, in one table. Codes are stable and never reused:
//! retire a rule by leaving its row with `retired: true`, never by renumbering.
//!
//! Families: `LRB0xx` syntax, `LRB1xx` names, `LRB2xx` types, `LRB3xx` flow, `LRB4xx` safety,
//! `LRB5xx` suppressions. Flow and safety findings can be silenced with
//! `# lrb:allow(CODE) reason`; the others cannot, since the runbook would not work.

use crate::diagnostic::Severity;

#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    /// kebab-case, stable like the code.
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// The default help sentence; diagnostics may give a more specific one.
    pub help: &'static str,
}

macro_rules! rules {
    ($($ident:ident = $code:literal $name:literal $sev:ident $summary:literal $help:literal;)*) => {
        $(pub static $ident: Rule = Rule {
            code: $code,
            name: $name,
            severity: Severity::$sev,
            summary: $summary,
            help: $help,
        };)*
        /// All rules, in code order.
        pub static ALL: &[&Rule] = &[$(&$ident),*];
    };
}

rules! {
    SYNTAX_ERROR = "LRB001" "syntax-error" Error
        "the text does not follow the runbook grammar"
        "Fix the text at the marked position; `docs/language.md` shows every construct.";
    UNTERMINATED_STRING = "LRB002" "unterminated-string" Error
        "a string literal is not closed on its line"
        "Close the string with a matching quote on the same line, or use a heredoc (`<<~TEXT`) for text over several lines.";
    MISSING_END = "LRB003" "missing-end" Error
        "a `do` block is never closed with `end`"
        "Add `end` to close the block; every `do` needs one `end`.";
    UNTERMINATED_HEREDOC = "LRB004" "unterminated-heredoc" Error
        "a heredoc has no closing tag line"
        "Add a line holding only the heredoc's tag to close it.";
    INVALID_LITERAL = "LRB005" "invalid-literal" Error
        "a number, duration or percentage is malformed"
        "Write durations as a whole number with a unit (`500ms`, `5s`, `2m`, `1h`) and percentages as `90%`.";
    INVALID_UTF8 = "LRB006" "invalid-utf8" Error
        "the file is not valid UTF-8"
        "Save the file as UTF-8; lrb reads runbooks only in that encoding.";
    UNKNOWN_STATEMENT = "LRB007" "unknown-statement" Error
        "a statement or block that the language does not have"
        "Use one of the statements the enclosing block allows; `docs/language.md` lists them.";
    MISPLACED_STATEMENT = "LRB008" "misplaced-statement" Error
        "a statement that is valid elsewhere but not in this block"
        "Move the statement to a block that allows it.";
    MALFORMED_STATEMENT = "LRB009" "malformed-statement" Error
        "a statement with the wrong shape of arguments"
        "Give the statement the arguments shown in `docs/language.md`.";
    TOO_DEEP = "LRB010" "nesting-too-deep" Error
        "blocks or brackets nested deeper than lrb reads"
        "Flatten the nesting; a runbook needs only a few levels of blocks and brackets.";
    UNKNOWN_TARGET = "LRB101" "unknown-target" Error
        "an action names a target that is not declared"
        "Declare the target with `target :name, kind: address`, or fix the name.";
    UNKNOWN_VERB = "LRB102" "unknown-verb" Error
        "an action uses a verb its target kind does not have"
        "Use one of the verbs of the target's kind; `docs/language.md` lists them.";
    UNKNOWN_ARGUMENT = "LRB103" "unknown-argument" Error
        "an unknown keyword argument"
        "Remove the argument or fix its name.";
    UNKNOWN_CHECK = "LRB104" "unknown-check" Error
        "a condition names a check that the runbook does not define"
        "Define the check in this runbook, or fix the name.";
    UNKNOWN_RUNBOOK = "LRB105" "unknown-runbook" Error
        "`see` names a runbook that none of the given files defines"
        "Fix the name, or pass the file that defines that runbook to the same command.";
    UNKNOWN_PARAMETER = "LRB106" "unknown-parameter" Error
        "a name used as a value is not a declared parameter"
        "Declare it with `param :name`, or fix the name.";
    DUPLICATE_DEFINITION = "LRB107" "duplicate-definition" Error
        "two definitions share one name"
        "Rename one of them; names of targets, parameters, runbooks and checks must be unique.";
    UNKNOWN_TARGET_KIND = "LRB108" "unknown-target-kind" Error
        "a target declares a kind lrb does not support"
        "Use one of `http`, `postgres`, `redis`, `docker`, `compose` or `shell`.";
    MISSING_ARGUMENT = "LRB109" "missing-argument" Error
        "a required argument is missing"
        "Add the missing argument.";
    DUPLICATE_ARGUMENT = "LRB110" "duplicate-argument" Error
        "the same keyword argument is given twice"
        "Keep one of the two.";
    WRONG_ARGUMENT_TYPE = "LRB201" "wrong-argument-type" Error
        "an argument has the wrong type"
        "Give a value of the expected type.";
    COMPARISON_TYPE_MISMATCH = "LRB202" "comparison-type-mismatch" Error
        "a condition compares a check's value with a value of another type"
        "Compare with a value of the check's type.";
    CHECK_WITHOUT_VALUE = "LRB203" "check-without-value" Error
        "a condition compares the value of a check that yields none"
        "Use `passed(...)` or `failed(...)` for this check, or make its first probe one that yields a value.";
    TOO_MANY_ARGUMENTS = "LRB204" "too-many-arguments" Error
        "more positional arguments than the statement takes"
        "Remove the extra arguments.";
    INVALID_VALUE = "LRB205" "invalid-value" Error
        "a value outside the allowed set"
        "Use one of the allowed values.";
    INVALID_ADDRESS = "LRB206" "invalid-address" Error
        "a target address (written, or an `env()` default) that its kind cannot use"
        "Give an address of the target's kind, such as `http://127.0.0.1:3000` for `http`.";
    INVALID_WINDOW = "LRB207" "invalid-window" Error
        "a `confirm` window that cannot work: `within: 0s`, `every: 0s`, or `every` longer than `within`"
        "Give `within:` room for several tries and an `every:` shorter than it, such as `within: 5m, every: 10s`.";
    UNREACHABLE_MITIGATION = "LRB301" "unreachable-mitigation" Warning
        "a mitigation that no `when` can ever select"
        "Put the mitigation inside a `when` whose condition can be true.";
    MISSING_CONFIRM = "LRB302" "missing-confirm" Warning
        "a runbook has mitigations but no `confirm` block"
        "Add `confirm within: 5m, every: 10s do ... end` with probes that show recovery.";
    UNUSED_CHECK = "LRB303" "unused-check" Warning
        "a check that no condition reads"
        "Use the check in a `when`, or drop it if it only informs (then say so in its description and allow this rule).";
    EMPTY_BLOCK = "LRB304" "empty-block" Error
        "a block that must hold actions is empty"
        "Add at least one action to the block.";
    MISSING_TITLE = "LRB305" "missing-title" Warning
        "a runbook without a title"
        "Add `title \"...\"` so people know what the runbook is for.";
    NO_RUNBOOK = "LRB306" "no-runbook" Error
        "a file that defines no runbook"
        "Add `runbook :name do ... end`, or leave the file out; targets and parameters are not shared between files.";
    UNFINISHED_CHECK = "LRB307" "unfinished-check" Error
        "a check still to be written: a `todo` where its probe goes"
        "Replace the `todo` with a read action that fails when the incident is on, such as `host.run \"systemctl is-active app\"`.";
    UNACKNOWLEDGED_DESTRUCTIVE = "LRB401" "unacknowledged-destructive" Error
        "a mitigation holds a destructive action but does not acknowledge it"
        "Add `destructive: \"what is lost\"` to the `mitigate` line, so the operator must type its name to run it.";
    WRITE_IN_READ_BLOCK = "LRB402" "write-in-read-block" Error
        "a `check` or `confirm` holds an action that changes something"
        "Move the action into a `mitigate` block; checks and confirms only observe.";
    UNCLASSIFIED_IN_READ_BLOCK = "LRB403" "unclassified-in-read-block" Error
        "a `check` or `confirm` runs a command whose effect lrb cannot tell"
        "If the command only reads, say so with `effect: :read`; otherwise move it into a `mitigate` block.";
    UNBOUNDED_WRITE = "LRB404" "unbounded-write" Error
        "`DELETE` or `UPDATE` without `WHERE` changes every row"
        "Add a `WHERE` clause that selects only the rows to change.";
    LITERAL_CREDENTIAL = "LRB405" "literal-credential" Error
        "a password, token or key is written in the runbook"
        "Read it from the environment with `secret(\"NAME\")` or a `param` marked `secret: true`, and rotate the exposed credential.";
    SECRET_PRINTED = "LRB406" "secret-printed" Error
        "a secret is interpolated into text that is shown to people"
        "Remove the secret from the text; refer to it by name instead.";
    UNBOUNDED_CONFIRM = "LRB407" "unbounded-confirm" Warning
        "a `confirm` block with no `within:` time bound"
        "Add `within: 5m` (how long recovery may take) to the `confirm` line.";
    PROBE_WITHOUT_TIMEOUT = "LRB408" "probe-without-timeout" Warning
        "a read action in a mitigation has no timeout and no default applies"
        "Add `timeout: 30s` to the action or to its target.";
    EFFECT_BELOW_ANALYSIS = "LRB409" "effect-below-analysis" Error
        "a declared `effect:` is lower than the effect lrb's analysis found"
        "Remove the `effect:` argument, or move the action into a `mitigate` block; a declaration may settle a command lrb cannot classify or make an effect stricter, never lower one.";
    PARAMETER_DECIDES_EFFECT = "LRB410" "parameter-decides-effect" Warning
        "a parameter sits where its value can change what the command does"
        "Write that part of the command in the runbook and pass the value as a plain argument; choose between commands with separate `when` branches.";
    UNPLACEABLE_PARAMETER = "LRB411" "unplaceable-parameter" Error
        "a parameter sits where lrb cannot pass its value as data"
        "Move the parameter to a plain argument, a quoted string or a string literal.";
    UNUSED_ALLOW = "LRB501" "unused-allow" Warning
        "an allow comment that silences nothing"
        "Remove the comment, or move it right above the statement whose finding it should silence.";
    UNKNOWN_ALLOW = "LRB502" "unknown-allow" Error
        "an allow comment names a code that does not exist or cannot be silenced"
        "Name a flow or safety code (`LRB3xx`, `LRB4xx`); `lrb rules` lists them.";
    ALLOW_WITHOUT_REASON = "LRB503" "allow-without-reason" Error
        "an allow comment gives no reason"
        "Write why the finding is acceptable after the code: `# lrb:allow(LRB401) data is rebuilt nightly`.";
}

impl Rule {
    /// Whether `# lrb:allow(CODE) reason` may silence it.
    pub fn suppressible(&self) -> bool {
        // An empty block or a file without a runbook cannot run at all: not a judgement call.
        (self.code.starts_with("LRB3") || self.code.starts_with("LRB4"))
            && !matches!(self.code, "LRB304" | "LRB306" | "LRB307" | "LRB411")
    }
}

/// Looks a rule up by code (`LRB101`) or name (`unknown-target`), ignoring case.
pub fn find(key: &str) -> Option<&'static Rule> {
    ALL.iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}
