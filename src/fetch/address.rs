//! Which addresses a portal fetch may reach. Unless a section sets
//! `allow_private = true`, loopback, private (RFC 1918, fc00::/7),
//! link-local, CGNAT, unspecified, broadcast and multicast addresses are
//! refused.
//!
//! The check is on the address actually connected to, not on the URL's
//! text: [`PublicOnly`] is the DNS resolver of the strict client and drops
//! private answers (so DNS rebinding and names pointing inside are caught),
//! and [`check_host`] covers IP-literal hosts, which never reach a resolver
//! (`http://2130706433/` and `http://0x7f.1/` are already `127.0.0.1` once
//! the URL is parsed).

use std::error::Error as StdError;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use url::{Host, Url};

/// True for addresses a portal URL must not reach without `allow_private`.
pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_private_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_private_v4(v4),
            None => is_private_v6(v6),
        },
    }
}

fn is_private_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        // "this network" (0.0.0.0/8) and CGNAT (100.64.0.0/10)
        || a == 0
        || (a == 100 && (64..128).contains(&b))
}

fn is_private_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        // unique local fc00::/7, link-local fe80::/10
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        // IPv4-compatible (deprecated) ::a.b.c.d, e.g. ::127.0.0.1
        || ip.to_ipv4().is_some_and(|v4| ip.segments()[..6] == [0; 6] && is_private_v4(v4))
}

/// A fetch refused because its host is (or resolves only to) a private
/// address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrivateAddress(pub IpAddr);

impl fmt::Display for PrivateAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "address {} is private (set allow_private = true to allow)",
            self.0
        )
    }
}

impl StdError for PrivateAddress {}

/// Refuses an IP-literal host that is private; a name passes (the
/// resolver checks what it resolves to).
pub fn check_host(url: &Url) -> Result<(), PrivateAddress> {
    Guard::default().check(url)
}

/// The IP-literal check with exceptions: `ip:port` pairs treated as
/// public. Production trusts none; tests use one to let a loopback origin
/// stand in for a public portal (and see its redirects refused).
#[derive(Debug, Clone, Default)]
pub struct Guard {
    trusted: Arc<[SocketAddr]>,
}

impl Guard {
    /// A guard that treats exactly these `ip:port` pairs as public.
    pub fn trusting(trusted: &[SocketAddr]) -> Self {
        Self {
            trusted: trusted.into(),
        }
    }

    /// Refuses `url` when its host is a private IP literal not trusted.
    pub fn check(&self, url: &Url) -> Result<(), PrivateAddress> {
        let ip = match url.host() {
            Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
            Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
            Some(Host::Domain(_)) | None => return Ok(()),
        };
        let port = url.port_or_known_default().unwrap_or(0);
        if is_private(ip) && !self.trusted.contains(&SocketAddr::new(ip, port)) {
            Err(PrivateAddress(ip))
        } else {
            Ok(())
        }
    }
}

/// The system resolver, keeping only public addresses; a name with no
/// public address fails with [`PrivateAddress`] (the first refused one).
#[derive(Debug, Clone, Copy, Default)]
pub struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let all: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let (public, private): (Vec<SocketAddr>, Vec<SocketAddr>) =
                all.into_iter().partition(|a| !is_private(a.ip()));
            if public.is_empty() {
                if let Some(first) = private.first() {
                    return Err(Box::new(PrivateAddress(first.ip())) as _);
                }
            }
            Ok(Box::new(public.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn private(s: &str) -> bool {
        is_private(s.parse().expect("an address"))
    }

    #[test]
    fn inside_addresses_are_private() {
        for a in [
            "127.0.0.1",
            "127.255.0.9",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.254",
            "0.0.0.0",
            "0.1.2.3",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
        ] {
            assert!(private(a), "{a} is private");
        }
    }

    #[test]
    fn outside_addresses_are_public() {
        for a in [
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "100.63.255.255",
            "192.169.0.1",
            "2001:4860:4860::8888",
            "::ffff:8.8.8.8",
        ] {
            assert!(!private(a), "{a} is public");
        }
    }

    #[test]
    fn ip_literal_hosts_in_every_spelling_are_checked() {
        for u in [
            "http://127.0.0.1:8080/",
            "http://2130706433/",
            "http://0x7f.0.0.1/",
            "http://0177.0.0.1/",
            "http://127.1/",
            "http://[::1]/",
            "http://[::ffff:7f00:1]/",
            "http://169.254.169.254/latest/meta-data/",
        ] {
            let url = Url::parse(u).expect("a URL");
            let err = check_host(&url).expect_err(u);
            assert!(err.to_string().starts_with("address "), "{err}");
        }
        let url = Url::parse("http://2130706433/").expect("a URL");
        assert_eq!(
            check_host(&url).expect_err("private").to_string(),
            "address 127.0.0.1 is private (set allow_private = true to allow)"
        );
        for u in [
            "http://8.8.8.8/",
            "http://example.org/",
            "http://localhost/",
        ] {
            assert!(check_host(&Url::parse(u).expect("a URL")).is_ok(), "{u}");
        }
    }

    #[tokio::test]
    async fn the_resolver_refuses_names_that_point_inside() {
        let name: Name = "localhost".parse().expect("a name");
        let err = match PublicOnly.resolve(name).await {
            Ok(addrs) => panic!("localhost resolved to {:?}", addrs.collect::<Vec<_>>()),
            Err(e) => e,
        };
        let private = err
            .downcast_ref::<PrivateAddress>()
            .expect("a PrivateAddress");
        assert!(private.0.is_loopback(), "{private}");
    }
}
