//! Shell lines: a value reaches bash as the environment variable `LRB_P_<name>`, and each hole
//! becomes a reference to it that fits its quoting, so bash expands the value once and never
//! parses it. [`ShellLine::line`] is what both `lrb run` and the exported script run.

use super::{Rule, Unfillable};
use crate::action::{RawEffect, Template};
use crate::effect::Classification;
use crate::safety::shell::{Quoting, Role, sites};
use serde::Serialize;

/// A shell command line whose holes have been placed.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct ShellLine {
    pub template: Template,
    /// The line bash runs: each hole a `${LRB_P_name}` reference fitting its quoting.
    pub line: String,
    /// One per hole, in the template's order.
    pub holes: Vec<ShellHole>,
    /// The template with hole `i` as the character `HOLE_BASE + i`.
    #[serde(skip)]
    marked: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShellHole {
    pub param: String,
    pub quoting: Quoting,
    pub role: Role,
    /// What the value must look like, checked before anything runs.
    pub rules: Vec<Rule>,
    /// Why a value here can change what the command does (no quoting can prevent it): set by
    /// [`ShellLine::probe`].
    pub decides: Option<String>,
}

/// The environment variable that carries parameter `name` to bash.
pub fn variable(name: &str) -> String {
    format!("LRB_P_{name}")
}

/// Places every hole of `template`.
pub fn analyze(template: &Template) -> Result<ShellLine, Unfillable> {
    let (marked, params) = super::marked(template);
    if params.is_empty() {
        return Ok(ShellLine {
            template: template.clone(),
            line: marked.clone(),
            holes: Vec::new(),
            marked,
        });
    }
    let found = sites(&marked).map_err(|e| Unfillable {
        param: params[0].clone(),
        why: format!("lrb cannot tell how the line quotes `#{{{}}}`: {}", params[0], e.0),
        help: "Simplify the line (no `case`, `((`, or unbalanced quotes) so lrb can pass the value as data, or move the logic into a script the line calls with the value as an argument.".into(),
    })?;
    let mut holes = Vec::with_capacity(params.len());
    for (i, param) in params.iter().enumerate() {
        let Some(site) = found.iter().find(|s| s.hole == i) else {
            return Err(Unfillable {
                param: param.clone(),
                why: format!("lrb cannot tell where `#{{{param}}}` sits in the line"),
                help: "Write the parameter as a separate word or inside double quotes.".into(),
            });
        };
        let mut rules = Vec::new();
        match site.quoting {
            Quoting::LiteralHeredoc => {
                return Err(Unfillable {
                    param: param.clone(),
                    why: format!(
                        "`#{{{param}}}` is in a quoted here-document (`<<'EOF'`), which bash never expands"
                    ),
                    help: "Use an unquoted delimiter (`<<EOF`) so the value is expanded as data."
                        .into(),
                });
            }
            Quoting::Expansion => {
                return Err(Unfillable {
                    param: param.clone(),
                    why: format!(
                        "`#{{{param}}}` is inside a `${{...}}` expansion, where a value would be syntax"
                    ),
                    help: "Use the parameter as a word of its own, such as `\"#{name}\"`.".into(),
                });
            }
            Quoting::Arithmetic => rules.push(Rule::Integer),
            _ => {}
        }
        match site.role {
            Role::Integer => rules.push(Rule::Integer),
            Role::Name => rules.push(Rule::Name),
            Role::Argument | Role::CommandWord | Role::Operand => {}
        }
        rules.dedup();
        holes.push(ShellHole {
            param: param.clone(),
            quoting: site.quoting,
            role: site.role,
            rules,
            decides: (site.role == Role::CommandWord).then(|| {
                "it is the command word: the value picks the program that runs".to_string()
            }),
        });
    }
    let line = fill_holes(&marked, |i| {
        reference(holes[i].quoting, &variable(&holes[i].param))
    });
    Ok(ShellLine {
        template: template.clone(),
        line,
        holes,
        marked,
    })
}

/// `marked` with hole `i` replaced by `text(i)`, built in one buffer rather than a string
/// per character.
fn fill_holes(marked: &str, text: impl Fn(usize) -> String) -> String {
    let mut out = String::with_capacity(marked.len());
    for c in marked.chars() {
        match crate::safety::shell::hole_of(c) {
            Some(i) => out.push_str(&text(i)),
            None => out.push(c),
        }
    }
    out
}

/// The bash text that expands `var` once, as data, where a hole is quoted as `quoting`.
fn reference(quoting: Quoting, var: &str) -> String {
    match quoting {
        Quoting::Bare => format!("\"${{{var}}}\""),
        Quoting::Double | Quoting::Heredoc | Quoting::Arithmetic => format!("${{{var}}}"),
        Quoting::Single => format!("'\"${{{var}}}\"'"),
        Quoting::AnsiC => format!("'\"${{{var}}}\"$'"),
        // Never run, and a comment must not gain a newline.
        Quoting::Comment | Quoting::LiteralHeredoc | Quoting::Expansion => String::new(),
    }
}

