//! Service addresses: the cluster IPs of Services, taken from the cluster's service range, and
//! their node ports, taken from the node port range, assigned when a Service is written.
//!
//! The stored Services are the allocation table: an address is in use exactly while a stored
//! Service carries it, so deleting a Service (by any path) frees its addresses and a restart
//! finds every allocation where it left it. Between picking addresses and the store committing
//! the write, the picked addresses are held in memory ([`Hold`]), so that two writes racing for
//! addresses never get the same one. Dry runs pick addresses but hold nothing.
//!
//! Also owned here: the Service rules that depend on these fields (carrying allocated values
//! over on update, clearing those a type change makes meaningless, immutability, the IP family
//! fields) and the `default/kubernetes` Service that names the API server.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};
use std::ops::RangeInclusive;
use std::str::FromStr;
use std::sync::Arc;

use parking_lot::Mutex;
use serde_json::{Map, Value, json};

use super::error::{ApiError, ApiResult};
use super::meta;
use super::registry::ResourceType;
use super::validation::Cause;
use super::{ApiServer, objects};
use crate::store::{ListOptions, Store};

/// The service range of a cluster unless told otherwise (as kubeadm sets it up).
pub const DEFAULT_SERVICE_CIDR: &str = "10.96.0.0/12";

/// The node ports of a cluster.
pub const NODE_PORTS: RangeInclusive<u16> = 30000..=32767;

/// The port the `kubernetes` Service forwards to.
const API_SERVER_PORT: u16 = 6443;

/// An IPv4 service range such as `10.96.0.0/12`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServiceCidr {
    base: u32,
    prefix: u8,
}

/// Why a service range was refused.
#[derive(Debug, thiserror::Error)]
pub enum CidrError {
    #[error("invalid service range {0:?}: want an IPv4 range such as 10.96.0.0/12")]
    Syntax(String),
    #[error("service range {0:?} has host bits set")]
    HostBits(String),
    #[error("service range {0:?} is too small: want a prefix of /28 or shorter")]
    TooSmall(String),
}

impl FromStr for ServiceCidr {
    type Err = CidrError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (addr, prefix) = s
            .split_once('/')
            .ok_or_else(|| CidrError::Syntax(s.into()))?;
        let addr: Ipv4Addr = addr.parse().map_err(|_| CidrError::Syntax(s.into()))?;
        let prefix: u8 = prefix.parse().map_err(|_| CidrError::Syntax(s.into()))?;
        if prefix > 32 {
            return Err(CidrError::Syntax(s.into()));
        }
        if prefix > 28 {
            return Err(CidrError::TooSmall(s.into()));
        }
        let base = u32::from(addr);
        let mask = if prefix == 0 {
            0
        } else {
            u32::MAX << (32 - prefix)
        };
        if base & !mask != 0 {
            return Err(CidrError::HostBits(s.into()));
        }
        Ok(ServiceCidr { base, prefix })
    }
}

impl fmt::Display for ServiceCidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", Ipv4Addr::from(self.base), self.prefix)
    }
}

impl Default for ServiceCidr {
    fn default() -> Self {
        DEFAULT_SERVICE_CIDR
            .parse()
            .expect("the default range parses")
    }
}

impl ServiceCidr {
    /// How many addresses the range spans, network and broadcast addresses included.
    fn size(&self) -> u64 {
        1u64 << (32 - self.prefix)
    }

    /// The first usable address, which the `kubernetes` Service takes.
    pub fn first(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.base + 1)
    }

    /// Whether `ip` may be handed out: inside the range, neither its network nor its
    /// broadcast address.
    pub fn usable(&self, ip: Ipv4Addr) -> bool {
        let ip = u32::from(ip) as u64;
        let base = self.base as u64;
        ip > base && ip < base + self.size() - 1
    }
}

/// Where a pick looks first: the upper part of a pool, leaving its lower part for values
/// users ask for by number; the lower part is used once the upper one is full.
fn static_band(size: u64, divisor: u64, max: u64) -> u64 {
    if size < 16 {
        0
    } else {
        (size / divisor).clamp(16, max)
    }
}

/// A random number (version 4 UUIDs are random).
fn random() -> u64 {
    uuid::Uuid::new_v4().as_u128() as u64
}

/// The first value of `lo..hi` (offsets) not taken, starting at a random place.
fn pick(lo: u64, hi: u64, taken: impl Fn(u64) -> bool) -> Option<u64> {
    if hi <= lo {
        return None;
    }
    let len = hi - lo;
    let start = random() % len;
    (0..len)
        .map(|i| lo + (start + i) % len)
        .find(|v| !taken(*v))
}

/// Addresses picked by writes that the store has not committed yet.
#[derive(Default)]
struct Pending {
    ips: HashSet<u32>,
    ports: HashSet<u16>,
}

/// The cluster IP and node port allocator of one cluster.
pub struct Allocator {
    cidr: ServiceCidr,
    node_ports: RangeInclusive<u16>,
    pending: Mutex<Pending>,
}

impl Default for Allocator {
    fn default() -> Self {
        Allocator::new(ServiceCidr::default())
    }
}

