//! Runtime specs: the config after validation, with selectors compiled and
//! URLs parsed, so nothing fails mid-scrape for a reason the config could show.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use chrono_tz::Tz;
use encoding_rs::Encoding;
use regex::Regex;
use url::Url;

use crate::model::{SectionId, SiteId};

/// The whole validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// `[server]`.
    pub server: ServerSpec,
    /// `[store]`.
    pub store: StoreSpec,
    /// `[[sites]]`, in file order.
    pub sites: Vec<SiteSpec>,
}

impl Config {
    /// The site with this id.
    pub fn site(&self, id: &str) -> Option<&SiteSpec> {
        self.sites.iter().find(|s| s.id.as_str() == id)
    }

    /// One line for logs and `check`: `2 sites, 11 sections (8 scraped, 3 groups)`.
    pub fn summary(&self) -> String {
        let sections = self.sites.iter().flat_map(|s| &s.sections);
        let (total, groups) =
            sections.fold((0, 0), |(t, g), s| (t + 1, g + usize::from(s.is_group())));
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        format!(
            "{}, {} ({} scraped, {})",
            plural(self.sites.len(), "site"),
            plural(total, "section"),
            total - groups,
            plural(groups, "group"),
        )
    }
}

/// `[store]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreSpec {
    /// A PostgreSQL URL: the store several instances share. `None`: SQLite
    /// in `server.data_dir` (in memory without it).
    pub url: Option<String>,
    /// How long a scrape lease lasts unless renewed.
    pub lease: Duration,
}

impl Default for StoreSpec {
    fn default() -> Self {
        Self {
            url: None,
            lease: DEFAULT_LEASE,
        }
    }
}

/// `[store] lease` when unset.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);

/// `[server]`.
#[derive(Debug, Clone)]
pub struct ServerSpec {
    /// Address the service listens on.
    pub listen: SocketAddr,
    /// Base of self links in feeds (no trailing slash needed).
    pub public_url: Url,
    /// Where the store's snapshot lives; `None` keeps it in memory only.
    pub data_dir: Option<PathBuf>,
    /// Name of the env var that holds the admin token.
    pub admin_token_env: Option<String>,
    /// Global cap on concurrent fetches.
    pub max_concurrent_fetches: usize,
    /// Bytes of rendered feeds the render cache holds at most.
    pub cache_size: u64,
}

/// `[server] cache_size` when unset: with three formats in three encodings
/// each, room for every feed of ~500 sections of 20 full-text entries.
pub const DEFAULT_CACHE_SIZE: u64 = 64 * 1024 * 1024;

impl ServerSpec {
    /// `public_url` without its trailing slash: the base of every link the
    /// service prints (`{base}/feeds/...`).
    pub fn base_url(&self) -> &str {
        self.public_url.as_str().trim_end_matches('/')
    }
}

/// The settings every site and section may override (`[defaults]`),
/// resolved for one section: defaults, then site, then section.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// How often the section is scraped.
    pub interval: Duration,
    /// How many entries the section keeps and serves.
    pub max_items: usize,
    /// Timeout of one request.
    pub timeout: Duration,
    /// `User-Agent` sent to the portal.
    pub user_agent: String,
    /// Least time between two requests to one host.
    pub min_delay: Duration,
    /// Whether each entry's article page is fetched for the full text.
    pub fetch_articles: bool,
    /// Whether `robots.txt` is obeyed.
    pub obey_robots: bool,
    /// Largest body read from the portal, in bytes.
    pub max_body: u64,
    /// Whether portal URLs, redirects and article links may reach
    /// loopback, private, link-local, CGNAT, unspecified or multicast
    /// addresses (`false`: refused).
    pub allow_private: bool,
    /// Most time one scrape may spend parsing its pages (waiting for a
    /// parser thread included); `None`: four times `timeout`.
    pub scrape_deadline: Option<Duration>,
    /// Largest entry content kept, in bytes of HTML (longer is cut).
    pub max_content: usize,
}

