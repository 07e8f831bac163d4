//! Object metadata validation with the rules and messages of the Kubernetes API server.
//!
//! This module owns the checks every object goes through on create: the name (or
//! `generateName`) against the kind's naming rule, the namespace against the kind's scope,
//! label keys and values, annotation keys and total size, finalizer names, the shape of
//! owner references and managed-field entries. Each failure becomes a [`Cause`] carrying the
//! field path, the Kubernetes `StatusCause` type and the message body exactly as
//! Kubernetes renders it, so the server can answer with a 422 `Invalid` Status whose
//! `details.causes` and `message` read like the real thing (see [`invalid_message`]).
//!
//! It also owns the string-syntax checks other modules share (DNS-1123 names, qualified
//! names used as label keys, label values, path-segment names).
//!
//! It must not touch storage or the wire: it only reads a `serde_json::Value` and returns
//! causes. Kind-specific `spec` validation and update rules (immutability, resource
//! versions) belong elsewhere.

use std::fmt;

use serde_json::{Map, Value};

/// One reason an object failed validation, shaped like a Kubernetes `StatusCause`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cause {
    /// Field path such as `metadata.name` or `metadata.managedFields[0].operation`.
    pub field: String,
    /// The `StatusCause` type, one of the `Cause::*` reason constants.
    pub reason: &'static str,
    /// The message body without the field, e.g. `Invalid value: "x": must be ...`.
    pub message: String,
}

impl Cause {
    /// The value is malformed.
    pub const INVALID: &'static str = "FieldValueInvalid";
    /// A required value is missing.
    pub const REQUIRED: &'static str = "FieldValueRequired";
    /// The value is not allowed here.
    pub const FORBIDDEN: &'static str = "FieldValueForbidden";
    /// The value exceeds a size limit.
    pub const TOO_LONG: &'static str = "FieldValueTooLong";
    /// The value has the wrong JSON type.
    pub const TYPE_INVALID: &'static str = "FieldValueTypeInvalid";

    fn invalid(field: impl Into<String>, bad: BadValue<'_>, detail: &str) -> Self {
        Self::with_value(field, Self::INVALID, bad, detail)
    }

    fn type_invalid(field: impl Into<String>, bad: &Value, detail: &str) -> Self {
        Self::with_value(field, Self::TYPE_INVALID, BadValue::Json(bad), detail)
    }

    fn with_value(
        field: impl Into<String>,
        reason: &'static str,
        bad: BadValue<'_>,
        detail: &str,
    ) -> Self {
        let mut message = format!("Invalid value: {bad}");
        if !detail.is_empty() {
            message.push_str(": ");
            message.push_str(detail);
        }
        Self {
            field: field.into(),
            reason,
            message,
        }
    }

    fn without_value(
        field: impl Into<String>,
        reason: &'static str,
        title: &str,
        detail: &str,
    ) -> Self {
        let message = if detail.is_empty() {
            title.to_owned()
        } else {
            format!("{title}: {detail}")
        };
        Self {
            field: field.into(),
            reason,
            message,
        }
    }

    fn required(field: impl Into<String>, detail: &str) -> Self {
        Self::without_value(field, Self::REQUIRED, "Required value", detail)
    }

    fn forbidden(field: impl Into<String>, detail: &str) -> Self {
        Self::without_value(field, Self::FORBIDDEN, "Forbidden", detail)
    }

    fn too_long(field: impl Into<String>, max_bytes: usize) -> Self {
        let unit = if max_bytes == 1 { "byte" } else { "bytes" };
        Self::without_value(
            field,
            Self::TOO_LONG,
            "Too long",
            &format!("may not be more than {max_bytes} {unit}"),
        )
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// The offending value as Kubernetes prints it inside a message.
#[derive(Clone, Copy)]
enum BadValue<'a> {
    Str(&'a str),
    Int(i64),
    Json(&'a Value),
}

impl fmt::Display for BadValue<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BadValue::Str(s) => f.write_str(&go_quote(s)),
            BadValue::Int(i) => write!(f, "{i}"),
            BadValue::Json(v) => f.write_str(&go_json(v)),
        }
    }
}

/// Joins causes the way Kubernetes aggregates field errors: a single cause is printed as
/// `field: message`, several as `[a, b]` with exact duplicates dropped.
pub fn aggregate_message(causes: &[Cause]) -> String {
    let mut seen: Vec<String> = Vec::with_capacity(causes.len());
    for cause in causes {
        let text = cause.to_string();
        if !seen.contains(&text) {
            seen.push(text);
        }
    }
    match seen.len() {
        0 => String::new(),
        1 => seen.remove(0),
        _ => format!("[{}]", seen.join(", ")),
    }
}

/// The `message` of a 422 `Invalid` Status, e.g.
/// `ConfigMap "Foo_Bar" is invalid: metadata.name: Invalid value: ...`, with the kind
/// qualified by its group as Kubernetes does (`Deployment.apps`).
pub fn invalid_message(group: &str, kind: &str, name: &str, causes: &[Cause]) -> String {
    let qualified = if group.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}.{group}")
    };
    if causes.is_empty() {
        format!("{qualified} {} is invalid", go_quote(name))
    } else {
        format!(
            "{qualified} {} is invalid: {}",
            go_quote(name),
            aggregate_message(causes)
        )
    }
}

const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_SUBDOMAIN_FMT: &str =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
const DNS1123_LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const QUALIFIED_NAME_FMT: &str = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
const QUALIFIED_NAME_MSG: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_FMT: &str = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
const LABEL_VALUE_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";

/// Longest DNS-1123 label (and label key name part, and label value).
pub const DNS1123_LABEL_MAX_LENGTH: usize = 63;
/// Longest DNS-1123 subdomain.
pub const DNS1123_SUBDOMAIN_MAX_LENGTH: usize = 253;
/// Largest total size of all annotation keys and values of one object, in bytes.
pub const TOTAL_ANNOTATION_SIZE_LIMIT: usize = 256 * 1024;
const FIELD_MANAGER_MAX_LENGTH: usize = 128;
const SUBRESOURCE_MAX_LENGTH: usize = 256;
/// A CronJob's Jobs are named `<cronjob>-<11 chars>` and must stay within 63 characters.
const CRONJOB_NAME_MAX_LENGTH: usize = 52;

/// Renders "msg (e.g. 'a',  or 'b', regex used for validation is 'fmt')" with the exact
/// spacing Kubernetes produces.
fn regex_error(msg: &str, regex: &str, examples: &[&str]) -> String {
    let mut out = String::from(msg);
    if examples.is_empty() {
        out.push_str(" (regex used for validation is '");
    } else {
        out.push_str(" (e.g. ");
        for (i, example) in examples.iter().enumerate() {
            if i > 0 {
                out.push_str(" or ");
            }
            out.push('\'');
            out.push_str(example);
            out.push_str("', ");
        }
        out.push_str("regex used for validation is '");
    }
    out.push_str(regex);
    out.push_str("')");
    out
}

