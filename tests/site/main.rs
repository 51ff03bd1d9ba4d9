//! Integration tests for `forklar build`: real sites in temporary folders, built by
//! the real binary, checked on the HTML a reader gets and the messages a writer
//! reads.

mod build;
mod cms;
mod common;
mod deploying;
mod docs;
mod errors;
mod explainer;
mod explainer_errors;
mod fixture;
mod found;
mod front;
mod hostile;
mod images;
mod impact;
mod incremental;
mod large;
mod let_go;
mod live;
mod pagination;
mod phone;
mod placement;
mod publishing;
mod rebuild;
mod reuse;
mod review;
mod safety;
mod sample;
mod scaffold;
mod schedule;
#[cfg(feature = "search")]
mod search;
mod security;
mod sitemap;
mod structure;
mod writers;

#[path = "../shared/tools.rs"]
mod tools;
