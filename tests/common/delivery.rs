//! What the delivery tests and the delivery benchmark share: a webhook
//! served on a real socket, posts as FusionAuth sends them, event bodies.

use std::io;
use std::net::SocketAddr;

use bytes::Bytes;
use fusionauth_webhooks::Webhook;
use http::{Request, StatusCode};
use tokio::net::TcpListener;
use uuid::Uuid;

use super::client::Connection;

/// The API key every delivery test webhook requires.
pub const API_KEY: &str = "delivery-test-key-3c9e1f0a7b2d4e6f";

/// Serves `webhook` with the hyper adapter on a free loopback port, in a
/// background task, and returns its address.
pub async fn serve(webhook: Webhook) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(fusionauth_webhooks_hyper::serve(listener, webhook));
    address
}

/// POSTs `body` as FusionAuth does (the delivery API key, JSON) on
/// `connection`: the status, or the error of a request that got no answer
/// (the connection broke).
pub async fn try_post(connection: &mut Connection, body: Bytes) -> io::Result<StatusCode> {
    let request = Request::post("/")
        .header("authorization", API_KEY)
        .header("content-type", "application/json")
        .body(body)
        .expect("request");
    Ok(connection.send(request).await?.status)
}

/// [`try_post`], for a receiver that must answer.
pub async fn post(connection: &mut Connection, body: Bytes) -> StatusCode {
    try_post(connection, body).await.expect("response")
}

/// POSTs `body` on a new connection.
pub async fn post_once(address: SocketAddr, body: Bytes) -> StatusCode {
    let mut connection = Connection::open(address).await.expect("connect");
    post(&mut connection, body).await
}

/// A minimal FusionAuth event of `event_type` with the id `id`.
pub fn event(event_type: &str, id: Uuid) -> Bytes {
    Bytes::from(format!(
        r#"{{"event":{{"type":"{event_type}","id":"{id}","createInstant":1749040200000,"tenantId":"9b2e4c61-0d3f-4a8b-b5c7-6e1f2a3b4c5d"}}}}"#
    ))
}
