//! Prometheus metrics of the platform, rendered in the text exposition format 0.0.4 on the
//! separate `--metrics-listen` address by [`crate::server`].
//!
//! - `kubicle_requests_total{cluster,method,code}`: requests answered; `cluster=""` for the
//!   REST API and other non-Kubernetes paths.
//! - `kubicle_request_duration_seconds{cluster}`: latency histogram per cluster.
//! - `kubicle_control_planes{state="awake|asleep"}`: set by the supervisor.
//! - `kubicle_control_plane_start_seconds` / `kubicle_control_plane_wake_seconds`: time until
//!   a new (start) or sleeping (wake) control plane answered.
//! - `process_resident_memory_bytes`, `process_start_time_seconds`.
//!
//! Label cardinality is bounded: methods outside the standard set count as `OTHER`, and past
//! [`MAX_CLUSTER_SERIES`] clusters new ones share the series `cluster="_other"`. Recording is
//! lock-free on the hot path once a cluster's series exist (atomics behind a read lock).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use parking_lot::{Mutex, RwLock};

use crate::ids::ClusterId;

/// Clusters with their own series; later ones are folded into `cluster="_other"`.
pub const MAX_CLUSTER_SERIES: usize = 10_000;
const OTHER_CLUSTER: &str = "_other";

/// Upper bounds (seconds) of the request latency buckets.
const LATENCY_BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];
/// Upper bounds (seconds) of the control-plane start and wake buckets.
const STARTUP_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

const METHODS: &[&str] = &[
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT",
];

/// A fixed-bucket histogram of durations, updated with atomics.
struct Histogram {
    bounds: &'static [f64],
    /// Per-bucket (not cumulative) counts; the last slot is +Inf.
    counts: Vec<AtomicU64>,
    sum_micros: AtomicU64,
}

impl Histogram {
    fn new(bounds: &'static [f64]) -> Self {
        Self {
            bounds,
            counts: (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect(),
            sum_micros: AtomicU64::new(0),
        }
    }

    fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        let i = self
            .bounds
            .iter()
            .position(|b| secs <= *b)
            .unwrap_or(self.bounds.len());
        self.counts[i].fetch_add(1, Ordering::Relaxed);
        let micros = u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        self.sum_micros.fetch_add(micros, Ordering::Relaxed);
    }

    /// Writes `_bucket`, `_sum` and `_count` lines; `labels` is `k="v",` or empty.
    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0u64;
        for (i, bound) in self.bounds.iter().enumerate() {
            cumulative += self.counts[i].load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{{labels}le=\"{bound}\"}} {cumulative}");
        }
        cumulative += self.counts[self.bounds.len()].load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{{labels}le=\"+Inf\"}} {cumulative}");
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let bare = labels.trim_end_matches(',');
        if bare.is_empty() {
            let _ = writeln!(out, "{name}_sum {sum}");
            let _ = writeln!(out, "{name}_count {cumulative}");
        } else {
            let _ = writeln!(out, "{name}_sum{{{bare}}} {sum}");
            let _ = writeln!(out, "{name}_count{{{bare}}} {cumulative}");
        }
    }
}

/// The series of one cluster (or of the REST API).
struct ClusterSeries {
    /// (method, code) → count. Bounded: 9 methods × the status codes in use.
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    latency: Histogram,
}

impl ClusterSeries {
    fn new() -> Self {
        Self {
            requests: Mutex::new(BTreeMap::new()),
            latency: Histogram::new(LATENCY_BUCKETS),
        }
    }
}

