//! The built-in resource types this API server serves, with what discovery, validation and
//! storage need to know about each. Type knowledge comes from `k8s-openapi` (group, version,
//! kind, plural, scope, and the typed decoding used for validation); the short names,
//! categories and subresources that `k8s-openapi` does not carry are listed here.
//!
//! The registry is dynamic: custom resource types (from established CRDs, see `crd`) are
//! swapped in and out as a whole with [`Registry::set_custom`]; built-in types never change.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, OnceLock};

use parking_lot::{Mutex, RwLock};

use k8s_openapi::{ClusterResourceScope, ListableResource, NamespaceResourceScope, Resource};
use serde_json::Value;

/// Whether a resource lives in a namespace.
pub trait ScopeKind {
    const NAMESPACED: bool;
}
impl ScopeKind for NamespaceResourceScope {
    const NAMESPACED: bool = true;
}
impl ScopeKind for ClusterResourceScope {
    const NAMESPACED: bool = false;
}

/// Decodes a JSON object into the typed form and back, which is how unknown fields are found
/// and field types are checked.
pub type RoundTrip = Arc<dyn Fn(&Value) -> Result<Value, String> + Send + Sync>;

/// A `'static` copy of a string, made once per distinct string (custom resource names come
/// and go, but their set stays small, so leaking each distinct one once is bounded).
pub fn intern(s: &str) -> &'static str {
    static SET: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut set = SET.get_or_init(Default::default).lock();
    if let Some(v) = set.get(s) {
        return v;
    }
    let v: &'static str = Box::leak(s.to_string().into_boxed_str());
    set.insert(v);
    v
}

/// A `'static` list of interned strings, made once per distinct list.
pub fn intern_list(items: &[String]) -> &'static [&'static str] {
    static SET: OnceLock<Mutex<HashSet<&'static [&'static str]>>> = OnceLock::new();
    let list: Vec<&'static str> = items.iter().map(|s| intern(s)).collect();
    let mut set = SET.get_or_init(Default::default).lock();
    if let Some(v) = set.get(list.as_slice()) {
        return v;
    }
    let v: &'static [&'static str] = Box::leak(list.into_boxed_slice());
    set.insert(v);
    v
}

/// One served resource type.
pub struct ResourceType {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub list_kind: &'static str,
    /// The plural, as in URLs.
    pub plural: &'static str,
    /// Lower-case kind.
    pub singular: String,
    pub namespaced: bool,
    pub short_names: &'static [&'static str],
    pub categories: &'static [&'static str],
    /// Has a `/status` subresource (status is written only through it).
    pub status: bool,
    /// Has an `autoscaling/v1` `/scale` subresource.
    pub scale: bool,
    /// Only `create` is served (reviews).
    pub create_only: bool,
    pub roundtrip: RoundTrip,
    /// What a custom resource type brings from its CRD; `None` for built-in types.
    pub custom: Option<Arc<super::crd::CustomInfo>>,
}

impl std::fmt::Debug for ResourceType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResourceType")
            .field("group", &self.group)
            .field("version", &self.version)
            .field("kind", &self.kind)
            .field("plural", &self.plural)
            .field("namespaced", &self.namespaced)
            .field("custom", &self.custom.is_some())
            .finish_non_exhaustive()
    }
}

impl ResourceType {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The group-resource part of every storage key of this type (shared by all versions).
    pub fn key_prefix(&self) -> String {
        let group = if self.group.is_empty() {
            "core"
        } else {
            self.group
        };
        format!("{group}/{}/", self.plural)
    }

    /// The storage key of one object.
    pub fn key(&self, namespace: Option<&str>, name: &str) -> String {
        match namespace {
            Some(ns) if self.namespaced => format!("{}{ns}/{name}", self.key_prefix()),
            _ => format!("{}{name}", self.key_prefix()),
        }
    }

    /// The prefix under which a list or watch looks.
    pub fn list_prefix(&self, namespace: Option<&str>) -> String {
        match namespace {
            Some(ns) if self.namespaced => format!("{}{ns}/", self.key_prefix()),
            _ => self.key_prefix(),
        }
    }

    pub fn verbs(&self) -> &'static [&'static str] {
        if self.create_only {
            &["create"]
        } else if self.kind == "Namespace" && self.group.is_empty() {
            &[
                "create", "delete", "get", "list", "patch", "update", "watch",
            ]
        } else {
            &[
                "create",
                "delete",
                "deletecollection",
                "get",
                "list",
                "patch",
                "update",
                "watch",
            ]
        }
    }
}

