//! What a Kubernetes request is, read from its method, path and query without allocating:
//! short or long-running (watch, followed log, upgrade), and for mutating requests the
//! verb and object the audit record names. Paths here are the control plane's paths, with the
//! `/k8s/<cluster>` prefix already removed.

use http::header::{CONNECTION, UPGRADE};
use http::{HeaderMap, Method};
use percent_encoding::percent_decode_str;

/// How a request is served.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RequestKind {
    /// Answered and done: times out, counts as in flight.
    Short,
    /// `watch=true|1` or a `/watch/` path segment: streams until either side ends it.
    Watch,
    /// A log with `follow=true|1`: streams like a watch.
    Follow,
    /// Asks to switch protocols (WebSocket, SPDY/3.1 for exec, attach and port-forward).
    Upgrade,
}

impl RequestKind {
    /// Not subject to the request timeout; counted against the watch cap.
    pub fn is_long_running(self) -> bool {
        self != RequestKind::Short
    }
}

/// Classifies a request by its headers, path and query.
pub fn classify(headers: &HeaderMap, path: &str, query: Option<&str>) -> RequestKind {
    if wants_upgrade(headers) {
        return RequestKind::Upgrade;
    }
    if path.split('/').any(|s| s == "watch") || query_flag(query, "watch") {
        return RequestKind::Watch;
    }
    if path.ends_with("/log") && query_flag(query, "follow") {
        return RequestKind::Follow;
    }
    RequestKind::Short
}

/// `Connection: upgrade` (as one of its tokens) together with an `Upgrade` header.
pub fn wants_upgrade(headers: &HeaderMap) -> bool {
    headers.contains_key(UPGRADE)
        && headers.get_all(CONNECTION).iter().any(|v| {
            v.to_str().is_ok_and(|s| {
                s.split(',')
                    .any(|t| t.trim().eq_ignore_ascii_case("upgrade"))
            })
        })
}

/// True when the query has `name=true` or `name=1`.
fn query_flag(query: Option<&str>, name: &str) -> bool {
    let Some(query) = query else { return false };
    form_urlencoded::parse(query.as_bytes()).any(|(k, v)| k == name && (v == "true" || v == "1"))
}

/// The object a mutating request acts on, for its audit record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditTarget {
    /// create, update, patch, delete, deletecollection.
    pub verb: &'static str,
    /// `group/version/resource[/subresource]` (`core` for the legacy group), or the raw path
    /// when the path is not a resource path.
    pub resource: String,
    pub namespace: Option<String>,
    pub name: Option<String>,
}

/// The audit target of a mutating request; `None` for GET, HEAD, OPTIONS and the like.
pub fn audit_target(method: &Method, path: &str) -> Option<AuditTarget> {
    let mutating = matches!(
        *method,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    if !mutating {
        return None;
    }
    let parsed = parse_resource_path(path);
    let has_name = parsed.as_ref().is_some_and(|p| p.name.is_some());
    let verb = match *method {
        Method::POST => "create",
        Method::PUT => "update",
        Method::PATCH => "patch",
        _ if has_name || parsed.is_none() => "delete",
        _ => "deletecollection",
    };
    Some(match parsed {
        Some(p) => {
            let mut resource = format!("{}/{}/{}", p.group, p.version, p.resource);
            if let Some(sub) = p.subresource {
                resource.push('/');
                resource.push_str(sub);
            }
            AuditTarget {
                verb,
                resource,
                namespace: p.namespace.map(decode),
                name: p.name.map(decode),
            }
        }
        None => AuditTarget {
            verb,
            resource: path.to_owned(),
            namespace: None,
            name: None,
        },
    })
}

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
}

struct ResourcePath<'a> {
    group: &'a str,
    version: &'a str,
    resource: &'a str,
    subresource: Option<&'a str>,
    namespace: Option<&'a str>,
    name: Option<&'a str>,
}

