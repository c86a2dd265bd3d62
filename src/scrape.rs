//! One scrape of one section: fetch the list pages, extract the items,
//! fetch each article, normalize everything into entries, and say what
//! happened in one [`ScrapeReport`] (or [`ScrapeError`]) that the
//! scheduler, the `scrape` command and the admin preview only present.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::Serialize;
use url::Url;

use crate::config::spec::{SectionSpec, SiteSpec};
use crate::extract::{self, RawArticle};
use crate::fetch::{FetchError, FetchOutcome, FetchRequest, Fetcher, Page, Validators};
use crate::model::{Entry, EntryId};
use crate::normalize::dating::{Dating, Slot};
use crate::normalize::{self, limits};
use crate::parse::{self, Budget, ParseError};

mod paging;

pub use paging::ScriptPager;

/// Why a section could not be scraped.
#[derive(Debug, thiserror::Error)]
pub enum ScrapeError {
    /// The section is a group: it has no URL of its own.
    #[error("section `{section}` is a group with no url of its own; scrape its children")]
    Group {
        /// The group's id.
        section: String,
    },
    /// The first list page could not be fetched.
    #[error("list page: {0}")]
    Fetch(#[from] FetchError),
    /// The first list page could not be parsed: nested too deep, or the
    /// scrape's parse deadline ran out.
    #[error("list page {url}: {source}")]
    Parse {
        /// The list page.
        url: String,
        /// Why.
        #[source]
        source: ParseError,
    },
    /// The scrape's parse deadline ran out while its articles were read.
    #[error("articles: {0}")]
    OutOfTime(ParseError),
    /// The list page was fetched but the item selector matched nothing.
    #[error(
        "selector matched nothing: list.item `{selector}` found no entries on {url}; \
         the page layout may have changed (try `portalfeed scrape` and fix the selector)"
    )]
    NothingMatched {
        /// The `list.item` selector.
        selector: String,
        /// The list page.
        url: String,
    },
    /// Items matched, but none had a link that makes an entry.
    #[error(
        "selector matched nothing usable: {matched} list item(s) matched but none had a usable link (list.link `{selector}`)"
    )]
    NoUsableLink {
        /// Items matched on the list pages.
        matched: usize,
        /// The `list.link` selector.
        selector: String,
    },
}

impl ScrapeError {
    /// A short name of the kind: `group`, `fetch`, `parse`, `out_of_time`,
    /// `nothing_matched`, `no_usable_link`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Group { .. } => "group",
            Self::Fetch(_) => "fetch",
            Self::Parse { .. } => "parse",
            Self::OutOfTime(_) => "out_of_time",
            Self::NothingMatched { .. } => "nothing_matched",
            Self::NoUsableLink { .. } => "no_usable_link",
        }
    }

    /// The config key to fix: `url`, `list.item`, `list.link`; `None` when
    /// no key is to blame (the deadline ran out).
    pub fn field(&self) -> Option<&'static str> {
        match self {
            Self::Group { .. } | Self::Fetch(_) | Self::Parse { .. } => Some("url"),
            Self::NothingMatched { .. } => Some("list.item"),
            Self::NoUsableLink { .. } => Some("list.link"),
            Self::OutOfTime(_) => None,
        }
    }
}

/// What a scrape may reuse from the previous ones.
#[derive(Debug, Default, Clone)]
pub struct Previous {
    /// Validators of the first list page from the last scrape.
    pub list_validators: Option<Validators>,
    /// Entries already known, by id: their article is not fetched again
    /// unless the list shows a new title.
    pub entries: HashMap<EntryId, Entry>,
    /// The section was scraped before: a new undated entry takes the time
    /// it was first seen instead of a date estimated from its neighbours.
    pub section_known: bool,
}

/// How to scrape.
#[derive(Debug, Clone, Copy)]
pub struct ScrapeOptions {
    /// Fetch article pages (the section's `fetch_articles` and no `--no-articles`).
    pub fetch_articles: bool,
    /// The time of the scrape (first-seen time of new entries).
    pub now: DateTime<Utc>,
    /// Fetch at most this many article pages (`usize::MAX`: all).
    pub article_limit: usize,
}

/// A problem with one field of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldProblem {
    /// `title`, `link`, `date`, `summary`, `article`, `article.content`, …
    pub field: &'static str,
    /// What went wrong.
    pub problem: String,
}

