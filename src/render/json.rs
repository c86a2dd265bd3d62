//! JSON Feed 1.1 (<https://jsonfeed.org/version/1.1>). The structs borrow
//! from the entries: only strings that needed cleaning are copied.

use std::borrow::Cow;

use serde::Serialize;

use super::{FeedMeta, Format, entry_updated, xml_safe};
use crate::model::Entry;

const VERSION: &str = "https://jsonfeed.org/version/1.1";

/// The top-level feed object.
#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: Cow<'a, str>,
    home_page_url: Cow<'a, str>,
    feed_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<Cow<'a, str>>,
    authors: [Author<'a>; 1],
    items: Vec<Item<'a>>,
}

/// One author object.
#[derive(Serialize)]
struct Author<'a> {
    name: Cow<'a, str>,
}

/// One item. JSON Feed requires `content_html` or `content_text`.
#[derive(Serialize)]
struct Item<'a> {
    id: Cow<'a, str>,
    url: Cow<'a, str>,
    title: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_html: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content_text: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<Cow<'a, str>>,
    date_published: String,
    date_modified: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<Cow<'a, str>>,
}

/// Writes the JSON Feed document for `entries` into `out`.
pub(super) fn write(meta: &FeedMeta, entries: &[Entry], out: &mut Vec<u8>) {
    let feed = JsonFeed {
        version: VERSION,
        title: xml_safe(&meta.title),
        home_page_url: xml_safe(&meta.home_url),
        feed_url: meta.self_url(Format::Json),
        description: (!meta.description.is_empty()).then(|| xml_safe(&meta.description)),
        language: meta.language.as_deref().map(xml_safe),
        authors: [Author {
            name: xml_safe(&meta.author),
        }],
        items: entries.iter().map(item).collect(),
    };
    // Every key is a string and writing into a Vec cannot fail; should it
    // ever, the feed is logged as broken rather than taking the thread down.
    if let Err(e) = serde_json::to_writer(out, &feed) {
        tracing::error!(error = %e, "JSON feed not rendered");
    }
}

fn item(entry: &Entry) -> Item<'_> {
    let summary = entry.summary.as_deref().map(xml_safe);
    let content_html = entry.content_html.as_deref().map(xml_safe);
    // Without HTML the summary stands in as the text content; with neither,
    // an empty text keeps the item valid (one of the two is required).
    let content_text = match content_html {
        Some(_) => None,
        None => Some(summary.clone().unwrap_or_default()),
    };
    Item {
        id: xml_safe(entry.id.as_str()),
        url: xml_safe(&entry.url),
        title: xml_safe(&entry.title),
        content_html,
        content_text,
        summary,
        image: entry.image.as_deref().map(xml_safe),
        date_published: entry.date().to_rfc3339(),
        date_modified: entry_updated(entry).to_rfc3339(),
        authors: entry
            .author
            .as_deref()
            .map(|name| Author {
                name: xml_safe(name),
            })
            .into_iter()
            .collect(),
        tags: entry.categories.iter().map(|t| xml_safe(t)).collect(),
    }
}
