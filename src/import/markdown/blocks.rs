//! The Markdown document as a flat list of blocks in reading order: headings, prose, list
//! items and code blocks. Everything after this works on blocks, never on parser events.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading {
        level: usize,
        text: String,
        anchor: String,
    },
    /// A paragraph, or the text of a list item (`item` says which).
    Prose {
        text: String,
        item: bool,
        /// The bold words an item starts with (`1. **Restart the worker**: ...`).
        lead: Option<String>,
        /// The target of the first link in it.
        link: Option<String>,
    },
    Code {
        /// The fence's info string, lower-cased (`bash`, `console`, empty when unfenced).
        lang: String,
        text: String,
    },
}

/// Front matter fields (`--- ... ---` at the very start) and the document after it.
#[derive(Debug, Default, Clone)]
pub struct FrontMatter {
    pub fields: Vec<(String, String)>,
}

impl FrontMatter {
    pub fn get(&self, keys: &[&str]) -> Option<&str> {
        keys.iter().find_map(|k| {
            self.fields
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.as_str())
                .filter(|v| !v.is_empty())
        })
    }
}

/// Splits YAML front matter off. Only `key: value` lines are read (nested `labels:` entries
/// become `labels.key`); anything else in it is ignored, never an error.
pub fn front_matter(markdown: &str) -> (FrontMatter, &str) {
    let text = markdown.strip_prefix('\u{feff}').unwrap_or(markdown);
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return (FrontMatter::default(), text);
    };
    let mut end = None;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if matches!(line.trim_end(), "---" | "...") {
            end = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((yaml_end, body_start)) = end else {
        return (FrontMatter::default(), text);
    };
    let mut fields = Vec::new();
    let mut parent: Option<String> = None;
    for line in rest[..yaml_end].lines() {
        let indented = line.starts_with([' ', '\t']);
        let Some((key, value)) = line.trim().split_once(':') else {
            continue;
        };
        let key = key.trim().trim_start_matches("- ").to_string();
        let value = unquote(value.trim());
        if indented {
            if let Some(p) = &parent {
                fields.push((format!("{p}.{key}"), value));
            }
        } else {
            parent = value.is_empty().then(|| key.clone());
            fields.push((key, value));
        }
    }
    (FrontMatter { fields }, &rest[body_start..])
}

fn unquote(v: &str) -> String {
    let v = v.split(" #").next().unwrap_or(v).trim();
    for q in ['"', '\''] {
        if let Some(inner) = v.strip_prefix(q).and_then(|s| s.strip_suffix(q)) {
            return inner.to_string();
        }
    }
    v.to_string()
}

/// The blocks of a document body.
pub fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut lead: Option<String> = None;
    let mut bold: Option<String> = None;
    let mut link: Option<String> = None;
    let mut heading: Option<usize> = None;
    let mut code: Option<(String, String)> = None;
    let mut lists = 0usize;
    let mut table = 0usize;
    let flush = |out: &mut Vec<Block>,
                 text: &mut String,
                 lead: &mut Option<String>,
                 link: &mut Option<String>,
                 item: bool| {
        let collapsed = collapse(text);
        // A task-list box (`- [ ] Review the logs`) is not part of the text.
        let collapsed = ["[ ] ", "[x] ", "[X] "]
            .iter()
            .find_map(|b| collapsed.strip_prefix(b))
            .map_or(collapsed.clone(), str::to_string);
        if !collapsed.is_empty() {
            out.push(Block::Prose {
                text: collapsed,
                item,
                lead: lead.take(),
                link: link.take(),
            });
        }
        text.clear();
        *lead = None;
        *link = None;
    };
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES) {
        if let Some((_, body)) = code.as_mut() {
            match event {
                Event::Text(t) => body.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, text) = code.take().unwrap_or_default();
                    out.push(Block::Code { lang, text });
                }
                _ => {}
            }
            continue;
        }
        match event {
            Event::Text(t) if table == 0 => {
                if let Some(b) = bold.as_mut() {
                    b.push_str(&t);
                }
                text.push_str(&t);
            }
            Event::Code(t) if table == 0 => {
                if let Some(b) = bold.as_mut() {
                    b.push_str(&t);
                }
                text.push('`');
                text.push_str(&t);
                text.push('`');
            }
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            Event::Start(Tag::Table(_)) => table += 1,
            Event::End(TagEnd::Table) => table = table.saturating_sub(1),
            Event::Start(Tag::Heading { level, .. }) => {
                flush(&mut out, &mut text, &mut lead, &mut link, lists > 0);
                heading = Some(level_number(level));
            }
            Event::End(TagEnd::Heading(_)) => {
                let level = heading.take().unwrap_or(1);
                let t = collapse(&text);
                text.clear();
                link = None;
                out.push(Block::Heading {
                    level,
                    anchor: crate::export::markdown::slug(&t),
                    text: t,
                });
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                flush(&mut out, &mut text, &mut lead, &mut link, lists > 0);
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                        .next()
                        .unwrap_or_default()
                        .to_lowercase(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Start(Tag::Item) => {
                flush(&mut out, &mut text, &mut lead, &mut link, lists > 0);
            }
            Event::End(TagEnd::Item) | Event::End(TagEnd::Paragraph) => {
                flush(&mut out, &mut text, &mut lead, &mut link, lists > 0);
            }
            Event::Start(Tag::List(_)) => {
                flush(&mut out, &mut text, &mut lead, &mut link, lists > 0);
                lists += 1;
            }
            Event::End(TagEnd::List(_)) => lists = lists.saturating_sub(1),
            Event::Start(Tag::Strong) if text.trim().is_empty() && lists > 0 => {
                bold = Some(String::new());
            }
            Event::End(TagEnd::Strong) => {
                if let Some(b) = bold.take() {
                    lead = Some(collapse(&b).trim_end_matches(':').trim().to_string());
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) if link.is_none() => {
                link = Some(dest_url.to_string());
            }
            _ => {}
        }
    }
    if let Some((lang, text)) = code.take() {
        out.push(Block::Code { lang, text });
    }
    flush(&mut out, &mut text, &mut lead, &mut link, lists > 0);
    out
}

fn level_number(level: HeadingLevel) -> usize {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_fields_and_labels() {
        let (fm, body) = front_matter(
            "---\ntitle: \"Disk full\"\nlabels:\n  team: storage\nweight: 2\n---\n# Disk\n",
        );
        assert_eq!(fm.get(&["title"]), Some("Disk full"));
        assert_eq!(fm.get(&["labels.team"]), Some("storage"));
        assert_eq!(body, "# Disk\n");
    }

    #[test]
    fn items_keep_their_code_in_order() {
        let b =
            blocks("- Look at the pods:\n\n  ```bash\n  kubectl get pods\n  ```\n- **Fix**: it\n");
        assert!(
            matches!(&b[0], Block::Prose { text, item: true, .. } if text == "Look at the pods:")
        );
        assert!(matches!(&b[1], Block::Code { lang, .. } if lang == "bash"));
        assert!(matches!(&b[2], Block::Prose { lead: Some(l), .. } if l == "Fix"));
    }
}
