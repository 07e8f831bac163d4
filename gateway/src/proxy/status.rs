//! Kubernetes `Status` responses for everything the gateway answers itself (401, 413, 429,
//! 502, 503, 504, 500), so that kubectl and client-go print a sensible message and honour
//! `Retry-After`. Messages never contain a token or an internal path.

use axum::body::Body;
use axum::response::Response;
use http::header::{CONTENT_TYPE, RETRY_AFTER};
use http::{HeaderValue, StatusCode};

/// A `Status` JSON response: `kind: Status`, `apiVersion: v1`, `status: Failure`.
pub fn status_response(
    code: StatusCode,
    reason: &str,
    message: &str,
    retry_after_secs: Option<u64>,
) -> Response {
    let mut body = serde_json::json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code.as_u16(),
    });
    if let Some(secs) = retry_after_secs {
        body["details"] = serde_json::json!({ "retryAfterSeconds": secs });
    }
    let mut resp = Response::new(Body::from(body.to_string()));
    *resp.status_mut() = code;
    let headers = resp.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Some(secs) = retry_after_secs {
        headers.insert(RETRY_AFTER, HeaderValue::from(secs));
    }
    resp
}

/// 401 for every authentication failure, unknown and foreign clusters alike.
pub fn unauthorized() -> Response {
    status_response(
        StatusCode::UNAUTHORIZED,
        "Unauthorized",
        "Unauthorized",
        None,
    )
}

pub fn too_many_requests(message: &str, retry_after_secs: u64) -> Response {
    status_response(
        StatusCode::TOO_MANY_REQUESTS,
        "TooManyRequests",
        message,
        Some(retry_after_secs),
    )
}

pub fn unavailable(message: &str, retry_after_secs: u64) -> Response {
    status_response(
        StatusCode::SERVICE_UNAVAILABLE,
        "ServiceUnavailable",
        message,
        Some(retry_after_secs),
    )
}

pub fn too_large(limit: u64) -> Response {
    status_response(
        StatusCode::PAYLOAD_TOO_LARGE,
        "RequestEntityTooLarge",
        &format!("the request body is larger than {limit} bytes"),
        None,
    )
}

pub fn timeout() -> Response {
    status_response(
        StatusCode::GATEWAY_TIMEOUT,
        "Timeout",
        "the control plane did not answer in time",
        None,
    )
}

pub fn bad_gateway(message: &str) -> Response {
    status_response(StatusCode::BAD_GATEWAY, "InternalError", message, None)
}

pub fn bad_request(message: &str) -> Response {
    status_response(StatusCode::BAD_REQUEST, "BadRequest", message, None)
}

pub fn internal() -> Response {
    status_response(
        StatusCode::INTERNAL_SERVER_ERROR,
        "InternalError",
        "internal error",
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    #[tokio::test]
    async fn statuses_are_kubernetes_status_objects() {
        let resp = too_many_requests("slow down", 3);
        assert_eq!(resp.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(resp.headers()[RETRY_AFTER], "3");
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["kind"], "Status");
        assert_eq!(v["apiVersion"], "v1");
        assert_eq!(v["status"], "Failure");
        assert_eq!(v["reason"], "TooManyRequests");
        assert_eq!(v["code"], 429);
        assert_eq!(v["details"]["retryAfterSeconds"], 3);

        let resp = unauthorized();
        assert!(resp.headers().get(RETRY_AFTER).is_none());
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["reason"], "Unauthorized");
        assert_eq!(v["code"], 401);
    }
}
