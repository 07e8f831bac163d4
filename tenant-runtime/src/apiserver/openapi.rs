//! The OpenAPI documents of the served API, generated from type knowledge: `/openapi/v3`
//! (a root listing one JSON document per group-version) and `/openapi/v2` (one protobuf
//! document, gnostic `openapi.v2.Document`).
//!
//! Built-in kinds take their schemas from `k8s-openapi`'s `JsonSchema` impls, completed with
//! the vendor extensions kubectl reads (`x-kubernetes-group-version-kind`, list types, patch
//! strategies and merge keys); custom kinds bring their own JSON schema in their
//! [`KindEntry`]. Nothing is built until asked for. The v3 root needs every document's
//! content hash: it generates the schemas of all kinds once, streams each group-version's
//! document through the hasher without keeping it, and keeps only the hashes. Documents
//! themselves are built on request (the kinds of one group-version only) and kept in a
//! small byte-bounded cache; clients cache them by hash anyway.

mod catalog;
mod merge;
mod paths;
mod schema;
pub mod v2;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use bytes::Bytes;
use parking_lot::Mutex;
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::KUBERNETES_VERSION;
use super::fieldmanager::TypeCache;

/// Content type of the `/openapi/v2` protobuf document. Clients ask for
/// `application/com.github.proto-openapi.spec.v2@v1.0+protobuf`, but a `@` in the response's
/// Content-Type makes kubectl 1.27/1.28 fail to parse it, so the answer spells it with a dot.
pub const V2_PROTOBUF_CONTENT_TYPE: &str =
    "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

/// Content type of the `/openapi/v3/...` documents.
pub const V3_JSON_CONTENT_TYPE: &str = "application/json";

/// Default limit on the bytes of cached documents.
pub const DEFAULT_CACHE_BUDGET: usize = 1 << 20;

/// One served kind, as the documents describe it.
#[derive(Debug, Clone, PartialEq)]
pub struct KindEntry {
    /// Empty for the core group.
    pub group: String,
    pub version: String,
    pub kind: String,
    /// The resource name in URLs.
    pub plural: String,
    pub namespaced: bool,
    /// Has a `/status` subresource.
    pub status: bool,
    /// Has an `autoscaling/v1` `/scale` subresource.
    pub scale: bool,
    /// Of `get list watch create update patch delete deletecollection`.
    pub verbs: Vec<String>,
    /// The JSON schema of a custom kind (a CRD version's `openAPIV3Schema`); `None` for
    /// built-in kinds, whose schema comes from `k8s-openapi`.
    pub schema: Option<Value>,
}

impl KindEntry {
    /// Entries for every built-in kind this module has a schema for (the stable listable
    /// kinds of Kubernetes 1.36, `autoscaling/v2` HorizontalPodAutoscaler and the reviews),
    /// with all verbs for listable kinds and `create` for reviews.
    pub fn builtins() -> Vec<KindEntry> {
        catalog::default_entries()
    }

    /// `api/v1` or `apis/GROUP/VERSION`.
    pub fn group_version_path(&self) -> String {
        gv_path(&self.group, &self.version)
    }
}

fn gv_path(group: &str, version: &str) -> String {
    if group.is_empty() {
        format!("api/{version}")
    } else {
        format!("apis/{group}/{version}")
    }
}

/// The OpenAPI documents of one API server, built lazily and cached; safe to share.
pub struct OpenApi {
    inner: Mutex<Inner>,
    budget: usize,
    /// What managed-field tracking derived from these documents (kept by content hash).
    field_types: TypeCache,
}

struct Inner {
    kinds: Arc<Vec<KindEntry>>,
    /// Bumped whenever the kinds change, so that documents built from old kinds are not
    /// cached.
    epoch: u64,
    hashes: Option<Arc<BTreeMap<String, String>>>,
    /// Most recently used last; `v2` is cached under the key `"v2"`.
    cache: VecDeque<(String, Bytes, String)>,
}

impl Inner {
    fn cached(&mut self, key: &str) -> Option<(Bytes, String)> {
        let at = self.cache.iter().position(|(k, _, _)| k == key)?;
        let entry = self.cache.remove(at)?;
        let out = (entry.1.clone(), entry.2.clone());
        self.cache.push_back(entry);
        Some(out)
    }

    fn store(&mut self, budget: usize, key: String, body: Bytes, hash: String) {
        if body.len() > budget {
            return;
        }
        self.cache.retain(|(k, _, _)| *k != key);
        self.cache.push_back((key, body, hash));
        let mut total: usize = self.cache.iter().map(|(_, b, _)| b.len()).sum();
        while total > budget {
            match self.cache.pop_front() {
                Some((_, b, _)) => total -= b.len(),
                None => break,
            }
        }
    }
}

