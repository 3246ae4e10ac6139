//! Containers and the clusters that run them: `docker` and `podman`, compose, `kubectl` and
//! `oc`, `helm`. A command run inside a container is classified like one run here.

use super::options::{Options, first_positional};
use super::{Ctx, Word, basename, classify_argv, destroy, read, strip_wrappers, write};
use crate::effect::Classification;

fn words_from(texts: &[&str]) -> Vec<Word> {
    texts
        .iter()
        .map(|t| Word {
            text: t.to_string(),
            // Unquoted, so `sudo`/`env` wrappers inside are still seen through.
            dynamic: t.contains('$'),
            ..Word::default()
        })
        .collect()
}

/// Runs `argv` (already split) as a command inside a container or pod.
fn run_inside(texts: &[&str], ctx: &Ctx) -> Option<Classification> {
    let words = words_from(texts);
    let argv = strip_wrappers(&words)?;
    if argv.is_empty() {
        return None;
    }
    let inner_ctx = Ctx {
        depth: ctx.depth + 1,
        ..Ctx::default()
    };
    classify_argv(argv, &inner_ctx)
}

pub(super) fn docker(argv: &[Word], ctx: &Ctx) -> Option<Classification> {
    let tool = basename(&argv[0].text);
    let all: Vec<&str> = argv.iter().map(|w| w.text.as_str()).collect();
    let args = &all[1..];
    let i = first_positional(
        args,
        &[
            "-H",
            "--host",
            "-c",
            "--context",
            "-l",
            "--log-level",
            "--config",
            "--tlscacert",
            "--tlscert",
            "--tlskey",
        ],
    )?;
    let sub = args[i];
    let rest = &args[i + 1..];
    let object = rest
        .iter()
        .find(|a| !a.starts_with('-'))
        .copied()
        .unwrap_or("");
    let shown = |s: &str| format!("{tool} {s}");
    let ro = |s: &str| read(&shown(s));
    match sub {
        "compose" => compose(&argv[i + 2..], &format!("{tool} compose"), ctx),
        "ps" | "logs" | "stats" | "images" | "inspect" | "info" | "version" | "top" | "events"
        | "port" | "diff" | "history" | "search" | "wait" => ro(sub),
        "restart" | "start" | "stop" | "kill" | "tag" | "pull" | "push" | "run" | "create"
        | "build" | "pause" | "unpause" | "update" | "rename" | "cp" | "commit" | "save"
        | "load" | "import" | "export" | "login" | "logout" | "attach" => {
            write(&shown(sub), "changes containers or images")
        }
        "rm" => destroy(&shown("rm"), "deletes containers and their writable data"),
        "rmi" => destroy(&shown("rmi"), "deletes images"),
        "exec" => {
            let o = Options::leading(
                rest,
                &[
                    "-e",
                    "-u",
                    "-w",
                    "--env",
                    "--env-file",
                    "--user",
                    "--workdir",
                    "--detach-keys",
                ],
            );
            let cmd: Vec<&str> = o.positional.iter().skip(1).copied().collect();
            run_inside(&cmd, ctx)
        }
        "container" => match object {
            "ls" | "list" | "ps" | "inspect" | "logs" | "top" | "stats" | "port" | "diff"
            | "wait" => ro(&format!("container {object}")),
            "rm" | "prune" => destroy(&shown(&format!("container {object}")), "deletes containers"),
            "restart" | "start" | "stop" | "kill" | "create" | "run" | "pause" | "unpause"
            | "update" | "rename" | "cp" | "commit" | "export" | "attach" => {
                write(&shown(&format!("container {object}")), "changes containers")
            }
            _ => None,
        },
        "image" => match object {
            "ls" | "list" | "inspect" | "history" => ro(&format!("image {object}")),
            "rm" | "prune" => destroy(&shown(&format!("image {object}")), "deletes images"),
            "pull" | "push" | "tag" | "build" | "import" | "load" | "save" => {
                write(&shown(&format!("image {object}")), "changes images")
            }
            _ => None,
        },
        "volume" => match object {
            "ls" | "list" | "inspect" => ro(&format!("volume {object}")),
            "rm" | "remove" | "prune" => destroy(
                &shown(&format!("volume {object}")),
                "deletes volumes and their data",
            ),
            "create" => write(&shown("volume create"), "creates a volume"),
            _ => None,
        },
        "network" => match object {
            "ls" | "list" | "inspect" => ro(&format!("network {object}")),
            "rm" | "remove" | "prune" => {
                destroy(&shown(&format!("network {object}")), "deletes networks")
            }
            "create" | "connect" | "disconnect" => {
                write(&shown(&format!("network {object}")), "changes networks")
            }
            _ => None,
        },
        "system" => match object {
            "df" | "info" | "events" => ro(&format!("system {object}")),
            "prune" => destroy(
                &shown("system prune"),
                "deletes containers, networks, images and build cache",
            ),
            _ => None,
        },
        "builder" | "buildx" => match object {
            "ls" | "inspect" | "du" | "version" => ro(&format!("{sub} {object}")),
            "prune" => destroy(&shown(&format!("{sub} prune")), "deletes build cache"),
            "build" | "bake" | "create" | "use" => {
                write(&shown(&format!("{sub} {object}")), "builds images")
            }
            _ => None,
        },
        "context" => match object {
            "ls" | "list" | "show" | "inspect" => ro(&format!("context {object}")),
            "use" | "create" | "update" => {
                write(&shown(&format!("context {object}")), "changes contexts")
            }
            "rm" | "remove" => destroy(&shown("context rm"), "deletes a context"),
            _ => None,
        },
        "service" | "stack" | "node" | "secret" | "config" | "swarm" => match object {
            "ls" | "list" | "ps" | "logs" | "inspect" | "services" => {
                ro(&format!("{sub} {object}"))
            }
            "rm" | "remove" | "down" | "leave" => destroy(
                &shown(&format!("{sub} {object}")),
                "removes it and what runs on it",
            ),
            "scale" | "update" | "create" | "rollback" | "deploy" | "up" | "promote" | "demote"
            | "init" | "join" => write(&shown(&format!("{sub} {object}")), "changes the swarm"),
            _ => None,
        },
        _ => None,
    }
}

