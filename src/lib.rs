//! guidecheck: keeps Nix and shell tutorials true by running them.
//!
//! Markdown → [`extract`] → [`plan`] → [`run`] → [`compare`] → [`report`].
//! See ARCHITECTURE.md for the module map and its invariants.

pub mod ahead;
pub mod app;
pub mod cleanup;
pub mod cli;
pub mod compare;
pub mod config;
pub mod error;
pub mod extract;
pub mod failure;
pub mod guide;
pub mod lint;
pub mod mdbook;
pub mod nix;
pub mod normalize;
pub mod pipeline;
pub mod plan;
pub mod progress;
#[cfg(test)]
mod properties;
pub mod report;
pub mod rewrite;
pub mod run;
pub mod snapshot;
pub mod span;
