//! Server-side `meta.k8s.io/v1` Table output for `kubectl get`.
//!
//! This module owns the column definitions and the cell formatting of every built-in
//! Kubernetes v1.36 kind (the columns a real API server prints, with the same names, types,
//! priorities and cell text), the default tables for kinds without a dedicated printer, the
//! tables of custom resources built from a CRD's `additionalPrinterColumns`, the kubectl-style
//! human duration, and the assembly of the complete `Table` object including the per-row
//! `object` chosen by `includeObject`.
//!
//! It works on objects in Kubernetes JSON form (`serde_json::Value`) and is pure: it does not
//! read the store, parse HTTP requests or pick content types; the caller hands in the objects,
//! the list metadata and the current time.
//!
//! Like a real API server, every row carries all cells, including the `priority: 1` columns
//! that kubectl only shows with `-o wide`.

use std::borrow::Cow;
use std::str::FromStr;

use jiff::{SignedDuration, Timestamp};
use serde_json::{Map, Value, json};

/// Errors of this module.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TableError {
    /// The `includeObject` query parameter is not one of `None`, `Metadata`, `Object`.
    #[error("invalid includeObject value {0:?}: must be one of None, Metadata, Object")]
    InvalidIncludeObject(String),
}

/// One column definition of a Table (`meta.k8s.io/v1` `TableColumnDefinition`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Human-readable header, e.g. `Name` (kubectl upper-cases it).
    pub name: Cow<'static, str>,
    /// OpenAPI type of the cells: `string`, `integer`, `number`, `boolean` or `date`.
    pub type_: Cow<'static, str>,
    /// OpenAPI format hint; `name` marks the column holding the object name.
    pub format: Cow<'static, str>,
    /// What the column shows.
    pub description: Cow<'static, str>,
    /// 0 for default output; 1 (or more) for columns shown only with `-o wide`.
    pub priority: i32,
}

impl Column {
    /// A column from static strings (usable in `const` context).
    pub const fn new(
        name: &'static str,
        type_: &'static str,
        format: &'static str,
        description: &'static str,
        priority: i32,
    ) -> Self {
        Column {
            name: Cow::Borrowed(name),
            type_: Cow::Borrowed(type_),
            format: Cow::Borrowed(format),
            description: Cow::Borrowed(description),
            priority,
        }
    }

    /// A column from owned strings, e.g. a CRD's `additionalPrinterColumns` entry.
    pub fn owned(
        name: impl Into<String>,
        type_: impl Into<String>,
        format: impl Into<String>,
        description: impl Into<String>,
        priority: i32,
    ) -> Self {
        Column {
            name: Cow::Owned(name.into()),
            type_: Cow::Owned(type_.into()),
            format: Cow::Owned(format.into()),
            description: Cow::Owned(description.into()),
            priority,
        }
    }

    /// The column definition in wire form.
    pub fn to_json(&self) -> Value {
        json!({
            "name": self.name,
            "type": self.type_,
            "format": self.format,
            "description": self.description,
            "priority": self.priority,
        })
    }
}

/// What each Table row carries in `object` (the `includeObject` query parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IncludeObject {
    /// No object.
    None,
    /// A `PartialObjectMetadata` with the object's metadata (the default).
    #[default]
    Metadata,
    /// The full object.
    Object,
}

impl IncludeObject {
    /// Parses the `includeObject` query parameter; absent or empty means `Metadata`.
    pub fn from_query(value: Option<&str>) -> Result<Self, TableError> {
        match value {
            None | Some("") => Ok(IncludeObject::Metadata),
            Some(v) => v.parse(),
        }
    }
}

impl FromStr for IncludeObject {
    type Err = TableError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "None" => Ok(IncludeObject::None),
            "Metadata" => Ok(IncludeObject::Metadata),
            "Object" => Ok(IncludeObject::Object),
            other => Err(TableError::InvalidIncludeObject(other.to_string())),
        }
    }
}

/// The columns of a kind's table (group `""` for core).
pub fn columns(group: &str, kind: &str) -> Vec<Column> {
    printer(group, kind).columns.to_vec()
}

/// The cells of one row, matching `columns(group, kind)` one to one.
pub fn cells(group: &str, kind: &str, obj: &Value, now: Timestamp) -> Vec<Value> {
    (printer(group, kind).cells)(obj, now)
}

/// A complete `meta.k8s.io/v1` Table for objects of one kind.
///
/// `list_meta` becomes the Table's `metadata` (`resourceVersion`, `continue`,
/// `remainingItemCount`); null and empty members are dropped. For a single-object GET pass
/// `{"resourceVersion": <the object's>}`.
pub fn table(
    group: &str,
    kind: &str,
    items: &[&Value],
    list_meta: Value,
    include_object: IncludeObject,
    now: Timestamp,
) -> Value {
    let printer = printer(group, kind);
    let rows = items
        .iter()
        .map(|obj| {
            let conditions = if (group, kind) == ("", "Pod") {
                pod_row_conditions(obj)
            } else {
                None
            };
            ((printer.cells)(obj, now), conditions, *obj)
        })
        .collect();
    assemble(printer.columns, rows, list_meta, include_object)
}

/// Human-readable approximation of a duration, as kubectl prints ages:
/// `45s`, `119s`, `2m`, `9m59s`, `179m`, `3h`, `7h59m`, `47h`, `2d`, `7d23h`, `729d`, `2y`,
/// `7y364d`, `8y`.
pub fn human_duration(d: std::time::Duration) -> String {
    human_seconds(i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Like [`human_duration`] for a signed duration: up to one second in the future (clock skew)
/// reads `0s`, further in the future reads `<invalid>`.
pub fn human_signed_duration(d: SignedDuration) -> String {
    human_seconds(d.as_secs())
}

fn human_seconds(seconds: i64) -> String {
    if seconds < -1 {
        return "<invalid>".to_string();
    }
    if seconds < 0 {
        return "0s".to_string();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        return if s == 0 {
            format!("{minutes}m")
        } else {
            format!("{minutes}m{s}s")
        };
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        let m = minutes % 60;
        return if m == 0 {
            format!("{hours}h")
        } else {
            format!("{hours}h{m}m")
        };
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    let days = hours / 24;
    if hours < 24 * 8 {
        let h = hours % 24;
        return if h == 0 {
            format!("{days}d")
        } else {
            format!("{days}d{h}h")
        };
    }
    if hours < 24 * 365 * 2 {
        return format!("{days}d");
    }
    let years = days / 365;
    if hours < 24 * 365 * 8 {
        let dy = days % 365;
        return if dy == 0 {
            format!("{years}y")
        } else {
            format!("{years}y{dy}d")
        };
    }
    format!("{years}y")
}

// ---------------------------------------------------------------------------------------------
// Table assembly

type Row<'a> = (Vec<Value>, Option<Value>, &'a Value);

fn assemble(
    columns: &[Column],
    rows: Vec<Row<'_>>,
    list_meta: Value,
    include_object: IncludeObject,
) -> Value {
    let mut metadata = Map::new();
    if let Value::Object(meta) = list_meta {
        for (k, v) in meta {
            let empty = match &v {
                Value::Null => true,
                Value::String(s) => s.is_empty(),
                _ => false,
            };
            if !empty {
                metadata.insert(k, v);
            }
        }
    }
    let rows: Vec<Value> = rows
        .into_iter()
        .map(|(cells, conditions, obj)| {
            let mut row = Map::new();
            row.insert("cells".to_string(), Value::Array(cells));
            if let Some(conditions) = conditions {
                row.insert("conditions".to_string(), conditions);
            }
            match include_object {
                IncludeObject::None => {}
                IncludeObject::Metadata => {
                    let meta = obj.get("metadata").cloned().unwrap_or_else(|| json!({}));
                    row.insert(
                        "object".to_string(),
                        json!({
                            "kind": "PartialObjectMetadata",
                            "apiVersion": "meta.k8s.io/v1",
                            "metadata": meta,
                        }),
                    );
                }
                IncludeObject::Object => {
                    row.insert("object".to_string(), obj.clone());
                }
            }
            Value::Object(row)
        })
        .collect();
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "columnDefinitions": columns.iter().map(Column::to_json).collect::<Vec<_>>(),
        "rows": rows,
    })
}

// ---------------------------------------------------------------------------------------------
// Custom resources

/// The table layout of one custom resource version, from its CRD's
/// `additionalPrinterColumns`: a `Name` column followed by the printer columns, or
/// `Name` + `Age` when the CRD declares none.
#[derive(Debug, Clone)]
pub struct CustomColumns {
    columns: Vec<Column>,
    /// One per printer column (not for `Name`): the parsed JSONPath, `None` if unparsable.
    paths: Vec<Option<JsonPath>>,
}

impl CustomColumns {
    /// Builds the layout from the `additionalPrinterColumns` array of a CRD version
    /// (`spec.versions[].additionalPrinterColumns`); `None` or an empty array gives the default
    /// `Age` column.
    pub fn new(additional_printer_columns: Option<&Value>) -> Self {
        let declared = additional_printer_columns
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut columns = vec![NAME.clone()];
        let mut paths = Vec::new();
        if declared.is_empty() {
            columns.push(Column::new("Age", "date", "", AGE_DESC, 0));
            paths.push(JsonPath::parse(".metadata.creationTimestamp"));
        }
        for col in declared {
            columns.push(Column::owned(
                s(col, &["name"]),
                s(col, &["type"]),
                s(col, &["format"]),
                s(col, &["description"]),
                i32::try_from(int(col, &["priority"])).unwrap_or(0),
            ));
            paths.push(JsonPath::parse(s(col, &["jsonPath"])));
        }
        CustomColumns { columns, paths }
    }

    /// The column definitions.
    pub fn columns(&self) -> &[Column] {
        &self.columns
    }

    /// The cells of one custom resource.
    pub fn cells(&self, obj: &Value, now: Timestamp) -> Vec<Value> {
        let mut cells = Vec::with_capacity(self.columns.len());
        cells.push(Value::from(s(obj, &["metadata", "name"])));
        for (column, path) in self.columns[1..].iter().zip(&self.paths) {
            let value = path.as_ref().and_then(|p| p.first(obj));
            cells.push(custom_cell(&column.type_, value, now));
        }
        cells
    }

    /// A complete Table, like [`table`].
    pub fn table(
        &self,
        items: &[&Value],
        list_meta: Value,
        include_object: IncludeObject,
        now: Timestamp,
    ) -> Value {
        let rows = items
            .iter()
            .map(|obj| (self.cells(obj, now), None, *obj))
            .collect();
        assemble(&self.columns, rows, list_meta, include_object)
    }
}

fn custom_cell(type_: &str, value: Option<&Value>, now: Timestamp) -> Value {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Value::Null;
    };
    match type_ {
        "string" => Value::from(go_text(value)),
        "integer" => match value {
            Value::Number(n) => n
                .as_i64()
                .or_else(|| n.as_f64().map(|f| f as i64))
                .map_or(Value::Null, Value::from),
            _ => Value::Null,
        },
        "number" => match value {
            Value::Number(n) => n.as_f64().map_or(Value::Null, Value::from),
            _ => Value::Null,
        },
        "boolean" => match value {
            Value::Bool(b) => Value::Bool(*b),
            _ => Value::Null,
        },
        "date" => match value {
            Value::String(text) => match text.parse::<Timestamp>() {
                Ok(t) => Value::from(since(Some(t).filter(|t| !is_zero_time(*t)), now)),
                Err(_) => Value::from("<invalid>"),
            },
            _ => Value::Null,
        },
        _ => Value::Null,
    }
}

/// A value printed the way a JSONPath template prints it: strings raw, numbers and booleans
/// plainly, lists as `[a b]` and maps as `map[k:v]`.
fn go_text(value: &Value) -> String {
    match value {
        Value::Null => "<nil>".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::String(s) => s.clone(),
        Value::Number(n) => {
            if n.is_i64() || n.is_u64() {
                n.to_string()
            } else {
                go_float(n.as_f64().unwrap_or(0.0))
            }
        }
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(go_text).collect();
            format!("[{}]", parts.join(" "))
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let parts: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{k}:{}", go_text(&map[k])))
                .collect();
            format!("map[{}]", parts.join(" "))
        }
    }
}

/// A float in the shortest form, switching to exponent notation for very large and very small
/// magnitudes (`1e+21`, `1e-05`).
fn go_float(f: f64) -> String {
    let abs = f.abs();
    if abs != 0.0 && !(1e-4..1e21).contains(&abs) {
        let text = format!("{f:e}");
        let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
        let (sign, digits) = match exp.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exp),
        };
        format!("{mantissa}e{sign}{digits:0>2}")
    } else {
        format!("{f}")
    }
}

/// The subset of JSONPath that CRD printer columns use: `.field`, `['field']`, `[n]`, `[-n]`,
/// `[*]`, `.*` and filters `[?(@.a.b == "x")]` / `!=` / existence `[?(@.a)]`.
#[derive(Debug, Clone, PartialEq)]
struct JsonPath {
    steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Field(String),
    Index(i64),
    All,
    Filter {
        path: Vec<String>,
        test: Option<(bool, Value)>,
    },
}

impl JsonPath {
    fn parse(text: &str) -> Option<JsonPath> {
        let mut text = text.trim();
        if let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            text = inner.trim();
        }
        let text = text.strip_prefix('$').unwrap_or(text);
        let chars: Vec<char> = text.chars().collect();
        let mut steps = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '.' => {
                    i += 1;
                    if chars.get(i) == Some(&'.') {
                        return None; // recursive descent is not supported
                    }
                    if chars.get(i) == Some(&'*') {
                        steps.push(Step::All);
                        i += 1;
                        continue;
                    }
                    let mut name = String::new();
                    while i < chars.len() && chars[i] != '.' && chars[i] != '[' {
                        if chars[i] == '\\' && i + 1 < chars.len() {
                            i += 1;
                        }
                        name.push(chars[i]);
                        i += 1;
                    }
                    if !name.is_empty() {
                        steps.push(Step::Field(name));
                    }
                }
                '[' => {
                    let close = find_bracket_end(&chars, i)?;
                    let inner: String = chars[i + 1..close].iter().collect();
                    steps.push(parse_bracket(inner.trim())?);
                    i = close + 1;
                }
                _ => return None,
            }
        }
        Some(JsonPath { steps })
    }

    /// The first value the path selects.
    fn first<'a>(&self, root: &'a Value) -> Option<&'a Value> {
        let mut current: Vec<&'a Value> = vec![root];
        for step in &self.steps {
            let mut next = Vec::new();
            for value in current {
                match step {
                    Step::Field(name) => {
                        if let Some(v) = value.get(name.as_str()) {
                            next.push(v);
                        }
                    }
                    Step::Index(n) => {
                        if let Value::Array(items) = value {
                            let len = items.len() as i64;
                            let idx = if *n < 0 { len + n } else { *n };
                            if (0..len).contains(&idx) {
                                next.push(&items[idx as usize]);
                            }
                        }
                    }
                    Step::All => match value {
                        Value::Array(items) => next.extend(items.iter()),
                        Value::Object(map) => next.extend(map.values()),
                        _ => {}
                    },
                    Step::Filter { path, test } => {
                        if let Value::Array(items) = value {
                            next.extend(items.iter().filter(|item| {
                                let mut v = Some(*item);
                                for key in path {
                                    v = v.and_then(|v| v.get(key.as_str()));
                                }
                                match (v, test) {
                                    (None, _) => false,
                                    (Some(_), None) => true,
                                    (Some(v), Some((equal, literal))) => {
                                        json_loose_eq(v, literal) == *equal
                                    }
                                }
                            }));
                        }
                    }
                }
            }
            current = next;
            if current.is_empty() {
                return None;
            }
        }
        current.into_iter().next()
    }
}

fn find_bracket_end(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0;
    let mut quote: Option<char> = None;
    for (offset, &c) in chars[open..].iter().enumerate() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '[' => depth += 1,
                ']' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(open + offset);
                    }
                }
                _ => {}
            },
        }
    }
    None
}

