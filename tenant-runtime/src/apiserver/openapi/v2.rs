//! The OpenAPI 2 document as protobuf: the subset of gnostic's `openapi.v2` messages that
//! Kubernetes clients read (paths with operations and parameters, definitions with schemas
//! and vendor extensions), and the conversion from our paths and neutral definitions.
//!
//! Field numbers follow gnostic's `OpenAPIv2.proto`; vendor extension values are YAML text
//! (we write JSON, which is YAML).

use std::collections::BTreeMap;

use prost::Message;
use serde_json::Value;

use super::paths::{self, Body, Method, Param, ParamType, PathItem as OurPathItem};
use super::schema::REF_PREFIX;

/// `openapi.v2.Document`.
#[derive(Clone, PartialEq, Message)]
pub struct Document {
    #[prost(string, tag = "1")]
    pub swagger: String,
    #[prost(message, optional, tag = "2")]
    pub info: Option<Info>,
    #[prost(message, optional, tag = "8")]
    pub paths: Option<Paths>,
    #[prost(message, optional, tag = "9")]
    pub definitions: Option<Definitions>,
    #[prost(message, repeated, tag = "12")]
    pub security: Vec<SecurityRequirement>,
    #[prost(message, optional, tag = "13")]
    pub security_definitions: Option<SecurityDefinitions>,
}

/// `openapi.v2.Info`.
#[derive(Clone, PartialEq, Message)]
pub struct Info {
    #[prost(string, tag = "1")]
    pub title: String,
    #[prost(string, tag = "2")]
    pub version: String,
}

/// `openapi.v2.Any`: only the YAML form is used.
#[derive(Clone, PartialEq, Message)]
pub struct Any {
    #[prost(string, tag = "2")]
    pub yaml: String,
}

/// `openapi.v2.NamedAny`.
#[derive(Clone, PartialEq, Message)]
pub struct NamedAny {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(message, optional, tag = "2")]
    pub value: Option<Any>,
}

/// `openapi.v2.Paths`.
#[derive(Clone, PartialEq, Message)]
pub struct Paths {
    #[prost(message, repeated, tag = "1")]
    pub vendor_extension: Vec<NamedAny>,
    #[prost(message, repeated, tag = "2")]
    pub path: Vec<NamedPathItem>,
}

/// `openapi.v2.NamedPathItem`.
#[derive(Clone, PartialEq, Message)]
pub struct NamedPathItem {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(message, optional, tag = "2")]
    pub value: Option<PathItem>,
}

/// `openapi.v2.PathItem`.
#[derive(Clone, PartialEq, Message)]
pub struct PathItem {
    #[prost(message, optional, tag = "2")]
    pub get: Option<Operation>,
    #[prost(message, optional, tag = "3")]
    pub put: Option<Operation>,
    #[prost(message, optional, tag = "4")]
    pub post: Option<Operation>,
    #[prost(message, optional, tag = "5")]
    pub delete: Option<Operation>,
    #[prost(message, optional, tag = "8")]
    pub patch: Option<Operation>,
    #[prost(message, repeated, tag = "9")]
    pub parameters: Vec<ParametersItem>,
}

/// `openapi.v2.Operation`.
#[derive(Clone, PartialEq, Message)]
pub struct Operation {
    #[prost(string, repeated, tag = "1")]
    pub tags: Vec<String>,
    #[prost(string, tag = "3")]
    pub description: String,
    #[prost(string, tag = "5")]
    pub operation_id: String,
    #[prost(string, repeated, tag = "6")]
    pub produces: Vec<String>,
    #[prost(string, repeated, tag = "7")]
    pub consumes: Vec<String>,
    #[prost(message, repeated, tag = "8")]
    pub parameters: Vec<ParametersItem>,
    #[prost(message, optional, tag = "9")]
    pub responses: Option<Responses>,
    #[prost(string, repeated, tag = "10")]
    pub schemes: Vec<String>,
    #[prost(message, repeated, tag = "13")]
    pub vendor_extension: Vec<NamedAny>,
}

