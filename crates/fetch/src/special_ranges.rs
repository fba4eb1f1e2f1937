//! The IANA special-purpose address tables: which IPv4 and IPv6 ranges a fetch must not reach
//! because they are not globally reachable, and which IPv6 prefixes carry an IPv4 address
//! that is judged in their place.
//!
//! The rows follow the IANA IPv4 and IPv6 Special-Purpose Address Registries (RFC 6890 and its
//! updates) and the IPv6 Address Space registry. Rust's own `is_global` holds the same
//! knowledge but is unstable, and no well-kept crate in the workspace carries the table
//! (`ipnet` gives the prefix type used here), so the rows are written out once, below.

use ipnet::{Ipv4Net, Ipv6Net};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What a range means for a fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    /// Not reachable on the public internet: refused.
    Refused,
    /// Globally reachable although inside a refused block: allowed.
    Public,
    /// The IPv4 address in the last 32 bits is what is reached: judged instead.
    EmbedsLast32,
    /// 6to4: the IPv4 address in bits 16..48 is what is reached: judged instead.
    EmbedsBits16To48,
}

const fn v4(a: u8, b: u8, c: u8, d: u8, len: u8) -> Ipv4Net {
    Ipv4Net::new_assert(Ipv4Addr::new(a, b, c, d), len)
}

const fn v6(s: [u16; 8], len: u8) -> Ipv6Net {
    Ipv6Net::new_assert(
        Ipv6Addr::new(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]),
        len,
    )
}

/// IPv4 ranges that are not globally reachable. Every other IPv4 address is public.
///
/// The registry's globally reachable rows need no entry: 192.31.196.0/24 and 192.175.48.0/24
/// (AS112, RFC 7535 / RFC 7534) and 192.52.193.0/24 (AMT, RFC 7450).
const IPV4_REFUSED: [Ipv4Net; 16] = [
    v4(0, 0, 0, 0, 8),      // "this network" (RFC 791 §3.2, RFC 1122 §3.2.1.3)
    v4(10, 0, 0, 0, 8),     // private use (RFC 1918)
    v4(100, 64, 0, 0, 10),  // shared address space, carrier-grade NAT (RFC 6598)
    v4(127, 0, 0, 0, 8),    // loopback (RFC 1122 §3.2.1.3)
    v4(169, 254, 0, 0, 16), // link-local, cloud metadata services (RFC 3927)
    v4(172, 16, 0, 0, 12),  // private use (RFC 1918)
    // IETF protocol assignments (RFC 6890 §2.1): DS-Lite (RFC 7335), dummy (RFC 7600),
    // NAT64 discovery (RFC 8880). The registry calls the anycast 192.0.0.9 (PCP, RFC 7723)
    // and 192.0.0.10 (TURN, RFC 8155) globally reachable, but an anycast service address
    // reaches the nearest such server, on a home or cloud network the local gateway: refused.
    v4(192, 0, 0, 0, 24),
    v4(192, 0, 2, 0, 24),       // documentation TEST-NET-1 (RFC 5737)
    v4(192, 88, 99, 0, 24),     // deprecated 6to4 relay anycast (RFC 7526)
    v4(192, 168, 0, 0, 16),     // private use (RFC 1918)
    v4(198, 18, 0, 0, 15),      // benchmarking (RFC 2544)
    v4(198, 51, 100, 0, 24),    // documentation TEST-NET-2 (RFC 5737)
    v4(203, 0, 113, 0, 24),     // documentation TEST-NET-3 (RFC 5737)
    v4(224, 0, 0, 0, 4),        // multicast (RFC 5771)
    v4(240, 0, 0, 0, 4),        // reserved for future use (RFC 1112 §4)
    v4(255, 255, 255, 255, 32), // limited broadcast (RFC 919, RFC 8190); inside 240/4 too
];

