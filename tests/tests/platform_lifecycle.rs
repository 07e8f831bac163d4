//! Control-plane lifecycle under `kubicle server`: an idle cluster sleeps (its process exits)
//! and the next kubectl call wakes it with its data intact; a control plane killed with
//! SIGKILL is replaced on the next request; a restart of `kubicle server` (SIGTERM, then a new
//! start on the same data dir) keeps every cluster and its objects and leaves no control plane
//! behind; a SIGKILLed server's control planes exit on their own. A server that died mid-way
//! leaves clusters Provisioning or Deleting and empty cgroups: the next start provisions the
//! first again (or marks them Failed), finishes deleting the second and removes the cgroups.

use std::process::Command;
use std::time::{Duration, Instant};

use kubicle_e2e::platform::{
    Backend, PlatformOptions, PlatformServer, eventually, kubeconfig_token, unique_email,
};

fn w(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

fn kill9(pid: u32) {
    let status = Command::new("kill")
        .args(["-KILL", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success(), "kill -9 {pid} failed");
}

#[test]
fn idle_cluster_sleeps_and_wakes_sqlite() {
    sleep_and_wake(Backend::Sqlite, "idle_cluster_sleeps_and_wakes_sqlite");
}

#[test]
fn idle_cluster_sleeps_and_wakes_postgres() {
    sleep_and_wake(Backend::Postgres, "idle_cluster_sleeps_and_wakes_postgres");
}

fn sleep_and_wake(backend: Backend, test: &str) {
    let options = PlatformOptions {
        idle_timeout: Some(Duration::from_secs(1)),
        ..Default::default()
    };
    let Some(server) = PlatformServer::start_on(backend, test, options) else {
        return;
    };
    let (_, session) = server.signup(&unique_email("sleep"));
    let cluster = server.create_cluster(&session, "sleepy", true);
    let id = cluster["id"].as_str().unwrap().to_string();
    let kubeconfig = server.kubeconfig(&session, &id);
    let k = server.kubectl("1.37", &kubeconfig);
    k.run(&w("create configmap before-sleep --from-literal=k=v"))
        .ok();

    for round in 1..=2 {
        // Asleep: the process is gone and the REST status says so.
        let started = Instant::now();
        assert!(
            eventually(Duration::from_secs(20), || server
                .cluster_pids(&id)
                .is_empty()),
            "round {round}: the control plane of {id} still runs {:?} after 20 s with \
             --idle-timeout 1s: {:?}",
            started.elapsed(),
            server.cluster_pids(&id)
        );
        let mut last = serde_json::Value::Null;
        assert!(
            eventually(Duration::from_secs(5), || {
                last = server.cluster(&session, &id);
                last["status"] == "Sleeping"
            }),
            "round {round}: the control plane exited but the REST status is {}",
            last["status"]
        );

        // The next kubectl call wakes it transparently and sees the earlier object.
        let woke = Instant::now();
        let out = k
            .run(&w("get configmap before-sleep -o jsonpath={.data.k}"))
            .ok();
        assert_eq!(out.stdout.trim(), "v", "{out}");
        eprintln!("round {round}: woke and answered in {:?}", woke.elapsed());
        k.run(&w(&format!(
            "create configmap after-wake-{round} --from-literal=round={round}"
        )))
        .ok();
    }
    let out = k.run(&w("get configmap -o name")).ok();
    for name in [
        "configmap/before-sleep",
        "configmap/after-wake-1",
        "configmap/after-wake-2",
    ] {
        assert!(out.lines().contains(&name), "no {name}\n{out}");
    }

    // A sleeping cluster can be deleted: its folder goes and its kubeconfig stops working.
    assert!(
        eventually(Duration::from_secs(20), || server
            .cluster_pids(&id)
            .is_empty()),
        "the control plane did not go back to sleep"
    );
    server
        .rest(
            "DELETE",
            &format!("/api/v1/clusters/{id}?wait=true"),
            Some(&session),
            None,
        )
        .expect_status(204);
    assert!(
        !server.cluster_dir(&id).exists(),
        "DATA_DIR/clusters/{id} still exists after deleting the sleeping cluster"
    );
    let r = server.rest(
        "GET",
        &format!("/k8s/{id}/api"),
        Some(&kubeconfig_token(&kubeconfig)),
        None,
    );
    assert_eq!(r.status, 401, "{r}");
    assert!(
        server.cluster_pids(&id).is_empty(),
        "the deleted cluster was woken: {:?}",
        server.cluster_pids(&id)
    );
}

#[test]
fn killed_control_plane_is_replaced_sqlite() {
    kill_control_plane(Backend::Sqlite, "killed_control_plane_is_replaced_sqlite");
}

#[test]
fn killed_control_plane_is_replaced_postgres() {
    kill_control_plane(
        Backend::Postgres,
        "killed_control_plane_is_replaced_postgres",
    );
}

fn kill_control_plane(backend: Backend, test: &str) {
    let Some(server) = PlatformServer::start_on(backend, test, PlatformOptions::default()) else {
        return;
    };
    let (_, session) = server.signup(&unique_email("kill"));
    let cluster = server.create_cluster(&session, "crashy", true);
    let id = cluster["id"].as_str().unwrap().to_string();
    let kubeconfig = server.kubeconfig(&session, &id);
    let k = server.kubectl("1.37", &kubeconfig);
    k.run(&w("create configmap survivor --from-literal=k=v"))
        .ok();

    for round in 1..=2 {
        let pids = server.cluster_pids(&id);
        assert_eq!(
            pids.len(),
            1,
            "round {round}: expected one control plane for {id}, found {pids:?}"
        );
        kill9(pids[0]);
        assert!(
            eventually(Duration::from_secs(5), || !server
                .cluster_pids(&id)
                .contains(&pids[0])),
            "round {round}: pid {} survived kill -9",
            pids[0]
        );
        let started = Instant::now();
        let out = k
            .run(&w("get configmap survivor -o jsonpath={.data.k}"))
            .ok();
        assert_eq!(out.stdout.trim(), "v", "{out}");
        eprintln!(
            "round {round}: first request after kill -9 answered in {:?}",
            started.elapsed()
        );
        let now = server.cluster_pids(&id);
        assert_eq!(now.len(), 1, "round {round}: control planes now {now:?}");
        assert_ne!(now[0], pids[0]);
        k.run(&w(&format!("create configmap after-kill-{round}")))
            .ok();
    }
}

#[test]
fn server_restart_keeps_clusters_sqlite() {
    server_restart(Backend::Sqlite, "server_restart_keeps_clusters_sqlite");
}

#[test]
fn server_restart_keeps_clusters_postgres() {
    server_restart(Backend::Postgres, "server_restart_keeps_clusters_postgres");
}

fn server_restart(backend: Backend, test: &str) {
    let Some(mut server) = PlatformServer::start_on(backend, test, PlatformOptions::default())
    else {
        return;
    };
    let (_, session) = server.signup(&unique_email("restart"));
    let (_, api_token) = server.create_api_token(&session, "ci");
    let mut clusters = Vec::new();
    for name in ["one", "two"] {
        let c = server.create_cluster(&session, name, true);
        let id = c["id"].as_str().unwrap().to_string();
        let kubeconfig = server.kubeconfig(&session, &id);
        let k = server.kubectl("1.37", &kubeconfig);
        k.run(&w(&format!(
            "create configmap in-{name} --from-literal=k={name}"
        )))
        .ok();
        assert!(
            !server.cluster_pids(&id).is_empty(),
            "{name}: no control plane runs right after a request"
        );
        clusters.push((name, id, kubeconfig));
    }

    // SIGTERM: exit 0 and every control plane stopped.
    let status = server
        .terminate(Duration::from_secs(20))
        .expect("kubicle server did not exit within 20 s of SIGTERM");
    assert!(
        status.success(),
        "kubicle server exited with {status} after SIGTERM"
    );
    let left = server.all_control_plane_pids();
    assert!(
        left.is_empty()
            || eventually(Duration::from_secs(2), || server
                .all_control_plane_pids()
                .is_empty()),
        "control planes left behind after SIGTERM: {left:?}"
    );

    server.restart();
    check_survivors(&server, &session, &api_token, &clusters, "after SIGTERM");

    // SIGKILL of the server: its control planes exit by themselves (stdin EOF).
    assert!(!server.all_control_plane_pids().is_empty());
    server.kill9();
    assert!(
        eventually(Duration::from_secs(10), || server
            .all_control_plane_pids()
            .is_empty()),
        "control planes outlived a SIGKILLed kubicle server: {:?}",
        server.all_control_plane_pids()
    );
    server.restart();
    check_survivors(&server, &session, &api_token, &clusters, "after SIGKILL");
}

fn check_survivors(
    server: &PlatformServer,
    session: &str,
    api_token: &str,
    clusters: &[(&str, String, std::path::PathBuf)],
    when: &str,
) {
    // The old session token, API token and kubeconfigs still work.
    let list = server
        .rest("GET", "/api/v1/clusters", Some(api_token), None)
        .expect_status(200)
        .json();
    for (name, id, kubeconfig) in clusters {
        let listed = list["items"]
            .as_array()
            .and_then(|items| items.iter().find(|c| c["id"] == id.as_str()))
            .unwrap_or_else(|| panic!("{when}: {name} is not listed: {list}"));
        assert!(
            listed["status"] == "Ready" || listed["status"] == "Sleeping",
            "{when}: {name} has status {}",
            listed["status"]
        );
        let one = server.cluster(session, name);
        assert_eq!(one["id"], id.as_str());
        let k = server.kubectl("1.37", kubeconfig);
        let out = k
            .run(&w(&format!(
                "get configmap in-{name} -o jsonpath={{.data.k}}"
            )))
            .ok();
        assert_eq!(out.stdout.trim(), *name, "{when}\n{out}");
        let r = server.rest(
            "GET",
            &format!("/k8s/{id}/api/v1/namespaces/default/configmaps/in-{name}"),
            Some(&kubeconfig_token(kubeconfig)),
            None,
        );
        assert_eq!(r.status, 200, "{when}\n{r}");
        k.run(&w(&format!(
            "create configmap {}-{name}",
            when.replace(' ', "-").to_lowercase()
        )))
        .ok();
    }
}

/// Many requests at once to a sleeping cluster: all answered, by one control plane.
#[test]
fn concurrent_requests_wake_one_control_plane() {
    let server = PlatformServer::start(PlatformOptions {
        idle_timeout: Some(Duration::from_secs(1)),
        ..Default::default()
    });
    let (_, session) = server.signup(&unique_email("herd"));
    let id = server.create_cluster(&session, "herd", true)["id"]
        .as_str()
        .unwrap()
        .to_string();
    let token = kubeconfig_token(&server.kubeconfig(&session, &id));
    for round in 1..=2 {
        assert!(
            eventually(Duration::from_secs(20), || server
                .cluster_pids(&id)
                .is_empty()),
            "round {round}: the cluster did not fall asleep"
        );
        let statuses: Vec<u16> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..12)
                .map(|_| {
                    s.spawn(|| {
                        server
                            .rest(
                                "GET",
                                &format!("/k8s/{id}/api/v1/namespaces"),
                                Some(&token),
                                None,
                            )
                            .status
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(
            statuses.iter().all(|s| *s == 200),
            "round {round}: concurrent requests to a sleeping cluster: {statuses:?}"
        );
        let pids = server.cluster_pids(&id);
        assert!(
            pids.len() <= 1,
            "round {round}: more than one control plane for one cluster: {pids:?}"
        );
    }
}

/// An open watch is activity: the cluster does not sleep under it, and the watch keeps
/// delivering events past the idle timeout.
#[test]
fn open_watch_keeps_the_cluster_awake() {
    let server = PlatformServer::start(PlatformOptions {
        idle_timeout: Some(Duration::from_secs(1)),
        ..Default::default()
    });
    let (_, session) = server.signup(&unique_email("watch"));
    let id = server.create_cluster(&session, "watched", true)["id"]
        .as_str()
        .unwrap()
        .to_string();
    let kubeconfig = server.kubeconfig(&session, &id);
    let k = server.kubectl("1.37", &kubeconfig);
    k.run(&w("create configmap before-watch")).ok();
    let mut watch = k.spawn(&w("get configmaps -w -o name"));
    assert!(
        watch.wait_until(Duration::from_secs(20), |out| out
            .contains("configmap/before-watch")),
        "the watch printed nothing: {}",
        watch.stderr()
    );
    std::thread::sleep(Duration::from_secs(4));
    assert!(
        !server.cluster_pids(&id).is_empty(),
        "the control plane went to sleep under an open watch"
    );
    k.run(&w("create configmap seen-by-watch")).ok();
    assert!(
        watch.wait_until(Duration::from_secs(10), |out| out
            .contains("configmap/seen-by-watch")),
        "the watch did not see a create made {}s after it started (idle timeout 1 s)\n--- stdout\n{}\n--- stderr\n{}",
        5,
        watch.stdout(),
        watch.stderr()
    );
    assert!(watch.is_running(), "the watch ended: {}", watch.stderr());
    drop(watch.kill());
}

#[test]
fn interrupted_clusters_are_resumed_at_restart_sqlite() {
    interrupted_clusters(
        Backend::Sqlite,
        "interrupted_clusters_are_resumed_at_restart_sqlite",
    );
}

#[test]
fn interrupted_clusters_are_resumed_at_restart_postgres() {
    interrupted_clusters(
        Backend::Postgres,
        "interrupted_clusters_are_resumed_at_restart_postgres",
    );
}

/// The server is SIGKILLed with one cluster still Provisioning (its control plane had
/// started), one Provisioning whose folder is unusable, and one Deleting (with a kubeconfig
/// out): after the restart the first is Ready with its data, the second Failed, the third gone
/// with its folder and its kubeconfig no longer accepted.
fn interrupted_clusters(backend: Backend, test: &str) {
    let Some(mut server) = PlatformServer::start_on(backend, test, PlatformOptions::default())
    else {
        return;
    };
    let (_, session) = server.signup(&unique_email("resume"));
    let mut ids = Vec::new();
    let mut kubeconfigs = Vec::new();
    for name in ["kept", "broken", "gone"] {
        let c = server.create_cluster(&session, name, true);
        let id = c["id"].as_str().unwrap().to_string();
        let kubeconfig = server.kubeconfig(&session, &id);
        server
            .kubectl("1.37", &kubeconfig)
            .run(&w(&format!(
                "create configmap in-{name} --from-literal=k={name}"
            )))
            .ok();
        ids.push(id);
        kubeconfigs.push(kubeconfig);
    }
    server.kill9();
    assert!(
        eventually(Duration::from_secs(10), || server
            .all_control_plane_pids()
            .is_empty()),
        "control planes outlived the SIGKILLed server: {:?}",
        server.all_control_plane_pids()
    );
    // What the rows would say had the server died while creating and deleting them.
    let set = "UPDATE clusters SET status = $1 WHERE id = $2";
    assert_eq!(server.sql(set, &["Provisioning", &ids[0]]), 1);
    assert_eq!(server.sql(set, &["Provisioning", &ids[1]]), 1);
    assert_eq!(server.sql(set, &["Deleting", &ids[2]]), 1);
    let broken_dir = server.cluster_dir(&ids[1]);
    std::fs::remove_dir_all(&broken_dir).unwrap();
    std::fs::write(&broken_dir, "not a folder").unwrap();

    server.restart();
    let mut last = serde_json::Value::Null;
    assert!(
        eventually(Duration::from_secs(30), || {
            last = server.cluster(&session, &ids[0]);
            last["status"] == "Ready" || last["status"] == "Sleeping"
        }),
        "the cluster left Provisioning is {}",
        last["status"]
    );
    let out = server
        .kubectl("1.37", &kubeconfigs[0])
        .run(&w("get configmap in-kept -o jsonpath={.data.k}"))
        .ok();
    assert_eq!(out.stdout.trim(), "kept", "{out}");
    assert!(
        eventually(Duration::from_secs(30), || {
            last = server.cluster(&session, &ids[1]);
            last["status"] == "Failed"
        }),
        "the cluster with an unusable folder is {}",
        last["status"]
    );
    assert!(
        eventually(Duration::from_secs(30), || server
            .rest(
                "GET",
                &format!("/api/v1/clusters/{}", ids[2]),
                Some(&session),
                None
            )
            .status
            == 404),
        "the cluster left Deleting is still there"
    );
    assert!(!server.cluster_dir(&ids[2]).exists());
    let r = server.rest(
        "GET",
        &format!("/k8s/{}/api/v1/namespaces", ids[2]),
        Some(&kubeconfig_token(&kubeconfigs[2])),
        None,
    );
    assert_eq!(r.status, 401, "{r}");
    let log = server.log();
    assert!(
        log.contains("resuming clusters left mid-way"),
        "{}",
        server.log_tail(40)
    );
    // The failed one can be deleted like any other.
    server
        .rest(
            "DELETE",
            &format!("/api/v1/clusters/{}?wait=true", ids[1]),
            Some(&session),
            None,
        )
        .expect_status(204);
    assert!(!broken_dir.exists());
    server.terminate(Duration::from_secs(20));
}

/// The folders of cgroup `kubicle/<id>` that exist (v1: one per hierarchy; v2: one).
fn cluster_cgroup_dirs(id: &str) -> Vec<std::path::PathBuf> {
    ["", "memory", "cpu", "pids"]
        .iter()
        .map(|h| {
            std::path::Path::new("/sys/fs/cgroup")
                .join(h)
                .join("kubicle")
                .join(id)
        })
        .filter(|d| d.join("cgroup.procs").exists())
        .collect()
}

/// A SIGKILLed server leaves its control planes' cgroups behind (they exit on stdin EOF, but
/// nobody removes the cgroups); the next start removes them, and the cluster still wakes.
#[test]
fn leftover_cgroups_are_removed_at_restart() {
    let mut server = PlatformServer::start(PlatformOptions::default());
    let (_, session) = server.signup(&unique_email("cgroups"));
    let c = server.create_cluster(&session, "grouped", true);
    let id = c["id"].as_str().unwrap().to_string();
    let dirs = cluster_cgroup_dirs(&id);
    if dirs.is_empty() {
        eprintln!(
            "SKIP leftover_cgroups_are_removed_at_restart: the control plane runs without a \
             cgroup (cgroups are not writable here)"
        );
        return;
    }
    let kubeconfig = server.kubeconfig(&session, &id);
    server.kill9();
    assert!(
        eventually(Duration::from_secs(10), || server
            .cluster_pids(&id)
            .is_empty()),
        "the control plane outlived the SIGKILLed server"
    );
    for d in &dirs {
        assert!(d.is_dir(), "{} went without a restart", d.display());
    }
    server.restart();
    for d in &dirs {
        assert!(
            !d.exists(),
            "{} is still there after the restart",
            d.display()
        );
    }
    let out = server
        .kubectl("1.37", &kubeconfig)
        .run(&w("get namespace default -o name"))
        .ok();
    assert_eq!(out.stdout.trim(), "namespace/default", "{out}");
    assert!(
        !cluster_cgroup_dirs(&id).is_empty(),
        "woken in a new cgroup"
    );
    // SIGTERM stops the control plane and removes its cgroup (a drop would SIGKILL).
    server.terminate(Duration::from_secs(20));
    assert!(
        eventually(Duration::from_secs(5), || cluster_cgroup_dirs(&id)
            .is_empty()),
        "a clean stop left {:?}",
        cluster_cgroup_dirs(&id)
    );
}
