//! Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`).
//!
//! This module owns turning such a body — the magic `k8s\0`, then a `runtime.Unknown`
//! envelope whose `raw` holds the encoded object — into exactly the JSON that Kubernetes'
//! own JSON encoding gives the same object, which is what the rest of the API server works
//! with. It covers every built-in kind of the Kubernetes v1.36 API: all groups and versions
//! of k8s.io/api, meta/v1, apiextensions, apiregistration and metrics. It does not touch
//! responses (those stay JSON) nor decide what a request may do.
//!
//! The envelope is decoded with `k8s-pb`'s `Unknown`. The object is walked directly on the
//! wire, driven by [`SCHEMA`], a table generated from the Kubernetes API type definitions:
//! protobuf field numbers and types from their `generated.proto`, and from the Go structs the
//! JSON name, `omitempty`/`omitzero`, pointer or value, inline embedding and field order.
//! The protobuf field name is not always the JSON name (`uID`/`uid`, `ref`/`$ref`), and Go's
//! pointer-or-value distinction decides whether a zero is written, so both sources are needed.
//! Walking the wire rather than building `k8s-pb` structs keeps memory proportional to the
//! output: a 2-byte empty element of a repeated field would otherwise become a multi-kilobyte
//! Rust struct (`Volume` is 3 KiB).
//!
//! The JSON follows Go's `encoding/json` for the decoded Go struct, so a body from kubectl
//! ≥ 1.32 gives the same JSON that kubectl ≤ 1.31 sends for the same command:
//! * a field absent on the wire holds Go's zero value: a nil pointer (omitted, or `null`
//!   without `omitempty`), the zero struct, a nil slice or map;
//! * `omitempty` drops `""`, `0`, `false`, empty slices and maps and nil pointers, never a
//!   struct; `omitzero` drops zero values (it leaves out an unset `creationTimestamp`);
//! * embedded (`json:",inline"`) structs are flattened into their parent;
//! * fields come in Go declaration order, map keys sorted, `kind` and `apiVersion` first;
//! * types with their own JSON form: meta/v1 `Time` (RFC 3339, whole seconds), `MicroTime`
//!   (microseconds), `Duration` (Go duration string), `FieldsV1`, `IntOrString`, `Quantity`
//!   (the string as sent, not canonicalised), `RawExtension` (embedded JSON, or a nested
//!   protobuf object, which Kubernetes itself would refuse), apiextensions `JSON` and the
//!   `JSONSchemaPropsOr*` unions; named slices (`ExtraValue`, `Verbs`) are arrays; `bytes`
//!   are base64; invalid UTF-8 becomes U+FFFD.
//!
//! Unknown fields are skipped as Kubernetes does; the deprecated group wire types are
//! refused. Hostile input is bounded: nesting deeper than [`MAX_DEPTH`] JSON levels and
//! output estimated over [`MAX_OUTPUT_BYTES`] are refused, and the work is linear in the
//! body and the output. A level of nesting costs about 4 KiB of stack in debug builds.
//!
//! The schema text has one line per item:
//! * `package <protobuf package> <apiVersion or ->` starts a package;
//! * `[+][@]<Message> <field>...` is a message of the current package; `+` marks a kind of
//!   the package's apiVersion, `@` a Go named slice whose JSON is the array of its `items`;
//! * a field is `<number>:<json name>:<shape><type><flags>`: shape `?` pointer, `=` value,
//!   `*` repeated, `%` map from string; type a protobuf scalar, a message of the package or a
//!   fully qualified message; flags `!` (no `omitempty`) and `~` (`omitzero`); an empty json
//!   name marks an inline embedded struct;
//! * `meta <apiVersion>...` lists the group versions that also carry the meta/v1 kinds
//!   `WatchEvent` and the options kinds; `v1` also has `Status`, `APIVersions`,
//!   `APIGroupList`, `APIGroup` and `APIResourceList`.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use base64::Engine as _;
use prost::Message as _;
use serde_json::{Map, Value};

/// The Content-Type of Kubernetes protobuf bodies.
pub const CONTENT_TYPE: &str = "application/vnd.kubernetes.protobuf";

/// Prefix of every Kubernetes protobuf body.
const MAGIC: &[u8] = b"k8s\0";

/// Deepest JSON nesting a decoded object may have.
pub const MAX_DEPTH: usize = 100;

/// Most memory, estimated, that the JSON of a decoded object may take.
pub const MAX_OUTPUT_BYTES: usize = 64 << 20;

/// Estimated memory of a `serde_json::Value`, of an object's first allocation and of each
/// member besides its value (with `preserve_order`: hash, key, index slot, growth slack),
/// and of a wire field held while its message is decoded.
const VALUE_BYTES: usize = 80;
const OBJECT_BYTES: usize = 256;
const MEMBER_BYTES: usize = 160;
const WIRE_BYTES: usize = std::mem::size_of::<Wire<'static>>();

/// Why a protobuf body could not be decoded; every message suits a 400 Status.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProtobufError {
    /// The body does not start with `k8s\0`.
    #[error("protobuf body does not start with the kubernetes protobuf prefix")]
    MissingMagic,
    /// The `runtime.Unknown` envelope does not decode.
    #[error("malformed protobuf envelope: {0}")]
    MalformedEnvelope(String),
    /// The envelope's typeMeta lacks apiVersion or kind.
    #[error("protobuf envelope does not name the object's apiVersion and kind")]
    MissingTypeMeta,
    /// No built-in kind has this apiVersion and kind (custom resources have no protobuf form).
    #[error("no protobuf type known for {api_version}, Kind={kind}")]
    UnknownKind { api_version: String, kind: String },
    /// The envelope's contentEncoding is set (Kubernetes defines none).
    #[error("unsupported protobuf content encoding {0:?}")]
    UnsupportedEncoding(String),
    /// The envelope's contentType is neither empty nor protobuf.
    #[error("unsupported content type {0:?} inside protobuf envelope")]
    UnsupportedContentType(String),
    /// The object does not decode: truncated, a wrong wire type, embedded JSON that does not
    /// parse, a value JSON cannot hold.
    #[error("malformed protobuf object: {0}")]
    Malformed(String),
    /// The object nests deeper than [`MAX_DEPTH`].
    #[error("protobuf object nests deeper than {MAX_DEPTH} levels")]
    TooDeep,
    /// The object's JSON would take more than [`MAX_OUTPUT_BYTES`].
    #[error("protobuf object is too large: its JSON would take over {} MiB", MAX_OUTPUT_BYTES >> 20)]
    TooLarge,
}

/// Decodes a Kubernetes protobuf body into the object's JSON, with `apiVersion` and `kind`
/// taken from the envelope.
pub fn decode(body: &[u8]) -> Result<Value, ProtobufError> {
    let mut decoder = Decoder {
        schema: &SCHEMA_TABLES,
        bytes_left: MAX_OUTPUT_BYTES,
    };
    decoder.object(body, 1)
}

// ------------------------------------------------------------------------------------------
// Schema

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scalar {
    String,
    Int32,
    Int64,
    Bool,
    Double,
    Bytes,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ty {
    Scalar(Scalar),
    Message(usize),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    Pointer,
    Value,
    Repeated,
    Map,
}

#[derive(Debug)]
struct Field {
    number: u32,
    /// Empty for an inline embedded struct.
    json: Box<str>,
    shape: Shape,
    ty: Ty,
    omitempty: bool,
    omitzero: bool,
}

/// Messages whose JSON form is not the plain object of their fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Special {
    None,
    /// A Go named slice: the JSON array of field 1.
    NamedSlice,
    Time,
    MicroTime,
    Duration,
    FieldsV1,
    IntOrString,
    Quantity,
    RawExtension,
    Json,
    PropsOrArray,
    PropsOrBool,
    PropsOrStringArray,
}

#[derive(Debug)]
struct MessageType {
    name: Box<str>,
    special: Special,
    fields: Vec<Field>,
    /// Index into `fields` by field number.
    by_number: Vec<Option<u16>>,
}

impl MessageType {
    fn field(&self, number: u32) -> Option<usize> {
        self.by_number
            .get(number as usize)
            .copied()
            .flatten()
            .map(usize::from)
    }
}

#[derive(Debug)]
struct Schema {
    messages: Vec<MessageType>,
    /// `(apiVersion, kind)` to message.
    kinds: HashMap<(Box<str>, Box<str>), usize>,
}

static SCHEMA_TABLES: LazyLock<Schema> =
    LazyLock::new(|| Schema::parse(SCHEMA).expect("the embedded protobuf schema is valid"));

const META_PACKAGE: &str = "apimachinery.pkg.apis.meta.v1";
const META_GROUP_VERSION_KINDS: [&str; 7] = [
    "WatchEvent",
    "ListOptions",
    "GetOptions",
    "DeleteOptions",
    "CreateOptions",
    "UpdateOptions",
    "PatchOptions",
];
const META_UNVERSIONED_KINDS: [&str; 5] = [
    "Status",
    "APIVersions",
    "APIGroupList",
    "APIGroup",
    "APIResourceList",
];

fn special_of(name: &str) -> Special {
    let (package, short) = name.rsplit_once('.').unwrap_or(("", name));
    let apiextensions = package.starts_with("apiextensions_apiserver.pkg.apis.apiextensions.");
    match (package, short) {
        (META_PACKAGE, "Time") => Special::Time,
        (META_PACKAGE, "MicroTime") => Special::MicroTime,
        (META_PACKAGE, "Duration") => Special::Duration,
        (META_PACKAGE, "FieldsV1") => Special::FieldsV1,
        ("apimachinery.pkg.util.intstr", "IntOrString") => Special::IntOrString,
        ("apimachinery.pkg.api.resource", "Quantity" | "QuantityValue") => Special::Quantity,
        ("apimachinery.pkg.runtime", "RawExtension") => Special::RawExtension,
        (_, "JSON") if apiextensions => Special::Json,
        (_, "JSONSchemaPropsOrArray") if apiextensions => Special::PropsOrArray,
        (_, "JSONSchemaPropsOrBool") if apiextensions => Special::PropsOrBool,
        (_, "JSONSchemaPropsOrStringArray") if apiextensions => Special::PropsOrStringArray,
        _ => Special::None,
    }
}

impl Schema {
    fn parse(text: &str) -> Result<Schema, String> {
        struct Pending<'t> {
            package: &'t str,
            fields: Vec<&'t str>,
        }
        let mut messages = Vec::new();
        let mut pending = Vec::new();
        let mut index = HashMap::new();
        let mut kinds = HashMap::new();
        let mut package = "";
        let mut api_version = None;
        let mut meta_group_versions = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let mut words = line.split(' ');
            let head = words.next().unwrap_or_default();
            if head == "package" {
                package = words.next().ok_or("package without name")?;
                api_version = words.next().filter(|v| *v != "-");
                continue;
            }
            if head == "meta" {
                meta_group_versions.extend(words);
                continue;
            }
            let is_kind = head.starts_with('+');
            let head = head.trim_start_matches('+');
            let named_slice = head.starts_with('@');
            let short = head.trim_start_matches('@');
            let name = format!("{package}.{short}");
            let special = if named_slice {
                Special::NamedSlice
            } else {
                special_of(&name)
            };
            if is_kind {
                let api_version =
                    api_version.ok_or_else(|| format!("kind {name} without apiVersion"))?;
                kinds.insert((api_version.into(), short.into()), messages.len());
            }
            if index.insert(name.clone(), messages.len()).is_some() {
                return Err(format!("duplicate message {name}"));
            }
            messages.push(MessageType {
                name: name.into(),
                special,
                fields: Vec::new(),
                by_number: Vec::new(),
            });
            pending.push(Pending {
                package,
                fields: words.collect(),
            });
        }
        for (message, pending) in messages.iter_mut().zip(pending) {
            for token in pending.fields {
                let field = parse_field(token, pending.package, &index)
                    .map_err(|e| format!("{}: field {token}: {e}", message.name))?;
                let number = field.number as usize;
                if message.by_number.len() <= number {
                    message.by_number.resize(number + 1, None);
                }
                if message.by_number[number].is_some() {
                    return Err(format!("{}: duplicate field {number}", message.name));
                }
                message.by_number[number] = Some(message.fields.len() as u16);
                message.fields.push(field);
            }
            if message.special == Special::NamedSlice
                && !matches!(message.fields.as_slice(), [f] if f.number == 1 && f.shape == Shape::Repeated)
            {
                return Err(format!(
                    "{}: a named slice needs one repeated field 1",
                    message.name
                ));
            }
        }
        let meta = |short: &str| {
            index
                .get(&format!("{META_PACKAGE}.{short}"))
                .copied()
                .ok_or_else(|| format!("no meta message {short}"))
        };
        for group_version in meta_group_versions {
            for kind in META_GROUP_VERSION_KINDS {
                kinds.insert((group_version.into(), kind.into()), meta(kind)?);
            }
        }
        for kind in META_UNVERSIONED_KINDS {
            kinds.insert(("v1".into(), kind.into()), meta(kind)?);
        }
        Ok(Schema { messages, kinds })
    }
}

fn parse_field(
    token: &str,
    package: &str,
    index: &HashMap<String, usize>,
) -> Result<Field, String> {
    let mut parts = token.splitn(3, ':');
    let number: u32 = parts
        .next()
        .and_then(|n| n.parse().ok())
        .filter(|n| (1..=4096).contains(n))
        .ok_or("bad field number")?;
    let json = parts.next().ok_or("no json name")?;
    let rest = parts.next().ok_or("no type")?;
    let mut chars = rest.chars();
    let shape = match chars.next() {
        Some('?') => Shape::Pointer,
        Some('=') => Shape::Value,
        Some('*') => Shape::Repeated,
        Some('%') => Shape::Map,
        _ => return Err("bad shape".into()),
    };
    let rest = chars.as_str();
    let type_end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        .unwrap_or(rest.len());
    let (type_name, flags) = rest.split_at(type_end);
    if flags.chars().any(|c| c != '!' && c != '~') {
        return Err("bad flags".into());
    }
    let ty = match type_name {
        "string" => Ty::Scalar(Scalar::String),
        "int32" => Ty::Scalar(Scalar::Int32),
        "int64" => Ty::Scalar(Scalar::Int64),
        "bool" => Ty::Scalar(Scalar::Bool),
        "double" => Ty::Scalar(Scalar::Double),
        "bytes" => Ty::Scalar(Scalar::Bytes),
        name => {
            let full = if name.contains('.') {
                name.to_string()
            } else {
                format!("{package}.{name}")
            };
            Ty::Message(
                *index
                    .get(&full)
                    .ok_or_else(|| format!("unknown message {full}"))?,
            )
        }
    };
    if json.is_empty() && !(shape == Shape::Value && matches!(ty, Ty::Message(_))) {
        return Err("only value structs can be inline".into());
    }
    Ok(Field {
        number,
        json: json.into(),
        shape,
        ty,
        omitempty: !flags.contains('!'),
        omitzero: flags.contains('~'),
    })
}

// ------------------------------------------------------------------------------------------
// Wire format

#[derive(Clone, Copy, Debug)]
enum Wire<'a> {
    Varint(u64),
    Fixed64(u64),
    Fixed32,
    Bytes(&'a [u8]),
}

/// Reads one field of a protobuf message at a time.
struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u64, &'static str> {
        let mut value = 0u64;
        for i in 0..10 {
            let (&byte, rest) = self.buf.split_first().ok_or("truncated varint")?;
            self.buf = rest;
            if i == 9 && byte > 1 {
                return Err("varint overflows 64 bits");
            }
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("varint overflows 64 bits")
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], &'static str> {
        if self.buf.len() < n {
            return Err("truncated field");
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }

    fn next(&mut self) -> Result<Option<(u32, Wire<'a>)>, &'static str> {
        if self.buf.is_empty() {
            return Ok(None);
        }
        let key = self.varint()?;
        let number = u32::try_from(key >> 3)
            .ok()
            .filter(|n| *n != 0 && *n < 1 << 29)
            .ok_or("invalid field number")?;
        let wire = match key & 7 {
            0 => Wire::Varint(self.varint()?),
            1 => Wire::Fixed64(u64::from_le_bytes(
                self.take(8)?.try_into().expect("8 bytes"),
            )),
            2 => {
                let len = usize::try_from(self.varint()?).map_err(|_| "truncated field")?;
                Wire::Bytes(self.take(len)?)
            }
            5 => {
                self.take(4)?;
                Wire::Fixed32
            }
            _ => return Err("unsupported wire type"),
        };
        Ok(Some((number, wire)))
    }
}

/// What the wire held for one field of a message.
enum Slot<'a> {
    Absent,
    /// A singular scalar; the last occurrence wins.
    Scalar(Wire<'a>),
    /// A singular message; its occurrences merge.
    Parts(Vec<&'a [u8]>),
    /// A repeated field's elements, packed ones unpacked; or a map's entries.
    Items(Vec<Wire<'a>>),
}

// ------------------------------------------------------------------------------------------
// Decoding

struct Decoder<'s> {
    schema: &'s Schema,
    /// What is left of [`MAX_OUTPUT_BYTES`].
    bytes_left: usize,
}

type Result<T, E = ProtobufError> = std::result::Result<T, E>;

fn malformed(message: &MessageType, detail: impl std::fmt::Display) -> ProtobufError {
    ProtobufError::Malformed(format!("{}: {detail}", message.name))
}

impl<'s> Decoder<'s> {
    /// Counts `n` produced JSON values against the budget.
    fn charge(&mut self, n: usize) -> Result<()> {
        self.spend(n * VALUE_BYTES)
    }

    /// Counts an object member against the budget.
    fn member(&mut self, first: bool, key: &str) -> Result<()> {
        self.spend(if first { OBJECT_BYTES } else { 0 } + MEMBER_BYTES + key.len())
    }

    /// Counts memory of the output (string contents, object members) against the budget.
    fn spend(&mut self, bytes: usize) -> Result<()> {
        self.bytes_left = self
            .bytes_left
            .checked_sub(bytes)
            .ok_or(ProtobufError::TooLarge)?;
        Ok(())
    }

    /// A whole body: magic, envelope, object.
    fn object(&mut self, body: &[u8], depth: usize) -> Result<Value> {
        let raw = body
            .strip_prefix(MAGIC)
            .ok_or(ProtobufError::MissingMagic)?;
        let unknown = k8s_pb::apimachinery::pkg::runtime::Unknown::decode(raw)
            .map_err(|e| ProtobufError::MalformedEnvelope(e.to_string().to_lowercase()))?;
        let type_meta = unknown.type_meta.unwrap_or_default();
        let api_version = type_meta.api_version.unwrap_or_default();
        let kind = type_meta.kind.unwrap_or_default();
        if api_version.is_empty() || kind.is_empty() {
            return Err(ProtobufError::MissingTypeMeta);
        }
        if let Some(encoding) = unknown.content_encoding.filter(|e| !e.is_empty()) {
            return Err(ProtobufError::UnsupportedEncoding(encoding));
        }
        if let Some(content_type) = unknown
            .content_type
            .filter(|c| !c.is_empty() && c != CONTENT_TYPE)
        {
            return Err(ProtobufError::UnsupportedContentType(content_type));
        }
        let key = (Box::from(api_version.as_str()), Box::from(kind.as_str()));
        let Some(&message) = self.schema.kinds.get(&key) else {
            return Err(ProtobufError::UnknownKind { api_version, kind });
        };
        let raw = unknown.raw.unwrap_or_default();
        self.depth_check(depth)?;
        self.charge(3)?;
        self.spend(2 * MEMBER_BYTES + kind.len() + api_version.len())?;
        let mut out = Map::new();
        out.insert("kind".into(), Value::String(kind));
        out.insert("apiVersion".into(), Value::String(api_version));
        self.fill(message, &[&raw], depth, &mut out)?;
        Ok(Value::Object(out))
    }

    fn depth_check(&self, depth: usize) -> Result<()> {
        if depth > MAX_DEPTH {
            return Err(ProtobufError::TooDeep);
        }
        Ok(())
    }

    /// Sorts the wire fields of a message (given as the parts that merge into it) by field.
    fn collect<'a>(&mut self, message: &MessageType, parts: &[&'a [u8]]) -> Result<Vec<Slot<'a>>> {
        if parts.is_empty() {
            return Ok(Vec::new()); // every field absent
        }
        let mut slots: Vec<Slot<'a>> = message.fields.iter().map(|_| Slot::Absent).collect();
        for part in parts {
            let mut reader = Reader { buf: part };
            while let Some((number, wire)) = reader.next().map_err(|e| malformed(message, e))? {
                let Some(i) = message.field(number) else {
                    continue; // unknown fields are skipped, as Kubernetes does
                };
                let field = &message.fields[i];
                // Repeated elements and message parts are held until the message is built;
                // packed numbers take at least a byte each.
                let held = match (field.shape, field.ty, wire) {
                    (Shape::Repeated, Ty::Scalar(s), Wire::Bytes(b)) if s.is_numeric() => b.len(),
                    (Shape::Repeated | Shape::Map, _, _) => 1,
                    (_, Ty::Message(_), _) => 1,
                    _ => 0,
                };
                self.spend(held * WIRE_BYTES)?;
                let slot = &mut slots[i];
                let wrong = || {
                    malformed(
                        message,
                        format_args!("field {number} has the wrong wire type"),
                    )
                };
                match field.shape {
                    Shape::Repeated | Shape::Map => {
                        if !matches!(slot, Slot::Items(_)) {
                            *slot = Slot::Items(Vec::new());
                        }
                        let Slot::Items(items) = slot else {
                            unreachable!()
                        };
                        match (field.shape, field.ty, wire) {
                            (Shape::Map, _, Wire::Bytes(_)) => items.push(wire),
                            (Shape::Map, _, _) => return Err(wrong()),
                            (_, Ty::Scalar(s), Wire::Bytes(packed)) if s.is_numeric() => {
                                unpack(s, packed, items).map_err(|e| malformed(message, e))?
                            }
                            (_, ty, wire) if wire_matches(ty, wire) => items.push(wire),
                            _ => return Err(wrong()),
                        }
                    }
                    Shape::Pointer | Shape::Value => match (field.ty, wire) {
                        (Ty::Message(_), Wire::Bytes(bytes)) => {
                            if !matches!(slot, Slot::Parts(_)) {
                                *slot = Slot::Parts(Vec::new());
                            }
                            let Slot::Parts(list) = slot else {
                                unreachable!()
                            };
                            list.push(bytes);
                        }
                        (ty, wire) if wire_matches(ty, wire) => *slot = Slot::Scalar(wire),
                        _ => return Err(wrong()),
                    },
                }
            }
        }
        Ok(slots)
    }

    /// Adds the JSON fields of a struct message to `out`.
    ///
    /// `fill`, `field_value`, `value_field` and `message` recurse for nested messages; they
    /// are kept small so that a level of nesting costs little stack.
    fn fill(
        &mut self,
        index: usize,
        parts: &[&[u8]],
        depth: usize,
        out: &mut Map<String, Value>,
    ) -> Result<()> {
        let schema = self.schema;
        let message = &schema.messages[index];
        let mut slots = self.collect(message, parts)?.into_iter();
        for field in &message.fields {
            let slot = slots.next().unwrap_or(Slot::Absent);
            if field.json.is_empty() {
                self.fill_inline(field, slot, depth, out)?;
            } else if let Some(value) = self.field_value(message, field, slot, depth + 1)? {
                self.member(out.is_empty(), &field.json)?;
                out.insert(field.json.to_string(), value);
            }
        }
        Ok(())
    }

    /// Flattens an embedded struct into its parent, as Go does with `json:",inline"`.
    fn fill_inline(
        &mut self,
        field: &Field,
        slot: Slot<'_>,
        depth: usize,
        out: &mut Map<String, Value>,
    ) -> Result<()> {
        let Ty::Message(inner) = field.ty else {
            unreachable!("checked by the parser")
        };
        match slot {
            Slot::Parts(parts) => self.fill(inner, &parts, depth, out),
            _ => self.fill(inner, &[], depth, out),
        }
    }

    /// The JSON of one field, or None when Go would leave it out.
    fn field_value(
        &mut self,
        message: &MessageType,
        field: &Field,
        slot: Slot<'_>,
        depth: usize,
    ) -> Result<Option<Value>> {
        match (field.shape, slot) {
            (Shape::Value, slot) => self.value_field(message, field, slot, depth),
            (Shape::Repeated, Slot::Items(items)) => {
                self.array(message, field.ty, items, depth).map(Some)
            }
            (Shape::Map, Slot::Items(entries)) => {
                self.map(message, field.ty, entries, depth).map(Some)
            }
            (Shape::Pointer, Slot::Scalar(wire)) => self.scalar(message, field.ty, wire).map(Some),
            (Shape::Pointer, Slot::Parts(parts)) => {
                self.message(field.ty.message(), &parts, depth).map(Some)
            }
            // A nil pointer, slice or map.
            _ if field.omitempty || field.omitzero => Ok(None),
            _ => {
                self.charge(1)?;
                Ok(Some(Value::Null))
            }
        }
    }

    /// A field of a Go value type: absent on the wire it holds the type's zero value.
    fn value_field(
        &mut self,
        message: &MessageType,
        field: &Field,
        slot: Slot<'_>,
        depth: usize,
    ) -> Result<Option<Value>> {
        let value = match (field.ty, slot) {
            (Ty::Message(inner), Slot::Parts(parts)) => self.message(inner, &parts, depth)?,
            (Ty::Message(inner), _) => self.message(inner, &[], depth)?,
            (ty, Slot::Scalar(wire)) => self.scalar(message, ty, wire)?,
            (Ty::Scalar(scalar), _) => {
                self.charge(1)?;
                scalar.zero()
            }
        };
        let omit = (field.omitempty && self.go_empty(field.ty, &value))
            || (field.omitzero && self.go_zero(field.ty, &value, depth)?);
        Ok((!omit).then_some(value))
    }

    fn array(
        &mut self,
        message: &MessageType,
        ty: Ty,
        items: Vec<Wire<'_>>,
        depth: usize,
    ) -> Result<Value> {
        self.depth_check(depth)?;
        self.charge(1)?;
        let mut array = Vec::with_capacity(items.len());
        for item in items {
            array.push(self.element(message, ty, item, depth + 1)?);
        }
        Ok(Value::Array(array))
    }

    /// A map field: Go writes the keys sorted.
    fn map(
        &mut self,
        message: &MessageType,
        ty: Ty,
        entries: Vec<Wire<'_>>,
        depth: usize,
    ) -> Result<Value> {
        self.depth_check(depth)?;
        self.charge(1)?;
        let mut sorted = BTreeMap::new();
        for entry in entries {
            let Wire::Bytes(entry) = entry else {
                unreachable!("collect keeps map entries as bytes")
            };
            let (key, value) = self.map_entry(message, ty, entry, depth + 1)?;
            self.member(sorted.is_empty(), &key)?;
            sorted.insert(key, value);
        }
        Ok(Value::Object(sorted.into_iter().collect()))
    }

    /// Whether `omitempty` drops this value: empty scalars and slices, never structs.
    fn go_empty(&self, ty: Ty, value: &Value) -> bool {
        match ty {
            Ty::Scalar(_) => is_empty_json(value),
            Ty::Message(index) => {
                self.schema.messages[index].special == Special::NamedSlice && is_empty_json(value)
            }
        }
    }

    /// Whether `omitzero` drops this value: it is what the type's zero value encodes to.
    fn go_zero(&mut self, ty: Ty, value: &Value, depth: usize) -> Result<bool> {
        match ty {
            Ty::Scalar(scalar) => Ok(*value == scalar.zero()),
            Ty::Message(index) => Ok(*value == self.message(index, &[], depth)?),
        }
    }

    fn element(
        &mut self,
        message: &MessageType,
        ty: Ty,
        wire: Wire<'_>,
        depth: usize,
    ) -> Result<Value> {
        match (ty, wire) {
            (Ty::Message(inner), Wire::Bytes(bytes)) => self.message(inner, &[bytes], depth),
            (ty, wire) => self.scalar(message, ty, wire),
        }
    }

    fn map_entry(
        &mut self,
        message: &MessageType,
        ty: Ty,
        entry: &[u8],
        depth: usize,
    ) -> Result<(String, Value)> {
        let mut key = String::new();
        let mut value = None;
        let mut reader = Reader { buf: entry };
        while let Some((number, wire)) = reader.next().map_err(|e| malformed(message, e))? {
            match (number, wire) {
                (1, Wire::Bytes(bytes)) => key = String::from_utf8_lossy(bytes).into_owned(),
                (2, wire) if wire_matches(ty, wire) => value = Some(wire),
                (1 | 2, _) => return Err(malformed(message, "map entry has the wrong wire type")),
                _ => {}
            }
        }
        let value = match (ty, value) {
            (ty, Some(wire)) => self.element(message, ty, wire, depth)?,
            // Go starts from a new empty value, so a named slice is `[]`, not nil.
            (Ty::Message(inner), None) => self.message(inner, &[&[]], depth)?,
            (Ty::Scalar(scalar), None) => {
                self.charge(1)?;
                scalar.zero()
            }
        };
        Ok((key, value))
    }

    fn scalar(&mut self, message: &MessageType, ty: Ty, wire: Wire<'_>) -> Result<Value> {
        self.charge(1)?;
        if let Wire::Bytes(b) = wire {
            self.spend(b.len() / 3 * 4 + 4)?;
        }
        Ok(match (ty, wire) {
            (Ty::Scalar(Scalar::String), Wire::Bytes(b)) => {
                Value::String(String::from_utf8_lossy(b).into_owned())
            }
            (Ty::Scalar(Scalar::Bytes), Wire::Bytes(b)) => {
                Value::String(base64::engine::general_purpose::STANDARD.encode(b))
            }
            (Ty::Scalar(Scalar::Int32), Wire::Varint(v)) => Value::from(v as i32),
            (Ty::Scalar(Scalar::Int64), Wire::Varint(v)) => Value::from(v as i64),
            (Ty::Scalar(Scalar::Bool), Wire::Varint(v)) => Value::Bool(v != 0),
            (Ty::Scalar(Scalar::Double), Wire::Fixed64(v)) => {
                let f = f64::from_bits(v);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| malformed(message, format_args!("{f} has no JSON form")))?
            }
            _ => return Err(malformed(message, "wrong wire type")),
        })
    }

    /// The JSON of a message given the parts that merge into it; no parts means Go's zero
    /// value.
    fn message(&mut self, index: usize, parts: &[&[u8]], depth: usize) -> Result<Value> {
        self.depth_check(depth)?;
        if self.schema.messages[index].special != Special::None {
            return self.special(index, parts, depth);
        }
        self.charge(1)?;
        let mut out = Map::new();
        self.fill(index, parts, depth, &mut out)?;
        Ok(Value::Object(out))
    }

    /// The JSON of a message with its own JSON form.
    fn special(&mut self, index: usize, parts: &[&[u8]], depth: usize) -> Result<Value> {
        let schema = self.schema;
        let message = &schema.messages[index];
        let slots = self.collect(message, parts)?;
        let mut by_number: BTreeMap<u32, Slot<'_>> =
            message.fields.iter().map(|f| f.number).zip(slots).collect();
        let mut take = |n: u32| by_number.remove(&n).unwrap_or(Slot::Absent);
        let int = |slot: &Slot<'_>| match slot {
            Slot::Scalar(Wire::Varint(v)) => *v as i64,
            _ => 0,
        };
        let special = message.special;
        let value = match special {
            Special::None => unreachable!("plain messages are not special"),
            Special::NamedSlice => {
                self.charge(1)?;
                if parts.is_empty() {
                    return Ok(Value::Null);
                }
                let ty = message.fields[0].ty;
                let items = match take(1) {
                    Slot::Items(items) => items,
                    _ => Vec::new(),
                };
                let mut array = Vec::with_capacity(items.len());
                for item in items {
                    array.push(self.element(message, ty, item, depth + 1)?);
                }
                return Ok(Value::Array(array));
            }
            Special::Time | Special::MicroTime => {
                let seconds = int(&take(1));
                let nanos = int(&take(2)) as i32;
                if parts.iter().all(|p| p.is_empty()) {
                    Value::Null
                } else if special == Special::MicroTime {
                    format_time(seconds, nanos, true).map_or(Value::Null, Value::String)
                } else {
                    // Time keeps whole seconds only.
                    format_time(seconds, 0, false).map_or(Value::Null, Value::String)
                }
            }
            Special::Duration => Value::String(go_duration(int(&take(1)))),
            Special::IntOrString => match int(&take(1)) {
                0 => Value::from(int(&take(2)) as i32),
                1 => match take(3) {
                    Slot::Scalar(Wire::Bytes(b)) => {
                        Value::String(String::from_utf8_lossy(b).into_owned())
                    }
                    _ => Value::String(String::new()),
                },
                other => {
                    return Err(malformed(
                        message,
                        format_args!("unknown IntOrString type {other}"),
                    ));
                }
            },
            Special::Quantity => match take(1) {
                Slot::Scalar(Wire::Bytes(b)) => {
                    Value::String(String::from_utf8_lossy(b).into_owned())
                }
                _ => Value::String("0".into()),
            },
            Special::RawExtension => {
                let raw = slot_bytes(take(1));
                if raw.starts_with(MAGIC) {
                    return self.object(raw, depth);
                }
                return self.embedded_json(message, raw, depth);
            }
            Special::FieldsV1 | Special::Json => {
                return self.embedded_json(message, slot_bytes(take(1)), depth);
            }
            Special::PropsOrArray | Special::PropsOrBool | Special::PropsOrStringArray => {
                let (schema_number, other_number) = match special {
                    Special::PropsOrBool => (2, 1),
                    _ => (1, 2),
                };
                let schema_slot = take(schema_number);
                let other = take(other_number);
                let schema_field =
                    &message.fields[message.field(schema_number).expect("schema field")];
                let other_field =
                    &message.fields[message.field(other_number).expect("other field")];
                let has_schema = matches!(schema_slot, Slot::Parts(_));
                let other_is_list = matches!(&other, Slot::Items(items) if !items.is_empty());
                return Ok(match special {
                    Special::PropsOrBool if !has_schema => {
                        self.charge(1)?;
                        Value::Bool(int(&other) != 0)
                    }
                    Special::PropsOrBool => self
                        .field_value(message, schema_field, schema_slot, depth)?
                        .unwrap_or_default(),
                    _ if other_is_list => self
                        .field_value(message, other_field, other, depth)?
                        .unwrap_or_default(),
                    _ if has_schema => self
                        .field_value(message, schema_field, schema_slot, depth)?
                        .unwrap_or_default(),
                    _ => {
                        self.charge(1)?;
                        Value::Null
                    }
                });
            }
        };
        self.charge(1)?;
        if let Value::String(text) = &value {
            self.spend(text.len())?;
        }
        Ok(value)
    }

    /// Raw JSON carried in a bytes field (RawExtension, FieldsV1, apiextensions JSON).
    fn embedded_json(&mut self, message: &MessageType, raw: &[u8], depth: usize) -> Result<Value> {
        if raw.is_empty() {
            self.charge(1)?;
            return Ok(Value::Null);
        }
        let value: Value = serde_json::from_slice(raw)
            .map_err(|e| malformed(message, format_args!("embedded JSON: {e}")))?;
        // Count what the parse produced, without recursion.
        let mut stack = vec![(&value, depth)];
        while let Some((v, d)) = stack.pop() {
            self.depth_check(d)?;
            self.charge(1)?;
            match v {
                Value::Array(items) => stack.extend(items.iter().map(|i| (i, d + 1))),
                Value::Object(map) => {
                    for (i, (key, value)) in map.iter().enumerate() {
                        self.member(i == 0, key)?;
                        stack.push((value, d + 1));
                    }
                }
                Value::String(text) => self.spend(text.len())?,
                _ => {}
            }
        }
        Ok(value)
    }
}

impl Ty {
    fn message(self) -> usize {
        match self {
            Ty::Message(index) => index,
            Ty::Scalar(_) => unreachable!("collect keeps message parts only for messages"),
        }
    }
}

impl Scalar {
    fn is_numeric(self) -> bool {
        matches!(
            self,
            Scalar::Int32 | Scalar::Int64 | Scalar::Bool | Scalar::Double
        )
    }

    /// The JSON of Go's zero value; `bytes` is a nil slice.
    fn zero(self) -> Value {
        match self {
            Scalar::String => Value::String(String::new()),
            Scalar::Int32 | Scalar::Int64 => Value::from(0),
            Scalar::Bool => Value::Bool(false),
            Scalar::Double => Value::from(0.0),
            Scalar::Bytes => Value::Null,
        }
    }
}

fn wire_matches(ty: Ty, wire: Wire<'_>) -> bool {
    matches!(
        (ty, wire),
        (Ty::Message(_), Wire::Bytes(_))
            | (Ty::Scalar(Scalar::String | Scalar::Bytes), Wire::Bytes(_))
            | (
                Ty::Scalar(Scalar::Int32 | Scalar::Int64 | Scalar::Bool),
                Wire::Varint(_)
            )
            | (Ty::Scalar(Scalar::Double), Wire::Fixed64(_))
    )
}