/// `openapi.v2.ParametersItem` (only inline parameters are written).
#[derive(Clone, PartialEq, Message)]
pub struct ParametersItem {
    #[prost(message, optional, tag = "1")]
    pub parameter: Option<Parameter>,
}

/// `openapi.v2.Parameter`.
#[derive(Clone, PartialEq, Message)]
pub struct Parameter {
    #[prost(oneof = "parameter::Oneof", tags = "1, 2")]
    pub oneof: Option<parameter::Oneof>,
}

/// The choices of [`Parameter`].
pub mod parameter {
    /// `Parameter.oneof`.
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Oneof {
        #[prost(message, boxed, tag = "1")]
        BodyParameter(Box<super::BodyParameter>),
        #[prost(message, tag = "2")]
        NonBodyParameter(super::NonBodyParameter),
    }
}

/// `openapi.v2.BodyParameter`.
#[derive(Clone, PartialEq, Message)]
pub struct BodyParameter {
    #[prost(string, tag = "1")]
    pub description: String,
    #[prost(string, tag = "2")]
    pub name: String,
    #[prost(string, tag = "3")]
    pub r#in: String,
    #[prost(bool, tag = "4")]
    pub required: bool,
    #[prost(message, optional, tag = "5")]
    pub schema: Option<Schema>,
}

/// `openapi.v2.NonBodyParameter`.
#[derive(Clone, PartialEq, Message)]
pub struct NonBodyParameter {
    #[prost(oneof = "non_body_parameter::Oneof", tags = "3, 4")]
    pub oneof: Option<non_body_parameter::Oneof>,
}

/// The choices of [`NonBodyParameter`] that are written.
pub mod non_body_parameter {
    /// `NonBodyParameter.oneof`.
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Oneof {
        #[prost(message, tag = "3")]
        QueryParameterSubSchema(super::QueryParameterSubSchema),
        #[prost(message, tag = "4")]
        PathParameterSubSchema(super::PathParameterSubSchema),
    }
}

/// `openapi.v2.QueryParameterSubSchema`.
#[derive(Clone, PartialEq, Message)]
pub struct QueryParameterSubSchema {
    #[prost(bool, tag = "1")]
    pub required: bool,
    #[prost(string, tag = "2")]
    pub r#in: String,
    #[prost(string, tag = "3")]
    pub description: String,
    #[prost(string, tag = "4")]
    pub name: String,
    #[prost(string, tag = "6")]
    pub r#type: String,
    #[prost(bool, tag = "20")]
    pub unique_items: bool,
}

/// `openapi.v2.PathParameterSubSchema`.
#[derive(Clone, PartialEq, Message)]
pub struct PathParameterSubSchema {
    #[prost(bool, tag = "1")]
    pub required: bool,
    #[prost(string, tag = "2")]
    pub r#in: String,
    #[prost(string, tag = "3")]
    pub description: String,
    #[prost(string, tag = "4")]
    pub name: String,
    #[prost(string, tag = "5")]
    pub r#type: String,
    #[prost(bool, tag = "19")]
    pub unique_items: bool,
}

/// `openapi.v2.Responses`.
#[derive(Clone, PartialEq, Message)]
pub struct Responses {
    #[prost(message, repeated, tag = "1")]
    pub response_code: Vec<NamedResponseValue>,
}

/// `openapi.v2.NamedResponseValue`.
#[derive(Clone, PartialEq, Message)]
pub struct NamedResponseValue {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(message, optional, tag = "2")]
    pub value: Option<ResponseValue>,
}

/// `openapi.v2.ResponseValue` (only inline responses are written).
#[derive(Clone, PartialEq, Message)]
pub struct ResponseValue {
    #[prost(message, optional, tag = "1")]
    pub response: Option<Response>,
}

/// `openapi.v2.Response`.
#[derive(Clone, PartialEq, Message)]
pub struct Response {
    #[prost(string, tag = "1")]
    pub description: String,
    #[prost(message, optional, tag = "2")]
    pub schema: Option<SchemaItem>,
}

/// `openapi.v2.SchemaItem` (only schemas are written).
#[derive(Clone, PartialEq, Message)]
pub struct SchemaItem {
    #[prost(message, optional, tag = "1")]
    pub schema: Option<Schema>,
}

