//! The compact type knowledge managed-field tracking needs, read from the published OpenAPI
//! v3 document of a group-version.
//!
//! Of each schema only what decides how objects merge is kept: `properties`,
//! `additionalProperties` (when it is a schema), `items`, the definition a `$ref` (or the first
//! `allOf` item) names, and the extensions `x-kubernetes-map-type`, `x-kubernetes-list-type`,
//! `x-kubernetes-list-map-keys`, `x-kubernetes-patch-strategy` and
//! `x-kubernetes-patch-merge-key`. Documents are read with a deserializer that skips
//! everything else (descriptions, formats, validations, the `paths` section), so a document
//! is never held as a whole. Each kind keeps only the definitions it reaches from its root
//! (the definition whose `x-kubernetes-group-version-kind` names the kind); the result is
//! cached per server by group-version and the document's content hash, and entries whose
//! document changed or went away (a custom resource definition edited or deleted) are dropped
//! on the next lookup.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::Arc;

use parking_lot::Mutex;
use serde::Deserialize;
use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// A vendor extension's value, as far as merging reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Ext {
    Str(Box<str>),
    /// An array; items that are not strings are left out.
    List(Box<[Box<str>]>),
    /// Present, but neither a string nor an array.
    Other,
}

impl Ext {
    pub(super) fn as_str(&self) -> Option<&str> {
        match self {
            Ext::Str(s) => Some(s),
            _ => None,
        }
    }

    pub(super) fn as_list(&self) -> Option<&[Box<str>]> {
        match self {
            Ext::List(l) => Some(l),
            _ => None,
        }
    }
}

/// The merge extensions of one schema; `None` where the schema does not carry the key.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Exts {
    pub map_type: Option<Ext>,
    pub list_type: Option<Ext>,
    pub list_map_keys: Option<Ext>,
    pub patch_strategy: Option<Ext>,
    pub patch_merge_key: Option<Ext>,
}

/// Named schemas, sorted by name.
type PropertyList = Box<[(Box<str>, Schema)]>;

/// One schema, reduced to its merge structure. A schema that is not a JSON object reads as an
/// empty one (it says nothing about merging either way).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Schema {
    /// The definition a `$ref` (or, failing that, the first `allOf` item's `$ref`) names.
    pub reference: Option<Box<str>>,
    pub properties: PropertyList,
    /// `additionalProperties`, when it is a schema (not a boolean).
    pub additional: Option<Box<Schema>>,
    /// `items`, when it is a schema.
    pub items: Option<Box<Schema>>,
    pub ext: Option<Box<Exts>>,
}

impl Schema {
    pub(super) fn property(&self, name: &str) -> Option<&Schema> {
        self.properties
            .binary_search_by(|(k, _)| k.as_ref().cmp(name))
            .ok()
            .map(|i| &self.properties[i].1)
    }

    /// Every definition name referenced in this schema or below it.
    fn references(&self, out: &mut Vec<Box<str>>) {
        if let Some(r) = &self.reference {
            out.push(r.clone());
        }
        for (_, p) in self.properties.iter() {
            p.references(out);
        }
        if let Some(a) = &self.additional {
            a.references(out);
        }
        if let Some(i) = &self.items {
            i.references(out);
        }
    }
}

/// The definitions one kind reaches, with the name of its root.
#[derive(Debug)]
pub(super) struct KindTypes {
    pub root: Box<str>,
    pub defs: HashMap<Box<str>, Schema>,
}

impl KindTypes {
    /// The types of the kind whose root definition is `root`, out of `defs` (a
    /// `components.schemas` map); `None` without that definition.
    pub(super) fn from_definitions(
        mut defs: HashMap<Box<str>, Schema>,
        root: &str,
    ) -> Option<Self> {
        defs.contains_key(root).then(|| KindTypes {
            root: root.into(),
            defs: reachable(&mut defs, root),
        })
    }
}

/// Take the definitions reachable from `root` out of `all`.
fn reachable(all: &mut HashMap<Box<str>, Schema>, root: &str) -> HashMap<Box<str>, Schema> {
    let mut keep = HashMap::new();
    let mut todo: Vec<Box<str>> = vec![root.into()];
    while let Some(name) = todo.pop() {
        if let Some((name, s)) = all.remove_entry(&name) {
            s.references(&mut todo);
            keep.insert(name, s);
        }
    }
    keep.shrink_to_fit();
    keep
}

// ---------------------------------------------------------------------------------------------
// reading documents