/// Addresses picked for one write, kept from other writers until it is dropped (after the
/// store write finished, whatever its outcome).
#[must_use]
pub struct Hold<'a> {
    alloc: &'a Allocator,
    ips: Vec<u32>,
    ports: Vec<u16>,
}

impl Drop for Hold<'_> {
    fn drop(&mut self) {
        if self.ips.is_empty() && self.ports.is_empty() {
            return;
        }
        let mut p = self.alloc.pending.lock();
        for ip in &self.ips {
            p.ips.remove(ip);
        }
        for port in &self.ports {
            p.ports.remove(port);
        }
    }
}

/// Why addresses could not be assigned.
#[derive(Debug)]
pub enum AdmitError {
    /// A field asks for something impossible (taken, out of range, not configured).
    Invalid(Vec<Cause>),
    /// A pool has no free value left.
    Full(&'static str),
    /// The stored Services could not be read.
    Store(String),
}

impl AdmitError {
    fn into_api(self, name: &str) -> ApiError {
        match self {
            AdmitError::Invalid(causes) => ApiError::invalid(
                "Service",
                "",
                name,
                causes
                    .into_iter()
                    .map(|c| (c.field, c.reason, c.message))
                    .collect(),
            ),
            AdmitError::Full(what) => {
                ApiError::internal(format!("failed to allocate a {what}: range is full"))
            }
            AdmitError::Store(e) => ApiError::internal(format!("reading services: {e}")),
        }
    }
}

fn cause(field: impl Into<String>, reason: &'static str, message: String) -> Cause {
    Cause {
        field: field.into(),
        reason,
        message,
    }
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// reading Services

fn spec(svc: &Value) -> &Value {
    &svc["spec"]
}

fn spec_mut(svc: &mut Value) -> &mut Map<String, Value> {
    if !svc.get("spec").is_some_and(Value::is_object) {
        svc["spec"] = json!({});
    }
    svc["spec"].as_object_mut().expect("spec is an object")
}

fn svc_type(svc: &Value) -> &str {
    spec(svc)["type"].as_str().unwrap_or("ClusterIP")
}

fn needs_cluster_ip(svc: &Value) -> bool {
    svc_type(svc) != "ExternalName"
}

fn needs_node_ports(svc: &Value) -> bool {
    matches!(svc_type(svc), "NodePort" | "LoadBalancer")
}

fn needs_health_check_port(svc: &Value) -> bool {
    svc_type(svc) == "LoadBalancer" && spec(svc)["externalTrafficPolicy"] == "Local"
}

fn externally_accessible(svc: &Value) -> bool {
    match svc_type(svc) {
        "LoadBalancer" | "NodePort" => true,
        "ClusterIP" => spec(svc)["externalIPs"]
            .as_array()
            .is_some_and(|a| !a.is_empty()),
        _ => false,
    }
}

fn cluster_ip(svc: &Value) -> &str {
    spec(svc)["clusterIP"].as_str().unwrap_or("")
}

fn cluster_ips(svc: &Value) -> Vec<&str> {
    spec(svc)["clusterIPs"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap_or("")).collect())
        .unwrap_or_default()
}

/// The cluster IPs as they will be stored: `clusterIPs`, or the single `clusterIP`.
fn effective_ips(svc: &Value) -> Vec<&str> {
    let ips = cluster_ips(svc);
    if !ips.is_empty() {
        return ips;
    }
    match cluster_ip(svc) {
        "" => vec![],
        ip => vec![ip],
    }
}

fn is_headless(svc: &Value) -> bool {
    effective_ips(svc).first() == Some(&"None")
}

fn ports(svc: &Value) -> &[Value] {
    spec(svc)["ports"].as_array().map_or(&[], Vec::as_slice)
}

fn node_port(port: &Value) -> i64 {
    port["nodePort"].as_i64().unwrap_or(0)
}

fn node_ports(svc: &Value) -> Vec<i64> {
    ports(svc)
        .iter()
        .map(node_port)
        .filter(|p| *p != 0)
        .collect()
}

fn health_check_port(svc: &Value) -> i64 {
    spec(svc)["healthCheckNodePort"].as_i64().unwrap_or(0)
}

// ---------------------------------------------------------------------------------------------
// rules that need no allocator

/// Prepare an update of a Service from `old` (the stored state) to `new`: keep the allocated
/// values a client left out, keep `clusterIP` and `clusterIPs` in step, and drop the values a
/// change of type makes meaningless (unless the client changed them too).
pub fn prepare_update(old: &Value, new: &mut Value) {
    carry_allocated(old, new);
    sync_cluster_ips(old, new);
    drop_type_dependent(old, new);
}

fn carry_allocated(old: &Value, new: &mut Value) {
    if needs_cluster_ip(old) && needs_cluster_ip(new) {
        let old_ip = cluster_ip(old).to_string();
        let old_ips = spec(old)["clusterIPs"].clone();
        let s = spec_mut(new);
        if s.get("clusterIP")
            .and_then(Value::as_str)
            .unwrap_or("")
            .is_empty()
            && !old_ip.is_empty()
        {
            s.insert("clusterIP".into(), json!(old_ip));
        }
        let empty = s
            .get("clusterIPs")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty);
        if empty && old_ips.as_array().is_some_and(|a| !a.is_empty()) {
            s.insert("clusterIPs".into(), old_ips);
        }
        // What the allocator would infer again from the carried addresses.
        for k in ["ipFamilyPolicy", "ipFamilies"] {
            if s.get(k).is_none_or(Value::is_null) && !old["spec"][k].is_null() {
                s.insert(k.into(), old["spec"][k].clone());
            }
        }
    }
    if needs_node_ports(old) && needs_node_ports(new) {
        let old_ports: HashSet<i64> = node_ports(old).into_iter().collect();
        let kept: HashSet<i64> = node_ports(new)
            .into_iter()
            .filter(|p| old_ports.contains(p))
            .collect();
        let by_name: HashMap<&str, i64> = ports(old)
            .iter()
            .map(|p| (p["name"].as_str().unwrap_or(""), node_port(p)))
            .collect();
        if let Some(list) = spec_mut(new).get_mut("ports").and_then(Value::as_array_mut) {
            for p in list {
                if node_port(p) != 0 {
                    continue;
                }
                let name = p["name"].as_str().unwrap_or("");
                if let Some(&np) = by_name.get(name)
                    && np != 0
                    && !kept.contains(&np)
                    && let Some(m) = p.as_object_mut()
                {
                    m.insert("nodePort".into(), json!(np));
                }
            }
        }
    }
    if needs_health_check_port(old) && needs_health_check_port(new) && health_check_port(new) == 0 {
        let hc = health_check_port(old);
        if hc != 0 {
            spec_mut(new).insert("healthCheckNodePort".into(), json!(hc));
        }
    }
}

