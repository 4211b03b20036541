//! Deliveries through a webhook: commits, rollbacks, duplicates, lock waits.

use super::*;

crate::on_both!(
    a_first_delivery_commits_and_a_duplicate_runs_nothing,
    a_failing_handler_rolls_back_and_the_retry_runs_it,
    a_veto_rolls_back_and_answers_its_status,
    concurrent_duplicates_run_once_and_all_wait_for_the_commit,
    a_duplicate_waiting_on_a_first_delivery_that_rolls_back_runs_it,
    a_lock_wait_past_the_handler_deadline_answers_503,
    two_handlers_of_one_event_keep_a_row_each,
    two_namespaces_do_not_skip_each_others_events,
    an_event_without_an_id_runs_in_a_transaction_without_a_row,
);

async fn a_first_delivery_commits_and_a_duplicate_runs_nothing<DB: Effects>(pool: Pool<DB>) {
    DB::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app");
    let (router, runs) = recording(&inbox, Duration::ZERO, |_| Ok(()));
    let client = client(router, None);
    let id = Uuid::new_v4();
    assert_eq!(
        deliver(&client, body("user.update", id)).await,
        StatusCode::OK
    );
    assert!(
        inbox.contains(id, "record").await.unwrap(),
        "the row committed"
    );
    assert_eq!(DB::count(&pool, id, "record").await, 1, "with the effect");
    for _ in 0..3 {
        assert_eq!(
            deliver(&client, body("user.update", id)).await,
            StatusCode::OK
        );
    }
    assert_eq!(runs.load(Ordering::SeqCst), 1, "duplicates ran nothing");
    assert_eq!(DB::count(&pool, id, "record").await, 1);
}

async fn a_failing_handler_rolls_back_and_the_retry_runs_it<DB: Effects>(pool: Pool<DB>) {
    DB::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app");
    let (router, runs) = recording(&inbox, Duration::ZERO, |run| {
        if run == 1 {
            Err(HandlerError::internal("the mail server is down"))
        } else {
            Ok(())
        }
    });
    let client = client(router, None);
    let id = Uuid::new_v4();
    assert_eq!(
        deliver(&client, body("user.update", id)).await,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert!(!inbox.contains(id, "record").await.unwrap(), "no row");
    assert_eq!(DB::count(&pool, id, "record").await, 0, "no effect");
    assert_eq!(
        deliver(&client, body("user.update", id)).await,
        StatusCode::OK
    );
    assert_eq!(runs.load(Ordering::SeqCst), 2, "FusionAuth's retry ran it");
    assert_eq!(DB::count(&pool, id, "record").await, 1);
}

async fn a_veto_rolls_back_and_answers_its_status<DB: Effects>(pool: Pool<DB>) {
    DB::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app");
    let (router, runs) = recording(&inbox, Duration::ZERO, |_| {
        Err(HandlerError::reject("[notAllowed]"))
    });
    let client = client(router, None);
    let id = Uuid::new_v4();
    let response = client
        .send(
            TestRequest::body(body("user.update", id))
                .api_key(KEY)
                .build(),
        )
        .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(response.error_code().as_deref(), Some("[notAllowed]"));
    assert_eq!(DB::count(&pool, id, "record").await, 0, "no effect");
    assert!(!inbox.contains(id, "record").await.unwrap(), "no row");
    assert_eq!(
        deliver(&client, body("user.update", id)).await,
        StatusCode::BAD_REQUEST,
        "a retry is judged again"
    );
    assert_eq!(runs.load(Ordering::SeqCst), 2);
}

async fn concurrent_duplicates_run_once_and_all_wait_for_the_commit<DB: Effects>(pool: Pool<DB>) {
    DB::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app");
    let (router, runs) = recording(&inbox, Duration::from_millis(200), |_| Ok(()));
    let client = client(router, None);
    let id = Uuid::new_v4();
    let statuses = join_all((0..8).map(|_| deliver(&client, body("user.update", id)))).await;
    assert!(
        statuses.iter().all(|status| *status == StatusCode::OK),
        "{statuses:?}"
    );
    assert_eq!(
        runs.load(Ordering::SeqCst),
        1,
        "one ran, seven waited and found its row"
    );
    assert_eq!(DB::count(&pool, id, "record").await, 1);
}

async fn a_duplicate_waiting_on_a_first_delivery_that_rolls_back_runs_it<DB: Effects>(
    pool: Pool<DB>,
) {
    DB::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app");
    let (router, runs) = recording(&inbox, Duration::from_millis(300), |run| {
        if run == 1 {
            Err(HandlerError::retry_later())
        } else {
            Ok(())
        }
    });
    let client = client(router, None);
    let id = Uuid::new_v4();
    let first = deliver(&client, body("user.update", id));
    let second = async {
        // Starts while the first holds its transaction.
        tokio::time::sleep(Duration::from_millis(100)).await;
        deliver(&client, body("user.update", id)).await
    };
    let (first, second) = tokio::join!(first, second);
    assert_eq!(first, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(second, StatusCode::OK, "it waited, then ran");
    assert_eq!(runs.load(Ordering::SeqCst), 2);
    assert_eq!(
        DB::count(&pool, id, "record").await,
        1,
        "the rolled-back effect is gone"
    );
}

async fn a_lock_wait_past_the_handler_deadline_answers_503<DB: Effects>(pool: Pool<DB>) {
    DB::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app");
    let (slow, _) = recording(&inbox, Duration::from_millis(1500), |_| Ok(()));
    let (router, runs) = recording(&inbox, Duration::ZERO, |_| Ok(()));
    let (slow, waiting) = (
        client(slow, None),
        client(router, Some(Duration::from_millis(200))),
    );
    let id = Uuid::new_v4();
    let first = deliver(&slow, body("user.update", id));
    let second = async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let started = std::time::Instant::now();
        let status = deliver(&waiting, body("user.update", id)).await;
        (status, started.elapsed())
    };
    let (first, (second, waited)) = tokio::join!(first, second);
    assert_eq!(first, StatusCode::OK);
    assert_eq!(
        second,
        StatusCode::SERVICE_UNAVAILABLE,
        "not after the first's commit"
    );
    assert!(
        waited < Duration::from_millis(1000),
        "answered at its deadline: {waited:?}"
    );
    // FusionAuth's retry, once the first committed: a duplicate.
    assert_eq!(
        deliver(&waiting, body("user.update", id)).await,
        StatusCode::OK
    );
    assert_eq!(
        runs.load(Ordering::SeqCst),
        0,
        "the waiting handler never ran"
    );
    assert_eq!(DB::count(&pool, id, "record").await, 1);
}

async fn two_handlers_of_one_event_keep_a_row_each<DB: Effects>(pool: Pool<DB>) {
    DB::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app");
    let failures = Arc::new(AtomicUsize::new(1));
    let fails_once = Arc::clone(&failures);
    let router = Router::new()
        .on_event(
            EventType::UserUpdate,
            inbox.event_handler("welcome-email", |event: Event, transaction| {
                Box::pin(async move { DB::record(transaction, &event, "welcome-email").await })
            }),
        )
        .on_with_event(
            inbox.handler("crm-sync", move |update: UserUpdate, transaction| {
                let fail = fails_once
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                        left.checked_sub(1)
                    })
                    .is_ok();
                Box::pin(async move {
                    let event =
                        Event::parse(body("user.update", update.envelope.id.unwrap())).unwrap();
                    DB::record(transaction, &event, "crm-sync").await?;
                    if fail {
                        return Err(HandlerError::retry_later());
                    }
                    Ok(())
                })
            }),
        );
    let client = client(router, None);
    let id = Uuid::new_v4();
    assert_eq!(
        deliver(&client, body("user.update", id)).await,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert!(inbox.contains(id, "welcome-email").await.unwrap());
    assert!(!inbox.contains(id, "crm-sync").await.unwrap());
    assert_eq!(
        deliver(&client, body("user.update", id)).await,
        StatusCode::OK
    );
    assert_eq!(
        DB::count(&pool, id, "welcome-email").await,
        1,
        "not sent twice"
    );
    assert_eq!(DB::count(&pool, id, "crm-sync").await, 1, "not skipped");
    assert_eq!(failures.load(Ordering::SeqCst), 0);
}

