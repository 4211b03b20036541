//! The accept loop: one task per connection, with the limits that keep slow,
//! idle or numerous clients from holding the server.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::WebhookService;

/// The default of [`Server::header_read_timeout`]: 10 seconds.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The default of [`Server::shutdown_timeout`]: 30 seconds.
pub const DEFAULT_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);
/// The default of [`Server::max_connections`]: 1024.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

/// How [`serve`](Server::serve) runs: a header-read timeout, a cap on open
/// connections and a deadline on graceful shutdown.
///
/// The body-read timeout and the handler deadline are the webhook's own
/// (`WebhookBuilder::body_read_timeout` and `handler_timeout`), so they hold
/// on every adapter alike.
///
/// ```
/// use std::time::Duration;
/// use fusionauth_webhooks_hyper::{DEFAULT_MAX_CONNECTIONS, Server};
///
/// let server = Server::new()
///     .header_read_timeout(Duration::from_secs(5))
///     .shutdown_timeout(Duration::from_secs(10));
/// assert_eq!(server.get_header_read_timeout(), Duration::from_secs(5));
/// assert_eq!(server.get_max_connections(), DEFAULT_MAX_CONNECTIONS);
/// ```
#[derive(Debug, Clone)]
pub struct Server {
    header_read_timeout: Duration,
    shutdown_timeout: Duration,
    max_connections: usize,
}

impl Default for Server {
    fn default() -> Server {
        Server {
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            shutdown_timeout: DEFAULT_SHUTDOWN_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
        }
    }
}

impl Server {
    /// The defaults: [`DEFAULT_HEADER_READ_TIMEOUT`],
    /// [`DEFAULT_SHUTDOWN_TIMEOUT`], [`DEFAULT_MAX_CONNECTIONS`].
    pub fn new() -> Server {
        Server::default()
    }

    /// How long a client may take to send a request's head (line and
    /// headers), counted from when the server starts waiting for it, also
    /// on an idle keep-alive connection. A client too slow is disconnected.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let server = fusionauth_webhooks_hyper::Server::new().header_read_timeout(Duration::from_secs(3));
    /// assert_eq!(server.get_header_read_timeout(), Duration::from_secs(3));
    /// ```
    pub fn header_read_timeout(mut self, timeout: Duration) -> Server {
        self.header_read_timeout = timeout;
        self
    }

    /// How long [`serve_with_shutdown`](Server::serve_with_shutdown) waits,
    /// once its signal came, for open connections to finish their request in
    /// flight; then it closes those still open and returns.
    ///
    /// ```
    /// # use std::time::Duration;
    /// let server = fusionauth_webhooks_hyper::Server::new().shutdown_timeout(Duration::from_secs(5));
    /// assert_eq!(server.get_shutdown_timeout(), Duration::from_secs(5));
    /// ```
    pub fn shutdown_timeout(mut self, timeout: Duration) -> Server {
        self.shutdown_timeout = timeout;
        self
    }

    /// The most connections open at once (at least 1). At the cap the server
    /// accepts no more until one closes: new clients wait in the listener's
    /// backlog, bounding the memory and tasks that clients can make it hold.
    ///
    /// ```
    /// let server = fusionauth_webhooks_hyper::Server::new().max_connections(0);
    /// assert_eq!(server.get_max_connections(), 1);
    /// ```
    pub fn max_connections(mut self, connections: usize) -> Server {
        self.max_connections = connections.max(1);
        self
    }

    /// See [`header_read_timeout`](Server::header_read_timeout).
    ///
    /// ```
    /// # use fusionauth_webhooks_hyper::{DEFAULT_HEADER_READ_TIMEOUT, Server};
    /// assert_eq!(Server::new().get_header_read_timeout(), DEFAULT_HEADER_READ_TIMEOUT);
    /// ```
    pub fn get_header_read_timeout(&self) -> Duration {
        self.header_read_timeout
    }

