//! `portalfeed suggest URL`: a working, commented section config from a list
//! page's URL alone, found without any selector.
//!
//! The steps, one file each: [`list`] finds the repeated entries and
//! [`fields`] their link, title, date and summary; [`pager`] the next link
//! or script pager; [`article`] the title, body, date and author common to
//! 2–3 of the entries' pages; [`site`] the zone, language and ids;
//! [`writer`] prints it all as TOML with what each selector matched. The
//! result is checked by parsing it and running `extract` with it on the
//! same pages before it is returned.

pub mod article;
pub mod cli;
mod dom;
pub mod fields;
pub mod list;
pub mod pager;
pub mod site;
#[cfg(test)]
mod tests;
pub mod writer;

use scraper::Html;
use serde::Serialize;
use url::Url;

use crate::config::spec::{Config, Settings};
use crate::fetch::{FetchError, FetchOutcome, FetchRequest, Fetcher, Page};
pub use article::ArticleGuess;

/// Most article pages fetched to learn the article rules.
const SAMPLES: usize = 3;

/// One field selector as found, with what it matched (`# ...`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pick {
    /// The CSS selector.
    pub css: String,
    /// Take this attribute instead of the text.
    pub attr: Option<String>,
    /// Keep this regex's first group.
    pub regex: Option<String>,
    /// Only elements whose text contains this.
    pub contains: Option<String>,
    /// What it matched, for the comment beside it.
    pub note: String,
}

impl Pick {
    /// A plain CSS pick.
    pub fn css(css: &str, note: impl Into<String>) -> Self {
        Self {
            css: css.to_owned(),
            attr: None,
            regex: None,
            contains: None,
            note: note.into(),
        }
    }
}

/// The site part of a suggestion.
#[derive(Debug, Clone, Serialize)]
pub struct SiteGuess {
    /// `id`.
    pub id: String,
    /// `title`.
    pub title: String,
    /// `url`: the portal's home page.
    pub url: String,
    /// `timezone`.
    pub timezone: &'static str,
    /// Why that zone.
    pub timezone_note: String,
    /// `language`, from `<html lang>`.
    pub language: Option<String>,
    /// `encoding`, only when the page needed an override.
    pub encoding: Option<String>,
    /// What the charset detection found.
    pub encoding_note: String,
    /// The host is a loopback or private address.
    pub private: bool,
    /// The host is a loopback address.
    pub loopback: bool,
}

/// The section part of a suggestion.
#[derive(Debug, Clone, Serialize)]
pub struct SectionGuess {
    /// `id`.
    pub id: String,
    /// `title`.
    pub title: String,
    /// `url`.
    pub url: String,
    /// `pages`.
    pub pages: u32,
    /// Why that many.
    pub pages_note: String,
    /// `next_page`.
    pub next_page: Option<Pick>,
    /// `page_url` (`index_{i}.html`) and what it was read from, when the
    /// page-number links show a pattern and there is no next link.
    pub page_url: Option<(String, String)>,
}

/// The list part of a suggestion.
#[derive(Debug, Clone)]
pub struct ListGuess {
    /// `list.item`.
    pub item: String,
    /// What it matched.
    pub item_note: String,
    /// Link, title, date, summary.
    pub fields: fields::ListFields,
}

/// Everything `suggest` found, and the config text it makes.
#[derive(Debug, Clone)]
pub struct Suggestion {
    /// The site.
    pub site: SiteGuess,
    /// The section.
    pub section: SectionGuess,
    /// The list rules.
    pub list: ListGuess,
    /// The article rules (none when no article could be read).
    pub article: Option<ArticleGuess>,
    /// The candidates weighed and why one was chosen (for stderr).
    pub report: Vec<String>,
    /// The config file (or, with an existing config, the fragment).
    pub text: String,
    /// With an existing config: the id of its site for this host.
    pub existing_site: Option<String>,
    /// With an existing config: whether that site's `[sites.article]`
    /// reads these articles (the section then needs none of its own).
    pub reuse_site_article: bool,
}

