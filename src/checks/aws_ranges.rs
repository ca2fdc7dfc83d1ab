//! AWS's EC2 address ranges (`data/aws-ec2-ip-ranges.txt`, compiled in;
//! source and date in `data/SOURCES.md`): the region an address belongs to,
//! if instances and Elastic IPs can get it. A DNS record pointing at such
//! an address that the account no longer holds can be claimed by anyone
//! who allocates addresses in that region; one pointing outside these
//! ranges cannot be claimed through AWS at all.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::OnceLock;

const DATA: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/data/aws-ec2-ip-ranges.txt"
));

/// Prefixes by length, each mapping the masked network to its region:
/// a lookup is one hash probe per length present, longest first.
struct Table {
    v4: Vec<(u8, HashMap<u32, &'static str>)>,
    v6: Vec<(u8, HashMap<u128, &'static str>)>,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut v4: HashMap<u8, HashMap<u32, &'static str>> = HashMap::new();
        let mut v6: HashMap<u8, HashMap<u128, &'static str>> = HashMap::new();
        for line in DATA
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        {
            let Some((cidr, region)) = line.split_once(' ') else {
                continue;
            };
            match cidr.parse::<ipnet::IpNet>() {
                Ok(ipnet::IpNet::V4(n)) => {
                    v4.entry(n.prefix_len())
                        .or_default()
                        .insert(u32::from(n.network()), region);
                }
                Ok(ipnet::IpNet::V6(n)) => {
                    v6.entry(n.prefix_len())
                        .or_default()
                        .insert(u128::from(n.network()), region);
                }
                Err(_) => {}
            }
        }
        Table {
            v4: longest_first(v4),
            v6: longest_first(v6),
        }
    })
}

fn longest_first<T>(m: HashMap<u8, T>) -> Vec<(u8, T)> {
    let mut v: Vec<(u8, T)> = m.into_iter().collect();
    v.sort_by_key(|e| std::cmp::Reverse(e.0));
    v
}

/// The AWS region whose EC2 range holds `ip`, if any.
pub fn ec2_region(ip: IpAddr) -> Option<&'static str> {
    let t = table();
    match ip {
        IpAddr::V4(a) => {
            let a = u32::from(a);
            t.v4.iter().find_map(|(len, m)| {
                let mask = u32::MAX.checked_shl(32 - u32::from(*len)).unwrap_or(0);
                m.get(&(a & mask)).copied()
            })
        }
        IpAddr::V6(a) => {
            let a = u128::from(a);
            t.v6.iter().find_map(|(len, m)| {
                let mask = u128::MAX.checked_shl(128 - u32::from(*len)).unwrap_or(0);
                m.get(&(a & mask)).copied()
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_map_to_their_ec2_region_and_others_to_none() {
        let r = |s: &str| ec2_region(s.parse().unwrap());
        assert_eq!(r("100.24.0.10"), Some("us-east-1"));
        assert_eq!(r("54.214.1.1"), Some("us-west-2"));
        assert_eq!(r("8.8.8.8"), None);
        assert_eq!(r("203.0.113.5"), None);
        assert!(
            DATA.contains("# createDate: 2026-08-22-21-17-05"),
            "the copy names its date"
        );
        assert!(table().v4.iter().map(|(_, m)| m.len()).sum::<usize>() > 1000);
        assert!(!table().v6.is_empty());
    }
}
