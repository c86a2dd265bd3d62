//! The config as written: serde types that mirror the TOML (or the admin
//! API's JSON) key for key. Nothing here is checked beyond types; see
//! [`super::compile`] for the rules.
//!
//! Every field is optional at this level, so that one missing key is
//! reported by `compile` together with every other problem instead of
//! stopping deserialization.

use serde::{Deserialize, Serialize};

pub use super::raw_values::{RawField, RawFieldTable, RawFormats, RawSize};

/// The whole file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawConfig {
    /// `[server]`.
    #[serde(default)]
    pub server: RawServer,
    /// `[store]`.
    #[serde(default, skip_serializing_if = "RawStore::is_empty")]
    pub store: RawStore,
    /// `[defaults]`.
    #[serde(default)]
    pub defaults: RawSettings,
    /// `[[sites]]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sites: Vec<RawSite>,
}

/// `[server]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawServer {
    /// Socket address, default `127.0.0.1:8080`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    /// Base of self links, default `http://<listen>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// Snapshot directory; none keeps the store in memory only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<String>,
    /// Name of the env var holding the admin token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_token_env: Option<String>,
    /// Global cap on concurrent fetches, default 8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_concurrent_fetches: Option<i64>,
    /// Bytes of rendered feeds kept in memory, default 64 MiB.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_size: Option<RawSize>,
}

/// `[store]`: where entries and health live when several instances share
/// them (without it: SQLite in `server.data_dir`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStore {
    /// `postgres://user:password@host:port/database`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// How long a scrape lease lasts unless renewed (humantime, at least
    /// 1s), default 60s: a killed instance's sections are scraped by
    /// another within it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease: Option<String>,
}

impl RawStore {
    /// True when no key is set.
    pub fn is_empty(&self) -> bool {
        self.url.is_none() && self.lease.is_none()
    }
}

/// `[defaults]`: the settings every site and section may override. Sites
/// and sections carry the same keys directly (see [`RawSite::settings`]).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSettings {
    /// Scrape interval (humantime, at least 10s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<String>,
    /// Entries kept and served (1..=10000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<i64>,
    /// Timeout of one request (humantime).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<String>,
    /// `User-Agent` header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_agent: Option<String>,
    /// Least time between two requests to one host (humantime, may be `0s`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_delay: Option<String>,
    /// Whether article pages are fetched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetch_articles: Option<bool>,
    /// Whether `robots.txt` is obeyed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obey_robots: Option<bool>,
    /// Largest body read, in bytes or as `"10MiB"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_body: Option<RawSize>,
    /// Whether loopback and private addresses may be fetched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_private: Option<bool>,
    /// Most time one scrape may spend parsing (humantime).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scrape_deadline: Option<String>,
    /// Largest entry content kept, in bytes or as `"1MiB"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_content: Option<RawSize>,
}

/// Defines a struct whose fields are followed by the settings keys (the
/// keys of `[defaults]`, which sites and sections may override), and its
/// `settings()`. The keys are written out, not `#[serde(flatten)]`ed: flatten
/// would break `deny_unknown_fields` and the key paths of errors.
macro_rules! with_settings {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $($(#[$fmeta:meta])* pub $field:ident: $ty:ty,)*
        }
    ) => {
        $(#[$meta])*
        pub struct $name {
            $($(#[$fmeta])* pub $field: $ty,)*
            /// Overrides the inherited `interval`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub interval: Option<String>,
            /// Overrides the inherited `max_items`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub max_items: Option<i64>,
            /// Overrides the inherited `timeout`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub timeout: Option<String>,
            /// Overrides the inherited `user_agent`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub user_agent: Option<String>,
            /// Overrides the inherited `min_delay`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub min_delay: Option<String>,
            /// Overrides the inherited `fetch_articles`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub fetch_articles: Option<bool>,
            /// Overrides the inherited `obey_robots`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub obey_robots: Option<bool>,
            /// Overrides the inherited `max_body`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub max_body: Option<RawSize>,
            /// Overrides the inherited `allow_private`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub allow_private: Option<bool>,
            /// Overrides the inherited `scrape_deadline`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub scrape_deadline: Option<String>,
            /// Overrides the inherited `max_content`.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub max_content: Option<RawSize>,
        }

        impl $name {
            /// The settings keys written on this entry.
            pub fn settings(&self) -> RawSettings {
                RawSettings {
                    interval: self.interval.clone(),
                    max_items: self.max_items,
                    timeout: self.timeout.clone(),
                    user_agent: self.user_agent.clone(),
                    min_delay: self.min_delay.clone(),
                    fetch_articles: self.fetch_articles,
                    obey_robots: self.obey_robots,
                    max_body: self.max_body.clone(),
                    allow_private: self.allow_private,
                    scrape_deadline: self.scrape_deadline.clone(),
                    max_content: self.max_content.clone(),
                }
            }
        }
    };
}

with_settings! {
/// One `[[sites]]` entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSite {
    /// Slug (`[a-z0-9-]+`), unique. Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Human title. Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Home page (absolute http(s)). Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// chrono-tz name, default `UTC`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timezone: Option<String>,
    /// Feed language.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Forced charset (an encoding_rs label).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// `[sites.article]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<RawArticle>,
    /// `[[sites.sections]]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<RawSection>,
}
}

with_settings! {
/// One `[[sites.sections]]` entry.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    /// Slug, unique within the site. Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Human title. Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Id of the group this section belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// First list page; none makes the section a group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// List pages to follow (1..=100), default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<i64>,
    /// The "next page" link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_page: Option<RawField>,
    /// URL template of the later list pages: `{i}` 0-based index, `{p}`
    /// 1-based number (`index_{i}.html`, `?page={p}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_url: Option<String>,
    /// `[sites.sections.list]`, required with `url`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<RawList>,
    /// Replaces the site's `[sites.article]` for this section.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<RawArticle>,
}
}

/// `[sites.sections.list]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawList {
    /// CSS of one entry. Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// The entry's link. Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<RawField>,
    /// The entry's title. Required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<RawField>,
    /// Text holding the entry's date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<RawField>,
    /// The entry's summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<RawField>,
    /// The entry's author or publishing department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<RawField>,
    /// The entry's category (added to the section's title).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<RawField>,
}

