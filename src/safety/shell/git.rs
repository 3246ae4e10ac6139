//! `git` and the GitHub CLI `gh`.

use super::options::{Options, first_positional};
use super::{destroy, read, write};
use crate::effect::Classification;

pub(super) fn git(args: &[&str]) -> Option<Classification> {
    let i = first_positional(
        args,
        &["-C", "-c", "--git-dir", "--work-tree", "--namespace"],
    )?;
    let sub = args[i];
    let rest = &args[i + 1..];
    let flags = Options::anywhere(rest, &[]);
    // Short flag clusters such as `-fd` or `-uf`.
    let short = |c: char| {
        rest.iter()
            .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains(c))
    };
    let long = |l: &str| {
        rest.iter()
            .any(|a| *a == l || a.starts_with(&format!("{l}=")))
    };
    let positional: Vec<&str> = rest
        .iter()
        .filter(|a| !a.starts_with('-'))
        .copied()
        .collect();
    let shown = format!("git {sub}");
    match sub {
        "log" | "status" | "diff" | "show" | "rev-parse" | "describe" | "shortlog" | "blame"
        | "ls-files" | "ls-remote" | "ls-tree" | "rev-list" | "cat-file" | "grep"
        | "whatchanged" | "show-ref" | "name-rev" | "merge-base" | "for-each-ref"
        | "count-objects" | "fsck" | "help" | "version" | "var" | "check-ignore" | "cherry"
        | "range-diff" => read(&shown),
        "reflog" => match positional.first() {
            Some(&"delete") | Some(&"expire") => {
                destroy("git reflog expire", "discards recovery points")
            }
            _ => read(&shown),
        },
        "remote" => match positional.first() {
            None | Some(&"show") | Some(&"get-url") => read(&shown),
            Some(_) => write(&shown, "changes remotes"),
        },
        "config" => {
            if flags.has(&["--get", "--get-all", "--get-regexp", "--list", "-l"])
                || positional.len() <= 1
                    && !flags.has(&["--unset", "--unset-all", "--add", "--replace-all"])
            {
                read(&shown)
            } else {
                write(&shown, "changes configuration")
            }
        }
        "branch" => {
            if flags.has(&["-D"])
                || (flags.has(&["-d", "--delete"]) && flags.has(&["-f", "--force"]))
            {
                destroy("git branch -D", "deletes a branch even if unmerged")
            } else if flags.has(&[
                "-d",
                "--delete",
                "-m",
                "-M",
                "-c",
                "-C",
                "--move",
                "--copy",
                "-u",
                "--set-upstream-to",
                "--unset-upstream",
                "-f",
                "--force",
                "--edit-description",
            ]) {
                write(&shown, "changes branches")
            } else if positional.is_empty()
                || flags.has(&[
                    "-l",
                    "--list",
                    "-a",
                    "-r",
                    "--all",
                    "--remotes",
                    "--contains",
                    "--merged",
                    "--no-merged",
                    "--show-current",
                    "-v",
                    "--vv",
                    "--points-at",
                ])
            {
                read(&shown)
            } else {
                write(&shown, "creates a branch")
            }
        }
        "tag" => {
            if positional.is_empty()
                || flags.has(&[
                    "-l",
                    "--list",
                    "--contains",
                    "--points-at",
                    "-n",
                    "-v",
                    "--verify",
                ])
            {
                read(&shown)
            } else {
                write(&shown, "changes tags")
            }
        }
        "stash" => match positional.first() {
            Some(&"list") | Some(&"show") => read(&shown),
            Some(&"drop") | Some(&"clear") => destroy(
                &format!("git stash {}", positional[0]),
                "deletes stashed changes",
            ),
            _ => write(&shown, "moves uncommitted changes"),
        },
        "reset" => {
            if long("--hard") || long("--merge") {
                destroy("git reset --hard", "discards uncommitted changes")
            } else {
                write(&shown, "moves the branch")
            }
        }
        "clean" => {
            if long("--dry-run") || short('n') {
                read(&shown)
            } else if long("--force") || short('f') {
                destroy("git clean -f", "deletes untracked files")
            } else {
                write(&shown, "refuses without `-f`")
            }
        }
        "checkout" => {
            if positional.contains(&".")
                || long("--force")
                || short('f')
                || long("--") && rest.len() > 1
            {
                destroy("git checkout -- .", "discards uncommitted changes")
            } else {
                write(&shown, "switches the working tree")
            }
        }
        "switch" => {
            if long("--discard-changes") || long("--force") || short('f') {
                destroy("git switch -f", "discards uncommitted changes")
            } else {
                write(&shown, "switches the working tree")
            }
        }
        "restore" => {
            if (long("--staged") || short('S')) && !(long("--worktree") || short('W')) {
                write(&shown, "unstages changes")
            } else {
                destroy("git restore", "discards uncommitted changes")
            }
        }
        "push" => {
            let force = positional.iter().any(|p| p.starts_with('+'))
                || long("--force")
                || long("--force-with-lease")
                || long("--force-if-includes")
                || short('f')
                || long("--mirror")
                || long("--prune");
            let deletes = long("--delete")
                || short('d')
                || positional
                    .iter()
                    .any(|p| p.starts_with(':') || p.starts_with('+'));
            if force {
                destroy("git push --force", "overwrites remote history")
            } else if deletes {
                destroy("git push --delete", "deletes remote refs")
            } else {
                write(&shown, "publishes commits")
            }
        }
        "update-ref" if short('d') => destroy("git update-ref -d", "deletes a ref"),
        "filter-branch" | "filter-repo" => destroy(&shown, "rewrites history"),
        "pull" | "fetch" | "commit" | "add" | "merge" | "rebase" | "cherry-pick" | "revert"
        | "bisect" | "apply" | "am" | "init" | "clone" | "gc" | "prune" | "mv" | "rm"
        | "submodule" | "worktree" | "update-ref" | "notes" | "sparse-checkout" | "lfs"
        | "maintenance" | "repack" => write(&shown, "changes the repository"),
        _ => None,
    }
}

pub(super) fn gh(args: &[&str]) -> Option<Classification> {
    let i = first_positional(args, &["-R", "--repo"])?;
    let group = args[i];
    let verb = args.get(i + 1).copied().unwrap_or("");
    let rest = &args[i + 1..];
    let shown = format!("gh {group} {verb}");
    match (group, verb) {
        ("api", _) => {
            let o = Options::anywhere(
                rest,
                &[
                    "-X",
                    "-f",
                    "-F",
                    "-H",
                    "-p",
                    "-q",
                    "-t",
                    "--method",
                    "--field",
                    "--raw-field",
                    "--header",
                    "--input",
                    "--jq",
                    "--template",
                    "--preview",
                    "--hostname",
                    "--cache",
                ],
            );
            let method = o
                .values(&["-X", "--method"])
                .next()
                .map(str::to_ascii_uppercase);
            if matches!(method.as_deref(), Some(m) if m != "GET")
                || o.has(&["-f", "-F", "--field", "--raw-field", "--input"])
            {
                write("gh api", "sends a state-changing request")
            } else {
                read("gh api")
            }
        }
        (_, "list" | "view" | "status" | "checks" | "diff" | "watch") => read(&shown),
        ("repo" | "release", "delete") => destroy(&shown, "deletes it for good"),
        ("workflow" | "run" | "pr" | "issue" | "release" | "secret" | "variable" | "label", _) => {
            write(&shown, "changes GitHub state")
        }
        _ => None,
    }
}
