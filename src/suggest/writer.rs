//! The config writer: a suggestion as a complete, commented config file,
//! or as a fragment to paste into an existing one.

use std::fmt::Write as _;

use super::{Pick, Suggestion};

/// Quotes a TOML string.
fn q(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// A comment's text on one line, without control characters.
fn clean(note: &str) -> String {
    note.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// A field selector as TOML: a string, or an inline table.
pub fn field(p: &Pick) -> String {
    if p.attr.is_none() && p.regex.is_none() && p.contains.is_none() {
        return q(&p.css);
    }
    let mut parts = vec![format!("css = {}", q(&p.css))];
    if let Some(a) = &p.attr {
        parts.push(format!("attr = {}", q(a)));
    }
    if let Some(r) = &p.regex {
        parts.push(format!("regex = {}", q(r)));
    }
    if let Some(c) = &p.contains {
        parts.push(format!("contains = {}", q(c)));
    }
    format!("{{ {} }}", parts.join(", "))
}

/// `key = value  # note`, aligned at column 40 when it fits.
fn line(out: &mut String, indent: &str, key: &str, value: &str, note: &str) {
    let head = format!("{indent}{key} = {value}");
    if note.is_empty() {
        let _ = writeln!(out, "{head}");
    } else {
        let pad = 40usize.saturating_sub(head.chars().count()).max(2);
        let _ = writeln!(out, "{head}{:pad$}# {}", "", clean(note));
    }
}

/// The complete config file.
pub fn config(s: &Suggestion) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# portalfeed config for \"{}\" on {}, written by `portalfeed suggest {}`.",
        clean(&s.section.title),
        clean(&s.site.title),
        s.section.url
    );
    let _ = writeln!(
        out,
        "# Every selector was found on the page; beside it is what it matched. Read the\n\
         # lines marked CHECK, then run `portalfeed check --config FILE` and\n\
         # `portalfeed scrape --config FILE {}/{}`.\n",
        s.site.id, s.section.id
    );
    out.push_str("[server]\n");
    line(
        &mut out,
        "",
        "listen",
        &q("127.0.0.1:8080"),
        "where the feeds are served",
    );
    line(
        &mut out,
        "",
        "public_url",
        &q("http://127.0.0.1:8080"),
        "base of the self links in feeds",
    );
    out.push_str(
        "# data_dir = \"data\"                     # uncomment to keep entries across restarts\n",
    );
    line(
        &mut out,
        "",
        "admin_token_env",
        &q("PORTALFEED_ADMIN_TOKEN"),
        "the admin API is off while this env var is unset",
    );
    out.push_str("\n[defaults]\n");
    line(
        &mut out,
        "",
        "interval",
        &q("15m"),
        "how often each section is scraped",
    );
    line(
        &mut out,
        "",
        "max_items",
        "50",
        "entries kept and served per section",
    );
    if s.site.loopback {
        line(
            &mut out,
            "",
            "min_delay",
            &q("0s"),
            "the portal is on this machine: no delay between requests",
        );
    } else {
        line(
            &mut out,
            "",
            "min_delay",
            &q("1s"),
            "between two requests to one host",
        );
    }
    line(
        &mut out,
        "",
        "fetch_articles",
        "true",
        "follow each entry to its article for the full text",
    );
    if s.site.private {
        private_line(&mut out, "", &s.section.url);
    }
    out.push('\n');
    site(&mut out, s, false);
    out
}

/// `allow_private = true` with the reason.
fn private_line(out: &mut String, indent: &str, url: &str) {
    let why =
        format!("{url} is a loopback or private address (refused by default): allowed on purpose");
    line(out, indent, "allow_private", "true", &why);
}

/// A fragment for `--config`: the section alone when the file has the
/// site (`reuse_article`: its `[sites.article]` fits), else the whole site.
pub fn fragment(
    s: &Suggestion,
    existing_site: Option<&str>,
    reuse_article: bool,
    path: &str,
) -> String {
    let mut out = String::new();
    match existing_site {
        Some(id) => {
            let _ = writeln!(
                out,
                "# Paste below the [[sites]] entry with id = \"{id}\" in {path}{}.",
                if reuse_article {
                    " (its [sites.article] fits these articles)"
                } else {
                    " (its [sites.article] does not fit these articles: this section has its own)"
                }
            );
            section(&mut out, s, !reuse_article);
        }
        None => {
            let _ = writeln!(
                out,
                "# Paste at the end of {path}: the file has no site for this host."
            );
            site(&mut out, s, s.site.private);
        }
    }
    out
}

