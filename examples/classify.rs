//! Classifies commands read from standard input, one JSON `["shell" | "sql" | "redis", text]`
//! per line, printing `read`, `write`, `destructive` or `unknown` per line. Used by
//! `bench/import-corpus.sh` to measure the safety rules on imported runbooks.

use std::io::{BufRead, Write};

fn main() {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        let verdict = match serde_json::from_str::<(String, String)>(&line) {
            Ok((lang, text)) => {
                let class = match lang.as_str() {
                    "sql" => lrb::safety::classify_sql(&text),
                    "redis" => lrb::safety::classify_redis(&text),
                    _ => lrb::safety::classify_shell(&text),
                };
                class.map_or("unknown".to_string(), |c| c.effect.to_string())
            }
            Err(e) => format!("bad input: {e}"),
        };
        if writeln!(out, "{verdict}").is_err() {
            break;
        }
    }
}
