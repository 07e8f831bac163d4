//! Request bodies: size limits, decoding JSON, YAML and Kubernetes protobuf into one JSON
//! form, and checking an object against its typed schema (unknown fields, field types).

use axum::body::Body;
use bytes::Bytes;
use http_body_util::BodyExt;
use serde_json::Value;

use super::error::{ApiError, ApiResult};
use super::protobuf;
use super::registry::ResourceType;
use super::request::FieldValidation;

/// The largest request body accepted.
pub const MAX_BODY: usize = 3 * 1024 * 1024;
/// The largest object stored.
pub const MAX_OBJECT: usize = 1536 * 1024;

/// Read a whole request body, refusing more than `MAX_BODY` bytes without buffering them.
pub async fn read_body(body: Body) -> ApiResult<Bytes> {
    let limited = http_body_util::Limited::new(body, MAX_BODY);
    match limited.collect().await {
        Ok(c) => Ok(c.to_bytes()),
        Err(e) => {
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some()
            {
                Err(ApiError::too_large(format!(
                    "Request entity too large: limit is {MAX_BODY}"
                )))
            } else {
                Err(ApiError::bad_request(format!(
                    "failed to read request body: {e}"
                )))
            }
        }
    }
}

/// The body's media type, without parameters; JSON when absent.
pub fn media_type(content_type: Option<&str>) -> &str {
    content_type
        .and_then(|c| c.split(';').next())
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .unwrap_or("application/json")
}

/// Decode a create or update body into JSON.
pub fn decode_object(content_type: Option<&str>, body: &[u8]) -> ApiResult<Value> {
    let mt = media_type(content_type);
    let v = match mt {
        "application/json" | "*/*" => parse_json(body)?,
        "application/yaml" | "application/x-yaml" | "text/yaml" => parse_yaml(body)?,
        "application/vnd.kubernetes.protobuf" => protobuf::decode(body)
            .map_err(|e| ApiError::bad_request(format!("failed to decode protobuf body: {e}")))?,
        other => return Err(ApiError::unsupported_media_type(other)),
    };
    if !v.is_object() {
        return Err(ApiError::bad_request(
            "the request body must be a JSON object",
        ));
    }
    Ok(v)
}

/// Decode an options body (DeleteOptions) sent as JSON or, as helm and other client-go
/// programs do, as protobuf (recognised by its `k8s\0` magic whatever the content type).
pub fn decode_options(body: &[u8]) -> ApiResult<Value> {
    if body.starts_with(b"k8s\0") {
        return protobuf::decode(body)
            .map_err(|e| ApiError::bad_request(format!("failed to decode protobuf body: {e}")));
    }
    parse_json(body)
}

pub fn parse_json(body: &[u8]) -> ApiResult<Value> {
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ApiError::bad_request("the request body is empty"));
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("error decoding JSON body: {e}")))
}

/// YAML with serde_yaml's recursion and alias-expansion limits, which stop nesting and
/// alias bombs early.
pub fn parse_yaml(body: &[u8]) -> ApiResult<Value> {
    if yaml_flow_depth(body) > MAX_YAML_FLOW_DEPTH {
        return Err(ApiError::bad_request(format!(
            "error decoding YAML body: flow collections nested deeper than {MAX_YAML_FLOW_DEPTH}"
        )));
    }
    let v: Value = serde_yaml::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("error decoding YAML body: {e}")))?;
    Ok(v)
}

/// The deepest nesting of YAML flow collections (`[`, `{`) accepted. The YAML parser's cost
/// grows with the square of this depth, so it is bounded before parsing.
const MAX_YAML_FLOW_DEPTH: usize = 100;

