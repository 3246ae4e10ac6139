//! Redis: one multiplexed connection per action (tokio), with connection and response
//! timeouts from the action's timeout.

use super::{Ctx, Finding, Probe, check_bounds, scalar, show};
use crate::action::catalogue::TargetKind;
use crate::action::{RedisAction, RedisOp};
use crate::run::Value;
use redis::AsyncConnectionConfig;
use redis::aio::MultiplexedConnection;

pub(super) async fn run(a: &RedisAction, ctx: &Ctx<'_>) -> Probe {
    let target = ctx.target(&a.target, TargetKind::Redis)?;
    let name = &target.name;
    let client = redis::Client::open(target.address.as_str()).map_err(|e| {
        format!("`{name}` has a bad Redis URL ({e}): use `redis://:password@host:port/db`")
    })?;
    let config = AsyncConnectionConfig::new()
        .set_connection_timeout(Some(ctx.timeout))
        .set_response_timeout(Some(ctx.timeout));
    let mut conn = client
        .get_multiplexed_async_connection_with_config(&config)
        .await
        .map_err(|e| format!("cannot connect to `{name}`: {}", describe(&e)))?;
    match &a.op {
        RedisOp::Ping => {
            let reply: String = ask(&mut conn, name, &redis::cmd("PING")).await?;
            Ok(Finding::judged(
                (reply != "PONG").then(|| format!("`{name}` answered `{reply}` to PING")),
                format!("`{name}` answered PONG"),
            )
            .value(Some(Value::Text(reply))))
        }
        RedisOp::Info {
            section,
            field,
            bounds,
        } => {
            let mut cmd = redis::cmd("INFO");
            if let Some(section) = section {
                cmd.arg(section);
            }
            let info: String = ask(&mut conn, name, &cmd).await?;
            let Some(field) = field else {
                return Ok(Finding::passed(format!("`{name}` answered INFO")).output(info));
            };
            let Some(raw) = info_field(&info, field) else {
                let which = section
                    .as_ref()
                    .map(|s| format!(" {s}"))
                    .unwrap_or_default();
                return Ok(Finding::failed(format!(
                    "`{name}` has no `{field}` in INFO{which}"
                )));
            };
            let value = scalar(raw);
            Ok(Finding::judged(
                check_bounds(Some(&value), bounds).map(|p| format!("`{field}` on `{name}`: {p}")),
                format!("`{field}` on `{name}` is {}", show(&value)),
            )
            .value(Some(value)))
        }
        RedisOp::Llen { key, bounds } => {
            let key = ctx.render(key)?;
            let len: i64 = ask(&mut conn, name, redis::cmd("LLEN").arg(&key)).await?;
            let value = Value::Number(len as f64);
            Ok(Finding::judged(
                check_bounds(Some(&value), bounds)
                    .map(|p| format!("LLEN `{key}` on `{name}`: {p}")),
                format!("LLEN `{key}` on `{name}` is {len}"),
            )
            .value(Some(value)))
        }
        RedisOp::Command {
            command, bounds, ..
        } => {
            ctx.need(&command.template)?;
            let words = command.argv(|p| ctx.value(p));
            let Some(first) = words.first() else {
                return Err(format!("`{}` holds no command", command.template));
            };
            let mut cmd = redis::cmd(first);
            cmd.arg(&words[1..]);
            let reply: redis::Value = ask(&mut conn, name, &cmd).await?;
            let value = convert(reply);
            let shown = value.as_ref().map_or("nil".to_string(), show);
            let verb = words[0].to_uppercase();
            Ok(Finding::judged(
                check_bounds(value.as_ref(), bounds).map(|p| format!("{verb} on `{name}`: {p}")),
                format!("{verb} on `{name}` answered {}", first_line(&shown)),
            )
            .output(shown)
            .value(value))
        }
    }
}

async fn ask<T: redis::FromRedisValue>(
    conn: &mut MultiplexedConnection,
    name: &str,
    cmd: &redis::Cmd,
) -> Result<T, String> {
    cmd.query_async(conn)
        .await
        .map_err(|e| format!("`{name}` refused the command: {}", describe(&e)))
}

/// A Redis error for a person; authentication problems say what to fix.
fn describe(e: &redis::RedisError) -> String {
    let text = e.to_string();
    if e.kind() == redis::ErrorKind::AuthenticationFailed
        || text.contains("WRONGPASS")
        || text.contains("NOAUTH")
    {
        format!("{text}: check the password in the target's URL")
    } else if e.is_timeout() {
        format!("{text}: no answer in time")
    } else {
        text
    }
}

/// A reply as a value: integers are numbers, strings are text, nil is no value, and
/// collections are their elements, one per line.
fn convert(reply: redis::Value) -> Option<Value> {
    match reply {
        redis::Value::Nil => None,
        redis::Value::Int(n) => Some(Value::Number(n as f64)),
        redis::Value::Double(d) => Some(Value::Number(d)),
        redis::Value::Boolean(b) => Some(Value::Bool(b)),
        redis::Value::Okay => Some(Value::Text("OK".into())),
        redis::Value::SimpleString(s) => Some(Value::Text(s)),
        redis::Value::BulkString(bytes) => {
            Some(Value::Text(String::from_utf8_lossy(&bytes).into_owned()))
        }
        redis::Value::VerbatimString { text, .. } => Some(Value::Text(text)),
        redis::Value::Array(items) | redis::Value::Set(items) => Some(Value::Text(
            items
                .into_iter()
                .map(text_of)
                .collect::<Vec<_>>()
                .join("\n"),
        )),
        redis::Value::Map(pairs) => Some(Value::Text(
            pairs
                .into_iter()
                .map(|(k, v)| format!("{}: {}", text_of(k), text_of(v)))
                .collect::<Vec<_>>()
                .join("\n"),
        )),
        other => Some(Value::Text(format!("{other:?}"))),
    }
}

fn text_of(reply: redis::Value) -> String {
    convert(reply).map_or_else(|| "(nil)".to_string(), |v| show(&v))
}

/// The value of `field:` in an INFO reply.
fn info_field<'a>(info: &'a str, field: &str) -> Option<&'a str> {
    info.lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| *k == field)
        .map(|(_, v)| v.trim())
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}
