//! PLACEHOLDER until the validation module lands.
pub struct Cause {
    pub field: String,
    pub reason: &'static str,
    pub message: String,
}
pub fn validate_metadata(_g: &str, _k: &str, _n: bool, obj: &serde_json::Value) -> Vec<Cause> {
    if obj["metadata"]["name"]
        .as_str()
        .is_none_or(|s| s.is_empty())
    {
        return vec![Cause {
            field: "metadata.name".into(),
            reason: "FieldValueRequired",
            message: "Required value: name or generateName is required".into(),
        }];
    }
    vec![]
}
