//! Defaults the API server fills in on create and update, as Kubernetes does for the kinds
//! users create by hand most often (so that `kubectl get` shows what users expect).

use serde_json::{Value, json};

fn set_default(obj: &mut Value, key: &str, v: Value) {
    if let Some(m) = obj.as_object_mut() {
        if m.get(key).is_none_or(|x| x.is_null()) {
            m.insert(key.to_string(), v);
        }
    }
}

/// Default an update strategy `{type, rollingUpdate}`: an empty or typeless one becomes
/// `RollingUpdate` with the given parameters.
fn strategy_default(spec: &mut Value, key: &str, rolling: Value) {
    let s = field(spec, key);
    set_default(s, "type", json!("RollingUpdate"));
    if s["type"] == "RollingUpdate" {
        // Each parameter is defaulted on its own, as Kubernetes does.
        let r = field(s, "rollingUpdate");
        if let Value::Object(params) = rolling {
            for (k, v) in params {
                set_default(r, &k, v);
            }
        }
    }
}

fn field<'a>(obj: &'a mut Value, key: &str) -> &'a mut Value {
    if !obj.get(key).is_some_and(|v| v.is_object()) {
        obj[key] = json!({});
    }
    &mut obj[key]
}

fn pod_spec(spec: &mut Value) {
    set_default(spec, "restartPolicy", json!("Always"));
    set_default(spec, "terminationGracePeriodSeconds", json!(30));
    set_default(spec, "dnsPolicy", json!("ClusterFirst"));
    set_default(spec, "schedulerName", json!("default-scheduler"));
    set_default(spec, "securityContext", json!({}));
    for list in ["containers", "initContainers"] {
        if let Some(cs) = spec.get_mut(list).and_then(|c| c.as_array_mut()) {
            for c in cs {
                set_default(c, "terminationMessagePath", json!("/dev/termination-log"));
                set_default(c, "terminationMessagePolicy", json!("File"));
                set_default(c, "resources", json!({}));
                let image = c.get("image").and_then(|i| i.as_str()).unwrap_or("");
                let last = image.rsplit('/').next().unwrap_or("");
                let latest =
                    !last.contains(':') && !image.contains('@') || last.ends_with(":latest");
                set_default(
                    c,
                    "imagePullPolicy",
                    json!(if latest { "Always" } else { "IfNotPresent" }),
                );
                if let Some(ports) = c.get_mut("ports").and_then(|p| p.as_array_mut()) {
                    for p in ports {
                        set_default(p, "protocol", json!("TCP"));
                    }
                }
            }
        }
    }
}

fn template(spec: &mut Value) {
    if let Some(t) = spec.get_mut("template") {
        pod_spec(field(t, "spec"));
    }
}

/// Apply defaults for `kind` in `group` to a new or updated object.
pub fn apply(group: &str, kind: &str, obj: &mut Value) {
    match (group, kind) {
        ("", "Namespace") => {
            let spec = field(obj, "spec");
            set_default(spec, "finalizers", json!(["kubernetes"]));
            let status = field(obj, "status");
            set_default(status, "phase", json!("Active"));
        }
        ("", "Secret") => set_default(obj, "type", json!("Opaque")),
        (super::crd::GROUP, "CustomResourceDefinition") => super::crd::default_crd(obj),
        ("", "Pod") => {
            pod_spec(field(obj, "spec"));
            let status = field(obj, "status");
            set_default(status, "phase", json!("Pending"));
        }
        ("", "Service") => {
            let spec = field(obj, "spec");
            set_default(spec, "type", json!("ClusterIP"));
            set_default(spec, "sessionAffinity", json!("None"));
            let ty = spec["type"].as_str().unwrap_or("").to_string();
            if matches!(ty.as_str(), "ClusterIP" | "NodePort" | "LoadBalancer") {
                set_default(spec, "internalTrafficPolicy", json!("Cluster"));
            }
            if matches!(ty.as_str(), "NodePort" | "LoadBalancer") {
                set_default(spec, "externalTrafficPolicy", json!("Cluster"));
            }
            if ty == "LoadBalancer" {
                set_default(spec, "allocateLoadBalancerNodePorts", json!(true));
            }
            if let Some(ports) = spec.get_mut("ports").and_then(|p| p.as_array_mut()) {
                for p in ports {
                    set_default(p, "protocol", json!("TCP"));
                    if let Some(port) = p.get("port").cloned() {
                        set_default(p, "targetPort", port);
                    }
                }
            }
        }
        ("apps", "Deployment") => {
            let spec = field(obj, "spec");
            set_default(spec, "replicas", json!(1));
            set_default(spec, "revisionHistoryLimit", json!(10));
            set_default(spec, "progressDeadlineSeconds", json!(600));
            strategy_default(
                spec,
                "strategy",
                json!({"maxUnavailable": "25%", "maxSurge": "25%"}),
            );
            template(spec);
        }
        ("apps", "ReplicaSet") | ("", "ReplicationController") => {
            let spec = field(obj, "spec");
            set_default(spec, "replicas", json!(1));
            template(spec);
        }
        ("apps", "StatefulSet") => {
            let spec = field(obj, "spec");
            set_default(spec, "replicas", json!(1));
            set_default(spec, "podManagementPolicy", json!("OrderedReady"));
            set_default(spec, "revisionHistoryLimit", json!(10));
            strategy_default(spec, "updateStrategy", json!({"partition": 0}));
            template(spec);
        }
        ("apps", "DaemonSet") => {
            let spec = field(obj, "spec");
            set_default(spec, "revisionHistoryLimit", json!(10));
            strategy_default(
                spec,
                "updateStrategy",
                json!({"maxUnavailable": 1, "maxSurge": 0}),
            );
            template(spec);
        }
        ("batch", "Job") => {
            let spec = field(obj, "spec");
            set_default(spec, "parallelism", json!(1));
            set_default(spec, "completions", json!(1));
            set_default(spec, "backoffLimit", json!(6));
            set_default(spec, "completionMode", json!("NonIndexed"));
            set_default(spec, "suspend", json!(false));
            template(spec);
        }
        ("batch", "CronJob") => {
            let spec = field(obj, "spec");
            set_default(spec, "concurrencyPolicy", json!("Allow"));
            set_default(spec, "suspend", json!(false));
            set_default(spec, "successfulJobsHistoryLimit", json!(3));
            set_default(spec, "failedJobsHistoryLimit", json!(1));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deployment_defaults() {
        let mut d = json!({"spec": {"template": {"spec": {"containers": [{"name": "c", "image": "nginx:1.2", "ports": [{"containerPort": 80}]}]}}}});
        apply("apps", "Deployment", &mut d);
        assert_eq!(d["spec"]["replicas"], 1);
        let c = &d["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(c["imagePullPolicy"], "IfNotPresent");
        assert_eq!(c["ports"][0]["protocol"], "TCP");
        let mut d2 = json!({"spec": {"replicas": 3}});
        apply("apps", "Deployment", &mut d2);
        assert_eq!(d2["spec"]["replicas"], 3);
    }
}
