//! Delivery throughput to a loopback receiver: the outbox on SQLite (each
//! callback stored, taken, sent, acknowledged) against a bare `reqwest`
//! loop sending the same requests one after another. The ratio (outbox
//! throughput / loop throughput) is printed from the same run.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clicktodial::signing::{CallRequest, WebhookId};
use clicktodial::{url::Url, Callback, UserData};
use clicktodial_delivery::connect::Connector;
use clicktodial_delivery::{Job, Kind, Outbox, QueueUrl, RetrySchedule, Sender};
use criterion::Criterion;

/// Callbacks per batch: enough that the steady rate, not the first poll, decides.
const N: usize = 2000;

struct Bench {
    rt: tokio::runtime::Runtime,
    url: Url,
    received: Arc<AtomicUsize>,
    outbox: Outbox,
    client: reqwest::Client,
    dir: std::path::PathBuf,
}

fn requests(url: &Url) -> Vec<clicktodial::http::Request<Vec<u8>>> {
    let data =
        UserData::parse(include_str!("../../tests/data/vendor/example1_userdata.txt").trim())
            .unwrap();
    (0..N)
        .map(|_| Callback::success(data.clone(), "00T5e00000AbCdE").to_http(url))
        .collect()
}

impl Bench {
    fn new() -> Bench {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let received = Arc::new(AtomicUsize::new(0));
        let dir = std::env::temp_dir().join(format!("clicktodial-bench-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (url, outbox) = rt.block_on(async {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let url = Url::parse(&format!("http://{}/cb", listener.local_addr().unwrap())).unwrap();
            let count = received.clone();
            let app = axum::Router::new().fallback(move |_body: axum::body::Bytes| {
                let count = count.clone();
                async move {
                    count.fetch_add(1, Ordering::SeqCst);
                    "OK"
                }
            });
            tokio::spawn(async move {
                let _ = axum::serve(listener, app).await;
            });
            let outbox = Outbox::open(&QueueUrl::Sqlite(dir.join("outbox.db")))
                .await
                .unwrap();
            let sender = Sender::new(
                Connector::default().allow_private(true),
                RetrySchedule::default(),
            )
            .unwrap()
            .concurrency(32);
            let running = outbox.clone();
            tokio::spawn(async move { running.run(sender, std::future::pending()).await });
            (url, outbox)
        });
        let client = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Bench {
            rt,
            url,
            received,
            outbox,
            client,
            dir,
        }
    }

    fn bare_loop(&self) -> Duration {
        let reqs = requests(&self.url);
        self.rt.block_on(async {
            let before = self.received.load(Ordering::SeqCst);
            let start = Instant::now();
            for req in reqs {
                let answer = self
                    .client
                    .execute(reqwest::Request::try_from(req).unwrap())
                    .await
                    .unwrap();
                assert!(answer.status().is_success());
                let _ = answer.bytes().await;
            }
            let took = start.elapsed();
            assert_eq!(self.received.load(Ordering::SeqCst), before + N);
            took
        })
    }

    fn outbox(&self) -> Duration {
        let jobs: Vec<Job> = requests(&self.url)
            .into_iter()
            .enumerate()
            .map(|(i, req)| {
                Job::new(
                    Kind::Callback,
                    WebhookId::for_call(&i.to_string(), CallRequest::Callback),
                    req,
                )
                .unwrap()
            })
            .collect();
        let took = self.rt.block_on(async {
            let before = self.received.load(Ordering::SeqCst);
            let start = Instant::now();
            self.outbox.enqueue_all(jobs).await.unwrap();
            let deadline = start + Duration::from_secs(60);
            while self.received.load(Ordering::SeqCst) < before + N {
                assert!(Instant::now() < deadline, "the outbox delivers");
                tokio::time::sleep(Duration::from_micros(200)).await;
            }
            start.elapsed()
        });
        // Outside the timing: the finished attempts are removed.
        self.rt.block_on(self.outbox.purge()).unwrap();
        took
    }
}

fn main() {
    let bench = Bench::new();
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(4))
        .sample_size(10)
        .without_plots();
    {
        let mut group = c.benchmark_group("delivery");
        group.throughput(criterion::Throughput::Elements(N as u64));
        group.bench_function("bare reqwest loop", |b| {
            b.iter_custom(|iters| (0..iters).map(|_| bench.bare_loop()).sum())
        });
        group.bench_function("outbox on SQLite", |b| {
            b.iter_custom(|iters| (0..iters).map(|_| bench.outbox()).sum())
        });
        group.finish();
    }
    c.final_summary();

    // The same-run ratio: the two interleaved, medians of 9 rounds.
    let mut loop_t = Vec::new();
    let mut outbox_t = Vec::new();
    for _ in 0..9 {
        loop_t.push(bench.bare_loop());
        outbox_t.push(bench.outbox());
    }
    loop_t.sort();
    outbox_t.sort();
    let (l, o) = (loop_t[4], outbox_t[4]);
    let per_s = |d: Duration| N as f64 / d.as_secs_f64();
    println!(
        "delivery: bare reqwest loop {:.0}/s, outbox on SQLite {:.0}/s: the outbox delivers {:.2}x the loop's throughput",
        per_s(l),
        per_s(o),
        per_s(o) / per_s(l)
    );
    let _ = std::fs::remove_dir_all(&bench.dir);
}
