//! A throwaway PostgreSQL server for tests: a cluster in a temporary
//! directory on a free loopback port, stopped (and deleted) when the guard
//! drops, also when the test panics.
//!
//! `initdb` runs once per PostgreSQL version into `target/tmp/` (a
//! template; `$TMPDIR/portalfeed-test/` for the library's unit tests);
//! each test copies it (a few milliseconds) and starts its own `postgres`.
//! As root, the server runs as the `postgres` user through `runuser`, as
//! PostgreSQL refuses to run as root.
//!
//! Without PostgreSQL installed a test skips with a loud message, unless
//! the `CI` environment variable is set: then it fails.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// A running throwaway server.
#[derive(Debug)]
pub struct TestPg {
    bin: PathBuf,
    dir: tempfile::TempDir,
    port: u16,
}

/// The directory holding `initdb`, `pg_ctl` and `postgres`: `$PG_BIN`, then
/// `pg_config --bindir`, then the newest `/usr/lib/postgresql/*/bin`, then
/// the one of `initdb` on `PATH`.
pub fn bin_dir() -> Option<PathBuf> {
    let usable = |d: &Path| d.join("initdb").is_file() && d.join("pg_ctl").is_file();
    if let Some(d) = std::env::var_os("PG_BIN").map(PathBuf::from) {
        return usable(&d).then_some(d);
    }
    let from_pg_config = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()));
    if let Some(d) = from_pg_config.filter(|d| usable(d)) {
        return Some(d);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            Some((v, e.path().join("bin")))
        })
        .filter(|(_, d)| usable(d))
        .collect();
    versions.sort();
    if let Some((_, d)) = versions.pop() {
        return Some(d);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .find(|d| usable(d))
        .map(|d| std::fs::canonicalize(d.join("initdb")).map_or(d, |p| p.with_file_name("")))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `program args…`, as the `postgres` user when we are root.
fn pg_command(program: &Path) -> Command {
    static ROOT: OnceLock<bool> = OnceLock::new();
    if *ROOT.get_or_init(is_root) {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn run(cmd: &mut Command, what: &str) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Gives `path` to the `postgres` user when we are root.
fn hand_over(path: &Path) {
    if is_root() {
        run(
            Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(path),
            "chown to postgres",
        );
    }
}

/// The initialized data directory every test copies, made once per
/// PostgreSQL version (by whichever test process gets there first).
fn template(bin: &Path) -> PathBuf {
    static TEMPLATE: OnceLock<PathBuf> = OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            let version = bin
                .parent()
                .and_then(|p| p.file_name())
                .map_or_else(|| "pg".to_owned(), |n| n.to_string_lossy().into_owned());
            // Integration tests have a scratch dir in `target/`; unit tests
            // (which include this file too) use the system's.
            let root = option_env!("CARGO_TARGET_TMPDIR").map_or_else(
                || std::env::temp_dir().join("portalfeed-test"),
                PathBuf::from,
            );
            let root = root.as_path();
            let done = root.join(format!("pg-template-{version}"));
            if done.join("PG_VERSION").is_file() {
                return done;
            }
            std::fs::create_dir_all(root).expect("create target/tmp");
            let work = tempfile::Builder::new()
                .prefix("pg-template-")
                .tempdir_in(root)
                .expect("temp dir for initdb");
            hand_over(work.path());
            let data = work.path().join("data");
            run(
                pg_command(&bin.join("initdb"))
                    .arg("-D")
                    .arg(&data)
                    .args(["-A", "trust", "-U", "postgres", "-E", "UTF8"])
                    .args(["--locale=C", "--no-sync", "--no-instructions"]),
                "initdb",
            );
            // Another process may have finished first: either copy is good.
            if std::fs::rename(&data, &done).is_err() {
                assert!(
                    done.join("PG_VERSION").is_file(),
                    "cannot install the template at {}",
                    done.display()
                );
            }
            done
        })
        .clone()
}

/// A loopback port nobody listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl TestPg {
    /// Starts a server, or `None` (after a loud message) when PostgreSQL is
    /// not installed and `CI` is unset. Under `CI`, a missing PostgreSQL
    /// fails the test.
    pub fn start() -> Option<Self> {
        let Some(bin) = bin_dir() else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but PostgreSQL is not installed (no initdb found; .ci/run installs Debian's `postgresql`)"
            );
            eprintln!(
                "\n\
                 ************************************************************\n\
                 SKIPPED: PostgreSQL is not installed (no initdb/pg_ctl found\n\
                 via $PG_BIN, pg_config, /usr/lib/postgresql or PATH).\n\
                 Install Debian's `postgresql` to run the PostgreSQL tests.\n\
                 ************************************************************\n"
            );
            return None;
        };
        let template = template(&bin);
        let dir = tempfile::Builder::new()
            .prefix("portalfeed-pg-")
            .tempdir()
            .expect("temp dir for the cluster");
        run(
            Command::new("cp")
                .arg("-a")
                .arg(&template)
                .arg(dir.path().join("data")),
            "copy the template cluster",
        );
        hand_over(dir.path());
        // A port can be taken between the probe and the bind: try a few.
        let mut last = String::new();
        for _ in 0..5 {
            let port = free_port();
            let options = format!(
                "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off \
                 -c synchronous_commit=off -c full_page_writes=off -c max_connections=60",
                dir.path().display()
            );
            let out = pg_command(&bin.join("pg_ctl"))
                .arg("-D")
                .arg(dir.path().join("data"))
                .arg("-l")
                .arg(dir.path().join("log"))
                .args(["-w", "-t", "30", "-s", "-o", &options, "start"])
                .output()
                .expect("run pg_ctl");
            if out.status.success() {
                return Some(Self { bin, dir, port });
            }
            last = format!(
                "{}{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr),
                std::fs::read_to_string(dir.path().join("log")).unwrap_or_default()
            );
        }
        panic!("PostgreSQL did not start:\n{last}");
    }

    /// The port it listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A connection URL for database `db` (see [`TestPg::create_db`]).
    pub fn url(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// Creates database `db` and answers its URL.
    pub fn create_db(&self, db: &str) -> String {
        run(
            pg_command(&self.bin.join("psql"))
                .args(["-X", "-q", "-h", "127.0.0.1", "-U", "postgres", "-p"])
                .arg(self.port.to_string())
                .args(["-d", "postgres", "-c"])
                .arg(format!("CREATE DATABASE \"{db}\"")),
            "CREATE DATABASE",
        );
        self.url(db)
    }
}

impl Drop for TestPg {
    fn drop(&mut self) {
        let _ = pg_command(&self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", "immediate", "-s", "-w", "stop"])
            .output();
    }
}
