//! Small helpers over an object's JSON `metadata`.

use serde_json::{Map, Value, json};

pub fn meta(v: &Value) -> Option<&Map<String, Value>> {
    v.get("metadata")?.as_object()
}

pub fn meta_mut(v: &mut Value) -> &mut Map<String, Value> {
    if !v.get("metadata").is_some_and(|m| m.is_object()) {
        v["metadata"] = json!({});
    }
    v["metadata"]
        .as_object_mut()
        .expect("metadata is an object")
}

pub fn str_field<'a>(v: &'a Value, field: &str) -> Option<&'a str> {
    meta(v)?.get(field)?.as_str()
}

pub fn name(v: &Value) -> Option<&str> {
    str_field(v, "name").filter(|s| !s.is_empty())
}

pub fn namespace(v: &Value) -> Option<&str> {
    str_field(v, "namespace").filter(|s| !s.is_empty())
}

/// `metadata.resourceVersion` as a number; `Err` when set but not a number.
pub fn resource_version(v: &Value) -> Result<Option<u64>, String> {
    match str_field(v, "resourceVersion") {
        None | Some("") => Ok(None),
        Some(s) => s
            .parse::<u64>()
            .map(Some)
            .map_err(|_| format!("invalid resourceVersion {s:?}")),
    }
}

pub fn finalizers(v: &Value) -> Vec<String> {
    meta(v)
        .and_then(|m| m.get("finalizers"))
        .and_then(|f| f.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

pub fn deletion_timestamp(v: &Value) -> Option<&str> {
    str_field(v, "deletionTimestamp")
}

pub fn labels(v: &Value) -> Option<&Map<String, Value>> {
    meta(v)?.get("labels")?.as_object()
}

/// The current time in Kubernetes' `Time` form (RFC 3339, seconds).
pub fn now() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

pub fn new_uid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// A name from `generateName`: the prefix plus five random characters.
pub fn generate_name(prefix: &str) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let max_prefix = 63 - 5;
    let prefix = if prefix.len() > max_prefix {
        &prefix[..max_prefix]
    } else {
        prefix
    };
    let mut s = String::with_capacity(prefix.len() + 5);
    s.push_str(prefix);
    for b in bytes.iter().take(5) {
        s.push(ALPHABET[*b as usize % ALPHABET.len()] as char);
    }
    s
}

/// Remove the fields that differ between two writes of the same content.
fn comparable(v: &Value) -> Value {
    let mut c = v.clone();
    if let Some(m) = c.get_mut("metadata").and_then(|m| m.as_object_mut()) {
        m.remove("resourceVersion");
        m.remove("managedFields");
    }
    c
}

/// Whether an update changes nothing but bookkeeping.
pub fn same_content(a: &Value, b: &Value) -> bool {
    comparable(a) == comparable(b)
}
