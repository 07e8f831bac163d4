//! The REST operations of a group-version, described once and written both as OpenAPI 3
//! JSON (here) and as OpenAPI 2 protobuf (in `v2`).

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::json;

use super::KindEntry;
use super::schema::{self, KindNames};

/// The JSON type of a parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ParamType {
    String,
    Boolean,
    Integer,
}

/// One path or query parameter.
#[derive(Debug, Clone, Copy)]
pub(super) struct Param {
    pub name: &'static str,
    pub in_path: bool,
    pub description: &'static str,
    pub ty: ParamType,
    /// Kubernetes marks parameters that may repeat as unique items.
    pub unique: bool,
}

const fn query(name: &'static str, ty: ParamType, description: &'static str) -> Param {
    Param {
        name,
        in_path: false,
        description,
        ty,
        unique: true,
    }
}

const NAME: Param = Param {
    name: "name",
    in_path: true,
    description: "name of the object",
    ty: ParamType::String,
    unique: true,
};
const NAMESPACE: Param = Param {
    name: "namespace",
    in_path: true,
    description: "object name and auth scope, such as for teams and projects",
    ty: ParamType::String,
    unique: true,
};
const PRETTY: Param = query(
    "pretty",
    ParamType::String,
    "If 'true', the output is indented for reading.",
);
const DRY_RUN: Param = query(
    "dryRun",
    ParamType::String,
    "When present, modifications are not persisted. The only valid value is All: every dry-run stage runs.",
);
const FIELD_MANAGER: Param = query(
    "fieldManager",
    ParamType::String,
    "The name of the actor making the change, recorded in managedFields. Required for apply patches; at most 128 printable characters.",
);
const FIELD_VALIDATION: Param = query(
    "fieldValidation",
    ParamType::String,
    "What to do with unknown or duplicate fields in the request body: Ignore drops them silently, Warn drops them and returns a warning for each (the default), Strict fails the request.",
);
const FORCE: Param = query(
    "force",
    ParamType::Boolean,
    "Apply patches only: take ownership of fields that other managers own instead of failing with a conflict. Must be unset for other patch types.",
);
const ALLOW_WATCH_BOOKMARKS: Param = query(
    "allowWatchBookmarks",
    ParamType::Boolean,
    "Watch only: the client accepts BOOKMARK events, which carry only a resourceVersion. The server may send them at any time.",
);
const CONTINUE: Param = query(
    "continue",
    ParamType::String,
    "The opaque token from a previous paged list's metadata.continue, asking for the next page.",
);
const FIELD_SELECTOR: Param = query(
    "fieldSelector",
    ParamType::String,
    "Only objects whose fields match this selector. Everything matches by default.",
);
const LABEL_SELECTOR: Param = query(
    "labelSelector",
    ParamType::String,
    "Only objects whose labels match this selector. Everything matches by default.",
);
const LIMIT: Param = query(
    "limit",
    ParamType::Integer,
    "The most items a list returns; when more exist, metadata.continue is set to fetch the rest.",
);
const RESOURCE_VERSION: Param = query(
    "resourceVersion",
    ParamType::String,
    "Which state a read is served from (see resourceVersionMatch); for a watch, the version after which changes are sent.",
);
const RESOURCE_VERSION_MATCH: Param = query(
    "resourceVersionMatch",
    ParamType::String,
    "How resourceVersion is applied to a list: Exact or NotOlderThan.",
);
const SEND_INITIAL_EVENTS: Param = query(
    "sendInitialEvents",
    ParamType::Boolean,
    "Watch only: start with synthetic ADDED events for the current state, then a bookmark marking their end.",
);
const TIMEOUT_SECONDS: Param = query(
    "timeoutSeconds",
    ParamType::Integer,
    "Limit on the duration of a list or watch call, whatever the activity.",
);
const WATCH: Param = query(
    "watch",
    ParamType::Boolean,
    "Stream changes to the described objects instead of listing them.",
);
const GRACE_PERIOD_SECONDS: Param = query(
    "gracePeriodSeconds",
    ParamType::Integer,
    "Seconds before the object is deleted; zero means immediately. Defaults to the object's own grace period.",
);
const IGNORE_STORE_READ_ERROR: Param = query(
    "ignoreStoreReadErrorWithClusterBreakingPotential",
    ParamType::Boolean,
    "Delete an object that cannot be read from storage (corrupt). Dangerous: bypasses the usual deletion flow.",
);
const ORPHAN_DEPENDENTS: Param = query(
    "orphanDependents",
    ParamType::Boolean,
    "Deprecated, use propagationPolicy: whether dependents are orphaned instead of garbage collected.",
);
const PROPAGATION_POLICY: Param = query(
    "propagationPolicy",
    ParamType::String,
    "Whether and how dependents are garbage collected: Orphan, Background or Foreground.",
);