fn unpack<'a>(
    scalar: Scalar,
    packed: &'a [u8],
    items: &mut Vec<Wire<'a>>,
) -> Result<(), &'static str> {
    let mut reader = Reader { buf: packed };
    while !reader.buf.is_empty() {
        items.push(match scalar {
            Scalar::Double => Wire::Fixed64(u64::from_le_bytes(
                reader.take(8)?.try_into().expect("8 bytes"),
            )),
            _ => Wire::Varint(reader.varint()?),
        });
    }
    Ok(())
}

fn slot_bytes(slot: Slot<'_>) -> &[u8] {
    match slot {
        Slot::Scalar(Wire::Bytes(b)) => b,
        _ => &[],
    }
}

fn is_empty_json(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
    }
}

// ------------------------------------------------------------------------------------------
// Go formatting of times and durations

/// Seconds from 0001-01-01T00:00:00Z to the Unix epoch: Go's zero `time.Time`.
const GO_ZERO_TIME_UNIX: i64 = -62_135_596_800;

/// RFC 3339 in UTC as meta/v1 Time (whole seconds) or MicroTime (six fraction digits) encode
/// it; None for Go's zero time, which encodes as `null`.
fn format_time(seconds: i64, nanos: i32, micro: bool) -> Option<String> {
    // MicroTime truncates the nanoseconds towards zero to whole microseconds, then
    // time.Unix normalises them into [0, 1e9).
    let nanos = nanos - nanos % 1000;
    let total = i128::from(seconds) * 1_000_000_000 + i128::from(nanos);
    let seconds = total.div_euclid(1_000_000_000);
    let micros = (total.rem_euclid(1_000_000_000) / 1000) as u32;
    if seconds == i128::from(GO_ZERO_TIME_UNIX) && micros == 0 {
        return None;
    }
    let days = seconds.div_euclid(86_400);
    let secs_of_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let year = if year < 0 {
        format!("-{:04}", -year)
    } else {
        format!("{year:04}")
    };
    let (h, m, s) = (secs_of_day / 3600, secs_of_day / 60 % 60, secs_of_day % 60);
    Some(if micro {
        format!("{year}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}.{micros:06}Z")
    } else {
        format!("{year}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}Z")
    })
}

/// Proleptic Gregorian (year, month, day) of a day count from 1970-01-01.
fn civil_from_days(days: i128) -> (i128, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i128::from(month <= 2);
    (year, month, day)
}

/// A duration in nanoseconds as Go's `time.Duration.String` writes it, e.g. `1h2m3.5s`.
fn go_duration(nanos: i64) -> String {
    /// Writes `v / 10^prec` with the fraction's trailing zeros (and a bare point) dropped.
    fn frac(v: u64, prec: u32) -> String {
        let unit = 10u64.pow(prec);
        let (whole, fraction) = (v / unit, v % unit);
        if fraction == 0 {
            return whole.to_string();
        }
        let digits = format!("{fraction:0width$}", width = prec as usize);
        format!("{whole}.{}", digits.trim_end_matches('0'))
    }
    if nanos == 0 {
        return "0s".into();
    }
    let sign = if nanos < 0 { "-" } else { "" };
    let u = nanos.unsigned_abs();
    let body = if u < 1_000 {
        format!("{u}ns")
    } else if u < 1_000_000 {
        format!("{}µs", frac(u, 3))
    } else if u < 1_000_000_000 {
        format!("{}ms", frac(u, 6))
    } else {
        let seconds = u / 1_000_000_000;
        let sub = u % 1_000_000_000;
        let secs = frac((seconds % 60) * 1_000_000_000 + sub, 9);
        let minutes = seconds / 60;
        if minutes == 0 {
            format!("{secs}s")
        } else if minutes < 60 {
            format!("{minutes}m{secs}s")
        } else {
            format!("{}h{}m{secs}s", minutes / 60, minutes % 60)
        }
    };
    format!("{sign}{body}")
}

