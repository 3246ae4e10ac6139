//! Target kinds, their verbs and the arguments each verb takes: the table the checker types
//! actions against, and the one place that builds an [`Action`] from checked arguments.

use super::*;
use crate::fill::promql;
use crate::fill::redis::RedisCommand;
use crate::fill::shell::ShellLine;
use crate::fill::sql::SqlText;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    Http,
    Postgres,
    Redis,
    Docker,
    Compose,
    Shell,
    Prometheus,
}

impl TargetKind {
    pub const ALL: [TargetKind; 7] = [
        TargetKind::Http,
        TargetKind::Postgres,
        TargetKind::Redis,
        TargetKind::Docker,
        TargetKind::Compose,
        TargetKind::Shell,
        TargetKind::Prometheus,
    ];

    pub fn name(self) -> &'static str {
        match self {
            TargetKind::Http => "http",
            TargetKind::Postgres => "postgres",
            TargetKind::Redis => "redis",
            TargetKind::Docker => "docker",
            TargetKind::Compose => "compose",
            TargetKind::Shell => "shell",
            TargetKind::Prometheus => "prometheus",
        }
    }

    pub fn from_name(name: &str) -> Option<TargetKind> {
        TargetKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// What the address of a target of this kind is, for messages and docs.
    pub fn address_doc(self) -> &'static str {
        match self {
            TargetKind::Http => "a base URL such as `http://127.0.0.1:3000`",
            TargetKind::Postgres => "a connection URL such as `postgres://user@127.0.0.1:5432/db`",
            TargetKind::Redis => "a URL such as `redis://127.0.0.1:6379`",
            TargetKind::Docker => "the engine address: `local`, or `unix:///var/run/docker.sock`",
            TargetKind::Compose => "the compose file, such as `docker-compose.yml`",
            TargetKind::Shell => "the working directory, such as `.`",
            TargetKind::Prometheus => "the server's base URL, such as `http://127.0.0.1:9090`",
        }
    }
}

/// The type an argument must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgType {
    /// A string; may interpolate parameters.
    Text,
    /// A process exit status, 0 to 255.
    ExitCode,
    /// A number of lines or replicas, 0 or more.
    Count,
    /// A string of SQL, a shell line or a Redis command line: its holes are placed by
    /// `crate::fill` when the runbook is checked.
    Raw(RawLanguage),
    /// An integer or a decimal number.
    Number,
    Duration,
    Percent,
    Bool,
    /// One HTTP status or a list of them.
    Statuses,
    /// One of the given symbols.
    Symbol(&'static [&'static str]),
}

impl ArgType {
    pub fn describe(self) -> String {
        match self {
            ArgType::Text | ArgType::Raw(_) => "a string".into(),
            ArgType::ExitCode => "an exit code from 0 to 255".into(),
            ArgType::Count => "a whole number, 0 or more".into(),
            ArgType::Number => "a number".into(),
            ArgType::Duration => "a duration like `5s`".into(),
            ArgType::Percent => "a percentage like `90%`".into(),
            ArgType::Bool => "`true` or `false`".into(),
            ArgType::Statuses => "a status code or a list like `[200, 204]`".into(),
            ArgType::Symbol(options) => {
                let list: Vec<String> = options.iter().map(|o| format!("`:{o}`")).collect();
                format!("one of {}", list.join(", "))
            }
        }
    }
}

macro_rules! args {
    ($($id:ident $name:literal,)*) => {
        /// Every argument name of a verb or a statement: the keys of [`ArgValues`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Arg {
            $($id,)*
        }

        impl Arg {
            /// As written in a runbook: `memory_below` in `memory_below: 90%`.
            pub fn name(self) -> &'static str {
                match self {
                    $(Arg::$id => $name,)*
                }
            }
        }
    };
}