impl OpenApi {
    /// Documents for these kinds, with the default cache budget.
    pub fn new(kinds: Vec<KindEntry>) -> Self {
        Self::with_cache_budget(kinds, DEFAULT_CACHE_BUDGET)
    }

    /// Documents for these kinds, caching at most `budget` bytes of documents.
    pub fn with_cache_budget(kinds: Vec<KindEntry>, budget: usize) -> Self {
        OpenApi {
            inner: Mutex::new(Inner {
                kinds: Arc::new(kinds),
                epoch: 0,
                hashes: None,
                cache: VecDeque::new(),
            }),
            budget,
            field_types: TypeCache::default(),
        }
    }

    /// The kind types managed-field tracking derived from these documents.
    pub fn field_types(&self) -> &TypeCache {
        &self.field_types
    }

    /// Replaces the served kinds (a custom resource definition came or went); every
    /// document is rebuilt on its next request.
    pub fn set_kinds(&self, kinds: Vec<KindEntry>) {
        let mut inner = self.inner.lock();
        inner.kinds = Arc::new(kinds);
        inner.epoch += 1;
        inner.hashes = None;
        inner.cache.clear();
    }

    /// The served kinds.
    pub fn kinds(&self) -> Arc<Vec<KindEntry>> {
        self.inner.lock().kinds.clone()
    }

    /// The group-version paths that have a document (`api/v1`, `apis/apps/v1`, ...), sorted.
    pub fn group_versions(&self) -> Vec<String> {
        let kinds = self.kinds();
        let mut out: Vec<String> = kinds.iter().map(KindEntry::group_version_path).collect();
        out.sort();
        out.dedup();
        out
    }

    /// `GET /openapi/v3`: each group-version's document URL, with its content hash.
    pub fn v3_root(&self) -> Value {
        let mut paths = Map::new();
        for (gv, hash) in self.v3_hashes().iter() {
            paths.insert(
                gv.clone(),
                json!({ "serverRelativeURL": format!("/openapi/v3/{gv}?hash={hash}") }),
            );
        }
        json!({ "paths": paths })
    }

    /// The content hash of each group-version's document, by path.
    pub fn v3_hashes(&self) -> Arc<BTreeMap<String, String>> {
        if let Some(h) = self.inner.lock().hashes.clone() {
            return h;
        }
        let (epoch, kinds) = self.snapshot();
        let all: Vec<&KindEntry> = kinds.iter().collect();
        // One generation for all group-versions; each document takes what its kinds reach.
        let defs = v3_definitions(&all, &kinds);
        let mut hashes = BTreeMap::new();
        for ((group, version), positions) in by_group_version(&all) {
            let mut h = ContentHasher::new();
            write_v3(&group, &version, &all, &positions, &defs, &mut h);
            hashes.insert(gv_path(&group, &version), h.finish());
        }
        let hashes = Arc::new(hashes);
        let mut inner = self.inner.lock();
        if inner.epoch == epoch {
            inner.hashes = Some(hashes.clone());
        }
        hashes
    }

    fn snapshot(&self) -> (u64, Arc<Vec<KindEntry>>) {
        let inner = self.inner.lock();
        (inner.epoch, inner.kinds.clone())
    }

    /// The cached document `key`, else one built (and cached when `keep`).
    fn cached_or_build(
        &self,
        key: &str,
        keep: bool,
        build: impl FnOnce(&[KindEntry]) -> Option<Vec<u8>>,
    ) -> Option<(Bytes, String)> {
        if let Some(hit) = self.inner.lock().cached(key) {
            return Some(hit);
        }
        let (epoch, kinds) = self.snapshot();
        let body = Bytes::from(build(&kinds)?);
        let hash = content_hash(&body);
        let mut inner = self.inner.lock();
        if keep && inner.epoch == epoch {
            inner.store(self.budget, key.to_string(), body.clone(), hash.clone());
        }
        Some((body, hash))
    }

    /// `GET /openapi/v3/{path}` for `path` = `api/v1` or `apis/GROUP/VERSION`: the JSON
    /// document and its content hash, or `None` for an unknown group-version.
    pub fn v3_group_version(&self, path: &str) -> Option<(Bytes, String)> {
        self.v3_group_version_kept(path, true)
    }

    /// The same document for a one-off reader inside the server (managed-field tracking):
    /// taken from the cache when there, but not added to it, so that its bytes are freed as
    /// soon as the reader is done.
    pub fn v3_group_version_transient(&self, path: &str) -> Option<(Bytes, String)> {
        self.v3_group_version_kept(path, false)
    }

    fn v3_group_version_kept(&self, path: &str, keep: bool) -> Option<(Bytes, String)> {
        let path = path.trim_matches('/');
        let (group, version) = match path.split('/').collect::<Vec<_>>()[..] {
            ["api", version] => ("", version),
            ["apis", group, version] if !group.is_empty() => (group, version),
            _ => return None,
        };
        self.cached_or_build(path, keep, |kinds| {
            let selected: Vec<&KindEntry> = kinds
                .iter()
                .filter(|k| k.group == group && k.version == version)
                .collect();
            if selected.is_empty() {
                return None;
            }
            Some(v3_document(group, version, &selected, kinds))
        })
    }

