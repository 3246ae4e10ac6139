//! The machine itself: logs, clock, kernel settings, power, processes, services, schedules
//! and packages.

use super::options::{Options, first_positional};
use super::{destroy, read, write};
use crate::effect::Classification;

pub(super) fn journalctl(args: &[&str]) -> Option<Classification> {
    if args.iter().any(|a| a.starts_with("--vacuum")) {
        destroy("journalctl --vacuum", "deletes old logs")
    } else if args.iter().any(|a| matches!(*a, "--rotate" | "--flush")) {
        write("journalctl", "rotates logs")
    } else {
        read("journalctl")
    }
}

pub(super) fn dmesg(args: &[&str]) -> Option<Classification> {
    if args
        .iter()
        .any(|a| matches!(*a, "-c" | "-C" | "--clear" | "--read-clear"))
    {
        write("dmesg -c", "clears the kernel log")
    } else {
        read("dmesg")
    }
}

pub(super) fn date(args: &[&str]) -> Option<Classification> {
    if args.iter().any(|a| *a == "-s" || a.starts_with("--set")) {
        write("date -s", "sets the clock")
    } else {
        read("date")
    }
}

pub(super) fn hostname(args: &[&str]) -> Option<Classification> {
    if args.iter().any(|a| !a.starts_with('-')) {
        write("hostname", "renames the host")
    } else {
        read("hostname")
    }
}

pub(super) fn sysctl(args: &[&str]) -> Option<Classification> {
    if args
        .iter()
        .any(|a| matches!(*a, "-w" | "-p" | "--system" | "--load") || a.contains('='))
    {
        write("sysctl -w", "changes kernel settings")
    } else {
        read("sysctl")
    }
}

/// `timedatectl`, `hostnamectl`.
pub(super) fn settings(name: &str, args: &[&str]) -> Option<Classification> {
    if args.iter().any(|a| a.starts_with("set-")) {
        write(name, "changes system settings")
    } else {
        read(name)
    }
}

pub(super) fn shutdown(args: &[&str]) -> Option<Classification> {
    if args.contains(&"-c") {
        write("shutdown -c", "cancels a shutdown")
    } else {
        destroy("shutdown", "takes the machine down")
    }
}

pub(super) fn init(name: &str, args: &[&str]) -> Option<Classification> {
    match args.first() {
        Some(&"0") | Some(&"6") => destroy(name, "takes the machine down"),
        _ => None,
    }
}

/// `Some(true)` when the signal is KILL, `Some(false)` for another explicit signal.
fn kill_signal(args: &[&str]) -> Option<bool> {
    let is_kill = |s: &str| {
        let s = s.trim_start_matches("SIG").trim_start_matches("sig");
        s == "9" || s.eq_ignore_ascii_case("KILL")
    };
    let mut i = 0;
    while i < args.len() {
        let a = args[i];
        if matches!(a, "-s" | "-n" | "--signal") {
            return args.get(i + 1).map(|s| is_kill(s));
        }
        if let Some(v) = a.strip_prefix("--signal=") {
            return Some(is_kill(v));
        }
        if let Some(sig) = a.strip_prefix('-')
            && sig
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_digit() || c.is_ascii_uppercase())
        {
            return Some(is_kill(sig));
        }
        i += 1;
    }
    None
}

pub(super) fn kill(args: &[&str]) -> Option<Classification> {
    if args
        .iter()
        .any(|a| matches!(*a, "-l" | "-L" | "--list" | "-0" | "-s0"))
    {
        return read("kill -0");
    }
    match kill_signal(args) {
        Some(true) => destroy("kill -9", "kills processes without letting them clean up"),
        _ => write("kill", "stops processes"),
    }
}

pub(super) fn pkill(args: &[&str]) -> Option<Classification> {
    if kill_signal(args) == Some(true) {
        destroy("pkill -9", "kills processes without letting them clean up")
    } else if args.contains(&"-0") {
        read("pkill")
    } else {
        write("pkill", "stops processes")
    }
}

pub(super) fn crontab(args: &[&str]) -> Option<Classification> {
    let o = Options::anywhere(args, &["-u"]);
    if o.has(&["-r"]) {
        destroy("crontab -r", "deletes the whole crontab")
    } else if o.has(&["-l"]) {
        read("crontab")
    } else {
        write("crontab", "replaces the crontab")
    }
}

