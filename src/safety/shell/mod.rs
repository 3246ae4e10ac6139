//! Shell line effects: the [`lexer`] splits a line into commands, then each command's effect
//! comes from the catalogue: a table of tools that only read, and one file per family of tools
//! with verbs. Pipelines, substitutions, subshells and redirections combine by [`worst`].

mod containers;
mod databases;
mod disks;
mod files;
mod git;
mod interpreters;
mod lexer;
mod network;
mod options;
mod read_only;
mod system;
mod terraform;
mod wrappers;

pub(crate) use lexer::{HOLE_BASE, hole_of, sites};
pub use lexer::{Quoting, Role};
pub(super) use options::first_positional;

use super::{class, worst};
use crate::effect::{Classification, Effect};
use Effect::{Destructive, Read, Write};
use lexer::{Command, MAX_DEPTH, Pipeline, RedirKind, Script, Word, parse};
use wrappers::strip_wrappers;

/// Classifies a shell line. `None` when any part is unknown or the line does not lex.
pub fn classify_shell(line: &str) -> Option<Classification> {
    let script = parse(line).ok()?;
    classify_script(&script, 0)
}

/// What feeds a command, for tools whose effect depends on their input (`psql < dump`, `| sh`).
#[derive(Clone, Copy, Default)]
struct Ctx<'a> {
    /// Reads a pipe or a here-string.
    piped: bool,
    /// `< file`
    stdin_file: Option<&'a str>,
    /// A here-document's body on stdin.
    heredoc: Option<&'a Word>,
    /// A `curl`/`wget` earlier in the same pipeline.
    downloaded: bool,
    /// A `curl`/`wget` inside this command's substitutions (`sh -c "$(curl ...)"`).
    subst_downloads: bool,
    depth: usize,
}

fn classify_script(script: &Script, depth: usize) -> Option<Classification> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut acc = None;
    for pipeline in &script.pipelines {
        acc = Some(worst(acc, classify_pipeline(pipeline, depth)?));
    }
    acc
}

fn classify_pipeline(pipeline: &Pipeline, depth: usize) -> Option<Classification> {
    let mut acc = None;
    let mut downloaded = false;
    for (i, cmd) in pipeline.commands.iter().enumerate() {
        let c = classify_command(cmd, i > 0, downloaded, depth)?;
        acc = Some(worst(acc, c));
        downloaded |= is_downloader(cmd);
    }
    acc
}

fn is_downloader(cmd: &Command) -> bool {
    strip_wrappers(&cmd.words)
        .and_then(|argv| argv.first())
        .is_some_and(|w| matches!(basename(&w.text), "curl" | "wget"))
}

fn script_downloads(script: &Script) -> bool {
    script.pipelines.iter().flat_map(|p| &p.commands).any(|c| {
        is_downloader(c)
            || c.substs.iter().any(script_downloads)
            || c.subshell.as_deref().is_some_and(script_downloads)
    })
}

fn classify_command(
    cmd: &Command,
    piped: bool,
    downloaded: bool,
    depth: usize,
) -> Option<Classification> {
    let mut acc = None;
    for s in &cmd.substs {
        acc = Some(worst(acc, classify_script(s, depth + 1)?));
    }
    if let Some(sub) = &cmd.subshell {
        acc = Some(worst(acc, classify_script(sub, depth + 1)?));
    }
    let mut ctx = Ctx {
        piped,
        downloaded,
        subst_downloads: cmd.substs.iter().any(script_downloads),
        depth,
        ..Ctx::default()
    };
    for r in &cmd.redirects {
        let t = r.target.text.as_str();
        match r.kind {
            RedirKind::Out | RedirKind::Append => {
                if let Some(c) = redirect_effect(t, r.kind == RedirKind::Append) {
                    acc = Some(worst(acc, c));
                }
            }
            RedirKind::In => ctx.stdin_file = Some(t),
            RedirKind::HereString => ctx.piped = true,
            RedirKind::HereDoc => {
                ctx.piped = true;
                ctx.heredoc = Some(&r.target);
            }
            RedirKind::Dup => {}
        }
    }
    let argv = strip_wrappers(&cmd.words)?;
    if let Some(c) = truncation(cmd, argv) {
        acc = Some(worst(acc, c));
    }
    if argv.is_empty() {
        // Assignments, `exec > log`, a lone `done`: nothing runs beyond what was counted.
        return Some(acc.unwrap_or_else(|| class(Read, "no command runs")));
    }
    Some(worst(acc, classify_argv(argv, &ctx)?))
}