fn parse_bracket(inner: &str) -> Option<Step> {
    if inner == "*" {
        return Some(Step::All);
    }
    if let Some(name) = unquote(inner) {
        return Some(Step::Field(name));
    }
    if let Ok(n) = inner.parse::<i64>() {
        return Some(Step::Index(n));
    }
    let filter = inner.strip_prefix('?')?.trim();
    let filter = filter.strip_prefix('(')?.strip_suffix(')')?.trim();
    let (lhs, test) = if let Some((l, r)) = filter.split_once("==") {
        (l.trim(), Some((true, parse_literal(r.trim())?)))
    } else if let Some((l, r)) = filter.split_once("!=") {
        (l.trim(), Some((false, parse_literal(r.trim())?)))
    } else {
        (filter, None)
    };
    let lhs = lhs.strip_prefix('@')?;
    let path = lhs
        .split('.')
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect();
    Some(Step::Filter { path, test })
}

fn unquote(text: &str) -> Option<String> {
    let first = text.chars().next()?;
    if (first == '\'' || first == '"') && text.len() >= 2 && text.ends_with(first) {
        Some(text[1..text.len() - 1].to_string())
    } else {
        None
    }
}

fn parse_literal(text: &str) -> Option<Value> {
    if let Some(s) = unquote(text) {
        return Some(Value::String(s));
    }
    match text {
        "true" => Some(Value::Bool(true)),
        "false" => Some(Value::Bool(false)),
        "null" => Some(Value::Null),
        _ => serde_json::from_str::<serde_json::Number>(text)
            .ok()
            .map(Value::Number),
    }
}

fn json_loose_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

// ---------------------------------------------------------------------------------------------
// Printer registry

type CellsFn = fn(&Value, Timestamp) -> Vec<Value>;

struct Printer {
    columns: &'static [Column],
    cells: CellsFn,
}

/// Groups served by a v1.36 API server itself (as opposed to CRDs).
const BUILTIN_GROUPS: &[&str] = &[
    "",
    "apps",
    "batch",
    "autoscaling",
    "policy",
    "admissionregistration.k8s.io",
    "apiextensions.k8s.io",
    "apiregistration.k8s.io",
    "authentication.k8s.io",
    "authorization.k8s.io",
    "certificates.k8s.io",
    "coordination.k8s.io",
    "discovery.k8s.io",
    "events.k8s.io",
    "flowcontrol.apiserver.k8s.io",
    "internal.apiserver.k8s.io",
    "networking.k8s.io",
    "node.k8s.io",
    "rbac.authorization.k8s.io",
    "resource.k8s.io",
    "scheduling.k8s.io",
    "storage.k8s.io",
    "storagemigration.k8s.io",
];

fn printer(group: &str, kind: &str) -> Printer {
    let (columns, cells): (&'static [Column], CellsFn) = match (group, kind) {
        ("", "Pod") => (POD_COLUMNS, pod_cells),
        ("", "PodTemplate") => (POD_TEMPLATE_COLUMNS, pod_template_cells),
        ("", "ReplicationController") => (RC_COLUMNS, rc_cells),
        ("", "Service") => (SERVICE_COLUMNS, service_cells),
        ("", "Endpoints") => (ENDPOINTS_COLUMNS, endpoints_cells),
        ("", "Node") => (NODE_COLUMNS, node_cells),
        ("", "Event") | ("events.k8s.io", "Event") => (EVENT_COLUMNS, event_cells),
        ("", "Namespace") => (NAMESPACE_COLUMNS, namespace_cells),
        ("", "Secret") => (SECRET_COLUMNS, secret_cells),
        ("", "ServiceAccount") => (SERVICE_ACCOUNT_COLUMNS, service_account_cells),
        ("", "PersistentVolume") => (PV_COLUMNS, pv_cells),
        ("", "PersistentVolumeClaim") => (PVC_COLUMNS, pvc_cells),
        ("", "ComponentStatus") => (COMPONENT_STATUS_COLUMNS, component_status_cells),
        ("", "ConfigMap") => (CONFIG_MAP_COLUMNS, config_map_cells),
        ("", "ResourceQuota") => (RESOURCE_QUOTA_COLUMNS, resource_quota_cells),
        ("apps", "Deployment") => (DEPLOYMENT_COLUMNS, deployment_cells),
        ("apps", "ReplicaSet") => (REPLICA_SET_COLUMNS, replica_set_cells),
        ("apps", "StatefulSet") => (STATEFUL_SET_COLUMNS, stateful_set_cells),
        ("apps", "DaemonSet") => (DAEMON_SET_COLUMNS, daemon_set_cells),
        ("apps", "ControllerRevision") => (CONTROLLER_REVISION_COLUMNS, controller_revision_cells),
        ("batch", "Job") => (JOB_COLUMNS, job_cells),
        ("batch", "CronJob") => (CRON_JOB_COLUMNS, cron_job_cells),
        ("autoscaling", "HorizontalPodAutoscaler") => (HPA_COLUMNS, hpa_cells),
        ("autoscaling", "Scale") => (SCALE_COLUMNS, scale_cells),
        ("policy", "PodDisruptionBudget") => (PDB_COLUMNS, pdb_cells),
        ("networking.k8s.io", "Ingress") => (INGRESS_COLUMNS, ingress_cells),
        ("networking.k8s.io", "IngressClass") => (INGRESS_CLASS_COLUMNS, ingress_class_cells),
        ("networking.k8s.io", "NetworkPolicy") => (NETWORK_POLICY_COLUMNS, network_policy_cells),
        ("networking.k8s.io", "ServiceCIDR") => (SERVICE_CIDR_COLUMNS, service_cidr_cells),
        ("networking.k8s.io", "IPAddress") => (IP_ADDRESS_COLUMNS, ip_address_cells),
        ("discovery.k8s.io", "EndpointSlice") => (ENDPOINT_SLICE_COLUMNS, endpoint_slice_cells),
        ("rbac.authorization.k8s.io", "RoleBinding") => (ROLE_BINDING_COLUMNS, binding_cells),
        ("rbac.authorization.k8s.io", "ClusterRoleBinding") => {
            (CLUSTER_ROLE_BINDING_COLUMNS, binding_cells)
        }
        ("certificates.k8s.io", "CertificateSigningRequest") => (CSR_COLUMNS, csr_cells),
        ("certificates.k8s.io", "ClusterTrustBundle") => {
            (CLUSTER_TRUST_BUNDLE_COLUMNS, cluster_trust_bundle_cells)
        }
        ("coordination.k8s.io", "Lease") => (LEASE_COLUMNS, lease_cells),
        ("coordination.k8s.io", "LeaseCandidate") => {
            (LEASE_CANDIDATE_COLUMNS, lease_candidate_cells)
        }
        ("storage.k8s.io", "StorageClass") => (STORAGE_CLASS_COLUMNS, storage_class_cells),
        ("storage.k8s.io", "VolumeAttributesClass") => (VAC_COLUMNS, vac_cells),
        ("storage.k8s.io", "VolumeAttachment") => {
            (VOLUME_ATTACHMENT_COLUMNS, volume_attachment_cells)
        }
        ("storage.k8s.io", "CSINode") => (CSI_NODE_COLUMNS, csi_node_cells),
        ("storage.k8s.io", "CSIDriver") => (CSI_DRIVER_COLUMNS, csi_driver_cells),
        ("scheduling.k8s.io", "PriorityClass") => (PRIORITY_CLASS_COLUMNS, priority_class_cells),
        ("node.k8s.io", "RuntimeClass") => (RUNTIME_CLASS_COLUMNS, runtime_class_cells),
        ("admissionregistration.k8s.io", "MutatingWebhookConfiguration")
        | ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration") => {
            (WEBHOOK_COLUMNS, webhook_cells)
        }
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy") => {
            (VAP_COLUMNS, validating_policy_cells)
        }
        ("admissionregistration.k8s.io", "MutatingAdmissionPolicy") => {
            (MAP_COLUMNS, mutating_policy_cells)
        }
        ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding")
        | ("admissionregistration.k8s.io", "MutatingAdmissionPolicyBinding") => {
            (POLICY_BINDING_COLUMNS, policy_binding_cells)
        }
        ("flowcontrol.apiserver.k8s.io", "FlowSchema") => (FLOW_SCHEMA_COLUMNS, flow_schema_cells),
        ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration") => {
            (PRIORITY_LEVEL_COLUMNS, priority_level_cells)
        }
        ("internal.apiserver.k8s.io", "StorageVersion") => {
            (STORAGE_VERSION_COLUMNS, storage_version_cells)
        }
        ("storagemigration.k8s.io", "StorageVersionMigration") => (
            STORAGE_VERSION_MIGRATION_COLUMNS,
            storage_version_migration_cells,
        ),
        ("resource.k8s.io", "DeviceClass") | ("resource.k8s.io", "ResourceClaimTemplate") => {
            (NAME_AGE_COLUMNS, name_age_cells)
        }
        ("resource.k8s.io", "ResourceClaim") => (RESOURCE_CLAIM_COLUMNS, resource_claim_cells),
        ("resource.k8s.io", "ResourceSlice") => (RESOURCE_SLICE_COLUMNS, resource_slice_cells),
        ("apiregistration.k8s.io", "APIService") => (API_SERVICE_COLUMNS, api_service_cells),
        // Kinds a real API server serves with its generic table: name and creation time.
        (g, _) if BUILTIN_GROUPS.contains(&g) => (CREATED_AT_COLUMNS, created_at_cells),
        // Custom resources without printer columns: name and age.
        _ => (CUSTOM_DEFAULT_COLUMNS, custom_default_cells),
    };
    Printer { columns, cells }
}

// ---------------------------------------------------------------------------------------------
// Column definitions

const NAME_DESC: &str = "Name of the object, unique within its namespace (or the cluster).";
const AGE_DESC: &str = "Time since the object was created (metadata.creationTimestamp).";
const CONTAINERS_DESC: &str = "Names of the containers in the pod template.";
const IMAGES_DESC: &str = "Images of the containers in the pod template.";

const NAME: Column = Column::new("Name", "string", "name", NAME_DESC, 0);
const AGE: Column = Column::new("Age", "string", "", AGE_DESC, 0);
const CONTAINERS_WIDE: Column = Column::new("Containers", "string", "", CONTAINERS_DESC, 1);
const IMAGES_WIDE: Column = Column::new("Images", "string", "", IMAGES_DESC, 1);

const fn col(name: &'static str, type_: &'static str, description: &'static str) -> Column {
    Column::new(name, type_, "", description, 0)
}

const fn wide(name: &'static str, type_: &'static str, description: &'static str) -> Column {
    Column::new(name, type_, "", description, 1)
}

static CREATED_AT_COLUMNS: &[Column] = &[NAME, col("Created At", "date", AGE_DESC)];

static CUSTOM_DEFAULT_COLUMNS: &[Column] = &[NAME, col("Age", "date", AGE_DESC)];

static NAME_AGE_COLUMNS: &[Column] = &[NAME, AGE];

static POD_COLUMNS: &[Column] = &[
    NAME,
    col(
        "Ready",
        "string",
        "Ready containers out of all containers of the pod.",
    ),
    col(
        "Status",
        "string",
        "Summary of the pod's phase and container states.",
    ),
    col(
        "Restarts",
        "string",
        "Container restarts, and how long ago the last one was.",
    ),
    AGE,
    wide("IP", "string", "The pod's first IP address."),
    wide("Node", "string", "The node the pod is bound to."),
    wide(
        "Nominated Node",
        "string",
        "The node the scheduler nominated for preemption.",
    ),
    wide(
        "Readiness Gates",
        "string",
        "Readiness gates that are true, out of all gates.",
    ),
];

static POD_TEMPLATE_COLUMNS: &[Column] = &[
    NAME,
    col("Containers", "string", CONTAINERS_DESC),
    col("Images", "string", IMAGES_DESC),
    col("Pod Labels", "string", "Labels of the pod template."),
];

static RC_COLUMNS: &[Column] = &[
    NAME,
    col("Desired", "integer", "Number of replicas requested."),
    col("Current", "integer", "Number of replicas that exist."),
    col("Ready", "integer", "Number of ready replicas."),
    AGE,
    CONTAINERS_WIDE,
    IMAGES_WIDE,
    wide("Selector", "string", "Label selector of the pods."),
];

static REPLICA_SET_COLUMNS: &[Column] = RC_COLUMNS;

static DEPLOYMENT_COLUMNS: &[Column] = &[
    NAME,
    col(
        "Ready",
        "string",
        "Ready replicas out of requested replicas.",
    ),
    col(
        "Up-to-date",
        "string",
        "Replicas running the newest pod template.",
    ),
    col("Available", "string", "Replicas available to serve."),
    AGE,
    CONTAINERS_WIDE,
    IMAGES_WIDE,
    wide("Selector", "string", "Label selector of the pods."),
];

static STATEFUL_SET_COLUMNS: &[Column] = &[
    NAME,
    col(
        "Ready",
        "string",
        "Ready replicas out of requested replicas.",
    ),
    AGE,
    CONTAINERS_WIDE,
    IMAGES_WIDE,
];

static DAEMON_SET_COLUMNS: &[Column] = &[
    NAME,
    col(
        "Desired",
        "integer",
        "Nodes that should run the daemon pod.",
    ),
    col(
        "Current",
        "integer",
        "Nodes running at least one daemon pod.",
    ),
    col("Ready", "integer", "Nodes whose daemon pod is ready."),
    col(
        "Up-to-date",
        "integer",
        "Nodes running the newest daemon pod.",
    ),
    col(
        "Available",
        "integer",
        "Nodes whose daemon pod is available.",
    ),
    col(
        "Node Selector",
        "string",
        "Node selector of the pod template.",
    ),
    AGE,
    CONTAINERS_WIDE,
    IMAGES_WIDE,
    wide("Selector", "string", "Label selector of the pods."),
];

static CONTROLLER_REVISION_COLUMNS: &[Column] = &[
    NAME,
    col(
        "Controller",
        "string",
        "The object controlling this revision.",
    ),
    col("Revision", "string", "Revision number."),
    AGE,
];

static JOB_COLUMNS: &[Column] = &[
    NAME,
    col("Status", "string", "Status of the job."),
    col(
        "Completions",
        "string",
        "Succeeded pods out of required completions.",
    ),
    col(
        "Duration",
        "string",
        "How long the job ran, or has been running.",
    ),
    AGE,
    CONTAINERS_WIDE,
    IMAGES_WIDE,
    wide("Selector", "string", "Label selector of the pods."),
];

static CRON_JOB_COLUMNS: &[Column] = &[
    NAME,
    col("Schedule", "string", "Cron schedule."),
    col("Timezone", "string", "Time zone of the schedule."),
    col("Suspend", "boolean", "Whether scheduling is suspended."),
    col("Active", "integer", "Number of running jobs."),
    col(
        "Last Schedule",
        "string",
        "Time since a job was last scheduled.",
    ),
    AGE,
    CONTAINERS_WIDE,
    IMAGES_WIDE,
    wide("Selector", "string", "Label selector of the job's pods."),
];

static SERVICE_COLUMNS: &[Column] = &[
    NAME,
    col("Type", "string", "How the service is exposed."),
    col("Cluster-IP", "string", "The service's cluster IP."),
    col(
        "External-IP",
        "string",
        "External IPs or load balancer ingress points.",
    ),
    col("Port(s)", "string", "Service ports, with node ports."),
    AGE,
    wide("Selector", "string", "Label selector of the backing pods."),
];

static ENDPOINTS_COLUMNS: &[Column] = &[
    NAME,
    col("Endpoints", "string", "Endpoint addresses and ports."),
    AGE,
];

static ENDPOINT_SLICE_COLUMNS: &[Column] = &[
    NAME,
    col(
        "AddressType",
        "string",
        "Type of the addresses in the slice.",
    ),
    col("Ports", "string", "Ports of the slice."),
    col("Endpoints", "string", "Addresses of the endpoints."),
    AGE,
];

static NODE_COLUMNS: &[Column] = &[
    NAME,
    col(
        "Status",
        "string",
        "Readiness and schedulability of the node.",
    ),
    col("Roles", "string", "Roles from node-role labels."),
    AGE,
    col("Version", "string", "Kubelet version."),
    wide("Internal-IP", "string", "First internal IP address."),
    wide("External-IP", "string", "First external IP address."),
    wide("OS-Image", "string", "Operating system image."),
    wide("Kernel-Version", "string", "Kernel version."),
    wide(
        "Container-Runtime",
        "string",
        "Container runtime and version.",
    ),
];