/// The maximum nesting depth of flow collections, skipping quoted scalars and comments.
fn yaml_flow_depth(body: &[u8]) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    let mut prev = b'\n';
    while i < body.len() {
        let c = body[i];
        match c {
            b'"' => {
                i += 1;
                while i < body.len() && body[i] != b'"' {
                    if body[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'\'' => {
                i += 1;
                while i < body.len() && body[i] != b'\'' {
                    i += 1;
                }
            }
            b'#' if prev.is_ascii_whitespace() => {
                while i < body.len() && body[i] != b'\n' {
                    i += 1;
                }
            }
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        prev = c;
        i += 1;
    }
    max
}

/// Check `obj` against the type: returns the object in canonical typed form, and the unknown
/// field paths found (which the caller treats per `fieldValidation`).
pub fn check_typed(rt: &ResourceType, obj: &Value) -> ApiResult<(Value, Vec<String>)> {
    let typed = (rt.roundtrip)(obj).map_err(|e| {
        ApiError::bad_request(format!(
            "{} in version \"{}\" cannot be handled as a {}: {e}",
            rt.kind, rt.version, rt.kind
        ))
    })?;
    let mut unknown = vec![];
    let mut path = String::new();
    unknown_fields(obj, &typed, &mut path, &mut unknown);
    Ok((typed, unknown))
}

fn unknown_fields(input: &Value, typed: &Value, path: &mut String, out: &mut Vec<String>) {
    match (input, typed) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                if v.is_null() {
                    continue;
                }
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                match b.get(k) {
                    None => out.push(path.clone()),
                    Some(tv) => unknown_fields(v, tv, path, out),
                }
                path.truncate(len);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for (i, (v, tv)) in a.iter().zip(b.iter()).enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                unknown_fields(v, tv, path, out);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

/// Apply the field validation directive to the unknown fields found: an error under Strict,
/// warnings under Warn, nothing under Ignore.
pub fn field_validation(
    fv: FieldValidation,
    unknown: &[String],
    warnings: &mut Vec<String>,
) -> ApiResult<()> {
    if unknown.is_empty() {
        return Ok(());
    }
    match fv {
        FieldValidation::Ignore => Ok(()),
        FieldValidation::Warn => {
            warnings.extend(unknown.iter().map(|f| format!("unknown field \"{f}\"")));
            Ok(())
        }
        FieldValidation::Strict => {
            let list: Vec<String> = unknown
                .iter()
                .map(|f| format!("unknown field \"{f}\""))
                .collect();
            Err(ApiError::bad_request(format!(
                "strict decoding error: {}",
                list.join(", ")
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::apiserver::registry::Registry;

    #[test]
    fn unknown_fields_are_found_with_paths() {
        let reg = Registry::builtin();
        let d = reg.lookup("apps", "v1", "deployments").unwrap();
        let obj = serde_json::json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "d", "bogus": 1},
            "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}},
              "spec": {"containers": [{"name": "c", "image": "i", "imagePort": 3}]}}, "replica": 2}
        });
        let (_, unknown) = check_typed(&d, &obj).unwrap();
        assert_eq!(
            unknown,
            vec![
                "metadata.bogus",
                "spec.template.spec.containers[0].imagePort",
                "spec.replica"
            ]
        );
        let mut w = vec![];
        assert!(field_validation(FieldValidation::Strict, &unknown, &mut w).is_err());
        field_validation(FieldValidation::Warn, &unknown, &mut w).unwrap();
        assert_eq!(w.len(), 3);
    }

    #[test]
    fn malformed_bodies_are_bad_requests() {
        assert_eq!(decode_object(None, b"{").unwrap_err().code, 400);
        assert_eq!(decode_object(None, b"[1]").unwrap_err().code, 400);
        assert_eq!(
            decode_object(Some("text/plain"), b"{}").unwrap_err().code,
            415
        );
        let deep = "[".repeat(100_000);
        assert_eq!(decode_object(None, deep.as_bytes()).unwrap_err().code, 400);
        let deep_yaml = "a: ".to_string() + &"[".repeat(100_000);
        assert_eq!(
            decode_object(Some("application/yaml"), deep_yaml.as_bytes())
                .unwrap_err()
                .code,
            400
        );
        assert_eq!(
            yaml_flow_depth(b"a: [[1], {b: '[[[', c: \"]]\"}] # [[[[\n"),
            2
        );
        let bomb = "a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
        let start = std::time::Instant::now();
        assert_eq!(
            decode_object(Some("application/yaml"), bomb.as_bytes())
                .unwrap_err()
                .code,
            400
        );
        assert!(start.elapsed() < std::time::Duration::from_secs(1));
    }
}
