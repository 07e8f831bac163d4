//! Service addresses with real kubectl 1.37 against one `kubicle apiserver`: cluster IPs from
//! the service range (10.96.0.0/12) and node ports from 30000-32767, as users expect them.
//!
//! - the `default/kubernetes` Service holds the first address, 10.96.0.1;
//! - `create service clusterip` and `expose deployment` get an address in the range, which
//!   `get svc` prints;
//! - an address or node port already taken, or outside its range, is refused (422);
//! - headless Services keep `None`; NodePort Services get node ports, requested ones honoured;
//! - a deleted Service's address and node port can be taken again;
//! - `apply` (client-side and server-side) leaves the allocated address alone: `diff` is empty,
//!   a second apply changes nothing, no manager owns `clusterIP`; changing it is refused;
//! - a server-side dry run shows an address and keeps none;
//! - after a restart every address is where it was and still taken.

use std::net::Ipv4Addr;

use kubicle_e2e::{ApiServer, CmdOutput, Kubectl, parse_table};
use serde_json::Value;

const SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  name: applied
spec:
  selector:
    app: applied
  ports:
  - name: http
    port: 80
    targetPort: 8080
";

fn in_range(ip: &str) -> bool {
    let Ok(ip) = ip.parse::<Ipv4Addr>() else {
        return false;
    };
    let n = u32::from(ip);
    let base = u32::from(Ipv4Addr::new(10, 96, 0, 0));
    n > base + 1 && n < base + (1 << 20) - 1
}

fn get(k: &Kubectl, name: &str) -> Value {
    k.run(&["get", "svc", name, "-o", "json"]).ok().json()
}

