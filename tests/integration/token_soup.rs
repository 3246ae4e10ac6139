//! The fuzz target's body over a fixed pseudo-random corpus, so that every `cargo test` (and CI,
//! which has no nightly toolchain) explores inputs no fixture thought of. Seeded: a failure
//! names the input that reproduces it.

use crate::no_panic::{assert_no_panic, runbooks};

/// Words, literals and punctuation of the grammar, some broken on purpose.
const TOKENS: &[&str] = &[
    "target",
    "param",
    "runbook",
    "check",
    "when",
    "mitigate",
    "confirm",
    "followup",
    "step",
    "todo",
    "see",
    "wait",
    "value",
    "do",
    "end",
    "and",
    "or",
    "not",
    "failed",
    "passed",
    "errored",
    "title",
    "severity",
    "owner",
    "description",
    "symptom",
    "tags",
    "true",
    "false",
    "env",
    "secret",
    "api",
    "docker",
    "shell",
    "api.get",
    "db.query",
    "queue.command",
    "docker.container",
    "stack.up",
    "http:",
    "postgres:",
    "status:",
    "timeout:",
    "within:",
    "destructive:",
    "info:",
    "effect:",
    ":live",
    ":api",
    ":critical",
    ":",
    ".",
    ",",
    ";",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "==",
    "!=",
    ">=",
    "<=",
    ">",
    "<",
    "!",
    "&&",
    "||",
    "%",
    "\"",
    "'",
    "\\",
    "#{",
    "#{x}",
    "\"text\"",
    "\"/health\"",
    "'raw'",
    "\"open",
    "<<~SQL",
    "<<-SH",
    "SQL",
    "SH",
    "5s",
    "250ms",
    "2m",
    "1h",
    "5x",
    "90%",
    "12.5%",
    "200",
    "-1",
    "1.5",
    "2OO",
    "99999999999999999999",
    "[200, 204]",
    "env(\"URL\", \"http://x\")",
    "secret(\"PW\")",
    "# comment",
    "é",
    "☕",
    "\u{feff}",
    "\0",
    " ",
    "  ",
    "\t",
    "\n",
    "\n",
    "\n",
    "\r\n",
    "\r",
];

fn soup(rng: &mut fastrand::Rng) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..rng.usize(1..120) {
        if rng.u8(..) == 0 {
            out.push(rng.u8(0x80..)); // a stray byte that is not UTF-8 on its own
        } else {
            out.extend_from_slice(rng.choice(TOKENS).expect("tokens").as_bytes());
        }
        if rng.bool() {
            out.push(b' ');
        }
    }
    out
}

#[test]
fn token_soups_never_panic() {
    let mut rng = fastrand::Rng::with_seed(0x6c7262);
    let inputs = (0..3000).map(|i| (format!("soup #{i} (seed 0x6c7262)"), soup(&mut rng)));
    assert_no_panic(inputs);
}

/// Real runbooks with a few tokens spliced in: reaches the checker far more often than soup.
#[test]
fn spliced_runbooks_never_panic() {
    let mut rng = fastrand::Rng::with_seed(0x73706c);
    let seeds: Vec<Vec<u8>> = runbooks()
        .iter()
        .map(|p| std::fs::read(p).expect("runbook"))
        .collect();
    let inputs = (0..1500).map(|i| {
        let mut bytes = rng.choice(&seeds).expect("seeds").clone();
        for _ in 0..rng.usize(1..4) {
            let at = rng.usize(..=bytes.len());
            let token = rng.choice(TOKENS).expect("tokens").as_bytes();
            bytes.splice(at..at, token.iter().copied());
        }
        (format!("splice #{i} (seed 0x73706c)"), bytes)
    });
    assert_no_panic(inputs);
}