/// `openapi.v2.Definitions`.
#[derive(Clone, PartialEq, Message)]
pub struct Definitions {
    #[prost(message, repeated, tag = "1")]
    pub additional_properties: Vec<NamedSchema>,
}

/// `openapi.v2.NamedSchema`.
#[derive(Clone, PartialEq, Message)]
pub struct NamedSchema {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(message, optional, tag = "2")]
    pub value: Option<Schema>,
}

/// `openapi.v2.Schema`.
#[derive(Clone, PartialEq, Message)]
pub struct Schema {
    #[prost(string, tag = "1")]
    pub r#ref: String,
    #[prost(string, tag = "2")]
    pub format: String,
    #[prost(string, tag = "3")]
    pub title: String,
    #[prost(string, tag = "4")]
    pub description: String,
    #[prost(message, optional, tag = "5")]
    pub default: Option<Any>,
    #[prost(double, tag = "6")]
    pub multiple_of: f64,
    #[prost(double, tag = "7")]
    pub maximum: f64,
    #[prost(bool, tag = "8")]
    pub exclusive_maximum: bool,
    #[prost(double, tag = "9")]
    pub minimum: f64,
    #[prost(bool, tag = "10")]
    pub exclusive_minimum: bool,
    #[prost(int64, tag = "11")]
    pub max_length: i64,
    #[prost(int64, tag = "12")]
    pub min_length: i64,
    #[prost(string, tag = "13")]
    pub pattern: String,
    #[prost(int64, tag = "14")]
    pub max_items: i64,
    #[prost(int64, tag = "15")]
    pub min_items: i64,
    #[prost(bool, tag = "16")]
    pub unique_items: bool,
    #[prost(int64, tag = "17")]
    pub max_properties: i64,
    #[prost(int64, tag = "18")]
    pub min_properties: i64,
    #[prost(string, repeated, tag = "19")]
    pub required: Vec<String>,
    #[prost(message, repeated, tag = "20")]
    pub r#enum: Vec<Any>,
    #[prost(message, optional, tag = "21")]
    pub additional_properties: Option<AdditionalPropertiesItem>,
    #[prost(message, optional, tag = "22")]
    pub r#type: Option<TypeItem>,
    #[prost(message, optional, tag = "23")]
    pub items: Option<ItemsItem>,
    #[prost(message, repeated, tag = "24")]
    pub all_of: Vec<Schema>,
    #[prost(message, optional, tag = "25")]
    pub properties: Option<Properties>,
    #[prost(bool, tag = "27")]
    pub read_only: bool,
    #[prost(message, optional, tag = "30")]
    pub example: Option<Any>,
    #[prost(message, repeated, tag = "31")]
    pub vendor_extension: Vec<NamedAny>,
}

/// `openapi.v2.AdditionalPropertiesItem`.
#[derive(Clone, PartialEq, Message)]
pub struct AdditionalPropertiesItem {
    #[prost(oneof = "additional_properties_item::Oneof", tags = "1, 2")]
    pub oneof: Option<additional_properties_item::Oneof>,
}

/// The choices of [`AdditionalPropertiesItem`].
pub mod additional_properties_item {
    /// `AdditionalPropertiesItem.oneof`.
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Oneof {
        #[prost(message, boxed, tag = "1")]
        Schema(Box<super::Schema>),
        #[prost(bool, tag = "2")]
        Boolean(bool),
    }
}

/// `openapi.v2.TypeItem`.
#[derive(Clone, PartialEq, Message)]
pub struct TypeItem {
    #[prost(string, repeated, tag = "1")]
    pub value: Vec<String>,
}

/// `openapi.v2.ItemsItem`.
#[derive(Clone, PartialEq, Message)]
pub struct ItemsItem {
    #[prost(message, repeated, tag = "1")]
    pub schema: Vec<Schema>,
}

/// `openapi.v2.Properties`.
#[derive(Clone, PartialEq, Message)]
pub struct Properties {
    #[prost(message, repeated, tag = "1")]
    pub additional_properties: Vec<NamedSchema>,
}