    /// The keys of the cached documents, least recently used first.
    #[cfg(test)]
    pub(crate) fn cached_documents(&self) -> Vec<String> {
        self.inner
            .lock()
            .cache
            .iter()
            .map(|(k, _, _)| k.clone())
            .collect()
    }

    /// `GET /openapi/v2`: every group-version in one protobuf document.
    pub fn v2_protobuf(&self) -> Bytes {
        self.cached_or_build("v2", true, |kinds| {
            let all: Vec<&KindEntry> = kinds.iter().collect();
            Some(v2_document(&all, kinds))
        })
        .map(|(b, _)| b)
        .unwrap_or_default()
    }
}

/// The positions of each group-version's kinds, in the order given.
fn by_group_version(kinds: &[&KindEntry]) -> BTreeMap<(String, String), Vec<usize>> {
    let mut out: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, k) in kinds.iter().enumerate() {
        out.entry((k.group.clone(), k.version.clone()))
            .or_default()
            .push(i);
    }
    out
}

#[derive(Serialize)]
struct V3Document<'a> {
    openapi: &'static str,
    info: Value,
    paths: paths::V3Paths<'a>,
    components: V3Components<'a>,
    security: Value,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct V3Components<'a> {
    schemas: Selected<'a>,
    security_schemes: Value,
}

/// The definitions a document needs, out of a larger set.
struct Selected<'a> {
    all: &'a BTreeMap<String, Value>,
    names: BTreeSet<&'a str>,
}

impl Serialize for Selected<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.names.iter().filter_map(|n| self.all.get_key_value(*n)))
    }
}

fn bearer_token_scheme() -> Value {
    json!({
        "BearerToken": {
            "type": "apiKey",
            "description": "Bearer token authentication",
            "name": "authorization",
            "in": "header",
        },
    })
}

/// Definitions for some of the kinds, in OpenAPI 3 form.
fn v3_definitions(kinds: &[&KindEntry], all_kinds: &[KindEntry]) -> schema::Definitions {
    let mut defs = schema::definitions(kinds, all_kinds);
    for (name, s) in defs.map.iter_mut() {
        schema::to_v3(name, s);
    }
    defs
}

/// The names of the definitions reachable from `roots`.
fn reachable<'a>(all: &'a BTreeMap<String, Value>, roots: Vec<&str>) -> BTreeSet<&'a str> {
    fn refs<'v>(v: &'v Value, out: &mut Vec<&'v str>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref")
                    && let Some(name) = r.strip_prefix(schema::REF_PREFIX)
                {
                    out.push(name);
                }
                m.values().for_each(|c| refs(c, out));
            }
            Value::Array(a) => a.iter().for_each(|c| refs(c, out)),
            _ => {}
        }
    }
    let mut seen = BTreeSet::new();
    let mut todo: Vec<&str> = roots;
    while let Some(name) = todo.pop() {
        if let Some((key, def)) = all.get_key_value(name)
            && seen.insert(key.as_str())
        {
            refs(def, &mut todo);
        }
    }
    seen
}

/// Writes the OpenAPI 3 document of one group-version: the kinds at `positions` in
/// `kinds` (which `defs` was built from), with the definitions they reach.
fn write_v3(
    group: &str,
    version: &str,
    kinds: &[&KindEntry],
    positions: &[usize],
    defs: &schema::Definitions,
    w: &mut impl std::io::Write,
) {
    let pairs: Vec<_> = positions
        .iter()
        .map(|&i| (kinds[i], &defs.names[i]))
        .collect();
    let items = paths::paths(group, version, &pairs);
    let mut roots = vec![
        schema::STATUS,
        schema::DELETE_OPTIONS,
        schema::WATCH_EVENT,
        schema::PATCH,
        schema::RESOURCE_LIST,
    ];
    if pairs.iter().any(|(k, _)| k.scale) {
        roots.push(schema::SCALE);
    }
    for (_, n) in &pairs {
        roots.push(&n.object);
        roots.push(&n.list);
    }
    let doc = V3Document {
        openapi: "3.0.0",
        info: json!({ "title": "Kubernetes", "version": KUBERNETES_VERSION }),
        paths: paths::V3Paths(&items),
        components: V3Components {
            schemas: Selected {
                all: &defs.map,
                names: reachable(&defs.map, roots),
            },
            security_schemes: bearer_token_scheme(),
        },
        security: json!([{ "BearerToken": [] }]),
    };
    // Writing to memory or to the hasher cannot fail, and the document has string keys only.
    let _ = serde_json::to_writer(w, &doc);
}

