//! Work over many files: on rayon's pool when there is enough of it, on the calling thread
//! when there is not. Starting the pool (a thread per core, which then spin waiting for work)
//! costs more than reading and checking a few small files does.

use rayon::prelude::*;

/// Source bytes below which files are parsed and checked on the calling thread (measured with
/// `bench/vs-just.sh` and `bench/check-corpus.sh`: see docs/ARCHITECTURE.md, "Performance").
pub const SERIAL_BELOW_BYTES: usize = 32 * 1024;

/// Files below which they are read on the calling thread.
pub const SERIAL_BELOW_FILES: usize = 8;

/// `f` over `items`, in order: in parallel when `parallel` and there are several (one large
/// file gains nothing from a pool).
pub fn map<T: Send, R: Send>(
    items: Vec<T>,
    parallel: bool,
    f: impl Fn(T) -> R + Sync + Send,
) -> Vec<R> {
    if parallel && items.len() > 1 {
        items.into_par_iter().map(f).collect()
    } else {
        items.into_iter().map(f).collect()
    }
}
