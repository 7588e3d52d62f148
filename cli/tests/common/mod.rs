//! Running the built `clicktodial` binary in tests: one-shot commands, and
//! servers as child processes that are killed when dropped. Every wait is
//! bounded.
//!
//! Every server of every test is held, when it is dropped, to two rules
//! (a test that passed fails otherwise): no log line holds a raw control
//! character or is forged (each starts with the logger's timestamp), and
//! its peak memory (`VmHWM`) stayed at most [`MAX_PEAK_RSS_KB`].
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The most memory a server may have used at its peak, in KiB.
pub const MAX_PEAK_RSS_KB: u64 = 64 * 1024;

pub const BIN: &str = env!("CARGO_BIN_EXE_clicktodial");

/// An HTTP client for the servers under test: no proxy, at most `timeout`
/// a request.
pub fn client(timeout: Duration) -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(timeout)
        .build()
        .unwrap()
}

/// `POST {serve}/api/{route}` with a JSON body, as the page and scripts
/// call it; the JSON answer.
pub async fn api(serve: &Server, route: &str, body: serde_json::Value) -> serde_json::Value {
    get_or_post_json(
        client(Duration::from_secs(20))
            .post(format!("{}/api/{route}", serve.url))
            .json(&body),
    )
    .await
}

/// `GET url`; the JSON answer.
pub async fn get_json(url: impl reqwest::IntoUrl) -> serde_json::Value {
    get_or_post_json(client(Duration::from_secs(20)).get(url)).await
}

async fn get_or_post_json(request: reqwest::RequestBuilder) -> serde_json::Value {
    request.send().await.unwrap().json().await.unwrap()
}

/// `serve`'s `make_call.php` with a phone and `userdata` as `ctl_userdata`.
pub fn make_call(serve: &Server, userdata: &str) -> reqwest::Url {
    reqwest::Url::parse_with_params(
        &format!("{}/AGUI/make_call.php", serve.url),
        [
            ("prefix", "1"),
            ("phone", "(650) 202-2222"),
            ("ctl_userdata", userdata),
        ],
    )
    .unwrap()
}

/// A queue of its own for one server (`sqlite://` in the temporary
/// directory): servers started by tests never share the user's outbox or
/// each other's.
pub fn private_queue() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "clicktodial-test-queue-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    format!("sqlite://{}/outbox.db", dir.display())
}

