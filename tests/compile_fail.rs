//! Mistakes in a row of the endpoint table fail to compile, with a message that
//! names the row and the mistake (each case's expected message is in the `.stderr`
//! file next to it; `TRYBUILD=overwrite` rewrites them after a deliberate change).

#[test]
fn mistakes_in_a_row_fail_to_compile() {
    trybuild::TestCases::new().compile_fail("tests/compile_fail/*.rs");
}
