//! Code blocks to commands. The fence language decides what a block is: shell (with prompts
//! told from output), SQL, Redis, PromQL (a fence is one query), or a note (YAML, JSON, text)
//! that never becomes a command. Prompts are stripped, `\` continuations joined, heredocs and
//! multi-line `for` / `if` / quoted text kept whole.

use regex::Regex;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    Shell,
    Sql,
    Redis,
    /// A ```promql fence: a query, judged whole by `super::promql`.
    Promql,
}

/// One command of a block, with the comment lines written just above it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    pub lang: Lang,
    pub text: String,
    pub comment: Option<String>,
}

/// `$ `, `# ` (root), `user@host:~$ `, `[root@node /]# `, `sh-4.4$ `, `(venv) $ `.
static SHELL_PROMPT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:\([^)]*\)\s*)?(?:(?:\[[^\]]*\]|[\w.-]+@[\w.:~/-]+|[\w.-]+:[~/][\w./~-]*)\s?|[\w.-]+)?[$%#]\s+(.*)$",
    )
    .expect("valid prompt pattern")
});
/// `postgres=# `, `gitlabhq_production=> `, `mysql> `.
static SQL_PROMPT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\w-]*[=\-(]?[#>]\s+(.*)$").expect("valid prompt pattern"));
/// `127.0.0.1:6379> `, `redis-cli> `.
static REDIS_PROMPT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[\w.:\[\]-]+>\s+(.*)$").expect("valid prompt pattern"));
static HEREDOC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"<<-?\s*(?:'(\w+)'|"(\w+)"|\\?(\w+))"#).expect("valid heredoc pattern")
});

const SQL_WORDS: [&str; 16] = [
    "SELECT", "UPDATE", "DELETE", "INSERT", "WITH", "ALTER", "DROP", "CREATE", "TRUNCATE",
    "VACUUM", "ANALYZE", "EXPLAIN", "SHOW", "GRANT", "REVOKE", "SET",
];

/// Tools runbooks run that the safety rules may not classify: enough to tell a block of
/// commands from a block of output when the fence names no language.
const TOOLS: [&str; 44] = [
    "kubectl",
    "oc",
    "helm",
    "ceph",
    "rbd",
    "rados",
    "radosgw-admin",
    "etcdctl",
    "crictl",
    "ctr",
    "aws",
    "gcloud",
    "gsutil",
    "az",
    "terraform",
    "tf",
    "virtctl",
    "docker-machine",
    "gitlab-ctl",
    "gitlab-rake",
    "gitlab-rails",
    "chef-client",
    "knife",
    "consul",
    "vault",
    "nomad",
    "bundle",
    "rake",
    "rails",
    "runc",
    "toolbox",
    "perf",
    "patronictl",
    "wal-g",
    "sudo",
    "systemctl",
    "journalctl",
    "mysql",
    "psql",
    "redis-cli",
    "pg_dump",
    "pg_restore",
    "monmaptool",
    "ceph-volume",
];

/// What a fence holds.
fn lang_of(tag: &str, body: &str) -> Option<Lang> {
    match tag {
        "bash" | "sh" | "shell" | "zsh" | "ksh" | "console" | "shell-session" | "shellsession"
        | "terminal" | "session" | "bash-session" => Some(Lang::Shell),
        "sql" | "psql" | "postgres" | "postgresql" | "pgsql" | "plpgsql" | "mysql" => {
            Some(Lang::Sql)
        }
        "redis" | "redis-cli" => Some(Lang::Redis),
        "promql" | "prometheus" => Some(Lang::Promql),
        "" => guess(body),
        _ => None,
    }
}

