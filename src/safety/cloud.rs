//! Effects of the storage, cluster-state, container-runtime and cloud CLIs runbooks use:
//! `ceph`, `rbd`, `etcdctl`, `crictl`, `aws`, `gcloud`, `az`. A verb not listed here is
//! unknown, never read.

use super::shell::{destroy, first_positional, read, write};
use crate::effect::Classification;

/// Words that only show: a verb (or the last word of a compound verb) made of these reads.
fn shows(word: &str) -> bool {
    matches!(
        word,
        "status"
            | "health"
            | "stat"
            | "stats"
            | "df"
            | "du"
            | "ls"
            | "list"
            | "dump"
            | "tree"
            | "get"
            | "show"
            | "describe"
            | "versions"
            | "version"
            | "report"
            | "query"
            | "info"
            | "inspect"
            | "find"
            | "metadata"
            | "map"
            | "log"
            | "logs"
            | "top"
            | "summary"
            | "help"
    ) || word.starts_with("list-")
        || word.starts_with("describe-")
        || word.starts_with("get-")
        || word.starts_with("ls-")
}

const CEPH_CHANGES: [&str; 24] = [
    "set",
    "unset",
    "create",
    "add",
    "out",
    "in",
    "down",
    "enable",
    "disable",
    "reweight",
    "repair",
    "scrub",
    "deep-scrub",
    "rename",
    "pause",
    "unpause",
    "injectargs",
    "tell",
    "archive",
    "archive-all",
    "fail",
    "restart",
    "put",
    "import",
];

/// `ceph osd tree`, `ceph health detail` read; `ceph osd out 3`, `ceph osd set noout`
/// write; `ceph osd purge 3` destroys.
pub fn ceph(args: &[&str]) -> Option<Classification> {
    let words = positionals(
        args,
        &[
            "-c",
            "--conf",
            "--cluster",
            "-n",
            "--name",
            "-f",
            "--format",
            "-k",
            "--keyring",
            "--id",
            "-i",
        ],
    );
    let shown = format!(
        "ceph {}",
        words.iter().take(2).copied().collect::<Vec<_>>().join(" ")
    );
    let any = |list: &[&str]| words.iter().any(|w| list.contains(w));
    if any(&[
        "purge",
        "destroy",
        "rm",
        "remove",
        "delete",
        "zap",
        "lost",
        "force-create-pg",
        "mark_unfound_lost",
        "reweight-all",
        "rmfailed",
        "new-fs",
    ]) {
        destroy(&shown, "removes data or cluster members")
    } else if any(&CEPH_CHANGES) {
        write(&shown, "changes cluster state")
    } else if words.is_empty() {
        args.iter()
            .any(|a| matches!(*a, "-s" | "-w" | "--status" | "--watch"))
            .then(|| read("ceph -s"))
            .flatten()
    } else if matches!(
        words[0],
        "status"
            | "health"
            | "df"
            | "versions"
            | "report"
            | "fsid"
            | "quorum_status"
            | "mon_status"
            | "time-sync-status"
            | "features"
            | "-s"
    ) || words.iter().skip(1).any(|w| shows(w))
    {
        read(&shown)
    } else {
        None
    }
}

/// `rbd ls`, `rbd info img`, `rbd rm img`.
pub fn rbd(args: &[&str]) -> Option<Classification> {
    let words = positionals(args, &["-p", "--pool", "--image", "-c", "--conf", "--id"]);
    let verb = *words.first()?;
    match verb {
        "rm" | "remove" | "trash" | "purge" => destroy("rbd rm", "deletes images"),
        _ if shows(verb) || matches!(verb, "showmapped" | "du" | "diff") => {
            read(&format!("rbd {verb}"))
        }
        "create" | "resize" | "map" | "unmap" | "snap" | "lock" | "feature" | "clone"
        | "flatten" | "mv" | "rename" | "status" => {
            if verb == "status" {
                read("rbd status")
            } else {
                write(&format!("rbd {verb}"), "changes images")
            }
        }
        _ => None,
    }
}

