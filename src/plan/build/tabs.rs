//! Tabs: a guide that shows the same step for several systems (MyST's `{tab-set}` with its
//! `{tab-item} Linux`, Docusaurus's `<Tabs>` and `<TabItem label="Linux">`). A reader runs
//! one tab: this machine's (Linux) when a tab is named for it; none when the tabs are
//! named for other systems only; else the first. The blocks of the others are snippets.

use super::{Builder, CodeBlock, SnippetWhy};

/// A set of tabs the guide is in.
#[derive(Debug)]
pub(super) struct Tabs {
    /// MyST: the colons of the set's fence (`::::{tab-set}` closes with `::::`); None for
    /// Docusaurus's `<Tabs>`.
    colons: Option<usize>,
    /// The tab a reader of this machine runs, by position, and every tab's label.
    chosen: Option<usize>,
    labels: Vec<String>,
    /// The tab the text is in (None before the first).
    current: Option<usize>,
}

/// What a line of the text between blocks says about tabs.
enum Marker<'t> {
    /// A set opens (MyST: with this many colons).
    Set(Option<usize>),
    /// A tab opens, with its label.
    Item(&'t str),
    /// A fence of this many colons, or `</Tabs>` (None).
    Close(Option<usize>),
}

fn marker(line: &str) -> Option<Marker<'_>> {
    let line = line.trim();
    let colons = line.bytes().take_while(|&b| b == b':').count();
    if colons >= 3 {
        let rest = line[colons..].trim();
        return match rest.strip_prefix("{tab-set}") {
            Some(_) => Some(Marker::Set(Some(colons))),
            None if rest.is_empty() => Some(Marker::Close(Some(colons))),
            None => rest
                .strip_prefix("{tab-item}")
                .map(|label| Marker::Item(label.trim())),
        };
    }
    if line.starts_with("<Tabs") && !line.starts_with("<TabsContext") {
        return Some(Marker::Set(None));
    }
    if line.starts_with("</Tabs>") {
        return Some(Marker::Close(None));
    }
    line.strip_prefix("<TabItem")
        .map(|attrs| Marker::Item(label_attr(attrs)))
}

/// A Docusaurus tab's `label="…"`, else its `value="…"`.
fn label_attr(attrs: &str) -> &str {
    ["label=\"", "value=\""]
        .iter()
        .find_map(|key| {
            let from = attrs.find(key)? + key.len();
            attrs[from..].find('"').map(|to| &attrs[from..from + to])
        })
        .unwrap_or("")
}

/// The tab a reader on Linux runs: the one named for Linux; none when the tabs are named
/// for other systems only; else the first.
fn chosen(labels: &[String]) -> Option<usize> {
    const SYSTEMS: [&str; 12] = [
        "linux", "ubuntu", "debian", "fedora", "nixos", "windows", "wsl", "macos", "mac os", "os x", "osx",
        "darwin",
    ];
    let lower: Vec<String> = labels.iter().map(|l| l.to_ascii_lowercase()).collect();
    let for_systems = lower
        .iter()
        .any(|l| SYSTEMS.iter().any(|s| l.contains(s)) || l == "mac");
    match lower.iter().position(|l| l.contains("linux")) {
        Some(linux) => Some(linux),
        None if for_systems => None,
        None => Some(0),
    }
}

/// The labels of the set whose opening line ends at `from` in `text`.
fn labels(text: &str, colons: Option<usize>) -> Vec<String> {
    let mut labels = Vec::new();
    for line in text.lines() {
        match marker(line) {
            Some(Marker::Item(label)) => labels.push(label.to_string()),
            Some(Marker::Close(c)) if c == colons => break,
            _ => {}
        }
    }
    labels
}

impl Builder<'_> {
    /// Reads the tab markers between the last block and `code`; gives the label of the tab
    /// `code` is in when a reader of this machine does not run it.
    pub(super) fn other_tab(&mut self, code: &CodeBlock) -> Option<String> {
        let gap_start = self.gap_from.min(code.span.start);
        self.gap_from = code.span.end;
        let gap = &self.text[gap_start..code.span.start];
        let mut at = gap_start;
        for line in gap.split_inclusive('\n') {
            at += line.len();
            self.tab_marker(line, at);
        }
        let tabs = self.tabs.as_ref()?;
        let current = tabs.current?;
        (Some(current) != tabs.chosen).then(|| tabs.labels.get(current).cloned().unwrap_or_default())
    }

    /// Applies one line's marker; `after`: where the line ends in the text.
    fn tab_marker(&mut self, line: &str, after: usize) {
        match marker(line) {
            Some(Marker::Set(colons)) if self.tabs.is_none() => {
                let labels = labels(&self.text[after..], colons);
                let chosen = chosen(&labels);
                self.tabs = Some(Tabs {
                    colons,
                    chosen,
                    labels,
                    current: None,
                });
            }
            Some(Marker::Item(_)) => {
                if let Some(tabs) = self.tabs.as_mut() {
                    tabs.current = Some(tabs.current.map_or(0, |c| c + 1));
                }
            }
            Some(Marker::Close(colons)) if self.tabs.as_ref().is_some_and(|t| t.colons == colons) => {
                self.tabs = None;
            }
            _ => {}
        }
    }

    /// A block in a tab a reader of this machine does not run.
    pub(super) fn other_tab_snippet(&mut self, code: &CodeBlock, label: &str) {
        let chosen = self.tabs.as_ref().and_then(|t| t.labels.get(t.chosen?).cloned());
        let reason = match chosen {
            Some(chosen) => format!("in the tab \"{label}\": a reader runs one tab, here \"{chosen}\""),
            None => format!("in the tab \"{label}\": no tab is for this system (Linux)"),
        };
        self.snippet(code.span, SnippetWhy::OtherTab, reason);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn myst_and_docusaurus_markers() {
        assert!(matches!(marker("::::{tab-set}"), Some(Marker::Set(Some(4)))));
        assert!(matches!(
            marker(":::{tab-item} macOS"),
            Some(Marker::Item("macOS"))
        ));
        assert!(matches!(marker("::::"), Some(Marker::Close(Some(4)))));
        assert!(matches!(marker("<Tabs groupId=\"os\">"), Some(Marker::Set(None))));
        assert!(matches!(
            marker("<TabItem value=\"mac\" label=\"macOS\">"),
            Some(Marker::Item("macOS"))
        ));
        assert!(matches!(
            marker("<TabItem value=\"linux\">"),
            Some(Marker::Item("linux"))
        ));
        assert!(matches!(marker("</Tabs>"), Some(Marker::Close(None))));
        assert!(marker(":::{note}").is_none());
        assert!(marker("text").is_none());
        let text =
            "::::{tab-item} macOS\nx\n::::\n::::{tab-item} Linux\ny\n::::\n:::::\n::::{tab-item} Later\n";
        assert_eq!(labels(text, Some(5)), ["macOS", "Linux"]);
        let chosen_of = |labels: &[&str]| chosen(&labels.iter().map(|l| l.to_string()).collect::<Vec<_>>());
        assert_eq!(chosen_of(&["macOS", "Linux"]), Some(1));
        assert_eq!(chosen_of(&["Windows", "macOS"]), None);
        assert_eq!(chosen_of(&["Bash", "Fish"]), Some(0));
    }
}