/// The wire schema of the Kubernetes v1.36 API; format in the module documentation.
/// Generated from the Kubernetes API types (k8s.io/api, apimachinery, apiextensions-apiserver,
/// kube-aggregator and metrics at v0.36.0) by the schema generator; do not edit by hand.
const SCHEMA: &str = r#"
package api.admission.v1 admission.k8s.io/v1
AdmissionRequest 1:uid:=string! 2:kind:=apimachinery.pkg.apis.meta.v1.GroupVersionKind! 3:resource:=apimachinery.pkg.apis.meta.v1.GroupVersionResource! 4:subResource:=string 13:requestKind:?apimachinery.pkg.apis.meta.v1.GroupVersionKind 14:requestResource:?apimachinery.pkg.apis.meta.v1.GroupVersionResource 15:requestSubResource:=string 5:name:=string 6:namespace:=string 7:operation:=string! 8:userInfo:=api.authentication.v1.UserInfo! 9:object:=apimachinery.pkg.runtime.RawExtension 10:oldObject:=apimachinery.pkg.runtime.RawExtension 11:dryRun:?bool 12:options:=apimachinery.pkg.runtime.RawExtension
AdmissionResponse 1:uid:=string! 2:allowed:=bool! 3:status:?apimachinery.pkg.apis.meta.v1.Status 4:patch:=bytes 5:patchType:?string 6:auditAnnotations:%string 7:warnings:*string
+AdmissionReview 1:request:?AdmissionRequest 2:response:?AdmissionResponse
package api.admission.v1beta1 admission.k8s.io/v1beta1
AdmissionRequest 1:uid:=string! 2:kind:=apimachinery.pkg.apis.meta.v1.GroupVersionKind! 3:resource:=apimachinery.pkg.apis.meta.v1.GroupVersionResource! 4:subResource:=string 13:requestKind:?apimachinery.pkg.apis.meta.v1.GroupVersionKind 14:requestResource:?apimachinery.pkg.apis.meta.v1.GroupVersionResource 15:requestSubResource:=string 5:name:=string 6:namespace:=string 7:operation:=string! 8:userInfo:=api.authentication.v1.UserInfo! 9:object:=apimachinery.pkg.runtime.RawExtension 10:oldObject:=apimachinery.pkg.runtime.RawExtension 11:dryRun:?bool 12:options:=apimachinery.pkg.runtime.RawExtension
AdmissionResponse 1:uid:=string! 2:allowed:=bool! 3:status:?apimachinery.pkg.apis.meta.v1.Status 4:patch:=bytes 5:patchType:?string 6:auditAnnotations:%string 7:warnings:*string
+AdmissionReview 1:request:?AdmissionRequest 2:response:?AdmissionResponse
package api.admissionregistration.v1 admissionregistration.k8s.io/v1
ApplyConfiguration 1:expression:=string
AuditAnnotation 1:key:=string! 2:valueExpression:=string!
ExpressionWarning 2:fieldRef:=string! 3:warning:=string!
JSONPatch 1:expression:=string
MatchCondition 1:name:=string! 2:expression:=string!
MatchResources 1:namespaceSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 2:objectSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 3:resourceRules:*NamedRuleWithOperations 4:excludeResourceRules:*NamedRuleWithOperations 7:matchPolicy:?string
+MutatingAdmissionPolicy 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=MutatingAdmissionPolicySpec
+MutatingAdmissionPolicyBinding 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=MutatingAdmissionPolicyBindingSpec
+MutatingAdmissionPolicyBindingList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*MutatingAdmissionPolicyBinding!
MutatingAdmissionPolicyBindingSpec 1:policyName:=string 2:paramRef:?ParamRef 3:matchResources:?MatchResources
+MutatingAdmissionPolicyList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*MutatingAdmissionPolicy!
MutatingAdmissionPolicySpec 1:paramKind:?ParamKind 2:matchConstraints:?MatchResources 3:variables:*Variable 4:mutations:*Mutation 5:failurePolicy:?string 6:matchConditions:*MatchCondition 7:reinvocationPolicy:=string
MutatingWebhook 1:name:=string! 2:clientConfig:=WebhookClientConfig! 3:rules:*RuleWithOperations 4:failurePolicy:?string 9:matchPolicy:?string 5:namespaceSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 11:objectSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 6:sideEffects:?string! 7:timeoutSeconds:?int32 8:admissionReviewVersions:*string! 10:reinvocationPolicy:?string 12:matchConditions:*MatchCondition
+MutatingWebhookConfiguration 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:webhooks:*MutatingWebhook
+MutatingWebhookConfigurationList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*MutatingWebhookConfiguration!
Mutation 2:patchType:=string! 3:applyConfiguration:?ApplyConfiguration 4:jsonPatch:?JSONPatch
NamedRuleWithOperations 1:resourceNames:*string 2::=RuleWithOperations!
ParamKind 1:apiVersion:=string 2:kind:=string
ParamRef 1:name:=string 2:namespace:=string 3:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector 4:parameterNotFoundAction:?string
Rule 1:apiGroups:*string 2:apiVersions:*string 3:resources:*string 4:scope:?string
RuleWithOperations 1:operations:*string 2::=Rule!
ServiceReference 1:namespace:=string! 2:name:=string! 3:path:?string 4:port:?int32
TypeChecking 1:expressionWarnings:*ExpressionWarning
+ValidatingAdmissionPolicy 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ValidatingAdmissionPolicySpec 3:status:=ValidatingAdmissionPolicyStatus
+ValidatingAdmissionPolicyBinding 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ValidatingAdmissionPolicyBindingSpec
+ValidatingAdmissionPolicyBindingList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ValidatingAdmissionPolicyBinding!
ValidatingAdmissionPolicyBindingSpec 1:policyName:=string 2:paramRef:?ParamRef 3:matchResources:?MatchResources 4:validationActions:*string
+ValidatingAdmissionPolicyList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ValidatingAdmissionPolicy!
ValidatingAdmissionPolicySpec 1:paramKind:?ParamKind 2:matchConstraints:?MatchResources 3:validations:*Validation 4:failurePolicy:?string 5:auditAnnotations:*AuditAnnotation 6:matchConditions:*MatchCondition 7:variables:*Variable
ValidatingAdmissionPolicyStatus 1:observedGeneration:=int64 2:typeChecking:?TypeChecking 3:conditions:*apimachinery.pkg.apis.meta.v1.Condition
ValidatingWebhook 1:name:=string! 2:clientConfig:=WebhookClientConfig! 3:rules:*RuleWithOperations 4:failurePolicy:?string 9:matchPolicy:?string 5:namespaceSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 10:objectSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 6:sideEffects:?string! 7:timeoutSeconds:?int32 8:admissionReviewVersions:*string! 11:matchConditions:*MatchCondition
+ValidatingWebhookConfiguration 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:webhooks:*ValidatingWebhook
+ValidatingWebhookConfigurationList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ValidatingWebhookConfiguration!
Validation 1:expression:=string! 2:message:=string 3:reason:?string 4:messageExpression:=string
Variable 1:name:=string! 2:expression:=string!
WebhookClientConfig 3:url:?string 1:service:?ServiceReference 2:caBundle:=bytes
package api.admissionregistration.v1alpha1 admissionregistration.k8s.io/v1alpha1
ApplyConfiguration 1:expression:=string
AuditAnnotation 1:key:=string! 2:valueExpression:=string!
ExpressionWarning 2:fieldRef:=string! 3:warning:=string!
JSONPatch 1:expression:=string
MatchCondition 1:name:=string! 2:expression:=string!
MatchResources 1:namespaceSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 2:objectSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 3:resourceRules:*NamedRuleWithOperations 4:excludeResourceRules:*NamedRuleWithOperations 7:matchPolicy:?string
+MutatingAdmissionPolicy 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=MutatingAdmissionPolicySpec
+MutatingAdmissionPolicyBinding 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=MutatingAdmissionPolicyBindingSpec
+MutatingAdmissionPolicyBindingList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*MutatingAdmissionPolicyBinding!
MutatingAdmissionPolicyBindingSpec 1:policyName:=string 2:paramRef:?ParamRef 3:matchResources:?MatchResources
+MutatingAdmissionPolicyList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*MutatingAdmissionPolicy!
MutatingAdmissionPolicySpec 1:paramKind:?ParamKind 2:matchConstraints:?MatchResources 3:variables:*Variable 4:mutations:*Mutation 5:failurePolicy:?string 6:matchConditions:*MatchCondition 7:reinvocationPolicy:=string
Mutation 2:patchType:=string! 3:applyConfiguration:?ApplyConfiguration 4:jsonPatch:?JSONPatch
NamedRuleWithOperations 1:resourceNames:*string 2::=api.admissionregistration.v1.RuleWithOperations!
ParamKind 1:apiVersion:=string 2:kind:=string
ParamRef 1:name:=string 2:namespace:=string 3:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector 4:parameterNotFoundAction:?string
TypeChecking 1:expressionWarnings:*ExpressionWarning
+ValidatingAdmissionPolicy 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ValidatingAdmissionPolicySpec 3:status:=ValidatingAdmissionPolicyStatus
+ValidatingAdmissionPolicyBinding 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ValidatingAdmissionPolicyBindingSpec
+ValidatingAdmissionPolicyBindingList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ValidatingAdmissionPolicyBinding!
ValidatingAdmissionPolicyBindingSpec 1:policyName:=string 2:paramRef:?ParamRef 3:matchResources:?MatchResources 4:validationActions:*string
+ValidatingAdmissionPolicyList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ValidatingAdmissionPolicy!
ValidatingAdmissionPolicySpec 1:paramKind:?ParamKind 2:matchConstraints:?MatchResources 3:validations:*Validation 4:failurePolicy:?string 5:auditAnnotations:*AuditAnnotation 6:matchConditions:*MatchCondition 7:variables:*Variable
ValidatingAdmissionPolicyStatus 1:observedGeneration:=int64 2:typeChecking:?TypeChecking 3:conditions:*apimachinery.pkg.apis.meta.v1.Condition
Validation 1:expression:=string! 2:message:=string 3:reason:?string 4:messageExpression:=string
Variable 1:name:=string! 2:expression:=string!
package api.admissionregistration.v1beta1 admissionregistration.k8s.io/v1beta1
ApplyConfiguration 1:expression:=string
AuditAnnotation 1:key:=string! 2:valueExpression:=string!
ExpressionWarning 2:fieldRef:=string! 3:warning:=string!
JSONPatch 1:expression:=string
MatchCondition 1:name:=string! 2:expression:=string!
MatchResources 1:namespaceSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 2:objectSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 3:resourceRules:*NamedRuleWithOperations 4:excludeResourceRules:*NamedRuleWithOperations 7:matchPolicy:?string
+MutatingAdmissionPolicy 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=MutatingAdmissionPolicySpec
+MutatingAdmissionPolicyBinding 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=MutatingAdmissionPolicyBindingSpec
+MutatingAdmissionPolicyBindingList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*MutatingAdmissionPolicyBinding!
MutatingAdmissionPolicyBindingSpec 1:policyName:=string 2:paramRef:?ParamRef 3:matchResources:?MatchResources
+MutatingAdmissionPolicyList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*MutatingAdmissionPolicy!
MutatingAdmissionPolicySpec 1:paramKind:?ParamKind 2:matchConstraints:?MatchResources 3:variables:*Variable 4:mutations:*Mutation 5:failurePolicy:?string 6:matchConditions:*MatchCondition 7:reinvocationPolicy:=string
MutatingWebhook 1:name:=string! 2:clientConfig:=WebhookClientConfig! 3:rules:*api.admissionregistration.v1.RuleWithOperations 4:failurePolicy:?string 9:matchPolicy:?string 5:namespaceSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 11:objectSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 6:sideEffects:?string 7:timeoutSeconds:?int32 8:admissionReviewVersions:*string 10:reinvocationPolicy:?string 12:matchConditions:*MatchCondition
+MutatingWebhookConfiguration 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:webhooks:*MutatingWebhook
+MutatingWebhookConfigurationList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*MutatingWebhookConfiguration!
Mutation 2:patchType:=string! 3:applyConfiguration:?ApplyConfiguration 4:jsonPatch:?JSONPatch
NamedRuleWithOperations 1:resourceNames:*string 2::=api.admissionregistration.v1.RuleWithOperations!
ParamKind 1:apiVersion:=string 2:kind:=string
ParamRef 1:name:=string 2:namespace:=string 3:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector 4:parameterNotFoundAction:?string
ServiceReference 1:namespace:=string! 2:name:=string! 3:path:?string 4:port:?int32
TypeChecking 1:expressionWarnings:*ExpressionWarning
+ValidatingAdmissionPolicy 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ValidatingAdmissionPolicySpec 3:status:=ValidatingAdmissionPolicyStatus
+ValidatingAdmissionPolicyBinding 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ValidatingAdmissionPolicyBindingSpec
+ValidatingAdmissionPolicyBindingList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ValidatingAdmissionPolicyBinding!
ValidatingAdmissionPolicyBindingSpec 1:policyName:=string 2:paramRef:?ParamRef 3:matchResources:?MatchResources 4:validationActions:*string
+ValidatingAdmissionPolicyList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ValidatingAdmissionPolicy!
ValidatingAdmissionPolicySpec 1:paramKind:?ParamKind 2:matchConstraints:?MatchResources 3:validations:*Validation 4:failurePolicy:?string 5:auditAnnotations:*AuditAnnotation 6:matchConditions:*MatchCondition 7:variables:*Variable
ValidatingAdmissionPolicyStatus 1:observedGeneration:=int64 2:typeChecking:?TypeChecking 3:conditions:*apimachinery.pkg.apis.meta.v1.Condition
ValidatingWebhook 1:name:=string! 2:clientConfig:=WebhookClientConfig! 3:rules:*api.admissionregistration.v1.RuleWithOperations 4:failurePolicy:?string 9:matchPolicy:?string 5:namespaceSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 10:objectSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 6:sideEffects:?string 7:timeoutSeconds:?int32 8:admissionReviewVersions:*string 11:matchConditions:*MatchCondition
+ValidatingWebhookConfiguration 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:webhooks:*ValidatingWebhook
+ValidatingWebhookConfigurationList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ValidatingWebhookConfiguration!
Validation 1:expression:=string! 2:message:=string 3:reason:?string 4:messageExpression:=string
Variable 1:name:=string! 2:expression:=string!
WebhookClientConfig 3:url:?string 1:service:?ServiceReference 2:caBundle:=bytes
package api.apidiscovery.v2 apidiscovery.k8s.io/v2
+APIGroupDiscovery 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:versions:*APIVersionDiscovery
+APIGroupDiscoveryList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*APIGroupDiscovery!
APIResourceDiscovery 1:resource:=string! 2:responseKind:?apimachinery.pkg.apis.meta.v1.GroupVersionKind 3:scope:=string! 4:singularResource:=string! 5:verbs:*string! 6:shortNames:*string 7:categories:*string 8:subresources:*APISubresourceDiscovery
APISubresourceDiscovery 1:subresource:=string! 2:responseKind:?apimachinery.pkg.apis.meta.v1.GroupVersionKind 3:acceptedTypes:*apimachinery.pkg.apis.meta.v1.GroupVersionKind 4:verbs:*string!
APIVersionDiscovery 1:version:=string! 2:resources:*APIResourceDiscovery 3:freshness:=string
package api.apidiscovery.v2beta1 apidiscovery.k8s.io/v2beta1
+APIGroupDiscovery 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:versions:*APIVersionDiscovery
+APIGroupDiscoveryList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*APIGroupDiscovery!
APIResourceDiscovery 1:resource:=string! 2:responseKind:?apimachinery.pkg.apis.meta.v1.GroupVersionKind 3:scope:=string! 4:singularResource:=string! 5:verbs:*string! 6:shortNames:*string 7:categories:*string 8:subresources:*APISubresourceDiscovery
APISubresourceDiscovery 1:subresource:=string! 2:responseKind:?apimachinery.pkg.apis.meta.v1.GroupVersionKind 3:acceptedTypes:*apimachinery.pkg.apis.meta.v1.GroupVersionKind 4:verbs:*string!
APIVersionDiscovery 1:version:=string! 2:resources:*APIResourceDiscovery 3:freshness:=string
package api.apiserverinternal.v1alpha1 internal.apiserver.k8s.io/v1alpha1
ServerStorageVersion 1:apiServerID:=string 2:encodingVersion:=string 3:decodableVersions:*string 4:servedVersions:*string
+StorageVersion 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=StorageVersionSpec! 3:status:=StorageVersionStatus!
StorageVersionCondition 1:type:=string! 2:status:=string! 3:observedGeneration:=int64 4:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 5:reason:=string! 6:message:=string
+StorageVersionList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*StorageVersion!
StorageVersionSpec
StorageVersionStatus 1:storageVersions:*ServerStorageVersion 2:commonEncodingVersion:?string 3:conditions:*StorageVersionCondition
package api.apps.v1 apps/v1
+ControllerRevision 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:data:=apimachinery.pkg.runtime.RawExtension 3:revision:=int64!
+ControllerRevisionList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ControllerRevision!
+DaemonSet 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=DaemonSetSpec 3:status:=DaemonSetStatus
DaemonSetCondition 1:type:=string! 2:status:=string! 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+DaemonSetList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*DaemonSet!
DaemonSetSpec 1:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector! 2:template:=api.core.v1.PodTemplateSpec! 3:updateStrategy:=DaemonSetUpdateStrategy 4:minReadySeconds:=int32 6:revisionHistoryLimit:?int32
DaemonSetStatus 1:currentNumberScheduled:=int32! 2:numberMisscheduled:=int32! 3:desiredNumberScheduled:=int32! 4:numberReady:=int32! 5:observedGeneration:=int64 6:updatedNumberScheduled:=int32 7:numberAvailable:=int32 8:numberUnavailable:=int32 9:collisionCount:?int32 10:conditions:*DaemonSetCondition
DaemonSetUpdateStrategy 1:type:=string 2:rollingUpdate:?RollingUpdateDaemonSet
+Deployment 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=DeploymentSpec 3:status:=DeploymentStatus
DeploymentCondition 1:type:=string! 2:status:=string! 6:lastUpdateTime:=apimachinery.pkg.apis.meta.v1.Time 7:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+DeploymentList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Deployment!
DeploymentSpec 1:replicas:?int32 2:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector! 3:template:=api.core.v1.PodTemplateSpec! 4:strategy:=DeploymentStrategy 5:minReadySeconds:=int32 6:revisionHistoryLimit:?int32 7:paused:=bool 9:progressDeadlineSeconds:?int32
DeploymentStatus 1:observedGeneration:=int64 2:replicas:=int32 3:updatedReplicas:=int32 7:readyReplicas:=int32 4:availableReplicas:=int32 5:unavailableReplicas:=int32 9:terminatingReplicas:?int32 6:conditions:*DeploymentCondition 8:collisionCount:?int32
DeploymentStrategy 1:type:=string 2:rollingUpdate:?RollingUpdateDeployment
+ReplicaSet 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ReplicaSetSpec 3:status:=ReplicaSetStatus
ReplicaSetCondition 1:type:=string! 2:status:=string! 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+ReplicaSetList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ReplicaSet!
ReplicaSetSpec 1:replicas:?int32 4:minReadySeconds:=int32 2:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector! 3:template:=api.core.v1.PodTemplateSpec
ReplicaSetStatus 1:replicas:=int32! 2:fullyLabeledReplicas:=int32 4:readyReplicas:=int32 5:availableReplicas:=int32 7:terminatingReplicas:?int32 3:observedGeneration:=int64 6:conditions:*ReplicaSetCondition
RollingUpdateDaemonSet 1:maxUnavailable:?apimachinery.pkg.util.intstr.IntOrString 2:maxSurge:?apimachinery.pkg.util.intstr.IntOrString
RollingUpdateDeployment 1:maxUnavailable:?apimachinery.pkg.util.intstr.IntOrString 2:maxSurge:?apimachinery.pkg.util.intstr.IntOrString
RollingUpdateStatefulSetStrategy 1:partition:?int32 2:maxUnavailable:?apimachinery.pkg.util.intstr.IntOrString
+StatefulSet 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=StatefulSetSpec 3:status:=StatefulSetStatus
StatefulSetCondition 1:type:=string! 2:status:=string! 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+StatefulSetList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*StatefulSet!
StatefulSetOrdinals 1:start:=int32!
StatefulSetPersistentVolumeClaimRetentionPolicy 1:whenDeleted:=string 2:whenScaled:=string
StatefulSetSpec 1:replicas:?int32 2:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector! 3:template:=api.core.v1.PodTemplateSpec! 4:volumeClaimTemplates:*api.core.v1.PersistentVolumeClaim 5:serviceName:=string! 6:podManagementPolicy:=string 7:updateStrategy:=StatefulSetUpdateStrategy 8:revisionHistoryLimit:?int32 9:minReadySeconds:=int32 10:persistentVolumeClaimRetentionPolicy:?StatefulSetPersistentVolumeClaimRetentionPolicy 11:ordinals:?StatefulSetOrdinals
StatefulSetStatus 1:observedGeneration:=int64 2:replicas:=int32! 3:readyReplicas:=int32 4:currentReplicas:=int32 5:updatedReplicas:=int32 6:currentRevision:=string 7:updateRevision:=string 9:collisionCount:?int32 10:conditions:*StatefulSetCondition 11:availableReplicas:=int32!
StatefulSetUpdateStrategy 1:type:=string 2:rollingUpdate:?RollingUpdateStatefulSetStrategy
package api.apps.v1beta1 apps/v1beta1
+ControllerRevision 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:data:=apimachinery.pkg.runtime.RawExtension 3:revision:=int64!
+ControllerRevisionList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ControllerRevision!
+Deployment 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=DeploymentSpec 3:status:=DeploymentStatus
DeploymentCondition 1:type:=string! 2:status:=string! 6:lastUpdateTime:=apimachinery.pkg.apis.meta.v1.Time 7:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+DeploymentList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Deployment!
+DeploymentRollback 1:name:=string! 2:updatedAnnotations:%string 3:rollbackTo:=RollbackConfig!
DeploymentSpec 1:replicas:?int32 2:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector 3:template:=api.core.v1.PodTemplateSpec! 4:strategy:=DeploymentStrategy 5:minReadySeconds:=int32 6:revisionHistoryLimit:?int32 7:paused:=bool 8:rollbackTo:?RollbackConfig 9:progressDeadlineSeconds:?int32
DeploymentStatus 1:observedGeneration:=int64 2:replicas:=int32 3:updatedReplicas:=int32 7:readyReplicas:=int32 4:availableReplicas:=int32 5:unavailableReplicas:=int32 9:terminatingReplicas:?int32 6:conditions:*DeploymentCondition 8:collisionCount:?int32
DeploymentStrategy 1:type:=string 2:rollingUpdate:?RollingUpdateDeployment
RollbackConfig 1:revision:=int64
RollingUpdateDeployment 1:maxUnavailable:?apimachinery.pkg.util.intstr.IntOrString 2:maxSurge:?apimachinery.pkg.util.intstr.IntOrString
RollingUpdateStatefulSetStrategy 1:partition:?int32 2:maxUnavailable:?apimachinery.pkg.util.intstr.IntOrString
+Scale 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ScaleSpec 3:status:=ScaleStatus
ScaleSpec 1:replicas:=int32
ScaleStatus 1:replicas:=int32! 2:selector:%string 3:targetSelector:=string
+StatefulSet 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=StatefulSetSpec 3:status:=StatefulSetStatus
StatefulSetCondition 1:type:=string! 2:status:=string! 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+StatefulSetList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*StatefulSet!
StatefulSetOrdinals 1:start:=int32!
StatefulSetPersistentVolumeClaimRetentionPolicy 1:whenDeleted:=string 2:whenScaled:=string
StatefulSetSpec 1:replicas:?int32 2:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector 3:template:=api.core.v1.PodTemplateSpec! 4:volumeClaimTemplates:*api.core.v1.PersistentVolumeClaim 5:serviceName:=string! 6:podManagementPolicy:=string 7:updateStrategy:=StatefulSetUpdateStrategy 8:revisionHistoryLimit:?int32 9:minReadySeconds:=int32 10:persistentVolumeClaimRetentionPolicy:?StatefulSetPersistentVolumeClaimRetentionPolicy 11:ordinals:?StatefulSetOrdinals
StatefulSetStatus 1:observedGeneration:?int64 2:replicas:=int32! 3:readyReplicas:=int32 4:currentReplicas:=int32 5:updatedReplicas:=int32 6:currentRevision:=string 7:updateRevision:=string 9:collisionCount:?int32 10:conditions:*StatefulSetCondition 11:availableReplicas:=int32!
StatefulSetUpdateStrategy 1:type:=string 2:rollingUpdate:?RollingUpdateStatefulSetStrategy
package api.apps.v1beta2 apps/v1beta2
+ControllerRevision 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:data:=apimachinery.pkg.runtime.RawExtension 3:revision:=int64!
+ControllerRevisionList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ControllerRevision!
+DaemonSet 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=DaemonSetSpec 3:status:=DaemonSetStatus
DaemonSetCondition 1:type:=string! 2:status:=string! 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+DaemonSetList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*DaemonSet!
DaemonSetSpec 1:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector! 2:template:=api.core.v1.PodTemplateSpec! 3:updateStrategy:=DaemonSetUpdateStrategy 4:minReadySeconds:=int32 6:revisionHistoryLimit:?int32
DaemonSetStatus 1:currentNumberScheduled:=int32! 2:numberMisscheduled:=int32! 3:desiredNumberScheduled:=int32! 4:numberReady:=int32! 5:observedGeneration:=int64 6:updatedNumberScheduled:=int32 7:numberAvailable:=int32 8:numberUnavailable:=int32 9:collisionCount:?int32 10:conditions:*DaemonSetCondition
DaemonSetUpdateStrategy 1:type:=string 2:rollingUpdate:?RollingUpdateDaemonSet
+Deployment 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=DeploymentSpec 3:status:=DeploymentStatus
DeploymentCondition 1:type:=string! 2:status:=string! 6:lastUpdateTime:=apimachinery.pkg.apis.meta.v1.Time 7:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+DeploymentList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Deployment!
DeploymentSpec 1:replicas:?int32 2:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector! 3:template:=api.core.v1.PodTemplateSpec! 4:strategy:=DeploymentStrategy 5:minReadySeconds:=int32 6:revisionHistoryLimit:?int32 7:paused:=bool 9:progressDeadlineSeconds:?int32
DeploymentStatus 1:observedGeneration:=int64 2:replicas:=int32 3:updatedReplicas:=int32 7:readyReplicas:=int32 4:availableReplicas:=int32 5:unavailableReplicas:=int32 9:terminatingReplicas:?int32 6:conditions:*DeploymentCondition 8:collisionCount:?int32
DeploymentStrategy 1:type:=string 2:rollingUpdate:?RollingUpdateDeployment
+ReplicaSet 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ReplicaSetSpec 3:status:=ReplicaSetStatus
ReplicaSetCondition 1:type:=string! 2:status:=string! 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+ReplicaSetList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ReplicaSet!
ReplicaSetSpec 1:replicas:?int32 4:minReadySeconds:=int32 2:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector! 3:template:=api.core.v1.PodTemplateSpec
ReplicaSetStatus 1:replicas:=int32! 2:fullyLabeledReplicas:=int32 4:readyReplicas:=int32 5:availableReplicas:=int32 7:terminatingReplicas:?int32 3:observedGeneration:=int64 6:conditions:*ReplicaSetCondition
RollingUpdateDaemonSet 1:maxUnavailable:?apimachinery.pkg.util.intstr.IntOrString 2:maxSurge:?apimachinery.pkg.util.intstr.IntOrString
RollingUpdateDeployment 1:maxUnavailable:?apimachinery.pkg.util.intstr.IntOrString 2:maxSurge:?apimachinery.pkg.util.intstr.IntOrString
RollingUpdateStatefulSetStrategy 1:partition:?int32 2:maxUnavailable:?apimachinery.pkg.util.intstr.IntOrString
+Scale 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ScaleSpec 3:status:=ScaleStatus
ScaleSpec 1:replicas:=int32
ScaleStatus 1:replicas:=int32! 2:selector:%string 3:targetSelector:=string
+StatefulSet 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=StatefulSetSpec 3:status:=StatefulSetStatus
StatefulSetCondition 1:type:=string! 2:status:=string! 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+StatefulSetList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*StatefulSet!
StatefulSetOrdinals 1:start:=int32!
StatefulSetPersistentVolumeClaimRetentionPolicy 1:whenDeleted:=string 2:whenScaled:=string
StatefulSetSpec 1:replicas:?int32 2:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector! 3:template:=api.core.v1.PodTemplateSpec! 4:volumeClaimTemplates:*api.core.v1.PersistentVolumeClaim 5:serviceName:=string! 6:podManagementPolicy:=string 7:updateStrategy:=StatefulSetUpdateStrategy 8:revisionHistoryLimit:?int32 9:minReadySeconds:=int32 10:persistentVolumeClaimRetentionPolicy:?StatefulSetPersistentVolumeClaimRetentionPolicy 11:ordinals:?StatefulSetOrdinals
StatefulSetStatus 1:observedGeneration:=int64 2:replicas:=int32! 3:readyReplicas:=int32 4:currentReplicas:=int32 5:updatedReplicas:=int32 6:currentRevision:=string 7:updateRevision:=string 9:collisionCount:?int32 10:conditions:*StatefulSetCondition 11:availableReplicas:=int32!
StatefulSetUpdateStrategy 1:type:=string 2:rollingUpdate:?RollingUpdateStatefulSetStrategy
package api.authentication.v1 authentication.k8s.io/v1
BoundObjectReference 1:kind:=string 2:apiVersion:=string 3:name:=string 4:uid:=string
@ExtraValue 1:items:*string
+SelfSubjectReview 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:status:=SelfSubjectReviewStatus
SelfSubjectReviewStatus 1:userInfo:=UserInfo
+TokenRequest 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=TokenRequestSpec! 3:status:=TokenRequestStatus
TokenRequestSpec 1:audiences:*string! 4:expirationSeconds:?int64! 3:boundObjectRef:?BoundObjectReference!
TokenRequestStatus 1:token:=string! 2:expirationTimestamp:=apimachinery.pkg.apis.meta.v1.Time!
+TokenReview 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=TokenReviewSpec! 3:status:=TokenReviewStatus
TokenReviewSpec 1:token:=string 2:audiences:*string
TokenReviewStatus 1:authenticated:=bool 2:user:=UserInfo 4:audiences:*string 3:error:=string
UserInfo 1:username:=string 2:uid:=string 3:groups:*string 4:extra:%ExtraValue
package api.authentication.v1alpha1 authentication.k8s.io/v1alpha1
+SelfSubjectReview 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:status:=SelfSubjectReviewStatus
SelfSubjectReviewStatus 1:userInfo:=api.authentication.v1.UserInfo
package api.authentication.v1beta1 authentication.k8s.io/v1beta1
@ExtraValue 1:items:*string
+SelfSubjectReview 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:status:=SelfSubjectReviewStatus
SelfSubjectReviewStatus 1:userInfo:=api.authentication.v1.UserInfo
+TokenReview 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=TokenReviewSpec! 3:status:=TokenReviewStatus
TokenReviewSpec 1:token:=string 2:audiences:*string
TokenReviewStatus 1:authenticated:=bool 2:user:=UserInfo 4:audiences:*string 3:error:=string
UserInfo 1:username:=string 2:uid:=string 3:groups:*string 4:extra:%ExtraValue
package api.authorization.v1 authorization.k8s.io/v1
@ExtraValue 1:items:*string
FieldSelectorAttributes 1:rawSelector:=string 2:requirements:*apimachinery.pkg.apis.meta.v1.FieldSelectorRequirement
LabelSelectorAttributes 1:rawSelector:=string 2:requirements:*apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement
+LocalSubjectAccessReview 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=SubjectAccessReviewSpec! 3:status:=SubjectAccessReviewStatus
NonResourceAttributes 1:path:=string 2:verb:=string
NonResourceRule 1:verbs:*string! 2:nonResourceURLs:*string
ResourceAttributes 1:namespace:=string 2:verb:=string 3:group:=string 4:version:=string 5:resource:=string 6:subresource:=string 7:name:=string 8:fieldSelector:?FieldSelectorAttributes 9:labelSelector:?LabelSelectorAttributes
ResourceRule 1:verbs:*string! 2:apiGroups:*string 3:resources:*string 4:resourceNames:*string
+SelfSubjectAccessReview 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=SelfSubjectAccessReviewSpec! 3:status:=SubjectAccessReviewStatus
SelfSubjectAccessReviewSpec 1:resourceAttributes:?ResourceAttributes 2:nonResourceAttributes:?NonResourceAttributes
+SelfSubjectRulesReview 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=SelfSubjectRulesReviewSpec! 3:status:=SubjectRulesReviewStatus
SelfSubjectRulesReviewSpec 1:namespace:=string
+SubjectAccessReview 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=SubjectAccessReviewSpec! 3:status:=SubjectAccessReviewStatus
SubjectAccessReviewSpec 1:resourceAttributes:?ResourceAttributes 2:nonResourceAttributes:?NonResourceAttributes 3:user:=string 4:groups:*string 5:extra:%ExtraValue 6:uid:=string
SubjectAccessReviewStatus 1:allowed:=bool! 4:denied:=bool 2:reason:=string 3:evaluationError:=string
SubjectRulesReviewStatus 1:resourceRules:*ResourceRule! 2:nonResourceRules:*NonResourceRule! 3:incomplete:=bool! 4:evaluationError:=string
package api.authorization.v1beta1 authorization.k8s.io/v1beta1
@ExtraValue 1:items:*string
+LocalSubjectAccessReview 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=SubjectAccessReviewSpec! 3:status:=SubjectAccessReviewStatus
NonResourceAttributes 1:path:=string 2:verb:=string
NonResourceRule 1:verbs:*string! 2:nonResourceURLs:*string
ResourceAttributes 1:namespace:=string 2:verb:=string 3:group:=string 4:version:=string 5:resource:=string 6:subresource:=string 7:name:=string 8:fieldSelector:?api.authorization.v1.FieldSelectorAttributes 9:labelSelector:?api.authorization.v1.LabelSelectorAttributes
ResourceRule 1:verbs:*string! 2:apiGroups:*string 3:resources:*string 4:resourceNames:*string
+SelfSubjectAccessReview 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=SelfSubjectAccessReviewSpec! 3:status:=SubjectAccessReviewStatus
SelfSubjectAccessReviewSpec 1:resourceAttributes:?ResourceAttributes 2:nonResourceAttributes:?NonResourceAttributes
+SelfSubjectRulesReview 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=SelfSubjectRulesReviewSpec! 3:status:=SubjectRulesReviewStatus
SelfSubjectRulesReviewSpec 1:namespace:=string
+SubjectAccessReview 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=SubjectAccessReviewSpec! 3:status:=SubjectAccessReviewStatus
SubjectAccessReviewSpec 1:resourceAttributes:?ResourceAttributes 2:nonResourceAttributes:?NonResourceAttributes 3:user:=string 4:group:*string 5:extra:%ExtraValue 6:uid:=string
SubjectAccessReviewStatus 1:allowed:=bool! 4:denied:=bool 2:reason:=string 3:evaluationError:=string
SubjectRulesReviewStatus 1:resourceRules:*ResourceRule! 2:nonResourceRules:*NonResourceRule! 3:incomplete:=bool! 4:evaluationError:=string
package api.autoscaling.v1 autoscaling/v1
ContainerResourceMetricSource 1:name:=string! 2:targetAverageUtilization:?int32 3:targetAverageValue:?apimachinery.pkg.api.resource.Quantity 5:container:=string!
ContainerResourceMetricStatus 1:name:=string! 2:currentAverageUtilization:?int32 3:currentAverageValue:=apimachinery.pkg.api.resource.Quantity! 4:container:=string!
CrossVersionObjectReference 1:kind:=string! 2:name:=string! 3:apiVersion:=string
ExternalMetricSource 1:metricName:=string! 2:metricSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 3:targetValue:?apimachinery.pkg.api.resource.Quantity 4:targetAverageValue:?apimachinery.pkg.api.resource.Quantity
ExternalMetricStatus 1:metricName:=string! 2:metricSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 3:currentValue:=apimachinery.pkg.api.resource.Quantity! 4:currentAverageValue:?apimachinery.pkg.api.resource.Quantity
+HorizontalPodAutoscaler 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=HorizontalPodAutoscalerSpec 3:status:=HorizontalPodAutoscalerStatus
HorizontalPodAutoscalerCondition 1:type:=string! 2:status:=string! 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+HorizontalPodAutoscalerList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*HorizontalPodAutoscaler!
HorizontalPodAutoscalerSpec 1:scaleTargetRef:=CrossVersionObjectReference! 2:minReplicas:?int32 3:maxReplicas:=int32! 4:targetCPUUtilizationPercentage:?int32
HorizontalPodAutoscalerStatus 1:observedGeneration:?int64 2:lastScaleTime:?apimachinery.pkg.apis.meta.v1.Time 3:currentReplicas:=int32! 4:desiredReplicas:=int32! 5:currentCPUUtilizationPercentage:?int32
MetricSpec 1:type:=string! 2:object:?ObjectMetricSource 3:pods:?PodsMetricSource 4:resource:?ResourceMetricSource 7:containerResource:?ContainerResourceMetricSource 5:external:?ExternalMetricSource
MetricStatus 1:type:=string! 2:object:?ObjectMetricStatus 3:pods:?PodsMetricStatus 4:resource:?ResourceMetricStatus 7:containerResource:?ContainerResourceMetricStatus 5:external:?ExternalMetricStatus
ObjectMetricSource 1:target:=CrossVersionObjectReference! 2:metricName:=string! 3:targetValue:=apimachinery.pkg.api.resource.Quantity! 4:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector 5:averageValue:?apimachinery.pkg.api.resource.Quantity
ObjectMetricStatus 1:target:=CrossVersionObjectReference! 2:metricName:=string! 3:currentValue:=apimachinery.pkg.api.resource.Quantity! 4:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector 5:averageValue:?apimachinery.pkg.api.resource.Quantity
PodsMetricSource 1:metricName:=string! 2:targetAverageValue:=apimachinery.pkg.api.resource.Quantity! 3:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector
PodsMetricStatus 1:metricName:=string! 2:currentAverageValue:=apimachinery.pkg.api.resource.Quantity! 3:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector
ResourceMetricSource 1:name:=string! 2:targetAverageUtilization:?int32 3:targetAverageValue:?apimachinery.pkg.api.resource.Quantity
ResourceMetricStatus 1:name:=string! 2:currentAverageUtilization:?int32 3:currentAverageValue:=apimachinery.pkg.api.resource.Quantity!
+Scale 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ScaleSpec 3:status:=ScaleStatus
ScaleSpec 1:replicas:=int32
ScaleStatus 1:replicas:=int32! 2:selector:=string
package api.autoscaling.v2 autoscaling/v2
ContainerResourceMetricSource 1:name:=string! 2:target:=MetricTarget! 3:container:=string!
ContainerResourceMetricStatus 1:name:=string! 2:current:=MetricValueStatus! 3:container:=string!
CrossVersionObjectReference 1:kind:=string! 2:name:=string! 3:apiVersion:=string
ExternalMetricSource 1:metric:=MetricIdentifier! 2:target:=MetricTarget!
ExternalMetricStatus 1:metric:=MetricIdentifier! 2:current:=MetricValueStatus!
HPAScalingPolicy 1:type:=string! 2:value:=int32! 3:periodSeconds:=int32!
HPAScalingRules 3:stabilizationWindowSeconds:?int32 1:selectPolicy:?string 2:policies:*HPAScalingPolicy 4:tolerance:?apimachinery.pkg.api.resource.Quantity
+HorizontalPodAutoscaler 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=HorizontalPodAutoscalerSpec 3:status:=HorizontalPodAutoscalerStatus
HorizontalPodAutoscalerBehavior 1:scaleUp:?HPAScalingRules 2:scaleDown:?HPAScalingRules
HorizontalPodAutoscalerCondition 1:type:=string! 2:status:=string! 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+HorizontalPodAutoscalerList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*HorizontalPodAutoscaler!
HorizontalPodAutoscalerSpec 1:scaleTargetRef:=CrossVersionObjectReference! 2:minReplicas:?int32 3:maxReplicas:=int32! 4:metrics:*MetricSpec 5:behavior:?HorizontalPodAutoscalerBehavior
HorizontalPodAutoscalerStatus 1:observedGeneration:?int64 2:lastScaleTime:?apimachinery.pkg.apis.meta.v1.Time 3:currentReplicas:=int32 4:desiredReplicas:=int32! 5:currentMetrics:*MetricStatus! 6:conditions:*HorizontalPodAutoscalerCondition
MetricIdentifier 1:name:=string! 2:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector
MetricSpec 1:type:=string! 2:object:?ObjectMetricSource 3:pods:?PodsMetricSource 4:resource:?ResourceMetricSource 7:containerResource:?ContainerResourceMetricSource 5:external:?ExternalMetricSource
MetricStatus 1:type:=string! 2:object:?ObjectMetricStatus 3:pods:?PodsMetricStatus 4:resource:?ResourceMetricStatus 7:containerResource:?ContainerResourceMetricStatus 5:external:?ExternalMetricStatus
MetricTarget 1:type:=string! 2:value:?apimachinery.pkg.api.resource.Quantity 3:averageValue:?apimachinery.pkg.api.resource.Quantity 4:averageUtilization:?int32
MetricValueStatus 1:value:?apimachinery.pkg.api.resource.Quantity 2:averageValue:?apimachinery.pkg.api.resource.Quantity 3:averageUtilization:?int32
ObjectMetricSource 1:describedObject:=CrossVersionObjectReference! 2:target:=MetricTarget! 3:metric:=MetricIdentifier!
ObjectMetricStatus 1:metric:=MetricIdentifier! 2:current:=MetricValueStatus! 3:describedObject:=CrossVersionObjectReference!
PodsMetricSource 1:metric:=MetricIdentifier! 2:target:=MetricTarget!
PodsMetricStatus 1:metric:=MetricIdentifier! 2:current:=MetricValueStatus!
ResourceMetricSource 1:name:=string! 2:target:=MetricTarget!
ResourceMetricStatus 1:name:=string! 2:current:=MetricValueStatus!
package api.batch.v1 batch/v1
+CronJob 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=CronJobSpec 3:status:=CronJobStatus
+CronJobList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*CronJob!
CronJobSpec 1:schedule:=string! 8:timeZone:?string 2:startingDeadlineSeconds:?int64 3:concurrencyPolicy:=string 4:suspend:?bool 5:jobTemplate:=JobTemplateSpec! 6:successfulJobsHistoryLimit:?int32 7:failedJobsHistoryLimit:?int32
CronJobStatus 1:active:*api.core.v1.ObjectReference 4:lastScheduleTime:?apimachinery.pkg.apis.meta.v1.Time 5:lastSuccessfulTime:?apimachinery.pkg.apis.meta.v1.Time
+Job 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=JobSpec 3:status:=JobStatus
JobCondition 1:type:=string! 2:status:=string! 3:lastProbeTime:=apimachinery.pkg.apis.meta.v1.Time 4:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 5:reason:=string 6:message:=string
+JobList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Job!
JobSpec 1:parallelism:?int32 2:completions:?int32 3:activeDeadlineSeconds:?int64 11:podFailurePolicy:?PodFailurePolicy 16:successPolicy:?SuccessPolicy 7:backoffLimit:?int32 12:backoffLimitPerIndex:?int32 13:maxFailedIndexes:?int32 4:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector 5:manualSelector:?bool 6:template:=api.core.v1.PodTemplateSpec! 8:ttlSecondsAfterFinished:?int32 9:completionMode:?string 10:suspend:?bool 14:podReplacementPolicy:?string 15:managedBy:?string
JobStatus 1:conditions:*JobCondition 2:startTime:?apimachinery.pkg.apis.meta.v1.Time 3:completionTime:?apimachinery.pkg.apis.meta.v1.Time 4:active:=int32 5:succeeded:=int32 6:failed:=int32 11:terminating:?int32 7:completedIndexes:=string 10:failedIndexes:?string 8:uncountedTerminatedPods:?UncountedTerminatedPods 9:ready:?int32
JobTemplateSpec 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=JobSpec
PodFailurePolicy 1:rules:*PodFailurePolicyRule!
PodFailurePolicyOnExitCodesRequirement 1:containerName:?string 2:operator:=string! 3:values:*int32!
PodFailurePolicyOnPodConditionsPattern 1:type:=string! 2:status:=string!
PodFailurePolicyRule 1:action:=string! 2:onExitCodes:?PodFailurePolicyOnExitCodesRequirement 3:onPodConditions:*PodFailurePolicyOnPodConditionsPattern
SuccessPolicy 1:rules:*SuccessPolicyRule!
SuccessPolicyRule 1:succeededIndexes:?string 2:succeededCount:?int32
UncountedTerminatedPods 1:succeeded:*string 2:failed:*string
package api.batch.v1beta1 batch/v1beta1
+CronJob 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=CronJobSpec 3:status:=CronJobStatus
+CronJobList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*CronJob!
CronJobSpec 1:schedule:=string! 8:timeZone:?string 2:startingDeadlineSeconds:?int64 3:concurrencyPolicy:=string 4:suspend:?bool 5:jobTemplate:=JobTemplateSpec! 6:successfulJobsHistoryLimit:?int32 7:failedJobsHistoryLimit:?int32
CronJobStatus 1:active:*api.core.v1.ObjectReference 4:lastScheduleTime:?apimachinery.pkg.apis.meta.v1.Time 5:lastSuccessfulTime:?apimachinery.pkg.apis.meta.v1.Time
JobTemplateSpec 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=api.batch.v1.JobSpec
package api.certificates.v1 certificates.k8s.io/v1
+CertificateSigningRequest 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=CertificateSigningRequestSpec! 3:status:=CertificateSigningRequestStatus
CertificateSigningRequestCondition 1:type:=string! 6:status:=string! 2:reason:=string 3:message:=string 4:lastUpdateTime:=apimachinery.pkg.apis.meta.v1.Time 5:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time
+CertificateSigningRequestList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*CertificateSigningRequest!
CertificateSigningRequestSpec 1:request:=bytes! 7:signerName:=string! 8:expirationSeconds:?int32 5:usages:*string 2:username:=string 3:uid:=string 4:groups:*string 6:extra:%ExtraValue
CertificateSigningRequestStatus 1:conditions:*CertificateSigningRequestCondition 2:certificate:=bytes
@ExtraValue 1:items:*string
package api.certificates.v1alpha1 certificates.k8s.io/v1alpha1
+ClusterTrustBundle 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ClusterTrustBundleSpec!
+ClusterTrustBundleList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ClusterTrustBundle!
ClusterTrustBundleSpec 1:signerName:=string 2:trustBundle:=string!
package api.certificates.v1beta1 certificates.k8s.io/v1beta1
+CertificateSigningRequest 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=CertificateSigningRequestSpec! 3:status:=CertificateSigningRequestStatus
CertificateSigningRequestCondition 1:type:=string! 6:status:=string! 2:reason:=string 3:message:=string 4:lastUpdateTime:=apimachinery.pkg.apis.meta.v1.Time 5:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time
+CertificateSigningRequestList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*CertificateSigningRequest!
CertificateSigningRequestSpec 1:request:=bytes! 7:signerName:?string 8:expirationSeconds:?int32 5:usages:*string 2:username:=string 3:uid:=string 4:groups:*string 6:extra:%ExtraValue
CertificateSigningRequestStatus 1:conditions:*CertificateSigningRequestCondition 2:certificate:=bytes
+ClusterTrustBundle 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ClusterTrustBundleSpec!
+ClusterTrustBundleList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ClusterTrustBundle!
ClusterTrustBundleSpec 1:signerName:=string 2:trustBundle:=string!
@ExtraValue 1:items:*string
+PodCertificateRequest 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=PodCertificateRequestSpec! 3:status:=PodCertificateRequestStatus
+PodCertificateRequestList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*PodCertificateRequest!
PodCertificateRequestSpec 1:signerName:=string! 2:podName:=string! 3:podUID:=string! 4:serviceAccountName:=string! 5:serviceAccountUID:=string! 6:nodeName:=string! 7:nodeUID:=string! 8:maxExpirationSeconds:?int32 9:pkixPublicKey:=bytes! 10:proofOfPossession:=bytes! 12:stubPKCS10Request:=bytes! 11:unverifiedUserAnnotations:%string
PodCertificateRequestStatus 1:conditions:*apimachinery.pkg.apis.meta.v1.Condition 2:certificateChain:=string 4:notBefore:?apimachinery.pkg.apis.meta.v1.Time 5:beginRefreshAt:?apimachinery.pkg.apis.meta.v1.Time 6:notAfter:?apimachinery.pkg.apis.meta.v1.Time
package api.coordination.v1 coordination.k8s.io/v1
+Lease 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=LeaseSpec
+LeaseList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Lease!
LeaseSpec 1:holderIdentity:?string 2:leaseDurationSeconds:?int32 3:acquireTime:?apimachinery.pkg.apis.meta.v1.MicroTime 4:renewTime:?apimachinery.pkg.apis.meta.v1.MicroTime 5:leaseTransitions:?int32 6:strategy:?string 7:preferredHolder:?string
package api.coordination.v1alpha2 coordination.k8s.io/v1alpha2
+LeaseCandidate 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=LeaseCandidateSpec
+LeaseCandidateList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*LeaseCandidate!
LeaseCandidateSpec 1:leaseName:=string! 2:pingTime:?apimachinery.pkg.apis.meta.v1.MicroTime 3:renewTime:?apimachinery.pkg.apis.meta.v1.MicroTime 4:binaryVersion:=string! 5:emulationVersion:=string 6:strategy:=string
package api.coordination.v1beta1 coordination.k8s.io/v1beta1
+Lease 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=LeaseSpec
+LeaseCandidate 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=LeaseCandidateSpec
+LeaseCandidateList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*LeaseCandidate!
LeaseCandidateSpec 1:leaseName:=string! 2:pingTime:?apimachinery.pkg.apis.meta.v1.MicroTime 3:renewTime:?apimachinery.pkg.apis.meta.v1.MicroTime 4:binaryVersion:=string! 5:emulationVersion:=string 6:strategy:=string
+LeaseList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Lease!
LeaseSpec 1:holderIdentity:?string 2:leaseDurationSeconds:?int32 3:acquireTime:?apimachinery.pkg.apis.meta.v1.MicroTime 4:renewTime:?apimachinery.pkg.apis.meta.v1.MicroTime 5:leaseTransitions:?int32 6:strategy:?string 7:preferredHolder:?string
package api.core.v1 v1
AWSElasticBlockStoreVolumeSource 1:volumeID:=string! 2:fsType:=string 3:partition:=int32 4:readOnly:=bool
Affinity 1:nodeAffinity:?NodeAffinity 2:podAffinity:?PodAffinity 3:podAntiAffinity:?PodAntiAffinity
AppArmorProfile 1:type:=string! 2:localhostProfile:?string
AttachedVolume 1:name:=string! 2:devicePath:=string!
AvoidPods 1:preferAvoidPods:*PreferAvoidPodsEntry
AzureDiskVolumeSource 1:diskName:=string! 2:diskURI:=string! 3:cachingMode:?string 4:fsType:?string 5:readOnly:?bool 6:kind:?string
AzureFilePersistentVolumeSource 1:secretName:=string! 2:shareName:=string! 3:readOnly:=bool 4:secretNamespace:?string!
AzureFileVolumeSource 1:secretName:=string! 2:shareName:=string! 3:readOnly:=bool
+Binding 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:target:=ObjectReference!
CSIPersistentVolumeSource 1:driver:=string! 2:volumeHandle:=string! 3:readOnly:=bool 4:fsType:=string 5:volumeAttributes:%string 6:controllerPublishSecretRef:?SecretReference 7:nodeStageSecretRef:?SecretReference 8:nodePublishSecretRef:?SecretReference 9:controllerExpandSecretRef:?SecretReference 10:nodeExpandSecretRef:?SecretReference
CSIVolumeSource 1:driver:=string! 2:readOnly:?bool 3:fsType:?string 4:volumeAttributes:%string 5:nodePublishSecretRef:?LocalObjectReference
Capabilities 1:add:*string 2:drop:*string
CephFSPersistentVolumeSource 1:monitors:*string! 2:path:=string 3:user:=string 4:secretFile:=string 5:secretRef:?SecretReference 6:readOnly:=bool
CephFSVolumeSource 1:monitors:*string! 2:path:=string 3:user:=string 4:secretFile:=string 5:secretRef:?LocalObjectReference 6:readOnly:=bool
CinderPersistentVolumeSource 1:volumeID:=string! 2:fsType:=string 3:readOnly:=bool 4:secretRef:?SecretReference
CinderVolumeSource 1:volumeID:=string! 2:fsType:=string 3:readOnly:=bool 4:secretRef:?LocalObjectReference
ClientIPConfig 1:timeoutSeconds:?int32
ClusterTrustBundleProjection 1:name:?string 2:signerName:?string 3:labelSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 5:optional:?bool 4:path:=string!
ComponentCondition 1:type:=string! 2:status:=string! 3:message:=string 4:error:=string
+ComponentStatus 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:conditions:*ComponentCondition
+ComponentStatusList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ComponentStatus!
+ConfigMap 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 4:immutable:?bool 2:data:%string 3:binaryData:%bytes
ConfigMapEnvSource 1::=LocalObjectReference! 2:optional:?bool
ConfigMapKeySelector 1::=LocalObjectReference! 2:key:=string! 3:optional:?bool
+ConfigMapList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ConfigMap!
ConfigMapNodeConfigSource 1:namespace:=string! 2:name:=string! 3:uid:=string 4:resourceVersion:=string 5:kubeletConfigKey:=string!
ConfigMapProjection 1::=LocalObjectReference! 2:items:*KeyToPath 4:optional:?bool
ConfigMapVolumeSource 1::=LocalObjectReference! 2:items:*KeyToPath 3:defaultMode:?int32 4:optional:?bool
Container 1:name:=string! 2:image:=string 3:command:*string 4:args:*string 5:workingDir:=string 6:ports:*ContainerPort 19:envFrom:*EnvFromSource 7:env:*EnvVar 8:resources:=ResourceRequirements 23:resizePolicy:*ContainerResizePolicy 24:restartPolicy:?string 25:restartPolicyRules:*ContainerRestartRule 9:volumeMounts:*VolumeMount 21:volumeDevices:*VolumeDevice 10:livenessProbe:?Probe 11:readinessProbe:?Probe 22:startupProbe:?Probe 12:lifecycle:?Lifecycle 13:terminationMessagePath:=string 20:terminationMessagePolicy:=string 14:imagePullPolicy:=string 15:securityContext:?SecurityContext 16:stdin:=bool 17:stdinOnce:=bool 18:tty:=bool
ContainerExtendedResourceRequest 1:containerName:=string! 2:resourceName:=string! 3:requestName:=string!
ContainerImage 1:names:*string! 2:sizeBytes:=int64
ContainerPort 1:name:=string 2:hostPort:=int32 3:containerPort:=int32! 4:protocol:=string 5:hostIP:=string
ContainerResizePolicy 1:resourceName:=string! 2:restartPolicy:=string!
ContainerRestartRule 1:action:=string 2:exitCodes:?ContainerRestartRuleOnExitCodes
ContainerRestartRuleOnExitCodes 1:operator:=string 2:values:*int32
ContainerState 1:waiting:?ContainerStateWaiting 2:running:?ContainerStateRunning 3:terminated:?ContainerStateTerminated
ContainerStateRunning 1:startedAt:=apimachinery.pkg.apis.meta.v1.Time
ContainerStateTerminated 1:exitCode:=int32! 2:signal:=int32 3:reason:=string 4:message:=string 5:startedAt:=apimachinery.pkg.apis.meta.v1.Time 6:finishedAt:=apimachinery.pkg.apis.meta.v1.Time 7:containerID:=string
ContainerStateWaiting 1:reason:=string 2:message:=string
ContainerStatus 1:name:=string! 2:state:=ContainerState 3:lastState:=ContainerState 4:ready:=bool! 5:restartCount:=int32! 6:image:=string! 7:imageID:=string! 8:containerID:=string 9:started:?bool 10:allocatedResources:%apimachinery.pkg.api.resource.Quantity 11:resources:?ResourceRequirements 12:volumeMounts:*VolumeMountStatus 13:user:?ContainerUser 14:allocatedResourcesStatus:*ResourceStatus 15:stopSignal:?string
ContainerUser 1:linux:?LinuxContainerUser
DaemonEndpoint 1:Port:=int32!
DownwardAPIProjection 1:items:*DownwardAPIVolumeFile
DownwardAPIVolumeFile 1:path:=string! 2:fieldRef:?ObjectFieldSelector 3:resourceFieldRef:?ResourceFieldSelector 4:mode:?int32
DownwardAPIVolumeSource 1:items:*DownwardAPIVolumeFile 2:defaultMode:?int32
EmptyDirVolumeSource 1:medium:=string 2:sizeLimit:?apimachinery.pkg.api.resource.Quantity
EndpointAddress 1:ip:=string! 3:hostname:=string 4:nodeName:?string 2:targetRef:?ObjectReference
EndpointPort 1:name:=string 2:port:=int32! 3:protocol:=string 4:appProtocol:?string
EndpointSubset 1:addresses:*EndpointAddress 2:notReadyAddresses:*EndpointAddress 3:ports:*EndpointPort
+Endpoints 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:subsets:*EndpointSubset
+EndpointsList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Endpoints!
EnvFromSource 1:prefix:=string 2:configMapRef:?ConfigMapEnvSource 3:secretRef:?SecretEnvSource
EnvVar 1:name:=string! 2:value:=string 3:valueFrom:?EnvVarSource
EnvVarSource 1:fieldRef:?ObjectFieldSelector 2:resourceFieldRef:?ResourceFieldSelector 3:configMapKeyRef:?ConfigMapKeySelector 4:secretKeyRef:?SecretKeySelector 5:fileKeyRef:?FileKeySelector
EphemeralContainer 1::=EphemeralContainerCommon! 2:targetContainerName:=string
EphemeralContainerCommon 1:name:=string! 2:image:=string 3:command:*string 4:args:*string 5:workingDir:=string 6:ports:*ContainerPort 19:envFrom:*EnvFromSource 7:env:*EnvVar 8:resources:=ResourceRequirements 23:resizePolicy:*ContainerResizePolicy 24:restartPolicy:?string 25:restartPolicyRules:*ContainerRestartRule 9:volumeMounts:*VolumeMount 21:volumeDevices:*VolumeDevice 10:livenessProbe:?Probe 11:readinessProbe:?Probe 22:startupProbe:?Probe 12:lifecycle:?Lifecycle 13:terminationMessagePath:=string 20:terminationMessagePolicy:=string 14:imagePullPolicy:=string 15:securityContext:?SecurityContext 16:stdin:=bool 17:stdinOnce:=bool 18:tty:=bool
EphemeralVolumeSource 1:volumeClaimTemplate:?PersistentVolumeClaimTemplate
+Event 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta! 2:involvedObject:=ObjectReference! 3:reason:=string 4:message:=string 5:source:=EventSource 6:firstTimestamp:=apimachinery.pkg.apis.meta.v1.Time 7:lastTimestamp:=apimachinery.pkg.apis.meta.v1.Time 8:count:=int32 9:type:=string 10:eventTime:=apimachinery.pkg.apis.meta.v1.MicroTime 11:series:?EventSeries 12:action:=string 13:related:?ObjectReference 14:reportingComponent:=string! 15:reportingInstance:=string!
+EventList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Event!
EventSeries 1:count:=int32 2:lastObservedTime:=apimachinery.pkg.apis.meta.v1.MicroTime
EventSource 1:component:=string 2:host:=string
ExecAction 1:command:*string
FCVolumeSource 1:targetWWNs:*string 2:lun:?int32 3:fsType:=string 4:readOnly:=bool 5:wwids:*string
FileKeySelector 1:volumeName:=string! 2:path:=string! 3:key:=string! 4:optional:?bool
FlexPersistentVolumeSource 1:driver:=string! 2:fsType:=string 3:secretRef:?SecretReference 4:readOnly:=bool 5:options:%string
FlexVolumeSource 1:driver:=string! 2:fsType:=string 3:secretRef:?LocalObjectReference 4:readOnly:=bool 5:options:%string
FlockerVolumeSource 1:datasetName:=string 2:datasetUUID:=string
GCEPersistentDiskVolumeSource 1:pdName:=string! 2:fsType:=string 3:partition:=int32 4:readOnly:=bool
GRPCAction 1:port:=int32! 2:service:?string!
GitRepoVolumeSource 1:repository:=string! 2:revision:=string 3:directory:=string
GlusterfsPersistentVolumeSource 1:endpoints:=string! 2:path:=string! 3:readOnly:=bool 4:endpointsNamespace:?string
GlusterfsVolumeSource 1:endpoints:=string! 2:path:=string! 3:readOnly:=bool
HTTPGetAction 1:path:=string 2:port:=apimachinery.pkg.util.intstr.IntOrString! 3:host:=string 4:scheme:=string 5:httpHeaders:*HTTPHeader
HTTPHeader 1:name:=string! 2:value:=string!
HostAlias 1:ip:=string! 2:hostnames:*string
HostIP 1:ip:=string!
HostPathVolumeSource 1:path:=string! 2:type:?string
ISCSIPersistentVolumeSource 1:targetPortal:=string! 2:iqn:=string! 3:lun:=int32! 4:iscsiInterface:=string 5:fsType:=string 6:readOnly:=bool 7:portals:*string 8:chapAuthDiscovery:=bool 11:chapAuthSession:=bool 10:secretRef:?SecretReference 12:initiatorName:?string
ISCSIVolumeSource 1:targetPortal:=string! 2:iqn:=string! 3:lun:=int32! 4:iscsiInterface:=string 5:fsType:=string 6:readOnly:=bool 7:portals:*string 8:chapAuthDiscovery:=bool 11:chapAuthSession:=bool 10:secretRef:?LocalObjectReference 12:initiatorName:?string
ImageVolumeSource 1:reference:=string 2:pullPolicy:=string
ImageVolumeStatus 1:imageRef:=string
KeyToPath 1:key:=string! 2:path:=string! 3:mode:?int32
Lifecycle 1:postStart:?LifecycleHandler 2:preStop:?LifecycleHandler 3:stopSignal:?string
LifecycleHandler 1:exec:?ExecAction 2:httpGet:?HTTPGetAction 3:tcpSocket:?TCPSocketAction 4:sleep:?SleepAction
+LimitRange 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=LimitRangeSpec
LimitRangeItem 1:type:=string! 2:max:%apimachinery.pkg.api.resource.Quantity 3:min:%apimachinery.pkg.api.resource.Quantity 4:default:%apimachinery.pkg.api.resource.Quantity 5:defaultRequest:%apimachinery.pkg.api.resource.Quantity 6:maxLimitRequestRatio:%apimachinery.pkg.api.resource.Quantity
+LimitRangeList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*LimitRange!
LimitRangeSpec 1:limits:*LimitRangeItem!
LinuxContainerUser 1:uid:=int64! 2:gid:=int64! 3:supplementalGroups:*int64
+List 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*apimachinery.pkg.runtime.RawExtension!
LoadBalancerIngress 1:ip:=string 2:hostname:=string 3:ipMode:?string 4:ports:*PortStatus
LoadBalancerStatus 1:ingress:*LoadBalancerIngress
LocalObjectReference 1:name:=string
LocalVolumeSource 1:path:=string! 2:fsType:?string
ModifyVolumeStatus 1:targetVolumeAttributesClassName:=string 2:status:=string!
NFSVolumeSource 1:server:=string! 2:path:=string! 3:readOnly:=bool
+Namespace 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=NamespaceSpec 3:status:=NamespaceStatus
NamespaceCondition 1:type:=string! 2:status:=string! 4:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 5:reason:=string 6:message:=string
+NamespaceList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Namespace!
NamespaceSpec 1:finalizers:*string
NamespaceStatus 1:phase:=string 2:conditions:*NamespaceCondition
+Node 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=NodeSpec 3:status:=NodeStatus
NodeAddress 1:type:=string! 2:address:=string!
NodeAffinity 1:requiredDuringSchedulingIgnoredDuringExecution:?NodeSelector 2:preferredDuringSchedulingIgnoredDuringExecution:*PreferredSchedulingTerm
NodeAllocatableResourceClaimStatus 1:resourceClaimName:=string! 2:containers:*string 3:resources:%apimachinery.pkg.api.resource.Quantity!
NodeCondition 1:type:=string! 2:status:=string! 3:lastHeartbeatTime:=apimachinery.pkg.apis.meta.v1.Time 4:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 5:reason:=string 6:message:=string
NodeConfigSource 2:configMap:?ConfigMapNodeConfigSource
NodeConfigStatus 1:assigned:?NodeConfigSource 2:active:?NodeConfigSource 3:lastKnownGood:?NodeConfigSource 4:error:=string
NodeDaemonEndpoints 1:kubeletEndpoint:=DaemonEndpoint
NodeFeatures 1:supplementalGroupsPolicy:?bool
+NodeList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Node!
+NodeProxyOptions 1:path:=string
NodeRuntimeHandler 1:name:=string! 2:features:?NodeRuntimeHandlerFeatures
NodeRuntimeHandlerFeatures 1:recursiveReadOnlyMounts:?bool 2:userNamespaces:?bool
NodeSelector 1:nodeSelectorTerms:*NodeSelectorTerm!
NodeSelectorRequirement 1:key:=string! 2:operator:=string! 3:values:*string
NodeSelectorTerm 1:matchExpressions:*NodeSelectorRequirement 2:matchFields:*NodeSelectorRequirement
NodeSpec 1:podCIDR:=string 7:podCIDRs:*string 3:providerID:=string 4:unschedulable:=bool 5:taints:*Taint 6:configSource:?NodeConfigSource 2:externalID:=string
NodeStatus 1:capacity:%apimachinery.pkg.api.resource.Quantity 2:allocatable:%apimachinery.pkg.api.resource.Quantity 3:phase:=string 4:conditions:*NodeCondition 5:addresses:*NodeAddress 6:daemonEndpoints:=NodeDaemonEndpoints 7:nodeInfo:=NodeSystemInfo 8:images:*ContainerImage 9:volumesInUse:*string 10:volumesAttached:*AttachedVolume 11:config:?NodeConfigStatus 12:runtimeHandlers:*NodeRuntimeHandler 13:features:?NodeFeatures 14:declaredFeatures:*string
NodeSwapStatus 1:capacity:?int64
NodeSystemInfo 1:machineID:=string! 2:systemUUID:=string! 3:bootID:=string! 4:kernelVersion:=string! 5:osImage:=string! 6:containerRuntimeVersion:=string! 7:kubeletVersion:=string! 8:kubeProxyVersion:=string! 9:operatingSystem:=string! 10:architecture:=string! 11:swap:?NodeSwapStatus
ObjectFieldSelector 1:apiVersion:=string 2:fieldPath:=string!
ObjectReference 1:kind:=string 2:namespace:=string 3:name:=string 4:uid:=string 5:apiVersion:=string 6:resourceVersion:=string 7:fieldPath:=string
+PersistentVolume 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=PersistentVolumeSpec 3:status:=PersistentVolumeStatus
+PersistentVolumeClaim 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=PersistentVolumeClaimSpec 3:status:=PersistentVolumeClaimStatus
PersistentVolumeClaimCondition 1:type:=string! 2:status:=string! 3:lastProbeTime:=apimachinery.pkg.apis.meta.v1.Time 4:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 5:reason:=string 6:message:=string
+PersistentVolumeClaimList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*PersistentVolumeClaim!
PersistentVolumeClaimSpec 1:accessModes:*string 4:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector 2:resources:=VolumeResourceRequirements 3:volumeName:=string 5:storageClassName:?string 6:volumeMode:?string 7:dataSource:?TypedLocalObjectReference 8:dataSourceRef:?TypedObjectReference 9:volumeAttributesClassName:?string
PersistentVolumeClaimStatus 1:phase:=string 2:accessModes:*string 3:capacity:%apimachinery.pkg.api.resource.Quantity 4:conditions:*PersistentVolumeClaimCondition 5:allocatedResources:%apimachinery.pkg.api.resource.Quantity 7:allocatedResourceStatuses:%string 8:currentVolumeAttributesClassName:?string 9:modifyVolumeStatus:?ModifyVolumeStatus
PersistentVolumeClaimTemplate 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=PersistentVolumeClaimSpec!
PersistentVolumeClaimVolumeSource 1:claimName:=string! 2:readOnly:=bool
+PersistentVolumeList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*PersistentVolume!
PersistentVolumeSource 1:gcePersistentDisk:?GCEPersistentDiskVolumeSource 2:awsElasticBlockStore:?AWSElasticBlockStoreVolumeSource 3:hostPath:?HostPathVolumeSource 4:glusterfs:?GlusterfsPersistentVolumeSource 5:nfs:?NFSVolumeSource 6:rbd:?RBDPersistentVolumeSource 7:iscsi:?ISCSIPersistentVolumeSource 8:cinder:?CinderPersistentVolumeSource 9:cephfs:?CephFSPersistentVolumeSource 10:fc:?FCVolumeSource 11:flocker:?FlockerVolumeSource 12:flexVolume:?FlexPersistentVolumeSource 13:azureFile:?AzureFilePersistentVolumeSource 14:vsphereVolume:?VsphereVirtualDiskVolumeSource 15:quobyte:?QuobyteVolumeSource 16:azureDisk:?AzureDiskVolumeSource 17:photonPersistentDisk:?PhotonPersistentDiskVolumeSource 18:portworxVolume:?PortworxVolumeSource 19:scaleIO:?ScaleIOPersistentVolumeSource 20:local:?LocalVolumeSource 21:storageos:?StorageOSPersistentVolumeSource 22:csi:?CSIPersistentVolumeSource
PersistentVolumeSpec 1:capacity:%apimachinery.pkg.api.resource.Quantity 2::=PersistentVolumeSource! 3:accessModes:*string 4:claimRef:?ObjectReference 5:persistentVolumeReclaimPolicy:=string 6:storageClassName:=string 7:mountOptions:*string 8:volumeMode:?string 9:nodeAffinity:?VolumeNodeAffinity 10:volumeAttributesClassName:?string
PersistentVolumeStatus 1:phase:=string 2:message:=string 3:reason:=string 4:lastPhaseTransitionTime:?apimachinery.pkg.apis.meta.v1.Time
PhotonPersistentDiskVolumeSource 1:pdID:=string! 2:fsType:=string
+Pod 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=PodSpec 3:status:=PodStatus
PodAffinity 1:requiredDuringSchedulingIgnoredDuringExecution:*PodAffinityTerm 2:preferredDuringSchedulingIgnoredDuringExecution:*WeightedPodAffinityTerm
PodAffinityTerm 1:labelSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 2:namespaces:*string 3:topologyKey:=string! 4:namespaceSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 5:matchLabelKeys:*string 6:mismatchLabelKeys:*string
PodAntiAffinity 1:requiredDuringSchedulingIgnoredDuringExecution:*PodAffinityTerm 2:preferredDuringSchedulingIgnoredDuringExecution:*WeightedPodAffinityTerm
+PodAttachOptions 1:stdin:=bool 2:stdout:=bool 3:stderr:=bool 4:tty:=bool 5:container:=string
PodCertificateProjection 1:signerName:=string 2:keyType:=string 3:maxExpirationSeconds:?int32 4:credentialBundlePath:=string 5:keyPath:=string 6:certificateChainPath:=string 7:userAnnotations:%string
PodCondition 1:type:=string! 7:observedGeneration:=int64 2:status:=string! 3:lastProbeTime:=apimachinery.pkg.apis.meta.v1.Time 4:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 5:reason:=string 6:message:=string
PodDNSConfig 1:nameservers:*string 2:searches:*string 3:options:*PodDNSConfigOption
PodDNSConfigOption 1:name:=string 2:value:?string
+PodExecOptions 1:stdin:=bool 2:stdout:=bool 3:stderr:=bool 4:tty:=bool 5:container:=string 6:command:*string!
PodExtendedResourceClaimStatus 1:requestMappings:*ContainerExtendedResourceRequest! 2:resourceClaimName:=string!
PodIP 1:ip:=string!
+PodList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Pod!
+PodLogOptions 1:container:=string 2:follow:=bool 3:previous:=bool 4:sinceSeconds:?int64 5:sinceTime:?apimachinery.pkg.apis.meta.v1.Time 6:timestamps:=bool 7:tailLines:?int64 8:limitBytes:?int64 9:insecureSkipTLSVerifyBackend:=bool 10:stream:?string
PodOS 1:name:=string!
+PodPortForwardOptions 1:ports:*int32
+PodProxyOptions 1:path:=string
PodReadinessGate 1:conditionType:=string!
PodResourceClaim 1:name:=string! 3:resourceClaimName:?string 4:resourceClaimTemplateName:?string
PodResourceClaimStatus 1:name:=string! 2:resourceClaimName:?string
PodSchedulingGate 1:name:=string!
PodSchedulingGroup 1:podGroupName:?string
PodSecurityContext 1:seLinuxOptions:?SELinuxOptions 8:windowsOptions:?WindowsSecurityContextOptions 2:runAsUser:?int64 6:runAsGroup:?int64 3:runAsNonRoot:?bool 4:supplementalGroups:*int64 12:supplementalGroupsPolicy:?string 5:fsGroup:?int64 7:sysctls:*Sysctl 9:fsGroupChangePolicy:?string 10:seccompProfile:?SeccompProfile 11:appArmorProfile:?AppArmorProfile 13:seLinuxChangePolicy:?string
PodSignature 1:podController:?apimachinery.pkg.apis.meta.v1.OwnerReference
PodSpec 1:volumes:*Volume 20:initContainers:*Container 2:containers:*Container! 34:ephemeralContainers:*EphemeralContainer 3:restartPolicy:=string 4:terminationGracePeriodSeconds:?int64 5:activeDeadlineSeconds:?int64 6:dnsPolicy:=string 7:nodeSelector:%string 8:serviceAccountName:=string 9:serviceAccount:=string 21:automountServiceAccountToken:?bool 10:nodeName:=string 11:hostNetwork:=bool 12:hostPID:=bool 13:hostIPC:=bool 27:shareProcessNamespace:?bool 14:securityContext:?PodSecurityContext 15:imagePullSecrets:*LocalObjectReference 16:hostname:=string 17:subdomain:=string 18:affinity:?Affinity 19:schedulerName:=string 22:tolerations:*Toleration 23:hostAliases:*HostAlias 24:priorityClassName:=string 25:priority:?int32 26:dnsConfig:?PodDNSConfig 28:readinessGates:*PodReadinessGate 29:runtimeClassName:?string 30:enableServiceLinks:?bool 31:preemptionPolicy:?string 32:overhead:%apimachinery.pkg.api.resource.Quantity 33:topologySpreadConstraints:*TopologySpreadConstraint 35:setHostnameAsFQDN:?bool 36:os:?PodOS 37:hostUsers:?bool 38:schedulingGates:*PodSchedulingGate 39:resourceClaims:*PodResourceClaim 40:resources:?ResourceRequirements 41:hostnameOverride:?string 43:schedulingGroup:?PodSchedulingGroup
PodStatus 17:observedGeneration:=int64 1:phase:=string 2:conditions:*PodCondition 3:message:=string 4:reason:=string 11:nominatedNodeName:=string 5:hostIP:=string 16:hostIPs:*HostIP 6:podIP:=string 12:podIPs:*PodIP 7:startTime:?apimachinery.pkg.apis.meta.v1.Time 10:initContainerStatuses:*ContainerStatus 8:containerStatuses:*ContainerStatus 9:qosClass:=string 13:ephemeralContainerStatuses:*ContainerStatus 14:resize:=string 15:resourceClaimStatuses:*PodResourceClaimStatus 18:extendedResourceClaimStatus:?PodExtendedResourceClaimStatus 19:allocatedResources:%apimachinery.pkg.api.resource.Quantity 20:resources:?ResourceRequirements 21:nodeAllocatableResourceClaimStatuses:*NodeAllocatableResourceClaimStatus
+PodStatusResult 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:status:=PodStatus
+PodTemplate 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:template:=PodTemplateSpec
+PodTemplateList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*PodTemplate!
PodTemplateSpec 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=PodSpec
PortStatus 1:port:=int32! 2:protocol:=string! 3:error:?string
PortworxVolumeSource 1:volumeID:=string! 2:fsType:=string 3:readOnly:=bool
Preconditions 1:uid:?string
PreferAvoidPodsEntry 1:podSignature:=PodSignature! 2:evictionTime:=apimachinery.pkg.apis.meta.v1.Time 3:reason:=string 4:message:=string
PreferredSchedulingTerm 1:weight:=int32! 2:preference:=NodeSelectorTerm!
Probe 1::=ProbeHandler! 2:initialDelaySeconds:=int32 3:timeoutSeconds:=int32 4:periodSeconds:=int32 5:successThreshold:=int32 6:failureThreshold:=int32 7:terminationGracePeriodSeconds:?int64
ProbeHandler 1:exec:?ExecAction 2:httpGet:?HTTPGetAction 3:tcpSocket:?TCPSocketAction 4:grpc:?GRPCAction
ProjectedVolumeSource 1:sources:*VolumeProjection! 2:defaultMode:?int32
QuobyteVolumeSource 1:registry:=string! 2:volume:=string! 3:readOnly:=bool 4:user:=string 5:group:=string 6:tenant:=string
RBDPersistentVolumeSource 1:monitors:*string! 2:image:=string! 3:fsType:=string 4:pool:=string 5:user:=string 6:keyring:=string 7:secretRef:?SecretReference 8:readOnly:=bool
RBDVolumeSource 1:monitors:*string! 2:image:=string! 3:fsType:=string 4:pool:=string 5:user:=string 6:keyring:=string 7:secretRef:?LocalObjectReference 8:readOnly:=bool
+RangeAllocation 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:range:=string! 3:data:=bytes!
+ReplicationController 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ReplicationControllerSpec 3:status:=ReplicationControllerStatus
ReplicationControllerCondition 1:type:=string! 2:status:=string! 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+ReplicationControllerList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ReplicationController!
ReplicationControllerSpec 1:replicas:?int32 4:minReadySeconds:=int32 2:selector:%string 3:template:?PodTemplateSpec
ReplicationControllerStatus 1:replicas:=int32! 2:fullyLabeledReplicas:=int32 4:readyReplicas:=int32 5:availableReplicas:=int32 3:observedGeneration:=int64 6:conditions:*ReplicationControllerCondition
ResourceClaim 1:name:=string! 2:request:=string
ResourceFieldSelector 1:containerName:=string 2:resource:=string! 3:divisor:=apimachinery.pkg.api.resource.Quantity
ResourceHealth 1:resourceID:=string! 2:health:=string 6:message:?string
+ResourceQuota 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ResourceQuotaSpec 3:status:=ResourceQuotaStatus
+ResourceQuotaList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ResourceQuota!
ResourceQuotaSpec 1:hard:%apimachinery.pkg.api.resource.Quantity 2:scopes:*string 3:scopeSelector:?ScopeSelector
ResourceQuotaStatus 1:hard:%apimachinery.pkg.api.resource.Quantity 2:used:%apimachinery.pkg.api.resource.Quantity
ResourceRequirements 1:limits:%apimachinery.pkg.api.resource.Quantity 2:requests:%apimachinery.pkg.api.resource.Quantity 3:claims:*ResourceClaim
ResourceStatus 1:name:=string! 2:resources:*ResourceHealth
SELinuxOptions 1:user:=string 2:role:=string 3:type:=string 4:level:=string
ScaleIOPersistentVolumeSource 1:gateway:=string! 2:system:=string! 3:secretRef:?SecretReference! 4:sslEnabled:=bool 5:protectionDomain:=string 6:storagePool:=string 7:storageMode:=string 8:volumeName:=string 9:fsType:=string 10:readOnly:=bool
ScaleIOVolumeSource 1:gateway:=string! 2:system:=string! 3:secretRef:?LocalObjectReference! 4:sslEnabled:=bool 5:protectionDomain:=string 6:storagePool:=string 7:storageMode:=string 8:volumeName:=string 9:fsType:=string 10:readOnly:=bool
ScopeSelector 1:matchExpressions:*ScopedResourceSelectorRequirement
ScopedResourceSelectorRequirement 1:scopeName:=string! 2:operator:=string! 3:values:*string
SeccompProfile 1:type:=string! 2:localhostProfile:?string
+Secret 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 5:immutable:?bool 2:data:%bytes 4:stringData:%string 3:type:=string
SecretEnvSource 1::=LocalObjectReference! 2:optional:?bool
SecretKeySelector 1::=LocalObjectReference! 2:key:=string! 3:optional:?bool
+SecretList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Secret!
SecretProjection 1::=LocalObjectReference! 2:items:*KeyToPath 4:optional:?bool
SecretReference 1:name:=string 2:namespace:=string
SecretVolumeSource 1:secretName:=string 2:items:*KeyToPath 3:defaultMode:?int32 4:optional:?bool
SecurityContext 1:capabilities:?Capabilities 2:privileged:?bool 3:seLinuxOptions:?SELinuxOptions 10:windowsOptions:?WindowsSecurityContextOptions 4:runAsUser:?int64 8:runAsGroup:?int64 5:runAsNonRoot:?bool 6:readOnlyRootFilesystem:?bool 7:allowPrivilegeEscalation:?bool 9:procMount:?string 11:seccompProfile:?SeccompProfile 12:appArmorProfile:?AppArmorProfile
+SerializedReference 1:reference:=ObjectReference
+Service 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ServiceSpec 3:status:=ServiceStatus
+ServiceAccount 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:secrets:*ObjectReference 3:imagePullSecrets:*LocalObjectReference 4:automountServiceAccountToken:?bool
+ServiceAccountList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ServiceAccount!
ServiceAccountTokenProjection 1:audience:=string 2:expirationSeconds:?int64 3:path:=string!
+ServiceList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Service!
ServicePort 1:name:=string 2:protocol:=string 6:appProtocol:?string 3:port:=int32! 4:targetPort:=apimachinery.pkg.util.intstr.IntOrString 5:nodePort:=int32
+ServiceProxyOptions 1:path:=string
ServiceSpec 1:ports:*ServicePort 2:selector:%string 3:clusterIP:=string 18:clusterIPs:*string 4:type:=string 5:externalIPs:*string 7:sessionAffinity:=string 8:loadBalancerIP:=string 9:loadBalancerSourceRanges:*string 10:externalName:=string 11:externalTrafficPolicy:=string 12:healthCheckNodePort:=int32 13:publishNotReadyAddresses:=bool 14:sessionAffinityConfig:?SessionAffinityConfig 19:ipFamilies:*string 17:ipFamilyPolicy:?string 20:allocateLoadBalancerNodePorts:?bool 21:loadBalancerClass:?string 22:internalTrafficPolicy:?string 23:trafficDistribution:?string
ServiceStatus 1:loadBalancer:=LoadBalancerStatus 2:conditions:*apimachinery.pkg.apis.meta.v1.Condition
SessionAffinityConfig 1:clientIP:?ClientIPConfig
SleepAction 1:seconds:=int64!
StorageOSPersistentVolumeSource 1:volumeName:=string 2:volumeNamespace:=string 3:fsType:=string 4:readOnly:=bool 5:secretRef:?ObjectReference
StorageOSVolumeSource 1:volumeName:=string 2:volumeNamespace:=string 3:fsType:=string 4:readOnly:=bool 5:secretRef:?LocalObjectReference
Sysctl 1:name:=string! 2:value:=string!
TCPSocketAction 1:port:=apimachinery.pkg.util.intstr.IntOrString! 2:host:=string
Taint 1:key:=string! 2:value:=string 3:effect:=string! 4:timeAdded:?apimachinery.pkg.apis.meta.v1.Time
Toleration 1:key:=string 2:operator:=string 3:value:=string 4:effect:=string 5:tolerationSeconds:?int64
TopologySelectorLabelRequirement 1:key:=string! 2:values:*string!
TopologySelectorTerm 1:matchLabelExpressions:*TopologySelectorLabelRequirement
TopologySpreadConstraint 1:maxSkew:=int32! 2:topologyKey:=string! 3:whenUnsatisfiable:=string! 4:labelSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 5:minDomains:?int32 6:nodeAffinityPolicy:?string 7:nodeTaintsPolicy:?string 8:matchLabelKeys:*string
TypedLocalObjectReference 1:apiGroup:?string! 2:kind:=string! 3:name:=string!
TypedObjectReference 1:apiGroup:?string! 2:kind:=string! 3:name:=string! 4:namespace:?string
Volume 1:name:=string! 2::=VolumeSource!
VolumeDevice 1:name:=string! 2:devicePath:=string!
VolumeMount 1:name:=string! 2:readOnly:=bool 7:recursiveReadOnly:?string 3:mountPath:=string! 4:subPath:=string 5:mountPropagation:?string 6:subPathExpr:=string
VolumeMountStatus 1:name:=string! 2:mountPath:=string! 3:readOnly:=bool 4:recursiveReadOnly:?string 5:volumeStatus:?VolumeStatus
VolumeNodeAffinity 1:required:?NodeSelector
VolumeProjection 1:secret:?SecretProjection 2:downwardAPI:?DownwardAPIProjection 3:configMap:?ConfigMapProjection 4:serviceAccountToken:?ServiceAccountTokenProjection 5:clusterTrustBundle:?ClusterTrustBundleProjection 6:podCertificate:?PodCertificateProjection
VolumeResourceRequirements 1:limits:%apimachinery.pkg.api.resource.Quantity 2:requests:%apimachinery.pkg.api.resource.Quantity
VolumeSource 1:hostPath:?HostPathVolumeSource 2:emptyDir:?EmptyDirVolumeSource 3:gcePersistentDisk:?GCEPersistentDiskVolumeSource 4:awsElasticBlockStore:?AWSElasticBlockStoreVolumeSource 5:gitRepo:?GitRepoVolumeSource 6:secret:?SecretVolumeSource 7:nfs:?NFSVolumeSource 8:iscsi:?ISCSIVolumeSource 9:glusterfs:?GlusterfsVolumeSource 10:persistentVolumeClaim:?PersistentVolumeClaimVolumeSource 11:rbd:?RBDVolumeSource 12:flexVolume:?FlexVolumeSource 13:cinder:?CinderVolumeSource 14:cephfs:?CephFSVolumeSource 15:flocker:?FlockerVolumeSource 16:downwardAPI:?DownwardAPIVolumeSource 17:fc:?FCVolumeSource 18:azureFile:?AzureFileVolumeSource 19:configMap:?ConfigMapVolumeSource 20:vsphereVolume:?VsphereVirtualDiskVolumeSource 21:quobyte:?QuobyteVolumeSource 22:azureDisk:?AzureDiskVolumeSource 23:photonPersistentDisk:?PhotonPersistentDiskVolumeSource 26:projected:?ProjectedVolumeSource 24:portworxVolume:?PortworxVolumeSource 25:scaleIO:?ScaleIOVolumeSource 27:storageos:?StorageOSVolumeSource 28:csi:?CSIVolumeSource 29:ephemeral:?EphemeralVolumeSource 30:image:?ImageVolumeSource
VolumeStatus 1:image:?ImageVolumeStatus
VsphereVirtualDiskVolumeSource 1:volumePath:=string! 2:fsType:=string 3:storagePolicyName:=string 4:storagePolicyID:=string
WeightedPodAffinityTerm 1:weight:=int32! 2:podAffinityTerm:=PodAffinityTerm!
WindowsSecurityContextOptions 1:gmsaCredentialSpecName:?string 2:gmsaCredentialSpec:?string 3:runAsUserName:?string 4:hostProcess:?bool
package api.discovery.v1 discovery.k8s.io/v1
Endpoint 1:addresses:*string! 2:conditions:=EndpointConditions 3:hostname:?string 4:targetRef:?api.core.v1.ObjectReference 5:deprecatedTopology:%string 6:nodeName:?string 7:zone:?string 8:hints:?EndpointHints
EndpointConditions 1:ready:?bool 2:serving:?bool 3:terminating:?bool
EndpointHints 1:forZones:*ForZone 2:forNodes:*ForNode
EndpointPort 1:name:?string 2:protocol:?string 3:port:?int32 4:appProtocol:?string
+EndpointSlice 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 4:addressType:=string! 2:endpoints:*Endpoint! 3:ports:*EndpointPort!
+EndpointSliceList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*EndpointSlice!
ForNode 1:name:=string!
ForZone 1:name:=string!
package api.discovery.v1beta1 discovery.k8s.io/v1beta1
Endpoint 1:addresses:*string! 2:conditions:=EndpointConditions 3:hostname:?string 4:targetRef:?api.core.v1.ObjectReference 5:topology:%string 6:nodeName:?string 7:hints:?EndpointHints
EndpointConditions 1:ready:?bool 2:serving:?bool 3:terminating:?bool
EndpointHints 1:forZones:*ForZone 2:forNodes:*ForNode
EndpointPort 1:name:?string 2:protocol:?string 3:port:?int32 4:appProtocol:?string
+EndpointSlice 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 4:addressType:=string! 2:endpoints:*Endpoint! 3:ports:*EndpointPort!
+EndpointSliceList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*EndpointSlice!
ForNode 1:name:=string!
ForZone 1:name:=string!
package api.events.v1 events.k8s.io/v1
+Event 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta! 2:eventTime:=apimachinery.pkg.apis.meta.v1.MicroTime! 3:series:?EventSeries 4:reportingController:=string 5:reportingInstance:=string 6:action:=string 7:reason:=string 8:regarding:=api.core.v1.ObjectReference 9:related:?api.core.v1.ObjectReference 10:note:=string 11:type:=string 12:deprecatedSource:=api.core.v1.EventSource 13:deprecatedFirstTimestamp:=apimachinery.pkg.apis.meta.v1.Time 14:deprecatedLastTimestamp:=apimachinery.pkg.apis.meta.v1.Time 15:deprecatedCount:=int32
+EventList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Event!
EventSeries 1:count:=int32! 2:lastObservedTime:=apimachinery.pkg.apis.meta.v1.MicroTime!
package api.events.v1beta1 events.k8s.io/v1beta1
+Event 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta! 2:eventTime:=apimachinery.pkg.apis.meta.v1.MicroTime! 3:series:?EventSeries 4:reportingController:=string 5:reportingInstance:=string 6:action:=string 7:reason:=string 8:regarding:=api.core.v1.ObjectReference 9:related:?api.core.v1.ObjectReference 10:note:=string 11:type:=string 12:deprecatedSource:=api.core.v1.EventSource 13:deprecatedFirstTimestamp:=apimachinery.pkg.apis.meta.v1.Time 14:deprecatedLastTimestamp:=apimachinery.pkg.apis.meta.v1.Time 15:deprecatedCount:=int32
+EventList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Event!
EventSeries 1:count:=int32! 2:lastObservedTime:=apimachinery.pkg.apis.meta.v1.MicroTime!
package api.extensions.v1beta1 extensions/v1beta1
+DaemonSet 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=DaemonSetSpec 3:status:=DaemonSetStatus
DaemonSetCondition 1:type:=string! 2:status:=string! 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+DaemonSetList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*DaemonSet!
DaemonSetSpec 1:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector 2:template:=api.core.v1.PodTemplateSpec! 3:updateStrategy:=DaemonSetUpdateStrategy 4:minReadySeconds:=int32 5:templateGeneration:=int64 6:revisionHistoryLimit:?int32
DaemonSetStatus 1:currentNumberScheduled:=int32! 2:numberMisscheduled:=int32! 3:desiredNumberScheduled:=int32! 4:numberReady:=int32! 5:observedGeneration:=int64 6:updatedNumberScheduled:=int32 7:numberAvailable:=int32 8:numberUnavailable:=int32 9:collisionCount:?int32 10:conditions:*DaemonSetCondition
DaemonSetUpdateStrategy 1:type:=string 2:rollingUpdate:?RollingUpdateDaemonSet
+Deployment 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=DeploymentSpec 3:status:=DeploymentStatus
DeploymentCondition 1:type:=string! 2:status:=string! 6:lastUpdateTime:=apimachinery.pkg.apis.meta.v1.Time 7:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+DeploymentList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Deployment!
+DeploymentRollback 1:name:=string! 2:updatedAnnotations:%string 3:rollbackTo:=RollbackConfig!
DeploymentSpec 1:replicas:?int32 2:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector 3:template:=api.core.v1.PodTemplateSpec! 4:strategy:=DeploymentStrategy 5:minReadySeconds:=int32 6:revisionHistoryLimit:?int32 7:paused:=bool 8:rollbackTo:?RollbackConfig 9:progressDeadlineSeconds:?int32
DeploymentStatus 1:observedGeneration:=int64 2:replicas:=int32 3:updatedReplicas:=int32 7:readyReplicas:=int32 4:availableReplicas:=int32 5:unavailableReplicas:=int32 9:terminatingReplicas:?int32 6:conditions:*DeploymentCondition 8:collisionCount:?int32
DeploymentStrategy 1:type:=string 2:rollingUpdate:?RollingUpdateDeployment
HTTPIngressPath 1:path:=string 3:pathType:?string 2:backend:=IngressBackend!
HTTPIngressRuleValue 1:paths:*HTTPIngressPath!
IPBlock 1:cidr:=string! 2:except:*string
+Ingress 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=IngressSpec 3:status:=IngressStatus
IngressBackend 1:serviceName:=string 2:servicePort:=apimachinery.pkg.util.intstr.IntOrString 3:resource:?api.core.v1.TypedLocalObjectReference
+IngressList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Ingress!
IngressLoadBalancerIngress 1:ip:=string 2:hostname:=string 4:ports:*IngressPortStatus
IngressLoadBalancerStatus 1:ingress:*IngressLoadBalancerIngress
IngressPortStatus 1:port:=int32! 2:protocol:=string! 3:error:?string
IngressRule 1:host:=string 2::=IngressRuleValue!
IngressRuleValue 1:http:?HTTPIngressRuleValue
IngressSpec 4:ingressClassName:?string 1:backend:?IngressBackend 2:tls:*IngressTLS 3:rules:*IngressRule
IngressStatus 1:loadBalancer:=IngressLoadBalancerStatus
IngressTLS 1:hosts:*string 2:secretName:=string
+NetworkPolicy 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=NetworkPolicySpec
NetworkPolicyEgressRule 1:ports:*NetworkPolicyPort 2:to:*NetworkPolicyPeer
NetworkPolicyIngressRule 1:ports:*NetworkPolicyPort 2:from:*NetworkPolicyPeer
+NetworkPolicyList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*NetworkPolicy!
NetworkPolicyPeer 1:podSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 2:namespaceSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 3:ipBlock:?IPBlock
NetworkPolicyPort 1:protocol:?string 2:port:?apimachinery.pkg.util.intstr.IntOrString 3:endPort:?int32
NetworkPolicySpec 1:podSelector:=apimachinery.pkg.apis.meta.v1.LabelSelector! 2:ingress:*NetworkPolicyIngressRule 3:egress:*NetworkPolicyEgressRule 4:policyTypes:*string
+ReplicaSet 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ReplicaSetSpec 3:status:=ReplicaSetStatus
ReplicaSetCondition 1:type:=string! 2:status:=string! 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+ReplicaSetList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ReplicaSet!
ReplicaSetSpec 1:replicas:?int32 4:minReadySeconds:=int32 2:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector 3:template:=api.core.v1.PodTemplateSpec
ReplicaSetStatus 1:replicas:=int32! 2:fullyLabeledReplicas:=int32 4:readyReplicas:=int32 5:availableReplicas:=int32 7:terminatingReplicas:?int32 3:observedGeneration:=int64 6:conditions:*ReplicaSetCondition
RollbackConfig 1:revision:=int64
RollingUpdateDaemonSet 1:maxUnavailable:?apimachinery.pkg.util.intstr.IntOrString 2:maxSurge:?apimachinery.pkg.util.intstr.IntOrString
RollingUpdateDeployment 1:maxUnavailable:?apimachinery.pkg.util.intstr.IntOrString 2:maxSurge:?apimachinery.pkg.util.intstr.IntOrString
+Scale 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ScaleSpec 3:status:=ScaleStatus
ScaleSpec 1:replicas:=int32
ScaleStatus 1:replicas:=int32! 2:selector:%string 3:targetSelector:=string
package api.flowcontrol.v1 flowcontrol.apiserver.k8s.io/v1
ExemptPriorityLevelConfiguration 1:nominalConcurrencyShares:?int32 2:lendablePercent:?int32
FlowDistinguisherMethod 1:type:=string!
+FlowSchema 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=FlowSchemaSpec 3:status:=FlowSchemaStatus
FlowSchemaCondition 1:type:=string 2:status:=string 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+FlowSchemaList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*FlowSchema!
FlowSchemaSpec 1:priorityLevelConfiguration:=PriorityLevelConfigurationReference! 2:matchingPrecedence:=int32! 3:distinguisherMethod:?FlowDistinguisherMethod 4:rules:*PolicyRulesWithSubjects
FlowSchemaStatus 1:conditions:*FlowSchemaCondition
GroupSubject 1:name:=string!
LimitResponse 1:type:=string! 2:queuing:?QueuingConfiguration
LimitedPriorityLevelConfiguration 1:nominalConcurrencyShares:?int32! 2:limitResponse:=LimitResponse 3:lendablePercent:?int32 4:borrowingLimitPercent:?int32
NonResourcePolicyRule 1:verbs:*string! 6:nonResourceURLs:*string!
PolicyRulesWithSubjects 1:subjects:*Subject! 2:resourceRules:*ResourcePolicyRule 3:nonResourceRules:*NonResourcePolicyRule
+PriorityLevelConfiguration 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=PriorityLevelConfigurationSpec 3:status:=PriorityLevelConfigurationStatus
PriorityLevelConfigurationCondition 1:type:=string 2:status:=string 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+PriorityLevelConfigurationList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*PriorityLevelConfiguration!
PriorityLevelConfigurationReference 1:name:=string!
PriorityLevelConfigurationSpec 1:type:=string! 2:limited:?LimitedPriorityLevelConfiguration 3:exempt:?ExemptPriorityLevelConfiguration
PriorityLevelConfigurationStatus 1:conditions:*PriorityLevelConfigurationCondition
QueuingConfiguration 1:queues:=int32! 2:handSize:=int32! 3:queueLengthLimit:=int32!
ResourcePolicyRule 1:verbs:*string! 2:apiGroups:*string! 3:resources:*string! 4:clusterScope:=bool 5:namespaces:*string!
ServiceAccountSubject 1:namespace:=string! 2:name:=string!
Subject 1:kind:=string! 2:user:?UserSubject 3:group:?GroupSubject 4:serviceAccount:?ServiceAccountSubject
UserSubject 1:name:=string!
package api.flowcontrol.v1beta1 flowcontrol.apiserver.k8s.io/v1beta1
ExemptPriorityLevelConfiguration 1:nominalConcurrencyShares:?int32 2:lendablePercent:?int32
FlowDistinguisherMethod 1:type:=string!
+FlowSchema 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=FlowSchemaSpec 3:status:=FlowSchemaStatus
FlowSchemaCondition 1:type:=string 2:status:=string 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+FlowSchemaList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*FlowSchema!
FlowSchemaSpec 1:priorityLevelConfiguration:=PriorityLevelConfigurationReference! 2:matchingPrecedence:=int32! 3:distinguisherMethod:?FlowDistinguisherMethod 4:rules:*PolicyRulesWithSubjects
FlowSchemaStatus 1:conditions:*FlowSchemaCondition
GroupSubject 1:name:=string!
LimitResponse 1:type:=string! 2:queuing:?QueuingConfiguration
LimitedPriorityLevelConfiguration 1:assuredConcurrencyShares:=int32! 2:limitResponse:=LimitResponse 3:lendablePercent:?int32 4:borrowingLimitPercent:?int32
NonResourcePolicyRule 1:verbs:*string! 6:nonResourceURLs:*string!
PolicyRulesWithSubjects 1:subjects:*Subject! 2:resourceRules:*ResourcePolicyRule 3:nonResourceRules:*NonResourcePolicyRule
+PriorityLevelConfiguration 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=PriorityLevelConfigurationSpec 3:status:=PriorityLevelConfigurationStatus
PriorityLevelConfigurationCondition 1:type:=string 2:status:=string 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+PriorityLevelConfigurationList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*PriorityLevelConfiguration!
PriorityLevelConfigurationReference 1:name:=string!
PriorityLevelConfigurationSpec 1:type:=string! 2:limited:?LimitedPriorityLevelConfiguration 3:exempt:?ExemptPriorityLevelConfiguration
PriorityLevelConfigurationStatus 1:conditions:*PriorityLevelConfigurationCondition
QueuingConfiguration 1:queues:=int32! 2:handSize:=int32! 3:queueLengthLimit:=int32!
ResourcePolicyRule 1:verbs:*string! 2:apiGroups:*string! 3:resources:*string! 4:clusterScope:=bool 5:namespaces:*string!
ServiceAccountSubject 1:namespace:=string! 2:name:=string!
Subject 1:kind:=string! 2:user:?UserSubject 3:group:?GroupSubject 4:serviceAccount:?ServiceAccountSubject
UserSubject 1:name:=string!
package api.flowcontrol.v1beta2 flowcontrol.apiserver.k8s.io/v1beta2
ExemptPriorityLevelConfiguration 1:nominalConcurrencyShares:?int32 2:lendablePercent:?int32
FlowDistinguisherMethod 1:type:=string!
+FlowSchema 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=FlowSchemaSpec 3:status:=FlowSchemaStatus
FlowSchemaCondition 1:type:=string 2:status:=string 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+FlowSchemaList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*FlowSchema!
FlowSchemaSpec 1:priorityLevelConfiguration:=PriorityLevelConfigurationReference! 2:matchingPrecedence:=int32! 3:distinguisherMethod:?FlowDistinguisherMethod 4:rules:*PolicyRulesWithSubjects
FlowSchemaStatus 1:conditions:*FlowSchemaCondition
GroupSubject 1:name:=string!
LimitResponse 1:type:=string! 2:queuing:?QueuingConfiguration
LimitedPriorityLevelConfiguration 1:assuredConcurrencyShares:=int32! 2:limitResponse:=LimitResponse 3:lendablePercent:?int32 4:borrowingLimitPercent:?int32
NonResourcePolicyRule 1:verbs:*string! 6:nonResourceURLs:*string!
PolicyRulesWithSubjects 1:subjects:*Subject! 2:resourceRules:*ResourcePolicyRule 3:nonResourceRules:*NonResourcePolicyRule
+PriorityLevelConfiguration 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=PriorityLevelConfigurationSpec 3:status:=PriorityLevelConfigurationStatus
PriorityLevelConfigurationCondition 1:type:=string 2:status:=string 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+PriorityLevelConfigurationList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*PriorityLevelConfiguration!
PriorityLevelConfigurationReference 1:name:=string!
PriorityLevelConfigurationSpec 1:type:=string! 2:limited:?LimitedPriorityLevelConfiguration 3:exempt:?ExemptPriorityLevelConfiguration
PriorityLevelConfigurationStatus 1:conditions:*PriorityLevelConfigurationCondition
QueuingConfiguration 1:queues:=int32! 2:handSize:=int32! 3:queueLengthLimit:=int32!
ResourcePolicyRule 1:verbs:*string! 2:apiGroups:*string! 3:resources:*string! 4:clusterScope:=bool 5:namespaces:*string!
ServiceAccountSubject 1:namespace:=string! 2:name:=string!
Subject 1:kind:=string! 2:user:?UserSubject 3:group:?GroupSubject 4:serviceAccount:?ServiceAccountSubject
UserSubject 1:name:=string!
package api.flowcontrol.v1beta3 flowcontrol.apiserver.k8s.io/v1beta3
ExemptPriorityLevelConfiguration 1:nominalConcurrencyShares:?int32 2:lendablePercent:?int32
FlowDistinguisherMethod 1:type:=string!
+FlowSchema 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=FlowSchemaSpec 3:status:=FlowSchemaStatus
FlowSchemaCondition 1:type:=string 2:status:=string 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+FlowSchemaList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*FlowSchema!
FlowSchemaSpec 1:priorityLevelConfiguration:=PriorityLevelConfigurationReference! 2:matchingPrecedence:=int32! 3:distinguisherMethod:?FlowDistinguisherMethod 4:rules:*PolicyRulesWithSubjects
FlowSchemaStatus 1:conditions:*FlowSchemaCondition
GroupSubject 1:name:=string!
LimitResponse 1:type:=string! 2:queuing:?QueuingConfiguration
LimitedPriorityLevelConfiguration 1:nominalConcurrencyShares:=int32! 2:limitResponse:=LimitResponse 3:lendablePercent:?int32 4:borrowingLimitPercent:?int32
NonResourcePolicyRule 1:verbs:*string! 6:nonResourceURLs:*string!
PolicyRulesWithSubjects 1:subjects:*Subject! 2:resourceRules:*ResourcePolicyRule 3:nonResourceRules:*NonResourcePolicyRule
+PriorityLevelConfiguration 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=PriorityLevelConfigurationSpec 3:status:=PriorityLevelConfigurationStatus
PriorityLevelConfigurationCondition 1:type:=string 2:status:=string 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+PriorityLevelConfigurationList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*PriorityLevelConfiguration!
PriorityLevelConfigurationReference 1:name:=string!
PriorityLevelConfigurationSpec 1:type:=string! 2:limited:?LimitedPriorityLevelConfiguration 3:exempt:?ExemptPriorityLevelConfiguration
PriorityLevelConfigurationStatus 1:conditions:*PriorityLevelConfigurationCondition
QueuingConfiguration 1:queues:=int32! 2:handSize:=int32! 3:queueLengthLimit:=int32!
ResourcePolicyRule 1:verbs:*string! 2:apiGroups:*string! 3:resources:*string! 4:clusterScope:=bool 5:namespaces:*string!
ServiceAccountSubject 1:namespace:=string! 2:name:=string!
Subject 1:kind:=string! 2:user:?UserSubject 3:group:?GroupSubject 4:serviceAccount:?ServiceAccountSubject
UserSubject 1:name:=string!
package api.imagepolicy.v1alpha1 imagepolicy.k8s.io/v1alpha1
+ImageReview 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ImageReviewSpec! 3:status:=ImageReviewStatus
ImageReviewContainerSpec 1:image:=string
ImageReviewSpec 1:containers:*ImageReviewContainerSpec 2:annotations:%string 3:namespace:=string
ImageReviewStatus 1:allowed:=bool! 2:reason:=string 3:auditAnnotations:%string
package api.networking.v1 networking.k8s.io/v1
HTTPIngressPath 1:path:=string 3:pathType:?string! 2:backend:=IngressBackend!
HTTPIngressRuleValue 1:paths:*HTTPIngressPath!
+IPAddress 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=IPAddressSpec
+IPAddressList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*IPAddress!
IPAddressSpec 1:parentRef:?ParentReference
IPBlock 1:cidr:=string! 2:except:*string
+Ingress 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=IngressSpec 3:status:=IngressStatus
IngressBackend 4:service:?IngressServiceBackend 3:resource:?api.core.v1.TypedLocalObjectReference
+IngressClass 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=IngressClassSpec
+IngressClassList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*IngressClass!
IngressClassParametersReference 1:apiGroup:?string 2:kind:=string! 3:name:=string! 4:scope:?string! 5:namespace:?string
IngressClassSpec 1:controller:=string 2:parameters:?IngressClassParametersReference
+IngressList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Ingress!
IngressLoadBalancerIngress 1:ip:=string 2:hostname:=string 4:ports:*IngressPortStatus
IngressLoadBalancerStatus 1:ingress:*IngressLoadBalancerIngress
IngressPortStatus 1:port:=int32! 2:protocol:=string! 3:error:?string
IngressRule 1:host:=string 2::=IngressRuleValue!
IngressRuleValue 1:http:?HTTPIngressRuleValue
IngressServiceBackend 1:name:=string! 2:port:=ServiceBackendPort
IngressSpec 4:ingressClassName:?string 1:defaultBackend:?IngressBackend 2:tls:*IngressTLS 3:rules:*IngressRule
IngressStatus 1:loadBalancer:=IngressLoadBalancerStatus
IngressTLS 1:hosts:*string 2:secretName:=string
+NetworkPolicy 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=NetworkPolicySpec
NetworkPolicyEgressRule 1:ports:*NetworkPolicyPort 2:to:*NetworkPolicyPeer
NetworkPolicyIngressRule 1:ports:*NetworkPolicyPort 2:from:*NetworkPolicyPeer
+NetworkPolicyList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*NetworkPolicy!
NetworkPolicyPeer 1:podSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 2:namespaceSelector:?apimachinery.pkg.apis.meta.v1.LabelSelector 3:ipBlock:?IPBlock
NetworkPolicyPort 1:protocol:?string 2:port:?apimachinery.pkg.util.intstr.IntOrString 3:endPort:?int32
NetworkPolicySpec 1:podSelector:=apimachinery.pkg.apis.meta.v1.LabelSelector! 2:ingress:*NetworkPolicyIngressRule 3:egress:*NetworkPolicyEgressRule 4:policyTypes:*string
ParentReference 1:group:=string 2:resource:=string 3:namespace:=string 4:name:=string
ServiceBackendPort 1:name:=string 2:number:=int32
+ServiceCIDR 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ServiceCIDRSpec 3:status:=ServiceCIDRStatus
+ServiceCIDRList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ServiceCIDR!
ServiceCIDRSpec 1:cidrs:*string
ServiceCIDRStatus 1:conditions:*apimachinery.pkg.apis.meta.v1.Condition
package api.networking.v1beta1 networking.k8s.io/v1beta1
HTTPIngressPath 1:path:=string 3:pathType:?string 2:backend:=IngressBackend!
HTTPIngressRuleValue 1:paths:*HTTPIngressPath!
+IPAddress 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=IPAddressSpec
+IPAddressList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*IPAddress!
IPAddressSpec 1:parentRef:?ParentReference
+Ingress 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=IngressSpec 3:status:=IngressStatus
IngressBackend 1:serviceName:=string 2:servicePort:=apimachinery.pkg.util.intstr.IntOrString 3:resource:?api.core.v1.TypedLocalObjectReference
+IngressClass 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=IngressClassSpec
+IngressClassList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*IngressClass!
IngressClassParametersReference 1:apiGroup:?string 2:kind:=string! 3:name:=string! 4:scope:?string! 5:namespace:?string
IngressClassSpec 1:controller:=string 2:parameters:?IngressClassParametersReference
+IngressList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Ingress!
IngressLoadBalancerIngress 1:ip:=string 2:hostname:=string 4:ports:*IngressPortStatus
IngressLoadBalancerStatus 1:ingress:*IngressLoadBalancerIngress
IngressPortStatus 1:port:=int32! 2:protocol:=string! 3:error:?string
IngressRule 1:host:=string 2::=IngressRuleValue!
IngressRuleValue 1:http:?HTTPIngressRuleValue
IngressSpec 4:ingressClassName:?string 1:backend:?IngressBackend 2:tls:*IngressTLS 3:rules:*IngressRule
IngressStatus 1:loadBalancer:=IngressLoadBalancerStatus
IngressTLS 1:hosts:*string 2:secretName:=string
ParentReference 1:group:=string 2:resource:=string 3:namespace:=string 4:name:=string
+ServiceCIDR 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ServiceCIDRSpec 3:status:=ServiceCIDRStatus
+ServiceCIDRList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ServiceCIDR!
ServiceCIDRSpec 1:cidrs:*string
ServiceCIDRStatus 1:conditions:*apimachinery.pkg.apis.meta.v1.Condition
package api.node.v1 node.k8s.io/v1
Overhead 1:podFixed:%apimachinery.pkg.api.resource.Quantity
+RuntimeClass 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:handler:=string! 3:overhead:?Overhead 4:scheduling:?Scheduling
+RuntimeClassList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*RuntimeClass!
Scheduling 1:nodeSelector:%string 2:tolerations:*api.core.v1.Toleration
package api.node.v1alpha1 node.k8s.io/v1alpha1
Overhead 1:podFixed:%apimachinery.pkg.api.resource.Quantity
+RuntimeClass 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=RuntimeClassSpec!
+RuntimeClassList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*RuntimeClass!
RuntimeClassSpec 1:runtimeHandler:=string! 2:overhead:?Overhead 3:scheduling:?Scheduling
Scheduling 1:nodeSelector:%string 2:tolerations:*api.core.v1.Toleration
package api.node.v1beta1 node.k8s.io/v1beta1
Overhead 1:podFixed:%apimachinery.pkg.api.resource.Quantity
+RuntimeClass 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:handler:=string! 3:overhead:?Overhead 4:scheduling:?Scheduling
+RuntimeClassList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*RuntimeClass!
Scheduling 1:nodeSelector:%string 2:tolerations:*api.core.v1.Toleration
package api.policy.v1 policy/v1
+Eviction 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:deleteOptions:?apimachinery.pkg.apis.meta.v1.DeleteOptions
+PodDisruptionBudget 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=PodDisruptionBudgetSpec 3:status:=PodDisruptionBudgetStatus
+PodDisruptionBudgetList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*PodDisruptionBudget!
PodDisruptionBudgetSpec 1:minAvailable:?apimachinery.pkg.util.intstr.IntOrString 2:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector 3:maxUnavailable:?apimachinery.pkg.util.intstr.IntOrString 4:unhealthyPodEvictionPolicy:?string
PodDisruptionBudgetStatus 1:observedGeneration:=int64 2:disruptedPods:%apimachinery.pkg.apis.meta.v1.Time 3:disruptionsAllowed:=int32! 4:currentHealthy:=int32! 5:desiredHealthy:=int32! 6:expectedPods:=int32! 7:conditions:*apimachinery.pkg.apis.meta.v1.Condition
package api.policy.v1beta1 policy/v1beta1
+Eviction 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:deleteOptions:?apimachinery.pkg.apis.meta.v1.DeleteOptions
+PodDisruptionBudget 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=PodDisruptionBudgetSpec 3:status:=PodDisruptionBudgetStatus
+PodDisruptionBudgetList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*PodDisruptionBudget!
PodDisruptionBudgetSpec 1:minAvailable:?apimachinery.pkg.util.intstr.IntOrString 2:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector 3:maxUnavailable:?apimachinery.pkg.util.intstr.IntOrString 4:unhealthyPodEvictionPolicy:?string
PodDisruptionBudgetStatus 1:observedGeneration:=int64 2:disruptedPods:%apimachinery.pkg.apis.meta.v1.Time 3:disruptionsAllowed:=int32! 4:currentHealthy:=int32! 5:desiredHealthy:=int32! 6:expectedPods:=int32! 7:conditions:*apimachinery.pkg.apis.meta.v1.Condition
package api.rbac.v1 rbac.authorization.k8s.io/v1
AggregationRule 1:clusterRoleSelectors:*apimachinery.pkg.apis.meta.v1.LabelSelector
+ClusterRole 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:rules:*PolicyRule! 3:aggregationRule:?AggregationRule
+ClusterRoleBinding 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:subjects:*Subject 3:roleRef:=RoleRef!
+ClusterRoleBindingList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ClusterRoleBinding!
+ClusterRoleList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ClusterRole!
PolicyRule 1:verbs:*string! 2:apiGroups:*string 3:resources:*string 4:resourceNames:*string 5:nonResourceURLs:*string
+Role 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:rules:*PolicyRule!
+RoleBinding 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:subjects:*Subject 3:roleRef:=RoleRef!
+RoleBindingList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*RoleBinding!
+RoleList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Role!
RoleRef 1:apiGroup:=string! 2:kind:=string! 3:name:=string!
Subject 1:kind:=string! 2:apiGroup:=string 3:name:=string! 4:namespace:=string
package api.rbac.v1alpha1 rbac.authorization.k8s.io/v1alpha1
AggregationRule 1:clusterRoleSelectors:*apimachinery.pkg.apis.meta.v1.LabelSelector
+ClusterRole 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:rules:*PolicyRule! 3:aggregationRule:?AggregationRule
+ClusterRoleBinding 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:subjects:*Subject 3:roleRef:=RoleRef!
+ClusterRoleBindingList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ClusterRoleBinding!
+ClusterRoleList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ClusterRole!
PolicyRule 1:verbs:*string! 3:apiGroups:*string 4:resources:*string 5:resourceNames:*string 6:nonResourceURLs:*string
+Role 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:rules:*PolicyRule!
+RoleBinding 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:subjects:*Subject 3:roleRef:=RoleRef!
+RoleBindingList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*RoleBinding!
+RoleList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Role!
RoleRef 1:apiGroup:=string! 2:kind:=string! 3:name:=string!
Subject 1:kind:=string! 2:apiVersion:=string 3:name:=string! 4:namespace:=string
package api.rbac.v1beta1 rbac.authorization.k8s.io/v1beta1
AggregationRule 1:clusterRoleSelectors:*apimachinery.pkg.apis.meta.v1.LabelSelector
+ClusterRole 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:rules:*PolicyRule! 3:aggregationRule:?AggregationRule
+ClusterRoleBinding 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:subjects:*Subject 3:roleRef:=RoleRef!
+ClusterRoleBindingList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ClusterRoleBinding!
+ClusterRoleList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ClusterRole!
PolicyRule 1:verbs:*string! 2:apiGroups:*string 3:resources:*string 4:resourceNames:*string 5:nonResourceURLs:*string
+Role 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:rules:*PolicyRule!
+RoleBinding 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:subjects:*Subject 3:roleRef:=RoleRef!
+RoleBindingList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*RoleBinding!
+RoleList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Role!
RoleRef 1:apiGroup:=string! 2:kind:=string! 3:name:=string!
Subject 1:kind:=string! 2:apiGroup:=string 3:name:=string! 4:namespace:=string
package api.resource.v1 resource.k8s.io/v1
AllocatedDeviceStatus 1:driver:=string! 2:pool:=string! 3:device:=string! 7:shareID:?string 4:conditions:*apimachinery.pkg.apis.meta.v1.Condition! 5:data:?apimachinery.pkg.runtime.RawExtension 6:networkData:?NetworkDeviceData
AllocationResult 1:devices:=DeviceAllocationResult 3:nodeSelector:?api.core.v1.NodeSelector 5:allocationTimestamp:?apimachinery.pkg.apis.meta.v1.Time
CELDeviceSelector 1:expression:=string!
CapacityRequestPolicy 1:default:?apimachinery.pkg.api.resource.Quantity! 3:validValues:*apimachinery.pkg.api.resource.Quantity 4:validRange:?CapacityRequestPolicyRange
CapacityRequestPolicyRange 1:min:?apimachinery.pkg.api.resource.Quantity 2:max:?apimachinery.pkg.api.resource.Quantity 3:step:?apimachinery.pkg.api.resource.Quantity
CapacityRequirements 1:requests:%apimachinery.pkg.api.resource.Quantity
Counter 1:value:=apimachinery.pkg.api.resource.Quantity!
CounterSet 1:name:=string! 2:counters:%Counter
Device 1:name:=string! 2:attributes:%DeviceAttribute 3:capacity:%DeviceCapacity 4:consumesCounters:*DeviceCounterConsumption 5:nodeName:?string 6:nodeSelector:?api.core.v1.NodeSelector 7:allNodes:?bool 8:taints:*DeviceTaint 9:bindsToNode:?bool 10:bindingConditions:*string 11:bindingFailureConditions:*string 12:allowMultipleAllocations:?bool 13:nodeAllocatableResourceMappings:%NodeAllocatableResourceMapping
DeviceAllocationConfiguration 1:source:=string! 2:requests:*string 3::=DeviceConfiguration!
DeviceAllocationResult 1:results:*DeviceRequestAllocationResult 2:config:*DeviceAllocationConfiguration
DeviceAttribute 2:int:?int64 3:bool:?bool 4:string:?string 5:version:?string 6:ints:*int64 7:bools:*bool 8:strings:*string 9:versions:*string
DeviceCapacity 1:value:=apimachinery.pkg.api.resource.Quantity! 2:requestPolicy:?CapacityRequestPolicy
DeviceClaim 1:requests:*DeviceRequest! 2:constraints:*DeviceConstraint 3:config:*DeviceClaimConfiguration
DeviceClaimConfiguration 1:requests:*string 2::=DeviceConfiguration!
+DeviceClass 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=DeviceClassSpec!
DeviceClassConfiguration 1::=DeviceConfiguration!
+DeviceClassList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*DeviceClass!
DeviceClassSpec 1:selectors:*DeviceSelector 2:config:*DeviceClassConfiguration 4:extendedResourceName:?string
DeviceConfiguration 1:opaque:?OpaqueDeviceConfiguration
DeviceConstraint 1:requests:*string 2:matchAttribute:?string 3:distinctAttribute:?string
DeviceCounterConsumption 1:counterSet:=string! 2:counters:%Counter
DeviceRequest 1:name:=string! 2:exactly:?ExactDeviceRequest 3:firstAvailable:*DeviceSubRequest
DeviceRequestAllocationResult 1:request:=string! 2:driver:=string! 3:pool:=string! 4:device:=string! 5:adminAccess:?bool 6:tolerations:*DeviceToleration 7:bindingConditions:*string 8:bindingFailureConditions:*string 9:shareID:?string 10:consumedCapacity:%apimachinery.pkg.api.resource.Quantity
DeviceSelector 1:cel:?CELDeviceSelector
DeviceSubRequest 1:name:=string! 2:deviceClassName:=string! 3:selectors:*DeviceSelector 4:allocationMode:=string 5:count:=int64 6:tolerations:*DeviceToleration 7:capacity:?CapacityRequirements
DeviceTaint 1:key:=string! 2:value:=string 3:effect:=string! 4:timeAdded:?apimachinery.pkg.apis.meta.v1.Time
DeviceToleration 1:key:=string 2:operator:=string 3:value:=string 4:effect:=string 5:tolerationSeconds:?int64
ExactDeviceRequest 1:deviceClassName:=string! 2:selectors:*DeviceSelector 3:allocationMode:=string 4:count:=int64 5:adminAccess:?bool 6:tolerations:*DeviceToleration 7:capacity:?CapacityRequirements
NetworkDeviceData 1:interfaceName:=string 2:ips:*string 3:hardwareAddress:=string
NodeAllocatableResourceMapping 1:capacityKey:?string 2:allocationMultiplier:?apimachinery.pkg.api.resource.Quantity
OpaqueDeviceConfiguration 1:driver:=string! 2:parameters:=apimachinery.pkg.runtime.RawExtension!
+ResourceClaim 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ResourceClaimSpec! 3:status:=ResourceClaimStatus
ResourceClaimConsumerReference 1:apiGroup:=string 3:resource:=string! 4:name:=string! 5:uid:=string!
+ResourceClaimList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ResourceClaim!
ResourceClaimSpec 1:devices:=DeviceClaim!
ResourceClaimStatus 1:allocation:?AllocationResult 2:reservedFor:*ResourceClaimConsumerReference 4:devices:*AllocatedDeviceStatus
+ResourceClaimTemplate 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ResourceClaimTemplateSpec!
+ResourceClaimTemplateList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ResourceClaimTemplate!
ResourceClaimTemplateSpec 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ResourceClaimSpec!
ResourcePool 1:name:=string! 2:generation:=int64! 3:resourceSliceCount:=int64!
+ResourceSlice 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ResourceSliceSpec!
+ResourceSliceList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ResourceSlice!
ResourceSliceSpec 1:driver:=string! 2:pool:=ResourcePool! 3:nodeName:?string 4:nodeSelector:?api.core.v1.NodeSelector 5:allNodes:?bool 6:devices:*Device 7:perDeviceNodeSelection:?bool 8:sharedCounters:*CounterSet
package api.resource.v1alpha3 resource.k8s.io/v1alpha3
CELDeviceSelector 1:expression:=string!
DeviceSelector 1:cel:?CELDeviceSelector
DeviceTaint 1:key:=string! 2:value:=string 3:effect:=string! 4:timeAdded:?apimachinery.pkg.apis.meta.v1.Time
+DeviceTaintRule 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=DeviceTaintRuleSpec! 3:status:=DeviceTaintRuleStatus
+DeviceTaintRuleList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*DeviceTaintRule!
DeviceTaintRuleSpec 1:deviceSelector:?DeviceTaintSelector 2:taint:=DeviceTaint
DeviceTaintRuleStatus 1:conditions:*apimachinery.pkg.apis.meta.v1.Condition
DeviceTaintSelector 2:driver:?string 3:pool:?string 4:device:?string
PoolStatus 1:driver:=string 2:poolName:=string 9:generation:=int64! 8:resourceSliceCount:?int32 4:totalDevices:?int32 5:allocatedDevices:?int32 6:availableDevices:?int32 7:unavailableDevices:?int32 3:nodeName:?string 10:validationError:?string
+ResourcePoolStatusRequest 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ResourcePoolStatusRequestSpec! 3:status:?ResourcePoolStatusRequestStatus
+ResourcePoolStatusRequestList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ResourcePoolStatusRequest!
ResourcePoolStatusRequestSpec 1:driver:=string! 2:poolName:?string 3:limit:?int32
ResourcePoolStatusRequestStatus 6:poolCount:?int32 2:pools:*PoolStatus 3:conditions:*apimachinery.pkg.apis.meta.v1.Condition
package api.resource.v1beta1 resource.k8s.io/v1beta1
AllocatedDeviceStatus 1:driver:=string! 2:pool:=string! 3:device:=string! 7:shareID:?string 4:conditions:*apimachinery.pkg.apis.meta.v1.Condition! 5:data:?apimachinery.pkg.runtime.RawExtension 6:networkData:?NetworkDeviceData
AllocationResult 1:devices:=DeviceAllocationResult 3:nodeSelector:?api.core.v1.NodeSelector 5:allocationTimestamp:?apimachinery.pkg.apis.meta.v1.Time
BasicDevice 1:attributes:%DeviceAttribute 2:capacity:%DeviceCapacity 3:consumesCounters:*DeviceCounterConsumption 4:nodeName:?string 5:nodeSelector:?api.core.v1.NodeSelector 6:allNodes:?bool 7:taints:*DeviceTaint 8:bindsToNode:?bool 9:bindingConditions:*string 10:bindingFailureConditions:*string 11:allowMultipleAllocations:?bool 12:nodeAllocatableResourceMappings:%NodeAllocatableResourceMapping
CELDeviceSelector 1:expression:=string!
CapacityRequestPolicy 1:default:?apimachinery.pkg.api.resource.Quantity! 3:validValues:*apimachinery.pkg.api.resource.Quantity 4:validRange:?CapacityRequestPolicyRange
CapacityRequestPolicyRange 1:min:?apimachinery.pkg.api.resource.Quantity 2:max:?apimachinery.pkg.api.resource.Quantity 3:step:?apimachinery.pkg.api.resource.Quantity
CapacityRequirements 1:requests:%apimachinery.pkg.api.resource.Quantity
Counter 1:value:=apimachinery.pkg.api.resource.Quantity!
CounterSet 1:name:=string! 2:counters:%Counter
Device 1:name:=string! 2:basic:?BasicDevice
DeviceAllocationConfiguration 1:source:=string! 2:requests:*string 3::=DeviceConfiguration!
DeviceAllocationResult 1:results:*DeviceRequestAllocationResult 2:config:*DeviceAllocationConfiguration
DeviceAttribute 2:int:?int64 3:bool:?bool 4:string:?string 5:version:?string 6:ints:*int64 7:bools:*bool 8:strings:*string 9:versions:*string
DeviceCapacity 1:value:=apimachinery.pkg.api.resource.Quantity! 2:requestPolicy:?CapacityRequestPolicy
DeviceClaim 1:requests:*DeviceRequest! 2:constraints:*DeviceConstraint 3:config:*DeviceClaimConfiguration
DeviceClaimConfiguration 1:requests:*string 2::=DeviceConfiguration!
+DeviceClass 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=DeviceClassSpec!
DeviceClassConfiguration 1::=DeviceConfiguration!
+DeviceClassList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*DeviceClass!
DeviceClassSpec 1:selectors:*DeviceSelector 2:config:*DeviceClassConfiguration 4:extendedResourceName:?string
DeviceConfiguration 1:opaque:?OpaqueDeviceConfiguration
DeviceConstraint 1:requests:*string 2:matchAttribute:?string 3:distinctAttribute:?string
DeviceCounterConsumption 1:counterSet:=string! 2:counters:%Counter
DeviceRequest 1:name:=string! 2:deviceClassName:=string! 3:selectors:*DeviceSelector 4:allocationMode:=string 5:count:=int64 6:adminAccess:?bool 7:firstAvailable:*DeviceSubRequest 8:tolerations:*DeviceToleration 9:capacity:?CapacityRequirements
DeviceRequestAllocationResult 1:request:=string! 2:driver:=string! 3:pool:=string! 4:device:=string! 5:adminAccess:?bool 6:tolerations:*DeviceToleration 7:bindingConditions:*string 8:bindingFailureConditions:*string 9:shareID:?string 10:consumedCapacity:%apimachinery.pkg.api.resource.Quantity
DeviceSelector 1:cel:?CELDeviceSelector
DeviceSubRequest 1:name:=string! 2:deviceClassName:=string! 3:selectors:*DeviceSelector 4:allocationMode:=string 5:count:=int64 7:tolerations:*DeviceToleration 8:capacity:?CapacityRequirements
DeviceTaint 1:key:=string! 2:value:=string 3:effect:=string! 4:timeAdded:?apimachinery.pkg.apis.meta.v1.Time
DeviceToleration 1:key:=string 2:operator:=string 3:value:=string 4:effect:=string 5:tolerationSeconds:?int64
NetworkDeviceData 1:interfaceName:=string 2:ips:*string 3:hardwareAddress:=string
NodeAllocatableResourceMapping 1:capacityKey:?string 2:allocationMultiplier:?apimachinery.pkg.api.resource.Quantity
OpaqueDeviceConfiguration 1:driver:=string! 2:parameters:=apimachinery.pkg.runtime.RawExtension!
+ResourceClaim 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ResourceClaimSpec! 3:status:=ResourceClaimStatus
ResourceClaimConsumerReference 1:apiGroup:=string 3:resource:=string! 4:name:=string! 5:uid:=string!
+ResourceClaimList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ResourceClaim!
ResourceClaimSpec 1:devices:=DeviceClaim!
ResourceClaimStatus 1:allocation:?AllocationResult 2:reservedFor:*ResourceClaimConsumerReference 4:devices:*AllocatedDeviceStatus
+ResourceClaimTemplate 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ResourceClaimTemplateSpec!
+ResourceClaimTemplateList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ResourceClaimTemplate!
ResourceClaimTemplateSpec 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ResourceClaimSpec!
ResourcePool 1:name:=string! 2:generation:=int64! 3:resourceSliceCount:=int64!
+ResourceSlice 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ResourceSliceSpec!
+ResourceSliceList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ResourceSlice!
ResourceSliceSpec 1:driver:=string! 2:pool:=ResourcePool! 3:nodeName:=string 4:nodeSelector:?api.core.v1.NodeSelector 5:allNodes:=bool 6:devices:*Device 7:perDeviceNodeSelection:?bool 8:sharedCounters:*CounterSet
package api.resource.v1beta2 resource.k8s.io/v1beta2
AllocatedDeviceStatus 1:driver:=string! 2:pool:=string! 3:device:=string! 7:shareID:?string 4:conditions:*apimachinery.pkg.apis.meta.v1.Condition! 5:data:?apimachinery.pkg.runtime.RawExtension 6:networkData:?NetworkDeviceData
AllocationResult 1:devices:=DeviceAllocationResult 3:nodeSelector:?api.core.v1.NodeSelector 5:allocationTimestamp:?apimachinery.pkg.apis.meta.v1.Time
CELDeviceSelector 1:expression:=string!
CapacityRequestPolicy 1:default:?apimachinery.pkg.api.resource.Quantity! 3:validValues:*apimachinery.pkg.api.resource.Quantity 4:validRange:?CapacityRequestPolicyRange
CapacityRequestPolicyRange 1:min:?apimachinery.pkg.api.resource.Quantity 2:max:?apimachinery.pkg.api.resource.Quantity 3:step:?apimachinery.pkg.api.resource.Quantity
CapacityRequirements 1:requests:%apimachinery.pkg.api.resource.Quantity
Counter 1:value:=apimachinery.pkg.api.resource.Quantity!
CounterSet 1:name:=string! 2:counters:%Counter
Device 1:name:=string! 2:attributes:%DeviceAttribute 3:capacity:%DeviceCapacity 4:consumesCounters:*DeviceCounterConsumption 5:nodeName:?string 6:nodeSelector:?api.core.v1.NodeSelector 7:allNodes:?bool 8:taints:*DeviceTaint 9:bindsToNode:?bool 10:bindingConditions:*string 11:bindingFailureConditions:*string 12:allowMultipleAllocations:?bool 13:nodeAllocatableResourceMappings:%NodeAllocatableResourceMapping
DeviceAllocationConfiguration 1:source:=string! 2:requests:*string 3::=DeviceConfiguration!
DeviceAllocationResult 1:results:*DeviceRequestAllocationResult 2:config:*DeviceAllocationConfiguration
DeviceAttribute 2:int:?int64 3:bool:?bool 4:string:?string 5:version:?string 6:ints:*int64 7:bools:*bool 8:strings:*string 9:versions:*string
DeviceCapacity 1:value:=apimachinery.pkg.api.resource.Quantity! 2:requestPolicy:?CapacityRequestPolicy
DeviceClaim 1:requests:*DeviceRequest! 2:constraints:*DeviceConstraint 3:config:*DeviceClaimConfiguration
DeviceClaimConfiguration 1:requests:*string 2::=DeviceConfiguration!
+DeviceClass 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=DeviceClassSpec!
DeviceClassConfiguration 1::=DeviceConfiguration!
+DeviceClassList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*DeviceClass!
DeviceClassSpec 1:selectors:*DeviceSelector 2:config:*DeviceClassConfiguration 4:extendedResourceName:?string
DeviceConfiguration 1:opaque:?OpaqueDeviceConfiguration
DeviceConstraint 1:requests:*string 2:matchAttribute:?string 3:distinctAttribute:?string
DeviceCounterConsumption 1:counterSet:=string! 2:counters:%Counter
DeviceRequest 1:name:=string! 2:exactly:?ExactDeviceRequest 3:firstAvailable:*DeviceSubRequest
DeviceRequestAllocationResult 1:request:=string! 2:driver:=string! 3:pool:=string! 4:device:=string! 5:adminAccess:?bool 6:tolerations:*DeviceToleration 7:bindingConditions:*string 8:bindingFailureConditions:*string 9:shareID:?string 10:consumedCapacity:%apimachinery.pkg.api.resource.Quantity
DeviceSelector 1:cel:?CELDeviceSelector
DeviceSubRequest 1:name:=string! 2:deviceClassName:=string! 3:selectors:*DeviceSelector 4:allocationMode:=string 5:count:=int64 6:tolerations:*DeviceToleration 7:capacity:?CapacityRequirements
DeviceTaint 1:key:=string! 2:value:=string 3:effect:=string! 4:timeAdded:?apimachinery.pkg.apis.meta.v1.Time
+DeviceTaintRule 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=DeviceTaintRuleSpec! 3:status:=DeviceTaintRuleStatus
+DeviceTaintRuleList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*DeviceTaintRule!
DeviceTaintRuleSpec 1:deviceSelector:?DeviceTaintSelector 2:taint:=DeviceTaint
DeviceTaintRuleStatus 1:conditions:*apimachinery.pkg.apis.meta.v1.Condition
DeviceTaintSelector 2:driver:?string 3:pool:?string 4:device:?string
DeviceToleration 1:key:=string 2:operator:=string 3:value:=string 4:effect:=string 5:tolerationSeconds:?int64
ExactDeviceRequest 1:deviceClassName:=string! 2:selectors:*DeviceSelector 3:allocationMode:=string 4:count:=int64 5:adminAccess:?bool 6:tolerations:*DeviceToleration 7:capacity:?CapacityRequirements
NetworkDeviceData 1:interfaceName:=string 2:ips:*string 3:hardwareAddress:=string
NodeAllocatableResourceMapping 1:capacityKey:?string 2:allocationMultiplier:?apimachinery.pkg.api.resource.Quantity
OpaqueDeviceConfiguration 1:driver:=string! 2:parameters:=apimachinery.pkg.runtime.RawExtension!
+ResourceClaim 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ResourceClaimSpec! 3:status:=ResourceClaimStatus
ResourceClaimConsumerReference 1:apiGroup:=string 3:resource:=string! 4:name:=string! 5:uid:=string!
+ResourceClaimList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ResourceClaim!
ResourceClaimSpec 1:devices:=DeviceClaim!
ResourceClaimStatus 1:allocation:?AllocationResult 2:reservedFor:*ResourceClaimConsumerReference 4:devices:*AllocatedDeviceStatus
+ResourceClaimTemplate 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ResourceClaimTemplateSpec!
+ResourceClaimTemplateList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ResourceClaimTemplate!
ResourceClaimTemplateSpec 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ResourceClaimSpec!
ResourcePool 1:name:=string! 2:generation:=int64! 3:resourceSliceCount:=int64!
+ResourceSlice 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=ResourceSliceSpec!
+ResourceSliceList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ResourceSlice!
ResourceSliceSpec 1:driver:=string! 2:pool:=ResourcePool! 3:nodeName:?string 4:nodeSelector:?api.core.v1.NodeSelector 5:allNodes:?bool 6:devices:*Device 7:perDeviceNodeSelection:?bool 8:sharedCounters:*CounterSet
package api.scheduling.v1 scheduling.k8s.io/v1
+PriorityClass 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:value:=int32! 3:globalDefault:=bool 4:description:=string 5:preemptionPolicy:?string
+PriorityClassList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*PriorityClass!
package api.scheduling.v1alpha2 scheduling.k8s.io/v1alpha2
BasicSchedulingPolicy
GangSchedulingPolicy 1:minCount:=int32!
+PodGroup 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=PodGroupSpec! 3:status:=PodGroupStatus
+PodGroupList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*PodGroup!
PodGroupResourceClaim 1:name:=string! 2:resourceClaimName:?string 3:resourceClaimTemplateName:?string
PodGroupResourceClaimStatus 1:name:=string! 2:resourceClaimName:?string
PodGroupSchedulingConstraints 1:topology:*TopologyConstraint
PodGroupSchedulingPolicy 1:basic:?BasicSchedulingPolicy 2:gang:?GangSchedulingPolicy
PodGroupSpec 1:podGroupTemplateRef:?PodGroupTemplateReference! 2:schedulingPolicy:=PodGroupSchedulingPolicy! 3:schedulingConstraints:?PodGroupSchedulingConstraints 4:resourceClaims:*PodGroupResourceClaim 5:disruptionMode:?string 6:priorityClassName:=string 7:priority:?int32
PodGroupStatus 1:conditions:*apimachinery.pkg.apis.meta.v1.Condition 2:resourceClaimStatuses:*PodGroupResourceClaimStatus
PodGroupTemplate 1:name:=string! 2:schedulingPolicy:=PodGroupSchedulingPolicy! 3:schedulingConstraints:?PodGroupSchedulingConstraints! 4:resourceClaims:*PodGroupResourceClaim 5:disruptionMode:?string 6:priorityClassName:=string 7:priority:?int32
PodGroupTemplateReference 1:workload:?WorkloadPodGroupTemplateReference!
TopologyConstraint 1:key:=string!
TypedLocalObjectReference 1:apiGroup:=string 2:kind:=string! 3:name:=string!
+Workload 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=WorkloadSpec!
+WorkloadList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*Workload!
WorkloadPodGroupTemplateReference 1:workloadName:=string! 2:podGroupTemplateName:=string!
WorkloadSpec 1:controllerRef:?TypedLocalObjectReference 2:podGroupTemplates:*PodGroupTemplate!
package api.scheduling.v1beta1 scheduling.k8s.io/v1beta1
+PriorityClass 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:value:=int32! 3:globalDefault:=bool 4:description:=string 5:preemptionPolicy:?string
+PriorityClassList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*PriorityClass!
package api.storage.v1 storage.k8s.io/v1
+CSIDriver 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=CSIDriverSpec!
+CSIDriverList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*CSIDriver!
CSIDriverSpec 1:attachRequired:?bool 2:podInfoOnMount:?bool 3:volumeLifecycleModes:*string 4:storageCapacity:?bool 5:fsGroupPolicy:?string 6:tokenRequests:*TokenRequest 7:requiresRepublish:?bool 8:seLinuxMount:?bool 9:nodeAllocatableUpdatePeriodSeconds:?int64 10:serviceAccountTokenInSecrets:?bool 11:preventPodSchedulingIfMissing:?bool
+CSINode 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=CSINodeSpec!
CSINodeDriver 1:name:=string! 2:nodeID:=string! 3:topologyKeys:*string! 4:allocatable:?VolumeNodeResources
+CSINodeList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*CSINode!
CSINodeSpec 1:drivers:*CSINodeDriver!
+CSIStorageCapacity 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:nodeTopology:?apimachinery.pkg.apis.meta.v1.LabelSelector 3:storageClassName:=string! 4:capacity:?apimachinery.pkg.api.resource.Quantity 5:maximumVolumeSize:?apimachinery.pkg.api.resource.Quantity
+CSIStorageCapacityList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*CSIStorageCapacity!
+StorageClass 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:provisioner:=string! 3:parameters:%string 4:reclaimPolicy:?string 5:mountOptions:*string 6:allowVolumeExpansion:?bool 7:volumeBindingMode:?string 8:allowedTopologies:*api.core.v1.TopologySelectorTerm
+StorageClassList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*StorageClass!
TokenRequest 1:audience:=string! 2:expirationSeconds:?int64
+VolumeAttachment 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=VolumeAttachmentSpec! 3:status:=VolumeAttachmentStatus
+VolumeAttachmentList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*VolumeAttachment!
VolumeAttachmentSource 1:persistentVolumeName:?string 2:inlineVolumeSpec:?api.core.v1.PersistentVolumeSpec
VolumeAttachmentSpec 1:attacher:=string! 2:source:=VolumeAttachmentSource! 3:nodeName:=string!
VolumeAttachmentStatus 1:attached:=bool! 2:attachmentMetadata:%string 3:attachError:?VolumeError 4:detachError:?VolumeError
+VolumeAttributesClass 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:driverName:=string! 3:parameters:%string
+VolumeAttributesClassList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*VolumeAttributesClass!
VolumeError 1:time:=apimachinery.pkg.apis.meta.v1.Time 2:message:=string 3:errorCode:?int32
VolumeNodeResources 1:count:?int32
package api.storage.v1alpha1 storage.k8s.io/v1alpha1
+CSIStorageCapacity 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:nodeTopology:?apimachinery.pkg.apis.meta.v1.LabelSelector 3:storageClassName:=string! 4:capacity:?apimachinery.pkg.api.resource.Quantity 5:maximumVolumeSize:?apimachinery.pkg.api.resource.Quantity
+CSIStorageCapacityList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*CSIStorageCapacity!
+VolumeAttachment 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=VolumeAttachmentSpec! 3:status:=VolumeAttachmentStatus
+VolumeAttachmentList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*VolumeAttachment!
VolumeAttachmentSource 1:persistentVolumeName:?string 2:inlineVolumeSpec:?api.core.v1.PersistentVolumeSpec
VolumeAttachmentSpec 1:attacher:=string! 2:source:=VolumeAttachmentSource! 3:nodeName:=string!
VolumeAttachmentStatus 1:attached:=bool! 2:attachmentMetadata:%string 3:attachError:?VolumeError 4:detachError:?VolumeError
+VolumeAttributesClass 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:driverName:=string! 3:parameters:%string
+VolumeAttributesClassList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*VolumeAttributesClass!
VolumeError 1:time:=apimachinery.pkg.apis.meta.v1.Time 2:message:=string 3:errorCode:?int32
package api.storage.v1beta1 storage.k8s.io/v1beta1
+CSIDriver 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=CSIDriverSpec!
+CSIDriverList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*CSIDriver!
CSIDriverSpec 1:attachRequired:?bool 2:podInfoOnMount:?bool 3:volumeLifecycleModes:*string 4:storageCapacity:?bool 5:fsGroupPolicy:?string 6:tokenRequests:*TokenRequest 7:requiresRepublish:?bool 8:seLinuxMount:?bool 9:nodeAllocatableUpdatePeriodSeconds:?int64 10:serviceAccountTokenInSecrets:?bool 11:preventPodSchedulingIfMissing:?bool
+CSINode 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=CSINodeSpec!
CSINodeDriver 1:name:=string! 2:nodeID:=string! 3:topologyKeys:*string! 4:allocatable:?VolumeNodeResources
+CSINodeList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*CSINode!
CSINodeSpec 1:drivers:*CSINodeDriver!
+CSIStorageCapacity 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:nodeTopology:?apimachinery.pkg.apis.meta.v1.LabelSelector 3:storageClassName:=string! 4:capacity:?apimachinery.pkg.api.resource.Quantity 5:maximumVolumeSize:?apimachinery.pkg.api.resource.Quantity
+CSIStorageCapacityList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*CSIStorageCapacity!
+StorageClass 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:provisioner:=string! 3:parameters:%string 4:reclaimPolicy:?string 5:mountOptions:*string 6:allowVolumeExpansion:?bool 7:volumeBindingMode:?string 8:allowedTopologies:*api.core.v1.TopologySelectorTerm
+StorageClassList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*StorageClass!
TokenRequest 1:audience:=string! 2:expirationSeconds:?int64
+VolumeAttachment 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=VolumeAttachmentSpec! 3:status:=VolumeAttachmentStatus
+VolumeAttachmentList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*VolumeAttachment!
VolumeAttachmentSource 1:persistentVolumeName:?string 2:inlineVolumeSpec:?api.core.v1.PersistentVolumeSpec
VolumeAttachmentSpec 1:attacher:=string! 2:source:=VolumeAttachmentSource! 3:nodeName:=string!
VolumeAttachmentStatus 1:attached:=bool! 2:attachmentMetadata:%string 3:attachError:?VolumeError 4:detachError:?VolumeError
+VolumeAttributesClass 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:driverName:=string! 3:parameters:%string
+VolumeAttributesClassList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*VolumeAttributesClass!
VolumeError 1:time:=apimachinery.pkg.apis.meta.v1.Time 2:message:=string 3:errorCode:?int32
VolumeNodeResources 1:count:?int32
package api.storagemigration.v1beta1 storagemigration.k8s.io/v1beta1
+StorageVersionMigration 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=StorageVersionMigrationSpec 3:status:=StorageVersionMigrationStatus
+StorageVersionMigrationList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*StorageVersionMigration!
StorageVersionMigrationSpec 1:resource:=apimachinery.pkg.apis.meta.v1.GroupResource!
StorageVersionMigrationStatus 1:conditions:*apimachinery.pkg.apis.meta.v1.Condition 2:resourceVersion:=string
package apiextensions_apiserver.pkg.apis.apiextensions.v1 apiextensions.k8s.io/v1
ConversionRequest 1:uid:=string! 2:desiredAPIVersion:=string! 3:objects:*apimachinery.pkg.runtime.RawExtension!
ConversionResponse 1:uid:=string! 2:convertedObjects:*apimachinery.pkg.runtime.RawExtension! 3:result:=apimachinery.pkg.apis.meta.v1.Status!
+ConversionReview 1:request:?ConversionRequest 2:response:?ConversionResponse
CustomResourceColumnDefinition 1:name:=string! 2:type:=string! 3:format:=string 4:description:=string 5:priority:=int32 6:jsonPath:=string!
CustomResourceConversion 1:strategy:=string! 2:webhook:?WebhookConversion
+CustomResourceDefinition 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=CustomResourceDefinitionSpec! 3:status:=CustomResourceDefinitionStatus
CustomResourceDefinitionCondition 1:type:=string! 2:status:=string! 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string 6:observedGeneration:=int64
+CustomResourceDefinitionList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*CustomResourceDefinition!
CustomResourceDefinitionNames 1:plural:=string! 2:singular:=string 3:shortNames:*string 4:kind:=string! 5:listKind:=string 6:categories:*string
CustomResourceDefinitionSpec 1:group:=string! 3:names:=CustomResourceDefinitionNames! 4:scope:=string! 7:versions:*CustomResourceDefinitionVersion! 9:conversion:?CustomResourceConversion 10:preserveUnknownFields:=bool
CustomResourceDefinitionStatus 1:conditions:*CustomResourceDefinitionCondition! 2:acceptedNames:=CustomResourceDefinitionNames! 3:storedVersions:*string! 4:observedGeneration:=int64
CustomResourceDefinitionVersion 1:name:=string! 2:served:=bool! 3:storage:=bool! 7:deprecated:=bool 8:deprecationWarning:?string 4:schema:?CustomResourceValidation 5:subresources:?CustomResourceSubresources 6:additionalPrinterColumns:*CustomResourceColumnDefinition 9:selectableFields:*SelectableField
CustomResourceSubresourceScale 1:specReplicasPath:=string! 2:statusReplicasPath:=string! 3:labelSelectorPath:?string
CustomResourceSubresourceStatus
CustomResourceSubresources 1:status:?CustomResourceSubresourceStatus 2:scale:?CustomResourceSubresourceScale
CustomResourceValidation 1:openAPIV3Schema:?JSONSchemaProps
ExternalDocumentation 1:description:=string 2:url:=string
JSON 1:raw:?bytes
JSONSchemaProps 1:id:=string 2:$schema:=string 3:$ref:?string 4:description:=string 5:type:=string 6:format:=string 7:title:=string 8:default:?JSON 9:maximum:?double 10:exclusiveMaximum:=bool 11:minimum:?double 12:exclusiveMinimum:=bool 13:maxLength:?int64 14:minLength:?int64 15:pattern:=string 16:maxItems:?int64 17:minItems:?int64 18:uniqueItems:=bool 19:multipleOf:?double 20:enum:*JSON 21:maxProperties:?int64 22:minProperties:?int64 23:required:*string 24:items:?JSONSchemaPropsOrArray 25:allOf:*JSONSchemaProps 26:oneOf:*JSONSchemaProps 27:anyOf:*JSONSchemaProps 28:not:?JSONSchemaProps 29:properties:%JSONSchemaProps 30:additionalProperties:?JSONSchemaPropsOrBool 31:patternProperties:%JSONSchemaProps 32:dependencies:%JSONSchemaPropsOrStringArray 33:additionalItems:?JSONSchemaPropsOrBool 34:definitions:%JSONSchemaProps 35:externalDocs:?ExternalDocumentation 36:example:?JSON 37:nullable:=bool 38:x-kubernetes-preserve-unknown-fields:?bool 39:x-kubernetes-embedded-resource:=bool 40:x-kubernetes-int-or-string:=bool 41:x-kubernetes-list-map-keys:*string 42:x-kubernetes-list-type:?string 43:x-kubernetes-map-type:?string 44:x-kubernetes-validations:*ValidationRule
JSONSchemaPropsOrArray 1:schema:?JSONSchemaProps 2:jSONSchemas:*JSONSchemaProps
JSONSchemaPropsOrBool 1:allows:?bool 2:schema:?JSONSchemaProps
JSONSchemaPropsOrStringArray 1:schema:?JSONSchemaProps 2:property:*string
SelectableField 1:jsonPath:=string!
ServiceReference 1:namespace:=string! 2:name:=string! 3:path:?string 4:port:?int32
ValidationRule 1:rule:=string! 2:message:=string 3:messageExpression:=string 4:reason:?string 5:fieldPath:=string 6:optionalOldSelf:?bool
WebhookClientConfig 3:url:?string 1:service:?ServiceReference 2:caBundle:=bytes
WebhookConversion 2:clientConfig:?WebhookClientConfig 3:conversionReviewVersions:*string!
package apiextensions_apiserver.pkg.apis.apiextensions.v1beta1 apiextensions.k8s.io/v1beta1
ConversionRequest 1:uid:=string! 2:desiredAPIVersion:=string! 3:objects:*apimachinery.pkg.runtime.RawExtension!
ConversionResponse 1:uid:=string! 2:convertedObjects:*apimachinery.pkg.runtime.RawExtension! 3:result:=apimachinery.pkg.apis.meta.v1.Status!
+ConversionReview 1:request:?ConversionRequest 2:response:?ConversionResponse
CustomResourceColumnDefinition 1:name:=string! 2:type:=string! 3:format:=string 4:description:=string 5:priority:=int32 6:JSONPath:=string!
CustomResourceConversion 1:strategy:=string! 2:webhookClientConfig:?WebhookClientConfig 3:conversionReviewVersions:*string
+CustomResourceDefinition 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=CustomResourceDefinitionSpec! 3:status:=CustomResourceDefinitionStatus
CustomResourceDefinitionCondition 1:type:=string! 2:status:=string! 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string 6:observedGeneration:=int64
+CustomResourceDefinitionList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*CustomResourceDefinition!
CustomResourceDefinitionNames 1:plural:=string! 2:singular:=string 3:shortNames:*string 4:kind:=string! 5:listKind:=string 6:categories:*string
CustomResourceDefinitionSpec 1:group:=string! 2:version:=string 3:names:=CustomResourceDefinitionNames! 4:scope:=string! 5:validation:?CustomResourceValidation 6:subresources:?CustomResourceSubresources 7:versions:*CustomResourceDefinitionVersion 8:additionalPrinterColumns:*CustomResourceColumnDefinition 11:selectableFields:*SelectableField 9:conversion:?CustomResourceConversion 10:preserveUnknownFields:?bool
CustomResourceDefinitionStatus 1:conditions:*CustomResourceDefinitionCondition! 2:acceptedNames:=CustomResourceDefinitionNames! 3:storedVersions:*string! 4:observedGeneration:=int64
CustomResourceDefinitionVersion 1:name:=string! 2:served:=bool! 3:storage:=bool! 7:deprecated:=bool 8:deprecationWarning:?string 4:schema:?CustomResourceValidation 5:subresources:?CustomResourceSubresources 6:additionalPrinterColumns:*CustomResourceColumnDefinition 9:selectableFields:*SelectableField
CustomResourceSubresourceScale 1:specReplicasPath:=string! 2:statusReplicasPath:=string! 3:labelSelectorPath:?string
CustomResourceSubresourceStatus
CustomResourceSubresources 1:status:?CustomResourceSubresourceStatus 2:scale:?CustomResourceSubresourceScale
CustomResourceValidation 1:openAPIV3Schema:?JSONSchemaProps
ExternalDocumentation 1:description:=string 2:url:=string
JSON 1:raw:?bytes
JSONSchemaProps 1:id:=string 2:$schema:=string 3:$ref:?string 4:description:=string 5:type:=string 6:format:=string 7:title:=string 8:default:?JSON 9:maximum:?double 10:exclusiveMaximum:=bool 11:minimum:?double 12:exclusiveMinimum:=bool 13:maxLength:?int64 14:minLength:?int64 15:pattern:=string 16:maxItems:?int64 17:minItems:?int64 18:uniqueItems:=bool 19:multipleOf:?double 20:enum:*JSON 21:maxProperties:?int64 22:minProperties:?int64 23:required:*string 24:items:?JSONSchemaPropsOrArray 25:allOf:*JSONSchemaProps 26:oneOf:*JSONSchemaProps 27:anyOf:*JSONSchemaProps 28:not:?JSONSchemaProps 29:properties:%JSONSchemaProps 30:additionalProperties:?JSONSchemaPropsOrBool 31:patternProperties:%JSONSchemaProps 32:dependencies:%JSONSchemaPropsOrStringArray 33:additionalItems:?JSONSchemaPropsOrBool 34:definitions:%JSONSchemaProps 35:externalDocs:?ExternalDocumentation 36:example:?JSON 37:nullable:=bool 38:x-kubernetes-preserve-unknown-fields:?bool 39:x-kubernetes-embedded-resource:=bool 40:x-kubernetes-int-or-string:=bool 41:x-kubernetes-list-map-keys:*string 42:x-kubernetes-list-type:?string 43:x-kubernetes-map-type:?string 44:x-kubernetes-validations:*ValidationRule
JSONSchemaPropsOrArray 1:schema:?JSONSchemaProps 2:jSONSchemas:*JSONSchemaProps
JSONSchemaPropsOrBool 1:allows:?bool 2:schema:?JSONSchemaProps
JSONSchemaPropsOrStringArray 1:schema:?JSONSchemaProps 2:property:*string
SelectableField 1:jsonPath:=string!
ServiceReference 1:namespace:=string! 2:name:=string! 3:path:?string 4:port:?int32
ValidationRule 1:rule:=string! 2:message:=string 3:messageExpression:=string 4:reason:?string 5:fieldPath:=string 6:optionalOldSelf:?bool
WebhookClientConfig 3:url:?string 1:service:?ServiceReference 2:caBundle:=bytes
package apimachinery.pkg.api.resource -
Quantity 1:string:?string
QuantityValue 1:string:?string
package apimachinery.pkg.apis.meta.v1 meta.k8s.io/v1
APIGroup 1:name:=string! 2:versions:*GroupVersionForDiscovery! 3:preferredVersion:=GroupVersionForDiscovery 4:serverAddressByClientCIDRs:*ServerAddressByClientCIDR
APIGroupList 1:groups:*APIGroup!
APIResource 1:name:=string! 6:singularName:=string! 2:namespaced:=bool! 8:group:=string 9:version:=string 3:kind:=string! 4:verbs:=Verbs! 5:shortNames:*string 7:categories:*string 10:storageVersionHash:=string
APIResourceList 1:groupVersion:=string! 2:resources:*APIResource!
APIVersions 1:versions:*string! 2:serverAddressByClientCIDRs:*ServerAddressByClientCIDR!
ApplyOptions 1:dryRun:*string 2:force:=bool! 3:fieldManager:=string!
Condition 1:type:=string! 2:status:=string! 3:observedGeneration:=int64 4:lastTransitionTime:=Time! 5:reason:=string! 6:message:=string!
+CreateOptions 1:dryRun:*string 3:fieldManager:=string 4:fieldValidation:=string
+DeleteOptions 1:gracePeriodSeconds:?int64 2:preconditions:?Preconditions 3:orphanDependents:?bool 4:propagationPolicy:?string 5:dryRun:*string 6:ignoreStoreReadErrorWithClusterBreakingPotential:?bool
Duration 1:duration:?int64
FieldSelectorRequirement 1:key:=string! 2:operator:=string! 3:values:*string
FieldsV1 1:Raw:?bytes
+GetOptions 1:resourceVersion:=string
GroupKind 1:group:=string! 2:kind:=string!
GroupResource 1:group:=string! 2:resource:=string!
GroupVersion 1:group:=string! 2:version:=string!
GroupVersionForDiscovery 1:groupVersion:=string! 2:version:=string!
GroupVersionKind 1:group:=string! 2:version:=string! 3:kind:=string!
GroupVersionResource 1:group:=string! 2:version:=string! 3:resource:=string!
LabelSelector 1:matchLabels:%string 2:matchExpressions:*LabelSelectorRequirement
LabelSelectorRequirement 1:key:=string! 2:operator:=string! 3:values:*string
List 1:metadata:=ListMeta 2:items:*apimachinery.pkg.runtime.RawExtension!
ListMeta 1:selfLink:=string 2:resourceVersion:=string 3:continue:=string 4:remainingItemCount:?int64 5:shardInfo:?ShardInfo
+ListOptions 1:labelSelector:=string 2:fieldSelector:=string 3:watch:=bool 9:allowWatchBookmarks:=bool 4:resourceVersion:=string 10:resourceVersionMatch:=string 5:timeoutSeconds:?int64 7:limit:=int64 8:continue:=string 11:sendInitialEvents:?bool 15:shardSelector:=string
ManagedFieldsEntry 1:manager:=string 2:operation:=string 3:apiVersion:=string 4:time:?Time 6:fieldsType:=string 7:fieldsV1:?FieldsV1 8:subresource:=string
MicroTime 1:seconds:?int64 2:nanos:?int32
ObjectMeta 1:name:=string 2:generateName:=string 3:namespace:=string 4:selfLink:=string 5:uid:=string 6:resourceVersion:=string 7:generation:=int64 8:creationTimestamp:=Time~ 9:deletionTimestamp:?Time 10:deletionGracePeriodSeconds:?int64 11:labels:%string 12:annotations:%string 13:ownerReferences:*OwnerReference 14:finalizers:*string 17:managedFields:*ManagedFieldsEntry
OwnerReference 5:apiVersion:=string! 1:kind:=string! 3:name:=string! 4:uid:=string! 6:controller:?bool 7:blockOwnerDeletion:?bool
+PartialObjectMetadata 1:metadata:=ObjectMeta
+PartialObjectMetadataList 1:metadata:=ListMeta 2:items:*PartialObjectMetadata!
Patch
+PatchOptions 1:dryRun:*string 2:force:?bool 3:fieldManager:=string 4:fieldValidation:=string
Preconditions 1:uid:?string 2:resourceVersion:?string
RootPaths 1:paths:*string!
ServerAddressByClientCIDR 1:clientCIDR:=string! 2:serverAddress:=string!
ShardInfo 1:selector:=string!
Status 1:metadata:=ListMeta 2:status:=string 3:message:=string 4:reason:=string 5:details:?StatusDetails 6:code:=int32
StatusCause 1:reason:=string 2:message:=string 3:field:=string
StatusDetails 1:name:=string 2:group:=string 3:kind:=string 6:uid:=string 4:causes:*StatusCause 5:retryAfterSeconds:=int32
+TableOptions 1:includeObject:=string
Time 1:seconds:?int64 2:nanos:?int32
Timestamp 1:seconds:=int64! 2:nanos:=int32!
TypeMeta 1:kind:=string 2:apiVersion:=string
+UpdateOptions 1:dryRun:*string 2:fieldManager:=string 3:fieldValidation:=string
@Verbs 1:items:*string
WatchEvent 1:type:=string! 2:object:=apimachinery.pkg.runtime.RawExtension!
package apimachinery.pkg.apis.meta.v1beta1 meta.k8s.io/v1beta1
+PartialObjectMetadataList 2:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 1:items:*apimachinery.pkg.apis.meta.v1.PartialObjectMetadata!
package apimachinery.pkg.runtime -
RawExtension 1:raw:?bytes
TypeMeta 1:apiVersion:=string 2:kind:=string
Unknown 1:typeMeta:?TypeMeta 2:raw:?bytes 3:contentEncoding:?string 4:contentType:?string
package apimachinery.pkg.runtime.schema -
package apimachinery.pkg.util.intstr -
IntOrString 1:type:?int64 2:intVal:?int32 3:strVal:?string
package kube_aggregator.pkg.apis.apiregistration.v1 apiregistration.k8s.io/v1
+APIService 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=APIServiceSpec 3:status:=APIServiceStatus
APIServiceCondition 1:type:=string! 2:status:=string! 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+APIServiceList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*APIService!
APIServiceSpec 1:service:?ServiceReference 2:group:=string 3:version:=string 4:insecureSkipTLSVerify:=bool 5:caBundle:=bytes 7:groupPriorityMinimum:=int32! 8:versionPriority:=int32!
APIServiceStatus 1:conditions:*APIServiceCondition
ServiceReference 1:namespace:=string 2:name:=string 3:port:?int32
package kube_aggregator.pkg.apis.apiregistration.v1beta1 apiregistration.k8s.io/v1beta1
+APIService 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:spec:=APIServiceSpec 3:status:=APIServiceStatus
APIServiceCondition 1:type:=string! 2:status:=string! 3:lastTransitionTime:=apimachinery.pkg.apis.meta.v1.Time 4:reason:=string 5:message:=string
+APIServiceList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*APIService!
APIServiceSpec 1:service:?ServiceReference 2:group:=string 3:version:=string 4:insecureSkipTLSVerify:=bool 5:caBundle:=bytes 7:groupPriorityMinimum:=int32! 8:versionPriority:=int32!
APIServiceStatus 1:conditions:*APIServiceCondition
ServiceReference 1:namespace:=string 2:name:=string 3:port:?int32
package metrics.pkg.apis.custom_metrics.v1beta1 custom.metrics.k8s.io/v1beta1
+MetricListOptions 1:labelSelector:=string 2:metricLabelSelector:=string
+MetricValue 1:describedObject:=api.core.v1.ObjectReference! 2:metricName:=string! 3:timestamp:=apimachinery.pkg.apis.meta.v1.Time! 4:window:?int64 5:value:=apimachinery.pkg.api.resource.Quantity! 6:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector!
+MetricValueList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*MetricValue!
package metrics.pkg.apis.custom_metrics.v1beta2 custom.metrics.k8s.io/v1beta2
MetricIdentifier 1:name:=string! 2:selector:?apimachinery.pkg.apis.meta.v1.LabelSelector!
+MetricListOptions 1:labelSelector:=string 2:metricLabelSelector:=string
+MetricValue 1:describedObject:=api.core.v1.ObjectReference! 2:metric:=MetricIdentifier! 3:timestamp:=apimachinery.pkg.apis.meta.v1.Time! 4:windowSeconds:?int64 5:value:=apimachinery.pkg.api.resource.Quantity!
+MetricValueList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*MetricValue!
package metrics.pkg.apis.external_metrics.v1beta1 external.metrics.k8s.io/v1beta1
+ExternalMetricValue 1:metricName:=string! 2:metricLabels:%string! 3:timestamp:=apimachinery.pkg.apis.meta.v1.Time! 4:window:?int64 5:value:=apimachinery.pkg.api.resource.Quantity!
+ExternalMetricValueList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*ExternalMetricValue!
package metrics.pkg.apis.metrics.v1alpha1 metrics.k8s.io/v1alpha1
ContainerMetrics 1:name:=string! 2:usage:%apimachinery.pkg.api.resource.Quantity!
+NodeMetrics 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:timestamp:=apimachinery.pkg.apis.meta.v1.Time! 3:window:=apimachinery.pkg.apis.meta.v1.Duration! 4:usage:%apimachinery.pkg.api.resource.Quantity!
+NodeMetricsList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*NodeMetrics!
+PodMetrics 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:timestamp:=apimachinery.pkg.apis.meta.v1.Time! 3:window:=apimachinery.pkg.apis.meta.v1.Duration! 4:containers:*ContainerMetrics!
+PodMetricsList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*PodMetrics!
package metrics.pkg.apis.metrics.v1beta1 metrics.k8s.io/v1beta1
ContainerMetrics 1:name:=string! 2:usage:%apimachinery.pkg.api.resource.Quantity!
+NodeMetrics 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:timestamp:=apimachinery.pkg.apis.meta.v1.Time! 3:window:=apimachinery.pkg.apis.meta.v1.Duration! 4:usage:%apimachinery.pkg.api.resource.Quantity!
+NodeMetricsList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*NodeMetrics!
+PodMetrics 1:metadata:=apimachinery.pkg.apis.meta.v1.ObjectMeta 2:timestamp:=apimachinery.pkg.apis.meta.v1.Time! 3:window:=apimachinery.pkg.apis.meta.v1.Duration! 4:containers:*ContainerMetrics!
+PodMetricsList 1:metadata:=apimachinery.pkg.apis.meta.v1.ListMeta 2:items:*PodMetrics!
meta admission.k8s.io/v1 admission.k8s.io/v1beta1 admissionregistration.k8s.io/v1 admissionregistration.k8s.io/v1alpha1 admissionregistration.k8s.io/v1beta1 apidiscovery.k8s.io/v2 apidiscovery.k8s.io/v2beta1 internal.apiserver.k8s.io/v1alpha1 apps/v1 apps/v1beta1 apps/v1beta2 authentication.k8s.io/v1 authentication.k8s.io/v1alpha1 authentication.k8s.io/v1beta1 authorization.k8s.io/v1 authorization.k8s.io/v1beta1 autoscaling/v1 autoscaling/v2 batch/v1 batch/v1beta1 certificates.k8s.io/v1 certificates.k8s.io/v1alpha1 certificates.k8s.io/v1beta1 coordination.k8s.io/v1 coordination.k8s.io/v1alpha2 coordination.k8s.io/v1beta1 v1 discovery.k8s.io/v1 discovery.k8s.io/v1beta1 events.k8s.io/v1 events.k8s.io/v1beta1 extensions/v1beta1 flowcontrol.apiserver.k8s.io/v1 flowcontrol.apiserver.k8s.io/v1beta1 flowcontrol.apiserver.k8s.io/v1beta2 flowcontrol.apiserver.k8s.io/v1beta3 imagepolicy.k8s.io/v1alpha1 networking.k8s.io/v1 networking.k8s.io/v1beta1 node.k8s.io/v1 node.k8s.io/v1alpha1 node.k8s.io/v1beta1 policy/v1 policy/v1beta1 rbac.authorization.k8s.io/v1 rbac.authorization.k8s.io/v1alpha1 rbac.authorization.k8s.io/v1beta1 resource.k8s.io/v1 resource.k8s.io/v1alpha3 resource.k8s.io/v1beta1 resource.k8s.io/v1beta2 scheduling.k8s.io/v1 scheduling.k8s.io/v1alpha2 scheduling.k8s.io/v1beta1 storage.k8s.io/v1 storage.k8s.io/v1alpha1 storage.k8s.io/v1beta1 storagemigration.k8s.io/v1beta1 apiextensions.k8s.io/v1 apiextensions.k8s.io/v1beta1 apiregistration.k8s.io/v1 apiregistration.k8s.io/v1beta1 custom.metrics.k8s.io/v1beta1 custom.metrics.k8s.io/v1beta2 external.metrics.k8s.io/v1beta1 metrics.k8s.io/v1alpha1 metrics.k8s.io/v1beta1
"#;

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    use k8s_openapi::{ByteString, api as oa};
    use k8s_pb::apimachinery::pkg::api::resource::Quantity as PbQuantity;
    use k8s_pb::apimachinery::pkg::apis::meta::v1 as pbmeta;
    use k8s_pb::apimachinery::pkg::runtime::{TypeMeta, Unknown};
    use k8s_pb::apimachinery::pkg::util::intstr::IntOrString as PbIntOrString;
    use serde::de::DeserializeOwned;
    use serde_json::json;

    use super::*;

    /// A Kubernetes protobuf body for `object`, as kubectl frames it.
    fn body(api_version: &str, kind: &str, object: &impl prost::Message) -> Vec<u8> {
        frame(api_version, kind, object.encode_to_vec())
    }

    fn frame(api_version: &str, kind: &str, raw: Vec<u8>) -> Vec<u8> {
        let unknown = Unknown {
            type_meta: Some(TypeMeta {
                api_version: Some(api_version.into()),
                kind: Some(kind.into()),
            }),
            raw: Some(raw),
            content_encoding: Some(String::new()),
            content_type: Some(String::new()),
        };
        let mut out = MAGIC.to_vec();
        out.extend(unknown.encode_to_vec());
        out
    }

    /// Encodes a k8s-pb object, decodes it, and reads the JSON back as the k8s-openapi type.
    fn roundtrip<T: k8s_openapi::Resource + DeserializeOwned>(object: &impl prost::Message) -> T {
        let value = decode(&body(T::API_VERSION, T::KIND, object)).expect("decodes");
        assert_eq!(value["apiVersion"], T::API_VERSION);
        assert_eq!(value["kind"], T::KIND);
        serde_json::from_value(value).expect("is the k8s-openapi type's JSON")
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    fn pb_meta(name: &str, namespace: &str) -> Option<pbmeta::ObjectMeta> {
        Some(pbmeta::ObjectMeta {
            name: s(name),
            namespace: (!namespace.is_empty()).then(|| namespace.to_string()),
            ..Default::default()
        })
    }

    fn oa_meta(name: &str, namespace: &str) -> meta::ObjectMeta {
        meta::ObjectMeta {
            name: s(name),
            namespace: (!namespace.is_empty()).then(|| namespace.to_string()),
            ..Default::default()
        }
    }

    fn q(v: &str) -> PbQuantity {
        PbQuantity { string: s(v) }
    }

    fn oq(v: &str) -> k8s_openapi::apimachinery::pkg::api::resource::Quantity {
        k8s_openapi::apimachinery::pkg::api::resource::Quantity(v.into())
    }

    fn int_port(v: i32) -> Option<PbIntOrString> {
        Some(PbIntOrString {
            r#type: Some(0),
            int_val: Some(v),
            str_val: None,
        })
    }

    fn str_port(v: &str) -> Option<PbIntOrString> {
        Some(PbIntOrString {
            r#type: Some(1),
            int_val: None,
            str_val: s(v),
        })
    }

    fn pb_time(seconds: i64) -> Option<pbmeta::Time> {
        Some(pbmeta::Time {
            seconds: Some(seconds),
            nanos: Some(0),
        })
    }

    fn oa_time(seconds: i64) -> meta::Time {
        meta::Time(jiff::Timestamp::from_second(seconds).unwrap())
    }

    // ------------------------------------------------------------------------------------------
    // Real kubectl 1.32 bodies, and the JSON kubectl 1.31 sends for the same commands (minus its
    // `"creationTimestamp":null`, which v1.36's `omitzero` drops).

    const KUBECTL: &[(&str, &str, &str)] = &[
        (
            "create namespace ns1",
            "6b3873000a0f0a02763112094e616d657370616365121b0a130a036e733112001a0022002a00320038004200\
             12001a020a001a002200",
            r#"{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"ns1"},"spec":{},"status":{}}"#,
        ),
        (
            "create configmap cm1 --from-literal=a=b --from-file=bin=<binary>",
            "6b3873000a0f0a0276311209436f6e6669674d617012330a1a0a03636d3112001a0764656661756c7422002a\
             0032003800420012060a01611201621a0d0a0362696e120662696e0001ff1a002200",
            r#"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"cm1","namespace":"default"},"data":{"a":"b"},"binaryData":{"bin":"YmluAAH/"}}"#,
        ),
        (
            "create secret generic s1 --from-literal=user=admin --from-literal=pw=p@ss",
            "6b3873000a0c0a027631120653656372657412380a190a02733112001a0764656661756c7422002a00320038\
             004200120a0a027077120470407373120d0a0475736572120561646d696e1a001a002200",
            r#"{"kind":"Secret","apiVersion":"v1","metadata":{"name":"s1","namespace":"default"},"data":{"pw":"cEBzcw==","user":"YWRtaW4="}}"#,
        ),
        (
            "create secret docker-registry reg",
            "6b3873000a0c0a02763112065365637265741293010a1a0a0372656712001a0764656661756c7422002a0032\
             003800420012550a112e646f636b6572636f6e6669676a736f6e12407b226175746873223a7b22722e696f22\
             3a7b22757365726e616d65223a2275222c2270617373776f7264223a2270222c2261757468223a2264547077\
             227d7d7d1a1e6b756265726e657465732e696f2f646f636b6572636f6e6669676a736f6e1a002200",
            r#"{"kind":"Secret","apiVersion":"v1","metadata":{"name":"reg","namespace":"default"},"data":{".dockerconfigjson":"eyJhdXRocyI6eyJyLmlvIjp7InVzZXJuYW1lIjoidSIsInBhc3N3b3JkIjoicCIsImF1dGgiOiJkVHB3In19fQ=="},"type":"kubernetes.io/dockerconfigjson"}"#,
        ),
        (
            "create serviceaccount sa1",
            "6b3873000a140a027631120e536572766963654163636f756e74121c0a1a0a0373613112001a076465666175\
             6c7422002a003200380042001a002200",
            r#"{"kind":"ServiceAccount","apiVersion":"v1","metadata":{"name":"sa1","namespace":"default"}}"#,
        ),
        (
            "create deployment web --image=nginx:1.27 --replicas=3 --port=80",
            "6b3873000a150a07617070732f7631120a4465706c6f796d656e7412c4010a260a0377656212001a07646566\
             61756c7422002a003200380042005a0a0a036170701203776562128b010803120c0a0a0a0361707012037765\
             621a710a1c0a0012001a0022002a003200380042005a0a0a036170701203776562125112330a056e67696e78\
             120a6e67696e783a312e32372a00320a0a001000185022002a0042006a007200800100880100900100a20100\
             1a00320042004a0052005800600068008201008a01009a0100c2010022020a00280038001a0c080010001800\
             2000280038001a002200",
            r#"{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"web","namespace":"default","labels":{"app":"web"}},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"nginx:1.27","ports":[{"containerPort":80}],"resources":{}}]}},"strategy":{}},"status":{}}"#,
        ),
        (
            "create job j1 --image=busybox -- echo hi",
            "6b3873000a0f0a0862617463682f763112034a6f62128b010a190a026a3112001a0764656661756c7422002a\
             00320038004200126432620a100a0012001a0022002a00320038004200124e122b0a026a3112076275737962\
             6f781a046563686f1a0268692a0042006a007200800100880100900100a201001a054e65766572320042004a\
             0052005800600068008201008a01009a0100c201001a082000280030003a001a002200",
            r#"{"kind":"Job","apiVersion":"batch/v1","metadata":{"name":"j1","namespace":"default"},"spec":{"template":{"metadata":{},"spec":{"containers":[{"name":"j1","image":"busybox","command":["echo","hi"],"resources":{}}],"restartPolicy":"Never"}}},"status":{}}"#,
        ),
        (
            "create cronjob cj1 --image=busybox --schedule=*/5 * * * * -- date",
            "6b3873000a130a0862617463682f7631120743726f6e4a6f6212ae010a1a0a03636a3112001a076465666175\
             6c7422002a00320038004200128d010a0b2a2f35202a202a202a202a1a002a7c0a130a03636a3112001a0022\
             002a00320038004200126532630a100a0012001a0022002a00320038004200124f12280a03636a3112076275\
             7379626f781a04646174652a0042006a007200800100880100900100a201001a094f6e4661696c7572653200\
             42004a0052005800600068008201008a01009a0100c201001a001a002200",
            r#"{"kind":"CronJob","apiVersion":"batch/v1","metadata":{"name":"cj1","namespace":"default"},"spec":{"schedule":"*/5 * * * *","jobTemplate":{"metadata":{"name":"cj1"},"spec":{"template":{"metadata":{},"spec":{"containers":[{"name":"cj1","image":"busybox","command":["date"],"resources":{}}],"restartPolicy":"OnFailure"}}}}},"status":{}}"#,
        ),
        (
            "create service clusterip svc1 --tcp=80:8080 --tcp=443:https",
            "6b3873000a0d0a0276311207536572766963651297010a280a047376633112001a0764656661756c7422002a\
             003200380042005a0b0a0361707012047376633112670a1b0a0738302d383038301203544350185022070800\
             10903f1a0028000a220a093434332d6874747073120354435018bb03220b080110001a056874747073280012\
             0b0a036170701204737663311a002209436c757374657249503a00420052005a00600068001a020a001a0022\
             00",
            r#"{"kind":"Service","apiVersion":"v1","metadata":{"name":"svc1","namespace":"default","labels":{"app":"svc1"}},"spec":{"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080},{"name":"443-https","protocol":"TCP","port":443,"targetPort":"https"}],"selector":{"app":"svc1"},"type":"ClusterIP"},"status":{"loadBalancer":{}}}"#,
        ),
        (
            "create service nodeport np1 --tcp=80:8080 --node-port=30080",
            "6b3873000a0d0a02763112075365727669636512710a260a036e703112001a0764656661756c7422002a0032\
             00380042005a0a0a0361707012036e703112430a1d0a0738302d38303830120354435018502207080010903f\
             1a002880eb01120a0a0361707012036e70311a0022084e6f6465506f72743a00420052005a00600068001a02\
             0a001a002200",
            r#"{"kind":"Service","apiVersion":"v1","metadata":{"name":"np1","namespace":"default","labels":{"app":"np1"}},"spec":{"ports":[{"name":"80-8080","protocol":"TCP","port":80,"targetPort":8080,"nodePort":30080}],"selector":{"app":"np1"},"type":"NodePort"},"status":{"loadBalancer":{}}}"#,
        ),
        (
            "create rolebinding rb1 --role=r1 --user=alice --serviceaccount=default:sa1 --group=devs",
            "6b3873000a2b0a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f7631120b526f6c654269\
             6e64696e6712bd010a1a0a0372623112001a0764656661756c7422002a00320038004200122a0a0455736572\
             1219726261632e617574686f72697a6174696f6e2e6b38732e696f1a05616c6963652200122a0a0547726f75\
             701219726261632e617574686f72697a6174696f6e2e6b38732e696f1a0464657673220012200a0e53657276\
             6963654163636f756e7412001a03736131220764656661756c741a250a19726261632e617574686f72697a61\
             74696f6e2e6b38732e696f1204526f6c651a0272311a002200",
            r#"{"kind":"RoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"rb1","namespace":"default"},"subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"alice"},{"kind":"Group","apiGroup":"rbac.authorization.k8s.io","name":"devs"},{"kind":"ServiceAccount","name":"sa1","namespace":"default"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"Role","name":"r1"}}"#,
        ),
        (
            "create clusterrole cr1 --verb=* --non-resource-url=/healthz",
            "6b3873000a2b0a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f7631120b436c75737465\
             72526f6c6512240a130a0363723112001a0022002a00320038004200120d0a012a2a082f6865616c74687a1a\
             002200",
            r#"{"kind":"ClusterRole","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"cr1"},"rules":[{"verbs":["*"],"nonResourceURLs":["/healthz"]}]}"#,
        ),
        (
            "create clusterrolebinding crb1 --clusterrole=cr1 --user=bob",
            "6b3873000a320a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f76311212436c75737465\
             72526f6c6542696e64696e67126f0a140a046372623112001a0022002a0032003800420012280a0455736572\
             1219726261632e617574686f72697a6174696f6e2e6b38732e696f1a03626f6222001a2d0a19726261632e61\
             7574686f72697a6174696f6e2e6b38732e696f120b436c7573746572526f6c651a036372311a002200",
            r#"{"kind":"ClusterRoleBinding","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"crb1"},"subjects":[{"kind":"User","apiGroup":"rbac.authorization.k8s.io","name":"bob"}],"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"cr1"}}"#,
        ),
        (
            "create quota q1 --hard=pods=10,requests.cpu=500m,limits.memory=1Gi",
            "6b3873000a130a027631120d5265736f7572636551756f7461125d0a190a02713112001a0764656661756c74\
             22002a00320038004200123e0a160a0d6c696d6974732e6d656d6f727912050a033147690a0c0a04706f6473\
             12040a0231300a160a0c72657175657374732e63707512060a043530306d1a001a002200",
            r#"{"kind":"ResourceQuota","apiVersion":"v1","metadata":{"name":"q1","namespace":"default"},"spec":{"hard":{"limits.memory":"1Gi","pods":"10","requests.cpu":"500m"}},"status":{}}"#,
        ),
        (
            "create priorityclass pc1 --value=1000 --description=high --preemption-policy=Never",
            "6b3873000a250a147363686564756c696e672e6b38732e696f2f7631120d5072696f72697479436c61737312\
             270a130a0370633112001a0022002a0032003800420010e80718002204686967682a054e657665721a002200",
            r#"{"kind":"PriorityClass","apiVersion":"scheduling.k8s.io/v1","metadata":{"name":"pc1"},"value":1000,"description":"high","preemptionPolicy":"Never"}"#,
        ),
        (
            "create poddisruptionbudget pdb1 --selector=app=web --min-available=50%",
            "6b3873000a200a09706f6c6963792f76311213506f6444697372757074696f6e42756467657412440a1b0a04\
             7064623112001a0764656661756c7422002a0032003800420012190a09080110001a03353025120c0a0a0a03\
             61707012037765621a0a080018002000280030001a002200",
            r#"{"kind":"PodDisruptionBudget","apiVersion":"policy/v1","metadata":{"name":"pdb1","namespace":"default"},"spec":{"minAvailable":"50%","selector":{"matchLabels":{"app":"web"}}},"status":{"disruptionsAllowed":0,"currentHealthy":0,"desiredHealthy":0,"expectedPods":0}}"#,
        ),
        (
            "create ingress ing1 --rule=foo.com/bar*=svc1:80,tls=secret1 --annotation=a=b",
            "6b3873000a1f0a146e6574776f726b696e672e6b38732e696f2f76311207496e6772657373126e0a230a0469\
             6e673112001a0764656661756c7422002a0032003800420062060a0161120162124312120a07666f6f2e636f\
             6d1207736563726574311a2d0a07666f6f2e636f6d12220a200a1e0a042f626172120e220c0a047376633112\
             040a0010501a065072656669781a020a001a002200",
            r#"{"kind":"Ingress","apiVersion":"networking.k8s.io/v1","metadata":{"name":"ing1","namespace":"default","annotations":{"a":"b"}},"spec":{"tls":[{"hosts":["foo.com"],"secretName":"secret1"}],"rules":[{"host":"foo.com","http":{"paths":[{"path":"/bar","pathType":"Prefix","backend":{"service":{"name":"svc1","port":{"number":80}}}}]}}]},"status":{"loadBalancer":{}}}"#,
        ),
        (
            "create role r1 --verb=get,list --resource=pods,configmaps --resource-name=x",
            "6b3873000a240a1c726261632e617574686f72697a6174696f6e2e6b38732e696f2f76311204526f6c65123f\
             0a190a02723112001a0764656661756c7422002a0032003800420012220a036765740a046c69737412001a04\
             706f64731a0a636f6e6669676d6170732201781a002200",
            r#"{"kind":"Role","apiVersion":"rbac.authorization.k8s.io/v1","metadata":{"name":"r1","namespace":"default"},"rules":[{"verbs":["get","list"],"apiGroups":[""],"resources":["pods","configmaps"],"resourceNames":["x"]}]}"#,
        ),
        (
            "create token sa1 --duration=1h --audience=api",
            "6b3873000a280a1861757468656e7469636174696f6e2e6b38732e696f2f7631120c546f6b656e5265717565\
             737412220a100a0012001a0022002a0032003800420012080a0361706920901c1a040a0012001a002200",
            r#"{"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1","metadata":{},"spec":{"audiences":["api"],"expirationSeconds":3600,"boundObjectRef":null},"status":{"token":"","expirationTimestamp":null}}"#,
        ),
        (
            "auth can-i create pods",
            "6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f7631121753656c665375626a656374\
             416363657373526576696577123f0a100a0012001a0022002a0032003800420012210a1f0a0764656661756c\
             7412066372656174651a0022002a04706f647332003a001a08080012001a0020001a002200",
            r#"{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{},"spec":{"resourceAttributes":{"namespace":"default","verb":"create","resource":"pods"}},"status":{"allowed":false}}"#,
        ),
        (
            "auth can-i get /logs",
            "6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f7631121753656c665375626a656374\
             416363657373526576696577122c0a100a0012001a0022002a00320038004200120e120c0a052f6c6f677312\
             036765741a08080012001a0020001a002200",
            r#"{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{},"spec":{"nonResourceAttributes":{"path":"/logs","verb":"get"}},"status":{"allowed":false}}"#,
        ),
        (
            "auth can-i list deployments.apps --subresource=scale",
            "6b3873000a320a17617574686f72697a6174696f6e2e6b38732e696f2f7631121753656c665375626a656374\
             416363657373526576696577124d0a100a0012001a0022002a00320038004200122f0a2d0a0764656661756c\
             7412046c6973741a046170707322002a0b6465706c6f796d656e747332057363616c653a001a08080012001a\
             0020001a002200",
            r#"{"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1","metadata":{},"spec":{"resourceAttributes":{"namespace":"default","verb":"list","group":"apps","resource":"deployments","subresource":"scale"}},"status":{"allowed":false}}"#,
        ),
    ];

    #[test]
    fn kubectl_bodies_decode_to_the_json_kubectl_sends() {
        for (command, hex, expected) in KUBECTL {
            let bytes = hex_bytes(hex);
            let value = decode(&bytes).unwrap_or_else(|e| panic!("{command}: {e}"));
            // Compare the text: key order is Go's too.
            assert_eq!(
                serde_json::to_string(&value).unwrap(),
                *expected,
                "{command}"
            );
        }
    }

    fn hex_bytes(hex: &str) -> Vec<u8> {
        let hex: String = hex.chars().filter(|c| !c.is_whitespace()).collect();
        (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect()
    }

    // ------------------------------------------------------------------------------------------
    // The schema against k8s-openapi

    /// Every JSON property name of a message, inline structs flattened.
    fn json_names(schema: &Schema, index: usize, out: &mut BTreeSet<String>) {
        for field in &schema.messages[index].fields {
            match (field.json.is_empty(), field.ty) {
                (true, Ty::Message(inner)) => json_names(schema, inner, out),
                _ => {
                    out.insert(field.json.to_string());
                }
            }
        }
    }

    macro_rules! openapi_resources {
        ($($($segment:ident)::+),* $(,)?) => {
            vec![$((
                <k8s_openapi::$($segment)::+ as k8s_openapi::Resource>::API_VERSION,
                <k8s_openapi::$($segment)::+ as k8s_openapi::Resource>::KIND,
                {
                    let mut generator = k8s_openapi::schemars::SchemaGenerator::default();
                    generator.subschema_for::<k8s_openapi::$($segment)::+>();
                    generator.definitions().clone()
                },
            )),*]
        };
    }

    /// (apiVersion, kind, JSON schema definitions) of every k8s-openapi v1.36 resource.
    fn openapi_resources() -> Vec<(&'static str, &'static str, serde_json::Map<String, Value>)> {
        openapi_resources![
            api::admissionregistration::v1::MutatingAdmissionPolicy,
            api::admissionregistration::v1::MutatingAdmissionPolicyBinding,
            api::admissionregistration::v1::MutatingWebhookConfiguration,
            api::admissionregistration::v1::ValidatingAdmissionPolicy,
            api::admissionregistration::v1::ValidatingAdmissionPolicyBinding,
            api::admissionregistration::v1::ValidatingWebhookConfiguration,
            api::admissionregistration::v1alpha1::MutatingAdmissionPolicy,
            api::admissionregistration::v1alpha1::MutatingAdmissionPolicyBinding,
            api::admissionregistration::v1beta1::MutatingAdmissionPolicy,
            api::admissionregistration::v1beta1::MutatingAdmissionPolicyBinding,
            api::apiserverinternal::v1alpha1::StorageVersion,
            api::apps::v1::ControllerRevision,
            api::apps::v1::DaemonSet,
            api::apps::v1::Deployment,
            api::apps::v1::ReplicaSet,
            api::apps::v1::StatefulSet,
            api::authentication::v1::SelfSubjectReview,
            api::authentication::v1::TokenRequest,
            api::authentication::v1::TokenReview,
            api::authorization::v1::LocalSubjectAccessReview,
            api::authorization::v1::SelfSubjectAccessReview,
            api::authorization::v1::SelfSubjectRulesReview,
            api::authorization::v1::SubjectAccessReview,
            api::autoscaling::v1::HorizontalPodAutoscaler,
            api::autoscaling::v1::Scale,
            api::autoscaling::v2::HorizontalPodAutoscaler,
            api::batch::v1::CronJob,
            api::batch::v1::Job,
            api::certificates::v1::CertificateSigningRequest,
            api::certificates::v1alpha1::ClusterTrustBundle,
            api::certificates::v1beta1::ClusterTrustBundle,
            api::certificates::v1beta1::PodCertificateRequest,
            api::coordination::v1::Lease,
            api::coordination::v1alpha2::LeaseCandidate,
            api::coordination::v1beta1::LeaseCandidate,
            api::core::v1::Binding,
            api::core::v1::ComponentStatus,
            api::core::v1::ConfigMap,
            api::core::v1::Endpoints,
            api::core::v1::Event,
            api::core::v1::LimitRange,
            api::core::v1::Namespace,
            api::core::v1::Node,
            api::core::v1::PersistentVolume,
            api::core::v1::PersistentVolumeClaim,
            api::core::v1::Pod,
            api::core::v1::PodTemplate,
            api::core::v1::ReplicationController,
            api::core::v1::ResourceQuota,
            api::core::v1::Secret,
            api::core::v1::Service,
            api::core::v1::ServiceAccount,
            api::discovery::v1::EndpointSlice,
            api::events::v1::Event,
            api::flowcontrol::v1::FlowSchema,
            api::flowcontrol::v1::PriorityLevelConfiguration,
            api::networking::v1::IPAddress,
            api::networking::v1::Ingress,
            api::networking::v1::IngressClass,
            api::networking::v1::NetworkPolicy,
            api::networking::v1::ServiceCIDR,
            api::networking::v1beta1::IPAddress,
            api::networking::v1beta1::ServiceCIDR,
            api::node::v1::RuntimeClass,
            api::policy::v1::Eviction,
            api::policy::v1::PodDisruptionBudget,
            api::rbac::v1::ClusterRole,
            api::rbac::v1::ClusterRoleBinding,
            api::rbac::v1::Role,
            api::rbac::v1::RoleBinding,
            api::resource::v1::DeviceClass,
            api::resource::v1::ResourceClaim,
            api::resource::v1::ResourceClaimTemplate,
            api::resource::v1::ResourceSlice,
            api::resource::v1alpha3::DeviceTaintRule,
            api::resource::v1alpha3::ResourcePoolStatusRequest,
            api::resource::v1beta1::DeviceClass,
            api::resource::v1beta1::ResourceClaim,
            api::resource::v1beta1::ResourceClaimTemplate,
            api::resource::v1beta1::ResourceSlice,
            api::resource::v1beta2::DeviceClass,
            api::resource::v1beta2::DeviceTaintRule,
            api::resource::v1beta2::ResourceClaim,
            api::resource::v1beta2::ResourceClaimTemplate,
            api::resource::v1beta2::ResourceSlice,
            api::scheduling::v1::PriorityClass,
            api::scheduling::v1alpha2::PodGroup,
            api::scheduling::v1alpha2::Workload,
            api::storage::v1::CSIDriver,
            api::storage::v1::CSINode,
            api::storage::v1::CSIStorageCapacity,
            api::storage::v1::StorageClass,
            api::storage::v1::VolumeAttachment,
            api::storage::v1::VolumeAttributesClass,
            api::storage::v1beta1::VolumeAttributesClass,
            api::storagemigration::v1beta1::StorageVersionMigration,
            apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition,
            apimachinery::pkg::apis::meta::v1::APIGroup,
            apimachinery::pkg::apis::meta::v1::APIGroupList,
            apimachinery::pkg::apis::meta::v1::APIResourceList,
            apimachinery::pkg::apis::meta::v1::APIVersions,
            apimachinery::pkg::apis::meta::v1::Status,
            kube_aggregator::pkg::apis::apiregistration::v1::APIService,
        ]
    }

    #[test]
    fn every_k8s_openapi_kind_is_known_and_its_json_names_match() {
        let schema = &*SCHEMA_TABLES;
        let by_name: HashMap<&str, usize> = schema
            .messages
            .iter()
            .enumerate()
            .map(|(i, m)| (&*m.name, i))
            .collect();
        let mut compared = BTreeSet::new();
        let mut mismatches = Vec::new();
        for (api_version, kind, definitions) in openapi_resources() {
            let key = (Box::from(api_version), Box::from(kind));
            assert!(
                schema.kinds.contains_key(&key),
                "{api_version} {kind} is not in the schema"
            );
            decode(&frame(api_version, kind, Vec::new()))
                .unwrap_or_else(|e| panic!("{api_version} {kind}: {e}"));
            for (definition, def_schema) in &definitions {
                let name = definition.trim_start_matches("io.k8s.").replace('-', "_");
                let Some(properties) = def_schema.get("properties").and_then(Value::as_object)
                else {
                    continue;
                };
                let Some(&message) = by_name.get(name.as_str()) else {
                    mismatches.push(format!("{definition}: no message {name}"));
                    continue;
                };
                if !compared.insert(message) || schema.messages[message].special != Special::None {
                    continue;
                }
                let mut ours = BTreeSet::new();
                json_names(schema, message, &mut ours);
                // A kind's own apiVersion and kind come from the envelope, not from a field.
                let theirs: BTreeSet<String> = properties
                    .keys()
                    .filter(|k| !matches!(k.as_str(), "apiVersion" | "kind") || ours.contains(*k))
                    .cloned()
                    .collect();
                if ours != theirs {
                    mismatches.push(format!(
                        "{name}: only ours {:?}, only k8s-openapi {:?}",
                        ours.difference(&theirs).collect::<Vec<_>>(),
                        theirs.difference(&ours).collect::<Vec<_>>()
                    ));
                }
            }
        }
        assert!(
            compared.len() > 500,
            "compared only {} messages",
            compared.len()
        );
        assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
    }

    #[test]
    fn every_k8s_pb_resource_is_known() {
        macro_rules! check {
            ($($($segment:ident)::+),* $(,)?) => {$(
                let api_version = <k8s_pb::$($segment)::+ as k8s_pb::Resource>::API_VERSION;
                let kind = <k8s_pb::$($segment)::+ as k8s_pb::Resource>::KIND;
                let object = <k8s_pb::$($segment)::+>::default();
                let value = decode(&body(api_version, kind, &object))
                    .unwrap_or_else(|e| panic!("{api_version} {kind}: {e}"));
                assert_eq!(value["kind"], kind);
            )*};
        }
        check![
            apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition,
            api::certificates::v1::CertificateSigningRequest,
            api::certificates::v1beta1::ClusterTrustBundle,
            api::certificates::v1beta1::PodCertificateRequest,
            api::certificates::v1alpha1::ClusterTrustBundle,
            api::node::v1::RuntimeClass,
            api::scheduling::v1::PriorityClass,
            api::networking::v1::IPAddress,
            api::networking::v1::Ingress,
            api::networking::v1::IngressClass,
            api::networking::v1::NetworkPolicy,
            api::networking::v1::ServiceCIDR,
            api::networking::v1beta1::IPAddress,
            api::networking::v1beta1::ServiceCIDR,
            api::discovery::v1::EndpointSlice,
            api::storagemigration::v1beta1::StorageVersionMigration,
            api::policy::v1::PodDisruptionBudget,
            api::resource::v1::DeviceClass,
            api::resource::v1::ResourceClaim,
            api::resource::v1::ResourceClaimTemplate,
            api::resource::v1::ResourceSlice,
            api::resource::v1beta2::DeviceClass,
            api::resource::v1beta2::ResourceClaim,
            api::resource::v1beta2::ResourceClaimTemplate,
            api::resource::v1beta2::ResourceSlice,
            api::resource::v1beta1::DeviceClass,
            api::resource::v1beta1::ResourceClaim,
            api::resource::v1beta1::ResourceClaimTemplate,
            api::resource::v1beta1::ResourceSlice,
            api::resource::v1alpha3::DeviceTaintRule,
            api::apiserverinternal::v1alpha1::StorageVersion,
            api::events::v1::Event,
            api::storage::v1::CSIDriver,
            api::storage::v1::CSINode,
            api::storage::v1::CSIStorageCapacity,
            api::storage::v1::StorageClass,
            api::storage::v1::VolumeAttachment,
            api::storage::v1::VolumeAttributesClass,
            api::storage::v1beta1::VolumeAttributesClass,
            api::rbac::v1::ClusterRole,
            api::rbac::v1::ClusterRoleBinding,
            api::rbac::v1::Role,
            api::rbac::v1::RoleBinding,
            api::autoscaling::v1::HorizontalPodAutoscaler,
            api::autoscaling::v2::HorizontalPodAutoscaler,
            api::authorization::v1::LocalSubjectAccessReview,
            api::authorization::v1::SelfSubjectAccessReview,
            api::authorization::v1::SelfSubjectRulesReview,
            api::authorization::v1::SubjectAccessReview,
            api::coordination::v1::Lease,
            api::coordination::v1beta1::LeaseCandidate,
            api::coordination::v1alpha2::LeaseCandidate,
            api::flowcontrol::v1::FlowSchema,
            api::flowcontrol::v1::PriorityLevelConfiguration,
            api::authentication::v1::SelfSubjectReview,
            api::authentication::v1::TokenReview,
            api::apps::v1::ControllerRevision,
            api::apps::v1::DaemonSet,
            api::apps::v1::Deployment,
            api::apps::v1::ReplicaSet,
            api::apps::v1::StatefulSet,
            api::batch::v1::CronJob,
            api::batch::v1::Job,
            api::core::v1::Binding,
            api::core::v1::ComponentStatus,
            api::core::v1::ConfigMap,
            api::core::v1::Endpoints,
            api::core::v1::Event,
            api::core::v1::LimitRange,
            api::core::v1::Namespace,
            api::core::v1::Node,
            api::core::v1::PersistentVolume,
            api::core::v1::PersistentVolumeClaim,
            api::core::v1::Pod,
            api::core::v1::PodTemplate,
            api::core::v1::ReplicationController,
            api::core::v1::ResourceQuota,
            api::core::v1::Secret,
            api::core::v1::Service,
            api::core::v1::ServiceAccount,
            api::admissionregistration::v1::MutatingWebhookConfiguration,
            api::admissionregistration::v1::ValidatingAdmissionPolicy,
            api::admissionregistration::v1::ValidatingAdmissionPolicyBinding,
            api::admissionregistration::v1::ValidatingWebhookConfiguration,
            api::admissionregistration::v1beta1::MutatingAdmissionPolicy,
            api::admissionregistration::v1beta1::MutatingAdmissionPolicyBinding,
            api::admissionregistration::v1alpha1::MutatingAdmissionPolicy,
            api::admissionregistration::v1alpha1::MutatingAdmissionPolicyBinding,
            kube_aggregator::pkg::apis::apiregistration::v1::APIService,
        ];
    }

    #[test]
    fn every_schema_kind_decodes_an_empty_object() {
        let schema = &*SCHEMA_TABLES;
        assert!(schema.kinds.len() > 600, "{} kinds", schema.kinds.len());
        for (api_version, kind) in schema.kinds.keys() {
            let value = decode(&frame(api_version, kind, Vec::new()))
                .unwrap_or_else(|e| panic!("{api_version} {kind}: {e}"));
            assert_eq!(value["apiVersion"], **api_version);
            assert_eq!(value["kind"], **kind);
        }
    }

    // ------------------------------------------------------------------------------------------
    // Round trips: k8s-pb object -> protobuf -> decode -> k8s-openapi object

    #[test]
    fn namespace() {
        let pb = k8s_pb::api::core::v1::Namespace {
            metadata: Some(pbmeta::ObjectMeta {
                name: s("team-a"),
                labels: [("env".to_string(), "prod".to_string())].into(),
                annotations: [("note".to_string(), "x".to_string())].into(),
                finalizers: vec!["example.com/f".into()],
                creation_timestamp: pb_time(1_700_000_000),
                ..Default::default()
            }),
            spec: Some(k8s_pb::api::core::v1::NamespaceSpec {
                finalizers: vec!["kubernetes".into()],
            }),
            status: None,
        };
        let got: oa::core::v1::Namespace = roundtrip(&pb);
        let expected = oa::core::v1::Namespace {
            metadata: meta::ObjectMeta {
                name: s("team-a"),
                labels: Some([("env".to_string(), "prod".to_string())].into()),
                annotations: Some([("note".to_string(), "x".to_string())].into()),
                finalizers: Some(vec!["example.com/f".into()]),
                creation_timestamp: Some(oa_time(1_700_000_000)),
                ..Default::default()
            },
            spec: Some(oa::core::v1::NamespaceSpec {
                finalizers: Some(vec!["kubernetes".into()]),
            }),
            // Status is a Go value struct: absent on the wire, it is still `{}`.
            status: Some(Default::default()),
        };
        assert_eq!(got, expected);
    }

    #[test]
    fn configmap_with_data_and_binary_data() {
        let pb = k8s_pb::api::core::v1::ConfigMap {
            metadata: pb_meta("settings", "default"),
            immutable: Some(false),
            data: [
                ("a".to_string(), "b".to_string()),
                ("empty".to_string(), String::new()),
            ]
            .into(),
            binary_data: [("blob".to_string(), vec![0u8, 1, 2, 255])].into(),
        };
        let got: oa::core::v1::ConfigMap = roundtrip(&pb);
        let expected = oa::core::v1::ConfigMap {
            metadata: oa_meta("settings", "default"),
            immutable: Some(false),
            data: Some(
                [
                    ("a".to_string(), "b".to_string()),
                    ("empty".to_string(), String::new()),
                ]
                .into(),
            ),
            binary_data: Some([("blob".to_string(), ByteString(vec![0, 1, 2, 255]))].into()),
        };
        assert_eq!(got, expected);
        let text = serde_json::to_string(&decode(&body("v1", "ConfigMap", &pb)).unwrap()).unwrap();
        assert_eq!(
            text,
            r#"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"settings","namespace":"default"},"immutable":false,"data":{"a":"b","empty":""},"binaryData":{"blob":"AAEC/w=="}}"#
        );
    }

    #[test]
    fn secret_with_bytes_and_type() {
        let pb = k8s_pb::api::core::v1::Secret {
            metadata: pb_meta("creds", "apps"),
            immutable: None,
            data: [
                ("password".to_string(), b"s3cr\xffet".to_vec()),
                ("empty".to_string(), Vec::new()),
            ]
            .into(),
            string_data: Default::default(),
            r#type: s("kubernetes.io/basic-auth"),
        };
        let got: oa::core::v1::Secret = roundtrip(&pb);
        let expected = oa::core::v1::Secret {
            metadata: oa_meta("creds", "apps"),
            data: Some(
                [
                    ("password".to_string(), ByteString(b"s3cr\xffet".to_vec())),
                    ("empty".to_string(), ByteString(Vec::new())),
                ]
                .into(),
            ),
            type_: s("kubernetes.io/basic-auth"),
            ..Default::default()
        };
        assert_eq!(got, expected);
    }

    #[test]
    fn service_account() {
        let pb = k8s_pb::api::core::v1::ServiceAccount {
            metadata: pb_meta("builder", "ci"),
            secrets: vec![k8s_pb::api::core::v1::ObjectReference {
                name: s("builder-token"),
                ..Default::default()
            }],
            image_pull_secrets: vec![k8s_pb::api::core::v1::LocalObjectReference {
                name: s("regcred"),
            }],
            automount_service_account_token: Some(false),
        };
        let got: oa::core::v1::ServiceAccount = roundtrip(&pb);
        let expected = oa::core::v1::ServiceAccount {
            metadata: oa_meta("builder", "ci"),
            secrets: Some(vec![oa::core::v1::ObjectReference {
                name: s("builder-token"),
                ..Default::default()
            }]),
            image_pull_secrets: Some(vec![oa::core::v1::LocalObjectReference {
                name: "regcred".into(),
            }]),
            automount_service_account_token: Some(false),
        };
        assert_eq!(got, expected);
    }

    fn pb_pod_template() -> k8s_pb::api::core::v1::PodTemplateSpec {
        use k8s_pb::api::core::v1 as c;
        let http_probe = c::Probe {
            handler: Some(c::ProbeHandler {
                http_get: Some(c::HttpGetAction {
                    path: s("/healthz"),
                    port: int_port(8080),
                    scheme: s("HTTP"),
                    http_headers: vec![c::HttpHeader {
                        name: s("X-Probe"),
                        value: s("1"),
                    }],
                    ..Default::default()
                }),
                ..Default::default()
            }),
            initial_delay_seconds: Some(5),
            period_seconds: Some(10),
            ..Default::default()
        };
        let tcp_probe = c::Probe {
            handler: Some(c::ProbeHandler {
                tcp_socket: Some(c::TcpSocketAction {
                    port: str_port("http"),
                    host: None,
                }),
                ..Default::default()
            }),
            failure_threshold: Some(3),
            ..Default::default()
        };
        c::PodTemplateSpec {
            metadata: Some(pbmeta::ObjectMeta {
                labels: [("app".to_string(), "web".to_string())].into(),
                ..Default::default()
            }),
            spec: Some(c::PodSpec {
                containers: vec![c::Container {
                    name: s("web"),
                    image: s("nginx:1.27"),
                    command: vec!["nginx".into()],
                    args: vec!["-g".into(), "daemon off;".into()],
                    ports: vec![
                        c::ContainerPort {
                            name: s("http"),
                            container_port: Some(8080),
                            protocol: s("TCP"),
                            ..Default::default()
                        },
                        c::ContainerPort {
                            container_port: Some(9090),
                            host_ip: s("127.0.0.1"),
                            host_port: Some(19090),
                            ..Default::default()
                        },
                    ],
                    env: vec![
                        c::EnvVar {
                            name: s("MODE"),
                            value: s("production"),
                            value_from: None,
                        },
                        c::EnvVar {
                            name: s("LEVEL"),
                            value: None,
                            value_from: Some(c::EnvVarSource {
                                config_map_key_ref: Some(c::ConfigMapKeySelector {
                                    local_object_reference: Some(c::LocalObjectReference {
                                        name: s("settings"),
                                    }),
                                    key: s("level"),
                                    optional: Some(true),
                                }),
                                ..Default::default()
                            }),
                        },
                        c::EnvVar {
                            name: s("POD_IP"),
                            value: None,
                            value_from: Some(c::EnvVarSource {
                                field_ref: Some(c::ObjectFieldSelector {
                                    api_version: s("v1"),
                                    field_path: s("status.podIP"),
                                }),
                                ..Default::default()
                            }),
                        },
                    ],
                    resources: Some(c::ResourceRequirements {
                        limits: [
                            ("cpu".to_string(), q("500m")),
                            ("memory".to_string(), q("256Mi")),
                        ]
                        .into(),
                        requests: [("cpu".to_string(), q("0.1"))].into(),
                        claims: Vec::new(),
                    }),
                    volume_mounts: vec![c::VolumeMount {
                        name: s("config"),
                        mount_path: s("/etc/web"),
                        read_only: Some(true),
                        ..Default::default()
                    }],
                    liveness_probe: Some(http_probe),
                    readiness_probe: Some(tcp_probe),
                    image_pull_policy: s("IfNotPresent"),
                    security_context: Some(c::SecurityContext {
                        capabilities: Some(c::Capabilities {
                            add: vec!["NET_BIND_SERVICE".into()],
                            drop: vec!["ALL".into()],
                        }),
                        run_as_user: Some(0),
                        run_as_non_root: Some(false),
                        allow_privilege_escalation: Some(false),
                        read_only_root_filesystem: Some(true),
                        ..Default::default()
                    }),
                    ..Default::default()
                }],
                volumes: vec![
                    c::Volume {
                        name: s("config"),
                        volume_source: Some(c::VolumeSource {
                            config_map: Some(c::ConfigMapVolumeSource {
                                local_object_reference: Some(c::LocalObjectReference {
                                    name: s("settings"),
                                }),
                                items: vec![c::KeyToPath {
                                    key: s("nginx.conf"),
                                    path: s("nginx.conf"),
                                    mode: Some(0o644),
                                }],
                                default_mode: Some(0o420),
                                optional: None,
                            }),
                            ..Default::default()
                        }),
                    },
                    c::Volume {
                        name: s("scratch"),
                        volume_source: Some(c::VolumeSource {
                            empty_dir: Some(c::EmptyDirVolumeSource {
                                medium: s("Memory"),
                                size_limit: Some(q("1Gi")),
                            }),
                            ..Default::default()
                        }),
                    },
                    c::Volume {
                        name: s("tls"),
                        volume_source: Some(c::VolumeSource {
                            secret: Some(c::SecretVolumeSource {
                                secret_name: s("web-tls"),
                                default_mode: Some(0o400),
                                ..Default::default()
                            }),
                            ..Default::default()
                        }),
                    },
                ],
                restart_policy: s("Always"),
                termination_grace_period_seconds: Some(0),
                service_account_name: s("builder"),
                automount_service_account_token: Some(false),
                node_selector: [("disk".to_string(), "ssd".to_string())].into(),
                tolerations: vec![c::Toleration {
                    key: s("dedicated"),
                    operator: s("Equal"),
                    value: s("web"),
                    effect: s("NoSchedule"),
                    toleration_seconds: Some(30),
                }],
                ..Default::default()
            }),
        }
    }

    fn oa_pod_template() -> oa::core::v1::PodTemplateSpec {
        use oa::core::v1 as c;
        c::PodTemplateSpec {
            metadata: Some(meta::ObjectMeta {
                labels: Some([("app".to_string(), "web".to_string())].into()),
                ..Default::default()
            }),
            spec: Some(c::PodSpec {
                containers: vec![c::Container {
                    name: "web".into(),
                    image: s("nginx:1.27"),
                    command: Some(vec!["nginx".into()]),
                    args: Some(vec!["-g".into(), "daemon off;".into()]),
                    ports: Some(vec![
                        c::ContainerPort {
                            name: s("http"),
                            container_port: 8080,
                            protocol: s("TCP"),
                            ..Default::default()
                        },
                        c::ContainerPort {
                            container_port: 9090,
                            host_ip: s("127.0.0.1"),
                            host_port: Some(19090),
                            ..Default::default()
                        },
                    ]),
                    env: Some(vec![
                        c::EnvVar {
                            name: "MODE".into(),
                            value: s("production"),
                            value_from: None,
                        },
                        c::EnvVar {
                            name: "LEVEL".into(),
                            value: None,
                            value_from: Some(c::EnvVarSource {
                                config_map_key_ref: Some(c::ConfigMapKeySelector {
                                    name: "settings".into(),
                                    key: "level".into(),
                                    optional: Some(true),
                                }),
                                ..Default::default()
                            }),
                        },
                        c::EnvVar {
                            name: "POD_IP".into(),
                            value: None,
                            value_from: Some(c::EnvVarSource {
                                field_ref: Some(c::ObjectFieldSelector {
                                    api_version: s("v1"),
                                    field_path: "status.podIP".into(),
                                }),
                                ..Default::default()
                            }),
                        },
                    ]),
                    resources: Some(c::ResourceRequirements {
                        limits: Some(
                            [
                                ("cpu".to_string(), oq("500m")),
                                ("memory".to_string(), oq("256Mi")),
                            ]
                            .into(),
                        ),
                        requests: Some([("cpu".to_string(), oq("0.1"))].into()),
                        claims: None,
                    }),
                    volume_mounts: Some(vec![c::VolumeMount {
                        name: "config".into(),
                        mount_path: "/etc/web".into(),
                        read_only: Some(true),
                        ..Default::default()
                    }]),
                    liveness_probe: Some(c::Probe {
                        http_get: Some(c::HTTPGetAction {
                            path: s("/healthz"),
                            port: IntOrString::Int(8080),
                            scheme: s("HTTP"),
                            http_headers: Some(vec![c::HTTPHeader {
                                name: "X-Probe".into(),
                                value: "1".into(),
                            }]),
                            host: None,
                        }),
                        initial_delay_seconds: Some(5),
                        period_seconds: Some(10),
                        ..Default::default()
                    }),
                    readiness_probe: Some(c::Probe {
                        tcp_socket: Some(c::TCPSocketAction {
                            port: IntOrString::String("http".into()),
                            host: None,
                        }),
                        failure_threshold: Some(3),
                        ..Default::default()
                    }),
                    image_pull_policy: s("IfNotPresent"),
                    security_context: Some(c::SecurityContext {
                        capabilities: Some(c::Capabilities {
                            add: Some(vec!["NET_BIND_SERVICE".into()]),
                            drop: Some(vec!["ALL".into()]),
                        }),
                        run_as_user: Some(0),
                        run_as_non_root: Some(false),
                        allow_privilege_escalation: Some(false),
                        read_only_root_filesystem: Some(true),
                        ..Default::default()
                    }),
                    ..Default::default()
                }],
                volumes: Some(vec![
                    c::Volume {
                        name: "config".into(),
                        config_map: Some(c::ConfigMapVolumeSource {
                            name: "settings".into(),
                            items: Some(vec![c::KeyToPath {
                                key: "nginx.conf".into(),
                                path: "nginx.conf".into(),
                                mode: Some(0o644),
                            }]),
                            default_mode: Some(0o420),
                            optional: None,
                        }),
                        ..Default::default()
                    },
                    c::Volume {
                        name: "scratch".into(),
                        empty_dir: Some(c::EmptyDirVolumeSource {
                            medium: s("Memory"),
                            size_limit: Some(oq("1Gi")),
                        }),
                        ..Default::default()
                    },
                    c::Volume {
                        name: "tls".into(),
                        secret: Some(c::SecretVolumeSource {
                            secret_name: s("web-tls"),
                            default_mode: Some(0o400),
                            ..Default::default()
                        }),
                        ..Default::default()
                    },
                ]),
                restart_policy: s("Always"),
                termination_grace_period_seconds: Some(0),
                service_account_name: s("builder"),
                automount_service_account_token: Some(false),
                node_selector: Some([("disk".to_string(), "ssd".to_string())].into()),
                tolerations: Some(vec![c::Toleration {
                    key: s("dedicated"),
                    operator: s("Equal"),
                    value: s("web"),
                    effect: s("NoSchedule"),
                    toleration_seconds: Some(30),
                }]),
                ..Default::default()
            }),
        }
    }

    #[test]
    fn deployment_with_a_full_pod_template() {
        let pb = k8s_pb::api::apps::v1::Deployment {
            metadata: pb_meta("web", "default"),
            spec: Some(k8s_pb::api::apps::v1::DeploymentSpec {
                replicas: Some(0),
                selector: Some(pbmeta::LabelSelector {
                    match_labels: [("app".to_string(), "web".to_string())].into(),
                    match_expressions: vec![pbmeta::LabelSelectorRequirement {
                        key: s("tier"),
                        operator: s("In"),
                        values: vec!["a".into(), "b".into()],
                    }],
                }),
                template: Some(pb_pod_template()),
                strategy: Some(k8s_pb::api::apps::v1::DeploymentStrategy {
                    r#type: s("RollingUpdate"),
                    rolling_update: Some(k8s_pb::api::apps::v1::RollingUpdateDeployment {
                        max_unavailable: int_port(0),
                        max_surge: str_port("25%"),
                    }),
                }),
                revision_history_limit: Some(2),
                ..Default::default()
            }),
            status: None,
        };
        let got: oa::apps::v1::Deployment = roundtrip(&pb);
        let expected = oa::apps::v1::Deployment {
            metadata: oa_meta("web", "default"),
            spec: Some(oa::apps::v1::DeploymentSpec {
                replicas: Some(0),
                selector: meta::LabelSelector {
                    match_labels: Some([("app".to_string(), "web".to_string())].into()),
                    match_expressions: Some(vec![meta::LabelSelectorRequirement {
                        key: "tier".into(),
                        operator: "In".into(),
                        values: Some(vec!["a".into(), "b".into()]),
                    }]),
                },
                template: oa_pod_template(),
                strategy: Some(oa::apps::v1::DeploymentStrategy {
                    type_: s("RollingUpdate"),
                    rolling_update: Some(oa::apps::v1::RollingUpdateDeployment {
                        max_unavailable: Some(IntOrString::Int(0)),
                        max_surge: Some(IntOrString::String("25%".into())),
                    }),
                }),
                revision_history_limit: Some(2),
                ..Default::default()
            }),
            status: Some(Default::default()),
        };
        assert_eq!(got, expected);
        // Pointer fields keep their zero values; the inline VolumeSource is flattened.
        let value = decode(&body("apps/v1", "Deployment", &pb)).unwrap();
        assert_eq!(value["spec"]["replicas"], json!(0));
        assert_eq!(
            value["spec"]["template"]["spec"]["terminationGracePeriodSeconds"],
            json!(0)
        );
        assert_eq!(
            value["spec"]["template"]["spec"]["volumes"][1],
            json!({"name": "scratch", "emptyDir": {"medium": "Memory", "sizeLimit": "1Gi"}})
        );
    }

    #[test]
    fn job_and_cronjob() {
        let job_spec = k8s_pb::api::batch::v1::JobSpec {
            parallelism: Some(2),
            completions: Some(4),
            backoff_limit: Some(0),
            suspend: Some(false),
            completion_mode: s("Indexed"),
            ttl_seconds_after_finished: Some(60),
            template: Some(pb_pod_template()),
            ..Default::default()
        };
        let oa_job_spec = oa::batch::v1::JobSpec {
            parallelism: Some(2),
            completions: Some(4),
            backoff_limit: Some(0),
            suspend: Some(false),
            completion_mode: s("Indexed"),
            ttl_seconds_after_finished: Some(60),
            template: oa_pod_template(),
            ..Default::default()
        };
        let pb = k8s_pb::api::batch::v1::Job {
            metadata: pb_meta("migrate", "default"),
            spec: Some(job_spec.clone()),
            status: None,
        };
        let got: oa::batch::v1::Job = roundtrip(&pb);
        assert_eq!(
            got,
            oa::batch::v1::Job {
                metadata: oa_meta("migrate", "default"),
                spec: Some(oa_job_spec.clone()),
                status: Some(Default::default()),
            }
        );

        let pb = k8s_pb::api::batch::v1::CronJob {
            metadata: pb_meta("nightly", "default"),
            spec: Some(k8s_pb::api::batch::v1::CronJobSpec {
                schedule: s("0 3 * * *"),
                time_zone: s("Etc/UTC"),
                concurrency_policy: s("Forbid"),
                suspend: Some(true),
                starting_deadline_seconds: Some(100),
                successful_jobs_history_limit: Some(1),
                job_template: Some(k8s_pb::api::batch::v1::JobTemplateSpec {
                    metadata: Some(pbmeta::ObjectMeta {
                        labels: [("job".to_string(), "nightly".to_string())].into(),
                        ..Default::default()
                    }),
                    spec: Some(job_spec),
                }),
                ..Default::default()
            }),
            status: Some(k8s_pb::api::batch::v1::CronJobStatus {
                last_schedule_time: pb_time(1_700_000_000),
                ..Default::default()
            }),
        };
        let got: oa::batch::v1::CronJob = roundtrip(&pb);
        assert_eq!(
            got,
            oa::batch::v1::CronJob {
                metadata: oa_meta("nightly", "default"),
                spec: oa::batch::v1::CronJobSpec {
                    schedule: "0 3 * * *".into(),
                    time_zone: s("Etc/UTC"),
                    concurrency_policy: s("Forbid"),
                    suspend: Some(true),
                    starting_deadline_seconds: Some(100),
                    successful_jobs_history_limit: Some(1),
                    job_template: oa::batch::v1::JobTemplateSpec {
                        metadata: Some(meta::ObjectMeta {
                            labels: Some([("job".to_string(), "nightly".to_string())].into()),
                            ..Default::default()
                        }),
                        spec: Some(oa_job_spec),
                    },
                    ..Default::default()
                },
                status: Some(oa::batch::v1::CronJobStatus {
                    last_schedule_time: Some(oa_time(1_700_000_000)),
                    ..Default::default()
                }),
            }
        );
    }

    #[test]
    fn service_with_int_or_string_target_ports() {
        use k8s_pb::api::core::v1 as c;
        let pb = c::Service {
            metadata: pb_meta("web", "default"),
            spec: Some(c::ServiceSpec {
                ports: vec![
                    c::ServicePort {
                        name: s("http"),
                        protocol: s("TCP"),
                        port: Some(80),
                        target_port: int_port(8080),
                        ..Default::default()
                    },
                    c::ServicePort {
                        name: s("https"),
                        protocol: s("TCP"),
                        app_protocol: s("https"),
                        port: Some(443),
                        target_port: str_port("https"),
                        node_port: Some(30443),
                    },
                ],
                selector: [("app".to_string(), "web".to_string())].into(),
                cluster_ip: s("10.0.0.10"),
                cluster_ips: vec!["10.0.0.10".into(), "fd00::10".into()],
                r#type: s("NodePort"),
                ip_families: vec!["IPv4".into(), "IPv6".into()],
                ip_family_policy: s("PreferDualStack"),
                session_affinity: s("ClientIP"),
                session_affinity_config: Some(c::SessionAffinityConfig {
                    client_ip: Some(c::ClientIpConfig {
                        timeout_seconds: Some(600),
                    }),
                }),
                ..Default::default()
            }),
            status: None,
        };
        let got: oa::core::v1::Service = roundtrip(&pb);
        let expected = oa::core::v1::Service {
            metadata: oa_meta("web", "default"),
            spec: Some(oa::core::v1::ServiceSpec {
                ports: Some(vec![
                    oa::core::v1::ServicePort {
                        name: s("http"),
                        protocol: s("TCP"),
                        port: 80,
                        target_port: Some(IntOrString::Int(8080)),
                        ..Default::default()
                    },
                    oa::core::v1::ServicePort {
                        name: s("https"),
                        protocol: s("TCP"),
                        app_protocol: s("https"),
                        port: 443,
                        target_port: Some(IntOrString::String("https".into())),
                        node_port: Some(30443),
                    },
                ]),
                selector: Some([("app".to_string(), "web".to_string())].into()),
                cluster_ip: s("10.0.0.10"),
                cluster_ips: Some(vec!["10.0.0.10".into(), "fd00::10".into()]),
                type_: s("NodePort"),
                ip_families: Some(vec!["IPv4".into(), "IPv6".into()]),
                ip_family_policy: s("PreferDualStack"),
                session_affinity: s("ClientIP"),
                session_affinity_config: Some(oa::core::v1::SessionAffinityConfig {
                    client_ip: Some(oa::core::v1::ClientIPConfig {
                        timeout_seconds: Some(600),
                    }),
                }),
                ..Default::default()
            }),
            status: Some(oa::core::v1::ServiceStatus {
                load_balancer: Some(Default::default()),
                conditions: None,
            }),
        };
        assert_eq!(got, expected);
    }

    #[test]
    fn self_subject_access_review_and_token_request() {
        use k8s_pb::api::authorization::v1 as z;
        let pb = z::SelfSubjectAccessReview {
            metadata: None,
            spec: Some(z::SelfSubjectAccessReviewSpec {
                resource_attributes: Some(z::ResourceAttributes {
                    namespace: s("default"),
                    verb: s("create"),
                    group: s("apps"),
                    resource: s("deployments"),
                    subresource: s("scale"),
                    ..Default::default()
                }),
                non_resource_attributes: None,
            }),
            status: None,
        };
        let got: oa::authorization::v1::SelfSubjectAccessReview = roundtrip(&pb);
        assert_eq!(
            got,
            oa::authorization::v1::SelfSubjectAccessReview {
                metadata: Default::default(),
                spec: oa::authorization::v1::SelfSubjectAccessReviewSpec {
                    resource_attributes: Some(oa::authorization::v1::ResourceAttributes {
                        namespace: s("default"),
                        verb: s("create"),
                        group: s("apps"),
                        resource: s("deployments"),
                        subresource: s("scale"),
                        ..Default::default()
                    }),
                    non_resource_attributes: None,
                },
                status: Some(Default::default()),
            }
        );

        use k8s_pb::api::authentication::v1 as n;
        let pb = n::TokenRequest {
            metadata: pb_meta("builder", "ci"),
            spec: Some(n::TokenRequestSpec {
                audiences: vec!["https://kubernetes.default.svc".into()],
                expiration_seconds: Some(3600),
                bound_object_ref: Some(n::BoundObjectReference {
                    kind: s("Pod"),
                    api_version: s("v1"),
                    name: s("web-0"),
                    u_id: s("0b6c1f1e-0000-4000-8000-000000000001"),
                }),
            }),
            status: None,
        };
        let value = decode(&body("authentication.k8s.io/v1", "TokenRequest", &pb)).unwrap();
        // The status of a request is Go's zero struct: its fields have no omitempty.
        assert_eq!(
            value["status"],
            json!({"token": "", "expirationTimestamp": null})
        );
        assert_eq!(
            value["spec"]["boundObjectRef"]["uid"],
            "0b6c1f1e-0000-4000-8000-000000000001"
        );
        let got: oa::authentication::v1::TokenRequest = serde_json::from_value(value).unwrap();
        let spec = got.spec.unwrap();
        assert_eq!(spec.expiration_seconds, Some(3600));
        assert_eq!(
            spec.bound_object_ref.unwrap().uid,
            s("0b6c1f1e-0000-4000-8000-000000000001")
        );
    }

    #[test]
    fn role_and_cluster_role_binding() {
        use k8s_pb::api::rbac::v1 as r;
        let pb = r::Role {
            metadata: pb_meta("reader", "default"),
            rules: vec![r::PolicyRule {
                verbs: vec!["get".into(), "list".into()],
                api_groups: vec!["".into()],
                resources: vec!["pods".into(), "pods/log".into()],
                resource_names: vec!["web-0".into()],
                non_resource_ur_ls: Vec::new(),
            }],
        };
        let got: oa::rbac::v1::Role = roundtrip(&pb);
        assert_eq!(
            got,
            oa::rbac::v1::Role {
                metadata: oa_meta("reader", "default"),
                rules: Some(vec![oa::rbac::v1::PolicyRule {
                    verbs: vec!["get".into(), "list".into()],
                    api_groups: Some(vec!["".into()]),
                    resources: Some(vec!["pods".into(), "pods/log".into()]),
                    resource_names: Some(vec!["web-0".into()]),
                    non_resource_urls: None,
                }]),
            }
        );

        let pb = r::ClusterRoleBinding {
            metadata: pb_meta("admins", ""),
            subjects: vec![
                r::Subject {
                    kind: s("User"),
                    api_group: s("rbac.authorization.k8s.io"),
                    name: s("alice"),
                    namespace: None,
                },
                r::Subject {
                    kind: s("ServiceAccount"),
                    api_group: None,
                    name: s("builder"),
                    namespace: s("ci"),
                },
            ],
            role_ref: Some(r::RoleRef {
                api_group: s("rbac.authorization.k8s.io"),
                kind: s("ClusterRole"),
                name: s("cluster-admin"),
            }),
        };
        let got: oa::rbac::v1::ClusterRoleBinding = roundtrip(&pb);
        assert_eq!(
            got,
            oa::rbac::v1::ClusterRoleBinding {
                metadata: oa_meta("admins", ""),
                subjects: Some(vec![
                    oa::rbac::v1::Subject {
                        kind: "User".into(),
                        api_group: s("rbac.authorization.k8s.io"),
                        name: "alice".into(),
                        namespace: None,
                    },
                    oa::rbac::v1::Subject {
                        kind: "ServiceAccount".into(),
                        api_group: None,
                        name: "builder".into(),
                        namespace: s("ci"),
                    },
                ]),
                role_ref: oa::rbac::v1::RoleRef {
                    api_group: s("rbac.authorization.k8s.io"),
                    kind: "ClusterRole".into(),
                    name: "cluster-admin".into(),
                },
            }
        );
    }

    // ------------------------------------------------------------------------------------------
    // Go JSON details and special types

    /// A protobuf field: key and payload.
    fn field(number: u32, payload: &[u8]) -> Vec<u8> {
        let mut out = varint(u64::from(number) << 3 | 2);
        out.extend(varint(payload.len() as u64));
        out.extend(payload);
        out
    }

    fn varint_field(number: u32, value: u64) -> Vec<u8> {
        let mut out = varint(u64::from(number) << 3);
        out.extend(varint(value));
        out
    }

    fn varint(mut v: u64) -> Vec<u8> {
        let mut out = Vec::new();
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
        out
    }

    fn text(value: &Value) -> String {
        serde_json::to_string(value).unwrap()
    }

    #[test]
    fn zero_values_sent_by_go_clients_are_omitted_like_go_json_does() {
        // Go's protobuf encoder writes every non-pointer field, zero or not.
        let pb = k8s_pb::api::core::v1::ConfigMap {
            metadata: Some(pbmeta::ObjectMeta {
                name: s("x"),
                generate_name: s(""),
                namespace: s(""),
                self_link: s(""),
                uid: s(""),
                resource_version: s(""),
                generation: Some(0),
                creation_timestamp: Some(pbmeta::Time::default()),
                ..Default::default()
            }),
            ..Default::default()
        };
        let value = decode(&body("v1", "ConfigMap", &pb)).unwrap();
        assert_eq!(
            text(&value),
            r#"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"x"}}"#
        );
    }

    #[test]
    fn object_meta_with_times_owners_and_managed_fields() {
        let pb = k8s_pb::api::core::v1::ConfigMap {
            metadata: Some(pbmeta::ObjectMeta {
                name: s("x"),
                namespace: s("default"),
                uid: s("7a1d5e4c-0000-4000-8000-000000000002"),
                resource_version: s("42"),
                generation: Some(3),
                creation_timestamp: Some(pbmeta::Time {
                    seconds: Some(1_700_000_000),
                    nanos: Some(999_999_999),
                }),
                deletion_timestamp: pb_time(1_700_000_060),
                deletion_grace_period_seconds: Some(0),
                owner_references: vec![pbmeta::OwnerReference {
                    api_version: s("apps/v1"),
                    kind: s("ReplicaSet"),
                    name: s("web-1"),
                    uid: s("7a1d5e4c-0000-4000-8000-000000000003"),
                    controller: Some(true),
                    block_owner_deletion: Some(false),
                }],
                managed_fields: vec![pbmeta::ManagedFieldsEntry {
                    manager: s("kubectl"),
                    operation: s("Apply"),
                    api_version: s("v1"),
                    time: pb_time(1_700_000_000),
                    fields_type: s("FieldsV1"),
                    fields_v1: Some(pbmeta::FieldsV1 {
                        raw: Some(br#"{"f:data":{"f:a":{}}}"#.to_vec()),
                    }),
                    subresource: None,
                }],
                ..Default::default()
            }),
            ..Default::default()
        };
        let value = decode(&body("v1", "ConfigMap", &pb)).unwrap();
        assert_eq!(
            text(&value["metadata"]),
            concat!(
                r#"{"name":"x","namespace":"default","uid":"7a1d5e4c-0000-4000-8000-000000000002","#,
                r#""resourceVersion":"42","generation":3,"creationTimestamp":"2023-11-14T22:13:20Z","#,
                r#""deletionTimestamp":"2023-11-14T22:14:20Z","deletionGracePeriodSeconds":0,"#,
                r#""ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-1","#,
                r#""uid":"7a1d5e4c-0000-4000-8000-000000000003","controller":true,"blockOwnerDeletion":false}],"#,
                r#""managedFields":[{"manager":"kubectl","operation":"Apply","apiVersion":"v1","#,
                r#""time":"2023-11-14T22:13:20Z","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:a":{}}}}]}"#
            )
        );
        let got: oa::core::v1::ConfigMap = serde_json::from_value(value).unwrap();
        assert_eq!(
            got.metadata.creation_timestamp,
            Some(oa_time(1_700_000_000))
        );
        assert_eq!(
            got.metadata.owner_references.unwrap()[0].controller,
            Some(true)
        );
        assert_eq!(
            got.metadata.managed_fields.unwrap()[0].fields_v1,
            Some(meta::FieldsV1(json!({"f:data": {"f:a": {}}})))
        );
    }

    #[test]
    fn micro_time_keeps_microseconds() {
        let pb = k8s_pb::api::coordination::v1::Lease {
            metadata: pb_meta("leader", "kube-system"),
            spec: Some(k8s_pb::api::coordination::v1::LeaseSpec {
                holder_identity: s("node-a"),
                lease_duration_seconds: Some(15),
                acquire_time: Some(pbmeta::MicroTime {
                    seconds: Some(1_700_000_000),
                    nanos: Some(123_456_789),
                }),
                renew_time: Some(pbmeta::MicroTime {
                    seconds: Some(1_700_000_001),
                    nanos: None,
                }),
                lease_transitions: Some(0),
                ..Default::default()
            }),
        };
        let value = decode(&body("coordination.k8s.io/v1", "Lease", &pb)).unwrap();
        assert_eq!(value["spec"]["acquireTime"], "2023-11-14T22:13:20.123456Z");
        assert_eq!(value["spec"]["renewTime"], "2023-11-14T22:13:21.000000Z");
        let got: oa::coordination::v1::Lease = serde_json::from_value(value).unwrap();
        let spec = got.spec.unwrap();
        assert_eq!(
            spec.acquire_time,
            Some(meta::MicroTime(
                jiff::Timestamp::new(1_700_000_000, 123_456_000).unwrap()
            ))
        );
        assert_eq!(spec.lease_transitions, Some(0));
    }

    #[test]
    fn duration_and_quantity_maps() {
        use k8s_pb::metrics::pkg::apis::metrics::v1beta1 as m;
        let pb = m::NodeMetrics {
            metadata: pb_meta("node-a", ""),
            timestamp: pb_time(0),
            window: Some(pbmeta::Duration {
                duration: Some(90_500_000_000),
            }),
            usage: [
                ("cpu".to_string(), q("250m")),
                ("memory".to_string(), q("1Gi")),
            ]
            .into(),
        };
        let value = decode(&body("metrics.k8s.io/v1beta1", "NodeMetrics", &pb)).unwrap();
        assert_eq!(
            text(&value),
            r#"{"kind":"NodeMetrics","apiVersion":"metrics.k8s.io/v1beta1","metadata":{"name":"node-a"},"timestamp":"1970-01-01T00:00:00Z","window":"1m30.5s","usage":{"cpu":"250m","memory":"1Gi"}}"#
        );
    }

    #[test]
    fn go_duration_strings() {
        for (nanos, expected) in [
            (0, "0s"),
            (1, "1ns"),
            (999, "999ns"),
            (1_500, "1.5µs"),
            (1_000_000, "1ms"),
            (2_250_000, "2.25ms"),
            (1_000_000_000, "1s"),
            (1_500_000_000, "1.5s"),
            (60_000_000_000, "1m0s"),
            (3_600_000_000_000, "1h0m0s"),
            (3_723_004_000_000, "1h2m3.004s"),
            (-120_000_000_000, "-2m0s"),
            (i64::MIN, "-2562047h47m16.854775808s"),
        ] {
            assert_eq!(go_duration(nanos), expected, "{nanos}");
        }
    }

    #[test]
    fn times_format_like_go() {
        assert_eq!(
            format_time(0, 0, false).as_deref(),
            Some("1970-01-01T00:00:00Z")
        );
        assert_eq!(
            format_time(-1, 0, false).as_deref(),
            Some("1969-12-31T23:59:59Z")
        );
        assert_eq!(
            format_time(951_782_400, 0, false).as_deref(),
            Some("2000-02-29T00:00:00Z")
        );
        assert_eq!(
            format_time(253_402_300_799, 0, false).as_deref(),
            Some("9999-12-31T23:59:59Z")
        );
        assert_eq!(format_time(GO_ZERO_TIME_UNIX, 0, false), None);
        assert_eq!(format_time(GO_ZERO_TIME_UNIX, 999, true), None);
        assert_eq!(
            format_time(GO_ZERO_TIME_UNIX, 1_000, true).as_deref(),
            Some("0001-01-01T00:00:00.000001Z")
        );
        assert_eq!(
            format_time(10, -1_500, true).as_deref(),
            Some("1970-01-01T00:00:09.999999Z")
        );
        assert_eq!(
            format_time(10, 2_000_000_500, true).as_deref(),
            Some("1970-01-01T00:00:12.000000Z")
        );
    }

    #[test]
    fn raw_extension_embeds_json_or_a_nested_protobuf_object() {
        let revision = |data: Vec<u8>| k8s_pb::api::apps::v1::ControllerRevision {
            metadata: pb_meta("web-1", "default"),
            data: Some(k8s_pb::apimachinery::pkg::runtime::RawExtension { raw: Some(data) }),
            revision: Some(1),
        };
        let value = decode(&body(
            "apps/v1",
            "ControllerRevision",
            &revision(br#"{"spec":{"replicas":2}}"#.to_vec()),
        ))
        .unwrap();
        assert_eq!(
            text(&value),
            r#"{"kind":"ControllerRevision","apiVersion":"apps/v1","metadata":{"name":"web-1","namespace":"default"},"data":{"spec":{"replicas":2}},"revision":1}"#
        );
        let got: oa::apps::v1::ControllerRevision = serde_json::from_value(value).unwrap();
        assert_eq!(
            got.data,
            Some(k8s_openapi::apimachinery::pkg::runtime::RawExtension(
                json!({"spec": {"replicas": 2}})
            ))
        );

        let nested = body(
            "v1",
            "ConfigMap",
            &k8s_pb::api::core::v1::ConfigMap {
                metadata: pb_meta("inner", ""),
                ..Default::default()
            },
        );
        let value = decode(&body("apps/v1", "ControllerRevision", &revision(nested))).unwrap();
        assert_eq!(
            value["data"],
            json!({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "inner"}})
        );

        let err = decode(&body(
            "apps/v1",
            "ControllerRevision",
            &revision(b"{not json".to_vec()),
        ))
        .unwrap_err();
        assert!(
            matches!(err, ProtobufError::Malformed(ref m) if m.contains("RawExtension")),
            "{err}"
        );

        let value = decode(&body(
            "apps/v1",
            "ControllerRevision",
            &revision(Vec::new()),
        ))
        .unwrap();
        assert_eq!(value["data"], Value::Null);
    }

    #[test]
    fn custom_resource_definition_schema_unions() {
        use k8s_pb::apiextensions_apiserver::pkg::apis::apiextensions::v1 as x;
        let string = |description: &str| x::JsonSchemaProps {
            r#type: s("string"),
            description: s(description),
            ..Default::default()
        };
        let raw = |json: &str| x::Json {
            raw: Some(json.as_bytes().to_vec()),
        };
        let schema = x::JsonSchemaProps {
            r#type: s("object"),
            required: vec!["spec".into()],
            properties: [
                (
                    "spec".to_string(),
                    x::JsonSchemaProps {
                        r#type: s("object"),
                        properties: [
                            (
                                "size".to_string(),
                                x::JsonSchemaProps {
                                    r#type: s("string"),
                                    default: Some(raw(r#""small""#)),
                                    r#enum: vec![raw(r#""small""#), raw(r#""large""#)],
                                    ..Default::default()
                                },
                            ),
                            (
                                "replicas".to_string(),
                                x::JsonSchemaProps {
                                    r#type: s("integer"),
                                    minimum: Some(0.0),
                                    maximum: Some(10.5),
                                    ..Default::default()
                                },
                            ),
                            (
                                "port".to_string(),
                                x::JsonSchemaProps {
                                    x_kubernetes_int_or_string: Some(true),
                                    ..Default::default()
                                },
                            ),
                            (
                                "tags".to_string(),
                                x::JsonSchemaProps {
                                    r#type: s("array"),
                                    items: Some(Box::new(x::JsonSchemaPropsOrArray {
                                        schema: Some(Box::new(string("a tag"))),
                                        j_son_schemas: Vec::new(),
                                    })),
                                    ..Default::default()
                                },
                            ),
                            (
                                "labels".to_string(),
                                x::JsonSchemaProps {
                                    r#type: s("object"),
                                    additional_properties: Some(Box::new(
                                        x::JsonSchemaPropsOrBool {
                                            allows: Some(true),
                                            schema: Some(Box::new(string("a label"))),
                                        },
                                    )),
                                    ..Default::default()
                                },
                            ),
                        ]
                        .into(),
                        additional_properties: Some(Box::new(x::JsonSchemaPropsOrBool {
                            allows: Some(false),
                            schema: None,
                        })),
                        x_kubernetes_preserve_unknown_fields: Some(false),
                        ..Default::default()
                    },
                ),
                (
                    "status".to_string(),
                    x::JsonSchemaProps {
                        r#type: s("object"),
                        x_kubernetes_preserve_unknown_fields: Some(true),
                        dependencies: [(
                            "a".to_string(),
                            x::JsonSchemaPropsOrStringArray {
                                schema: None,
                                property: vec!["b".into()],
                            },
                        )]
                        .into(),
                        ..Default::default()
                    },
                ),
            ]
            .into(),
            ..Default::default()
        };
        let pb = x::CustomResourceDefinition {
            metadata: pb_meta("widgets.example.com", ""),
            spec: Some(x::CustomResourceDefinitionSpec {
                group: s("example.com"),
                names: Some(x::CustomResourceDefinitionNames {
                    plural: s("widgets"),
                    singular: s("widget"),
                    kind: s("Widget"),
                    list_kind: s("WidgetList"),
                    ..Default::default()
                }),
                scope: s("Namespaced"),
                versions: vec![x::CustomResourceDefinitionVersion {
                    name: s("v1"),
                    served: Some(true),
                    storage: Some(true),
                    schema: Some(x::CustomResourceValidation {
                        open_apiv3_schema: Some(schema),
                    }),
                    ..Default::default()
                }],
                ..Default::default()
            }),
            status: None,
        };
        let value = decode(&body(
            "apiextensions.k8s.io/v1",
            "CustomResourceDefinition",
            &pb,
        ))
        .unwrap();
        let root = &value["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
        let spec = &root["properties"]["spec"];
        assert_eq!(spec["additionalProperties"], json!(false));
        assert_eq!(spec["x-kubernetes-preserve-unknown-fields"], json!(false));
        assert_eq!(
            spec["properties"]["size"],
            json!({"type": "string", "default": "small", "enum": ["small", "large"]})
        );
        assert_eq!(
            spec["properties"]["replicas"],
            json!({"type": "integer", "maximum": 10.5, "minimum": 0.0})
        );
        assert_eq!(
            spec["properties"]["port"],
            json!({"x-kubernetes-int-or-string": true})
        );
        assert_eq!(
            spec["properties"]["tags"]["items"],
            json!({"type": "string", "description": "a tag"})
        );
        assert_eq!(
            spec["properties"]["labels"]["additionalProperties"],
            json!({"type": "string", "description": "a label"})
        );
        assert_eq!(
            root["properties"]["status"]["dependencies"],
            json!({"a": ["b"]})
        );

        let got: k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1::CustomResourceDefinition =
            serde_json::from_value(value).unwrap();
        let schema = got.spec.versions[0]
            .schema
            .clone()
            .unwrap()
            .open_api_v3_schema
            .unwrap();
        let spec = &schema.properties.as_ref().unwrap()["spec"];
        use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions::v1 as ox;
        assert_eq!(
            spec.additional_properties,
            Some(ox::JSONSchemaPropsOrBool::Bool(false))
        );
        let size = &spec.properties.as_ref().unwrap()["size"];
        assert_eq!(size.default, Some(ox::JSON(json!("small"))));
        assert_eq!(
            size.enum_,
            Some(vec![ox::JSON(json!("small")), ox::JSON(json!("large"))])
        );
        assert_eq!(got.spec.names.kind, "Widget");
        assert!(got.spec.versions[0].served && got.spec.versions[0].storage);
    }

    #[test]
    fn named_slices_are_arrays() {
        use k8s_pb::api::authentication::v1 as n;
        let pb = n::TokenReview {
            metadata: None,
            spec: None,
            status: Some(n::TokenReviewStatus {
                authenticated: Some(true),
                user: Some(n::UserInfo {
                    username: s("alice"),
                    groups: vec!["devs".into()],
                    extra: [
                        (
                            "scopes".to_string(),
                            n::ExtraValue {
                                items: vec!["a".into(), "b".into()],
                            },
                        ),
                        ("none".to_string(), n::ExtraValue { items: Vec::new() }),
                    ]
                    .into(),
                    ..Default::default()
                }),
                ..Default::default()
            }),
        };
        let value = decode(&body("authentication.k8s.io/v1", "TokenReview", &pb)).unwrap();
        assert_eq!(
            text(&value["status"]),
            r#"{"authenticated":true,"user":{"username":"alice","groups":["devs"],"extra":{"none":[],"scopes":["a","b"]}}}"#
        );
        // Absent, a named slice without omitempty is Go's nil slice.
        let list = pbmeta::APIResourceList {
            group_version: s("v1"),
            resources: vec![
                pbmeta::APIResource {
                    name: s("pods"),
                    kind: s("Pod"),
                    verbs: Some(pbmeta::Verbs {
                        items: vec!["get".into()],
                    }),
                    ..Default::default()
                },
                pbmeta::APIResource {
                    name: s("bindings"),
                    ..Default::default()
                },
            ],
        };
        let value = decode(&body("v1", "APIResourceList", &list)).unwrap();
        assert_eq!(value["resources"][0]["verbs"], json!(["get"]));
        assert_eq!(value["resources"][1]["verbs"], Value::Null);
        assert_eq!(value["resources"][1]["singularName"], "");
    }

    #[test]
    fn wire_details() {
        // Unknown fields are skipped, a repeated singular message merges, packed and unpacked
        // repeated numbers are both read.
        let mut raw = field(1, &field(1, b"a"));
        raw.extend(varint_field(99, 7));
        raw.extend(field(1, &field(3, b"ns")));
        let value = decode(&frame("v1", "ConfigMap", raw)).unwrap();
        assert_eq!(value["metadata"], json!({"name": "a", "namespace": "ns"}));

        let mut security = field(4, &[1, 2, 3]); // packed supplementalGroups
        security.extend(varint_field(4, 4)); // unpacked
        let raw = field(2, &field(14, &security));
        let value = decode(&frame("v1", "Pod", raw)).unwrap();
        assert_eq!(
            value["spec"]["securityContext"]["supplementalGroups"],
            json!([1, 2, 3, 4])
        );

        // Invalid UTF-8 becomes U+FFFD, as Go's JSON encoder writes it.
        let value = decode(&frame("v1", "ConfigMap", field(1, &field(1, b"a\xffb")))).unwrap();
        assert_eq!(value["metadata"]["name"], "a\u{fffd}b");
    }

    // ------------------------------------------------------------------------------------------
    // Errors and limits

    #[test]
    fn errors_have_status_messages() {
        assert_eq!(decode(b"{}"), Err(ProtobufError::MissingMagic));
        assert_eq!(
            decode(b"{}").unwrap_err().to_string(),
            "protobuf body does not start with the kubernetes protobuf prefix"
        );

        let good = body(
            "v1",
            "ConfigMap",
            &k8s_pb::api::core::v1::ConfigMap::default(),
        );
        let err = decode(&good[..good.len() - 1]).unwrap_err();
        assert!(matches!(err, ProtobufError::MalformedEnvelope(_)), "{err}");
        assert!(
            err.to_string().starts_with("malformed protobuf envelope: "),
            "{err}"
        );

        let err = decode(&frame("apps/v1", "Foo", Vec::new())).unwrap_err();
        assert_eq!(
            err.to_string(),
            "no protobuf type known for apps/v1, Kind=Foo"
        );

        let mut no_type = MAGIC.to_vec();
        no_type.extend(
            Unknown {
                raw: Some(Vec::new()),
                ..Default::default()
            }
            .encode_to_vec(),
        );
        assert_eq!(decode(&no_type), Err(ProtobufError::MissingTypeMeta));

        let mut gzip = Unknown::decode(&frame("v1", "ConfigMap", Vec::new())[4..]).unwrap();
        gzip.content_encoding = s("gzip");
        let mut encoded = MAGIC.to_vec();
        encoded.extend(gzip.encode_to_vec());
        assert_eq!(
            decode(&encoded).unwrap_err().to_string(),
            r#"unsupported protobuf content encoding "gzip""#
        );

        let mut json_inside = Unknown::decode(&frame("v1", "ConfigMap", Vec::new())[4..]).unwrap();
        json_inside.content_type = s("application/json");
        let mut encoded = MAGIC.to_vec();
        encoded.extend(json_inside.encode_to_vec());
        assert_eq!(
            decode(&encoded),
            Err(ProtobufError::UnsupportedContentType(
                "application/json".into()
            ))
        );

        // A truncated object, a wrong wire type, a bad varint, an impossible IntOrString.
        let configmap = k8s_pb::api::core::v1::ConfigMap {
            metadata: pb_meta("x", "default"),
            ..Default::default()
        }
        .encode_to_vec();
        let err = decode(&frame(
            "v1",
            "ConfigMap",
            configmap[..configmap.len() - 2].to_vec(),
        ))
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "malformed protobuf object: api.core.v1.ConfigMap: truncated field"
        );
        let err = decode(&frame("v1", "ConfigMap", varint_field(1, 5))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "malformed protobuf object: api.core.v1.ConfigMap: field 1 has the wrong wire type"
        );
        let err = decode(&frame(
            "v1",
            "ConfigMap",
            vec![
                0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f,
            ],
        ))
        .unwrap_err();
        assert!(
            err.to_string().ends_with("varint overflows 64 bits"),
            "{err}"
        );
        let port = PbIntOrString {
            r#type: Some(7),
            ..Default::default()
        };
        let pdb = k8s_pb::api::policy::v1::PodDisruptionBudget {
            spec: Some(k8s_pb::api::policy::v1::PodDisruptionBudgetSpec {
                min_available: Some(port),
                ..Default::default()
            }),
            ..Default::default()
        };
        let err = decode(&body("policy/v1", "PodDisruptionBudget", &pdb)).unwrap_err();
        assert!(
            err.to_string().contains("unknown IntOrString type 7"),
            "{err}"
        );

        // NaN has no JSON form.
        let mut props = field(1, b"x");
        props.extend([9 << 3 | 1]);
        props.extend(f64::NAN.to_le_bytes());
        let raw = field(2, &field(7, &field(4, &field(1, &props))));
        let err = decode(&frame(
            "apiextensions.k8s.io/v1",
            "CustomResourceDefinition",
            raw,
        ))
        .unwrap_err();
        assert!(err.to_string().contains("has no JSON form"), "{err}");
    }

    /// A CRD whose schema nests `not` `levels` deep.
    fn deep_crd(levels: usize) -> Vec<u8> {
        let mut props = field(5, b"object");
        for _ in 0..levels {
            props = field(28, &props);
        }
        // spec.versions[0].schema.openAPIV3Schema
        let version = [field(1, b"v1"), field(4, &field(1, &props))].concat();
        frame(
            "apiextensions.k8s.io/v1",
            "CustomResourceDefinition",
            field(2, &field(7, &version)),
        )
    }

    #[test]
    fn deep_nesting_is_rejected_without_exhausting_the_stack() {
        // The object, spec, versions array, version, schema and openAPIV3Schema take 6 levels.
        let ok = deep_crd(MAX_DEPTH - 6);
        let too_deep = deep_crd(MAX_DEPTH - 5);
        let hostile = deep_crd(5_000);
        let results = std::thread::Builder::new()
            .stack_size(512 * 1024)
            .spawn(move || (decode(&ok).map(|_| ()), decode(&too_deep), decode(&hostile)))
            .unwrap()
            .join()
            .unwrap();
        assert_eq!(results.0, Ok(()));
        assert_eq!(results.1, Err(ProtobufError::TooDeep));
        assert_eq!(results.2, Err(ProtobufError::TooDeep));
        assert_eq!(
            results.2.unwrap_err().to_string(),
            "protobuf object nests deeper than 100 levels"
        );

        // Protobuf objects nested in RawExtensions count too.
        let mut raw = body(
            "v1",
            "ConfigMap",
            &k8s_pb::api::core::v1::ConfigMap::default(),
        );
        for _ in 0..200 {
            raw = frame("apps/v1", "ControllerRevision", field(2, &field(1, &raw)));
        }
        assert_eq!(decode(&raw), Err(ProtobufError::TooDeep));
    }

    #[test]
    fn output_size_is_bounded() {
        // 1M empty volumes: 2 MB on the wire, `{"name":""}` each in JSON.
        let volumes = field(1, &[]).repeat(1_000_000);
        let raw = field(2, &volumes);
        let started = std::time::Instant::now();
        assert_eq!(
            decode(&frame("v1", "Pod", raw)),
            Err(ProtobufError::TooLarge)
        );
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
        // The same below the limit decodes.
        let raw = field(2, &field(1, &[]).repeat(1000));
        let value = decode(&frame("v1", "Pod", raw)).unwrap();
        assert_eq!(value["spec"]["volumes"].as_array().unwrap().len(), 1000);
        assert_eq!(value["spec"]["volumes"][0], json!({"name": ""}));
    }

    #[test]
    fn schema_parses_and_is_consistent() {
        let schema = Schema::parse(SCHEMA).unwrap();
        assert!(schema.messages.len() > 1200);
        for message in &schema.messages {
            for field in &message.fields {
                assert_eq!(
                    message
                        .field(field.number)
                        .map(|i| &message.fields[i].number),
                    Some(&field.number)
                );
            }
        }
        for bad in [
            "package p v1\nM 1:a:=Nope",
            "package p v1\nM 1:a:!string",
            "package p v1\nM 1::=string",
        ] {
            assert!(Schema::parse(bad).is_err(), "{bad}");
        }
    }
}
