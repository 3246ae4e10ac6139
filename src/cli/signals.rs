//! SIGINT, SIGTERM and SIGHUP take one path in `run` and `plan`: the first one stops the work
//! (the caller drops it and shuts the runtime down, which kills every shell action's process
//! group and cancels every probe) and is recorded by name; a second one during that cleanup
//! ends the process at once, as the signal's default action would.

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use tokio::signal::unix::{Signal, SignalKind, signal};

/// The three signals, listened to. Create it inside the runtime before anything runs, so an
/// early signal is not lost to the default action (no transcript ending, children left).
pub struct Signals {
    listening: Vec<(&'static str, Signal)>,
}

impl Signals {
    pub fn install() -> std::io::Result<Self> {
        let armed = Arc::new(AtomicBool::new(false));
        for number in [SIGINT, SIGTERM, SIGHUP] {
            // Registered first, so it sees the flag before the first signal sets it.
            signal_hook::flag::register_conditional_default(number, armed.clone())?;
            signal_hook::flag::register(number, armed.clone())?;
        }
        let listening = vec![
            ("SIGINT", signal(SignalKind::interrupt())?),
            ("SIGTERM", signal(SignalKind::terminate())?),
            ("SIGHUP", signal(SignalKind::hangup())?),
        ];
        Ok(Signals { listening })
    }

    /// The name of the first of the signals to arrive.
    pub async fn first(&mut self) -> &'static str {
        let waits = self.listening.iter_mut().map(|(name, s)| {
            Box::pin(async move {
                s.recv().await;
                *name
            })
        });
        futures_util::future::select_all(waits).await.0
    }
}
