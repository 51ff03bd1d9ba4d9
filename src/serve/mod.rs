//! `forklar serve`: the development server, the file watcher and live reload.
//!
//! - [`server`] serves the output folder over HTTP and streams build events.
//! - [`watch`](mod@watch) watches the site's sources and reports batched changes.
//! - [`livereload`] broadcasts build results and provides the injected script.

mod hosts;
mod http;
mod kept;
pub mod livereload;
mod paths;
pub mod pending;
pub mod server;
pub mod watch;

pub use livereload::{BuildErrorInfo, LiveReload};
pub use server::{RunningServer, ServeError, ServerConfig, start};
pub use watch::{ChangeKind, ChangeSet, WatchError, Watcher, classify, watch};
pub mod command;
mod workers;
