//! [`RawConfig`] -> [`Config`]: every rule checked, selectors compiled, URLs
//! parsed, settings resolved defaults -> site -> section. Every problem is
//! collected, none stops the others.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use super::fields::{self, FieldKind};
use super::path::{KeyPath, Problem};
use super::raw::{RawArticle, RawConfig, RawServer, RawSettings, RawSite, RawStore};
use super::sections::sections;
use super::spec::{ArticleSpec, Config, DEFAULT_LEASE, ServerSpec, Settings, SiteSpec, StoreSpec};
use super::values::{self as v, Ctx};
use crate::model::SiteId;

/// Checks and compiles `raw`. The problems carry key paths, no positions
/// (the admin API compiles raw sections that come from JSON).
pub fn compile(raw: &RawConfig) -> Result<Config, Vec<Problem>> {
    compile_with(raw, &[])
}

/// [`compile`], quiet about the values at `removed` (dropped as type errors).
pub(super) fn compile_with(raw: &RawConfig, removed: &[KeyPath]) -> Result<Config, Vec<Problem>> {
    let mut ctx = Ctx::new(removed);
    let root = KeyPath::root();
    let server = server(&mut ctx, &root.key("server"), &raw.server);
    let store = store(&mut ctx, &root.key("store"), &raw.store);
    let defaults = settings(
        &mut ctx,
        &root.key("defaults"),
        &Settings::default(),
        &raw.defaults,
    );
    let sites_path = root.key("sites");
    let mut sites = Vec::new();
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (i, site) in raw.sites.iter().enumerate() {
        let path = sites_path.index(i);
        if let Some(id) = &site.id {
            if let Some((_, first)) = seen.iter().find(|(s, _)| s == id) {
                ctx.push(
                    Problem::new(path.key("id"), format!("duplicate site id `{id}`")).hint(
                        format!("sites[{first}] already uses it; site ids must be unique"),
                    ),
                );
            } else {
                seen.push((id.clone(), i));
            }
        }
        sites.push(compile_site(&mut ctx, &path, &defaults, site));
    }
    let problems = ctx.problems;
    match (server, sites.into_iter().collect::<Option<Vec<_>>>()) {
        (Some(server), Some(sites)) if problems.is_empty() => Ok(Config {
            server,
            store,
            sites,
        }),
        // Only a value dropped as a type error (reported by the caller) got here.
        _ if problems.is_empty() && removed.is_empty() => {
            Err(vec![Problem::new(root, "the config is invalid")])
        }
        _ => Err(problems),
    }
}

fn server(ctx: &mut Ctx<'_>, path: &KeyPath, raw: &RawServer) -> Option<ServerSpec> {
    let listen = match &raw.listen {
        None => Some(SocketAddr::from(([127, 0, 0, 1], 8080))),
        Some(s) => s.trim().parse::<SocketAddr>().ok().or_else(|| {
            ctx.push(
                Problem::new(path.key("listen"), format!("invalid socket address `{s}`"))
                    .hint("an IP address and a port, e.g. `127.0.0.1:8080` or `[::]:8080`"),
            );
            None
        }),
    };
    let public_url = match (&raw.public_url, listen) {
        (Some(s), _) => v::http_url(ctx, &path.key("public_url"), s),
        (None, Some(addr)) => v::http_url(ctx, &path.key("listen"), &format!("http://{addr}")),
        (None, None) => None,
    };
    let data_dir = match &raw.data_dir {
        None => Some(None),
        Some(d) if d.trim().is_empty() => {
            ctx.push(
                Problem::new(path.key("data_dir"), "must not be empty")
                    .hint("omit `data_dir` to keep the store in memory only"),
            );
            None
        }
        Some(d) => Some(Some(PathBuf::from(d))),
    };
    let admin_token_env = match &raw.admin_token_env {
        None => Some(None),
        Some(name) if is_env_name(name) => Some(Some(name.clone())),
        Some(name) => {
            ctx.push(
                Problem::new(
                    path.key("admin_token_env"),
                    format!("invalid variable name `{name}`"),
                )
                .hint("the name of an environment variable, e.g. `PORTALFEED_ADMIN_TOKEN`"),
            );
            None
        }
    };
    let max_concurrent_fetches = match raw.max_concurrent_fetches {
        None => Some(8),
        Some(n) => v::int_in(
            ctx,
            &path.key("max_concurrent_fetches"),
            n,
            1..=i64::from(u16::MAX),
        )
        .and_then(|n| usize::try_from(n).ok()),
    };
    let cache_size = match &raw.cache_size {
        None => Some(super::spec::DEFAULT_CACHE_SIZE),
        Some(b) => v::size(ctx, &path.key("cache_size"), b),
    };
    Some(ServerSpec {
        cache_size: cache_size?,
        listen: listen?,
        public_url: public_url?,
        data_dir: data_dir?,
        admin_token_env: admin_token_env?,
        max_concurrent_fetches: max_concurrent_fetches?,
    })
}

fn store(ctx: &mut Ctx<'_>, path: &KeyPath, raw: &RawStore) -> StoreSpec {
    if let Some(problem) = raw.url.as_deref().and_then(database_url_problem) {
        ctx.push(Problem::new(path.key("url"), problem).hint(
            "`postgres://user:password@host:5432/database`; omit `url` for the embedded SQLite store",
        ));
    }
    let lease = raw
        .lease
        .as_deref()
        .and_then(|d| v::duration(ctx, &path.key("lease"), d, Duration::from_secs(1)))
        .unwrap_or(DEFAULT_LEASE);
    StoreSpec {
        url: raw.url.as_deref().map(|u| u.trim().to_owned()),
        lease,
    }
}

