//! Option parsing for the catalogue: which flags a command sets, the values its options take,
//! and its positional arguments.

use super::lexer::Word;

/// Skips leading options. `with_value` options consume the next word unless written
/// attached (`-uroot`, `--signal=KILL`). Everything else starting with `-` is a flag.
pub(super) fn skip_opts<'a>(words: &'a [Word], with_value: &[&str], _flags: &[&str]) -> &'a [Word] {
    let mut i = 0;
    while let Some(w) = words.get(i) {
        let t = w.text.as_str();
        if t == "--" {
            return &words[i + 1..];
        }
        if !t.starts_with('-') || t == "-" {
            break;
        }
        if with_value.contains(&t) {
            i += 2;
        } else {
            i += 1;
        }
    }
    words.get(i..).unwrap_or_default()
}

#[derive(Debug, Default)]
pub(super) struct Opts {
    /// `(name, value)`: `"X"` for `-X`, `"request"` for `--request`.
    opts: Vec<(String, Option<String>)>,
    pub(super) positional: Vec<String>,
}

impl Opts {
    pub(super) fn has(&self, names: &[&str]) -> bool {
        self.opts.iter().any(|(n, _)| names.contains(&n.as_str()))
    }

    pub(super) fn values<'s>(&'s self, names: &'s [&str]) -> impl Iterator<Item = &'s str> + 's {
        self.opts
            .iter()
            .filter(move |(n, _)| names.contains(&n.as_str()))
            .filter_map(|(_, v)| v.as_deref())
    }
}

/// getopt-style splitting. `short_val` lists short options that take a value, `long_val`
/// long ones (without `--`). With `stop_at_positional`, the first positional ends options
/// (redis-cli, ssh, docker exec); otherwise options may follow positionals (GNU style).
pub(super) fn getopt(
    args: &[&str],
    short_val: &str,
    long_val: &[&str],
    stop_at_positional: bool,
) -> Opts {
    let mut out = Opts::default();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        i += 1;
        if a == "--" {
            out.positional
                .extend(args[i..].iter().map(|s| s.to_string()));
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            if let Some((n, v)) = long.split_once('=') {
                out.opts.push((n.to_string(), Some(v.to_string())));
            } else if long_val.contains(&long) {
                out.opts
                    .push((long.to_string(), args.get(i).map(|s| s.to_string())));
                i += 1;
            } else {
                out.opts.push((long.to_string(), None));
            }
            continue;
        }
        if a.len() > 1 && a.starts_with('-') {
            let body: Vec<char> = a[1..].chars().collect();
            for (k, ch) in body.iter().enumerate() {
                if short_val.contains(*ch) {
                    let rest: String = body[k + 1..].iter().collect();
                    let v = if rest.is_empty() {
                        i += 1;
                        args.get(i - 1).map(|s| s.to_string())
                    } else {
                        Some(rest)
                    };
                    out.opts.push((ch.to_string(), v));
                    break;
                }
                out.opts.push((ch.to_string(), None));
            }
            continue;
        }
        if stop_at_positional {
            out.positional
                .extend(args[i - 1..].iter().map(|s| s.to_string()));
            break;
        }
        out.positional.push(a.to_string());
    }
    out
}

/// Index of the first word after options whose values are listed in `with_value`
/// (both `-n x` and `--namespace=x` forms).
pub(in crate::safety) fn first_positional(args: &[&str], with_value: &[&str]) -> Option<usize> {
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if a == "--" {
            return (i + 1 < args.len()).then_some(i + 1);
        }
        if !a.starts_with('-') || a == "-" {
            return Some(i);
        }
        i += if with_value.contains(&a) { 2 } else { 1 };
    }
    None
}