async fn two_namespaces_do_not_skip_each_others_events<DB: Effects>(pool: Pool<DB>) {
    DB::create(&pool).await;
    let id = Uuid::new_v4();
    for namespace in ["billing-app", "todo-app"] {
        let (router, runs) =
            recording(&Inbox::new(pool.clone(), namespace), Duration::ZERO, |_| {
                Ok(())
            });
        let client = client(router, None);
        assert_eq!(
            deliver(&client, body("user.update", id)).await,
            StatusCode::OK
        );
        assert_eq!(runs.load(Ordering::SeqCst), 1, "new to {namespace}");
    }
    assert_eq!(
        DB::count(&pool, id, "record").await,
        2,
        "one effect per app"
    );
}

async fn an_event_without_an_id_runs_in_a_transaction_without_a_row<DB: Effects>(pool: Pool<DB>) {
    DB::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app");
    let (router, runs) = recording(&inbox, Duration::ZERO, |run| {
        if run == 1 {
            Err(HandlerError::internal("rolled back"))
        } else {
            Ok(())
        }
    });
    let client = client(router, None);
    let without_id = Bytes::from_static(br#"{"event":{"type":"user.update"}}"#);
    assert_eq!(
        deliver(&client, without_id.clone()).await,
        StatusCode::INTERNAL_SERVER_ERROR
    );
    for _ in 0..2 {
        assert_eq!(deliver(&client, without_id.clone()).await, StatusCode::OK);
    }
    assert_eq!(
        runs.load(Ordering::SeqCst),
        3,
        "no row: every delivery runs"
    );
    let effects = DB::number(&pool, "SELECT count(*) FROM effects WHERE event_id IS NULL").await;
    let rows = DB::number(&pool, "SELECT count(*) FROM fusionauth_webhooks_inbox").await;
    assert_eq!(
        (effects, rows),
        (2, 0),
        "the failed run rolled back; no rows"
    );
}