/// `[sites.article]` or `[sites.sections.article]`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArticle {
    /// The article's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<RawField>,
    /// The article body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<RawField>,
    /// Text holding the date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<RawField>,
    /// The author or source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<RawField>,
    /// CSS of elements dropped from the content.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_and_section_settings_copy_every_key() {
        let site = RawSite {
            interval: Some("1m".into()),
            max_items: Some(3),
            timeout: Some("5s".into()),
            user_agent: Some("ua".into()),
            min_delay: Some("0s".into()),
            fetch_articles: Some(false),
            obey_robots: Some(false),
            max_body: Some(RawSize::Bytes(2048)),
            allow_private: Some(true),
            scrape_deadline: Some("2m".into()),
            max_content: Some(RawSize::Bytes(4096)),
            ..RawSite::default()
        };
        let expected = RawSettings {
            interval: Some("1m".into()),
            max_items: Some(3),
            timeout: Some("5s".into()),
            user_agent: Some("ua".into()),
            min_delay: Some("0s".into()),
            fetch_articles: Some(false),
            obey_robots: Some(false),
            max_body: Some(RawSize::Bytes(2048)),
            allow_private: Some(true),
            scrape_deadline: Some("2m".into()),
            max_content: Some(RawSize::Bytes(4096)),
        };
        assert_eq!(site.settings(), expected);
        let section = RawSection {
            interval: Some("1m".into()),
            max_items: Some(3),
            timeout: Some("5s".into()),
            user_agent: Some("ua".into()),
            min_delay: Some("0s".into()),
            fetch_articles: Some(false),
            obey_robots: Some(false),
            max_body: Some(RawSize::Bytes(2048)),
            allow_private: Some(true),
            scrape_deadline: Some("2m".into()),
            max_content: Some(RawSize::Bytes(4096)),
            ..RawSection::default()
        };
        assert_eq!(section.settings(), expected);
    }

    #[test]
    fn json_round_trip_of_a_section() {
        let json = r#"{"id":"local","title":"Local","url":"http://x.test/",
            "list":{"item":"li","link":{"css":"a","attr":"data-href"},"title":"a",
            "date":{"css":"span","format":["%Y-%m-%d","%Y/%m/%d"]}},"max_body":"1MiB"}"#;
        let section: RawSection = serde_json::from_str(json).expect("valid json");
        let back = serde_json::to_string(&section).expect("serializable");
        let again: RawSection = serde_json::from_str(&back).expect("round trip");
        assert_eq!(section, again);
        assert_eq!(section.max_body, Some(RawSize::Text("1MiB".into())));
    }

    #[test]
    fn json_rejects_unknown_keys() {
        let err = serde_json::from_str::<RawList>(r#"{"itme":"li"}"#).expect_err("unknown key");
        assert!(err.to_string().contains("unknown field `itme`"), "{err}");
    }
}
