//! Tools that write disks below any filesystem: `dd` and the partition editors. Each of them
//! also has a mode that only prints.

use super::{destroy, read};
use crate::effect::Classification;

pub(super) fn dd(args: &[&str]) -> Option<Classification> {
    if args
        .iter()
        .any(|a| a.starts_with("of=") && *a != "of=/dev/null")
    {
        destroy("dd", "overwrites its output file or device")
    } else {
        read("dd")
    }
}

/// `fdisk`, `sfdisk`, `parted`, `sgdisk`: rewrite partition tables unless asked to print them.
pub(super) fn partitions(name: &str, args: &[&str]) -> Option<Classification> {
    let prints: &[&str] = match name {
        "parted" => &["-l", "--list", "print"],
        "sgdisk" => &["-p", "--print"],
        _ => &["-l", "--list", "-d", "--dump"],
    };
    if args.iter().any(|a| prints.contains(a)) {
        read(name)
    } else {
        destroy(name, "rewrites partition tables")
    }
}
