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
