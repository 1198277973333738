//! Everything guidecheck knows about Nix: how its output varies (normalisation), which shown
//! lines depend on what the store already holds (optional lines), the facts worth keeping
//! (error blocks, hashes), and failures that come from the environment (blocked).

pub mod blocked;
pub mod facts;
pub mod lint;
pub mod normalize;
pub mod optional;
pub mod store;
pub mod syntax;
