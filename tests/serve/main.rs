//! The development server: HTTP, watching and live reload.

mod equivalence;
mod http;
mod images;
mod links;
mod live;
mod reader_first;
mod restart;
#[cfg(feature = "search")]
mod search;
mod security;
mod server;
mod stopping;
mod support;
mod watch;

#[path = "../shared/site_model.rs"]
mod site_model;
#[path = "../shared/tools.rs"]
mod tools;
