//! What a security group's rules open, as AWS evaluates them: rules are
//! allowed together, so a port is world-open when the union of the CIDR
//! sources of the rules that admit it covers every public IPv4 address (or
//! every public IPv6 address). `0.0.0.0/1` + `128.0.0.0/1` is world-open;
//! `10.0.0.0/8` + `0.0.0.0/5` is not. A rule naming a customer-managed
//! prefix list admits every CIDR in it, so such rules are expanded
//! ([`PrefixLists::expand`]) before they are judged; group sources and
//! AWS-managed lists (AWS's own service addresses) are not world.

use std::collections::HashMap;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use serde::Deserialize;

use crate::kinds::{Rule, Source, EC2_PREFIX_LIST, EC2_SECURITY_GROUP};
use crate::model::{is_unknown_marker, Snapshot, UNKNOWN_KEY};

/// Every security group's ingress rules by `region/sg-id`, read once per
/// evaluation for the checks that judge an instance or a database by its
/// groups.
#[derive(Debug, Default, Clone)]
pub struct Groups(HashMap<String, Vec<Rule>>);

impl Groups {
    pub fn of(snap: &Snapshot) -> Groups {
        let groups = snap.of_kind(EC2_SECURITY_GROUP).map(|r| {
            let rules = Vec::<Rule>::deserialize(&r.attrs.read()["ingress"]).unwrap_or_default();
            (format!("{}/{}", r.region, r.native_id), rules)
        });
        Groups(groups.collect())
    }
}

/// The snapshot's customer-managed prefix lists by id (ids are unique
/// across regions): their CIDRs, or the error code that kept them unread.
#[derive(Debug, Default, Clone)]
pub struct PrefixLists(HashMap<String, Result<Vec<String>, String>>);

impl PrefixLists {
    pub fn of(snap: &Snapshot) -> PrefixLists {
        let lists = snap
            .resources
            .values()
            .filter(|r| r.kind == EC2_PREFIX_LIST)
            .map(|r| {
                let e = &r.attrs["entries"];
                let cidrs = if is_unknown_marker(e) {
                    Err(e[UNKNOWN_KEY].as_str().unwrap_or("?").to_string())
                } else {
                    Ok(e.as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|x| x["cidr"].as_str().map(str::to_string))
                        .collect())
                };
                (r.native_id.clone(), cidrs)
            });
        PrefixLists(lists.collect())
    }

    /// `rules` with every rule that names a known list replaced by one rule
    /// per entry (`via` set to the list). A list the snapshot does not hold
    /// is AWS-managed (the collector skips those) or in a region not
    /// scanned (which coverage reports): its rule stays as it is. A list
    /// whose entries were not read makes the answer unknown: a check
    /// cannot say the group is closed when it does not know.
    pub fn expand(&self, rules: &[Rule]) -> Result<Vec<Rule>, String> {
        let mut out = Vec::with_capacity(rules.len());
        for r in rules {
            let Source::PrefixList(pl) = &r.source else {
                out.push(r.clone());
                continue;
            };
            match self.0.get(pl.trim()) {
                None => out.push(r.clone()),
                Some(Err(code)) => {
                    return Err(format!("prefix list {pl}: entries not read ({code})"))
                }
                Some(Ok(cidrs)) => out.extend(cidrs.iter().map(|c| Rule {
                    source: if c.contains(':') {
                        Source::CidrV6(c.clone())
                    } else {
                        Source::CidrV4(c.clone())
                    },
                    via: Some(pl.clone()),
                    ..r.clone()
                })),
            }
        }
        Ok(out)
    }
}

/// IPv4 space that is not public: with it added, public coverage is
/// "the union is everything".
const NOT_PUBLIC_V4: &[&str] = &[
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/24",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "224.0.0.0/3",
];

/// IPv6 space that is not public: everything outside global unicast
/// (2000::/3), and the documentation range inside it.
const NOT_PUBLIC_V6: &[&str] = &["::/3", "4000::/2", "8000::/1", "2001:db8::/32"];

/// Whether a rule admits `proto` (`tcp` or `udp`) traffic to `port`.
pub fn admits(r: &Rule, proto: &str, port: i64) -> bool {
    r.protocol == "all"
        || (r.protocol == proto && {
            let (from, to) = (r.from_port.unwrap_or(0), r.to_port.unwrap_or(65535));
            i64::from(from) <= port && port <= i64::from(to)
        })
}

/// Whether a rule opens every port (protocol all, or TCP/UDP 0–65535).
pub fn all_ports(r: &Rule) -> bool {
    r.protocol == "all"
        || (matches!(r.protocol.as_str(), "tcp" | "udp")
            && r.from_port.unwrap_or(0) <= 0
            && r.to_port.unwrap_or(65535) >= 65535)
}

fn net(r: &Rule) -> Option<IpNet> {
    match &r.source {
        Source::CidrV4(c) | Source::CidrV6(c) => c.trim().parse().ok(),
        _ => None,
    }
}

