//! Garbage collection: dependents follow their owners (`metadata.ownerReferences`).
//!
//! Owns deletion propagation (`propagationPolicy` Background, Foreground, Orphan and the
//! legacy `orphanDependents`), the `foregroundDeletion` and `orphan` finalizers, and the
//! collector: a background task that, whenever an owner goes or starts a foreground or
//! orphaning deletion (and once at start, so nothing is missed across a restart), deletes
//! dependents whose owners are all gone, deletes the dependents of owners deleted in the
//! foreground and then releases those owners once no dependent with `blockOwnerDeletion`
//! is left, and removes the owner's reference from the dependents of orphaning owners.
//! Owners are matched by uid.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};

use super::ApiServer;
use super::error::{ApiError, ApiResult};
use super::meta;
use super::objects::{self, DeleteOptions, Target};
use super::registry::ResourceType;
use super::request::Query;
use crate::store::{EventKind, ListOptions, Revision, StoreError};

/// The finalizer of an owner waiting for its dependents to be deleted.
pub const FOREGROUND: &str = "foregroundDeletion";
/// The finalizer of an owner whose dependents are being orphaned.
pub const ORPHAN: &str = "orphan";

/// How a deletion treats the owned objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Propagation {
    /// The owner goes now; the collector deletes the dependents afterwards.
    Background,
    /// The owner stays (deleting) until its blocking dependents are gone.
    Foreground,
    /// The dependents lose their reference to the owner and stay.
    Orphan,
}

impl Propagation {
    fn parse(s: &str) -> ApiResult<Self> {
        match s {
            "Background" => Ok(Propagation::Background),
            "Foreground" => Ok(Propagation::Foreground),
            "Orphan" => Ok(Propagation::Orphan),
            other => Err(ApiError::bad_request(format!(
                "propagationPolicy: Unsupported value: \"{other}\": supported values: \"Background\", \"Foreground\", \"Orphan\""
            ))),
        }
    }

    /// The policy a delete request asks for, from its body (DeleteOptions) or query.
    pub fn from_options(q: &Query, body: &Value) -> ApiResult<Option<Self>> {
        let policy = body
            .get("propagationPolicy")
            .and_then(Value::as_str)
            .or_else(|| q.non_empty("propagationPolicy"));
        let orphan = body
            .get("orphanDependents")
            .and_then(Value::as_bool)
            .or_else(|| q.non_empty("orphanDependents").map(|v| v == "true"));
        match (policy, orphan) {
            (Some(_), Some(_)) => Err(ApiError::bad_request(
                "orphanDependents: Invalid value: cannot set both orphanDependents and propagationPolicy",
            )),
            (Some(p), None) => Ok(Some(Self::parse(p)?)),
            (None, Some(true)) => Ok(Some(Propagation::Orphan)),
            (None, Some(false)) => Ok(Some(Propagation::Background)),
            (None, None) => Ok(None),
        }
    }
}

/// The finalizer a deletion with this policy puts on the owner.
pub fn finalizer_for(p: Option<Propagation>) -> Option<&'static str> {
    match p {
        Some(Propagation::Foreground) => Some(FOREGROUND),
        Some(Propagation::Orphan) => Some(ORPHAN),
        _ => None,
    }
}

/// Add a finalizer to an object unless it has it; whether it was added.
pub fn add_finalizer(obj: &mut Value, f: Option<&str>) -> bool {
    let Some(f) = f else { return false };
    let mut list = meta::finalizers(obj);
    if list.iter().any(|x| x == f) {
        return false;
    }
    list.push(f.to_string());
    meta::meta_mut(obj).insert("finalizers".into(), json!(list));
    true
}

#[derive(Debug, Clone)]
struct OwnerRef {
    uid: String,
    block: bool,
}

