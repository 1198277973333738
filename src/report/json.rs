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
                .zip(r.timings.iter().chain(std::iter::repeat(&None)))
                .map(|((step, verdict), time)| {
                    let mut v = serde_json::to_value(step).expect("step serialises");
                    v["seconds"] = time.map_or(Value::Null, |t| json!(t.as_secs_f64()));
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
                "todos": r.plan.todos.iter().map(|t| json!({"line": t.line, "text": t.text})).collect::<Vec<_>>(),
                "snapshot": r.snapshot.as_ref().map(|(path, outcome)| json!({"path": path, "outcome": format!("{outcome:?}")})),
            })
        })
        .collect();
    let doc = json!({
        "guides": guides,
        "totals": {
            "guides": totals.guides, "steps": totals.steps, "passed": totals.passed,
            "failed": totals.failed, "blocked": totals.blocked, "blocked_after": totals.blocked_after, "skipped": totals.skipped,
        },
    });
    serde_json::to_string_pretty(&doc).expect("json") + "\n"
}
