//! The development server: HTTP, watching and live reload.

mod http;
mod live;
mod security;
mod server;
mod watch;

#[path = "../shared/tools.rs"]
mod tools;