/// `/api/v1/…` or `/apis/<group>/<version>/…`, then `[namespaces/<ns>/]<resource>[/<name>[/<sub>]]`.
fn parse_resource_path(path: &str) -> Option<ResourcePath<'_>> {
    let mut parts = path.trim_matches('/').split('/');
    let (group, version) = match parts.next()? {
        "api" => ("core", parts.next()?),
        "apis" => (parts.next()?, parts.next()?),
        _ => return None,
    };
    let rest: [Option<&str>; 5] = std::array::from_fn(|_| parts.next().filter(|s| !s.is_empty()));
    if parts.next().is_some() {
        return None;
    }
    let mut rest = rest.as_slice();
    let mut namespace = None;
    // `namespaces/<ns>/<resource>…` is namespaced, except the namespace's own subresources
    // (`namespaces/<ns>/status`, `namespaces/<ns>/finalize`).
    if let [Some("namespaces"), Some(ns), Some(next), ..] = rest
        && *next != "status"
        && *next != "finalize"
    {
        namespace = Some(*ns);
        rest = &rest[2..];
    }
    let resource = rest.first().copied().flatten()?;
    let name = rest.get(1).copied().flatten();
    let subresource = rest.get(2).copied().flatten();
    if rest.get(3).copied().flatten().is_some() {
        return None;
    }
    Some(ResourcePath {
        group,
        version,
        resource,
        subresource,
        namespace,
        name,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn kind(path: &str, query: Option<&str>) -> RequestKind {
        classify(&HeaderMap::new(), path, query)
    }

    #[test]
    fn watches_follows_and_upgrades_are_long_running() {
        assert_eq!(kind("/api/v1/pods", Some("watch=true")), RequestKind::Watch);
        assert_eq!(
            kind(
                "/api/v1/namespaces/a/configmaps",
                Some("resourceVersion=5&watch=1")
            ),
            RequestKind::Watch
        );
        assert_eq!(kind("/api/v1/watch/pods", None), RequestKind::Watch);
        assert_eq!(
            kind("/api/v1/pods", Some("watch=false")),
            RequestKind::Short
        );
        assert_eq!(
            kind("/api/v1/pods", Some("watchx=true")),
            RequestKind::Short
        );
        assert_eq!(
            kind(
                "/api/v1/namespaces/a/pods/p/log",
                Some("container=c&follow=true")
            ),
            RequestKind::Follow
        );
        assert_eq!(
            kind("/api/v1/namespaces/a/pods/p/log", Some("container=c")),
            RequestKind::Short
        );
        assert_eq!(
            kind("/api/v1/namespaces/a/pods/watchful", None),
            RequestKind::Short
        );
        assert!(!RequestKind::Short.is_long_running());
        assert!(RequestKind::Follow.is_long_running());

        let mut h = HeaderMap::new();
        h.insert(CONNECTION, HeaderValue::from_static("keep-alive, Upgrade"));
        assert_eq!(
            classify(&h, "/x", None),
            RequestKind::Short,
            "no Upgrade header"
        );
        h.insert(UPGRADE, HeaderValue::from_static("SPDY/3.1"));
        assert_eq!(classify(&h, "/x", None), RequestKind::Upgrade);
    }

    fn target(
        method: Method,
        path: &str,
    ) -> Option<(String, String, Option<String>, Option<String>)> {
        audit_target(&method, path).map(|t| (t.verb.to_owned(), t.resource, t.namespace, t.name))
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_owned())
    }

    #[test]
    fn audit_targets_name_verb_resource_namespace_and_name() {
        assert_eq!(target(Method::GET, "/api/v1/pods"), None);
        assert_eq!(
            target(Method::POST, "/api/v1/namespaces/default/configmaps"),
            Some((
                "create".into(),
                "core/v1/configmaps".into(),
                s("default"),
                None
            ))
        );
        assert_eq!(
            target(Method::PUT, "/apis/apps/v1/namespaces/ns1/deployments/web"),
            Some((
                "update".into(),
                "apps/v1/deployments".into(),
                s("ns1"),
                s("web")
            ))
        );
        assert_eq!(
            target(
                Method::PATCH,
                "/apis/apps/v1/namespaces/ns1/deployments/web/scale"
            ),
            Some((
                "patch".into(),
                "apps/v1/deployments/scale".into(),
                s("ns1"),
                s("web")
            ))
        );
        assert_eq!(
            target(Method::DELETE, "/api/v1/namespaces/default/configmaps/x"),
            Some((
                "delete".into(),
                "core/v1/configmaps".into(),
                s("default"),
                s("x")
            ))
        );
        assert_eq!(
            target(Method::DELETE, "/api/v1/namespaces/default/configmaps"),
            Some((
                "deletecollection".into(),
                "core/v1/configmaps".into(),
                s("default"),
                None
            ))
        );
        assert_eq!(
            target(Method::POST, "/api/v1/namespaces"),
            Some(("create".into(), "core/v1/namespaces".into(), None, None))
        );
        assert_eq!(
            target(Method::DELETE, "/api/v1/namespaces/team-a"),
            Some((
                "delete".into(),
                "core/v1/namespaces".into(),
                None,
                s("team-a")
            ))
        );
        assert_eq!(
            target(Method::PUT, "/api/v1/namespaces/team-a/finalize"),
            Some((
                "update".into(),
                "core/v1/namespaces/finalize".into(),
                None,
                s("team-a")
            ))
        );
        assert_eq!(
            target(
                Method::POST,
                "/apis/rbac.authorization.k8s.io/v1/clusterroles"
            ),
            Some((
                "create".into(),
                "rbac.authorization.k8s.io/v1/clusterroles".into(),
                None,
                None
            ))
        );
        assert_eq!(
            target(Method::POST, "/api/v1/namespaces/a/pods/p%2Dq/eviction"),
            Some((
                "create".into(),
                "core/v1/pods/eviction".into(),
                s("a"),
                s("p-q")
            ))
        );
        assert_eq!(
            target(Method::POST, "/version"),
            Some(("create".into(), "/version".into(), None, None))
        );
        assert_eq!(
            target(Method::DELETE, "/logs/x"),
            Some(("delete".into(), "/logs/x".into(), None, None))
        );
    }
}