impl Settings {
    /// The parse deadline of one scrape: `scrape_deadline`, else four
    /// times `timeout`.
    pub fn parse_deadline(&self) -> Duration {
        self.scrape_deadline
            .unwrap_or(self.timeout.saturating_mul(4))
    }
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(15 * 60),
            max_items: 50,
            timeout: Duration::from_secs(20),
            user_agent: concat!(
                "portalfeed/",
                env!("CARGO_PKG_VERSION"),
                " (+https://github.com/portalfeed/portalfeed)"
            )
            .to_owned(),
            min_delay: Duration::from_secs(1),
            fetch_articles: true,
            obey_robots: true,
            max_body: 10 * 1024 * 1024,
            allow_private: false,
            scrape_deadline: None,
            max_content: 1024 * 1024,
        }
    }
}

/// One `[[sites]]` entry.
#[derive(Debug, Clone)]
pub struct SiteSpec {
    /// URL slug.
    pub id: SiteId,
    /// Human title (feed titles start with it).
    pub title: String,
    /// The portal's home page (the feeds' `alternate` link).
    pub url: Url,
    /// Zone of dates printed without an offset.
    pub timezone: Tz,
    /// Feed language (`en`, `zh-CN`).
    pub language: Option<String>,
    /// Forced charset; `None` detects it.
    pub encoding: Option<&'static Encoding>,
    /// How to read an article page; `None` keeps list data only.
    pub article: Option<ArticleSpec>,
    /// The site's own settings (sections start from these).
    pub settings: Settings,
    /// Sections and groups, in file order.
    pub sections: Vec<SectionSpec>,
}

impl SiteSpec {
    /// The section with this id.
    pub fn section(&self, id: &str) -> Option<&SectionSpec> {
        self.sections.iter().find(|s| s.id.as_str() == id)
    }

    /// The direct children of `parent`.
    pub fn children<'a>(&'a self, parent: &'a SectionId) -> impl Iterator<Item = &'a SectionSpec> {
        self.sections
            .iter()
            .filter(move |s| s.parent.as_ref() == Some(parent))
    }

    /// `id` and every section below it that has a URL (what its feed merges).
    pub fn scraped_sections_under(&self, id: &SectionId) -> Vec<&SectionSpec> {
        let mut out = Vec::new();
        let mut stack = vec![id.clone()];
        while let Some(cur) = stack.pop() {
            if let Some(s) = self.section(cur.as_str()) {
                if s.source.is_some() {
                    out.push(s);
                }
                stack.extend(self.children(&s.id).map(|c| c.id.clone()));
            }
        }
        out
    }
}

/// How an article page is read (`[sites.article]`).
#[derive(Debug, Clone)]
pub struct ArticleSpec {
    /// The article's title.
    pub title: Option<FieldSelector>,
    /// The article body; its inner HTML becomes the entry's content.
    pub content: Option<FieldSelector>,
    /// Any text that holds the date.
    pub date: Option<FieldSelector>,
    /// The author or source.
    pub author: Option<FieldSelector>,
    /// Elements dropped from the content first.
    pub remove: Vec<CssSelector>,
}

/// One `[[sites.sections]]` entry.
#[derive(Debug, Clone)]
pub struct SectionSpec {
    /// URL slug, unique in its site.
    pub id: SectionId,
    /// Human title (also the entries' category).
    pub title: String,
    /// The group this section belongs to.
    pub parent: Option<SectionId>,
    /// Where and how entries are scraped; `None` for a group.
    pub source: Option<SourceSpec>,
    /// Article rules for this section (its own, else the site's).
    pub article: Option<ArticleSpec>,
    /// Resolved settings.
    pub settings: Settings,
}

impl SectionSpec {
    /// True for a section with no URL of its own.
    pub fn is_group(&self) -> bool {
        self.source.is_none()
    }
}

/// Where a section's list lives and how to read it.
#[derive(Debug, Clone)]
pub struct SourceSpec {
    /// First list page.
    pub url: Url,
    /// How many list pages to follow (1 = only `url`).
    pub pages: u32,
    /// The "next page" link.
    pub next_page: Option<FieldSelector>,
    /// URL template of the later list pages (`index_{i}.html`).
    pub page_url: Option<PageTemplate>,
    /// The list selectors.
    pub list: ListSpec,
}