/// `value` written so that bash, reading it where a hole is quoted as `quoting`, gets exactly
/// `value` back: the text the analysis reads for the line as it will run.
fn quoted(quoting: Quoting, value: &str) -> String {
    let escape = |specials: &[char]| {
        value
            .chars()
            .flat_map(|c| {
                let e = specials.contains(&c).then_some('\\');
                e.into_iter().chain(std::iter::once(c))
            })
            .collect::<String>()
    };
    match quoting {
        Quoting::Bare => format!("'{}'", value.replace('\'', "'\\''")),
        Quoting::Single => value.replace('\'', "'\\''"),
        Quoting::Double => escape(&['\\', '"', '$', '`']),
        // Bash looks for the delimiter before it expands, so a value never ends the body;
        // a `\` before each of the value's lines keeps the analysis from ending it either.
        Quoting::Heredoc => escape(&['\\', '$', '`'])
            .split('\n')
            .map(|l| match l.starts_with('\\') {
                true => l.to_string(),
                false => format!("\\{l}"),
            })
            .collect::<Vec<_>>()
            .join("\n"),
        Quoting::AnsiC => escape(&['\\', '\'']),
        Quoting::Arithmetic => value.to_string(),
        Quoting::Comment | Quoting::LiteralHeredoc | Quoting::Expansion => {
            value.replace(['\n', '\r'], " ")
        }
    }
}

/// Values a hole is tried with: each changes what a command does only if the hole's place
/// lets a value be code (another interpreter's script, a subcommand, the program).
const CODE_PROBES: [&str; 8] = [
    "x; touch /tmp/lrb-probe",
    "$(touch /tmp/lrb-probe)",
    "x' OR '1'='1'; DROP TABLE lrb_probe; --",
    "delete",
    "rm",
    "drop",
    "FLUSHALL",
    "--delete",
];
/// Values that are only options: they change a command only where it reads options.
const OPTION_PROBES: [&str; 4] = [
    "-o/tmp/lrb-probe",
    "--output=/tmp/lrb-probe",
    "-delete",
    "--force",
];

impl ShellLine {
    /// The line as bash will read it with these values, each quoted for its place: what the
    /// safety analysis classifies before the line runs.
    pub fn rendered(&self, value: impl Fn(&str) -> String) -> String {
        self.render_with(|i| value(&self.holes[i].param))
    }

    fn render_with(&self, value: impl Fn(usize) -> String) -> String {
        fill_holes(&self.marked, |i| quoted(self.holes[i].quoting, &value(i)))
    }

    /// The line with each hole holding a plain word: what the checker classifies.
    pub fn sample(&self) -> String {
        self.render_with(|_| "param".to_string())
    }

