//! The built-in kinds whose schemas come from `k8s-openapi`: for each, how to put its schema
//! (and every schema it reaches) into a generator, plus the facts a default [`KindEntry`]
//! needs.

use k8s_openapi::schemars::{JsonSchema, Schema, SchemaGenerator};
use k8s_openapi::{ClusterResourceScope, NamespaceResourceScope, Resource};

use super::KindEntry;

/// Adds a type's schema to a generator and returns the reference to it.
pub(super) type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

trait Scoped {
    const NAMESPACED: bool;
}
impl Scoped for NamespaceResourceScope {
    const NAMESPACED: bool = true;
}
impl Scoped for ClusterResourceScope {
    const NAMESPACED: bool = false;
}

/// One built-in kind.
pub(super) struct Builtin {
    pub group: &'static str,
    pub version: &'static str,
    pub kind: &'static str,
    pub plural: &'static str,
    pub namespaced: bool,
    pub status: bool,
    pub scale: bool,
    pub create_only: bool,
    pub schema: SchemaFn,
    /// The definition name of the kind's schema.
    pub name: fn() -> std::borrow::Cow<'static, str>,
}

const STATUS: u8 = 1;
const SCALE: u8 = 2;
const CREATE_ONLY: u8 = 4;

fn subschema<T: JsonSchema>(g: &mut SchemaGenerator) -> Schema {
    g.subschema_for::<T>()
}

fn b<T>(flags: u8) -> Builtin
where
    T: Resource + JsonSchema,
    T::Scope: Scoped,
{
    Builtin {
        group: T::GROUP,
        version: T::VERSION,
        kind: T::KIND,
        plural: T::URL_PATH_SEGMENT,
        namespaced: <T::Scope as Scoped>::NAMESPACED,
        status: flags & STATUS != 0,
        scale: flags & SCALE != 0,
        create_only: flags & CREATE_ONLY != 0,
        schema: subschema::<T>,
        name: <T as JsonSchema>::schema_name,
    }
}

/// Every built-in kind known to this module: the stable (v1) resources of Kubernetes 1.36
/// that can be listed, `autoscaling/v2` HorizontalPodAutoscaler and the create-only reviews.
pub(super) fn builtins() -> Vec<Builtin> {
    use k8s_openapi::api::*;
    use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as apiext;
    use k8s_openapi::kube_aggregator::pkg::apis::apiregistration::v1 as apireg;
    const S: u8 = STATUS;
    const SS: u8 = STATUS | SCALE;
    const C: u8 = CREATE_ONLY;
    vec![
        b::<core::v1::ComponentStatus>(0),
        b::<core::v1::ConfigMap>(0),
        b::<core::v1::Endpoints>(0),
        b::<core::v1::Event>(0),
        b::<core::v1::LimitRange>(0),
        b::<core::v1::Namespace>(S),
        b::<core::v1::Node>(S),
        b::<core::v1::PersistentVolume>(S),
        b::<core::v1::PersistentVolumeClaim>(S),
        b::<core::v1::Pod>(S),
        b::<core::v1::PodTemplate>(0),
        b::<core::v1::ReplicationController>(SS),
        b::<core::v1::ResourceQuota>(S),
        b::<core::v1::Secret>(0),
        b::<core::v1::Service>(S),
        b::<core::v1::ServiceAccount>(0),
        b::<admissionregistration::v1::MutatingAdmissionPolicy>(0),
        b::<admissionregistration::v1::MutatingAdmissionPolicyBinding>(0),
        b::<admissionregistration::v1::MutatingWebhookConfiguration>(0),
        b::<admissionregistration::v1::ValidatingAdmissionPolicy>(S),
        b::<admissionregistration::v1::ValidatingAdmissionPolicyBinding>(0),
        b::<admissionregistration::v1::ValidatingWebhookConfiguration>(0),
        b::<apps::v1::ControllerRevision>(0),
        b::<apps::v1::DaemonSet>(S),
        b::<apps::v1::Deployment>(SS),
        b::<apps::v1::ReplicaSet>(SS),
        b::<apps::v1::StatefulSet>(SS),
        b::<authentication::v1::SelfSubjectReview>(C),
        b::<authentication::v1::TokenReview>(C),
        b::<authorization::v1::LocalSubjectAccessReview>(C),
        b::<authorization::v1::SelfSubjectAccessReview>(C),
        b::<authorization::v1::SelfSubjectRulesReview>(C),
        b::<authorization::v1::SubjectAccessReview>(C),
        b::<autoscaling::v1::HorizontalPodAutoscaler>(S),
        b::<autoscaling::v2::HorizontalPodAutoscaler>(S),
        b::<batch::v1::CronJob>(S),
        b::<batch::v1::Job>(S),
        b::<certificates::v1::CertificateSigningRequest>(S),
        b::<coordination::v1::Lease>(0),
        b::<discovery::v1::EndpointSlice>(0),
        b::<events::v1::Event>(0),
        b::<flowcontrol::v1::FlowSchema>(S),
        b::<flowcontrol::v1::PriorityLevelConfiguration>(S),
        b::<networking::v1::IPAddress>(0),
        b::<networking::v1::Ingress>(S),
        b::<networking::v1::IngressClass>(0),
        b::<networking::v1::NetworkPolicy>(0),
        b::<networking::v1::ServiceCIDR>(S),
        b::<node::v1::RuntimeClass>(0),
        b::<policy::v1::PodDisruptionBudget>(S),
        b::<rbac::v1::ClusterRole>(0),
        b::<rbac::v1::ClusterRoleBinding>(0),
        b::<rbac::v1::Role>(0),
        b::<rbac::v1::RoleBinding>(0),
        b::<resource::v1::DeviceClass>(0),
        b::<resource::v1::ResourceClaim>(S),
        b::<resource::v1::ResourceClaimTemplate>(0),
        b::<resource::v1::ResourceSlice>(0),
        b::<scheduling::v1::PriorityClass>(0),
        b::<storage::v1::CSIDriver>(0),
        b::<storage::v1::CSINode>(0),
        b::<storage::v1::CSIStorageCapacity>(0),
        b::<storage::v1::StorageClass>(0),
        b::<storage::v1::VolumeAttachment>(S),
        b::<storage::v1::VolumeAttributesClass>(0),
        b::<apiext::CustomResourceDefinition>(S),
        b::<apireg::APIService>(S),
    ]
}

/// A built-in kind.
pub(super) fn find(group: &str, version: &str, kind: &str) -> Option<Builtin> {
    // A linear scan over ~70 entries built on demand is cheap next to schema generation.
    builtins()
        .into_iter()
        .find(|b| b.group == group && b.version == version && b.kind == kind)
}

/// Default entries for every built-in kind: all verbs for listable kinds (`get` and
/// `list` for ComponentStatus), `create` for the reviews.
pub(super) fn default_entries() -> Vec<KindEntry> {
    builtins()
        .into_iter()
        .map(|b| {
            let verbs: &[&str] = if b.create_only {
                &["create"]
            } else if b.kind == "ComponentStatus" {
                &["get", "list"]
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
            };
            KindEntry {
                group: b.group.to_string(),
                version: b.version.to_string(),
                kind: b.kind.to_string(),
                plural: b.plural.to_string(),
                namespaced: b.namespaced,
                status: b.status,
                scale: b.scale,
                verbs: verbs.iter().map(|v| v.to_string()).collect(),
                schema: None,
            }
        })
        .collect()
}
