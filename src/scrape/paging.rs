//! Which list page comes next: the `next_page` link, else the `page_url`
//! template, else a TRS WCM script pager (`createPageHTML(count, index,
//! name, ext)`), never past `pages` nor past the pager's page count.

use std::sync::LazyLock;

use regex::Regex;
use url::Url;

use crate::config::spec::SourceSpec;
use crate::normalize;

/// `createPageHTML(120, 0, "index", "html")`, and the newer TRS form with a
/// target element first and the item count last: `createPageHTML('page_div',
/// 5, 0, 'index', 'html', 98)`. The name's and extension's lengths are
/// checked after the match ([`ScriptPager::find`]): a counted repetition
/// such as `{1,64}` is compiled as that many copies, and made this one
/// pattern a 190 KB automaton kept for the life of the process.
static SCRIPT_PAGER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"createPageHTML\(\s*(?:["'][^"']*["']\s*,\s*)?(?P<count>[0-9]{1,6})\s*,\s*(?P<index>[0-9]{1,6})\s*,\s*["'](?P<name>[A-Za-z0-9_\-]+)["']\s*,\s*["'](?P<ext>[A-Za-z0-9]+)["']"#,
    )
    .expect("constant pager pattern") // ok: a constant pattern, covered by the tests
});

/// A TRS script pager found on the first list page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptPager {
    /// How many pages the portal has.
    pub count: usize,
    /// File name without the extension (`index`).
    pub name: String,
    /// Extension (`html`).
    pub ext: String,
}

impl ScriptPager {
    /// The pager in `html`, if any.
    /// The pager in `html`, if any: the first call whose page name has at
    /// most 64 characters and whose extension at most 10.
    pub fn find(html: &str) -> Option<Self> {
        SCRIPT_PAGER.captures_iter(html).find_map(|caps| {
            let (name, ext) = (&caps["name"], &caps["ext"]);
            if name.len() > 64 || ext.len() > 10 {
                return None;
            }
            Some(Self {
                count: caps["count"].parse().ok()?,
                name: name.to_owned(),
                ext: ext.to_owned(),
            })
        })
    }

    /// The file of the page with 0-based `index`: `index.html`,
    /// `index_1.html`, …
    pub fn file(&self, index: usize) -> String {
        if index == 0 {
            format!("{}.{}", self.name, self.ext)
        } else {
            format!("{}_{index}.{}", self.name, self.ext)
        }
    }
}

/// What follows a list page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// Read this page.
    Page(Url),
    /// Paging is done as configured (`pages` reached, or the script pager's
    /// last page).
    Done,
    /// Paging stopped earlier than `pages` asked: why.
    Stopped(String),
}

/// The paging state of one scrape.
#[derive(Debug)]
pub struct Pager<'a> {
    source: &'a SourceSpec,
    /// Found on the first page (and the URL its files resolve against).
    script: Option<(ScriptPager, Url)>,
}

impl<'a> Pager<'a> {
    /// Paging for `source`.
    pub fn new(source: &'a SourceSpec) -> Self {
        Self {
            source,
            script: None,
        }
    }

    /// The page after the one with 0-based `index` (its links resolve
    /// against `base`), whose `next_page` match is `next_href`; `script` is
    /// the script pager of the first page ([`ScriptPager::find`]).
    pub fn next(
        &mut self,
        index: usize,
        script: Option<ScriptPager>,
        next_href: Option<&str>,
        base: &Url,
    ) -> Next {
        let wanted = self.source.pages as usize;
        if index == 0 {
            self.script = script.map(|s| (s, base.clone()));
        }
        if index + 1 >= wanted {
            return Next::Done;
        }
        let number = index + 1;
        if let Some(url) = next_href.and_then(|href| normalize::canonical_url(base, href)) {
            return Next::Page(url);
        }
        if let Some(template) = &self.source.page_url {
            return match template.url(&self.source.url, index + 1) {
                Some(url) => Next::Page(url),
                None => Next::Stopped(format!(
                    "page_url `{}` gives no URL for page {}; paging stopped after page {number} of {wanted}",
                    template.as_str(),
                    number + 1
                )),
            };
        }
        if let Some((script, script_base)) = &self.script {
            if index + 1 >= script.count {
                return Next::Done;
            }
            if let Ok(url) = script_base.join(&script.file(index + 1)) {
                return Next::Page(url);
            }
        }
        Next::Stopped(match &self.source.next_page {
            Some(next) => format!(
                "next_page `{}` matched nothing on page {number}; paging stopped after page {number} of {wanted}",
                next.css.source
            ),
            None => format!(
                "pages = {wanted} but page {number} has no next_page, page_url or createPageHTML script pager; only {number} page(s) read"
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_pager_forms() {
        let p = ScriptPager::find(r#"<script>createPageHTML(120, 0, "index", "html");</script>"#)
            .expect("pager");
        assert_eq!(p.count, 120);
        assert_eq!(p.file(0), "index.html");
        assert_eq!(p.file(1), "index_1.html");
        assert_eq!(p.file(119), "index_119.html");
        let p = ScriptPager::find("createPageHTML('page_div',5, 1,'list','shtml',98);")
            .expect("newer form");
        assert_eq!((p.count, p.file(2).as_str()), (5, "list_2.shtml"));
        assert_eq!(ScriptPager::find("createPageHTML(x, 0, 'a', 'b')"), None);
        // A name past 64 characters is no page name; a later call is.
        let long = "n".repeat(65);
        let html = format!(
            "createPageHTML(9, 0, '{long}', 'html'); createPageHTML(3, 0, 'index', 'htm');"
        );
        let p = ScriptPager::find(&html).expect("the second call");
        assert_eq!((p.count, p.file(1).as_str()), (3, "index_1.htm"));
        let ext = "x".repeat(11);
        assert_eq!(
            ScriptPager::find(&format!("createPageHTML(9, 0, 'index', '{ext}')")),
            None
        );
        assert_eq!(
            ScriptPager::find(
                "function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {"
            ),
            None
        );
    }
}
