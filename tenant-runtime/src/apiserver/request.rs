//! Turns an HTTP request line into a typed API request before anything acts on it:
//! which endpoint, which resource, which verb, and the query options.

use std::collections::HashMap;

use http::Method;

use super::error::{ApiError, ApiResult};

/// Where a request goes.
#[derive(Debug, PartialEq, Eq)]
pub enum Endpoint {
    Version,
    Health(&'static str),
    OpenApiV2,
    OpenApiV3Root,
    OpenApiV3(String),
    /// `/api`
    CoreVersions,
    /// `/apis`
    Groups,
    /// `/apis/{group}`
    Group(String),
    /// `/api/v1` or `/apis/{group}/{version}`
    ResourceList {
        group: String,
        version: String,
    },
    /// A resource path.
    Resource(ResourcePath),
}

/// `/api/v1/[namespaces/{ns}/]{plural}[/{name}[/{sub}]]`, or the same under `/apis/{group}/{version}`.
#[derive(Debug, PartialEq, Eq, Clone)]
pub struct ResourcePath {
    pub group: String,
    pub version: String,
    pub namespace: Option<String>,
    pub plural: String,
    pub name: Option<String>,
    pub subresource: Option<String>,
}

fn decode(seg: &str) -> ApiResult<String> {
    percent_encoding::percent_decode_str(seg)
        .decode_utf8()
        .map(|s| s.into_owned())
        .map_err(|_| ApiError::bad_request("invalid path encoding"))
}

/// Parse a request path.
pub fn parse_path(path: &str) -> ApiResult<Endpoint> {
    let trimmed = path.trim_end_matches('/');
    match trimmed {
        "/version" => return Ok(Endpoint::Version),
        "/healthz" => return Ok(Endpoint::Health("healthz")),
        "/livez" => return Ok(Endpoint::Health("livez")),
        "/readyz" => return Ok(Endpoint::Health("readyz")),
        "/openapi/v2" | "/swagger-2.0.0.pb-v1" => return Ok(Endpoint::OpenApiV2),
        "/openapi/v3" => return Ok(Endpoint::OpenApiV3Root),
        "/api" => return Ok(Endpoint::CoreVersions),
        "/apis" => return Ok(Endpoint::Groups),
        _ => {}
    }
    if let Some(rest) = trimmed.strip_prefix("/openapi/v3/") {
        return Ok(Endpoint::OpenApiV3(rest.to_string()));
    }
    if trimmed.starts_with("/healthz/")
        || trimmed.starts_with("/livez/")
        || trimmed.starts_with("/readyz/")
    {
        return Ok(Endpoint::Health("check"));
    }
    let segs: Vec<&str> = trimmed.split('/').skip(1).collect();
    let (group, version, rest) = match segs.as_slice() {
        ["api", v, rest @ ..] => (String::new(), v.to_string(), rest),
        ["apis", g] => return Ok(Endpoint::Group(g.to_string())),
        ["apis", g, v, rest @ ..] => (g.to_string(), v.to_string(), rest),
        _ => return Err(ApiError::not_found_path()),
    };
    if rest.is_empty() {
        return Ok(Endpoint::ResourceList { group, version });
    }
    let rest: Vec<String> = rest.iter().map(|s| decode(s)).collect::<ApiResult<_>>()?;
    if rest.iter().any(|s| s.is_empty()) {
        return Err(ApiError::not_found_path());
    }
    let namespace_subresource =
        rest.len() == 3 && matches!(rest[2].as_str(), "status" | "finalize");
    let (namespace, rest) = if rest[0] == "namespaces" && rest.len() >= 3 && !namespace_subresource
    {
        (Some(rest[1].clone()), &rest[2..])
    } else {
        (None, &rest[..])
    };
    let p = match rest {
        [plural] => ResourcePath {
            group,
            version,
            namespace,
            plural: plural.clone(),
            name: None,
            subresource: None,
        },
        [plural, name] => ResourcePath {
            group,
            version,
            namespace,
            plural: plural.clone(),
            name: Some(name.clone()),
            subresource: None,
        },
        [plural, name, sub] => ResourcePath {
            group,
            version,
            namespace,
            plural: plural.clone(),
            name: Some(name.clone()),
            subresource: Some(sub.clone()),
        },
        _ => return Err(ApiError::not_found_path()),
    };
    Ok(Endpoint::Resource(p))
}

/// Query parameters, parsed once.
#[derive(Debug, Default)]
pub struct Query {
    map: HashMap<String, String>,
}

impl Query {
    pub fn parse(q: Option<&str>) -> Self {
        let mut map = HashMap::new();
        if let Some(q) = q {
            for (k, v) in form_urlencoded::parse(q.as_bytes()) {
                map.entry(k.into_owned()).or_insert_with(|| v.into_owned());
            }
        }
        Query { map }
    }

