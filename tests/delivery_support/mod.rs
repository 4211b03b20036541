//! Shared by the delivery tests and the delivery benchmark: serving a webhook
//! on a real socket, a keep-alive HTTP/1.1 client, and event bodies.

#![allow(dead_code, unreachable_pub)]

use std::net::SocketAddr;

use bytes::Bytes;
use fusionauth_webhooks::Webhook;
use http::{Request, StatusCode};
use http_body_util::{BodyExt as _, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use uuid::Uuid;

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

/// One keep-alive HTTP/1.1 connection to a webhook.
pub struct Connection {
    sender: SendRequest<Full<Bytes>>,
}

impl Connection {
    /// Connects to `address`.
    pub async fn open(address: SocketAddr) -> Connection {
        Connection::try_open(address).await.expect("connect")
    }

    /// Connects to `address`, or says why it could not (a receiver that
    /// died).
    pub async fn try_open(address: SocketAddr) -> std::io::Result<Connection> {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(std::io::Error::other)?;
        tokio::spawn(connection);
        Ok(Connection { sender })
    }

    /// POSTs `body` as FusionAuth does and returns the status.
    pub async fn post(&mut self, body: Bytes) -> StatusCode {
        self.try_post(body).await.expect("response")
    }

    /// POSTs `body` as FusionAuth does: the status, or the error of a
    /// request that got no answer (the connection broke).
    pub async fn try_post(&mut self, body: Bytes) -> Result<StatusCode, hyper::Error> {
        self.sender.ready().await?;
        let request = Request::post("/")
            .header("authorization", API_KEY)
            .header("content-type", "application/json")
            .body(Full::new(body))
            .expect("request");
        let response = self.sender.send_request(request).await?;
        let status = response.status();
        response.into_body().collect().await?;
        Ok(status)
    }
}

/// POSTs `body` on a new connection.
pub async fn post(address: SocketAddr, body: Bytes) -> StatusCode {
    Connection::open(address).await.post(body).await
}

/// A minimal FusionAuth event of `event_type` with the id `id`.
pub fn event(event_type: &str, id: Uuid) -> Bytes {
    Bytes::from(format!(
        r#"{{"event":{{"type":"{event_type}","id":"{id}","createInstant":1749040200000,"tenantId":"9b2e4c61-0d3f-4a8b-b5c7-6e1f2a3b4c5d"}}}}"#
    ))
}