fn is_lower_alnum(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

fn matches_dns1123_label(b: &[u8]) -> bool {
    match (b.first(), b.last()) {
        (Some(&first), Some(&last)) => {
            is_lower_alnum(first)
                && is_lower_alnum(last)
                && b.iter().all(|&c| is_lower_alnum(c) || c == b'-')
        }
        _ => false,
    }
}

fn matches_dns1123_subdomain(b: &[u8]) -> bool {
    b.split(|&c| c == b'.').all(matches_dns1123_label)
}

fn matches_qualified_name(b: &[u8]) -> bool {
    match (b.first(), b.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && b.iter()
                    .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

fn dns1123_label_errors(b: &[u8]) -> Vec<String> {
    let mut errs = Vec::new();
    if b.len() > DNS1123_LABEL_MAX_LENGTH {
        errs.push(format!(
            "must be no more than {DNS1123_LABEL_MAX_LENGTH} characters"
        ));
    }
    if !matches_dns1123_label(b) {
        if matches_dns1123_subdomain(b) {
            errs.push("must not contain dots".to_owned());
        } else {
            errs.push(regex_error(
                DNS1123_LABEL_MSG,
                DNS1123_LABEL_FMT,
                &["my-name", "123-abc"],
            ));
        }
    }
    errs
}

/// Subdomain check; `unit` is "characters" for object names and "bytes" where Kubernetes
/// validates a label-key prefix.
fn dns1123_subdomain_errors(b: &[u8], unit: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if b.len() > DNS1123_SUBDOMAIN_MAX_LENGTH {
        errs.push(format!(
            "must be no more than {DNS1123_SUBDOMAIN_MAX_LENGTH} {unit}"
        ));
    }
    if !matches_dns1123_subdomain(b) {
        errs.push(regex_error(
            DNS1123_SUBDOMAIN_MSG,
            DNS1123_SUBDOMAIN_FMT,
            &["example.com"],
        ));
    }
    errs
}

/// Checks a DNS-1123 label (`my-name`, at most 63 characters); returns Kubernetes' messages,
/// empty when valid.
pub fn is_dns1123_label(s: &str) -> Vec<String> {
    dns1123_label_errors(s.as_bytes())
}

/// Checks a DNS-1123 subdomain (`example.com`, at most 253 characters); returns Kubernetes'
/// messages, empty when valid.
pub fn is_dns1123_subdomain(s: &str) -> Vec<String> {
    dns1123_subdomain_errors(s.as_bytes(), "characters")
}

/// Checks a qualified name (`[prefix/]name`) as used for label keys, annotation keys and
/// finalizers; returns Kubernetes' messages, empty when valid.
pub fn is_qualified_name(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    let parts: Vec<&str> = s.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                errs.push("prefix part must be non-empty".to_owned());
            } else {
                errs.extend(
                    dns1123_subdomain_errors(prefix.as_bytes(), "bytes")
                        .into_iter()
                        .map(|msg| format!("prefix part {msg}")),
                );
            }
            *name
        }
        _ => {
            errs.push(format!(
                "a valid label key {} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
                regex_error(
                    QUALIFIED_NAME_MSG,
                    QUALIFIED_NAME_FMT,
                    &["MyName", "my.name", "123-abc"]
                )
            ));
            return errs;
        }
    };
    if name.is_empty() {
        errs.push("name part must be non-empty".to_owned());
    } else if name.len() > DNS1123_LABEL_MAX_LENGTH {
        errs.push(format!(
            "name part must be no more than {DNS1123_LABEL_MAX_LENGTH} bytes"
        ));
    }
    if !matches_qualified_name(name.as_bytes()) {
        errs.push(format!(
            "name part {}",
            regex_error(
                QUALIFIED_NAME_MSG,
                QUALIFIED_NAME_FMT,
                &["MyName", "my.name", "123-abc"]
            )
        ));
    }
    errs
}

/// Checks a label value (empty, or at most 63 alphanumerics with `-`, `_`, `.` inside);
/// returns Kubernetes' messages, empty when valid.
pub fn is_valid_label_value(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > DNS1123_LABEL_MAX_LENGTH {
        errs.push(format!(
            "must be no more than {DNS1123_LABEL_MAX_LENGTH} bytes"
        ));
    }
    if !s.is_empty() && !matches_qualified_name(s.as_bytes()) {
        errs.push(regex_error(
            LABEL_VALUE_MSG,
            LABEL_VALUE_FMT,
            &["MyValue", "my_value", "12345"],
        ));
    }
    errs
}

/// Checks a name that becomes one URL path segment (RBAC object names): not `.` or `..`
/// and without `/` or `%`. Like Kubernetes it neither requires a value nor limits length.
pub fn is_path_segment_name(s: &str) -> Vec<String> {
    for illegal in [".", ".."] {
        if s == illegal {
            return vec![format!("may not be '{illegal}'")];
        }
    }
    ["/", "%"]
        .into_iter()
        .filter(|illegal| s.contains(illegal))
        .map(|illegal| format!("may not contain '{illegal}'"))
        .collect()
}

/// How a kind's `metadata.name` is validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRule {
    /// DNS-1123 subdomain: most kinds and all custom resources.
    Dns1123Subdomain,
    /// DNS-1123 label: namespaces, services, statefulsets.
    Dns1123Label,
    /// Any string usable as a path segment: RBAC roles and bindings.
    PathSegment,
    /// No rule beyond being non-empty: certificate signing requests.
    Unrestricted,
}

impl NameRule {
    /// Validates `name`; with `prefix` it is a `generateName` to which random characters
    /// will be appended, so a trailing `-` is tolerated where the rule would reject it.
    pub fn check(self, name: &str, prefix: bool) -> Vec<String> {
        match self {
            NameRule::Dns1123Subdomain => {
                dns1123_subdomain_errors(&mask_trailing_dash(name, prefix), "characters")
            }
            NameRule::Dns1123Label => dns1123_label_errors(&mask_trailing_dash(name, prefix)),
            // Kubernetes ignores the prefix flag for path-segment names.
            NameRule::PathSegment => is_path_segment_name(name),
            NameRule::Unrestricted => Vec::new(),
        }
    }
}

/// Kubernetes checks a generateName prefix by replacing its last two bytes with `a` when
/// it ends in `-` (a quirk kept for identical results).
fn mask_trailing_dash(name: &str, prefix: bool) -> Vec<u8> {
    let bytes = name.as_bytes();
    if prefix && bytes.len() > 1 && bytes.ends_with(b"-") {
        let mut masked = bytes[..bytes.len() - 2].to_vec();
        masked.push(b'a');
        masked
    } else {
        bytes.to_vec()
    }
}