/// The fetch settings of the config's site for `url`'s host (its first
/// section's), or the defaults.
pub fn settings_for(config: &Config, url: &Url) -> Settings {
    config
        .sites
        .iter()
        .find(|s| s.url.host_str() == url.host_str())
        .and_then(|s| s.sections.first())
        .map(|s| s.settings.clone())
        .unwrap_or_default()
}

/// What `suggest` works with.
#[derive(Debug, Clone, Default)]
pub struct SuggestOptions {
    /// `--id SITE/SECTION`: the ids to use instead of ones made from the URL.
    pub ids: Option<(String, String)>,
    /// Fetch settings (user agent, timeout, body cap).
    pub settings: Settings,
    /// `--config`: the config to write a fragment for, and its path.
    pub existing: Option<(Config, String)>,
}

/// Why no config was suggested.
#[derive(Debug, thiserror::Error)]
pub enum SuggestError {
    /// The page could not be fetched.
    #[error("cannot fetch {url}: {source}")]
    Fetch {
        /// The page.
        url: String,
        /// Why.
        source: FetchError,
    },
    /// The page has no list of entries.
    #[error("no list found on {url}: {reason}")]
    NoList {
        /// The page.
        url: String,
        /// One paragraph saying why.
        reason: String,
    },
    /// A page could not be parsed within the bounds (depth, deadline).
    #[error("cannot read the page: {0}")]
    Parse(#[from] crate::parse::ParseError),
    /// The config built did not pass its own check (a bug: please report).
    #[error("the suggested config for {url} failed its own check: {reason}")]
    SelfCheck {
        /// The page.
        url: String,
        /// What failed.
        reason: String,
    },
}

async fn get(
    fetcher: &Fetcher,
    url: &Url,
    settings: &Settings,
    encoding: Option<&'static encoding_rs::Encoding>,
) -> Result<Page, SuggestError> {
    let req = FetchRequest {
        url,
        settings,
        encoding,
        validators: None,
    };
    match fetcher.get(&req).await {
        Ok(FetchOutcome::Page(p)) => Ok(p),
        Ok(FetchOutcome::NotModified) => Err(SuggestError::NoList {
            url: url.to_string(),
            reason: "the server answered 304 Not Modified to a plain request".to_owned(),
        }),
        Err(source) => Err(SuggestError::Fetch {
            url: url.to_string(),
            source,
        }),
    }
}

/// Replacement characters in a decoded page: many mean a wrong charset.
fn replacements(html: &str) -> usize {
    html.chars().filter(|&c| c == '\u{FFFD}').count()
}

/// Finds a section config for the list page at `url`.
pub async fn suggest(
    fetcher: &Fetcher,
    url: &Url,
    opts: &SuggestOptions,
) -> Result<Suggestion, SuggestError> {
    let mut settings = opts.settings.clone();
    let loopback = url.host().is_some_and(|h| match h {
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => ip.is_loopback(),
        url::Host::Domain(d) => d == "localhost",
    });
    if loopback {
        settings.min_delay = std::time::Duration::ZERO;
    }
    let mut report = Vec::new();
    let budget = crate::parse::Budget::new(settings.parse_deadline());
    let mut page = get(fetcher, url, &settings, None).await?;
    let mut encoding = None;
    let mut encoding_note = format!(
        "read as {} from the header, BOM, <meta> or sniffing",
        page.encoding.name()
    );
    let bad = replacements(&page.html);
    if bad > 20 && bad * 200 > page.html.len() {
        let forced = encoding_rs::GB18030;
        if let Ok(again) = get(fetcher, url, &settings, Some(forced)).await
            && replacements(&again.html) * 4 < bad
        {
            encoding = Some("gb18030".to_owned());
            encoding_note = format!(
                "read as {} the page showed {bad} undecodable characters; as gb18030 it reads cleanly",
                page.encoding.name()
            );
            page = again;
        }
    }
    let (analysis, lines, page) = {
        // The parse and the finders run on the parser threads, within the
        // parse deadline, never on an async worker.
        budget
            .run(move || {
                let mut page = page;
                let mut lines = Vec::new();
                if let Some(d) = crate::parse::datastore::inline_records(&page.html) {
                    lines.push(format!(
                        "the entries are {} record(s) of a Hanweb datastore (<script \
                         type=\"text/xml\">), read as a browser shows them; its later pages \
                         come from a POST to dataproxy.jsp, which is not followed",
                        d.records
                    ));
                    page.html = d.html;
                }
                crate::parse::check_depth(&page.html)?;
                Ok(analyze(&page, &mut lines).map(|a| (a, lines, page)))
            })
            .await??
    };
    report.extend(lines);
    let Analysis {
        base,
        chosen,
        fields,
        pager,
        lang,
        timezone,
        timezone_note,
        section_title,
        site_title,
    } = analysis;

    // Article samples: the first distinct same-site entries.
    let mut samples = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (href, title) in fields.links.iter().zip(&fields.titles) {
        if samples.len() >= SAMPLES {
            break;
        }
        let Some(u) = crate::normalize::canonical_url(&base, href) else {
            continue;
        };
        if !seen.insert(u.clone()) || seen.len() > SAMPLES * 3 {
            continue;
        }
        match get(
            fetcher,
            &u,
            &settings,
            encoding
                .as_deref()
                .and_then(|e| encoding_rs::Encoding::for_label(e.as_bytes())),
        )
        .await
        {
            Ok(p) => samples.push(article::Sample {
                url: u.to_string(),
                html: p.html,
                list_title: title.clone(),
            }),
            Err(e) => report.push(format!("article {u}: not read: {e}")),
        }
    }
    let found = {
        let samples = samples.clone();
        budget
            .run(move || {
                for s in &samples {
                    crate::parse::check_depth(&s.html)?;
                }
                Ok(article::find(&samples))
            })
            .await?
    };
    let article = match found {
        Ok(a) => Some(a),
        Err(e) => {
            report.push(format!(
                "no article rules: {e}; entries will carry the list's data only"
            ));
            None
        }
    };

    let (site_id, section_id) = match &opts.ids {
        Some((s, c)) => (s.clone(), c.clone()),
        None => (site::site_id(&page.url), site::section_id(&page.url)),
    };
    let home = page
        .url
        .join("/")
        .map_or_else(|_| page.url.to_string(), |u| u.to_string());
    let n = chosen.items.len();
    let suggestion = Suggestion {
        site: SiteGuess {
            id: site_id,
            title: site_title,
            url: home,
            timezone,
            timezone_note,
            language: lang,
            encoding,
            encoding_note,
            private: site::is_private(&page.url),
            loopback,
        },
        section: SectionGuess {
            id: section_id,
            title: section_title,
            url: url.to_string(),
            pages: pager.pages,
            pages_note: pager.note.clone(),
            next_page: pager.next_page.clone(),
            page_url: pager.page_url.clone(),
        },
        list: ListGuess {
            item_note: format!(
                "{n} items; first: \"{}\"",
                dom::short(
                    fields
                        .titles
                        .first()
                        .map(String::as_str)
                        .unwrap_or_default(),
                    50
                )
            ),
            item: chosen.item.clone(),
            fields,
        },
        article,
        report,
        text: String::new(),
        existing_site: None,
        reuse_site_article: false,
    };
    let opts = opts.clone();
    budget
        .run(move || Ok(finish(suggestion, &page, &samples, &opts)))
        .await?
}

/// What the list page itself shows, read before any other fetch (the
/// parsed page is not kept across awaits).
struct Analysis {
    base: Url,
    chosen: list::Candidate,
    fields: fields::ListFields,
    pager: pager::Pager,
    lang: Option<String>,
    timezone: &'static str,
    timezone_note: String,
    section_title: String,
    site_title: String,
}

/// Finds the list, its fields and pager, and the site settings on `page`.
fn analyze(page: &Page, report: &mut Vec<String>) -> Result<Analysis, SuggestError> {
    let doc = Html::parse_document(&page.html);
    let base = base_url(&doc, &page.url);

    let candidates = list::candidates(&doc, &base);
    report.push(format!(
        "{} candidate list(s) on {}:",
        candidates.len(),
        page.url
    ));
    for c in candidates.iter().take(8) {
        report.push(format!(
            "  {}{}",
            c.describe(),
            if c.acceptable() {
                ""
            } else {
                " (not a list of entries)"
            }
        ));
    }
    let Some(chosen) = candidates.iter().find(|c| c.acceptable()).cloned() else {
        return Err(no_list(&doc, page, &candidates));
    };
    let list_units: usize = fields::elements(&doc, &chosen)
        .iter()
        .map(|(el, _)| dom::units(&dom::text(*el)))
        .sum();
    let main = article::main_text(&doc);
    if main >= 1000 && main > list_units * 3 {
        return Err(SuggestError::NoList {
            url: page.url.to_string(),
            reason: format!(
                "the page looks like an article: its main text weighs {main} units, while the best list \
                 (`{}`, {} links) weighs {list_units}; give the URL of the list page that links to it",
                chosen.item,
                chosen.items.len()
            ),
        });
    }
    report.push(format!(
        "chosen: `{}` (the highest score of the lists of entries)",
        chosen.item
    ));
    if let Some(close) = candidates
        .iter()
        .filter(|c| c.acceptable() && c.item != chosen.item)
        .find(|c| c.score * 1.25 >= chosen.score)
    {
        report.push(format!(
            "note: `{}` scores close ({:.0} against {:.0}); if that is the section you want, put it in list.item",
            close.item, close.score, chosen.score
        ));
    }
    let Some(fields) = fields::find(&doc, &chosen) else {
        return Err(SuggestError::NoList {
            url: page.url.to_string(),
            reason: format!(
                "the list `{}` has no title link that one selector names in every item",
                chosen.item
            ),
        });
    };
    let pager = pager::find(&doc, &page.html, &base);

    let lang = site::language(&doc);
    let (timezone, timezone_note) = site::timezone(&page.url, lang.as_deref(), &doc);
    let (section_title, site_title) = site::titles(&doc);
    Ok(Analysis {
        base,
        chosen,
        fields,
        pager,
        lang,
        timezone,
        timezone_note,
        section_title,
        site_title,
    })
}

/// Whether the pager uses a key older builds refuse (`contains`, `page_url`).
fn newer_pager_keys(s: &Suggestion) -> bool {
    s.section.page_url.is_some()
        || s.section
            .next_page
            .as_ref()
            .is_some_and(|n| n.contains.is_some())
}

/// Writes the text and checks it: it parses, and its list rules find the
/// entries on the page.
fn finish(
    mut s: Suggestion,
    page: &Page,
    samples: &[article::Sample],
    opts: &SuggestOptions,
) -> Result<Suggestion, SuggestError> {
    let fail = |reason: String| SuggestError::SelfCheck {
        url: page.url.to_string(),
        reason,
    };
    let mut full = writer::config(&s);
    let mut parsed = crate::config::parse(&full, "suggested config");
    if parsed.is_err() && newer_pager_keys(&s) {
        // `contains` and `page_url` are read by newer builds only: without
        // them, the section keeps its first page, and says why.
        let pager = &mut s.section;
        let dropped = pager
            .next_page
            .take()
            .map(|n| format!("the next link `{}` needs `contains`", n.css))
            .or_else(|| {
                pager
                    .page_url
                    .take()
                    .map(|p| format!("the page-number links need page_url = \"{}\"", p.0))
            })
            .unwrap_or_default();
        pager.pages = 1;
        pager.pages_note =
            format!("{dropped}, which this build does not read: the first page only");
        s.report.push(format!("pager: {}", pager.pages_note));
        full = writer::config(&s);
        parsed = crate::config::parse(&full, "suggested config");
    }
    let config = parsed.map_err(|e| fail(e.to_string()))?;
    let section = config
        .sites
        .first()
        .and_then(|site| site.sections.first())
        .ok_or_else(|| fail("no section in the config".to_owned()))?;
    let source = section
        .source
        .as_ref()
        .ok_or_else(|| fail("the section has no url".to_owned()))?;
    let found = crate::extract::list_page(&page.html, &source.list, source.next_page.as_ref());
    let linked = found.items.iter().filter(|i| i.link.is_some()).count();
    if linked < s.list.fields.links.len() {
        return Err(fail(format!(
            "the list rules find {linked} linked items, the finder saw {}",
            s.list.fields.links.len()
        )));
    }
    if let Some(spec) = &section.article {
        for sample in samples {
            let a = crate::extract::article_page(&sample.html, spec);
            s.report.push(format!(
                "article {}: title {}, content {}, date {}, author {}",
                sample.url,
                a.title
                    .as_deref()
                    .map_or("none".to_owned(), |t| format!("\"{}\"", dom::short(t, 40))),
                a.content_html
                    .as_ref()
                    .map_or("none".to_owned(), |c| format!("{} bytes", c.len())),
                a.date
                    .as_deref()
                    .map_or("none".to_owned(), |t| format!("\"{}\"", dom::short(t, 40))),
                a.author
                    .as_deref()
                    .map_or("none".to_owned(), |t| format!("\"{}\"", dom::short(t, 30))),
            ));
        }
    }
    s.text = match &opts.existing {
        None => full,
        Some((cfg, path)) => {
            let host = page.url.host_str().unwrap_or_default();
            let existing = cfg
                .sites
                .iter()
                .find(|site| site.url.host_str() == Some(host));
            let reuse = existing.is_some_and(|site| {
                site.article.as_ref().is_some_and(|spec| {
                    !samples.is_empty()
                        && samples.iter().all(|sample| {
                            let a = crate::extract::article_page(&sample.html, spec);
                            a.title.is_some() && a.content_html.is_some()
                        })
                })
            });
            if let Some(site) = existing {
                let taken = |id: &str| site.sections.iter().any(|x| x.id.as_str() == id);
                if taken(&s.section.id) {
                    let base = s.section.id.clone();
                    s.section.id = (2..)
                        .map(|k| format!("{base}-{k}"))
                        .find(|id| !taken(id))
                        .unwrap_or(base);
                }
                s.site.id = site.id.to_string();
                s.existing_site = Some(site.id.to_string());
                s.reuse_site_article = reuse;
            }
            writer::fragment(&s, existing.map(|site| site.id.as_str()), reuse, path)
        }
    };
    Ok(s)
}

/// The page's `<base href>` resolved, or its URL.
fn base_url(doc: &Html, url: &Url) -> Url {
    scraper::Selector::parse("base[href]")
        .ok()
        .and_then(|sel| {
            doc.select(&sel)
                .next()
                .and_then(|b| b.value().attr("href"))
                .and_then(|h| url.join(h.trim()).ok())
        })
        .unwrap_or_else(|| url.clone())
}

/// The reason for "no list": what the page is, and what came closest.
fn no_list(doc: &Html, page: &Page, candidates: &[list::Candidate]) -> SuggestError {
    let links = doc.select(&dom::LINKS).count();
    let forms = scraper::Selector::parse("input[type=password]")
        .ok()
        .is_some_and(|sel| doc.select(&sel).next().is_some());
    let main = article::main_text(doc);
    let what = if forms {
        "it holds a password field: a login page shows no entries until one logs in".to_owned()
    } else if main >= 400 {
        format!("it looks like an article (a main text of {main} units), not a list of entries")
    } else if links == 0 {
        "it has no links at all (an empty page, or one built by scripts that portalfeed does not run)".to_owned()
    } else {
        format!("none of its {links} links repeat as a list of same-site titles")
    };
    let closest = candidates
        .first()
        .map(|c| format!(" The closest was {}, not a list of entries.", c.describe()))
        .unwrap_or_default();
    SuggestError::NoList {
        url: page.url.to_string(),
        reason: format!(
            "{what}.{closest} A list page repeats at least 3 items, each with a link to a same-site page whose text reads like a title; give the URL of such a page (the section's first list page)."
        ),
    }
}
