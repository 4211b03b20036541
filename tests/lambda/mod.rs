//! cargo-lambda's emulator, started for a test, and the suite's transports
//! through it: its Function URL over HTTP, and events of each shape posted
//! to its invoke endpoint.
//!
//! The event shapes follow AWS's documentation of the Lambda proxy
//! integration payloads ("Working with AWS Lambda proxy integrations for
//! HTTP APIs", payload formats 1.0 and 2.0; "Lambda function URLs", request
//! payload): only the fields that `lambda_http` reads, with the rest left
//! out as API Gateway leaves out what does not apply.

#![allow(unreachable_pub)] // a module of one test binary

use std::fs::File;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use bytes::Bytes;
use fusionauth_webhooks::testing::TestResponse;
use fusionauth_webhooks::testing::conformance::{Framing, Transport};
use http::{HeaderMap, HeaderName, HeaderValue, Request, StatusCode};
use serde_json::{Map, Value, json};

use crate::common::Client;

/// The program, unless `CARGO_LAMBDA` names another.
const PROGRAM: &str = "cargo-lambda";
/// What to run when it is missing.
const INSTALL: &str = "pip install cargo-lambda (or `bash .ci/cargo-lambda.sh`, as .ci/run does)";
/// The invoke endpoint of the function the emulator calls `_`: the one that
/// polls with `AWS_LAMBDA_FUNCTION_NAME=_`.
const INVOKE_PATH: &str = "/2015-03-31/functions/_/invocations";

/// `cargo lambda watch --only-lambda-apis` on a free port, stopped on drop.
/// It builds nothing: the function is started by the test.
pub struct Emulator {
    child: Child,
    address: SocketAddr,
    log: tempfile::NamedTempFile,
}

impl Emulator {
    /// Starts the emulator and waits until it accepts connections; fails
    /// the test, saying what to install, when cargo-lambda is missing.
    pub fn start() -> Emulator {
        let program = std::env::var("CARGO_LAMBDA").unwrap_or_else(|_| PROGRAM.to_owned());
        let address = free_address();
        let log = tempfile::NamedTempFile::new().expect("a log file");
        let output = |log: &tempfile::NamedTempFile| {
            Stdio::from(
                File::options()
                    .append(true)
                    .open(log.path())
                    .expect("the log file"),
            )
        };
        let child = Command::new(&program)
            .args(["lambda", "watch", "--only-lambda-apis", "--ignore-changes"])
            .args(["--invoke-address", &address.ip().to_string()])
            .args(["--invoke-port", &address.port().to_string()])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdin(Stdio::null())
            .stdout(output(&log))
            .stderr(output(&log))
            .spawn();
        let child = match child {
            Ok(child) => child,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                panic!("`{program}` is not installed ({error}): {INSTALL}")
            }
            Err(error) => panic!("`{program}` could not start: {error}"),
        };
        let mut emulator = Emulator {
            child,
            address,
            log,
        };
        let started = Instant::now();
        while TcpStream::connect(address).is_err() {
            if let Ok(Some(status)) = emulator.child.try_wait() {
                panic!(
                    "`{program} lambda watch` exited ({status}):\n{}",
                    emulator.log()
                );
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "`{program} lambda watch` not listening on {address} after 60 s:\n{}",
                emulator.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        emulator
    }

    /// Where the Function URL and the invoke endpoint are.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The variables the Lambda runtime reads, pointing at this emulator.
    pub fn function_environment(&self) -> [(&'static str, String); 4] {
        [
            (
                "AWS_LAMBDA_RUNTIME_API",
                format!("http://{}/.rt", self.address),
            ),
            ("AWS_LAMBDA_FUNCTION_NAME", "_".to_owned()),
            ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128".to_owned()),
            ("AWS_LAMBDA_FUNCTION_VERSION", "1".to_owned()),
        ]
    }

    /// What the emulator printed so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log.path()).unwrap_or_default()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nobody listens on now (the emulator binds it right after).
fn free_address() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("bound")
}

/// How a request reaches the function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// The emulator's Function URL, over HTTP: it makes the event.
    FunctionUrl,
    /// A Function URL event (payload 2.0) with every body base64-encoded,
    /// as Lambda sends a body whose content type is not text.
    FunctionUrlBase64,
    /// An API Gateway HTTP API event (payload 2.0).
    HttpApi,
    /// An API Gateway REST API event (payload 1.0, proxy integration).
    RestApi,
}

impl Shape {
    /// Every shape, in the order the test runs them.
    pub const ALL: [Shape; 4] = [
        Shape::FunctionUrl,
        Shape::FunctionUrlBase64,
        Shape::HttpApi,
        Shape::RestApi,
    ];

