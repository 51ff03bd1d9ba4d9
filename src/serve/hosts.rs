//! Which `Host` a request may name: a page on another site that resolves its
//! own name to 127.0.0.1 (DNS rebinding) must not be able to read the preview.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

/// The names a request's `Host` may give: the bound address, `localhost`,
/// `127.0.0.1` and `[::1]`; bound to every address, also the machine's own
/// addresses and name; and the names passed with `--allow-host`.
pub(super) fn allowed_hosts(addr: SocketAddr, extra: &[String]) -> Vec<String> {
    let mut hosts: Vec<String> = vec![
        "localhost".into(),
        "127.0.0.1".into(),
        "[::1]".into(),
        host_of(addr.ip()),
    ];
    if addr.ip().is_unspecified() {
        hosts.extend(local_addresses().into_iter().map(host_of));
        if let Some(name) = host_name() {
            hosts.push(format!("{name}.local"));
            hosts.push(name);
        }
    }
    hosts.extend(extra.iter().cloned());
    let mut hosts: Vec<String> = hosts
        .into_iter()
        .map(|h| h.trim_end_matches('.').to_ascii_lowercase())
        .collect();
    hosts.sort();
    hosts.dedup();
    hosts
}

fn host_of(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(ip) => ip.to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
    }
}

/// Whether `host` (a `Host` header) names this server: an allowed name, with
/// the server's port or none.
pub(super) fn host_allowed(host: &str, hosts: &[String], port: u16) -> bool {
    let host = host.to_ascii_lowercase();
    let (name, given_port) = match host.rfind(':') {
        // `[::1]` has colons inside its brackets; a port comes after `]`.
        Some(i) if !host[i..].contains(']') => (&host[..i], Some(&host[i + 1..])),
        _ => (host.as_str(), None),
    };
    let port_ok = match given_port {
        None => true,
        Some(p) => p.parse::<u16>().is_ok_and(|p| p == port),
    };
    port_ok && hosts.iter().any(|h| h == name.trim_end_matches('.'))
}

/// The machine's own addresses, from `getifaddrs`.
#[allow(unsafe_code)] // a system call the standard library does not offer; see SAFETY below
fn local_addresses() -> Vec<IpAddr> {
    let mut found = Vec::new();
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list` with a linked list freed below; each
    // address is read according to its family.
    unsafe {
        if libc::getifaddrs(&mut list) != 0 {
            return found;
        }
        let mut at = list;
        while !at.is_null() {
            let addr = (*at).ifa_addr;
            if !addr.is_null() {
                match i32::from((*addr).sa_family) {
                    libc::AF_INET => {
                        let v4 = &*(addr as *const libc::sockaddr_in);
                        found.push(IpAddr::V4(Ipv4Addr::from(u32::from_be(v4.sin_addr.s_addr))));
                    }
                    libc::AF_INET6 => {
                        let v6 = &*(addr as *const libc::sockaddr_in6);
                        found.push(IpAddr::V6(Ipv6Addr::from(v6.sin6_addr.s6_addr)));
                    }
                    _ => {}
                }
            }
            at = (*at).ifa_next;
        }
        libc::freeifaddrs(list);
    }
    found
}

#[allow(unsafe_code)] // a system call the standard library does not offer; see SAFETY below
fn host_name() -> Option<String> {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; the name is NUL-terminated
    // when it fits, and the last byte is kept NUL.
    let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len() - 1) } == 0;
    let end = buf.iter().position(|b| *b == 0)?;
    let name = std::str::from_utf8(&buf[..end]).ok()?;
    (ok && !name.is_empty()).then(|| name.to_owned())
}