/// `openapi.v2.SecurityDefinitions`.
#[derive(Clone, PartialEq, Message)]
pub struct SecurityDefinitions {
    #[prost(message, repeated, tag = "1")]
    pub additional_properties: Vec<NamedSecurityDefinitionsItem>,
}

/// `openapi.v2.NamedSecurityDefinitionsItem`.
#[derive(Clone, PartialEq, Message)]
pub struct NamedSecurityDefinitionsItem {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(message, optional, tag = "2")]
    pub value: Option<SecurityDefinitionsItem>,
}

/// `openapi.v2.SecurityDefinitionsItem` (only API keys are written).
#[derive(Clone, PartialEq, Message)]
pub struct SecurityDefinitionsItem {
    #[prost(message, optional, tag = "2")]
    pub api_key_security: Option<ApiKeySecurity>,
}

/// `openapi.v2.ApiKeySecurity`.
#[derive(Clone, PartialEq, Message)]
pub struct ApiKeySecurity {
    #[prost(string, tag = "1")]
    pub r#type: String,
    #[prost(string, tag = "2")]
    pub name: String,
    #[prost(string, tag = "3")]
    pub r#in: String,
    #[prost(string, tag = "4")]
    pub description: String,
}

/// `openapi.v2.SecurityRequirement`.
#[derive(Clone, PartialEq, Message)]
pub struct SecurityRequirement {
    #[prost(message, repeated, tag = "1")]
    pub additional_properties: Vec<NamedStringArray>,
}

/// `openapi.v2.NamedStringArray`.
#[derive(Clone, PartialEq, Message)]
pub struct NamedStringArray {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(message, optional, tag = "2")]
    pub value: Option<StringArray>,
}

/// `openapi.v2.StringArray`.
#[derive(Clone, PartialEq, Message)]
pub struct StringArray {
    #[prost(string, repeated, tag = "1")]
    pub value: Vec<String>,
}

fn any(v: &Value) -> Any {
    Any {
        yaml: v.to_string(),
    }
}

fn named_any(name: &str, v: &Value) -> NamedAny {
    NamedAny {
        name: name.to_string(),
        value: Some(any(v)),
    }
}

fn v2_ref(r: &str) -> String {
    match r.strip_prefix(REF_PREFIX) {
        Some(name) => format!("#/definitions/{name}"),
        None => r.to_string(),
    }
}

fn ref_schema(name: &str) -> Schema {
    Schema {
        r#ref: format!("#/definitions/{name}"),
        ..Default::default()
    }
}