/// `etcdctl endpoint status`, `etcdctl member remove ID`, `etcdctl defrag`.
pub fn etcdctl(args: &[&str]) -> Option<Classification> {
    let words = positionals(
        args,
        &[
            "--endpoints",
            "--cacert",
            "--cert",
            "--key",
            "-w",
            "--write-out",
            "--user",
            "--command-timeout",
            "--dial-timeout",
        ],
    );
    let shown = format!(
        "etcdctl {}",
        words.iter().take(2).copied().collect::<Vec<_>>().join(" ")
    );
    match words.as_slice() {
        [] => None,
        ["del" | "rm" | "rmdir", ..] => destroy(&shown, "deletes keys"),
        ["member", "remove", ..] => destroy(&shown, "removes a cluster member"),
        ["snapshot", "restore", ..] => {
            destroy(&shown, "replaces the data directory from a snapshot")
        }
        ["get" | "version" | "check" | "watch", ..] => read(&shown),
        ["endpoint", "status" | "health" | "hashkv", ..] => read(&shown),
        ["member" | "alarm" | "user" | "role", "list" | "get", ..] => read(&shown),
        ["snapshot", "status", ..] => read(&shown),
        ["snapshot", "save", ..] => write(&shown, "writes a snapshot file"),
        ["alarm", "disarm", ..]
        | ["defrag", ..]
        | ["compact" | "compaction", ..]
        | ["put" | "txn" | "lease" | "lock" | "elect", ..]
        | ["member", "add" | "update" | "promote", ..]
        | ["move-leader", ..]
        | ["auth", ..] => write(&shown, "changes the cluster's keys or members"),
        _ => None,
    }
}

/// `crictl ps`, `crictl logs ID`, `crictl rm ID`, `crictl exec ID cmd`.
pub fn crictl(args: &[&str]) -> Option<Classification> {
    let i = first_positional(
        args,
        &[
            "-r",
            "--runtime-endpoint",
            "-i",
            "--image-endpoint",
            "-t",
            "--timeout",
            "-c",
            "--config",
        ],
    )?;
    let verb = args[i];
    let shown = format!("crictl {verb}");
    match verb {
        "ps" | "pods" | "images" | "img" | "inspect" | "inspectp" | "inspecti" | "logs"
        | "stats" | "statsp" | "info" | "version" | "imagefsinfo" | "config" => {
            if verb == "config" && args[i + 1..].contains(&"--set") {
                write(&shown, "changes its configuration")
            } else {
                read(&shown)
            }
        }
        "rm" | "rmi" | "rmp" => destroy(&shown, "removes containers, pods or images"),
        "stop" | "stopp" | "start" | "pull" | "create" | "run" | "runp" | "update"
        | "port-forward" | "attach" => write(&shown, "changes containers"),
        _ => None, // `exec` runs anything
    }
}

/// `aws SERVICE OPERATION`: `describe-*`, `list-*`, `get-*` read; `delete-*`, `terminate-*`,
/// `s3 rm` destroy; other operations write.
pub fn aws(args: &[&str]) -> Option<Classification> {
    let words = positionals(
        args,
        &[
            "--region",
            "--profile",
            "--output",
            "--query",
            "--endpoint-url",
            "--cli-read-timeout",
            "--color",
        ],
    );
    let (service, op) = (*words.first()?, *words.get(1)?);
    let shown = format!("aws {service} {op}");
    match (service, op) {
        ("s3", "ls") | ("sts", "get-caller-identity") => read(&shown),
        ("s3", "rm" | "rb") => destroy(&shown, "deletes objects or buckets"),
        ("s3", "sync") if args.contains(&"--delete") => {
            destroy(&shown, "deletes objects that are not in the source")
        }
        ("s3", "cp" | "mv" | "sync" | "mb") => write(&shown, "writes objects"),
        _ if op.starts_with("describe-")
            || op.starts_with("list-")
            || op.starts_with("get-")
            || op == "wait"
            || op.starts_with("lookup-") =>
        {
            read(&shown)
        }
        _ if [
            "delete-",
            "terminate-",
            "remove-",
            "deregister-",
            "purge-",
            "revoke-",
            "detach-",
            "disassociate-",
            "release-",
        ]
        .iter()
        .any(|p| op.starts_with(p)) =>
        {
            destroy(&shown, "deletes or detaches cloud resources")
        }
        _ if op.contains('-') => write(&shown, "changes cloud resources"),
        _ => None,
    }
}

/// `gcloud GROUP... VERB`: `list`, `describe` read; `delete` destroys; `ssh`/`scp` unknown.
pub fn gcloud(args: &[&str]) -> Option<Classification> {
    cloud_verb(
        "gcloud",
        &positionals(
            args,
            &[
                "--project",
                "--zone",
                "--region",
                "--format",
                "--filter",
                "--account",
                "--configuration",
                "--limit",
                "--sort-by",
            ],
        ),
    )
}