args! {
    Above "above",
    Any "any",
    Below "below",
    Body "body",
    Command "command",
    Container "container",
    Contains "contains",
    CpuBelow "cpu_below",
    Default "default",
    Description "description",
    Destructive "destructive",
    Duration "duration",
    Each "each",
    Effect "effect",
    Empty "empty",
    Equals "equals",
    Every "every",
    Exit "exit",
    Field "field",
    Filter "filter",
    For "for",
    Grace "grace",
    Grep "grep",
    Health "health",
    Info "info",
    Json "json",
    Key "key",
    LatencyBelow "latency_below",
    MemoryBelow "memory_below",
    Path "path",
    Project "project",
    Query "query",
    Scale "scale",
    Secret "secret",
    Section "section",
    Service "service",
    Source "source",
    Sql "sql",
    State "state",
    Step "step",
    Status "status",
    Tail "tail",
    Target "target",
    Text "text",
    Timeout "timeout",
    Volumes "volumes",
    Within "within",
}

#[derive(Debug, Clone, Copy)]
pub struct ArgSpec {
    pub key: Arg,
    pub ty: ArgType,
    pub required: bool,
    pub doc: &'static str,
}

impl ArgSpec {
    pub fn name(&self) -> &'static str {
        self.key.name()
    }
}

const fn req(key: Arg, ty: ArgType, doc: &'static str) -> ArgSpec {
    ArgSpec {
        key,
        ty,
        required: true,
        doc,
    }
}

const fn opt(key: Arg, ty: ArgType, doc: &'static str) -> ArgSpec {
    ArgSpec {
        key,
        ty,
        required: false,
        doc,
    }
}

#[derive(Debug)]
pub struct VerbSpec {
    pub kind: TargetKind,
    pub verb: &'static str,
    pub op: Verb,
    pub positional: &'static [ArgSpec],
    pub keywords: &'static [ArgSpec],
    pub doc: &'static str,
}

const EFFECTS: &[&str] = &["read", "write", "destructive"];
const STATES: &[&str] = &[
    "running",
    "exited",
    "paused",
    "restarting",
    "created",
    "dead",
];
const HEALTHS: &[&str] = &["healthy", "unhealthy", "starting"];

const TIMEOUT: ArgSpec = opt(Arg::Timeout, ArgType::Duration, "give up after this long");
const BELOW: ArgSpec = opt(
    Arg::Below,
    ArgType::Number,
    "passes only when the value is below this",
);
const ABOVE: ArgSpec = opt(
    Arg::Above,
    ArgType::Number,
    "passes only when the value is above this",
);
const EQUALS: ArgSpec = opt(
    Arg::Equals,
    ArgType::Text,
    "passes only when the value equals this text",
);
const EFFECT: ArgSpec = opt(
    Arg::Effect,
    ArgType::Symbol(EFFECTS),
    "states the effect when the analysis cannot tell",
);
const TAIL: ArgSpec = opt(Arg::Tail, ArgType::Count, "how many trailing lines");
const GREP: ArgSpec = opt(
    Arg::Grep,
    ArgType::Text,
    "keep only lines containing this (case-insensitive)",
);
const GRACE: ArgSpec = opt(
    Arg::Grace,
    ArgType::Duration,
    "how long to wait before killing",
);
const CONTAINER: ArgSpec = req(Arg::Container, ArgType::Text, "container name");
const SERVICE: ArgSpec = opt(
    Arg::Service,
    ArgType::Text,
    "compose service; all when omitted",
);
const PATH: ArgSpec = req(Arg::Path, ArgType::Text, "path under the target's base URL");

const HTTP_KEYWORDS: &[ArgSpec] = &[
    opt(
        Arg::Status,
        ArgType::Statuses,
        "accepted status codes (default: any 2xx)",
    ),
    opt(
        Arg::Contains,
        ArgType::Text,
        "the body must contain this text",
    ),
    opt(
        Arg::Json,
        ArgType::Text,
        "JSON pointer whose value becomes the check's value",
    ),
    opt(
        Arg::LatencyBelow,
        ArgType::Duration,
        "the answer must come faster than this",
    ),
    opt(Arg::Body, ArgType::Text, "request body"),
    BELOW,
    ABOVE,
    EQUALS,
    TIMEOUT,
];

