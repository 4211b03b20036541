//! `events` and `replay`: the event log listed, and failed events delivered
//! again in order to the receiver's webhook.

use super::*;

/// The body FusionAuth sent for event `sequence`, as its log holds it: the
/// sample with its own id, and a number beyond `f64` that only a byte-exact
/// replay keeps.
fn sent_body(sequence: usize, event_type: EventType) -> String {
    let mut body: Value = serde_json::from_slice(&samples::body(event_type)).unwrap();
    let event = body["event"].as_object_mut().unwrap();
    event.remove("id");
    event.remove("tenantId");
    let tenant = if sequence.is_multiple_of(2) {
        TENANT
    } else {
        OTHER_TENANT
    };
    let rest = body["event"].to_string();
    format!(
        r#"{{"event":{{"id":"{}","tenantId":"{tenant}","x-big":123456789012345678901234567890,{}}}"#,
        Uuid::from_u128(0xe000 + sequence as u128),
        &rest[1..]
    )
}

/// A log in FusionAuth's shape, every field of the domain class present,
/// of an event sent to `webhook` (in the tenant `TENANT` when `sequence` is
/// even, else `OTHER_TENANT`).
fn logged(sequence: usize, event_type: EventType, result: &str, webhook: Uuid) -> String {
    let failed = result == "Failed";
    maximal_event_log(
        &sent_body(sequence, event_type),
        json!({
            "id": Uuid::from_u128(0x1000 + sequence as u128), "sequence": sequence,
            "eventResult": result, "insertInstant": 1_750_000_000_000_i64 + sequence as i64,
            "attempts": [{ "attemptResult": if failed { "Failure" } else { "Success" }, "webhookId": webhook,
                           "webhookCallResponse": { "statusCode": if failed { 503 } else { 200 } } }]
        }),
    )
}

/// The receiver's webhook in FusionAuth (its URL is `FUSIONAUTH_WEBHOOK_URL`'s), and another one.
const RECEIVERS_WEBHOOK: Uuid = Uuid::from_u128(0x3eb1);
const OTHER_WEBHOOK: Uuid = Uuid::from_u128(0x3eb2);
const OTHER_TENANT: Uuid = Uuid::from_u128(0x7e4b);

fn insert_webhooks(standin: &StandIn) {
    for (id, url) in [
        (RECEIVERS_WEBHOOK, "https://app.example.com/fusionauth"),
        (OTHER_WEBHOOK, "https://other.example.com/hook"),
    ] {
        standin.insert_webhook(json!({ "id": id, "url": url, "connectTimeout": 1000,
            "readTimeout": 2000, "global": true }));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_lists_the_log_and_replay_redelivers_the_failed_ones() {
    let standin = standin().await;
    insert_webhooks(&standin);
    standin.log_event(logged(
        1,
        EventType::UserCreate,
        "Succeeded",
        RECEIVERS_WEBHOOK,
    ));
    standin.log_event(logged(
        2,
        EventType::UserDelete,
        "Failed",
        RECEIVERS_WEBHOOK,
    ));
    standin.log_event(logged(
        3,
        EventType::UserCreate,
        "Failed",
        RECEIVERS_WEBHOOK,
    ));
    let env = fusionauth_env(&standin, &[]);
    let (code, stdout, _) = run(&["events", "--json"], &env).await;
    assert_eq!(code, 0);
    assert_eq!(json_of(&stdout).as_array().unwrap().len(), 3);
    let (code, stdout, _) = run(&["events", "--failed", "--type", "user.delete"], &env).await;
    assert_eq!(code, 0);
    assert!(
        stdout.contains("#2 ") && stdout.contains("[503]"),
        "{stdout}"
    );
    assert!(stdout.contains("1 event(s)"));

    let (address, server, bodies) = receiver().await;
    let to = format!("http://{address}/");
    let replay = [
        "replay",
        "--failed",
        "--to",
        &to,
        "--hmac-secret",
        SECRET,
        "--kid",
        KID,
        "--json",
    ];
    let (code, stdout, stderr) = run(&replay, &env).await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    let summary = json_of(&stdout);
    assert_eq!(
        (summary["sent"].as_u64(), summary["acknowledged"].as_u64()),
        (Some(2), Some(2))
    );
    let sequences: Vec<&Value> = summary["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["sequence"])
        .collect();
    assert_eq!(sequences, [&json!(2), &json!(3)], "in logged order");
    assert_eq!(
        *bodies.lock().unwrap(),
        [
            sent_body(2, EventType::UserDelete),
            sent_body(3, EventType::UserCreate)
        ],
        "the bodies FusionAuth logged, byte for byte"
    );

    // Without the signature the receiver refuses: counted by status, exit 1.
    let (code, stdout, _) = run(&["replay", "--to", &to], &env).await;
    assert_eq!(code, 1);
    assert!(stdout.contains("refused with 401: 3"), "{stdout}");
    server.abort();
}

/// Runs `replay --to TO --json EXTRA...`; the sequences it delivered.
async fn replayed(to: &str, extra: &[&str], env: &[(&str, &str)]) -> Vec<u64> {
    let mut args = vec!["replay", "--to", to, "--json"];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = run(&args, env).await;
    assert_eq!(code, 0, "{extra:?}: {stdout}{stderr}");
    json_of(&stdout)["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|delivered| delivered["sequence"].as_u64().unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replay_takes_the_receivers_webhook_by_default_and_filters_by_webhook_and_tenant() {
    let standin = standin().await;
    insert_webhooks(&standin);
    for sequence in 1..=6 {
        let webhook = if sequence <= 4 {
            RECEIVERS_WEBHOOK
        } else {
            OTHER_WEBHOOK
        };
        standin.log_event(logged(sequence, EventType::UserDelete, "Failed", webhook));
    }
    let (address, server, _) = receiver().await;
    let to = format!("http://{address}/");
    let env = fusionauth_env(
        &standin,
        &[
            ("FUSIONAUTH_WEBHOOK_HMAC_SECRET", SECRET),
            ("FUSIONAUTH_WEBHOOK_HMAC_KID", KID),
        ],
    );
    // By default: the webhook with the receiver's URL (FUSIONAUTH_WEBHOOK_URL).
    assert_eq!(replayed(&to, &[], &env).await, [1, 2, 3, 4]);
    let other = OTHER_WEBHOOK.to_string();
    assert_eq!(replayed(&to, &["--webhook-id", &other], &env).await, [5, 6]);
    let tenant = OTHER_TENANT.to_string();
    assert_eq!(replayed(&to, &["--tenant", &tenant], &env).await, [1, 3]);
    assert_eq!(
        replayed(&to, &["--all-webhooks"], &env).await,
        [1, 2, 3, 4, 5, 6]
    );

    // Without a webhook to go by, nothing is replayed: the command says what to give.
    let without_url: Vec<(&str, &str)> = env
        .iter()
        .copied()
        .filter(|(name, _)| *name != "FUSIONAUTH_WEBHOOK_URL")
        .collect();
    let (code, _, stderr) = run(&["replay", "--to", &to], &without_url).await;
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("--webhook-id") && stderr.contains("--all-webhooks"),
        "{stderr}"
    );
    server.abort();
}
