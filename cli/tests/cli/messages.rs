//! What the command says when something is wrong: which party failed, at
//! which address, and every missing setting at once; and what `send` sent.

use std::collections::HashSet;

use serde_json::Value;

use super::{RECEIVER_KEY, json_of, receiver, run, standin};
use fusionauth_standin::API_KEY;

/// An address nothing listens on.
fn closed_port() -> std::net::SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receiver_that_is_down_is_named_with_its_address() {
    let to = format!("http://{}/hook", closed_port());
    let (code, _, stderr) = run(
        &["send", "user.create", "--to", &to, "--key", RECEIVER_KEY],
        &[],
    )
    .await;
    assert_eq!(code, 4, "{stderr}");
    assert!(
        stderr.contains(&format!("could not reach the receiver at {to}")),
        "{stderr}"
    );
    assert!(
        !stderr.contains("fusionauth"),
        "the receiver is to blame: {stderr}"
    );
    assert!(
        stderr.to_lowercase().contains("connection refused"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_fusionauth_is_named_with_its_address() {
    let url = format!("http://{}", closed_port());
    let env = [
        ("FUSIONAUTH_URL", url.as_str()),
        ("FUSIONAUTH_API_KEY", API_KEY),
    ];
    let (code, _, stderr) = run(&["events"], &env).await;
    assert_eq!(code, 4, "{stderr}");
    assert!(
        stderr.contains(&format!("could not reach fusionauth at {url}/api/")),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_url_that_is_not_fusionauth_says_so_with_the_url() {
    // A receiver answers 405 to the API's GETs and 404 nowhere; a bare
    // listener that answers 404 to everything stands for "not FusionAuth".
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buffer = [0; 4096];
            let _ = socket.read(&mut buffer).await;
            let _ = socket
                .write_all(
                    b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                )
                .await;
        }
    });
    let url = format!("http://{address}");
    let env = [
        ("FUSIONAUTH_URL", url.as_str()),
        ("FUSIONAUTH_API_KEY", API_KEY),
    ];
    let (code, _, stderr) = run(&["events"], &env).await;
    assert_eq!(code, 3, "{stderr}");
    assert!(
        stderr.contains(&format!("fusionauth at {url}/ answered 404"))
            && stderr.contains("FUSIONAUTH_URL"),
        "{stderr}"
    );
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_and_doctor_report_every_missing_setting_in_one_run() {
    for command in ["sync", "doctor"] {
        let (code, _, stderr) = run(&[command], &[]).await;
        assert_eq!(code, 2, "{stderr}");
        for setting in [
            "FUSIONAUTH_URL",
            "FUSIONAUTH_API_KEY",
            "FUSIONAUTH_WEBHOOK_URL",
            "--events",
            "FUSIONAUTH_WEBHOOK_API_KEY",
        ] {
            assert!(
                stderr.contains(setting),
                "{command}: {setting} missing from\n{stderr}"
            );
        }
        assert!(stderr.contains("5 missing settings"), "{stderr}");
    }
    // Once FusionAuth is named, only the receiver's settings are left.
    let standin = standin().await;
    let env = [
        ("FUSIONAUTH_URL", standin.url()),
        ("FUSIONAUTH_API_KEY", API_KEY),
    ];
    let (code, _, stderr) = run(&["sync", "--events", "user.nonsense"], &env).await;
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("FUSIONAUTH_WEBHOOK_URL") && stderr.contains("`user.nonsense`"),
        "{stderr}"
    );
    assert!(!stderr.contains("FUSIONAUTH_API_KEY"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_401_from_send_points_at_the_receivers_credentials_and_log() {
    let (address, server, _) = receiver().await;
    let to = format!("http://{address}/");
    let (code, _, stderr) = run(&["send", "user.create", "--to", &to, "--key", "wrong"], &[]).await;
    assert_eq!(code, 1);
    assert!(
        stderr.contains("hint:")
            && stderr.contains("FUSIONAUTH_WEBHOOK_API_KEY")
            && stderr.contains("log"),
        "{stderr}"
    );
    server.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_help_lists_only_what_send_uses() {
    let (code, stdout, _) = run(&["send", "--help"], &[]).await;
    assert_eq!(code, 0);
    for fusionauth_only in [
        "--api-key",
        "--tenant-id",
        "--ca-cert",
        "--url",
        "--timeout",
    ] {
        assert!(
            !stdout.contains(fusionauth_only),
            "{fusionauth_only} in\n{stdout}"
        );
    }
    assert!(
        stdout.contains("--event-id") && stdout.contains("--to"),
        "{stdout}"
    );
    let (_, stdout, _) = run(&["events", "--help"], &[]).await;
    assert!(
        stdout.contains("--api-key") && stdout.contains("--url"),
        "{stdout}"
    );
}

/// `send TYPE` to the receiver as JSON: the status, type, event id and object id.
async fn send(to: &str, event_type: &str, extra: &[&str]) -> Value {
    let mut args = vec!["send", event_type, "--to", to, "--json", "--hmac-secret"];
    args.extend_from_slice(&[super::SECRET, "--kid", super::KID]);
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = run(&args, &[("FUSIONAUTH_WEBHOOK_API_KEY", RECEIVER_KEY)]).await;
    assert_eq!(code, 0, "{stdout}{stderr}");
    json_of(&stdout)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_send_has_a_fresh_event_id_unless_one_is_pinned() {
    let (address, server, bodies) = receiver().await;
    let to = format!("http://{address}/");
    let mut ids = HashSet::new();
    for event_type in [
        "user.create",
        "user.create",
        "user.create.complete",
        "user.delete",
    ] {
        let sent = send(&to, event_type, &[]).await;
        assert_eq!(sent["eventType"], event_type);
        assert!(sent["objectId"].is_string(), "the user's id: {sent}");
        assert!(
            ids.insert(sent["eventId"].as_str().unwrap().to_owned()),
            "{sent}"
        );
    }
    let received: Vec<Value> = bodies
        .lock()
        .unwrap()
        .iter()
        .map(|body| serde_json::from_str(body).unwrap())
        .collect();
    let received_ids: HashSet<String> = received
        .iter()
        .map(|body| body["event"]["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(received_ids, ids, "the ids printed are the ids sent");

    let pinned = "6a3e2f3c-1d52-4b4e-9f69-0a4f41d0c001";
    for _ in 0..2 {
        let sent = send(&to, "user.delete", &["--event-id", pinned]).await;
        assert_eq!(sent["eventId"], pinned);
    }
    let last = bodies.lock().unwrap().last().cloned().unwrap();
    assert!(last.contains(pinned), "{last}");

    // The text output names what was sent.
    let (code, stdout, _) = run(
        &[
            "send",
            "user.delete",
            "--to",
            &to,
            "--hmac-secret",
            super::SECRET,
            "--kid",
            super::KID,
        ],
        &[("FUSIONAUTH_WEBHOOK_API_KEY", RECEIVER_KEY)],
    )
    .await;
    assert_eq!(code, 0);
    let first = stdout.lines().next().unwrap();
    assert!(
        first.starts_with("sent user.delete (event id ") && first.contains(", object "),
        "{first}"
    );
    server.abort();
}