static EVENT_COLUMNS: &[Column] = &[
    col("Last Seen", "string", "Time since the event last occurred."),
    col("Type", "string", "Type of the event (Normal, Warning)."),
    col("Reason", "string", "Short reason for the event."),
    col("Object", "string", "The object the event is about."),
    wide(
        "Subobject",
        "string",
        "Part of the object the event is about.",
    ),
    wide("Source", "string", "Component that reported the event."),
    col("Message", "string", "Description of the event."),
    wide(
        "First Seen",
        "string",
        "Time since the event first occurred.",
    ),
    wide("Count", "string", "Number of occurrences."),
    Column::new("Name", "string", "name", NAME_DESC, 1),
];

static NAMESPACE_COLUMNS: &[Column] = &[
    NAME,
    col("Status", "string", "Lifecycle phase of the namespace."),
    AGE,
];

static SECRET_COLUMNS: &[Column] = &[
    NAME,
    col("Type", "string", "Type of the secret."),
    col("Data", "string", "Number of data entries."),
    AGE,
];

static SERVICE_ACCOUNT_COLUMNS: &[Column] = &[
    NAME,
    col("Secrets", "string", "Number of referenced secrets."),
    AGE,
];

static PV_COLUMNS: &[Column] = &[
    NAME,
    col("Capacity", "string", "Storage capacity."),
    col("Access Modes", "string", "Access modes."),
    col(
        "Reclaim Policy",
        "string",
        "What happens to the volume when released.",
    ),
    col("Status", "string", "Phase of the volume."),
    col("Claim", "string", "The claim bound to the volume."),
    col("StorageClass", "string", "Storage class of the volume."),
    col(
        "VolumeAttributesClass",
        "string",
        "Volume attributes class of the volume.",
    ),
    col("Reason", "string", "Reason for the phase."),
    AGE,
    wide("VolumeMode", "string", "Filesystem or Block."),
];

static PVC_COLUMNS: &[Column] = &[
    NAME,
    col("Status", "string", "Phase of the claim."),
    col("Volume", "string", "The volume bound to the claim."),
    col("Capacity", "string", "Capacity of the bound volume."),
    col(
        "Access Modes",
        "string",
        "Access modes of the bound volume.",
    ),
    col("StorageClass", "string", "Storage class of the claim."),
    col(
        "VolumeAttributesClass",
        "string",
        "Volume attributes class of the claim.",
    ),
    AGE,
    wide("VolumeMode", "string", "Filesystem or Block."),
];

static COMPONENT_STATUS_COLUMNS: &[Column] = &[
    NAME,
    col("Status", "string", "Health of the component."),
    col("Message", "string", "Message of the health condition."),
    col("Error", "string", "Error of the health condition."),
];

static HPA_COLUMNS: &[Column] = &[
    NAME,
    col("Reference", "string", "The scaled object."),
    col("Targets", "string", "Current and target metric values."),
    col("MinPods", "string", "Lower replica limit."),
    col("MaxPods", "string", "Upper replica limit."),
    col("Replicas", "string", "Current replicas."),
    AGE,
];

static SCALE_COLUMNS: &[Column] = &[
    Column::new("Name", "string", "", NAME_DESC, 0),
    col("Desired", "integer", "Requested replicas."),
    col("Available", "integer", "Observed replicas."),
    AGE,
];

static CONFIG_MAP_COLUMNS: &[Column] = &[
    NAME,
    col("Data", "string", "Number of data and binary data entries."),
    AGE,
];

static NETWORK_POLICY_COLUMNS: &[Column] = &[
    NAME,
    col("Pod-Selector", "string", "Pods the policy applies to."),
    AGE,
];

static ROLE_BINDING_COLUMNS: &[Column] = &[
    NAME,
    col("Role", "string", "The bound role."),
    AGE,
    wide("Users", "string", "Users bound."),
    wide("Groups", "string", "Groups bound."),
    wide("ServiceAccounts", "string", "Service accounts bound."),
];

static CLUSTER_ROLE_BINDING_COLUMNS: &[Column] = ROLE_BINDING_COLUMNS;

static CSR_COLUMNS: &[Column] = &[
    NAME,
    AGE,
    col(
        "SignerName",
        "string",
        "Signer asked to sign the certificate.",
    ),
    col("Requestor", "string", "User that created the request."),
    col(
        "RequestedDuration",
        "string",
        "Requested certificate lifetime.",
    ),
    col("Condition", "string", "Approval and issuance state."),
];

static CLUSTER_TRUST_BUNDLE_COLUMNS: &[Column] = &[
    NAME,
    col("SignerName", "string", "Signer the bundle belongs to."),
];

static LEASE_COLUMNS: &[Column] = &[
    NAME,
    col("Holder", "string", "Current holder of the lease."),
    AGE,
];

static LEASE_CANDIDATE_COLUMNS: &[Column] = &[
    NAME,
    col("LeaseName", "string", "Lease the candidate competes for."),
    col(
        "BinaryVersion",
        "string",
        "Binary version of the candidate.",
    ),
    col(
        "EmulationVersion",
        "string",
        "Emulation version of the candidate.",
    ),
    AGE,
];

static STORAGE_CLASS_COLUMNS: &[Column] = &[
    NAME,
    col("Provisioner", "string", "Volume provisioner."),
    col(
        "ReclaimPolicy",
        "string",
        "Reclaim policy of provisioned volumes.",
    ),
    col("VolumeBindingMode", "string", "When volumes are bound."),
    col(
        "AllowVolumeExpansion",
        "string",
        "Whether volumes may be expanded.",
    ),
    AGE,
];

static VAC_COLUMNS: &[Column] = &[NAME, col("DriverName", "string", "CSI driver."), AGE];

static VOLUME_ATTACHMENT_COLUMNS: &[Column] = &[
    NAME,
    Column::new(
        "Attacher",
        "string",
        "name",
        "Attacher handling the volume.",
        0,
    ),
    col("PV", "string", "Persistent volume being attached."),
    col("Node", "string", "Node the volume is attached to."),
    col("Attached", "boolean", "Whether the volume is attached."),
    AGE,
];

static CSI_NODE_COLUMNS: &[Column] = &[
    NAME,
    col(
        "Drivers",
        "integer",
        "Number of CSI drivers registered on the node.",
    ),
    AGE,
];

static CSI_DRIVER_COLUMNS: &[Column] = &[
    NAME,
    col(
        "AttachRequired",
        "boolean",
        "Whether volumes need an attach step.",
    ),
    col(
        "PodInfoOnMount",
        "boolean",
        "Whether pod information is passed on mount.",
    ),
    col(
        "StorageCapacity",
        "boolean",
        "Whether storage capacity is tracked.",
    ),
    col(
        "TokenRequests",
        "string",
        "Audiences of requested service account tokens.",
    ),
    col(
        "RequiresRepublish",
        "boolean",
        "Whether volumes are republished periodically.",
    ),
    col("Modes", "string", "Supported volume lifecycle modes."),
    AGE,
];

static PRIORITY_CLASS_COLUMNS: &[Column] = &[
    NAME,
    col("Value", "integer", "Priority value."),
    col(
        "Global-Default",
        "boolean",
        "Whether this is the default priority class.",
    ),
    AGE,
    col("PreemptionPolicy", "string", "Preemption policy."),
];

static RUNTIME_CLASS_COLUMNS: &[Column] = &[
    NAME,
    col("Handler", "string", "Container runtime handler."),
    AGE,
];

static WEBHOOK_COLUMNS: &[Column] = &[
    NAME,
    col(
        "Webhooks",
        "integer",
        "Number of webhooks in the configuration.",
    ),
    AGE,
];

static VAP_COLUMNS: &[Column] = &[
    NAME,
    col("Validations", "integer", "Number of validation rules."),
    col("ParamKind", "string", "Kind of the parameter resources."),
    AGE,
];

static MAP_COLUMNS: &[Column] = &[
    NAME,
    col("Mutations", "integer", "Number of mutations."),
    col("ParamKind", "string", "Kind of the parameter resources."),
    AGE,
];

static POLICY_BINDING_COLUMNS: &[Column] = &[
    NAME,
    col("PolicyName", "string", "The bound policy."),
    col("ParamRef", "string", "The parameter resource."),
    AGE,
];

static FLOW_SCHEMA_COLUMNS: &[Column] = &[
    NAME,
    col(
        "PriorityLevel",
        "string",
        "Priority level of matching requests.",
    ),
    col("MatchingPrecedence", "string", "Order among flow schemas."),
    col(
        "DistinguisherMethod",
        "string",
        "How flows are distinguished.",
    ),
    AGE,
    col(
        "MissingPL",
        "string",
        "Whether the priority level is missing.",
    ),
];

static PRIORITY_LEVEL_COLUMNS: &[Column] = &[
    NAME,
    col("Type", "string", "Exempt or Limited."),
    col(
        "NominalConcurrencyShares",
        "string",
        "Nominal concurrency shares.",
    ),
    col("Queues", "string", "Number of queues."),
    col("HandSize", "string", "Shuffle sharding hand size."),
    col("QueueLengthLimit", "string", "Maximum queue length."),
    AGE,
];

static STORAGE_VERSION_COLUMNS: &[Column] = &[
    NAME,
    col(
        "CommonEncodingVersion",
        "string",
        "Encoding version all servers agree on.",
    ),
    col(
        "StorageVersions",
        "string",
        "Encoding versions per API server.",
    ),
    AGE,
];

static STORAGE_VERSION_MIGRATION_COLUMNS: &[Column] = &[
    Column::new("Name", "string", "", NAME_DESC, 0),
    col("Resource", "string", "Fully qualified resource to migrate."),
];

static RESOURCE_CLAIM_COLUMNS: &[Column] = &[
    NAME,
    col("State", "string", "Allocation state of the claim."),
    AGE,
];

static RESOURCE_SLICE_COLUMNS: &[Column] = &[
    NAME,
    col("Node", "string", "Node providing the devices."),
    col("Driver", "string", "Driver providing the devices."),
    col("Pool", "string", "Pool the slice belongs to."),
    AGE,
];

static SERVICE_CIDR_COLUMNS: &[Column] = &[NAME, col("CIDRs", "string", "Service IP ranges."), AGE];

static IP_ADDRESS_COLUMNS: &[Column] = &[
    NAME,
    col(
        "ParentRef",
        "string",
        "The object the IP address is allocated to.",
    ),
];

static INGRESS_COLUMNS: &[Column] = &[
    NAME,
    col("Class", "string", "Ingress class."),
    col("Hosts", "string", "Hosts the rules match."),
    col("Address", "string", "Load balancer ingress points."),
    col("Ports", "string", "Ports served."),
    AGE,
];

static INGRESS_CLASS_COLUMNS: &[Column] = &[
    NAME,
    col("Controller", "string", "Controller implementing the class."),
    col("Parameters", "string", "Resource holding extra parameters."),
    AGE,
];

static PDB_COLUMNS: &[Column] = &[
    NAME,
    col("Min Available", "string", "Pods that must stay available."),
    col("Max Unavailable", "string", "Pods that may be unavailable."),
    col(
        "Allowed Disruptions",
        "integer",
        "Pods that may be disrupted now.",
    ),
    AGE,
];

static RESOURCE_QUOTA_COLUMNS: &[Column] = &[
    NAME,
    col("Request", "string", "Used and hard request quotas."),
    col("Limit", "string", "Used and hard limit quotas."),
    AGE,
];

static API_SERVICE_COLUMNS: &[Column] = &[
    NAME,
    col("Service", "string", "Service serving the API, or Local."),
    col("Available", "string", "Whether the API is available."),
    AGE,
];

// ---------------------------------------------------------------------------------------------
// JSON access helpers

fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for key in path {
        cur = cur.get(*key)?;
    }
    if cur.is_null() { None } else { Some(cur) }
}

fn s<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    at(v, path).and_then(Value::as_str).unwrap_or("")
}

fn opt_s<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    at(v, path).and_then(Value::as_str)
}

fn int(v: &Value, path: &[&str]) -> i64 {
    at(v, path).and_then(Value::as_i64).unwrap_or(0)
}

fn boolean(v: &Value, path: &[&str]) -> Option<bool> {
    at(v, path).and_then(Value::as_bool)
}

fn arr<'a>(v: &'a Value, path: &[&str]) -> &'a [Value] {
    at(v, path)
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default()
}

fn map_len(v: &Value, path: &[&str]) -> usize {
    at(v, path).and_then(Value::as_object).map_or(0, Map::len)
}

fn name(v: &Value) -> Value {
    Value::from(s(v, &["metadata", "name"]))
}

fn or_none(text: &str) -> String {
    if text.is_empty() {
        "<none>".to_string()
    } else {
        text.to_string()
    }
}

/// A scalar (string, number or bool) as text; quantities and int-or-strings print as given.
fn scalar_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn is_zero_time(t: Timestamp) -> bool {
    t.as_second() == -62_135_596_800 && t.subsec_nanosecond() == 0
}

fn timestamp(v: &Value, path: &[&str]) -> Option<Timestamp> {
    opt_s(v, path)
        .and_then(|text| text.parse::<Timestamp>().ok())
        .filter(|t| !is_zero_time(*t))
}

fn since(t: Option<Timestamp>, now: Timestamp) -> String {
    match t {
        None => "<unknown>".to_string(),
        Some(t) => human_signed_duration(now.duration_since(t)),
    }
}

fn age(obj: &Value, now: Timestamp) -> Value {
    Value::from(since(
        timestamp(obj, &["metadata", "creationTimestamp"]),
        now,
    ))
}

fn later(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// `k=v` pairs sorted by key, or `<none>`.
fn format_labels(v: Option<&Value>) -> String {
    let Some(map) = v.and_then(Value::as_object).filter(|m| !m.is_empty()) else {
        return "<none>".to_string();
    };
    let mut pairs: Vec<String> = map
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
        .collect();
    pairs.sort();
    pairs.join(",")
}

/// A label selector as a selector string (`a=b,c in (d,e),!f`), `""` for nil or empty, `Err`
/// for an invalid selector.
fn selector_string(v: Option<&Value>) -> Result<String, ()> {
    let Some(sel) = v else {
        return Ok(String::new());
    };
    let mut reqs: Vec<(String, String)> = Vec::new();
    if let Some(labels) = sel.get("matchLabels").and_then(Value::as_object) {
        for (k, v) in labels {
            reqs.push((k.clone(), format!("{k}={}", v.as_str().unwrap_or_default())));
        }
    }
    for expr in arr(sel, &["matchExpressions"]) {
        let key = s(expr, &["key"]).to_string();
        let mut values: Vec<&str> = arr(expr, &["values"])
            .iter()
            .filter_map(Value::as_str)
            .collect();
        values.sort_unstable();
        let text = match s(expr, &["operator"]) {
            "In" if !values.is_empty() => format!("{key} in ({})", values.join(",")),
            "NotIn" if !values.is_empty() => format!("{key} notin ({})", values.join(",")),
            "Exists" if values.is_empty() => key.clone(),
            "DoesNotExist" if values.is_empty() => format!("!{key}"),
            _ => return Err(()),
        };
        reqs.push((key, text));
    }
    reqs.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(reqs
        .into_iter()
        .map(|(_, text)| text)
        .collect::<Vec<_>>()
        .join(","))
}

/// A label selector for display: `<none>` when it selects nothing or everything, `<error>`
/// when invalid.
fn format_selector(v: Option<&Value>) -> String {
    match selector_string(v) {
        Ok(text) if text.is_empty() => "<none>".to_string(),
        Ok(text) => text,
        Err(()) => "<error>".to_string(),
    }
}

/// Container names and images of a pod spec, comma-joined.
fn containers_and_images(pod_spec: Option<&Value>) -> (Value, Value) {
    let containers = pod_spec.map_or(&[][..], |spec| arr(spec, &["containers"]));
    let names: Vec<&str> = containers.iter().map(|c| s(c, &["name"])).collect();
    let images: Vec<&str> = containers.iter().map(|c| s(c, &["image"])).collect();
    (Value::from(names.join(",")), Value::from(images.join(",")))
}

/// Up to `max` items joined by `,`, then `+ N more...`; `<unset>` when empty.
fn list_with_more(items: &[String], max: usize) -> String {
    if items.is_empty() {
        return "<unset>".to_string();
    }
    let shown = items[..items.len().min(max)].join(",");
    if items.len() > max {
        format!("{shown} + {} more...", items.len() - max)
    } else {
        shown
    }
}

fn bool_text(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "True",
        Some(false) => "False",
        None => "<unset>",
    }
}

fn condition<'a>(obj: &'a Value, path: &[&str], type_: &str) -> Option<&'a Value> {
    arr(obj, path).iter().find(|c| s(c, &["type"]) == type_)
}

