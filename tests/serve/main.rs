//! The development server: HTTP, watching and live reload.

mod live;
mod server;
mod watch;

#[path = "../shared/tools.rs"]
mod tools;