/// What is wrong with a PostgreSQL connection URL, if anything (the
/// message never repeats the URL: it may hold a password).
pub fn database_url_problem(url: &str) -> Option<String> {
    let url = url.trim();
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Some("not a PostgreSQL URL (it must start with `postgres://`)".to_owned());
    }
    match url.parse::<tokio_postgres::Config>() {
        Ok(_) => None,
        Err(e) => Some(format!("invalid PostgreSQL URL: {e}")),
    }
}

fn is_env_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `base` with the keys of `raw` (at `path`) applied. A wrong value is
/// reported and leaves the inherited one.
pub(super) fn settings(
    ctx: &mut Ctx<'_>,
    path: &KeyPath,
    base: &Settings,
    raw: &RawSettings,
) -> Settings {
    let mut s = base.clone();
    if let Some(d) = raw.interval.as_deref() {
        let min = Duration::from_secs(10);
        s.interval = v::duration(ctx, &path.key("interval"), d, min).unwrap_or(s.interval);
    }
    if let Some(n) = raw.max_items {
        let n = v::int_in(ctx, &path.key("max_items"), n, 1..=10_000);
        s.max_items = n
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(s.max_items);
    }
    if let Some(d) = raw.timeout.as_deref() {
        let min = Duration::from_millis(1);
        s.timeout = v::duration(ctx, &path.key("timeout"), d, min).unwrap_or(s.timeout);
    }
    if let Some(ua) = raw.user_agent.as_deref() {
        s.user_agent = v::header_value(ctx, &path.key("user_agent"), ua).unwrap_or(s.user_agent);
    }
    if let Some(d) = raw.min_delay.as_deref() {
        s.min_delay =
            v::duration(ctx, &path.key("min_delay"), d, Duration::ZERO).unwrap_or(s.min_delay);
    }
    s.fetch_articles = raw.fetch_articles.unwrap_or(s.fetch_articles);
    s.obey_robots = raw.obey_robots.unwrap_or(s.obey_robots);
    if let Some(b) = &raw.max_body {
        s.max_body = v::size(ctx, &path.key("max_body"), b).unwrap_or(s.max_body);
    }
    s.allow_private = raw.allow_private.unwrap_or(s.allow_private);
    if let Some(d) = raw.scrape_deadline.as_deref() {
        let min = Duration::from_millis(1);
        s.scrape_deadline =
            v::duration(ctx, &path.key("scrape_deadline"), d, min).or(s.scrape_deadline);
    }
    if let Some(b) = &raw.max_content {
        s.max_content = v::size(ctx, &path.key("max_content"), b)
            .and_then(|b| usize::try_from(b).ok())
            .unwrap_or(s.max_content);
    }
    s
}

fn compile_site(
    ctx: &mut Ctx<'_>,
    path: &KeyPath,
    defaults: &Settings,
    raw: &RawSite,
) -> Option<SiteSpec> {
    let id = ctx
        .required(
            &path.key("id"),
            raw.id.as_ref(),
            "a slug used in feed URLs, e.g. `hengyang`",
        )
        .and_then(|id| v::slug(ctx, &path.key("id"), id))
        .and_then(|id| SiteId::new(&id));
    let title = ctx
        .required(
            &path.key("title"),
            raw.title.as_ref(),
            "the site's name, shown in feed titles",
        )
        .and_then(|t| v::title(ctx, &path.key("title"), t));
    let url = ctx
        .required(
            &path.key("url"),
            raw.url.as_ref(),
            "the portal's home page, e.g. `http://www.example.gov.cn/`",
        )
        .and_then(|u| v::http_url(ctx, &path.key("url"), u));
    let timezone = match &raw.timezone {
        None => Some(chrono_tz::UTC),
        Some(tz) => v::timezone(ctx, &path.key("timezone"), tz),
    };
    let language = match &raw.language {
        None => Some(None),
        Some(l) => v::language(ctx, &path.key("language"), l).map(Some),
    };
    let encoding = match &raw.encoding {
        None => Some(None),
        Some(e) => v::encoding(ctx, &path.key("encoding"), e).map(Some),
    };
    let article = match &raw.article {
        None => Some(None),
        Some(a) => article(ctx, &path.key("article"), a).map(Some),
    };
    let settings = settings(ctx, path, defaults, &raw.settings());
    let sections = sections(
        ctx,
        path,
        &settings,
        article.as_ref().and_then(Option::as_ref),
        &raw.sections,
    );
    Some(SiteSpec {
        id: id?,
        title: title?,
        url: url?,
        timezone: timezone?,
        language: language?,
        encoding: encoding?,
        article: article?,
        settings,
        sections: sections?,
    })
}

/// `[sites.article]` or `[sites.sections.article]`.
pub(super) fn article(ctx: &mut Ctx<'_>, path: &KeyPath, raw: &RawArticle) -> Option<ArticleSpec> {
    let mut field = |key: &str, f: &Option<super::raw::RawField>, kind| match f {
        None => Some(None),
        Some(f) => fields::field(ctx, &path.key(key), f, kind).map(Some),
    };
    let title = field("title", &raw.title, FieldKind::Text);
    let content = field("content", &raw.content, FieldKind::Text);
    let date = field("date", &raw.date, FieldKind::Date);
    let author = field("author", &raw.author, FieldKind::Text);
    let remove_path = path.key("remove");
    let remove: Vec<_> = raw
        .remove
        .iter()
        .enumerate()
        .map(|(i, css)| fields::css(ctx, &remove_path.index(i), css))
        .collect();
    Some(ArticleSpec {
        title: title?,
        content: content?,
        date: date?,
        author: author?,
        remove: remove.into_iter().collect::<Option<Vec<_>>>()?,
    })
}