pub(super) fn compose(args: &[Word], tool: &str, ctx: &Ctx) -> Option<Classification> {
    let texts: Vec<&str> = args.iter().map(|w| w.text.as_str()).collect();
    let i = first_positional(
        &texts,
        &[
            "-f",
            "--file",
            "-p",
            "--project-name",
            "--env-file",
            "--profile",
            "--project-directory",
            "--ansi",
            "--progress",
            "--parallel",
        ],
    )?;
    let sub = texts[i];
    let rest = &texts[i + 1..];
    let shown = format!("{tool} {sub}");
    match sub {
        "ps" | "logs" | "config" | "top" | "images" | "ls" | "version" | "events" | "port"
        | "convert" | "stats" => read(&shown),
        "up" | "restart" | "stop" | "start" | "build" | "pull" | "create" | "pause" | "unpause"
        | "kill" | "scale" | "run" | "push" | "cp" | "watch" => write(&shown, "changes containers"),
        "down" => {
            let volumes = rest.iter().any(|a| {
                *a == "--volumes"
                    || (a.starts_with("--volumes=") && !a.ends_with("false"))
                    || (a.starts_with('-') && !a.starts_with("--") && a.contains('v'))
            });
            if volumes {
                destroy(&format!("{tool} down -v"), "deletes volumes and their data")
            } else {
                write(&shown, "stops and removes containers")
            }
        }
        "rm" => destroy(&shown, "deletes containers"),
        "exec" => {
            let o = Options::leading(
                rest,
                &["-e", "-u", "-w", "--env", "--user", "--workdir", "--index"],
            );
            let cmd: Vec<&str> = o.positional.iter().skip(1).copied().collect();
            run_inside(&cmd, ctx)
        }
        _ => None,
    }
}

