//! Tools that read, edit, copy, delete and pack files: text filters with in-place modes,
//! `rm`, `rsync`, permissions, `find`, archives.

use super::options::Options;
use super::{
    Ctx, Destructive, Read, Word, Write, classify_argv, destroy, read, strip_wrappers, write,
};
use crate::effect::Classification;
use crate::safety::{class, worst};

pub(super) fn sort(args: &[&str]) -> Option<Classification> {
    if Options::anywhere(
        args,
        &[
            "-o",
            "-k",
            "-S",
            "-t",
            "-T",
            "--output",
            "--key",
            "--field-separator",
            "--buffer-size",
            "--temporary-directory",
        ],
    )
    .has(&["-o", "--output"])
    {
        write("sort -o", "writes a file")
    } else {
        read("sort")
    }
}

pub(super) fn sed(args: &[&str]) -> Option<Classification> {
    let o = Options::anywhere(
        args,
        &["-e", "-f", "-l", "--expression", "--file", "--line-length"],
    );
    let mut scripts: Vec<&str> = o.values(&["-e", "--expression"]).collect();
    if scripts.is_empty() {
        scripts.extend(o.positional.first().copied());
    }
    if o.has(&["-f", "--file"]) || scripts.iter().any(|s| sed_runs_or_writes(s)) {
        None // a script file, or `e`/`w` commands that run programs or write files
    } else if o.has(&["-i", "--in-place"]) {
        write("sed -i", "edits files in place")
    } else {
        read("sed")
    }
}

/// Whether a sed script uses `e`/`w`/`W` commands or `s///e`/`s///w` flags. Anything it
/// cannot follow counts as yes.
fn sed_runs_or_writes(script: &str) -> bool {
    let c: Vec<char> = script.chars().collect();
    let mut i = 0;
    // Skips a delimited part (regex or replacement) honouring backslash escapes.
    let part = |mut i: usize, delim: char| -> Option<usize> {
        while i < c.len() {
            match c[i] {
                '\\' => i += 2,
                ch if ch == delim => return Some(i + 1),
                _ => i += 1,
            }
        }
        None
    };
    while i < c.len() {
        match c[i] {
            ' ' | '\t' | '\n' | ';' | '{' | '}' | '!' | ',' | '$' | '~' | '+' => i += 1,
            d if d.is_ascii_digit() => i += 1,
            '/' => match part(i + 1, '/') {
                Some(next) => i = next,
                None => return true,
            },
            '\\' => match c.get(i + 1).and_then(|&d| part(i + 2, d)) {
                Some(next) => i = next,
                None => return true,
            },
            's' | 'y' => {
                let Some(&delim) = c.get(i + 1) else {
                    return true;
                };
                let Some(next) = part(i + 2, delim).and_then(|n| part(n, delim)) else {
                    return true;
                };
                i = next;
                while i < c.len() && !matches!(c[i], ';' | '\n' | '}') {
                    if c[i] == 'e' || c[i] == 'w' {
                        return true;
                    }
                    i += 1;
                }
            }
            'e' | 'w' | 'W' => return true,
            // Text, labels and file names run to the end of the line.
            'a' | 'i' | 'c' | 'r' | 'R' | 'b' | 't' | 'T' | ':' => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            'p' | 'P' | 'd' | 'D' | 'n' | 'N' | 'g' | 'G' | 'h' | 'H' | 'x' | 'l' | 'q' | 'Q'
            | '=' | 'z' | 'F' => i += 1,
            _ => return true,
        }
    }
    false
}

pub(super) fn awk(name: &str, args: &[&str]) -> Option<Classification> {
    // `system()` and `getline` from commands run other programs.
    if args
        .iter()
        .any(|a| a.contains("system") || a.contains("getline") || a.contains('|'))
    {
        None
    } else if args.windows(2).any(|p| p[0] == "-i" && p[1] == "inplace") {
        write("awk -i inplace", "edits files in place")
    } else {
        read(name)
    }
}

pub(super) fn yq(args: &[&str]) -> Option<Classification> {
    if args.iter().any(|a| *a == "-i" || *a == "--inplace") {
        write("yq -i", "edits files in place")
    } else {
        read("yq")
    }
}

