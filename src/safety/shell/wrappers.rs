//! Wrappers that only change how the real command runs (`sudo`, `env`, `timeout`, `nice`,
//! keywords, assignments): stripped so the command they run is classified.

use super::basename;
use super::lexer::{Word, is_assignment};
use super::options::Options;

/// Drops what only changes how the real command runs: keywords, `VAR=x`, `sudo`, `env`,
/// `timeout`, `nice`, ... `None` when a wrapper is used in a way we cannot see through.
pub(super) fn strip_wrappers(words: &[Word]) -> Option<&[Word]> {
    let mut w = words;
    loop {
        let Some(first) = w.first() else {
            return Some(w);
        };
        let t = first.text.as_str();
        // `X=$(cmd)` is still an assignment; its substitution is classified separately.
        if !first.quoted && is_assignment(first) {
            w = &w[1..];
            continue;
        }
        if first.quoted || first.dynamic {
            return Some(w);
        }
        let rest = &w[1..];
        w = match basename(t) {
            "if" | "then" | "else" | "elif" | "do" | "while" | "until" | "!" | "{" => rest,
            "fi" | "done" | "}" | "esac" if rest.is_empty() => rest,
            "case" | "select" | "function" | "coproc" => return None,
            "time" => after_options(rest, &[]),
            "sudo" | "doas" => {
                let r = after_options(
                    rest,
                    &["-u", "-g", "-C", "-p", "-r", "-t", "-U", "-D", "-h"],
                );
                if r.is_empty() {
                    return None; // an interactive root shell
                }
                r
            }
            "env" => {
                if rest
                    .iter()
                    .any(|a| a.text == "-S" || a.text.starts_with("--split-string"))
                {
                    return None;
                }
                let r = after_options(rest, &["-u", "-C", "--unset", "--chdir"]);
                let mut r = r;
                while r.first().is_some_and(|a| !a.quoted && is_assignment(a)) {
                    r = &r[1..];
                }
                if r.is_empty() {
                    return Some(w); // plain `env` prints the environment
                }
                r
            }
            "timeout" => {
                let r = after_options(rest, &["-s", "-k", "--signal", "--kill-after"]);
                if r.is_empty() {
                    return None;
                }
                &r[1..] // the duration
            }
            "nice" => after_options(rest, &["-n", "--adjustment"]),
            "ionice" => after_options(rest, &["-c", "-n", "-p", "-P", "-u"]),
            "nohup" | "setsid" | "builtin" => rest,
            "stdbuf" => after_options(rest, &["-i", "-o", "-e"]),
            "chrt" | "taskset" => return None,
            "exec" => after_options(rest, &["-a"]),
            "command" => {
                if rest
                    .first()
                    .is_some_and(|a| a.text == "-v" || a.text == "-V")
                {
                    return Some(w);
                }
                after_options(rest, &[])
            }
            _ => return Some(w),
        };
    }
}

/// The words after the leading options, `with_value` naming those that take a value.
fn after_options<'a>(words: &'a [Word], with_value: &[&str]) -> &'a [Word] {
    let first = Options::leading(words, with_value).first;
    &words[first.unwrap_or(words.len())..]
}