fn sync_cluster_ips(old: &Value, new: &mut Value) {
    let old_ip = cluster_ip(old).to_string();
    let old_ips: Vec<String> = cluster_ips(old).into_iter().map(String::from).collect();
    let new_ip = cluster_ip(new).to_string();
    let same_ips = cluster_ips(new) == old_ips;
    let s = spec_mut(new);
    if !old_ips.is_empty()
        && s.get("clusterIPs")
            .and_then(Value::as_array)
            .is_none_or(Vec::is_empty)
        && old_ip == new_ip
    {
        s.insert("clusterIPs".into(), json!(old_ips));
        return;
    }
    if old_ip != new_ip && same_ips {
        if new_ip.is_empty() {
            s.remove("clusterIPs");
        } else {
            s.insert("clusterIPs".into(), json!([new_ip]));
        }
    }
}

fn drop_type_dependent(old: &Value, new: &mut Value) {
    if needs_cluster_ip(old) && !needs_cluster_ip(new) {
        let same_ips = cluster_ip(old) == cluster_ip(new) && cluster_ips(old) == cluster_ips(new);
        let same_families = spec(old)["ipFamilies"] == spec(new)["ipFamilies"];
        let same_policy = spec(old)["ipFamilyPolicy"] == spec(new)["ipFamilyPolicy"];
        let s = spec_mut(new);
        if same_ips {
            s.remove("clusterIP");
            s.remove("clusterIPs");
        }
        if same_families {
            s.remove("ipFamilies");
        }
        if same_policy {
            s.remove("ipFamilyPolicy");
        }
    }
    if needs_node_ports(old) && !needs_node_ports(new) {
        let was: HashSet<i64> = node_ports(old).into_iter().collect();
        if node_ports(new).iter().all(|p| was.contains(p))
            && let Some(list) = spec_mut(new).get_mut("ports").and_then(Value::as_array_mut)
        {
            for p in list {
                if let Some(m) = p.as_object_mut() {
                    m.remove("nodePort");
                }
            }
        }
    }
    if needs_health_check_port(old)
        && !needs_health_check_port(new)
        && health_check_port(old) == health_check_port(new)
    {
        spec_mut(new).remove("healthCheckNodePort");
    }
    if svc_type(old) == "LoadBalancer" && svc_type(new) != "LoadBalancer" {
        let a = spec(old)["allocateLoadBalancerNodePorts"].clone();
        let b = spec(new)["allocateLoadBalancerNodePorts"].clone();
        if !a.is_null() && a == b {
            spec_mut(new).remove("allocateLoadBalancerNodePorts");
        }
        if spec(old)["loadBalancerClass"] == spec(new)["loadBalancerClass"] {
            spec_mut(new).remove("loadBalancerClass");
        }
    }
    if externally_accessible(old)
        && !externally_accessible(new)
        && spec(old)["externalTrafficPolicy"] == spec(new)["externalTrafficPolicy"]
    {
        spec_mut(new).remove("externalTrafficPolicy");
    }
    if svc_type(new) != "LoadBalancer"
        && let Some(st) = new.get_mut("status").and_then(Value::as_object_mut)
        && st.contains_key("loadBalancer")
    {
        st.insert("loadBalancer".into(), json!({}));
    }
}

const TYPES: &[&str] = &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const POLICIES: &[&str] = &["PreferDualStack", "RequireDualStack", "SingleStack"];
const FAMILIES: &[&str] = &["IPv4", "IPv6"];

