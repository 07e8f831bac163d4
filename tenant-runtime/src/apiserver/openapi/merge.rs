//! How fields of built-in definitions merge, which `k8s-openapi`'s schemas do not carry.
//!
//! Patch strategies and merge keys (`x-kubernetes-patch-strategy`,
//! `x-kubernetes-patch-merge-key`, what kubectl's strategic merge reads) are taken from the
//! API server's own strategic merge patch ([`super::super::strategic`]), so that clients
//! compute exactly the patches the server applies: [`patch_strategies`] asks it about every
//! field of every definition reachable from a built-in kind it knows.
//!
//! List types, list map keys and atomic maps (`x-kubernetes-list-type`,
//! `x-kubernetes-list-map-keys`, `x-kubernetes-map-type`) come from [`FIELDS`], derived from
//! `k8s-openapi`'s `DeepMerge` impls, which follow those annotations (a list that merges by a
//! patch key is keyed by that key alone there). The test `table_matches_k8s_openapi_source`
//! re-derives the table from the crate's source and prints it with
//! `OPENAPI_PRINT_MERGE_TABLE=1`.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::OnceLock;

use serde_json::Value;

use super::super::strategic::{self, PatchMeta};
use super::{catalog, schema};

/// How one field merges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Merge {
    /// A list of objects identified by these keys.
    Map(&'static [&'static str]),
    /// A list of unique scalars.
    Set,
    /// A map replaced as a whole.
    AtomicMap,
}

/// The merge behaviour of the fields of one definition.
pub(super) fn fields(definition: &str) -> &'static [(&'static str, Merge)] {
    match FIELDS.binary_search_by(|(d, _)| (*d).cmp(definition)) {
        Ok(i) => FIELDS[i].1,
        Err(_) => &[],
    }
}

/// A field's `patchStrategy` and `patchMergeKey`.
pub(super) type PatchStrategy = (String, Option<String>);

/// Definition → field → patch strategy, for every field the server's strategic merge patch
/// gives one.
pub(super) type PatchStrategies = HashMap<String, HashMap<String, PatchStrategy>>;

/// The patch strategies of the fields of one definition; the table is built once per
/// process.
pub(super) fn patch_strategies(
    definition: &str,
) -> Option<&'static HashMap<String, PatchStrategy>> {
    static TABLE: OnceLock<PatchStrategies> = OnceLock::new();
    TABLE.get_or_init(build_patch_strategies).get(definition)
}

/// The definition a property's values are, and the path segments between the property and
/// that definition's fields (a map adds one for the entry; a list adds none).
fn value_definition(schema: &Value) -> Option<(&str, bool)> {
    let mut s = schema;
    let mut through_map = false;
    loop {
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            return Some((r.strip_prefix(schema::REF_PREFIX)?, through_map));
        }
        if let Some(items) = s.get("items").filter(|i| i.is_object()) {
            s = items;
        } else if let Some(values) = s.get("additionalProperties").filter(|a| a.is_object()) {
            if through_map {
                // Maps of maps do not occur in built-in kinds.
                return None;
            }
            through_map = true;
            s = values;
        } else {
            return None;
        }
    }
}

fn build_patch_strategies() -> PatchStrategies {
    let builtins = catalog::builtins();
    let mut g = schema::generator();
    for b in &builtins {
        (b.schema)(&mut g);
    }
    let defs: BTreeMap<String, Value> = g.take_definitions(false).into_iter().collect();
    let mut table = PatchStrategies::new();
    let mut seen: HashSet<String> = HashSet::new();
    // Breadth first from every kind the server knows: a definition's field strategies do not
    // depend on the path it is reached by, so each definition is asked about once.
    let mut queue: VecDeque<(String, Vec<String>, strategic::BuiltinMeta)> = builtins
        .iter()
        .filter_map(|b| {
            let meta = strategic::builtin_meta(b.group, b.version, b.kind)?;
            Some(((b.name)().into_owned(), Vec::new(), meta))
        })
        .collect();
    while let Some((def, path, meta)) = queue.pop_front() {
        if !seen.insert(def.clone()) {
            continue;
        }
        let Some(Value::Object(props)) = defs.get(&def).and_then(|d| d.get("properties")) else {
            continue;
        };
        for (field, prop) in props {
            let mut at = path.clone();
            at.push(field.clone());
            let segments: Vec<&str> = at.iter().map(String::as_str).collect();
            if let Some(f) = meta.field_strategy(&segments) {
                table.entry(def.clone()).or_default().insert(
                    field.clone(),
                    (f.strategy.to_string(), f.merge_key.map(str::to_string)),
                );
            }
            if let Some((child, through_map)) = value_definition(prop)
                && !seen.contains(child)
            {
                if through_map {
                    at.push("key".into());
                }
                queue.push_back((child.to_string(), at, meta));
            }
        }
    }
    table
}

