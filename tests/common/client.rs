//! The one HTTP/1.1 test client, written against the wire so that a test
//! controls exactly what is sent (repeated headers, chunked framing, a body
//! that stalls): [`Client`], one connection per request, for the adapter
//! tests and the conformance suite; [`Connection`], requests one after
//! another on one keep-alive connection, for the delivery tests and the
//! delivery benchmark.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use fusionauth_webhooks::testing::TestResponse;
use fusionauth_webhooks::testing::conformance::{Framing, Transport};
use http::{HeaderMap, HeaderName, HeaderValue, Request, StatusCode};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

/// How long one request may take before the test fails instead of hanging.
const TIMEOUT: Duration = Duration::from_secs(30);

/// An HTTP/1.1 client for one path of a server: one connection per request,
/// headers sent exactly as given (repeated ones too), `Connection: close`.
#[derive(Debug, Clone)]
pub struct Client {
    address: SocketAddr,
    path: &'static str,
    /// Write the whole request before reading anything, as a simple client
    /// does; otherwise read the response while the body is still being sent.
    send_then_read: bool,
}

impl Client {
    /// Reads the response while still sending the body, so an early answer
    /// (such as a 401 before an unread body) is always seen.
    pub fn new(address: SocketAddr, path: &'static str) -> Client {
        Client {
            address,
            path,
            send_then_read: false,
        }
    }

    /// Sends the whole request, then reads the response.
    pub fn send_then_read(mut self) -> Client {
        self.send_then_read = true;
        self
    }

    async fn exchange(
        &self,
        request: Request<Bytes>,
        framing: Framing,
    ) -> Result<TestResponse, String> {
        let wire = encode(request, self.path, self.address, framing, Persist::Close);
        let stream = TcpStream::connect(self.address)
            .await
            .map_err(|e| format!("connect: {e}"))?;
        let (mut reader, mut writer) = stream.into_split();
        // The write half lives on (as the sending task's output, or here)
        // until the response is read: dropping it would half-close the
        // connection, which hyper takes as an abort.
        let mut sending =
            tokio::spawn(async move { writer.write_all(&wire).await.map(|()| writer) });
        let _sent = if self.send_then_read {
            let sent = (&mut sending).await.map_err(|e| e.to_string())?;
            Some(sent.map_err(|e| format!("send: {e}"))?)
        } else {
            None
        };
        let mut received = Vec::new();
        let outcome = loop {
            let mut buffer = [0u8; 16 * 1024];
            match reader.read(&mut buffer).await {
                Ok(0) => {
                    break parse(&received)
                        .map(|(response, _)| response)
                        .ok_or_else(|| {
                            format!(
                                "connection closed after {} bytes of response",
                                received.len()
                            )
                        });
                }
                Ok(n) => {
                    received.extend_from_slice(&buffer[..n]);
                    if let Some((response, _)) = parse(&received) {
                        break Ok(response);
                    }
                }
                Err(error) => {
                    break parse(&received)
                        .map(|(response, _)| response)
                        .ok_or_else(|| format!("receive: {error}"));
                }
            }
        };
        sending.abort();
        outcome
    }
}

impl Transport for Client {
    async fn send(
        &self,
        request: Request<Bytes>,
        framing: Framing,
    ) -> Result<TestResponse, String> {
        tokio::time::timeout(TIMEOUT, self.exchange(request, framing))
            .await
            .map_err(|_| format!("no response within {TIMEOUT:?}"))?
    }
}

/// One keep-alive HTTP/1.1 connection: each request is written whole, then
/// its response read, then the next request goes on the same socket, as
/// FusionAuth's own client and a load generator send them.
pub struct Connection {
    stream: TcpStream,
    address: SocketAddr,
    /// Bytes read past the last response (none from a server that answers
    /// one request at a time, but kept rather than lost).
    received: Vec<u8>,
}

impl Connection {
    /// Connects to `address`.
    pub async fn open(address: SocketAddr) -> io::Result<Connection> {
        let stream = TcpStream::connect(address).await?;
        stream.set_nodelay(true)?;
        Ok(Connection {
            stream,
            address,
            received: Vec::new(),
        })
    }

