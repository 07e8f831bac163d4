//! Label and field selectors as the Kubernetes API server parses and applies them on list
//! and watch requests (`labelSelector=` and `fieldSelector=` query parameters).
//!
//! This module owns the selector grammars, their error messages (which the server returns
//! verbatim as the message of a 400 `BadRequest` Status), the table of fields each kind can
//! be selected by, and how those fields are read from an object in Kubernetes JSON form.
//!
//! Label selectors support `=`, `==`, `!=`, `in (…)`, `notin (…)`, existence (`key`,
//! `!key`) and the integer comparisons `>`/`<`, joined by commas. Field selectors support
//! `=`, `==` and `!=` joined by commas, with `\` escaping `,`, `=` and `\` in values.
//! Values compare as strings: booleans as `true`/`false`, numbers in decimal, missing fields
//! as the empty string.
//!
//! It must not touch storage or HTTP: callers hand it strings and `serde_json::Value`s.

use std::fmt;

use serde_json::{Map, Value};

use super::validation::{go_quote, is_qualified_name, is_valid_label_value};

/// Why a selector was rejected; `Display` is the Kubernetes message for the 400 response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SelectorError {
    /// The label selector is malformed or names an invalid key or value.
    #[error("{0}")]
    Label(String),
    /// The field selector is malformed (an unparsable term or a bad escape sequence).
    #[error("{0}")]
    Field(String),
    /// The field selector names a field the kind cannot be selected by.
    #[error("{message}")]
    UnsupportedField {
        /// The field as written in the selector.
        field: String,
        /// The Kubernetes message naming the field.
        message: String,
    },
}

/// The relation a label requirement tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operator {
    Equals,
    DoubleEquals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}

/// One comma-separated term of a label selector.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Requirement {
    key: String,
    operator: Operator,
    /// Sorted and without duplicates, as Kubernetes stores them.
    values: Vec<String>,
}

impl Requirement {
    fn matches(&self, labels: Option<&Map<String, Value>>) -> bool {
        let present = labels.and_then(|l| l.get(&self.key));
        let value = present.and_then(Value::as_str);
        let has_value = |v: &str| self.values.iter().any(|x| x == v);
        match self.operator {
            Operator::Equals | Operator::DoubleEquals | Operator::In => {
                value.is_some_and(has_value)
            }
            Operator::NotEquals | Operator::NotIn => match present {
                None => true,
                Some(_) => !value.is_some_and(has_value),
            },
            Operator::Exists => present.is_some(),
            Operator::DoesNotExist => present.is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let (Some(actual), [wanted]) = (value, self.values.as_slice()) else {
                    return false;
                };
                let (Ok(actual), Ok(wanted)) = (actual.parse::<i64>(), wanted.parse::<i64>())
                else {
                    return false;
                };
                if self.operator == Operator::GreaterThan {
                    actual > wanted
                } else {
                    actual < wanted
                }
            }
        }
    }
}

impl fmt::Display for Requirement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let values = self.values.join(",");
        match self.operator {
            Operator::Exists => write!(f, "{}", self.key),
            Operator::DoesNotExist => write!(f, "!{}", self.key),
            Operator::Equals => write!(f, "{}={values}", self.key),
            Operator::DoubleEquals => write!(f, "{}=={values}", self.key),
            Operator::NotEquals => write!(f, "{}!={values}", self.key),
            Operator::In => write!(f, "{} in ({values})", self.key),
            Operator::NotIn => write!(f, "{} notin ({values})", self.key),
            Operator::GreaterThan => write!(f, "{}>{values}", self.key),
            Operator::LessThan => write!(f, "{}<{values}", self.key),
        }
    }
}

/// A parsed `labelSelector`: every requirement must hold (comma means AND).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector {
    /// Sorted by key.
    requirements: Vec<Requirement>,
}

impl LabelSelector {
    /// Parses a label selector with Kubernetes' grammar and messages, validating keys as
    /// qualified names and values as label values.
    pub fn parse(s: &str) -> Result<Self, SelectorError> {
        let tokens = lex(s);
        let mut requirements = Parser { tokens, pos: 0 }
            .parse()
            .map_err(SelectorError::Label)?;
        requirements.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(Self { requirements })
    }

    /// True when the selector selects everything.
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// Whether a label set (`metadata.labels`; `None` means no labels) satisfies every
    /// requirement.
    pub fn matches(&self, labels: Option<&Map<String, Value>>) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }

    /// Whether an object's `metadata.labels` satisfy the selector.
    pub fn matches_object(&self, obj: &Value) -> bool {
        self.matches(
            obj.get("metadata")
                .and_then(|m| m.get("labels"))
                .and_then(Value::as_object),
        )
    }
}

/// The canonical form Kubernetes prints: requirements sorted by key, values sorted.
impl fmt::Display for LabelSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, requirement) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{requirement}")?;
        }
        Ok(())
    }
}

/// Token kinds of the label selector language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    End,
    OpenParen,
    CloseParen,
    Comma,
    Bang,
    Equals,
    DoubleEquals,
    NotEquals,
    GreaterThan,
    LessThan,
    In,
    NotIn,
    Identifier,
}

#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    tok: Tok,
    text: &'a str,
}

/// Where a token is read: in value position the keywords `in`/`notin` are plain words.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    Operator,
    Value,
}