/// An unlabelled block is shell when it has shell prompts or most of its lines start with a
/// command; SQL or Redis when it has their prompts or starts with an SQL keyword. Output
/// tables, logs and configuration are notes.
fn guess(body: &str) -> Option<Lang> {
    let lines: Vec<&str> = body
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.iter().any(|l| shell_prompt(l, true).is_some()) {
        return Some(Lang::Shell);
    }
    if lines.iter().any(|l| sql_prompt(l).is_some()) {
        return Some(Lang::Sql);
    }
    if lines.iter().any(|l| REDIS_PROMPT.is_match(l)) {
        return Some(Lang::Redis);
    }
    let code: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| !l.starts_with('#'))
        .collect();
    let first = code.first()?;
    if SQL_WORDS.contains(&first.split_whitespace().next().unwrap_or_default()) {
        return Some(Lang::Sql);
    }
    let commands = code.iter().filter(|l| looks_like_command(l)).count();
    (commands * 2 >= code.len()).then_some(Lang::Shell)
}

/// A line that starts with a command the safety rules know, a common runbook tool or a
/// script path.
pub fn looks_like_command(line: &str) -> bool {
    let word = line.split_whitespace().next().unwrap_or_default();
    if word.contains('=') && !word.starts_with('=') {
        return true; // `NAME=value`
    }
    TOOLS.contains(&word)
        || (word.starts_with("./") && word.len() > 2)
        || crate::safety::classify_shell(line).is_some()
        || crate::safety::classify_shell(word).is_some()
}

/// A line of a table or a log that a shell block shows as output (`NAME   READY`,
/// `├─sda1`, `2019-05-30 19:02:57 ...`, `[errno 110] ...`).
fn is_output(line: &str) -> bool {
    static TABLE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[A-Z][A-Z0-9_-]+(?:\s{2,}|\t)[A-Z%]").expect("valid table pattern")
    });
    let first = line.chars().next().unwrap_or(' ');
    !first.is_ascii()
        || first.is_ascii_digit()
        || matches!(
            first,
            '|' | '(' | '[' | '<' | '{' | '}' | '"' | '.' | ',' | '^'
        ) && !line.starts_with("./")
            && !line.starts_with("((")
            && !line.starts_with("[[")
        || TABLE.is_match(line)
}

fn shell_prompt(line: &str, console: bool) -> Option<&str> {
    let caps = SHELL_PROMPT.captures(line)?;
    let rest = caps.get(1)?.as_str();
    let root = line.trim_start().starts_with('#') && !line.contains('@');
    // A `# ` line is a root prompt only where prompts are in use and a command follows.
    (!root || console && looks_like_command(rest)).then_some(rest)
}

fn sql_prompt(line: &str) -> Option<&str> {
    let caps = SQL_PROMPT.captures(line)?;
    let rest = caps.get(1)?.as_str();
    (!line.starts_with('#') && !line.starts_with('>')).then_some(rest)
}

/// The commands of one code block; empty for a note.
pub fn commands(tag: &str, body: &str) -> Vec<Command> {
    match lang_of(tag, body) {
        Some(Lang::Shell) => shell(body, tag == "console"),
        Some(Lang::Sql) => sql(body),
        Some(Lang::Redis) => redis(body),
        Some(Lang::Promql) => promql(body),
        None => Vec::new(),
    }
}

/// The whole fence is one query; its first comment line describes it.
fn promql(body: &str) -> Vec<Command> {
    let comment = body
        .lines()
        .filter_map(|l| l.trim().strip_prefix('#'))
        .map(str::trim)
        .find(|c| !c.is_empty() && !c.starts_with(super::promql::EXPECT));
    vec![Command {
        lang: Lang::Promql,
        text: body.trim().to_string(),
        comment: comment.map(str::to_string),
    }]
}

