//! `--format json`: guides → steps → verdicts, one document.

use super::{GuideResult, Totals};
use serde_json::{Value, json};

pub fn render(results: &[GuideResult], totals: &Totals) -> String {
    let guides: Vec<Value> = results
        .iter()
        .map(|r| {
            let steps: Vec<Value> = r
                .plan
                .steps
                .iter()
                .zip(&r.verdicts)
                .map(|(step, verdict)| {
                    let mut v = serde_json::to_value(step).expect("step serialises");
                    v["status"] = serde_json::to_value(verdict.status).expect("status");
                    v["problems"] = serde_json::to_value(&verdict.problems).expect("problems");
                    v
                })
                .collect();
            json!({
                "guide": r.plan.guide,
                "store": r.store,
                "seconds": r.duration.as_secs_f64(),
                "workspace": r.kept,
                "steps": steps,
            })
        })
        .collect();
    let doc = json!({
        "guides": guides,
        "totals": {
            "guides": totals.guides, "steps": totals.steps, "passed": totals.passed,
            "failed": totals.failed, "blocked": totals.blocked, "skipped": totals.skipped,
        },
    });
    serde_json::to_string_pretty(&doc).expect("json") + "\n"
}
