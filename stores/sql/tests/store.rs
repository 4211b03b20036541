//! The deduplication store contract on SQLite and on a real PostgreSQL.

mod support;

on_both!(
    the_dedup_store_contract_holds,
    two_namespaces_on_one_database_keep_apart,
);

use std::time::Duration;

use fusionauth_webhooks::delivery::{Claim, DedupStore};
use fusionauth_webhooks_sqlx::{Backend, SqlStore};
use uuid::Uuid;

async fn the_dedup_store_contract_holds<DB: Backend>(pool: sqlx::Pool<DB>) {
    fusionauth_webhooks::testing::dedup_store_suite(&SqlStore::new(pool, "app")).await;
}

/// Two apps on one database: the same event id is new to each.
async fn two_namespaces_on_one_database_keep_apart<DB: Backend>(pool: sqlx::Pool<DB>) {
    let (mine, theirs) = (
        SqlStore::new(pool.clone(), "mine"),
        SqlStore::new(pool, "theirs"),
    );
    let id = Uuid::new_v4();
    let long = Duration::from_secs(60);
    let Claim::Claimed(token) = mine.claim(id, long).await.unwrap() else {
        panic!("a fresh id is claimable")
    };
    assert!(mine.complete(id, &token, long).await.unwrap());
    assert_eq!(mine.claim(id, long).await.unwrap(), Claim::Done);
    assert!(
        matches!(theirs.claim(id, long).await.unwrap(), Claim::Claimed(_)),
        "another namespace's done mark is not ours"
    );
}

#[tokio::test]
async fn cleanup_deletes_expired_claims_and_marks_only() {
    let (pool, _dir) = support::sqlite().await;
    let store = SqlStore::new(pool.clone(), "app");
    let (short, long) = (Duration::from_millis(50), Duration::from_secs(60));
    let (expiring, done_briefly, running, done) = (
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
    );
    store.claim(expiring, short).await.unwrap();
    store.claim(running, long).await.unwrap();
    for (id, retention) in [(done_briefly, short), (done, long)] {
        let Claim::Claimed(token) = store.claim(id, long).await.unwrap() else {
            panic!("claimable")
        };
        assert!(store.complete(id, &token, retention).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(120)).await;
    assert_eq!(
        store.cleanup().await.unwrap(),
        2,
        "the expired claim and mark"
    );
    let (left,): (i64,) = sqlx::query_as("SELECT count(*) FROM fusionauth_webhooks_claims")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 2);
    assert_eq!(store.claim(running, long).await.unwrap(), Claim::InProgress);
    assert_eq!(store.claim(done, long).await.unwrap(), Claim::Done);
}
