//! portalfeed turns the sections of web portals that publish no feeds into
//! RSS 2.0, Atom 1.0 and JSON Feed 1.1.
//!
//! The data flow has one module per step:
//! `config -> scheduler -> fetch -> extract -> normalize -> store -> render -> http`.
//! [`scrape`] strings fetch, extract and normalize together for one section.

pub mod admin;
pub mod app;
pub mod banner;
pub mod cache;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod demo;
pub mod digest;
pub mod error;
pub mod extract;
pub mod fetch;
pub mod http;
pub mod metrics;
pub mod model;
pub mod normalize;
pub mod parse;
pub mod reload;
pub mod render;
pub mod scheduler;
pub mod scrape;
pub mod store;
pub mod suggest;