const EMPTY_RESULTS: &[&str] = &["passes", "fails"];

const PROMETHEUS_KEYWORDS: &[ArgSpec] = &[
    opt(
        Arg::For,
        ArgType::Duration,
        "a range query: the bounds must hold over this whole window",
    ),
    opt(
        Arg::Step,
        ArgType::Duration,
        "the range query's resolution (default: the window / 1000, at least 100ms)",
    ),
    BELOW,
    ABOVE,
    opt(
        Arg::Equals,
        ArgType::Number,
        "passes only when the sample equals this number",
    ),
    opt(
        Arg::Empty,
        ArgType::Symbol(EMPTY_RESULTS),
        "what no series means (default: errored, \"no data\")",
    ),
    opt(
        Arg::Each,
        ArgType::Bool,
        "several series: every one must meet the bounds",
    ),
    opt(
        Arg::Any,
        ArgType::Bool,
        "several series: one that meets the bounds is enough",
    ),
    TIMEOUT,
];

macro_rules! verbs {
    ($($kind:ident $verb:literal $op:ident ($($pos:expr),*) $kw:expr, $doc:literal;)*) => {
        /// What each verb does: the operation [`build`] makes, matched exhaustively.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Verb {
            $($op,)*
        }

        /// Every verb of every target kind.
        pub static VERBS: &[VerbSpec] = &[$(VerbSpec {
            kind: TargetKind::$kind,
            verb: $verb,
            op: Verb::$op,
            positional: &[$($pos),*],
            keywords: $kw,
            doc: $doc,
        }),*];
    };
}

