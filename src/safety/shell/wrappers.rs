//! Wrappers that only change how the real command runs (`sudo`, `env`, `timeout`, `nice`,
//! keywords, assignments): stripped so the command they run is classified.

use super::basename;
use super::lexer::{Word, is_assignment};
use super::options::skip_opts;

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
            "time" => skip_opts(rest, &[], &["-p"]),
            "sudo" | "doas" => {
                let r = skip_opts(
                    rest,
                    &["-u", "-g", "-C", "-p", "-r", "-t", "-U", "-D", "-h"],
                    &[],
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
                let r = skip_opts(rest, &["-u", "-C", "--unset", "--chdir"], &[]);
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
                let r = skip_opts(rest, &["-s", "-k", "--signal", "--kill-after"], &[]);
                if r.is_empty() {
                    return None;
                }
                &r[1..] // the duration
            }
            "nice" => skip_opts(rest, &["-n", "--adjustment"], &[]),
            "ionice" => skip_opts(rest, &["-c", "-n", "-p", "-P", "-u"], &[]),
            "nohup" | "setsid" | "builtin" => rest,
            "stdbuf" => skip_opts(rest, &["-i", "-o", "-e"], &[]),
            "chrt" | "taskset" => return None,
            "exec" => skip_opts(rest, &["-a"], &[]),
            "command" => {
                if rest
                    .first()
                    .is_some_and(|a| a.text == "-v" || a.text == "-V")
                {
                    return Some(w);
                }
                skip_opts(rest, &[], &[])
            }
            _ => return Some(w),
        };
    }
}
