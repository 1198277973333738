//! pulldown-cmark's parse of a Markdown file with the options guidecheck reads guides with
//! (every extension, with offsets), and nothing after it: the part of `guidecheck plan`
//! that no reader of Markdown can skip. `benches/run` prints it beside the HTML render.

use pulldown_cmark::{Options, Parser};

fn main() -> std::io::Result<()> {
    let path = std::env::args().nth(1).expect("usage: md_parse FILE.md");
    let text = std::fs::read_to_string(path)?;
    let events = Parser::new_ext(&text, Options::all()).into_offset_iter().count();
    std::io::Write::write_all(&mut std::io::stdout(), format!("{events} events\n").as_bytes())
}
