//! Database clients and tools: `redis-cli` (its command through the Redis table), `psql` and
//! `mysql` (their SQL through the SQL classifier), dumps, restores and admin tools.

use super::options::Options;
use super::{Ctx, Read, Write, destroy, read, write};
use crate::effect::Classification;
use crate::safety::{class, redis, sql, worst};

pub(super) fn redis_cli(args: &[&str]) -> Option<Classification> {
    const TAKES_VALUE: [&str; 30] = [
        "-h",
        "-p",
        "-a",
        "-s",
        "-n",
        "-u",
        "-r",
        "-i",
        "-d",
        "--user",
        "--pass",
        "--sni",
        "--cacert",
        "--cacertdir",
        "--cert",
        "--key",
        "--tls-ciphers",
        "--tls-ciphersuites",
        "--pattern",
        "--quoted-pattern",
        "--count",
        "--rdb",
        "--functions-rdb",
        "--pipe-timeout",
        "--memkeys-samples",
        "--eval",
        "--cluster",
        "--intrinsic-latency",
        "--cluster-yes",
        "--show-pushes",
    ];
    let o = Options::leading(args, &TAKES_VALUE);
    if o.has(&["--pipe", "--eval", "--lru-test"]) {
        return None;
    }
    if o.has(&["--cluster"]) {
        let sub = o.values(&["--cluster"]).next().unwrap_or("");
        return match sub {
            "info" | "check" => read("redis-cli --cluster check"),
            _ => None,
        };
    }
    if o.positional.is_empty() {
        if o.has(&[
            "--scan",
            "--bigkeys",
            "--memkeys",
            "--hotkeys",
            "--stat",
            "--latency",
            "--latency-history",
            "--latency-dist",
            "--intrinsic-latency",
            "--version",
            "-v",
        ]) {
            return read("redis-cli --scan");
        }
        if o.has(&["--rdb", "--functions-rdb"]) {
            return write("redis-cli --rdb", "writes a dump file");
        }
        return None; // interactive, or commands from stdin
    }
    let (cmd, effect, what) = redis::lookup(&o.positional)?;
    Some(class(effect, format!("`redis-cli {cmd}` {what}")))
}

pub(super) fn psql(args: &[&str], ctx: &Ctx) -> Option<Classification> {
    let o = Options::anywhere(
        args,
        &[
            "-c",
            "-d",
            "-f",
            "-h",
            "-p",
            "-U",
            "-v",
            "-P",
            "-F",
            "-R",
            "-o",
            "-L",
            "-T",
            "--command",
            "--dbname",
            "--file",
            "--host",
            "--port",
            "--username",
            "--set",
            "--variable",
            "--pset",
            "--field-separator",
            "--record-separator",
            "--output",
            "--log-file",
            "--table-attr",
        ],
    );
    if o.has(&["-f", "--file"]) {
        return None; // the SQL is in a file we do not read
    }
    let commands: Vec<&str> = o.values(&["-c", "--command"]).collect();
    if commands.is_empty() {
        if o.has(&["-l", "--list", "-V", "--version"]) {
            return read("psql -l");
        }
        if let Some(body) = ctx.heredoc.filter(|b| !b.dynamic) {
            return psql_script(&body.text);
        }
        if ctx.stdin_file.is_some() || ctx.piped {
            return destroy("psql < dump", "replays a script or dump over current data");
        }
        return None;
    }
    let mut acc = None;
    for sql_text in commands {
        let c = if let Some(meta) = sql_text.trim_start().strip_prefix('\\') {
            psql_meta(meta)?
        } else {
            sql::classify_sql(sql_text)?
        };
        acc = Some(worst(acc, c));
    }
    let mut c = acc?;
    if c.effect > Read {
        c.reason = format!("`psql -c`: {}", c.reason);
    }
    if o.has(&["-o", "--output", "-L", "--log-file"]) {
        c = worst(Some(c), class(Write, "`psql -o` writes a file"));
    }
    Some(c)
}