fn roundtrip<T>(v: &Value) -> Result<Value, String>
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let typed: T = serde_path_to_error::deserialize(v).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        if path.is_empty() || path == "." {
            inner
        } else {
            format!("{path}: {inner}")
        }
    })?;
    serde_json::to_value(&typed).map_err(|e| e.to_string())
}

struct Extra {
    short_names: &'static [&'static str],
    categories: &'static [&'static str],
    status: bool,
    scale: bool,
    create_only: bool,
}

const fn extra(short_names: &'static [&'static str], categories: &'static [&'static str]) -> Extra {
    Extra {
        short_names,
        categories,
        status: false,
        scale: false,
        create_only: false,
    }
}

fn entry<T>(x: Extra) -> ResourceType
where
    T: Resource + serde::de::DeserializeOwned + serde::Serialize,
{
    let decode: fn(&Value) -> Result<Value, String> = roundtrip::<T>;
    ResourceType {
        group: T::GROUP,
        version: T::VERSION,
        kind: T::KIND,
        list_kind: "",
        plural: T::URL_PATH_SEGMENT,
        singular: T::KIND.to_ascii_lowercase(),
        namespaced: false,
        short_names: x.short_names,
        categories: x.categories,
        status: x.status,
        scale: x.scale,
        create_only: x.create_only,
        roundtrip: Arc::new(decode),
        custom: None,
    }
}

fn listable<T>(x: Extra) -> ResourceType
where
    T: ListableResource + serde::de::DeserializeOwned + serde::Serialize,
    T::Scope: ScopeKind,
{
    ResourceType {
        list_kind: T::LIST_KIND,
        namespaced: <T::Scope as ScopeKind>::NAMESPACED,
        ..entry::<T>(x)
    }
}

fn review<T>(namespaced: bool) -> ResourceType
where
    T: Resource + serde::de::DeserializeOwned + serde::Serialize,
{
    ResourceType {
        namespaced,
        create_only: true,
        ..entry::<T>(extra(&[], &[]))
    }
}

/// All served types, indexed for the lookups requests need.
#[derive(Debug)]
pub struct Registry {
    builtin: Vec<Arc<ResourceType>>,
    current: RwLock<Arc<Snapshot>>,
}

/// The served types at one moment.
#[derive(Debug)]
struct Snapshot {
    types: Vec<Arc<ResourceType>>,
    by_path: HashMap<(String, String, String), usize>,
}

impl Snapshot {
    fn new(types: Vec<Arc<ResourceType>>) -> Self {
        let mut by_path = HashMap::new();
        for (i, t) in types.iter().enumerate() {
            by_path
                .entry((
                    t.group.to_string(),
                    t.version.to_string(),
                    t.plural.to_string(),
                ))
                .or_insert(i);
        }
        Snapshot { types, by_path }
    }
}

