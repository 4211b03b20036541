//! The client against a hostile or broken server on a real socket: huge
//! answers, endless pages, redirects to another origin, and URLs that carry
//! credentials.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use fusionauth_webhooks_client::models::{EventLogSearch, Webhook};
use fusionauth_webhooks_client::receiver::Credentials;
use fusionauth_webhooks_client::workflows::DeliveryTarget;
use fusionauth_webhooks_client::{
    DEFAULT_MAX_EVENT_LOGS, DEFAULT_MAX_RESPONSE_SIZE, Error, FusionAuthClient,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One request as the server saw it: the head's text and the body.
#[derive(Debug, Clone)]
#[allow(dead_code, reason = "the head is read by Debug, in failure messages")]
struct Seen {
    head: String,
    body: Vec<u8>,
}

/// A server on `127.0.0.1` that records each request and answers with what
/// `answer` writes (the whole response, head and body) for it.
async fn server<F>(answer: F) -> (SocketAddr, Arc<Mutex<Vec<Seen>>>)
where
    F: Fn(&Seen) -> Vec<Vec<u8>> + Send + Sync + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("the test server could not bind a port");
    let address = listener.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let record = record.clone();
            let answer = answer.clone();
            tokio::spawn(async move {
                let Some(request) = read_request(&mut stream).await else {
                    return;
                };
                record.lock().unwrap().push(request.clone());
                for chunk in answer(&request) {
                    if stream.write_all(&chunk).await.is_err() {
                        return;
                    }
                }
                let _ = stream.shutdown().await;
            });
        }
    });
    (address, seen)
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<Seen> {
    let mut data = Vec::new();
    let mut buffer = [0; 4096];
    let end = loop {
        if let Some(end) = data.windows(4).position(|window| window == b"\r\n\r\n") {
            break end;
        }
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 {
            return None;
        }
        data.extend_from_slice(&buffer[..read]);
    };
    let head = String::from_utf8_lossy(&data[..end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .unwrap_or(0);
    let mut body = data[end + 4..].to_vec();
    while body.len() < length {
        let read = stream.read(&mut buffer).await.ok()?;
        if read == 0 {
            break;
        }
        body.extend_from_slice(&buffer[..read]);
    }
    Some(Seen { head, body })
}

fn response(status: &str, headers: &[(&str, String)], body: &[u8]) -> Vec<u8> {
    let mut text = format!(
        "HTTP/1.1 {status}\r\nconnection: close\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    let mut bytes = text.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

#[tokio::test]
async fn an_answer_over_the_size_limit_is_refused_without_being_buffered() {
    // A valid answer, 64 MiB of it: `{"webhooks":[],"padding":"xxxx..."}`.
    const SIZE: usize = 64 * 1024 * 1024;
    let (address, _) = server(|_| {
        let prefix = br#"{"webhooks":[],"padding":""#;
        let head = format!(
            "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {SIZE}\r\n\r\n"
        );
        let mut chunks = vec![head.into_bytes(), prefix.to_vec()];
        let filler = SIZE - prefix.len() - 2;
        chunks.extend((0..filler / (1 << 20)).map(|_| vec![b'x'; 1 << 20]));
        chunks.push(vec![b'x'; filler % (1 << 20)]);
        chunks.push(b"\"}".to_vec());
        chunks
    })
    .await;
    let client = FusionAuthClient::new(format!("http://{address}"), "key").unwrap();
    let error = client.retrieve_webhooks().await.unwrap_err();
    assert_eq!(
        error,
        Error::ResponseTooLarge {
            limit: DEFAULT_MAX_RESPONSE_SIZE
        }
    );
    assert!(error.to_string().contains("larger than"), "{error}");
}

#[tokio::test]
async fn an_answer_without_a_length_is_cut_at_the_configured_limit() {
    // Chunked, 2 KiB of valid JSON, against a limit of 1 KiB.
    let (address, _) = server(|_| {
        let body = format!(r#"{{"webhooks":[],"padding":"{}"}}"#, "x".repeat(2048));
        let head = "HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
        vec![head.as_bytes().to_vec(), format!("{:x}\r\n{body}\r\n0\r\n\r\n", body.len()).into_bytes()]
    })
    .await;
    let client = FusionAuthClient::builder(format!("http://{address}"))
        .api_key("key")
        .max_response_size(1024)
        .build()
        .unwrap();
    assert_eq!(
        client.retrieve_webhooks().await,
        Err(Error::ResponseTooLarge { limit: 1024 })
    );
    let roomy = FusionAuthClient::builder(format!("http://{address}"))
        .api_key("key")
        .max_response_size(4096)
        .build()
        .unwrap();
    assert_eq!(roomy.retrieve_webhooks().await, Ok(Vec::new()));
}

/// A server whose every event-log page is full (as many logs as asked for), claiming `total`.
async fn endless_pages(total: Option<u64>) -> (SocketAddr, Arc<Mutex<Vec<Seen>>>) {
    server(move |request| {
        let search: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        let rows = search["search"]["numberOfResults"].as_u64().unwrap_or(25);
        let logs: Vec<String> = (0..rows)
            .map(|n| {
                format!(
                    r#"{{"id":"{}","sequence":{n}}}"#,
                    uuid::Uuid::from_u128(n.into())
                )
            })
            .collect();
        let total = total
            .map(|total| format!(r#","total":{total}"#))
            .unwrap_or_default();
        let body = format!(r#"{{"webhookEventLogs":[{}]{total}}}"#, logs.join(","));
        vec![response(
            "200 OK",
            &[("content-type", "application/json".into())],
            body.as_bytes(),
        )]
    })
    .await
}

async fn search_all(address: SocketAddr, limit: Option<usize>) -> Result<usize, Error> {
    let client = FusionAuthClient::new(format!("http://{address}"), "key").unwrap();
    tokio::time::timeout(
        Duration::from_secs(20),
        client.search_event_logs_all(&EventLogSearch::default(), limit),
    )
    .await
    .expect("the search ends")
    .map(|logs| logs.len())
}

#[tokio::test]
async fn the_event_log_search_ends_at_a_maximum_whatever_total_a_server_claims() {
    // A total beyond the maximum: refused on the first page.
    let (address, seen) = endless_pages(Some(1_000_000_000)).await;
    let error = search_all(address, None).await.unwrap_err();
    assert_eq!(
        error,
        Error::TooManyResults {
            maximum: DEFAULT_MAX_EVENT_LOGS
        }
    );
    assert!(error.to_string().contains("maximum"), "{error}");
    assert_eq!(seen.lock().unwrap().len(), 1);

    // No total and pages without end: refused at the maximum.
    let (address, seen) = endless_pages(None).await;
    assert_eq!(
        search_all(address, None).await,
        Err(Error::TooManyResults {
            maximum: DEFAULT_MAX_EVENT_LOGS
        })
    );
    assert_eq!(seen.lock().unwrap().len(), DEFAULT_MAX_EVENT_LOGS / 100);

    // A limit stops there; a total stops there.
    let (address, seen) = endless_pages(None).await;
    assert_eq!(search_all(address, Some(250)).await, Ok(250));
    assert_eq!(seen.lock().unwrap().len(), 3);
    let (address, _) = endless_pages(Some(430)).await;
    assert_eq!(search_all(address, None).await, Ok(430));
}

/// A server that redirects every request with `status` to `to`.
async fn redirecting(status: &'static str, to: String) -> SocketAddr {
    server(move |_| vec![response(status, &[("location", to.clone())], b"")])
        .await
        .0
}

#[tokio::test]
async fn the_client_follows_no_redirect_to_another_origin() {
    let (elsewhere, seen) = server(|_| vec![response("200 OK", &[], b"{}")]).await;
    for status in [
        "307 Temporary Redirect",
        "308 Permanent Redirect",
        "302 Found",
    ] {
        let address = redirecting(status, format!("http://{elsewhere}/api/webhook")).await;
        let client = FusionAuthClient::new(format!("http://{address}"), "the-api-key").unwrap();
        let mut webhook = Webhook::new("https://app.example.com/hook");
        webhook.http_authentication_password = Some("webhook-password".into());
        let error = client.create_webhook(None, &webhook).await.unwrap_err();
        assert!(error.to_string().contains("redirect"), "{status}: {error}");
    }
    assert!(
        seen.lock().unwrap().is_empty(),
        "nothing reached the other origin: {:?}",
        seen.lock().unwrap()
    );
}

#[tokio::test]
async fn a_delivery_follows_no_redirect_to_another_origin() {
    let (elsewhere, seen) = server(|_| vec![response("200 OK", &[], b"")]).await;
    let address = redirecting("307 Temporary Redirect", format!("http://{elsewhere}/")).await;
    let mut credentials = Credentials::default();
    credentials.headers = vec![("X-Gateway-Key".into(), "gateway-secret".into())];
    let target = DeliveryTarget::new(&format!("http://{address}/"))
        .unwrap()
        .credentials(credentials)
        .unwrap();
    let outcome = target
        .send(br#"{"event":{"type":"user.delete"}}"#.to_vec())
        .await;
    assert!(
        seen.lock().unwrap().is_empty(),
        "the event and its credentials reached the other origin: {:?}",
        seen.lock().unwrap()
    );
    let error = outcome.expect_err("a redirect to another origin is an error");
    assert!(error.to_string().contains("redirect"), "{error}");
}

#[test]
fn a_url_with_credentials_is_refused_without_showing_them() {
    use fusionauth_webhooks_client::ClientConfigError;
    for url in [
        "https://admin:s3cr3t-pass@auth.example.com",
        "ftp://admin:s3cr3t-pass@auth.example.com",
        "admin:s3cr3t-pass@auth.example.com",
    ] {
        let error = FusionAuthClient::new(url, "key").unwrap_err();
        assert!(
            matches!(error, ClientConfigError::InvalidUrl { .. }),
            "{error:?}"
        );
        assert!(!error.to_string().contains("s3cr3t-pass"), "{error}");
        assert!(!format!("{error:?}").contains("s3cr3t-pass"), "{error:?}");
        let builder = FusionAuthClient::builder(url).api_key("key");
        assert!(
            !format!("{builder:?}").contains("s3cr3t-pass"),
            "{builder:?}"
        );
        let error = DeliveryTarget::new(url).unwrap_err();
        assert!(!error.to_string().contains("s3cr3t-pass"), "{error}");
    }
    let error =
        FusionAuthClient::new("https://admin:s3cr3t-pass@auth.example.com", "key").unwrap_err();
    assert_eq!(
        error.to_string(),
        "the url https://[credentials]@auth.example.com cannot be used: it holds credentials \
         (user:password@), which are not sent: give them on their own"
    );
}

#[test]
fn a_header_http_cannot_carry_is_refused_when_the_target_is_made_without_showing_its_value() {
    use fusionauth_webhooks_client::ClientConfigError;
    let mut credentials = Credentials::default();
    credentials.headers = vec![("X-Gateway-Key".into(), "s3cr3t\nInjected: 1".into())];
    let error = DeliveryTarget::new("http://127.0.0.1:1/")
        .unwrap()
        .credentials(credentials)
        .unwrap_err();
    assert!(
        matches!(&error, ClientConfigError::InvalidHeader { name, .. } if name == "X-Gateway-Key")
    );
    assert!(!error.to_string().contains("s3cr3t"), "{error}");
}
