//! The built binary, copied alone into an empty directory, runs `demo`: the
//! fixture portal and its config come from inside the binary. It prints one
//! URL per line per feed format, logs without colour codes to a pipe, and
//! leaves no scratch directory behind, also when its port is taken.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{client, parse_feed};

/// Kills the child if a test fails before stopping it.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The binary copied into `dir` (nothing else there).
fn lone_binary(dir: &Path) -> PathBuf {
    let bin = dir.join("portalfeed");
    std::fs::copy(env!("CARGO_BIN_EXE_portalfeed"), &bin).expect("copy the binary");
    bin
}

fn entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect()
}

fn demo(bin: &Path, cwd: &Path, tmp: &Path, listen: &str) -> Command {
    let mut cmd = Command::new(bin);
    cmd.args(["demo", "--listen", listen])
        .current_dir(cwd)
        .env("TMPDIR", tmp)
        .env_remove("PORTALFEED_LISTEN")
        .env_remove("PORTALFEED_PUBLIC_URL")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null());
    cmd
}

#[tokio::test]
async fn demo_runs_from_an_empty_directory_and_cleans_up() {
    let cwd = tempfile::tempdir().expect("tempdir");
    let tmp = tempfile::tempdir().expect("tempdir");
    let bin = lone_binary(cwd.path());
    let port = free_port();
    let mut child = common::spawn_copied(
        demo(&bin, cwd.path(), tmp.path(), &format!("127.0.0.1:{port}"))
            .env("PORTALFEED_ADMIN_TOKEN", "demo-binary-token")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    );
    let stdout = child.stdout.take().expect("stdout");
    let stderr = child.stderr.take().expect("stderr");
    let mut child = Running(child);

    // Stdout, line by line, until it has printed feed URLs and gone quiet;
    // read on a thread so a stall fails the test.
    let (tx, rx) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    let err_log = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut BufReader::new(stderr), &mut s);
        s
    });
    let mut lines = Vec::new();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        match rx.recv_timeout(Duration::from_millis(500)) {
            Ok(line) => lines.push(line),
            Err(mpsc::RecvTimeoutError::Timeout) if lines.iter().any(|l| l.ends_with(".json")) => {
                break;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let base = format!("http://127.0.0.1:{port}");
    let feed_lines: Vec<&str> = lines
        .iter()
        .map(|l| l.trim())
        .filter(|l| l.starts_with(&format!("{base}/feeds/")))
        .collect();
    assert!(
        feed_lines.len() >= 24,
        "one URL per line per format:\n{}",
        lines.join("\n")
    );
    for line in &feed_lines {
        assert!(
            !line.contains(' '),
            "a feed line is one copyable URL: {line:?}"
        );
    }
    for path in ["demo/local", "demo/hot-news", "demo"] {
        for ext in ["rss", "atom", "json"] {
            let url = format!("{base}/feeds/{path}.{ext}");
            assert!(feed_lines.contains(&url.as_str()), "{url} printed");
        }
    }
    assert!(
        lines.iter().any(|l| l == &format!("admin:  {base}/admin")),
        "the admin URL is printed:\n{}",
        lines.join("\n")
    );
    // The scratch config lives under TMPDIR while the demo runs.
    assert_eq!(entries(tmp.path()).len(), 1, "one scratch directory");

    // The feeds are served (scraped from the embedded portal).
    let http = client();
    let mut served = 0;
    let start = Instant::now();
    while served == 0 && start.elapsed() < Duration::from_secs(30) {
        if let Ok(r) = http
            .get(format!("{base}/feeds/demo/local.atom"))
            .send()
            .await
        {
            if r.status().is_success() {
                served = parse_feed(&r.bytes().await.expect("body")).entries.len();
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(served >= 5, "demo/local serves its entries ({served})");
    let rss = http
        .get(format!("{base}/feeds/demo/hot-news.rss"))
        .send()
        .await
        .expect("rss");
    assert!(
        !parse_feed(&rss.bytes().await.expect("body"))
            .entries
            .is_empty()
    );

    // SIGTERM: a clean exit, no scratch directory left, no colour codes.
    let status = common::terminate(&mut child.0).await;
    assert!(status.success(), "{status:?}");
    let log = err_log.join().expect("stderr");
    assert!(log.contains("listening"), "{log}");
    assert!(
        log.contains(&format!("url={base}/admin")) && log.contains("admin page on"),
        "the startup log names the admin URL:\n{log}"
    );
    assert!(
        !log.contains('\u{1b}'),
        "no ANSI codes in a piped log:\n{log}"
    );
    assert_eq!(entries(tmp.path()), Vec::<String>::new(), "scratch removed");
    assert_eq!(
        entries(cwd.path()),
        ["portalfeed"],
        "nothing written in cwd"
    );
}

#[test]
fn a_busy_port_fails_and_leaves_no_scratch_directory() {
    let cwd = tempfile::tempdir().expect("tempdir");
    let tmp = tempfile::tempdir().expect("tempdir");
    let bin = lone_binary(cwd.path());
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr");
    let out = common::spawn_copied(
        demo(&bin, cwd.path(), tmp.path(), &addr.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
    )
    .wait_with_output()
    .expect("demo runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot listen on {addr}")),
        "{stderr}"
    );
    assert_eq!(entries(tmp.path()), Vec::<String>::new(), "scratch removed");
}