    /// Tries each hole with hostile values (quoted as they will be): marks the holes where a
    /// value can change the line's effect, and requires values that are not options where
    /// only an option can.
    /// `effect` is what the checker settled on for [`ShellLine::sample`] (the analysis's
    /// finding, if any, and the declared effect): the sample is not classified again.
    pub fn probe(&mut self, effect: &RawEffect, classify: impl Fn(&str) -> Option<Classification>) {
        let approved = effect.effect();
        let classified = effect.classification().is_some();
        for i in 0..self.holes.len() {
            let hole = &self.holes[i];
            if hole.decides.is_some()
                || matches!(hole.quoting, Quoting::Comment | Quoting::Arithmetic)
                || matches!(hole.role, Role::Integer | Role::Name)
            {
                continue;
            }
            let worse = |probe: &str| {
                let text = self.render_with(|k| {
                    if k == i {
                        probe.to_string()
                    } else {
                        "param".to_string()
                    }
                });
                match classify(&text) {
                    Some(c) if c.effect <= approved => None,
                    Some(c) => Some(format!("makes it {}: {}", c.effect, c.reason)),
                    None if classified => {
                        Some("makes it a command lrb cannot classify".to_string())
                    }
                    None => None,
                }
            };
            let decides = CODE_PROBES
                .iter()
                .find_map(|p| worse(p).map(|why| format!("a value such as `{p}` {why}")));
            let option = decides.is_none()
                && self.holes[i].role != Role::Operand
                && OPTION_PROBES.iter().any(|p| worse(p).is_some());
            let hole = &mut self.holes[i];
            hole.decides = decides;
            if option {
                hole.rules.push(Rule::NotOption);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Part;
    use crate::effect::Effect;
    use crate::safety::classify_shell;

    fn template(src: &str) -> Template {
        // `#{name}` holes in `src`, the way the parser reads them.
        let mut parts = Vec::new();
        let mut rest = src;
        while let Some(at) = rest.find("#{") {
            parts.push(Part::Text(rest[..at].to_string()));
            let end = rest[at..].find('}').unwrap() + at;
            parts.push(Part::Param(rest[at + 2..end].to_string()));
            rest = &rest[end + 1..];
        }
        parts.push(Part::Text(rest.to_string()));
        Template { parts }
    }

    fn line(src: &str) -> ShellLine {
        let mut l = analyze(&template(src)).unwrap();
        // As the checker does: the analysis's effect, or `:read` declared where it has none.
        let effect = match classify_shell(&l.sample()) {
            Some(classification) => RawEffect::Classified {
                classification,
                declared: None,
            },
            None => RawEffect::Unclassified {
                declared: Some(Effect::Read),
            },
        };
        l.probe(&effect, classify_shell);
        l
    }

    #[test]
    fn each_hole_gets_the_reference_its_quoting_needs() {
        assert_eq!(line("echo #{v}").line, "echo \"${LRB_P_v}\"");
        assert_eq!(line("echo \"a #{v}\"").line, "echo \"a ${LRB_P_v}\"");
        assert_eq!(line("echo 'a #{v}'").line, "echo 'a '\"${LRB_P_v}\"''");
        assert_eq!(line("echo $'a #{v}'").line, "echo $'a '\"${LRB_P_v}\"$''");
        assert_eq!(
            line("cat <<EOF\nname: \"#{v}\"\nEOF").line,
            "cat <<EOF\nname: \"${LRB_P_v}\"\nEOF"
        );
        assert_eq!(
            line("echo $(echo \"#{v}\")").line,
            "echo $(echo \"${LRB_P_v}\")"
        );
    }

    #[test]
    fn places_no_quoting_makes_safe_are_found() {
        let l = line("#{tool} --version");
        assert_eq!(l.holes[0].role, Role::CommandWord);
        assert!(l.holes[0].decides.is_some());
        assert!(line("bash -c \"echo #{v}\"").holes[0].decides.is_some());
        assert!(line("kubectl #{verb} pods").holes[0].decides.is_some());
        assert!(line("echo #{v}").holes[0].decides.is_none());
        assert!(
            line("grep -c #{v} /var/log/syslog").holes[0]
                .decides
                .is_none()
        );
        assert_eq!(line("echo $(( #{n} + 1 ))").holes[0].rules, [Rule::Integer]);
        assert_eq!(line("[[ 3 -gt #{n} ]]").holes[0].rules, [Rule::Integer]);
        assert!(analyze(&template("cat <<'EOF'\n#{v}\nEOF")).is_err());
        assert!(analyze(&template("echo ${#{v}}")).is_err());
    }

    /// Runs the line as `lrb run` does: `bash -c LINE` with the value in `LRB_P_v`.
    fn bash_prints(src: &str, value: &str) -> String {
        let l = line(src);
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(&l.line)
            .env("LRB_P_v", value)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{src}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    #[test]
    fn every_quoting_prints_the_value_byte_for_byte() {
        let values = [
            "plain",
            "a b  c",
            "it's \"quoted\" `x` $(touch /tmp/lrb-pwned) ${HOME} *?[a]",
            "line\nbreak\r\n\\",
            "-n",
            "é日本🙂",
            "EOF",
            "",
        ];
        for v in values {
            for (src, want) in [
                ("printf '%s' #{v}", v.to_string()),
                ("printf '%s' \"#{v}\"", v.to_string()),
                ("printf '%s' '<#{v}>'", format!("<{v}>")),
                ("printf '%s' $'<#{v}>'", format!("<{v}>")),
                (
                    "printf '%s' \"$(printf '%s' \"#{v}\")\"",
                    v.trim_end_matches('\n').to_string(),
                ),
                ("cat <<EOF\n[#{v}]\nEOF", format!("[{v}]\n")),
                ("x=#{v}; printf '%s' \"$x\"", v.to_string()),
            ] {
                assert_eq!(bash_prints(src, v), want, "{src} with {v:?}");
            }
        }
        assert!(!std::path::Path::new("/tmp/lrb-pwned").exists());
    }

    #[test]
    fn the_rendered_line_is_what_bash_reads() {
        let l = line("echo '#{v}' \"#{v}\" #{v}");
        let text = l.rendered(|_| "it's \"$(x)\"".to_string());
        assert_eq!(
            text,
            "echo 'it'\\''s \"$(x)\"' \"it's \\\"\\$(x)\\\"\" 'it'\\''s \"$(x)\"'"
        );
        assert_eq!(classify_shell(&text).unwrap().effect, Effect::Read);
        // A value holding the delimiter does not end the body, for bash or the analysis.
        let l = line("cat <<EOF | cmp -s - expected\n#{v}\nEOF");
        let text = l.rendered(|_| "EOF\nrm -rf /".to_string());
        assert_eq!(
            classify_shell(&text).unwrap().effect,
            Effect::Read,
            "{text}"
        );
    }
}