const WRITE: &[Param] = &[DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION];
const PATCH_PARAMS: &[Param] = &[DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE];
const LIST: &[Param] = &[
    ALLOW_WATCH_BOOKMARKS,
    CONTINUE,
    FIELD_SELECTOR,
    LABEL_SELECTOR,
    LIMIT,
    RESOURCE_VERSION,
    RESOURCE_VERSION_MATCH,
    SEND_INITIAL_EVENTS,
    TIMEOUT_SECONDS,
    WATCH,
];
const DELETE: &[Param] = &[
    DRY_RUN,
    GRACE_PERIOD_SECONDS,
    IGNORE_STORE_READ_ERROR,
    ORPHAN_DEPENDENTS,
    PROPAGATION_POLICY,
];
const DELETE_COLLECTION: &[Param] = &[
    CONTINUE,
    DRY_RUN,
    FIELD_SELECTOR,
    GRACE_PERIOD_SECONDS,
    IGNORE_STORE_READ_ERROR,
    LABEL_SELECTOR,
    LIMIT,
    ORPHAN_DEPENDENTS,
    PROPAGATION_POLICY,
    RESOURCE_VERSION,
    RESOURCE_VERSION_MATCH,
    SEND_INITIAL_EVENTS,
    TIMEOUT_SECONDS,
];

/// The HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Method {
    Get,
    Put,
    Post,
    Delete,
    Patch,
}

impl Method {
    pub fn key(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Patch => "patch",
        }
    }
}

/// What a request body holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Body {
    /// An object of this definition.
    Object(String),
    /// A patch; strategic merge is offered for built-in kinds only.
    Patch { strategic: bool },
}

/// What a successful response streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Produces {
    Object,
    List,
    Watch,
}

/// A group, version and kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Gvk {
    pub group: String,
    pub version: String,
    pub kind: String,
}

impl Serialize for Gvk {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("group", &self.group)?;
        m.serialize_entry("kind", &self.kind)?;
        m.serialize_entry("version", &self.version)?;
        m.end()
    }
}

/// One operation.
#[derive(Debug, Clone)]
pub(super) struct Operation {
    pub method: Method,
    pub id: String,
    pub description: String,
    pub tag: String,
    pub action: &'static str,
    pub gvk: Option<Gvk>,
    pub params: &'static [Param],
    pub body: Option<Body>,
    /// The definition a success returns, with the status codes that return it.
    pub response: String,
    pub codes: &'static [&'static str],
    pub produces: Produces,
    /// Custom kinds are not served as protobuf.
    pub protobuf: bool,
}

/// One path with its operations.
#[derive(Debug, Clone)]
pub(super) struct PathItem {
    pub path: String,
    pub params: Vec<Param>,
    pub operations: Vec<Operation>,
}

/// `apps` → `Apps`, `rbac.authorization.k8s.io` → `RbacAuthorization`, core → `Core`,
/// `stable.example.com` → `StableExampleCom`, followed by the capitalised version.
fn id_prefix(group: &str, version: &str) -> String {
    let group = group.strip_suffix(".k8s.io").unwrap_or(group);
    let mut out = String::new();
    let words: Vec<&str> = if group.is_empty() {
        vec!["core"]
    } else {
        group.split(['.', '-']).collect()
    };
    for w in words.into_iter().chain([version]) {
        let mut c = w.chars();
        if let Some(first) = c.next() {
            out.extend(first.to_uppercase());
            out.push_str(c.as_str());
        }
    }
    out
}