fn owner_refs(v: &Value) -> Vec<OwnerRef> {
    meta::meta(v)
        .and_then(|m| m.get("ownerReferences"))
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|r| {
                    Some(OwnerRef {
                        uid: r.get("uid")?.as_str()?.to_string(),
                        block: r
                            .get("blockOwnerDeletion")
                            .and_then(Value::as_bool)
                            .unwrap_or(false),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// One stored object seen by a collection pass.
struct Item {
    rt: Arc<ResourceType>,
    rev: Arc<Revision>,
}

impl Item {
    fn target(&self) -> (String, Option<String>) {
        (
            meta::name(&self.rev.value).unwrap_or("").to_string(),
            meta::namespace(&self.rev.value).map(String::from),
        )
    }
    fn deleting_with(&self, f: &str) -> bool {
        meta::deletion_timestamp(&self.rev.value).is_some()
            && meta::finalizers(&self.rev.value).iter().any(|x| x == f)
    }
}

/// Start the collector: one pass now, then one after every change that may leave
/// dependents behind.
pub fn spawn(s: &Arc<ApiServer>) {
    let s = s.clone();
    tokio::spawn(async move {
        let wake = Arc::new(tokio::sync::Notify::new());
        {
            let s = s.clone();
            let wake = wake.clone();
            tokio::spawn(async move {
                loop {
                    let mut w = match s.store.watch("", None) {
                        Ok(w) => w,
                        Err(StoreError::Closed) => return,
                        Err(_) => {
                            tokio::time::sleep(Duration::from_secs(1)).await;
                            continue;
                        }
                    };
                    loop {
                        match w.next().await {
                            Ok(ev) => {
                                if relevant(ev.kind, &ev.object.value) {
                                    wake.notify_one();
                                }
                            }
                            Err(StoreError::Closed) => return,
                            Err(_) => {
                                // Lagged: something may have been missed.
                                wake.notify_one();
                                break;
                            }
                        }
                    }
                }
            });
        }
        loop {
            // Passes repeat while they change something (cascades go one level per pass).
            for _ in 0..64 {
                match collect(&s).await {
                    0 => break,
                    _ => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep(Duration::from_secs(30)) => {}
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
}

/// Whether a change may give the collector work.
fn relevant(kind: EventKind, v: &Value) -> bool {
    match kind {
        EventKind::Deleted => true,
        EventKind::Added => !owner_refs(v).is_empty(),
        EventKind::Modified => {
            !owner_refs(v).is_empty()
                || (meta::deletion_timestamp(v).is_some()
                    && meta::finalizers(v)
                        .iter()
                        .any(|f| f == FOREGROUND || f == ORPHAN))
        }
    }
}

/// Every stored object, once per storage location (versions of one resource share it).
fn snapshot(s: &Arc<ApiServer>) -> Vec<Item> {
    let mut seen = HashSet::new();
    let mut out = vec![];
    for rt in s.registry.all() {
        if rt.create_only || !seen.insert(rt.key_prefix()) {
            continue;
        }
        let prefix = rt.key_prefix();
        let Ok(res) = s.store.list(ListOptions {
            prefix: &prefix,
            start_after: None,
            at_rv: None,
            limit: None,
            filter: None,
        }) else {
            continue;
        };
        out.extend(res.items.into_iter().map(|rev| Item {
            rt: rt.clone(),
            rev,
        }));
    }
    out
}

/// One collection pass over everything stored. Returns how many writes it made.
pub async fn collect(s: &Arc<ApiServer>) -> usize {
    let items = snapshot(s);
    let by_uid: HashMap<&str, &Item> = items
        .iter()
        .filter_map(|i| Some((meta::str_field(&i.rev.value, "uid")?, i)))
        .collect();
    let mut writes = 0;
    // Dependents still referencing each owner: (uid, blocks its deletion).
    let mut dependents: HashMap<String, Vec<bool>> = HashMap::new();
    for item in &items {
        let refs = owner_refs(&item.rev.value);
        if refs.is_empty() {
            continue;
        }
        let mut solid = false;
        let mut foreground = false;
        let mut drop_refs: Vec<&str> = vec![];
        for r in &refs {
            match by_uid.get(r.uid.as_str()) {
                None => drop_refs.push(&r.uid),
                Some(owner) if owner.deleting_with(ORPHAN) => drop_refs.push(&r.uid),
                Some(owner) if owner.deleting_with(FOREGROUND) => {
                    foreground = true;
                    dependents.entry(r.uid.clone()).or_default().push(r.block);
                }
                Some(_) => {
                    solid = true;
                    dependents.entry(r.uid.clone()).or_default().push(r.block);
                }
            }
        }
        let deleting = meta::deletion_timestamp(&item.rev.value).is_some();
        if !solid && !foreground {
            // Every owner is gone or orphaning: orphaning owners release it, gone ones
            // take it with them.
            let all_gone = refs.iter().all(|r| !by_uid.contains_key(r.uid.as_str()));
            if all_gone {
                if !deleting && delete(s, item, Propagation::Background).await {
                    writes += 1;
                }
            } else if remove_refs(s, item, &drop_refs).await {
                writes += 1;
            }
        } else if !solid {
            // Owned only by owners deleted in the foreground (and gone ones): it goes
            // first, its own dependents before it.
            if !deleting && delete(s, item, Propagation::Foreground).await {
                writes += 1;
            }
        } else if !drop_refs.is_empty() && remove_refs(s, item, &drop_refs).await {
            writes += 1;
        }
    }
    for item in &items {
        if meta::deletion_timestamp(&item.rev.value).is_none() {
            continue;
        }
        let uid = meta::str_field(&item.rev.value, "uid").unwrap_or("");
        let deps = dependents.get(uid);
        if item.deleting_with(ORPHAN) {
            // Its dependents were released above (or are released next pass).
            let still = items.iter().any(|i| {
                owner_refs(&i.rev.value).iter().any(|r| r.uid == uid)
                    && meta::str_field(&i.rev.value, "uid") != Some(uid)
            });
            if !still && remove_finalizer(s, item, ORPHAN).await {
                writes += 1;
            }
        } else if item.deleting_with(FOREGROUND) {
            let blocked = deps.is_some_and(|d| d.iter().any(|b| *b));
            if !blocked && remove_finalizer(s, item, FOREGROUND).await {
                writes += 1;
            }
        }
    }
    writes
}

async fn delete(s: &Arc<ApiServer>, item: &Item, p: Propagation) -> bool {
    let (name, ns) = item.target();
    let t = Target {
        rt: &item.rt,
        namespace: ns.as_deref(),
        name: &name,
    };
    let o = DeleteOptions {
        uid: meta::str_field(&item.rev.value, "uid").map(String::from),
        propagation: Some(p),
        ..Default::default()
    };
    match objects::delete_object(s, &t, &o).await {
        Ok(_) => true,
        Err(e) if e.code == 404 || e.code == 409 => false,
        Err(e) => {
            tracing::warn!(key = %item.rev.key, error = %e.message, "garbage collecting");
            false
        }
    }
}

/// Write a changed copy of an item, deleting it instead when it is being deleted and no
/// finalizer holds it any more.
async fn write(s: &Arc<ApiServer>, item: &Item, new: Value) -> bool {
    let key = &item.rev.key;
    let ns_finalizers = item.rt.group.is_empty()
        && item.rt.kind == "Namespace"
        && new["spec"]["finalizers"]
            .as_array()
            .is_some_and(|a| !a.is_empty());
    let res = if meta::deletion_timestamp(&new).is_some()
        && meta::finalizers(&new).is_empty()
        && !ns_finalizers
    {
        s.store.delete(key, Some(item.rev.rv)).await.map(|_| ())
    } else {
        s.store
            .update(key, Some(item.rev.rv), new)
            .await
            .map(|_| ())
    };
    match res {
        Ok(()) => true,
        Err(StoreError::Conflict { .. } | StoreError::NotFound) => false,
        Err(e) => {
            tracing::warn!(key = %key, error = %e, "garbage collecting");
            false
        }
    }
}

async fn remove_refs(s: &Arc<ApiServer>, item: &Item, uids: &[&str]) -> bool {
    if uids.is_empty() {
        return false;
    }
    let mut new = item.rev.value.clone();
    let m = meta::meta_mut(&mut new);
    let Some(Value::Array(refs)) = m.get_mut("ownerReferences") else {
        return false;
    };
    refs.retain(|r| !uids.contains(&r.get("uid").and_then(Value::as_str).unwrap_or("")));
    if refs.is_empty() {
        m.shift_remove("ownerReferences");
    }
    write(s, item, new).await
}

async fn remove_finalizer(s: &Arc<ApiServer>, item: &Item, f: &str) -> bool {
    let mut new = item.rev.value.clone();
    let list: Vec<String> = meta::finalizers(&new)
        .into_iter()
        .filter(|x| x != f)
        .collect();
    let m = meta::meta_mut(&mut new);
    if list.is_empty() {
        m.shift_remove("finalizers");
    } else {
        m.insert("finalizers".into(), json!(list));
    }
    write(s, item, new).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sqlite::{SqliteOptions, SqliteStore};

    async fn server() -> (tempfile::TempDir, Arc<ApiServer>) {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("c.db"), SqliteOptions::default()).unwrap();
        let s = ApiServer::new(store, Duration::from_secs(3600));
        s.bootstrap().await.unwrap();
        (dir, s)
    }

    async fn cm(s: &Arc<ApiServer>, name: &str, owners: Value) -> String {
        let rt = s.registry.lookup("", "v1", "configmaps").unwrap();
        let obj = json!({"metadata": {"name": name, "ownerReferences": owners}});
        let (_, b) = objects::create_object(s, &rt, Some("default"), obj, false)
            .await
            .unwrap();
        let v: Value = serde_json::from_slice(&b).unwrap();
        v["metadata"]["uid"].as_str().unwrap().to_string()
    }

    fn owner(name: &str, uid: &str, block: bool) -> Value {
        json!({"apiVersion": "v1", "kind": "ConfigMap", "name": name, "uid": uid, "blockOwnerDeletion": block})
    }

    fn get(s: &Arc<ApiServer>, name: &str) -> Option<Value> {
        let rt = s.registry.lookup("", "v1", "configmaps").unwrap();
        s.store
            .get(&rt.key(Some("default"), name))
            .map(|r| r.value.clone())
    }

    async fn delete_with(s: &Arc<ApiServer>, name: &str, p: Propagation) {
        let rt = s.registry.lookup("", "v1", "configmaps").unwrap();
        let t = Target {
            rt: &rt,
            namespace: Some("default"),
            name,
        };
        let o = DeleteOptions {
            propagation: Some(p),
            ..Default::default()
        };
        objects::delete_object(s, &t, &o).await.unwrap();
    }

    async fn settle(s: &Arc<ApiServer>) {
        for _ in 0..20 {
            if collect(s).await == 0 {
                return;
            }
        }
        panic!("the collector did not settle");
    }

    #[tokio::test]
    async fn background_deletes_dependents_of_gone_owners_only() {
        let (_d, s) = server().await;
        let a = cm(&s, "a", json!([])).await;
        let b = cm(&s, "b", json!([])).await;
        cm(&s, "only-a", json!([owner("a", &a, false)])).await;
        cm(
            &s,
            "a-and-b",
            json!([owner("a", &a, false), owner("b", &b, false)]),
        )
        .await;
        // A reference with the right name but another uid is not an owner.
        cm(
            &s,
            "stale",
            json!([owner("b", "00000000-0000-0000-0000-000000000000", false)]),
        )
        .await;
        delete_with(&s, "a", Propagation::Background).await;
        assert!(get(&s, "a").is_none(), "the owner goes at once");
        settle(&s).await;
        assert!(get(&s, "only-a").is_none());
        let kept = get(&s, "a-and-b").expect("another owner remains");
        assert_eq!(
            kept["metadata"]["ownerReferences"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
        assert!(get(&s, "stale").is_none(), "its only owner never existed");
    }

    #[tokio::test]
    async fn foreground_waits_for_blocking_dependents() {
        let (_d, s) = server().await;
        let top = cm(&s, "top", json!([])).await;
        let mid = cm(&s, "mid", json!([owner("top", &top, true)])).await;
        cm(&s, "leaf", json!([owner("mid", &mid, true)])).await;
        delete_with(&s, "top", Propagation::Foreground).await;
        let t = get(&s, "top").expect("waits for its dependents");
        assert!(t["metadata"]["deletionTimestamp"].is_string());
        assert_eq!(t["metadata"]["finalizers"], json!([FOREGROUND]));
        collect(&s).await;
        assert!(get(&s, "top").is_some(), "mid blocks it");
        settle(&s).await;
        for n in ["top", "mid", "leaf"] {
            assert!(get(&s, n).is_none(), "{n} is gone");
        }
    }

    #[tokio::test]
    async fn orphan_releases_dependents() {
        let (_d, s) = server().await;
        let a = cm(&s, "a", json!([])).await;
        cm(&s, "dep", json!([owner("a", &a, true)])).await;
        delete_with(&s, "a", Propagation::Orphan).await;
        assert_eq!(
            get(&s, "a").unwrap()["metadata"]["finalizers"],
            json!([ORPHAN])
        );
        settle(&s).await;
        assert!(get(&s, "a").is_none());
        let dep = get(&s, "dep").expect("orphaned, not deleted");
        assert!(dep["metadata"].get("ownerReferences").is_none());
    }

    #[tokio::test]
    async fn the_collector_scans_at_start_and_follows_changes() {
        let (_d, s) = server().await;
        // Dangling before the collector runs, as after a restart.
        cm(
            &s,
            "dangling",
            json!([owner("x", "11111111-1111-1111-1111-111111111111", false)]),
        )
        .await;
        let a = cm(&s, "a", json!([])).await;
        cm(&s, "dep", json!([owner("a", &a, false)])).await;
        spawn(&s);
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while get(&s, "dangling").is_some() {
            assert!(
                std::time::Instant::now() < deadline,
                "not collected at start"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        delete_with(&s, "a", Propagation::Background).await;
        while get(&s, "dep").is_some() {
            assert!(
                std::time::Instant::now() < deadline,
                "not collected after a change"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    #[test]
    fn policies_parse_from_body_and_query() {
        let q = Query::parse(Some("propagationPolicy=Orphan"));
        assert_eq!(
            Propagation::from_options(&q, &Value::Null).unwrap(),
            Some(Propagation::Orphan)
        );
        let q = Query::parse(None);
        assert_eq!(
            Propagation::from_options(&q, &json!({"propagationPolicy": "Foreground"})).unwrap(),
            Some(Propagation::Foreground)
        );
        assert_eq!(
            Propagation::from_options(&q, &json!({"orphanDependents": true})).unwrap(),
            Some(Propagation::Orphan)
        );
        assert!(Propagation::from_options(&q, &json!({"propagationPolicy": "Later"})).is_err());
        assert_eq!(Propagation::from_options(&q, &Value::Null).unwrap(), None);
    }
}
