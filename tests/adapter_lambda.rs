//! fusionauth-webhooks-lambda in a real Lambda runtime emulator: cargo-lambda's
//! (`cargo lambda watch --only-lambda-apis`) serves the Lambda Runtime API
//! and the Function URL; the function is `fusionauth_webhooks_lambda::run` in
//! a process of this test binary, polling that Runtime API as on Lambda.
//!
//! The suite's handlers record in the process that runs them, so the suite
//! runs where the function does: the test starts the emulator, then runs
//! itself again with the Lambda environment variables set (the runtime
//! reads only those), and that second process serves the function and
//! sends the suite through the emulator in every shape.

// Its `adapter_tests!` are for servers that serve the webhook themselves
// (common allows what a test binary leaves unused).
mod common;
mod lambda;

use std::process::Command;
use std::time::Duration;

use lambda::{Emulator, Shape};

/// This test's name, to run it again as the function's process.
const TEST_NAME: &str = "the_conformance_suite_passes_through_the_lambda_emulator";
/// Set in the function's process: the emulator's address.
const EMULATOR_VAR: &str = "FUSIONAUTH_WEBHOOKS_TEST_LAMBDA_EMULATOR";

#[test]
fn the_conformance_suite_passes_through_the_lambda_emulator() {
    if let Ok(emulator) = std::env::var(EMULATOR_VAR) {
        return function_process(&emulator);
    }
    let emulator = Emulator::start();
    let output = Command::new(std::env::current_exe().expect("the test binary's path"))
        .args([TEST_NAME, "--exact", "--nocapture", "--test-threads=1"])
        .envs(emulator.function_environment())
        .env(EMULATOR_VAR, emulator.address().to_string())
        .output()
        .expect("run the function's process");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    println!("{stdout}");
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "the function's process failed ({}):\n{stdout}\n{stderr}\nemulator:\n{}",
        output.status,
        emulator.log()
    );
}

/// Serves the suite's webhook as the Lambda function and sends the suite
/// through the emulator, once per event shape.
fn function_process(emulator: &str) {
    let emulator = emulator.parse().expect("the emulator's address");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        let suite = fusionauth_webhooks::testing::conformance::Conformance::new();
        let function = tokio::spawn(fusionauth_webhooks_lambda::run(suite.webhook()));
        for shape in Shape::ALL {
            let report = suite.run(&shape.transport(emulator)).await;
            println!("== {shape:?}\n{report}");
            let unexpected: Vec<_> = report
                .failures()
                .filter(|(name, _)| !shape.known_failures().contains(name))
                .collect();
            assert!(unexpected.is_empty(), "{shape:?}: {unexpected:#?}");
            assert!(
                !function.is_finished(),
                "the function stopped: {function:?}"
            );
        }
        function.abort();
    });
    // Nothing of the function's may outlive its invocations.
    runtime.shutdown_timeout(Duration::from_secs(1));
}