/// `az GROUP... VERB`: `list`, `show` read; `delete` destroys.
pub fn az(args: &[&str]) -> Option<Classification> {
    cloud_verb(
        "az",
        &positionals(
            args,
            &[
                "-g",
                "--resource-group",
                "-n",
                "--name",
                "--subscription",
                "-o",
                "--output",
                "--query",
            ],
        ),
    )
}

fn cloud_verb(tool: &str, words: &[&str]) -> Option<Classification> {
    let shown = format!("{tool} {}", words.join(" "));
    let reads = |w: &&str| {
        matches!(
            *w,
            "list"
                | "describe"
                | "show"
                | "get"
                | "get-iam-policy"
                | "get-credentials"
                | "version"
                | "info"
                | "read"
                | "tail"
                | "get-value"
                | "account"
                | "logs"
        ) || w.starts_with("list-")
            || w.starts_with("describe-")
            || w.starts_with("get-")
    };
    if words.iter().any(|w| {
        matches!(
            *w,
            "delete" | "remove" | "purge" | "rm" | "destroy" | "deallocate" | "wipe"
        )
    }) {
        return destroy(&shown, "deletes cloud resources");
    }
    if words.iter().any(|w| {
        matches!(
            *w,
            "ssh" | "scp" | "exec" | "run-command" | "invoke" | "connect"
        )
    }) {
        return None; // runs what it is given on the other side
    }
    let changes = [
        "set", "create", "update", "add", "start", "stop", "restart", "resize", "patch", "attach",
        "detach",
    ];
    if words.iter().any(reads) && !words.iter().any(|w| changes.contains(w)) {
        read(&shown)
    } else if words.len() >= 2 {
        write(&shown, "changes cloud resources")
    } else {
        None
    }
}

/// The words that are not options or their values: `ceph -f json osd tree` to `[osd, tree]`.
fn positionals<'a>(args: &[&'a str], with_value: &[&str]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if a == "--" {
            break;
        }
        if a.starts_with('-') && a != "-" {
            i += if with_value.contains(&a) { 2 } else { 1 };
            continue;
        }
        out.push(a);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::effect::Effect::{self, *};

    fn effect(f: fn(&[&str]) -> Option<Classification>, line: &str) -> Option<Effect> {
        let words: Vec<&str> = line.split_whitespace().collect();
        f(&words).map(|c| c.effect)
    }

    #[test]
    fn ceph_and_etcd() {
        assert_eq!(effect(ceph, "status"), Some(Read));
        assert_eq!(effect(ceph, "osd tree"), Some(Read));
        assert_eq!(effect(ceph, "health detail"), Some(Read));
        assert_eq!(effect(ceph, "-f json osd pool ls detail"), Some(Read));
        assert_eq!(effect(ceph, "osd out 3"), Some(Write));
        assert_eq!(effect(ceph, "osd set noout"), Some(Write));
        assert_eq!(
            effect(ceph, "osd purge 3 --yes-i-really-mean-it"),
            Some(Destructive)
        );
        assert_eq!(effect(ceph, "frobnicate"), None);
        assert_eq!(
            effect(etcdctl, "--endpoints=https://x:2379 endpoint status"),
            Some(Read)
        );
        assert_eq!(effect(etcdctl, "member list -w table"), Some(Read));
        assert_eq!(effect(etcdctl, "defrag"), Some(Write));
        assert_eq!(
            effect(etcdctl, "member remove 8e9e05c52164694d"),
            Some(Destructive)
        );
        assert_eq!(effect(etcdctl, "del --prefix /registry"), Some(Destructive));
    }

    #[test]
    fn runtimes_and_clouds() {
        assert_eq!(effect(crictl, "ps -a"), Some(Read));
        assert_eq!(effect(crictl, "rmp -f abc"), Some(Destructive));
        assert_eq!(effect(crictl, "exec -it abc sh"), None);
        assert_eq!(
            effect(aws, "ec2 describe-instances --region eu-west-2"),
            Some(Read)
        );
        assert_eq!(
            effect(aws, "rds delete-db-snapshot --db-snapshot-identifier x"),
            Some(Destructive)
        );
        assert_eq!(
            effect(aws, "rds modify-db-instance --db-instance-identifier x"),
            Some(Write)
        );
        assert_eq!(
            effect(gcloud, "compute instances list --project p"),
            Some(Read)
        );
        assert_eq!(
            effect(gcloud, "compute instances delete vm-1"),
            Some(Destructive)
        );
        assert_eq!(effect(gcloud, "compute ssh vm-1"), None);
        assert_eq!(effect(az, "aks show -g rg -n c"), Some(Read));
        assert_eq!(effect(az, "group delete -n rg"), Some(Destructive));
    }
}