/// All metrics of the process.
pub struct Metrics {
    series: RwLock<HashMap<String, Arc<ClusterSeries>>>,
    awake: AtomicU64,
    asleep: AtomicU64,
    start: Histogram,
    wake: Histogram,
    started_at: jiff::Timestamp,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        Self {
            series: RwLock::new(HashMap::new()),
            awake: AtomicU64::new(0),
            asleep: AtomicU64::new(0),
            start: Histogram::new(STARTUP_BUCKETS),
            wake: Histogram::new(STARTUP_BUCKETS),
            started_at: jiff::Timestamp::now(),
        }
    }

    fn series_for(&self, cluster: &str) -> Arc<ClusterSeries> {
        if let Some(s) = self.series.read().get(cluster) {
            return s.clone();
        }
        let mut map = self.series.write();
        let key = if map.len() >= MAX_CLUSTER_SERIES && !map.contains_key(cluster) {
            OTHER_CLUSTER
        } else {
            cluster
        };
        map.entry(key.to_owned())
            .or_insert_with(|| Arc::new(ClusterSeries::new()))
            .clone()
    }

    /// One proxied Kubernetes request (or REST request with `cluster` None).
    pub fn request(&self, cluster: Option<&ClusterId>, method: &str, code: u16, elapsed: Duration) {
        let series = self.series_for(cluster.map(ClusterId::as_str).unwrap_or(""));
        let method = METHODS
            .iter()
            .find(|m| m.eq_ignore_ascii_case(method))
            .copied()
            .unwrap_or("OTHER");
        *series.requests.lock().entry((method, code)).or_insert(0) += 1;
        series.latency.observe(elapsed);
    }

    /// A control plane became ready; `wake` is false for the first start of a new cluster.
    pub fn control_plane_ready(&self, elapsed: Duration, wake: bool) {
        if wake {
            self.wake.observe(elapsed);
        } else {
            self.start.observe(elapsed);
        }
    }

    /// Current counts, set by the supervisor whenever they change.
    pub fn set_control_planes(&self, awake: usize, asleep: usize) {
        self.awake.store(awake as u64, Ordering::Relaxed);
        self.asleep.store(asleep as u64, Ordering::Relaxed);
    }

    /// Drops the series of a deleted cluster.
    pub fn forget_cluster(&self, cluster: &ClusterId) {
        self.series.write().remove(cluster.as_str());
    }

    /// Prometheus text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        let mut series: Vec<(String, Arc<ClusterSeries>)> = self
            .series
            .read()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        series.sort_by(|a, b| a.0.cmp(&b.0));

        out.push_str(
            "# HELP kubicle_requests_total Requests answered, by cluster (empty for the REST API), method and status code.\n\
             # TYPE kubicle_requests_total counter\n",
        );
        for (cluster, s) in &series {
            let cluster = escape_label(cluster);
            for ((method, code), n) in s.requests.lock().iter() {
                let _ = writeln!(
                    out,
                    "kubicle_requests_total{{cluster=\"{cluster}\",method=\"{method}\",code=\"{code}\"}} {n}"
                );
            }
        }

        out.push_str(
            "# HELP kubicle_request_duration_seconds Time to answer a request (to the response head for streams), by cluster.\n\
             # TYPE kubicle_request_duration_seconds histogram\n",
        );
        for (cluster, s) in &series {
            let labels = format!("cluster=\"{}\",", escape_label(cluster));
            s.latency
                .render(&mut out, "kubicle_request_duration_seconds", &labels);
        }

        out.push_str(
            "# HELP kubicle_control_planes Control-plane processes, by state.\n\
             # TYPE kubicle_control_planes gauge\n",
        );
        let _ = writeln!(
            out,
            "kubicle_control_planes{{state=\"awake\"}} {}",
            self.awake.load(Ordering::Relaxed)
        );
        let _ = writeln!(
            out,
            "kubicle_control_planes{{state=\"asleep\"}} {}",
            self.asleep.load(Ordering::Relaxed)
        );

        out.push_str(
            "# HELP kubicle_control_plane_start_seconds Time until a new cluster's control plane answered.\n\
             # TYPE kubicle_control_plane_start_seconds histogram\n",
        );
        self.start
            .render(&mut out, "kubicle_control_plane_start_seconds", "");
        out.push_str(
            "# HELP kubicle_control_plane_wake_seconds Time until a sleeping cluster's control plane answered.\n\
             # TYPE kubicle_control_plane_wake_seconds histogram\n",
        );
        self.wake
            .render(&mut out, "kubicle_control_plane_wake_seconds", "");

        if let Some(rss) = resident_memory_bytes() {
            out.push_str(
                "# HELP process_resident_memory_bytes Resident memory of the kubicle server process.\n\
                 # TYPE process_resident_memory_bytes gauge\n",
            );
            let _ = writeln!(out, "process_resident_memory_bytes {rss}");
        }
        out.push_str(
            "# HELP process_start_time_seconds When the metrics of this process started, in Unix seconds.\n\
             # TYPE process_start_time_seconds gauge\n",
        );
        let _ = writeln!(
            out,
            "process_start_time_seconds {}",
            self.started_at.as_millisecond() as f64 / 1000.0
        );
        out
    }
}