fn shell(body: &str, console: bool) -> Vec<Command> {
    let lines: Vec<&str> = body.lines().collect();
    let prompted = lines
        .iter()
        .any(|l| shell_prompt(l.trim(), console).is_some() && !l.trim().starts_with('#'));
    let mut out = Vec::new();
    let mut comment: Option<String> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].trim();
        i += 1;
        if line.is_empty() {
            comment = None;
            continue;
        }
        let start = if prompted {
            shell_prompt(line, true)
        } else if line.starts_with('#') {
            // Without `$` prompts, a `# ` line is a comment, or in a console a root prompt.
            shell_prompt(line, console)
        } else {
            (!is_output(line)).then_some(line)
        };
        let Some(start) = start else {
            if let Some(text) = line.strip_prefix('#') {
                let text = text.trim();
                comment = Some(match comment.take() {
                    Some(before) => format!("{before} {text}"),
                    None => text.to_string(),
                });
            }
            continue; // output, or a comment
        };
        let mut text = start.to_string();
        while i < lines.len() {
            let sep = match open(&text) {
                Open::No => break,
                Open::Line => " ",
                Open::Text => "\n",
            };
            if text.ends_with('\\') && !text.ends_with("\\\\") {
                text.pop();
            }
            let next = lines[i].trim();
            let next = next.strip_prefix("> ").unwrap_or(next);
            text = format!(
                "{}{sep}{}",
                text.trim_end(),
                if sep == "\n" { lines[i] } else { next }
            );
            i += 1;
        }
        if let Some(text) = heredoc(&text, &lines, &mut i) {
            out.push(Command {
                lang: Lang::Shell,
                text,
                comment: comment.take(),
            });
            continue;
        }
        out.push(Command {
            lang: Lang::Shell,
            text: text.trim().to_string(),
            comment: comment.take(),
        });
    }
    out
}

/// A command that opens a heredoc takes every line up to the terminator.
fn heredoc(text: &str, lines: &[&str], i: &mut usize) -> Option<String> {
    let caps = HEREDOC.captures(text)?;
    let tag = caps.get(1).or(caps.get(2)).or(caps.get(3))?.as_str();
    let mut out = text.trim().to_string();
    while *i < lines.len() {
        let line = lines[*i];
        *i += 1;
        out.push('\n');
        out.push_str(line);
        if line.trim() == tag {
            break;
        }
    }
    Some(out)
}

enum Open {
    No,
    /// Continues on the next line as the same line (`\`, a trailing `|` or `&&`).
    Line,
    /// Continues with a newline (an open quote, `for ... do` without its `done`).
    Text,
}

fn open(text: &str) -> Open {
    let t = text.trim_end();
    if (t.ends_with('\\') && !t.ends_with("\\\\"))
        || t.ends_with('|')
        || t.ends_with("&&")
        || t.ends_with("||")
    {
        return Open::Line;
    }
    if quote_open(t) || compound_depth(t) > 0 {
        return Open::Text;
    }
    Open::No
}

/// Whether a quote opened in `text` is still open at its end.
fn quote_open(text: &str) -> bool {
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some('\''), '\'') => quote = None,
            (Some('\''), _) => {}
            (_, '\\') => {
                chars.next();
            }
            (Some('"'), '"') => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (None, '#') => return false, // the rest is a comment
            _ => {}
        }
    }
    quote.is_some()
}

/// `for`/`while`/`until`/`if`/`case` opened and not yet closed, counted by words.
fn compound_depth(text: &str) -> i32 {
    let mut depth = 0;
    for word in text.split(|c: char| c.is_whitespace() || c == ';') {
        match word {
            "do" | "if" | "case" | "{" => depth += 1,
            "done" | "fi" | "esac" | "}" => depth -= 1,
            _ => {}
        }
    }
    depth
}

fn sql(body: &str) -> Vec<Command> {
    let prompted = body.lines().any(|l| sql_prompt(l.trim()).is_some());
    let mut out = Vec::new();
    let mut comment: Option<String> = None;
    let mut current: Option<String> = None;
    for line in body.lines() {
        let t = line.trim();
        if current.is_none() {
            if t.is_empty() {
                comment = None;
                continue;
            }
            if let Some(c) = t.strip_prefix("--") {
                comment = Some(c.trim().to_string());
                continue;
            }
            let start = if prompted { sql_prompt(t) } else { Some(t) };
            let Some(start) = start else { continue };
            if start.starts_with('\\') {
                continue; // a psql meta-command, not SQL
            }
            current = Some(start.to_string());
        } else if let Some(c) = current.as_mut() {
            c.push('\n');
            c.push_str(if prompted {
                sql_prompt(t).unwrap_or(t)
            } else {
                t
            });
        }
        if current
            .as_deref()
            .is_some_and(|c| c.trim_end().ends_with(';'))
            || !prompted && t.is_empty()
        {
            push_sql(&mut out, &mut current, &mut comment);
        }
    }
    push_sql(&mut out, &mut current, &mut comment);
    out
}

