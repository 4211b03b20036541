//! Deliveries through a worker: the acknowledgement is the commit.

use super::*;

crate::on_both!(
    a_worker_acknowledges_in_the_handlers_transaction,
    a_worker_retries_only_the_handler_that_failed,
);

async fn a_worker_acknowledges_in_the_handlers_transaction<DB: Effects>(pool: Pool<DB>) {
    DB::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app");
    let (router, runs) = recording(&inbox, Duration::ZERO, |_| Ok(()));
    let queue = SqlQueue::new(pool.clone());
    let id = Uuid::new_v4();
    queue.push(body("user.update", id)).await.unwrap();
    queue.push(body("user.update", id)).await.unwrap();
    let worker = Worker::new(router, queue.clone());
    assert_eq!(worker.run_once(Duration::from_secs(1)).await.unwrap(), 2);
    assert_eq!(runs.load(Ordering::SeqCst), 1, "the duplicate ran nothing");
    assert_eq!(DB::count(&pool, id, "record").await, 1);
    let left = DB::number(&pool, "SELECT count(*) FROM fusionauth_webhooks_queue").await;
    assert_eq!(left, 0, "both messages acknowledged");
}

async fn a_worker_retries_only_the_handler_that_failed<DB: Effects>(pool: Pool<DB>) {
    DB::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app");
    let (router, _) = recording(&inbox, Duration::ZERO, |_| Ok(()));
    let failures = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&failures);
    let router = router.on_event(
        EventType::UserUpdate,
        inbox.event_handler("flaky", move |event: Event, transaction| {
            let run = counted.fetch_add(1, Ordering::SeqCst);
            Box::pin(async move {
                DB::record(transaction, &event, "flaky").await?;
                if run == 0 {
                    return Err(HandlerError::internal("first run fails"));
                }
                Ok(())
            })
        }),
    );
    let queue = SqlQueue::new(pool.clone());
    let id = Uuid::new_v4();
    queue.push(body("user.update", id)).await.unwrap();
    let worker = Worker::new(router, queue.clone())
        .retry_backoff(Duration::from_millis(10), Duration::from_millis(10));
    let mut handled = 0;
    for _ in 0..100 {
        handled += worker.run_once(Duration::from_millis(50)).await.unwrap();
        if handled == 2 {
            break;
        }
    }
    assert_eq!(handled, 2, "the first attempt, then the retry");
    assert_eq!(
        DB::count(&pool, id, "record").await,
        1,
        "the handler that committed ran once"
    );
    assert_eq!(
        DB::count(&pool, id, "flaky").await,
        1,
        "the failed one ran again, once"
    );
    assert!(
        queue
            .receive(10, Duration::from_millis(50))
            .await
            .unwrap()
            .is_empty()
    );
    assert!(queue.dead_letters().await.unwrap().is_empty());
}

/// A queue whose worker dies before it can acknowledge anything itself.
struct DiesBeforeAcknowledging<Q> {
    queue: Q,
    acks: AtomicUsize,
}

#[async_trait::async_trait]
impl<Q: fusionauth_webhooks::delivery::Queue> fusionauth_webhooks::delivery::Queue
    for DiesBeforeAcknowledging<Q>
{
    async fn push(&self, payload: Bytes) -> Result<MessageId, QueueError> {
        self.queue.push(payload).await
    }

    async fn receive(&self, max: usize, wait: Duration) -> Result<Vec<Message>, QueueError> {
        self.queue.receive(max, wait).await
    }

    async fn ack(&self, _: &Message) -> Result<(), QueueError> {
        self.acks.fetch_add(1, Ordering::SeqCst);
        Err(QueueError::unavailable("the worker died"))
    }

    async fn retry(&self, message: &Message, delay: Duration) -> Result<(), QueueError> {
        self.queue.retry(message, delay).await
    }

    async fn dead_letter(&self, message: &Message, reason: &str) -> Result<(), QueueError> {
        self.queue.dead_letter(message, reason).await
    }
}

#[tokio::test]
async fn the_commit_is_the_acknowledgement_so_a_worker_dying_after_it_leaves_nothing_to_redo() {
    let (pool, _dir) = support::sqlite().await;
    Sqlite::create(&pool).await;
    let inbox = Inbox::new(pool.clone(), "app");
    let (router, runs) = recording(&inbox, Duration::ZERO, |_| Ok(()));
    let queue = SqlQueue::new(pool.clone()).visibility_timeout(Duration::from_millis(100));
    let dying = Arc::new(DiesBeforeAcknowledging {
        queue: queue.clone(),
        acks: AtomicUsize::new(0),
    });
    let id = Uuid::new_v4();
    queue.push(body("user.update", id)).await.unwrap();
    let worker = Worker::new(router, Arc::clone(&dying));
    assert_eq!(worker.run_once(Duration::from_secs(1)).await.unwrap(), 1);
    assert_eq!(
        dying.acks.load(Ordering::SeqCst),
        0,
        "the worker had nothing to acknowledge"
    );
    assert_eq!(Sqlite::count(&pool, id, "record").await, 1);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        queue
            .receive(10, Duration::from_millis(50))
            .await
            .unwrap()
            .is_empty(),
        "no redelivery after the visibility timeout: the message went with the commit"
    );
    assert_eq!(runs.load(Ordering::SeqCst), 1);
}