pub(super) fn systemctl(args: &[&str]) -> Option<Classification> {
    let i = first_positional(
        args,
        &[
            "-H",
            "--host",
            "-M",
            "--machine",
            "-t",
            "--type",
            "-p",
            "--property",
            "-n",
            "--lines",
            "-o",
            "--output",
            "--signal",
            "-s",
        ],
    )?;
    let verb = args[i];
    match verb {
        "status" | "show" | "is-active" | "is-enabled" | "is-failed" | "is-system-running"
        | "list-units" | "list-unit-files" | "list-timers" | "list-sockets" | "list-jobs"
        | "list-dependencies" | "cat" | "help" | "get-default" => read("systemctl status"),
        "start"
        | "restart"
        | "reload"
        | "try-restart"
        | "reload-or-restart"
        | "try-reload-or-restart"
        | "enable"
        | "daemon-reload"
        | "daemon-reexec"
        | "reset-failed"
        | "unmask"
        | "stop"
        | "disable"
        | "kill"
        | "mask"
        | "edit"
        | "set-property"
        | "revert"
        | "preset" => write(&format!("systemctl {verb}"), "changes a running service"),
        "poweroff" | "reboot" | "halt" | "kexec" | "emergency" | "rescue" | "isolate"
        | "suspend" | "hibernate" => {
            destroy(&format!("systemctl {verb}"), "takes the machine down")
        }
        _ => None,
    }
}

pub(super) fn service(args: &[&str]) -> Option<Classification> {
    match args {
        ["--status-all", ..] => read("service"),
        [_, "status", ..] => read("service"),
        [
            _,
            "start" | "stop" | "restart" | "reload" | "force-reload" | "try-restart",
            ..,
        ] => write(&format!("service {}", args[1]), "changes a running service"),
        _ => None,
    }
}

pub(super) fn nginx(args: &[&str]) -> Option<Classification> {
    let o = Options::anywhere(args, &["-s", "-c", "-p", "-g", "-e"]);
    if let Some(signal) = o.values(&["-s"]).next() {
        write(&format!("nginx -s {signal}"), "signals the server")
    } else if o.has(&["-t", "-T", "-v", "-V"]) {
        read("nginx")
    } else {
        None
    }
}

pub(super) fn supervisorctl(args: &[&str]) -> Option<Classification> {
    match args.iter().find(|a| !a.starts_with('-')).copied() {
        Some("status" | "avail" | "pid" | "tail" | "version") => read("supervisorctl"),
        Some("start" | "stop" | "restart" | "reload" | "update" | "reread" | "signal") => {
            write("supervisorctl", "changes running programs")
        }
        Some("clear") => destroy("supervisorctl clear", "deletes logs"),
        _ => None,
    }
}

pub(super) fn pm2(args: &[&str]) -> Option<Classification> {
    match args.first().copied() {
        Some("list" | "ls" | "status" | "logs" | "show" | "describe" | "jlist" | "monit") => {
            read("pm2")
        }
        Some("start" | "stop" | "restart" | "reload" | "scale" | "delete" | "del" | "kill") => {
            write(&format!("pm2 {}", args[0]), "changes running processes")
        }
        Some("flush") => destroy("pm2 flush", "deletes logs"),
        _ => None,
    }
}

pub(super) fn packages(name: &str, args: &[&str]) -> Option<Classification> {
    let verb = args.iter().find(|a| !a.starts_with('-'))?;
    match *verb {
        "list" | "search" | "show" | "policy" | "info" | "check-update" => read(name),
        "install" | "update" | "upgrade" | "dist-upgrade" | "full-upgrade" | "reinstall"
        | "add" | "makecache" | "downgrade" => {
            write(&format!("{name} {verb}"), "changes installed packages")
        }
        "remove" | "purge" | "autoremove" | "erase" | "del" | "clean" | "autoclean" => {
            destroy(&format!("{name} {verb}"), "removes packages")
        }
        _ => None,
    }
}

pub(super) fn dpkg(args: &[&str]) -> Option<Classification> {
    if args
        .iter()
        .any(|a| matches!(*a, "-l" | "-L" | "-s" | "--list" | "--status"))
    {
        read("dpkg")
    } else {
        None
    }
}
