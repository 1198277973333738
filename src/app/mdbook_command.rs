//! `guidecheck mdbook`: the preprocessor protocol on stdin and stdout.

use super::{Exit, out, print_error};
use crate::cli::{MdbookAction, MdbookArgs};
use crate::mdbook;

/// mdBook's preprocessor protocol: stdout carries only the book's JSON.
#[allow(clippy::print_stderr)]
pub(super) fn mdbook_command(args: &MdbookArgs) -> Exit {
    if let Some(MdbookAction::Supports { .. }) = &args.action {
        return Exit::Passed;
    }
    let mut input = String::new();
    if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut input) {
        eprintln!("error: guidecheck mdbook: cannot read stdin: {e}");
        return Exit::BadInput;
    }
    match mdbook::preprocess(&input) {
        Ok(processed) => {
            for message in &processed.messages {
                eprint!("{message}");
                if !message.ends_with('\n') {
                    eprintln!();
                }
            }
            if processed.failed {
                eprintln!("guidecheck: drift in the book's guides (see above)");
                return Exit::Drift;
            }
            out(&processed.json);
            Exit::Passed
        }
        Err(e) => {
            print_error(&e);
            Exit::BadInput
        }
    }
}