fn condition_true(obj: &Value, path: &[&str], type_: &str) -> bool {
    condition(obj, path, type_).is_some_and(|c| s(c, &["status"]) == "True")
}

// ---------------------------------------------------------------------------------------------
// Row printers

fn created_at_cells(obj: &Value, _now: Timestamp) -> Vec<Value> {
    let created = timestamp(obj, &["metadata", "creationTimestamp"]).map_or_else(
        || "0001-01-01T00:00:00Z".to_string(),
        |t| t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
    );
    vec![name(obj), Value::from(created)]
}

fn custom_default_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    vec![name(obj), age(obj, now)]
}

fn name_age_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    vec![name(obj), age(obj, now)]
}

fn pod_row_conditions(pod: &Value) -> Option<Value> {
    let (reason, message) = match s(pod, &["status", "phase"]) {
        "Succeeded" => ("Succeeded", "The pod completed successfully."),
        "Failed" => ("Failed", "The pod failed."),
        _ => return None,
    };
    Some(json!([{
        "type": "Completed",
        "status": "True",
        "reason": reason,
        "message": message,
    }]))
}

fn pod_cells(pod: &Value, now: Timestamp) -> Vec<Value> {
    let init_containers = arr(pod, &["spec", "initContainers"]);
    let is_sidecar = |container_name: &str| {
        init_containers
            .iter()
            .any(|c| s(c, &["name"]) == container_name && s(c, &["restartPolicy"]) == "Always")
    };
    let total = arr(pod, &["spec", "containers"]).len()
        + init_containers
            .iter()
            .filter(|c| s(c, &["restartPolicy"]) == "Always")
            .count();
    let mut ready = 0usize;
    let mut restarts = 0i64;
    let mut sidecar_restarts = 0i64;
    let mut last_restart: Option<Timestamp> = None;
    let mut sidecar_last_restart: Option<Timestamp> = None;

    let phase = s(pod, &["status", "phase"]);
    let mut reason = match s(pod, &["status", "reason"]) {
        "" => phase.to_string(),
        r => r.to_string(),
    };
    if arr(pod, &["status", "conditions"])
        .iter()
        .any(|c| s(c, &["type"]) == "PodScheduled" && s(c, &["reason"]) == "SchedulingGated")
    {
        reason = "SchedulingGated".to_string();
    }

    let mut initializing = false;
    for (i, cs) in arr(pod, &["status", "initContainerStatuses"])
        .iter()
        .enumerate()
    {
        let count = int(cs, &["restartCount"]);
        let finished = timestamp(cs, &["lastState", "terminated", "finishedAt"]);
        restarts += count;
        last_restart = later(last_restart, finished);
        let sidecar = is_sidecar(s(cs, &["name"]));
        if sidecar {
            sidecar_restarts += count;
            sidecar_last_restart = later(sidecar_last_restart, finished);
        }
        let terminated = at(cs, &["state", "terminated"]);
        let waiting_reason = s(cs, &["state", "waiting", "reason"]);
        if terminated.is_some_and(|t| int(t, &["exitCode"]) == 0) {
            continue;
        }
        if sidecar && boolean(cs, &["started"]) == Some(true) {
            if boolean(cs, &["ready"]) == Some(true) {
                ready += 1;
            }
            continue;
        }
        reason = if let Some(t) = terminated {
            match s(t, &["reason"]) {
                "" if int(t, &["signal"]) != 0 => format!("Init:Signal:{}", int(t, &["signal"])),
                "" => format!("Init:ExitCode:{}", int(t, &["exitCode"])),
                r => format!("Init:{r}"),
            }
        } else if !waiting_reason.is_empty() && waiting_reason != "PodInitializing" {
            format!("Init:{waiting_reason}")
        } else {
            format!("Init:{i}/{}", init_containers.len())
        };
        initializing = true;
        break;
    }

    if !initializing || condition_true(pod, &["status", "conditions"], "Initialized") {
        restarts = sidecar_restarts;
        last_restart = sidecar_last_restart;
        let mut has_running = false;
        for cs in arr(pod, &["status", "containerStatuses"]).iter().rev() {
            restarts += int(cs, &["restartCount"]);
            last_restart = later(
                last_restart,
                timestamp(cs, &["lastState", "terminated", "finishedAt"]),
            );
            let waiting_reason = s(cs, &["state", "waiting", "reason"]);
            let terminated = at(cs, &["state", "terminated"]);
            if !waiting_reason.is_empty() {
                reason = waiting_reason.to_string();
            } else if let Some(t) = terminated {
                reason = match s(t, &["reason"]) {
                    "" if int(t, &["signal"]) != 0 => format!("Signal:{}", int(t, &["signal"])),
                    "" => format!("ExitCode:{}", int(t, &["exitCode"])),
                    r => r.to_string(),
                };
            } else if boolean(cs, &["ready"]) == Some(true)
                && at(cs, &["state", "running"]).is_some()
            {
                has_running = true;
                ready += 1;
            }
        }
        if reason == "Completed" && has_running {
            reason = if condition_true(pod, &["status", "conditions"], "Ready") {
                "Running".to_string()
            } else {
                "NotReady".to_string()
            };
        }
    }

    if at(pod, &["metadata", "deletionTimestamp"]).is_some() {
        if s(pod, &["status", "reason"]) == "NodeLost" {
            reason = "Unknown".to_string();
        } else if phase != "Succeeded" && phase != "Failed" {
            reason = "Terminating".to_string();
        }
    }

    let restarts_text = match last_restart {
        Some(t) if restarts != 0 => format!("{restarts} ({} ago)", since(Some(t), now)),
        _ => restarts.to_string(),
    };

    let pod_ip = arr(pod, &["status", "podIPs"])
        .first()
        .map(|ip| s(ip, &["ip"]))
        .filter(|ip| !ip.is_empty())
        .unwrap_or_else(|| s(pod, &["status", "podIP"]));
    let gates = arr(pod, &["spec", "readinessGates"]);
    let readiness_gates = if gates.is_empty() {
        "<none>".to_string()
    } else {
        let conditions = arr(pod, &["status", "conditions"]);
        let true_count = gates
            .iter()
            .filter(|gate| {
                let wanted = s(gate, &["conditionType"]);
                conditions
                    .iter()
                    .find(|c| s(c, &["type"]) == wanted)
                    .is_some_and(|c| s(c, &["status"]) == "True")
            })
            .count();
        format!("{true_count}/{}", gates.len())
    };

    vec![
        name(pod),
        Value::from(format!("{ready}/{total}")),
        Value::from(reason),
        Value::from(restarts_text),
        age(pod, now),
        Value::from(or_none(pod_ip)),
        Value::from(or_none(s(pod, &["spec", "nodeName"]))),
        Value::from(or_none(s(pod, &["status", "nominatedNodeName"]))),
        Value::from(readiness_gates),
    ]
}

fn pod_template_cells(obj: &Value, _now: Timestamp) -> Vec<Value> {
    let (names, images) = containers_and_images(at(obj, &["template", "spec"]));
    vec![
        name(obj),
        names,
        images,
        Value::from(format_labels(at(obj, &["template", "metadata", "labels"]))),
    ]
}

fn replicas(obj: &Value) -> i64 {
    at(obj, &["spec", "replicas"])
        .and_then(Value::as_i64)
        .unwrap_or(1)
}

fn rc_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (names, images) = containers_and_images(at(obj, &["spec", "template", "spec"]));
    vec![
        name(obj),
        Value::from(replicas(obj)),
        Value::from(int(obj, &["status", "replicas"])),
        Value::from(int(obj, &["status", "readyReplicas"])),
        age(obj, now),
        names,
        images,
        Value::from(format_labels(at(obj, &["spec", "selector"]))),
    ]
}

fn replica_set_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (names, images) = containers_and_images(at(obj, &["spec", "template", "spec"]));
    vec![
        name(obj),
        Value::from(replicas(obj)),
        Value::from(int(obj, &["status", "replicas"])),
        Value::from(int(obj, &["status", "readyReplicas"])),
        age(obj, now),
        names,
        images,
        Value::from(format_selector(at(obj, &["spec", "selector"]))),
    ]
}

fn deployment_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (names, images) = containers_and_images(at(obj, &["spec", "template", "spec"]));
    let selector =
        selector_string(at(obj, &["spec", "selector"])).unwrap_or_else(|()| "<invalid>".into());
    vec![
        name(obj),
        Value::from(format!(
            "{}/{}",
            int(obj, &["status", "readyReplicas"]),
            replicas(obj)
        )),
        Value::from(int(obj, &["status", "updatedReplicas"])),
        Value::from(int(obj, &["status", "availableReplicas"])),
        age(obj, now),
        names,
        images,
        Value::from(selector),
    ]
}

fn stateful_set_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (names, images) = containers_and_images(at(obj, &["spec", "template", "spec"]));
    vec![
        name(obj),
        Value::from(format!(
            "{}/{}",
            int(obj, &["status", "readyReplicas"]),
            replicas(obj)
        )),
        age(obj, now),
        names,
        images,
    ]
}

fn daemon_set_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let (names, images) = containers_and_images(at(obj, &["spec", "template", "spec"]));
    vec![
        name(obj),
        Value::from(int(obj, &["status", "desiredNumberScheduled"])),
        Value::from(int(obj, &["status", "currentNumberScheduled"])),
        Value::from(int(obj, &["status", "numberReady"])),
        Value::from(int(obj, &["status", "updatedNumberScheduled"])),
        Value::from(int(obj, &["status", "numberAvailable"])),
        Value::from(format_labels(at(
            obj,
            &["spec", "template", "spec", "nodeSelector"],
        ))),
        age(obj, now),
        names,
        images,
        Value::from(format_selector(at(obj, &["spec", "selector"]))),
    ]
}

fn controller_revision_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let controller = arr(obj, &["metadata", "ownerReferences"])
        .iter()
        .find(|r| boolean(r, &["controller"]) == Some(true))
        .map_or_else(
            || "<none>".to_string(),
            |r| {
                let group = s(r, &["apiVersion"])
                    .rsplit_once('/')
                    .map_or("", |(g, _)| g);
                let kind = s(r, &["kind"]);
                let group_kind = if group.is_empty() {
                    kind.to_string()
                } else {
                    format!("{kind}.{group}")
                };
                if kind.is_empty() {
                    s(r, &["name"]).to_string()
                } else {
                    format!("{}/{}", group_kind.to_lowercase(), s(r, &["name"]))
                }
            },
        );
    vec![
        name(obj),
        Value::from(controller),
        Value::from(int(obj, &["revision"])),
        age(obj, now),
    ]
}

fn job_condition(obj: &Value, type_: &str) -> bool {
    condition_true(obj, &["status", "conditions"], type_)
}

fn job_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let succeeded = int(obj, &["status", "succeeded"]);
    let completions = match at(obj, &["spec", "completions"]).and_then(Value::as_i64) {
        Some(c) => format!("{succeeded}/{c}"),
        None => {
            let parallelism = int(obj, &["spec", "parallelism"]);
            if parallelism > 1 {
                format!("{succeeded}/1 of {parallelism}")
            } else {
                format!("{succeeded}/1")
            }
        }
    };
    let start = timestamp(obj, &["status", "startTime"]);
    let duration = match (start, timestamp(obj, &["status", "completionTime"])) {
        (None, _) => String::new(),
        (Some(start), None) => human_signed_duration(now.duration_since(start)),
        (Some(start), Some(end)) => human_signed_duration(end.duration_since(start)),
    };
    let status = if job_condition(obj, "Complete") {
        "Complete"
    } else if job_condition(obj, "Failed") {
        "Failed"
    } else if at(obj, &["metadata", "deletionTimestamp"]).is_some() {
        "Terminating"
    } else if job_condition(obj, "Suspended") {
        "Suspended"
    } else if job_condition(obj, "FailureTarget") {
        "FailureTarget"
    } else {
        "Running"
    };
    let (names, images) = containers_and_images(at(obj, &["spec", "template", "spec"]));
    vec![
        name(obj),
        Value::from(status),
        Value::from(completions),
        Value::from(duration),
        age(obj, now),
        names,
        images,
        Value::from(format_selector(at(obj, &["spec", "selector"]))),
    ]
}

fn cron_job_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let last_schedule = match at(obj, &["status", "lastScheduleTime"]) {
        None => "<none>".to_string(),
        Some(_) => since(timestamp(obj, &["status", "lastScheduleTime"]), now),
    };
    let job_spec = at(obj, &["spec", "jobTemplate", "spec"]);
    let (names, images) =
        containers_and_images(job_spec.and_then(|j| at(j, &["template", "spec"])));
    vec![
        name(obj),
        Value::from(s(obj, &["spec", "schedule"])),
        Value::from(opt_s(obj, &["spec", "timeZone"]).unwrap_or("<none>")),
        Value::from(bool_text(boolean(obj, &["spec", "suspend"]))),
        Value::from(arr(obj, &["status", "active"]).len()),
        Value::from(last_schedule),
        age(obj, now),
        names,
        images,
        Value::from(format_selector(job_spec.and_then(|j| at(j, &["selector"])))),
    ]
}

fn load_balancer_text(obj: &Value) -> String {
    let mut addresses: Vec<&str> = arr(obj, &["status", "loadBalancer", "ingress"])
        .iter()
        .filter_map(|i| {
            let ip = s(i, &["ip"]);
            let host = s(i, &["hostname"]);
            if !ip.is_empty() {
                Some(ip)
            } else if !host.is_empty() {
                Some(host)
            } else {
                None
            }
        })
        .collect();
    addresses.sort_unstable();
    addresses.dedup();
    addresses.join(",")
}

fn service_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let svc_type = opt_s(obj, &["spec", "type"]).unwrap_or("ClusterIP");
    let cluster_ip = arr(obj, &["spec", "clusterIPs"])
        .first()
        .and_then(Value::as_str)
        .or_else(|| opt_s(obj, &["spec", "clusterIP"]))
        .filter(|ip| !ip.is_empty())
        .unwrap_or("<none>");
    let external_ips: Vec<&str> = arr(obj, &["spec", "externalIPs"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let external = match svc_type {
        "ClusterIP" | "NodePort" => {
            if external_ips.is_empty() {
                "<none>".to_string()
            } else {
                external_ips.join(",")
            }
        }
        "LoadBalancer" => {
            let lb = load_balancer_text(obj);
            if !external_ips.is_empty() {
                let mut all: Vec<&str> = if lb.is_empty() {
                    Vec::new()
                } else {
                    lb.split(',').collect()
                };
                all.extend(external_ips.iter().copied());
                all.join(",")
            } else if !lb.is_empty() {
                lb
            } else {
                "<pending>".to_string()
            }
        }
        "ExternalName" => s(obj, &["spec", "externalName"]).to_string(),
        _ => "<unknown>".to_string(),
    };
    let ports: Vec<String> = arr(obj, &["spec", "ports"])
        .iter()
        .map(|p| {
            let port = int(p, &["port"]);
            let protocol = opt_s(p, &["protocol"]).unwrap_or("TCP");
            match int(p, &["nodePort"]) {
                n if n > 0 => format!("{port}:{n}/{protocol}"),
                _ => format!("{port}/{protocol}"),
            }
        })
        .collect();
    vec![
        name(obj),
        Value::from(svc_type),
        Value::from(cluster_ip),
        Value::from(external),
        Value::from(or_none(&ports.join(","))),
        age(obj, now),
        Value::from(format_labels(at(obj, &["spec", "selector"]))),
    ]
}

fn host_port(ip: &str, port: i64) -> String {
    if ip.contains(':') {
        format!("[{ip}]:{port}")
    } else {
        format!("{ip}:{port}")
    }
}

fn endpoints_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let subsets = arr(obj, &["subsets"]);
    let text = if subsets.is_empty() {
        "<none>".to_string()
    } else {
        const MAX: usize = 3;
        let mut list: Vec<String> = Vec::new();
        let mut count = 0usize;
        for subset in subsets {
            let addresses = arr(subset, &["addresses"]);
            let ports = arr(subset, &["ports"]);
            if ports.is_empty() {
                count += addresses.len();
                for a in addresses {
                    if list.len() < MAX {
                        list.push(s(a, &["ip"]).to_string());
                    }
                }
                continue;
            }
            for p in ports {
                count += addresses.len();
                for a in addresses {
                    if list.len() < MAX {
                        list.push(host_port(s(a, &["ip"]), int(p, &["port"])));
                    }
                }
            }
        }
        let joined = list.join(",");
        if count > MAX {
            format!("{joined} + {} more...", count - MAX)
        } else {
            joined
        }
    };
    vec![name(obj), Value::from(text), age(obj, now)]
}

