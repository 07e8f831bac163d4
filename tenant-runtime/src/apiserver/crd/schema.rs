//! Structural schemas of custom resources (a CRD version's `openAPIV3Schema`): loading and
//! checking a schema when its CRD is written, then pruning unknown fields, applying
//! `default`s and validating objects (types, formats, bounds, enums, patterns, list
//! semantics and CEL rules) on every write.

use std::collections::{BTreeMap, HashSet};

use base64::Engine;
use serde_json::{Map, Value, json};

use super::cel::{Outcome, Rule};
use crate::apiserver::validation::Cause;

/// What a node allows beyond its declared properties.
#[derive(Debug, Default)]
pub enum Additional {
    /// Nothing declared.
    #[default]
    None,
    /// `additionalProperties: true|false`.
    Bool(bool),
    /// `additionalProperties: {schema}`: a map.
    Schema(Box<Schema>),
}

/// One node of a structural schema.
#[derive(Debug, Default)]
pub struct Schema {
    pub type_: Option<String>,
    pub format: Option<String>,
    pub nullable: bool,
    pub properties: BTreeMap<String, Schema>,
    pub required: Vec<String>,
    pub items: Option<Box<Schema>>,
    pub additional: Additional,
    pub enum_: Option<Vec<Value>>,
    pub minimum: Option<f64>,
    pub exclusive_minimum: bool,
    pub maximum: Option<f64>,
    pub exclusive_maximum: bool,
    pub multiple_of: Option<f64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub pattern: Option<(String, regex::Regex)>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub unique_items: bool,
    pub min_properties: Option<u64>,
    pub max_properties: Option<u64>,
    pub default: Option<Value>,
    pub preserve_unknown: bool,
    pub int_or_string: bool,
    pub embedded: bool,
    pub list_type: Option<String>,
    pub list_map_keys: Vec<String>,
    pub all_of: Vec<Schema>,
    pub any_of: Vec<Schema>,
    pub one_of: Vec<Schema>,
    pub not: Option<Box<Schema>>,
    pub rules: Vec<Rule>,
}

const TYPES: &[&str] = &["object", "array", "string", "integer", "number", "boolean"];

fn u(v: &Map<String, Value>, k: &str) -> Option<u64> {
    v.get(k).and_then(Value::as_u64)
}

fn f(v: &Map<String, Value>, k: &str) -> Option<f64> {
    v.get(k).and_then(Value::as_f64)
}

fn flag(v: &Map<String, Value>, k: &str) -> bool {
    v.get(k) == Some(&Value::Bool(true))
}

