//! `--format json`: guides → steps → verdicts, one document. Written as it is serialised:
//! only one step's value is built at a time (a document of values held whole took ten
//! times the size of its text). Keys come in alphabetical order, as serde_json's map
//! sorts them.

use super::{GuideResult, Totals};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Value, json};

pub fn render(results: &[GuideResult], totals: &Totals) -> String {
    let mut out = Vec::new();
    write(&mut out, results, totals).expect("json");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// `render`, written to `out` as it is serialised (a long run's document is not held).
pub fn write(out: &mut dyn std::io::Write, results: &[GuideResult], totals: &Totals) -> std::io::Result<()> {
    // Every step is reported: a result that kept only its failures has not got them.
    debug_assert!(results.iter().all(|r| !r.thin), "a thin result");
    let doc = Document { results, totals };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    out.write_all(b"\n")
}

struct Document<'a> {
    results: &'a [GuideResult],
    totals: &'a Totals,
}

struct Guide<'a>(&'a GuideResult);
struct Steps<'a>(&'a GuideResult);

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let t = self.totals;
        let mut doc = serializer.serialize_map(Some(2))?;
        doc.serialize_entry("guides", &self.results.iter().map(Guide).collect::<Vec<_>>())?;
        doc.serialize_entry(
            "totals",
            &json!({
                "guides": t.guides, "steps": t.steps, "passed": t.passed, "failed": t.failed,
                "blocked": t.blocked, "blocked_after": t.blocked_after, "skipped": t.skipped,
            }),
        )?;
        doc.end()
    }
}

impl Serialize for Guide<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let todos: Vec<Value> = r
            .plan
            .todos
            .iter()
            .map(|t| json!({"line": t.line, "text": t.text}))
            .collect();
        let snapshot = r
            .snapshot
            .as_ref()
            .map(|(path, outcome)| json!({"outcome": format!("{outcome:?}"), "path": path}));
        let mut guide = serializer.serialize_map(Some(7))?;
        guide.serialize_entry("guide", &r.plan.guide)?;
        guide.serialize_entry("seconds", &r.duration.as_secs_f64())?;
        guide.serialize_entry("snapshot", &snapshot)?;
        guide.serialize_entry("steps", &Steps(r))?;
        guide.serialize_entry("store", &r.store)?;
        guide.serialize_entry("todos", &todos)?;
        guide.serialize_entry("workspace", &r.kept)?;
        guide.end()
    }
}

impl Serialize for Steps<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = self.0;
        let timings = r.timings.iter().chain(std::iter::repeat(&None));
        serializer.collect_seq(r.plan.steps.iter().zip(&r.verdicts).zip(timings).map(
            |((step, verdict), time)| {
                // A map of the step's own fields, sorted, with the verdict's beside them.
                let mut v = serde_json::to_value(step).expect("step serialises");
                v["seconds"] = time.map_or(Value::Null, |t| json!(t.as_secs_f64()));
                v["status"] = serde_json::to_value(verdict.status).expect("status");
                v["problems"] = serde_json::to_value(&verdict.problems).expect("problems");
                v
            },
        ))
    }
}
