//! The matcher and the normaliser on arbitrary shown and real output.
#![no_main]

use guidecheck::compare::matcher;
use guidecheck::normalize::Normalizer;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str)| {
    let n = Normalizer::default();
    let shown = n.lines(input.0);
    let real = n.lines(input.1);
    let aligned = matcher::align(&shown, &real);
    let found: Vec<usize> = aligned.iter().flatten().copied().collect();
    assert!(found.windows(2).all(|w| w[0] < w[1]));
    let _ = matcher::exact(&shown, &vec![false; shown.len()], &real);
    assert_eq!(n.text(&n.text(input.1)), n.text(input.1));
});