/// The naming rule Kubernetes applies to `metadata.name` of a kind (`group` "" is core,
/// `kind` is the Kind such as "Service").
pub fn name_rule(group: &str, kind: &str) -> NameRule {
    match (group, kind) {
        ("", "Namespace" | "Service") | ("apps", "StatefulSet") => NameRule::Dns1123Label,
        (
            "rbac.authorization.k8s.io",
            "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding",
        ) => NameRule::PathSegment,
        ("certificates.k8s.io", "CertificateSigningRequest") => NameRule::Unrestricted,
        _ => NameRule::Dns1123Subdomain,
    }
}

/// Validates the `metadata` of an object being created, in Kubernetes' order: generateName,
/// name, namespace, generation, labels, annotations, ownerReferences, finalizers,
/// managedFields (then the CronJob name length rule).
///
/// A missing `name` is accepted when `generateName` is set, because the server generates
/// the name before storing; the prefix itself is still checked. `namespaced` is the scope of
/// the kind: a namespaced object must carry a valid namespace, a cluster-scoped one none
/// (callers that copy the namespace from the URL should do so before calling this).
/// Values of the wrong JSON type are reported as `FieldValueTypeInvalid`.
pub fn validate_metadata(group: &str, kind: &str, namespaced: bool, obj: &Value) -> Vec<Cause> {
    let mut causes = Vec::new();
    let empty = Map::new();
    let meta = match obj.get("metadata") {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(meta)) => meta,
        Some(other) => {
            causes.push(Cause::type_invalid("metadata", other, "must be an object"));
            return causes;
        }
    };
    let rule = name_rule(group, kind);

    let generate_name = string_field(meta, "generateName", "metadata.generateName", &mut causes)
        .filter(|g| !g.is_empty());
    if let Some(generate_name) = generate_name {
        for msg in rule.check(generate_name, true) {
            causes.push(Cause::invalid(
                "metadata.generateName",
                BadValue::Str(generate_name),
                &msg,
            ));
        }
    }
    let name = string_field(meta, "name", "metadata.name", &mut causes).unwrap_or("");
    if name.is_empty() {
        if generate_name.is_none() {
            causes.push(Cause::required(
                "metadata.name",
                "name or generateName is required",
            ));
        }
    } else {
        for msg in rule.check(name, false) {
            causes.push(Cause::invalid("metadata.name", BadValue::Str(name), &msg));
        }
    }

    let namespace =
        string_field(meta, "namespace", "metadata.namespace", &mut causes).unwrap_or("");
    if namespaced {
        if namespace.is_empty() {
            causes.push(Cause::required("metadata.namespace", ""));
        } else {
            for msg in is_dns1123_label(namespace) {
                causes.push(Cause::invalid(
                    "metadata.namespace",
                    BadValue::Str(namespace),
                    &msg,
                ));
            }
        }
    } else if !namespace.is_empty() {
        causes.push(Cause::forbidden(
            "metadata.namespace",
            "not allowed on this type",
        ));
    }

    match meta.get("generation") {
        None | Some(Value::Null) => {}
        Some(value) => match value.as_i64() {
            Some(generation) if generation < 0 => causes.push(Cause::invalid(
                "metadata.generation",
                BadValue::Int(generation),
                "must be greater than or equal to 0",
            )),
            Some(_) => {}
            None => causes.push(Cause::type_invalid(
                "metadata.generation",
                value,
                "must be an integer",
            )),
        },
    }

    validate_labels(meta, &mut causes);
    validate_annotations(meta, &mut causes);
    validate_owner_references(meta, &mut causes);
    validate_finalizers(meta, &mut causes);
    validate_managed_fields(meta, &mut causes);

    if group == "batch" && kind == "CronJob" && name.len() > CRONJOB_NAME_MAX_LENGTH {
        causes.push(Cause::invalid(
            "metadata.name",
            BadValue::Str(name),
            &format!("must be no more than {CRONJOB_NAME_MAX_LENGTH} characters"),
        ));
    }
    causes
}

/// Reads an optional string; absent or null is `None`, another type is reported.
fn string_field<'a>(
    map: &'a Map<String, Value>,
    key: &str,
    path: &str,
    causes: &mut Vec<Cause>,
) -> Option<&'a str> {
    match map.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(other) => {
            causes.push(Cause::type_invalid(path, other, "must be a string"));
            None
        }
    }
}

/// Reads an optional object-valued metadata field (labels, annotations).
fn object_field<'a>(
    meta: &'a Map<String, Value>,
    key: &str,
    path: &str,
    causes: &mut Vec<Cause>,
) -> Option<&'a Map<String, Value>> {
    match meta.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) => Some(map),
        Some(other) => {
            causes.push(Cause::type_invalid(path, other, "must be an object"));
            None
        }
    }
}

/// Reads an optional array-valued metadata field.
fn array_field<'a>(
    meta: &'a Map<String, Value>,
    key: &str,
    path: &str,
    causes: &mut Vec<Cause>,
) -> Option<&'a Vec<Value>> {
    match meta.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) => Some(items),
        Some(other) => {
            causes.push(Cause::type_invalid(path, other, "must be an array"));
            None
        }
    }
}

fn validate_labels(meta: &Map<String, Value>, causes: &mut Vec<Cause>) {
    const PATH: &str = "metadata.labels";
    let Some(labels) = object_field(meta, "labels", PATH, causes) else {
        return;
    };
    for (key, value) in labels {
        for msg in is_qualified_name(key) {
            causes.push(Cause::invalid(PATH, BadValue::Str(key), &msg));
        }
        match value {
            Value::String(value) => {
                for msg in is_valid_label_value(value) {
                    causes.push(Cause::invalid(PATH, BadValue::Str(value), &msg));
                }
            }
            other => causes.push(Cause::type_invalid(
                format!("{PATH}[{key}]"),
                other,
                "must be a string",
            )),
        }
    }
}

fn validate_annotations(meta: &Map<String, Value>, causes: &mut Vec<Cause>) {
    const PATH: &str = "metadata.annotations";
    let Some(annotations) = object_field(meta, "annotations", PATH, causes) else {
        return;
    };
    let mut total = 0usize;
    for (key, value) in annotations {
        // Annotation keys follow the qualified-name rule, except that case does not matter.
        for msg in is_qualified_name(&key.to_lowercase()) {
            causes.push(Cause::invalid(PATH, BadValue::Str(key), &msg));
        }
        total += key.len();
        match value {
            Value::String(value) => total += value.len(),
            other => causes.push(Cause::type_invalid(
                format!("{PATH}[{key}]"),
                other,
                "must be a string",
            )),
        }
    }
    if total > TOTAL_ANNOTATION_SIZE_LIMIT {
        causes.push(Cause::too_long(PATH, TOTAL_ANNOTATION_SIZE_LIMIT));
    }
}

