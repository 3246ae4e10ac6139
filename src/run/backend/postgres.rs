//! PostgreSQL: one connection per action (sqlx, rustls), `statement_timeout` set from the
//! action's timeout so a slow query is cancelled by the server, not only abandoned by us.
//!
//! Queries go through the simple query protocol (`raw_sql`): a runbook's SQL may hold several
//! statements, and every value arrives as text, so any column type can be shown.

use super::{Ctx, Finding, Probe, check_bounds, human, root_cause, show};
use crate::action::catalogue::TargetKind;
use crate::action::{PostgresAction, PostgresOp};
use crate::run::Value;
use futures_util::TryStreamExt;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgRow};
use sqlx::{Column, Connection, Either, Row, TypeInfo};
use std::str::FromStr;
use std::time::Duration;

/// Most rows shown as output.
const MAX_SHOWN_ROWS: usize = 50;

pub(super) async fn run(a: &PostgresAction, ctx: &Ctx<'_>) -> Probe {
    let target = ctx.target(&a.target, TargetKind::Postgres)?;
    let name = &target.name;
    let options = PgConnectOptions::from_str(&target.address)
        .map_err(|e| {
            format!(
                "`{name}` has a bad PostgreSQL URL ({}): use `postgres://user:password@host:port/db`",
                root_cause(&e)
            )
        })?
        .application_name("lrb")
        // A little under our own timeout, so the server cancels a slow statement (and says so)
        // rather than running on after we hang up.
        .options([
            (
                "statement_timeout",
                statement_timeout(ctx.timeout).as_millis().to_string(),
            ),
            // `crate::fill::sql` quotes values for this setting, whatever the server's default.
            ("standard_conforming_strings", "on".to_string()),
        ]);
    let mut conn = tokio::time::timeout(ctx.timeout, PgConnection::connect_with(&options))
        .await
        .map_err(|_| {
            format!(
                "cannot connect to `{name}` within {}: is PostgreSQL up and reachable?",
                human(ctx.timeout)
            )
        })?
        .map_err(|e| format!("cannot connect to `{name}`: {}", describe(&e, ctx.timeout)))?;
    let finding = match &a.op {
        PostgresOp::Connect => {
            sqlx::raw_sql("SELECT 1")
                .execute(&mut conn)
                .await
                .map_err(|e| {
                    format!(
                        "`{name}` accepted the connection but `SELECT 1` failed: {}",
                        describe(&e, ctx.timeout)
                    )
                })?;
            Finding::passed(format!("connected to `{name}`, `SELECT 1` answered"))
        }
        PostgresOp::Query { sql, bounds, .. } => {
            ctx.need(&sql.template)?;
            let sql = sql.render(|p| ctx.value(p));
            let (value, output) = query(&mut conn, &sql)
                .await
                .map_err(|e| format!("query on `{name}` failed: {}", describe(&e, ctx.timeout)))?;
            let shown = value.as_ref().map_or("NULL".to_string(), show);
            Finding::judged(
                check_bounds(value.as_ref(), bounds).map(|p| format!("query on `{name}`: {p}")),
                format!("query on `{name}` gave {shown}"),
            )
            .value(value)
            .output(output)
        }
    };
    // Closing politely is best effort: the outcome is already known.
    let _ = tokio::time::timeout(Duration::from_millis(200), conn.close()).await;
    Ok(finding)
}

/// Runs the SQL; the value is the first column of the first row, or the rows affected when no
/// statement returned rows. The output is the rows as tab-separated text.
async fn query(conn: &mut PgConnection, sql: &str) -> Result<(Option<Value>, String), sqlx::Error> {
    let mut stream = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string())).fetch_many(conn);
    let mut rows: Vec<PgRow> = Vec::new();
    let mut affected = 0u64;
    let mut total_rows = 0usize;
    while let Some(item) = stream.try_next().await? {
        match item {
            Either::Left(done) => affected += done.rows_affected(),
            Either::Right(row) => {
                total_rows += 1;
                if rows.len() < MAX_SHOWN_ROWS {
                    rows.push(row);
                }
            }
        }
    }
    let Some(first) = rows.first() else {
        return Ok((
            Some(Value::Number(affected as f64)),
            format!("{affected} rows affected"),
        ));
    };
    let value = first_value(first);
    let mut out = first
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect::<Vec<_>>()
        .join("\t");
    for row in &rows {
        let cells: Vec<String> = (0..row.len())
            .map(|i| text(row, i).unwrap_or_else(|| "NULL".into()))
            .collect();
        out.push('\n');
        out.push_str(&cells.join("\t"));
    }
    if total_rows > rows.len() {
        out.push_str(&format!("\n[{} more rows]", total_rows - rows.len()));
    }
    Ok((value, out))
}

/// The first column as a number when its type is numeric, a bool when boolean, text otherwise.
fn first_value(row: &PgRow) -> Option<Value> {
    let raw = text(row, 0)?;
    let ty = row.column(0).type_info().name().to_ascii_uppercase();
    Some(match ty.as_str() {
        "INT2" | "INT4" | "INT8" | "FLOAT4" | "FLOAT8" | "NUMERIC" | "OID" => raw
            .parse::<f64>()
            .map(Value::Number)
            .unwrap_or(Value::Text(raw)),
        "BOOL" => Value::Bool(raw == "t"),
        _ => Value::Text(raw),
    })
}

/// A cell as PostgreSQL prints it; `None` for NULL. The simple protocol sends every value as
/// text, so decoding as a string without a type check is exact.
fn text(row: &PgRow, i: usize) -> Option<String> {
    row.try_get_unchecked::<Option<String>, _>(i).ok().flatten()
}

fn statement_timeout(timeout: Duration) -> Duration {
    timeout.mul_f64(0.8)
}

/// A driver error for a person: the server's own message when there is one.
fn describe(e: &sqlx::Error, timeout: Duration) -> String {
    match e {
        sqlx::Error::Database(db) if db.code().as_deref() == Some("57014") => format!(
            "the statement did not finish within {} and was cancelled",
            human(statement_timeout(timeout))
        ),
        sqlx::Error::Database(db) => match db.code() {
            Some(code) => format!("{} (SQLSTATE {code})", db.message()),
            None => db.message().to_string(),
        },
        sqlx::Error::Io(io) => format!("{io}: is PostgreSQL up and listening there?"),
        other => root_cause(other),
    }
}
