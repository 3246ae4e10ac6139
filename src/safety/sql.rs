//! SQL effects, from the sqlparser AST (never from string search on the input).

use super::{class, worst};
use crate::effect::{Classification, Effect};
use sqlparser::ast::{
    CopySource, CopyTarget, Expr, FromTable, Query, Select, Statement, Visit, Visitor,
};
use sqlparser::dialect::{Dialect, PostgreSqlDialect};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};
use std::ops::ControlFlow;

/// Classifies SQL (PostgreSQL dialect). `None` when it does not parse or cannot be judged
/// (`CALL`, `EXECUTE`, `COPY ... PROGRAM`, ...).
pub fn classify_sql(sql: &str) -> Option<Classification> {
    classify_sql_with(&PostgreSqlDialect {}, sql)
}

pub(crate) fn classify_sql_with(dialect: &dyn Dialect, sql: &str) -> Option<Classification> {
    let statements = parse(dialect, sql)?;
    let mut acc = None;
    let mut unbounded_writes = Vec::new();
    for statement in &statements {
        let c = match statement {
            Parsed::Statement(s) => {
                unbounded_writes.extend(unbounded_writes_of(s));
                classify_statement(s)?
            }
            Parsed::Maintenance(keyword) => {
                class(Effect::Write, format!("`{keyword}` runs table maintenance"))
            }
        };
        acc = Some(worst(acc, c));
    }
    acc.map(|c| Classification {
        unbounded_writes,
        ..c
    })
}

/// The `DELETE`/`UPDATE` statements in `statement` (itself or nested) lacking `WHERE`.
fn unbounded_writes_of(statement: &Statement) -> Vec<String> {
    let mut found = Vec::new();
    if executes(statement) {
        let _ = sqlparser::ast::visit_statements(statement, |s| {
            if let Some((desc, _)) = unbounded(s) {
                found.push(desc);
            }
            ControlFlow::<()>::Continue(())
        });
    }
    found
}

enum Parsed {
    Statement(Box<Statement>),
    /// A maintenance command sqlparser cannot parse (e.g. `VACUUM ANALYZE t`, `REINDEX`).
    Maintenance(String),
}

/// Parses with sqlparser. When the whole input fails, it is split into statements with
/// sqlparser's tokenizer (so `;` inside strings or comments does not split) and each is
/// parsed alone; only the listed maintenance commands are accepted unparsed.
fn parse(dialect: &dyn Dialect, sql: &str) -> Option<Vec<Parsed>> {
    if let Ok(statements) = Parser::parse_sql(dialect, sql) {
        if statements.is_empty() {
            return None;
        }
        return Some(
            statements
                .into_iter()
                .map(|s| Parsed::Statement(Box::new(s)))
                .collect(),
        );
    }
    let tokens = Tokenizer::new(dialect, sql).tokenize().ok()?;
    let mut out = Vec::new();
    for chunk in tokens.split(|t| *t == Token::SemiColon) {
        let first = chunk
            .iter()
            .find(|t| !matches!(t, Token::Whitespace(_)))
            .map(ToString::to_string);
        let Some(first) = first else { continue };
        let keyword = first.to_ascii_uppercase();
        if matches!(
            keyword.as_str(),
            "VACUUM" | "REINDEX" | "CHECKPOINT" | "CLUSTER"
        ) {
            out.push(Parsed::Maintenance(keyword));
            continue;
        }
        let text: String = chunk.iter().map(ToString::to_string).collect();
        let statements = Parser::parse_sql(dialect, &text).ok()?;
        out.extend(
            statements
                .into_iter()
                .map(|s| Parsed::Statement(Box::new(s))),
        );
    }
    (!out.is_empty()).then_some(out)
}

/// A plain `EXPLAIN` only plans its statement; `EXPLAIN ANALYZE` runs it.
fn executes(statement: &Statement) -> bool {
    match statement {
        Statement::Explain {
            analyze, options, ..
        } => *analyze || options_analyze(options.as_deref()),
        _ => true,
    }
}

fn options_analyze(options: Option<&[sqlparser::ast::UtilityOption]>) -> bool {
    options.unwrap_or_default().iter().any(|o| {
        o.name.value.eq_ignore_ascii_case("analyze")
            && !o.arg.as_ref().is_some_and(|a| {
                matches!(
                    a.to_string().to_ascii_lowercase().as_str(),
                    "false" | "off" | "0"
                )
            })
    })
}

fn classify_statement(statement: &Statement) -> Option<Classification> {
    if let Statement::Explain {
        statement: inner, ..
    } = statement
    {
        if !executes(statement) {
            return Some(class(Effect::Read, "`EXPLAIN` only plans the query"));
        }
        return classify_statement(inner);
    }
    let mut walker = Walker::default();
    let _ = statement.visit(&mut walker);
    if walker.unknown { None } else { walker.acc }
}

