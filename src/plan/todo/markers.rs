//! The markers bloggers leave in unfinished sections, read by words: a text that is only a
//! marker ("TBD", "WIP", "*To be written.*", "🚧 Under construction 🚧"), a section or guide
//! said to be one ("This section is a work in progress"), a marker in parentheses
//! ("## Deploying (coming soon)"). (As a regex, these cost most of a millisecond to
//! compile, on every guide whose prose says "not".)

pub(super) const MARKERS: &[&[&str]] = &[
    &["tbd"],
    &["tba"],
    &["wip"],
    &["work", "in", "progress"],
    &["under", "construction"],
    &["coming", "soon"],
    &["to", "be", "written"],
    &["to", "be", "done"],
    &["to", "be", "continued"],
    &["to", "be", "completed"],
    &["to", "be", "added"],
    &["to", "be", "finished"],
    &["not", "written"],
    &["not", "yet", "written"],
];
/// What a section may be said to be besides a marker.
pub(super) const STATES: &[&str] = &["incomplete", "unfinished", "draft", "stub"];
const WHAT: &[&str] = &[
    "section", "part", "chapter", "guide", "page", "step", "tutorial", "post", "article",
];

/// True when `text` is, says or holds one of the markers.
pub fn marked(text: &str) -> bool {
    let words = words(text);
    is_marker(&words) || said(&words) || parenthesised(text)
}

/// Its words, in lower case (letters and digits; the rest separates them).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn is_marker(words: &[String]) -> bool {
    MARKERS
        .iter()
        .any(|m| m.len() == words.len() && m.iter().zip(words).all(|(a, b)| a == b))
}

fn starts_with_marker(words: &[String]) -> bool {
    words.first().is_some_and(|w| STATES.contains(&w.as_str()))
        || MARKERS
            .iter()
            .any(|m| words.len() >= m.len() && m.iter().zip(words).all(|(a, b)| a == b))
}

/// "This section is (still) (a) work in progress", "The guide is incomplete".
fn said(words: &[String]) -> bool {
    words.windows(3).enumerate().any(|(i, w)| {
        if !(matches!(w[0].as_str(), "this" | "the") && WHAT.contains(&w[1].as_str()) && w[2] == "is") {
            return false;
        }
        let mut rest = &words[i + 3..];
        for optional in ["still", "a"] {
            if rest
                .first()
                .is_some_and(|w| w == optional || (optional == "a" && w == "an"))
            {
                rest = &rest[1..];
            }
        }
        starts_with_marker(rest)
    })
}

/// "(coming soon)", "(WIP)", "(draft)".
fn parenthesised(text: &str) -> bool {
    text.split('(').skip(1).any(|after| {
        after.split_once(')').is_some_and(|(inside, _)| {
            let words = words(inside);
            is_marker(&words) || words == ["draft"]
        })
    })
}