pub(super) fn uniq(args: &[&str]) -> Option<Classification> {
    // A second operand is an output file.
    if Options::anywhere(
        args,
        &[
            "-f",
            "-s",
            "-w",
            "--skip-fields",
            "--skip-chars",
            "--check-chars",
            "--group",
            "--all-repeated",
        ],
    )
    .positional
    .len()
        > 1
    {
        write("uniq", "writes a file")
    } else {
        read("uniq")
    }
}

pub(super) fn tee(args: &[&str]) -> Option<Classification> {
    let files: Vec<&&str> = args.iter().filter(|a| !a.starts_with('-')).collect();
    if files
        .iter()
        .all(|f| matches!(**f, "/dev/null" | "/dev/stderr" | "/dev/stdout"))
    {
        read("tee")
    } else {
        write("tee", "writes files")
    }
}

pub(super) fn rsync(args: &[&str]) -> Option<Classification> {
    if args
        .iter()
        .any(|a| a.starts_with("--delete") || *a == "--remove-source-files")
    {
        destroy("rsync --delete", "deletes files at the destination")
    } else {
        write("rsync", "copies over files at the destination")
    }
}

pub(super) fn rm(args: &[&str]) -> Option<Classification> {
    let o = Options::anywhere(args, &[]);
    if o.has(&["-r", "-R", "--recursive"]) {
        destroy("rm -rf", "deletes files recursively")
    } else {
        destroy("rm", "deletes files")
    }
}

pub(super) fn chmod(args: &[&str]) -> Option<Classification> {
    let wide = args.iter().any(|a| {
        matches!(
            *a,
            "777" | "0777" | "666" | "0666" | "a+rwx" | "ugo+rwx" | "o+w" | "a+w" | "+w" | "o+rwx"
        )
    });
    if wide {
        destroy("chmod 777", "opens files to everyone")
    } else {
        write("chmod", "changes permissions")
    }
}

pub(super) fn chown(name: &str, args: &[&str]) -> Option<Classification> {
    if Options::anywhere(args, &["--from", "--reference"]).has(&["-R", "--recursive"]) {
        destroy(&format!("{name} -R"), "changes ownership of a whole tree")
    } else {
        write(name, "changes ownership")
    }
}

pub(super) fn find(args: &[&str], ctx: &Ctx) -> Option<Classification> {
    let mut acc: Option<Classification> = None;
    let mut i = 0;
    while i < args.len() {
        match args[i] {
            "-delete" => {
                acc = Some(worst(
                    acc,
                    class(Destructive, "`find -delete` deletes matched files"),
                ));
            }
            "-exec" | "-execdir" | "-ok" | "-okdir" => {
                let start = i + 1;
                let end = (start..args.len())
                    .find(|&k| matches!(args[k], ";" | "+"))
                    .unwrap_or(args.len());
                let inner: Vec<Word> = args[start..end]
                    .iter()
                    .map(|t| Word {
                        text: t.to_string(),
                        quoted: true,
                        ..Word::default()
                    })
                    .collect();
                let inner = strip_wrappers(&inner)?.to_vec();
                let mut c = classify_argv(&inner, ctx)?;
                if c.effect > Read {
                    c.reason = format!("`find {}` runs {}", args[i], c.reason);
                }
                acc = Some(worst(acc, c));
                i = end;
            }
            "-fprint" | "-fprint0" | "-fprintf" | "-fls" => {
                acc = Some(worst(acc, class(Write, "`find -fprint` writes a file")));
            }
            _ => {}
        }
        i += 1;
    }
    Some(acc.unwrap_or_else(|| class(Read, "`find` only reads")))
}

pub(super) fn tar(args: &[&str]) -> Option<Classification> {
    let listing = args
        .first()
        .is_some_and(|a| !a.starts_with("--") && a.trim_start_matches('-').contains('t'))
        || args.contains(&"--list");
    if listing {
        read("tar")
    } else {
        write("tar", "extracts or creates archives")
    }
}

pub(super) fn compress(name: &str, args: &[&str]) -> Option<Classification> {
    let o = Options::anywhere(args, &["-S", "--suffix"]);
    if o.has(&[
        "-c",
        "--stdout",
        "--to-stdout",
        "-l",
        "--list",
        "-t",
        "--test",
    ]) {
        read(name)
    } else {
        write(name, "replaces files with (de)compressed ones")
    }
}

pub(super) fn unzip(name: &str, args: &[&str]) -> Option<Classification> {
    if args.iter().any(|a| matches!(*a, "-l" | "-t" | "-v" | "-Z")) {
        read(name)
    } else {
        write(name, "extracts files over existing ones")
    }
}