    /// Sends `request` (framed by `Content-Length`) to its URI's path and
    /// reads the whole response; an error when the connection breaks first.
    pub async fn send(&mut self, request: Request<Bytes>) -> io::Result<TestResponse> {
        let path = request.uri().path().to_owned();
        let wire = encode(
            request,
            &path,
            self.address,
            Framing::ContentLength,
            Persist::KeepAlive,
        );
        self.stream.write_all(&wire).await?;
        loop {
            if let Some((response, used)) = parse(&self.received) {
                self.received.drain(..used);
                return Ok(response);
            }
            let mut buffer = [0u8; 16 * 1024];
            let n = self.stream.read(&mut buffer).await?;
            if n == 0 {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    format!(
                        "connection closed after {} bytes of response",
                        self.received.len()
                    ),
                ));
            }
            self.received.extend_from_slice(&buffer[..n]);
        }
    }
}

/// Whether the connection stays open after the response.
#[derive(Clone, Copy)]
enum Persist {
    Close,
    KeepAlive,
}

/// The request as bytes on the wire, its headers exactly as given.
fn encode(
    request: Request<Bytes>,
    path: &str,
    address: SocketAddr,
    framing: Framing,
    persist: Persist,
) -> BytesMut {
    let (parts, body) = request.into_parts();
    let mut wire = BytesMut::from(
        format!("{} {path} HTTP/1.1\r\nhost: {address}\r\n", parts.method).as_bytes(),
    );
    for (name, value) in &parts.headers {
        wire.extend_from_slice(format!("{name}: ").as_bytes());
        wire.extend_from_slice(value.as_bytes());
        wire.extend_from_slice(b"\r\n");
    }
    if let Persist::Close = persist {
        wire.extend_from_slice(b"connection: close\r\n");
    }
    match framing {
        Framing::ContentLength => {
            wire.extend_from_slice(format!("content-length: {}\r\n\r\n", body.len()).as_bytes());
            wire.extend_from_slice(&body);
        }
        Framing::Chunked => {
            wire.extend_from_slice(b"transfer-encoding: chunked\r\n\r\n");
            for chunk in body.chunks(64 * 1024) {
                wire.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                wire.extend_from_slice(chunk);
                wire.extend_from_slice(b"\r\n");
            }
            wire.extend_from_slice(b"0\r\n\r\n");
        }
    }
    wire
}

/// A complete response and the bytes it took, once `bytes` hold all of it.
fn parse(bytes: &[u8]) -> Option<(TestResponse, usize)> {
    let end = bytes.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&bytes[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines
        .next()?
        .split(' ')
        .nth(1)?
        .parse::<StatusCode>()
        .ok()?;
    let mut headers = HeaderMap::new();
    for line in lines {
        let (name, value) = line.split_once(':')?;
        headers.append(
            HeaderName::try_from(name.trim()).ok()?,
            HeaderValue::try_from(value.trim()).ok()?,
        );
    }
    let rest = &bytes[end + 4..];
    let (body, used) = if headers
        .get("transfer-encoding")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"chunked"))
    {
        dechunk(rest)?
    } else {
        let length: usize = headers.get("content-length")?.to_str().ok()?.parse().ok()?;
        (Bytes::copy_from_slice(rest.get(..length)?), length)
    };
    let response = TestResponse {
        status,
        headers,
        body,
    };
    Some((response, end + 4 + used))
}

/// A whole chunked body and the bytes it took, once its last chunk has
/// arrived (trailers are not expected: the final chunk ends the body).
fn dechunk(chunked: &[u8]) -> Option<(Bytes, usize)> {
    let mut body = BytesMut::new();
    let mut rest = chunked;
    loop {
        let line_end = rest.windows(2).position(|w| w == b"\r\n")?;
        let size_text = std::str::from_utf8(&rest[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        if size == 0 {
            let used = chunked.len() - rest.len() + line_end + 4;
            return (chunked.len() >= used).then(|| (body.freeze(), used));
        }
        body.extend_from_slice(rest.get(line_end + 2..line_end + 2 + size)?);
        rest = rest.get(line_end + 4 + size..)?;
    }
}