/// SQL a here-document feeds psql: its backslash lines are meta-commands, the rest is SQL.
fn psql_script(body: &str) -> Option<Classification> {
    let (meta, sql_lines): (Vec<&str>, Vec<&str>) =
        body.lines().partition(|l| l.trim_start().starts_with('\\'));
    let mut acc = None;
    for m in meta {
        acc = Some(worst(
            acc,
            psql_meta(m.trim_start().trim_start_matches('\\'))?,
        ));
    }
    let sql_text = sql_lines.join("\n");
    if !sql_text.trim().is_empty() {
        acc = Some(worst(acc, sql::classify_sql(&sql_text)?));
    }
    let mut c = acc?;
    if c.effect > Read {
        c.reason = format!("psql here-document: {}", c.reason);
    }
    Some(c)
}

/// psql backslash commands that only describe.
fn psql_meta(meta: &str) -> Option<Classification> {
    let cmd = meta.split_whitespace().next().unwrap_or_default();
    let describes = cmd.starts_with('d') && !cmd.contains("copy")
        || matches!(
            cmd,
            "l" | "l+" | "conninfo" | "x" | "timing" | "encoding" | "z" | "sf" | "sv" | "?"
        );
    describes.then(|| class(Read, format!("`\\{cmd}` only describes")))
}

pub(super) fn mysql(args: &[&str], ctx: &Ctx) -> Option<Classification> {
    let o = Options::anywhere(
        args,
        &[
            "-e",
            "-h",
            "-P",
            "-u",
            "-D",
            "-S",
            "-O",
            "--execute",
            "--host",
            "--port",
            "--user",
            "--database",
            "--socket",
        ],
    );
    let commands: Vec<&str> = o.values(&["-e", "--execute"]).collect();
    if commands.is_empty() {
        if ctx.stdin_file.is_some() || ctx.piped {
            return destroy("mysql < dump", "replays a script or dump over current data");
        }
        return None;
    }
    let mut acc = None;
    for sql_text in commands {
        acc = Some(worst(
            acc,
            sql::classify_sql_with(&sqlparser::dialect::MySqlDialect {}, sql_text)?,
        ));
    }
    let mut c = acc?;
    if c.effect > Read {
        c.reason = format!("`mysql -e`: {}", c.reason);
    }
    Some(c)
}

pub(super) fn pg_dump(name: &str, args: &[&str]) -> Option<Classification> {
    if Options::anywhere(
        args,
        &[
            "-f", "-h", "-p", "-U", "-d", "-n", "-N", "-t", "-T", "-Z", "-j", "-F", "-E", "--file",
        ],
    )
    .has(&["-f", "--file"])
    {
        write(name, "writes a dump file")
    } else {
        read(name)
    }
}

pub(super) fn mysqldump(name: &str, args: &[&str]) -> Option<Classification> {
    if args
        .iter()
        .any(|a| *a == "-r" || a.starts_with("--result-file"))
    {
        write(name, "writes a dump file")
    } else {
        read(name)
    }
}

pub(super) fn pg_restore(args: &[&str]) -> Option<Classification> {
    let o = Options::anywhere(
        args,
        &[
            "-d", "-f", "-F", "-h", "-L", "-n", "-N", "-p", "-P", "-S", "-T", "-t", "-U", "-j",
            "-I", "-e", "--dbname", "--file", "--format",
        ],
    );
    if o.has(&["-l", "--list"]) && !o.has(&["-d", "--dbname"]) {
        read("pg_restore")
    } else {
        destroy("pg_restore", "restores overwrite current data")
    }
}

pub(super) fn mysqladmin(args: &[&str]) -> Option<Classification> {
    if args.iter().any(|a| matches!(*a, "drop" | "shutdown")) {
        destroy(
            "mysqladmin drop/shutdown",
            "drops a database or stops the server",
        )
    } else if args.iter().filter(|a| !a.starts_with('-')).all(|a| {
        matches!(
            *a,
            "status" | "ping" | "processlist" | "variables" | "extended-status" | "version"
        )
    }) {
        read("mysqladmin")
    } else {
        write("mysqladmin", "changes the server")
    }
}
