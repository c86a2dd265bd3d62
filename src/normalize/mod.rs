//! Raw extracted values to clean values: absolute canonical URLs, dates in
//! the right zone, folded text, sanitized HTML, excerpts.
//!
//! [`entry`] assembles an [`Entry`](crate::model::Entry) from these.

pub mod dates;
pub mod dating;
pub mod entry;
mod html;
pub mod limits;
mod text;
mod urls;

pub use dates::{DateParts, DateRules, day_first_language, find_date, parse_date};
pub use html::{first_image, sanitize_html};
pub use text::{excerpt, fold_whitespace};
pub use urls::{TRACKING_PARAMS, TRACKING_PREFIXES, canonical_url};
