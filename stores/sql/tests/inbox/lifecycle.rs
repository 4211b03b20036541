//! Handler names, retention, and a database that is down or not migrated.

use super::*;

#[tokio::test]
#[should_panic(expected = "is taken by another handler")]
async fn two_different_handlers_under_one_name_panic() {
    let (pool, _dir) = support::sqlite().await;
    let inbox = Inbox::new(pool, "app");
    let _first = inbox.event_handler("mail", |_: Event, _| Box::pin(async { Ok(()) }));
    let _second = inbox.event_handler("mail", |_: Event, _| Box::pin(async { Ok(()) }));
}

#[tokio::test]
async fn the_same_handler_built_twice_keeps_its_name() {
    let (pool, _dir) = support::sqlite().await;
    let inbox = Inbox::new(pool.clone(), "app");
    let build = || recording(&inbox, Duration::ZERO, |_| Ok(()));
    let (_webhook_router, _) = build();
    let (_worker_router, _) = build();
}

#[tokio::test]
async fn cleanup_forgets_old_rows_and_a_later_duplicate_runs_again() {
    let (pool, _dir) = support::sqlite().await;
    Sqlite::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app").retention(Duration::from_millis(200));
    let (router, runs) = recording(&inbox, Duration::ZERO, |_| Ok(()));
    let client = client(router, None);
    let (old, recent) = (Uuid::new_v4(), Uuid::new_v4());
    assert_eq!(
        deliver(&client, body("user.update", old)).await,
        StatusCode::OK
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        deliver(&client, body("user.update", recent)).await,
        StatusCode::OK
    );
    assert_eq!(inbox.cleanup().await.unwrap(), 1, "the old row only");
    assert!(inbox.contains(recent, "record").await.unwrap());
    assert_eq!(
        deliver(&client, body("user.update", recent)).await,
        StatusCode::OK
    );
    assert_eq!(
        runs.load(Ordering::SeqCst),
        2,
        "the recent duplicate still ran nothing"
    );
    assert_eq!(
        deliver(&client, body("user.update", old)).await,
        StatusCode::OK
    );
    assert_eq!(
        runs.load(Ordering::SeqCst),
        3,
        "past the retention, a duplicate runs again"
    );
}

#[tokio::test]
async fn an_unreachable_database_answers_503_and_runs_nothing() {
    let (pool, _server) = support::postgres().await;
    let inbox = Inbox::new(pool.clone(), "app");
    let (router, runs) = recording(&inbox, Duration::ZERO, |_| Ok(()));
    let client = client(router, None);
    pool.close().await;
    assert_eq!(
        deliver(&client, body("user.update", Uuid::new_v4())).await,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_database_without_the_tables_answers_500() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("bare.db").display());
    let pool = fusionauth_webhooks_sqlx::connect_sqlite(&url)
        .await
        .unwrap();
    let (router, runs) = recording(&Inbox::new(pool, "app"), Duration::ZERO, |_| Ok(()));
    let client = client(router, None);
    assert_eq!(
        deliver(&client, body("user.update", Uuid::new_v4())).await,
        StatusCode::INTERNAL_SERVER_ERROR,
        "migrations not run: a bug to fix, not a moment to wait out"
    );
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}