fn strs(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn invalid(field: &str, message: impl Into<String>) -> Cause {
    Cause {
        field: field.to_string(),
        reason: Cause::INVALID,
        message: message.into(),
    }
}

impl Schema {
    /// Loads a schema, reporting where it is not structural (`field` names the schema's place
    /// in the CRD, e.g. `spec.versions[0].schema.openAPIV3Schema`). A node under
    /// `allOf`/`anyOf`/`oneOf`/`not` (`value_only`) may leave out its type.
    pub fn load(v: &Value, field: &str, errs: &mut Vec<Cause>) -> Schema {
        Self::load_node(v, field, false, errs)
    }

    fn load_node(v: &Value, field: &str, value_only: bool, errs: &mut Vec<Cause>) -> Schema {
        let Some(m) = v.as_object() else {
            errs.push(invalid(field, "Invalid value: must be an object"));
            return Schema::default();
        };
        let mut s = Schema {
            type_: m.get("type").and_then(Value::as_str).map(String::from),
            format: m
                .get("format")
                .and_then(Value::as_str)
                .filter(|f| !f.is_empty())
                .map(String::from),
            nullable: flag(m, "nullable"),
            required: strs(m.get("required")),
            enum_: m.get("enum").and_then(Value::as_array).cloned(),
            minimum: f(m, "minimum"),
            exclusive_minimum: flag(m, "exclusiveMinimum"),
            maximum: f(m, "maximum"),
            exclusive_maximum: flag(m, "exclusiveMaximum"),
            multiple_of: f(m, "multipleOf"),
            min_length: u(m, "minLength"),
            max_length: u(m, "maxLength"),
            min_items: u(m, "minItems"),
            max_items: u(m, "maxItems"),
            unique_items: flag(m, "uniqueItems"),
            min_properties: u(m, "minProperties"),
            max_properties: u(m, "maxProperties"),
            default: m.get("default").cloned(),
            preserve_unknown: flag(m, "x-kubernetes-preserve-unknown-fields"),
            int_or_string: flag(m, "x-kubernetes-int-or-string"),
            embedded: flag(m, "x-kubernetes-embedded-resource"),
            list_type: m
                .get("x-kubernetes-list-type")
                .and_then(Value::as_str)
                .map(String::from),
            list_map_keys: strs(m.get("x-kubernetes-list-map-keys")),
            ..Default::default()
        };
        match &s.type_ {
            Some(t) if !TYPES.contains(&t.as_str()) => errs.push(Cause {
                field: format!("{field}.type"),
                reason: "FieldValueNotSupported",
                message: format!(
                    "Unsupported value: {}: supported values: \"array\", \"boolean\", \"integer\", \"number\", \"object\", \"string\"",
                    json!(t)
                ),
            }),
            Some(_) if s.int_or_string => errs.push(Cause {
                field: format!("{field}.type"),
                reason: "FieldValueForbidden",
                message: "Forbidden: must be empty if x-kubernetes-int-or-string is true".into(),
            }),
            None if !value_only && !s.int_or_string && !s.preserve_unknown => {
                errs.push(Cause {
                    field: format!("{field}.type"),
                    reason: Cause::REQUIRED,
                    message: "Required value: must not be empty for specified object fields"
                        .into(),
                })
            }
            _ => {}
        }
        if let Some(p) = m.get("pattern").and_then(Value::as_str) {
            match regex::Regex::new(p) {
                Ok(r) => s.pattern = Some((p.to_string(), r)),
                Err(e) => errs.push(invalid(
                    &format!("{field}.pattern"),
                    format!(
                        "Invalid value: {}: must be a valid regular expression, but isn't: {e}",
                        json!(p)
                    ),
                )),
            }
        }
        if let Some(Value::Object(props)) = m.get("properties") {
            for (k, pv) in props {
                let child =
                    Self::load_node(pv, &format!("{field}.properties[{k}]"), value_only, errs);
                s.properties.insert(k.clone(), child);
            }
        }
        match m.get("additionalProperties") {
            Some(Value::Bool(b)) => s.additional = Additional::Bool(*b),
            Some(v @ Value::Object(_)) => {
                s.additional = Additional::Schema(Box::new(Self::load_node(
                    v,
                    &format!("{field}.additionalProperties"),
                    value_only,
                    errs,
                )))
            }
            _ => {}
        }
        if !s.properties.is_empty() && !matches!(s.additional, Additional::None) {
            errs.push(Cause {
                field: format!("{field}.additionalProperties"),
                reason: "FieldValueForbidden",
                message: "Forbidden: additionalProperties and properties are mutual exclusive"
                    .into(),
            });
        }
        if let Some(items) = m.get("items") {
            if items.is_array() {
                errs.push(Cause {
                    field: format!("{field}.items"),
                    reason: "FieldValueForbidden",
                    message: "Forbidden: items must be a schema object and not an array".into(),
                });
            } else {
                s.items = Some(Box::new(Self::load_node(
                    items,
                    &format!("{field}.items"),
                    value_only,
                    errs,
                )));
            }
        } else if s.type_.as_deref() == Some("array") && !value_only {
            errs.push(Cause {
                field: format!("{field}.items"),
                reason: Cause::REQUIRED,
                message: "Required value: must be specified".into(),
            });
        }
        for (key, out) in [
            ("allOf", &mut s.all_of),
            ("anyOf", &mut s.any_of),
            ("oneOf", &mut s.one_of),
        ] {
            if let Some(Value::Array(list)) = m.get(key) {
                for (i, x) in list.iter().enumerate() {
                    out.push(Self::load_node(
                        x,
                        &format!("{field}.{key}[{i}]"),
                        true,
                        errs,
                    ));
                }
            }
        }
        if let Some(n) = m.get("not") {
            s.not = Some(Box::new(Self::load_node(
                n,
                &format!("{field}.not"),
                true,
                errs,
            )));
        }
        if let Some(lt) = &s.list_type {
            if !matches!(lt.as_str(), "atomic" | "set" | "map") {
                errs.push(Cause {
                    field: format!("{field}.x-kubernetes-list-type"),
                    reason: "FieldValueNotSupported",
                    message: format!(
                        "Unsupported value: {}: supported values: \"atomic\", \"map\", \"set\"",
                        json!(lt)
                    ),
                });
            }
            if lt == "map" && s.list_map_keys.is_empty() {
                errs.push(Cause {
                    field: format!("{field}.x-kubernetes-list-map-keys"),
                    reason: Cause::REQUIRED,
                    message: "Required value: must not be empty if x-kubernetes-list-type is map"
                        .into(),
                });
            }
        }
        if let Some(Value::Array(rules)) = m.get("x-kubernetes-validations") {
            for (i, r) in rules.iter().enumerate() {
                match Rule::parse(r) {
                    Ok(rule) => s.rules.push(rule),
                    Err(e) => errs.push(invalid(
                        &format!("{field}.x-kubernetes-validations[{i}].rule"),
                        format!(
                            "Invalid value: {}: {e}",
                            json!(r.get("rule").and_then(Value::as_str).unwrap_or(""))
                        ),
                    )),
                }
            }
        }
        s
    }

    /// Whether unknown fields under this node are kept.
    fn keeps_unknown(&self) -> bool {
        self.preserve_unknown || matches!(self.additional, Additional::Bool(true))
    }

    // -----------------------------------------------------------------------------------------
    // pruning

    /// Removes fields the schema does not know of, below an object root (`apiVersion`,
    /// `kind` and `metadata` of the root and of embedded resources are kept; metadata is
    /// handled by the caller).
    pub fn prune_root(&self, v: &mut Value) {
        self.prune(v, true);
    }

    fn prune(&self, v: &mut Value, resource_root: bool) {
        match v {
            Value::Object(m) => {
                let root = resource_root || self.embedded;
                if self.properties.is_empty()
                    && matches!(self.additional, Additional::None)
                    && self.type_.as_deref() != Some("object")
                    && !root
                {
                    // Only an int-or-string or a preserving node without a type lands here.
                    if !self.keeps_unknown() {
                        m.clear();
                    }
                    return;
                }
                m.retain(|k, child| {
                    if let Some(ps) = self.properties.get(k) {
                        // Nulls of fields that are not nullable go before defaulting.
                        if child.is_null() && !ps.nullable {
                            return false;
                        }
                        ps.prune(child, false);
                        return true;
                    }
                    if root && matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
                        return true;
                    }
                    match &self.additional {
                        Additional::Schema(a) => {
                            a.prune(child, false);
                            true
                        }
                        Additional::Bool(true) => true,
                        _ => self.preserve_unknown,
                    }
                });
            }
            Value::Array(a) => {
                if let Some(items) = &self.items {
                    for x in a {
                        items.prune(x, false);
                    }
                }
            }
            _ => {}
        }
    }

    // -----------------------------------------------------------------------------------------
    // defaulting

    /// Fills in `default`s of missing (or null, where not nullable) fields, top down.
    pub fn apply_defaults(&self, v: &mut Value) {
        match v {
            Value::Object(m) => {
                for (k, ps) in &self.properties {
                    if let Some(d) = &ps.default {
                        let missing = match m.get(k) {
                            None => true,
                            Some(Value::Null) => !ps.nullable,
                            Some(_) => false,
                        };
                        if missing {
                            m.insert(k.clone(), d.clone());
                        }
                    }
                    if let Some(child) = m.get_mut(k) {
                        ps.apply_defaults(child);
                    }
                }
                if let Additional::Schema(a) = &self.additional {
                    for child in m.values_mut() {
                        a.apply_defaults(child);
                    }
                }
            }
            Value::Array(a) => {
                if let Some(items) = &self.items {
                    for x in a {
                        items.apply_defaults(x);
                    }
                }
            }
            _ => {}
        }
    }

    // -----------------------------------------------------------------------------------------
    // validation

    /// Validates an object against the schema; `old` is the stored object on updates (for
    /// transition rules). The root's `metadata`, `apiVersion` and `kind` are checked elsewhere.
    pub fn validate_root(&self, v: &Value, old: Option<&Value>) -> Vec<Cause> {
        let mut out = vec![];
        self.validate(v, old, "", true, &mut out);
        out
    }

    fn validate(
        &self,
        v: &Value,
        old: Option<&Value>,
        path: &str,
        root: bool,
        out: &mut Vec<Cause>,
    ) {
        let shown = if path.is_empty() { "<root>" } else { path };
        let field = |p: &str| {
            if p.is_empty() {
                "<root>".to_string()
            } else {
                p.to_string()
            }
        };
        if v.is_null() {
            if !self.nullable && (self.type_.is_some() || self.int_or_string) {
                let t = self.type_.as_deref().unwrap_or("string");
                out.push(Cause {
                    field: field(path),
                    reason: Cause::TYPE_INVALID,
                    message: format!(
                        "Invalid value: \"null\": {shown} in body must be of type {t}: \"null\""
                    ),
                });
            }
            return;
        }
        if !self.type_ok(v) {
            let t = if self.int_or_string {
                "integer,string".to_string()
            } else {
                self.type_.clone().unwrap_or_default()
            };
            out.push(Cause {
                field: field(path),
                reason: Cause::TYPE_INVALID,
                message: format!(
                    "Invalid value: \"{}\": {shown} in body must be of type {t}: \"{}\"",
                    type_name(v),
                    type_name(v)
                ),
            });
            return;
        }
        let before = out.len();
        self.value_checks(v, path, shown, out);
        for s in &self.all_of {
            s.validate(v, None, path, false, out);
        }
        if !self.any_of.is_empty() {
            let ok = self.any_of.iter().any(|s| {
                let mut e = vec![];
                s.validate(v, None, path, false, &mut e);
                e.is_empty()
            });
            if !ok {
                out.push(invalid(
                    &field(path),
                    format!(
                        "Invalid value: {}: {shown} in body must be valid against at least one of the anyOf schemas",
                        short(v)
                    ),
                ));
            }
        }
        if !self.one_of.is_empty() {
            let n = self
                .one_of
                .iter()
                .filter(|s| {
                    let mut e = vec![];
                    s.validate(v, None, path, false, &mut e);
                    e.is_empty()
                })
                .count();
            if n != 1 {
                out.push(invalid(
                    &field(path),
                    format!(
                        "Invalid value: {}: {shown} in body must be valid against exactly one of the oneOf schemas",
                        short(v)
                    ),
                ));
            }
        }
        if let Some(n) = &self.not {
            let mut e = vec![];
            n.validate(v, None, path, false, &mut e);
            if e.is_empty() {
                out.push(invalid(
                    &field(path),
                    format!("Invalid value: {}: {shown} in body must not be valid against the \"not\" schema", short(v)),
                ));
            }
        }
        match v {
            Value::Object(m) => {
                for r in &self.required {
                    if !m.contains_key(r) {
                        out.push(Cause {
                            field: join(path, r),
                            reason: Cause::REQUIRED,
                            message: "Required value".into(),
                        });
                    }
                }
                for (k, child) in m {
                    if root && matches!(k.as_str(), "apiVersion" | "kind" | "metadata") {
                        continue;
                    }
                    let old_child = old.and_then(|o| o.get(k));
                    if let Some(ps) = self.properties.get(k) {
                        ps.validate(child, old_child, &join(path, k), false, out);
                    } else if let Additional::Schema(a) = &self.additional {
                        a.validate(child, old_child, &format!("{path}[{k}]"), false, out);
                    }
                }
                if self.embedded {
                    for k in ["apiVersion", "kind"] {
                        if m.get(k)
                            .and_then(Value::as_str)
                            .is_none_or(|s| s.is_empty())
                        {
                            out.push(Cause {
                                field: join(path, k),
                                reason: Cause::REQUIRED,
                                message: "Required value: must not be empty".into(),
                            });
                        }
                    }
                }
            }
            Value::Array(a) => {
                if let Some(items) = &self.items {
                    let old_items = old.and_then(Value::as_array);
                    for (i, x) in a.iter().enumerate() {
                        let old_x = match (self.list_type.as_deref(), old_items) {
                            (Some("map"), Some(olds)) => {
                                let key = map_key(x, &self.list_map_keys);
                                olds.iter().find(|o| map_key(o, &self.list_map_keys) == key)
                            }
                            (Some("set"), Some(olds)) => olds.iter().find(|o| *o == x),
                            _ => None,
                        };
                        items.validate(x, old_x, &format!("{path}[{i}]"), false, out);
                    }
                }
            }
            _ => {}
        }
        // Rules run only on values that are otherwise valid, as Kubernetes does.
        if out.len() == before {
            for r in &self.rules {
                if r.transition && old.is_none() {
                    continue;
                }
                let at = match &r.field_path {
                    Some(fp) => format!(
                        "{path}{}",
                        if fp.starts_with('.') || fp.starts_with('[') {
                            fp.clone()
                        } else {
                            format!(".{fp}")
                        }
                    ),
                    None => path.to_string(),
                };
                let at = at.trim_start_matches('.').to_string();
                match r.evaluate(v, old) {
                    Outcome::Pass => {}
                    Outcome::Fail(msg) => {
                        let message = if r.reason == "FieldValueInvalid" {
                            format!("Invalid value: \"{}\": {msg}", type_name(v))
                        } else {
                            msg
                        };
                        out.push(Cause {
                            field: field(&at),
                            reason: r.reason,
                            message,
                        });
                    }
                    Outcome::Error(e) => out.push(invalid(
                        &field(&at),
                        format!(
                            "Invalid value: \"{}\": rule evaluation failed: {e}: {}",
                            type_name(v),
                            r.rule
                        ),
                    )),
                }
            }
        }
    }

    fn type_ok(&self, v: &Value) -> bool {
        if self.int_or_string {
            return v.is_string() || is_integer(v);
        }
        match self.type_.as_deref() {
            None => true,
            Some("object") => v.is_object(),
            Some("array") => v.is_array(),
            Some("string") => v.is_string(),
            Some("integer") => is_integer(v),
            Some("number") => v.is_number(),
            Some("boolean") => v.is_boolean(),
            Some(_) => true,
        }
    }

    fn value_checks(&self, v: &Value, path: &str, shown: &str, out: &mut Vec<Cause>) {
        let field = if path.is_empty() { "<root>" } else { path };
        if let Some(e) = &self.enum_
            && !e.contains(v)
        {
            let allowed: Vec<String> = e.iter().map(|x| x.to_string()).collect();
            out.push(Cause {
                field: field.to_string(),
                reason: "FieldValueNotSupported",
                message: format!(
                    "Unsupported value: {}: supported values: {}",
                    short(v),
                    allowed.join(", ")
                ),
            });
        }
        match v {
            Value::Number(n) => {
                let x = n.as_f64().unwrap_or(0.0);
                if let Some(max) = self.maximum
                    && (x > max || (self.exclusive_maximum && x == max))
                {
                    let rel = if self.exclusive_maximum {
                        "less than"
                    } else {
                        "less than or equal to"
                    };
                    out.push(invalid(
                        field,
                        format!(
                            "Invalid value: {n}: {shown} in body should be {rel} {}",
                            num(max)
                        ),
                    ));
                }
                if let Some(min) = self.minimum
                    && (x < min || (self.exclusive_minimum && x == min))
                {
                    let rel = if self.exclusive_minimum {
                        "greater than"
                    } else {
                        "greater than or equal to"
                    };
                    out.push(invalid(
                        field,
                        format!(
                            "Invalid value: {n}: {shown} in body should be {rel} {}",
                            num(min)
                        ),
                    ));
                }
                if let Some(m) = self.multiple_of
                    && m > 0.0
                    && (x / m).fract().abs() > 1e-9
                {
                    out.push(invalid(
                        field,
                        format!(
                            "Invalid value: {n}: {shown} in body should be a multiple of {}",
                            num(m)
                        ),
                    ));
                }
                if let Some(fmt) = &self.format {
                    let bad = match fmt.as_str() {
                        "int32" => n.as_i64().is_some_and(|i| i32::try_from(i).is_err()),
                        _ => false,
                    };
                    if bad {
                        out.push(invalid(
                            field,
                            format!("Invalid value: {n}: {shown} in body must be of type {fmt}"),
                        ));
                    }
                }
            }
            Value::String(s) => {
                let len = s.chars().count() as u64;
                if let Some(max) = self.max_length
                    && len > max
                {
                    out.push(Cause {
                        field: field.to_string(),
                        reason: Cause::TOO_LONG,
                        message: format!("Too long: may not be more than {max} bytes"),
                    });
                }
                if let Some(min) = self.min_length
                    && len < min
                {
                    out.push(invalid(field, format!("Invalid value: {}: {shown} in body should be at least {min} chars long", json!(s))));
                }
                if let Some((p, r)) = &self.pattern
                    && !r.is_match(s)
                {
                    out.push(invalid(
                        field,
                        format!(
                            "Invalid value: {}: {shown} in body should match '{p}'",
                            json!(s)
                        ),
                    ));
                }
                if let Some(fmt) = &self.format
                    && !format_ok(fmt, s)
                {
                    out.push(invalid(
                        field,
                        format!(
                            "Invalid value: {}: {shown} in body must be of type {fmt}: {}",
                            json!(s),
                            json!(s)
                        ),
                    ));
                }
            }
            Value::Array(a) => {
                let n = a.len() as u64;
                if let Some(max) = self.max_items
                    && n > max
                {
                    out.push(Cause {
                        field: field.to_string(),
                        reason: "FieldValueTooMany",
                        message: format!("Too many: {n}: must have at most {max} items"),
                    });
                }
                if let Some(min) = self.min_items
                    && n < min
                {
                    out.push(invalid(
                        field,
                        format!(
                            "Invalid value: {n}: {shown} in body should have at least {min} items"
                        ),
                    ));
                }
                match self.list_type.as_deref() {
                    Some("set") => {
                        for (i, x) in a.iter().enumerate() {
                            if a[..i].contains(x) {
                                out.push(Cause {
                                    field: format!("{path}[{i}]"),
                                    reason: "FieldValueDuplicate",
                                    message: format!("Duplicate value: {}", short(x)),
                                });
                            }
                        }
                    }
                    Some("map") => {
                        let mut seen = HashSet::new();
                        for (i, x) in a.iter().enumerate() {
                            let key = map_key(x, &self.list_map_keys);
                            if !seen.insert(key.to_string()) {
                                out.push(Cause {
                                    field: format!("{path}[{i}]"),
                                    reason: "FieldValueDuplicate",
                                    message: format!("Duplicate value: {key}"),
                                });
                            }
                        }
                    }
                    _ => {
                        if self.unique_items {
                            for (i, x) in a.iter().enumerate() {
                                if a[..i].contains(x) {
                                    out.push(Cause {
                                        field: format!("{path}[{i}]"),
                                        reason: "FieldValueDuplicate",
                                        message: format!("Duplicate value: {}", short(x)),
                                    });
                                }
                            }
                        }
                    }
                }
            }
            Value::Object(m) => {
                let n = m.len() as u64;
                if let Some(max) = self.max_properties
                    && n > max
                {
                    out.push(Cause {
                        field: field.to_string(),
                        reason: "FieldValueTooMany",
                        message: format!("Too many: {n}: must have at most {max} items"),
                    });
                }
                if let Some(min) = self.min_properties
                    && n < min
                {
                    out.push(invalid(field, format!("Invalid value: {n}: {shown} in body should have at least {min} properties")));
                }
            }
            _ => {}
        }
    }

    /// The schema at a dotted field path (`spec.replicas`), following properties only.
    pub fn at(&self, path: &str) -> Option<&Schema> {
        let mut s = self;
        for part in path
            .trim_start_matches('.')
            .split('.')
            .filter(|p| !p.is_empty())
        {
            s = match s.properties.get(part) {
                Some(c) => c,
                None => match &s.additional {
                    Additional::Schema(a) => a,
                    _ => return None,
                },
            };
        }
        Some(s)
    }
}