fn endpoint_slice_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let ports: Vec<String> = arr(obj, &["ports"])
        .iter()
        .map(|p| match at(p, &["port"]).and_then(Value::as_i64) {
            Some(n) => n.to_string(),
            None => opt_s(p, &["name"]).unwrap_or("*").to_string(),
        })
        .collect();
    let addresses: Vec<String> = arr(obj, &["endpoints"])
        .iter()
        .flat_map(|e| arr(e, &["addresses"]))
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect();
    vec![
        name(obj),
        Value::from(s(obj, &["addressType"])),
        Value::from(list_with_more(&ports, 3)),
        Value::from(list_with_more(&addresses, 3)),
        age(obj, now),
    ]
}

fn node_address(obj: &Value, type_: &str) -> String {
    arr(obj, &["status", "addresses"])
        .iter()
        .find(|a| s(a, &["type"]) == type_)
        .map_or_else(|| "<none>".to_string(), |a| s(a, &["address"]).to_string())
}

fn node_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let mut status: Vec<&str> = Vec::new();
    if let Some(c) = condition(obj, &["status", "conditions"], "Ready") {
        status.push(if s(c, &["status"]) == "True" {
            "Ready"
        } else {
            "NotReady"
        });
    } else {
        status.push("Unknown");
    }
    if boolean(obj, &["spec", "unschedulable"]) == Some(true) {
        status.push("SchedulingDisabled");
    }
    let mut roles: Vec<&str> = Vec::new();
    if let Some(labels) = at(obj, &["metadata", "labels"]).and_then(Value::as_object) {
        for (k, v) in labels {
            if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
                if !role.is_empty() {
                    roles.push(role);
                }
            } else if k == "kubernetes.io/role"
                && let Some(v) = v.as_str().filter(|v| !v.is_empty())
            {
                roles.push(v);
            }
        }
    }
    roles.sort_unstable();
    roles.dedup();
    let info = |field: &str| match s(obj, &["status", "nodeInfo", field]) {
        "" => "<unknown>".to_string(),
        v => v.to_string(),
    };
    vec![
        name(obj),
        Value::from(status.join(",")),
        Value::from(or_none(&roles.join(","))),
        age(obj, now),
        Value::from(s(obj, &["status", "nodeInfo", "kubeletVersion"])),
        Value::from(node_address(obj, "InternalIP")),
        Value::from(node_address(obj, "ExternalIP")),
        Value::from(info("osImage")),
        Value::from(info("kernelVersion")),
        Value::from(info("containerRuntimeVersion")),
    ]
}

/// First present field among `paths` (core/v1 and events.k8s.io/v1 spell fields differently).
fn first_at<'a>(obj: &'a Value, paths: &[&[&str]]) -> Option<&'a Value> {
    paths.iter().find_map(|p| at(obj, p))
}

fn first_ts(obj: &Value, paths: &[&[&str]]) -> Option<Timestamp> {
    paths.iter().find_map(|p| timestamp(obj, p))
}

fn event_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let first = match first_ts(obj, &[&["firstTimestamp"], &["deprecatedFirstTimestamp"]]) {
        Some(t) => since(Some(t), now),
        None => since(timestamp(obj, &["eventTime"]), now),
    };
    let mut last = match first_ts(obj, &[&["lastTimestamp"], &["deprecatedLastTimestamp"]]) {
        Some(t) => since(Some(t), now),
        None => first.clone(),
    };
    let mut count = first_at(obj, &[&["count"], &["deprecatedCount"]])
        .and_then(Value::as_i64)
        .unwrap_or(0);
    if let Some(series) = at(obj, &["series"]) {
        last = since(timestamp(series, &["lastObservedTime"]), now);
        count = int(series, &["count"]);
    } else if count == 0 {
        count = 1;
    }
    let involved = first_at(obj, &[&["involvedObject"], &["regarding"]]).unwrap_or(&Value::Null);
    let kind = s(involved, &["kind"]).to_lowercase();
    let target = match s(involved, &["name"]) {
        "" => kind,
        n => format!("{kind}/{n}"),
    };
    let source = first_at(obj, &[&["source"], &["deprecatedSource"]]).unwrap_or(&Value::Null);
    let component = match s(source, &["component"]) {
        "" => s(obj, &["reportingController"]),
        c => c,
    };
    let instance = match s(source, &["host"]) {
        "" => s(obj, &["reportingInstance"]),
        h => h,
    };
    let source_text = if instance.is_empty() {
        component.to_string()
    } else {
        format!("{component}, {instance}")
    };
    let message = first_at(obj, &[&["message"], &["note"]])
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim();
    vec![
        Value::from(last),
        Value::from(s(obj, &["type"])),
        Value::from(s(obj, &["reason"])),
        Value::from(target),
        Value::from(s(involved, &["fieldPath"])),
        Value::from(source_text),
        Value::from(message),
        Value::from(first),
        Value::from(count),
        name(obj),
    ]
}

fn namespace_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(obj),
        Value::from(s(obj, &["status", "phase"])),
        age(obj, now),
    ]
}

fn secret_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(obj),
        Value::from(s(obj, &["type"])),
        Value::from(map_len(obj, &["data"])),
        age(obj, now),
    ]
}

fn service_account_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(obj),
        Value::from(arr(obj, &["secrets"]).len()),
        age(obj, now),
    ]
}

fn access_modes(modes: &[Value]) -> String {
    let has = |m: &str| modes.iter().any(|v| v.as_str() == Some(m));
    let mut out = Vec::new();
    for (mode, short) in [
        ("ReadWriteOnce", "RWO"),
        ("ReadOnlyMany", "ROX"),
        ("ReadWriteMany", "RWX"),
        ("ReadWriteOncePod", "RWOP"),
    ] {
        if has(mode) {
            out.push(short);
        }
    }
    out.join(",")
}

const BETA_STORAGE_CLASS_ANNOTATION: &str = "volume.beta.kubernetes.io/storage-class";

fn storage_quantity(v: Option<&Value>) -> String {
    scalar_text(v).unwrap_or_else(|| "0".to_string())
}

fn pv_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let claim = match at(obj, &["spec", "claimRef"]) {
        Some(c) => format!("{}/{}", s(c, &["namespace"]), s(c, &["name"])),
        None => String::new(),
    };
    let phase = if at(obj, &["metadata", "deletionTimestamp"]).is_some() {
        "Terminating"
    } else {
        s(obj, &["status", "phase"])
    };
    let class = opt_s(
        obj,
        &["metadata", "annotations", BETA_STORAGE_CLASS_ANNOTATION],
    )
    .unwrap_or_else(|| s(obj, &["spec", "storageClassName"]));
    vec![
        name(obj),
        Value::from(storage_quantity(at(obj, &["spec", "capacity", "storage"]))),
        Value::from(access_modes(arr(obj, &["spec", "accessModes"]))),
        Value::from(s(obj, &["spec", "persistentVolumeReclaimPolicy"])),
        Value::from(phase),
        Value::from(claim),
        Value::from(class),
        Value::from(opt_s(obj, &["spec", "volumeAttributesClassName"]).unwrap_or("<unset>")),
        Value::from(s(obj, &["status", "reason"])),
        age(obj, now),
        Value::from(opt_s(obj, &["spec", "volumeMode"]).unwrap_or("<unset>")),
    ]
}

fn pvc_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let phase = if at(obj, &["metadata", "deletionTimestamp"]).is_some() {
        "Terminating"
    } else {
        s(obj, &["status", "phase"])
    };
    let volume = s(obj, &["spec", "volumeName"]);
    let (capacity, modes) = if volume.is_empty() {
        (String::new(), String::new())
    } else {
        (
            storage_quantity(at(obj, &["status", "capacity", "storage"])),
            access_modes(arr(obj, &["status", "accessModes"])),
        )
    };
    let class = opt_s(
        obj,
        &["metadata", "annotations", BETA_STORAGE_CLASS_ANNOTATION],
    )
    .unwrap_or_else(|| s(obj, &["spec", "storageClassName"]));
    vec![
        name(obj),
        Value::from(phase),
        Value::from(volume),
        Value::from(capacity),
        Value::from(modes),
        Value::from(class),
        Value::from(opt_s(obj, &["spec", "volumeAttributesClassName"]).unwrap_or("<unset>")),
        age(obj, now),
        Value::from(opt_s(obj, &["spec", "volumeMode"]).unwrap_or("<unset>")),
    ]
}

fn component_status_cells(obj: &Value, _now: Timestamp) -> Vec<Value> {
    let (status, message, error) = match condition(obj, &["conditions"], "Healthy") {
        Some(c) => (
            if s(c, &["status"]) == "True" {
                "Healthy"
            } else {
                "Unhealthy"
            },
            s(c, &["message"]),
            s(c, &["error"]),
        ),
        None => ("Unknown", "", ""),
    };
    vec![
        name(obj),
        Value::from(status),
        Value::from(message),
        Value::from(error),
    ]
}

fn config_map_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(obj),
        Value::from(map_len(obj, &["data"]) + map_len(obj, &["binaryData"])),
        age(obj, now),
    ]
}

fn resource_quota_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let mut resources: Vec<&String> = at(obj, &["status", "hard"])
        .and_then(Value::as_object)
        .map(|m| m.keys().collect())
        .unwrap_or_default();
    resources.sort();
    let mut requests = Vec::new();
    let mut limits = Vec::new();
    for resource in resources {
        let used = storage_quantity(at(obj, &["status", "used", resource]));
        let hard = storage_quantity(at(obj, &["status", "hard", resource]));
        let text = format!("{resource}: {used}/{hard}");
        let mut pieces = resource.split('.');
        if pieces.next() == Some("limits") && pieces.next().is_some() {
            limits.push(text);
        } else {
            requests.push(text);
        }
    }
    vec![
        name(obj),
        Value::from(requests.join(", ")),
        Value::from(limits.join(", ")),
        age(obj, now),
    ]
}

/// One metric of an HPA target list: `current/target` with the autoscaling/v2 metric shapes.
fn hpa_metric(spec: &Value, status: Option<&Value>) -> String {
    let unknown = || "<unknown>".to_string();
    let q = |v: Option<&Value>| scalar_text(v).unwrap_or_default();
    let status_of = |field: &str| status.and_then(|st| at(st, &[field]));
    match s(spec, &["type"]) {
        kind @ ("External" | "Object") => {
            let field = if kind == "External" {
                "external"
            } else {
                "object"
            };
            let target = at(spec, &[field, "target"]).unwrap_or(&Value::Null);
            let current = status_of(field);
            if let Some(avg) = at(target, &["averageValue"]) {
                let cur = current
                    .and_then(|c| scalar_text(at(c, &["current", "averageValue"])))
                    .unwrap_or_else(unknown);
                format!("{cur}/{} (avg)", q(Some(avg)))
            } else {
                let cur = current
                    .map(|c| q(at(c, &["current", "value"])))
                    .unwrap_or_else(unknown);
                format!("{cur}/{}", q(at(target, &["value"])))
            }
        }
        "Pods" => {
            let cur = status_of("pods")
                .map(|c| q(at(c, &["current", "averageValue"])))
                .unwrap_or_else(unknown);
            format!("{cur}/{}", q(at(spec, &["pods", "target", "averageValue"])))
        }
        kind @ ("Resource" | "ContainerResource") => {
            let field = if kind == "Resource" {
                "resource"
            } else {
                "containerResource"
            };
            let source = at(spec, &[field]).unwrap_or(&Value::Null);
            let resource = s(source, &["name"]);
            let current = status_of(field);
            if let Some(avg) = at(source, &["target", "averageValue"]) {
                let cur = current
                    .map(|c| q(at(c, &["current", "averageValue"])))
                    .unwrap_or_else(unknown);
                format!("{resource}: {cur}/{}", q(Some(avg)))
            } else {
                let cur = current
                    .and_then(|c| at(c, &["current", "averageUtilization"]))
                    .and_then(Value::as_i64)
                    .map_or_else(unknown, |u| format!("{u}%"));
                let target = at(source, &["target", "averageUtilization"])
                    .and_then(Value::as_i64)
                    .map_or_else(|| "<auto>".to_string(), |u| format!("{u}%"));
                format!("{resource}: {cur}/{target}")
            }
        }
        _ => "<unknown type>".to_string(),
    }
}

fn hpa_targets(obj: &Value) -> String {
    if at(obj, &["spec", "metrics"]).is_none()
        && at(obj, &["spec", "targetCPUUtilizationPercentage"]).is_some()
    {
        // autoscaling/v1 form: a single CPU utilization target.
        let current = at(obj, &["status", "currentCPUUtilizationPercentage"])
            .and_then(Value::as_i64)
            .map_or_else(|| "<unknown>".to_string(), |u| format!("{u}%"));
        return format!(
            "cpu: {current}/{}%",
            int(obj, &["spec", "targetCPUUtilizationPercentage"])
        );
    }
    let specs = arr(obj, &["spec", "metrics"]);
    if specs.is_empty() {
        return "<none>".to_string();
    }
    let statuses = arr(obj, &["status", "currentMetrics"]);
    const MAX: usize = 2;
    let list: Vec<String> = specs
        .iter()
        .enumerate()
        .map(|(i, spec)| hpa_metric(spec, statuses.get(i)))
        .collect();
    if list.len() > MAX {
        format!("{} + {} more...", list[..MAX].join(", "), list.len() - MAX)
    } else {
        list.join(", ")
    }
}

fn hpa_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let reference = format!(
        "{}/{}",
        s(obj, &["spec", "scaleTargetRef", "kind"]),
        s(obj, &["spec", "scaleTargetRef", "name"])
    );
    let min = at(obj, &["spec", "minReplicas"])
        .and_then(Value::as_i64)
        .map_or_else(|| "<unset>".to_string(), |m| m.to_string());
    vec![
        name(obj),
        Value::from(reference),
        Value::from(hpa_targets(obj)),
        Value::from(min),
        Value::from(int(obj, &["spec", "maxReplicas"])),
        Value::from(int(obj, &["status", "currentReplicas"])),
        age(obj, now),
    ]
}

fn scale_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(obj),
        Value::from(int(obj, &["spec", "replicas"])),
        Value::from(int(obj, &["status", "replicas"])),
        age(obj, now),
    ]
}

fn pdb_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let bound =
        |field: &str| scalar_text(at(obj, &["spec", field])).unwrap_or_else(|| "N/A".to_string());
    vec![
        name(obj),
        Value::from(bound("minAvailable")),
        Value::from(bound("maxUnavailable")),
        Value::from(int(obj, &["status", "disruptionsAllowed"])),
        age(obj, now),
    ]
}

fn ingress_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    const MAX: usize = 3;
    let rules = arr(obj, &["spec", "rules"]);
    let mut hosts: Vec<&str> = Vec::new();
    let mut more = false;
    for rule in rules {
        if hosts.len() == MAX {
            more = true;
        }
        let host = s(rule, &["host"]);
        if !more && !host.is_empty() {
            hosts.push(host);
        }
    }
    let hosts_text = if hosts.is_empty() {
        "*".to_string()
    } else if more {
        format!("{} + {} more...", hosts.join(","), rules.len() - MAX)
    } else {
        hosts.join(",")
    };
    let ports = if arr(obj, &["spec", "tls"]).is_empty() {
        "80"
    } else {
        "80, 443"
    };
    vec![
        name(obj),
        Value::from(opt_s(obj, &["spec", "ingressClassName"]).unwrap_or("<none>")),
        Value::from(hosts_text),
        Value::from(load_balancer_text(obj)),
        Value::from(ports),
        age(obj, now),
    ]
}

fn ingress_class_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let parameters = match at(obj, &["spec", "parameters"]) {
        None => "<none>".to_string(),
        Some(p) => {
            let mut text = s(p, &["kind"]).to_string();
            if let Some(group) = opt_s(p, &["apiGroup"]) {
                text = format!("{text}.{group}");
            }
            format!("{text}/{}", s(p, &["name"]))
        }
    };
    vec![
        name(obj),
        Value::from(s(obj, &["spec", "controller"])),
        Value::from(parameters),
        age(obj, now),
    ]
}

