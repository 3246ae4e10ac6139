//! HTTP: a hole in the path is one percent-encoded segment, in the query string one encoded
//! value; in a JSON body a hole inside a string is JSON-escaped, a bare one becomes a JSON
//! number when it is one and a JSON string otherwise. Other bodies take the value as it is.

use super::Rule;
use crate::action::{Part, Template};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;

/// Everything but RFC 3986's unreserved characters: `/`, `?`, `#`, `&`, `=`, `%`, `+`, spaces.
const ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `value` as one URL path segment or query value.
pub fn encode(value: &str) -> String {
    utf8_percent_encode(value, ENCODED).to_string()
}

/// A request path whose holes have been placed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UrlPath {
    pub template: Template,
    /// For each hole, in order: whether it is in the path (not the query or fragment).
    pub in_path: Vec<bool>,
}

pub fn path(template: &Template) -> UrlPath {
    let mut past_path = false;
    let mut in_path = Vec::new();
    for part in &template.parts {
        match part {
            Part::Text(t) => past_path |= t.contains(['?', '#']),
            Part::Param(_) => in_path.push(!past_path),
        }
    }
    UrlPath {
        template: template.clone(),
        in_path,
    }
}

impl UrlPath {
    /// The path as sent, each hole percent-encoded.
    pub fn render(&self, value: impl Fn(&str) -> String) -> String {
        self.template.render(|p| encode(&value(p)))
    }

    /// Each path hole's parameter with the rule its value must meet.
    pub fn rules(&self) -> impl Iterator<Item = (&str, Rule)> {
        self.template
            .params()
            .zip(&self.in_path)
            .filter(|(_, in_path)| **in_path)
            .map(|(p, _)| (p, Rule::NotDotSegment))
    }
}

/// A request body whose holes have been placed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Body {
    pub template: Template,
    /// For each hole of a JSON body: whether it is inside a JSON string. Empty for other bodies.
    pub json_in_string: Vec<bool>,
    pub json: bool,
}

pub fn body(template: &Template) -> Body {
    let mut in_string = false;
    let mut escaped = false;
    let mut holes = Vec::new();
    for part in &template.parts {
        match part {
            Part::Text(t) => {
                for c in t.chars() {
                    match (in_string, escaped, c) {
                        (true, true, _) => escaped = false,
                        (true, false, '\\') => escaped = true,
                        (_, false, '"') => in_string = !in_string,
                        _ => {}
                    }
                }
            }
            Part::Param(_) => holes.push(in_string),
        }
    }
    let candidate = Body {
        template: template.clone(),
        json_in_string: holes,
        json: true,
    };
    let sample = candidate.render(|_| "1".to_string());
    if serde_json::from_str::<serde_json::Value>(&sample).is_ok() {
        candidate
    } else {
        Body {
            template: template.clone(),
            json_in_string: Vec::new(),
            json: false,
        }
    }
}

/// `value` as the inside of a JSON string.
pub fn json_string(value: &str) -> String {
    let quoted = serde_json::Value::String(value.to_string()).to_string();
    quoted[1..quoted.len() - 1].to_string()
}

/// `value` as a JSON value: a number when it is a JSON number, a string otherwise.
pub fn json_value(value: &str) -> String {
    let number = regex_lite_number(value);
    if number {
        value.to_string()
    } else {
        format!("\"{}\"", json_string(value))
    }
}

/// JSON's number grammar, written out so the exported script can use the same pattern.
pub const JSON_NUMBER: &str = "^-?(0|[1-9][0-9]*)([.][0-9]+)?([eE][+-]?[0-9]+)?$";

fn regex_lite_number(value: &str) -> bool {
    static RE: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(JSON_NUMBER).expect("valid pattern"));
    RE.is_match(value)
}

impl Body {
    pub fn render(&self, value: impl Fn(&str) -> String) -> String {
        if !self.json {
            return self.template.render(value);
        }
        let mut holes = self.json_in_string.iter();
        self.template.render(|p| {
            let v = value(p);
            if *holes.next().unwrap_or(&false) {
                json_string(&v)
            } else {
                json_value(&v)
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(parts: &[(&str, bool)]) -> Template {
        Template {
            parts: parts
                .iter()
                .map(|(s, p)| {
                    if *p {
                        Part::Param(s.to_string())
                    } else {
                        Part::Text(s.to_string())
                    }
                })
                .collect(),
        }
    }

    #[test]
    fn path_and_query_holes_are_encoded() {
        let p = path(&t(&[
            ("/items/", false),
            ("id", true),
            ("?q=", false),
            ("q", true),
        ]));
        assert_eq!(
            p.render(|_| "../a b&x=1#".into()),
            "/items/..%2Fa%20b%26x%3D1%23?q=..%2Fa%20b%26x%3D1%23"
        );
        assert_eq!(p.rules().collect::<Vec<_>>(), [("id", Rule::NotDotSegment)]);
    }

    #[test]
    fn json_bodies_get_json_values() {
        let b = body(&t(&[
            ("{\"name\": \"", false),
            ("n", true),
            ("\", \"replicas\": ", false),
            ("r", true),
            ("}", false),
        ]));
        assert!(b.json);
        let out = b.render(|p| {
            if p == "n" {
                "x\", \"admin\": true, \"y\": \"".into()
            } else {
                "3".into()
            }
        });
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["name"], "x\", \"admin\": true, \"y\": \"");
        assert_eq!(v["replicas"], 3);
        assert!(v.get("admin").is_none());
        let out = b.render(|p| {
            if p == "n" {
                "a".into()
            } else {
                "3, \"admin\": true".into()
            }
        });
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["replicas"], "3, \"admin\": true");
    }
}
