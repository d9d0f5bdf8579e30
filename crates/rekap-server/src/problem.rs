//! Errors as RFC 9457 problem details (`application/problem+json`).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rekap_ledger::SubmissionRefusal;

use crate::wire::ProblemJson;

/// An error answer: its status, a stable problem type, the CLI's message, and for a
/// refusal by the model its rule.
#[derive(Debug)]
pub struct Problem {
    pub status: StatusCode,
    pub kind: &'static str,
    pub detail: String,
    pub rule: Option<String>,
    /// Seconds after which a retry may succeed (503 of a full queue, 429).
    pub retry_after: Option<u64>,
    /// The origin server a read-only mirror sends writes to (405).
    pub origin: Option<String>,
}

impl Problem {
    pub fn new(status: StatusCode, kind: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            kind,
            detail: detail.into(),
            rule: None,
            retry_after: None,
            origin: None,
        }
    }

    pub fn origin(mut self, origin: &str) -> Self {
        self.origin = Some(origin.to_owned());
        self
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad-request", detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", detail)
    }

    pub fn internal(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", detail)
    }

    pub fn not_ready() -> Self {
        let mut problem = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not-ready",
            "the server is still replaying the log; try again shortly",
        );
        problem.retry_after = Some(1);
        problem
    }

    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// A submission the ledger refused: 409 for a counter already used (the client must
    /// fetch a new counter and sign again), 422 for anything else; the message is the CLI's.
    pub fn refused(refusal: &SubmissionRefusal) -> Self {
        let status = match refusal {
            SubmissionRefusal::CounterUsed { .. }
            | SubmissionRefusal::CounterNotIncreasing { .. } => StatusCode::CONFLICT,
            SubmissionRefusal::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        let detail = match refusal {
            SubmissionRefusal::Refused(refusal) => {
                format!("refused, nothing appended: {refusal}")
            }
            other => format!("refused, nothing appended: {other}"),
        };
        Self {
            status,
            kind: refusal.kind(),
            detail,
            rule: refusal.rule().map(|rule| rule.to_string()),
            retry_after: None,
            origin: None,
        }
    }

    pub fn json(&self) -> ProblemJson {
        ProblemJson {
            kind: format!("urn:rekap:problem:{}", self.kind),
            title: self.status.canonical_reason().unwrap_or("error").to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            rule: self.rule.clone(),
            origin: self.origin.clone(),
        }
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = serde_json::to_vec(&self.json()).unwrap_or_default();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