impl Registry {
    pub fn builtin() -> Self {
        use k8s_openapi::api::*;
        use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiext;
        use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1 as apireg;
        const ALL: &[&str] = &["all"];
        const NONE: &[&str] = &[];
        let s = |mut x: Extra| {
            x.status = true;
            x
        };
        let sc = |mut x: Extra| {
            x.status = true;
            x.scale = true;
            x
        };
        let types = vec![
            // core/v1
            listable::<core::v1::Pod>(s(extra(&["po"], ALL))),
            listable::<core::v1::Service>(s(extra(&["svc"], ALL))),
            listable::<core::v1::ConfigMap>(extra(&["cm"], NONE)),
            listable::<core::v1::Secret>(extra(NONE, NONE)),
            listable::<core::v1::Namespace>(s(extra(&["ns"], NONE))),
            listable::<core::v1::ServiceAccount>(extra(&["sa"], NONE)),
            listable::<core::v1::Node>(s(extra(&["no"], NONE))),
            listable::<core::v1::Endpoints>(extra(&["ep"], NONE)),
            listable::<core::v1::Event>(extra(&["ev"], NONE)),
            listable::<core::v1::LimitRange>(extra(&["limits"], NONE)),
            listable::<core::v1::PersistentVolume>(s(extra(&["pv"], NONE))),
            listable::<core::v1::PersistentVolumeClaim>(s(extra(&["pvc"], NONE))),
            listable::<core::v1::PodTemplate>(extra(NONE, NONE)),
            listable::<core::v1::ReplicationController>(sc(extra(&["rc"], ALL))),
            listable::<core::v1::ResourceQuota>(s(extra(&["quota"], NONE))),
            // apps/v1
            listable::<apps::v1::Deployment>(sc(extra(&["deploy"], ALL))),
            listable::<apps::v1::ReplicaSet>(sc(extra(&["rs"], ALL))),
            listable::<apps::v1::StatefulSet>(sc(extra(&["sts"], ALL))),
            listable::<apps::v1::DaemonSet>(s(extra(&["ds"], ALL))),
            listable::<apps::v1::ControllerRevision>(extra(NONE, NONE)),
            // batch/v1
            listable::<batch::v1::Job>(s(extra(NONE, ALL))),
            listable::<batch::v1::CronJob>(s(extra(&["cj"], ALL))),
            // autoscaling
            listable::<autoscaling::v2::HorizontalPodAutoscaler>(s(extra(&["hpa"], ALL))),
            // policy
            listable::<policy::v1::PodDisruptionBudget>(s(extra(&["pdb"], NONE))),
            // networking
            listable::<networking::v1::Ingress>(s(extra(&["ing"], NONE))),
            listable::<networking::v1::IngressClass>(extra(NONE, NONE)),
            listable::<networking::v1::NetworkPolicy>(extra(&["netpol"], NONE)),
            listable::<networking::v1::IPAddress>(extra(&["ip"], NONE)),
            listable::<networking::v1::ServiceCIDR>(s(extra(NONE, NONE))),
            listable::<discovery::v1::EndpointSlice>(extra(NONE, NONE)),
            // rbac
            listable::<rbac::v1::Role>(extra(NONE, NONE)),
            listable::<rbac::v1::RoleBinding>(extra(NONE, NONE)),
            listable::<rbac::v1::ClusterRole>(extra(NONE, NONE)),
            listable::<rbac::v1::ClusterRoleBinding>(extra(NONE, NONE)),
            // storage
            listable::<storage::v1::StorageClass>(extra(&["sc"], NONE)),
            listable::<storage::v1::CSIDriver>(extra(NONE, NONE)),
            listable::<storage::v1::CSINode>(extra(NONE, NONE)),
            listable::<storage::v1::CSIStorageCapacity>(extra(NONE, NONE)),
            listable::<storage::v1::VolumeAttachment>(s(extra(NONE, NONE))),
            listable::<storage::v1::VolumeAttributesClass>(extra(&["vac"], NONE)),
            // scheduling, node, coordination, events, certificates, flowcontrol
            listable::<scheduling::v1::PriorityClass>(extra(&["pc"], NONE)),
            listable::<node::v1::RuntimeClass>(extra(NONE, NONE)),
            listable::<coordination::v1::Lease>(extra(NONE, NONE)),
            listable::<events::v1::Event>(extra(&["ev"], NONE)),
            listable::<certificates::v1::CertificateSigningRequest>(s(extra(&["csr"], NONE))),
            listable::<flowcontrol::v1::FlowSchema>(s(extra(NONE, NONE))),
            listable::<flowcontrol::v1::PriorityLevelConfiguration>(s(extra(NONE, NONE))),
            // admission
            listable::<admissionregistration::v1::MutatingWebhookConfiguration>(extra(
                NONE,
                ["api-extensions"].as_slice(),
            )),
            listable::<admissionregistration::v1::ValidatingWebhookConfiguration>(extra(
                NONE,
                ["api-extensions"].as_slice(),
            )),
            listable::<admissionregistration::v1::ValidatingAdmissionPolicy>(s(extra(
                NONE,
                ["api-extensions"].as_slice(),
            ))),
            listable::<admissionregistration::v1::ValidatingAdmissionPolicyBinding>(extra(
                NONE,
                ["api-extensions"].as_slice(),
            )),
            listable::<admissionregistration::v1::MutatingAdmissionPolicy>(extra(
                NONE,
                ["api-extensions"].as_slice(),
            )),
            listable::<admissionregistration::v1::MutatingAdmissionPolicyBinding>(extra(
                NONE,
                ["api-extensions"].as_slice(),
            )),
            // resource
            listable::<resource::v1::DeviceClass>(extra(NONE, NONE)),
            listable::<resource::v1::ResourceClaim>(s(extra(NONE, NONE))),
            listable::<resource::v1::ResourceClaimTemplate>(extra(NONE, NONE)),
            listable::<resource::v1::ResourceSlice>(extra(NONE, NONE)),
            // extension apis
            listable::<apiext::CustomResourceDefinition>(s(extra(
                &["crd", "crds"],
                ["api-extensions"].as_slice(),
            ))),
            listable::<apireg::APIService>(s(extra(NONE, ["api-extensions"].as_slice()))),
            // reviews: create-only, answered without storage
            review::<authorization::v1::SelfSubjectAccessReview>(false),
            review::<authorization::v1::SelfSubjectRulesReview>(false),
            review::<authorization::v1::SubjectAccessReview>(false),
            review::<authorization::v1::LocalSubjectAccessReview>(true),
            review::<authentication::v1::SelfSubjectReview>(false),
        ];
        let types: Vec<Arc<ResourceType>> = types.into_iter().map(Arc::new).collect();
        Registry {
            current: RwLock::new(Arc::new(Snapshot::new(types.clone()))),
            builtin: types,
        }
    }

