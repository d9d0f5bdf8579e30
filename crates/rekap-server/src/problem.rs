//! Errors as RFC 9457 problem details (`application/problem+json`).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rekap_ledger::SubmissionRefusal;
use rekap_messages::Lang;

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
    /// fetch a new counter and sign again), 422 for anything else; the message is the CLI's,
    /// in `lang` (the request's `Accept-Language`: [`lang_of`]). The log's own checks
    /// (counter, signature, size) keep FORMAT.md's English words.
    pub fn refused(refusal: &SubmissionRefusal, lang: Lang) -> Self {
        let status = match refusal {
            SubmissionRefusal::CounterUsed { .. }
            | SubmissionRefusal::CounterNotIncreasing { .. } => StatusCode::CONFLICT,
            SubmissionRefusal::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        let text = match refusal {
            SubmissionRefusal::Refused(refusal) => {
                rekap_model_words::payload_refusal(refusal, lang)
            }
            other => other.to_string(),
        };
        let detail = lang.message_with("ledger-refused", &[("refusal", &text)]);
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

/// The language a request asks for: the first of `Accept-Language`'s tags whose primary
/// subtag is `id` or `en` (weights are not ranked: clients list their choice first), else
/// English.
pub fn lang_of(headers: &axum::http::HeaderMap) -> Lang {
    let Some(value) = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
    else {
        return Lang::En;
    };
    value
        .split(',')
        .filter_map(|item| item.split(';').next())
        .map(|tag| {
            tag.trim()
                .split('-')
                .next()
                .unwrap_or("")
                .to_ascii_lowercase()
        })
        .find_map(|primary| match primary.as_str() {
            "id" => Some(Lang::Id),
            "en" => Some(Lang::En),
            _ => None,
        })
        .unwrap_or(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_known_language_of_accept_language_is_taken() {
        let lang = |value: &str| {
            let mut headers = axum::http::HeaderMap::new();
            headers.insert(
                header::ACCEPT_LANGUAGE,
                HeaderValue::from_str(value).unwrap(),
            );
            lang_of(&headers)
        };
        assert_eq!(lang("id"), Lang::Id);
        assert_eq!(lang("id-ID,id;q=0.9,en;q=0.8"), Lang::Id);
        assert_eq!(lang("fr-FR, ID;q=0.5"), Lang::Id);
        assert_eq!(lang("en-GB,id;q=0.5"), Lang::En);
        assert_eq!(lang("fr, de"), Lang::En);
        assert_eq!(lang(""), Lang::En);
        assert_eq!(lang_of(&axum::http::HeaderMap::new()), Lang::En);
    }
}
