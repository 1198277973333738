//! Code in a static site generator's highlight tags: Jekyll's `{% highlight bash %}` …
//! `{% endhighlight %}` and Hugo's `{{< highlight bash "linenos=table" >}}` …
//! `{{< /highlight >}}`. CommonMark reads them as paragraphs, so the code would be prose.
//! The parser is given each tag line rewritten as a fence of the same length (```` ```bash ````
//! and spaces), so the code between is a fenced block and every span still points into the
//! guide as written.

use super::relined::{Copy, Fences, lines};

/// The text with each highlight tag line written as a fence, or None when it has none.
/// A pair's fences are as long as both lines allow, so a fence line in the code between
/// (```` ``` ```` in a Markdown sample) stays code.
pub(super) fn as_fences(text: &str) -> Option<String> {
    if !text.contains("highlight") {
        return None;
    }
    // (start, length) of each tag line to rewrite, with the language of an opening one.
    let mut tags: Vec<(usize, usize, Option<&str>)> = Vec::new();
    // A tag shown inside a fenced block (a guide about Jekyll) is that block's text.
    let mut fences = Fences::default();
    let mut open = false;
    for line in lines(text) {
        if !open && fences.hold(&line) {
            continue;
        }
        let lang = match tag(line.body.trim()) {
            Some(Tag::Open(lang)) if !open => Some(lang),
            Some(Tag::Close) if open => None,
            _ => continue,
        };
        // The fence must fit on the line it replaces (a language that would not is left).
        if 3 + lang.map_or(0, str::len) > line.body.len() {
            continue;
        }
        open = !open;
        tags.push((line.start, line.body.len(), lang));
    }
    let mut copy = Copy::new(text);
    let room = |&(_, len, lang): &(usize, usize, Option<&str>)| len - lang.map_or(0, str::len);
    // Tags alternate, opening first: an opening fence and its closing one (if any) are as
    // long as the shorter room of the two allows.
    for pair in tags.chunks(2) {
        let ticks = pair.iter().map(room).min().unwrap_or(3);
        for &(start, len, lang) in pair {
            let fence = format!("{}{}", "`".repeat(ticks), lang.unwrap_or(""));
            let bytes = copy.bytes(start, start + len);
            bytes.fill(b' ');
            bytes[..fence.len()].copy_from_slice(fence.as_bytes());
        }
    }
    copy.finish()
}

enum Tag<'t> {
    Open(&'t str),
    Close,
}

/// A line that is one Liquid or Hugo tag (`{% tabs %}`, `{{< tab "Linux" >}}`,
/// `{{% /tabs %}}`, `{%- endhighlight -%}`): its name and what follows it.
pub fn shortcode(line: &str) -> Option<(&str, &str)> {
    let inner = [("{%", "%}"), ("{{<", ">}}"), ("{{%", "%}}")]
        .iter()
        .find_map(|(open, close)| line.trim().strip_prefix(open)?.strip_suffix(close))?
        .trim();
    let inner = inner.strip_prefix('-').unwrap_or(inner).trim();
    let inner = inner.strip_suffix('-').unwrap_or(inner).trim();
    let (name, rest) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
    (!name.is_empty()).then_some((name, rest.trim()))
}

/// A highlight tag, with the language an opening one names.
fn tag(line: &str) -> Option<Tag<'_>> {
    let (name, rest) = shortcode(line)?;
    match name {
        "endhighlight" | "/highlight" => Some(Tag::Close),
        "highlight" => {
            let lang = rest.split_whitespace().next().unwrap_or("");
            let plain = lang
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+'));
            Some(Tag::Open(if plain { lang } else { "" }))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlight_tags_become_fences_of_the_same_length() {
        let text = "Run:\n\n{% highlight console %}\n$ echo hi\nhi\n{% endhighlight %}\n\n{{< highlight bash \"linenos=table\" >}}\necho two\n{{< /highlight >}}\n";
        let fenced = as_fences(text).unwrap();
        assert_eq!(fenced.len(), text.len());
        let lines: Vec<&str> = fenced.lines().collect();
        assert_eq!(lines[2].trim_end(), format!("{}console", "`".repeat(16)));
        assert_eq!(lines[5].trim_end(), "`".repeat(16));
        assert_eq!(lines[7].trim_end(), format!("{}bash", "`".repeat(18)));
        assert_eq!(lines[9].trim_end(), "`".repeat(18));
        assert_eq!(lines[3], "$ echo hi");
        assert_eq!(as_fences("A highlight of the week.\n"), None);
        assert_eq!(
            as_fences("```liquid\n{% highlight bash %}\n{% endhighlight %}\n```\n"),
            None
        );
        assert_eq!(as_fences("{% raw %}\n"), None);
    }

    #[test]
    fn a_fence_line_in_the_highlighted_code_is_code() {
        let text = "{% highlight markdown %}\n```sh\necho\n```\n{% endhighlight %}\n\nAfter.\n";
        let blocks = super::super::extract(text);
        let code: Vec<_> = blocks
            .iter()
            .filter_map(|b| match b {
                super::super::Block::Code(c) => Some(c.content.as_ref()),
                _ => None,
            })
            .collect();
        assert_eq!(code, ["```sh\necho\n```\n"]);
    }
}
