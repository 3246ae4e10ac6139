//! The typed AST of every runbook, spans included, as YAML snapshots.

use lrb::source::FileId;

#[test]
fn typed_ast_of_each_runbook() {
    insta::glob!("../../runbooks", "*.rb", |path| {
        if lrb::scenario::is_scenario_file(path) {
            return; // scenario files have their own tests
        }
        let text = std::fs::read_to_string(path).expect("runbooks are UTF-8");
        let (ast, diagnostics) = lrb::syntax::parse(&text, FileId(0));
        assert!(
            diagnostics.is_empty(),
            "{path:?} has parse diagnostics: {diagnostics:?}"
        );
        insta::assert_yaml_snapshot!(ast.expect("every runbook parses"));
    });
}

/// `lrb check` frees each file's tree once its plan is built; an editor keeps them. Either way
/// the findings and the plan are the same.
#[test]
fn trees_are_freed_unless_kept_and_the_result_is_the_same() {
    let files: Vec<(std::path::PathBuf, Vec<u8>)> = std::fs::read_dir("runbooks")
        .expect("runbooks/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "rb"))
        .map(|p| (p.clone(), std::fs::read(&p).expect("readable")))
        .collect();
    let freed = lrb::load::from_bytes(files.clone());
    let kept = lrb::load::from_bytes_keeping_trees(files.clone());
    assert!(freed.asts.is_empty());
    assert_eq!(kept.asts.len(), files.len());
    assert!(kept.asts.iter().all(Option::is_some));
    assert_eq!(
        format!("{:?}", freed.checked.diagnostics),
        format!("{:?}", kept.checked.diagnostics)
    );
    assert_eq!(freed.checked.plan, kept.checked.plan);
    assert!(
        freed.checked.plan.is_some(),
        "the shipped runbooks check clean"
    );
}