/// The keys of a schema object that matter; everything else is skipped unread.
enum Key {
    Ref,
    AllOf,
    Properties,
    Additional,
    Items,
    MapType,
    ListType,
    ListMapKeys,
    PatchStrategy,
    MergeBy,
    Gvk,
    Other,
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Key, E> {
                Ok(match s {
                    "$ref" => Key::Ref,
                    "allOf" => Key::AllOf,
                    "properties" => Key::Properties,
                    "additionalProperties" => Key::Additional,
                    "items" => Key::Items,
                    "x-kubernetes-map-type" => Key::MapType,
                    "x-kubernetes-list-type" => Key::ListType,
                    "x-kubernetes-list-map-keys" => Key::ListMapKeys,
                    "x-kubernetes-patch-strategy" => Key::PatchStrategy,
                    "x-kubernetes-patch-merge-key" => Key::MergeBy,
                    "x-kubernetes-group-version-kind" => Key::Gvk,
                    _ => Key::Other,
                })
            }
        }
        d.deserialize_identifier(V)
    }
}

/// Implements the visitor methods of every JSON shape but objects and arrays, answering
/// `$value` for each.
macro_rules! scalars_are {
    ($value:expr) => {
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
}

fn drain_seq<'de, A: SeqAccess<'de>>(mut a: A) -> Result<(), A::Error> {
    while a.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_map<'de, A: MapAccess<'de>>(mut a: A) -> Result<(), A::Error> {
    while a.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// A string, or `None` for any other JSON value.
struct LooseStr(Option<Box<str>>);

impl<'de> Deserialize<'de> for LooseStr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LooseStr;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            scalars_are!(LooseStr(None));
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<LooseStr, E> {
                Ok(LooseStr(Some(s.into())))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<LooseStr, A::Error> {
                drain_seq(a).map(|_| LooseStr(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<LooseStr, A::Error> {
                drain_map(a).map(|_| LooseStr(None))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Ext {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ext;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            scalars_are!(Ext::Other);
            fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Ext, E> {
                Ok(Ext::Str(s.into()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Ext, A::Error> {
                let mut out = vec![];
                while let Some(LooseStr(s)) = a.next_element()? {
                    out.extend(s);
                }
                Ok(Ext::List(out.into()))
            }
            fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<Ext, A::Error> {
                drain_map(a).map(|_| Ext::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// The `$ref` of an object (`None` for anything else).
struct RefOf(Option<Box<str>>);

impl<'de> Deserialize<'de> for RefOf {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RefOf;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            scalars_are!(RefOf(None));
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<RefOf, E> {
                Ok(RefOf(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<RefOf, A::Error> {
                drain_seq(a).map(|_| RefOf(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<RefOf, A::Error> {
                let mut r = None;
                while let Some(k) = a.next_key::<Key>()? {
                    match k {
                        Key::Ref => r = a.next_value::<LooseStr>()?.0,
                        _ => {
                            a.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(RefOf(r))
            }
        }
        d.deserialize_any(V)
    }
}

/// The `$ref` of the first item of an `allOf` array.
struct FirstRef(Option<Box<str>>);

impl<'de> Deserialize<'de> for FirstRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FirstRef;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            scalars_are!(FirstRef(None));
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<FirstRef, E> {
                Ok(FirstRef(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<FirstRef, A::Error> {
                let first = a.next_element::<RefOf>()?.and_then(|r| r.0);
                drain_seq(a)?;
                Ok(FirstRef(first))
            }
            fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<FirstRef, A::Error> {
                drain_map(a).map(|_| FirstRef(None))
            }
        }
        d.deserialize_any(V)
    }
}

/// The keys of a schema where it is a JSON object, `None` for anything else.
struct ObjectFields(Option<Fields>);

impl<'de> Deserialize<'de> for ObjectFields {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ObjectFields;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            scalars_are!(ObjectFields(None));
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<ObjectFields, E> {
                Ok(ObjectFields(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<ObjectFields, A::Error> {
                drain_seq(a).map(|_| ObjectFields(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<ObjectFields, A::Error> {
                Ok(ObjectFields(Some(Fields::read(a)?)))
            }
        }
        d.deserialize_any(V)
    }
}

/// A schema where it is a JSON object, `None` for anything else.
struct ObjectSchema(Option<Schema>);

impl<'de> Deserialize<'de> for ObjectSchema {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(ObjectSchema(
            ObjectFields::deserialize(d)?.0.map(Fields::schema),
        ))
    }
}

impl<'de> Deserialize<'de> for Schema {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(ObjectSchema::deserialize(d)?.0.unwrap_or_default())
    }
}

/// The `properties` of a schema, sorted (the last of repeated names wins); empty when it is
/// not an object.
struct Properties(PropertyList);

impl<'de> Deserialize<'de> for Properties {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Properties;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            scalars_are!(Properties(Box::default()));
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Properties, E> {
                Ok(Properties(Box::default()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Properties, A::Error> {
                drain_seq(a).map(|_| Properties(Box::default()))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Properties, A::Error> {
                let mut m = BTreeMap::new();
                while let Some((k, v)) = a.next_entry::<Box<str>, Schema>()? {
                    m.insert(k, v);
                }
                Ok(Properties(m.into_iter().collect()))
            }
        }
        d.deserialize_any(V)
    }
}

/// One `x-kubernetes-group-version-kind` item; `None` where a part is not a string.
#[derive(Default)]
struct Gvk {
    group: Option<Box<str>>,
    version: Option<Box<str>>,
    kind: Option<Box<str>>,
}

impl Gvk {
    fn is(&self, group: &str, version: &str, kind: &str) -> bool {
        self.group.as_deref() == Some(group)
            && self.version.as_deref() == Some(version)
            && self.kind.as_deref() == Some(kind)
    }
}

impl<'de> Deserialize<'de> for Gvk {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Gvk;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            scalars_are!(Gvk::default());
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Gvk, E> {
                Ok(Gvk::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Gvk, A::Error> {
                drain_seq(a).map(|_| Gvk::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Gvk, A::Error> {
                let mut g = Gvk::default();
                while let Some(k) = a.next_key::<LooseStr>()? {
                    let slot = match k.0.as_deref() {
                        Some("group") => &mut g.group,
                        Some("version") => &mut g.version,
                        Some("kind") => &mut g.kind,
                        _ => {
                            a.next_value::<IgnoredAny>()?;
                            continue;
                        }
                    };
                    *slot = a.next_value::<LooseStr>()?.0;
                }
                Ok(g)
            }
        }
        d.deserialize_any(V)
    }
}

/// The `x-kubernetes-group-version-kind` list; empty when it is not an array.
struct Gvks(Vec<Gvk>);

impl<'de> Deserialize<'de> for Gvks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Gvks;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            scalars_are!(Gvks(vec![]));
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Gvks, E> {
                Ok(Gvks(vec![]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Gvks, A::Error> {
                let mut out = vec![];
                while let Some(g) = a.next_element()? {
                    out.push(g);
                }
                Ok(Gvks(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, a: A) -> Result<Gvks, A::Error> {
                drain_map(a).map(|_| Gvks(vec![]))
            }
        }
        d.deserialize_any(V)
    }
}

/// The keys of one schema object as read (for each key the last occurrence wins).
#[derive(Default)]
struct Fields {
    reference: Option<Box<str>>,
    all_of: Option<Box<str>>,
    properties: Option<PropertyList>,
    additional: Option<Schema>,
    items: Option<Schema>,
    ext: Exts,
    gvks: Vec<Gvk>,
}

impl Fields {
    fn read<'de, A: MapAccess<'de>>(mut a: A) -> Result<Fields, A::Error> {
        let mut f = Fields::default();
        while let Some(k) = a.next_key::<Key>()? {
            match k {
                Key::Ref => f.reference = a.next_value::<LooseStr>()?.0,
                Key::AllOf => f.all_of = a.next_value::<FirstRef>()?.0,
                Key::Properties => f.properties = Some(a.next_value::<Properties>()?.0),
                Key::Additional => f.additional = a.next_value::<ObjectSchema>()?.0,
                Key::Items => f.items = a.next_value::<ObjectSchema>()?.0,
                Key::MapType => f.ext.map_type = Some(a.next_value()?),
                Key::ListType => f.ext.list_type = Some(a.next_value()?),
                Key::ListMapKeys => f.ext.list_map_keys = Some(a.next_value()?),
                Key::PatchStrategy => f.ext.patch_strategy = Some(a.next_value()?),
                Key::MergeBy => f.ext.patch_merge_key = Some(a.next_value()?),
                Key::Gvk => f.gvks = a.next_value::<Gvks>()?.0,
                Key::Other => {
                    a.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(f)
    }

    fn schema(self) -> Schema {
        let name = |r: Box<str>| -> Box<str> {
            match r.rsplit_once('/') {
                Some((_, n)) => n.into(),
                None => r,
            }
        };
        Schema {
            reference: self.reference.or(self.all_of).map(name),
            properties: self.properties.unwrap_or_default(),
            additional: self.additional.map(Box::new),
            items: self.items.map(Box::new),
            ext: (self.ext != Exts::default()).then(|| Box::new(self.ext)),
        }
    }
}

/// The `components.schemas` of a document: each definition with the kinds it is the root of,
/// in document order (the last of repeated names wins, at the first one's place).
#[derive(Default)]
pub(super) struct Definitions {
    order: Vec<Box<str>>,
    map: HashMap<Box<str>, (Schema, Vec<Gvk>)>,
}

impl Definitions {
    /// The types of `group/version` `kind`: the definition naming it in its
    /// `x-kubernetes-group-version-kind` and what it reaches.
    pub(super) fn kind(mut self, group: &str, version: &str, kind: &str) -> Option<KindTypes> {
        let root = self.order.iter().find(|n| {
            self.map
                .get(*n)
                .is_some_and(|(_, g)| g.iter().any(|g| g.is(group, version, kind)))
        })?;
        let root = root.clone();
        let mut all: HashMap<Box<str>, Schema> =
            self.map.drain().map(|(k, (s, _))| (k, s)).collect();
        Some(KindTypes {
            defs: reachable(&mut all, &root),
            root,
        })
    }

    /// All definitions, without their kinds.
    pub(super) fn into_schemas(self) -> HashMap<Box<str>, Schema> {
        self.map.into_iter().map(|(k, (s, _))| (k, s)).collect()
    }
}

impl<'de> Deserialize<'de> for Definitions {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Definitions;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            scalars_are!(Definitions::default());
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Definitions, E> {
                Ok(Definitions::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<Definitions, A::Error> {
                drain_seq(a).map(|_| Definitions::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Definitions, A::Error> {
                let mut out = Definitions::default();
                while let Some(name) = a.next_key::<Box<str>>()? {
                    let def = match a.next_value::<ObjectFields>()?.0 {
                        Some(mut f) => {
                            let gvks = std::mem::take(&mut f.gvks);
                            (f.schema(), gvks)
                        }
                        None => (Schema::default(), vec![]),
                    };
                    if !out.map.contains_key(&name) {
                        out.order.push(name.clone());
                    }
                    out.map.insert(name, def);
                }
                Ok(out)
            }
        }
        d.deserialize_any(V)
    }
}

/// The `components.schemas` of a whole OpenAPI v3 document, the rest skipped; empty where the
/// document has none.
pub(super) struct Document(pub Definitions);

impl<'de> Deserialize<'de> for Document {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        /// Reads the entry `key` of an object with `T`, skipping the others.
        struct Entry<T>(&'static str, std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Default> Visitor<'de> for Entry<T> {
            type Value = T;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("any value")
            }
            scalars_are!(T::default());
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<T, E> {
                Ok(T::default())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, a: A) -> Result<T, A::Error> {
                drain_seq(a).map(|_| T::default())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<T, A::Error> {
                let mut out = T::default();
                while let Some(k) = a.next_key::<LooseStr>()? {
                    if k.0.as_deref() == Some(self.0) {
                        out = a.next_value()?;
                    } else {
                        a.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(out)
            }
        }
        #[derive(Default)]
        struct Components(Definitions);
        impl<'de> Deserialize<'de> for Components {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(Entry::<Definitions>("schemas", Default::default()))
                    .map(Components)
            }
        }
        d.deserialize_any(Entry::<Components>("components", Default::default()))
            .map(|c| Document(c.0))
    }
}

// ---------------------------------------------------------------------------------------------
// the cache

/// One group-version's kinds, for one content hash of its document.
struct GroupVersion {
    hash: String,
    kinds: HashMap<String, Option<Arc<KindTypes>>>,
}

/// The kind types derived from one server's documents, by group-version path and kind. An
/// entry lives while its document's content hash is current.
#[derive(Default)]
pub struct TypeCache {
    entries: Mutex<HashMap<String, GroupVersion>>,
}

impl TypeCache {
    /// The types of `kind` in the document at `path` whose current hash is `hash`, built by
    /// `build` (from the document's bytes and their hash) on a miss. Entries of documents
    /// that changed or are gone (not in `current`) are dropped first.
    pub(super) fn get(
        &self,
        current: &BTreeMap<String, String>,
        path: &str,
        kind: &str,
        build: impl FnOnce() -> Option<(String, Option<KindTypes>)>,
    ) -> Option<Arc<KindTypes>> {
        {
            let mut entries = self.entries.lock();
            entries.retain(|p, gv| current.get(p) == Some(&gv.hash));
            let hash = current.get(path)?;
            if let Some(found) = entries
                .get(path)
                .filter(|gv| gv.hash == *hash)
                .and_then(|gv| gv.kinds.get(kind))
            {
                return found.clone();
            }
        }
        // Built without the lock: another kind's lookup need not wait for this one.
        let (built_hash, types) = build()?;
        let types = types.map(Arc::new);
        let mut entries = self.entries.lock();
        let gv = entries
            .entry(path.to_string())
            .or_insert_with(|| GroupVersion {
                hash: built_hash.clone(),
                kinds: HashMap::new(),
            });
        if gv.hash != built_hash {
            gv.hash = built_hash;
            gv.kinds.clear();
        }
        gv.kinds.insert(kind.to_string(), types.clone());
        entries.retain(|p, gv| current.get(p) == Some(&gv.hash));
        types
    }

    /// How many kinds are cached, over all group-versions.
    pub fn len(&self) -> usize {
        self.entries.lock().values().map(|gv| gv.kinds.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
