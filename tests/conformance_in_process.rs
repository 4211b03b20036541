//! The status table, in process: through `Webhook::handle` and through the
//! webhook's `tower::Service`.

use fusionauth_webhooks::testing::conformance::{Conformance, InProcess};

#[tokio::test]
async fn webhook_handle_passes_the_conformance_suite() {
    let suite = Conformance::new();
    let report = suite.run(&InProcess::handle(suite.webhook())).await;
    println!("{report}");
    report.assert_passed();
}

#[tokio::test]
async fn the_tower_service_passes_the_conformance_suite() {
    let suite = Conformance::new();
    let report = suite.run(&InProcess::service(suite.webhook())).await;
    println!("{report}");
    report.assert_passed();
}

#[tokio::test]
async fn the_suite_can_run_twice_against_one_webhook() {
    let suite = Conformance::new();
    let transport = InProcess::handle(suite.webhook());
    suite.run(&transport).await.assert_passed();
    suite.run(&transport).await.assert_passed();
}