fn validate_owner_references(meta: &Map<String, Value>, causes: &mut Vec<Cause>) {
    const PATH: &str = "metadata.ownerReferences";
    let Some(refs) = array_field(meta, "ownerReferences", PATH, causes) else {
        return;
    };
    let mut first_controller: Option<String> = None;
    for (i, reference) in refs.iter().enumerate() {
        let Some(fields) = reference.as_object() else {
            causes.push(Cause::type_invalid(
                format!("{PATH}[{i}]"),
                reference,
                "must be an object",
            ));
            continue;
        };
        let mut text = |key: &str| {
            string_field(fields, key, &format!("{PATH}[{i}].{key}"), causes).unwrap_or("")
        };
        let api_version = text("apiVersion");
        let kind = text("kind");
        let name = text("name");
        let uid = text("uid");
        // Kubernetes reports these without the list index.
        let (group, version) = parse_group_version(api_version).unwrap_or(("", ""));
        if version.is_empty() {
            causes.push(Cause::invalid(
                format!("{PATH}.apiVersion"),
                BadValue::Str(api_version),
                "version must not be empty",
            ));
        }
        if kind.is_empty() {
            causes.push(Cause::invalid(
                format!("{PATH}.kind"),
                BadValue::Str(kind),
                "must not be empty",
            ));
        }
        if name.is_empty() {
            causes.push(Cause::invalid(
                format!("{PATH}.name"),
                BadValue::Str(name),
                "must not be empty",
            ));
        }
        if uid.is_empty() {
            causes.push(Cause::invalid(
                format!("{PATH}.uid"),
                BadValue::Str(uid),
                "must not be empty",
            ));
        }
        if group.is_empty() && version == "v1" && kind == "Event" {
            let shown = owner_reference_json(fields);
            causes.push(Cause::invalid(
                PATH,
                BadValue::Json(&shown),
                "/v1, Kind=Event is disallowed from being an owner",
            ));
        }
        if fields.get("controller") == Some(&Value::Bool(true)) {
            let current = format!("{kind}/{name}");
            match &first_controller {
                Some(first) => {
                    let shown = Value::Array(
                        refs.iter()
                            .map(|r| r.as_object().map_or(r.clone(), owner_reference_json))
                            .collect(),
                    );
                    causes.push(Cause::invalid(
                        PATH,
                        BadValue::Json(&shown),
                        &format!(
                            "Only one reference can have Controller set to true. Found \"true\" in references for {first} and {current}"
                        ),
                    ));
                }
                None => first_controller = Some(current),
            }
        }
    }
}

/// An owner reference with Kubernetes' field order, as it appears inside messages.
fn owner_reference_json(fields: &Map<String, Value>) -> Value {
    let mut shown = Map::new();
    for key in ["apiVersion", "kind", "name", "uid"] {
        let value = fields.get(key).cloned().unwrap_or(Value::Null);
        let value = if value.is_null() {
            Value::String(String::new())
        } else {
            value
        };
        shown.insert(key.to_owned(), value);
    }
    for key in ["controller", "blockOwnerDeletion"] {
        if let Some(value) = fields.get(key).filter(|v| !v.is_null()) {
            shown.insert(key.to_owned(), value.clone());
        }
    }
    Value::Object(shown)
}

/// Splits `group/version`; `v1` is the core group. More than one `/` is an error.
fn parse_group_version(api_version: &str) -> Option<(&str, &str)> {
    if api_version.is_empty() || api_version == "/" {
        return Some(("", ""));
    }
    match api_version.matches('/').count() {
        0 => Some(("", api_version)),
        1 => api_version.split_once('/'),
        _ => None,
    }
}

fn validate_finalizers(meta: &Map<String, Value>, causes: &mut Vec<Cause>) {
    const PATH: &str = "metadata.finalizers";
    let Some(finalizers) = array_field(meta, "finalizers", PATH, causes) else {
        return;
    };
    let (mut orphan, mut foreground) = (false, false);
    for (i, finalizer) in finalizers.iter().enumerate() {
        let Some(finalizer) = finalizer.as_str() else {
            causes.push(Cause::type_invalid(
                format!("{PATH}[{i}]"),
                finalizer,
                "must be a string",
            ));
            continue;
        };
        for msg in is_qualified_name(finalizer) {
            causes.push(Cause::invalid(PATH, BadValue::Str(finalizer), &msg));
        }
        orphan |= finalizer == "orphan";
        foreground |= finalizer == "foregroundDeletion";
    }
    if orphan && foreground {
        let shown = Value::Array(finalizers.clone());
        causes.push(Cause::invalid(
            PATH,
            BadValue::Json(&shown),
            "finalizer orphan and foregroundDeletion cannot be both set",
        ));
    }
}

fn validate_managed_fields(meta: &Map<String, Value>, causes: &mut Vec<Cause>) {
    const PATH: &str = "metadata.managedFields";
    let Some(entries) = array_field(meta, "managedFields", PATH, causes) else {
        return;
    };
    for (i, entry) in entries.iter().enumerate() {
        let base = format!("{PATH}[{i}]");
        let Some(fields) = entry.as_object() else {
            causes.push(Cause::type_invalid(base, entry, "must be an object"));
            continue;
        };
        let operation =
            string_field(fields, "operation", &format!("{base}.operation"), causes).unwrap_or("");
        if operation != "Apply" && operation != "Update" {
            causes.push(Cause::invalid(
                format!("{base}.operation"),
                BadValue::Str(operation),
                "must be `Apply` or `Update`",
            ));
        }
        let fields_type =
            string_field(fields, "fieldsType", &format!("{base}.fieldsType"), causes).unwrap_or("");
        if !fields_type.is_empty() && fields_type != "FieldsV1" {
            causes.push(Cause::invalid(
                format!("{base}.fieldsType"),
                BadValue::Str(fields_type),
                "must be `FieldsV1`",
            ));
        }
        let manager =
            string_field(fields, "manager", &format!("{base}.manager"), causes).unwrap_or("");
        if manager.len() > FIELD_MANAGER_MAX_LENGTH {
            causes.push(Cause::too_long(
                format!("{base}.manager"),
                FIELD_MANAGER_MAX_LENGTH,
            ));
        }
        for (position, c) in manager.char_indices() {
            if !is_printable(c) {
                causes.push(Cause::invalid(
                    format!("{base}.manager"),
                    BadValue::Str(manager),
                    &format!(
                        "invalid character U+{:04X} (at position {position})",
                        u32::from(c)
                    ),
                ));
            }
        }
        let subresource = string_field(
            fields,
            "subresource",
            &format!("{base}.subresource"),
            causes,
        )
        .unwrap_or("");
        if subresource.len() > SUBRESOURCE_MAX_LENGTH {
            causes.push(Cause::too_long(
                format!("{base}.subresource"),
                SUBRESOURCE_MAX_LENGTH,
            ));
        }
    }
}