    pub fn get(&self, k: &str) -> Option<&str> {
        self.map.get(k).map(|s| s.as_str())
    }

    pub fn non_empty(&self, k: &str) -> Option<&str> {
        self.get(k).filter(|s| !s.is_empty())
    }

    pub fn flag(&self, k: &str) -> bool {
        matches!(self.get(k), Some("true" | "1" | "True"))
    }

    pub fn u64(&self, k: &str) -> ApiResult<Option<u64>> {
        match self.non_empty(k) {
            None => Ok(None),
            Some(s) => s
                .parse::<u64>()
                .map(Some)
                .map_err(|_| ApiError::bad_request(format!("invalid value for {k}: {s:?}"))),
        }
    }

    pub fn i64(&self, k: &str) -> ApiResult<Option<i64>> {
        match self.non_empty(k) {
            None => Ok(None),
            Some(s) => s
                .parse::<i64>()
                .map(Some)
                .map_err(|_| ApiError::bad_request(format!("invalid value for {k}: {s:?}"))),
        }
    }

    /// `dryRun=All` (the only value Kubernetes accepts).
    pub fn dry_run(&self) -> ApiResult<bool> {
        match self.get("dryRun") {
            None | Some("") => Ok(false),
            Some("All") => Ok(true),
            Some(other) => Err(ApiError::bad_request(format!(
                "dryRun: Unsupported value: {other:?}: supported values: \"All\""
            ))),
        }
    }

    pub fn field_validation(&self) -> ApiResult<FieldValidation> {
        match self.get("fieldValidation") {
            None | Some("") | Some("Warn") => Ok(FieldValidation::Warn),
            Some("Strict") => Ok(FieldValidation::Strict),
            Some("Ignore") => Ok(FieldValidation::Ignore),
            Some(other) => Err(ApiError::bad_request(format!(
                "fieldValidation: Unsupported value: {other:?}: supported values: \"Ignore\", \"Strict\", \"Warn\""
            ))),
        }
    }
}

/// How unknown or duplicate fields in a request body are treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValidation {
    Strict,
    Warn,
    Ignore,
}

/// The verb a request performs on a resource, as authorization and auditing name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    List,
    Watch,
    Create,
    Update,
    Patch,
    Delete,
    DeleteCollection,
}

pub fn verb(method: &Method, has_name: bool, query: &Query) -> ApiResult<Verb> {
    Ok(match (method.as_str(), has_name) {
        ("GET" | "HEAD", true) => {
            if query.flag("watch") {
                Verb::Watch
            } else {
                Verb::Get
            }
        }
        ("GET" | "HEAD", false) => {
            if query.flag("watch") {
                Verb::Watch
            } else {
                Verb::List
            }
        }
        ("POST", false) => Verb::Create,
        ("PUT", true) => Verb::Update,
        ("PATCH", true) => Verb::Patch,
        ("DELETE", true) => Verb::Delete,
        ("DELETE", false) => Verb::DeleteCollection,
        _ => return Err(ApiError::method_not_allowed()),
    })
}