verbs! {
    Http "get" HttpGet (PATH) HTTP_KEYWORDS, "GET a path; passes on the expected status (any 2xx by default)";
    Http "head" HttpHead (PATH) HTTP_KEYWORDS, "HEAD a path";
    Http "post" HttpPost (PATH) HTTP_KEYWORDS, "POST to a path (a write)";
    Http "put" HttpPut (PATH) HTTP_KEYWORDS, "PUT to a path (a write)";
    Http "patch" HttpPatch (PATH) HTTP_KEYWORDS, "PATCH a path (a write)";
    Http "delete" HttpDelete (PATH) HTTP_KEYWORDS, "DELETE a path (destructive)";
    Postgres "connect" PgConnect () &[TIMEOUT], "connect and run `SELECT 1`";
    Postgres "query" PgQuery (req(Arg::Sql, ArgType::Raw(RawLanguage::Sql), "the SQL")) &[BELOW, ABOVE, EQUALS, EFFECT, TIMEOUT],
        "run SQL; the first column of the first row is the value; the effect comes from parsing the SQL";
    Redis "ping" RedisPing () &[TIMEOUT], "PING; passes on PONG";
    Redis "info" RedisInfo (opt(Arg::Section, ArgType::Text, "INFO section")) &[opt(Arg::Field, ArgType::Text, "field whose value becomes the check's value"), BELOW, ABOVE, EQUALS, TIMEOUT],
        "INFO, optionally one field of it";
    Redis "llen" RedisLlen (req(Arg::Key, ArgType::Text, "list key")) &[BELOW, ABOVE, TIMEOUT], "length of a list (queue depth)";
    Redis "command" RedisCommand (req(Arg::Command, ArgType::Raw(RawLanguage::Redis), "the command line")) &[BELOW, ABOVE, EQUALS, EFFECT, TIMEOUT],
        "any command; the effect comes from the Redis command table";
    Docker "container" DockerContainer (CONTAINER) &[opt(Arg::State, ArgType::Symbol(STATES), "expected state"), opt(Arg::Health, ArgType::Symbol(HEALTHS), "expected health"), TIMEOUT],
        "inspect a container; passes when state and health match";
    Docker "stats" DockerStats (CONTAINER) &[opt(Arg::MemoryBelow, ArgType::Percent, "memory use must stay below this share of the limit"), opt(Arg::CpuBelow, ArgType::Percent, "CPU use must stay below this"), TIMEOUT],
        "one stats sample; the value is memory use in percent";
    Docker "logs" DockerLogs (CONTAINER) &[TAIL, GREP, TIMEOUT], "show a container's logs";
    Docker "images" DockerImages (opt(Arg::Filter, ArgType::Text, "keep images whose reference contains this")) &[TIMEOUT],
        "list images; the value is how many match";
    Docker "restart" DockerRestart (CONTAINER) &[GRACE, TIMEOUT], "restart a container";
    Docker "start" DockerStart (CONTAINER) &[TIMEOUT], "start a container";
    Docker "stop" DockerStop (CONTAINER) &[GRACE, TIMEOUT], "stop a container";
    Docker "tag" DockerTag (req(Arg::Source, ArgType::Text, "existing image"), req(Arg::Target, ArgType::Text, "new reference")) &[TIMEOUT],
        "tag an image";
    Compose "ps" ComposePs (SERVICE) &[TIMEOUT], "list services; passes when every one listed is running";
    Compose "logs" ComposeLogs (req(Arg::Service, ArgType::Text, "compose service")) &[TAIL, GREP, TIMEOUT], "show a service's logs";
    Compose "restart" ComposeRestart (SERVICE) &[TIMEOUT], "restart services";
    Compose "up" ComposeUp (SERVICE) &[opt(Arg::Scale, ArgType::Count, "number of replicas of the service"), TIMEOUT],
        "create and start services, detached";
    Compose "down" ComposeDown () &[opt(Arg::Volumes, ArgType::Bool, "also remove volumes (destructive)"), TIMEOUT],
        "stop and remove the project's containers";
    Compose "build" ComposeBuild (SERVICE) &[TIMEOUT], "build services' images";
    Compose "stop" ComposeStop (SERVICE) &[TIMEOUT], "stop services";
    Compose "start" ComposeStart (SERVICE) &[TIMEOUT], "start stopped services";
    Shell "run" ShellRun (req(Arg::Command, ArgType::Raw(RawLanguage::Shell), "the command line, run by bash")) &[opt(Arg::Exit, ArgType::ExitCode, "exit code that counts as passing (default 0)"), opt(Arg::Contains, ArgType::Text, "stdout must contain this"), BELOW, ABOVE, EQUALS, EFFECT, TIMEOUT],
        "run a command; its stdout is the value; the effect comes from the shell catalogue";
    Prometheus "query" PromQuery (req(Arg::Query, ArgType::Raw(RawLanguage::Promql), "the PromQL")) PROMETHEUS_KEYWORDS,
        "a PromQL query; the sample is the value; no data, NaN and unstated several series are errors";
}

pub fn verbs_of(kind: TargetKind) -> impl Iterator<Item = &'static VerbSpec> {
    VERBS.iter().filter(move |v| v.kind == kind)
}

pub fn find(kind: TargetKind, verb: &str) -> Option<&'static VerbSpec> {
    verbs_of(kind).find(|v| v.verb == verb)
}

/// A checked argument value.
#[derive(Debug, Clone, PartialEq)]
pub enum ArgValue {
    Text(Template),
    Sql(SqlText),
    Promql(promql::Query),
    Shell(ShellLine),
    Redis(RedisCommand),
    Int(i64),
    Number(f64),
    Duration(u64),
    Percent(f64),
    Bool(bool),
    Statuses(Vec<u16>),
    Symbol(String),
}

/// Checked arguments of one action, by name.
#[derive(Debug, Default)]
pub struct ArgValues(pub BTreeMap<Arg, ArgValue>);