fn cluster_ip(k: &Kubectl, name: &str) -> String {
    get(k, name)["spec"]["clusterIP"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[track_caller]
fn refused(out: CmdOutput, text: &str) {
    let out = out.fails();
    assert!(out.stderr.contains(text), "want {text:?}\n{out}");
}

#[test]
fn services_kubectl_1_37() {
    let mut server = ApiServer::start();
    let k = server.kubectl("1.37");

    // The API server's own Service.
    let kube = get(&k, "kubernetes");
    assert_eq!(kube["spec"]["clusterIP"], "10.96.0.1", "{kube:#}");
    assert_eq!(kube["spec"]["ports"][0]["port"], 443, "{kube:#}");

    // Created by hand and by expose: an address in the range, printed by `get svc`.
    k.run(&["create", "service", "clusterip", "web", "--tcp=80:8080"])
        .ok();
    let web_ip = cluster_ip(&k, "web");
    assert!(in_range(&web_ip), "{web_ip}");
    let web = get(&k, "web");
    assert_eq!(web["spec"]["clusterIPs"][0], web_ip.as_str());
    assert_eq!(web["spec"]["ipFamilies"][0], "IPv4");
    assert_eq!(web["spec"]["ipFamilyPolicy"], "SingleStack");
    k.run(&[
        "create",
        "deployment",
        "app",
        "--image=nginx:1.27",
        "--port=80",
    ])
    .ok();
    let out = k
        .run(&[
            "expose",
            "deployment",
            "app",
            "--port=80",
            "--target-port=8080",
        ])
        .ok();
    assert!(out.stdout.contains("service/app exposed"), "{out}");
    let app_ip = cluster_ip(&k, "app");
    assert!(in_range(&app_ip) && app_ip != web_ip, "{app_ip} {web_ip}");
    let out = k.run(&["get", "svc"]).ok();
    let table = parse_table(&out.stdout);
    for (name, ip) in [
        ("web", &web_ip),
        ("app", &app_ip),
        ("kubernetes", &"10.96.0.1".to_string()),
    ] {
        let row = table
            .row("NAME", name)
            .unwrap_or_else(|| panic!("no row {name}\n{out}"));
        assert_eq!(row["CLUSTER-IP"], *ip, "{out}");
    }

    // Taken or out of range: refused with the field and the reason.
    refused(
        k.run(&[
            "create",
            "service",
            "clusterip",
            "dup",
            "--tcp=80",
            &format!("--clusterip={web_ip}"),
        ]),
        "provided IP is already allocated",
    );
    refused(
        k.run(&[
            "create",
            "service",
            "clusterip",
            "far",
            "--tcp=80",
            "--clusterip=10.200.0.5",
        ]),
        "is not in the valid range. The range of valid IPs is 10.96.0.0/12",
    );
    k.run(&[
        "create",
        "service",
        "clusterip",
        "fixed",
        "--tcp=53",
        "--clusterip=10.96.0.10",
    ])
    .ok();
    assert_eq!(cluster_ip(&k, "fixed"), "10.96.0.10");

    // Headless: nothing allocated.
    k.run(&["create", "service", "clusterip", "hl", "--clusterip=None"])
        .ok();
    assert_eq!(cluster_ip(&k, "hl"), "None");
    let out = k.run(&["get", "svc", "hl"]).ok();
    let table = parse_table(&out.stdout);
    assert_eq!(
        table.row("NAME", "hl").unwrap()["CLUSTER-IP"],
        "None",
        "{out}"
    );

    // NodePort.
    k.run(&[
        "create",
        "service",
        "nodeport",
        "np",
        "--tcp=80",
        "--node-port=30080",
    ])
    .ok();
    let np = get(&k, "np");
    assert_eq!(np["spec"]["ports"][0]["nodePort"], 30080, "{np:#}");
    assert!(in_range(np["spec"]["clusterIP"].as_str().unwrap_or("")));
    let out = k.run(&["get", "svc", "np"]).ok();
    assert!(out.stdout.contains("80:30080/TCP"), "{out}");
    refused(
        k.run(&[
            "create",
            "service",
            "nodeport",
            "np2",
            "--tcp=80",
            "--node-port=30080",
        ]),
        "spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated",
    );
    refused(
        k.run(&[
            "create",
            "service",
            "nodeport",
            "np2",
            "--tcp=80",
            "--node-port=8080",
        ]),
        "The range of valid ports is 30000-32767",
    );
    k.run(&["create", "service", "nodeport", "np3", "--tcp=80"])
        .ok();
    let port = get(&k, "np3")["spec"]["ports"][0]["nodePort"]
        .as_i64()
        .unwrap_or(0);
    assert!((30000..=32767).contains(&port) && port != 30080, "{port}");

    // Delete, then reuse.
    k.run(&["delete", "svc", "np", "web"]).ok();
    k.run(&[
        "create",
        "service",
        "nodeport",
        "np2",
        "--tcp=80",
        "--node-port=30080",
    ])
    .ok();
    k.run(&[
        "create",
        "service",
        "clusterip",
        "web2",
        "--tcp=80",
        &format!("--clusterip={web_ip}"),
    ])
    .ok();

    // Client-side and server-side apply leave the address alone.
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("svc.yaml");
    std::fs::write(&file, SERVICE).expect("write the manifest");
    let file = file.display().to_string();
    k.run(&["apply", "-f", &file]).ok();
    let applied_ip = cluster_ip(&k, "applied");
    assert!(in_range(&applied_ip), "{applied_ip}");
    let out = k.run(&["diff", "-f", &file]);
    assert_eq!(out.code, Some(0), "no difference expected\n{out}");
    let out = k.run(&["apply", "-f", &file]).ok();
    assert!(out.stdout.contains("unchanged"), "{out}");
    k.run(&["apply", "--server-side", "--force-conflicts", "-f", &file])
        .ok();
    let out = k.run(&["diff", "--server-side", "--force-conflicts", "-f", &file]);
    assert_eq!(out.code, Some(0), "no difference expected\n{out}");
    let v = k
        .run(&[
            "get",
            "svc",
            "applied",
            "-o",
            "json",
            "--show-managed-fields",
        ])
        .ok()
        .json();
    assert_eq!(v["spec"]["clusterIP"], applied_ip.as_str());
    let managed = v["metadata"]["managedFields"].to_string();
    assert!(managed.contains("f:selector"), "{managed}");
    assert!(!managed.contains("f:clusterIP"), "{managed}");
    refused(
        k.run(&[
            "patch",
            "svc",
            "applied",
            "-p",
            r#"{"spec":{"clusterIP":"10.96.7.7"}}"#,
        ]),
        "field is immutable",
    );

    // A dry run shows an address and keeps none.
    let out = k
        .run(&[
            "create",
            "service",
            "clusterip",
            "dry",
            "--tcp=80",
            "--clusterip=10.96.0.77",
            "--dry-run=server",
            "-o",
            "json",
        ])
        .ok();
    assert_eq!(out.json()["spec"]["clusterIP"], "10.96.0.77", "{out}");
    k.run(&["get", "svc", "dry"]).fails();
    k.run(&[
        "create",
        "service",
        "clusterip",
        "wet",
        "--tcp=80",
        "--clusterip=10.96.0.77",
    ])
    .ok();

    // A restart keeps every address, still taken.
    server.restart();
    let k = server.kubectl("1.37");
    assert_eq!(cluster_ip(&k, "web2"), web_ip);
    assert_eq!(cluster_ip(&k, "applied"), applied_ip);
    assert_eq!(cluster_ip(&k, "kubernetes"), "10.96.0.1");
    assert_eq!(get(&k, "np2")["spec"]["ports"][0]["nodePort"], 30080);
    refused(
        k.run(&[
            "create",
            "service",
            "clusterip",
            "dup",
            "--tcp=80",
            &format!("--clusterip={applied_ip}"),
        ]),
        "provided IP is already allocated",
    );
    refused(
        k.run(&[
            "create",
            "service",
            "nodeport",
            "np4",
            "--tcp=80",
            "--node-port=30080",
        ]),
        "provided port is already allocated",
    );
    let out = k.run(&["get", "svc", "-A", "-o", "name"]).ok();
    let kubes = out
        .lines()
        .iter()
        .filter(|l| **l == "service/kubernetes")
        .count();
    assert_eq!(kubes, 1, "{out}");
}
