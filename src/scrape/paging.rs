//! Which list page comes next: the `next_page` link, else the `page_url`
//! template, else a TRS WCM script pager (`createPageHTML(count, index,
//! name, ext)`, or links written by script with `var countPage = N`), never
//! past `pages` nor past the pager's page count.

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

/// The same call with the page count in a variable set on the page:
/// `var countPage = 5` … `createPageHTML(countPage, currentPage, "index",
/// "html")`.
static SCRIPT_PAGER_VARS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"createPageHTML\(\s*(?:["'][^"']*["']\s*,\s*)?(?P<count>[A-Za-z_$][A-Za-z0-9_$]*)\s*,\s*(?:[A-Za-z_$][A-Za-z0-9_$]*|[0-9]{1,6})\s*,\s*["'](?P<name>[A-Za-z0-9_\-]+)["']\s*,\s*["'](?P<ext>[A-Za-z0-9]+)["']"#,
    )
    .expect("constant pager pattern") // ok: a constant pattern, covered by the tests
});

/// TRS's older pager template, which writes its links with
/// `document.write`: `"<a href=\"index"+"_" + nextPage + "."+"html\">`
/// (or `'<a href="index_'+nextPage+'.html">'`), the count in `var
/// countPage = 5`.
static WRITTEN_PAGE_LINK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"href=\\?["'](?P<name>[A-Za-z0-9_\-]+)(?:["']\s*\+\s*["'])?_["']\s*\+\s*[A-Za-z_$][A-Za-z0-9_$]*\s*\+\s*["']\.(?:["']\s*\+\s*["'])?(?P<ext>[A-Za-z0-9]+)"#,
    )
    .expect("constant pager pattern") // ok: a constant pattern, covered by the tests
});

/// `name = 12` in a script: a variable set to a number.
static NUMBER_VAR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)(?P<var>[A-Za-z_$][A-Za-z0-9_$]*)\s*=\s*(?P<value>[0-9]{1,6})(?-u:\b)")
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
    /// The pager in `html`, if any: the first `createPageHTML` call with the
    /// count written out, else one whose count is a variable the page sets
    /// to a number, else links written by script ([`WRITTEN_PAGE_LINK`])
    /// with `countPage` set; a page name of at most 64 characters and an
    /// extension of at most 10.
    pub fn find(html: &str) -> Option<Self> {
        // Most list pages have no script pager: no regex runs (nor keeps a
        // cache) for them.
        let call = html.contains("createPageHTML");
        let written = html.contains("countPage");
        if !call && !written {
            return None;
        }
        let number = |var: &str| {
            NUMBER_VAR
                .captures_iter(html)
                .find(|c| &c["var"] == var)
                .and_then(|c| c["value"].parse().ok())
        };
        let pager = |caps: &regex::Captures<'_>, count: Option<usize>| {
            let (name, ext) = (&caps["name"], &caps["ext"]);
            if name.len() > 64 || ext.len() > 10 {
                return None;
            }
            Some(Self {
                count: count?,
                name: name.to_owned(),
                ext: ext.to_owned(),
            })
        };
        if call {
            let found = SCRIPT_PAGER
                .captures_iter(html)
                .find_map(|caps| pager(&caps, caps["count"].parse().ok()))
                .or_else(|| {
                    SCRIPT_PAGER_VARS
                        .captures_iter(html)
                        .find_map(|caps| pager(&caps, number(&caps["count"])))
                });
            if found.is_some() {
                return found;
            }
        }
        if !written {
            return None;
        }
        let count = number("countPage");
        WRITTEN_PAGE_LINK
            .captures_iter(html)
            .find_map(|caps| pager(&caps, count))
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

    #[test]
    fn script_pager_counts_in_variables() {
        let html = r#"<script>var currentPage = 0;//所在页从0开始
var countPage = 7//共多少页
createPageHTML(countPage, currentPage, "index", "html");</script>"#;
        let p = ScriptPager::find(html).expect("count in a variable");
        assert_eq!((p.count, p.file(6).as_str()), (7, "index_6.html"));
        // A variable the page never sets is no count.
        assert_eq!(
            ScriptPager::find("createPageHTML(n, 0, 'index', 'html')"),
            None
        );
        // A comparison is not an assignment.
        assert_eq!(
            ScriptPager::find("if (n == 3) {} createPageHTML(n, 0, 'index', 'html')"),
            None
        );
    }

    #[test]
    fn script_pager_links_written_by_document_write() {
        let html = r#"<script language="JavaScript">
var currentPage = 0;//所在页从0开始
var prevPage = currentPage-1//上一页
var nextPage = currentPage+1//下一页
var countPage = 4//共多少页
if(countPage>1&&currentPage!=(countPage-1))
	document.write("<a href=\"index"+"_" + nextPage + "."+"html\" class=\"next\">下一页</a>&nbsp;");
</script>"#;
        let p = ScriptPager::find(html).expect("written links");
        assert_eq!((p.count, p.file(1).as_str()), (4, "index_1.html"));
        let single =
            "var countPage = 3; document.write('<a href=\"list_'+nextPage+'.shtml\">next</a>');";
        let p = ScriptPager::find(single).expect("single-quoted");
        assert_eq!((p.count, p.file(2).as_str()), (3, "list_2.shtml"));
        // Without countPage the count is unknown: no pager.
        assert_eq!(
            ScriptPager::find(r#"document.write("<a href=\"index"+"_" + n + "."+"html\">")"#),
            None
        );
    }
}