fn unsupported(field: &str, v: &Value, supported: &[&str]) -> Cause {
    let list: Vec<String> = supported.iter().map(|s| quoted(s)).collect();
    cause(
        field,
        "FieldValueNotSupported",
        format!(
            "Unsupported value: {}: supported values: {}",
            if let Some(s) = v.as_str() {
                quoted(s)
            } else {
                v.to_string()
            },
            list.join(", ")
        ),
    )
}

/// The Service checks about addresses, on create (`old` is `None`) and update.
pub fn validate(svc: &Value, old: Option<&Value>) -> Vec<Cause> {
    let mut out = vec![];
    let s = spec(svc);
    if let Some(t) = s.get("type").filter(|t| !t.is_null())
        && !t.as_str().is_some_and(|t| TYPES.contains(&t))
    {
        out.push(unsupported("spec.type", t, TYPES));
    }
    let ty = svc_type(svc);
    let ips = cluster_ips(svc);
    let ip = cluster_ip(svc);
    if !ip.is_empty() && !ips.is_empty() && ips[0] != ip {
        out.push(cause(
            "spec.clusterIPs",
            Cause::INVALID,
            format!(
                "Invalid value: {}: first value must match `clusterIP`",
                json!(ips)
            ),
        ));
    } else if ip.is_empty() && !ips.is_empty() && old.is_none() {
        out.push(cause(
            "spec.clusterIPs",
            Cause::INVALID,
            format!(
                "Invalid value: {}: must be empty when `clusterIP` is not specified",
                json!(ips)
            ),
        ));
    }
    let eff = effective_ips(svc);
    for (i, v) in eff.iter().enumerate() {
        if i == 0 && *v == "None" {
            if eff.len() > 1 {
                out.push(cause(
                    "spec.clusterIPs",
                    Cause::INVALID,
                    format!(
                        "Invalid value: {}: 'None' must be the first and only value",
                        json!(eff)
                    ),
                ));
            }
            continue;
        }
        if v.parse::<IpAddr>().is_err() {
            out.push(cause(
                format!("spec.clusterIPs[{i}]"),
                Cause::INVALID,
                format!(
                    "Invalid value: {}: must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                    quoted(v)
                ),
            ));
        }
    }
    if eff.len() > 2 {
        out.push(cause(
            "spec.clusterIPs",
            Cause::INVALID,
            format!(
                "Invalid value: {}: may only hold up to 2 values",
                json!(eff)
            ),
        ));
    }
    if let Some(p) = s.get("ipFamilyPolicy").filter(|p| !p.is_null())
        && !p.as_str().is_some_and(|p| POLICIES.contains(&p))
    {
        out.push(unsupported("spec.ipFamilyPolicy", p, POLICIES));
    }
    if let Some(fams) = s["ipFamilies"].as_array() {
        let mut seen = HashSet::new();
        for (i, f) in fams.iter().enumerate() {
            if !f.as_str().is_some_and(|f| FAMILIES.contains(&f)) {
                out.push(unsupported(&format!("spec.ipFamilies[{i}]"), f, FAMILIES));
            }
            if !seen.insert(f.to_string()) {
                out.push(cause(
                    format!("spec.ipFamilies[{i}]"),
                    "FieldValueDuplicate",
                    format!("Duplicate value: {f}"),
                ));
            }
        }
    }
    match ty {
        "NodePort" | "LoadBalancer" if is_headless(svc) => out.push(cause(
            "spec.clusterIPs[0]",
            Cause::INVALID,
            format!("Invalid value: \"None\": may not be set to 'None' for {ty} services"),
        )),
        "ExternalName" => {
            if !eff.is_empty() {
                out.push(cause(
                    "spec.clusterIPs",
                    Cause::FORBIDDEN,
                    "Forbidden: may not be set for ExternalName services".into(),
                ));
            }
            if s["ipFamilies"].as_array().is_some_and(|a| !a.is_empty()) {
                out.push(cause(
                    "spec.ipFamilies",
                    Cause::FORBIDDEN,
                    "Forbidden: may not be set for ExternalName services".into(),
                ));
            }
            if !s["ipFamilyPolicy"].is_null() {
                out.push(cause(
                    "spec.ipFamilyPolicy",
                    Cause::FORBIDDEN,
                    "Forbidden: may not be set for ExternalName services".into(),
                ));
            }
        }
        _ => {}
    }
    let mut seen = HashSet::new();
    for (i, p) in ports(svc).iter().enumerate() {
        let np = node_port(p);
        if np == 0 {
            continue;
        }
        if ty == "ClusterIP" {
            out.push(cause(
                format!("spec.ports[{i}].nodePort"),
                Cause::FORBIDDEN,
                "Forbidden: may not be used when `type` is 'ClusterIP'".into(),
            ));
        }
        if !(1..=65535).contains(&np) {
            out.push(cause(
                format!("spec.ports[{i}].nodePort"),
                Cause::INVALID,
                format!("Invalid value: {np}: must be between 1 and 65535, inclusive"),
            ));
        }
        let protocol = p["protocol"].as_str().unwrap_or("TCP");
        if !seen.insert((np, protocol)) {
            out.push(cause(
                format!("spec.ports[{i}]"),
                "FieldValueDuplicate",
                format!("Duplicate value: {np}"),
            ));
        }
    }
    if let Some(old) = old {
        immutable_ips(svc, old, &mut out);
    }
    out
}

