//! Tabs: a guide that shows the same step for several systems (MyST's `{tab-set}` with its
//! `{tab-item} Linux`, Docusaurus's `<Tabs>` and `<TabItem label="Linux">`, MkDocs's
//! `=== "Linux"` with the tab's content indented under it, GitBook's and Hugo's
//! `{% tab title="Linux" %}` and `{{< tab header="Linux" >}}`). A reader runs one tab: this
//! machine's (Linux) when a tab is named for it; none when the tabs are named for other
//! systems only; else the first. The blocks of the others are snippets.

use super::{Builder, CodeBlock, SnippetWhy};

/// A set of tabs the guide is in.
#[derive(Debug)]
pub(super) struct Tabs {
    kind: Kind,
    /// The tab a reader of this machine runs, by position, and every tab's label.
    chosen: Option<usize>,
    labels: Vec<String>,
    /// The tab the text is in (None before the first).
    current: Option<usize>,
}

/// How a set of tabs is written, and so how it ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// MyST: `::::{tab-set}`, closed by a fence of as many colons.
    Myst(usize),
    /// Docusaurus: `<Tabs>`, closed by `</Tabs>`.
    Docusaurus,
    /// GitBook's `{% tabs %}` and Hugo's `{{< tabs >}}`/`{{< tabpane >}}`, closed by
    /// `{% endtabs %}`, `{{< /tabs >}}`, `{{< /tabpane >}}`.
    Shortcode,
    /// MkDocs: `=== "Label"` lines at this indentation, each tab's content indented
    /// under it; the set ends at the first other line that is not indented more.
    Indented(usize),
}

/// What a line of the text between blocks says about tabs.
enum Marker<'t> {
    /// A set opens.
    Set(Kind),
    /// A tab opens, with its label (MkDocs: also the set, when none is open there).
    Item(&'t str, Option<usize>),
    /// A set's closing line.
    Close(Kind),
}

fn marker(line: &str) -> Option<Marker<'_>> {
    let indent = line.len() - line.trim_start().len();
    let line = line.trim();
    // Every marker starts so (most lines between blocks are prose).
    if !matches!(line.as_bytes().first(), Some(b'=' | b':' | b'{' | b'<')) {
        return None;
    }
    if let Some(label) = indented_tab(line) {
        return Some(Marker::Item(label, Some(indent)));
    }
    let colons = line.bytes().take_while(|&b| b == b':').count();
    if colons >= 3 {
        let rest = line[colons..].trim();
        return match rest.strip_prefix("{tab-set}") {
            Some(_) => Some(Marker::Set(Kind::Myst(colons))),
            None if rest.is_empty() => Some(Marker::Close(Kind::Myst(colons))),
            None => rest
                .strip_prefix("{tab-item}")
                .map(|label| Marker::Item(label.trim(), None)),
        };
    }
    if let Some(marker) = shortcode(line) {
        return Some(marker);
    }
    if line.starts_with("<Tabs") && !line.starts_with("<TabsContext") {
        return Some(Marker::Set(Kind::Docusaurus));
    }
    if line.starts_with("</Tabs>") {
        return Some(Marker::Close(Kind::Docusaurus));
    }
    line.strip_prefix("<TabItem")
        .map(|attrs| Marker::Item(label_attr(attrs), None))
}

/// GitBook's and Hugo's tab shortcodes: `{% tabs %}`, `{% tab title="Linux" %}`,
/// `{% endtabs %}`; `{{< tabs >}}`, `{{< tab "Linux" >}}` (or `name=`, `header=`,
/// `title=`), `{{< /tabs >}}`, and the same with `{{% %}}` or `tabpane`.
fn shortcode(line: &str) -> Option<Marker<'_>> {
    let (name, attrs) = crate::extract::shortcode(line)?;
    match name {
        "tabs" | "tabpane" => Some(Marker::Set(Kind::Shortcode)),
        "endtabs" | "/tabs" | "/tabpane" => Some(Marker::Close(Kind::Shortcode)),
        "tab" => Some(Marker::Item(
            quoted(attrs, &["title=", "name=", "header=", ""]).unwrap_or(""),
            None,
        )),
        _ => None,
    }
}

