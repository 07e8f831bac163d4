//! Kind-specific rules applied on every write, as Kubernetes' per-kind strategies do:
//! normalisation before storage (`prepare`) and the checks that metadata validation does not
//! cover (`validate`), including fields that may not change after creation.

use base64::Engine;
use serde_json::{Value, json};

use super::selector::LabelSelector;
use super::validation::Cause;

/// Normalise an object about to be stored (create or update).
pub fn prepare(group: &str, kind: &str, obj: &mut Value) {
    match (group, kind) {
        ("", "Namespace") => {
            // Every namespace carries its own name as a label, which selectors rely on.
            if let Some(name) = obj["metadata"]["name"].as_str().map(String::from) {
                let m = super::meta::meta_mut(obj);
                if !m.get("labels").is_some_and(|l| l.is_object()) {
                    m.insert("labels".into(), json!({}));
                }
                m["labels"]["kubernetes.io/metadata.name"] = json!(name);
            }
        }
        ("", "Secret") => {
            // stringData is write-only: merged into data (base64), never stored.
            if let Some(sd) = obj.as_object_mut().and_then(|m| m.remove("stringData")) {
                if let Some(sd) = sd.as_object() {
                    if !obj.get("data").is_some_and(|d| d.is_object()) {
                        obj["data"] = json!({});
                    }
                    for (k, v) in sd {
                        if let Some(s) = v.as_str() {
                            obj["data"][k] =
                                json!(base64::engine::general_purpose::STANDARD.encode(s));
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

fn cause(field: &str, reason: &'static str, message: String) -> Cause {
    Cause {
        field: field.to_string(),
        reason,
        message,
    }
}

fn immutable(field: &str, old: &Value, new: &Value, out: &mut Vec<Cause>) {
    if old != new {
        out.push(cause(
            field,
            Cause::INVALID,
            format!("Invalid value: {}: field is immutable", short(new)),
        ));
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 120 {
        format!("{}...", &s[..120])
    } else {
        s
    }
}

/// A selector (a LabelSelector, or a plain label map as ReplicationControllers use) in the
/// text form of label selector queries, terms sorted. `Err` names an unknown operator.
pub fn selector_expression(sel: &Value) -> Result<String, String> {
    let mut parts = vec![];
    let labels = match sel.get("matchLabels") {
        Some(l) => Some(l),
        None if sel.get("matchExpressions").is_none() => Some(sel),
        None => None,
    };
    if let Some(m) = labels.and_then(|l| l.as_object()) {
        for (k, v) in m {
            if let Some(v) = v.as_str() {
                parts.push(format!("{k}={v}"));
            }
        }
    }
    if let Some(exprs) = sel.get("matchExpressions").and_then(|e| e.as_array()) {
        for e in exprs {
            let key = e["key"].as_str().unwrap_or("");
            let values: Vec<&str> = e["values"]
                .as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
                .unwrap_or_default();
            match e["operator"].as_str().unwrap_or("") {
                "In" => parts.push(format!("{key} in ({})", values.join(","))),
                "NotIn" => parts.push(format!("{key} notin ({})", values.join(","))),
                "Exists" => parts.push(key.to_string()),
                "DoesNotExist" => parts.push(format!("!{key}")),
                other => return Err(other.to_string()),
            }
        }
    }
    parts.sort();
    Ok(parts.join(","))
}

/// A workload's `spec.selector` (a LabelSelector) must be set and select its template's labels.
fn workload_selector(obj: &Value, out: &mut Vec<Cause>) {
    let sel = &obj["spec"]["selector"];
    if sel.is_null() {
        out.push(cause(
            "spec.selector",
            Cause::REQUIRED,
            "Required value".into(),
        ));
        return;
    }
    let labels = obj["spec"]["template"]["metadata"]["labels"].as_object();
    let expr = match selector_expression(sel) {
        Ok(e) => e,
        Err(op) => {
            out.push(cause(
                "spec.selector.matchExpressions.operator",
                Cause::INVALID,
                format!("Invalid value: {op:?}: not a valid selector operator"),
            ));
            return;
        }
    };
    if expr.is_empty() {
        out.push(cause(
            "spec.selector",
            Cause::INVALID,
            "Invalid value: \"{}\": empty selector is invalid for this workload".into(),
        ));
        return;
    }
    match LabelSelector::parse(&expr) {
        Ok(s) => {
            if !s.matches(labels) {
                out.push(cause(
                    "spec.template.metadata.labels",
                    Cause::INVALID,
                    format!(
                        "Invalid value: {}: `selector` does not match template `labels`",
                        short(&obj["spec"]["template"]["metadata"]["labels"])
                    ),
                ));
            }
        }
        Err(e) => out.push(cause(
            "spec.selector",
            Cause::INVALID,
            format!("Invalid value: {e}"),
        )),
    }
}

/// Keys of ConfigMap and Secret data must be usable as file names and environment names.
fn config_keys(obj: &Value, field: &str, out: &mut Vec<Cause>) {
    let Some(m) = obj[field].as_object() else {
        return;
    };
    for k in m.keys() {
        let ok = !k.is_empty()
            && k.len() <= 253
            && k.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && k != "."
            && k != ".."
            && !k.starts_with("..");
        if !ok {
            out.push(cause(
                &format!("{field}[{k}]"),
                Cause::INVALID,
                format!(
                    "Invalid value: {k:?}: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"
                ),
            ));
        }
    }
}

/// Kind-specific checks of a new object (`old` is `None`) or an update.
pub fn validate(group: &str, kind: &str, obj: &Value, old: Option<&Value>) -> Vec<Cause> {
    let mut out = vec![];
    match (group, kind) {
        ("", "Secret") => {
            config_keys(obj, "data", &mut out);
            if let Some(old) = old {
                immutable("type", &old["type"], &obj["type"], &mut out);
            }
            if let Some(old) = old {
                if old["immutable"] == json!(true) {
                    immutable("data", &old["data"], &obj["data"], &mut out);
                }
            }
        }
        ("", "ConfigMap") => {
            config_keys(obj, "data", &mut out);
            config_keys(obj, "binaryData", &mut out);
            if let (Some(d), Some(b)) = (obj["data"].as_object(), obj["binaryData"].as_object()) {
                for k in d.keys().filter(|k| b.contains_key(*k)) {
                    out.push(cause(
                        &format!("data[{k}]"),
                        Cause::INVALID,
                        format!("Invalid value: {k:?}: duplicate of key present in binaryData"),
                    ));
                }
            }
            if let Some(old) = old {
                if old["immutable"] == json!(true) {
                    immutable("data", &old["data"], &obj["data"], &mut out);
                    immutable(
                        "binaryData",
                        &old["binaryData"],
                        &obj["binaryData"],
                        &mut out,
                    );
                }
            }
        }
        ("", "Service") => out.extend(super::services::validate(obj, old)),
        ("apps", "Deployment" | "ReplicaSet" | "StatefulSet" | "DaemonSet") => {
            workload_selector(obj, &mut out);
            if let Some(old) = old {
                immutable(
                    "spec.selector",
                    &old["spec"]["selector"],
                    &obj["spec"]["selector"],
                    &mut out,
                );
            }
            if let Some(r) = obj["spec"]["replicas"].as_i64() {
                if r < 0 {
                    out.push(cause(
                        "spec.replicas",
                        Cause::INVALID,
                        format!("Invalid value: {r}: must be greater than or equal to 0"),
                    ));
                }
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_merge_string_data_and_keep_type() {
        let mut s = json!({"metadata": {"name": "s"}, "data": {"a": "eA=="}, "stringData": {"b": "admin", "a": "y"}});
        prepare("", "Secret", &mut s);
        assert!(s.get("stringData").is_none());
        assert_eq!(s["data"]["b"], "YWRtaW4=");
        assert_eq!(s["data"]["a"], "eQ==");
        let old = json!({"type": "Opaque"});
        let new = json!({"type": "kubernetes.io/tls"});
        let c = validate("", "Secret", &new, Some(&old));
        assert_eq!(c[0].field, "type");
        let bad = json!({"data": {"bad key": "eA=="}});
        assert_eq!(validate("", "Secret", &bad, None)[0].field, "data[bad key]");
        let cm =
            json!({"data": {"ok.key_1-x": "1", "..x": "2"}, "binaryData": {"ok.key_1-x": "eA=="}});
        let c = validate("", "ConfigMap", &cm, None);
        assert_eq!(
            c.len(),
            2,
            "{:?}",
            c.iter().map(|c| &c.field).collect::<Vec<_>>()
        );
    }

    #[test]
    fn namespaces_carry_their_name_label() {
        let mut n = json!({"metadata": {"name": "team-a", "labels": {"x": "y"}}});
        prepare("", "Namespace", &mut n);
        assert_eq!(
            n["metadata"]["labels"]["kubernetes.io/metadata.name"],
            "team-a"
        );
        assert_eq!(n["metadata"]["labels"]["x"], "y");
    }

    #[test]
    fn workload_selectors_must_match_templates() {
        let d = json!({"spec": {"selector": {"matchLabels": {"app": "a"}}, "template": {"metadata": {"labels": {"app": "b"}}}}});
        let c = validate("apps", "Deployment", &d, None);
        assert_eq!(c[0].field, "spec.template.metadata.labels");
        let ok = json!({"spec": {"selector": {"matchLabels": {"app": "a"}}, "template": {"metadata": {"labels": {"app": "a", "x": "y"}}}}});
        assert!(validate("apps", "Deployment", &ok, None).is_empty());
        let moved = json!({"spec": {"selector": {"matchLabels": {"app": "x"}}, "template": {"metadata": {"labels": {"app": "x"}}}}});
        let c = validate("apps", "Deployment", &moved, Some(&ok));
        assert_eq!(c[0].field, "spec.selector");
        let missing = json!({"spec": {"template": {"metadata": {"labels": {"app": "a"}}}}});
        assert_eq!(
            validate("apps", "Deployment", &missing, None)[0].reason,
            Cause::REQUIRED
        );
    }
}
