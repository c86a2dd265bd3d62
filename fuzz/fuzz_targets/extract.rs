//! List and article extraction with random selectors on random pages,
//! Hanweb datastore records inlined and depth-checked first as the service
//! does: never panics.
//!
//! Input: the first line is the item selector, the second a field selector
//! (used for every field), the rest the page.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portalfeed::extract;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lines = text.splitn(3, '\n');
    let (Some(item), Some(field), Some(html)) = (lines.next(), lines.next(), lines.next()) else {
        return;
    };
    let toml = format!(
        "[[sites]]\nid = \"s\"\ntitle = \"S\"\nurl = \"http://portal.test/\"\n\
         [sites.article]\ntitle = {field:?}\ncontent = {field:?}\ndate = {field:?}\nremove = [{field:?}]\n\
         [[sites.sections]]\nid = \"a\"\ntitle = \"A\"\nurl = \"http://portal.test/a/\"\n\
         next_page = {field:?}\n\
         [sites.sections.list]\nitem = {item:?}\nlink = {field:?}\ntitle = {field:?}\ndate = {field:?}\n"
    );
    let Ok(config) = portalfeed::config::parse(&toml, "fuzz.toml") else {
        return;
    };
    let Some(site) = config.sites.first() else {
        return;
    };
    let Some(section) = site.sections.first() else {
        return;
    };
    if let Some(source) = &section.source {
        let inlined = portalfeed::parse::datastore::inline_records(html);
        let list = inlined.as_ref().map_or(html, |d| d.html.as_str());
        if portalfeed::parse::check_depth(list).is_ok() {
            let _ = extract::list_page(list, &source.list, source.next_page.as_ref());
        }
    }
    if portalfeed::parse::check_depth(html).is_err() {
        return;
    }
    if let Some(article) = section.article.as_ref().or(site.article.as_ref()) {
        let _ = extract::article_page(html, article);
    }
});