/// Something about the whole scrape that did not stop it: paging ended
/// early, a page's charset did not fit its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// `paging` or `charset`.
    pub kind: &'static str,
    /// The 1-based list page it is about.
    pub page: Option<usize>,
    /// That page's URL.
    pub url: Option<String>,
    /// What happened and what it means.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.page, &self.url) {
            (Some(page), Some(url)) => write!(f, "page {page} ({url}): {}", self.message),
            (Some(page), None) => write!(f, "page {page}: {}", self.message),
            (None, Some(url)) => write!(f, "{url}: {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

/// The diagnosis of one list item.
#[derive(Debug, Clone, Serialize)]
pub struct ItemReport {
    /// The item's link (canonical) or, failing that, its raw link text.
    pub link: Option<String>,
    /// The item's title, if any.
    pub title: Option<String>,
    /// The 1-based list page it is on.
    pub page: usize,
    /// Missing or unparsable fields.
    pub problems: Vec<FieldProblem>,
    /// What the list selectors found, as found.
    pub raw: extract::RawItem,
    /// What the article selectors found, when the article was fetched.
    pub article: Option<RawArticle>,
    /// The entry it became, if any.
    pub entry_id: Option<EntryId>,
}

/// Everything a scrape found out.
#[derive(Debug, Clone, Serialize)]
pub struct ScrapeReport {
    /// List pages read (URL and items matched on each).
    pub pages: Vec<(String, usize)>,
    /// One per list item, in page order.
    pub items: Vec<ItemReport>,
    /// What did not stop the scrape but should be known: paging that ended
    /// early, charset corrections.
    pub warnings: Vec<Warning>,
    /// Article pages fetched.
    pub articles_fetched: usize,
    /// Items left out: past the first `max_items` in page order.
    pub left_out: usize,
    /// Validators of the first list page, to send next time.
    pub list_validators: Validators,
    /// The entries, deduplicated by id, newest first.
    #[serde(skip)]
    pub entries: Vec<Entry>,
}

impl ScrapeReport {
    /// Items matched on all list pages.
    pub fn matched(&self) -> usize {
        self.pages.iter().map(|(_, n)| n).sum()
    }

    /// Every field problem as one line: `item 3 (link): date: …`.
    pub fn problem_lines(&self) -> Vec<String> {
        self.items
            .iter()
            .enumerate()
            .flat_map(|(i, item)| {
                let name = item
                    .title
                    .as_deref()
                    .or(item.link.as_deref())
                    .unwrap_or("(no title, no link)")
                    .to_owned();
                item.problems
                    .iter()
                    .map(move |p| format!("item {}: {name}: {}: {}", i + 1, p.field, p.problem))
            })
            .collect()
    }

    /// Every warning as one line.
    pub fn warning_lines(&self) -> Vec<String> {
        self.warnings.iter().map(ToString::to_string).collect()
    }
}

/// The result of a scrape that did not fail.
#[derive(Debug, Clone)]
pub enum ScrapeOutcome {
    /// The first list page answered `304`: nothing changed.
    NotModified,
    /// Fresh entries.
    Scraped(ScrapeReport),
}

/// Scrapes `section` of `site` once: the list pages ([`paging`]), each
/// item's article, the entries and their dates in portal order.
///
/// Only the first list page can fail the scrape; a later page that fails
/// to load or shows no items ends the paging with a [`Warning`], and the
/// entries of the pages before it are kept.
pub async fn scrape_section(
    fetcher: &Fetcher,
    site: &SiteSpec,
    section: &SectionSpec,
    previous: &Previous,
    opts: ScrapeOptions,
) -> Result<ScrapeOutcome, ScrapeError> {
    let source = section.source.as_ref().ok_or_else(|| ScrapeError::Group {
        section: section.id.to_string(),
    })?;
    let settings = &section.settings;
    let budget = Budget::new(settings.parse_deadline());

    let mut report = ScrapeReport {
        pages: Vec::new(),
        items: Vec::new(),
        warnings: Vec::new(),
        articles_fetched: 0,
        left_out: 0,
        list_validators: Validators::default(),
        entries: Vec::new(),
    };
    let mut pager = paging::Pager::new(source);
    let mut seen_pages: HashSet<Url> = HashSet::new();
    let mut next = Some(source.url.clone());
    // (item, the URL its links resolve against, 1-based page number)
    let mut raw_items = Vec::new();
    while let Some(url) = next.take() {
        let index = report.pages.len();
        let number = index + 1;
        // Pages enough for `max_items` items are all a scrape considers.
        if raw_items.len() >= settings.max_items {
            break;
        }
        if !seen_pages.insert(url.clone()) {
            report.warnings.push(Warning {
                kind: "paging",
                page: Some(number),
                url: Some(url.to_string()),
                message: "already read (the pager points back); paging stopped".to_owned(),
            });
            break;
        }
        let first = index == 0;
        let req = FetchRequest {
            url: &url,
            settings,
            encoding: site.encoding,
            validators: if first {
                previous.list_validators.as_ref()
            } else {
                None
            },
        };
        let page = match fetcher.get(&req).await {
            Err(e) if first => return Err(e.into()),
            Err(e) => {
                report.warnings.push(Warning {
                    kind: "paging",
                    page: Some(number),
                    url: Some(url.to_string()),
                    message: format!(
                        "{e}; paging stopped, the entries of the {index} page(s) before it are kept"
                    ),
                });
                break;
            }
            Ok(FetchOutcome::NotModified) if first => return Ok(ScrapeOutcome::NotModified),
            // A later page cannot be conditional; treat a stray 304 as the end.
            Ok(FetchOutcome::NotModified) => break,
            Ok(FetchOutcome::Page(page)) => page,
        };
        let mut page = page;
        if first {
            report.list_validators = page.validators.clone();
        }
        if let Some(note) = &page.charset_note {
            report.warnings.push(Warning {
                kind: "charset",
                page: Some(number),
                url: Some(page.url.to_string()),
                message: note.to_string(),
            });
        }
        // The pager reads the script pager from the raw HTML; the parser
        // takes the page.
        let script = (index == 0)
            .then(|| paging::ScriptPager::find(&page.html))
            .flatten();
        let html = std::mem::take(&mut page.html);
        let list =
            match parse::list_page(&budget, html, &source.list, source.next_page.as_ref()).await {
                Ok(list) => list,
                Err(source) if first => {
                    return Err(ScrapeError::Parse {
                        url: page.url.to_string(),
                        source,
                    });
                }
                Err(e) => {
                    report.warnings.push(Warning {
                    kind: "paging",
                    page: Some(number),
                    url: Some(page.url.to_string()),
                    message: format!(
                        "{e}; paging stopped, the entries of the {index} page(s) before it are kept"
                    ),
                });
                    break;
                }
            };
        let base = page_base(&page, list.base_href.as_deref());
        if list.items.is_empty() {
            if first {
                return Err(ScrapeError::NothingMatched {
                    selector: source.list.item.source.clone(),
                    url: page.url.to_string(),
                });
            }
            report.warnings.push(Warning {
                kind: "paging",
                page: Some(number),
                url: Some(page.url.to_string()),
                message: format!(
                    "list.item `{}` matched nothing; paging stopped, the entries of the {index} page(s) before it are kept",
                    source.list.item.source
                ),
            });
            break;
        }
        report.pages.push((page.url.to_string(), list.items.len()));
        match pager.next(index, script, list.next_page.as_deref(), &base) {
            paging::Next::Page(url) => next = Some(url),
            paging::Next::Done => {}
            paging::Next::Stopped(why) => report.warnings.push(Warning {
                kind: "paging",
                page: Some(number),
                url: Some(page.url.to_string()),
                message: why,
            }),
        }
        raw_items.extend(
            list.items
                .into_iter()
                .map(|item| (item, base.clone(), number)),
        );
    }

    let mut seen_ids = HashSet::new();
    // (entry, how its date stands, index of its item report)
    let mut built_entries = Vec::new();
    let total = raw_items.len();
    let mut considered = 0;
    for (n, (item, base, page)) in raw_items.into_iter().enumerate() {
        // At most `max_items` items per scrape, in page order: a list of
        // 100,000 items starts no more article fetches than a list of 50.
        if considered >= settings.max_items {
            report.left_out = total - n;
            break;
        }
        let url = item
            .link
            .as_deref()
            .and_then(|href| normalize::canonical_url(&base, href));
        if let Some(url) = &url {
            if !seen_ids.insert(EntryId(url.to_string())) {
                // The same article listed twice (tracking parameters, fragments):
                // one entry, one article fetch.
                report.items.push(ItemReport {
                    link: Some(url.to_string()),
                    title: item.title.as_deref().map(normalize::fold_whitespace),
                    page,
                    problems: vec![FieldProblem {
                        field: "link",
                        problem: "duplicate of an earlier item (same canonical URL); skipped"
                            .to_owned(),
                    }],
                    raw: item,
                    article: None,
                    entry_id: None,
                });
                continue;
            }
        }
        considered += 1;
        let built = build_item(
            fetcher,
            &budget,
            site,
            section,
            previous,
            opts,
            &item,
            url,
            &mut report,
        )
        .await;
        report.items.push(ItemReport {
            link: built
                .entry
                .as_ref()
                .map(|e| e.url.clone())
                .or_else(|| item.link.clone()),
            title: built
                .entry
                .as_ref()
                .map(|e| e.title.clone())
                .or(item.title.clone()),
            page,
            problems: built.problems,
            raw: item,
            article: built.article,
            entry_id: built.entry.as_ref().map(|e| e.id.clone()),
        });
        if let Some(entry) = built.entry {
            built_entries.push((entry, built.dating, report.items.len() - 1));
        }
        if budget.left().is_zero() {
            return Err(ScrapeError::OutOfTime(ParseError::Deadline {
                limit: settings.parse_deadline(),
            }));
        }
    }
    if built_entries.is_empty() {
        return Err(ScrapeError::NoUsableLink {
            matched: report.matched(),
            selector: source.list.link.css.source.clone(),
        });
    }
    settle_dates(site, previous, opts, &mut built_entries, &mut report);
    report.entries = built_entries
        .into_iter()
        .enumerate()
        .map(|(position, (mut entry, _, _))| {
            entry.position = u32::try_from(position).unwrap_or(u32::MAX);
            entry
        })
        .collect();
    crate::model::sort_newest_first(&mut report.entries);
    report.entries.truncate(settings.max_items);
    Ok(ScrapeOutcome::Scraped(report))
}

/// Dates that need the neighbours ([`normalize::dating::settle`]), with
/// what was estimated written to the items' problems.
fn settle_dates(
    site: &SiteSpec,
    previous: &Previous,
    opts: ScrapeOptions,
    built: &mut [(Entry, Dating, usize)],
    report: &mut ScrapeReport,
) {
    let mut slots: Vec<Slot> = built
        .iter()
        .map(|(entry, dating, _)| Slot {
            published: entry.published,
            dating: *dating,
            known: previous.entries.get(&entry.id).map(Entry::date),
            note: None,
        })
        .collect();
    normalize::dating::settle(&mut slots, site.timezone, opts.now, !previous.section_known);
    for ((entry, _, item), slot) in built.iter_mut().zip(slots) {
        entry.published = slot.published;
        if let (Some(note), Some(item)) = (slot.note, report.items.get_mut(*item)) {
            item.problems.push(FieldProblem {
                field: "date",
                problem: note,
            });
        }
    }
}

/// The base URL relative links on `page` resolve against.
fn page_base(page: &Page, base_href: Option<&str>) -> Url {
    base_href
        .and_then(|href| page.url.join(href).ok())
        .unwrap_or_else(|| page.url.clone())
}

/// What one list item became.
struct Built {
    entry: Option<Entry>,
    dating: Dating,
    problems: Vec<FieldProblem>,
    article: Option<RawArticle>,
}

/// Turns one list item into an entry, fetching its article when needed.
#[allow(clippy::too_many_arguments)]
async fn build_item(
    fetcher: &Fetcher,
    budget: &Budget,
    site: &SiteSpec,
    section: &SectionSpec,
    previous: &Previous,
    opts: ScrapeOptions,
    item: &extract::RawItem,
    url: Option<Url>,
    report: &mut ScrapeReport,
) -> Built {
    let mut problems = Vec::new();
    let Some(url) = url else {
        problems.push(FieldProblem {
            field: "link",
            problem: match &item.link {
                None => "selector matched nothing".to_owned(),
                Some(raw) => format!("`{raw}` is not an http(s) link"),
            },
        });
        return Built {
            entry: None,
            dating: Dating::Undated,
            problems,
            article: None,
        };
    };
    let id = EntryId(url.to_string());
    let list_title = item.title.as_deref().map(normalize::fold_whitespace);
    // A known entry whose list title did not change keeps what its article
    // gave last time: the article is not fetched again.
    let reuse = previous.entries.get(&id).filter(|k| {
        list_title.as_deref().is_none_or(|t| {
            t == k.title
                || k.title
                    .starts_with(t.trim_end_matches("...").trim_end_matches('…'))
        }) && (k.content_html.is_some() || section.article.is_none())
    });
    let may_fetch = opts.fetch_articles && report.articles_fetched < opts.article_limit;
    let article = match (&section.article, reuse) {
        (Some(spec), None) if may_fetch => {
            match fetch_article(fetcher, budget, site, section, &url, spec).await {
                Ok((raw, article_base)) => {
                    report.articles_fetched += 1;
                    Some((raw, article_base))
                }
                Err(e) => {
                    problems.push(FieldProblem {
                        field: "article",
                        problem: e.to_string(),
                    });
                    None
                }
            }
        }
        _ => None,
    };
    let mut article = article;
    if let Some((raw, _)) = article.as_mut() {
        cap_content(raw, section.settings.max_content, &mut problems);
    }
    let input = normalize::entry::Input {
        site,
        section,
        item,
        url: &url,
        article: article.as_ref().map(|(raw, b)| (raw, b)),
        now: opts.now,
    };
    let (mut entry, more, mut dating) = normalize::entry::build(&input);
    problems.extend(more);
    cap_text(&mut entry);
    if let (Some(k), None) = (reuse, &article) {
        // Keep what the earlier article fetch found.
        entry.title = k.title.clone();
        entry.content_html = k.content_html.clone();
        entry.author = entry.author.or_else(|| k.author.clone());
        entry.image = k.image.clone();
        entry.published = k.published.or(entry.published);
        if entry.published.is_some() {
            dating = Dating::Dated;
        }
        // This list's own summary wins; without one, the excerpt of the
        // known content (the known entry may come from another section,
        // whose list summary is not this section's).
        if entry.summary.is_none() {
            entry.summary = k
                .content_html
                .as_deref()
                .map(|html| normalize::excerpt(html, normalize::entry::SUMMARY_CHARS))
                .filter(|s| !s.is_empty())
                .or_else(|| k.summary.clone());
        }
        problems.retain(|p| p.field != "date" || entry.published.is_none());
    }
    Built {
        entry: Some(entry),
        dating,
        problems,
        article: article.map(|(raw, _)| raw),
    }
}

/// Cuts the article's content at `max` bytes, with a note.
fn cap_content(raw: &mut RawArticle, max: usize, problems: &mut Vec<FieldProblem>) {
    let Some(html) = raw.content_html.as_mut() else {
        return;
    };
    if let Some(head) = limits::cut_html(html, max) {
        problems.push(FieldProblem {
            field: "article.content",
            problem: format!(
                "content of {} bytes cut at {max} bytes (`max_content`)",
                html.len()
            ),
        });
        let keep = head.len();
        html.truncate(keep);
    }
}

/// Cuts the title, summary and author of `entry` to their caps.
fn cap_text(entry: &mut Entry) {
    use std::borrow::Cow;
    if let Cow::Owned(t) = limits::cap_title(&entry.title) {
        entry.title = t;
    }
    let cut = |s: &mut Option<String>, max| {
        if let Some(Cow::Owned(t)) = s.as_deref().map(|v| limits::cap_chars(v, max)) {
            *s = Some(t);
        }
    };
    cut(&mut entry.summary, limits::MAX_SUMMARY_CHARS);
    cut(&mut entry.author, limits::MAX_AUTHOR_CHARS);
}

/// Why an article page gave nothing.
#[derive(Debug, thiserror::Error)]
enum ArticleError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("{url}: {source}")]
    Parse { url: String, source: ParseError },
}

async fn fetch_article(
    fetcher: &Fetcher,
    budget: &Budget,
    site: &SiteSpec,
    section: &SectionSpec,
    url: &Url,
    spec: &crate::config::spec::ArticleSpec,
) -> Result<(RawArticle, Url), ArticleError> {
    let req = FetchRequest {
        url,
        settings: &section.settings,
        encoding: site.encoding,
        validators: None,
    };
    match fetcher.get(&req).await? {
        FetchOutcome::Page(mut page) => {
            let html = std::mem::take(&mut page.html);
            let raw = parse::article_page(budget, html, spec)
                .await
                .map_err(|source| ArticleError::Parse {
                    url: page.url.to_string(),
                    source,
                })?;
            let base = page_base(&page, raw.base_href.as_deref());
            Ok((raw, base))
        }
        FetchOutcome::NotModified => Ok((RawArticle::default(), url.clone())),
    }
}