/// The non-public tables, parsed once.
fn not_public() -> &'static (Vec<Ipv4Net>, Vec<Ipv6Net>) {
    static T: std::sync::OnceLock<(Vec<Ipv4Net>, Vec<Ipv6Net>)> = std::sync::OnceLock::new();
    T.get_or_init(|| {
        (
            NOT_PUBLIC_V4
                .iter()
                .map(|s| s.parse().expect("static net"))
                .collect(),
            NOT_PUBLIC_V6
                .iter()
                .map(|s| s.parse().expect("static net"))
                .collect(),
        )
    })
}

/// Whether these networks, with the non-public space, cover all addresses
/// of their family.
fn covers_public(nets: &[IpNet]) -> bool {
    let (np4, np6) = not_public();
    let v4: Vec<Ipv4Net> = nets
        .iter()
        .filter_map(|n| match n {
            IpNet::V4(n) => Some(*n),
            _ => None,
        })
        .chain(np4.iter().copied())
        .collect();
    let v6: Vec<Ipv6Net> = nets
        .iter()
        .filter_map(|n| match n {
            IpNet::V6(n) => Some(*n),
            _ => None,
        })
        .chain(np6.iter().copied())
        .collect();
    let whole = |agg: Vec<IpNet>| agg.iter().any(|n| n.prefix_len() == 0);
    whole(Ipv4Net::aggregate(&v4).into_iter().map(IpNet::V4).collect())
        || whole(Ipv6Net::aggregate(&v6).into_iter().map(IpNet::V6).collect())
}

/// The rules (among `rules`) that together make the whole public internet
/// a source; empty when their union leaves some public address out.
pub fn world_open<'a>(rules: impl IntoIterator<Item = &'a Rule>) -> Vec<&'a Rule> {
    let with_nets: Vec<(&Rule, IpNet)> = rules
        .into_iter()
        .filter_map(|r| net(r).map(|n| (r, n)))
        .collect();
    // Without a rule reaching public space there is nothing to add up.
    if with_nets.iter().all(|(_, n)| inside_not_public(n)) {
        return vec![];
    }
    let nets: Vec<IpNet> = with_nets.iter().map(|(_, n)| *n).collect();
    if !covers_public(&nets) {
        return vec![];
    }
    // Only the rules that reach public space are the evidence.
    with_nets
        .into_iter()
        .filter(|(_, n)| !inside_not_public(n))
        .map(|(r, _)| r)
        .collect()
}

fn inside_not_public(n: &IpNet) -> bool {
    let (np4, np6) = not_public();
    match n {
        IpNet::V4(n) => np4.iter().any(|p| p.contains(n)),
        IpNet::V6(n) => np6.iter().any(|p| p.contains(n)),
    }
}

/// Rules that make any of `ports` world-open over TCP or UDP, not counting
/// rules that open every port (those are their own finding). Coverage is
/// judged per port and protocol: rules opening different ports never add up.
pub fn world_open_ports<'a>(rules: &'a [Rule], ports: &[i64]) -> Vec<&'a Rule> {
    let mut out: Vec<&Rule> = Vec::new();
    for &p in ports {
        for proto in ["tcp", "udp"] {
            let admitting = rules
                .iter()
                .filter(|r| !all_ports(r) && admits(r, proto, p));
            for r in world_open(admitting) {
                if !out.contains(&r) {
                    out.push(r);
                }
            }
        }
    }
    out
}

/// Rules wider than `min_width` ports (not all of them) that make some port
/// world-open. What a port is open to changes only where a rule's range
/// starts, so testing each wide rule's first port finds every case.
pub fn world_open_ranges(rules: &[Rule], min_width: i64) -> Vec<&Rule> {
    let wide: Vec<Rule> = rules
        .iter()
        .filter(|r| matches!(r.protocol.as_str(), "tcp" | "udp") && !all_ports(r))
        .filter(|r| {
            i64::from(r.to_port.unwrap_or(0)) - i64::from(r.from_port.unwrap_or(0)) + 1 > min_width
        })
        .cloned()
        .collect();
    let starts: Vec<i64> = wide
        .iter()
        .map(|r| i64::from(r.from_port.unwrap_or(0)))
        .collect();
    let open = world_open_ports(&wide, &starts);
    rules.iter().filter(|r| open.contains(r)).collect()
}

/// Whether a CIDR reaches public space and is wider than `/max_prefix`
/// (for its family): a broad grant that is not quite the world.
pub fn wide_public(cidr: &str, max_v4: u8, max_v6: u8) -> bool {
    let Ok(n) = cidr.trim().parse::<IpNet>() else {
        return false;
    };
    let max = match n {
        IpNet::V4(_) => max_v4,
        IpNet::V6(_) => max_v6,
    };
    n.prefix_len() < max && !inside_not_public(&n)
}

