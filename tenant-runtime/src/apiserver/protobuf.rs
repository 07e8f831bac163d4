//! PLACEHOLDER until the protobuf module lands.
#[derive(Debug, thiserror::Error)]
#[error("protobuf bodies are not decoded yet")]
pub struct ProtobufError;
pub fn decode(_body: &[u8]) -> Result<serde_json::Value, ProtobufError> {
    Err(ProtobufError)
}