/// Approximates Go's `unicode.IsPrint`: no control or format characters, and the only
/// space allowed is U+0020.
fn is_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    !(c.is_control()
        || c.is_whitespace()
        || matches!(c, '\u{AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}'))
}

/// Quotes a string the way Go's `%q` does, so messages match Kubernetes byte for byte for
/// the usual inputs.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if is_printable(c) => out.push(c),
            c if u32::from(c) < 0x80 => out.push_str(&format!("\\x{:02x}", u32::from(c))),
            c if u32::from(c) < 0x10000 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push_str(&format!("\\U{:08x}", u32::from(c))),
        }
    }
    out.push('"');
    out
}

/// JSON as Go's encoder writes it: compact, with `<`, `>` and `&` escaped.
fn go_json(value: &Value) -> String {
    let text = value.to_string();
    if !text.contains(['<', '>', '&']) {
        return text;
    }
    text.replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SUBDOMAIN_REGEX_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    const LABEL_REGEX_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    const NAME_PART_REGEX_MSG: &str = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
    const LABEL_VALUE_REGEX_MSG: &str = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    fn obj(metadata: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata})
    }

    fn rendered(causes: &[Cause]) -> Vec<String> {
        causes.iter().map(Cause::to_string).collect()
    }

    #[test]
    fn subdomain_accepts_valid_names() {
        for name in ["a", "0", "abc", "a-b", "a.b", "a--b.c-d.e", "123", "x.y.z"] {
            assert!(is_dns1123_subdomain(name).is_empty(), "{name}");
        }
    }

    #[test]
    fn subdomain_rejects_invalid_names() {
        for name in [
            "", "-a", "a-", ".a", "a.", "a..b", "A", "a_b", "a b", "é", "a.-b", "a/b",
        ] {
            assert_eq!(
                is_dns1123_subdomain(name),
                vec![SUBDOMAIN_REGEX_MSG.to_owned()],
                "{name}"
            );
        }
    }

    #[test]
    fn subdomain_length_boundary_is_253() {
        let ok = format!("{}.{}", "a".repeat(126), "b".repeat(126));
        assert_eq!(ok.len(), 253);
        assert!(is_dns1123_subdomain(&ok).is_empty());
        let long = format!("{ok}c");
        assert_eq!(
            is_dns1123_subdomain(&long),
            vec!["must be no more than 253 characters".to_owned()]
        );
        let long_and_bad = format!("{}_", "a".repeat(253));
        assert_eq!(
            is_dns1123_subdomain(&long_and_bad),
            vec![
                "must be no more than 253 characters".to_owned(),
                SUBDOMAIN_REGEX_MSG.to_owned()
            ]
        );
    }

    #[test]
    fn label_rules_and_63_boundary() {
        assert!(is_dns1123_label("my-name").is_empty());
        assert!(is_dns1123_label(&"a".repeat(63)).is_empty());
        assert_eq!(
            is_dns1123_label(&"a".repeat(64)),
            vec!["must be no more than 63 characters".to_owned()]
        );
        assert_eq!(
            is_dns1123_label("a.b"),
            vec!["must not contain dots".to_owned()]
        );
        assert_eq!(is_dns1123_label("Foo"), vec![LABEL_REGEX_MSG.to_owned()]);
        assert_eq!(is_dns1123_label(""), vec![LABEL_REGEX_MSG.to_owned()]);
    }

    #[test]
    fn qualified_names() {
        for key in [
            "a",
            "A",
            "a_b.C-d",
            "example.com/MyName",
            "k8s.io/x",
            &"a".repeat(63),
        ] {
            assert!(is_qualified_name(key).is_empty(), "{key}");
        }
        assert_eq!(
            is_qualified_name(""),
            vec![
                "name part must be non-empty".to_owned(),
                NAME_PART_REGEX_MSG.to_owned()
            ]
        );
        assert_eq!(
            is_qualified_name(&"a".repeat(64)),
            vec!["name part must be no more than 63 bytes".to_owned()]
        );
        assert_eq!(
            is_qualified_name("_a"),
            vec![NAME_PART_REGEX_MSG.to_owned()]
        );
        assert_eq!(
            is_qualified_name("/a"),
            vec!["prefix part must be non-empty".to_owned()]
        );
        assert_eq!(
            is_qualified_name("Example.com/a"),
            vec![format!("prefix part {SUBDOMAIN_REGEX_MSG}")]
        );
        let long_prefix = format!("{}/a", "b".repeat(254));
        assert_eq!(
            is_qualified_name(&long_prefix),
            vec!["prefix part must be no more than 253 bytes".to_owned()]
        );
        assert_eq!(
            is_qualified_name("a/b/c"),
            vec!["a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')".to_owned()]
        );
        assert_eq!(
            is_qualified_name("example.com/"),
            vec![
                "name part must be non-empty".to_owned(),
                NAME_PART_REGEX_MSG.to_owned()
            ]
        );
    }

    #[test]
    fn label_values() {
        for value in [
            "",
            "a",
            "MyValue",
            "my_value",
            "12345",
            "a.b-c_d",
            &"v".repeat(63),
        ] {
            assert!(is_valid_label_value(value).is_empty(), "{value}");
        }
        assert_eq!(
            is_valid_label_value("-a"),
            vec![LABEL_VALUE_REGEX_MSG.to_owned()]
        );
        assert_eq!(
            is_valid_label_value("a b"),
            vec![LABEL_VALUE_REGEX_MSG.to_owned()]
        );
        assert_eq!(
            is_valid_label_value(&"v".repeat(64)),
            vec!["must be no more than 63 bytes".to_owned()]
        );
    }

    #[test]
    fn path_segment_names() {
        assert!(is_path_segment_name("system:controller:foo").is_empty());
        assert!(is_path_segment_name("Any Thing").is_empty());
        assert_eq!(is_path_segment_name("."), vec!["may not be '.'".to_owned()]);
        assert_eq!(
            is_path_segment_name(".."),
            vec!["may not be '..'".to_owned()]
        );
        assert_eq!(
            is_path_segment_name("a/b%c"),
            vec![
                "may not contain '/'".to_owned(),
                "may not contain '%'".to_owned()
            ]
        );
    }

    #[test]
    fn name_rules_per_kind() {
        assert_eq!(name_rule("", "Namespace"), NameRule::Dns1123Label);
        assert_eq!(name_rule("", "Service"), NameRule::Dns1123Label);
        assert_eq!(name_rule("apps", "StatefulSet"), NameRule::Dns1123Label);
        assert_eq!(name_rule("", "ConfigMap"), NameRule::Dns1123Subdomain);
        assert_eq!(name_rule("", "Pod"), NameRule::Dns1123Subdomain);
        assert_eq!(name_rule("apps", "Deployment"), NameRule::Dns1123Subdomain);
        assert_eq!(
            name_rule("example.com", "Widget"),
            NameRule::Dns1123Subdomain
        );
        for kind in ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"] {
            assert_eq!(
                name_rule("rbac.authorization.k8s.io", kind),
                NameRule::PathSegment
            );
        }
        assert_eq!(
            name_rule("certificates.k8s.io", "CertificateSigningRequest"),
            NameRule::Unrestricted
        );
    }

    #[test]
    fn generate_name_prefix_masks_trailing_dash() {
        assert!(NameRule::Dns1123Subdomain.check("web-", true).is_empty());
        assert!(NameRule::Dns1123Label.check("web-", true).is_empty());
        assert!(!NameRule::Dns1123Subdomain.check("web-", false).is_empty());
        // A lone dash is not masked.
        assert!(!NameRule::Dns1123Subdomain.check("-", true).is_empty());
        // The masking replaces the byte before the dash too, so "a_-" is accepted.
        assert!(NameRule::Dns1123Subdomain.check("a_-", true).is_empty());
        // Multi-byte characters before the dash do not panic.
        assert!(!NameRule::Dns1123Subdomain.check("aé-", true).is_empty());
        // Path-segment names ignore the prefix flag.
        assert_eq!(
            NameRule::PathSegment.check("..", true),
            vec!["may not be '..'".to_owned()]
        );
        assert!(NameRule::Unrestricted.check("Any/Thing%", false).is_empty());
    }

    #[test]
    fn valid_object_has_no_causes() {
        let obj = obj(json!({
            "name": "my-config",
            "namespace": "default",
            "labels": {"app": "web", "example.com/tier": "", "v": "1.0_x"},
            "annotations": {"Example.com/Note": "anything at all ✓"},
            "finalizers": ["example.com/cleanup", "kubernetes"],
            "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "123", "controller": true}],
            "generation": 3,
            "managedFields": [{"manager": "kubectl", "operation": "Apply", "fieldsType": "FieldsV1", "fieldsV1": {}}]
        }));
        assert_eq!(validate_metadata("", "ConfigMap", true, &obj), vec![]);
    }

    #[test]
    fn invalid_name_matches_kubernetes_message() {
        let causes = validate_metadata(
            "",
            "ConfigMap",
            true,
            &obj(json!({"name": "Foo_Bar", "namespace": "default"})),
        );
        assert_eq!(
            causes,
            vec![Cause {
                field: "metadata.name".into(),
                reason: Cause::INVALID,
                message: format!("Invalid value: \"Foo_Bar\": {SUBDOMAIN_REGEX_MSG}"),
            }]
        );
        assert_eq!(
            invalid_message("", "ConfigMap", "Foo_Bar", &causes),
            format!(
                "ConfigMap \"Foo_Bar\" is invalid: metadata.name: Invalid value: \"Foo_Bar\": {SUBDOMAIN_REGEX_MSG}"
            )
        );
    }

    #[test]
    fn name_length_boundaries_per_rule() {
        let ok = "a".repeat(253);
        assert!(
            validate_metadata(
                "",
                "Secret",
                true,
                &obj(json!({"name": ok, "namespace": "d"}))
            )
            .is_empty()
        );
        let too_long = "a".repeat(254);
        let causes = validate_metadata(
            "",
            "Secret",
            true,
            &obj(json!({"name": too_long, "namespace": "d"})),
        );
        assert_eq!(causes.len(), 1);
        assert_eq!(causes[0].field, "metadata.name");
        assert_eq!(
            causes[0].message,
            format!("Invalid value: \"{too_long}\": must be no more than 253 characters")
        );

        let label_ok = "a".repeat(63);
        assert!(
            validate_metadata("", "Namespace", false, &obj(json!({"name": label_ok}))).is_empty()
        );
        let label_long = "a".repeat(64);
        let causes = validate_metadata("", "Namespace", false, &obj(json!({"name": label_long})));
        assert_eq!(
            rendered(&causes),
            vec![format!(
                "metadata.name: Invalid value: \"{label_long}\": must be no more than 63 characters"
            )]
        );
        let causes = validate_metadata(
            "",
            "Service",
            true,
            &obj(json!({"name": "my.svc", "namespace": "d"})),
        );
        assert_eq!(
            rendered(&causes),
            vec!["metadata.name: Invalid value: \"my.svc\": must not contain dots".to_owned()]
        );
        // Services may start with a digit (relaxed service names are on in 1.36).
        assert!(
            validate_metadata(
                "",
                "Service",
                true,
                &obj(json!({"name": "1svc", "namespace": "d"}))
            )
            .is_empty()
        );
    }

    #[test]
    fn missing_name_and_generate_name() {
        let causes = validate_metadata("", "ConfigMap", true, &obj(json!({"namespace": "d"})));
        assert_eq!(
            causes,
            vec![Cause {
                field: "metadata.name".into(),
                reason: Cause::REQUIRED,
                message: "Required value: name or generateName is required".into(),
            }]
        );
        let causes = validate_metadata("", "ConfigMap", true, &json!({"kind": "ConfigMap"}));
        assert_eq!(
            rendered(&causes),
            vec![
                "metadata.name: Required value: name or generateName is required".to_owned(),
                "metadata.namespace: Required value".to_owned(),
            ]
        );
        assert_eq!(causes[1].reason, Cause::REQUIRED);
    }

    #[test]
    fn generate_name_is_validated_as_prefix() {
        assert!(
            validate_metadata(
                "",
                "Pod",
                true,
                &obj(json!({"generateName": "web-", "namespace": "d"}))
            )
            .is_empty()
        );
        let causes = validate_metadata(
            "",
            "Pod",
            true,
            &obj(json!({"generateName": "Web-", "namespace": "d"})),
        );
        assert_eq!(
            rendered(&causes),
            vec![format!(
                "metadata.generateName: Invalid value: \"Web-\": {SUBDOMAIN_REGEX_MSG}"
            )]
        );
        // Both set: both checked, generateName first.
        let causes = validate_metadata(
            "",
            "Pod",
            true,
            &obj(json!({"generateName": "x.", "name": "Y", "namespace": "d"})),
        );
        let fields: Vec<&str> = causes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, vec!["metadata.generateName", "metadata.name"]);
    }

    #[test]
    fn namespace_scope_rules() {
        let causes = validate_metadata(
            "",
            "ConfigMap",
            true,
            &obj(json!({"name": "a", "namespace": "Bad_NS"})),
        );
        assert_eq!(
            rendered(&causes),
            vec![format!(
                "metadata.namespace: Invalid value: \"Bad_NS\": {LABEL_REGEX_MSG}"
            )]
        );
        let causes = validate_metadata(
            "",
            "Node",
            false,
            &obj(json!({"name": "n1", "namespace": "default"})),
        );
        assert_eq!(
            causes,
            vec![Cause {
                field: "metadata.namespace".into(),
                reason: Cause::FORBIDDEN,
                message: "Forbidden: not allowed on this type".into(),
            }]
        );
        assert!(
            validate_metadata(
                "",
                "Node",
                false,
                &obj(json!({"name": "n1", "namespace": ""}))
            )
            .is_empty()
        );
    }

    #[test]
    fn rbac_and_csr_names() {
        assert!(
            validate_metadata(
                "rbac.authorization.k8s.io",
                "ClusterRole",
                false,
                &obj(json!({"name": "system:aggregate-to-admin"}))
            )
            .is_empty()
        );
        let causes = validate_metadata(
            "rbac.authorization.k8s.io",
            "Role",
            true,
            &obj(json!({"name": "a/b", "namespace": "d"})),
        );
        assert_eq!(
            rendered(&causes),
            vec!["metadata.name: Invalid value: \"a/b\": may not contain '/'".to_owned()]
        );
        assert!(
            validate_metadata(
                "certificates.k8s.io",
                "CertificateSigningRequest",
                false,
                &obj(json!({"name": "Any Name/At%All"}))
            )
            .is_empty()
        );
    }

    #[test]
    fn statefulset_and_cronjob_names() {
        let causes = validate_metadata(
            "apps",
            "StatefulSet",
            true,
            &obj(json!({"name": "db.primary", "namespace": "d"})),
        );
        assert_eq!(
            causes[0].message,
            "Invalid value: \"db.primary\": must not contain dots"
        );

        let ok = "c".repeat(52);
        assert!(
            validate_metadata(
                "batch",
                "CronJob",
                true,
                &obj(json!({"name": ok, "namespace": "d"}))
            )
            .is_empty()
        );
        let long = "c".repeat(53);
        let causes = validate_metadata(
            "batch",
            "CronJob",
            true,
            &obj(json!({"name": long, "namespace": "d"})),
        );
        assert_eq!(
            rendered(&causes),
            vec![format!(
                "metadata.name: Invalid value: \"{long}\": must be no more than 52 characters"
            )]
        );
        // Jobs have no such limit.
        assert!(
            validate_metadata(
                "batch",
                "Job",
                true,
                &obj(json!({"name": long, "namespace": "d"}))
            )
            .is_empty()
        );
    }

    #[test]
    fn negative_generation() {
        let causes = validate_metadata(
            "",
            "ConfigMap",
            true,
            &obj(json!({"name": "a", "namespace": "d", "generation": -1})),
        );
        assert_eq!(
            rendered(&causes),
            vec![
                "metadata.generation: Invalid value: -1: must be greater than or equal to 0"
                    .to_owned()
            ]
        );
    }

    #[test]
    fn label_key_and_value_causes() {
        let causes = validate_metadata(
            "",
            "ConfigMap",
            true,
            &obj(json!({
                "name": "a",
                "namespace": "d",
                "labels": {"bad key": "ok", "good": "bad value", "long": "x".repeat(64)}
            })),
        );
        assert_eq!(
            rendered(&causes),
            vec![
                format!("metadata.labels: Invalid value: \"bad key\": {NAME_PART_REGEX_MSG}"),
                format!("metadata.labels: Invalid value: \"bad value\": {LABEL_VALUE_REGEX_MSG}"),
                format!(
                    "metadata.labels: Invalid value: \"{}\": must be no more than 63 bytes",
                    "x".repeat(64)
                ),
            ]
        );
        assert!(causes.iter().all(|c| c.reason == Cause::INVALID));
    }

    #[test]
    fn non_string_label_value_is_type_invalid() {
        let causes = validate_metadata(
            "",
            "ConfigMap",
            true,
            &obj(json!({"name": "a", "namespace": "d", "labels": {"n": 5}})),
        );
        assert_eq!(causes.len(), 1);
        assert_eq!(causes[0].field, "metadata.labels[n]");
        assert_eq!(causes[0].reason, Cause::TYPE_INVALID);
        assert_eq!(causes[0].message, "Invalid value: 5: must be a string");
        let causes = validate_metadata(
            "",
            "ConfigMap",
            true,
            &obj(json!({"name": 7, "namespace": "d"})),
        );
        assert_eq!(
            rendered(&causes),
            vec![
                "metadata.name: Invalid value: 7: must be a string".to_owned(),
                "metadata.name: Required value: name or generateName is required".to_owned()
            ]
        );
        let causes = validate_metadata("", "ConfigMap", true, &json!({"metadata": []}));
        assert_eq!(
            rendered(&causes),
            vec!["metadata: Invalid value: []: must be an object".to_owned()]
        );
    }

    #[test]
    fn annotation_keys_are_case_insensitive_but_checked() {
        let causes = validate_metadata(
            "",
            "ConfigMap",
            true,
            &obj(json!({
                "name": "a",
                "namespace": "d",
                "annotations": {"Example.COM/Key": "v", "bad key": "v"}
            })),
        );
        assert_eq!(
            rendered(&causes),
            vec![format!(
                "metadata.annotations: Invalid value: \"bad key\": {NAME_PART_REGEX_MSG}"
            )]
        );
    }

    #[test]
    fn annotation_size_limit_boundary() {
        // Exactly 256 KiB of keys and values is allowed.
        let value = "x".repeat(TOTAL_ANNOTATION_SIZE_LIMIT - 1);
        let at_limit = obj(json!({"name": "a", "namespace": "d", "annotations": {"k": value}}));
        assert!(validate_metadata("", "ConfigMap", true, &at_limit).is_empty());
        let value = "x".repeat(TOTAL_ANNOTATION_SIZE_LIMIT);
        let over = obj(json!({"name": "a", "namespace": "d", "annotations": {"k": value}}));
        assert_eq!(
            validate_metadata("", "ConfigMap", true, &over),
            vec![Cause {
                field: "metadata.annotations".into(),
                reason: Cause::TOO_LONG,
                message: "Too long: may not be more than 262144 bytes".into(),
            }]
        );
    }

    #[test]
    fn finalizer_rules() {
        let causes = validate_metadata(
            "",
            "ConfigMap",
            true,
            &obj(json!({
                "name": "a",
                "namespace": "d",
                "finalizers": ["example.com/ok", "bad finalizer", "orphan", "foregroundDeletion"]
            })),
        );
        assert_eq!(
            rendered(&causes),
            vec![
                format!(
                    "metadata.finalizers: Invalid value: \"bad finalizer\": {NAME_PART_REGEX_MSG}"
                ),
                "metadata.finalizers: Invalid value: [\"example.com/ok\",\"bad finalizer\",\"orphan\",\"foregroundDeletion\"]: finalizer orphan and foregroundDeletion cannot be both set".to_owned(),
            ]
        );
    }

    #[test]
    fn owner_reference_shape() {
        let causes = validate_metadata(
            "",
            "ConfigMap",
            true,
            &obj(json!({
                "name": "a",
                "namespace": "d",
                "ownerReferences": [{"apiVersion": "apps/", "kind": "", "name": "", "uid": ""}]
            })),
        );
        assert_eq!(
            rendered(&causes),
            vec![
                "metadata.ownerReferences.apiVersion: Invalid value: \"apps/\": version must not be empty".to_owned(),
                "metadata.ownerReferences.kind: Invalid value: \"\": must not be empty".to_owned(),
                "metadata.ownerReferences.name: Invalid value: \"\": must not be empty".to_owned(),
                "metadata.ownerReferences.uid: Invalid value: \"\": must not be empty".to_owned(),
            ]
        );
        let causes = validate_metadata(
            "",
            "ConfigMap",
            true,
            &obj(json!({
                "name": "a",
                "namespace": "d",
                "ownerReferences": [{"kind": "X", "name": "x", "uid": "1", "apiVersion": "a/b/c"}]
            })),
        );
        assert_eq!(
            rendered(&causes),
            vec!["metadata.ownerReferences.apiVersion: Invalid value: \"a/b/c\": version must not be empty".to_owned()]
        );
    }

    #[test]
    fn owner_reference_banned_event_and_double_controller() {
        let causes = validate_metadata(
            "",
            "ConfigMap",
            true,
            &obj(json!({
                "name": "a",
                "namespace": "d",
                "ownerReferences": [
                    {"uid": "1", "name": "e", "kind": "Event", "apiVersion": "v1"},
                    {"apiVersion": "apps/v1", "kind": "Deployment", "name": "d1", "uid": "2", "controller": true},
                    {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "r1", "uid": "3", "controller": true, "blockOwnerDeletion": true}
                ]
            })),
        );
        assert_eq!(
            rendered(&causes),
            vec![
                "metadata.ownerReferences: Invalid value: {\"apiVersion\":\"v1\",\"kind\":\"Event\",\"name\":\"e\",\"uid\":\"1\"}: /v1, Kind=Event is disallowed from being an owner".to_owned(),
                "metadata.ownerReferences: Invalid value: [{\"apiVersion\":\"v1\",\"kind\":\"Event\",\"name\":\"e\",\"uid\":\"1\"},{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"d1\",\"uid\":\"2\",\"controller\":true},{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"r1\",\"uid\":\"3\",\"controller\":true,\"blockOwnerDeletion\":true}]: Only one reference can have Controller set to true. Found \"true\" in references for Deployment/d1 and ReplicaSet/r1".to_owned(),
            ]
        );
        // events.k8s.io Events may own objects.
        assert!(
            validate_metadata(
                "",
                "ConfigMap",
                true,
                &obj(json!({
                    "name": "a",
                    "namespace": "d",
                    "ownerReferences": [{"apiVersion": "events.k8s.io/v1", "kind": "Event", "name": "e", "uid": "1"}]
                }))
            )
            .is_empty()
        );
    }

    #[test]
    fn managed_fields_entries() {
        let causes = validate_metadata(
            "",
            "ConfigMap",
            true,
            &obj(json!({
                "name": "a",
                "namespace": "d",
                "managedFields": [
                    {"manager": "ok", "operation": "Update"},
                    {"manager": "m".repeat(129), "operation": "Patch", "fieldsType": "FieldsV2", "subresource": "s".repeat(257)},
                    {"manager": "bad\u{7}", "operation": "Apply"}
                ]
            })),
        );
        assert_eq!(
            rendered(&causes),
            vec![
                "metadata.managedFields[1].operation: Invalid value: \"Patch\": must be `Apply` or `Update`".to_owned(),
                "metadata.managedFields[1].fieldsType: Invalid value: \"FieldsV2\": must be `FieldsV1`".to_owned(),
                "metadata.managedFields[1].manager: Too long: may not be more than 128 bytes".to_owned(),
                "metadata.managedFields[1].subresource: Too long: may not be more than 256 bytes".to_owned(),
                "metadata.managedFields[2].manager: Invalid value: \"bad\\a\": invalid character U+0007 (at position 3)".to_owned(),
            ]
        );
    }

    #[test]
    fn causes_are_in_kubernetes_order() {
        let causes = validate_metadata(
            "",
            "ConfigMap",
            true,
            &obj(json!({
                "finalizers": ["x y"],
                "annotations": {"a b": ""},
                "labels": {"c d": ""},
                "generation": -2,
                "namespace": "N",
                "name": "N",
                "generateName": "G",
                "ownerReferences": [{"apiVersion": "v1", "kind": "K", "name": "n", "uid": ""}],
                "managedFields": [{"operation": "X"}]
            })),
        );
        let fields: Vec<&str> = causes.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "metadata.generateName",
                "metadata.name",
                "metadata.namespace",
                "metadata.generation",
                "metadata.labels",
                "metadata.annotations",
                "metadata.ownerReferences.uid",
                "metadata.finalizers",
                "metadata.managedFields[0].operation",
            ]
        );
    }

    #[test]
    fn aggregate_and_invalid_messages() {
        let a = Cause::required("metadata.name", "name or generateName is required");
        let b = Cause::forbidden("metadata.namespace", "not allowed on this type");
        assert_eq!(aggregate_message(&[]), "");
        assert_eq!(
            aggregate_message(std::slice::from_ref(&a)),
            "metadata.name: Required value: name or generateName is required"
        );
        assert_eq!(
            aggregate_message(&[a.clone(), b.clone(), a.clone()]),
            "[metadata.name: Required value: name or generateName is required, metadata.namespace: Forbidden: not allowed on this type]"
        );
        assert_eq!(
            aggregate_message(&[a.clone(), a.clone()]),
            "metadata.name: Required value: name or generateName is required"
        );
        assert_eq!(
            invalid_message("apps", "Deployment", "x", &[b]),
            "Deployment.apps \"x\" is invalid: metadata.namespace: Forbidden: not allowed on this type"
        );
        assert_eq!(invalid_message("", "Pod", "p", &[]), "Pod \"p\" is invalid");
    }

    #[test]
    fn go_style_quoting() {
        assert_eq!(go_quote("plain"), "\"plain\"");
        assert_eq!(go_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(go_quote("tab\tnl\n"), "\"tab\\tnl\\n\"");
        assert_eq!(go_quote("\u{1}\u{7f}"), "\"\\x01\\x7f\"");
        assert_eq!(go_quote("é✓"), "\"é✓\"");
        assert_eq!(go_quote("\u{200b}"), "\"\\u200b\"");
        assert_eq!(
            go_json(&json!({"a": "<&>"})),
            "{\"a\":\"\\u003c\\u0026\\u003e\"}"
        );
    }
}
