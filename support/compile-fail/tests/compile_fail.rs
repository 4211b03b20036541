//! Each mistake in `tests/ui` fails to compile with a message that names
//! its fix (see the crate docs for how the expected messages are kept).

#[test]
fn mistakes_fail_with_a_message_that_names_the_fix() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
}