/// Resident set size of this process from `/proc/self/status`.
fn resident_memory_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line
        .trim_start_matches("VmRSS:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

fn escape_label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_value(text: &str, prefix: &str) -> f64 {
        text.lines()
            .find(|l| l.starts_with(prefix) && l[prefix.len()..].starts_with(' '))
            .unwrap_or_else(|| panic!("no line {prefix} in\n{text}"))[prefix.len()..]
            .trim()
            .parse()
            .unwrap()
    }

    #[test]
    fn requests_are_counted_per_cluster_method_and_code() {
        let m = Metrics::new();
        let c = ClusterId::new_random();
        m.request(Some(&c), "GET", 200, Duration::from_millis(3));
        m.request(Some(&c), "get", 200, Duration::from_millis(20));
        m.request(Some(&c), "POST", 201, Duration::from_millis(200));
        m.request(Some(&c), "BREW", 405, Duration::from_secs(120));
        m.request(None, "POST", 401, Duration::from_micros(500));
        let t = m.render();
        let id = c.as_str();
        assert_eq!(
            line_value(
                &t,
                &format!("kubicle_requests_total{{cluster=\"{id}\",method=\"GET\",code=\"200\"}}")
            ),
            2.0
        );
        assert_eq!(
            line_value(
                &t,
                &format!("kubicle_requests_total{{cluster=\"{id}\",method=\"POST\",code=\"201\"}}")
            ),
            1.0
        );
        assert_eq!(
            line_value(
                &t,
                &format!(
                    "kubicle_requests_total{{cluster=\"{id}\",method=\"OTHER\",code=\"405\"}}"
                )
            ),
            1.0
        );
        assert_eq!(
            line_value(
                &t,
                "kubicle_requests_total{cluster=\"\",method=\"POST\",code=\"401\"}"
            ),
            1.0
        );
        // Buckets are cumulative; the 120 s request only shows in +Inf.
        let b = |le: &str| {
            line_value(
                &t,
                &format!("kubicle_request_duration_seconds_bucket{{cluster=\"{id}\",le=\"{le}\"}}"),
            )
        };
        assert_eq!(b("0.001"), 0.0);
        assert_eq!(b("0.005"), 1.0);
        assert_eq!(b("0.025"), 2.0);
        assert_eq!(b("0.25"), 3.0);
        assert_eq!(b("60"), 3.0);
        assert_eq!(b("+Inf"), 4.0);
        assert_eq!(
            line_value(
                &t,
                &format!("kubicle_request_duration_seconds_count{{cluster=\"{id}\"}}")
            ),
            4.0
        );
        let sum = line_value(
            &t,
            &format!("kubicle_request_duration_seconds_sum{{cluster=\"{id}\"}}"),
        );
        assert!((sum - 120.223).abs() < 1e-6, "{sum}");
    }

    #[test]
    fn control_planes_and_startup_times_are_rendered() {
        let m = Metrics::new();
        m.set_control_planes(3, 7);
        m.control_plane_ready(Duration::from_millis(40), false);
        m.control_plane_ready(Duration::from_millis(8), true);
        m.control_plane_ready(Duration::from_millis(9), true);
        let t = m.render();
        assert_eq!(
            line_value(&t, "kubicle_control_planes{state=\"awake\"}"),
            3.0
        );
        assert_eq!(
            line_value(&t, "kubicle_control_planes{state=\"asleep\"}"),
            7.0
        );
        assert_eq!(
            line_value(&t, "kubicle_control_plane_start_seconds_count"),
            1.0
        );
        assert_eq!(
            line_value(
                &t,
                "kubicle_control_plane_start_seconds_bucket{le=\"0.05\"}"
            ),
            1.0
        );
        assert_eq!(
            line_value(
                &t,
                "kubicle_control_plane_start_seconds_bucket{le=\"0.025\"}"
            ),
            0.0
        );
        assert_eq!(
            line_value(&t, "kubicle_control_plane_wake_seconds_count"),
            2.0
        );
        assert_eq!(
            line_value(&t, "kubicle_control_plane_wake_seconds_bucket{le=\"0.01\"}"),
            2.0
        );
        assert!(line_value(&t, "process_resident_memory_bytes") > 1_000_000.0);
        assert!(line_value(&t, "process_start_time_seconds") > 1.7e9);
    }

    #[test]
    fn the_format_is_well_formed() {
        let m = Metrics::new();
        let c = ClusterId::new_random();
        m.request(Some(&c), "GET", 200, Duration::from_millis(1));
        let t = m.render();
        let mut typed = std::collections::HashSet::new();
        for line in t.lines() {
            if let Some(rest) = line.strip_prefix("# TYPE ") {
                let name = rest.split(' ').next().unwrap();
                assert!(typed.insert(name.to_owned()), "TYPE {name} twice");
                continue;
            }
            if line.starts_with("# HELP ") {
                continue;
            }
            let (series, value) = line.rsplit_once(' ').unwrap();
            value
                .parse::<f64>()
                .unwrap_or_else(|_| panic!("bad value in {line:?}"));
            let name = series.split('{').next().unwrap();
            let family = ["_bucket", "_sum", "_count"]
                .iter()
                .find_map(|s| name.strip_suffix(s).filter(|f| typed.contains(*f)))
                .unwrap_or(name);
            assert!(typed.contains(family), "{name} has no TYPE before it");
        }
        assert!(t.ends_with('\n'));
    }

    #[test]
    fn cluster_series_are_bounded_and_can_be_forgotten() {
        let m = Metrics::new();
        let c = ClusterId::new_random();
        m.request(Some(&c), "GET", 200, Duration::ZERO);
        m.forget_cluster(&c);
        assert!(!m.render().contains(c.as_str()));
        {
            let mut map = m.series.write();
            for i in 0..MAX_CLUSTER_SERIES {
                map.insert(format!("x{i}"), Arc::new(ClusterSeries::new()));
            }
        }
        let late = ClusterId::new_random();
        m.request(Some(&late), "GET", 200, Duration::ZERO);
        let t = m.render();
        assert!(!t.contains(late.as_str()));
        assert!(t.contains("cluster=\"_other\",method=\"GET\",code=\"200\"} 1"));
    }
}