    /// See [`shutdown_timeout`](Server::shutdown_timeout).
    ///
    /// ```
    /// # use fusionauth_webhooks_hyper::{DEFAULT_SHUTDOWN_TIMEOUT, Server};
    /// assert_eq!(Server::new().get_shutdown_timeout(), DEFAULT_SHUTDOWN_TIMEOUT);
    /// ```
    pub fn get_shutdown_timeout(&self) -> Duration {
        self.shutdown_timeout
    }

    /// See [`max_connections`](Server::max_connections).
    ///
    /// ```
    /// # use fusionauth_webhooks_hyper::{DEFAULT_MAX_CONNECTIONS, Server};
    /// assert_eq!(Server::new().get_max_connections(), DEFAULT_MAX_CONNECTIONS);
    /// ```
    pub fn get_max_connections(&self) -> usize {
        self.max_connections
    }

    /// Serves `service` over HTTP/1.1 on every connection `listener`
    /// accepts, until the returned future is dropped (which stops accepting
    /// and closes every open connection).
    ///
    /// ```no_run
    /// # use fusionauth_webhooks::{Event, EventType, Router, Webhook};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let webhook = Webhook::builder().api_key("a-long-random-key").router(Router::new().on_event(EventType::UserDelete, |_: Event| async { Ok(()) })).build()?;
    /// let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await?;
    /// fusionauth_webhooks_hyper::Server::new().serve(listener, webhook).await;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn serve(&self, listener: TcpListener, service: impl Into<WebhookService>) {
        self.serve_with_shutdown(listener, service, std::future::pending())
            .await;
    }

    /// Like [`serve`](Server::serve), until `signal` completes; then stops
    /// accepting, lets every open connection finish its request in flight
    /// for up to the [shutdown timeout](Server::shutdown_timeout), closes
    /// those still open, and returns.
    ///
    /// A failed `accept` (out of file descriptors, say) is logged and retried
    /// after a short pause; it does not stop the server.
    ///
    /// ```no_run
    /// # use fusionauth_webhooks::{Event, EventType, Router, Webhook};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// # let webhook = Webhook::builder().api_key("a-long-random-key").router(Router::new().on_event(EventType::UserDelete, |_: Event| async { Ok(()) })).build()?;
    /// let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await?;
    /// let ctrl_c = async {
    ///     let _ = tokio::signal::ctrl_c().await;
    /// };
    /// fusionauth_webhooks_hyper::Server::new()
    ///     .serve_with_shutdown(listener, webhook, ctrl_c)
    ///     .await;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn serve_with_shutdown(
        &self,
        listener: TcpListener,
        service: impl Into<WebhookService>,
        signal: impl Future<Output = ()>,
    ) {
        let service = service.into();
        let graceful = GracefulShutdown::new();
        let slots = Arc::new(Semaphore::new(self.max_connections));
        // Owning the connection tasks lets shutdown close the ones that
        // outlive the deadline; finished ones are reaped as the loop goes.
        let mut connections = JoinSet::new();
        let mut signal = pin!(signal);
        loop {
            let slot = tokio::select! {
                slot = Arc::clone(&slots).acquire_owned() => slot.expect("the semaphore is never closed"),
                Some(_) = connections.join_next() => continue,
                () = &mut signal => break,
            };
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                Some(_) = connections.join_next() => continue,
                () = &mut signal => break,
            };
            let stream = match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(self.header_read_timeout)
                .serve_connection(TokioIo::new(stream), service.clone());
            let connection = graceful.watch(connection);
            connections.spawn(async move {
                if let Err(error) = connection.await {
                    tracing::debug!(%error, "a webhook connection ended with an error");
                }
                drop(slot);
            });
        }
        drop(listener);
        if tokio::time::timeout(self.shutdown_timeout, graceful.shutdown())
            .await
            .is_err()
        {
            tracing::warn!(
                open = connections.len(),
                "connections still open at the shutdown deadline are closed"
            );
        }
        connections.shutdown().await;
    }
}
