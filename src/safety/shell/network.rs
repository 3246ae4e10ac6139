//! The network: interface and firewall configuration, HTTP clients, `ssh` (whose remote
//! command is a shell line of its own), `nc` and `openssl`.

use super::options::Options;
use super::{Ctx, destroy, nested, read, write};
use crate::effect::Classification;

pub(super) fn ip(args: &[&str]) -> Option<Classification> {
    const CHANGE: [&str; 9] = [
        "add", "del", "delete", "set", "flush", "change", "replace", "append", "prepend",
    ];
    if args.contains(&"exec") {
        None
    } else if args.iter().any(|a| CHANGE.contains(a)) {
        write("ip", "changes network configuration")
    } else {
        read("ip")
    }
}

pub(super) fn iptables(name: &str, args: &[&str]) -> Option<Classification> {
    let has = |set: &[&str]| args.iter().any(|a| set.contains(a));
    if has(&["-F", "--flush", "-X", "--delete-chain"]) {
        destroy(&format!("{name} -F"), "removes firewall rules")
    } else if has(&[
        "-A",
        "-I",
        "-D",
        "-R",
        "-P",
        "-N",
        "-E",
        "-Z",
        "--append",
        "--insert",
        "--delete",
        "--replace",
        "--policy",
        "--new-chain",
        "--zero",
    ]) {
        write(name, "changes firewall rules")
    } else if has(&["-L", "-S", "-C", "--list", "--list-rules", "--check"]) {
        read(name)
    } else {
        None
    }
}

pub(super) fn nft(args: &[&str]) -> Option<Classification> {
    if args.contains(&"flush") {
        destroy("nft flush", "removes firewall rules")
    } else if args.first().is_some_and(|a| *a == "list") || args.contains(&"list") {
        read("nft")
    } else {
        write("nft", "changes firewall rules")
    }
}

pub(super) fn ufw(args: &[&str]) -> Option<Classification> {
    match args.first().copied() {
        Some("status") | Some("show") | Some("app") => read("ufw"),
        Some("reset") | Some("disable") => destroy("ufw", "drops the firewall configuration"),
        Some(_) => write("ufw", "changes firewall rules"),
        None => None,
    }
}

pub(super) fn ssh(args: &[&str], ctx: &Ctx) -> Option<Classification> {
    let o = Options::leading(
        args,
        &[
            "-B", "-b", "-c", "-D", "-E", "-e", "-F", "-I", "-i", "-J", "-L", "-l", "-m", "-O",
            "-o", "-p", "-Q", "-R", "-S", "-W", "-w",
        ],
    );
    // The first positional is the host; the rest is run by the remote shell.
    let remote = o.positional.get(1..)?;
    if remote.is_empty() {
        return None;
    }
    nested(&remote.join(" "), ctx)
}

pub(super) fn curl(args: &[&str]) -> Option<Classification> {
    const TAKES_VALUE: [&str; 70] = [
        "-A",
        "-b",
        "-c",
        "-C",
        "-d",
        "-D",
        "-e",
        "-E",
        "-F",
        "-H",
        "-K",
        "-m",
        "-o",
        "-P",
        "-Q",
        "-r",
        "-t",
        "-T",
        "-u",
        "-U",
        "-w",
        "-x",
        "-X",
        "-y",
        "-Y",
        "-z",
        "--data",
        "--data-raw",
        "--data-binary",
        "--data-urlencode",
        "--data-ascii",
        "--json",
        "--form",
        "--form-string",
        "--request",
        "--header",
        "--output",
        "--upload-file",
        "--user",
        "--user-agent",
        "--referer",
        "--cookie",
        "--cookie-jar",
        "--dump-header",
        "--max-time",
        "--connect-timeout",
        "--retry",
        "--retry-delay",
        "--retry-max-time",
        "--write-out",
        "--proxy",
        "--resolve",
        "--cacert",
        "--cert",
        "--key",
        "--config",
        "--url",
        "--output-dir",
        "--range",
        "--limit-rate",
        "--interface",
        "--unix-socket",
        "--oauth2-bearer",
        "--connect-to",
        "--trace",
        "--trace-ascii",
        "--stderr",
        "--netrc-file",
        "--variable",
        "--aws-sigv4",
    ];
    let o = Options::anywhere(args, &TAKES_VALUE);
    if o.has(&["-K", "--config"]) {
        return None; // a config file can set anything
    }
    let sinks = |names: &[&str]| o.values(names).any(|v| v != "-" && v != "/dev/null");
    if sinks(&[
        "-o",
        "--output",
        "-c",
        "--cookie-jar",
        "-D",
        "--dump-header",
        "--trace",
        "--trace-ascii",
        "--stderr",
    ]) || o.has(&[
        "-O",
        "--remote-name",
        "--remote-name-all",
        "-J",
        "--output-dir",
    ]) {
        return write("curl -o", "writes files");
    }
    let method = o
        .values(&["-X", "--request"])
        .next()
        .map(str::to_ascii_uppercase);
    if let Some(m) = &method
        && !matches!(m.as_str(), "GET" | "HEAD" | "OPTIONS")
    {
        return write(&format!("curl -X {m}"), "sends a state-changing request");
    }
    let sends = o.has(&[
        "-d",
        "--data",
        "--data-raw",
        "--data-binary",
        "--data-urlencode",
        "--data-ascii",
        "--json",
    ]);
    if o.has(&["-F", "--form", "--form-string", "-T", "--upload-file"])
        || (sends && !o.has(&["-G", "--get"]))
    {
        return write("curl -d", "sends a state-changing request");
    }
    read("curl")
}

pub(super) fn wget(args: &[&str]) -> Option<Classification> {
    let o = Options::anywhere(
        args,
        &[
            "-O",
            "-o",
            "-a",
            "-e",
            "-i",
            "-B",
            "-t",
            "-T",
            "-w",
            "-Q",
            "-P",
            "-l",
            "-A",
            "-R",
            "-D",
            "-I",
            "-X",
            "-U",
            "--output-document",
            "--output-file",
            "--append-output",
            "--execute",
            "--input-file",
            "--post-data",
            "--post-file",
            "--body-data",
            "--body-file",
            "--method",
            "--header",
            "--user-agent",
            "--tries",
            "--timeout",
            "--directory-prefix",
        ],
    );
    let method = o.values(&["--method"]).next().map(str::to_ascii_uppercase);
    if o.has(&["--post-data", "--post-file", "--body-data", "--body-file"])
        || method
            .as_deref()
            .is_some_and(|m| !matches!(m, "GET" | "HEAD"))
    {
        return write("wget --post-data", "sends a state-changing request");
    }
    if o.has(&["--spider"]) {
        return read("wget --spider");
    }
    match o.values(&["-O", "--output-document"]).next() {
        Some("-") | Some("/dev/null") => read("wget -O-"),
        _ => write("wget", "saves files"),
    }
}

/// `nc`, `ncat`, `netcat`: only `-z` (scan without sending) is known to read.
pub(super) fn netcat(name: &str, args: &[&str]) -> Option<Classification> {
    if args
        .iter()
        .any(|a| a.starts_with('-') && !a.starts_with("--") && a.contains('z'))
    {
        read(name)
    } else {
        None
    }
}

pub(super) fn openssl(args: &[&str]) -> Option<Classification> {
    match args.first().copied() {
        Some("s_client" | "x509" | "version" | "verify" | "ciphers" | "errstr" | "s_time") => {
            read("openssl")
        }
        _ => None,
    }
}