fn immutable_ips(svc: &Value, old: &Value, out: &mut Vec<Cause>) {
    if !needs_cluster_ip(svc) || !needs_cluster_ip(old) {
        return;
    }
    let (ip, old_ip) = (cluster_ip(svc), cluster_ip(old));
    if !old_ip.is_empty() && ip != old_ip {
        out.push(cause(
            "spec.clusterIP",
            Cause::INVALID,
            format!("Invalid value: {}: field is immutable", quoted(ip)),
        ));
    }
    if is_headless(svc) && is_headless(old) {
        return;
    }
    let (ips, old_ips) = (effective_ips(svc), effective_ips(old));
    let changed = |i: usize| {
        cause(
            format!("spec.clusterIPs[{i}]"),
            Cause::INVALID,
            format!("Invalid value: {}: may not change once set", json!(ips)),
        )
    };
    if ips.len() == old_ips.len() {
        for i in (0..ips.len()).filter(|i| ips[*i] != old_ips[*i]) {
            out.push(changed(i));
        }
    } else if ips.is_empty() {
        out.push(cause(
            "spec.clusterIPs[0]",
            Cause::INVALID,
            "Invalid value: []: primary clusterIP can not be unset".into(),
        ));
    } else if !old_ips.is_empty() && ips[0] != old_ips[0] {
        out.push(changed(0));
    }
}

// ---------------------------------------------------------------------------------------------
// allocation

/// Every address that stored Services other than `skip` carry.
struct InUse {
    ips: HashSet<u32>,
    ports: HashSet<u16>,
}

impl Allocator {
    pub fn new(cidr: ServiceCidr) -> Self {
        Allocator {
            cidr,
            node_ports: NODE_PORTS,
            pending: Mutex::new(Pending::default()),
        }
    }

    /// The service range.
    pub fn cidr(&self) -> ServiceCidr {
        self.cidr
    }

    fn ports_text(&self) -> String {
        format!("{}-{}", self.node_ports.start(), self.node_ports.end())
    }

    fn in_use(&self, store: &dyn Store, prefix: &str, skip: &str) -> Result<InUse, AdmitError> {
        let res = store
            .list(ListOptions {
                prefix,
                start_after: None,
                at_rv: None,
                limit: None,
                filter: None,
            })
            .map_err(|e| AdmitError::Store(e.to_string()))?;
        let mut used = InUse {
            ips: HashSet::new(),
            ports: HashSet::new(),
        };
        for r in res.items.iter().filter(|r| &*r.key != skip) {
            for ip in effective_ips(&r.value) {
                if let Ok(ip) = ip.parse::<Ipv4Addr>() {
                    used.ips.insert(u32::from(ip));
                }
            }
            for p in node_ports(&r.value)
                .into_iter()
                .chain([health_check_port(&r.value)])
            {
                if let Ok(p) = u16::try_from(p)
                    && p != 0
                {
                    used.ports.insert(p);
                }
            }
        }
        Ok(used)
    }