fn network_policy_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let selector = at(obj, &["spec", "podSelector"])
        .cloned()
        .unwrap_or(json!({}));
    vec![
        name(obj),
        Value::from(format_selector(Some(&selector))),
        age(obj, now),
    ]
}

fn service_cidr_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let cidrs: Vec<&str> = arr(obj, &["spec", "cidrs"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    vec![name(obj), Value::from(cidrs.join(",")), age(obj, now)]
}

fn ip_address_cells(obj: &Value, _now: Timestamp) -> Vec<Value> {
    let parent = match at(obj, &["spec", "parentRef"]) {
        None => "<none>".to_string(),
        Some(p) => {
            let group = s(p, &["group"]);
            let resource = s(p, &["resource"]);
            let mut text = if group.is_empty() {
                resource.to_lowercase()
            } else {
                format!("{resource}.{group}").to_lowercase()
            };
            if let Some(ns) = opt_s(p, &["namespace"]).filter(|n| !n.is_empty()) {
                text = format!("{text}/{ns}");
            }
            format!("{text}/{}", s(p, &["name"]))
        }
    };
    vec![name(obj), Value::from(parent)]
}

fn binding_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let mut users = Vec::new();
    let mut groups = Vec::new();
    let mut service_accounts = Vec::new();
    for subject in arr(obj, &["subjects"]) {
        let subject_name = s(subject, &["name"]);
        match s(subject, &["kind"]) {
            "User" => users.push(subject_name.to_string()),
            "Group" => groups.push(subject_name.to_string()),
            "ServiceAccount" => {
                service_accounts.push(format!("{}:{subject_name}", s(subject, &["namespace"])))
            }
            _ => {}
        }
    }
    vec![
        name(obj),
        Value::from(format!(
            "{}/{}",
            s(obj, &["roleRef", "kind"]),
            s(obj, &["roleRef", "name"])
        )),
        age(obj, now),
        Value::from(users.join(", ")),
        Value::from(groups.join(", ")),
        Value::from(service_accounts.join(", ")),
    ]
}

fn csr_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let conditions = arr(obj, &["status", "conditions"]);
    let has = |t: &str| conditions.iter().any(|c| s(c, &["type"]) == t);
    let mut status = if has("Denied") {
        "Denied".to_string()
    } else if has("Approved") {
        "Approved".to_string()
    } else {
        "Pending".to_string()
    };
    if has("Failed") {
        status.push_str(",Failed");
    }
    if !s(obj, &["status", "certificate"]).is_empty() {
        status.push_str(",Issued");
    }
    let requested = at(obj, &["spec", "expirationSeconds"])
        .and_then(Value::as_i64)
        .map_or_else(
            || "<none>".to_string(),
            |secs| human_signed_duration(SignedDuration::from_secs(secs)),
        );
    vec![
        name(obj),
        age(obj, now),
        Value::from(or_none(s(obj, &["spec", "signerName"]))),
        Value::from(s(obj, &["spec", "username"])),
        Value::from(requested),
        Value::from(status),
    ]
}

fn cluster_trust_bundle_cells(obj: &Value, _now: Timestamp) -> Vec<Value> {
    vec![
        name(obj),
        Value::from(or_none(s(obj, &["spec", "signerName"]))),
    ]
}

fn lease_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(obj),
        Value::from(s(obj, &["spec", "holderIdentity"])),
        age(obj, now),
    ]
}

fn lease_candidate_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(obj),
        Value::from(s(obj, &["spec", "leaseName"])),
        Value::from(s(obj, &["spec", "binaryVersion"])),
        Value::from(s(obj, &["spec", "emulationVersion"])),
        age(obj, now),
    ]
}

fn annotation_true(obj: &Value, keys: &[&str]) -> bool {
    keys.iter()
        .any(|k| s(obj, &["metadata", "annotations", k]) == "true")
}

fn storage_class_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let mut display = s(obj, &["metadata", "name"]).to_string();
    if annotation_true(
        obj,
        &[
            "storageclass.kubernetes.io/is-default-class",
            "storageclass.beta.kubernetes.io/is-default-class",
        ],
    ) {
        display.push_str(" (default)");
    }
    vec![
        Value::from(display),
        Value::from(s(obj, &["provisioner"])),
        Value::from(opt_s(obj, &["reclaimPolicy"]).unwrap_or("Delete")),
        Value::from(opt_s(obj, &["volumeBindingMode"]).unwrap_or("Immediate")),
        Value::from(boolean(obj, &["allowVolumeExpansion"]).unwrap_or(false)),
        age(obj, now),
    ]
}

fn vac_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let mut display = s(obj, &["metadata", "name"]).to_string();
    if annotation_true(
        obj,
        &["volumeattributesclass.alpha.kubernetes.io/is-default-class"],
    ) {
        display.push_str(" (default)");
    }
    vec![
        Value::from(display),
        Value::from(s(obj, &["driverName"])),
        age(obj, now),
    ]
}

fn volume_attachment_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(obj),
        Value::from(s(obj, &["spec", "attacher"])),
        Value::from(s(obj, &["spec", "source", "persistentVolumeName"])),
        Value::from(s(obj, &["spec", "nodeName"])),
        Value::from(boolean(obj, &["status", "attached"]).unwrap_or(false)),
        age(obj, now),
    ]
}

fn csi_node_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(obj),
        Value::from(arr(obj, &["spec", "drivers"]).len()),
        age(obj, now),
    ]
}

fn csi_driver_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let token_requests = match at(obj, &["spec", "tokenRequests"]).and_then(Value::as_array) {
        None => "<unset>".to_string(),
        Some(list) => list
            .iter()
            .map(|t| s(t, &["audience"]))
            .collect::<Vec<_>>()
            .join(","),
    };
    let modes: Vec<&str> = arr(obj, &["spec", "volumeLifecycleModes"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    vec![
        name(obj),
        Value::from(boolean(obj, &["spec", "attachRequired"]).unwrap_or(true)),
        Value::from(boolean(obj, &["spec", "podInfoOnMount"]).unwrap_or(false)),
        Value::from(boolean(obj, &["spec", "storageCapacity"]).unwrap_or(false)),
        Value::from(token_requests),
        Value::from(boolean(obj, &["spec", "requiresRepublish"]).unwrap_or(false)),
        Value::from(or_none(&modes.join(","))),
        age(obj, now),
    ]
}

fn priority_class_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(obj),
        Value::from(int(obj, &["value"])),
        Value::from(boolean(obj, &["globalDefault"]).unwrap_or(false)),
        age(obj, now),
        Value::from(s(obj, &["preemptionPolicy"])),
    ]
}

fn runtime_class_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    vec![name(obj), Value::from(s(obj, &["handler"])), age(obj, now)]
}

fn webhook_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(obj),
        Value::from(arr(obj, &["webhooks"]).len()),
        age(obj, now),
    ]
}

fn param_kind(obj: &Value) -> String {
    match at(obj, &["spec", "paramKind"]) {
        None => "<unset>".to_string(),
        Some(p) => format!("{}/{}", s(p, &["apiVersion"]), s(p, &["kind"])),
    }
}

fn validating_policy_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(obj),
        Value::from(arr(obj, &["spec", "validations"]).len()),
        Value::from(param_kind(obj)),
        age(obj, now),
    ]
}

fn mutating_policy_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(obj),
        Value::from(arr(obj, &["spec", "mutations"]).len()),
        Value::from(param_kind(obj)),
        age(obj, now),
    ]
}

fn policy_binding_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let param = match at(obj, &["spec", "paramRef"]) {
        None => "<unset>".to_string(),
        Some(p) => {
            let param_name = s(p, &["name"]);
            if !param_name.is_empty() {
                match s(p, &["namespace"]) {
                    "" => format!("*/{param_name}"),
                    ns => format!("{ns}/{param_name}"),
                }
            } else if let Some(selector) = at(p, &["selector"]) {
                format_selector(Some(selector))
            } else {
                "<unset>".to_string()
            }
        }
    };
    vec![
        name(obj),
        Value::from(s(obj, &["spec", "policyName"])),
        Value::from(param),
        age(obj, now),
    ]
}

fn flow_schema_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let missing =
        condition(obj, &["status", "conditions"], "Dangling").map_or("?", |c| s(c, &["status"]));
    vec![
        name(obj),
        Value::from(s(obj, &["spec", "priorityLevelConfiguration", "name"])),
        Value::from(int(obj, &["spec", "matchingPrecedence"])),
        Value::from(opt_s(obj, &["spec", "distinguisherMethod", "type"]).unwrap_or("<none>")),
        age(obj, now),
        Value::from(missing),
    ]
}

fn priority_level_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let none = || Value::from("<none>");
    let limited = at(obj, &["spec", "limited"]);
    let ncs = limited.map_or_else(none, |l| Value::from(int(l, &["nominalConcurrencyShares"])));
    let queuing = limited.and_then(|l| at(l, &["limitResponse", "queuing"]));
    let q = |field: &str| queuing.map_or_else(none, |qc| Value::from(int(qc, &[field])));
    vec![
        name(obj),
        Value::from(s(obj, &["spec", "type"])),
        ncs,
        q("queues"),
        q("handSize"),
        q("queueLengthLimit"),
        age(obj, now),
    ]
}

fn storage_version_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let versions: Vec<String> = arr(obj, &["status", "storageVersions"])
        .iter()
        .map(|v| format!("{}={}", s(v, &["apiServerID"]), s(v, &["encodingVersion"])))
        .collect();
    vec![
        name(obj),
        Value::from(opt_s(obj, &["status", "commonEncodingVersion"]).unwrap_or("<unset>")),
        Value::from(list_with_more(&versions, 3)),
        age(obj, now),
    ]
}

fn storage_version_migration_cells(obj: &Value, _now: Timestamp) -> Vec<Value> {
    let resource = s(obj, &["spec", "resource", "resource"]);
    let group = s(obj, &["spec", "resource", "group"]);
    let text = match opt_s(obj, &["spec", "resource", "version"]) {
        Some(version) => format!("{resource}.{version}.{group}"),
        None if group.is_empty() => resource.to_string(),
        None => format!("{resource}.{group}"),
    };
    vec![name(obj), Value::from(text)]
}

fn resource_claim_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let deleted = at(obj, &["metadata", "deletionTimestamp"]).is_some();
    let mut states = Vec::new();
    if deleted {
        states.push("deleted");
    }
    if at(obj, &["status", "allocation"]).is_none() {
        if !deleted {
            states.push("pending");
        }
    } else {
        states.push("allocated");
        if !arr(obj, &["status", "reservedFor"]).is_empty() {
            states.push("reserved");
        }
    }
    vec![name(obj), Value::from(states.join(",")), age(obj, now)]
}

fn resource_slice_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    vec![
        name(obj),
        Value::from(s(obj, &["spec", "nodeName"])),
        Value::from(s(obj, &["spec", "driver"])),
        Value::from(s(obj, &["spec", "pool", "name"])),
        age(obj, now),
    ]
}

