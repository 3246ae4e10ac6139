//! JUnit XML of a test run, for CI test reports: one test suite per runbook, one test case per
//! scenario, and under `--require-coverage` one failing case per part no scenario reached.

use super::coverage::Item;
use super::verdict::Verdict;
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use std::collections::BTreeMap;

/// The report; `located` gives an item's `file:line:column`.
pub fn report(
    verdicts: &[Verdict],
    uncovered: &[&Item],
    located: &dyn Fn(&Item) -> String,
) -> Result<String, String> {
    let mut suites: BTreeMap<&str, TestSuite> = BTreeMap::new();
    for v in verdicts {
        let status = if v.passed() {
            TestCaseStatus::success()
        } else {
            let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
            status
                .set_message(v.failures.join("; "))
                .set_type("expectation")
                .set_description(format!(
                    "{}\n\ndecision trace:\n{}",
                    v.failures.join("\n"),
                    v.trace.join("\n")
                ));
            status
        };
        let mut case = TestCase::new(v.scenario.as_str(), status);
        case.set_classname(format!("lrb.{}", v.runbook));
        suite(&mut suites, &v.runbook).add_test_case(case);
    }
    for item in uncovered {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
        status
            .set_message(format!("no scenario reaches {}", item.what))
            .set_type("coverage")
            .set_description(format!("{}: {} is not covered", located(item), item.what));
        let mut case = TestCase::new(format!("coverage: {}", item.what), status);
        case.set_classname(format!("lrb.{}.coverage", item.runbook));
        suite(&mut suites, &item.runbook).add_test_case(case);
    }
    let mut report = Report::new("lrb test");
    report.add_test_suites(suites.into_values());
    report.to_string().map_err(|e| e.to_string())
}

fn suite<'m, 'a>(
    suites: &'m mut BTreeMap<&'a str, TestSuite>,
    runbook: &'a str,
) -> &'m mut TestSuite {
    suites
        .entry(runbook)
        .or_insert_with(|| TestSuite::new(runbook))
}