    /// Assign the addresses of a Service about to be stored under `key` (`old`: its stored
    /// state, on update), checking the ones it asks for against every other Service. The
    /// returned hold keeps them from other writers until it is dropped.
    pub fn admit(
        &self,
        store: &dyn Store,
        prefix: &str,
        key: &str,
        old: Option<&Value>,
        svc: &mut Value,
        dry_run: bool,
    ) -> Result<Hold<'_>, AdmitError> {
        let mut hold = Hold {
            alloc: self,
            ips: vec![],
            ports: vec![],
        };
        let mut pending = self.pending.lock();
        let mut used: Option<InUse> = None;
        if needs_cluster_ip(svc) {
            self.cluster_ips_of(
                store,
                prefix,
                key,
                old,
                svc,
                dry_run,
                &mut hold,
                &mut used,
                &mut pending,
            )?;
        }
        self.node_ports_of(
            store,
            prefix,
            key,
            old,
            svc,
            dry_run,
            &mut hold,
            &mut used,
            &mut pending,
        )?;
        Ok(hold)
    }

    fn used_of<'u>(
        &self,
        slot: &'u mut Option<InUse>,
        store: &dyn Store,
        prefix: &str,
        key: &str,
    ) -> Result<&'u InUse, AdmitError> {
        if slot.is_none() {
            *slot = Some(self.in_use(store, prefix, key)?);
        }
        Ok(slot.as_ref().expect("just filled"))
    }

    fn pick_ip(&self, used: &InUse, pending: &Pending) -> Result<u32, AdmitError> {
        let size = self.cidr.size();
        let band = static_band(size, 16, 256);
        let taken = |off: u64| {
            let ip = (self.cidr.base as u64 + off) as u32;
            used.ips.contains(&ip) || pending.ips.contains(&ip)
        };
        // Offset 1 is the `kubernetes` Service's; the last offset is the broadcast address.
        let upper = pick((1 + band).max(2), size - 1, taken);
        let off = upper
            .or_else(|| pick(2, (1 + band).min(size - 1), taken))
            .ok_or(AdmitError::Full("serviceIP"))?;
        Ok((self.cidr.base as u64 + off) as u32)
    }

    fn pick_port(&self, used: &InUse, pending: &Pending, mine: &HashSet<u16>) -> Option<u16> {
        let lo = *self.node_ports.start() as u64;
        let size = *self.node_ports.end() as u64 - lo + 1;
        let band = static_band(size, 32, 128);
        let taken = |off: u64| {
            let p = (lo + off) as u16;
            used.ports.contains(&p) || pending.ports.contains(&p) || mine.contains(&p)
        };
        pick(band, size, taken)
            .or_else(|| pick(0, band, taken))
            .map(|off| (lo + off) as u16)
    }

    /// The cluster IPs of a Service that needs them: the ones it asks for, checked, or
    /// picked ones.
    #[allow(clippy::too_many_arguments)]
    fn cluster_ips_of<'a>(
        &'a self,
        store: &dyn Store,
        prefix: &str,
        key: &str,
        old: Option<&Value>,
        svc: &mut Value,
        dry_run: bool,
        hold: &mut Hold<'a>,
        used: &mut Option<InUse>,
        pending: &mut Pending,
    ) -> Result<(), AdmitError> {
        if old.is_none() && !cluster_ip(svc).is_empty() && cluster_ips(svc).is_empty() {
            let ip = cluster_ip(svc).to_string();
            spec_mut(svc).insert("clusterIPs".into(), json!([ip]));
        }
        init_families(svc, old)?;
        let old_ips: Vec<String> = match old {
            Some(o) if needs_cluster_ip(o) => {
                effective_ips(o).into_iter().map(String::from).collect()
            }
            _ => vec![],
        };
        if !is_headless(svc) {
            let requested = cluster_ip(svc).to_string();
            if requested.is_empty() {
                let used = self.used_of(used, store, prefix, key)?;
                let ip = self.pick_ip(used, pending)?;
                let text = Ipv4Addr::from(ip).to_string();
                let s = spec_mut(svc);
                s.insert("clusterIP".into(), json!(text));
                s.insert("clusterIPs".into(), json!([text]));
                if !dry_run {
                    pending.ips.insert(ip);
                    hold.ips.push(ip);
                }
            } else if !old_ips.contains(&requested) {
                let all = json!(effective_ips(svc));
                let addr: Ipv4Addr = requested.parse().map_err(|_| {
                    AdmitError::Invalid(vec![cause(
                        "spec.clusterIPs[0]",
                        Cause::INVALID,
                        format!("Invalid value: {all}: IPv6 is not configured on this cluster"),
                    )])
                })?;
                let n = u32::from(addr);
                let failed = |why: String| {
                    AdmitError::Invalid(vec![cause(
                        "spec.clusterIPs",
                        Cause::INVALID,
                        format!("Invalid value: {all}: failed to allocate IP {requested}: {why}"),
                    )])
                };
                if !self.cidr.usable(addr) {
                    return Err(failed(format!(
                        "the provided IP ({requested}) is not in the valid range. The range of valid IPs is {}",
                        self.cidr
                    )));
                }
                let used = self.used_of(used, store, prefix, key)?;
                if used.ips.contains(&n) || pending.ips.contains(&n) {
                    return Err(failed("provided IP is already allocated".into()));
                }
                if !dry_run {
                    pending.ips.insert(n);
                    hold.ips.push(n);
                }
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn node_ports_of<'a>(
        &'a self,
        store: &dyn Store,
        prefix: &str,
        key: &str,
        old: Option<&Value>,
        svc: &mut Value,
        dry_run: bool,
        hold: &mut Hold<'a>,
        used: &mut Option<InUse>,
        pending: &mut Pending,
    ) -> Result<(), AdmitError> {
        let wants_ports = needs_node_ports(svc);
        let wants_hc = needs_health_check_port(svc);
        if !wants_ports && !wants_hc {
            return Ok(());
        }
        let allocate_new =
            svc_type(svc) != "LoadBalancer" || spec(svc)["allocateLoadBalancerNodePorts"] != false;
        let old_ports: HashSet<i64> = old
            .map(|o| {
                node_ports(o)
                    .into_iter()
                    .chain([health_check_port(o)])
                    .filter(|p| *p != 0)
                    .collect()
            })
            .unwrap_or_default();
        let used = self.used_of(used, store, prefix, key)?;
        // Ports this Service takes in this write: kept, asked for or picked.
        let mut mine: HashSet<u16> = HashSet::new();
        let mut by_number: HashMap<i64, i64> = HashMap::new();
        let mut taken_now: Vec<u16> = vec![];
        let list: Vec<Value> = ports(svc).to_vec();
        let mut assigned: Vec<i64> = list.iter().map(node_port).collect();
        let range_text = self.ports_text();
        let check = |np: i64, field: String, mine: &HashSet<u16>| -> Result<u16, AdmitError> {
            let bad = |why: String| {
                AdmitError::Invalid(vec![cause(
                    field.clone(),
                    Cause::INVALID,
                    format!("Invalid value: {np}: {why}"),
                )])
            };
            let p = u16::try_from(np)
                .ok()
                .filter(|p| self.node_ports.contains(p))
                .ok_or_else(|| {
                    bad(format!(
                        "provided port is not in the valid range. The range of valid ports is {range_text}"
                    ))
                })?;
            if used.ports.contains(&p) || pending.ports.contains(&p) || mine.contains(&p) {
                return Err(bad("provided port is already allocated".into()));
            }
            Ok(p)
        };
        if wants_ports {
            for (i, port) in list.iter().enumerate() {
                let number = port["port"].as_i64().unwrap_or(0);
                let np = assigned[i];
                if np != 0 {
                    if let Ok(p) = u16::try_from(np)
                        && (old_ports.contains(&np) || mine.contains(&p))
                    {
                        mine.insert(p);
                    } else {
                        let p = check(np, format!("spec.ports[{i}].nodePort"), &mine)?;
                        mine.insert(p);
                        taken_now.push(p);
                    }
                    by_number.entry(number).or_insert(np);
                    continue;
                }
                if !allocate_new {
                    continue;
                }
                // Ports with the same number (other protocols) share one node port.
                let shared = by_number.get(&number).copied().or_else(|| {
                    list.iter()
                        .enumerate()
                        .skip(i + 1)
                        .find(|(_, p)| p["port"].as_i64() == Some(number) && node_port(p) != 0)
                        .map(|(_, p)| node_port(p))
                });
                let np = match shared {
                    Some(np) => np,
                    None => {
                        let p = self
                            .pick_port(used, pending, &mine)
                            .ok_or(AdmitError::Full("nodePort"))?;
                        mine.insert(p);
                        taken_now.push(p);
                        i64::from(p)
                    }
                };
                by_number.insert(number, np);
                assigned[i] = np;
            }
        }
        let mut hc_port = None;
        if wants_hc {
            let hc = health_check_port(svc);
            if hc == 0 {
                let p = self
                    .pick_port(used, pending, &mine)
                    .ok_or(AdmitError::Full("nodePort"))?;
                taken_now.push(p);
                hc_port = Some(p);
            } else if !old_ports.contains(&hc) {
                let p = check(hc, "spec.healthCheckNodePort".into(), &mine)?;
                taken_now.push(p);
            }
        }
        if !dry_run {
            for p in &taken_now {
                pending.ports.insert(*p);
            }
            hold.ports.extend(taken_now);
        }
        if let Some(list) = spec_mut(svc).get_mut("ports").and_then(Value::as_array_mut) {
            for (p, np) in list.iter_mut().zip(assigned) {
                if np != 0
                    && let Some(m) = p.as_object_mut()
                {
                    m.insert("nodePort".into(), json!(np));
                }
            }
        }
        if let Some(p) = hc_port {
            spec_mut(svc).insert("healthCheckNodePort".into(), json!(p));
        }
        Ok(())
    }
}

/// Fill in `ipFamilyPolicy` and `ipFamilies` of a Service that has cluster IPs, refusing
/// what this single-stack IPv4 cluster cannot serve.
fn init_families(svc: &mut Value, old: Option<&Value>) -> Result<(), AdmitError> {
    let headless = is_headless(svc);
    let selectorless = spec(svc)["selector"].as_object().is_none_or(Map::is_empty);
    if spec(svc)["ipFamilyPolicy"].as_str().is_none() {
        let policy = match old.and_then(|o| spec(o)["ipFamilyPolicy"].as_str()) {
            Some(p) => p,
            None if headless && selectorless => "RequireDualStack",
            None => "SingleStack",
        }
        .to_string();
        spec_mut(svc).insert("ipFamilyPolicy".into(), json!(policy));
    }
    let policy = spec(svc)["ipFamilyPolicy"]
        .as_str()
        .unwrap_or("SingleStack")
        .to_string();
    let mut families: Vec<String> = spec(svc)["ipFamilies"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|f| f.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let mut errors = vec![];
    let invalid_policy = |why: &str| {
        cause(
            "spec.ipFamilyPolicy",
            Cause::INVALID,
            format!("Invalid value: {}: {why}", quoted(&policy)),
        )
    };
    let ips: Vec<String> = effective_ips(svc).into_iter().map(String::from).collect();
    if policy == "SingleStack" {
        if ips.len() == 2 {
            errors.push(invalid_policy(
                "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified",
            ));
        }
        if families.len() == 2 {
            errors.push(invalid_policy(
                "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified",
            ));
        }
    }
    if !headless {
        for (i, ip) in ips.iter().enumerate() {
            let family = match ip.parse::<IpAddr>() {
                Ok(IpAddr::V4(_)) => "IPv4",
                Ok(IpAddr::V6(_)) => "IPv6",
                Err(_) => continue,
            };
            if i >= families.len() {
                if family == "IPv6" {
                    errors.push(cause(
                        format!("spec.clusterIPs[{i}]"),
                        Cause::INVALID,
                        format!(
                            "Invalid value: {}: IPv6 is not configured on this cluster",
                            json!(ips)
                        ),
                    ));
                } else {
                    families.push(family.into());
                }
            } else if families[i] != family {
                errors.push(cause(
                    format!("spec.clusterIPs[{i}]"),
                    Cause::INVALID,
                    format!(
                        "Invalid value: {}: expected an {} value as indicated by `ipFamilies[{i}]`",
                        quoted(ip),
                        families[i]
                    ),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(AdmitError::Invalid(errors));
    }
    if headless && selectorless {
        if families.is_empty() {
            families.push("IPv4".into());
        }
        if families.len() < 2 && policy != "SingleStack" {
            let other = if families[0] == "IPv4" {
                "IPv6"
            } else {
                "IPv4"
            };
            families.push(other.into());
        }
        spec_mut(svc).insert("ipFamilies".into(), json!(families));
        return Ok(());
    }
    if policy == "RequireDualStack" {
        errors.push(invalid_policy(
            "this cluster is not configured for dual-stack services",
        ));
    }
    for (i, f) in families.iter().enumerate() {
        if f != "IPv4" {
            errors.push(cause(
                format!("spec.ipFamilies[{i}]"),
                Cause::INVALID,
                format!(
                    "Invalid value: {}: not configured on this cluster",
                    quoted(f)
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(AdmitError::Invalid(errors));
    }
    if families.is_empty() {
        families.push("IPv4".into());
    }
    spec_mut(svc).insert("ipFamilies".into(), json!(families));
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// hooks of the write path

fn is_service(rt: &ResourceType) -> bool {
    rt.group.is_empty() && rt.kind == "Service"
}

/// Assign the addresses of an object about to be stored under `key`, when it is a Service;
/// `old` is its stored state on update. Hold the result until the store write has finished.
pub fn admit<'a>(
    s: &'a ApiServer,
    rt: &ResourceType,
    key: &str,
    old: Option<&Value>,
    obj: &mut Value,
    dry_run: bool,
) -> ApiResult<Option<Hold<'a>>> {
    if !is_service(rt) {
        return Ok(None);
    }
    s.services
        .admit(
            s.store.as_ref(),
            &rt.list_prefix(None),
            key,
            old,
            obj,
            dry_run,
        )
        .map(Some)
        .map_err(|e| e.into_api(meta::name(obj).unwrap_or("")))
}

/// Create the `default/kubernetes` Service (the API server's own address: the first address
/// of the service range) when it is missing, then give addresses to Services stored before
/// allocation existed.
pub async fn bootstrap(s: &Arc<ApiServer>) -> anyhow::Result<()> {
    let rt = s
        .registry
        .lookup("", "v1", "services")
        .expect("services are served");
    if s.store
        .get(&rt.key(Some("default"), "kubernetes"))
        .is_none()
    {
        let first = s.services.cidr().first().to_string();
        let obj = json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {
                "name": "kubernetes",
                "namespace": "default",
                "labels": {"component": "apiserver", "provider": "kubernetes"},
            },
            "spec": {
                "type": "ClusterIP",
                "clusterIP": first,
                "clusterIPs": [first],
                "ipFamilies": ["IPv4"],
                "ipFamilyPolicy": "SingleStack",
                "ports": [{"name": "https", "port": 443, "protocol": "TCP", "targetPort": API_SERVER_PORT}],
                "sessionAffinity": "None",
            },
        });
        // Without managed fields, like the system namespaces: no schema is loaded at start.
        match objects::create_object_tracked(s, &rt, Some("default"), obj, false, None).await {
            Ok(_) => {}
            Err(e) if e.code == 409 => {}
            Err(e) => tracing::warn!(error = %e.message, "creating the kubernetes service"),
        }
    }
    backfill(s, &rt).await;
    Ok(())
}

/// Services that lack addresses they need (stored before addresses were allocated).
async fn backfill(s: &Arc<ApiServer>, rt: &ResourceType) {
    let prefix = rt.list_prefix(None);
    let lacking = |r: &crate::store::Revision| {
        let v = &r.value;
        meta::deletion_timestamp(v).is_none()
            && ((needs_cluster_ip(v) && cluster_ip(v).is_empty())
                || (needs_node_ports(v) && ports(v).iter().any(|p| node_port(p) == 0)))
    };
    let lacking_ref: &(dyn Fn(&crate::store::Revision) -> bool + Sync) = &lacking;
    let Ok(res) = s.store.list(ListOptions {
        prefix: &prefix,
        start_after: None,
        at_rv: None,
        limit: None,
        filter: Some(lacking_ref),
    }) else {
        return;
    };
    for cur in res.items {
        let name = meta::name(&cur.value).unwrap_or("").to_string();
        let ns = meta::namespace(&cur.value).map(String::from);
        let t = objects::Target {
            rt,
            namespace: ns.as_deref(),
            name: &name,
        };
        if let Err(e) = objects::commit_update(s, &t, &cur, cur.value.clone(), false).await {
            tracing::warn!(service = %cur.key, error = ?e, "assigning addresses to a stored service");
        }
    }
}

#[cfg(test)]
mod tests;
