//! The development server: HTTP, watching and live reload.

mod server;
mod watch;