/// The groups among `ids` (in `region`) whose ingress rules, taken together
/// as AWS takes every group of an interface together, leave any of `ports`
/// world-open, or every port: what a public IP or a publicly accessible
/// database behind them is reachable on. Two groups that each admit half
/// the internet are both named. `groups` is the check index's
/// `region/sg-id` → attrs map; a group not in it is skipped.
pub fn world_open_groups(
    groups: &Groups,
    lists: &PrefixLists,
    region: &str,
    ids: &[String],
    ports: &[i64],
) -> Result<Vec<String>, String> {
    let mut rules: Vec<Rule> = Vec::new();
    let mut owner: Vec<&String> = Vec::new();
    for g in ids {
        let Some(mine) = groups.0.get(&format!("{region}/{g}")) else {
            continue;
        };
        let mine = lists.expand(mine)?;
        owner.extend(std::iter::repeat_n(g, mine.len()));
        rules.extend(mine);
    }
    let mut open = world_open(rules.iter().filter(|r| all_ports(r)));
    open.extend(world_open_ports(&rules, ports));
    let mut out: Vec<String> = open
        .iter()
        .filter_map(|hit| rules.iter().position(|r| std::ptr::eq(r, *hit)))
        .map(|i| owner[i].clone())
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(proto: &str, from: i32, to: i32, cidr: &str) -> Rule {
        Rule {
            protocol: proto.into(),
            from_port: Some(from),
            to_port: Some(to),
            source: if cidr.contains(':') {
                Source::CidrV6(cidr.into())
            } else {
                Source::CidrV4(cidr.into())
            },
            description: None,
            via: None,
        }
    }

    #[test]
    fn split_ranges_that_cover_the_internet_are_world_open() {
        let halves = [
            rule("tcp", 22, 22, "0.0.0.0/1"),
            rule("tcp", 22, 22, "128.0.0.0/1"),
        ];
        assert_eq!(world_open_ports(&halves, &[22]).len(), 2);
        let quarters: Vec<Rule> = ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"]
            .iter()
            .map(|c| rule("tcp", 22, 22, c))
            .collect();
        assert_eq!(world_open_ports(&quarters, &[22]).len(), 4);
        // Everything public but one /24 is not the world.
        let most: Vec<Rule> = ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2"]
            .iter()
            .map(|c| rule("tcp", 22, 22, c))
            .collect();
        assert!(world_open_ports(&most, &[22]).is_empty());
    }

    #[test]
    fn private_space_is_not_needed_and_not_evidence() {
        // All public space, leaving out only private and reserved ranges.
        let mut public: Vec<Rule> = Ipv4Net::aggregate(&vec!["0.0.0.0/0".parse().unwrap()])
            .iter()
            .map(|n| rule("tcp", 443, 443, &n.to_string()))
            .collect();
        public.push(rule("tcp", 443, 443, "10.0.0.0/8"));
        let open = world_open_ports(&public, &[443]);
        assert_eq!(open.len(), 1, "the /0 is the evidence, not 10/8");
        assert!(world_open_ports(&[rule("tcp", 443, 443, "10.0.0.0/8")], &[443]).is_empty());
    }

    #[test]
    fn rules_for_different_ports_never_add_up() {
        let split = [
            rule("tcp", 22, 22, "0.0.0.0/1"),
            rule("tcp", 23, 23, "128.0.0.0/1"),
        ];
        assert!(world_open_ports(&split, &[22, 23]).is_empty());
        let v6 = [
            rule("tcp", 0, 65535, "::/0"),
            rule("tcp", 22, 22, "2000::/3"),
        ];
        assert_eq!(
            world_open_ports(&v6, &[22]).len(),
            1,
            "the 0-65535 rule is SG001's"
        );
        let udp = [rule("udp", 137, 137, "0.0.0.0/0")];
        assert_eq!(world_open_ports(&udp, &[137]).len(), 1);
        let mixed = [
            rule("tcp", 137, 137, "0.0.0.0/1"),
            rule("udp", 137, 137, "128.0.0.0/1"),
        ];
        assert!(
            world_open_ports(&mixed, &[137]).is_empty(),
            "TCP and UDP do not add up"
        );
    }

    #[test]
    fn wide_ranges_are_judged_where_they_overlap() {
        let overlap = [
            rule("tcp", 1000, 5000, "0.0.0.0/1"),
            rule("tcp", 4000, 9000, "128.0.0.0/1"),
        ];
        assert_eq!(
            world_open_ranges(&overlap, 1000).len(),
            2,
            "4000-5000 is open to all"
        );
        let apart = [
            rule("tcp", 1000, 3000, "0.0.0.0/1"),
            rule("tcp", 5000, 9000, "128.0.0.0/1"),
        ];
        assert!(world_open_ranges(&apart, 1000).is_empty());
        assert!(world_open_ranges(&[rule("tcp", 80, 90, "0.0.0.0/0")], 1000).is_empty());
    }

    #[test]
    fn wide_public_sources_stop_at_the_prefix() {
        assert!(wide_public("52.0.0.0/8", 16, 32));
        assert!(!wide_public("52.94.0.0/16", 16, 32));
        assert!(!wide_public("10.0.0.0/8", 16, 32), "private, however wide");
        assert!(wide_public("2600::/16", 16, 32));
        assert!(!wide_public("not a cidr", 16, 32));
    }
}