/// `[sites.sections.list]`.
#[derive(Debug, Clone)]
pub struct ListSpec {
    /// One match per entry.
    pub item: CssSelector,
    /// The entry's link (`href` unless `attr` says otherwise).
    pub link: FieldSelector,
    /// The entry's title.
    pub title: FieldSelector,
    /// Text holding the entry's date.
    pub date: Option<FieldSelector>,
    /// The entry's summary.
    pub summary: Option<FieldSelector>,
    /// The entry's author or publishing department.
    pub author: Option<FieldSelector>,
    /// The entry's category.
    pub category: Option<FieldSelector>,
}

/// A `page_url` template: `{i}` is the 0-based page index, `{p}` the
/// 1-based page number; resolved against the section's URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageTemplate(String);

impl PageTemplate {
    /// Checks that `template` names the page (`{i}` or `{p}`) and resolves
    /// against `base` once filled in.
    pub fn parse(template: &str, base: Option<&Url>) -> Result<Self, String> {
        if !template.contains("{i}") && !template.contains("{p}") {
            return Err(format!(
                "`{template}` names no page: use `{{i}}` (0-based index) or `{{p}}` (1-based number)"
            ));
        }
        let t = Self(template.to_owned());
        if let Some(base) = base {
            if t.url(base, 1).is_none() {
                return Err(format!("`{template}` does not give a URL against {base}"));
            }
        }
        Ok(t)
    }

    /// As written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The URL of the page with 0-based `index`, resolved against `base`.
    pub fn url(&self, base: &Url, index: usize) -> Option<Url> {
        let filled = self
            .0
            .replace("{i}", &index.to_string())
            .replace("{p}", &(index + 1).to_string());
        base.join(&filled)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
    }
}

/// A compiled CSS selector that remembers its source text.
#[derive(Debug, Clone)]
pub struct CssSelector {
    /// As written in the config.
    pub source: String,
    /// Compiled.
    pub selector: scraper::Selector,
}

impl CssSelector {
    /// Compiles `source`; the error says what the parser disliked.
    pub fn parse(source: &str) -> Result<Self, String> {
        if source.trim().is_empty() {
            return Err("empty CSS selector".to_owned());
        }
        scraper::Selector::parse(source)
            .map(|selector| Self {
                source: source.to_owned(),
                selector,
            })
            .map_err(|e| format!("invalid CSS selector `{source}`: {}", describe(&e)))
    }
}

/// One line about a selector error (scraper's own text spans lines for
/// some kinds).
fn describe(e: &scraper::error::SelectorErrorKind) -> String {
    use scraper::error::SelectorErrorKind as K;
    match e {
        K::UnexpectedSelectorParseError(kind) => {
            // `DanglingCombinator` -> `dangling combinator`, data kept as is.
            let debug = format!("{kind:?}");
            let (name, data) = debug.split_at(debug.find('(').unwrap_or(debug.len()));
            let mut words = String::new();
            for c in name.chars() {
                if c.is_ascii_uppercase() && !words.is_empty() {
                    words.push(' ');
                }
                words.push(c.to_ascii_lowercase());
            }
            words + data
        }
        other => {
            let text = other.to_string();
            let mut chars = text.chars();
            chars
                .next()
                .map(|c| c.to_lowercase().chain(chars).collect())
                .unwrap_or(text)
        }
    }
}

/// A field selector: CSS plus how to turn the first match into a value.
#[derive(Debug, Clone)]
pub struct FieldSelector {
    /// Which element.
    pub css: CssSelector,
    /// Take this attribute instead of the text.
    pub attr: Option<String>,
    /// Keep the first capture group (or the whole match) of this regex.
    pub regex: Option<Regex>,
    /// Explicit date formats (chrono `strftime`), tried before detection.
    pub formats: Vec<String>,
    /// Only elements whose text contains this.
    pub contains: Option<String>,
    /// Only elements whose text matches this.
    pub matches: Option<Regex>,
    /// Descendants dropped before the text is read.
    pub exclude: Vec<CssSelector>,
}

impl FieldSelector {
    /// A plain CSS field selector (text of the first match).
    pub fn css(source: &str) -> Result<Self, String> {
        Ok(Self {
            css: CssSelector::parse(source)?,
            attr: None,
            regex: None,
            formats: Vec::new(),
            contains: None,
            matches: None,
            exclude: Vec::new(),
        })
    }
}