/// `apps_v1`, `core_v1`, `rbacAuthorization_v1`.
fn tag(group: &str, version: &str) -> String {
    let group = group.strip_suffix(".k8s.io").unwrap_or(group);
    if group.is_empty() {
        return format!("core_{version}");
    }
    let mut out = String::new();
    for (i, w) in group.split(['.', '-']).enumerate() {
        let mut c = w.chars();
        if let Some(first) = c.next() {
            if i == 0 {
                out.push(first);
            } else {
                out.extend(first.to_uppercase());
            }
            out.push_str(c.as_str());
        }
    }
    format!("{out}_{version}")
}

/// The URL prefix of a group-version: `/api/v1` or `/apis/apps/v1`.
pub(super) fn gv_prefix(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("/api/{version}")
    } else {
        format!("/apis/{group}/{version}")
    }
}

/// All paths of one group-version's kinds (which share the group and version), sorted.
pub(super) fn paths(
    group: &str,
    version: &str,
    kinds: &[(&KindEntry, &KindNames)],
) -> Vec<PathItem> {
    let prefix = gv_prefix(group, version);
    let idp = id_prefix(group, version);
    let tag = tag(group, version);
    let mut out = vec![PathItem {
        path: format!("{prefix}/"),
        params: Vec::new(),
        operations: vec![Operation {
            method: Method::Get,
            id: format!("get{idp}APIResources"),
            description: "get available resources".into(),
            tag: tag.clone(),
            action: "",
            gvk: None,
            params: &[],
            body: None,
            response: schema::RESOURCE_LIST.into(),
            codes: &["200"],
            produces: Produces::Object,
            protobuf: true,
        }],
    }];
    for (k, names) in kinds {
        kind_paths(k, names, &prefix, &idp, &tag, &mut out);
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

/// Builds the operations of one kind.
struct KindOps<'a> {
    k: &'a KindEntry,
    idp: &'a str,
    tag: &'a str,
    /// `Namespaced` or nothing, as in operation ids.
    ns: &'static str,
}

/// What varies between operations.
struct OpSpec<'a> {
    method: Method,
    verb: &'a str,
    /// Between the kind and the end of the operation id (`List`, `Status`, ...).
    suffix: &'a str,
    description: String,
    action: &'static str,
    params: &'static [Param],
    body: Option<Body>,
    response: &'a str,
    codes: &'static [&'static str],
    produces: Produces,
}

impl KindOps<'_> {
    fn has(&self, verb: &str) -> bool {
        self.k.verbs.iter().any(|v| v == verb)
    }

    fn gvk(&self) -> Gvk {
        Gvk {
            group: self.k.group.clone(),
            version: self.k.version.clone(),
            kind: self.k.kind.clone(),
        }
    }

    /// An operation whose id reads `{verb}{GroupVersion}{Namespaced?}{Kind}{suffix}`.
    fn op(&self, spec: OpSpec<'_>) -> Operation {
        self.op_named(
            format!(
                "{}{}{}{}{}",
                spec.verb, self.idp, self.ns, self.k.kind, spec.suffix
            ),
            self.gvk(),
            spec,
        )
    }

    fn op_named(&self, id: String, gvk: Gvk, spec: OpSpec<'_>) -> Operation {
        Operation {
            method: spec.method,
            id,
            description: spec.description,
            tag: self.tag.to_string(),
            action: spec.action,
            gvk: Some(gvk),
            params: spec.params,
            body: spec.body,
            response: spec.response.to_string(),
            codes: spec.codes,
            produces: spec.produces,
            protobuf: self.k.schema.is_none(),
        }
    }

    fn list(&self, description: String) -> OpSpec<'static> {
        OpSpec {
            method: Method::Get,
            verb: "list",
            suffix: "",
            description,
            action: "list",
            params: LIST,
            body: None,
            response: "",
            codes: &["200"],
            produces: Produces::List,
        }
    }

    fn watch(&self, action: &'static str, description: String) -> OpSpec<'static> {
        OpSpec {
            method: Method::Get,
            verb: "watch",
            suffix: "",
            description,
            action,
            params: &[],
            body: None,
            response: schema::WATCH_EVENT,
            codes: &["200"],
            produces: Produces::Watch,
        }
    }

    /// get, put and patch on the object or one of its subresources.
    fn item_ops(&self, suffix: &str, what: &str, def: &str, gvk: Gvk) -> Vec<Operation> {
        let kind = &self.k.kind;
        let strategic = self.k.schema.is_none();
        let mut ops = Vec::new();
        let id = |verb: &str| format!("{verb}{}{}{kind}{suffix}", self.idp, self.ns);
        if self.has("get") {
            let spec = OpSpec {
                method: Method::Get,
                verb: "read",
                suffix,
                description: format!("read {what}"),
                action: "get",
                params: &[],
                body: None,
                response: def,
                codes: &["200"],
                produces: Produces::Object,
            };
            ops.push(self.op_named(id("read"), gvk.clone(), spec));
        }
        if self.has("update") {
            let spec = OpSpec {
                method: Method::Put,
                verb: "replace",
                suffix,
                description: format!("replace {what}"),
                action: "put",
                params: WRITE,
                body: Some(Body::Object(def.to_string())),
                response: def,
                codes: &["200", "201"],
                produces: Produces::Object,
            };
            ops.push(self.op_named(id("replace"), gvk.clone(), spec));
        }
        if self.has("patch") {
            let spec = OpSpec {
                method: Method::Patch,
                verb: "patch",
                suffix,
                description: format!("partially update {what}"),
                action: "patch",
                params: PATCH_PARAMS,
                body: Some(Body::Patch { strategic }),
                response: def,
                codes: &["200", "201"],
                produces: Produces::Object,
            };
            ops.push(self.op_named(id("patch"), gvk, spec));
        }
        ops
    }
}

