//! The finders on the fixture portal's pages, without a network.

use scraper::Html;
use url::Url;

use super::{fields, list};

fn page(rel: &str) -> String {
    std::fs::read_to_string(crate::demo::fixtures_dir().join(rel)).expect("fixture page")
}

#[test]
fn the_list_of_a_trs_page_is_found_and_the_menu_is_not() {
    let html = page("shishixinwen/hotnews/bendixinwen3/index.html");
    let doc = Html::parse_document(&html);
    let url = Url::parse("http://127.0.0.1:1/shishixinwen/hotnews/bendixinwen3/").expect("url");
    let c = list::candidates(&doc, &url);
    let best = c.iter().find(|c| c.acceptable()).expect("a list");
    assert_eq!(best.item, "ul.list > li");
    assert_eq!(best.items.len(), 6);
    let f = fields::find(&doc, best).expect("fields");
    assert_eq!(f.link.css, "a");
    assert_eq!(f.date.expect("date").css, "span");
    assert_eq!(f.summary.expect("summary").css, "p");
}