    /// The suite's transport for this shape.
    pub fn transport(self, emulator: SocketAddr) -> LambdaTransport {
        LambdaTransport {
            shape: self,
            client: match self {
                Shape::FunctionUrl => Client::new(emulator, "/hooks/fusionauth"),
                _ => Client::new(emulator, INVOKE_PATH),
            },
        }
    }

    /// Cases this shape cannot carry as sent, and why: never a failure of
    /// the function.
    pub fn known_failures(self) -> &'static [&'static str] {
        match self {
            // cargo-lambda's Function URL decodes a body whose content type
            // is JSON as UTF-8 text and answers 500 itself when it is not,
            // before the function runs; and it passes one value of a
            // repeated header where AWS joins them with commas (payload
            // 2.0). The event shapes carry such bodies base64-encoded and
            // such headers as AWS does, and pass these cases.
            Shape::FunctionUrl => &[
                "invalid UTF-8 is 400 invalidJson",
                "a repeated Authorization header is 401 even with the right key",
                "a repeated signature header is 401",
            ],
            _ => &[],
        }
    }
}

/// Sends each case in one shape.
#[derive(Debug, Clone)]
pub struct LambdaTransport {
    shape: Shape,
    client: Client,
}

impl Transport for LambdaTransport {
    async fn send(
        &self,
        request: Request<Bytes>,
        framing: Framing,
    ) -> Result<TestResponse, String> {
        if self.shape == Shape::FunctionUrl {
            return self.client.send(request, framing).await;
        }
        // API Gateway and Function URLs buffer the body: the framing is gone.
        let event = match self.shape {
            Shape::RestApi => rest_api_event(&request),
            _ => http_api_event(&request, self.shape == Shape::FunctionUrlBase64),
        };
        let invoke = Request::post("/")
            .header("content-type", "application/json")
            .body(Bytes::from(event.to_string()))
            .map_err(|error| error.to_string())?;
        let answer = self.client.send(invoke, Framing::ContentLength).await?;
        if answer.status != StatusCode::OK {
            return Err(format!(
                "the invocation failed ({}): {}",
                answer.status,
                String::from_utf8_lossy(&answer.body)
            ));
        }
        response_event(&answer.body)
    }
}

/// The body as an event carries it: text, or base64 when asked or when it is
/// not UTF-8; no body at all when empty.
fn event_body(body: &Bytes, base64: bool) -> (Value, bool) {
    if body.is_empty() {
        return (Value::Null, false);
    }
    match std::str::from_utf8(body) {
        Ok(text) if !base64 => (Value::from(text), false),
        _ => (Value::from(BASE64.encode(body)), true),
    }
}