/// Converts a neutral JSON schema; keywords OpenAPI 2 lacks (`oneOf`, `anyOf`, `not`,
/// `nullable`) are left out.
pub(super) fn schema(v: Value) -> Schema {
    let mut s = Schema::default();
    let Value::Object(m) = v else {
        return s;
    };
    for (k, v) in m {
        match (k.as_str(), v) {
            ("$ref", Value::String(r)) => s.r#ref = v2_ref(&r),
            ("format", Value::String(t)) => s.format = t,
            ("title", Value::String(t)) => s.title = t,
            ("description", Value::String(t)) => s.description = t,
            ("pattern", Value::String(t)) => s.pattern = t,
            ("default", v) => s.default = Some(any(&v)),
            ("example", v) => s.example = Some(any(&v)),
            ("multipleOf", v) => s.multiple_of = v.as_f64().unwrap_or(0.0),
            ("maximum", v) => s.maximum = v.as_f64().unwrap_or(0.0),
            ("minimum", v) => s.minimum = v.as_f64().unwrap_or(0.0),
            ("exclusiveMaximum", Value::Bool(b)) => s.exclusive_maximum = b,
            ("exclusiveMinimum", Value::Bool(b)) => s.exclusive_minimum = b,
            ("maxLength", v) => s.max_length = v.as_i64().unwrap_or(0),
            ("minLength", v) => s.min_length = v.as_i64().unwrap_or(0),
            ("maxItems", v) => s.max_items = v.as_i64().unwrap_or(0),
            ("minItems", v) => s.min_items = v.as_i64().unwrap_or(0),
            ("maxProperties", v) => s.max_properties = v.as_i64().unwrap_or(0),
            ("minProperties", v) => s.min_properties = v.as_i64().unwrap_or(0),
            ("uniqueItems", Value::Bool(b)) => s.unique_items = b,
            ("readOnly", Value::Bool(b)) => s.read_only = b,
            ("required", Value::Array(req)) => {
                s.required = req
                    .into_iter()
                    .filter_map(|r| match r {
                        Value::String(r) => Some(r),
                        _ => None,
                    })
                    .collect()
            }
            ("enum", Value::Array(e)) => s.r#enum = e.iter().map(any).collect(),
            ("additionalProperties", Value::Bool(b)) => {
                s.additional_properties = Some(AdditionalPropertiesItem {
                    oneof: Some(additional_properties_item::Oneof::Boolean(b)),
                })
            }
            ("additionalProperties", v @ Value::Object(_)) => {
                s.additional_properties = Some(AdditionalPropertiesItem {
                    oneof: Some(additional_properties_item::Oneof::Schema(Box::new(schema(
                        v,
                    )))),
                })
            }
            ("type", Value::String(t)) => s.r#type = Some(TypeItem { value: vec![t] }),
            ("type", Value::Array(ts)) => {
                s.r#type = Some(TypeItem {
                    value: ts
                        .into_iter()
                        .filter_map(|t| match t {
                            Value::String(t) => Some(t),
                            _ => None,
                        })
                        .collect(),
                })
            }
            ("items", Value::Array(items)) => {
                s.items = Some(ItemsItem {
                    schema: items.into_iter().map(schema).collect(),
                })
            }
            ("items", v @ Value::Object(_)) => {
                s.items = Some(ItemsItem {
                    schema: vec![schema(v)],
                })
            }
            ("allOf", Value::Array(all)) => s.all_of = all.into_iter().map(schema).collect(),
            ("properties", Value::Object(props)) => {
                s.properties = Some(Properties {
                    additional_properties: props
                        .into_iter()
                        .map(|(name, v)| NamedSchema {
                            name,
                            value: Some(schema(v)),
                        })
                        .collect(),
                })
            }
            (x, v) if x.starts_with("x-") => s.vendor_extension.push(named_any(x, &v)),
            _ => {}
        }
    }
    s
}

fn param(p: &Param) -> ParametersItem {
    let ty = match p.ty {
        ParamType::String => "string",
        ParamType::Boolean => "boolean",
        ParamType::Integer => "integer",
    }
    .to_string();
    let oneof = if p.in_path {
        non_body_parameter::Oneof::PathParameterSubSchema(PathParameterSubSchema {
            required: true,
            r#in: "path".into(),
            description: p.description.into(),
            name: p.name.into(),
            r#type: ty,
            unique_items: p.unique,
        })
    } else {
        non_body_parameter::Oneof::QueryParameterSubSchema(QueryParameterSubSchema {
            required: false,
            r#in: "query".into(),
            description: p.description.into(),
            name: p.name.into(),
            r#type: ty,
            unique_items: p.unique,
        })
    };
    ParametersItem {
        parameter: Some(Parameter {
            oneof: Some(parameter::Oneof::NonBodyParameter(NonBodyParameter {
                oneof: Some(oneof),
            })),
        }),
    }
}