fn kind_paths(
    k: &KindEntry,
    names: &KindNames,
    prefix: &str,
    idp: &str,
    tag: &str,
    out: &mut Vec<PathItem>,
) {
    let ko = KindOps {
        k,
        idp,
        tag,
        ns: if k.namespaced { "Namespaced" } else { "" },
    };
    let kind = &k.kind;
    let object = names.object.as_str();
    let list = names.list.as_str();
    let (scope_path, watch_path) = if k.namespaced {
        (
            format!("{prefix}/namespaces/{{namespace}}/{}", k.plural),
            format!("{prefix}/watch/namespaces/{{namespace}}/{}", k.plural),
        )
    } else {
        (
            format!("{prefix}/{}", k.plural),
            format!("{prefix}/watch/{}", k.plural),
        )
    };
    let mut scope_params = Vec::new();
    if k.namespaced {
        scope_params.push(NAMESPACE);
    }
    scope_params.push(PRETTY);
    let mut item_params = vec![NAME];
    item_params.extend(scope_params.iter().copied());
    let with_list = |base: &[Param]| {
        let mut p = base.to_vec();
        p.extend_from_slice(LIST);
        p
    };
    let mut push = |path: String, params: Vec<Param>, operations: Vec<Operation>| {
        if !operations.is_empty() {
            out.push(PathItem {
                path,
                params,
                operations,
            });
        }
    };

    let mut collection = Vec::new();
    if ko.has("list") {
        collection.push(ko.op(OpSpec {
            response: list,
            ..ko.list(format!("list or watch objects of kind {kind}"))
        }));
    }
    if ko.has("create") {
        collection.push(ko.op(OpSpec {
            method: Method::Post,
            verb: "create",
            suffix: "",
            description: format!("create a {kind}"),
            action: "post",
            params: WRITE,
            body: Some(Body::Object(object.to_string())),
            response: object,
            codes: &["200", "201", "202"],
            produces: Produces::Object,
        }));
    }
    if ko.has("deletecollection") {
        collection.push(ko.op_named(
            format!("delete{idp}Collection{}{kind}", ko.ns),
            ko.gvk(),
            OpSpec {
                method: Method::Delete,
                verb: "delete",
                suffix: "",
                description: format!("delete a collection of {kind}"),
                action: "deletecollection",
                params: DELETE_COLLECTION,
                body: Some(Body::Object(schema::DELETE_OPTIONS.into())),
                response: schema::STATUS,
                codes: &["200"],
                produces: Produces::Object,
            },
        ));
    }
    push(scope_path.clone(), scope_params.clone(), collection);

    let mut item = ko.item_ops("", &format!("the specified {kind}"), object, ko.gvk());
    if ko.has("delete") {
        item.push(ko.op(OpSpec {
            method: Method::Delete,
            verb: "delete",
            suffix: "",
            description: format!("delete a {kind}"),
            action: "delete",
            params: DELETE,
            body: Some(Body::Object(schema::DELETE_OPTIONS.into())),
            response: schema::STATUS,
            codes: &["200", "202"],
            produces: Produces::Object,
        }));
    }
    push(format!("{scope_path}/{{name}}"), item_params.clone(), item);

    if k.status {
        let what = format!("status of the specified {kind}");
        push(
            format!("{scope_path}/{{name}}/status"),
            item_params.clone(),
            ko.item_ops("Status", &what, object, ko.gvk()),
        );
    }
    if k.scale {
        let scale = Gvk {
            group: "autoscaling".into(),
            version: "v1".into(),
            kind: "Scale".into(),
        };
        let what = format!("scale of the specified {kind}");
        push(
            format!("{scope_path}/{{name}}/scale"),
            item_params.clone(),
            ko.item_ops("Scale", &what, schema::SCALE, scale),
        );
    }

    let deprecated = "deprecated: use the 'watch' parameter with a list operation instead";
    if ko.has("watch") {
        push(
            watch_path.clone(),
            with_list(&scope_params),
            vec![ko.op(OpSpec {
                suffix: "List",
                ..ko.watch(
                    "watchlist",
                    format!("watch individual changes to a list of {kind}. {deprecated}."),
                )
            })],
        );
        push(
            format!("{watch_path}/{{name}}"),
            with_list(&item_params),
            vec![ko.op(ko.watch(
                "watch",
                format!(
                    "watch changes to an object of kind {kind}. {deprecated}, filtered to a single item with the 'fieldSelector' parameter."
                ),
            ))],
        );
    }
    if k.namespaced && ko.has("list") {
        push(
            format!("{prefix}/{}", k.plural),
            vec![PRETTY],
            vec![ko.op_named(
                format!("list{idp}{kind}ForAllNamespaces"),
                ko.gvk(),
                OpSpec {
                    response: list,
                    ..ko.list(format!("list or watch objects of kind {kind}"))
                },
            )],
        );
    }
    if k.namespaced && ko.has("watch") {
        push(
            format!("{prefix}/watch/{}", k.plural),
            with_list(&[PRETTY]),
            vec![ko.op_named(
                format!("watch{idp}{kind}ListForAllNamespaces"),
                ko.gvk(),
                ko.watch(
                    "watchlist",
                    format!("watch individual changes to a list of {kind}. {deprecated}."),
                ),
            )],
        );
    }
}