fn push_sql(out: &mut Vec<Command>, current: &mut Option<String>, comment: &mut Option<String>) {
    if let Some(text) = current.take().filter(|t| !t.trim().is_empty()) {
        out.push(Command {
            lang: Lang::Sql,
            text: text.trim().to_string(),
            comment: comment.take(),
        });
    }
}

fn redis(body: &str) -> Vec<Command> {
    let prompted = body.lines().any(|l| REDIS_PROMPT.is_match(l.trim()));
    body.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            if prompted {
                REDIS_PROMPT
                    .captures(l)
                    .and_then(|c| c.get(1))
                    .map(|m| m.as_str())
            } else {
                Some(l)
            }
        })
        .map(|l| {
            let lang = if l.starts_with("redis-cli") {
                Lang::Shell
            } else {
                Lang::Redis
            };
            Command {
                lang,
                text: l.trim().to_string(),
                comment: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(tag: &str, body: &str) -> Vec<String> {
        commands(tag, body).into_iter().map(|c| c.text).collect()
    }

    #[test]
    fn prompts_stripped_and_output_dropped() {
        let body = "$ kubectl get pods -n web\nNAME   READY   STATUS\nweb-1  1/1     Running\n$ kubectl top pods\n";
        assert_eq!(
            texts("console", body),
            ["kubectl get pods -n web", "kubectl top pods"]
        );
        assert_eq!(
            texts("console", "# systemctl status kubelet\n"),
            ["systemctl status kubelet"]
        );
        assert_eq!(
            texts("", "[root@node-1 ~]# df -h\nFilesystem  Size\n"),
            ["df -h"]
        );
    }

    #[test]
    fn comments_continuations_and_heredocs() {
        let body = "# Show the nodes\nkubectl get nodes \\\n  -o wide\ncat <<EOF > /tmp/x\na\nb\nEOF\nfor p in a b; do\n  echo $p\ndone\n";
        let cmds = commands("bash", body);
        assert_eq!(cmds[0].text, "kubectl get nodes -o wide");
        assert_eq!(cmds[0].comment.as_deref(), Some("Show the nodes"));
        assert_eq!(cmds[1].text, "cat <<EOF > /tmp/x\na\nb\nEOF");
        assert_eq!(cmds[2].text, "for p in a b; do\n  echo $p\ndone");
        assert_eq!(cmds.len(), 3);
    }

    #[test]
    fn notes_are_never_commands() {
        assert!(texts("yaml", "apiVersion: v1\nkind: Pod\n").is_empty());
        assert!(texts("", "NAME      READY   STATUS\nweb-1     1/1     Running\n").is_empty());
        assert!(texts("json", "{\"a\": 1}\n").is_empty());
    }

    #[test]
    fn a_promql_fence_is_one_query() {
        let q = commands(
            "promql",
            "# Error ratio\nsum(rate(e[5m]))\n  / sum(rate(t[5m]))\n",
        );
        assert_eq!(q.len(), 1);
        assert_eq!(q[0].lang, Lang::Promql);
        assert_eq!(q[0].comment.as_deref(), Some("Error ratio"));
    }

    #[test]
    fn sql_and_redis_blocks() {
        let sql = commands("sql", "-- the oldest\nSELECT pid\nFROM pg_stat_activity;\n");
        assert_eq!(sql[0].text, "SELECT pid\nFROM pg_stat_activity;");
        assert_eq!(sql[0].lang, Lang::Sql);
        assert_eq!(
            texts("", "pgbouncer=# show databases;\n name | host\n"),
            ["show databases;"]
        );
        assert_eq!(
            texts("redis", "127.0.0.1:6379> INFO memory\nused_memory:1\n"),
            ["INFO memory"]
        );
    }
}
