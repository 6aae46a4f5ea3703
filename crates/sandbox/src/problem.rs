//! `application/problem+json` errors (RFC 7807) in Matter's shape.
//!
//! Handlers build a [`Problem`] without the request id; the pipeline fills `request_id`
//! and `instance` into every problem body on its way out.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

/// A problem response. Boxed, so `Result<_, Problem>` stays one pointer wide.
#[derive(Debug, Clone)]
pub struct Problem(Box<ProblemFields>);

#[derive(Debug, Clone)]
pub struct ProblemFields {
    pub status: StatusCode,
    pub code: String,
    pub detail: String,
    pub param: Option<String>,
    pub extra: Map<String, Value>,
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn new(status: u16, code: &str, detail: impl Into<String>) -> Problem {
        Problem(Box::new(ProblemFields {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            code: code.to_owned(),
            detail: detail.into(),
            param: None,
            extra: Map::new(),
            retry_after: None,
        }))
    }

    pub fn param(mut self, param: &str) -> Problem {
        self.param = Some(param.to_owned());
        self
    }

    pub fn with(mut self, key: &str, value: Value) -> Problem {
        self.extra.insert(key.to_owned(), value);
        self
    }

    pub fn validation(param: &str, detail: impl Into<String>) -> Problem {
        let detail = detail.into();
        Problem::new(422, "validation_failed", detail.clone())
            .param(param)
            .with(
                "errors",
                json!([{"field": param, "code": "invalid", "message": detail}]),
            )
    }

    pub fn not_found(param: &str, id: &str) -> Problem {
        Problem::new(
            404,
            "not_found",
            format!("No {param} `{id}` exists in this sandbox."),
        )
        .param(param)
    }

    /// Returns the body without `request_id` and `instance`, which the pipeline adds.
    pub fn body(&self) -> Value {
        let mut body = Map::new();
        body.insert(
            "type".into(),
            json!(format!("https://docs.mattermode.com/errors/{}", self.code)),
        );
        body.insert(
            "title".into(),
            json!(self.status.canonical_reason().unwrap_or("Error")),
        );
        body.insert("status".into(), json!(self.status.as_u16()));
        body.insert("detail".into(), json!(self.detail));
        body.insert("code".into(), json!(self.code));
        if let Some(param) = &self.param {
            body.insert("param".into(), json!(param));
        }
        if let Some(seconds) = self.retry_after {
            body.insert("retry_after".into(), json!(seconds));
        }
        for (key, value) in &self.extra {
            body.insert(key.clone(), value.clone());
        }
        Value::Object(body)
    }
}

impl std::ops::Deref for Problem {
    type Target = ProblemFields;

    fn deref(&self) -> &ProblemFields {
        &self.0
    }
}

impl std::ops::DerefMut for Problem {
    fn deref_mut(&mut self) -> &mut ProblemFields {
        &mut self.0
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.body().to_string()).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(PROBLEM_CONTENT_TYPE),
        );
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"matter-sandbox\""),
            );
        }
        response
    }
}

/// Fills `request_id` and `instance` into a problem body; other bodies are returned unchanged.
pub fn stamp_request_id(body: &[u8], request_id: &str) -> Option<Vec<u8>> {
    let mut value: Value = serde_json::from_slice(body).ok()?;
    let object = value.as_object_mut()?;
    object.insert("request_id".into(), json!(request_id));
    object.insert("instance".into(), json!(format!("/requests/{request_id}")));
    serde_json::to_vec(&value).ok()
}
