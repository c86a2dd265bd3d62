//! Settings a deployment sets from outside the file: `--listen` and the
//! `PORTALFEED_*` environment variables. They are checked once at start
//! (each error names the flag or variable), then written over the file's
//! values before it is compiled, every time it is read (start, reload, an
//! admin save), so the file and the running service never disagree.
//!
//! To add one: a field on [`Overrides`], a row in [`Overrides::gather`] and
//! one line in [`Overrides::apply`] (and a row in the README's table).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::OnceLock;

use url::Url;

use super::raw::RawConfig;

/// `server.listen` from the environment.
pub const LISTEN_ENV: &str = "PORTALFEED_LISTEN";
/// `server.public_url` from the environment.
pub const PUBLIC_URL_ENV: &str = "PORTALFEED_PUBLIC_URL";
/// `server.data_dir` from the environment.
pub const DATA_DIR_ENV: &str = "PORTALFEED_DATA_DIR";
/// `store.url` from the environment.
pub const DATABASE_URL_ENV: &str = "PORTALFEED_DATABASE_URL";

/// One value set from outside the file, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    /// The checked value.
    pub value: T,
    /// `--listen` or the variable's name.
    pub from: &'static str,
}

/// Every setting given from outside the file (`None`: the file decides).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `server.listen`.
    pub listen: Option<Setting<SocketAddr>>,
    /// `server.public_url`.
    pub public_url: Option<Setting<Url>>,
    /// `server.data_dir`.
    pub data_dir: Option<Setting<PathBuf>>,
    /// `store.url` (it may hold a password: never printed whole).
    pub database_url: Option<Setting<String>>,
}

/// A value from outside the file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{from}: {message} (hint: {hint})")]
pub struct OverrideError {
    /// `--listen` or the variable's name.
    pub from: &'static str,
    /// What is wrong, quoting the value.
    pub message: String,
    /// What would work.
    pub hint: &'static str,
}

/// Every unusable value from outside the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
pub struct OverrideErrors(pub Vec<OverrideError>);

impl Overrides {
    /// Reads `--listen` (which wins over `PORTALFEED_LISTEN`) and the
    /// environment of this process.
    pub fn from_env(listen_flag: Option<&str>) -> Result<Self, OverrideErrors> {
        Self::gather(listen_flag, |name| std::env::var(name).ok())
    }

    /// Like [`Overrides::from_env`], with the variables read through `env`.
    /// An empty variable counts as unset.
    pub fn gather(
        listen_flag: Option<&str>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, OverrideErrors> {
        let var = |name: &'static str| {
            env(name)
                .filter(|v| !v.trim().is_empty())
                .map(|v| (name, v))
        };
        let mut errors = Vec::new();
        let listen = listen_flag
            .map(|v| ("--listen", v.to_owned()))
            .or_else(|| var(LISTEN_ENV))
            .and_then(|(from, v)| keep(&mut errors, from, parse_listen(&v)));
        let public_url =
            var(PUBLIC_URL_ENV).and_then(|(from, v)| keep(&mut errors, from, parse_url(&v)));
        let data_dir = var(DATA_DIR_ENV).map(|(from, v)| Setting {
            value: PathBuf::from(v),
            from,
        });
        let database_url = var(DATABASE_URL_ENV)
            .and_then(|(from, v)| keep(&mut errors, from, parse_database_url(&v)));
        if errors.is_empty() {
            Ok(Self {
                listen,
                public_url,
                data_dir,
                database_url,
            })
        } else {
            Err(OverrideErrors(errors))
        }
    }

    /// Writes the settings over `raw`'s. A `public_url` the file leaves out
    /// still follows the (overridden) `listen`, as it would in the file.
    pub fn apply(&self, raw: &mut RawConfig) {
        if let Some(s) = &self.listen {
            raw.server.listen = Some(s.value.to_string());
        }
        if let Some(s) = &self.public_url {
            raw.server.public_url = Some(s.value.to_string());
        }
        if let Some(s) = &self.data_dir {
            raw.server.data_dir = Some(s.value.display().to_string());
        }
        if let Some(s) = &self.database_url {
            raw.store.url = Some(s.value.clone());
        }
    }

    /// One line per setting in force, for the startup log.
    pub fn describe(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(s) = &self.listen {
            out.push(format!("server.listen = {} (from {})", s.value, s.from));
        }
        if let Some(s) = &self.public_url {
            out.push(format!("server.public_url = {} (from {})", s.value, s.from));
        }
        if let Some(s) = &self.data_dir {
            out.push(format!(
                "server.data_dir = {} (from {})",
                s.value.display(),
                s.from
            ));
        }
        if let Some(s) = &self.database_url {
            out.push(format!(
                "store.url = {} (from {})",
                without_password(&s.value),
                s.from
            ));
        }
        out
    }
}

