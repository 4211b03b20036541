//! What a case expects back, and the check of a response against it.

use http::StatusCode;
use http::header::CONTENT_TYPE;
use uuid::Uuid;

use super::INTERNAL_DETAIL;
use crate::testing::TestResponse;

/// What a case expects back.
#[derive(Debug, Clone)]
pub(super) struct Expect {
    pub(super) status: StatusCode,
    pub(super) body: ExpectBody,
    pub(super) header: Option<(&'static str, &'static str)>,
    pub(super) handlers_finished: Option<(Uuid, usize)>,
}

#[derive(Debug, Clone)]
pub(super) enum ExpectBody {
    Empty,
    ErrorCode(&'static str),
}

impl Expect {
    /// Whether `response` is what the case expects; `finished` tells how many
    /// handlers of an event id had finished when the answer came.
    pub(super) fn check(
        &self,
        response: &TestResponse,
        finished: impl Fn(Uuid) -> usize,
    ) -> Result<(), String> {
        let expect = self;
        if response.status != expect.status {
            return Err(format!(
                "expected status {}, got {} with body {:?}",
                expect.status,
                response.status,
                String::from_utf8_lossy(&response.body)
            ));
        }
        match expect.body {
            ExpectBody::Empty if !response.body.is_empty() => {
                return Err(format!(
                    "expected an empty body, got {:?}",
                    String::from_utf8_lossy(&response.body)
                ));
            }
            ExpectBody::ErrorCode(code) if response.error_code().as_deref() != Some(code) => {
                return Err(format!(
                    "expected error code {code}, got body {:?}",
                    String::from_utf8_lossy(&response.body)
                ));
            }
            _ => {}
        }
        if !matches!(expect.body, ExpectBody::Empty) {
            let content_type = response
                .headers
                .get(CONTENT_TYPE)
                .and_then(|v| v.to_str().ok());
            if matches!(expect.body, ExpectBody::ErrorCode(_))
                && content_type != Some("application/json")
            {
                return Err(format!(
                    "expected a JSON error body, got content type {content_type:?}"
                ));
            }
        }
        if let Some((name, value)) = expect.header {
            let got = response.headers.get(name).and_then(|v| v.to_str().ok());
            if !got.is_some_and(|got| got.eq_ignore_ascii_case(value)) {
                return Err(format!("expected header {name}: {value}, got {got:?}"));
            }
        }
        if String::from_utf8_lossy(&response.body).contains(INTERNAL_DETAIL) {
            return Err("the response leaks an internal error".to_owned());
        }
        if let Some((id, expected)) = expect.handlers_finished {
            let finished = finished(id);
            if finished != expected {
                return Err(format!(
                    "answered {} when {finished} of {expected} handlers had finished",
                    response.status
                ));
            }
        }
        Ok(())
    }
}