fn is_selector_whitespace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_operator_byte(b: u8) -> bool {
    matches!(b, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

fn symbol(text: &str) -> Option<Tok> {
    Some(match text {
        "(" => Tok::OpenParen,
        ")" => Tok::CloseParen,
        "," => Tok::Comma,
        "!" => Tok::Bang,
        "=" => Tok::Equals,
        "==" => Tok::DoubleEquals,
        "!=" => Tok::NotEquals,
        ">" => Tok::GreaterThan,
        "<" => Tok::LessThan,
        _ => return None,
    })
}

/// Splits a label selector into tokens, ending with `End`. Like Kubernetes, a NUL byte is
/// the end of input where a token would start, and is skipped when it ends a token.
fn lex(s: &str) -> Vec<Token<'_>> {
    let bytes = s.as_bytes();
    let mut pos = 0;
    let mut tokens = Vec::new();
    loop {
        while pos < bytes.len() && is_selector_whitespace(bytes[pos]) {
            pos += 1;
        }
        if pos >= bytes.len() || bytes[pos] == 0 {
            tokens.push(Token {
                tok: Tok::End,
                text: "",
            });
            return tokens;
        }
        let start = pos;
        if is_operator_byte(bytes[pos]) {
            // Longest run of operator characters that still forms a known symbol.
            let mut end = pos + 1;
            while end < bytes.len()
                && is_operator_byte(bytes[end])
                && symbol(&s[start..=end]).is_some()
            {
                end += 1;
            }
            let text = &s[start..end];
            let tok = symbol(text).unwrap_or(Tok::Identifier);
            tokens.push(Token { tok, text });
            pos = end;
            if pos < bytes.len() && bytes[pos] == 0 {
                pos += 1;
            }
        } else {
            while pos < bytes.len()
                && bytes[pos] != 0
                && !is_operator_byte(bytes[pos])
                && !is_selector_whitespace(bytes[pos])
            {
                pos += 1;
            }
            let text = &s[start..pos];
            if pos < bytes.len() && bytes[pos] == 0 {
                pos += 1;
            }
            let tok = match text {
                "in" => Tok::In,
                "notin" => Tok::NotIn,
                _ => Tok::Identifier,
            };
            tokens.push(Token { tok, text });
        }
    }
}

struct Parser<'a> {
    tokens: Vec<Token<'a>>,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn peek(&self, context: Context) -> Token<'a> {
        let token = self.tokens.get(self.pos).copied().unwrap_or(Token {
            tok: Tok::End,
            text: "",
        });
        match (context, token.tok) {
            (Context::Value, Tok::In | Tok::NotIn) => Token {
                tok: Tok::Identifier,
                ..token
            },
            _ => token,
        }
    }

    fn next(&mut self, context: Context) -> Token<'a> {
        let token = self.peek(context);
        self.pos += 1;
        token
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, String> {
        let mut requirements = Vec::new();
        loop {
            let token = self.peek(Context::Value);
            match token.tok {
                Tok::Identifier | Tok::Bang => {
                    let requirement = self
                        .requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    requirements.push(requirement);
                    let after = self.next(Context::Value);
                    match after.tok {
                        Tok::End => return Ok(requirements),
                        Tok::Comma => {
                            let following = self.peek(Context::Value);
                            if !matches!(following.tok, Tok::Identifier | Tok::Bang) {
                                return Err(format!(
                                    "found '{}', expected: identifier after ','",
                                    following.text
                                ));
                            }
                        }
                        _ => {
                            return Err(format!(
                                "found '{}', expected: ',' or 'end of string'",
                                after.text
                            ));
                        }
                    }
                }
                Tok::End => return Ok(requirements),
                _ => {
                    return Err(format!(
                        "found '{}', expected: !, identifier, or 'end of string'",
                        token.text
                    ));
                }
            }
        }
    }

    fn requirement(&mut self) -> Result<Requirement, String> {
        let mut negated = false;
        let mut token = self.next(Context::Value);
        if token.tok == Tok::Bang {
            negated = true;
            token = self.next(Context::Value);
        }
        if token.tok != Tok::Identifier {
            return Err(format!("found '{}', expected: identifier", token.text));
        }
        let key = token.text;
        let key_errors = is_qualified_name(key);
        if !key_errors.is_empty() {
            return Err(format!(
                "<nil>: Invalid value: {}: {}",
                go_quote(key),
                key_errors.join("; ")
            ));
        }
        // `!key` ignores whatever follows; the caller then reports it.
        if negated {
            return new_requirement(key, Operator::DoesNotExist, Vec::new());
        }
        if matches!(self.peek(Context::Value).tok, Tok::End | Tok::Comma) {
            return new_requirement(key, Operator::Exists, Vec::new());
        }
        let operator = self.operator()?;
        let values = match operator {
            Operator::In | Operator::NotIn => self.value_set()?,
            _ => self.exact_value()?,
        };
        new_requirement(key, operator, values)
    }

    fn operator(&mut self) -> Result<Operator, String> {
        let token = self.next(Context::Operator);
        Ok(match token.tok {
            Tok::In => Operator::In,
            Tok::NotIn => Operator::NotIn,
            Tok::Equals => Operator::Equals,
            Tok::DoubleEquals => Operator::DoubleEquals,
            Tok::NotEquals => Operator::NotEquals,
            Tok::GreaterThan => Operator::GreaterThan,
            Tok::LessThan => Operator::LessThan,
            _ => {
                return Err(format!(
                    "found '{}', expected: in, notin, =, ==, !=, gt, lt",
                    token.text
                ));
            }
        })
    }

    /// `( v1, v2, … )`; empty entries stand for the empty value.
    fn value_set(&mut self) -> Result<Vec<String>, String> {
        let open = self.next(Context::Value);
        if open.tok != Tok::OpenParen {
            return Err(format!("found '{}' expected: '('", open.text));
        }
        let first = self.peek(Context::Value);
        let mut values: Vec<String> = Vec::new();
        match first.tok {
            Tok::CloseParen => {
                self.next(Context::Value);
                values.push(String::new());
                return Ok(values);
            }
            Tok::Identifier | Tok::Comma => {}
            _ => {
                return Err(format!(
                    "found '{}', expected: ',', ')' or identifier",
                    first.text
                ));
            }
        }
        loop {
            let token = self.next(Context::Value);
            match token.tok {
                Tok::Identifier => {
                    values.push(token.text.to_owned());
                    let following = self.peek(Context::Value);
                    match following.tok {
                        Tok::Comma => {}
                        Tok::CloseParen => break,
                        _ => {
                            return Err(format!(
                                "found '{}', expected: ',' or ')'",
                                following.text
                            ));
                        }
                    }
                }
                Tok::Comma => {
                    if values.is_empty() {
                        values.push(String::new());
                    }
                    match self.peek(Context::Value).tok {
                        Tok::CloseParen => {
                            values.push(String::new());
                            break;
                        }
                        Tok::Comma => {
                            self.next(Context::Value);
                            values.push(String::new());
                        }
                        _ => {}
                    }
                }
                _ => {
                    return Err(format!(
                        "found '{}', expected: ',', or identifier",
                        token.text
                    ));
                }
            }
        }
        // The closing parenthesis is guaranteed by the loop above.
        self.next(Context::Value);
        Ok(values)
    }

    /// The single value after `=`, `==`, `!=`, `>` or `<`; absent means empty.
    fn exact_value(&mut self) -> Result<Vec<String>, String> {
        if matches!(self.peek(Context::Value).tok, Tok::End | Tok::Comma) {
            return Ok(vec![String::new()]);
        }
        let token = self.next(Context::Value);
        if token.tok == Tok::Identifier {
            Ok(vec![token.text.to_owned()])
        } else {
            Err(format!("found '{}', expected: identifier", token.text))
        }
    }
}