impl ArgValues {
    fn text(&self, key: Arg) -> Option<Template> {
        match self.0.get(&key) {
            Some(ArgValue::Text(t)) => Some(t.clone()),
            _ => None,
        }
    }
    fn req_text(&self, key: Arg) -> Template {
        self.text(key).unwrap_or_default()
    }
    // The placed raw texts are taken, not copied: only the action keeps them.
    fn sql(&mut self, key: Arg) -> SqlText {
        match self.0.remove(&key) {
            Some(ArgValue::Sql(v)) => v,
            _ => SqlText::default(),
        }
    }
    fn promql(&mut self, key: Arg) -> promql::Query {
        match self.0.remove(&key) {
            Some(ArgValue::Promql(v)) => v,
            _ => promql::Query::default(),
        }
    }
    fn flag(&self, key: Arg) -> bool {
        matches!(self.0.get(&key), Some(ArgValue::Bool(true)))
    }
    fn shell(&mut self, key: Arg) -> ShellLine {
        match self.0.remove(&key) {
            Some(ArgValue::Shell(v)) => v,
            _ => ShellLine::default(),
        }
    }
    fn redis(&mut self, key: Arg) -> RedisCommand {
        match self.0.remove(&key) {
            Some(ArgValue::Redis(v)) => v,
            _ => RedisCommand::default(),
        }
    }
    /// A text argument as written, holes kept as `#{name}`.
    pub fn plain(&self, key: Arg) -> Option<String> {
        self.text(key).map(|t| t.source())
    }
    pub fn ms(&self, key: Arg) -> Option<u64> {
        match self.0.get(&key) {
            Some(ArgValue::Duration(ms)) => Some(*ms),
            _ => None,
        }
    }
    fn number(&self, key: Arg) -> Option<f64> {
        match self.0.get(&key) {
            Some(ArgValue::Number(n) | ArgValue::Percent(n)) => Some(*n),
            _ => None,
        }
    }
    fn count(&self, key: Arg) -> Option<u32> {
        match self.0.get(&key) {
            Some(ArgValue::Int(i)) => u32::try_from(*i).ok(),
            _ => None,
        }
    }
    fn symbol(&self, key: Arg) -> Option<&str> {
        match self.0.get(&key) {
            Some(ArgValue::Symbol(s)) => Some(s),
            _ => None,
        }
    }
    fn bounds(&self) -> Bounds {
        Bounds {
            below: self.number(Arg::Below),
            above: self.number(Arg::Above),
            equals: self.plain(Arg::Equals),
        }
    }
    fn declared_effect(&self) -> Option<Effect> {
        self.symbol(Arg::Effect).and_then(Effect::from_name)
    }
}

/// Which analysis places a raw text's holes (and, but for PromQL, classifies its effect).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RawLanguage {
    Sql,
    Redis,
    Shell,
    Promql,
}