/// Media types a success response is offered in.
pub(super) fn produces(op: &Operation) -> Vec<&'static str> {
    let mut v = vec!["application/json", "application/yaml"];
    if op.protobuf {
        v.push("application/vnd.kubernetes.protobuf");
    }
    if op.produces != Produces::Object {
        v.push("application/json;stream=watch");
        if op.protobuf {
            v.push("application/vnd.kubernetes.protobuf;stream=watch");
        }
    }
    v
}

/// Media types a request body is accepted in.
pub(super) fn consumes(body: &Body) -> Vec<&'static str> {
    match body {
        Body::Object(_) => vec!["*/*"],
        Body::Patch { strategic } => {
            let mut v = vec![
                "application/json-patch+json",
                "application/merge-patch+json",
            ];
            if *strategic {
                v.push("application/strategic-merge-patch+json");
            }
            v.push("application/apply-patch+yaml");
            v
        }
    }
}

fn param_type(p: &Param) -> &'static str {
    match p.ty {
        ParamType::String => "string",
        ParamType::Boolean => "boolean",
        ParamType::Integer => "integer",
    }
}

/// Serializes a reference to a definition.
struct Ref<'a>(&'a str);

impl Serialize for Ref<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Target<'a>(&'a str);
        impl Serialize for Target<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(&format_args!("{}{}", schema::REF_PREFIX, self.0))
            }
        }
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("$ref", &Target(self.0))?;
        m.end()
    }
}

/// `{"schema": reference}` under each media type.
struct Content<'a> {
    types: &'a [&'static str],
    def: &'a str,
}

impl Serialize for Content<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Media<'a>(&'a str);
        impl Serialize for Media<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("schema", &Ref(self.0))?;
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(self.types.len()))?;
        for t in self.types {
            m.serialize_entry(t, &Media(self.def))?;
        }
        m.end()
    }
}

struct V3Param<'a>(&'a Param);

