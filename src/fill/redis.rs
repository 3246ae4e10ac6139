//! Redis: the author's command line is split into words once, when the runbook is checked;
//! each word is a template, and a hole fills part of exactly one argument whatever its value
//! holds (spaces, quotes, `\r\n`).

use super::Unfillable;
use crate::action::{Part, Template};
use crate::safety::shell::hole_of;
use serde::Serialize;

/// A Redis command as its words.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct RedisCommand {
    pub template: Template,
    pub words: Vec<Template>,
    /// Holes where the value changes which command runs, with why: set by [`RedisCommand::probe`].
    pub decides: Vec<(String, String)>,
}

/// Splits `template` into words like a shell would (quotes group, backslashes escape); a
/// hole stays inside the word it is written in.
pub fn analyze(template: &Template) -> Result<RedisCommand, Unfillable> {
    let (marked, params) = super::marked(template);
    let split = match shlex::split(&marked).filter(|w| !w.is_empty()) {
        Some(split) => split,
        // Without a hole, unbalanced quotes are the author's text: one word that Redis (and
        // the analysis) will not know, as it would be sent anyway.
        None if params.is_empty() => vec![marked.clone()],
        None => {
            return Err(Unfillable {
                param: params[0].clone(),
                why: format!(
                    "cannot split `{}` into words: check its quotes",
                    template.source()
                ),
                help: "Balance the quotes; quote an argument that holds spaces.".into(),
            });
        }
    };
    let words = split
        .iter()
        .map(|w| {
            let mut parts: Vec<Part> = Vec::new();
            for c in w.chars() {
                match hole_of(c) {
                    Some(i) => parts.push(Part::Param(params[i].clone())),
                    None => match parts.last_mut() {
                        Some(Part::Text(t)) => t.push(c),
                        _ => parts.push(Part::Text(c.to_string())),
                    },
                }
            }
            Template { parts }
        })
        .collect();
    Ok(RedisCommand {
        template: template.clone(),
        words,
        decides: Vec::new(),
    })
}

/// Values that change what a Redis command does where a word is free to pick the command.
const PROBES: [&str; 5] = ["FLUSHALL", "DEL", "SET", "KILL", "RESETSTAT"];

impl RedisCommand {
    /// The words with a plain word in each hole, as one line for the command table.
    pub fn sample(&self) -> String {
        let argv = self.argv(|_| "param".to_string());
        shlex::try_join(argv.iter().map(String::as_str)).unwrap_or_default()
    }

    /// The arguments sent, each hole filled with `value(param)` as it is.
    pub fn argv(&self, value: impl Fn(&str) -> String) -> Vec<String> {
        self.words.iter().map(|w| w.render(&value)).collect()
    }

    /// Marks holes whose value decides the command: the command word itself, or any word the
    /// command table reads (`CONFIG #{sub}`).
    /// `approved` is the effect the checker settled on.
    pub fn probe(
        &mut self,
        approved: crate::effect::Effect,
        classify: impl Fn(&[String]) -> Option<crate::effect::Effect>,
    ) {
        let sample = self.argv(|_| "param".to_string());
        let classified = classify(&sample).is_some();
        for (i, word) in self.words.iter().enumerate() {
            for param in word.params() {
                let why = if i == 0 {
                    Some("it is the command word: the value picks the Redis command".to_string())
                } else {
                    PROBES.iter().find_map(|p| {
                        let mut argv = sample.clone();
                        argv[i] = word.render(|n| {
                            if n == param {
                                p.to_string()
                            } else {
                                "param".into()
                            }
                        });
                        let worse = match classify(&argv) {
                            Some(e) => e > approved,
                            None => classified,
                        };
                        worse.then(|| format!("a value such as `{p}` changes the command"))
                    })
                };
                if let Some(why) = why {
                    self.decides.push((param.to_string(), why));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hole_fills_one_argument() {
        let t = Template {
            parts: vec![
                Part::Text("SET 'a key' pre".into()),
                Part::Param("v".into()),
                Part::Text(" x".into()),
            ],
        };
        let c = analyze(&t).unwrap();
        assert_eq!(
            c.argv(|_| "1 2\r\nDEL k".into()),
            ["SET", "a key", "pre1 2\r\nDEL k", "x"]
        );
        assert_eq!(
            analyze(&Template::literal("SET 'a")).unwrap().words.len(),
            1
        );
        let t = Template {
            parts: vec![Part::Text("SET 'a ".into()), Part::Param("v".into())],
        };
        assert!(analyze(&t).is_err());
    }
}