fn v3_document(
    group: &str,
    version: &str,
    kinds: &[&KindEntry],
    all_kinds: &[KindEntry],
) -> Vec<u8> {
    let defs = v3_definitions(kinds, all_kinds);
    let positions: Vec<usize> = (0..kinds.len()).collect();
    let mut out = Vec::with_capacity(64 << 10);
    write_v3(group, version, kinds, &positions, &defs, &mut out);
    out.shrink_to_fit();
    out
}

fn v2_document(kinds: &[&KindEntry], all_kinds: &[KindEntry]) -> Vec<u8> {
    let defs = schema::definitions(kinds, all_kinds);
    let mut items = Vec::new();
    for ((group, version), positions) in by_group_version(kinds) {
        let pairs: Vec<_> = positions
            .into_iter()
            .map(|i| (kinds[i], &defs.names[i]))
            .collect();
        items.extend(paths::paths(&group, &version, &pairs));
    }
    items.sort_by(|a, b| a.path.cmp(&b.path));
    v2::encode(KUBERNETES_VERSION, &items, defs.map)
}

/// A 128-bit hash of a document, fed in pieces: two multiply-xor lanes over 64-bit words,
/// then the length. Every step is a bijection of the lane state for a given word, so a change
/// confined to one word always changes the result.
pub struct ContentHasher {
    a: u64,
    b: u64,
    len: u64,
    pending: [u8; 8],
    filled: usize,
}

impl Default for ContentHasher {
    fn default() -> Self {
        Self::new()
    }
}

impl ContentHasher {
    pub fn new() -> Self {
        ContentHasher {
            a: 0xcbf2_9ce4_8422_2325,
            b: 0x9e37_79b9_7f4a_7c15,
            len: 0,
            pending: [0; 8],
            filled: 0,
        }
    }

    fn word(&mut self, w: u64) {
        self.a = (self.a ^ w).wrapping_mul(0x0000_0100_0000_01b3);
        self.b = (self.b ^ w)
            .rotate_left(23)
            .wrapping_mul(0xff51_afd7_ed55_8ccd);
    }

    pub fn update(&mut self, mut bytes: &[u8]) {
        self.len += bytes.len() as u64;
        if self.filled > 0 {
            let take = (8 - self.filled).min(bytes.len());
            self.pending[self.filled..self.filled + take].copy_from_slice(&bytes[..take]);
            self.filled += take;
            bytes = &bytes[take..];
            if self.filled < 8 {
                return;
            }
            self.word(u64::from_le_bytes(self.pending));
            self.filled = 0;
        }
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.word(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
        self.filled = rest.len();
    }

    /// 32 hex digits.
    pub fn finish(mut self) -> String {
        if self.filled > 0 {
            self.pending[self.filled..].fill(0);
            self.word(u64::from_le_bytes(self.pending));
        }
        let len = self.len;
        self.word(len);
        format!("{:016X}{:016X}", self.a, self.b)
    }
}

impl std::io::Write for ContentHasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The content hash of a whole document.
pub fn content_hash(bytes: &[u8]) -> String {
    let mut h = ContentHasher::new();
    h.update(bytes);
    h.finish()
}

#[cfg(test)]
mod tests {
    use prost::Message;

    use super::*;

    fn doc(api: &OpenApi, gv: &str) -> Value {
        let (bytes, hash) = api.v3_group_version(gv).expect("document");
        assert_eq!(hash, content_hash(&bytes));
        serde_json::from_slice(&bytes).expect("json")
    }

    fn schemas(d: &Value) -> &Map<String, Value> {
        d["components"]["schemas"].as_object().expect("schemas")
    }