/// Payload format 2.0 (HTTP APIs and Function URLs): header names in lower
/// case, the values of a repeated header joined with commas.
fn http_api_event(request: &Request<Bytes>, base64: bool) -> Value {
    let mut headers = Map::new();
    for name in request.headers().keys() {
        let values: Vec<_> = request
            .headers()
            .get_all(name)
            .iter()
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
            .collect();
        headers.insert(name.as_str().to_owned(), Value::from(values.join(",")));
    }
    let (body, is_base64_encoded) = event_body(request.body(), base64);
    json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/hooks/fusionauth",
        "rawQueryString": "",
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "conformance",
            "domainName": "conformance.lambda-url.us-east-1.on.aws",
            "domainPrefix": "conformance",
            "http": {
                "method": request.method().as_str(),
                "path": "/hooks/fusionauth",
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "FusionAuth"
            },
            "requestId": "conformance",
            "routeKey": "$default",
            "stage": "$default",
            "time": "01/Jan/2026:00:00:00 +0000",
            "timeEpoch": 1_767_225_600_000_u64
        },
        "body": body,
        "isBase64Encoded": is_base64_encoded
    })
}

/// Payload format 1.0 (REST APIs): each header's last value in `headers`,
/// all of them in `multiValueHeaders`; a body that is not UTF-8 base64-encoded
/// (the API's binary media types).
fn rest_api_event(request: &Request<Bytes>) -> Value {
    let mut headers = Map::new();
    let mut multi_value_headers = Map::new();
    for name in request.headers().keys() {
        let values: Vec<_> = request
            .headers()
            .get_all(name)
            .iter()
            .map(|value| Value::from(String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect();
        headers.insert(
            name.as_str().to_owned(),
            values.last().cloned().unwrap_or_default(),
        );
        multi_value_headers.insert(name.as_str().to_owned(), Value::from(values));
    }
    let (body, is_base64_encoded) = event_body(request.body(), false);
    json!({
        "resource": "/hooks/fusionauth",
        "path": "/hooks/fusionauth",
        "httpMethod": request.method().as_str(),
        "headers": headers,
        "multiValueHeaders": multi_value_headers,
        "queryStringParameters": null,
        "multiValueQueryStringParameters": null,
        "pathParameters": null,
        "stageVariables": null,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "conformance",
            "resourceId": "conformance",
            "resourcePath": "/hooks/fusionauth",
            "httpMethod": request.method().as_str(),
            "path": "/prod/hooks/fusionauth",
            "protocol": "HTTP/1.1",
            "requestId": "conformance",
            "stage": "prod",
            "identity": {"sourceIp": "127.0.0.1", "userAgent": "FusionAuth"},
            "requestTimeEpoch": 1_767_225_600_000_u64
        },
        "body": body,
        "isBase64Encoded": is_base64_encoded
    })
}

/// The function's response event, as the client of API Gateway or the
/// Function URL would see it.
fn response_event(json: &[u8]) -> Result<TestResponse, String> {
    let event: Value = serde_json::from_slice(json).map_err(|error| {
        format!(
            "not a response event ({error}): {}",
            String::from_utf8_lossy(json)
        )
    })?;
    let status = event["statusCode"]
        .as_u64()
        .and_then(|code| StatusCode::from_u16(u16::try_from(code).ok()?).ok())
        .ok_or_else(|| format!("no statusCode in {event}"))?;
    let mut headers = HeaderMap::new();
    let single = event["headers"].as_object().into_iter().flatten();
    let multi = event["multiValueHeaders"].as_object().into_iter().flatten();
    for (name, values) in single.chain(multi) {
        let name = HeaderName::try_from(name.as_str()).map_err(|error| error.to_string())?;
        let values = values
            .as_array()
            .cloned()
            .unwrap_or_else(|| vec![values.clone()]);
        for value in values {
            let value = value
                .as_str()
                .ok_or_else(|| format!("header {name}: {value}"))?;
            let value = HeaderValue::try_from(value).map_err(|error| error.to_string())?;
            headers.append(name.clone(), value);
        }
    }
    let body = match event["body"].as_str() {
        None => Bytes::new(),
        Some(body) if event["isBase64Encoded"] == true => {
            Bytes::from(BASE64.decode(body).map_err(|error| error.to_string())?)
        }
        Some(body) => Bytes::from(body.to_owned()),
    };
    Ok(TestResponse {
        status,
        headers,
        body,
    })
}