/// `[[sites]]`, its article rules and the section (`private`: the site
/// allows private addresses itself, for a fragment).
fn site(out: &mut String, s: &Suggestion, private: bool) {
    let g = &s.site;
    out.push_str("[[sites]]\n");
    line(out, "", "id", &q(&g.id), "[a-z0-9-]+, used in feed URLs");
    line(out, "", "title", &q(&g.title), "from the page's <title>");
    line(out, "", "url", &q(&g.url), "the portal's home page");
    line(out, "", "timezone", &q(g.timezone), &g.timezone_note);
    match &g.language {
        Some(l) => line(out, "", "language", &q(l), "from <html lang>"),
        None => out.push_str("# language = \"en\"                      # CHECK: the page does not say (<html lang>)\n"),
    }
    match &g.encoding {
        Some(e) => line(out, "", "encoding", &q(e), &g.encoding_note),
        None => {
            let _ = writeln!(out, "# encoding: not needed ({})", clean(&g.encoding_note));
        }
    }
    if private {
        private_line(out, "", &s.section.url);
    }
    if let Some(a) = &s.article {
        out.push_str(
            "\n  [sites.article]                       # how to read an entry's own page\n",
        );
        article(out, "  ", a);
    }
    out.push('\n');
    section(out, s, false);
}

/// The article rules at `indent`.
fn article(out: &mut String, indent: &str, a: &super::ArticleGuess) {
    if let Some(t) = &a.title {
        line(out, indent, "title", &field(t), &t.note);
    }
    line(out, indent, "content", &field(&a.content), &a.content.note);
    if let Some(d) = &a.date {
        line(out, indent, "date", &field(d), &d.note);
    }
    if let Some(au) = &a.author {
        line(out, indent, "author", &field(au), &au.note);
    }
    if !a.remove.is_empty() {
        let list: Vec<String> = a.remove.iter().map(|(c, _)| q(c)).collect();
        let notes: Vec<String> = a.remove.iter().map(|(c, n)| format!("{c}: {n}")).collect();
        line(
            out,
            indent,
            "remove",
            &format!("[{}]", list.join(", ")),
            &format!("dropped before reading: {}", notes.join("; ")),
        );
    }
}

/// `[[sites.sections]]` and its list (and its own article rules).
fn section(out: &mut String, s: &Suggestion, with_article: bool) {
    let g = &s.section;
    out.push_str("  [[sites.sections]]\n");
    line(out, "  ", "id", &q(&g.id), "[a-z0-9-]+, used in feed URLs");
    line(
        out,
        "  ",
        "title",
        &q(&g.title),
        "feed title and the entries' category",
    );
    line(out, "  ", "url", &q(&g.url), "the first list page");
    if g.pages > 1 {
        line(out, "  ", "pages", &g.pages.to_string(), &g.pages_note);
    } else {
        let _ = writeln!(out, "  # pages = 1: {}", clean(&g.pages_note));
    }
    if let Some(n) = &g.next_page {
        line(out, "  ", "next_page", &field(n), &n.note);
    } else if let Some((pattern, note)) = &g.page_url {
        line(out, "  ", "page_url", &q(pattern), note);
    }
    let l = &s.list;
    out.push_str("    [sites.sections.list]\n");
    line(out, "    ", "item", &q(&l.item), &l.item_note);
    line(
        out,
        "    ",
        "link",
        &field(&l.fields.link),
        &l.fields.link.note,
    );
    line(
        out,
        "    ",
        "title",
        &field(&l.fields.title),
        &l.fields.title.note,
    );
    match &l.fields.date {
        Some(d) => line(out, "    ", "date", &field(d), &d.note),
        None => out.push_str("    # date: the items show none\n"),
    }
    if let Some(sm) = &l.fields.summary {
        line(out, "    ", "summary", &field(sm), &sm.note);
    }
    if with_article && let Some(a) = &s.article {
        out.push_str(
            "\n    [sites.sections.article]              # how to read an entry's own page\n",
        );
        article(out, "    ", a);
    }
}