/// A vendor example from the library's test data.
pub fn vendor(name: &str) -> String {
    let path = format!("{}/../tests/data/vendor/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `clicktodial args…` with `stdin`, no colours, no inherited log level.
pub fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("the binary ends");
    // The logs of every command (standard error) are held to the servers'
    // rule too: no raw control character on any line.
    let raw_control: Vec<&[u8]> = out
        .stderr
        .split(|&b| b == b'\n')
        .filter(|line| has_raw_control(line))
        .collect();
    assert!(
        raw_control.is_empty(),
        "raw control characters in the log of `{}`: {:?}",
        args.join(" "),
        raw_control
            .iter()
            .map(|l| String::from_utf8_lossy(l))
            .collect::<Vec<_>>()
    );
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

/// A server child process; killed on drop.
pub struct Server {
    /// The private queue's directory, removed on drop.
    queue_dir: Option<std::path::PathBuf>,
    child: Child,
    pub url: String,
    stdout: Receiver<String>,
    stderr: Receiver<String>,
    pub log: Vec<String>,
    /// Log lines that broke the rules (raw control characters, forged).
    bad_lines: Arc<Mutex<Vec<String>>>,
    stderr_reader: Option<JoinHandle<()>>,
}

fn lines(read: impl std::io::Read + Send + 'static) -> Receiver<String> {
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(read).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// Whether a raw log line (without its `\n`) holds a control character:
/// C0, DEL or C1 (written in UTF-8 as `0xC2 0x80..=0x9F`).
pub fn has_raw_control(line: &[u8]) -> bool {
    line.iter().any(|&b| b < 0x20 || b == 0x7f)
        || line
            .windows(2)
            .any(|w| w[0] == 0xc2 && (0x80..=0x9f).contains(&w[1]))
}

/// Whether a log line is one the server wrote: the logger's timestamp
/// first (`2026-12-02T07:16:19.123456Z`), or the command's `error: `.
pub fn written_by_the_logger(line: &str) -> bool {
    let b = line.as_bytes();
    let stamp = b.len() > 20
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[10] == b'T'
        && line[..30.min(line.len())].contains('Z');
    stamp || line.starts_with("error: ")
}

/// Reads the log (standard error) as raw lines: each is checked, then sent.
fn log_lines(
    read: impl std::io::Read + Send + 'static,
    bad: Arc<Mutex<Vec<String>>>,
) -> (Receiver<String>, JoinHandle<()>) {
    let (tx, rx) = channel();
    let handle = std::thread::spawn(move || {
        let mut reader = BufReader::new(read);
        let mut raw = Vec::new();
        loop {
            raw.clear();
            match reader.read_until(b'\n', &mut raw) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            if raw.last() == Some(&b'\n') {
                raw.pop();
            }
            let line = String::from_utf8_lossy(&raw).into_owned();
            if has_raw_control(&raw) || !written_by_the_logger(&line) {
                bad.lock().unwrap().push(format!("{line:?}"));
            }
            let _ = tx.send(line);
        }
    });
    (rx, handle)
}

/// The peak resident memory of process `pid`, in KiB (Linux).
pub fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

impl Server {
    /// Starts `clicktodial <command> --listen 127.0.0.1:0 args…` and reads
    /// the address it prints first.
    pub fn start(command: &str, args: &[&str]) -> Server {
        Server::start_with_env(command, args, &[])
    }

    /// [`Server::start`] with more environment variables.
    pub fn start_with_env(command: &str, args: &[&str], env: &[(&str, &str)]) -> Server {
        Server::start_on(command, "127.0.0.1:0", args, env)
    }

    /// [`Server::start_with_env`] listening on `listen`.
    pub fn start_on(command: &str, listen: &str, args: &[&str], env: &[(&str, &str)]) -> Server {
        let queue = private_queue();
        let mut child = Command::new(BIN)
            .arg(command)
            .args(["--listen", listen])
            .args(args)
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .env("CLICKTODIAL_QUEUE", &queue)
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the server starts");
        let stdout = lines(child.stdout.take().expect("stdout"));
        let bad_lines = Arc::new(Mutex::new(Vec::new()));
        let (stderr, reader) = log_lines(child.stderr.take().expect("stderr"), bad_lines.clone());
        let mut server = Server {
            queue_dir: queue
                .strip_prefix("sqlite://")
                .and_then(|p| std::path::Path::new(p).parent())
                .map(std::path::Path::to_path_buf),
            child,
            url: String::new(),
            stdout,
            stderr,
            log: Vec::new(),
            bad_lines,
            stderr_reader: Some(reader),
        };
        server.url = server
            .next_line(Duration::from_secs(20))
            .expect("the server prints its address first");
        assert!(
            server.url.starts_with("http://127.0.0.1:"),
            "{}",
            server.url
        );
        server
    }

    /// The next line on standard output, if one comes within `wait`.
    pub fn next_line(&mut self, wait: Duration) -> Option<String> {
        self.stdout.recv_timeout(wait).ok()
    }

    /// Waits (at most `wait`) for a log line containing `needle`.
    pub fn wait_log(&mut self, needle: &str, wait: Duration) -> Option<String> {
        if let Some(line) = self.log.iter().find(|l| l.contains(needle)) {
            return Some(line.clone());
        }
        let deadline = Instant::now() + wait;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.stderr.recv_timeout(left) {
                Ok(line) => {
                    self.log.push(line.clone());
                    if line.contains(needle) {
                        return Some(line);
                    }
                }
                Err(_) => return None,
            }
        }
        None
    }

    pub fn port(&self) -> u16 {
        self.url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("a port")
    }
}

impl Server {
    /// Sends SIGINT (Ctrl-C) and waits (at most `wait`) for the exit status.
    #[cfg(unix)]
    pub fn interrupt(&mut self, wait: Duration) -> Option<std::process::ExitStatus> {
        let sent = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .ok()?;
        assert!(sent.success());
        let deadline = Instant::now() + wait;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Server {
    /// Kills the server at once (SIGKILL), as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Server {
    /// The server's peak memory so far, in KiB (Linux; `None` elsewhere).
    pub fn peak_rss_kb(&self) -> Option<u64> {
        peak_rss_kb(self.child.id())
    }

    /// Every log line so far (waits at most `wait` for more).
    pub fn drain_log(&mut self, wait: Duration) -> &[String] {
        let deadline = Instant::now() + wait;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.stderr.recv_timeout(left) {
                Ok(line) => self.log.push(line),
                Err(_) => break,
            }
        }
        &self.log
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let peak = self.peak_rss_kb();
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(dir) = &self.queue_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
        // The pipe is closed: the reader checks the last lines and ends.
        if let Some(reader) = self.stderr_reader.take() {
            let _ = reader.join();
        }
        if std::thread::panicking() {
            return;
        }
        if let Some(kb) = peak {
            assert!(
                kb <= MAX_PEAK_RSS_KB,
                "the server's peak memory was {kb} KiB (at most {MAX_PEAK_RSS_KB})"
            );
        }
        let bad = self.bad_lines.lock().unwrap();
        assert!(
            bad.is_empty(),
            "log lines with raw control characters or forged: {bad:#?}"
        );
    }
}