/// What the client asked to get back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Accept {
    Json,
    Table,
    /// Aggregated discovery, v2 or v2beta1.
    Discovery(&'static str),
}

/// Pick the first acceptable representation in the client's order of preference.
pub fn accept(header: Option<&str>) -> Accept {
    let Some(h) = header else { return Accept::Json };
    for part in h.split(',') {
        let mut it = part.split(';').map(|s| s.trim());
        let mt = it.next().unwrap_or("");
        let params: HashMap<&str, &str> = it
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.trim(), v.trim()))
            .collect();
        match mt {
            "application/json" | "*/*" | "application/*" | "application/yaml" => {
                match (params.get("as"), params.get("g"), params.get("v")) {
                    (Some(&"Table"), Some(&"meta.k8s.io"), Some(&("v1" | "v1beta1"))) => {
                        return Accept::Table;
                    }
                    (Some(&"APIGroupDiscoveryList"), Some(&"apidiscovery.k8s.io"), Some(&"v2")) => {
                        return Accept::Discovery("v2");
                    }
                    (
                        Some(&"APIGroupDiscoveryList"),
                        Some(&"apidiscovery.k8s.io"),
                        Some(&"v2beta1"),
                    ) => {
                        return Accept::Discovery("v2beta1");
                    }
                    (None, _, _) => return Accept::Json,
                    _ => continue,
                }
            }
            // We answer protobuf requests in JSON, which every client that asks for
            // protobuf also accepts.
            "application/vnd.kubernetes.protobuf" => {
                if params.contains_key("as") {
                    continue;
                }
                return Accept::Json;
            }
            _ => continue,
        }
    }
    Accept::Json
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(parse_path("/version/").unwrap(), Endpoint::Version);
        assert_eq!(parse_path("/api").unwrap(), Endpoint::CoreVersions);
        assert_eq!(
            parse_path("/api/v1").unwrap(),
            Endpoint::ResourceList {
                group: "".into(),
                version: "v1".into()
            }
        );
        let Endpoint::Resource(p) = parse_path("/api/v1/namespaces/default/configmaps/x").unwrap()
        else {
            panic!()
        };
        assert_eq!(p.namespace.as_deref(), Some("default"));
        assert_eq!(p.plural, "configmaps");
        assert_eq!(p.name.as_deref(), Some("x"));
        let Endpoint::Resource(p) = parse_path("/api/v1/namespaces/default").unwrap() else {
            panic!()
        };
        assert_eq!(
            (p.plural.as_str(), p.name.as_deref(), p.namespace),
            ("namespaces", Some("default"), None)
        );
        let Endpoint::Resource(p) = parse_path("/api/v1/namespaces").unwrap() else {
            panic!()
        };
        assert_eq!(p.plural, "namespaces");
        let Endpoint::Resource(p) =
            parse_path("/apis/apps/v1/namespaces/a/deployments/d/scale").unwrap()
        else {
            panic!()
        };
        assert_eq!(p.subresource.as_deref(), Some("scale"));
        let Endpoint::Resource(p) = parse_path("/api/v1/namespaces/ns1/status").unwrap() else {
            panic!()
        };
        assert_eq!(p.plural, "namespaces");
        assert!(parse_path("/nope").is_err());
        assert!(parse_path("/api/v1/a/b/c/d/e/f").is_err());
    }

    #[test]
    fn accepts() {
        assert_eq!(accept(None), Accept::Json);
        assert_eq!(
            accept(Some(
                "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
            )),
            Accept::Discovery("v2")
        );
        assert_eq!(
            accept(Some(
                "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
            )),
            Accept::Table
        );
        assert_eq!(
            accept(Some("application/vnd.kubernetes.protobuf, */*")),
            Accept::Json
        );
    }
}
