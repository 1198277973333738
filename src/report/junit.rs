//! `--format junit`: one testsuite per guide, one testcase per step, the diff as the
//! failure text.

use super::{GuideResult, Style, problems_text};
use crate::compare::Status;
use crate::plan::StepKind;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

pub fn render(results: &[GuideResult]) -> String {
    // Every step is reported: a result that kept only its failures has not got them.
    debug_assert!(results.iter().all(|r| !r.thin), "a thin result");
    let mut report = Report::new("guidecheck");
    for result in results {
        let guide = result.plan.guide.display().to_string();
        let mut suite = TestSuite::new(guide.clone());
        suite.set_time(result.duration);
        for ((step, verdict), time) in result
            .plan
            .steps
            .iter()
            .zip(&result.verdicts)
            .zip(&result.timings)
        {
            if matches!(step.kind, StepKind::Snippet { .. }) {
                continue;
            }
            let text = problems_text(verdict, Style::default());
            let mut status = match verdict.status {
                Status::Passed => TestCaseStatus::success(),
                Status::Skipped => TestCaseStatus::skipped(),
                Status::Unverified => {
                    let mut skipped = TestCaseStatus::skipped();
                    skipped.set_message(format!("unverified at {guide}:{}", step.line));
                    skipped
                }
                Status::Failed => TestCaseStatus::non_success(NonSuccessKind::Failure),
                Status::Blocked => TestCaseStatus::non_success(NonSuccessKind::Error),
            };
            if matches!(verdict.status, Status::Failed | Status::Blocked) {
                let what = if verdict.status == Status::Failed {
                    "drift"
                } else {
                    "blocked"
                };
                status.set_message(format!("{what} at {guide}:{}", step.line));
                status.set_type(what);
                status.set_description(text);
            }
            let mut case = TestCase::new(format!("{}: {}", step.line, step.summary()), status);
            case.set_classname(guide.clone());
            if let Some(time) = time {
                case.set_time(*time);
            }
            suite.add_test_case(case);
        }
        report.add_test_suite(suite);
    }
    let xml = report.to_string().expect("a JUnit report serialises");
    // The usual JUnit schema (Jenkins' junit-10.xsd) has no `skipped` on <testsuites>; the
    // per-suite counts keep it.
    ROOT_SKIPPED.replace(&xml, "$1").into_owned()
}

static ROOT_SKIPPED: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r#"(<testsuites [^>]*?) skipped="\d+""#).expect("valid"));