/// Builds a requirement, sorting and deduplicating values and checking them the way
/// Kubernetes does; several problems are reported together as `[a, b]`.
fn new_requirement(
    key: &str,
    operator: Operator,
    mut values: Vec<String>,
) -> Result<Requirement, String> {
    values.sort();
    values.dedup();
    let mut errors: Vec<String> = Vec::new();
    if matches!(operator, Operator::GreaterThan | Operator::LessThan) {
        for (i, value) in values.iter().enumerate() {
            if value.parse::<i64>().is_err() {
                errors.push(format!(
                    "values[{i}]: Invalid value: {}: for 'Gt', 'Lt' operators, the value must be an integer",
                    go_quote(value)
                ));
            }
        }
    }
    for (i, value) in values.iter().enumerate() {
        let problems = is_valid_label_value(value);
        if !problems.is_empty() {
            errors.push(format!(
                "values[{i}][{key}]: Invalid value: {}: {}",
                go_quote(value),
                problems.join("; ")
            ));
        }
    }
    errors.dedup();
    match errors.len() {
        0 => Ok(Requirement {
            key: key.to_owned(),
            operator,
            values,
        }),
        1 => Err(errors.remove(0)),
        _ => Err(format!("[{}]", errors.join(", "))),
    }
}

/// One `field=value` or `field!=value` term of a field selector.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FieldTerm {
    field: String,
    value: String,
    negated: bool,
}

/// A parsed `fieldSelector`: every term must hold (comma means AND).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldSelector {
    /// In the order Kubernetes evaluates them: sorted by their text as written.
    terms: Vec<FieldTerm>,
}

impl FieldSelector {
    /// Parses a field selector; `\,`, `\=` and `\\` escape those characters in values.
    /// The field names are not checked here; see [`FieldSelector::validate_for`].
    pub fn parse(s: &str) -> Result<Self, SelectorError> {
        let mut parts = split_terms(s);
        parts.sort_unstable();
        let mut terms = Vec::with_capacity(parts.len());
        for part in parts.into_iter().filter(|p| !p.is_empty()) {
            let Some((field, negated, raw_value)) = split_term(part) else {
                return Err(SelectorError::Field(format!(
                    "invalid selector: '{s}'; can't understand '{part}'"
                )));
            };
            terms.push(FieldTerm {
                field: field.to_owned(),
                value: unescape_field_value(raw_value)?,
                negated,
            });
        }
        Ok(Self { terms })
    }

    /// True when the selector selects everything.
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Checks every field is selectable for the kind (group "" is core, `kind` is the Kind
    /// such as "Pod"), with the message Kubernetes gives for that kind. Kinds of groups
    /// Kubernetes does not serve are treated as custom resources without selectable fields
    /// (see [`FieldSelector::validate_for_custom_resource`] for ones that have some).
    pub fn validate_for(&self, group: &str, kind: &str) -> Result<(), SelectorError> {
        let table = selectable_fields(group, kind);
        match self.terms.iter().find(|t| !table.allows(&t.field)) {
            Some(term) => Err(SelectorError::UnsupportedField {
                field: term.field.clone(),
                message: table.rejection(&term.field),
            }),
            None => Ok(()),
        }
    }

    /// Checks the fields of a selector on a custom resource: `metadata.name`, for namespaced
    /// kinds `metadata.namespace`, and the CRD's `selectableFields` (given as paths such as
    /// `spec.color`; a leading `.` is ignored).
    pub fn validate_for_custom_resource(
        &self,
        namespaced: bool,
        selectable_fields: &[&str],
    ) -> Result<(), SelectorError> {
        let allowed = |field: &str| {
            field == "metadata.name"
                || (namespaced && field == "metadata.namespace")
                || selectable_fields
                    .iter()
                    .any(|f| f.strip_prefix('.').unwrap_or(f) == field)
        };
        match self.terms.iter().find(|t| !allowed(&t.field)) {
            Some(term) => Err(SelectorError::UnsupportedField {
                field: term.field.clone(),
                message: format!("field label not supported: {}", term.field),
            }),
            None => Ok(()),
        }
    }

    /// Whether an object satisfies every term, reading fields as Kubernetes exposes them
    /// for the kind (e.g. `spec.hostNetwork` of a Pod defaults to `false`, `source` of an
    /// Event falls back to the reporting controller). For kinds of other groups the field
    /// is read at its JSON path.
    pub fn matches(&self, group: &str, kind: &str, obj: &Value) -> bool {
        self.terms
            .iter()
            .all(|t| (field_value(group, kind, &t.field, obj) == t.value) != t.negated)
    }

    /// If the selector pins `metadata.name` with `=` or `==`, that name (the first such term
    /// in evaluation order), so the server can look the object up directly.
    pub fn exact_name(&self) -> Option<&str> {
        self.terms
            .iter()
            .find(|t| !t.negated && t.field == "metadata.name")
            .map(|t| t.value.as_str())
    }
}

/// The canonical form Kubernetes prints, with values re-escaped.
impl fmt::Display for FieldSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, term) in self.terms.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            let op = if term.negated { "!=" } else { "=" };
            write!(f, "{}{op}{}", term.field, escape_field_value(&term.value))?;
        }
        Ok(())
    }
}

/// Splits on commas not preceded by an escaping backslash.
fn split_terms(s: &str) -> Vec<&str> {
    if s.is_empty() {
        return Vec::new();
    }
    let mut terms = Vec::new();
    let mut start = 0;
    let mut escaped = false;
    for (i, b) in s.bytes().enumerate() {
        if escaped {
            escaped = false;
        } else if b == b'\\' {
            escaped = true;
        } else if b == b',' {
            terms.push(&s[start..i]);
            start = i + 1;
        }
    }
    terms.push(&s[start..]);
    terms
}

/// Splits a term at its first operator; `!=` and `==` win over `=` at the same position.
fn split_term(term: &str) -> Option<(&str, bool, &str)> {
    let bytes = term.as_bytes();
    for i in 0..bytes.len() {
        let rest = &bytes[i..];
        if rest.starts_with(b"!=") {
            return Some((&term[..i], true, &term[i + 2..]));
        }
        if rest.starts_with(b"==") {
            return Some((&term[..i], false, &term[i + 2..]));
        }
        if rest.starts_with(b"=") {
            return Some((&term[..i], false, &term[i + 1..]));
        }
    }
    None
}

