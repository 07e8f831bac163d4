//! Bad input against a real `kubicle apiserver`: oversized bodies and objects, malformed JSON,
//! YAML and protobuf, nesting and alias bombs, unknown fields under each `fieldValidation`
//! mode, and the refusal to listen beyond loopback. Every rejected request must leave nothing
//! stored.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use kubicle_e2e::{ApiServer, kubicle_bin};

/// One HTTP/1.1 exchange on a fresh connection: (status, headers, body).
fn http(
    server: &ApiServer,
    method: &str,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> (u16, String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", server.port())).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    // The server may answer (413) before it has read everything; later writes may then fail.
    let _ = s.write_all(body);
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head.to_string(), body.to_string())
}

fn status_of(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not a Status ({e}): {body}"))
}

const CMS: &str = "/api/v1/namespaces/default/configmaps";

fn absent(server: &ApiServer, name: &str) {
    let (code, _, body) = http(
        server,
        "GET",
        &format!("{CMS}/{name}"),
        "application/json",
        b"",
    );
    assert_eq!(code, 404, "{name} must not be stored: {body}");
}

#[test]
fn oversized_requests_get_413() {
    let server = ApiServer::start();
    let big = "x".repeat(2 * 1024 * 1024);
    let obj = format!(r#"{{"metadata":{{"name":"big"}},"data":{{"a":"{big}"}}}}"#);
    let (code, _, body) = http(&server, "POST", CMS, "application/json", obj.as_bytes());
    assert_eq!(code, 413, "{body}");
    assert_eq!(status_of(&body)["reason"], "RequestEntityTooLarge");
    absent(&server, "big");

    let huge = "x".repeat(3 * 1024 * 1024);
    let obj = format!(r#"{{"metadata":{{"name":"huge"}},"data":{{"a":"{huge}"}}}}"#);
    let (code, _, body) = http(&server, "POST", CMS, "application/json", obj.as_bytes());
    assert_eq!(code, 413, "{body}");
    absent(&server, "huge");

    // Just under the object limit is fine.
    let ok = "x".repeat(1024 * 1024);
    let obj = format!(r#"{{"metadata":{{"name":"fits"}},"data":{{"a":"{ok}"}}}}"#);
    let (code, _, body) = http(&server, "POST", CMS, "application/json", obj.as_bytes());
    assert_eq!(code, 201, "{}", &body[..body.len().min(300)]);
}

#[test]
fn malformed_bodies_get_400_quickly() {
    let server = ApiServer::start();
    let deep_json = format!(
        r#"{{"metadata":{{"name":"deep"}},"data":{}}}"#,
        "[".repeat(200_000)
    );
    let alias_bomb = "metadata: {name: bomb}\na: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\nh: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\ni: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]\n";
    let deep_yaml = format!("metadata: {{name: deepy}}\ndata: {}", "[".repeat(500_000));
    let cases: Vec<(&str, &str, Vec<u8>)> = vec![
        (
            "truncated json",
            "application/json",
            br#"{"metadata":{"name":"t""#.to_vec(),
        ),
        ("not an object", "application/json", b"[1,2]".to_vec()),
        (
            "wrong field type",
            "application/json",
            br#"{"metadata":{"name":"w"},"data":{"a":1}}"#.to_vec(),
        ),
        ("deep json", "application/json", deep_json.into_bytes()),
        (
            "bad yaml",
            "application/yaml",
            b"metadata: {name: [unclosed\n".to_vec(),
        ),
        (
            "alias bomb",
            "application/yaml",
            alias_bomb.as_bytes().to_vec(),
        ),
        ("deep yaml", "application/yaml", deep_yaml.into_bytes()),
        (
            "no magic",
            "application/vnd.kubernetes.protobuf",
            b"not protobuf at all".to_vec(),
        ),
        (
            "truncated protobuf",
            "application/vnd.kubernetes.protobuf",
            b"k8s\x00\x0a\xff\xff".to_vec(),
        ),
    ];
    for (what, ct, body) in cases {
        let start = Instant::now();
        let (code, _, resp) = http(&server, "POST", CMS, ct, &body);
        let took = start.elapsed();
        assert_eq!(code, 400, "{what}: {resp}");
        let st = status_of(&resp);
        assert_eq!(st["kind"], "Status", "{what}");
        assert_eq!(st["reason"], "BadRequest", "{what}: {resp}");
        assert!(took < Duration::from_secs(1), "{what} took {took:?}");
    }
    let (code, _, resp) = http(&server, "POST", CMS, "text/plain", b"{}");
    assert_eq!(code, 415, "{resp}");
    for name in ["t", "w", "deep", "bomb", "deepy"] {
        absent(&server, name);
    }
}

#[test]
fn unknown_fields_follow_field_validation() {
    let server = ApiServer::start();
    let body = |name: &str| {
        format!(r#"{{"metadata":{{"name":"{name}","bogus":1}},"data":{{"a":"b"}},"extra":true}}"#)
    };
    let (code, _, resp) = http(
        &server,
        "POST",
        &format!("{CMS}?fieldValidation=Strict"),
        "application/json",
        body("strict").as_bytes(),
    );
    assert_eq!(code, 400, "{resp}");
    let msg = status_of(&resp)["message"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        msg.contains(r#"unknown field "metadata.bogus""#)
            && msg.contains(r#"unknown field "extra""#),
        "{msg}"
    );
    absent(&server, "strict");

    let (code, head, resp) = http(
        &server,
        "POST",
        &format!("{CMS}?fieldValidation=Warn"),
        "application/json",
        body("warn").as_bytes(),
    );
    assert_eq!(code, 201, "{resp}");
    assert!(
        head.to_ascii_lowercase()
            .contains("warning: 299 - \"unknown field \\\"extra\\\"\""),
        "{head}"
    );
    let stored: serde_json::Value = serde_json::from_str(&resp).unwrap();
    assert!(
        stored.get("extra").is_none(),
        "unknown fields are dropped: {resp}"
    );

    let (code, head, resp) = http(
        &server,
        "POST",
        &format!("{CMS}?fieldValidation=Ignore"),
        "application/json",
        body("ignore").as_bytes(),
    );
    assert_eq!(code, 201, "{resp}");
    assert!(!head.to_ascii_lowercase().contains("warning:"), "{head}");

    let (code, _, resp) = http(
        &server,
        "POST",
        &format!("{CMS}?fieldValidation=Loose"),
        "application/json",
        body("loose").as_bytes(),
    );
    assert_eq!(code, 400, "{resp}");
    absent(&server, "loose");
}

#[test]
fn refuses_to_listen_beyond_loopback() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(kubicle_bin())
        .args(["apiserver", "--data-dir"])
        .arg(dir.path())
        .args(["--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refusing to listen"), "{err}");
    let out = std::process::Command::new(kubicle_bin())
        .args(["apiserver", "--data-dir"])
        .arg(dir.path())
        .args(["--listen", "not-an-address"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}
