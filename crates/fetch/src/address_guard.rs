//! The private-address guard: which IP addresses a fetch may reach, and a DNS resolver that
//! drops the others.
//!
//! Checking the URL's host name is not enough (a public name can resolve to 127.0.0.1), so the
//! check runs on the resolver's answers, on IP literals in URLs, and at every redirect.

use crate::special_ranges;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::{IpAddr, SocketAddr};

/// The start of the error message the resolver gives for a refused name; the fetcher
/// recognises it in the chain of causes.
pub(crate) const REFUSAL: &str = "tidings refused private address:";

/// Whether an address is on the public internet: in none of the ranges of the IANA
/// special-purpose registries that are not globally reachable (loopback, private, link-local,
/// carrier-grade NAT, multicast, broadcast, documentation, benchmarking, reserved, unique-local,
/// site-local, discard, Teredo, ...). An IPv6 address that carries an IPv4 one (IPv4-mapped,
/// NAT64 64:ff9b::/96, 6to4 2002::/16) is judged by the IPv4 address it reaches. The table is
/// in `special_ranges`.
pub fn is_public_address(ip: IpAddr) -> bool {
    special_ranges::is_globally_reachable(ip)
}

/// A resolver that answers only with public addresses.
#[derive(Debug, Default)]
pub(crate) struct PublicOnlyResolver;

impl Resolve for PublicOnlyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let answers: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = answers
                .iter()
                .copied()
                .filter(|a| is_public_address(a.ip()))
                .collect();
            if public.is_empty() && !answers.is_empty() {
                let shown = answers[0].ip();
                return Err(format!("{REFUSAL} {host} ({shown})").into());
            }
            let addrs: Addrs = Box::new(public.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(s: &str) -> bool {
        is_public_address(s.parse().expect("an IP address"))
    }

    #[test]
    fn private_and_special_addresses_are_refused() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "192.0.2.1",
            "::1",
            "::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "2001:db8::1",
        ] {
            assert!(!public(ip), "{ip} must be refused");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
        ] {
            assert!(public(ip), "{ip} must pass");
        }
    }
}