/// Builds the action for a verb whose arguments the checker has accepted, raw text already
/// placed by `crate::fill`. `classify` analyses the SQL, Redis or shell text (with a plain word
/// in each hole); a declared `effect:` settles what it cannot tell, or makes it stricter.
pub fn build(
    spec: &VerbSpec,
    target: &str,
    mut args: ArgValues,
    classify: impl Fn(RawLanguage, &str) -> Option<Classification>,
) -> Action {
    let target = target.to_string();
    let timeout_ms = args.ms(Arg::Timeout);
    let declared = args.declared_effect();
    let raw = |lang, sample: &str| match classify(lang, sample) {
        Some(classification) => RawEffect::Classified {
            classification,
            declared,
        },
        None => RawEffect::Unclassified { declared },
    };
    let http = |method| {
        Action::Http(HttpAction {
            target: target.clone(),
            method,
            path: crate::fill::http::path(&args.req_text(Arg::Path)),
            status: match args.0.get(&Arg::Status) {
                Some(ArgValue::Statuses(s)) => s.clone(),
                _ => Vec::new(),
            },
            contains: args.text(Arg::Contains),
            json: args.plain(Arg::Json),
            bounds: args.bounds(),
            latency_below_ms: args.ms(Arg::LatencyBelow),
            body: args.text(Arg::Body).as_ref().map(crate::fill::http::body),
            timeout_ms,
        })
    };
    let postgres = |op| {
        Action::Postgres(PostgresAction {
            target: target.clone(),
            op,
            timeout_ms,
        })
    };
    let redis = |op| {
        Action::Redis(RedisAction {
            target: target.clone(),
            op,
            timeout_ms,
        })
    };
    let docker = |op| {
        Action::Docker(DockerAction {
            target: target.clone(),
            op,
            timeout_ms,
        })
    };
    let compose = |op| {
        Action::Compose(ComposeAction {
            target: target.clone(),
            op,
            timeout_ms,
        })
    };
    let name = || args.req_text(Arg::Container);
    let service = || args.text(Arg::Service);
    match spec.op {
        Verb::HttpGet => http(HttpMethod::Get),
        Verb::HttpHead => http(HttpMethod::Head),
        Verb::HttpPost => http(HttpMethod::Post),
        Verb::HttpPut => http(HttpMethod::Put),
        Verb::HttpPatch => http(HttpMethod::Patch),
        Verb::HttpDelete => http(HttpMethod::Delete),
        Verb::PgConnect => postgres(PostgresOp::Connect),
        Verb::PgQuery => {
            let sql = args.sql(Arg::Sql);
            postgres(PostgresOp::Query {
                effect: raw(RawLanguage::Sql, &sql.sample()),
                sql,
                bounds: args.bounds(),
            })
        }
        Verb::RedisPing => redis(RedisOp::Ping),
        Verb::RedisInfo => redis(RedisOp::Info {
            section: args.plain(Arg::Section),
            field: args.plain(Arg::Field),
            bounds: args.bounds(),
        }),
        Verb::RedisLlen => redis(RedisOp::Llen {
            key: args.req_text(Arg::Key),
            bounds: args.bounds(),
        }),
        Verb::RedisCommand => {
            let command = args.redis(Arg::Command);
            redis(RedisOp::Command {
                effect: raw(RawLanguage::Redis, &command.sample()),
                command,
                bounds: args.bounds(),
            })
        }
        Verb::DockerContainer => docker(DockerOp::Container {
            name: name(),
            state: args.symbol(Arg::State).and_then(ContainerState::from_name),
            health: args.symbol(Arg::Health).and_then(Health::from_name),
        }),
        Verb::DockerStats => docker(DockerOp::Stats {
            name: name(),
            memory_below: args.number(Arg::MemoryBelow),
            cpu_below: args.number(Arg::CpuBelow),
        }),
        Verb::DockerLogs => docker(DockerOp::Logs {
            name: name(),
            tail: args.count(Arg::Tail),
            grep: args.plain(Arg::Grep),
        }),
        Verb::DockerImages => docker(DockerOp::Images {
            filter: args.text(Arg::Filter),
        }),
        Verb::DockerRestart => docker(DockerOp::Restart {
            name: name(),
            grace_ms: args.ms(Arg::Grace),
        }),
        Verb::DockerStart => docker(DockerOp::Start { name: name() }),
        Verb::DockerStop => docker(DockerOp::Stop {
            name: name(),
            grace_ms: args.ms(Arg::Grace),
        }),
        Verb::DockerTag => docker(DockerOp::Tag {
            source: args.req_text(Arg::Source),
            target: args.req_text(Arg::Target),
        }),
        Verb::ComposePs => compose(ComposeOp::Ps { service: service() }),
        Verb::ComposeLogs => compose(ComposeOp::Logs {
            service: service().unwrap_or_default(),
            tail: args.count(Arg::Tail),
            grep: args.plain(Arg::Grep),
        }),
        Verb::ComposeRestart => compose(ComposeOp::Restart { service: service() }),
        Verb::ComposeUp => compose(ComposeOp::Up {
            service: service(),
            scale: args.count(Arg::Scale),
        }),
        Verb::ComposeDown => compose(ComposeOp::Down {
            volumes: args.flag(Arg::Volumes),
        }),
        Verb::ComposeBuild => compose(ComposeOp::Build { service: service() }),
        Verb::ComposeStop => compose(ComposeOp::Stop { service: service() }),
        Verb::ComposeStart => compose(ComposeOp::Start { service: service() }),
        Verb::ShellRun => {
            let command = args.shell(Arg::Command);
            Action::Shell(ShellAction {
                target: target.clone(),
                effect: raw(RawLanguage::Shell, &command.sample()),
                command,
                exit: match args.0.get(&Arg::Exit) {
                    // The checker allows 0 to 255 only.
                    Some(ArgValue::Int(i)) => *i as i32,
                    _ => 0,
                },
                contains: args.text(Arg::Contains),
                bounds: args.bounds(),
                timeout_ms,
            })
        }
        Verb::PromQuery => Action::Prometheus(PrometheusAction {
            target: target.clone(),
            query: args.promql(Arg::Query),
            window_ms: args.ms(Arg::For),
            step_ms: args.ms(Arg::Step),
            bounds: Bounds {
                // `1`, not `1.0`: as the backend shows a sample.
                equals: args.number(Arg::Equals).map(|n| n.to_string()),
                ..args.bounds()
            },
            empty: (args.symbol(Arg::Empty))
                .and_then(OnEmpty::from_name)
                .unwrap_or(OnEmpty::Errored),
            // The checker refuses both at once.
            series: if args.flag(Arg::Each) {
                SeriesRule::Each
            } else if args.flag(Arg::Any) {
                SeriesRule::Any
            } else {
                SeriesRule::One
            },
            timeout_ms,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_verb_row_builds_an_action_of_its_own_verb() {
        let mut seen = std::collections::HashSet::new();
        for spec in VERBS {
            assert!(seen.insert(spec.op), "{:?} has two rows", spec.op);
            let action = build(spec, "t", ArgValues::default(), |_, _| None);
            assert_eq!(
                action.verb(),
                Some(spec.op),
                "`{}.{}`",
                spec.kind.name(),
                spec.verb
            );
            assert_eq!(action.target(), Some("t"));
        }
    }

    #[test]
    fn symbol_lists_name_every_variant() {
        let names = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let states: Vec<String> = ContainerState::ALL
            .iter()
            .map(|s| s.name().into())
            .collect();
        assert_eq!(names(STATES), states);
        let healths: Vec<String> = Health::ALL.iter().map(|h| h.name().into()).collect();
        assert_eq!(names(HEALTHS), healths);
        let effects: Vec<String> = Effect::ALL.iter().map(|e| e.to_string()).collect();
        assert_eq!(names(EFFECTS), effects);
        let empty: Vec<String> = OnEmpty::ALL
            .iter()
            .filter_map(|e| e.name().map(String::from))
            .collect();
        assert_eq!(names(EMPTY_RESULTS), empty);
    }

    /// `docs/language.md` has a row for every verb, naming each of its keyword arguments.
    #[test]
    fn the_language_reference_lists_every_verb_and_argument() {
        let doc = include_str!("../../docs/language.md");
        for kind in TargetKind::ALL {
            let heading = format!("### `{}`", kind.name());
            let section = doc
                .split(&heading)
                .nth(1)
                .unwrap_or_else(|| panic!("docs/language.md has no `{heading}`"));
            let section = section.split("\n### ").next().unwrap_or_default();
            for spec in verbs_of(kind) {
                let row = section
                    .lines()
                    .find(|l| {
                        l.starts_with('|')
                            && l.split('|')
                                .nth(1)
                                .is_some_and(|c| c.contains(&format!("`{}`", spec.verb)))
                    })
                    .unwrap_or_else(|| panic!("no row for `{}.{}`", kind.name(), spec.verb));
                if row.contains("as `get`") {
                    continue;
                }
                for kw in spec.keywords.iter().filter(|k| k.key != Arg::Timeout) {
                    assert!(
                        row.contains(&format!("`{}:", kw.name())),
                        "the row of `{}.{}` does not name `{}:`",
                        kind.name(),
                        spec.verb,
                        kw.name()
                    );
                }
            }
        }
    }
}