    fn snapshot(&self) -> Arc<Snapshot> {
        self.current.read().clone()
    }

    /// Replaces the custom resource types served next to the built-in ones. A custom type
    /// whose group, version and plural collide with a built-in one is not served.
    pub fn set_custom(&self, custom: Vec<Arc<ResourceType>>) {
        let mut types = self.builtin.clone();
        types.extend(custom);
        *self.current.write() = Arc::new(Snapshot::new(types));
    }

    /// The custom resource types now served.
    pub fn custom(&self) -> Vec<Arc<ResourceType>> {
        self.snapshot()
            .types
            .iter()
            .filter(|t| t.custom.is_some())
            .cloned()
            .collect()
    }

    pub fn lookup(&self, group: &str, version: &str, plural: &str) -> Option<Arc<ResourceType>> {
        let snap = self.snapshot();
        snap.by_path
            .get(&(group.to_string(), version.to_string(), plural.to_string()))
            .map(|&i| snap.types[i].clone())
    }

    /// The type stored under a given group and kind, in any served version.
    pub fn by_kind(&self, group: &str, kind: &str) -> Option<Arc<ResourceType>> {
        self.snapshot()
            .types
            .iter()
            .find(|t| t.group == group && t.kind == kind)
            .cloned()
    }

    /// Every served type, built-in first.
    pub fn all(&self) -> Vec<Arc<ResourceType>> {
        self.snapshot().types.clone()
    }

    /// Served groups in discovery order, each with its versions (preferred first).
    pub fn groups(&self) -> Vec<(&'static str, Vec<&'static str>)> {
        let mut out: Vec<(&'static str, Vec<&'static str>)> = Vec::new();
        for t in &self.snapshot().types {
            match out.iter_mut().find(|(g, _)| *g == t.group) {
                Some((_, versions)) => {
                    if !versions.contains(&t.version) {
                        versions.push(t.version);
                    }
                }
                None => out.push((t.group, vec![t.version])),
            }
        }
        out
    }

    /// Types served in one group-version, in registry order.
    pub fn in_group_version(&self, group: &str, version: &str) -> Vec<Arc<ResourceType>> {
        self.snapshot()
            .types
            .iter()
            .filter(|t| t.group == group && t.version == version)
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        let r = Registry::builtin();
        let d = r.lookup("apps", "v1", "deployments").unwrap();
        assert_eq!(d.kind, "Deployment");
        assert!(d.namespaced && d.scale && d.status);
        assert_eq!(d.key(Some("ns"), "x"), "apps/deployments/ns/x");
        let n = r.lookup("", "v1", "namespaces").unwrap();
        assert!(!n.namespaced);
        assert_eq!(n.key(None, "default"), "core/namespaces/default");
        assert!(r.lookup("", "v1", "nope").is_none());
        assert!(
            r.groups()
                .iter()
                .any(|(g, v)| *g == "autoscaling" && v == &vec!["v2"])
        );
    }

    #[test]
    fn roundtrip_finds_types() {
        let r = Registry::builtin();
        let cm = r.lookup("", "v1", "configmaps").unwrap();
        let v = serde_json::json!({"metadata":{"name":"a"},"data":{"k":"v"},"bogus":1});
        let out = (cm.roundtrip)(&v).unwrap();
        assert!(out.get("bogus").is_none());
        assert_eq!(out["data"]["k"], "v");
        let bad = serde_json::json!({"metadata":{"name":"a"},"data":{"k":1}});
        let err = (cm.roundtrip)(&bad).unwrap_err();
        assert!(err.contains("data.k"), "{err}");
    }
}