fn operation(op: &paths::Operation) -> Operation {
    let mut parameters = Vec::new();
    if let Some(body) = &op.body {
        let def = match body {
            Body::Object(def) => def.as_str(),
            Body::Patch { .. } => super::schema::PATCH,
        };
        parameters.push(ParametersItem {
            parameter: Some(Parameter {
                oneof: Some(parameter::Oneof::BodyParameter(Box::new(BodyParameter {
                    description: String::new(),
                    name: "body".into(),
                    r#in: "body".into(),
                    required: op.method != Method::Delete,
                    schema: Some(ref_schema(def)),
                }))),
            }),
        });
    }
    parameters.extend(op.params.iter().map(param));
    let mut response_code: Vec<NamedResponseValue> = op
        .codes
        .iter()
        .map(|code| NamedResponseValue {
            name: code.to_string(),
            value: Some(ResponseValue {
                response: Some(Response {
                    description: paths::code_description(code).into(),
                    schema: Some(SchemaItem {
                        schema: Some(ref_schema(&op.response)),
                    }),
                }),
            }),
        })
        .collect();
    response_code.push(NamedResponseValue {
        name: "401".into(),
        value: Some(ResponseValue {
            response: Some(Response {
                description: "Unauthorized".into(),
                schema: None,
            }),
        }),
    });
    let mut vendor_extension = Vec::new();
    if !op.action.is_empty() {
        vendor_extension.push(named_any("x-kubernetes-action", &Value::from(op.action)));
    }
    if let Some(gvk) = &op.gvk {
        vendor_extension.push(named_any(
            "x-kubernetes-group-version-kind",
            &serde_json::to_value(gvk).unwrap_or_default(),
        ));
    }
    Operation {
        tags: vec![op.tag.clone()],
        description: op.description.clone(),
        operation_id: op.id.clone(),
        produces: paths::produces(op)
            .into_iter()
            .map(str::to_string)
            .collect(),
        consumes: op
            .body
            .as_ref()
            .map(|b| paths::consumes(b).into_iter().map(str::to_string).collect())
            .unwrap_or_default(),
        parameters,
        responses: Some(Responses { response_code }),
        schemes: vec!["https".into()],
        vendor_extension,
    }
}

fn path_item(item: &OurPathItem) -> PathItem {
    let mut p = PathItem {
        parameters: item.params.iter().map(param).collect(),
        ..Default::default()
    };
    for op in &item.operations {
        let o = Some(operation(op));
        match op.method {
            Method::Get => p.get = o,
            Method::Put => p.put = o,
            Method::Post => p.post = o,
            Method::Delete => p.delete = o,
            Method::Patch => p.patch = o,
        }
    }
    p
}

/// Appends a length-delimited field holding already encoded message bytes.
fn append_field(tag: u32, content: &[u8], out: &mut Vec<u8>) {
    prost::encoding::encode_key(tag, prost::encoding::WireType::LengthDelimited, out);
    prost::encoding::encode_varint(content.len() as u64, out);
    out.extend_from_slice(content);
}

/// Encodes the whole document. Paths and definitions are encoded one at a time (consuming
/// the definitions) rather than built as one message tree, which keeps the peak small.
pub(super) fn encode(
    version: &str,
    items: &[OurPathItem],
    definitions: BTreeMap<String, Value>,
) -> Vec<u8> {
    let head = Document {
        swagger: "2.0".into(),
        info: Some(Info {
            title: "Kubernetes".into(),
            version: version.into(),
        }),
        paths: None,
        definitions: None,
        security: vec![SecurityRequirement {
            additional_properties: vec![NamedStringArray {
                name: "BearerToken".into(),
                value: Some(StringArray::default()),
            }],
        }],
        security_definitions: Some(SecurityDefinitions {
            additional_properties: vec![NamedSecurityDefinitionsItem {
                name: "BearerToken".into(),
                value: Some(SecurityDefinitionsItem {
                    api_key_security: Some(ApiKeySecurity {
                        r#type: "apiKey".into(),
                        name: "authorization".into(),
                        r#in: "header".into(),
                        description: "Bearer token authentication".into(),
                    }),
                }),
            }],
        }),
    };
    // `Paths` field 2 and `Definitions` field 1 are the repeated entries.
    let mut paths = Vec::new();
    for i in items {
        let entry = NamedPathItem {
            name: i.path.clone(),
            value: Some(path_item(i)),
        };
        prost::encoding::message::encode(2, &entry, &mut paths);
    }
    let mut defs = Vec::new();
    for (name, v) in definitions {
        let entry = NamedSchema {
            name,
            value: Some(schema(v)),
        };
        prost::encoding::message::encode(1, &entry, &mut defs);
    }
    let mut out = head.encode_to_vec();
    out.reserve(paths.len() + defs.len() + 16);
    append_field(8, &paths, &mut out);
    drop(paths);
    append_field(9, &defs, &mut out);
    out
}