fn keep<T>(
    errors: &mut Vec<OverrideError>,
    from: &'static str,
    parsed: Result<T, (String, &'static str)>,
) -> Option<Setting<T>> {
    match parsed {
        Ok(value) => Some(Setting { value, from }),
        Err((message, hint)) => {
            errors.push(OverrideError {
                from,
                message,
                hint,
            });
            None
        }
    }
}

fn parse_listen(v: &str) -> Result<SocketAddr, (String, &'static str)> {
    v.trim().parse().map_err(|_| {
        (
            format!("invalid socket address `{v}`"),
            "an IP address and a port, e.g. `0.0.0.0:8080`, `127.0.0.1:8080` or `[::]:8080`",
        )
    })
}

fn parse_url(v: &str) -> Result<Url, (String, &'static str)> {
    const HINT: &str =
        "the absolute http(s) URL readers reach the service at, e.g. `https://feeds.example.org`";
    match Url::parse(v.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => Ok(u),
        Ok(_) => Err((format!("`{v}` is not an http(s) URL"), HINT)),
        Err(e) => Err((format!("invalid URL `{v}`: {e}"), HINT)),
    }
}

fn parse_database_url(v: &str) -> Result<String, (String, &'static str)> {
    match super::compile::database_url_problem(v) {
        None => Ok(v.trim().to_owned()),
        Some(problem) => Err((
            problem,
            "`postgres://user:password@host:5432/database`; unset it for the embedded SQLite store",
        )),
    }
}

/// `url` with its password (if any) replaced by `***`.
pub fn without_password(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => "(unparsable URL)".to_owned(),
    }
}

static INSTALLED: OnceLock<Overrides> = OnceLock::new();

/// Makes `overrides` apply to every config this process reads from now on
/// ([`super::load`], [`super::parse`]); the first call wins. The command
/// line calls it once, before the config is first read.
pub fn install(overrides: Overrides) {
    let _ = INSTALLED.set(overrides);
}

/// The overrides in force in this process (none unless installed).
pub fn installed() -> Option<&'static Overrides> {
    INSTALLED.get()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn the_flag_wins_over_the_variable_and_empty_counts_as_unset() {
        let o = Overrides::gather(
            Some("0.0.0.0:9000"),
            env(&[(LISTEN_ENV, "127.0.0.1:1"), (PUBLIC_URL_ENV, " ")]),
        )
        .expect("valid");
        let listen = o.listen.expect("listen");
        assert_eq!(listen.value.to_string(), "0.0.0.0:9000");
        assert_eq!(listen.from, "--listen");
        assert!(o.public_url.is_none());
    }

    #[test]
    fn every_bad_value_is_named_with_its_variable() {
        let err = Overrides::gather(
            None,
            env(&[(LISTEN_ENV, "localhost:80"), (PUBLIC_URL_ENV, "feeds")]),
        )
        .expect_err("invalid");
        assert_eq!(
            err.to_string(),
            "PORTALFEED_LISTEN: invalid socket address `localhost:80` (hint: an IP address and a port, e.g. `0.0.0.0:8080`, `127.0.0.1:8080` or `[::]:8080`)\n\
             PORTALFEED_PUBLIC_URL: invalid URL `feeds`: relative URL without a base (hint: the absolute http(s) URL readers reach the service at, e.g. `https://feeds.example.org`)"
        );
        let err = Overrides::gather(Some("nope"), env(&[])).expect_err("invalid flag");
        assert!(
            err.to_string()
                .starts_with("--listen: invalid socket address `nope`")
        );
    }

    #[test]
    fn the_database_url_sets_the_store_and_never_shows_its_password() {
        let url = "postgres://pf:s3cret@db.internal:5432/portalfeed";
        let o = Overrides::gather(None, env(&[(DATABASE_URL_ENV, url)])).expect("valid");
        let text = "[store]\nurl = \"postgres://other@elsewhere/x\"\nlease = \"5s\"\n";
        let c = super::super::parse_with(text, "t.toml", Some(&o)).expect("config");
        assert_eq!(c.store.url.as_deref(), Some(url));
        assert_eq!(c.store.lease.as_secs(), 5, "the file's other keys stay");
        assert_eq!(
            o.describe(),
            [
                "store.url = postgres://pf:***@db.internal:5432/portalfeed (from PORTALFEED_DATABASE_URL)"
            ]
        );
        let err = Overrides::gather(None, env(&[(DATABASE_URL_ENV, "mysql://pf:s3cret@db/x")]))
            .expect_err("not PostgreSQL");
        let msg = err.to_string();
        assert!(
            msg.starts_with("PORTALFEED_DATABASE_URL: not a PostgreSQL URL"),
            "{msg}"
        );
        assert!(!msg.contains("s3cret"), "{msg}");
    }

    #[test]
    fn applied_over_the_file_and_public_url_follows_listen() {
        let text = "[server]\nlisten = \"127.0.0.1:8080\"\ndata_dir = \"data\"\n";
        let o = Overrides::gather(
            None,
            env(&[(LISTEN_ENV, "0.0.0.0:8081"), (DATA_DIR_ENV, "/var/lib/pf")]),
        )
        .expect("valid");
        let c = super::super::parse_with(text, "t.toml", Some(&o)).expect("config");
        assert_eq!(c.server.listen.to_string(), "0.0.0.0:8081");
        assert_eq!(c.server.public_url.as_str(), "http://0.0.0.0:8081/");
        assert_eq!(
            c.server.data_dir.as_deref(),
            Some(std::path::Path::new("/var/lib/pf"))
        );
        let o = Overrides::gather(None, env(&[(PUBLIC_URL_ENV, "https://feeds.test/pf")]))
            .expect("valid");
        let c = super::super::parse_with(text, "t.toml", Some(&o)).expect("config");
        assert_eq!(c.server.public_url.as_str(), "https://feeds.test/pf");
        assert_eq!(c.server.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(
            o.describe(),
            ["server.public_url = https://feeds.test/pf (from PORTALFEED_PUBLIC_URL)"]
        );
    }
}
