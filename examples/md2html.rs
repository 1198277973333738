//! pulldown-cmark's own HTML render of a Markdown file: the yardstick `benches/run` holds
//! `guidecheck plan` to (reading a guide should cost about what rendering it does).

fn main() -> std::io::Result<()> {
    let path = std::env::args().nth(1).expect("usage: md2html FILE.md");
    let text = std::fs::read_to_string(path)?;
    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&text));
    std::io::Write::write_all(&mut std::io::stdout().lock(), html.as_bytes())
}
