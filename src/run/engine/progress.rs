//! Where the run is, kept as it goes: what an interruption names as left undone.

use std::collections::BTreeSet;

/// What the run is doing and what it has not done yet.
#[derive(Debug, Default)]
pub(super) struct Progress {
    pub during: String,
    /// Checks started and not finished.
    pub checking: BTreeSet<String>,
    /// The mitigation being run: its name, its steps as shown and how many have finished.
    pub mitigation: Option<(String, Vec<String>, usize)>,
    /// Mitigations of the matched `when`s not proposed yet.
    pub pending: Vec<String>,
    /// A `when` matched and `confirm` (or the checks again) has not finished.
    pub confirm_left: bool,
}

impl Progress {
    /// One line for each thing left undone, in the order the run would have done them.
    pub fn undone(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if !self.checking.is_empty() {
            let ids: Vec<String> = self.checking.iter().map(|c| format!("`{c}`")).collect();
            lines.push(format!("checks not finished: {}", ids.join(", ")));
        }
        if let Some((name, steps, done)) = &self.mitigation {
            let ran = if *done == 0 {
                "no step finished".to_string()
            } else {
                format!("steps 1 to {done} of {} finished", steps.len())
            };
            lines.push(format!(
                "mitigation `{name}` stopped halfway ({ran}); not finished: {}",
                steps[*done..].join("; ")
            ));
        }
        if !self.pending.is_empty() {
            let names: Vec<String> = self.pending.iter().map(|m| format!("`{m}`")).collect();
            lines.push(format!("mitigations not proposed: {}", names.join(", ")));
        }
        if self.confirm_left {
            lines.push("recovery not confirmed".into());
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mitigation_stopped_halfway_names_the_steps_left() {
        let progress = Progress {
            during: "mitigation `m`".into(),
            mitigation: Some(("m".into(), vec!["a".into(), "b".into(), "c".into()], 1)),
            pending: vec!["n".into()],
            confirm_left: true,
            ..Progress::default()
        };
        assert_eq!(
            progress.undone(),
            [
                "mitigation `m` stopped halfway (steps 1 to 1 of 3 finished); not finished: b; c",
                "mitigations not proposed: `n`",
                "recovery not confirmed",
            ]
        );
        assert!(Progress::default().undone().is_empty());
    }
}