use Merge::{AtomicMap, Map, Set};

/// Sorted by definition name.
pub(super) static FIELDS: &[(&str, &[(&str, Merge)])] = &[
    (
        "io.k8s.api.admissionregistration.v1.MutatingAdmissionPolicySpec",
        &[("matchConditions", Map(&["name"]))],
    ),
    (
        "io.k8s.api.admissionregistration.v1.MutatingWebhook",
        &[("matchConditions", Map(&["name"]))],
    ),
    (
        "io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration",
        &[("webhooks", Map(&["name"]))],
    ),
    (
        "io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyBindingSpec",
        &[("validationActions", Set)],
    ),
    (
        "io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicySpec",
        &[
            ("matchConditions", Map(&["name"])),
            ("variables", Map(&["name"])),
        ],
    ),
    (
        "io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyStatus",
        &[("conditions", Map(&["type"]))],
    ),
    (
        "io.k8s.api.admissionregistration.v1.ValidatingWebhook",
        &[("matchConditions", Map(&["name"]))],
    ),
    (
        "io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration",
        &[("webhooks", Map(&["name"]))],
    ),
    (
        "io.k8s.api.apps.v1.DaemonSetStatus",
        &[("conditions", Map(&["type"]))],
    ),
    (
        "io.k8s.api.apps.v1.DeploymentStatus",
        &[("conditions", Map(&["type"]))],
    ),
    (
        "io.k8s.api.apps.v1.ReplicaSetStatus",
        &[("conditions", Map(&["type"]))],
    ),
    (
        "io.k8s.api.apps.v1.StatefulSetStatus",
        &[("conditions", Map(&["type"]))],
    ),
    (
        "io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus",
        &[("conditions", Map(&["type"]))],
    ),
    (
        "io.k8s.api.batch.v1.JobStatus",
        &[("conditions", Map(&["type"]))],
    ),
    (
        "io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement",
        &[("values", Set)],
    ),
    (
        "io.k8s.api.batch.v1.UncountedTerminatedPods",
        &[("failed", Set), ("succeeded", Set)],
    ),
    (
        "io.k8s.api.certificates.v1.CertificateSigningRequestStatus",
        &[("conditions", Map(&["type"]))],
    ),
    (
        "io.k8s.api.core.v1.ComponentStatus",
        &[("conditions", Map(&["type"]))],
    ),
    (
        "io.k8s.api.core.v1.Container",
        &[
            ("env", Map(&["name"])),
            ("ports", Map(&["containerPort"])),
            ("volumeDevices", Map(&["devicePath"])),
            ("volumeMounts", Map(&["mountPath"])),
        ],
    ),
    (
        "io.k8s.api.core.v1.ContainerRestartRuleOnExitCodes",
        &[("values", Set)],
    ),
    (
        "io.k8s.api.core.v1.ContainerStatus",
        &[
            ("allocatedResourcesStatus", Map(&["name"])),
            ("volumeMounts", Map(&["mountPath"])),
        ],
    ),
    (
        "io.k8s.api.core.v1.EphemeralContainer",
        &[
            ("env", Map(&["name"])),
            ("ports", Map(&["containerPort"])),
            ("volumeDevices", Map(&["devicePath"])),
            ("volumeMounts", Map(&["mountPath"])),
        ],
    ),
    (
        "io.k8s.api.core.v1.NamespaceStatus",
        &[("conditions", Map(&["type"]))],
    ),
    (
        "io.k8s.api.core.v1.NodeAllocatableResourceClaimStatus",
        &[("containers", Set)],
    ),
    ("io.k8s.api.core.v1.NodeSpec", &[("podCIDRs", Set)]),
    (
        "io.k8s.api.core.v1.NodeStatus",
        &[
            ("addresses", Map(&["type"])),
            ("conditions", Map(&["type"])),
        ],
    ),
    (
        "io.k8s.api.core.v1.PersistentVolumeClaimStatus",
        &[("conditions", Map(&["type"]))],
    ),
    (
        "io.k8s.api.core.v1.PodSpec",
        &[
            ("containers", Map(&["name"])),
            ("ephemeralContainers", Map(&["name"])),
            ("hostAliases", Map(&["ip"])),
            ("imagePullSecrets", Map(&["name"])),
            ("initContainers", Map(&["name"])),
            ("nodeSelector", AtomicMap),
            ("resourceClaims", Map(&["name"])),
            ("schedulingGates", Map(&["name"])),
            ("topologySpreadConstraints", Map(&["topologyKey"])),
            ("volumes", Map(&["name"])),
        ],
    ),
    (
        "io.k8s.api.core.v1.PodStatus",
        &[
            ("conditions", Map(&["type"])),
            ("hostIPs", Map(&["ip"])),
            ("podIPs", Map(&["ip"])),
            ("resourceClaimStatuses", Map(&["name"])),
        ],
    ),
    (
        "io.k8s.api.core.v1.ReplicationControllerSpec",
        &[("selector", AtomicMap)],
    ),
    (
        "io.k8s.api.core.v1.ReplicationControllerStatus",
        &[("conditions", Map(&["type"]))],
    ),
    (
        "io.k8s.api.core.v1.ResourceRequirements",
        &[("claims", Map(&["name"]))],
    ),
    (
        "io.k8s.api.core.v1.ResourceStatus",
        &[("resources", Map(&["resourceID"]))],
    ),
    (
        "io.k8s.api.core.v1.ServiceAccount",
        &[("secrets", Map(&["name"]))],
    ),
    (
        "io.k8s.api.core.v1.ServiceSpec",
        &[("ports", Map(&["port"])), ("selector", AtomicMap)],
    ),
    (
        "io.k8s.api.core.v1.ServiceStatus",
        &[("conditions", Map(&["type"]))],
    ),
    ("io.k8s.api.discovery.v1.Endpoint", &[("addresses", Set)]),
    (
        "io.k8s.api.flowcontrol.v1.FlowSchemaStatus",
        &[("conditions", Map(&["type"]))],
    ),
    (
        "io.k8s.api.flowcontrol.v1.NonResourcePolicyRule",
        &[("nonResourceURLs", Set), ("verbs", Set)],
    ),
    (
        "io.k8s.api.flowcontrol.v1.PriorityLevelConfigurationStatus",
        &[("conditions", Map(&["type"]))],
    ),
    (
        "io.k8s.api.flowcontrol.v1.ResourcePolicyRule",
        &[
            ("apiGroups", Set),
            ("namespaces", Set),
            ("resources", Set),
            ("verbs", Set),
        ],
    ),
    (
        "io.k8s.api.networking.v1.ServiceCIDRStatus",
        &[("conditions", Map(&["type"]))],
    ),
    (
        "io.k8s.api.node.v1.Scheduling",
        &[("nodeSelector", AtomicMap)],
    ),
    (
        "io.k8s.api.policy.v1.PodDisruptionBudgetStatus",
        &[("conditions", Map(&["type"]))],
    ),
    (
        "io.k8s.api.resource.v1.AllocatedDeviceStatus",
        &[("conditions", Map(&["type"]))],
    ),
    (
        "io.k8s.api.resource.v1.ResourceClaimStatus",
        &[
            ("devices", Map(&["driver", "device", "pool", "shareID"])),
            ("reservedFor", Map(&["uid"])),
        ],
    ),
    (
        "io.k8s.api.storage.v1.CSIDriverSpec",
        &[("volumeLifecycleModes", Set)],
    ),
    (
        "io.k8s.api.storage.v1.CSINodeSpec",
        &[("drivers", Map(&["name"]))],
    ),
    (
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionStatus",
        &[("conditions", Map(&["type"]))],
    ),
    (
        "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps",
        &[("x-kubernetes-validations", Map(&["rule"]))],
    ),
    (
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        &[("finalizers", Set), ("ownerReferences", Map(&["uid"]))],
    ),
    (
        "io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIServiceStatus",
        &[("conditions", Map(&["type"]))],
    ),
];

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    use serde_json::Value;

    use super::*;

    #[test]
    fn table_is_sorted() {
        assert!(FIELDS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    fn source_dir() -> Option<PathBuf> {
        let home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
        let mut found = Vec::new();
        for reg in std::fs::read_dir(home.join("registry/src")).ok()?.flatten() {
            for krate in std::fs::read_dir(reg.path()).ok()?.flatten() {
                let name = krate.file_name().to_string_lossy().into_owned();
                if name.starts_with("k8s-openapi-0.29.") {
                    found.push(krate.path().join("src/v1_36"));
                }
            }
        }
        found.sort();
        found.pop()
    }

    #[derive(Debug, PartialEq, Eq, Clone)]
    enum Raw {
        Map(Vec<String>),
        Set,
        AtomicMap,
    }

    fn ident_after<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
        let rest = &s[s.find(prefix)? + prefix.len()..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .unwrap_or(rest.len());
        Some(&rest[..end])
    }

    /// `(schema name, rust field, how)` from one generated source file.
    fn extract_file(text: &str, out: &mut Vec<(String, String, Raw)>) {
        let Some(name_at) = text.find("fn schema_name()") else {
            return;
        };
        let after = &text[name_at..];
        let Some(q) = after.find('"') else { return };
        let Some(len) = after[q + 1..].find('"') else {
            return;
        };
        let schema = after[q + 1..q + 1 + len].to_string();
        let Some(impl_at) = text.find("impl crate::DeepMerge for ") else {
            return;
        };
        let body = &text[impl_at..];
        let body = &body[..body.find("\n}\n").unwrap_or(body.len())];
        let mut rest = body;
        while let Some(at) = rest.find("crate::merge_strategies::") {
            rest = &rest[at + "crate::merge_strategies::".len()..];
            let stmt_end = rest.find(");\n").unwrap_or(rest.len());
            let stmt = &rest[..stmt_end];
            let Some(field) = ident_after(stmt, "&mut self.") else {
                continue;
            };
            let how = if stmt.starts_with("list::map(") {
                let mut keys = Vec::new();
                let mut k = stmt;
                while let Some(at) = k.find("|lhs, rhs| lhs.") {
                    k = &k[at..];
                    keys.push(ident_after(k, "|lhs, rhs| lhs.").unwrap_or("").to_string());
                    k = &k[1..];
                }
                Raw::Map(keys)
            } else if stmt.starts_with("list::set(") {
                Raw::Set
            } else if stmt.starts_with("map::atomic(") {
                Raw::AtomicMap
            } else {
                continue;
            };
            out.push((schema.clone(), field.to_string(), how));
        }
    }

    fn walk(dir: &Path, out: &mut Vec<(String, String, Raw)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            let name = e.file_name().to_string_lossy().into_owned();
            if p.is_dir() {
                if !name.contains("alpha") && !name.contains("beta") {
                    walk(&p, out);
                }
            } else if name.ends_with(".rs")
                && let Ok(text) = std::fs::read_to_string(&p)
            {
                extract_file(&text, out);
            }
        }
    }

    fn norm(s: &str) -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect()
    }

    fn json_name(def: &Value, rust: &str) -> Option<String> {
        let want = norm(rust);
        def.get("properties")?
            .as_object()?
            .keys()
            .find(|k| norm(k) == want)
            .cloned()
    }

    #[test]
    fn table_matches_k8s_openapi_source() {
        let Some(dir) = source_dir() else {
            eprintln!("k8s-openapi 0.29 source not found; nothing to compare");
            return;
        };
        let mut raw = Vec::new();
        walk(&dir, &mut raw);
        assert!(raw.len() > 50, "too few merge strategies found in {dir:?}");
        let kinds = super::super::catalog::default_entries();
        let refs: Vec<&super::super::KindEntry> = kinds.iter().collect();
        let defs = super::super::schema::definitions(&refs, &kinds).map;
        let mut derived: BTreeMap<String, Vec<(String, Raw)>> = BTreeMap::new();
        for (schema, field, how) in raw {
            let Some(def) = defs.get(&schema) else {
                continue;
            };
            let field_json = json_name(def, &field)
                .unwrap_or_else(|| panic!("{schema}: no property for field {field}"));
            let how = match how {
                Raw::Map(keys) => {
                    if keys.iter().any(|k| k.contains('.')) {
                        // Keyed by a nested field: not a list map in the API.
                        continue;
                    }
                    let item = def["properties"][&field_json]["items"]["$ref"]
                        .as_str()
                        .and_then(|r| r.strip_prefix(super::super::schema::REF_PREFIX))
                        .and_then(|n| defs.get(n))
                        .unwrap_or_else(|| panic!("{schema}.{field_json}: no item definition"));
                    Raw::Map(
                        keys.iter()
                            .map(|k| {
                                json_name(item, k).unwrap_or_else(|| {
                                    panic!("{schema}.{field_json}: no item property {k}")
                                })
                            })
                            .collect(),
                    )
                }
                other => other,
            };
            derived.entry(schema).or_default().push((field_json, how));
        }
        for fields in derived.values_mut() {
            fields.sort_by(|a, b| a.0.cmp(&b.0));
        }
        if std::env::var_os("OPENAPI_PRINT_MERGE_TABLE").is_some() {
            println!("pub(super) static FIELDS: &[(&str, &[(&str, Merge)])] = &[");
            for (def, fields) in &derived {
                println!("    (\n        {def:?},\n        &[");
                for (f, how) in fields {
                    let how = match how {
                        Raw::Map(keys) => format!("Map(&{keys:?})"),
                        Raw::Set => "Set".into(),
                        Raw::AtomicMap => "AtomicMap".into(),
                    };
                    println!("            ({f:?}, {how}),");
                }
                println!("        ],\n    ),");
            }
            println!("];");
        }
        let embedded: BTreeMap<String, Vec<(String, Raw)>> = FIELDS
            .iter()
            .map(|(d, fs)| {
                let fs = fs
                    .iter()
                    .map(|(f, how)| {
                        let how = match how {
                            Map(keys) => Raw::Map(keys.iter().map(|k| k.to_string()).collect()),
                            Set => Raw::Set,
                            AtomicMap => Raw::AtomicMap,
                        };
                        (f.to_string(), how)
                    })
                    .collect();
                (d.to_string(), fs)
            })
            .collect();
        assert_eq!(embedded, derived);
    }
}
