//! CEL validation rules of custom resource schemas (`x-kubernetes-validations`): a rule is
//! compiled once when its CRD is loaded and evaluated against each written object with `self`
//! bound to the value at the rule's schema node (and `oldSelf` for transition rules).

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::Value;

/// Why a rule could not be loaded.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RuleError {
    #[error("rule is missing")]
    Missing,
    #[error("compilation failed: {0}")]
    Compile(String),
    #[error("messageExpression compilation failed: {0}")]
    MessageCompile(String),
    #[error(
        "reason must be one of FieldValueInvalid, FieldValueForbidden, FieldValueRequired, FieldValueDuplicate"
    )]
    Reason,
}

/// One `x-kubernetes-validations` entry.
pub struct Rule {
    pub rule: String,
    pub message: Option<String>,
    pub field_path: Option<String>,
    pub reason: &'static str,
    /// The rule reads `oldSelf`: it runs only on updates with an old value.
    pub transition: bool,
    pub optional_old_self: bool,
    program: cel::Program,
    message_expression: Option<cel::Program>,
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rule").field("rule", &self.rule).finish()
    }
}

/// The result of evaluating a rule.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    /// The rule evaluated to false: the message to report.
    Fail(String),
    /// The rule could not be evaluated (a missing field, a type error).
    Error(String),
}

fn compile(src: &str) -> Result<cel::Program, String> {
    // The parser may panic on some malformed inputs; treat that as a compile error.
    let src = src.to_string();
    std::panic::catch_unwind(move || cel::Program::compile(&src))
        .map_err(|_| "the expression could not be parsed".to_string())?
        .map_err(|e| e.to_string().lines().next().unwrap_or("").to_string())
}

impl Rule {
    /// Loads a rule from its schema JSON.
    pub fn parse(v: &Value) -> Result<Rule, RuleError> {
        let rule = v
            .get("rule")
            .and_then(Value::as_str)
            .filter(|r| !r.trim().is_empty())
            .ok_or(RuleError::Missing)?
            .to_string();
        let program = compile(&rule).map_err(RuleError::Compile)?;
        let transition = program.references().variables().contains(&"oldSelf");
        let message_expression = match v.get("messageExpression").and_then(Value::as_str) {
            Some(m) if !m.trim().is_empty() => Some(compile(m).map_err(RuleError::MessageCompile)?),
            _ => None,
        };
        let reason = match v.get("reason").and_then(Value::as_str) {
            None | Some("") | Some("FieldValueInvalid") => "FieldValueInvalid",
            Some("FieldValueForbidden") => "FieldValueForbidden",
            Some("FieldValueRequired") => "FieldValueRequired",
            Some("FieldValueDuplicate") => "FieldValueDuplicate",
            Some(_) => return Err(RuleError::Reason),
        };
        Ok(Rule {
            message: v
                .get("message")
                .and_then(Value::as_str)
                .filter(|m| !m.is_empty())
                .map(String::from),
            field_path: v
                .get("fieldPath")
                .and_then(Value::as_str)
                .filter(|m| !m.is_empty())
                .map(String::from),
            optional_old_self: v.get("optionalOldSelf") == Some(&Value::Bool(true)),
            reason,
            transition,
            rule,
            program,
            message_expression,
        })
    }

    /// Evaluates the rule. A transition rule without an old value passes (it only constrains
    /// changes), unless it asked for an optional `oldSelf`.
    pub fn evaluate(&self, this: &Value, old: Option<&Value>) -> Outcome {
        if self.transition && old.is_none() && !self.optional_old_self {
            return Outcome::Pass;
        }
        let mut ctx = cel::Context::default();
        ctx.add_variable_from_value("self", to_cel(this));
        if self.transition {
            ctx.add_variable_from_value("oldSelf", old.map(to_cel).unwrap_or(cel::Value::Null));
        }
        match self.program.execute(&ctx) {
            Ok(cel::Value::Bool(true)) => Outcome::Pass,
            Ok(cel::Value::Bool(false)) => Outcome::Fail(self.failure_message(&ctx)),
            Ok(other) => Outcome::Error(format!(
                "rule did not evaluate to a boolean but to {:?}",
                other.type_of()
            )),
            Err(e) => Outcome::Error(e.to_string()),
        }
    }

    fn failure_message(&self, ctx: &cel::Context) -> String {
        if let Some(p) = &self.message_expression
            && let Ok(cel::Value::String(s)) = p.execute(ctx)
            && !s.trim().is_empty()
            && !s.contains('\n')
        {
            return s.to_string();
        }
        match &self.message {
            Some(m) => m.clone(),
            None => format!("failed rule: {}", self.rule),
        }
    }
}

/// A JSON value as CEL sees it: integers are `int`, objects are maps with string keys.
pub fn to_cel(v: &Value) -> cel::Value {
    match v {
        Value::Null => cel::Value::Null,
        Value::Bool(b) => cel::Value::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                cel::Value::Int(i)
            } else if let Some(u) = n.as_u64() {
                cel::Value::UInt(u)
            } else {
                cel::Value::Float(n.as_f64().unwrap_or(0.0))
            }
        }
        Value::String(s) => cel::Value::String(Arc::new(s.clone())),
        Value::Array(a) => cel::Value::List(Arc::new(a.iter().map(to_cel).collect())),
        Value::Object(m) => {
            let map: HashMap<String, cel::Value> =
                m.iter().map(|(k, v)| (k.clone(), to_cel(v))).collect();
            map.into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rule(v: Value) -> Rule {
        Rule::parse(&v).unwrap()
    }

    #[test]
    fn rules_pass_and_fail_with_their_messages() {
        let r = rule(
            json!({"rule": "self.replicas <= self.maxReplicas", "message": "replicas must not exceed maxReplicas"}),
        );
        assert_eq!(
            r.evaluate(&json!({"replicas": 2, "maxReplicas": 3}), None),
            Outcome::Pass
        );
        assert_eq!(
            r.evaluate(&json!({"replicas": 4, "maxReplicas": 3}), None),
            Outcome::Fail("replicas must not exceed maxReplicas".into())
        );
        let r = rule(json!({"rule": "self.name.startsWith('a')"}));
        assert_eq!(
            r.evaluate(&json!({"name": "b"}), None),
            Outcome::Fail("failed rule: self.name.startsWith('a')".into())
        );
        let r = rule(
            json!({"rule": "size(self) < 3", "messageExpression": "'too many: ' + string(size(self))"}),
        );
        assert_eq!(
            r.evaluate(&json!([1, 2, 3]), None),
            Outcome::Fail("too many: 3".into())
        );
    }

    #[test]
    fn transition_rules_see_the_old_value() {
        let r = rule(json!({"rule": "self == oldSelf", "message": "immutable"}));
        assert!(r.transition);
        assert_eq!(r.evaluate(&json!("a"), None), Outcome::Pass);
        assert_eq!(r.evaluate(&json!("a"), Some(&json!("a"))), Outcome::Pass);
        assert_eq!(
            r.evaluate(&json!("b"), Some(&json!("a"))),
            Outcome::Fail("immutable".into())
        );
    }

    #[test]
    fn bad_rules_are_refused() {
        assert!(matches!(
            Rule::parse(&json!({"rule": "self.a +"})),
            Err(RuleError::Compile(_))
        ));
        assert_eq!(
            Rule::parse(&json!({"message": "x"})).unwrap_err(),
            RuleError::Missing
        );
        let r = rule(json!({"rule": "self.missing > 1"}));
        assert!(matches!(r.evaluate(&json!({}), None), Outcome::Error(_)));
    }
}