fn unescape_field_value(raw: &str) -> Result<String, SelectorError> {
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(next @ ('\\' | ',' | '=')) => out.push(next),
                Some(other) => {
                    return Err(SelectorError::Field(format!(
                        "invalid field selector: invalid escape sequence: \\{other}"
                    )));
                }
                None => {
                    return Err(SelectorError::Field(
                        "invalid field selector: invalid escape sequence: \\".to_owned(),
                    ));
                }
            },
            // Kubernetes prints the offending character as its code point number.
            ',' | '=' => {
                return Err(SelectorError::Field(format!(
                    "invalid field selector: unescaped character in value: {}",
                    u32::from(c)
                )));
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

fn escape_field_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(c, '\\' | ',' | '=') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// How Kubernetes words the rejection of an unsupported field for a kind.
#[derive(Clone, Copy)]
enum Rejection {
    /// Built-in kinds with no field list of their own.
    MetadataOnly,
    /// `field label not supported: f` (core kinds with field lists, custom resources).
    Plain,
    /// `field label "f" not supported for batchv1.Job`.
    Job,
    /// `field label not supported for resource.k8s.io/v1, Kind=ResourceSlice: f`.
    ResourceSlice,
}

struct SelectableFields {
    fields: &'static [&'static str],
    rejection: Rejection,
}

impl SelectableFields {
    fn allows(&self, field: &str) -> bool {
        self.fields.contains(&field)
    }

    fn rejection(&self, field: &str) -> String {
        match self.rejection {
            Rejection::MetadataOnly => format!(
                "{} is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
                go_quote(field)
            ),
            Rejection::Plain => format!("field label not supported: {field}"),
            Rejection::Job => {
                format!(
                    "field label {} not supported for batchv1.Job",
                    go_quote(field)
                )
            }
            Rejection::ResourceSlice => format!(
                "field label not supported for resource.k8s.io/v1, Kind=ResourceSlice: {field}"
            ),
        }
    }
}

const META_FIELDS: &[&str] = &["metadata.name", "metadata.namespace"];
const EVENT_FIELDS: &[&str] = &[
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
    "metadata.namespace",
    "metadata.name",
];

/// API groups the Kubernetes API server serves itself; other groups are custom resources.
const BUILT_IN_GROUPS: &[&str] = &[
    "",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "apps",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "autoscaling",
    "batch",
    "certificates.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "internal.apiserver.k8s.io",
    "networking.k8s.io",
    "node.k8s.io",
    "policy",
    "rbac.authorization.k8s.io",
    "resource.k8s.io",
    "scheduling.k8s.io",
    "storage.k8s.io",
    "storagemigration.k8s.io",
];

/// The fields Kubernetes 1.36 accepts in a field selector for a kind. Note that it is
/// deliberately narrower than one might expect: nodes and namespaces do not accept
/// `metadata.namespace`, and apps/v1 ReplicaSets accept only the metadata fields.
fn selectable_fields(group: &str, kind: &str) -> SelectableFields {
    let (fields, rejection): (&'static [&'static str], Rejection) = match (group, kind) {
        ("", "Pod") => (
            &[
                "metadata.name",
                "metadata.namespace",
                "spec.nodeName",
                "spec.restartPolicy",
                "spec.schedulerName",
                "spec.serviceAccountName",
                "spec.hostNetwork",
                "status.phase",
                "status.podIP",
                "status.podIPs",
                "status.nominatedNodeName",
                // Old clients' name for spec.nodeName.
                "spec.host",
            ],
            Rejection::Plain,
        ),
        ("", "Node") => (&["metadata.name", "spec.unschedulable"], Rejection::Plain),
        ("", "ReplicationController") => (
            &["metadata.name", "metadata.namespace", "status.replicas"],
            Rejection::Plain,
        ),
        ("" | "events.k8s.io", "Event") => (EVENT_FIELDS, Rejection::Plain),
        ("", "Namespace") => (&["status.phase", "metadata.name"], Rejection::Plain),
        ("", "Secret") => (
            &["type", "metadata.namespace", "metadata.name"],
            Rejection::Plain,
        ),
        ("", "Service") => (
            &[
                "metadata.namespace",
                "metadata.name",
                "spec.clusterIP",
                "spec.type",
            ],
            Rejection::Plain,
        ),
        ("batch", "Job") => (
            &["metadata.name", "metadata.namespace", "status.successful"],
            Rejection::Job,
        ),
        ("certificates.k8s.io", "CertificateSigningRequest" | "ClusterTrustBundle") => {
            (&["metadata.name", "spec.signerName"], Rejection::Plain)
        }
        ("certificates.k8s.io", "PodCertificateRequest") => (
            &[
                "metadata.name",
                "spec.signerName",
                "spec.podName",
                "spec.nodeName",
            ],
            Rejection::Plain,
        ),
        ("resource.k8s.io", "ResourceSlice") => (
            &["metadata.name", "spec.nodeName", "spec.driver"],
            Rejection::ResourceSlice,
        ),
        (group, _) if BUILT_IN_GROUPS.contains(&group) => (META_FIELDS, Rejection::MetadataOnly),
        _ => (META_FIELDS, Rejection::Plain),
    };
    SelectableFields { fields, rejection }
}

/// The value of a selectable field of an object, as the string Kubernetes compares.
fn field_value(group: &str, kind: &str, field: &str, obj: &Value) -> String {
    match (group, kind, field) {
        (_, _, "metadata.name" | "metadata.namespace") => scalar_at(obj, field),
        ("", "Pod", "spec.host") => scalar_at(obj, "spec.nodeName"),
        ("", "Pod", "spec.hostNetwork") => bool_at(obj, "spec.hostNetwork"),
        ("", "Pod", "status.podIP") => {
            let ip = scalar_at(obj, "status.podIP");
            if ip.is_empty() {
                obj.pointer("/status/podIPs/0/ip")
                    .map(scalar)
                    .unwrap_or_default()
            } else {
                ip
            }
        }
        // Accepted by Kubernetes but never filled in its field set, so always empty.
        ("", "Pod", "status.podIPs") => String::new(),
        ("", "Node", "spec.unschedulable") => bool_at(obj, "spec.unschedulable"),
        ("", "ReplicationController", "status.replicas") => int_at(obj, "status.replicas"),
        ("batch", "Job", "status.successful") => int_at(obj, "status.succeeded"),
        ("", "Event", "source") => {
            first_non_empty(obj, &["source.component", "reportingComponent"])
        }
        ("events.k8s.io", "Event", _) => events_v1_value(field, obj),
        _ => scalar_at(obj, field),
    }
}

/// events.k8s.io Events are selected by the core Event field names.
fn events_v1_value(field: &str, obj: &Value) -> String {
    if let Some(rest) = field.strip_prefix("involvedObject.") {
        return scalar_at(obj, &format!("regarding.{rest}"));
    }
    match field {
        "reportingComponent" => scalar_at(obj, "reportingController"),
        "source" => first_non_empty(obj, &["deprecatedSource.component", "reportingController"]),
        _ => scalar_at(obj, field),
    }
}

fn lookup<'v>(obj: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(obj, |value, key| value.get(key))
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Null | Value::Array(_) | Value::Object(_) => String::new(),
    }
}

fn scalar_at(obj: &Value, path: &str) -> String {
    lookup(obj, path).map(scalar).unwrap_or_default()
}

