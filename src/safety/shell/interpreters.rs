//! Commands that run other commands: shells and script interpreters, `eval`, `watch`, `su`,
//! `xargs`. What they run is classified as a line or a command of its own, one level deeper.

use super::options::Options;
use super::{Ctx, Word, basename, classify_argv, destroy, nested, read, risky_name};
use crate::effect::Classification;

pub(super) fn xargs(argv: &[Word], ctx: &Ctx) -> Option<Classification> {
    let all: Vec<&str> = argv.iter().map(|w| w.text.as_str()).collect();
    let args = &all[1..];
    let o = Options::leading(
        args,
        &[
            "-I",
            "-i",
            "-L",
            "-l",
            "-n",
            "-P",
            "-s",
            "-d",
            "-E",
            "-e",
            "-a",
            "-R",
            "--max-args",
            "--max-procs",
            "--delimiter",
            "--arg-file",
            "--replace",
            "--max-lines",
            "--max-chars",
            "--eof",
            "--process-slot-var",
        ],
    );
    let skip = args.len() - o.positional.len();
    if o.positional.is_empty() {
        read("xargs") // defaults to `echo`
    } else {
        classify_argv(&argv[1 + skip..], ctx)
    }
}

pub(super) fn watch(args: &[&str], ctx: &Ctx) -> Option<Classification> {
    let o = Options::leading(
        args,
        &[
            "-n",
            "-q",
            "-d",
            "--interval",
            "--differences",
            "--chgexit",
            "--equexit",
        ],
    );
    if o.positional.is_empty() {
        return None;
    }
    nested(&o.positional.join(" "), ctx)
}

pub(super) fn eval(args: &[&str], ctx: &Ctx) -> Option<Classification> {
    nested(&args.join(" "), ctx)
}

pub(super) fn su(args: &[&str], ctx: &Ctx) -> Option<Classification> {
    let o = Options::anywhere(
        args,
        &[
            "-c",
            "-g",
            "-G",
            "-s",
            "-w",
            "--command",
            "--group",
            "--supp-group",
            "--shell",
        ],
    );
    let script = o.values(&["-c", "--command"]).next()?;
    nested(script, ctx)
}

/// `bash -c '...'` is classified by its script; `bash file` and a bare `bash` are unknown,
/// except that piping a download into one runs that download.
pub(super) fn shell(argv: &[Word], ctx: &Ctx) -> Option<Classification> {
    let name = basename(&argv[0].text);
    let mut i = 1;
    let mut has_c = false;
    // `-s` (or no operand) reads the script from stdin; later words are its arguments.
    let mut stdin_script = false;
    while let Some(w) = argv.get(i) {
        let t = w.text.as_str();
        if t == "--" {
            i += 1;
            break;
        }
        if t.starts_with('-') && !t.starts_with("--") && t.contains('s') {
            stdin_script = true;
        }
        if t.starts_with("--") {
            i += 1;
            continue;
        }
        if t.len() > 1 && (t.starts_with('-') || t.starts_with('+')) {
            if t.starts_with('-') && t.contains('c') {
                has_c = true;
            }
            // `-o opt` / `-O opt` take a value.
            i += if matches!(t, "-o" | "-O" | "+o" | "+O") {
                2
            } else {
                1
            };
            continue;
        }
        break;
    }
    let operand = argv.get(i);
    if has_c {
        let script = operand?;
        if script.dynamic {
            if ctx.subst_downloads {
                return destroy(
                    &format!("{name} -c \"$(curl ...)\""),
                    "runs a downloaded script",
                );
            }
            return None;
        }
        return nested(&script.text, ctx);
    }
    let from_stdin = stdin_script || operand.is_none_or(|w| w.text == "-");
    if from_stdin {
        if let Some(body) = ctx.heredoc.filter(|b| !b.dynamic) {
            return nested(&body.text, ctx);
        }
        return if ctx.downloaded {
            destroy(&format!("curl | {name}"), "runs a downloaded script")
        } else {
            None
        };
    }
    match operand {
        Some(w) if w.dynamic && ctx.subst_downloads => {
            destroy(&format!("{name} <(curl ...)"), "runs a downloaded script")
        }
        Some(w) if !w.dynamic => risky_name(basename(&w.text)),
        _ => None,
    }
}

pub(super) fn scripting(name: &str, args: &[&str], ctx: &Ctx) -> Option<Classification> {
    let o = Options::leading(args, &["-c", "-e", "-m", "-W", "-X"]);
    if o.values(&["-m"]).any(|m| m == "json.tool") {
        return read("python -m json.tool");
    }
    if o.has(&["-c", "-e", "-m"]) {
        return None;
    }
    match o.positional.first().copied() {
        None | Some("-") if ctx.downloaded => {
            destroy(&format!("curl | {name}"), "runs a downloaded script")
        }
        Some(file) if file != "-" => risky_name(basename(file)),
        _ => None,
    }
}