#[derive(Default)]
struct Walker {
    acc: Option<Classification>,
    unknown: bool,
}

impl Walker {
    fn add(&mut self, c: Classification) {
        self.acc = Some(worst(self.acc.take(), c));
    }
}

// Every nested statement (data-modifying CTEs, subqueries) and every function call is visited.
impl Visitor for Walker {
    type Break = ();

    fn pre_visit_statement(&mut self, statement: &Statement) -> ControlFlow<()> {
        match own_effect(statement) {
            Some(c) => {
                self.add(c);
                ControlFlow::Continue(())
            }
            None => {
                self.unknown = true;
                ControlFlow::Break(())
            }
        }
    }

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        if !query.locks.is_empty() {
            self.add(class(Effect::Write, "`SELECT ... FOR UPDATE` locks rows"));
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, select: &Select) -> ControlFlow<()> {
        if !select.from.is_empty()
            && bounds_nothing(select.selection.as_ref())
            && select.projection.iter().any(|p| {
                p.to_string()
                    .to_ascii_lowercase()
                    .contains("pg_terminate_backend")
            })
        {
            self.add(class(
                Effect::Destructive,
                "`pg_terminate_backend` over every row, with no `WHERE`, kills every session",
            ));
        }
        if let Some(into) = &select.into {
            self.add(class(
                Effect::Write,
                format!("`SELECT INTO {}` creates a table", into.table),
            ));
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        if let Expr::Function(f) = expr {
            let full = f.name.to_string();
            let name = full
                .rsplit('.')
                .next()
                .unwrap_or_default()
                .trim_matches('"')
                .to_ascii_lowercase();
            match function_effect(&name) {
                FnEffect::Plain => {}
                FnEffect::Is(effect, what) => self.add(class(effect, format!("`{name}` {what}"))),
                FnEffect::Unknown => {
                    self.unknown = true;
                    return ControlFlow::Break(());
                }
            }
        }
        ControlFlow::Continue(())
    }
}

enum FnEffect {
    Plain,
    Is(Effect, &'static str),
    Unknown,
}

fn function_effect(name: &str) -> FnEffect {
    use Effect::*;
    use FnEffect::*;
    match name {
        "pg_terminate_backend" => Is(Write, "kills sessions"),
        "pg_cancel_backend" => Is(Write, "cancels running queries"),
        "pg_drop_replication_slot" | "pg_replication_origin_drop" => Is(
            Destructive,
            "drops replication state; consumers lose their position",
        ),
        "lo_unlink" => Is(Destructive, "deletes a large object"),
        "pg_file_unlink" => Is(Destructive, "deletes a server file"),
        // A promoted standby cannot be demoted without a rebuild.
        "pg_promote" => Is(Destructive, "promotes a standby to primary, irreversibly"),
        "pg_reload_conf"
        | "pg_rotate_logfile"
        | "pg_switch_wal"
        | "pg_switch_xlog"
        | "pg_create_restore_point"
        | "pg_create_physical_replication_slot"
        | "pg_create_logical_replication_slot"
        | "pg_replication_slot_advance"
        | "pg_logical_slot_get_changes"
        | "pg_logical_slot_get_binary_changes"
        | "pg_wal_replay_pause"
        | "pg_wal_replay_resume"
        | "pg_backup_start"
        | "pg_backup_stop"
        | "pg_start_backup"
        | "pg_stop_backup"
        | "pg_stat_reset"
        | "pg_stat_reset_shared"
        | "pg_stat_reset_single_table_counters"
        | "pg_stat_statements_reset"
        | "setval"
        | "nextval"
        | "set_config"
        | "pg_notify"
        | "lo_import"
        | "lo_export"
        | "lo_create"
        | "lo_from_bytea"
        | "pg_file_write"
        | "pg_advisory_lock"
        | "pg_advisory_xact_lock" => Is(Write, "changes server state"),
        // Run SQL we cannot see.
        "dblink" | "dblink_exec" | "query_to_xml" => Unknown,
        _ => Plain,
    }
}

/// A statement's own effect, not counting nested statements (the walker visits those).
fn own_effect(statement: &Statement) -> Option<Classification> {
    use Effect::*;
    if let Some((desc, what)) = unbounded(statement) {
        return Some(class(
            Destructive,
            format!("`{desc}` is bounded by no `WHERE`: it {what}"),
        ));
    }
    let c = match statement {
        Statement::Query(_) => class(Read, "`SELECT` only reads"),
        Statement::Delete(d) => class(
            Write,
            format!("`DELETE` removes rows of `{}`", delete_tables(d)),
        ),
        Statement::Update(u) => class(
            Write,
            format!("`UPDATE` changes rows of `{}`", u.table.relation),
        ),
        Statement::Insert(i) => class(Write, format!("`INSERT` adds rows to `{}`", i.table)),
        Statement::Truncate(t) => {
            let names: Vec<String> = t.table_names.iter().map(|n| n.name.to_string()).collect();
            class(
                Destructive,
                format!("`TRUNCATE` removes every row of `{}`", names.join("`, `")),
            )
        }
        Statement::Drop {
            object_type, names, ..
        } => {
            let names: Vec<String> = names.iter().map(ToString::to_string).collect();
            let what = match object_type {
                sqlparser::ast::ObjectType::Database => "removes the whole database",
                sqlparser::ast::ObjectType::Table => "removes the table and its data",
                _ => "removes it for good",
            };
            class(
                Destructive,
                format!("`DROP {object_type} {}` {what}", names.join(", ")),
            )
        }
        Statement::AlterTable(alter) => {
            let dropping = alter
                .operations
                .iter()
                .map(ToString::to_string)
                .find(|op| op.to_ascii_uppercase().starts_with("DROP"));
            match dropping {
                Some(op) => class(
                    Destructive,
                    format!("`ALTER TABLE {} {op}` loses that data", alter.name),
                ),
                None => class(
                    Write,
                    format!("`ALTER TABLE {}` changes its schema", alter.name),
                ),
            }
        }
        Statement::Copy {
            source, to, target, ..
        } => match (to, target) {
            (_, CopyTarget::Program { .. }) => return None,
            (true, CopyTarget::Stdout) => class(Read, "`COPY ... TO STDOUT` only reads"),
            (true, _) => class(Write, "`COPY ... TO` writes a server file"),
            (false, _) => {
                let table = match source {
                    CopySource::Table { table_name, .. } => table_name.to_string(),
                    CopySource::Query(_) => "a query".to_string(),
                };
                class(Write, format!("`COPY {table} FROM` loads rows"))
            }
        },
        other => return by_keyword(other),
    };
    Some(c)
}

/// Everything else is judged by the statement's leading keyword, rendered from the AST
/// (so comments and odd spacing in the input cannot hide it).
fn by_keyword(statement: &Statement) -> Option<Classification> {
    use Effect::*;
    let text = statement.to_string();
    let keyword = text
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_ascii_uppercase();
    let effect = match keyword.as_str() {
        "DROP" | "TRUNCATE" => Destructive,
        "SELECT" | "WITH" | "VALUES" | "TABLE" | "SHOW" | "EXPLAIN" | "DESCRIBE" | "DESC"
        | "START" | "BEGIN" | "COMMIT" | "END" | "ROLLBACK" | "ABORT" | "SAVEPOINT" | "RELEASE"
        | "FETCH" | "CLOSE" | "DECLARE" | "USE" | "PREPARE" => Read,
        "INSERT" | "UPDATE" | "DELETE" | "MERGE" | "CREATE" | "ALTER" | "GRANT" | "REVOKE"
        | "COMMENT" | "SET" | "RESET" | "VACUUM" | "ANALYZE" | "REINDEX" | "CLUSTER"
        | "REFRESH" | "LOCK" | "DISCARD" | "NOTIFY" | "LISTEN" | "UNLISTEN" | "DEALLOCATE"
        | "KILL" | "RENAME" | "CHECKPOINT" | "SECURITY" | "REPLACE" | "FLUSH" | "OPTIMIZE"
        | "LOAD" | "UNLOAD" | "INSTALL" | "ATTACH" | "DETACH" | "COPY" => Write,
        // CALL, EXECUTE, DO and the rest run code we cannot see.
        _ => return None,
    };
    let reason = match effect {
        Read => format!("`{keyword}` only reads"),
        Write => format!("`{keyword}` changes the database"),
        Destructive => format!("`{keyword}` removes data"),
    };
    Some(class(effect, reason))
}

fn delete_tables(d: &sqlparser::ast::Delete) -> String {
    let tables = match &d.from {
        FromTable::WithFromKeyword(t) | FromTable::WithoutKeyword(t) => t,
    };
    let names: Vec<String> = if d.tables.is_empty() {
        tables.iter().map(|t| t.relation.to_string()).collect()
    } else {
        d.tables.iter().map(ToString::to_string).collect()
    };
    names.join(", ")
}

/// `(description, consequence)` for a `DELETE`/`UPDATE` with no `WHERE`, or one that always
/// holds (`WHERE true`, `WHERE 1 = 1`): both touch every row.
fn unbounded(statement: &Statement) -> Option<(String, &'static str)> {
    match statement {
        Statement::Delete(d) if bounds_nothing(d.selection.as_ref()) => Some((
            format!(
                "DELETE FROM {}{}",
                delete_tables(d),
                shown_where(d.selection.as_ref())
            ),
            "removes every row",
        )),
        Statement::Update(u) if bounds_nothing(u.selection.as_ref()) => Some((
            format!(
                "UPDATE {}{}",
                u.table.relation,
                shown_where(u.selection.as_ref())
            ),
            "rewrites every row",
        )),
        _ => None,
    }
}

fn shown_where(selection: Option<&Expr>) -> String {
    selection.map_or(String::new(), |e| format!(" WHERE {e}"))
}

/// No `WHERE`, or one that holds for every row.
fn bounds_nothing(selection: Option<&Expr>) -> bool {
    selection.is_none_or(always_true)
}

/// `true`, `1`, `1 = 1`, `'a' = 'a'`, `x = x`, `NOT false`, `... OR true`. The parser bounds
/// how deeply expressions nest, so this recursion is bounded too.
fn always_true(e: &Expr) -> bool {
    use sqlparser::ast::{BinaryOperator, UnaryOperator, Value};
    match e {
        Expr::Value(v) => match &v.value {
            Value::Boolean(b) => *b,
            Value::Number(n, _) => n.parse::<f64>().is_ok_and(|n| n != 0.0),
            _ => false,
        },
        Expr::Nested(inner) => always_true(inner),
        Expr::UnaryOp {
            op: UnaryOperator::Not,
            expr,
        } => always_false(expr),
        Expr::IsTrue(inner) | Expr::IsNotFalse(inner) => always_true(inner),
        Expr::BinaryOp { left, op, right } => match op {
            BinaryOperator::Or => always_true(left) || always_true(right),
            BinaryOperator::And => always_true(left) && always_true(right),
            BinaryOperator::Eq | BinaryOperator::GtEq | BinaryOperator::LtEq => left == right,
            _ => false,
        },
        _ => false,
    }
}

fn always_false(e: &Expr) -> bool {
    use sqlparser::ast::Value;
    match e {
        Expr::Value(v) => matches!(v.value, Value::Boolean(false)),
        Expr::Nested(inner) => always_false(inner),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn effect(sql: &str) -> Option<Effect> {
        classify_sql(sql).map(|c| c.effect)
    }

    #[test]
    fn basic_effects() {
        assert_eq!(effect("SELECT 1"), Some(Effect::Read));
        assert_eq!(effect("DELETE FROM jobs"), Some(Effect::Destructive));
        assert_eq!(effect("DELETE FROM jobs WHERE id = 1"), Some(Effect::Write));
        assert_eq!(effect("update users set x=1"), Some(Effect::Destructive));
        assert_eq!(effect("EXPLAIN DELETE FROM jobs"), Some(Effect::Read));
        assert_eq!(
            effect("EXPLAIN ANALYZE DELETE FROM jobs"),
            Some(Effect::Destructive)
        );
        assert_eq!(effect("SELEC 1"), None);
        assert_eq!(effect(""), None);
    }

    #[test]
    fn nested_and_functions() {
        assert_eq!(
            effect("WITH d AS (DELETE FROM jobs RETURNING *) SELECT count(*) FROM d"),
            Some(Effect::Destructive)
        );
        assert_eq!(
            effect("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE state = 'idle'"),
            Some(Effect::Write)
        );
        assert_eq!(
            effect("SELECT pg_catalog.pg_drop_replication_slot('s')"),
            Some(Effect::Destructive)
        );
    }

    #[test]
    fn reasons_name_the_part() {
        let c = classify_sql("TRUNCATE jobs").unwrap();
        assert_eq!(c.reason, "`TRUNCATE` removes every row of `jobs`");
        let c = classify_sql("SELECT 1; DELETE FROM jobs").unwrap();
        assert_eq!(
            c.reason,
            "`DELETE FROM jobs` is bounded by no `WHERE`: it removes every row"
        );
    }

    #[test]
    fn unbounded_list() {
        let unbounded = |sql| classify_sql(sql).map(|c| c.unbounded_writes);
        assert_eq!(
            unbounded("DELETE FROM jobs; UPDATE users SET a = 1; DELETE FROM x WHERE id = 2"),
            Some(vec![
                "DELETE FROM jobs".to_string(),
                "UPDATE users".to_string()
            ])
        );
        assert_eq!(unbounded("EXPLAIN DELETE FROM jobs"), Some(Vec::new()));
        assert_eq!(unbounded("not sql"), None);
    }
}
