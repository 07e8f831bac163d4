//! Server-side apply and dry runs through kube-rs: `Patch::Apply` creating and updating,
//! conflicts between field managers and `force`, apply to `/status`, and `dryRun=All` on
//! every write verb storing nothing (no new resourceVersion).

use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::ConfigMap;
use kube::api::{DeleteParams, ListParams, Patch, PatchParams, PostParams};
use kube::{Api, Client, Config};
use kubicle_e2e::ApiServer;
use serde_json::json;

fn client_for(server: &ApiServer) -> Client {
    let mut config = Config::new(server.url().parse().expect("the server url is a uri"));
    config.default_retry = false;
    Client::try_from(config).expect("build a kube client")
}

fn status_of(e: kube::Error) -> kube::core::Status {
    match e {
        kube::Error::Api(s) => *s,
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn apply_creates_updates_and_conflicts() {
    let server = ApiServer::start();
    let client = client_for(&server);
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    let cfg = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1", "b": "2"}});
    let created = cms
        .patch("c", &PatchParams::apply("first"), &Patch::Apply(&cfg))
        .await
        .expect("apply creates");
    let mf = created.metadata.managed_fields.clone().unwrap_or_default();
    assert_eq!(mf.len(), 1);
    assert_eq!(mf[0].manager.as_deref(), Some("first"));
    assert_eq!(mf[0].operation.as_deref(), Some("Apply"));

    // Apply without a field manager is refused.
    let no_manager = cms
        .patch("c", &PatchParams::default(), &Patch::Apply(&cfg))
        .await
        .expect_err("fieldManager is required");
    assert_eq!(status_of(no_manager).code, 400);

    let other = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "x"}});
    let err = cms
        .patch("c", &PatchParams::apply("second"), &Patch::Apply(&other))
        .await
        .expect_err("a conflict");
    let st = status_of(err);
    assert_eq!(st.code, 409);
    assert_eq!(st.reason, "Conflict");
    assert!(st.message.contains("\"first\""), "{}", st.message);
    let causes = st.details.expect("details").causes;
    assert_eq!(causes.len(), 1);
    assert_eq!(causes[0].reason, "FieldManagerConflict");
    assert_eq!(causes[0].field, ".data.a");

    let forced = cms
        .patch(
            "c",
            &PatchParams::apply("second").force(),
            &Patch::Apply(&other),
        )
        .await
        .expect("force takes ownership");
    assert_eq!(forced.data.unwrap()["a"], "x");

    // "first" stops applying b: nobody else owns it, so it goes.
    let less = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "x"}});
    let after = cms
        .patch("c", &PatchParams::apply("first"), &Patch::Apply(&less))
        .await
        .expect("shared value, no conflict");
    let data = after.data.unwrap();
    assert_eq!(data.get("b"), None);
    assert_eq!(data["a"], "x");

    // An update by another client takes the fields it changes.
    let merge = json!({"data": {"a": "edited"}});
    let edited = cms
        .patch(
            "c",
            &PatchParams {
                field_manager: Some("editor".into()),
                ..Default::default()
            },
            &Patch::Merge(&merge),
        )
        .await
        .unwrap();
    let entries = edited.metadata.managed_fields.unwrap_or_default();
    let editor = entries
        .iter()
        .find(|e| e.manager.as_deref() == Some("editor"))
        .expect("an Update entry for the editor");
    assert_eq!(editor.operation.as_deref(), Some("Update"));
    let fields = serde_json::to_value(&editor.fields_v1).unwrap();
    assert!(fields.pointer("/f:data/f:a").is_some(), "{fields}");
}

#[tokio::test]
async fn apply_to_status() {
    let server = ApiServer::start();
    let client = client_for(&server);
    let deployments: Api<Deployment> = Api::namespaced(client.clone(), "default");
    let d = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
        "spec": {"selector": {"matchLabels": {"a": "b"}}, "template": {"metadata": {"labels": {"a": "b"}}, "spec": {"containers": [{"name": "c", "image": "i"}]}}}});
    deployments
        .patch("d", &PatchParams::apply("owner"), &Patch::Apply(&d))
        .await
        .unwrap();
    let status = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"}, "status": {"replicas": 3, "observedGeneration": 1}});
    let out = deployments
        .patch_status(
            "d",
            &PatchParams::apply("controller"),
            &Patch::Apply(&status),
        )
        .await
        .expect("status apply");
    assert_eq!(out.status.unwrap().replicas, Some(3));
    let entries = out.metadata.managed_fields.unwrap_or_default();
    let ctl = entries
        .iter()
        .find(|e| e.manager.as_deref() == Some("controller"))
        .expect("the controller's entry");
    assert_eq!(ctl.subresource.as_deref(), Some("status"));
}

#[tokio::test]
async fn dry_run_stores_nothing() {
    let server = ApiServer::start();
    let client = client_for(&server);
    let cms: Api<ConfigMap> = Api::namespaced(client.clone(), "default");
    let rv = || async {
        cms.list(&ListParams::default())
            .await
            .unwrap()
            .metadata
            .resource_version
            .unwrap()
    };
    let cm: ConfigMap =
        serde_json::from_value(json!({"metadata": {"name": "c"}, "data": {"a": "1"}})).unwrap();
    let dry = PostParams {
        dry_run: true,
        ..Default::default()
    };
    let before = rv().await;
    let out = cms.create(&dry, &cm).await.expect("dry-run create");
    assert_eq!(out.data.unwrap()["a"], "1");
    assert!(cms.get_opt("c").await.unwrap().is_none(), "not created");
    let cfg = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "1"}});
    cms.patch("c", &PatchParams::apply("m").dry_run(), &Patch::Apply(&cfg))
        .await
        .expect("dry-run apply that would create");
    assert!(cms.get_opt("c").await.unwrap().is_none(), "not created");
    assert_eq!(rv().await, before);

    cms.create(&PostParams::default(), &cm).await.unwrap();
    let before = rv().await;
    let merge = json!({"data": {"a": "2"}});
    let out = cms
        .patch(
            "c",
            &PatchParams::default().dry_run(),
            &Patch::Merge(&merge),
        )
        .await
        .unwrap();
    assert_eq!(out.data.unwrap()["a"], "2", "the would-be result");
    let applied = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"a": "3"}});
    let out = cms
        .patch(
            "c",
            &PatchParams::apply("m").dry_run().force(),
            &Patch::Apply(&applied),
        )
        .await
        .unwrap();
    assert_eq!(out.data.unwrap()["a"], "3");
    let mut replaced = cms.get("c").await.unwrap();
    replaced.data = Some([("a".to_string(), "4".to_string())].into());
    cms.replace("c", &dry, &replaced).await.unwrap();
    cms.delete(
        "c",
        &DeleteParams {
            dry_run: true,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    cms.delete_collection(
        &DeleteParams {
            dry_run: true,
            ..Default::default()
        },
        &ListParams::default(),
    )
    .await
    .unwrap();
    assert_eq!(rv().await, before, "nothing was written");
    assert_eq!(cms.get("c").await.unwrap().data.unwrap()["a"], "1");

    // Unknown dryRun values are refused.
    let body = r#"{"metadata":{"name":"x"}}"#;
    let request = format!(
        "POST /api/v1/namespaces/default/configmaps?dryRun=Some HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let port = server.port();
    let answer = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let mut sock = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        sock.write_all(request.as_bytes()).unwrap();
        let mut out = String::new();
        sock.read_to_string(&mut out).unwrap();
        out
    })
    .await
    .unwrap();
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(cms.get_opt("x").await.unwrap().is_none());
}