/// The first of `keys` (`label=`; `""` for a bare string) with a quoted value in `attrs`,
/// and that value.
fn quoted<'a>(attrs: &'a str, keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|key| {
        let from = attrs.find(&format!("{key}\""))? + key.len() + 1;
        attrs[from..].find('"').map(|to| &attrs[from..from + to])
    })
}

/// The labels a set line gives its tabs: `items="macOS,Linux"`.
fn items_attr(line: &str) -> Option<Vec<String>> {
    let items = quoted(line, &["items="])?;
    Some(items.split(',').map(|l| l.trim().to_string()).collect())
}

/// The label of a MkDocs tab line: `=== "Linux"` (also `===+`, `===!`).
fn indented_tab(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("===")?.trim_start_matches(['+', '!']);
    let quoted = rest.strip_prefix(' ')?.trim().strip_prefix('"')?;
    quoted.strip_suffix('"')
}

/// A Docusaurus tab's `label="…"`, else its `value="…"`.
fn label_attr(attrs: &str) -> &str {
    quoted(attrs, &["label=", "value="]).unwrap_or("")
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

/// The labels of the set whose opening line ends where `text` starts (MkDocs: whose
/// first tab's line starts there).
fn labels(text: &str, kind: Kind) -> Vec<String> {
    let mut labels = Vec::new();
    for line in text.lines() {
        match marker(line) {
            Some(Marker::Item(label, indent)) if indent.map(Kind::Indented).unwrap_or(kind) == kind => {
                labels.push(label.to_string())
            }
            Some(Marker::Close(k)) if k == kind => break,
            _ if ends_indented(kind, line) => break,
            _ => {}
        }
    }
    labels
}

/// Whether `line` ends a MkDocs set: a line that is not blank and not indented under it.
fn ends_indented(kind: Kind, line: &str) -> bool {
    let Kind::Indented(indent) = kind else {
        return false;
    };
    let trimmed = line.trim_start();
    !trimmed.is_empty() && line.len() - trimmed.len() <= indent && indented_tab(trimmed.trim_end()).is_none()
}

impl Builder<'_> {
    /// Reads the tab markers between the last block and `code`; gives the label of the tab
    /// `code` is in when a reader of this machine does not run it.
    pub(super) fn other_tab(&mut self, code: &CodeBlock) -> Option<String> {
        let gap_start = self.gap_from.min(code.span.start);
        self.gap_from = code.span.end;
        let gap = &self.text[gap_start..code.span.start];
        // Outside tabs, only a line with a marker's first character can change anything.
        let bytes = gap.as_bytes();
        let may_mark = self.tabs.is_some()
            || memchr::memchr3(b'=', b':', b'{', bytes)
                .or(memchr::memchr(b'<', bytes))
                .is_some();
        if may_mark {
            let mut at = gap_start;
            for line in gap.split_inclusive('\n') {
                self.tab_marker(line, at);
                at += line.len();
            }
        }
        let tabs = self.tabs.as_ref()?;
        // A block not indented under MkDocs tabs is past them (no line between says so).
        let line_start = self.text[..code.span.start].rfind('\n').map_or(0, |n| n + 1);
        let fence_line = &self.text[line_start..code.span.end.min(self.text.len())];
        if ends_indented(tabs.kind, fence_line) {
            self.tabs = None;
            return None;
        }
        let current = tabs.current?;
        (Some(current) != tabs.chosen).then(|| tabs.labels.get(current).cloned().unwrap_or_default())
    }

    /// Applies one line's marker; `start`: where the line starts in the text.
    fn tab_marker(&mut self, line: &str, start: usize) {
        if self.tabs.as_ref().is_some_and(|t| ends_indented(t.kind, line)) {
            self.tabs = None;
        }
        match marker(line) {
            Some(Marker::Set(kind)) if self.tabs.is_none() => {
                let after = start + line.len();
                self.open_tabs(kind, &self.text[after..], None);
                // Hugo's Hextra names its tabs on the set: `{{< tabs items="macOS,Linux" >}}`.
                if let (Some(tabs), Some(items)) = (self.tabs.as_mut(), items_attr(line))
                    && tabs.labels.iter().all(String::is_empty)
                {
                    tabs.labels = items;
                    tabs.chosen = chosen(&tabs.labels);
                }
            }
            Some(Marker::Item(_, Some(indent)))
                if self
                    .tabs
                    .as_ref()
                    .is_none_or(|t| t.kind != Kind::Indented(indent)) =>
            {
                // A MkDocs tab outside a set of its own opens one (a set of other tabs
                // around it is left: its blocks are this set's).
                self.open_tabs(Kind::Indented(indent), &self.text[start..], Some(0));
            }
            Some(Marker::Item(..)) => {
                if let Some(tabs) = self.tabs.as_mut() {
                    tabs.current = Some(tabs.current.map_or(0, |c| c + 1));
                }
            }
            Some(Marker::Close(kind)) if self.tabs.as_ref().is_some_and(|t| t.kind == kind) => {
                self.tabs = None;
            }
            _ => {}
        }
    }

    fn open_tabs(&mut self, kind: Kind, after: &str, current: Option<usize>) {
        let labels = labels(after, kind);
        self.tabs = Some(Tabs {
            kind,
            chosen: chosen(&labels),
            labels,
            current,
        });
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
        assert!(matches!(
            marker("::::{tab-set}"),
            Some(Marker::Set(Kind::Myst(4)))
        ));
        assert!(matches!(
            marker(":::{tab-item} macOS"),
            Some(Marker::Item("macOS", None))
        ));
        assert!(matches!(marker("::::"), Some(Marker::Close(Kind::Myst(4)))));
        assert!(matches!(
            marker("<Tabs groupId=\"os\">"),
            Some(Marker::Set(Kind::Docusaurus))
        ));
        assert!(matches!(
            marker("<TabItem value=\"mac\" label=\"macOS\">"),
            Some(Marker::Item("macOS", None))
        ));
        assert!(matches!(
            marker("<TabItem value=\"linux\">"),
            Some(Marker::Item("linux", None))
        ));
        assert!(matches!(marker("</Tabs>"), Some(Marker::Close(Kind::Docusaurus))));
        assert!(matches!(
            marker("    ===+ \"Linux\"\n"),
            Some(Marker::Item("Linux", Some(4)))
        ));
        assert!(marker("=== Linux").is_none());
        assert!(marker(":::{note}").is_none());
        assert!(marker("text").is_none());
        let text =
            "::::{tab-item} macOS\nx\n::::\n::::{tab-item} Linux\ny\n::::\n:::::\n::::{tab-item} Later\n";
        assert_eq!(labels(text, Kind::Myst(5)), ["macOS", "Linux"]);
        let text =
            "=== \"macOS\"\n\n    x\n\n    === \"inner\"\n=== \"Linux\"\n    y\nAfter.\n=== \"Later\"\n";
        assert_eq!(labels(text, Kind::Indented(0)), ["macOS", "Linux"]);
        let chosen_of = |labels: &[&str]| chosen(&labels.iter().map(|l| l.to_string()).collect::<Vec<_>>());
        assert_eq!(chosen_of(&["macOS", "Linux"]), Some(1));
        assert_eq!(chosen_of(&["Windows", "macOS"]), None);
        assert_eq!(chosen_of(&["Bash", "Fish"]), Some(0));
    }

    #[test]
    fn gitbook_and_hugo_shortcodes() {
        assert!(matches!(marker("{% tabs %}"), Some(Marker::Set(Kind::Shortcode))));
        assert!(matches!(
            marker("{% tab title=\"macOS\" %}"),
            Some(Marker::Item("macOS", None))
        ));
        assert!(matches!(
            marker("{% endtabs %}"),
            Some(Marker::Close(Kind::Shortcode))
        ));
        assert!(matches!(
            marker("{{< tabpane >}}"),
            Some(Marker::Set(Kind::Shortcode))
        ));
        assert!(matches!(
            marker("{{< tab header=\"Linux\" >}}"),
            Some(Marker::Item("Linux", None))
        ));
        assert!(matches!(
            marker("{{< tab \"Linux\" >}}"),
            Some(Marker::Item("Linux", None))
        ));
        assert!(matches!(
            marker("{{< /tabs >}}"),
            Some(Marker::Close(Kind::Shortcode))
        ));
        assert_eq!(
            items_attr("{{< tabs items=\"macOS, Linux\" >}}"),
            Some(vec!["macOS".to_string(), "Linux".to_string()])
        );
        assert!(marker("{% endtab %}").is_none());
        assert!(marker("{{< note >}}").is_none());
    }
}
