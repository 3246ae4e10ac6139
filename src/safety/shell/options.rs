//! The one option parser of the catalogue, getopt-style: `-x`, clustered `-xyz`, `-ovalue`
//! and `-o value`, `--long`, `--long=value` and `--long value`, and `--` ending options.
//! Options are named as written (`-o`, `--output`); a command lists those that take a value,
//! and every other word starting with `-` is a flag.

/// One option as found: its name without dashes (`o`, `output`), and its value if it takes one.
struct Found<'a> {
    long: bool,
    name: &'a str,
    value: Option<&'a str>,
}

impl Found<'_> {
    /// Whether this is the option spelled `spelling` (`-o` or `--output`).
    fn is(&self, spelling: &str) -> bool {
        match spelling.strip_prefix("--") {
            Some(long) => self.long && self.name == long,
            None => !self.long && spelling.strip_prefix('-') == Some(self.name),
        }
    }
}

/// A command's arguments split into options and positional arguments.
pub(super) struct Options<'a> {
    found: Vec<Found<'a>>,
    /// The positional arguments, in order.
    pub(super) positional: Vec<&'a str>,
    /// Where the first positional argument stands among the arguments.
    pub(super) first: Option<usize>,
}

impl<'a> Options<'a> {
    /// GNU style: options may follow positional arguments.
    pub(super) fn anywhere<S: AsRef<str>>(args: &'a [S], takes_value: &[&str]) -> Self {
        Self::parse(args, takes_value, false)
    }

    /// The first positional argument ends the options (`ssh host cmd -x`, `sudo cmd -x`).
    pub(super) fn leading<S: AsRef<str>>(args: &'a [S], takes_value: &[&str]) -> Self {
        Self::parse(args, takes_value, true)
    }

    fn parse<S: AsRef<str>>(args: &'a [S], takes_value: &[&str], stop_at_positional: bool) -> Self {
        let mut out = Options {
            found: Vec::new(),
            positional: Vec::new(),
            first: None,
        };
        let arg = |i: usize| args.get(i).map(AsRef::as_ref);
        let mut i = 0;
        while let Some(a) = arg(i) {
            i += 1;
            if a == "--" {
                out.rest(args, i);
                break;
            }
            if let Some(long) = a.strip_prefix("--") {
                let (name, value) = match long.split_once('=') {
                    Some((name, value)) => (name, Some(value)),
                    None if takes_value
                        .iter()
                        .any(|v| v.strip_prefix("--") == Some(long)) =>
                    {
                        i += 1;
                        (long, arg(i - 1))
                    }
                    None => (long, None),
                };
                out.found.push(Found {
                    long: true,
                    name,
                    value,
                });
                continue;
            }
            if let Some(cluster) = a.strip_prefix('-').filter(|c| !c.is_empty()) {
                for (k, ch) in cluster.char_indices() {
                    let (name, rest) = cluster[k..].split_at(ch.len_utf8());
                    let takes = takes_value
                        .iter()
                        .any(|v| v.strip_prefix('-') == Some(name));
                    let value = match (takes, rest.is_empty()) {
                        (false, _) => None,
                        (true, false) => Some(rest),
                        (true, true) => {
                            i += 1;
                            arg(i - 1)
                        }
                    };
                    out.found.push(Found {
                        long: false,
                        name,
                        value,
                    });
                    if takes {
                        break;
                    }
                }
                continue;
            }
            if stop_at_positional {
                out.rest(args, i - 1);
                break;
            }
            out.first.get_or_insert(i - 1);
            out.positional.push(a);
        }
        out
    }

    /// Every argument from `from` on is positional.
    fn rest<S: AsRef<str>>(&mut self, args: &'a [S], from: usize) {
        if from < args.len() {
            self.first.get_or_insert(from);
        }
        self.positional
            .extend(args[from..].iter().map(AsRef::as_ref));
    }

    /// Whether any of the options `spellings` is given.
    pub(super) fn has(&self, spellings: &[&str]) -> bool {
        self.found.iter().any(|f| spellings.iter().any(|s| f.is(s)))
    }

    /// The values given to any of the options `spellings`, in order.
    pub(super) fn values<'s>(
        &'s self,
        spellings: &'s [&str],
    ) -> impl Iterator<Item = &'a str> + 's {
        self.found
            .iter()
            .filter(move |f| spellings.iter().any(|s| f.is(s)))
            .filter_map(|f| f.value)
    }
}

/// Where the first positional argument stands, the options before it taking values as
/// `with_value` lists. `None` when there is none.
pub(in crate::safety) fn first_positional(args: &[&str], with_value: &[&str]) -> Option<usize> {
    Options::leading(args, with_value).first
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_values_and_the_end_of_options() {
        let o = Options::anywhere(
            &[
                "-xvfa.tar",
                "in",
                "--output",
                "out",
                "--level=3",
                "-o",
                "x",
                "--",
                "-z",
            ],
            &["-f", "-o", "--output"],
        );
        assert!(o.has(&["-x"]) && o.has(&["-v"]) && !o.has(&["-a"]));
        assert_eq!(o.values(&["-f"]).collect::<Vec<_>>(), vec!["a.tar"]);
        assert_eq!(
            o.values(&["-o", "--output"]).collect::<Vec<_>>(),
            vec!["out", "x"]
        );
        assert_eq!(o.values(&["--level"]).collect::<Vec<_>>(), vec!["3"]);
        assert_eq!(o.positional, vec!["in", "-z"]);
        assert_eq!(o.first, Some(1));
        // A short spelling never names a long option, nor the reverse.
        assert!(!o.has(&["--x"]) && !o.has(&["-output"]));
    }

    #[test]
    fn leading_options_end_at_the_first_positional() {
        let o = Options::leading(&["-p", "22", "host", "ls", "-l"], &["-p"]);
        assert_eq!(o.positional, vec!["host", "ls", "-l"]);
        assert_eq!(
            first_positional(&["-n", "ns", "get", "pods"], &["-n"]),
            Some(2)
        );
        assert_eq!(first_positional(&["--", "-x"], &[]), Some(1));
        assert_eq!(first_positional(&["-v", "--"], &[]), None);
        assert_eq!(first_positional(&["-", "x"], &[]), Some(0));
    }
}