/// IPv6 ranges with their verdict; the first row that contains an address decides. An
/// address no row contains is public if it is in 2000::/3, the only block IANA allocates for
/// global unicast; the rest of the space is reserved by the IETF (RFC 4291 §2.4).
///
/// The registry's globally reachable rows outside a refused block need no entry:
/// 2620:4f:8000::/48 (AS112, RFC 7534).
const IPV6_TABLE: [(Ipv6Net, Verdict); 25] = [
    (v6([0, 0, 0, 0, 0, 0, 0, 0], 128), Verdict::Refused), // unspecified (RFC 4291 §2.5.2)
    (v6([0, 0, 0, 0, 0, 0, 0, 1], 128), Verdict::Refused), // loopback (RFC 4291 §2.5.3)
    // IPv4-mapped (RFC 4291 §2.5.5.2): a socket connect reaches the IPv4 address itself.
    (v6([0, 0, 0, 0, 0, 0xffff, 0, 0], 96), Verdict::EmbedsLast32),
    // IPv4-compatible, deprecated (RFC 4291 §2.5.5.1): refused outright.
    (v6([0, 0, 0, 0, 0, 0, 0, 0], 96), Verdict::Refused),
    // IPv4-translated (RFC 2765 §2.1, SIIT): refused outright.
    (v6([0, 0, 0, 0, 0xffff, 0, 0, 0], 96), Verdict::Refused),
    // NAT64 well-known prefix (RFC 6052 §2.1): on an IPv6-only host with DNS64 every IPv4
    // site is reached through it, so the embedded IPv4 address is judged.
    (
        v6([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96),
        Verdict::EmbedsLast32,
    ),
    // Local-use IPv4/IPv6 translation (RFC 8215): the operator's own translator, whose
    // mapping is not known here: refused.
    (v6([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48), Verdict::Refused),
    (v6([0x100, 0, 0, 0, 0, 0, 0, 0], 64), Verdict::Refused), // discard-only (RFC 6666)
    (v6([0x100, 0, 0, 1, 0, 0, 0, 0], 64), Verdict::Refused), // dummy prefix (RFC 9780)
    // Teredo (RFC 4380 §2.6): tunnels to an obfuscated IPv4 address through a relay: refused.
    (v6([0x2001, 0, 0, 0, 0, 0, 0, 0], 32), Verdict::Refused),
    // PCP, TURN and DNS-SD SRP anycast (RFC 7723, RFC 8155, RFC 9665): globally reachable by
    // the registry, but they reach the nearest such server, a local one: refused.
    (v6([0x2001, 1, 0, 0, 0, 0, 0, 1], 128), Verdict::Refused),
    (v6([0x2001, 1, 0, 0, 0, 0, 0, 2], 128), Verdict::Refused),
    (v6([0x2001, 1, 0, 0, 0, 0, 0, 3], 128), Verdict::Refused),
    (v6([0x2001, 2, 0, 0, 0, 0, 0, 0], 48), Verdict::Refused), // benchmarking (RFC 5180)
    (v6([0x2001, 3, 0, 0, 0, 0, 0, 0], 32), Verdict::Public),  // AMT (RFC 7450)
    (v6([0x2001, 4, 0x112, 0, 0, 0, 0, 0], 48), Verdict::Public), // AS112-v6 (RFC 7535)
    (v6([0x2001, 0x10, 0, 0, 0, 0, 0, 0], 28), Verdict::Refused), // ORCHID, deprecated (RFC 4843)
    (v6([0x2001, 0x20, 0, 0, 0, 0, 0, 0], 28), Verdict::Public), // ORCHIDv2 (RFC 7343)
    (v6([0x2001, 0x30, 0, 0, 0, 0, 0, 0], 28), Verdict::Public), // drone remote ID (RFC 9374)
    // The rest of the IETF protocol assignments block (RFC 2928, RFC 6890 §2.2.2).
    (v6([0x2001, 0, 0, 0, 0, 0, 0, 0], 23), Verdict::Refused),
    (v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32), Verdict::Refused), // documentation (RFC 3849)
    // 6to4 (RFC 3056 §2): reaches the IPv4 address in bits 16..48 through a relay.
    (
        v6([0x2002, 0, 0, 0, 0, 0, 0, 0], 16),
        Verdict::EmbedsBits16To48,
    ),
    (v6([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20), Verdict::Refused), // documentation (RFC 9637)
    // Outside 2000::/3 and so refused by the rule after the table anyway; listed because the
    // registries name them: segment routing SIDs 5f00::/16 (RFC 9602), unique-local
    // fc00::/7 (RFC 4193), link-local fe80::/10 (RFC 4291 §2.5.6), site-local fec0::/10
    // (deprecated, RFC 3879), multicast ff00::/8 (RFC 4291 §2.7).
    (v6([0x5f00, 0, 0, 0, 0, 0, 0, 0], 16), Verdict::Refused),
    (v6([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7), Verdict::Refused),
];

/// The global unicast block (RFC 4291 §2.4, IANA IPv6 Address Space registry).
const IPV6_GLOBAL_UNICAST: Ipv6Net = v6([0x2000, 0, 0, 0, 0, 0, 0, 0], 3);

/// Whether `ip` is globally reachable: in no refused row of the tables above, and for an
/// IPv6 prefix that embeds an IPv4 address, that IPv4 address is.
pub(crate) fn is_globally_reachable(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_globally_reachable_v4(v4),
        IpAddr::V6(v6) => is_globally_reachable_v6(v6),
    }
}

fn is_globally_reachable_v4(ip: Ipv4Addr) -> bool {
    !IPV4_REFUSED.iter().any(|range| range.contains(&ip))
}

fn is_globally_reachable_v6(ip: Ipv6Addr) -> bool {
    let verdict = IPV6_TABLE
        .iter()
        .find(|(range, _)| range.contains(&ip))
        .map(|(_, verdict)| *verdict);
    let bits = u128::from(ip);
    match verdict {
        Some(Verdict::Refused) => false,
        Some(Verdict::Public) => true,
        // The casts keep exactly the 32 bits each format puts the IPv4 address in.
        Some(Verdict::EmbedsLast32) => is_globally_reachable_v4(Ipv4Addr::from(bits as u32)),
        Some(Verdict::EmbedsBits16To48) => {
            is_globally_reachable_v4(Ipv4Addr::from((bits >> 80) as u32))
        }
        None => IPV6_GLOBAL_UNICAST.contains(&ip),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `true` for public, `false` for refused; each range's first and last address and the
    /// addresses just outside it, written out by hand (not derived from the table).
    const EDGES: &[(&str, bool)] = &[
        // "this network" 0/8
        ("0.0.0.0", false),
        ("0.255.255.255", false),
        ("1.0.0.0", true),
        // private 10/8
        ("9.255.255.255", true),
        ("10.0.0.0", false),
        ("10.255.255.255", false),
        ("11.0.0.0", true),
        // shared address space 100.64/10
        ("100.63.255.255", true),
        ("100.64.0.0", false),
        ("100.127.255.255", false),
        ("100.128.0.0", true),
        // loopback 127/8
        ("126.255.255.255", true),
        ("127.0.0.0", false),
        ("127.255.255.255", false),
        ("128.0.0.0", true),
        // link-local 169.254/16
        ("169.253.255.255", true),
        ("169.254.0.0", false),
        ("169.254.169.254", false),
        ("169.254.255.255", false),
        ("169.255.0.0", true),
        // private 172.16/12
        ("172.15.255.255", true),
        ("172.16.0.0", false),
        ("172.31.255.255", false),
        ("172.32.0.0", true),
        // IETF protocol assignments 192.0.0/24, anycast included
        ("191.255.255.255", true),
        ("192.0.0.0", false),
        ("192.0.0.1", false),
        ("192.0.0.9", false),
        ("192.0.0.10", false),
        ("192.0.0.170", false),
        ("192.0.0.255", false),
        ("192.0.1.0", true),
        // documentation 192.0.2/24
        ("192.0.1.255", true),
        ("192.0.2.0", false),
        ("192.0.2.255", false),
        ("192.0.3.0", true),
        // globally reachable rows of the registry
        ("192.31.196.1", true),
        ("192.52.193.1", true),
        ("192.175.48.1", true),
        // 6to4 relay anycast 192.88.99/24
        ("192.88.98.255", true),
        ("192.88.99.0", false),
        ("192.88.99.1", false),
        ("192.88.99.255", false),
        ("192.88.100.0", true),
        // private 192.168/16
        ("192.167.255.255", true),
        ("192.168.0.0", false),
        ("192.168.255.255", false),
        ("192.169.0.0", true),
        // benchmarking 198.18/15
        ("198.17.255.255", true),
        ("198.18.0.0", false),
        ("198.19.255.255", false),
        ("198.20.0.0", true),
        // documentation 198.51.100/24 and 203.0.113/24
        ("198.51.99.255", true),
        ("198.51.100.0", false),
        ("198.51.100.255", false),
        ("198.51.101.0", true),
        ("203.0.112.255", true),
        ("203.0.113.0", false),
        ("203.0.113.255", false),
        ("203.0.114.0", true),
        // multicast 224/4, reserved 240/4, broadcast
        ("223.255.255.255", true),
        ("224.0.0.0", false),
        ("239.255.255.255", false),
        ("240.0.0.0", false),
        ("255.255.255.254", false),
        ("255.255.255.255", false),
        ("8.8.8.8", true),
        ("1.1.1.1", true),
        // unspecified, loopback, IPv4-compatible ::/96
        ("::", false),
        ("::1", false),
        ("::2", false),
        ("::127.0.0.1", false),
        ("::8.8.8.8", false),
        ("::ffff:ffff", false),
        ("::1:0:0", false),
        // IPv4-mapped ::ffff:0:0/96: the IPv4 address decides
        ("::ffff:127.0.0.1", false),
        ("::ffff:10.0.0.1", false),
        ("::ffff:0.0.0.0", false),
        ("::ffff:8.8.8.8", true),
        ("::ffff:255.255.255.255", false),
        ("::fffe:ffff:ffff", false),
        ("::1:0:0:0", false),
        // IPv4-translated ::ffff:0:0:0/96: refused even for a public IPv4
        ("::ffff:0:7f00:1", false),
        ("::ffff:0:808:808", false),
        // NAT64 64:ff9b::/96: the IPv4 address decides
        ("64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff", false),
        ("64:ff9b::", false),
        ("64:ff9b::7f00:1", false),
        ("64:ff9b::a00:1", false),
        ("64:ff9b::c000:201", false),
        ("64:ff9b::ffff:ffff", false),
        ("64:ff9b::808:808", true),
        ("64:ff9b::102:304", true),
        ("64:ff9b::1:808:808", false),
        // local-use NAT64 64:ff9b:1::/48: refused even for a public IPv4
        ("64:ff9b:1::808:808", false),
        ("64:ff9b:1::7f00:1", false),
        ("64:ff9b:1:ffff:ffff:ffff:ffff:ffff", false),
        ("64:ff9b:2::808:808", false),
        // discard-only 100::/64 and dummy 100:0:0:1::/64
        ("100::", false),
        ("100::1", false),
        ("100::ffff:ffff:ffff:ffff", false),
        ("100:0:0:1::1", false),
        ("100:0:0:2::", false),
        // Teredo 2001::/32
        ("2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true),
        ("2001::", false),
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", false),
        ("2001:0:ffff:ffff:ffff:ffff:ffff:ffff", false),
        // anycast, benchmarking and the rest of 2001::/23
        ("2001:1::1", false),
        ("2001:1::2", false),
        ("2001:1::3", false),
        ("2001:1::4", false),
        ("2001:2::", false),
        ("2001:2:0:ffff:ffff:ffff:ffff:ffff", false),
        ("2001:2:1::", false),
        // AMT 2001:3::/32 is globally reachable
        ("2001:3::", true),
        ("2001:3:ffff:ffff:ffff:ffff:ffff:ffff", true),
        // AS112-v6 2001:4:112::/48 is globally reachable
        ("2001:4:111:ffff:ffff:ffff:ffff:ffff", false),
        ("2001:4:112::", true),
        ("2001:4:112:ffff:ffff:ffff:ffff:ffff", true),
        ("2001:4:113::", false),
        // ORCHID 2001:10::/28 refused, ORCHIDv2 2001:20::/28 and DETs 2001:30::/28 not
        ("2001:f:ffff:ffff:ffff:ffff:ffff:ffff", false),
        ("2001:10::", false),
        ("2001:1f:ffff:ffff:ffff:ffff:ffff:ffff", false),
        ("2001:20::", true),
        ("2001:2f:ffff:ffff:ffff:ffff:ffff:ffff", true),
        ("2001:30::", true),
        ("2001:3f:ffff:ffff:ffff:ffff:ffff:ffff", true),
        ("2001:40::", false),
        ("2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff", false),
        ("2001:200::", true),
        // documentation 2001:db8::/32
        ("2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", true),
        ("2001:db8::", false),
        ("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", false),
        ("2001:db9::", true),
        // 6to4 2002::/16: the IPv4 address in bits 16..48 decides
        ("2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true),
        ("2002::", false),
        ("2002:7f00:1::", false),
        ("2002:a00:1::1", false),
        ("2002:c0a8:101::", false),
        ("2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false),
        ("2002:808:808::", true),
        ("2002:808:808:ffff:ffff:ffff:ffff:ffff", true),
        ("2003::", true),
        // documentation 3fff::/20
        ("3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true),
        ("3fff::", false),
        ("3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff", false),
        ("3fff:1000::", true),
        // outside global unicast 2000::/3
        ("1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false),
        ("4000::", false),
        ("5f00::1", false),
        ("fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false),
        ("fc00::", false),
        ("fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false),
        ("fe80::1", false),
        ("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false),
        ("fec0::", false),
        ("fec0::1", false),
        ("feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", false),
        ("ff02::1", false),
        ("ff0e::1", false),
        // ordinary public addresses
        ("2606:4700::1111", true),
        ("2a00:1450:4001::1", true),
        ("2620:4f:8000::1", true),
    ];

    #[test]
    fn every_range_is_judged_at_its_edges() {
        let wrong: Vec<String> = EDGES
            .iter()
            .filter_map(|(text, public)| {
                let ip: IpAddr = text.parse().expect("a literal address in the table");
                (is_globally_reachable(ip) != *public).then(|| {
                    let expected = if *public { "public" } else { "refused" };
                    format!("{text} should be {expected}")
                })
            })
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
    }

    #[test]
    fn every_refused_row_refuses_its_first_and_last_address() {
        for range in IPV4_REFUSED {
            for ip in [range.network(), range.broadcast()] {
                assert!(!is_globally_reachable(ip.into()), "{ip} in {range}");
            }
        }
        for (range, verdict) in IPV6_TABLE {
            if verdict == Verdict::Refused {
                for ip in [range.network(), range.broadcast()] {
                    assert!(!is_globally_reachable(ip.into()), "{ip} in {range}");
                }
            }
        }
    }
}