pub(super) fn kubectl(argv: &[Word], ctx: &Ctx) -> Option<Classification> {
    let all: Vec<&str> = argv.iter().map(|w| w.text.as_str()).collect();
    let args = &all[1..];
    let i = first_positional(
        args,
        &[
            "-n",
            "--namespace",
            "--context",
            "--kubeconfig",
            "--cluster",
            "--user",
            "-s",
            "--server",
            "--token",
            "--as",
            "--request-timeout",
            "-l",
            "--selector",
            "-o",
            "--output",
            "-f",
            "--filename",
            "-c",
            "--container",
        ],
    )?;
    let sub = args[i];
    let rest = &args[i + 1..];
    let shown = format!("kubectl {sub}");
    match sub {
        "get" | "describe" | "logs" | "top" | "explain" | "api-resources" | "api-versions"
        | "version" | "cluster-info" | "events" | "wait" | "diff" | "port-forward" => read(&shown),
        "auth" => match rest.first() {
            Some(&"can-i") | Some(&"whoami") => read(&shown),
            _ => None,
        },
        "config" => match rest.first() {
            Some(
                &"view" | &"get-contexts" | &"current-context" | &"get-clusters" | &"get-users",
            ) => read(&shown),
            Some(_) => write(&shown, "changes kubeconfig"),
            None => None,
        },
        "rollout" => match rest.first() {
            Some(&"status") | Some(&"history") => read(&shown),
            Some(_) => write(&format!("kubectl rollout {}", rest[0]), "changes a rollout"),
            None => None,
        },
        "replace" if rest.contains(&"--force") => {
            destroy("kubectl replace --force", "deletes and recreates resources")
        }
        "apply" | "create" | "scale" | "set" | "label" | "annotate" | "patch" | "edit"
        | "expose" | "autoscale" | "cordon" | "uncordon" | "cp" | "run" | "taint" | "replace"
        | "certificate" | "debug" | "attach" => write(&shown, "changes the cluster"),
        "delete" => destroy("kubectl delete", "deletes cluster resources"),
        "drain" => destroy("kubectl drain", "evicts every pod from a node"),
        "exec" => {
            let dash = rest.iter().position(|a| *a == "--")?;
            run_inside(&rest[dash + 1..], ctx)
        }
        _ if basename(all[0]) == "oc" => oc(sub, rest, ctx),
        _ => None,
    }
}

/// The verbs `oc` adds to kubectl's.
fn oc(sub: &str, rest: &[&str], ctx: &Ctx) -> Option<Classification> {
    let shown = format!("oc {sub}");
    match sub {
        "whoami" | "status" | "projects" | "observe" => read(&shown),
        "project" => match first_positional(rest, &[]) {
            Some(_) => write(&shown, "switches the current project"),
            None => read(&shown),
        },
        "new-project" | "new-app" | "process" | "extract" | "tag" | "import-image"
        | "start-build" | "login" | "logout" => write(&shown, "changes the cluster or local files"),
        "rsh" => {
            let i = first_positional(rest, &["-c", "--container", "--shell", "-n", "--namespace"])?;
            let command = &rest[i + 1..];
            if command.is_empty() {
                None // an interactive shell runs anything
            } else {
                run_inside(command, ctx)
            }
        }
        "adm" => {
            let i = first_positional(rest, &[])?;
            let verb = rest[i];
            let args = &rest[i + 1..];
            let shown = format!("oc adm {verb}");
            match verb {
                "top" | "node-logs" | "who-can" | "verify-image-signature" => read(&shown),
                "upgrade" if args.is_empty() => read(&shown),
                "drain" => destroy(&shown, "evicts every pod from a node"),
                "prune" => destroy(&shown, "deletes old images, builds or deployments"),
                "cordon" | "uncordon" | "taint" | "certificate" | "upgrade" | "policy"
                | "groups" | "must-gather" | "inspect" | "new-project" | "pod-network"
                | "release" => write(&shown, "changes the cluster or writes local files"),
                _ => None,
            }
        }
        _ => None,
    }
}

pub(super) fn helm(args: &[&str]) -> Option<Classification> {
    let i = first_positional(
        args,
        &["-n", "--namespace", "--kube-context", "--kubeconfig"],
    )?;
    let sub = args[i];
    let shown = format!("helm {sub}");
    match sub {
        "uninstall" | "delete" | "del" | "un" => {
            destroy(&shown, "removes the release and its resources")
        }
        "list" | "ls" | "status" | "history" | "get" | "show" | "inspect" | "template"
        | "search" | "version" | "lint" | "diff" | "env" | "verify" => read(&shown),
        "install" | "upgrade" | "rollback" | "repo" | "dependency" | "dep" | "plugin" | "pull"
        | "push" | "package" | "registry" => write(&shown, "changes releases or charts"),
        _ => None,
    }
}