    /// Every `$ref` in `v`, and whether any reference carries siblings.
    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>, siblings: &mut bool) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    out.push(r);
                    *siblings |= m.len() > 1;
                }
                m.values().for_each(|c| refs(c, out, siblings));
            }
            Value::Array(a) => a.iter().for_each(|c| refs(c, out, siblings)),
            _ => {}
        }
    }

    fn crontab() -> KindEntry {
        KindEntry {
            group: "stable.example.com".into(),
            version: "v1".into(),
            kind: "CronTab".into(),
            plural: "crontabs".into(),
            namespaced: true,
            status: true,
            scale: false,
            verbs: [
                "get", "list", "watch", "create", "update", "patch", "delete",
            ]
            .iter()
            .map(|v| v.to_string())
            .collect(),
            schema: Some(json!({
                "type": "object",
                "properties": {
                    "spec": {
                        "type": "object",
                        "properties": { "cronSpec": { "type": "string", "description": "when" } },
                    },
                },
            })),
        }
    }

    #[test]
    fn apps_v1_carries_what_kubectl_reads() {
        let api = OpenApi::new(KindEntry::builtins());
        let d = doc(&api, "apis/apps/v1");
        assert_eq!(d["openapi"], "3.0.0");
        let s = schemas(&d);
        let deployment = &s["io.k8s.api.apps.v1.Deployment"];
        assert_eq!(
            deployment["x-kubernetes-group-version-kind"],
            json!([{ "group": "apps", "kind": "Deployment", "version": "v1" }])
        );
        assert!(deployment.get("required").is_none(), "metadata is optional");
        assert!(
            deployment["description"]
                .as_str()
                .is_some_and(|t| !t.is_empty())
        );
        let containers = &s["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"];
        assert_eq!(containers["x-kubernetes-patch-merge-key"], "name");
        assert_eq!(containers["x-kubernetes-patch-strategy"], "merge");
        assert_eq!(containers["x-kubernetes-list-type"], "map");
        assert_eq!(containers["x-kubernetes-list-map-keys"], json!(["name"]));
        assert_eq!(
            containers["items"]["$ref"],
            "#/components/schemas/io.k8s.api.core.v1.Container"
        );
        let volumes = &s["io.k8s.api.core.v1.PodSpec"]["properties"]["volumes"];
        assert_eq!(volumes["x-kubernetes-patch-strategy"], "merge,retainKeys");
        let ports = &s["io.k8s.api.core.v1.Container"]["properties"]["ports"];
        assert_eq!(ports["x-kubernetes-patch-merge-key"], "containerPort");
        let strategy = &s["io.k8s.api.apps.v1.DeploymentSpec"]["properties"]["strategy"];
        assert_eq!(strategy["x-kubernetes-patch-strategy"], "retainKeys");
        assert_eq!(
            strategy["allOf"],
            json!([{ "$ref": "#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy" }])
        );
        assert!(strategy["description"].is_string());
        let finalizers =
            &s["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]["properties"]["finalizers"];
        assert_eq!(finalizers["x-kubernetes-list-type"], "set");
        assert_eq!(finalizers["x-kubernetes-patch-strategy"], "merge");
        let conditions = &s["io.k8s.api.apps.v1.DeploymentStatus"]["properties"]["conditions"];
        assert_eq!(conditions["x-kubernetes-patch-merge-key"], "type");
        // Keyed for server-side apply, but replaced by strategic merge (as the server does).
        let claims = &s["io.k8s.api.core.v1.ResourceRequirements"]["properties"]["claims"];
        assert_eq!(claims["x-kubernetes-list-map-keys"], json!(["name"]));
        assert!(claims.get("x-kubernetes-patch-strategy").is_none());
        let labels = &s["io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]["properties"]["labels"];
        assert_eq!(labels["additionalProperties"], json!({ "type": "string" }));
        assert_eq!(
            s["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]["format"],
            "int-or-string"
        );
        let list = &s["io.k8s.api.apps.v1.DeploymentList"];
        assert_eq!(
            list["properties"]["items"]["items"]["$ref"],
            "#/components/schemas/io.k8s.api.apps.v1.Deployment"
        );
        assert_eq!(
            list["x-kubernetes-group-version-kind"][0]["kind"],
            "DeploymentList"
        );

        let item = &d["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"];
        let patch = &item["patch"];
        let types: Vec<&str> = patch["requestBody"]["content"]
            .as_object()
            .expect("content")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            types,
            [
                "application/json-patch+json",
                "application/merge-patch+json",
                "application/strategic-merge-patch+json",
                "application/apply-patch+yaml",
            ]
        );
        assert_eq!(patch["x-kubernetes-action"], "patch");
        assert_eq!(
            patch["x-kubernetes-group-version-kind"],
            json!({ "group": "apps", "kind": "Deployment", "version": "v1" })
        );
        let params: Vec<&str> = patch["parameters"]
            .as_array()
            .expect("parameters")
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        for p in ["dryRun", "fieldManager", "fieldValidation", "force"] {
            assert!(params.contains(&p), "{p} in {params:?}");
        }
        let path_params: Vec<&str> = item["parameters"]
            .as_array()
            .expect("path parameters")
            .iter()
            .filter_map(|p| p["name"].as_str())
            .collect();
        assert_eq!(path_params, ["name", "namespace", "pretty"]);
        for m in ["get", "put", "delete"] {
            assert!(item[m].is_object(), "{m}");
        }
        let collection = &d["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments"];
        assert_eq!(collection["get"]["x-kubernetes-action"], "list");
        assert_eq!(collection["post"]["x-kubernetes-action"], "post");
        assert_eq!(
            collection["delete"]["x-kubernetes-action"],
            "deletecollection"
        );
        assert_eq!(
            d["paths"]["/apis/apps/v1/deployments"]["get"]["operationId"],
            "listAppsV1DeploymentForAllNamespaces"
        );
        let scale = &d["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"];
        assert_eq!(
            scale["patch"]["x-kubernetes-group-version-kind"],
            json!({ "group": "autoscaling", "kind": "Scale", "version": "v1" })
        );
        assert!(s.contains_key("io.k8s.api.autoscaling.v1.Scale"));
        let status = &d["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status"];
        assert_eq!(
            status["get"]["operationId"],
            "readAppsV1NamespacedDeploymentStatus"
        );
        assert!(
            d["paths"]["/apis/apps/v1/watch/namespaces/{namespace}/deployments/{name}"]["get"]
                .is_object()
        );
    }

    #[test]
    fn patch_strategies_are_the_servers() {
        use super::super::strategic::{PatchMeta, builtin_meta};
        let api = OpenApi::new(KindEntry::builtins());
        let policy = doc(&api, "apis/policy/v1");
        let selector = &schemas(&policy)["io.k8s.api.policy.v1.PodDisruptionBudgetSpec"]["properties"]
            ["selector"];
        assert_eq!(selector["x-kubernetes-patch-strategy"], "replace");
        let core = doc(&api, "api/v1");
        let s = schemas(&core);
        let pod = builtin_meta("", "v1", "Pod").expect("pod");
        let mut checked = 0;
        for (path, def, field) in [
            (
                &["spec", "containers"][..],
                "io.k8s.api.core.v1.PodSpec",
                "containers",
            ),
            (
                &["spec", "containers", "env"][..],
                "io.k8s.api.core.v1.Container",
                "env",
            ),
            (
                &["spec", "volumes"][..],
                "io.k8s.api.core.v1.PodSpec",
                "volumes",
            ),
            (
                &["spec", "tolerations"][..],
                "io.k8s.api.core.v1.PodSpec",
                "tolerations",
            ),
            (
                &["status", "resourceClaimStatuses"][..],
                "io.k8s.api.core.v1.PodStatus",
                "resourceClaimStatuses",
            ),
            (
                &["metadata", "ownerReferences"][..],
                "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
                "ownerReferences",
            ),
        ] {
            let prop = &s[def]["properties"][field];
            assert!(prop.is_object(), "{def}.{field}");
            let server = pod.field_strategy(path);
            assert_eq!(
                prop.get("x-kubernetes-patch-strategy")
                    .and_then(Value::as_str),
                server.map(|f| f.strategy),
                "{def}.{field}"
            );
            assert_eq!(
                prop.get("x-kubernetes-patch-merge-key")
                    .and_then(Value::as_str),
                server.and_then(|f| f.merge_key),
                "{def}.{field}"
            );
            checked += 1;
        }
        assert_eq!(checked, 6);
    }

    #[test]
    fn every_reference_resolves_and_has_no_siblings() {
        let api = OpenApi::with_cache_budget(KindEntry::builtins(), 0);
        let gvs = api.group_versions();
        assert!(gvs.len() >= 20, "{gvs:?}");
        for gv in gvs {
            let d = doc(&api, &gv);
            let s = schemas(&d);
            let mut all = Vec::new();
            let mut siblings = false;
            refs(&d, &mut all, &mut siblings);
            assert!(!siblings, "{gv}: a reference has siblings");
            for r in all {
                let name = r
                    .strip_prefix("#/components/schemas/")
                    .unwrap_or_else(|| panic!("{gv}: odd reference {r}"));
                assert!(
                    s.contains_key(name),
                    "{gv}: {name} is referenced but missing"
                );
            }
        }
    }

    #[test]
    fn create_only_kinds_have_only_create() {
        let api = OpenApi::new(KindEntry::builtins());
        let d = doc(&api, "apis/authorization.k8s.io/v1");
        let p = &d["paths"]["/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"];
        assert!(p["post"].is_object());
        assert!(p.get("get").is_none());
        assert!(
            d["paths"]["/apis/authorization.k8s.io/v1/namespaces/{namespace}/localsubjectaccessreviews"]
                ["post"]
                .is_object()
        );
        let s = schemas(&d);
        assert!(s.contains_key("io.k8s.api.authorization.v1.SelfSubjectAccessReview"));
        assert!(!s.contains_key("io.k8s.api.authorization.v1.SelfSubjectAccessReviewList"));
    }

    #[test]
    fn root_hashes_match_documents_and_follow_changes() {
        let mut kinds = KindEntry::builtins();
        let api = OpenApi::new(kinds.clone());
        let root = api.v3_root();
        let paths = root["paths"].as_object().expect("paths");
        assert_eq!(paths.len(), api.group_versions().len());
        let url = paths["apis/apps/v1"]["serverRelativeURL"]
            .as_str()
            .expect("url");
        let (_, apps_hash) = api.v3_group_version("apis/apps/v1").expect("apps");
        assert_eq!(url, format!("/openapi/v3/apis/apps/v1?hash={apps_hash}"));
        for (gv, entry) in paths {
            let (_, hash) = api.v3_group_version(gv).expect("document");
            assert!(
                entry["serverRelativeURL"]
                    .as_str()
                    .is_some_and(|u| u.ends_with(&format!("?hash={hash}"))),
                "{gv}"
            );
        }
        // Same kinds, same hashes (a fresh instance builds the same bytes).
        let again = OpenApi::new(kinds.clone());
        assert_eq!(again.v3_root(), root);

        // A new kind changes its group-version's document and hash only.
        let mut crd = crontab();
        crd.group = "apps".into();
        kinds.push(crd);
        api.set_kinds(kinds);
        let changed = api.v3_root();
        assert_ne!(
            changed["paths"]["apis/apps/v1"],
            root["paths"]["apis/apps/v1"]
        );
        assert_eq!(changed["paths"]["api/v1"], root["paths"]["api/v1"]);
        assert!(schemas(&doc(&api, "apis/apps/v1")).contains_key("io.k8s.api.apps.v1.Deployment"));
    }

    #[test]
    fn custom_kinds_use_their_schema() {
        let mut kinds = KindEntry::builtins();
        kinds.push(crontab());
        let api = OpenApi::new(kinds);
        assert!(api.v3_hashes().contains_key("apis/stable.example.com/v1"));
        let d = doc(&api, "apis/stable.example.com/v1");
        let s = schemas(&d);
        let ct = &s["com.example.stable.v1.CronTab"];
        assert_eq!(
            ct["x-kubernetes-group-version-kind"],
            json!([{ "group": "stable.example.com", "kind": "CronTab", "version": "v1" }])
        );
        assert_eq!(
            ct["properties"]["spec"]["properties"]["cronSpec"]["description"],
            "when"
        );
        assert_eq!(
            ct["properties"]["metadata"]["allOf"][0]["$ref"],
            "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
        );
        assert!(s.contains_key("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
        assert!(s.contains_key("com.example.stable.v1.CronTabList"));
        let patch = &d["paths"]["/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}"]
            ["patch"];
        let content = patch["requestBody"]["content"]
            .as_object()
            .expect("content");
        assert!(content.contains_key("application/merge-patch+json"));
        assert!(!content.contains_key("application/strategic-merge-patch+json"));
        assert_eq!(
            patch["operationId"],
            "patchStableExampleComV1NamespacedCronTab"
        );
        assert!(
            d["paths"]["/apis/stable.example.com/v1/namespaces/{namespace}/crontabs"]
                .get("delete")
                .is_none(),
            "no deletecollection verb"
        );
    }

    #[test]
    fn unknown_group_versions_have_no_document() {
        let api = OpenApi::new(KindEntry::builtins());
        assert!(api.v3_group_version("apis/nope.example.com/v1").is_none());
        assert!(api.v3_group_version("api/v2").is_none());
        assert!(api.v3_group_version("apis/apps").is_none());
        assert!(api.v3_group_version("").is_none());
    }

    #[test]
    fn cache_stays_within_budget() {
        let api = OpenApi::with_cache_budget(KindEntry::builtins(), 200_000);
        for gv in [
            "apis/apps/v1",
            "apis/batch/v1",
            "apis/policy/v1",
            "apis/node.k8s.io/v1",
        ] {
            let first = api.v3_group_version(gv).expect("document");
            assert_eq!(api.v3_group_version(gv), Some(first));
        }
        let inner = api.inner.lock();
        let total: usize = inner.cache.iter().map(|(_, b, _)| b.len()).sum();
        assert!(total <= 200_000, "{total}");
        assert!(!inner.cache.iter().any(|(k, _, _)| k == "apis/apps/v1"));
        assert!(
            inner
                .cache
                .iter()
                .any(|(k, _, _)| k == "apis/node.k8s.io/v1")
        );
    }

    #[test]
    fn hashing_in_pieces_equals_hashing_whole() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 % 251) as u8).collect();
        let whole = content_hash(&data);
        assert_eq!(whole.len(), 32);
        for cuts in [[1, 2, 3], [7, 8, 9], [13, 500, 999]] {
            let mut h = ContentHasher::new();
            let mut at = 0;
            for c in cuts {
                h.update(&data[at..c]);
                at = c;
            }
            h.update(&data[at..]);
            assert_eq!(h.finish(), whole);
        }
        let mut changed = data.clone();
        changed[500] ^= 1;
        assert_ne!(content_hash(&changed), whole);
        assert_ne!(content_hash(&data[..999]), whole);
    }

    fn ext(list: &[v2::NamedAny], name: &str) -> Option<Value> {
        let e = list.iter().find(|e| e.name == name)?;
        serde_json::from_str(&e.value.as_ref()?.yaml).ok()
    }

    #[test]
    fn v2_protobuf_decodes() {
        let mut kinds = KindEntry::builtins();
        kinds.push(crontab());
        let api = OpenApi::new(kinds);
        let bytes = api.v2_protobuf();
        let doc = v2::Document::decode(bytes).expect("decodes");
        assert_eq!(doc.swagger, "2.0");
        let defs = doc.definitions.expect("definitions").additional_properties;
        let find = |name: &str| {
            defs.iter()
                .find(|d| d.name == name)
                .and_then(|d| d.value.clone())
                .unwrap_or_else(|| panic!("{name}"))
        };
        let deployment = find("io.k8s.api.apps.v1.Deployment");
        assert_eq!(
            ext(
                &deployment.vendor_extension,
                "x-kubernetes-group-version-kind"
            ),
            Some(json!([{ "group": "apps", "kind": "Deployment", "version": "v1" }]))
        );
        let props = |s: &v2::Schema, name: &str| {
            s.properties
                .as_ref()
                .and_then(|p| p.additional_properties.iter().find(|p| p.name == name))
                .and_then(|p| p.value.clone())
                .unwrap_or_else(|| panic!("{name}"))
        };
        let spec = props(&deployment, "spec");
        assert_eq!(
            spec.r#ref,
            "#/definitions/io.k8s.api.apps.v1.DeploymentSpec"
        );
        assert!(!spec.description.is_empty());
        let containers = props(&find("io.k8s.api.core.v1.PodSpec"), "containers");
        assert_eq!(containers.r#type.expect("type").value, ["array"]);
        assert_eq!(
            containers.items.expect("items").schema[0].r#ref,
            "#/definitions/io.k8s.api.core.v1.Container"
        );
        assert_eq!(
            ext(&containers.vendor_extension, "x-kubernetes-patch-merge-key"),
            Some(json!("name"))
        );
        assert_eq!(
            ext(&containers.vendor_extension, "x-kubernetes-patch-strategy"),
            Some(json!("merge"))
        );
        let labels = props(
            &find("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"),
            "labels",
        );
        assert!(matches!(
            labels.additional_properties.and_then(|a| a.oneof),
            Some(v2::additional_properties_item::Oneof::Schema(_))
        ));
        assert!(
            defs.iter()
                .any(|d| d.name == "com.example.stable.v1.CronTab")
        );
        // Every reference resolves.
        let names: std::collections::HashSet<&str> = defs.iter().map(|d| d.name.as_str()).collect();
        fn walk<'a>(s: &'a v2::Schema, out: &mut Vec<&'a str>) {
            if !s.r#ref.is_empty() {
                out.push(&s.r#ref);
            }
            if let Some(p) = &s.properties {
                p.additional_properties
                    .iter()
                    .filter_map(|p| p.value.as_ref())
                    .for_each(|c| walk(c, out));
            }
            if let Some(i) = &s.items {
                i.schema.iter().for_each(|c| walk(c, out));
            }
            if let Some(v2::additional_properties_item::Oneof::Schema(c)) = s
                .additional_properties
                .as_ref()
                .and_then(|a| a.oneof.as_ref())
            {
                walk(c, out);
            }
        }
        let mut all = Vec::new();
        defs.iter()
            .filter_map(|d| d.value.as_ref())
            .for_each(|s| walk(s, &mut all));
        for r in all {
            let name = r.strip_prefix("#/definitions/").expect("v2 reference");
            assert!(names.contains(name), "{name}");
        }

        let paths = doc.paths.expect("paths").path;
        let item = paths
            .iter()
            .find(|p| p.name == "/apis/apps/v1/namespaces/{namespace}/deployments/{name}")
            .and_then(|p| p.value.clone())
            .expect("deployment path");
        let patch = item.patch.expect("patch");
        assert_eq!(
            ext(&patch.vendor_extension, "x-kubernetes-group-version-kind"),
            Some(json!({ "group": "apps", "kind": "Deployment", "version": "v1" }))
        );
        assert!(
            patch
                .consumes
                .contains(&"application/strategic-merge-patch+json".to_string())
        );
        let query: Vec<String> = patch
            .parameters
            .iter()
            .filter_map(|p| match p.parameter.as_ref()?.oneof.as_ref()? {
                v2::parameter::Oneof::NonBodyParameter(n) => match n.oneof.as_ref()? {
                    v2::non_body_parameter::Oneof::QueryParameterSubSchema(q) => {
                        Some(q.name.clone())
                    }
                    _ => None,
                },
                _ => None,
            })
            .collect();
        assert!(query.contains(&"fieldValidation".to_string()), "{query:?}");
        assert!(patch.parameters.iter().any(|p| matches!(
            p.parameter.as_ref().and_then(|p| p.oneof.as_ref()),
            Some(v2::parameter::Oneof::BodyParameter(b)) if b.schema.as_ref().is_some_and(|s| s.r#ref == "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.Patch")
        )));
        assert!(
            paths
                .iter()
                .any(|p| p.name == "/api/v1/namespaces/{namespace}/pods")
        );
        assert!(paths.windows(2).all(|w| w[0].name < w[1].name));
    }
}