fn api_service_cells(obj: &Value, now: Timestamp) -> Vec<Value> {
    let service = match at(obj, &["spec", "service"]) {
        None => "Local".to_string(),
        Some(svc) => format!("{}/{}", s(svc, &["namespace"]), s(svc, &["name"])),
    };
    let available = match condition(obj, &["status", "conditions"], "Available") {
        None => "Unknown".to_string(),
        Some(c) => {
            let status = s(c, &["status"]);
            match s(c, &["reason"]) {
                r if status != "True" && !r.is_empty() => format!("{status} ({r})"),
                _ => status.to_string(),
            }
        }
    };
    vec![
        name(obj),
        Value::from(service),
        Value::from(available),
        age(obj, now),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn now() -> Timestamp {
        "2024-06-01T12:00:00Z".parse().unwrap()
    }

    /// An RFC 3339 time `secs` seconds before `now()`.
    fn ago(secs: i64) -> String {
        (now() - SignedDuration::from_secs(secs))
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string()
    }

    fn names(cols: &[Column]) -> Vec<String> {
        cols.iter().map(|c| c.name.to_string()).collect()
    }

    fn strs(cells: &[Value]) -> Vec<String> {
        cells
            .iter()
            .map(|c| match c {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect()
    }

    #[test]
    fn human_duration_boundaries() {
        let cases: &[(u64, &str)] = &[
            (0, "0s"),
            (59, "59s"),
            (119, "119s"),
            (120, "2m"),
            (121, "2m1s"),
            (599, "9m59s"),
            (600, "10m"),
            (3 * 3600 - 1, "179m"),
            (3 * 3600, "3h"),
            (3 * 3600 + 4 * 60 + 59, "3h4m"),
            (8 * 3600 - 1, "7h59m"),
            (8 * 3600, "8h"),
            (48 * 3600 - 1, "47h"),
            (48 * 3600, "2d"),
            (51 * 3600, "2d3h"),
            (8 * 86400 - 1, "7d23h"),
            (8 * 86400, "8d"),
            (400 * 86400, "400d"),
            (730 * 86400 - 1, "729d"),
            (730 * 86400, "2y"),
            (731 * 86400, "2y1d"),
            (8 * 365 * 86400 - 1, "7y364d"),
            (8 * 365 * 86400, "8y"),
            (20 * 365 * 86400, "20y"),
        ];
        for &(secs, want) in cases {
            assert_eq!(human_duration(Duration::from_secs(secs)), want, "{secs}s");
        }
        assert_eq!(human_duration(Duration::from_millis(1999)), "1s");
        assert_eq!(human_signed_duration(SignedDuration::from_secs(-1)), "0s");
        assert_eq!(
            human_signed_duration(SignedDuration::from_millis(-1999)),
            "0s"
        );
        assert_eq!(
            human_signed_duration(SignedDuration::from_secs(-2)),
            "<invalid>"
        );
    }

    #[test]
    fn pod_running_with_restarts() {
        let pod = json!({
            "metadata": {"name": "web-1", "namespace": "default", "creationTimestamp": ago(3600)},
            "spec": {
                "nodeName": "node-a",
                "containers": [{"name": "app"}, {"name": "proxy"}],
            },
            "status": {
                "phase": "Running",
                "podIP": "10.0.0.9",
                "podIPs": [{"ip": "10.0.0.9"}, {"ip": "fd00::9"}],
                "conditions": [{"type": "Ready", "status": "False"}],
                "containerStatuses": [
                    {"name": "app", "ready": true, "restartCount": 0, "state": {"running": {}}},
                    {
                        "name": "proxy", "ready": false, "restartCount": 3,
                        "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                        "lastState": {"terminated": {"exitCode": 1, "finishedAt": ago(300)}},
                    },
                ],
            },
        });
        assert_eq!(
            names(&columns("", "Pod")),
            [
                "Name",
                "Ready",
                "Status",
                "Restarts",
                "Age",
                "IP",
                "Node",
                "Nominated Node",
                "Readiness Gates"
            ]
        );
        let wide: Vec<i32> = columns("", "Pod").iter().map(|c| c.priority).collect();
        assert_eq!(wide, [0, 0, 0, 0, 0, 1, 1, 1, 1]);
        assert_eq!(
            strs(&cells("", "Pod", &pod, now())),
            [
                "web-1",
                "1/2",
                "CrashLoopBackOff",
                "3 (5m ago)",
                "60m",
                "10.0.0.9",
                "node-a",
                "<none>",
                "<none>"
            ]
        );
    }

    #[test]
    fn pod_init_states_and_sidecars() {
        let initializing = json!({
            "metadata": {"name": "p"},
            "spec": {
                "initContainers": [{"name": "setup"}, {"name": "migrate"}],
                "containers": [{"name": "app"}],
            },
            "status": {
                "phase": "Pending",
                "initContainerStatuses": [
                    {"name": "setup", "restartCount": 0,
                     "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}},
                    {"name": "migrate", "restartCount": 0, "state": {"running": {}}},
                ],
                "containerStatuses": [
                    {"name": "app", "restartCount": 0,
                     "state": {"waiting": {"reason": "PodInitializing"}}},
                ],
            },
        });
        let c = strs(&cells("", "Pod", &initializing, now()));
        assert_eq!(c[1], "0/1");
        assert_eq!(c[2], "Init:1/2");
        assert_eq!(c[3], "0");
        assert_eq!(c[4], "<unknown>");

        let failed_init = json!({
            "metadata": {"name": "p"},
            "spec": {"initContainers": [{"name": "setup"}], "containers": [{"name": "app"}]},
            "status": {
                "phase": "Pending",
                "initContainerStatuses": [
                    {"name": "setup", "restartCount": 2,
                     "state": {"terminated": {"exitCode": 3}}},
                ],
            },
        });
        let c = strs(&cells("", "Pod", &failed_init, now()));
        assert_eq!(c[2], "Init:ExitCode:3");
        assert_eq!(c[3], "2");

        // A started sidecar (restartable init container) counts toward READY and the total.
        let sidecar = json!({
            "metadata": {"name": "p"},
            "spec": {
                "initContainers": [{"name": "mesh", "restartPolicy": "Always"}],
                "containers": [{"name": "app"}],
            },
            "status": {
                "phase": "Running",
                "conditions": [{"type": "Initialized", "status": "True"},
                               {"type": "Ready", "status": "True"}],
                "initContainerStatuses": [
                    {"name": "mesh", "ready": true, "started": true, "restartCount": 1,
                     "state": {"running": {}},
                     "lastState": {"terminated": {"exitCode": 137, "finishedAt": ago(30)}}},
                ],
                "containerStatuses": [
                    {"name": "app", "ready": true, "restartCount": 0, "state": {"running": {}}},
                ],
            },
        });
        let c = strs(&cells("", "Pod", &sidecar, now()));
        assert_eq!(&c[1..4], ["2/2", "Running", "1 (30s ago)"]);
    }

    #[test]
    fn pod_terminal_and_terminating() {
        let completed = json!({
            "metadata": {"name": "job-x"},
            "spec": {"containers": [{"name": "main"}]},
            "status": {
                "phase": "Succeeded",
                "containerStatuses": [{"name": "main", "ready": false, "restartCount": 0,
                    "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}],
            },
        });
        assert_eq!(strs(&cells("", "Pod", &completed, now()))[2], "Completed");
        let t = table(
            "",
            "Pod",
            &[&completed],
            json!({}),
            IncludeObject::None,
            now(),
        );
        assert_eq!(t["rows"][0]["conditions"][0]["type"], "Completed");
        assert_eq!(t["rows"][0]["conditions"][0]["reason"], "Succeeded");
        assert!(t["rows"][0].get("object").is_none());

        let killed = json!({
            "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "main"}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "main",
                "state": {"terminated": {"exitCode": 137, "signal": 9}}}]},
        });
        assert_eq!(strs(&cells("", "Pod", &killed, now()))[2], "Signal:9");

        let terminating = json!({
            "metadata": {"name": "p", "deletionTimestamp": ago(1)},
            "spec": {"containers": [{"name": "main"}]},
            "status": {"phase": "Running"},
        });
        assert_eq!(
            strs(&cells("", "Pod", &terminating, now()))[2],
            "Terminating"
        );

        let gated = json!({
            "metadata": {"name": "p"},
            "spec": {"containers": [{"name": "main"}],
                     "readinessGates": [{"conditionType": "lb/ready"}, {"conditionType": "x"}]},
            "status": {"phase": "Pending", "conditions": [
                {"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"},
                {"type": "lb/ready", "status": "True"},
            ]},
        });
        let c = strs(&cells("", "Pod", &gated, now()));
        assert_eq!(c[2], "SchedulingGated");
        assert_eq!(c[8], "1/2");
    }

    #[test]
    fn deployment_cells_and_selector() {
        let d = json!({
            "metadata": {"name": "web", "creationTimestamp": ago(2 * 86400 + 3 * 3600)},
            "spec": {
                "replicas": 3,
                "selector": {
                    "matchLabels": {"app": "web"},
                    "matchExpressions": [
                        {"key": "tier", "operator": "In", "values": ["front", "api"]},
                        {"key": "canary", "operator": "DoesNotExist"},
                    ],
                },
                "template": {"spec": {"containers": [
                    {"name": "nginx", "image": "nginx:1.27"},
                    {"name": "log", "image": "busybox"},
                ]}},
            },
            "status": {"readyReplicas": 2, "updatedReplicas": 3, "availableReplicas": 2},
        });
        assert_eq!(
            names(&columns("apps", "Deployment")),
            [
                "Name",
                "Ready",
                "Up-to-date",
                "Available",
                "Age",
                "Containers",
                "Images",
                "Selector"
            ]
        );
        let c = cells("apps", "Deployment", &d, now());
        assert_eq!(
            c,
            [
                json!("web"),
                json!("2/3"),
                json!(3),
                json!(2),
                json!("2d3h"),
                json!("nginx,log"),
                json!("nginx:1.27,busybox"),
                json!("app=web,!canary,tier in (api,front)"),
            ]
        );
        // Replicas default to 1; a missing status reads as zero.
        let bare = json!({"metadata": {"name": "x"}, "spec": {"template": {"spec": {}}}});
        let c = strs(&cells("apps", "Deployment", &bare, now()));
        assert_eq!(&c[1..5], ["0/1", "0", "0", "<unknown>"]);
        assert_eq!(c[7], "");
    }

    #[test]
    fn replica_set_and_job_and_cronjob() {
        let rs = json!({
            "metadata": {"name": "web-abc"},
            "spec": {"replicas": 2, "selector": {}, "template": {"spec": {"containers": []}}},
            "status": {"replicas": 2, "readyReplicas": 1},
        });
        let c = cells("apps", "ReplicaSet", &rs, now());
        assert_eq!(&c[1..4], [json!(2), json!(2), json!(1)]);
        assert_eq!(c[7], "<none>");

        let job = json!({
            "metadata": {"name": "pi", "creationTimestamp": ago(600)},
            "spec": {"completions": 3, "parallelism": 2,
                     "selector": {"matchLabels": {"batch.kubernetes.io/controller-uid": "u1"}},
                     "template": {"spec": {"containers": [{"name": "pi", "image": "perl"}]}}},
            "status": {"succeeded": 1, "startTime": ago(590)},
        });
        assert_eq!(
            strs(&cells("batch", "Job", &job, now())),
            [
                "pi",
                "Running",
                "1/3",
                "9m50s",
                "10m",
                "pi",
                "perl",
                "batch.kubernetes.io/controller-uid=u1"
            ]
        );
        let done = json!({
            "metadata": {"name": "pi"},
            "spec": {"parallelism": 4, "template": {"spec": {}}},
            "status": {"succeeded": 1, "startTime": ago(100), "completionTime": ago(40),
                       "conditions": [{"type": "Complete", "status": "True"}]},
        });
        let c = strs(&cells("batch", "Job", &done, now()));
        assert_eq!(&c[1..4], ["Complete", "1/1 of 4", "60s"]);

        let cj = json!({
            "metadata": {"name": "nightly", "creationTimestamp": ago(86400)},
            "spec": {"schedule": "0 3 * * *", "suspend": false,
                     "jobTemplate": {"spec": {"template": {"spec": {
                         "containers": [{"name": "c", "image": "alpine"}]}}}}},
            "status": {"active": [{"name": "nightly-1"}], "lastScheduleTime": ago(3600 * 9)},
        });
        assert_eq!(
            cells("batch", "CronJob", &cj, now()),
            [
                json!("nightly"),
                json!("0 3 * * *"),
                json!("<none>"),
                json!("False"),
                json!(1),
                json!("9h"),
                json!("24h"),
                json!("c"),
                json!("alpine"),
                json!("<none>"),
            ]
        );
    }

    #[test]
    fn services() {
        let node_port = json!({
            "metadata": {"name": "web", "creationTimestamp": ago(45)},
            "spec": {
                "type": "NodePort",
                "clusterIP": "10.96.0.10",
                "clusterIPs": ["10.96.0.10"],
                "ports": [
                    {"port": 80, "protocol": "TCP", "nodePort": 30080},
                    {"port": 53, "protocol": "UDP"},
                ],
                "selector": {"tier": "front", "app": "web"},
            },
        });
        assert_eq!(
            names(&columns("", "Service")),
            [
                "Name",
                "Type",
                "Cluster-IP",
                "External-IP",
                "Port(s)",
                "Age",
                "Selector"
            ]
        );
        assert_eq!(
            strs(&cells("", "Service", &node_port, now())),
            [
                "web",
                "NodePort",
                "10.96.0.10",
                "<none>",
                "80:30080/TCP,53/UDP",
                "45s",
                "app=web,tier=front"
            ]
        );
        let lb = json!({
            "metadata": {"name": "lb"},
            "spec": {"type": "LoadBalancer", "clusterIPs": ["10.96.0.11"], "ports": []},
        });
        let c = strs(&cells("", "Service", &lb, now()));
        assert_eq!(&c[3..5], ["<pending>", "<none>"]);
        let lb_ready = json!({
            "metadata": {"name": "lb"},
            "spec": {"type": "LoadBalancer", "externalIPs": ["1.1.1.1"]},
            "status": {"loadBalancer": {"ingress": [
                {"ip": "203.0.113.7"}, {"hostname": "lb.example.com"}]}},
        });
        assert_eq!(
            strs(&cells("", "Service", &lb_ready, now()))[3],
            "203.0.113.7,lb.example.com,1.1.1.1"
        );
        let external = json!({
            "metadata": {"name": "ext"},
            "spec": {"type": "ExternalName", "externalName": "db.example.com"},
        });
        let c = strs(&cells("", "Service", &external, now()));
        assert_eq!(&c[1..4], ["ExternalName", "<none>", "db.example.com"]);
    }

    #[test]
    fn secrets_configmaps_namespaces_serviceaccounts() {
        let secret = json!({
            "metadata": {"name": "tls", "creationTimestamp": ago(10 * 86400)},
            "type": "kubernetes.io/tls",
            "data": {"tls.crt": "eA==", "tls.key": "eQ=="},
        });
        assert_eq!(
            names(&columns("", "Secret")),
            ["Name", "Type", "Data", "Age"]
        );
        assert_eq!(
            cells("", "Secret", &secret, now()),
            [
                json!("tls"),
                json!("kubernetes.io/tls"),
                json!(2),
                json!("10d")
            ]
        );
        let cm =
            json!({"metadata": {"name": "cfg"}, "data": {"a": "1"}, "binaryData": {"b": "Ag=="}});
        assert_eq!(
            cells("", "ConfigMap", &cm, now()),
            [json!("cfg"), json!(2), json!("<unknown>")]
        );
        let ns = json!({"metadata": {"name": "dev", "creationTimestamp": ago(5)},
                        "status": {"phase": "Active"}});
        assert_eq!(
            strs(&cells("", "Namespace", &ns, now())),
            ["dev", "Active", "5s"]
        );
        let sa = json!({"metadata": {"name": "default"}});
        assert_eq!(cells("", "ServiceAccount", &sa, now())[1], json!(0));
    }

    #[test]
    fn events_core_and_events_k8s_io() {
        let core = json!({
            "metadata": {"name": "web-1.17a", "namespace": "default"},
            "involvedObject": {"kind": "Pod", "name": "web-1", "fieldPath": "spec.containers{app}"},
            "reason": "BackOff",
            "message": "Back-off restarting failed container\n",
            "type": "Warning",
            "source": {"component": "kubelet", "host": "node-a"},
            "firstTimestamp": ago(600),
            "lastTimestamp": ago(20),
            "count": 7,
        });
        assert_eq!(
            names(&columns("", "Event")),
            [
                "Last Seen",
                "Type",
                "Reason",
                "Object",
                "Subobject",
                "Source",
                "Message",
                "First Seen",
                "Count",
                "Name"
            ]
        );
        let event_cols = columns("", "Event");
        assert_eq!(event_cols[9].format, "name");
        assert_eq!(event_cols[9].priority, 1);
        assert_eq!(
            cells("", "Event", &core, now()),
            [
                json!("20s"),
                json!("Warning"),
                json!("BackOff"),
                json!("pod/web-1"),
                json!("spec.containers{app}"),
                json!("kubelet, node-a"),
                json!("Back-off restarting failed container"),
                json!("10m"),
                json!(7),
                json!("web-1.17a"),
            ]
        );
        // events.k8s.io/v1 spelling, singleton without count, event time only.
        let new_api = json!({
            "metadata": {"name": "e2"},
            "regarding": {"kind": "Node", "name": "node-a"},
            "note": "Node is ready",
            "reason": "NodeReady",
            "type": "Normal",
            "eventTime": "2024-06-01T11:59:00.123456Z",
            "reportingController": "node-controller",
        });
        let c = strs(&cells("events.k8s.io", "Event", &new_api, now()));
        assert_eq!(
            c,
            [
                "59s",
                "Normal",
                "NodeReady",
                "node/node-a",
                "",
                "node-controller",
                "Node is ready",
                "59s",
                "1",
                "e2"
            ]
        );
        let series = json!({
            "metadata": {"name": "e3"},
            "involvedObject": {"kind": "Deployment"},
            "eventTime": ago(3600),
            "series": {"count": 4, "lastObservedTime": ago(2)},
        });
        let c = strs(&cells("", "Event", &series, now()));
        assert_eq!(
            (&*c[0], &*c[3], &*c[7], &*c[8]),
            ("2s", "deployment", "60m", "4")
        );
    }

    #[test]
    fn nodes_and_storage() {
        let node = json!({
            "metadata": {"name": "n1", "labels": {
                "node-role.kubernetes.io/control-plane": "",
                "node-role.kubernetes.io/worker": "",
                "kubernetes.io/hostname": "n1"}},
            "spec": {"unschedulable": true},
            "status": {
                "conditions": [{"type": "Ready", "status": "True"}],
                "addresses": [{"type": "InternalIP", "address": "192.168.1.5"}],
                "nodeInfo": {"kubeletVersion": "v1.36.0", "osImage": "Debian"},
            },
        });
        assert_eq!(
            strs(&cells("", "Node", &node, now())),
            [
                "n1",
                "Ready,SchedulingDisabled",
                "control-plane,worker",
                "<unknown>",
                "v1.36.0",
                "192.168.1.5",
                "<none>",
                "Debian",
                "<unknown>",
                "<unknown>"
            ]
        );
        let pvc = json!({
            "metadata": {"name": "data"},
            "spec": {"volumeName": "pv-1", "storageClassName": "local",
                     "resources": {"requests": {"storage": "1Gi"}}},
            "status": {"phase": "Bound", "capacity": {"storage": "2Gi"},
                       "accessModes": ["ReadWriteOnce", "ReadWriteOncePod"]},
        });
        assert_eq!(
            strs(&cells("", "PersistentVolumeClaim", &pvc, now())),
            [
                "data",
                "Bound",
                "pv-1",
                "2Gi",
                "RWO,RWOP",
                "local",
                "<unset>",
                "<unknown>",
                "<unset>"
            ]
        );
        let sc = json!({
            "metadata": {"name": "local", "annotations": {
                "storageclass.kubernetes.io/is-default-class": "true"}},
            "provisioner": "rancher.io/local-path",
            "volumeBindingMode": "WaitForFirstConsumer",
        });
        assert_eq!(
            cells("storage.k8s.io", "StorageClass", &sc, now()),
            [
                json!("local (default)"),
                json!("rancher.io/local-path"),
                json!("Delete"),
                json!("WaitForFirstConsumer"),
                json!(false),
                json!("<unknown>"),
            ]
        );
    }

    #[test]
    fn misc_builtin_kinds() {
        let rb = json!({
            "metadata": {"name": "rb"},
            "roleRef": {"kind": "ClusterRole", "name": "view"},
            "subjects": [
                {"kind": "User", "name": "alice"},
                {"kind": "ServiceAccount", "name": "bot", "namespace": "ci"},
                {"kind": "Group", "name": "devs"},
                {"kind": "User", "name": "bob"},
            ],
        });
        assert_eq!(
            strs(&cells(
                "rbac.authorization.k8s.io",
                "RoleBinding",
                &rb,
                now()
            )),
            [
                "rb",
                "ClusterRole/view",
                "<unknown>",
                "alice, bob",
                "devs",
                "ci:bot"
            ]
        );
        let pdb = json!({"metadata": {"name": "p"}, "spec": {"minAvailable": "50%"},
                         "status": {"disruptionsAllowed": 1}});
        assert_eq!(
            cells("policy", "PodDisruptionBudget", &pdb, now())[1..4],
            [json!("50%"), json!("N/A"), json!(1)]
        );
        let hpa = json!({
            "metadata": {"name": "web"},
            "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "web"},
                     "minReplicas": 1, "maxReplicas": 5,
                     "metrics": [
                        {"type": "Resource", "resource": {"name": "cpu",
                            "target": {"type": "Utilization", "averageUtilization": 80}}},
                        {"type": "Resource", "resource": {"name": "memory",
                            "target": {"type": "AverageValue", "averageValue": "500Mi"}}},
                        {"type": "Pods", "pods": {"metric": {"name": "qps"},
                            "target": {"type": "AverageValue", "averageValue": "10"}}},
                     ]},
            "status": {"currentReplicas": 2, "currentMetrics": [
                {"type": "Resource", "resource": {"name": "cpu",
                    "current": {"averageUtilization": 35, "averageValue": "120m"}}},
            ]},
        });
        assert_eq!(
            cells("autoscaling", "HorizontalPodAutoscaler", &hpa, now())[1..6],
            [
                json!("Deployment/web"),
                json!("cpu: 35%/80%, memory: <unknown>/500Mi + 1 more..."),
                json!("1"),
                json!(5),
                json!(2)
            ]
        );
        let hpa_v1 = json!({"metadata": {"name": "w"},
            "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "w"}, "maxReplicas": 3,
                     "targetCPUUtilizationPercentage": 50}});
        assert_eq!(
            cells("autoscaling", "HorizontalPodAutoscaler", &hpa_v1, now())[2..4],
            [json!("cpu: <unknown>/50%"), json!("<unset>")]
        );
        let ing = json!({
            "metadata": {"name": "ing"},
            "spec": {"ingressClassName": "nginx", "tls": [{}], "rules": [
                {"host": "a.example.com"}, {"host": "b.example.com"}, {},
                {"host": "c.example.com"}, {"host": "d.example.com"}]},
            "status": {"loadBalancer": {"ingress": [{"ip": "10.0.0.1"}]}},
        });
        assert_eq!(
            strs(&cells("networking.k8s.io", "Ingress", &ing, now()))[1..5],
            [
                "nginx",
                "a.example.com,b.example.com,c.example.com + 2 more...",
                "10.0.0.1",
                "80, 443"
            ]
        );
        let ep = json!({"metadata": {"name": "web"}, "subsets": [
            {"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}],
             "ports": [{"port": 80}, {"port": 443}]},
            {"addresses": [{"ip": "fd00::1"}]},
        ]});
        assert_eq!(
            cells("", "Endpoints", &ep, now())[1],
            "10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 2 more..."
        );
        let eps = json!({"metadata": {"name": "web-x"}, "addressType": "IPv4",
            "ports": [{"port": 80}, {"name": "metrics"}], "endpoints": []});
        assert_eq!(
            strs(&cells("discovery.k8s.io", "EndpointSlice", &eps, now()))[1..4],
            ["IPv4", "80,metrics", "<unset>"]
        );
        let rq = json!({"metadata": {"name": "q"}, "status": {
            "hard": {"pods": "10", "limits.cpu": "4", "requests.cpu": "2"},
            "used": {"pods": "3", "requests.cpu": "500m"}}});
        assert_eq!(
            cells("", "ResourceQuota", &rq, now())[1..3],
            [
                json!("pods: 3/10, requests.cpu: 500m/2"),
                json!("limits.cpu: 0/4")
            ]
        );
        let csr = json!({"metadata": {"name": "c"},
            "spec": {"signerName": "kubernetes.io/kube-apiserver-client",
                     "username": "alice", "expirationSeconds": 86400},
            "status": {"conditions": [{"type": "Approved"}], "certificate": "Zm9v"}});
        assert_eq!(
            strs(&cells(
                "certificates.k8s.io",
                "CertificateSigningRequest",
                &csr,
                now()
            ))[2..6],
            [
                "kubernetes.io/kube-apiserver-client",
                "alice",
                "24h",
                "Approved,Issued"
            ]
        );
        let cr = json!({"metadata": {"name": "web-7d9", "ownerReferences": [
            {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web", "controller": true}]},
            "revision": 2});
        assert_eq!(
            cells("apps", "ControllerRevision", &cr, now())[1..3],
            [json!("statefulset.apps/web"), json!(2)]
        );
        let api = json!({"metadata": {"name": "v1beta1.metrics.k8s.io"},
            "spec": {"service": {"namespace": "kube-system", "name": "metrics-server"}},
            "status": {"conditions": [{"type": "Available", "status": "False",
                                       "reason": "MissingEndpoints"}]}});
        assert_eq!(
            strs(&cells("apiregistration.k8s.io", "APIService", &api, now()))[1..3],
            ["kube-system/metrics-server", "False (MissingEndpoints)"]
        );
        let local = json!({"metadata": {"name": "v1.apps"},
            "status": {"conditions": [{"type": "Available", "status": "True", "reason": "Local"}]}});
        assert_eq!(
            strs(&cells(
                "apiregistration.k8s.io",
                "APIService",
                &local,
                now()
            ))[1..3],
            ["Local", "True"]
        );
    }

    #[test]
    fn every_builtin_printer_has_matching_cell_count() {
        let kinds: &[(&str, &str)] = &[
            ("", "Pod"),
            ("", "PodTemplate"),
            ("", "ReplicationController"),
            ("", "Service"),
            ("", "Endpoints"),
            ("", "Node"),
            ("", "Event"),
            ("events.k8s.io", "Event"),
            ("", "Namespace"),
            ("", "Secret"),
            ("", "ServiceAccount"),
            ("", "PersistentVolume"),
            ("", "PersistentVolumeClaim"),
            ("", "ComponentStatus"),
            ("", "ConfigMap"),
            ("", "ResourceQuota"),
            ("", "LimitRange"),
            ("apps", "Deployment"),
            ("apps", "ReplicaSet"),
            ("apps", "StatefulSet"),
            ("apps", "DaemonSet"),
            ("apps", "ControllerRevision"),
            ("batch", "Job"),
            ("batch", "CronJob"),
            ("autoscaling", "HorizontalPodAutoscaler"),
            ("autoscaling", "Scale"),
            ("policy", "PodDisruptionBudget"),
            ("networking.k8s.io", "Ingress"),
            ("networking.k8s.io", "IngressClass"),
            ("networking.k8s.io", "NetworkPolicy"),
            ("networking.k8s.io", "ServiceCIDR"),
            ("networking.k8s.io", "IPAddress"),
            ("discovery.k8s.io", "EndpointSlice"),
            ("rbac.authorization.k8s.io", "Role"),
            ("rbac.authorization.k8s.io", "ClusterRole"),
            ("rbac.authorization.k8s.io", "RoleBinding"),
            ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
            ("certificates.k8s.io", "CertificateSigningRequest"),
            ("certificates.k8s.io", "ClusterTrustBundle"),
            ("coordination.k8s.io", "Lease"),
            ("coordination.k8s.io", "LeaseCandidate"),
            ("storage.k8s.io", "StorageClass"),
            ("storage.k8s.io", "VolumeAttributesClass"),
            ("storage.k8s.io", "VolumeAttachment"),
            ("storage.k8s.io", "CSINode"),
            ("storage.k8s.io", "CSIDriver"),
            ("storage.k8s.io", "CSIStorageCapacity"),
            ("scheduling.k8s.io", "PriorityClass"),
            ("node.k8s.io", "RuntimeClass"),
            (
                "admissionregistration.k8s.io",
                "MutatingWebhookConfiguration",
            ),
            (
                "admissionregistration.k8s.io",
                "ValidatingWebhookConfiguration",
            ),
            ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
            (
                "admissionregistration.k8s.io",
                "ValidatingAdmissionPolicyBinding",
            ),
            ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
            (
                "admissionregistration.k8s.io",
                "MutatingAdmissionPolicyBinding",
            ),
            ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
            ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
            ("internal.apiserver.k8s.io", "StorageVersion"),
            ("storagemigration.k8s.io", "StorageVersionMigration"),
            ("resource.k8s.io", "DeviceClass"),
            ("resource.k8s.io", "ResourceClaim"),
            ("resource.k8s.io", "ResourceClaimTemplate"),
            ("resource.k8s.io", "ResourceSlice"),
            ("apiextensions.k8s.io", "CustomResourceDefinition"),
            ("apiregistration.k8s.io", "APIService"),
            ("example.com", "Widget"),
        ];
        let empty = json!({});
        let minimal = json!({"metadata": {"name": "x", "creationTimestamp": ago(61)},
                             "spec": {}, "status": {}});
        for (group, kind) in kinds {
            let cols = columns(group, kind);
            assert!(cols.iter().any(|c| c.format == "name"
                || *kind == "Scale"
                || *kind == "StorageVersionMigration"));
            for obj in [&empty, &minimal] {
                assert_eq!(
                    cells(group, kind, obj, now()).len(),
                    cols.len(),
                    "{group}/{kind}"
                );
            }
        }
    }

    #[test]
    fn fallback_tables() {
        // A built-in kind served with the generic table: name and creation time.
        assert_eq!(
            names(&columns("rbac.authorization.k8s.io", "ClusterRole")),
            ["Name", "Created At"]
        );
        assert_eq!(
            columns("rbac.authorization.k8s.io", "ClusterRole")[1].type_,
            "date"
        );
        let role = json!({"metadata": {"name": "admin",
                                       "creationTimestamp": "2024-05-01T08:30:00Z"}});
        assert_eq!(
            cells("rbac.authorization.k8s.io", "ClusterRole", &role, now()),
            [json!("admin"), json!("2024-05-01T08:30:00Z")]
        );
        assert_eq!(
            cells("", "LimitRange", &json!({"metadata": {"name": "l"}}), now())[1],
            "0001-01-01T00:00:00Z"
        );
        // A custom resource without printer columns: name and age.
        assert_eq!(names(&columns("example.com", "Widget")), ["Name", "Age"]);
        let widget = json!({"metadata": {"name": "w1", "creationTimestamp": ago(7200)}});
        assert_eq!(
            cells("example.com", "Widget", &widget, now()),
            [json!("w1"), json!("120m")]
        );
        // Same kind name as a core kind, different group: not the core printer.
        assert_eq!(names(&columns("example.com", "Pod")), ["Name", "Age"]);
    }

    #[test]
    fn table_object_shapes() {
        let cm = json!({
            "apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "cfg", "namespace": "team-a", "resourceVersion": "42",
                         "creationTimestamp": ago(30)},
            "data": {"k": "v"},
        });
        let t = table(
            "",
            "ConfigMap",
            &[&cm],
            json!({"resourceVersion": "50", "continue": "", "remainingItemCount": null}),
            IncludeObject::default(),
            now(),
        );
        assert_eq!(
            t,
            json!({
                "kind": "Table",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": {"resourceVersion": "50"},
                "columnDefinitions": [
                    {"name": "Name", "type": "string", "format": "name",
                     "description": NAME_DESC, "priority": 0},
                    {"name": "Data", "type": "string", "format": "",
                     "description": "Number of data and binary data entries.", "priority": 0},
                    {"name": "Age", "type": "string", "format": "",
                     "description": AGE_DESC, "priority": 0},
                ],
                "rows": [{
                    "cells": ["cfg", 1, "30s"],
                    "object": {
                        "kind": "PartialObjectMetadata",
                        "apiVersion": "meta.k8s.io/v1",
                        "metadata": {"name": "cfg", "namespace": "team-a",
                                     "resourceVersion": "42", "creationTimestamp": ago(30)},
                    },
                }],
            })
        );
        let full = table(
            "",
            "ConfigMap",
            &[&cm],
            json!({"continue": "abc", "remainingItemCount": 3}),
            IncludeObject::Object,
            now(),
        );
        assert_eq!(full["rows"][0]["object"], cm);
        assert_eq!(
            full["metadata"],
            json!({"continue": "abc", "remainingItemCount": 3})
        );
        let empty = table("", "Pod", &[], json!({}), IncludeObject::Metadata, now());
        assert_eq!(empty["rows"], json!([]));
        assert_eq!(empty["columnDefinitions"].as_array().unwrap().len(), 9);
    }

    #[test]
    fn include_object_parsing() {
        assert_eq!(IncludeObject::from_query(None), Ok(IncludeObject::Metadata));
        assert_eq!(
            IncludeObject::from_query(Some("")),
            Ok(IncludeObject::Metadata)
        );
        assert_eq!(
            IncludeObject::from_query(Some("None")),
            Ok(IncludeObject::None)
        );
        assert_eq!(
            IncludeObject::from_query(Some("Object")),
            Ok(IncludeObject::Object)
        );
        let err = IncludeObject::from_query(Some("object")).unwrap_err();
        assert_eq!(err, TableError::InvalidIncludeObject("object".to_string()));
        assert!(err.to_string().starts_with("invalid includeObject value"));
    }

    #[test]
    fn custom_resource_printer_columns() {
        let printer_columns = json!([
            {"name": "Ready", "type": "string",
             "jsonPath": ".status.conditions[?(@.type==\"Ready\")].status"},
            {"name": "Replicas", "type": "integer", "jsonPath": ".spec.replicas"},
            {"name": "Ratio", "type": "number", "jsonPath": ".spec.ratio"},
            {"name": "Paused", "type": "boolean", "jsonPath": ".spec.paused", "priority": 1},
            {"name": "Hosts", "type": "string", "jsonPath": ".spec.hosts"},
            {"name": "First", "type": "string", "jsonPath": ".spec.hosts[0]"},
            {"name": "Team", "type": "string",
             "jsonPath": ".metadata.labels['example.com/team']"},
            {"name": "Missing", "type": "string", "jsonPath": ".status.nothing"},
            {"name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"},
            {"name": "Bad Date", "type": "date", "jsonPath": ".spec.when",
             "format": "date-time", "description": "when it happens"},
        ]);
        let custom = CustomColumns::new(Some(&printer_columns));
        let cols = custom.columns();
        assert_eq!(cols.len(), 11);
        assert_eq!(cols[0], NAME);
        assert_eq!(cols[4].priority, 1);
        assert_eq!(cols[10].format, "date-time");
        assert_eq!(cols[10].description, "when it happens");
        let obj = json!({
            "metadata": {"name": "w", "creationTimestamp": ago(90),
                         "labels": {"example.com/team": "blue"}},
            "spec": {"replicas": 3.0, "ratio": 2, "paused": true,
                     "hosts": ["a", "b"], "when": "not a date"},
            "status": {"conditions": [
                {"type": "Synced", "status": "False"},
                {"type": "Ready", "status": "True"},
            ]},
        });
        assert_eq!(
            custom.cells(&obj, now()),
            [
                json!("w"),
                json!("True"),
                json!(3),
                json!(2.0),
                json!(true),
                json!("[a b]"),
                json!("a"),
                json!("blue"),
                Value::Null,
                json!("90s"),
                json!("<invalid>"),
            ]
        );
        let t = custom.table(&[&obj], json!({}), IncludeObject::None, now());
        assert_eq!(t["columnDefinitions"].as_array().unwrap().len(), 11);
        assert_eq!(t["rows"][0]["cells"][1], "True");

        let default = CustomColumns::new(None);
        assert_eq!(names(default.columns()), ["Name", "Age"]);
        assert_eq!(default.cells(&obj, now()), [json!("w"), json!("90s")]);
    }

    #[test]
    fn json_path_subset() {
        let doc = json!({"a": {"b.c": [1, {"d": "x"}], "list": [{"k": 1}, {"k": 2}]}});
        let first = |p: &str| JsonPath::parse(p).and_then(|p| p.first(&doc).cloned());
        assert_eq!(first(".a['b.c'][1].d"), Some(json!("x")));
        assert_eq!(first("{.a.b\\.c[0]}"), Some(json!(1)));
        assert_eq!(first(".a.list[-1].k"), Some(json!(2)));
        assert_eq!(first(".a.list[*].k"), Some(json!(1)));
        assert_eq!(first(".a.list[?(@.k==2)].k"), Some(json!(2)));
        assert_eq!(first(".a.list[?(@.k!=1)].k"), Some(json!(2)));
        assert_eq!(first(".a.list[?(@.z)]"), None);
        assert_eq!(first(".a.list[5]"), None);
        assert_eq!(JsonPath::parse("..a"), None);
        assert_eq!(
            go_text(&json!({"b": [1, 2.5], "a": null})),
            "map[a:<nil> b:[1 2.5]]"
        );
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(0.00001), "1e-05");
        assert_eq!(go_float(0.5), "0.5");
    }

    #[test]
    fn owned_columns() {
        let c = Column::owned("Phase", "string", "", "phase of the thing", 0);
        assert_eq!(
            c.to_json(),
            json!({"name": "Phase", "type": "string", "format": "",
                   "description": "phase of the thing", "priority": 0})
        );
        assert!(matches!(c.name, Cow::Owned(_)));
    }
}
