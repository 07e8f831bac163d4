//! PLACEHOLDER until the selector module lands.
use serde_json::{Map, Value};
#[derive(Debug, thiserror::Error)]
#[error("selectors are not parsed yet")]
pub struct SelectorError;
pub struct LabelSelector;
impl LabelSelector {
    pub fn parse(s: &str) -> Result<Self, SelectorError> {
        if s.is_empty() {
            Ok(LabelSelector)
        } else {
            Err(SelectorError)
        }
    }
    pub fn is_empty(&self) -> bool {
        true
    }
    pub fn matches(&self, _l: Option<&Map<String, Value>>) -> bool {
        true
    }
    pub fn matches_object(&self, _o: &Value) -> bool {
        true
    }
}
pub struct FieldSelector;
impl FieldSelector {
    pub fn parse(s: &str) -> Result<Self, SelectorError> {
        if s.is_empty() {
            Ok(FieldSelector)
        } else {
            Err(SelectorError)
        }
    }
    pub fn is_empty(&self) -> bool {
        true
    }
    pub fn validate_for(&self, _g: &str, _k: &str) -> Result<(), SelectorError> {
        Ok(())
    }
    pub fn matches(&self, _g: &str, _k: &str, _o: &Value) -> bool {
        true
    }
    pub fn exact_name(&self) -> Option<&str> {
        None
    }
}