/// `> file`, `: > file`, `true > file`: a redirection with nothing written empties the file.
fn truncation(cmd: &Command, argv: &[Word]) -> Option<Classification> {
    let silent = cmd.words.is_empty()
        || matches!(argv, [w] if !w.dynamic && matches!(w.text.as_str(), ":" | "true"));
    if !silent {
        return None;
    }
    let r = cmd
        .redirects
        .iter()
        .find(|r| r.kind == RedirKind::Out && redirect_effect(&r.target.text, false).is_some())?;
    Some(class(
        Destructive,
        format!("`> {}` alone empties the file", r.target.text),
    ))
}

fn redirect_effect(target: &str, append: bool) -> Option<Classification> {
    if matches!(
        target,
        "/dev/null" | "/dev/stdout" | "/dev/stderr" | "/dev/tty"
    ) || target.starts_with("/dev/fd/")
    {
        return None;
    }
    const DISKS: [&str; 9] = [
        "/dev/sd",
        "/dev/nvme",
        "/dev/xvd",
        "/dev/vd",
        "/dev/hd",
        "/dev/mmcblk",
        "/dev/disk",
        "/dev/mapper/",
        "/dev/md",
    ];
    if DISKS.iter().any(|d| target.starts_with(d)) {
        return Some(class(
            Destructive,
            format!("`> {target}` overwrites a disk"),
        ));
    }
    Some(if append {
        class(Write, format!("`>> {target}` appends to a file"))
    } else {
        class(Write, format!("`> {target}` overwrites a file"))
    })
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// A shell line run by the command `ctx` describes, one level deeper.
fn nested(line: &str, ctx: &Ctx) -> Option<Classification> {
    let inner = lexer::parse_at_depth(line, ctx.depth + 1).ok()?;
    classify_script(&inner, ctx.depth + 1)
}

pub(super) fn read(what: &str) -> Option<Classification> {
    Some(class(Read, format!("`{what}` only reads")))
}

pub(super) fn write(what: &str, does: &str) -> Option<Classification> {
    Some(class(Write, format!("`{what}` {does}")))
}

pub(super) fn destroy(what: &str, does: &str) -> Option<Classification> {
    Some(class(Destructive, format!("`{what}` {does}")))
}

/// Names that announce a data-losing script (`restore-db.sh`, `drop_tables.py`).
fn risky_name(name: &str) -> Option<Classification> {
    let lower = name.to_ascii_lowercase();
    if lower.contains("restore") {
        return destroy(name, "restores overwrite current data");
    }
    const WORDS: [&str; 8] = [
        "drop", "wipe", "purge", "destroy", "nuke", "flush", "truncate", "reset",
    ];
    WORDS
        .iter()
        .find(|w| lower.contains(*w))
        .and_then(|w| destroy(name, &format!("looks destructive by its name (`{w}`)")))
}

/// The catalogue: what the command `argv` (wrappers stripped) does.
fn classify_argv(argv: &[Word], ctx: &Ctx) -> Option<Classification> {
    let first = argv.first()?;
    if first.dynamic {
        return None;
    }
    let all: Vec<&str> = argv.iter().map(|w| w.text.as_str()).collect();
    let name = basename(all[0]);
    let args = &all[1..];
    if read_only::only_reads(name, args) {
        return read(name);
    }
    match name {
        "journalctl" => system::journalctl(args),
        "dmesg" => system::dmesg(args),
        "date" => system::date(args),
        "hostname" => system::hostname(args),
        "sysctl" => system::sysctl(args),
        "ip" => network::ip(args),
        "sort" => files::sort(args),
        "sed" => files::sed(args),
        "awk" | "gawk" | "mawk" | "nawk" => files::awk(name, args),
        "yq" => files::yq(args),
        "uniq" => files::uniq(args),
        "tee" => files::tee(args),
        "touch" | "mkdir" | "cp" | "ln" | "install" | "rmdir" | "mktemp" | "scp" | "logger" => {
            write(name, "changes files")
        }
        "mv" => write("mv", "moves files, replacing any at the destination"),
        "rsync" => files::rsync(args),
        "rm" => files::rm(args),
        "unlink" => destroy("unlink", "deletes a file"),
        "shred" => destroy("shred", "destroys file contents"),
        "truncate" => destroy("truncate", "cuts files down, losing their contents"),
        "wipefs" | "mkswap" | "blkdiscard" | "gdisk" | "cgdisk" => {
            destroy(name, "erases disk data")
        }
        n if n.starts_with("mkfs") => destroy(n, "formats a filesystem, erasing it"),
        "dd" => disks::dd(args),
        "fdisk" | "sfdisk" | "parted" | "sgdisk" => disks::partitions(name, args),
        "reboot" | "halt" | "poweroff" => destroy(name, "takes the machine down"),
        "shutdown" => system::shutdown(args),
        "init" | "telinit" => system::init(name, args),
        "kill" => system::kill(args),
        "pkill" => system::pkill(args),
        "killall" | "killall5" => destroy(name, "kills every matching process"),
        "chmod" => files::chmod(args),
        "chown" | "chgrp" => files::chown(name, args),
        "iptables" | "ip6tables" | "iptables-legacy" | "iptables-nft" => {
            network::iptables(name, args)
        }
        "iptables-save" | "ip6tables-save" => read(name),
        "iptables-restore" | "ip6tables-restore" => destroy(name, "replaces every firewall rule"),
        "nft" => network::nft(args),
        "ufw" => network::ufw(args),
        "crontab" => system::crontab(args),
        "systemctl" => system::systemctl(args),
        "service" => system::service(args),
        "apt" | "apt-get" | "yum" | "dnf" | "zypper" | "apk" => system::packages(name, args),
        "dpkg" => system::dpkg(args),
        "find" => files::find(args, ctx),
        "xargs" => interpreters::xargs(argv, ctx),
        "watch" => interpreters::watch(args, ctx),
        "eval" => interpreters::eval(args, ctx),
        "sh" | "bash" | "zsh" | "dash" | "ksh" | "ash" | "fish" => interpreters::shell(argv, ctx),
        "python" | "python3" | "perl" | "ruby" | "node" | "php" => {
            interpreters::scripting(name, args, ctx)
        }
        "source" | "." => args.first().and_then(|f| risky_name(basename(f))),
        "ssh" => network::ssh(args, ctx),
        "su" => interpreters::su(args, ctx),
        // Only reached as `command -v NAME`, which looks a name up.
        "command" => read("command -v"),
        "docker" | "podman" => containers::docker(argv, ctx),
        "docker-compose" => containers::compose(&argv[1..], "docker-compose", ctx),
        "git" => git::git(args),
        "kubectl" | "oc" => containers::kubectl(argv, ctx),
        "helm" => containers::helm(args),
        "ceph" => super::cloud::ceph(args),
        "rbd" => super::cloud::rbd(args),
        "etcdctl" => super::cloud::etcdctl(args),
        "crictl" => super::cloud::crictl(args),
        "aws" => super::cloud::aws(args),
        "gcloud" => super::cloud::gcloud(args),
        "az" => super::cloud::az(args),
        "terraform" | "tofu" => terraform::terraform(args),
        "gh" => git::gh(args),
        "curl" => network::curl(args),
        "wget" => network::wget(args),
        "redis-cli" | "valkey-cli" | "keydb-cli" => databases::redis_cli(args),
        "psql" => databases::psql(args, ctx),
        "mysql" | "mariadb" => databases::mysql(args, ctx),
        "pg_dump" | "pg_dumpall" => databases::pg_dump(name, args),
        "mysqldump" | "mariadb-dump" => databases::mysqldump(name, args),
        "pg_restore" => databases::pg_restore(args),
        "dropdb" | "dropuser" => destroy(name, "drops it for good"),
        "createdb" | "createuser" => write(name, "creates it"),
        "mysqladmin" => databases::mysqladmin(args),
        "nc" | "ncat" | "netcat" => network::netcat(name, args),
        "openssl" => network::openssl(args),
        "nginx" => system::nginx(args),
        "supervisorctl" => system::supervisorctl(args),
        "pm2" => system::pm2(args),
        "timedatectl" | "hostnamectl" => system::settings(name, args),
        "umount" | "mount" | "swapoff" | "swapon" => write(name, "changes mounts"),
        "tar" => files::tar(args),
        "gzip" | "gunzip" | "bzip2" | "bunzip2" | "xz" | "unxz" | "zstd" => {
            files::compress(name, args)
        }
        "zip" => write(name, "writes an archive"),
        "unzip" => files::unzip(name, args),
        "make" | "npm" | "yarn" | "pnpm" | "just" | "rake" | "task" => args
            .iter()
            .filter(|a| !a.starts_with('-'))
            .find_map(|t| risky_name(t)),
        _ => risky_name(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn effect(line: &str) -> Option<Effect> {
        classify_shell(line).map(|c| c.effect)
    }
    #[test]
    fn classification_through_the_segmenter() {
        assert_eq!(effect("echo 'rm -rf /'"), Some(Effect::Read));
        assert_eq!(effect("echo \"$(rm -rf /)\""), Some(Effect::Destructive));
        assert_eq!(
            effect("echo \\$(rm -rf /)"),
            None,
            "a bare `(` after escaped `$` is a syntax error"
        );
        assert_eq!(effect("echo a\\;rm -rf /"), Some(Effect::Read));
        assert_eq!(effect("r\"m\" -rf /"), Some(Effect::Destructive));
        assert_eq!(effect("FOO=$(rm -rf /)"), Some(Effect::Destructive));
        assert_eq!(effect("ls > out"), Some(Effect::Write));
        assert_eq!(effect("ls 2>/dev/null"), Some(Effect::Read));
        assert_eq!(effect("ls | ./unknown"), None);
        assert_eq!(
            effect("git log | head; git reset --hard"),
            Some(Effect::Destructive)
        );
    }
}
