//! `terraform` and `tofu`: plans read, applies change, destroys and state surgery destroy.

use super::options::first_positional;
use super::{destroy, read, write};
use crate::effect::Classification;

pub(super) fn terraform(args: &[&str]) -> Option<Classification> {
    let i = first_positional(args, &[])?;
    let sub = args[i];
    let rest = &args[i + 1..];
    let shown = format!("terraform {sub}");
    match sub {
        "destroy" => destroy(&shown, "destroys managed infrastructure"),
        "apply" if rest.contains(&"-destroy") => destroy(
            "terraform apply -destroy",
            "destroys managed infrastructure",
        ),
        "apply" => write(&shown, "changes infrastructure"),
        "plan" | "show" | "output" | "validate" | "version" | "providers" | "graph" | "fmt"
        | "console" => read(&shown),
        "init" | "import" | "taint" | "untaint" | "refresh" | "force-unlock" | "get" => {
            write(&shown, "changes state")
        }
        "state" => match rest.first() {
            Some(&"list") | Some(&"show") | Some(&"pull") => read(&shown),
            Some(&"rm") | Some(&"push") | Some(&"replace-provider") => {
                destroy("terraform state rm", "rewrites state")
            }
            Some(&"mv") => write(&shown, "rewrites state"),
            _ => None,
        },
        "workspace" => match rest.first() {
            Some(&"list") | Some(&"show") => read(&shown),
            Some(&"delete") => destroy("terraform workspace delete", "deletes a workspace"),
            Some(_) => write(&shown, "changes workspaces"),
            None => None,
        },
        _ => None,
    }
}