impl Serialize for V3Param<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct ParamSchema<'a>(&'a Param);
        impl Serialize for ParamSchema<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("type", param_type(self.0))?;
                if self.0.unique {
                    m.serialize_entry("uniqueItems", &true)?;
                }
                m.end()
            }
        }
        let p = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("name", p.name)?;
        m.serialize_entry("in", if p.in_path { "path" } else { "query" })?;
        m.serialize_entry("description", p.description)?;
        if p.in_path {
            m.serialize_entry("required", &true)?;
        }
        m.serialize_entry("schema", &ParamSchema(p))?;
        m.end()
    }
}

struct V3Params<'a>(&'a [Param]);

impl Serialize for V3Params<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(V3Param))
    }
}

struct V3Operation<'a>(&'a Operation);

impl Serialize for V3Operation<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct RequestBody<'a>(&'a Body, bool);
        impl Serialize for RequestBody<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let def = match self.0 {
                    Body::Object(def) => def.as_str(),
                    Body::Patch { .. } => schema::PATCH,
                };
                let types = consumes(self.0);
                let mut m = s.serialize_map(None)?;
                m.serialize_entry("content", &Content { types: &types, def })?;
                if self.1 {
                    m.serialize_entry("required", &true)?;
                }
                m.end()
            }
        }
        struct Responses<'a>(&'a Operation);
        impl Serialize for Responses<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                struct Success<'a>(&'static str, Content<'a>);
                impl Serialize for Success<'_> {
                    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                        let mut m = s.serialize_map(Some(2))?;
                        m.serialize_entry("description", self.0)?;
                        m.serialize_entry("content", &self.1)?;
                        m.end()
                    }
                }
                let op = self.0;
                let types = produces(op);
                let mut m = s.serialize_map(None)?;
                for code in op.codes {
                    let content = Content {
                        types: &types,
                        def: &op.response,
                    };
                    m.serialize_entry(code, &Success(code_description(code), content))?;
                }
                m.serialize_entry("401", &json!({ "description": "Unauthorized" }))?;
                m.end()
            }
        }
        let op = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("tags", &[&op.tag])?;
        m.serialize_entry("description", &op.description)?;
        m.serialize_entry("operationId", &op.id)?;
        if !op.params.is_empty() {
            m.serialize_entry("parameters", &V3Params(op.params))?;
        }
        if let Some(body) = &op.body {
            m.serialize_entry(
                "requestBody",
                &RequestBody(body, op.method != Method::Delete),
            )?;
        }
        m.serialize_entry("responses", &Responses(op))?;
        if !op.action.is_empty() {
            m.serialize_entry("x-kubernetes-action", op.action)?;
        }
        if let Some(gvk) = &op.gvk {
            m.serialize_entry("x-kubernetes-group-version-kind", gvk)?;
        }
        m.end()
    }
}

/// The description of a success status code.
pub(super) fn code_description(code: &str) -> &'static str {
    match code {
        "201" => "Created",
        "202" => "Accepted",
        _ => "OK",
    }
}

/// Serializes as the OpenAPI 3 `paths` object.
pub(super) struct V3Paths<'a>(pub &'a [PathItem]);

impl Serialize for V3Paths<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Item<'a>(&'a PathItem);
        impl Serialize for Item<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(None)?;
                for op in &self.0.operations {
                    m.serialize_entry(op.method.key(), &V3Operation(op))?;
                }
                if !self.0.params.is_empty() {
                    m.serialize_entry("parameters", &V3Params(&self.0.params))?;
                }
                m.end()
            }
        }
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for item in self.0 {
            m.serialize_entry(&item.path, &Item(item))?;
        }
        m.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_id_prefixes() {
        assert_eq!(id_prefix("", "v1"), "CoreV1");
        assert_eq!(id_prefix("apps", "v1"), "AppsV1");
        assert_eq!(
            id_prefix("rbac.authorization.k8s.io", "v1"),
            "RbacAuthorizationV1"
        );
        assert_eq!(
            id_prefix("stable.example.com", "v1beta1"),
            "StableExampleComV1beta1"
        );
        assert_eq!(
            tag("rbac.authorization.k8s.io", "v1"),
            "rbacAuthorization_v1"
        );
        assert_eq!(tag("", "v1"), "core_v1");
    }
}