/// The values of a map list's keys, as one JSON value (for comparing and reporting).
fn map_key(v: &Value, keys: &[String]) -> Value {
    let mut m = Map::new();
    for k in keys {
        m.insert(k.clone(), v.get(k).cloned().unwrap_or(Value::Null));
    }
    Value::Object(m)
}

fn join(path: &str, k: &str) -> String {
    if path.is_empty() {
        k.to_string()
    } else {
        format!("{path}.{k}")
    }
}

fn is_integer(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.is_i64() || n.is_u64(),
        _ => false,
    }
}

fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

fn short(v: &Value) -> String {
    let s = v.to_string();
    if s.len() > 120 {
        format!("{}...", &s[..s.floor_char_boundary(120)])
    } else {
        s
    }
}

/// The JSON type of a value, as validation messages name it.
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Checks the string formats Kubernetes checks; unknown formats pass.
pub fn format_ok(fmt: &str, s: &str) -> bool {
    match fmt {
        "byte" => base64::engine::general_purpose::STANDARD.decode(s).is_ok(),
        "date" => s.parse::<jiff::civil::Date>().is_ok(),
        "date-time" | "datetime" => s.parse::<jiff::Timestamp>().is_ok(),
        "uuid" | "uuid3" | "uuid4" | "uuid5" => uuid::Uuid::parse_str(s).is_ok(),
        "ipv4" => s.parse::<std::net::Ipv4Addr>().is_ok(),
        "ipv6" => s.parse::<std::net::Ipv6Addr>().is_ok(),
        "cidr" => s.split_once('/').is_some_and(|(ip, bits)| {
            let max = if ip.parse::<std::net::Ipv4Addr>().is_ok() {
                32
            } else if ip.parse::<std::net::Ipv6Addr>().is_ok() {
                128
            } else {
                return false;
            };
            bits.parse::<u8>().is_ok_and(|b| b <= max)
        }),
        "hostname" => {
            !s.is_empty()
                && s.len() <= 253
                && s.split('.').all(|l| {
                    !l.is_empty()
                        && l.len() <= 63
                        && !l.starts_with('-')
                        && !l.ends_with('-')
                        && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                })
        }
        "email" => s
            .split_once('@')
            .is_some_and(|(a, b)| !a.is_empty() && b.contains('.') && !b.contains('@')),
        "mac" => {
            let parts: Vec<&str> = s.split([':', '-']).collect();
            (parts.len() == 6 || parts.len() == 8)
                && parts
                    .iter()
                    .all(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_hexdigit()))
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(v: Value) -> Schema {
        let mut errs = vec![];
        let s = Schema::load(&v, "schema", &mut errs);
        assert!(errs.is_empty(), "{errs:?}");
        s
    }

    fn fields(c: &[Cause]) -> Vec<&str> {
        c.iter().map(|c| c.field.as_str()).collect()
    }

    fn crontab() -> Schema {
        load(json!({
            "type": "object",
            "properties": {
                "spec": {
                    "type": "object",
                    "required": ["cronSpec"],
                    "x-kubernetes-validations": [{"rule": "self.replicas <= self.maxReplicas", "message": "replicas must not exceed maxReplicas", "fieldPath": ".replicas"}],
                    "properties": {
                        "cronSpec": {"type": "string", "pattern": "^(\\S+ ){4}\\S+$"},
                        "image": {"type": "string", "maxLength": 10},
                        "replicas": {"type": "integer", "minimum": 0, "maximum": 10, "default": 1},
                        "maxReplicas": {"type": "integer", "default": 5},
                        "mode": {"type": "string", "enum": ["a", "b"]},
                        "port": {"x-kubernetes-int-or-string": true},
                        "tags": {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set", "maxItems": 3},
                        "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                                  "items": {"type": "object", "properties": {"name": {"type": "string"}, "port": {"type": "integer", "default": 80}}}},
                        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                        "free": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                        "template": {"type": "object", "x-kubernetes-embedded-resource": true, "properties": {"spec": {"type": "object"}}},
                        "when": {"type": "string", "format": "date-time", "nullable": true},
                        "name": {"type": "string", "x-kubernetes-validations": [{"rule": "self == oldSelf", "message": "name is immutable"}]}
                    }
                },
                "status": {"type": "object", "properties": {"replicas": {"type": "integer"}}}
            }
        }))
    }

    #[test]
    fn non_structural_schemas_are_refused() {
        let mut errs = vec![];
        Schema::load(
            &json!({"type": "object", "properties": {"a": {}, "b": {"type": "array"}, "c": {"type": "thing"},
                    "d": {"type": "object", "properties": {"x": {"type": "string"}}, "additionalProperties": true},
                    "e": {"type": "string", "pattern": "("}, "f": {"type": "string", "x-kubernetes-validations": [{"rule": "self +"}]}}}),
            "s",
            &mut errs,
        );
        let f = fields(&errs);
        for want in [
            "s.properties[a].type",
            "s.properties[b].items",
            "s.properties[c].type",
            "s.properties[d].additionalProperties",
            "s.properties[e].pattern",
            "s.properties[f].x-kubernetes-validations[0].rule",
        ] {
            assert!(f.contains(&want), "{want} missing in {f:?}");
        }
    }

    #[test]
    fn pruning_drops_unknown_fields_except_where_preserved() {
        let s = crontab();
        let mut v = json!({"apiVersion": "x/v1", "kind": "CronTab", "metadata": {"name": "a"}, "bogus": 1,
            "spec": {"cronSpec": "* * * * *", "extra": true, "labels": {"a": "b"}, "free": {"any": {"thing": 1}},
                     "ports": [{"name": "http", "junk": 1}],
                     "template": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"x": 1}, "other": 2}}});
        s.prune_root(&mut v);
        assert!(v.get("bogus").is_none());
        assert!(v["spec"].get("extra").is_none());
        assert_eq!(v["spec"]["labels"]["a"], "b");
        assert_eq!(v["spec"]["free"]["any"]["thing"], 1);
        assert!(v["spec"]["ports"][0].get("junk").is_none());
        assert_eq!(v["spec"]["template"]["kind"], "Pod");
        assert!(v["spec"]["template"].get("other").is_none());
        assert_eq!(v["metadata"]["name"], "a");
    }

    #[test]
    fn defaults_fill_missing_fields() {
        let s = crontab();
        let mut v = json!({"spec": {"cronSpec": "* * * * *", "replicas": 3, "ports": [{"name": "a"}, {"name": "b", "port": 81}]}});
        s.apply_defaults(&mut v);
        assert_eq!(v["spec"]["replicas"], 3);
        assert_eq!(v["spec"]["maxReplicas"], 5);
        assert_eq!(v["spec"]["ports"][0]["port"], 80);
        assert_eq!(v["spec"]["ports"][1]["port"], 81);
        let mut v = json!({"spec": {"replicas": null, "image": null, "when": null}});
        s.prune_root(&mut v);
        s.apply_defaults(&mut v);
        assert_eq!(v["spec"]["replicas"], 1);
        assert!(
            v["spec"].get("image").is_none(),
            "non-nullable nulls are pruned"
        );
        assert!(v["spec"]["when"].is_null(), "nullable nulls stay");
    }

    #[test]
    fn validation_reports_each_violation_with_its_field() {
        let s = crontab();
        let ok = json!({"spec": {"cronSpec": "* * * * */5", "replicas": 2, "maxReplicas": 3, "port": "http", "tags": ["a", "b"],
            "when": "2024-01-01T00:00:00Z"}});
        assert!(
            s.validate_root(&ok, None).is_empty(),
            "{:?}",
            s.validate_root(&ok, None)
        );
        let bad = json!({"spec": {"cronSpec": "nope", "image": "a-very-long-image", "replicas": 11, "mode": "c", "port": 1.5,
            "tags": ["a", "a"], "ports": [{"name": "x"}, {"name": "x"}], "labels": {"k": 1}, "when": "yesterday",
            "template": {"spec": {}}}});
        let c = s.validate_root(&bad, None);
        let f = fields(&c);
        for want in [
            "spec.cronSpec",
            "spec.image",
            "spec.replicas",
            "spec.mode",
            "spec.port",
            "spec.tags[1]",
            "spec.ports[1]",
            "spec.labels[k]",
            "spec.when",
            "spec.template.apiVersion",
            "spec.template.kind",
        ] {
            assert!(f.contains(&want), "{want} missing in {c:#?}");
        }
        let missing = s.validate_root(&json!({"spec": {}}), None);
        assert_eq!(fields(&missing), vec!["spec.cronSpec"]);
        assert_eq!(missing[0].reason, Cause::REQUIRED);
        let typed = s.validate_root(
            &json!({"spec": {"cronSpec": "* * * * *", "replicas": "two"}}),
            None,
        );
        assert!(
            typed[0].message.contains("must be of type integer"),
            "{typed:?}"
        );
        let nullable = json!({"spec": {"cronSpec": "* * * * *", "replicas": 1, "maxReplicas": 1, "when": null}});
        assert!(s.validate_root(&nullable, None).is_empty());
        let too_many = s.validate_root(
            &json!({"spec": {"cronSpec": "* * * * *", "tags": ["a", "b", "c", "d"]}}),
            None,
        );
        assert_eq!(too_many[0].reason, "FieldValueTooMany");
    }

    #[test]
    fn cel_rules_run_with_self_and_old_self() {
        let s = crontab();
        let v = json!({"spec": {"cronSpec": "* * * * *", "replicas": 4, "maxReplicas": 3}});
        let c = s.validate_root(&v, None);
        assert_eq!(fields(&c), vec!["spec.replicas"]);
        assert!(
            c[0].message
                .contains("replicas must not exceed maxReplicas"),
            "{c:?}"
        );
        let old = json!({"spec": {"cronSpec": "* * * * *", "replicas": 1, "maxReplicas": 3, "name": "a"}});
        let new = json!({"spec": {"cronSpec": "* * * * *", "replicas": 1, "maxReplicas": 3, "name": "b"}});
        assert!(
            s.validate_root(&new, None).is_empty(),
            "transition rules skip creates"
        );
        let c = s.validate_root(&new, Some(&old));
        assert_eq!(fields(&c), vec!["spec.name"]);
        assert!(c[0].message.contains("name is immutable"));
        assert!(s.validate_root(&old, Some(&old)).is_empty());
    }

    #[test]
    fn formats() {
        assert!(format_ok("ipv4", "10.0.0.1") && !format_ok("ipv4", "10.0.0"));
        assert!(format_ok("cidr", "10.0.0.0/8") && !format_ok("cidr", "10.0.0.0/33"));
        assert!(format_ok("date", "2024-02-29") && !format_ok("date", "2023-02-29"));
        assert!(format_ok("byte", "aGVsbG8=") && !format_ok("byte", "%%%"));
        assert!(format_ok("hostname", "a.example.com") && !format_ok("hostname", "-a"));
        assert!(format_ok("whatever", "x"));
    }
}
