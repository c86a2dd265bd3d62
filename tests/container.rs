//! The container without a Docker engine: the final stage of `Dockerfile`
//! is read (its `ENV`, `ENTRYPOINT`, `CMD` and `HEALTHCHECK`), and its
//! command line runs with exactly that environment from an empty directory
//! laid out like its `WORKDIR` (the binary on `PATH`, a mounted `config/`).
//! It must answer through `0.0.0.0` (not loopback only), keep its store in
//! `data/`, and the image's HEALTHCHECK command must pass against it (and
//! fail once it is stopped).
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{client, parse_feed, set_default};
use portalfeed::demo::FixturePortal;

/// The parts of the Dockerfile's final stage the test runs.
#[derive(Debug)]
struct Image {
    env: Vec<(String, String)>,
    command: Vec<String>,
    healthcheck: String,
}

/// One exec-form instruction argument: `["a", "b"]`.
fn json_array(rest: &str, what: &str) -> Vec<String> {
    serde_json::from_str(rest.trim())
        .unwrap_or_else(|e| panic!("Dockerfile {what} is not an exec-form JSON array: {e}"))
}

fn read_image() -> Image {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Dockerfile"))
        .expect("read Dockerfile");
    // Join continuation lines, drop comments, keep the final stage.
    let joined = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n")
        .replace("\\\n", " ");
    let stage = joined
        .rsplit_once("\nFROM ")
        .map(|(_, s)| s)
        .expect("a final FROM stage");
    let mut env = Vec::new();
    let (mut entrypoint, mut cmd, mut healthcheck) = (None, None, None);
    for line in stage.lines().map(str::trim) {
        let (instr, rest) = line.split_once(' ').unwrap_or((line, ""));
        match instr {
            "ENV" => {
                let (k, v) = rest
                    .trim()
                    .split_once('=')
                    .expect("ENV KEY=VALUE, one per line");
                env.push((k.to_owned(), v.trim_matches('"').to_owned()));
            }
            "ENTRYPOINT" => entrypoint = Some(json_array(rest, "ENTRYPOINT")),
            "CMD" => cmd = Some(json_array(rest, "CMD")),
            "HEALTHCHECK" => {
                let (_, command) = rest.split_once(" CMD ").expect("HEALTHCHECK ... CMD ...");
                healthcheck = Some(command.trim().to_owned());
            }
            _ => {}
        }
    }
    let mut command = entrypoint.expect("an ENTRYPOINT");
    command.extend(cmd.expect("a CMD"));
    Image {
        env,
        command,
        healthcheck: healthcheck.expect("a HEALTHCHECK"),
    }
}

/// Kills the child if the test fails before stopping it.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("0.0.0.0:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A local address that is not loopback (the interface of the default
/// route; a UDP connect sends nothing), if the machine has one.
fn non_loopback_ip() -> Option<std::net::IpAddr> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("203.0.113.1:9").ok()?;
    let ip = s.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

/// Runs the HEALTHCHECK command as Docker does (`/bin/sh -c`), with the
/// container's environment.
fn healthcheck(image: &Image, env: &[(String, String)], cwd: &Path) -> bool {
    Command::new("/bin/sh")
        .arg("-c")
        .arg(&image.healthcheck)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .current_dir(cwd)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("sh runs")
        .success()
}