fn bool_at(obj: &Value, path: &str) -> String {
    lookup(obj, path)
        .and_then(Value::as_bool)
        .unwrap_or(false)
        .to_string()
}

fn int_at(obj: &Value, path: &str) -> String {
    lookup(obj, path)
        .and_then(Value::as_i64)
        .unwrap_or(0)
        .to_string()
}

fn first_non_empty(obj: &Value, paths: &[&str]) -> String {
    paths
        .iter()
        .map(|p| scalar_at(obj, p))
        .find(|v| !v.is_empty())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn labels(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    fn label_err(s: &str) -> String {
        match LabelSelector::parse(s) {
            Err(SelectorError::Label(msg)) => msg,
            other => panic!("{s:?}: expected a label error, got {other:?}"),
        }
    }

    fn field_err(s: &str) -> String {
        match FieldSelector::parse(s) {
            Err(SelectorError::Field(msg)) => msg,
            other => panic!("{s:?}: expected a field error, got {other:?}"),
        }
    }

    fn sel(s: &str) -> LabelSelector {
        LabelSelector::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    fn fsel(s: &str) -> FieldSelector {
        FieldSelector::parse(s).unwrap_or_else(|e| panic!("{s:?}: {e}"))
    }

    #[test]
    fn empty_label_selector_matches_everything() {
        for s in ["", "  ", "\t\n"] {
            let selector = sel(s);
            assert!(selector.is_empty());
            assert!(selector.matches(None));
            assert!(selector.matches(Some(&labels(json!({"a": "b"})))));
        }
    }

    #[test]
    fn equality_operators() {
        let l = labels(json!({"app": "web", "tier": ""}));
        for s in ["app=web", "app==web", "app = web", " app==  web "] {
            assert!(sel(s).matches(Some(&l)), "{s}");
            assert!(!sel(s).is_empty());
        }
        assert!(!sel("app=db").matches(Some(&l)));
        assert!(!sel("missing=web").matches(Some(&l)));
        assert!(sel("app!=db").matches(Some(&l)));
        assert!(!sel("app!=web").matches(Some(&l)));
        assert!(sel("missing!=web").matches(Some(&l)));
        assert!(sel("missing!=web").matches(None));
        // An absent value means the empty value.
        assert!(sel("tier=").matches(Some(&l)));
        assert!(sel("tier==,app=web").matches(Some(&l)));
        assert!(!sel("other=").matches(Some(&l)));
    }

    #[test]
    fn set_operators() {
        let l = labels(json!({"env": "prod", "in": "notin"}));
        assert!(sel("env in (prod,dev)").matches(Some(&l)));
        assert!(sel("env in(dev, prod)").matches(Some(&l)));
        assert!(!sel("env in (dev)").matches(Some(&l)));
        assert!(!sel("missing in (dev)").matches(Some(&l)));
        assert!(sel("env notin (dev,qa)").matches(Some(&l)));
        assert!(!sel("env notin (prod)").matches(Some(&l)));
        assert!(sel("missing notin (prod)").matches(Some(&l)));
        // Keywords are plain words in key and value position.
        assert!(sel("in in (notin)").matches(Some(&l)));
        assert!(sel("in notin (in)").matches(Some(&l)));
    }

    #[test]
    fn empty_values_in_sets() {
        let empty = labels(json!({"k": ""}));
        for s in [
            "k in ()",
            "k in (,)",
            "k in (,a)",
            "k in (a,)",
            "k in (a,,b)",
        ] {
            let selector = sel(s);
            assert!(selector.matches(Some(&empty)), "{s}");
            assert!(!selector.matches(Some(&labels(json!({"k": "zz"})))), "{s}");
        }
        assert_eq!(sel("k in (b,a,,a)").to_string(), "k in (,a,b)");
        assert_eq!(sel("k in ()").to_string(), "k in ()");
    }

    #[test]
    fn existence_operators() {
        let l = labels(json!({"a": "1"}));
        assert!(sel("a").matches(Some(&l)));
        assert!(!sel("b").matches(Some(&l)));
        assert!(sel("!b").matches(Some(&l)));
        assert!(!sel("!a").matches(Some(&l)));
        assert!(sel("! b").matches(None));
        assert!(sel("a,!b").matches(Some(&l)));
        assert!(!sel("a,b").matches(Some(&l)));
        assert_eq!(sel("!b,a").to_string(), "a,!b");
    }

    #[test]
    fn integer_comparisons() {
        let l = labels(json!({"n": "5", "s": "x"}));
        assert!(sel("n>4").matches(Some(&l)));
        assert!(!sel("n>5").matches(Some(&l)));
        assert!(sel("n<6").matches(Some(&l)));
        assert!(!sel("n<5").matches(Some(&l)));
        assert!(!sel("s>1").matches(Some(&l)));
        assert!(!sel("missing<9").matches(Some(&l)));
        assert_eq!(
            label_err("n>x"),
            "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer"
        );
        assert_eq!(
            label_err("n<"),
            "unable to parse requirement: values[0]: Invalid value: \"\": for 'Gt', 'Lt' operators, the value must be an integer"
        );
        // A negative bound is an integer but not a valid label value.
        assert_eq!(
            label_err("n>-1"),
            "unable to parse requirement: values[0][n]: Invalid value: \"-1\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        );
        // "<=" is "<" followed by a stray "=".
        assert_eq!(
            label_err("n<=5"),
            "unable to parse requirement: found '=', expected: identifier"
        );
    }

    #[test]
    fn non_string_label_values_only_satisfy_existence() {
        let l = labels(json!({"n": 5}));
        assert!(sel("n").matches(Some(&l)));
        assert!(!sel("n=5").matches(Some(&l)));
        assert!(sel("n!=5").matches(Some(&l)));
    }

    #[test]
    fn matches_object_reads_metadata_labels() {
        let obj = json!({"metadata": {"name": "x", "labels": {"app": "web"}}});
        assert!(sel("app=web").matches_object(&obj));
        assert!(!sel("app=db").matches_object(&obj));
        assert!(sel("!app2").matches_object(&json!({"metadata": {"name": "x"}})));
        assert!(!sel("app").matches_object(&json!({})));
    }

    #[test]
    fn keys_with_prefixes_and_whitespace() {
        let l = labels(json!({"app.kubernetes.io/name": "web"}));
        assert!(sel("app.kubernetes.io/name=web").matches(Some(&l)));
        assert!(sel("\tapp.kubernetes.io/name\n=\rweb ,  !x").matches(Some(&l)));
    }

    #[test]
    fn malformed_label_selectors() {
        let cases: &[(&str, &str)] = &[
            (
                ",a",
                "found ',', expected: !, identifier, or 'end of string'",
            ),
            ("a,", "found '', expected: identifier after ','"),
            ("a,,b", "found ',', expected: identifier after ','"),
            ("a=b c", "found 'c', expected: ',' or 'end of string'"),
            (
                "a b",
                "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt",
            ),
            (
                "a in b",
                "unable to parse requirement: found 'b' expected: '('",
            ),
            (
                "a in (b",
                "unable to parse requirement: found '', expected: ',' or ')'",
            ),
            (
                "a in (b c)",
                "unable to parse requirement: found 'c', expected: ',' or ')'",
            ),
            (
                "a in (b,",
                "unable to parse requirement: found '', expected: ',', or identifier",
            ),
            (
                "a in (=)",
                "unable to parse requirement: found '=', expected: ',', ')' or identifier",
            ),
            (
                "a in (b,=)",
                "unable to parse requirement: found '=', expected: ',', or identifier",
            ),
            (
                "a notin",
                "unable to parse requirement: found '' expected: '('",
            ),
            (
                "a=(b)",
                "unable to parse requirement: found '(', expected: identifier",
            ),
            (
                "!",
                "unable to parse requirement: found '', expected: identifier",
            ),
            (
                "!=a",
                "found '!=', expected: !, identifier, or 'end of string'",
            ),
            ("!a=b", "found '=', expected: ',' or 'end of string'"),
            (
                "(a)",
                "found '(', expected: !, identifier, or 'end of string'",
            ),
            (
                "a===b",
                "unable to parse requirement: found '=', expected: identifier",
            ),
            (
                "a=!b",
                "unable to parse requirement: found '!', expected: identifier",
            ),
        ];
        for (input, message) in cases {
            assert_eq!(label_err(input), *message, "{input:?}");
        }
    }

    #[test]
    fn invalid_label_keys_and_values() {
        assert_eq!(
            label_err("Foo_=bar"),
            "unable to parse requirement: <nil>: Invalid value: \"Foo_\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
        );
        assert_eq!(
            label_err("a/b/c"),
            "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
        );
        assert_eq!(
            label_err("/a"),
            "unable to parse requirement: <nil>: Invalid value: \"/a\": prefix part must be non-empty"
        );
        let long_key = "k".repeat(64);
        assert_eq!(
            label_err(&long_key),
            format!(
                "unable to parse requirement: <nil>: Invalid value: \"{long_key}\": name part must be no more than 63 bytes"
            )
        );
        assert!(LabelSelector::parse(&"k".repeat(63)).is_ok());
        let value_msg = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
        assert_eq!(
            label_err("app=a$b"),
            format!(
                "unable to parse requirement: values[0][app]: Invalid value: \"a$b\": {value_msg}"
            )
        );
        let long_value = "v".repeat(64);
        assert_eq!(
            label_err(&format!("app={long_value}")),
            format!(
                "unable to parse requirement: values[0][app]: Invalid value: \"{long_value}\": must be no more than 63 bytes"
            )
        );
        assert!(LabelSelector::parse(&format!("app={}", "v".repeat(63))).is_ok());
        // Several bad values are aggregated, in sorted value order.
        assert_eq!(
            label_err("app in (z$, a$, ok)"),
            format!(
                "unable to parse requirement: [values[0][app]: Invalid value: \"a$\": {value_msg}, values[2][app]: Invalid value: \"z$\": {value_msg}]"
            )
        );
    }

    #[test]
    fn keywords_alone_are_keys() {
        let l = labels(json!({"in": "x"}));
        assert!(sel("in").matches(Some(&l)));
        assert!(sel("!notin").matches(Some(&l)));
        assert_eq!(
            label_err("a in in"),
            "unable to parse requirement: found 'in' expected: '('"
        );
    }

    #[test]
    fn nul_byte_behaves_like_kubernetes() {
        // A NUL where a token starts ends the selector.
        assert_eq!(sel("a=b,c\0").to_string(), "a=b,c");
        assert_eq!(
            label_err("a=b, \0c"),
            "found '', expected: identifier after ','"
        );
        // A NUL right after a token is skipped, so the next token follows directly.
        assert_eq!(sel("a=b,\0c").to_string(), "a=b,c");
        assert_eq!(
            label_err("a=b\0c=d"),
            "found 'c', expected: ',' or 'end of string'"
        );
        assert_eq!(
            label_err("a=\0b c"),
            "found 'c', expected: ',' or 'end of string'"
        );
    }

    #[test]
    fn label_selector_display_is_canonical() {
        assert_eq!(
            sel("z=1, a in (y,x), !m, k, b!=2, c==3, d notin (q), e>1, f<2").to_string(),
            "a in (x,y),b!=2,c==3,d notin (q),e>1,f<2,k,!m,z=1"
        );
        assert_eq!(sel("").to_string(), "");
    }

    #[test]
    fn field_selector_parse_and_escape() {
        assert!(fsel("").is_empty());
        assert!(fsel(",").is_empty());
        let selector = fsel("metadata.name=a\\,b\\=c\\\\d");
        assert!(!selector.is_empty());
        assert_eq!(selector.exact_name(), Some("a,b=c\\d"));
        assert_eq!(selector.to_string(), "metadata.name=a\\,b\\=c\\\\d");
        assert_eq!(fsel("metadata.name==x").to_string(), "metadata.name=x");
        assert_eq!(fsel("b!=1,a=2").to_string(), "a=2,b!=1");
        assert_eq!(fsel("metadata.name=").exact_name(), Some(""));
    }

    #[test]
    fn malformed_field_selectors() {
        assert_eq!(
            field_err("foo"),
            "invalid selector: 'foo'; can't understand 'foo'"
        );
        assert_eq!(
            field_err("a=b,foo"),
            "invalid selector: 'a=b,foo'; can't understand 'foo'"
        );
        assert_eq!(
            field_err(" "),
            "invalid selector: ' '; can't understand ' '"
        );
        assert_eq!(
            field_err("a=b=c"),
            "invalid field selector: unescaped character in value: 61"
        );
        assert_eq!(
            field_err("a===b"),
            "invalid field selector: unescaped character in value: 61"
        );
        assert_eq!(
            field_err("a=b\\x"),
            "invalid field selector: invalid escape sequence: \\x"
        );
        assert_eq!(
            field_err("a=b\\"),
            "invalid field selector: invalid escape sequence: \\"
        );
        // An escaped comma keeps the term together.
        assert_eq!(fsel("a=x\\,y").terms.len(), 1);
        assert!(fsel("a=x\\,").matches("", "ConfigMap", &json!({"a": "x,"})));
    }

    #[test]
    fn field_selector_operators_and_exact_name() {
        let obj = json!({"metadata": {"name": "web", "namespace": "prod"}});
        assert!(fsel("metadata.name=web").matches("", "ConfigMap", &obj));
        assert!(fsel("metadata.name==web").matches("", "ConfigMap", &obj));
        assert!(!fsel("metadata.name!=web").matches("", "ConfigMap", &obj));
        assert!(fsel("metadata.name!=db,metadata.namespace=prod").matches("", "ConfigMap", &obj));
        assert!(!fsel("metadata.name=web,metadata.namespace=dev").matches("", "ConfigMap", &obj));
        // Missing fields compare as empty.
        assert!(fsel("metadata.namespace=").matches(
            "",
            "Node",
            &json!({"metadata": {"name": "n"}})
        ));
        assert_eq!(fsel("metadata.name!=x").exact_name(), None);
        assert_eq!(
            fsel("metadata.namespace=a,metadata.name=b").exact_name(),
            Some("b")
        );
        assert_eq!(fsel("metadata.namespace=a").exact_name(), None);
        assert_eq!(
            fsel("metadata.name=b,metadata.name=a").exact_name(),
            Some("a")
        );
    }

    #[test]
    fn validate_for_builtin_kinds() {
        assert!(
            fsel("metadata.name=a,metadata.namespace=b")
                .validate_for("", "ConfigMap")
                .is_ok()
        );
        assert!(
            fsel("metadata.name=a")
                .validate_for("apps", "Deployment")
                .is_ok()
        );
        let err = fsel("spec.replicas=1")
            .validate_for("apps", "Deployment")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"spec.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
        );
        assert!(
            matches!(err, SelectorError::UnsupportedField { ref field, .. } if field == "spec.replicas")
        );
        // apps/v1 ReplicaSets have no status.replicas selector in Kubernetes.
        assert!(
            fsel("status.replicas=0")
                .validate_for("apps", "ReplicaSet")
                .is_err()
        );
        assert!(
            fsel("status.replicas=0")
                .validate_for("", "ReplicationController")
                .is_ok()
        );
    }

    #[test]
    fn validate_for_kinds_with_field_lists() {
        let ok: &[(&str, &str, &str)] = &[
            (
                "",
                "Pod",
                "spec.nodeName=n,status.phase!=Failed,spec.host=n",
            ),
            (
                "",
                "Pod",
                "spec.restartPolicy=Always,spec.schedulerName=s,spec.serviceAccountName=sa",
            ),
            (
                "",
                "Pod",
                "spec.hostNetwork=true,status.podIP=1.2.3.4,status.podIPs=x,status.nominatedNodeName=n",
            ),
            ("", "Node", "spec.unschedulable=true,metadata.name=n"),
            (
                "",
                "Event",
                "involvedObject.kind=Pod,involvedObject.namespace=d,involvedObject.name=p",
            ),
            (
                "",
                "Event",
                "involvedObject.uid=u,involvedObject.apiVersion=v1,involvedObject.resourceVersion=1",
            ),
            (
                "",
                "Event",
                "involvedObject.fieldPath=f,reason=r,reportingComponent=c,source=s,type=Normal",
            ),
            (
                "events.k8s.io",
                "Event",
                "involvedObject.name=p,reason=r,type=Warning,metadata.namespace=d",
            ),
            ("", "Namespace", "status.phase=Active,metadata.name=x"),
            ("", "Secret", "type=Opaque,metadata.namespace=d"),
            ("", "Service", "spec.clusterIP=None,spec.type=ClusterIP"),
            ("batch", "Job", "status.successful=1,metadata.namespace=d"),
            (
                "certificates.k8s.io",
                "CertificateSigningRequest",
                "spec.signerName=x",
            ),
            (
                "certificates.k8s.io",
                "ClusterTrustBundle",
                "spec.signerName=x",
            ),
            (
                "certificates.k8s.io",
                "PodCertificateRequest",
                "spec.podName=p,spec.nodeName=n",
            ),
            (
                "resource.k8s.io",
                "ResourceSlice",
                "spec.nodeName=n,spec.driver=d",
            ),
        ];
        for (group, kind, selector) in ok {
            assert!(
                fsel(selector).validate_for(group, kind).is_ok(),
                "{kind} {selector}"
            );
        }
        let rejected: &[(&str, &str, &str, &str)] = &[
            (
                "",
                "Pod",
                "spec.nodename=x",
                "field label not supported: spec.nodename",
            ),
            (
                "",
                "Node",
                "metadata.namespace=x",
                "field label not supported: metadata.namespace",
            ),
            (
                "",
                "Namespace",
                "metadata.namespace=x",
                "field label not supported: metadata.namespace",
            ),
            (
                "",
                "Event",
                "regarding.name=x",
                "field label not supported: regarding.name",
            ),
            (
                "events.k8s.io",
                "Event",
                "regarding.name=x",
                "field label not supported: regarding.name",
            ),
            ("", "Secret", "data=x", "field label not supported: data"),
            (
                "",
                "Service",
                "spec.ports=x",
                "field label not supported: spec.ports",
            ),
            (
                "batch",
                "Job",
                "status.succeeded=1",
                "field label \"status.succeeded\" not supported for batchv1.Job",
            ),
            (
                "batch",
                "CronJob",
                "status.successful=1",
                "\"status.successful\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
            ),
            (
                "certificates.k8s.io",
                "CertificateSigningRequest",
                "metadata.namespace=x",
                "field label not supported: metadata.namespace",
            ),
            (
                "resource.k8s.io",
                "ResourceSlice",
                "spec.pool=x",
                "field label not supported for resource.k8s.io/v1, Kind=ResourceSlice: spec.pool",
            ),
            (
                "example.com",
                "Widget",
                "spec.color=red",
                "field label not supported: spec.color",
            ),
            (
                "",
                "ConfigMap",
                "metadata.name =x",
                "\"metadata.name \" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
            ),
        ];
        for (group, kind, selector, message) in rejected {
            let err = fsel(selector).validate_for(group, kind).unwrap_err();
            assert_eq!(err.to_string(), *message, "{kind} {selector}");
        }
    }

    #[test]
    fn first_unsupported_field_in_sorted_order_is_reported() {
        let err = fsel("zzz=1,aaa=2,metadata.name=x")
            .validate_for("", "Pod")
            .unwrap_err();
        assert_eq!(err.to_string(), "field label not supported: aaa");
    }

    #[test]
    fn custom_resource_fields() {
        let selector = fsel("spec.color=red,metadata.namespace=d");
        assert!(
            selector
                .validate_for_custom_resource(true, &[".spec.color"])
                .is_ok()
        );
        assert!(
            selector
                .validate_for_custom_resource(true, &["spec.color"])
                .is_ok()
        );
        assert_eq!(
            selector
                .validate_for_custom_resource(false, &["spec.color"])
                .unwrap_err()
                .to_string(),
            "field label not supported: metadata.namespace"
        );
        assert_eq!(
            selector
                .validate_for_custom_resource(true, &[])
                .unwrap_err()
                .to_string(),
            "field label not supported: spec.color"
        );
        let obj = json!({"metadata": {"name": "w", "namespace": "d"}, "spec": {"color": "red", "size": 3, "on": true}});
        assert!(selector.matches("example.com", "Widget", &obj));
        assert!(fsel("spec.size=3,spec.on=true").matches("example.com", "Widget", &obj));
        assert!(fsel("spec.missing=").matches("example.com", "Widget", &obj));
        assert!(!fsel("spec.color=blue").matches("example.com", "Widget", &obj));
    }

    #[test]
    fn pod_fields() {
        let pod = json!({
            "metadata": {"name": "p", "namespace": "d"},
            "spec": {"nodeName": "node-1", "restartPolicy": "Always", "schedulerName": "default-scheduler", "serviceAccountName": "sa"},
            "status": {"phase": "Running", "podIPs": [{"ip": "10.0.0.5"}, {"ip": "fd00::5"}], "nominatedNodeName": "node-2"}
        });
        let yes = [
            "spec.nodeName=node-1",
            "spec.host=node-1",
            "spec.restartPolicy=Always",
            "spec.schedulerName=default-scheduler",
            "spec.serviceAccountName=sa",
            "spec.hostNetwork=false",
            "status.phase=Running",
            "status.phase!=Failed,status.phase!=Succeeded",
            "status.podIP=10.0.0.5",
            "status.podIPs=",
            "status.nominatedNodeName=node-2",
        ];
        for s in yes {
            assert!(fsel(s).matches("", "Pod", &pod), "{s}");
        }
        for s in [
            "spec.nodeName=node-2",
            "spec.hostNetwork=true",
            "status.podIPs=10.0.0.5",
        ] {
            assert!(!fsel(s).matches("", "Pod", &pod), "{s}");
        }
        let host = json!({"spec": {"hostNetwork": true}, "status": {"podIP": "192.168.1.1"}});
        assert!(fsel("spec.hostNetwork=true,status.podIP=192.168.1.1").matches("", "Pod", &host));
        assert!(fsel("spec.nodeName=").matches("", "Pod", &host));
    }

    #[test]
    fn node_namespace_secret_service_rc_job_fields() {
        let node = json!({"metadata": {"name": "n"}, "spec": {"unschedulable": true}});
        assert!(fsel("spec.unschedulable=true").matches("", "Node", &node));
        assert!(fsel("spec.unschedulable=false").matches(
            "",
            "Node",
            &json!({"metadata": {"name": "n"}})
        ));

        let ns = json!({"metadata": {"name": "d"}, "status": {"phase": "Terminating"}});
        assert!(fsel("status.phase=Terminating").matches("", "Namespace", &ns));

        let secret =
            json!({"metadata": {"name": "s", "namespace": "d"}, "type": "kubernetes.io/tls"});
        assert!(fsel("type=kubernetes.io/tls").matches("", "Secret", &secret));
        assert!(fsel("type!=Opaque").matches("", "Secret", &secret));

        let svc = json!({"spec": {"clusterIP": "None", "type": "ClusterIP"}});
        assert!(fsel("spec.clusterIP=None,spec.type=ClusterIP").matches("", "Service", &svc));

        let rc = json!({"status": {"replicas": 3}});
        assert!(fsel("status.replicas=3").matches("", "ReplicationController", &rc));
        assert!(fsel("status.replicas=0").matches("", "ReplicationController", &json!({})));

        let job = json!({"status": {"succeeded": 2}});
        assert!(fsel("status.successful=2").matches("batch", "Job", &job));
        assert!(fsel("status.successful=0").matches("batch", "Job", &json!({"status": {}})));
    }

    #[test]
    fn core_event_fields() {
        let event = json!({
            "metadata": {"name": "p.1", "namespace": "d"},
            "involvedObject": {"kind": "Pod", "namespace": "d", "name": "p", "uid": "u-1", "apiVersion": "v1", "resourceVersion": "42", "fieldPath": "spec.containers{c}"},
            "reason": "Scheduled",
            "source": {"component": "default-scheduler"},
            "reportingComponent": "sched",
            "type": "Normal"
        });
        let s = "involvedObject.kind=Pod,involvedObject.namespace=d,involvedObject.name=p,involvedObject.uid=u-1,involvedObject.apiVersion=v1,involvedObject.resourceVersion=42,involvedObject.fieldPath=spec.containers{c},reason=Scheduled,source=default-scheduler,reportingComponent=sched,type=Normal";
        assert!(fsel(s).matches("", "Event", &event));
        // source falls back to the reporting component.
        let event = json!({"reportingComponent": "kubelet"});
        assert!(fsel("source=kubelet").matches("", "Event", &event));
    }

    #[test]
    fn events_k8s_io_fields_map_to_regarding() {
        let event = json!({
            "metadata": {"name": "p.1", "namespace": "d"},
            "regarding": {"kind": "Pod", "name": "p", "uid": "u-1"},
            "reason": "Pulled",
            "reportingController": "kubelet",
            "type": "Normal"
        });
        assert!(
            fsel("involvedObject.kind=Pod,involvedObject.name=p,involvedObject.uid=u-1").matches(
                "events.k8s.io",
                "Event",
                &event
            )
        );
        assert!(
            fsel("reportingComponent=kubelet,source=kubelet,reason=Pulled,type=Normal").matches(
                "events.k8s.io",
                "Event",
                &event
            )
        );
        let with_source =
            json!({"deprecatedSource": {"component": "old"}, "reportingController": "new"});
        assert!(fsel("source=old").matches("events.k8s.io", "Event", &with_source));
    }

    #[test]
    fn certificates_and_resource_slices() {
        let csr = json!({"spec": {"signerName": "kubernetes.io/kube-apiserver-client"}});
        assert!(
            fsel("spec.signerName=kubernetes.io/kube-apiserver-client").matches(
                "certificates.k8s.io",
                "CertificateSigningRequest",
                &csr
            )
        );
        let slice = json!({"spec": {"driver": "gpu.example.com", "nodeName": "n1"}});
        assert!(
            fsel("spec.driver=gpu.example.com,spec.nodeName=n1").matches(
                "resource.k8s.io",
                "ResourceSlice",
                &slice
            )
        );
        assert!(fsel("spec.nodeName=").matches(
            "resource.k8s.io",
            "ResourceSlice",
            &json!({"spec": {"allNodes": true}})
        ));
    }
}