#[tokio::test]
async fn the_image_command_line_serves_on_every_interface_and_passes_its_healthcheck() {
    let image = read_image();
    assert_eq!(
        image.command.first().map(String::as_str),
        Some("portalfeed")
    );
    assert!(
        image
            .env
            .iter()
            .any(|(k, v)| k == "PORTALFEED_LISTEN" && v == "0.0.0.0:8080"),
        "the image listens on 0.0.0.0:8080: {:?}",
        image.env
    );
    if Command::new("curl").arg("--version").output().is_err() {
        eprintln!("SKIPPED: curl (the HEALTHCHECK's client) is not installed");
        return;
    }

    // WORKDIR: the binary on PATH, a mounted config/ (the demo config
    // pointed at the fixture portal: no internet), nothing else.
    let portal = FixturePortal::start().await.expect("portal");
    let workdir = tempfile::tempdir().expect("tempdir");
    let bin = workdir.path().join("bin");
    std::fs::create_dir(&bin).expect("bin");
    std::fs::copy(env!("CARGO_BIN_EXE_portalfeed"), bin.join("portalfeed")).expect("copy");
    std::fs::create_dir(workdir.path().join("config")).expect("config dir");
    let text = set_default(
        &portal.demo_config_text().expect("demo config"),
        "interval",
        "\"1h\"",
    );
    let config_arg = image
        .command
        .windows(2)
        .find(|w| w[0] == "--config")
        .map(|w| w[1].clone())
        .expect("CMD names its --config");
    std::fs::write(workdir.path().join(&config_arg), text).expect("write config");

    // The image's ENV, as `docker run -e PORTALFEED_LISTEN=0.0.0.0:PORT`
    // would change it (a free port instead of 8080), and a bare PATH.
    let port = free_port();
    let mut env: Vec<(String, String)> = image
        .env
        .iter()
        .map(|(k, v)| match k.as_str() {
            "PORTALFEED_LISTEN" => (k.clone(), format!("0.0.0.0:{port}")),
            _ => (k.clone(), v.clone()),
        })
        .collect();
    env.push((
        "PATH".to_owned(),
        format!("{}:/usr/local/bin:/usr/bin:/bin", bin.display()),
    ));
    assert!(
        !healthcheck(&image, &env, workdir.path()),
        "the HEALTHCHECK fails while nothing listens"
    );
    // The program is looked up in the child's PATH (the copied binary).
    let child = common::spawn_copied(
        Command::new(&image.command[0])
            .args(&image.command[1..])
            .env_clear()
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .current_dir(workdir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped()),
    );
    let mut child = Running(child);

    let start = Instant::now();
    while !healthcheck(&image, &env, workdir.path()) {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "the HEALTHCHECK did not pass within 30 s"
        );
        assert!(child.0.try_wait().expect("wait").is_none(), "exited early");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Not loopback only: a feed through another local address too.
    let http = client();
    let hosts: Vec<String> = std::iter::once("127.0.0.1".to_owned())
        .chain(non_loopback_ip().map(|ip| ip.to_string()))
        .collect();
    if hosts.len() == 1 {
        eprintln!("note: no non-loopback address here; checked 127.0.0.1 only");
    }
    for host in &hosts {
        let url = format!("http://{host}:{port}/feeds/demo/local.atom");
        let start = Instant::now();
        loop {
            let r = http.get(&url).send().await.expect("answers");
            let ok = r.status().is_success();
            let body = r.bytes().await.expect("body");
            let n = if ok {
                parse_feed(&body).entries.len()
            } else {
                0
            };
            if ok && n >= 5 {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "{url}: {n} entries"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    // SIGTERM: a graceful stop, the store in data/ (PORTALFEED_DATA_DIR).
    let status = common::terminate(&mut child.0).await;
    let mut log = String::new();
    if let Some(mut e) = child.0.stderr.take() {
        let _ = std::io::Read::read_to_string(&mut e, &mut log);
    }
    assert!(status.success(), "{status:?}\n{log}");
    assert!(
        log.contains(&format!("addr=0.0.0.0:{port}")),
        "listens on every interface:\n{log}"
    );
    assert!(
        log.contains("server.listen") && log.contains("(from PORTALFEED_LISTEN)"),
        "the override is logged:\n{log}"
    );
    let data = workdir.path().join("data");
    assert!(
        std::fs::read_dir(&data).is_ok_and(|mut d| d.next().is_some()),
        "the store was written to {}",
        data.display()
    );
    assert!(
        !healthcheck(&image, &env, workdir.path()),
        "the HEALTHCHECK fails once the service is stopped"
    );
}
